from . import admin_routes, routes, web_session_routes  # noqa: F401 - they add their routes to the blueprint

blueprints = (routes.blp,)
