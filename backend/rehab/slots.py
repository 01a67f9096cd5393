"""Which slots are bookable: the public listing and the same rule at booking time."""
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, bindparam, select

from ..common.reads import autocommit_connection
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..sites.models import Site
from . import rules
from .models import Closure, RehabService, RehabSlot, Therapist
from .views import slot_view

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


# The listing is the hottest rehab read (bench/): Core statements built once, plain rows, no ORM
# objects, and two round trips (the site first: the window is in its zone and its rules).
_services, _sites, _slots, _therapists, _closures = (RehabService.__table__, Site.__table__, RehabSlot.__table__,
                                                     Therapist.__table__, Closure.__table__)
# The service with what the calendar rules read of its site (rules.* take the row as they take a
# Site), one row per closure day from `closed_from` on (the site's local days are not known yet,
# so the caller asks from a day early; closures are a handful a year).
_SERVICE_SITE = (select(_services.c.active, _sites.c.id, _sites.c.timezone, _sites.c.rules, _sites.c.opening_hours,
                        _closures.c.day.label("closed_day"))
                 .select_from(_services.join(_sites, _sites.c.id == _services.c.site_id).outerjoin(
                     _closures, (_closures.c.site_id == _sites.c.id)
                     & (_closures.c.day >= bindparam("closed_from", type_=_closures.c.day.type))))
                 .where(_services.c.id == bindparam("service_id")))
_OPEN_SLOTS = (select(_slots.c.id, _slots.c.starts_at, _slots.c.ends_at, _slots.c.capacity, _slots.c.booked,
                      _therapists.c.id, _therapists.c.name)
               .join(_therapists, _therapists.c.id == _slots.c.therapist_id)
               .where(_slots.c.service_id == bindparam("service_id"), _slots.c.status == "open",
                      _slots.c.booked < _slots.c.capacity,
                      _slots.c.starts_at >= bindparam("earliest", type_=_slots.c.starts_at.type),
                      _slots.c.starts_at < bindparam("until", type_=_slots.c.starts_at.type))
               .order_by(_slots.c.starts_at, _slots.c.therapist_id))


def bookable_slots(service_id: int, first: date | None, last: date | None) -> list[dict]:
    """Open slots with room, inside the horizon, after the minimum notice, on days the site opens, as
    `views.slot_view`s (times in the site's zone)."""
    with autocommit_connection() as conn:  # two reads; they need not share a snapshot
        return _bookable(conn, service_id, first, last, utcnow())


def _bookable(conn: Connection, service_id: int, first: date | None, last: date | None,
              now: datetime) -> list[dict]:
    # A day before any local date the window can start on (local today is UTC today ± 1).
    closed_from = min(first or now.date(), now.date()) - timedelta(days=2)
    rows = conn.execute(_SERVICE_SITE, {"service_id": service_id, "closed_from": closed_from}).all()
    if not rows or not rows[0].active:  # as get_service(public=True)
        raise NotFound()
    site = rows[0]
    closed = {row.closed_day for row in rows if row.closed_day is not None}
    zone = rules.zone(site)
    today, horizon = rules.local_date(now, site), rules.last_bookable_day(site, now)
    first = first or today
    last = last or horizon
    if last < first:
        raise Invalid(fields={"to": ["须不早于 from"]})
    if (last - first).days > MAX_RANGE_DAYS:
        raise Invalid(fields={"to": [f"查询范围不能超过 {MAX_RANGE_DAYS} 天"]})
    first, last = max(first, today), min(last, horizon)
    if last < first:
        return []
    earliest = max(now + timedelta(hours=rules.rule(site, "min_notice_hours")), rules.day_start(first, site))
    until = rules.day_start(last + timedelta(days=1), site)
    open_days = rules.open_weekdays(site)
    out = []
    # All rows at once and unpacked (a 14-day listing has ~100): fetching one by one and reading Row
    # attributes by name cost more than building the views.
    for slot_id, starts_at, ends_at, capacity, booked, therapist_id, therapist_name in conn.execute(
            _OPEN_SLOTS, {"service_id": service_id, "earliest": earliest, "until": until}).all():
        starts_at = starts_at.astimezone(zone)
        day = starts_at.date()
        if day not in closed and (open_days is None or day.isoweekday() in open_days):  # rules.is_open_on
            out.append(slot_view(slot_id, starts_at, ends_at.astimezone(zone), capacity, booked,
                                 therapist_id, therapist_name))
    return out
