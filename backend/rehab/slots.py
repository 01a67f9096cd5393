"""Which slots are bookable: the public listing and the same rule at booking time."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..db import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..sites.models import Site
from . import rules
from .models import RehabService, RehabSlot, Therapist

MAX_RANGE_DAYS = 62


def window_problem(slot: RehabSlot, site: Site, now: datetime, *, as_staff: bool = False) -> str | None:
    """Why a slot cannot be booked now (None: it can). Staff booking a walk-in skip the minimum notice
    (the person is at the counter) but not the past, the horizon or a closed day."""
    if slot.status != "open":
        return "outside_booking_window"
    notice = timedelta(0) if as_staff else timedelta(hours=rules.rule(site, "min_notice_hours"))
    if slot.starts_at < now + notice:
        return "outside_booking_window"
    day = rules.local_date(slot.starts_at, site)
    if day > rules.last_bookable_day(site, now):
        return "outside_booking_window"
    if not rules.is_open_on(site, day) or rules.closed_days(site.id, day, day):
        return "outside_booking_window"
    return None


def bookable_slots(service_id: int, first: date | None, last: date | None) -> tuple[Site, list]:
    """Open slots with room, inside the horizon, after the minimum notice, on days the site opens:
    rows of (id, starts_at, ends_at, capacity, booked, therapist_id, therapist_name)."""
    # The service and its site in one statement (the listing is the hottest rehab read).
    row = db.session.execute(select(RehabService, Site).join(Site, Site.id == RehabService.site_id)
                             .where(RehabService.id == service_id)).first()
    if row is None or not row[0].active:  # as get_service(public=True)
        raise NotFound()
    service, site = row
    now = utcnow()
    today, horizon = rules.local_date(now, site), rules.last_bookable_day(site, now)
    first = first or today
    last = last or horizon
    if last < first:
        raise Invalid(fields={"to": ["须不早于 from"]})
    if (last - first).days > MAX_RANGE_DAYS:
        raise Invalid(fields={"to": [f"查询范围不能超过 {MAX_RANGE_DAYS} 天"]})
    first, last = max(first, today), min(last, horizon)
    if last < first:
        return site, []
    earliest = max(now + timedelta(hours=rules.rule(site, "min_notice_hours")), rules.day_start(first, site))
    until = rules.day_start(last + timedelta(days=1), site)
    closed = rules.closed_days(site.id, first, last)
    # Plain rows, not ORM objects: a 14-day listing has ~100 slots and this is the hottest rehab read.
    slots = db.session.execute(select(
        RehabSlot.id, RehabSlot.starts_at, RehabSlot.ends_at, RehabSlot.capacity, RehabSlot.booked,
        Therapist.id.label("therapist_id"), Therapist.name.label("therapist_name"),
    ).join(Therapist, Therapist.id == RehabSlot.therapist_id).where(
        RehabSlot.service_id == service.id, RehabSlot.status == "open",
        RehabSlot.booked < RehabSlot.capacity,
        RehabSlot.starts_at >= earliest, RehabSlot.starts_at < until,
    ).order_by(RehabSlot.starts_at, RehabSlot.therapist_id)).all()
    out = []
    for slot in slots:
        day = rules.local_date(slot.starts_at, site)
        if day not in closed and rules.is_open_on(site, day):
            out.append(slot)
    return site, out
