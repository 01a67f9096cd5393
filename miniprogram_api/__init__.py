"""HTTP layer: routes and schemas per resource. Knows nothing of SQL."""
from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    from .activities import routes as activities, staff_routes as activities_staff
    from .identity import admin_routes, routes as identity
    from .ops import routes as ops
    from .sites import routes as sites

    for blp in (ops.blp, ops.blp_v1, identity.blp, admin_routes.blp, sites.blp):
        api.register_blueprint(blp)
    api.register_blueprint(activities.blp)
    api.register_blueprint(activities_staff.blp)
