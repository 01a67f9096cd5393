"""Worker jobs: extend slots to the horizon daily, remind 24 h and 2 h before appointments."""
from datetime import timedelta

from sqlalchemy import select, update

from ..db import utcnow
from ..extensions import db
from ..units import transaction
from . import schedule
from .notices import notify_residents_users
from .models import Appointment

# Run the extension at most this often per process; it is idempotent, so a second worker is harmless.
EXTEND_EVERY = timedelta(hours=1)
_last_extend = {"at": None}

REMINDERS = (("reminded_24h_at", timedelta(hours=24), "康复预约提醒（明天）"),
             ("reminded_2h_at", timedelta(hours=2), "康复预约提醒（2 小时后）"))


def extend_slots() -> int:
    now = utcnow()
    last = _last_extend["at"]
    if last is not None and now - last < EXTEND_EVERY:
        return 0
    created = schedule.extend_all(now)
    _last_extend["at"] = now
    return created


def send_reminders() -> int:
    return send_due_reminders()


def send_due_reminders(now=None) -> int:
    """Each reminder once per appointment: claimed with a conditional UPDATE, notified in the same
    transaction, so two workers never both send it."""
    now = now or utcnow()
    sent = 0
    for column, lead, title in REMINDERS:
        col = getattr(Appointment, column)
        with transaction():
            due = db.session.scalars(select(Appointment.id).where(
                Appointment.status == "booked", col.is_(None),
                Appointment.starts_at > now, Appointment.starts_at <= now + lead).order_by(Appointment.starts_at)
                .limit(500)).all()
        for appointment_id in due:
            with transaction():  # one claim per transaction
                claimed = db.session.execute(update(Appointment).where(
                    Appointment.id == appointment_id, col.is_(None), Appointment.status == "booked")
                    .values({column: now}).execution_options(synchronize_session=False)).rowcount
                if claimed == 1:
                    notify_residents_users(db.session.get(Appointment, appointment_id), "appointment_reminder", title)
                    sent += 1
    return sent
