"""A rehab station's booking rules (`Site.rules`, defaults here) and its booking window.

`Calendar` holds what the rules read of a site, as values, built from a `Site` or from a row of
the slot listing's statement alike. `Window` is the one answer to "may a slot starting then be
booked now?": the slot listing filters with it, booking checks with it (tests/rehab/
test_window_parity.py holds them to the same answer over two months of closures and odd hours).
Weekdays, times of day and dates are the site's local ones (backend/localtime.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import localtime
from ..extensions import db
from .models import Closure

DEFAULTS = {
    "booking_horizon_days": 14,
    "min_notice_hours": 2,
    "cancel_cutoff_hours": 2,
    "no_show_limit": 3,
    "no_show_window_days": 90,
    "restriction_days": 30,
}


def rule_value(rules: dict | None, name: str) -> int:
    value = (rules or {}).get(name)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return DEFAULTS[name]


def rule(site, name: str) -> int:
    """A rule of a site (a `Site` or anything with its `rules`)."""
    return rule_value(site.rules, name)


@dataclass(frozen=True)
class Calendar:
    site_id: int
    zone: ZoneInfo
    rules: dict
    # ISO weekdays the site opens per its opening hours; None when it publishes none (not restricted).
    open_weekdays: frozenset[int] | None

    @classmethod
    def of(cls, site) -> Calendar:
        """From a `Site` or a row with its `id`, `timezone`, `rules` and `opening_hours`."""
        days = frozenset(h.get("weekday") for h in (site.opening_hours or []) if isinstance(h, dict))
        return cls(site.id, localtime.zone(site.timezone), dict(site.rules or {}), days or None)

    def rule(self, name: str) -> int:
        return rule_value(self.rules, name)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def day_start(self, day: date) -> datetime:
        return localtime.day_start(day, self.zone)

    def last_bookable_day(self, now: datetime) -> date:
        """The booking horizon: slots starting on local dates up to today + booking_horizon_days."""
        return self.local_date(now) + timedelta(days=self.rule("booking_horizon_days"))

    def opens_on(self, day: date) -> bool:
        return self.open_weekdays is None or day.isoweekday() in self.open_weekdays

    def window(self, now: datetime, closed: set[date], *, as_staff: bool = False) -> Window:
        """The window at `now`, given the site's closure days (those that matter for the question).
        Staff booking a walk-in skip the minimum notice (the person is at the counter), not the past,
        the horizon or a closed day."""
        notice = timedelta(0) if as_staff else timedelta(hours=self.rule("min_notice_hours"))
        return Window(self, now + notice, self.last_bookable_day(now), frozenset(closed))


@dataclass(frozen=True)
class Window:
    calendar: Calendar
    earliest: datetime  # no slot starting before this instant
    last_day: date      # no slot starting after this local day
    closed: frozenset[date]

    def allows(self, starts_at: datetime) -> bool:
        if starts_at < self.earliest:
            return False
        day = self.calendar.local_date(starts_at)
        return day <= self.last_day and day not in self.closed and self.calendar.opens_on(day)

    def problem(self, starts_at: datetime, slot_status: str) -> str | None:
        """Why a slot cannot be booked now (None: it can)."""
        if slot_status != "open" or not self.allows(starts_at):
            return "outside_booking_window"
        return None


def closed_days(site_id: int, first: date, last: date) -> set[date]:
    return set(db.session.scalars(select(Closure.day).where(
        Closure.site_id == site_id, Closure.day >= first, Closure.day <= last)))


def window_for(site, starts_at: datetime, now: datetime, *, as_staff: bool = False) -> Window:
    """The window booking checks a slot against (the closures of the slot's own day)."""
    calendar = Calendar.of(site)
    day = calendar.local_date(starts_at)
    return calendar.window(now, closed_days(site.id, day, day), as_staff=as_staff)
