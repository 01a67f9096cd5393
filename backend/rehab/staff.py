"""Station staff: closures, the day roster, appointment status."""
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import audit, events, localtime
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, ResidentLink, User, require_staff
from ..sites import get_site
from ..units import use_case
from .booking import cancel_appointment, conflict, lock_slots
from .notices import notify_residents_users
from .models import Appointment, Closure, RehabSlot
from .schedule import lock_site
from .views import appointment_view, prefetch

# Allowed staff moves (cancelling is POST /appointments/{id}/cancel).
TRANSITIONS = {("booked", "checked_in"), ("checked_in", "completed"), ("booked", "no_show"),
               ("no_show", "excused")}
ROSTER_FIELDS = ["needs", "disability_category", "disability_level"]


@use_case
def close_day(user: User, site_id: int, day: date, reason: str) -> dict:
    """Close a station for a day: its slots stop taking bookings, booked appointments are cancelled
    and each resident's users told, all in one transaction."""
    require_staff(user, site_id, manager=True)
    get_site(site_id, kind="rehab")
    site = lock_site(site_id)  # a schedule edit of this site waits, so it cannot reopen the day
    now = utcnow()
    if day < localtime.local_date(now, site):
        raise Invalid(fields={"date": ["不能早于今天"]})
    closure = Closure(site_id=site_id, day=day, reason=reason or "", created_by_id=user.id)
    db.session.add(closure)
    try:
        db.session.flush()
    except IntegrityError:  # the unit rolls back
        raise Conflict("already_closed", "该日期已设置闭站") from None
    start, end = localtime.day_range(day, day, site)
    # Closing the slots first takes their row locks: a booking racing us either committed before
    # (and is cancelled below) or fails its conditional UPDATE on status = 'open'.
    day_slots = lock_slots(RehabSlot.site_id == site_id, RehabSlot.status == "open",
                           RehabSlot.starts_at >= start, RehabSlot.starts_at < end)
    db.session.execute(update(RehabSlot).where(RehabSlot.id.in_(day_slots), RehabSlot.status == "open")
                       .values(status="closed").execution_options(synchronize_session=False))
    due = db.session.scalars(select(Appointment).where(
        Appointment.site_id == site_id, Appointment.status == "booked",
        Appointment.starts_at >= start, Appointment.starts_at < end).order_by(Appointment.id)).all()
    cancelled = 0
    for a in due:
        if cancel_appointment(a, user.id, reason or "闭站", now):
            notify_residents_users(a, "appointment_cancelled", "康复预约已取消", extra=f"闭站：{reason}"[:40])
            cancelled += 1
    return {"id": closure.id, "site_id": site_id, "date": day, "reason": closure.reason,
            "cancelled_appointments": cancelled}


@use_case
def day_roster(user: User, site_id: int, day: date | None) -> dict:
    """The day's appointments with each resident's needs and how their family prefers to be
    addressed; a read of sensitive fields, so it is audited."""
    require_staff(user, site_id)
    site = get_site(site_id, kind="rehab")
    day = day or localtime.local_date(utcnow(), site)
    start, end = localtime.day_range(day, day, site)
    rows = db.session.scalars(select(Appointment).where(
        Appointment.site_id == site_id, Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at, Appointment.id)).all()
    loaded = prefetch(rows)  # noqa: F841 - held so the identity map keeps the rows
    prefs: dict[int, list] = {}
    if rows:  # the linked users' preferences of every resident of the day, in one statement
        for rid, pref in db.session.execute(
                select(ResidentLink.resident_id, User.preferences).join(User, ResidentLink.user_id == User.id)
                .where(ResidentLink.resident_id.in_({a.resident_id for a in rows})).order_by(ResidentLink.id)):
            prefs.setdefault(rid, []).append(pref)
    items = []
    for a in rows:
        resident = db.session.get(Resident, a.resident_id)
        communication = sorted({p.get("communication") for p in prefs.get(a.resident_id, [])
                                if p and p.get("communication")})
        view = appointment_view(a)
        view["resident"] = {"id": resident.id, "name": resident.name, "needs": resident.needs or [],
                            "disability_category": resident.disability_category,
                            "disability_level": resident.disability_level,
                            "verification": resident.verification, "communication": communication}
        view["status_note"] = a.status_note
        items.append(view)
    if rows:
        audit.record(user.id, "read", sorted({a.resident_id for a in rows}), fields=ROSTER_FIELDS, site_id=site_id)
    return {"site_id": site_id, "date": day, "items": items}


@use_case
def set_status(user: User, appointment_id: int, status: str, note: str) -> dict:
    a = db.session.get(Appointment, appointment_id)
    if a is None:
        raise NotFound()
    require_staff(user, a.site_id)
    now = utcnow()
    if (a.status, status) not in TRANSITIONS:
        raise conflict("invalid_transition")
    if status == "no_show" and now < a.starts_at:
        raise Conflict("invalid_transition", "预约开始后才能标记爽约")
    # Conditional on the status read: two staff pressing at once make one change.
    done = db.session.execute(update(Appointment).where(Appointment.id == a.id, Appointment.status == a.status)
                              .values(status=status, status_note=(note or "")[:200], status_changed_at=now,
                                      status_changed_by_id=user.id)
                              .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise conflict("invalid_transition")
    db.session.refresh(a)
    if status == "completed":
        events.emit("appointment_completed", appointment_id=a.id, resident_id=a.resident_id,
                    site_id=a.site_id, service_kind=a.service.kind, at=now, starts_at=a.starts_at,
                    minutes=int((a.ends_at - a.starts_at).total_seconds() // 60))
    return appointment_view(a)
