"""Worker jobs of loans: lapsed holds ended (their units free again, waiting people served), and the
reminders `device_loan_due` (3 days before the due date) and `device_loan_overdue` (the day after),
each once per loan and due date.

Once: each reminder is claimed with a conditional UPDATE (`due_reminded_for` is not yet this due
date) in the transaction that writes the notification, so two workers at once, or a pass run twice,
send it once; a renewal moves `due_on`, which re-arms both. Days are the centre's calendar days."""
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from .. import localtime
from ..db import utcnow
from ..extensions import db
from ..units import transaction
from . import notices, pool
from .models import DeviceLoan

DUE_BEFORE_DAYS = 3
BATCH = 500


def lapse_holds(now: datetime | None = None) -> int:
    now = now or utcnow()
    with transaction():
        pools = db.session.execute(select(DeviceLoan.site_id, DeviceLoan.product_id).where(
            DeviceLoan.status == "reserved", DeviceLoan.hold_expires_at <= now).distinct()).all()
    ended = 0
    for site_id, product_id in pools:
        with transaction():  # one pool per transaction, under its lock
            pool.lock_pool(product_id)
            ended += pool.lapse_expired(site_id, product_id, now)
            pool.serve_waiting(site_id, product_id, now)
    return ended


def send_reminders(now: datetime | None = None) -> int:
    now = now or utcnow()
    # The widest window any zone can be in (UTC-12 … UTC+14); each row is then checked in its own.
    today = now.date()
    with transaction():
        rows = db.session.execute(select(DeviceLoan.id, DeviceLoan.site_id, DeviceLoan.due_on).where(
            DeviceLoan.status == "on_loan", DeviceLoan.due_on <= today + timedelta(days=DUE_BEFORE_DAYS + 1),
            or_(DeviceLoan.due_reminded_for.is_(None), DeviceLoan.due_reminded_for != DeviceLoan.due_on,
                DeviceLoan.overdue_reminded_for.is_(None), DeviceLoan.overdue_reminded_for != DeviceLoan.due_on))
            .order_by(DeviceLoan.due_on, DeviceLoan.id).limit(BATCH)).all()
    sent = 0
    for loan_id, site_id, due_on in rows:
        local = localtime.local_date(now, site_id)
        if due_on < local:
            # Past due: the overdue reminder; the due one is over too (never sent late).
            column, notice, also = DeviceLoan.overdue_reminded_for, notices.overdue, {"due_reminded_for": due_on}
        elif due_on - timedelta(days=DUE_BEFORE_DAYS) <= local:
            column, notice, also = DeviceLoan.due_reminded_for, notices.due, {}
        else:
            continue
        with transaction():  # one claim per transaction
            claimed = db.session.execute(update(DeviceLoan).where(
                DeviceLoan.id == loan_id, DeviceLoan.status == "on_loan", DeviceLoan.due_on == due_on,
                or_(column.is_(None), column != due_on)).values({column.key: due_on, **also})
                .execution_options(synchronize_session=False)).rowcount
            if claimed == 1:
                notice(db.session.get(DeviceLoan, loan_id))
                sent += 1
    return sent
