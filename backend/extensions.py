"""Unbound extensions, bound to the app in create_app. Nothing else lives here."""
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from .db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
