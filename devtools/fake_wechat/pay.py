from flask import Blueprint

bp = Blueprint("fake_pay", __name__)
