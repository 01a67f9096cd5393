"""SQL for the metrics: one aggregate statement per metric and question (grouped rows, a distinct
total, first appearances for year-to-date persons), never rows loaded into Python.

Local days: each site's [from, to] is its own local midnight to midnight (backend/localtime.py). A
scope of sites in one zone (the usual case) filters with one indexed range on the moment column;
sites in several zones each get their range. Months are bucketed by a CASE over the same bounds,
so the statement is the same on PostgreSQL and SQLite and the range stays sargable.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, func, literal, null, or_, select, true, union_all

from ..extensions import db
from ..identity import Resident
from ..sites import Site
from .metrics import Metric, Source


@dataclass(frozen=True)
class Scope:
    """The sites a report covers: {id: (name, community)}, their zones, and whether it is the whole
    federation (an admin with no filter: rows of no site, such as residents who registered in the
    mini-program without a site, count too)."""
    sites: dict[int, tuple[str, str]]
    zones: dict[int, ZoneInfo]
    whole: bool
    federation_zone: ZoneInfo

    def zone_groups(self, site_col) -> list[tuple[object | None, ZoneInfo]]:
        """[(condition on the site column or None, zone)]: one group without a condition when every
        site in scope shares a zone."""
        distinct_zones = {str(z): z for z in self.zones.values()}
        if self.whole:
            distinct_zones.setdefault(str(self.federation_zone), self.federation_zone)
        if len(distinct_zones) <= 1:
            zone = next(iter(distinct_zones.values()), self.federation_zone)
            return [(None, zone)]
        groups = []
        for name, zone in sorted(distinct_zones.items()):
            ids = sorted(sid for sid, z in self.zones.items() if str(z) == name)
            cond = site_col.in_(ids) if ids else None
            if self.whole and name == str(self.federation_zone):
                cond = or_(site_col.is_(None), cond) if cond is not None else site_col.is_(None)
            groups.append((cond, zone))
        return groups


def _start(day: date, zone: ZoneInfo):
    from ..localtime import day_start
    return day_start(day, zone)


def months(first: date, last: date) -> list[tuple[str, date, date]]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        start = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append((f"{y:04d}-{m:02d}", max(start, first), min(nxt - timedelta(days=1), last)))
        y, m = nxt.year, nxt.month
    return out


def buckets(first: date, last: date) -> list[tuple[str, date, date]]:
    """Month buckets from 1 January of `first`'s year to `last`: `YYYY-MM-b` inside the period,
    `YYYY-MM-a` before it (only year-to-date figures read those). Keys sort in time order."""
    out = []
    jan = date(first.year, 1, 1)
    if jan < first:
        out += [(key + "-a", a, b) for key, a, b in months(jan, first - timedelta(days=1))]
    out += [(key + "-b", a, b) for key, a, b in months(first, last)]
    return out


def _in_window(src: Source, scope: Scope, first: date, last: date):
    if src.day:
        return and_(src.moment >= first, src.moment <= last)
    conds = []
    for site_cond, zone in scope.zone_groups(src.site):
        rng = and_(src.moment >= _start(first, zone), src.moment < _start(last + timedelta(days=1), zone))
        conds.append(rng if site_cond is None else and_(site_cond, rng))
    return or_(*conds) if len(conds) > 1 else conds[0]


def _scope_filter(src: Source, scope: Scope):
    return true() if scope.whole else src.site.in_(sorted(scope.sites))


def _bucket_expr(src: Source, scope: Scope, spans: list[tuple[str, date, date]]):
    if src.day:
        return case(*[(src.moment <= last, literal(key)) for key, _first, last in spans], else_=None)
    groups = scope.zone_groups(src.site)
    whens = []
    for key, _first, last in spans:
        conds = []
        for site_cond, zone in groups:
            before = src.moment < _start(last + timedelta(days=1), zone)
            conds.append(before if site_cond is None else and_(site_cond, before))
        whens.append((or_(*conds) if len(conds) > 1 else conds[0], literal(key)))
    return case(*whens, else_=None)


def _group_expr(group: str, src: Source, scope: Scope, spans):
    """(key expression, extra joins) for a grouping."""
    if group == "site":
        return src.site, ()
    if group == "community":
        return Site.community, ((Site, Site.id == src.site, True),)
    if group in ("category", "level"):
        col = Resident.disability_category if group == "category" else Resident.disability_level
        if src.table is Resident:
            return col, ()
        return col, ((Resident, Resident.id == src.resident, True),)
    return _bucket_expr(src, scope, spans), ()


def _aggregate(metric: Metric, src: Source):
    if metric.agg == "count":
        return func.count()
    if metric.agg == "sum":
        return func.coalesce(func.sum(src.value), 0)
    return func.count(distinct(src.value))


def _from(stmt, src: Source, extra_joins=()):
    stmt = stmt.select_from(src.table)
    for join in (*src.joins, *extra_joins):
        target, on, *outer = join
        stmt = stmt.join(target, on, isouter=bool(outer and outer[0]))
    return stmt.where(*src.where)


def grouped(metrics, scope: Scope, group: str, first: date, last: date, spans=None) -> dict[str, dict]:
    """{metric key: {group key: value}} over [first, last] (for months: over the spans' whole range),
    for a family of metrics sharing one source: one statement, one aggregate column each."""
    sources = [m.source() for m in metrics]
    src = sources[0]
    key, joins = _group_expr(group, src, scope, spans)
    aggs = [_aggregate(m, s).label(f"v{i}") for i, (m, s) in enumerate(zip(metrics, sources))]
    stmt = _from(select(key.label("k"), *aggs), src, joins)
    lo = spans[0][1] if group == "month" else first
    stmt = stmt.where(_scope_filter(src, scope), _in_window(src, scope, lo, last)).group_by(key)
    out: dict[str, dict] = {m.key: {} for m in metrics}
    for row in db.session.execute(stmt).all():
        for i, m in enumerate(metrics):
            out[m.key][row[0]] = row[i + 1]
    return out


def total(metric: Metric, scope: Scope, first: date, last: date):
    src = metric.source()
    stmt = _from(select(_aggregate(metric, src)), src)
    stmt = stmt.where(_scope_filter(src, scope), _in_window(src, scope, first, last))
    return db.session.execute(stmt).scalar() or 0


def first_appearances(metric: Metric, scope: Scope, spans) -> tuple[dict, int]:
    """({bucket: persons first seen in that bucket within its year}, persons in the period): the
    year-to-date count of distinct persons up to a month is the running sum of the first, and the
    period's total is the second. One statement: both read the same per-person rows."""
    src = metric.source()
    bucket = _bucket_expr(src, scope, spans)
    inside = func.max(case((bucket.like("%-b"), 1), else_=0))
    persons = _from(select(src.value.label("who"), func.min(bucket).label("first"), inside.label("inside")), src)
    persons = persons.where(_scope_filter(src, scope), _in_window(src, scope, spans[0][1], spans[-1][2])) \
        .group_by(src.value, func.substr(bucket, 1, 4)).cte("persons")
    stmt = union_all(
        select(persons.c.first, func.count()).group_by(persons.c.first),
        select(null(), func.count(distinct(persons.c.who))).where(persons.c.inside == 1))
    firsts, total = {}, 0
    for key, n in db.session.execute(stmt).all():
        if key is None:
            total = n
        else:
            firsts[key] = n
    return firsts, total
