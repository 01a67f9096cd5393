"""HTTP layer: routes and schemas per resource. Knows nothing of SQL."""
from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    from .activities import routes as activities, staff_routes as activities_staff
    from .cafe import payments as cafe_payments, routes as cafe, staff_routes as cafe_staff
    from .identity import admin_routes, routes as identity
    from .notifications import routes as notifications
    from .ops import routes as ops
    from .rehab import routes as rehab, staff_routes as rehab_staff
    from .sites import routes as sites

    for blp in (ops.blp, ops.blp_v1, identity.blp, admin_routes.blp, sites.blp,
                activities.blp, activities_staff.blp,
                rehab.blp, rehab_staff.blp,
                cafe.blp, cafe_staff.blp, cafe_payments.blp,
                notifications.blp):
        api.register_blueprint(blp)
