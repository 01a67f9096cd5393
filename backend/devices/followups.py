"""Follow-ups (回访): recorded by the centre's staff once each — method, still in use (and why not),
satisfaction 1–4, outcome. `repair` opens a repair; `reassess` sends the case back to assessment
(the remaining follow-ups are cancelled); `close` — or `continue` / `adjust` on the last one —
closes the case. Staff list them due, overdue (past the site's local today, undone) or done."""
from collections import defaultdict

from sqlalchemy import and_, false, or_, select

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, User, require_staff
from ..sites import Site
from ..units import lock, use_case
from .access import CASE_SITE_KINDS
from .case_models import DeviceCase
from .catalogue import class_name
from .fitting_models import FollowUp
from .notices import notify_case
from .repairs import open_repair
from .transitions import locked_case, move, record, require_status
from .views import followup_view

CLOSING_ON_LAST = ("continue", "adjust")


@use_case
def record_followup(staff: User, followup_id: int, data: dict) -> dict:
    """POST /staff/device-followups/{id}. Once: a second record is 409 `already_recorded`."""
    f = db.session.get(FollowUp, followup_id)
    if f is None:
        raise NotFound()
    require_staff(staff, f.site_id)
    if data["in_use"] is False and not (data.get("not_used_reason") or "").strip():
        raise Invalid(fields={"not_used_reason": ["未在使用时请说明原因"]})
    case = locked_case(f.case_id)  # case first, then its follow-up: the order every writer keeps
    f = db.session.scalar(lock(select(FollowUp).where(FollowUp.id == followup_id)))
    if f.status == "done":
        raise Conflict("already_recorded", "该回访已记录")
    if f.status == "cancelled":
        raise Conflict("invalid_transition", "该回访已取消（申请已重新评估或结案）")
    require_status(case, "follow_up")
    f.status, f.method, f.in_use = "done", data["method"], data["in_use"]
    f.not_used_reason = "" if data["in_use"] else data["not_used_reason"].strip()
    f.satisfaction, f.outcome, f.note = data["satisfaction"], data["outcome"], data.get("note", "")
    f.recorded_at, f.recorded_by_id = utcnow(), staff.id
    db.session.flush()
    remaining = db.session.scalars(select(FollowUp).where(FollowUp.delivery_id == f.delivery_id,
                                                          FollowUp.status == "pending")).all()
    record(case, staff.id, f"followup:{f.outcome}", f"第 {f.seq} 次回访（{f.offset_days} 天）")
    outcome = f.outcome
    if outcome == "repair":
        open_repair(case, f.delivery_id, staff.id, f.note or "回访发现需要维修", followup_id=f.id)
    elif outcome == "reassess":
        _cancel(remaining)
        move(case, "assessment_pending", staff.id, "reassess", f.note)
        notify_case(case, "reassess")
    if outcome == "close" or (outcome in CLOSING_ON_LAST and not remaining):
        _cancel(remaining)
        case.closed_reason = f.note or "回访结束"
        move(case, "closed", staff.id, "closed", f.note)
        notify_case(case, "closed")
    return followup_view(f, case.site_id)


def _cancel(followups) -> None:
    for other in followups:
        other.status = "cancelled"


def overdue_condition(site_ids: list[int]):
    """`due_on` before the local today of each site (sites grouped by zone: one clause per zone)."""
    by_zone = defaultdict(list)
    for site_id, zone in localtime.zones(site_ids).items():
        by_zone[zone].append(site_id)
    clauses = [and_(FollowUp.site_id.in_(ids), FollowUp.due_on < localtime.today(zone)) for zone, ids in by_zone.items()]
    return or_(*clauses) if clauses else false()


def listing(staff: User, *, site_id: int | None, status: str | None, page: int, page_size: int) -> dict:
    """GET /staff/device-followups: oldest due first. `due`: pending, not yet past due; `overdue`:
    pending and past due; `done`: recorded. Without a status: pending ones (due and overdue)."""
    roles = require_staff(staff, site_id)
    if site_id is not None:
        sites = [site_id]
    elif staff.is_admin:
        sites = list(db.session.scalars(select(Site.id).where(Site.kind.in_(CASE_SITE_KINDS))))
    else:
        sites = list(roles)
    stmt = select(FollowUp).where(FollowUp.site_id.in_(sites))
    if status == "done":
        stmt = stmt.where(FollowUp.status == "done").order_by(FollowUp.recorded_at.desc(), FollowUp.id.desc())
    else:
        stmt = stmt.where(FollowUp.status == "pending")
        if status == "overdue":
            stmt = stmt.where(overdue_condition(sites))
        elif status == "due":
            stmt = stmt.where(~overdue_condition(sites))
        stmt = stmt.order_by(FollowUp.due_on, FollowUp.id)
    result = page_of(stmt, page, page_size)
    result["items"] = [_listed(f) for f in result["items"]]
    return result


def _listed(f: FollowUp) -> dict:
    case = db.session.get(DeviceCase, f.case_id)
    resident = db.session.get(Resident, case.resident_id)
    view = followup_view(f, f.site_id)
    view["overdue"] = f.status == "pending" and f.due_on < localtime.today(f.site_id)
    view["case"] = {"id": case.id, "status": case.status, "class_code": case.class_code,
                    "class_name": class_name(case.class_code), "resident": {"id": resident.id, "name": resident.name}}
    return view
