"""Repairs of a delivered device: the family asks (or a follow-up opens one), the centre's staff
work it — `requested` → `in_progress` → `done` | `replaced` (a cost in fen). At most one open
repair per delivery (a second request while one is open: 409 `repair_open`)."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..identity import User, require_staff
from ..units import lock, use_case
from .access import applicant_case
from .fitting_models import REPAIR_OPEN, FollowUp, Repair
from .notices import notify_case
from .transitions import locked_case, move, record, require_status
from .views import current_delivery, repair_view

# from → allowed targets
MOVES = {"requested": {"in_progress", "done", "replaced"}, "in_progress": {"done", "replaced"},
         "done": set(), "replaced": set()}
# A device is with the person from delivery on, also after the case is closed.
DELIVERED = ("training", "follow_up", "closed")


def open_repair(case, delivery_id: int, by_user_id: int | None, problem: str, followup_id: int | None = None):
    """Open a repair (the caller holds the case lock). An open one already there: that one."""
    existing = db.session.scalar(select(Repair).where(Repair.delivery_id == delivery_id,
                                                      Repair.status.in_(REPAIR_OPEN)))
    if existing is not None:
        return existing
    repair = Repair(case_id=case.id, delivery_id=delivery_id, site_id=case.site_id, followup_id=followup_id,
                    problem=problem, status="requested", requested_by_id=by_user_id)
    try:
        with db.session.begin_nested():
            db.session.add(repair)
    except IntegrityError:
        raise Conflict("repair_open", "该辅具已有维修在办理中") from None
    record(case, by_user_id, "repair_requested", problem[:200])
    notify_case(case, "repair_requested")
    return repair


@use_case
def request_repair(user: User, case_id: int, problem: str) -> dict:
    """POST /device-cases/{id}/repairs: the family (or staff for a walk-in) reports a problem."""
    applicant_case(user, case_id)
    case = locked_case(case_id)
    require_status(case, *DELIVERED)
    delivery = current_delivery(case.id)
    if delivery is None:
        raise Conflict("invalid_transition", "辅具尚未交付")
    if db.session.scalar(select(Repair.id).where(Repair.delivery_id == delivery.id,
                                                 Repair.status.in_(REPAIR_OPEN))) is not None:
        raise Conflict("repair_open", "该辅具已有维修在办理中")
    return repair_view(open_repair(case, delivery.id, user.id, problem.strip()), case.site_id)


@use_case
def update_repair(staff: User, repair_id: int, status: str, note: str, cost_fen: int | None) -> dict:
    """POST /staff/device-repairs/{id}."""
    r = db.session.get(Repair, repair_id)
    if r is None:
        raise NotFound()
    require_staff(staff, r.site_id)
    case = locked_case(r.case_id)
    r = db.session.scalar(lock(select(Repair).where(Repair.id == repair_id)))
    if status not in MOVES[r.status]:
        raise Conflict("invalid_transition", "维修单当前状态不能进行此操作")
    r.status, r.handled_by_id = status, staff.id
    if note:
        r.note = note
    if cost_fen is not None:
        r.cost_fen = cost_fen
    if status in ("done", "replaced"):
        r.finished_at = utcnow()
    record(case, staff.id, f"repair_{status}", note)
    notify_case(case, f"repair_{status}")
    if status in ("done", "replaced"):
        close_if_done(case, staff.id)
    return repair_view(r, case.site_id)


def close_if_done(case, by_user_id: int | None) -> None:
    """A repair finished after the last follow-up (recorded as `repair`) ends the loop."""
    if case.status != "follow_up":
        return
    pending = db.session.scalar(select(FollowUp.id).where(FollowUp.case_id == case.id, FollowUp.status == "pending")
                                .limit(1))
    open_repair_left = db.session.scalar(select(Repair.id).where(Repair.case_id == case.id,
                                                                 Repair.status.in_(("requested", "in_progress")))
                                         .limit(1))
    if pending is None and open_repair_left is None:
        case.closed_reason = "回访结束，维修完成"
        move(case, "closed", by_user_id, "closed", "维修完成")
        notify_case(case, "closed")


def listing(staff: User, *, site_id: int | None, status: str | None, page: int, page_size: int) -> dict:
    """GET /staff/device-repairs: the repairs of the staff member's sites, oldest first."""
    roles = require_staff(staff, site_id)
    stmt = select(Repair).order_by(Repair.id)
    if site_id is not None:
        stmt = stmt.where(Repair.site_id == site_id)
    elif not staff.is_admin:
        stmt = stmt.where(Repair.site_id.in_(roles))
    if status:
        stmt = stmt.where(Repair.status == status)
    result = page_of(stmt, page, page_size)
    result["items"] = [repair_view(r, r.site_id) for r in result["items"]]
    return result
