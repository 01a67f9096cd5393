"""Weekly plans and their slots.

A plan (`PUT /staff/rehab/services/{id}/schedule`) is materialised into slot rows up to the booking
horizon, at once and by a daily job that extends the horizon. Syncing is idempotent: future free
slots follow the plan, booked ones are never deleted (they are reported as conflicts), and a
therapist never gets two overlapping open slots, buffers included, across the site's services.
All slot writes of a site happen under a lock on the site row, so the check-then-insert is safe;
on PostgreSQL an exclusion constraint is the backstop.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, delete, exists, select, update

from .. import audit
from ..db import utcnow
from ..errors import Invalid
from ..extensions import db
from ..identity import User, require_staff
from ..sites import Site
from ..units import lock, transaction, use_case
from . import rules
from .booking import lock_slots
from .catalogue import get_service, managed_service
from .models import Appointment, RehabService, RehabSlot, Therapist
from .views import conflict_view

DAY_MIN = 24 * 60


@dataclass
class Candidate:
    therapist_id: int
    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime
    capacity: int

    @property
    def key(self):
        return self.therapist_id, self.starts_at, self.ends_at


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def entry_range(entry: dict) -> tuple[int, int]:
    """(start, end) in minutes from the anchor day's midnight; an end at or before the start runs
    past midnight into the next day ("22:00"-"01:00"), "24:00" is the next midnight."""
    start, end = minutes(entry["start"]), minutes(entry["end"])
    if end <= start:
        end += DAY_MIN
    return start, end


# ---------------------------------------------------------------- the plan

@use_case
def set_schedule(user: User, service_id: int, data: dict) -> dict:
    """Replace a service's weekly plan and reshape its future slots; conflicts are returned."""
    service = managed_service(user, service_id)
    _validate_plan(service, data)
    site = lock_site(service.site_id)
    before = dict(service.schedule or {})
    service.schedule = {
        "slot_min": data["slot_min"],
        "weekly": [dict(e) for e in data["weekly"]],
        "valid_from": data["valid_from"].isoformat(),
        "valid_to": data["valid_to"].isoformat() if data.get("valid_to") else None,
    }
    audit.record_change(user.id, "update", "rehab_schedule", service.id, before=before, after=service.schedule,
                        site_id=service.site_id)
    result = sync_service(service, site, utcnow())
    result["conflicts"] = [conflict_view(c, site) for c in result["conflicts"]]
    return {"service_id": service.id, **service.schedule, **result}


class _Preview(Exception):
    """Carries a preview's answer out of its unit, which then rolls back."""

    def __init__(self, answer: dict):
        super().__init__("preview")
        self.answer = answer


def preview_schedule(user: User, service_id: int, data: dict) -> dict:
    """What `set_schedule` would answer (slots created and removed, conflicts), with nothing saved:
    the same use case, run in a unit that is rolled back (the console shows the conflicts before
    staff save). The site lock is held for the length of the dry run, as for a save."""
    try:
        with transaction():
            raise _Preview(set_schedule(user, service_id, data))
    except _Preview as preview:
        return preview.answer


def get_schedule(user: User, service_id: int) -> dict:
    service = get_service(service_id, public=False)
    require_staff(user, service.site_id)
    plan = service.schedule or {"slot_min": service.duration_min, "weekly": [], "valid_from": None,
                                "valid_to": None}
    return {"service_id": service.id, **plan, "created": 0, "removed": 0, "conflicts": []}


