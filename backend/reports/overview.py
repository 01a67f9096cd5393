"""`GET /reports/overview`: every metric over a period of local dates, in the caller's scope,
grouped by month, site, community, disability category or level; with months, year-to-date figures
beside each. Downloads (exports.py) lay out the same dict."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import localtime
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..identity import DISABILITY_CATEGORIES, User, staff_roles
from ..sites import Site
from . import query
from .metrics import BY_KEY, REGISTRY, SHOWN, Metric, families
from .query import Scope

GROUPS = ("month", "site", "community", "category", "level")
GROUP_LABELS = {"month": "月份", "site": "站点", "community": "街道/社区", "category": "残疾类别",
                "level": "残疾等级"}
CATEGORY_LABELS = {"visual": "视力残疾", "hearing": "听力残疾", "speech": "言语残疾", "physical": "肢体残疾",
                   "intellectual": "智力残疾", "mental": "精神残疾", "multiple": "多重残疾"}
LEVEL_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
NO_SITE = "未关联站点"
MAX_DAYS = 3700  # ten years: a report longer than that is a mistake


def scope_for(user: User, site_id: int | None = None, community: str | None = None) -> Scope:
    """A manager's report covers the sites they manage; an admin's every site. `site_id` outside
    the scope is 404 (never reveal it); staff who manage no site and plain users are 403."""
    if not user.is_admin:
        managed = {sid for sid, role in staff_roles(user).items() if role == "manager"}
        if not managed:
            raise Forbidden()
        if site_id is not None and site_id not in managed:
            raise NotFound()
    else:
        managed = None
    stmt = select(Site.id, Site.name, Site.community, Site.timezone).order_by(Site.id)
    if managed is not None:
        stmt = stmt.where(Site.id.in_(sorted(managed)))
    if site_id is not None:
        stmt = stmt.where(Site.id == site_id)
    if community is not None:
        stmt = stmt.where(Site.community == community)
    rows = db.session.execute(stmt).all()
    if site_id is not None and not rows:
        raise NotFound()
    return Scope(sites={r.id: (r.name, r.community or "") for r in rows},
                 zones={r.id: localtime.zone(r.timezone) for r in rows},
                 whole=managed is None and site_id is None and community is None,
                 federation_zone=localtime.federation_zone())


def default_period(first: date | None, last: date | None) -> tuple[date, date]:
    today = localtime.today()
    last = last or today
    first = first or date(last.year, 1, 1)
    if first > last:
        raise Invalid(fields={"from": ["开始日期不能晚于结束日期"]})
    if (last - first).days > MAX_DAYS:
        raise Invalid(fields={"to": ["统计期间最长十年"]})
    return first, last


def overview(user: User, *, first: date | None = None, last: date | None = None, site_id: int | None = None,
             community: str | None = None, group_by: str = "month") -> dict:
    if group_by not in GROUPS:
        raise Invalid(fields={"group_by": ["分组方式无效"]})
    first, last = default_period(first, last)
    scope = scope_for(user, site_id, community)
    if group_by == "month":
        return _by_month(scope, first, last)
    return _by_group(scope, group_by, first, last)


def _applies(metric: Metric, group: str) -> bool:
    if metric.agg == "derived":
        return all(_applies(BY_KEY[k], group) for k in metric.ratio)
    return group not in ("category", "level") or metric.source().resident is not None


def _derive(values: dict) -> dict:
    for m in REGISTRY:
        if m.agg == "derived":
            num, *den = (values.get(k) for k in m.ratio)
            if num is None or any(d is None for d in den):
                values[m.key] = None
            else:
                below = sum(den)
                values[m.key] = round(num / below, 4) if below else None
    return values


def _shown(values: dict) -> dict:
    return {m.key: values.get(m.key) for m in SHOWN}


def _number(v):
    return int(v) if v is not None else None


def _by_group(scope: Scope, group: str, first: date, last: date) -> dict:
    keys = _group_keys(scope, group)
    per_metric: dict[str, dict] = {}
    totals: dict = {}
    for family in families():
        applies = _applies(family[0], group)
        got_all = query.grouped(family, scope, group, first, last) if applies else {m.key: {} for m in family}
        for m in family:
            got = {k: _number(v) for k, v in got_all[m.key].items()}
            for k in got:
                if k not in keys:
                    keys.append(k)  # e.g. rows of no site, for the whole federation
            per_metric[m.key] = got
            # Persons once across rows; a metric the grouping does not apply to has no rows to add up.
            totals[m.key] = (_number(query.total(m, scope, first, last)) if m.agg == "distinct" or not applies
                             else sum(got.values()))
    rows = []
    for k in keys:
        values = {m.key: (per_metric[m.key].get(k, 0) if _applies(m, group) else None)
                  for m in REGISTRY if m.agg != "derived"}
        rows.append({"key": k, "label": _label(scope, group, k), **_shown(_derive(values))})
    return {"period": {"from": first, "to": last}, "group_by": group, "rows": rows,
            "totals": _shown(_derive(totals))}


def _by_month(scope: Scope, first: date, last: date) -> dict:
    spans = query.buckets(first, last)
    in_period = [key for key, _a, _b in spans if key.endswith("-b")]
    monthly: dict[str, dict] = {}
    ytd: dict[str, dict] = {}
    totals: dict = {}
    for family in families():
        got_all = query.grouped(family, scope, "month", first, last, spans)
        for m in family:
            got = {k: _number(v) for k, v in got_all[m.key].items()}
            monthly[m.key] = got
            if m.agg == "distinct":
                counted, totals[m.key] = query.first_appearances(m, scope, spans)
            else:
                counted, totals[m.key] = got, sum(got.get(k, 0) for k in in_period)
            running, year, out = 0, None, {}
            for key, _a, _b in spans:
                if key[:4] != year:
                    running, year = 0, key[:4]
                running += int(counted.get(key, 0))
                out[key] = running
            ytd[m.key] = out
    rows = []
    for key in in_period:
        values = {k: v.get(key, 0) for k, v in monthly.items()}
        to_date = {k: v[key] for k, v in ytd.items()}
        month = key[:-2]
        rows.append({"key": month, "label": f"{int(month[:4])}年{int(month[5:])}月", **_shown(_derive(values)),
                     "year_to_date": _shown(_derive(to_date))})
    return {"period": {"from": first, "to": last}, "group_by": "month", "rows": rows,
            "totals": _shown(_derive(totals))}


def _group_keys(scope: Scope, group: str) -> list:
    if group == "site":
        return list(scope.sites)
    if group == "community":
        return sorted({c for _n, c in scope.sites.values()})
    if group == "category":
        return list(DISABILITY_CATEGORIES)
    return [1, 2, 3, 4]


def _label(scope: Scope, group: str, key) -> str:
    if key is None:
        return NO_SITE if group in ("site", "community") else "未知"
    if group == "site":
        return scope.sites[key][0] if key in scope.sites else f"站点 {key}"
    if group == "community":
        return key or "未填街道/社区"
    if group == "category":
        return CATEGORY_LABELS.get(key, key)
    return LEVEL_LABELS.get(key, str(key))


def scope_label(user: User, site_id: int | None, community: str | None) -> str:
    scope = scope_for(user, site_id, community)
    if scope.whole:
        return "全市（全部站点）"
    names = "、".join(name for name, _c in scope.sites.values()) or "（无站点）"
    return (f"{community}：" if community else "") + names
