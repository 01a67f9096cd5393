"""Opening hours of a site (`Site.opening_hours`: [{weekday 1-7, open "09:00", close "17:00"}], the
site's local wall-clock times): whether it is open at an instant, and when it next opens.

A site that publishes no hours is always open (nothing says otherwise). Works on a `Site` or on any
row with its `timezone` and `opening_hours`.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from .. import localtime


def _ranges(site) -> list[dict]:
    return [h for h in (site.opening_hours or []) if isinstance(h, dict)
            and h.get("weekday") and h.get("open") and h.get("close")]


def is_open(site, at: datetime) -> bool:
    """Inside one of the site's opening-hour ranges, in the site's own zone. No hours set: always open."""
    hours = _ranges(site)
    if not hours:
        return True
    local = localtime.at(at, localtime.zone(site.timezone))
    now = local.strftime("%H:%M")
    return any(h["weekday"] == local.isoweekday() and h["open"] <= now < h["close"] for h in hours)


def next_opening(site, at: datetime) -> datetime | None:
    """The next instant the site opens after `at`, in its zone (None when it is open now or publishes
    no hours). Looks a week ahead: the hours repeat weekly."""
    hours = _ranges(site)
    if not hours or is_open(site, at):
        return None
    zone = localtime.zone(site.timezone)
    local = localtime.at(at, zone)
    for days in range(8):
        day = local.date() + timedelta(days=days)
        opens = sorted(h["open"] for h in hours if h["weekday"] == day.isoweekday() and h["open"] < h["close"])
        for hhmm in opens:
            instant = localtime.wall(day, time.fromisoformat(hhmm), zone)
            if instant > local:
                return instant
    return None


def status(site, at: datetime) -> dict:
    """`{open_now, next_opens_at}` as the site view and the café menu show them."""
    return {"open_now": is_open(site, at), "next_opens_at": next_opening(site, at)}
