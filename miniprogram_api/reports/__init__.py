from . import routes

blueprints = (routes.blp,)
