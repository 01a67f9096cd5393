from . import admin_routes, fitting_routes, handover_routes, routes, staff_routes  # noqa: F401 - they add their routes to the blueprint

blueprints = (routes.blp,)
