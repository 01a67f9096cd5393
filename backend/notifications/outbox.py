"""notify(): the one way domains send a notification. Joins the caller's transaction.

Call it before your commit: the row is an inbox item at once and the worker sends
the WeChat subscribe message after the commit; a rollback leaves nothing.

`data` holds the values the template fields are filled from; the keys each kind uses are in
its declaration (`Domain.notifications`: the field map). Times are passed in the zone of the site
they belong to (an aware datetime from `localtime.at`, or `localtime.iso`): they are stored as ISO
8601 with that offset and shown to the person as written. A UTC instant belongs to no site and is
stored in the federation's zone.
"""
from datetime import date, datetime
from decimal import Decimal

from .. import domains, localtime
from ..db import utcnow
from ..extensions import db
from .models import Notification


def notify(user_id: int | None, kind: str, title: str, body: str = "", page: str | None = None,
           data: dict | None = None) -> Notification | None:
    """Queue a notification for `user_id` (None: a resident without an account; nothing to send)."""
    if kind not in domains.notification_kinds():
        raise ValueError(f"unknown notification kind {kind!r}: no domain declares it")
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
        if isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset().total_seconds() == 0:
            value = localtime.iso(value)
        elif isinstance(value, (datetime, date)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[str(key)] = value
    return out
