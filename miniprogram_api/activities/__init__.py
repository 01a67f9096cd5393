from . import routes, staff_routes  # noqa: F401 - staff_routes adds its routes to the blueprint

blueprints = (routes.blp,)
