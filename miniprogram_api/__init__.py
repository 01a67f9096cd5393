"""HTTP layer: routes and schemas per resource. Knows nothing of SQL."""
from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    from .identity import admin_routes, routes as identity
    from .ops import routes as ops
    from .sites import routes as sites
    from .rehab import routes as rehab, staff_routes as rehab_staff

    for blp in (ops.blp, ops.blp_v1, identity.blp, admin_routes.blp, sites.blp):
        api.register_blueprint(blp)
    api.register_blueprint(rehab.blp)
    api.register_blueprint(rehab_staff.blp)
