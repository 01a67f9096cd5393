from . import routes, staff_routes  # noqa: F401 - they add their routes to the blueprint

blueprints = (routes.blp,)
