"""Notifications: subscribe templates, credits, the in-app inbox (API.md "Notifications")."""
from backend.notifications import services

from ..auth import current_user
from ..blueprint import Blueprint
from ..idempotency import idempotent
from . import schemas as s

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="通知：订阅消息模板与额度、站内消息")


@blp.get("/notification-templates")
@blp.response(200, s.TemplateList)
def notification_templates():
    """订阅消息模板"""
    return {"items": services.template_list()}


@blp.get("/me/subscriptions")
@blp.login_required
@blp.response(200, s.SubscriptionList)
def my_subscriptions():
    """我的订阅消息额度"""
    return {"items": services.subscriptions(current_user())}


@blp.post("/me/subscriptions")
@blp.login_required
@idempotent
@blp.arguments(s.SubscriptionsIn)
@blp.response(200, s.SubscriptionList)
def accept_subscriptions(args):
    """登记订阅消息授权"""
    return {"items": services.accept(current_user(), args["accepted"])}


@blp.get("/me/notifications")
@blp.login_required
@blp.arguments(s.InboxArgs, location="query")
@blp.response(200, s.NotificationPage)
def my_notifications(args):
    """站内消息"""
    return services.inbox(current_user(), args["unread"], args["page"], args["page_size"])


@blp.post("/me/notifications/<int:notification_id>/read")
@blp.login_required
@blp.response(200, s.NotificationOut)
def mark_notification_read(notification_id):
    """标为已读"""
    return services.mark_read(current_user(), notification_id)
