"""Approvals: the current step of the chain only, by whom it names, one decision per step even when
two approvers press at once (the case row is locked and each (case, round, step) is unique)."""
from sqlalchemy.exc import IntegrityError

from ..db import utcnow
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..identity import User
from ..units import use_case
from .access import may_take, staff_case
from .case_models import Approval, DeviceCase, SupplyOrder
from .models import Product
from .notices import notify_case
from .transitions import current_step, locked_case, move, next_approval_step, require_status
from .views import case_view

NEEDS_OPINION = ("returned", "rejected")


def record_decision(case: DeviceCase, user: User, step: dict, result: str, opinion: str) -> None:
    """Write the decision (the caller holds the case lock). A second decision on the same step of the
    same pass is refused by the unique constraint, whatever slipped past the lock."""
    try:
        with db.session.begin_nested():
            db.session.add(Approval(case_id=case.id, round=case.approval_round, step=step["step"],
                                    step_name=step["name"], result=result, opinion=opinion or "",
                                    by_user_id=user.id, at=utcnow()))
    except IntegrityError:
        raise Conflict("not_current_step", "该步骤已有审批结果") from None


def open_supply_order(case: DeviceCase) -> None:
    product = db.session.get(Product, case.product_id)
    db.session.add(SupplyOrder(case_id=case.id, maker_id=product.maker_id, product_id=product.id,
                               site_id=case.site_id, quantity=1, status="open"))


@use_case
def decide(user: User, case_id: int, step_key: str, result: str, opinion: str) -> dict:
    staff_case(user, case_id)  # approvers are staff, managers or admins: 403 for anyone else
    if result in NEEDS_OPINION and not (opinion or "").strip():
        raise Invalid(fields={"opinion": ["退回或不通过须填写意见"]})
    case = locked_case(case_id)  # a second approver waits here, then finds the step decided
    require_status(case, "approval")
    step = current_step(case)
    if step["step"] != step_key:
        raise Conflict("not_current_step", f"当前待审批的步骤是“{step['name']}”")
    if not may_take(user, case, step["by"]):
        raise Forbidden()
    record_decision(case, user, step, result, opinion)
    if result == "returned":
        case.returned_reason = opinion
        move(case, "returned", user.id, "returned", opinion)
        notify_case(case, "returned", opinion)
    elif result == "rejected":
        case.closed_reason = opinion
        move(case, "rejected", user.id, "rejected", opinion)
        notify_case(case, "rejected", opinion)
    elif next_approval_step(case) is None:
        open_supply_order(case)
        move(case, "supplying", user.id, f"approved:{step['step']}", opinion)
        notify_case(case, "approved")
    else:
        move(case, "approval", user.id, f"approved:{step['step']}", opinion)
    return case_view(case)

