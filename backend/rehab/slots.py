"""Which slots are bookable: the public listing, by the same window booking checks (rules.Window)."""
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, bindparam, select

from ..common.reads import autocommit_connection, prebuilt
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..sites import Site
from .models import Closure, RehabService, RehabSlot, Therapist
from .rules import Calendar
from .views import slot_view

MAX_RANGE_DAYS = 62

_services, _sites, _slots, _therapists, _closures = (RehabService.__table__, Site.__table__, RehabSlot.__table__,
                                                     Therapist.__table__, Closure.__table__)


# The listing is the hottest rehab read (bench/): Core statements built once, plain rows, two round
# trips (the site first: the window is in its zone and its rules).
@prebuilt
def _service_site():
    """The service with what `rules.Calendar` reads of its site, one row per closure day from
    `closed_from` on (the site's local days are not known yet, so the caller asks from a day early;
    closures are a handful a year)."""
    return (select(_services.c.active, _sites.c.id, _sites.c.timezone, _sites.c.rules, _sites.c.opening_hours,
                   _closures.c.day.label("closed_day"))
            .select_from(_services.join(_sites, _sites.c.id == _services.c.site_id).outerjoin(
                _closures, (_closures.c.site_id == _sites.c.id)
                & (_closures.c.day >= bindparam("closed_from", type_=_closures.c.day.type))))
            .where(_services.c.id == bindparam("service_id")))


@prebuilt
def _open_slots():
    return (select(_slots.c.id, _slots.c.starts_at, _slots.c.ends_at, _slots.c.capacity, _slots.c.booked,
                   _therapists.c.id.label("therapist_id"), _therapists.c.name.label("therapist_name"))
            .join(_therapists, _therapists.c.id == _slots.c.therapist_id)
            .where(_slots.c.service_id == bindparam("service_id"), _slots.c.status == "open",
                   _slots.c.booked < _slots.c.capacity,
                   _slots.c.starts_at >= bindparam("earliest", type_=_slots.c.starts_at.type),
                   _slots.c.starts_at < bindparam("until", type_=_slots.c.starts_at.type))
            .order_by(_slots.c.starts_at, _slots.c.therapist_id))


def bookable_slots(service_id: int, first: date | None, last: date | None) -> list[dict]:
    """Open slots with room that the booking window allows (inside the horizon, after the minimum
    notice, on days the site opens and is not closed), as `views.slot_view`s in the site's zone."""
    with autocommit_connection() as conn:  # two reads; they need not share a snapshot
        return _bookable(conn, service_id, first, last, utcnow())


def _bookable(conn: Connection, service_id: int, first: date | None, last: date | None,
              now: datetime) -> list[dict]:
    # A day before any local date the window can start on (local today is UTC today ± 1).
    closed_from = min(first or now.date(), now.date()) - timedelta(days=2)
    rows = conn.execute(_service_site(), {"service_id": service_id, "closed_from": closed_from}).all()
    if not rows or not rows[0].active:  # as catalogue.get_service(public=True)
        raise NotFound()
    calendar = Calendar.of(rows[0])
    window = calendar.window(now, {row.closed_day for row in rows if row.closed_day is not None})
    today = calendar.local_date(now)
    first, last = first or today, last or window.last_day
    if last < first:
        raise Invalid(fields={"to": ["须不早于 from"]})
    if (last - first).days > MAX_RANGE_DAYS:
        raise Invalid(fields={"to": [f"查询范围不能超过 {MAX_RANGE_DAYS} 天"]})
    first, last = max(first, today), min(last, window.last_day)
    if last < first:
        return []
    params = {"service_id": service_id, "earliest": max(window.earliest, calendar.day_start(first)),
              "until": calendar.day_start(last + timedelta(days=1))}
    zone = calendar.zone
    # Rows fetched at once (a 14-day listing has ~100); the window decides each, as booking would.
    return [slot_view(row.id, row.starts_at.astimezone(zone), row.ends_at.astimezone(zone), row.capacity,
                      row.booked, row.therapist_id, row.therapist_name)
            for row in conn.execute(_open_slots(), params).all() if window.allows(row.starts_at)]
