"""The user's notifications and subscribe credits in GET /me/export; deleted with the account.

Deletion removes the rows outright (they name activities, appointments, orders: personal
data, and of no statistical use), so nothing is left to send or show.
"""
from sqlalchemy import delete, select

from .. import localtime
from ..extensions import db
from . import credits
from .models import Notification, SubscriptionCredit
from .services import inbox_view


def export_notifications(user, resident_ids) -> dict:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at, Notification.id)).all()
    inbox = []
    for n in rows:
        item = inbox_view(n)
        item.update(created_at=localtime.iso(n.created_at), read_at=localtime.iso(n.read_at),
                    sent_at=localtime.iso(n.sent_at), data=n.data)
        inbox.append(item)
    return {"inbox": inbox,
            "subscriptions": [{"template_id": t, "remaining": r} for t, r in sorted(credits.remaining(user.id).items())]}


def erase_notifications(user, resident_ids) -> None:
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(SubscriptionCredit).where(SubscriptionCredit.user_id == user.id))
