"""Local time has one owner: this module.

Instants are stored in UTC. Everything a person reads shows them in the zone of the site they
belong to (an activity, a slot, an appointment, an order, a device case: their site's), in API
bodies, subscribe messages, inbox texts, exports, reports and screens. Instants that belong to no
site (a token's expiry, an account's creation, the audit log) show in the federation's zone,
`DEFAULT_TIMEZONE`. Local dates (`YYYY-MM-DD` query parameters, a closure's day, a pickup number's
day) are the site's calendar days.

`where` below is a `Site` (or anything with a `timezone` attribute, such as a row), a site id, a
`ZoneInfo`, or None for the federation's zone.

A site's zone is read once per process and cached; the cache forgets a site as soon as this
process flushes a change to it (a session event, whoever made the change), and other processes
re-read it within `ZONE_TTL_SECONDS`. This module sits below the domains: it reads the `sites`
table's two columns it needs without importing the sites domain.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from threading import Lock
from time import monotonic
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import column, event, select, table
from sqlalchemy.orm import Session

from .db import utcnow
from .extensions import db

log = logging.getLogger(__name__)

ZONE_TTL_SECONDS = 300.0
_sites = table("sites", column("id"), column("timezone"))
_cache: dict[int, tuple[float, str]] = {}
_cache_lock = Lock()


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The zone of that name; an unknown name (never written through the API) falls back to
    Asia/Shanghai, logged, rather than failing every read of the site."""
    try:
        return ZoneInfo(name or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        log.error("unknown time zone %r; showing Asia/Shanghai", name)
        return ZoneInfo("Asia/Shanghai")


def federation_zone() -> ZoneInfo:
    return zone(current_app.config["DEFAULT_TIMEZONE"])


def _zone_name(site_id: int) -> str | None:
    hit = _cache.get(site_id)
    if hit is not None and hit[0] > monotonic():
        return hit[1]
    name = db.session.scalar(select(_sites.c.timezone).where(_sites.c.id == site_id))
    if name is not None:
        with _cache_lock:
            _cache[site_id] = (monotonic() + ZONE_TTL_SECONDS, name)
    return name


def zone_of(where) -> ZoneInfo:
    if where is None:
        return federation_zone()
    if isinstance(where, ZoneInfo):
        return where
    if isinstance(where, int):
        name = _zone_name(where)
        return zone(name) if name else federation_zone()
    return zone(getattr(where, "timezone", None))


def zones(site_ids) -> dict[int, ZoneInfo]:
    """The zone of each site id (cached; one statement for the ones not cached)."""
    out: dict[int, ZoneInfo] = {}
    missing = []
    now = monotonic()
    for sid in set(site_ids):
        hit = _cache.get(sid)
        if hit is not None and hit[0] > now:
            out[sid] = zone(hit[1])
        else:
            missing.append(sid)
    if missing:
        rows = db.session.execute(select(_sites.c.id, _sites.c.timezone).where(_sites.c.id.in_(missing))).all()
        with _cache_lock:
            for sid, name in rows:
                _cache[sid] = (now + ZONE_TTL_SECONDS, name)
                out[sid] = zone(name)
    return out


def forget(site_id: int | None = None) -> None:
    """Drop a site's cached zone (all of them with no id)."""
    with _cache_lock:
        if site_id is None:
            _cache.clear()
        else:
            _cache.pop(site_id, None)


def _sites_written(session: Session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) == "sites" and obj.id is not None:
            forget(obj.id)


def install() -> None:
    """Keep the cache true to this process's own writes (create_app calls it; idempotent)."""
    if not event.contains(Session, "after_flush", _sites_written):
        event.listen(Session, "after_flush", _sites_written)


# ---------------------------------------------------------------- instants and days

def at(instant: datetime | None, where=None) -> datetime | None:
    """The instant as an aware datetime in the zone of `where` (what API bodies carry)."""
    if instant is None:
        return None
    return instant.astimezone(zone_of(where))


def iso(instant: datetime | None, where=None) -> str | None:
    """ISO 8601 with the offset of `where` (exports, subscribe-message data)."""
    local = at(instant, where)
    return local.isoformat() if local is not None else None


def text(instant: datetime, where=None) -> str:
    """`2026-12-04 09:00` in the zone of `where`: how inbox titles and bodies name a time."""
    return at(instant, where).strftime("%Y-%m-%d %H:%M")


def local_date(instant: datetime, where=None) -> date:
    return at(instant, where).date()


def today(where=None) -> date:
    return local_date(utcnow(), where)


def wall(day: date, clock: time, where=None) -> datetime:
    """The instant of a wall-clock time on a local day of `where` (zoneinfo resolves DST)."""
    return datetime.combine(day, clock, tzinfo=zone_of(where))


def day_start(day: date, where=None) -> datetime:
    """Local midnight starting `day`, as an aware instant (compares freely with UTC values)."""
    return wall(day, time(0), where)


def day_range(first: date, last: date, where=None) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) as instants: a filter over local days."""
    return day_start(first, where), day_start(last + timedelta(days=1), where)
