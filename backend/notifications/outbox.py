"""notify(): the one way domains send a notification. Joins the caller's transaction.

Call it before your commit: the row is an inbox item at once and the worker sends
the WeChat subscribe message after the commit; a rollback leaves nothing.

`data` holds the values the template fields are filled from; the keys each kind uses
are in `backend.config.TEMPLATE_FIELDS` (e.g. signup_confirmed: activity, starts_at,
location, resident, status). Datetimes may be passed as aware datetimes: they are
stored as ISO 8601 and shown to WeChat in the site's zone.
"""
from datetime import date, datetime
from decimal import Decimal

from ..config import NOTIFICATION_KINDS
from ..db import utcnow
from ..extensions import db
from .models import Notification


def notify(user_id: int | None, kind: str, title: str, body: str = "", page: str | None = None,
           data: dict | None = None) -> Notification | None:
    """Queue a notification for `user_id` (None: a resident without an account; nothing to send)."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r} (see API.md)")
    if user_id is None:
        return None
    n = Notification(user_id=user_id, kind=kind, title=title[:100], body=body, page=page,
                     data=_json_safe(data or {}), delivery="pending", next_attempt_at=utcnow())
    db.session.add(n)
    return n


def _json_safe(data: dict) -> dict:
    """A JSON column cannot hold datetimes or decimals; keep them as text WeChat formatting can parse."""
    out = {}
    for key, value in data.items():
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[str(key)] = value
    return out
