"""notify(): the one way domains send a notification. Joins the caller's transaction."""
from ..db import utcnow
from ..extensions import db
from .models import Notification


def notify(user_id: int | None, kind: str, title: str, body: str = "", page: str | None = None,
           data: dict | None = None) -> Notification | None:
    """Queue a notification for `user_id` (None: a resident without an account; nothing to send).

    `data` holds the values the subscribe-message template fields are filled from.
    """
    if user_id is None:
        return None
    n = Notification(user_id=user_id, kind=kind, title=title, body=body, page=page,
                     data=data or {}, delivery="pending", next_attempt_at=utcnow())
    db.session.add(n)
    return n