def _validate_plan(service: RehabService, data: dict) -> None:
    fields: dict[str, list[str]] = {}
    if data["slot_min"] < service.duration_min:
        fields["slot_min"] = [f"不能短于服务时长 {service.duration_min} 分钟"]
    if data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        fields["valid_to"] = ["结束日期不能早于生效日期（valid_from）"]
    therapist_ids = {e["therapist_id"] for e in data["weekly"]}
    known = set(db.session.scalars(select(Therapist.id).where(
        Therapist.id.in_(therapist_ids), Therapist.site_id == service.site_id, Therapist.active.is_(True))))
    for i, entry in enumerate(data["weekly"]):
        if entry["therapist_id"] not in known:
            fields[f"weekly.{i}.therapist_id"] = ["不是本站点的康复师"]
        if entry["start"] == entry["end"]:
            fields[f"weekly.{i}.end"] = ["结束时间不能等于开始时间"]
        elif entry_range(entry)[1] - entry_range(entry)[0] < data["slot_min"]:
            fields[f"weekly.{i}.end"] = [f"时间段不足一个时段（{data['slot_min']} 分钟）"]
    if fields:
        raise Invalid(fields=fields)


def lock_site(site_id: int, *, skip_locked: bool = False) -> Site | None:
    """Serialises slot generation and closures per site.

    FOR NO KEY UPDATE, not FOR UPDATE: a booking inserting an appointment takes FOR KEY SHARE on the
    site through its foreign key *after* locking its slot, so a full FOR UPDATE here (taken before the
    slots) would deadlock with it. NO KEY UPDATE still excludes other schedule edits and closures.
    """
    return db.session.scalars(lock(select(Site).where(Site.id == site_id),
                                   key_share=True, skip_locked=skip_locked)).first()


# ---------------------------------------------------------------- materialising

def plan_candidates(service: RehabService, site: Site, now: datetime) -> list[Candidate]:
    """The slots the plan asks for, from now to the horizon's last day (by local start date)."""
    plan = service.schedule
    if not plan or not service.active:
        return []
    calendar = rules.Calendar.of(site)
    first, last = calendar.local_date(now), calendar.last_bookable_day(now)
    closed = rules.closed_days(site.id, first, last)
    valid_from = date.fromisoformat(plan["valid_from"])
    valid_to = date.fromisoformat(plan["valid_to"]) if plan.get("valid_to") else None
    slot = timedelta(minutes=plan["slot_min"])
    step = plan["slot_min"] + service.buffer_min
    buffer = timedelta(minutes=service.buffer_min)
    zone = calendar.zone
    out: list[Candidate] = []
    anchor = first - timedelta(days=1)  # yesterday's range may run past midnight into today
    while anchor <= last:
        if valid_from <= anchor and (valid_to is None or anchor <= valid_to):
            for entry in plan["weekly"]:
                if entry["weekday"] != anchor.isoweekday():
                    continue
                start, end = entry_range(entry)
                m = start
                while m + plan["slot_min"] <= end:
                    # Wall-clock arithmetic for starts (09:00, 09:30 stay on the clock face), elapsed
                    # time for the length; zoneinfo maps each wall time to its instant.
                    wall = datetime.combine(anchor, time(0)) + timedelta(minutes=m)
                    starts = wall.replace(tzinfo=zone).astimezone(timezone.utc)
                    day = wall.date()
                    if (first <= day <= last and starts > now and day not in closed
                            and calendar.opens_on(day)):
                        out.append(Candidate(entry["therapist_id"], starts, starts + slot,
                                             starts + slot + buffer, entry["capacity"]))
                    m += step
        anchor += timedelta(days=1)
    return out


