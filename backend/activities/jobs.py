"""Periodic work of the activities domain (run by `flask worker`)."""
from datetime import timedelta

from sqlalchemy import select, update

from ..db import utcnow
from ..extensions import db
from ..units import transaction
from .models import Activity, Signup
from .notices import notify_signup

REMIND_BEFORE = timedelta(hours=24)
BATCH = 200


def send_reminders() -> int:
    """`activity_reminder` for confirmed signups of activities starting within 24 hours, once each.

    Each signup is claimed with a conditional UPDATE (`reminded_at IS NULL`), so two
    workers running at once, or a pass run twice, never remind anyone twice.
    """
    now = utcnow()
    with transaction():
        due = db.session.execute(select(Signup.id, Signup.activity_id).join(Activity).where(
            Activity.status == "published", Activity.starts_at > now, Activity.starts_at <= now + REMIND_BEFORE,
            Signup.status == "confirmed", Signup.reminded_at.is_(None)).order_by(Signup.id).limit(BATCH)).all()
    sent = 0
    for signup_id, activity_id in due:
        with transaction():  # one claim per transaction: a crash loses at most this signup's reminder
            claimed = db.session.execute(update(Signup).where(Signup.id == signup_id, Signup.reminded_at.is_(None))
                                         .values(reminded_at=now)).rowcount
            if claimed:
                notify_signup(db.session.get(Signup, signup_id), db.session.get(Activity, activity_id),
                              "activity_reminder")
                sent += 1
    return sent
