"""Notifications: subscribe templates, credits, the in-app inbox (API.md "Notifications")."""
from backend.notifications import services

from ..auth import Blueprint, current_user
from ..idempotency import idempotent
from . import schemas as s

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="Subscribe-message templates and credits, the in-app inbox")


@blp.get("/notification-templates")
@blp.response(200, s.TemplateList)
def templates():
    return {"items": services.template_list()}


@blp.get("/me/subscriptions")
@blp.login_required
@blp.response(200, s.SubscriptionList)
def my_subscriptions():
    return {"items": services.subscriptions(current_user())}


@blp.post("/me/subscriptions")
@blp.login_required
@idempotent
@blp.arguments(s.SubscriptionsIn)
@blp.response(200, s.SubscriptionList)
def accept_subscriptions(args):
    return {"items": services.accept(current_user(), args["accepted"])}


@blp.get("/me/notifications")
@blp.login_required
@blp.arguments(s.InboxArgs, location="query")
@blp.response(200, s.NotificationPage)
def my_notifications(args):
    page = services.inbox(current_user(), args["unread"], args["page"], args["page_size"])
    page["items"] = [services.inbox_view(n) for n in page["items"]]
    return page


@blp.post("/me/notifications/<int:notification_id>/read")
@blp.login_required
@blp.response(200, s.NotificationOut)
def mark_read(notification_id):
    return services.inbox_view(services.mark_read(current_user(), notification_id))
