from .routes import blp

blueprints = (blp,)
