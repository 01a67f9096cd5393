"""Notifications: the in-app inbox (every notification lands there), subscribe-message credits, and
the worker that sends WeChat subscribe messages from the outbox.

Public: `notify` (joins the caller's transaction), `Notification`.
"""
from ..domains import Domain, NotificationKind, Privacy
from . import demo, handlers, jobs, privacy
from .models import Notification, SubscriptionCredit
from .outbox import notify

domain = Domain(
    name="notifications",
    models=(Notification, SubscriptionCredit),
    jobs={"send_notifications": jobs.send_notifications},
    privacy=Privacy(export={"notifications": privacy.export_notifications}, erase=privacy.erase_notifications,
                    covers=(Notification, SubscriptionCredit)),
    demo=demo.seed,
    notifications={
        "volunteer_reviewed": NotificationKind("志愿者审核结果通知", {
            "phrase1": "result", "thing2": "note", "time3": "time"}),
    },
    listens={"volunteer_reviewed": handlers.volunteer_reviewed},
)

__all__ = ["Notification", "domain", "notify"]
