"""HTTP layer: routes and schemas per resource. Knows nothing of SQL."""
from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    from .identity import admin_routes, routes as identity
    from .notifications import routes as notifications
    from .ops import routes as ops
    from .sites import routes as sites

    for blp in (ops.blp, ops.blp_v1, identity.blp, admin_routes.blp, sites.blp,
                notifications.blp):
        api.register_blueprint(blp)
