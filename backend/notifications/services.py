"""Use cases of the inbox, the template list and subscribe credits (one transaction each)."""
from sqlalchemy import select, update

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..identity import User
from ..units import use_case
from . import credits, templates
from .models import Notification


def template_list() -> list[dict]:
    return [{"kind": t.kind, "template_id": t.template_id, "title": t.title}
            for t in templates.configured().values()]


def subscriptions(user: User) -> list[dict]:
    """Remaining credits for every configured template (0 when none accepted yet)."""
    have = credits.remaining(user.id)
    return [{"template_id": t.template_id, "kind": t.kind, "title": t.title,
             "remaining": have.get(t.template_id, 0)} for t in templates.configured().values()]


@use_case
def accept(user: User, template_ids: list[str]) -> list[dict]:
    """One credit per template the user accepted. Any unknown id → 422 and nothing is added."""
    known = templates.by_template_id()
    unknown = [n for n, t in enumerate(template_ids, 1) if t not in known]
    if unknown:
        raise Invalid("validation_error", "包含未配置的订阅消息模板",
                      fields={"accepted": [f"第 {n} 项不是已配置的模板" for n in unknown]})
    # One accept per template per request: wx.requestSubscribeMessage answers each id once.
    for template_id in dict.fromkeys(template_ids):
        credits.add(user.id, template_id)
    return subscriptions(user)


def inbox(user: User, unread: bool | None, page: int, page_size: int) -> dict:
    result = page_of(_inbox_query(user, unread), page, page_size)
    result["items"] = [inbox_view(n) for n in result["items"]]
    return result


def _inbox_query(user: User, unread: bool | None):
    """The user's notifications, newest first; `unread=True` only unread, False only read."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


@use_case
def mark_read(user: User, notification_id: int) -> dict:
    """Idempotent: the first read time stays. Someone else's notification → 404."""
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != user.id:
        raise NotFound()
    if n.read_at is None:
        # Conditional, so two devices marking it at once keep the first time.
        db.session.execute(update(Notification).where(
            Notification.id == n.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
        db.session.refresh(n)
    return inbox_view(n)


def inbox_view(n: Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "page": n.page,
            "created_at": localtime.at(n.created_at), "read_at": localtime.at(n.read_at),
            "delivery": "pending" if n.delivery == "sending" else n.delivery}
