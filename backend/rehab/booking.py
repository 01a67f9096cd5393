"""Booking, cancelling and rescheduling appointments (one use case, one transaction each).

Capacity: a conditional UPDATE (`booked + 1 <= capacity`) with a CHECK constraint behind it.
Overlap: the resident's row is locked (SELECT ... FOR UPDATE) before the overlap check, so two
bookings for one person are serialised; on PostgreSQL an exclusion constraint is the backstop.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, ResidentLink, User, acting_for, is_linked, linked_user_ids, mark_known, staff_roles
from ..moderation import check_text
from ..notifications import notify
from ..sites import Site
from ..units import lock, use_case
from . import rules
from .models import LIVE, STATUS_NAMES, Appointment, RehabService, RehabSlot
from .notices import notify_residents_users
from .views import appointment_view, appointment_views

MESSAGES = {
    "slot_full": "该时段已约满",
    "overlapping_appointment": "该居民在这个时间已有其他预约",
    "outside_booking_window": "该时段不在可预约时间内",
    "resident_not_verified": "该服务需先完成残疾人证核验",
    "booking_restricted": "近期多次爽约，暂时无法自行预约，请联系康复站",
    "cancel_cutoff_passed": "距开始时间太近，无法取消或改约，请联系康复站",
    "invalid_transition": "当前状态不允许此操作",
}


def conflict(code: str) -> Conflict:
    return Conflict(code, MESSAGES[code])


def not_changeable(a: Appointment) -> Conflict:
    """invalid_transition for a cancel or reschedule, naming the appointment's status in Chinese."""
    return Conflict("invalid_transition", f"预约当前为“{STATUS_NAMES.get(a.status, a.status)}”，不能取消或改约")


# ---------------------------------------------------------------- who acts

def _lock_resident(resident_id: int) -> Resident:
    return db.session.scalars(lock(select(Resident).where(Resident.id == resident_id))).one()


def _users_appointment(user: User, appointment_id: int) -> Appointment:
    a = db.session.get(Appointment, appointment_id)
    if a is None or not is_linked(user.id, a.resident_id):
        raise NotFound()
    return a


# ---------------------------------------------------------------- rules

def restricted_until(resident_id: int, site: Site, now: datetime) -> datetime | None:
    """No-show rule: `no_show_limit` unexcused no-shows within `no_show_window_days` → no bookings by
    the resident's users for `restriction_days` after the last of them. Counted across all stations."""
    limit = rules.rule(site, "no_show_limit")
    if limit <= 0:
        return None
    window = timedelta(days=rules.rule(site, "no_show_window_days"))
    lasting = timedelta(days=rules.rule(site, "restriction_days"))
    times = list(db.session.scalars(select(Appointment.starts_at).where(
        Appointment.resident_id == resident_id, Appointment.status == "no_show",
        Appointment.starts_at >= now - window - lasting).order_by(Appointment.starts_at)))
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window and now < times[i] + lasting:
            return times[i] + lasting
    return None


def _check_bookable(resident: Resident, slot: RehabSlot, service: RehabService, site: Site, now: datetime,
                    *, as_staff: bool, moving: int | None = None) -> None:
    if rules.window_for(site, slot.starts_at, now, as_staff=as_staff).problem(slot.starts_at, slot.status):
        raise conflict("outside_booking_window")
    if service.requires_verified and resident.verification != "verified":
        raise conflict("resident_not_verified")
    if not as_staff and restricted_until(resident.id, site, now) is not None:
        raise conflict("booking_restricted")
    overlap = select(Appointment.id).where(
        Appointment.resident_id == resident.id, Appointment.status.in_(LIVE),
        Appointment.starts_at < slot.ends_at, Appointment.ends_at > slot.starts_at)
    if moving is not None:
        overlap = overlap.where(Appointment.id != moving)
    if db.session.scalar(overlap.limit(1)) is not None:
        raise conflict("overlapping_appointment")


