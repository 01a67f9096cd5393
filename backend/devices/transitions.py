"""The case's state machine: which moves exist, what each state waits for and who may take that
step, and the history every move leaves. Every move happens with the case row locked
(`locked_case`), so two people acting on one case at once are serialised and the second sees the
first's result."""
from sqlalchemy import func, select

from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..units import lock
from .case_models import Approval, CaseEvent, DeviceCase

# from → allowed targets (DESIGN: submitted → assessment_pending → assessed → approval → supplying →
# ready_for_fitting → training → follow_up → closed; returned → submitted; rejected, withdrawn final).
MOVES = {
    "submitted": {"assessment_pending", "returned", "withdrawn"},
    "returned": {"submitted", "withdrawn"},
    "assessment_pending": {"assessed", "closed", "returned", "withdrawn"},
    "assessed": {"approval", "supplying", "assessment_pending", "returned", "withdrawn"},
    "approval": {"approval", "supplying", "returned", "rejected", "withdrawn"},
    "supplying": {"ready_for_fitting"},
    "ready_for_fitting": {"training", "follow_up"},
    "training": {"follow_up"},
    "follow_up": {"closed", "assessment_pending"},
    # A case closed by a mistaken assessment reopens when the assessment is voided.
    "closed": {"assessment_pending"}, "rejected": set(), "withdrawn": set(),
}

# The step each state waits for: (key, name shown to people, who takes it).
WAITING = {
    "submitted": ("accept", "受理", "staff"),
    "returned": ("resubmit", "补正后重新提交", "applicant"),
    "assessment_pending": ("assess", "评估", "staff"),
    "assessed": ("confirm", "确认产品", "applicant"),
    "supplying": ("supply", "供货", "maker"),
    "ready_for_fitting": ("deliver", "适配交付", "staff"),
    "training": ("train", "使用训练", "staff"),
    "follow_up": ("follow_up", "回访", "staff"),
}

STATUS_NAMES = {
    "submitted": "已提交", "returned": "已退回", "assessment_pending": "待评估", "assessed": "已评估",
    "approval": "审批中", "supplying": "供货中", "ready_for_fitting": "待适配", "training": "训练中",
    "follow_up": "回访中", "closed": "已结案", "rejected": "未通过", "withdrawn": "已撤回",
}


def locked_case(case_id: int) -> DeviceCase:
    case = db.session.scalar(lock(select(DeviceCase).where(DeviceCase.id == case_id)))
    if case is None:
        raise NotFound()
    return case


def require_status(case: DeviceCase, *statuses: str) -> None:
    if case.status not in statuses:
        raise Conflict("invalid_transition",
                       f"申请当前为“{STATUS_NAMES[case.status]}”，不能进行此操作")


def current_step(case: DeviceCase) -> dict | None:
    """{step, name, by} the case waits for (None when it is over). In approval, the chain's step."""
    if case.status == "approval":
        step = next_approval_step(case)
        return {"step": step["key"], "name": step["name"], "by": step["by"]} if step else None
    if case.status in WAITING:
        key, name, by = WAITING[case.status]
        return {"step": key, "name": name, "by": by}
    return None


def next_approval_step(case: DeviceCase) -> dict | None:
    """The chain's first step not yet approved in this pass (None once every step is)."""
    db.session.flush()
    decided = db.session.scalar(select(func.count()).select_from(Approval).where(
        Approval.case_id == case.id, Approval.round == case.approval_round,
        Approval.result == "approved")) or 0
    chain = case.approval_chain or []
    return chain[decided] if decided < len(chain) else None


def move(case: DeviceCase, status: str, by_user_id: int | None, action: str, note: str = "") -> None:
    """Change the case's status (the caller holds its lock), keep what it waits for on the row, and
    write the history."""
    if status not in MOVES[case.status]:
        require_status(case, *[s for s, targets in MOVES.items() if status in targets])
    case.status = status
    db.session.flush()
    step = current_step(case)
    case.waiting_step, case.waiting_by = (step["step"], step["by"]) if step else (None, None)
    if status in ("closed", "rejected", "withdrawn"):
        case.closed_at = utcnow()
    db.session.add(CaseEvent(case_id=case.id, at=utcnow(), status=status, action=action, by_user_id=by_user_id,
                             note=note or ""))
    db.session.flush()


def record(case: DeviceCase, by_user_id: int | None, action: str, note: str = "") -> None:
    """A history entry without a change of status (a training session, a follow-up recorded)."""
    db.session.add(CaseEvent(case_id=case.id, at=utcnow(), status=case.status, action=action,
                             by_user_id=by_user_id, note=note or ""))
