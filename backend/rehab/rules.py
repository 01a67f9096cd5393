"""Per-site rules (`Site.rules`, defaults here) and the site's local calendar.

Weekdays, times of day and `YYYY-MM-DD` dates are local to the site (Site.timezone); instants are
stored in UTC. All conversions go through zoneinfo so a zone with DST would still come out right.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from ..extensions import db
from ..sites.models import Site
from .models import Closure

DEFAULTS = {
    "booking_horizon_days": 14,
    "min_notice_hours": 2,
    "cancel_cutoff_hours": 2,
    "no_show_limit": 3,
    "no_show_window_days": 90,
    "restriction_days": 30,
}
DEFAULT_ZONE = "Asia/Shanghai"


def rule(site: Site, name: str) -> int:
    value = (site.rules or {}).get(name)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return DEFAULTS[name]


def zone(site: Site) -> ZoneInfo:
    try:
        return ZoneInfo(site.timezone or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local(dt: datetime, site: Site) -> datetime:
    return dt.astimezone(zone(site))


def local_date(dt: datetime, site: Site) -> date:
    return dt.astimezone(zone(site)).date()


def at_local(day: date, wall: time, site: Site) -> datetime:
    """The instant of a local wall-clock time on a local date."""
    return datetime.combine(day, wall, tzinfo=zone(site))


def day_start(day: date, site: Site) -> datetime:
    """Local midnight starting `day`, as an aware instant (compare freely with UTC values)."""
    return at_local(day, time(0), site)


def last_bookable_day(site: Site, now: datetime) -> date:
    """The booking horizon: slots starting on local dates up to today + booking_horizon_days."""
    return local_date(now, site) + timedelta(days=rule(site, "booking_horizon_days"))


def open_weekdays(site: Site) -> set[int] | None:
    """ISO weekdays the site opens per opening_hours; None when no hours are published (not restricted)."""
    hours = site.opening_hours or []
    days = {h.get("weekday") for h in hours if isinstance(h, dict)}
    return days or None


def is_open_on(site: Site, day: date) -> bool:
    days = open_weekdays(site)
    return days is None or day.isoweekday() in days


def closed_days(site_id: int, first: date, last: date) -> set[date]:
    return set(db.session.scalars(select(Closure.day).where(
        Closure.site_id == site_id, Closure.day >= first, Closure.day <= last)))