def _take_seat(slot: RehabSlot) -> None:
    """One seat, only if one is left: the database decides, not a value read earlier."""
    taken = db.session.execute(update(RehabSlot).where(
        RehabSlot.id == slot.id, RehabSlot.status == "open", RehabSlot.booked + 1 <= RehabSlot.capacity)
        .values(booked=RehabSlot.booked + 1).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(slot)
    if taken != 1:
        raise conflict("slot_full" if slot.status == "open" else "outside_booking_window")


def lock_slots(*where) -> list[int]:
    """Row-lock slots in id order. Every use case locks resident → slots (by id) → appointments, so
    concurrent reschedules, cancellations and closures cannot deadlock each other."""
    return list(db.session.scalars(lock(select(RehabSlot.id).where(*where).order_by(RehabSlot.id))))


def release_seat(slot_id: int) -> None:
    db.session.execute(update(RehabSlot).where(RehabSlot.id == slot_id, RehabSlot.booked > 0)
                       .values(booked=RehabSlot.booked - 1).execution_options(synchronize_session=False))


def _pre_claim_reminders(a: Appointment, now: datetime) -> None:
    """Booked (or moved) inside a reminder's lead time: the booking message is the reminder."""
    a.reminded_24h_at = now if a.starts_at - now <= timedelta(hours=24) else None
    a.reminded_2h_at = now if a.starts_at - now <= timedelta(hours=2) else None


def _flush_or_overlap() -> None:
    try:
        db.session.flush()
    except IntegrityError:  # the exclusion constraint (PostgreSQL) caught what the lock should have
        raise conflict("overlapping_appointment") from None


# ---------------------------------------------------------------- use cases

@use_case
def book(user: User, slot_id: int, resident_id: int, note: str) -> dict:
    slot = db.session.get(RehabSlot, slot_id)
    if slot is None:
        raise NotFound()
    _, as_staff = acting_for(user, resident_id, slot.site_id)
    check_text(user.openid, note)
    service = db.session.get(RehabService, slot.service_id)
    if not service.active:
        raise NotFound()
    site = db.session.get(Site, slot.site_id)
    resident = _lock_resident(resident_id)
    now = utcnow()
    _check_bookable(resident, slot, service, site, now, as_staff=as_staff)
    _take_seat(slot)
    a = Appointment(slot_id=slot.id, service_id=service.id, site_id=site.id, resident_id=resident.id,
                    booked_by_id=user.id, by_staff=as_staff, status="booked", note=note or "",
                    starts_at=slot.starts_at, ends_at=slot.ends_at)
    _pre_claim_reminders(a, now)
    db.session.add(a)
    _flush_or_overlap()
    mark_known(resident.id, site.id, "appointment")
    notify_residents_users(a, "appointment_booked", "康复预约成功")
    return appointment_view(a)


@use_case
def cancel(user: User, appointment_id: int, reason: str) -> dict:
    """A linked user cancels up to the cutoff; staff of the site at any time (the family is told)."""
    a = db.session.get(Appointment, appointment_id)
    if a is None:
        raise NotFound()
    linked = is_linked(user.id, a.resident_id)
    if not linked and not (user.is_admin or a.site_id in staff_roles(user)):
        raise NotFound()
    _lock_resident(a.resident_id)
    db.session.refresh(a)
    site = db.session.get(Site, a.site_id)
    now = utcnow()
    if a.status != "booked":
        raise not_changeable(a)
    if linked and now > a.starts_at - timedelta(hours=rules.rule(site, "cancel_cutoff_hours")):
        raise conflict("cancel_cutoff_passed")
    if not cancel_appointment(a, user.id, reason, now):
        raise conflict("invalid_transition")
    if linked:  # the family's own cancel is confirmed in the inbox too (every linked user sees it)
        notify_residents_users(a, "appointment_cancelled", "康复预约已取消", extra="已按您的申请取消")
    else:
        notify_residents_users(a, "appointment_cancelled", "康复预约已取消", extra=reason or "康复站取消")
    return appointment_view(a)


def cancel_appointment(a: Appointment, by_id: int | None, reason: str, now: datetime) -> bool:
    """booked → cancelled and its seat released, once even under races (conditional UPDATE)."""
    lock_slots(RehabSlot.id == a.slot_id)
    done = db.session.execute(update(Appointment).where(Appointment.id == a.id, Appointment.status == "booked")
                              .values(status="cancelled", cancel_reason=(reason or "")[:200], cancelled_at=now,
                                      cancelled_by_id=by_id)
                              .execution_options(synchronize_session=False)).rowcount
    if done == 1:
        release_seat(a.slot_id)
    db.session.refresh(a)
    return done == 1


@use_case
def reschedule(user: User, appointment_id: int, slot_id: int) -> dict:
    """Move to another slot atomically: the new seat is taken and the old released, or nothing changes."""
    a = _users_appointment(user, appointment_id)
    resident = _lock_resident(a.resident_id)
    db.session.refresh(a)
    if a.status != "booked":
        raise not_changeable(a)
    old_site = db.session.get(Site, a.site_id)
    now = utcnow()
    if now > a.starts_at - timedelta(hours=rules.rule(old_site, "cancel_cutoff_hours")):
        raise conflict("cancel_cutoff_passed")
    slot = db.session.get(RehabSlot, slot_id)
    if slot is None:
        raise NotFound()
    if slot.id == a.slot_id:
        raise Invalid(fields={"slot_id": ["已是该时段"]})
    service = db.session.get(RehabService, slot.service_id)
    if not service.active:
        raise NotFound()
    site = db.session.get(Site, slot.site_id)
    _check_bookable(resident, slot, service, site, now, as_staff=False, moving=a.id)
    lock_slots(RehabSlot.id.in_([a.slot_id, slot.id]))
    _take_seat(slot)
    old_slot_id, old_starts_at, old_site_id = a.slot_id, a.starts_at, a.site_id
    moved = db.session.execute(update(Appointment).where(
        and_(Appointment.id == a.id, Appointment.status == "booked", Appointment.slot_id == old_slot_id))
        .values(slot_id=slot.id, service_id=service.id, site_id=site.id, starts_at=slot.starts_at,
                ends_at=slot.ends_at).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise conflict("invalid_transition")  # raised → the unit rolls the new seat back too
    release_seat(old_slot_id)
    db.session.refresh(a)
    _pre_claim_reminders(a, now)
    _flush_or_overlap()
    mark_known(resident.id, site.id, "appointment")
    notify_residents_users(a, "appointment_rescheduled", "康复预约已改约", old_starts_at=old_starts_at,
                           old_site_id=old_site_id)
    return appointment_view(a)


def my_appointments(user: User, when: str, page: int, page_size: int) -> dict:
    result = page_of(_my_appointments_query(user, when), page, page_size)
    result["items"] = appointment_views(result["items"])
    return result


def _my_appointments_query(user: User, when: str):
    now = utcnow()
    mine = select(ResidentLink.resident_id).where(ResidentLink.user_id == user.id)
    stmt = select(Appointment).where(Appointment.resident_id.in_(mine))
    upcoming = and_(Appointment.status.in_(LIVE), Appointment.ends_at > now)
    if when == "past":
        return stmt.where(~upcoming).order_by(Appointment.starts_at.desc(), Appointment.id.desc())
    return stmt.where(upcoming).order_by(Appointment.starts_at, Appointment.id)


def get_appointment(user: User, appointment_id: int) -> dict:
    return appointment_view(_users_appointment(user, appointment_id))