def sync_service(service: RehabService, site: Site, now: datetime) -> dict:
    """Make the service's future open slots (up to the horizon) follow its plan. Caller holds the site lock."""
    calendar = rules.Calendar.of(site)
    horizon_end = calendar.day_start(calendar.last_bookable_day(now) + timedelta(days=1))
    candidates = plan_candidates(service, site, now)
    existing = db.session.scalars(select(RehabSlot).where(
        RehabSlot.service_id == service.id, RehabSlot.status == "open",
        RehabSlot.starts_at > now, RehabSlot.starts_at < horizon_end)).all()
    by_key = {(s.therapist_id, s.starts_at, s.ends_at): s for s in existing}
    conflicts: list[dict] = []
    wanted = {c.key: c for c in candidates}
    for key, slot in by_key.items():
        c = wanted.get(key)
        if c is not None and c.capacity != slot.capacity:
            if c.capacity < slot.booked:
                conflicts.append(_conflict("capacity_below_booked", slot))
            slot.capacity = max(c.capacity, slot.booked)

    stale_ids = [s.id for s in existing if (s.therapist_id, s.starts_at, s.ends_at) not in wanted]
    removed = 0
    if stale_ids:
        db.session.flush()
        lock_slots(RehabSlot.id.in_(stale_ids))
        retired = set(db.session.scalars(update(RehabSlot).where(
            RehabSlot.id.in_(stale_ids), RehabSlot.booked == 0, RehabSlot.status == "open")
            .values(status="retired").returning(RehabSlot.id)))
        removed = len(retired)
        for slot_id in set(stale_ids) - retired:
            # Booked: never deleted. No more bookings into it; staff resolve it (move or cancel).
            slot = db.session.get(RehabSlot, slot_id)
            db.session.refresh(slot)
            slot.capacity = slot.booked
            conflicts.append(_conflict("booked_slot_not_in_plan", slot))
        if retired:
            db.session.execute(delete(RehabSlot).where(
                RehabSlot.id.in_(retired),
                ~exists().where(Appointment.slot_id == RehabSlot.id)))  # history keeps the rest
    db.session.flush()

    new = sorted((c for c in candidates if c.key not in by_key), key=lambda c: c.starts_at)
    created = 0
    if new:
        busy = _busy_slots({c.therapist_id for c in new}, new[0].starts_at - timedelta(days=1),
                           max(c.blocked_until for c in new))
        for c in new:
            clash = next((b for b in busy.get(c.therapist_id, [])
                          if b[0] < c.blocked_until and c.starts_at < b[1]), None)
            if clash is not None:
                conflicts.append({"reason": "therapist_busy", "slot_id": None, "starts_at": c.starts_at,
                                  "ends_at": c.ends_at, "therapist_id": c.therapist_id, "booked": 0,
                                  "other_slot_id": clash[2]})
                continue
            slot = RehabSlot(site_id=site.id, service_id=service.id, therapist_id=c.therapist_id,
                             starts_at=c.starts_at, ends_at=c.ends_at, blocked_until=c.blocked_until,
                             capacity=c.capacity, booked=0, status="open")
            db.session.add(slot)
            db.session.flush()
            busy.setdefault(c.therapist_id, []).append((c.starts_at, c.blocked_until, slot.id))
            created += 1
    return {"created": created, "removed": removed, "conflicts": conflicts}


def _busy_slots(therapist_ids: set[int], since: datetime, until: datetime) -> dict[int, list]:
    rows = db.session.execute(select(RehabSlot.therapist_id, RehabSlot.starts_at, RehabSlot.blocked_until,
                                     RehabSlot.id).where(
        RehabSlot.therapist_id.in_(therapist_ids), RehabSlot.status == "open",
        and_(RehabSlot.starts_at < until, RehabSlot.blocked_until > since))).all()
    out: dict[int, list] = {}
    for t, s, b, i in rows:
        out.setdefault(t, []).append((s, b, i))
    return out


def _conflict(reason: str, slot: RehabSlot) -> dict:
    return {"reason": reason, "slot_id": slot.id, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
            "therapist_id": slot.therapist_id, "booked": slot.booked, "other_slot_id": None}


def extend_all(now: datetime) -> int:
    """Daily job body: every scheduled service's slots up to today's horizon. Safe to run twice or
    concurrently: a site another worker is syncing is skipped (its lock is held)."""
    created = 0
    with transaction():
        site_ids = db.session.scalars(select(RehabService.site_id).where(
            RehabService.active.is_(True)).distinct()).all()
    for site_id in site_ids:
        with transaction():  # one site per transaction
            site = lock_site(site_id, skip_locked=True)
            if site is None:
                continue
            for service in db.session.scalars(select(RehabService).where(
                    RehabService.site_id == site_id, RehabService.active.is_(True)).order_by(RehabService.id)).all():
                if service.schedule:
                    created += sync_service(service, site, now)["created"]
    return created
