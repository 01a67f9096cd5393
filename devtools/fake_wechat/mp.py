from flask import Blueprint

bp = Blueprint("fake_mp", __name__)
