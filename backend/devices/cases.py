"""Applying for a device, and the case's administrative steps: accept, return → edit → resubmit,
withdraw; reading one's cases and the staff worklist."""
from datetime import date, datetime

from sqlalchemy import and_, false, or_, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, ResidentLink, User, acting_for, mark_known, require_staff
from ..units import use_case
from . import classification, transitions
from .approvals import record_decision
from .access import applicant_case, case_site, may_take, readable_case, staff_case
from .case_models import WITHDRAWABLE, DeviceCase
from .catalogue import require_class
from .models import Product, SubsidyGroup
from .notices import notify_case
from .transitions import current_step, locked_case, move, require_status
from .views import case_brief, case_view

CASE_FIELDS = ("class_code", "need", "subsidy_groups")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _check_fields(data: dict) -> None:
    if "class_code" in data:
        require_class(data["class_code"])
    if "subsidy_groups" in data:
        keys = data["subsidy_groups"]
        known = set(db.session.scalars(select(SubsidyGroup.key).where(SubsidyGroup.key.in_(keys))))
        unknown = [n for n, k in enumerate(keys, 1) if k not in known]
        if unknown:
            raise Invalid(fields={"subsidy_groups": [f"第 {n} 项不是已有的补贴分组" for n in unknown]})


def _within_useful_life(resident: Resident, main_class: str, now: datetime) -> bool:
    """A device of this main class was delivered to the person within its product's useful life, and
    their disability level has not changed since (Xi'an's rule: no re-application before then)."""
    rows = db.session.execute(select(DeviceCase.delivered_at, DeviceCase.level_at_delivery,
                                     Product.useful_life_months)
                              .join(Product, Product.id == DeviceCase.product_id)
                              .where(DeviceCase.resident_id == resident.id, DeviceCase.main_class == main_class,
                                     DeviceCase.delivered_at.is_not(None))).all()
    return any(months and level == resident.disability_level
               and add_months(delivered.date(), months) > now.date()
               for delivered, level, months in rows)


def _insert(case: DeviceCase) -> None:
    """The partial unique index is the last word on one live case per person and main class."""
    try:
        with db.session.begin_nested():
            db.session.add(case)
    except IntegrityError:
        raise Conflict("case_open", "该居民已有同类辅具的申请在办理中") from None


def _open(actor: User, resident: Resident, data: dict, *, by_staff: bool) -> dict:
    site = case_site(data["site_id"])
    _check_fields(data)
    main = classification.main_class_of(data["class_code"])
    now = utcnow()
    if db.session.scalar(select(DeviceCase.id).where(
            DeviceCase.resident_id == resident.id, DeviceCase.main_class == main,
            DeviceCase.status.not_in(("closed", "rejected", "withdrawn")))) is not None:
        raise Conflict("case_open", "该居民已有同类辅具的申请在办理中")
    if _within_useful_life(resident, main, now):
        raise Conflict("within_useful_life", "同类辅具仍在使用年限内，暂不能重复申请（残疾等级变化的除外）")
    case = DeviceCase(resident_id=resident.id, site_id=site.id, class_code=data["class_code"], main_class=main,
                      need=data.get("need", ""), subsidy_groups=list(dict.fromkeys(data.get("subsidy_groups", []))),
                      status="submitted", created_by_id=actor.id, by_staff=by_staff, waiting_step="accept",
                      waiting_by="staff")
    _insert(case)
    transitions.record(case, actor.id, "submitted", "代办" if by_staff else "")
    mark_known(resident.id, site.id, "device_case")
    if by_staff:  # staff acting for the person: on the record
        audit.record(actor.id, "update", [resident.id], fields=["device_case"], site_id=site.id)
    db.session.flush()
    return case_view(case)


@use_case
def apply(user: User, data: dict) -> dict:
    """A family (or the person) applies for a device."""
    resident, as_staff = acting_for(user, data["resident_id"], data["site_id"])
    if as_staff:
        raise NotFound()  # staff file for walk-ins through their own route
    return _open(user, resident, data, by_staff=False)


@use_case
def file_for_walk_in(staff: User, data: dict) -> dict:
    """Staff of the site file the application for a person at the counter (代办)."""
    require_staff(staff, data["site_id"])
    resident, _ = acting_for(staff, data["resident_id"], data["site_id"])
    return _open(staff, resident, data, by_staff=True)


@use_case
def read(user: User, case_id: int) -> dict:
    """The whole case. A staff member's read of its health data (the assessments) is audited."""
    case, role = readable_case(user, case_id)
    view = case_view(case)
    if role in ("staff", "admin") and view["assessments"]:
        audit.record(user.id, "read", [case.resident_id], fields=["device_assessment"], site_id=case.site_id)
    return view


def my_cases(user: User, page: int, page_size: int) -> dict:
    mine = select(ResidentLink.resident_id).where(ResidentLink.user_id == user.id)
    stmt = select(DeviceCase).where(DeviceCase.resident_id.in_(mine)).order_by(DeviceCase.id.desc())
    result = page_of(stmt, page, page_size)
    result["items"] = [case_brief(c) for c in result["items"]]
    return result


def worklist(staff: User, *, site_id: int | None, status: str | None, waiting_on_me: bool, page: int,
             page_size: int) -> dict:
    """The cases of the staff member's sites (admins: all); `waiting_on_me`: those whose current step
    the caller may take. An admin's own queue is the steps that name admins."""
    roles = require_staff(staff, site_id)
    stmt = select(DeviceCase).order_by(DeviceCase.id)
    if site_id is not None:
        stmt = stmt.where(DeviceCase.site_id == site_id)
    elif not staff.is_admin:
        stmt = stmt.where(DeviceCase.site_id.in_(roles))
    if status:
        stmt = stmt.where(DeviceCase.status == status)
    if waiting_on_me:
        stmt = stmt.where(_waiting_on(staff, roles))
    result = page_of(stmt, page, page_size)
    result["items"] = [case_brief(c) for c in result["items"]]
    return result


def _waiting_on(user: User, roles: dict[int, str]):
    if user.is_admin:
        return DeviceCase.waiting_by == "admin"
    staff_sites = list(roles)
    managed = [s for s, r in roles.items() if r == "manager"]
    return or_(and_(DeviceCase.waiting_by == "staff", DeviceCase.site_id.in_(staff_sites)),
               and_(DeviceCase.waiting_by == "manager", DeviceCase.site_id.in_(managed)) if managed else false(),
               and_(DeviceCase.waiting_by == "applicant", DeviceCase.by_staff.is_(True),
                    DeviceCase.site_id.in_(staff_sites)))


@use_case
def accept(staff: User, case_id: int, note: str) -> dict:
    staff_case(staff, case_id)
    case = locked_case(case_id)
    require_status(case, "submitted")
    move(case, "assessment_pending", staff.id, "accepted", note)
    notify_case(case, "accepted", note)
    return case_view(case)


@use_case
def return_case(user: User, case_id: int, reason: str) -> dict:
    """Back to the applicant with the reason: staff of the site before approval, or whoever may take
    the current approval step."""
    staff_case(user, case_id)
    case = locked_case(case_id)
    require_status(case, "submitted", "assessment_pending", "assessed", "approval")
    if case.status == "approval":
        step = current_step(case)
        if not may_take(user, case, step["by"]):
            raise Forbidden()
        record_decision(case, user, step, "returned", reason)
    case.returned_reason = reason
    move(case, "returned", user.id, "returned", reason)
    notify_case(case, "returned", reason)
    return case_view(case)


@use_case
def edit_returned(user: User, case_id: int, data: dict) -> dict:
    """A returned case is corrected by its applicant before resubmitting."""
    applicant_case(user, case_id)
    case = locked_case(case_id)
    require_status(case, "returned")
    _check_fields(data)
    if "class_code" in data:
        case.main_class = classification.main_class_of(data["class_code"])
    for key in CASE_FIELDS:
        if key in data:
            setattr(case, key, list(dict.fromkeys(data[key])) if key == "subsidy_groups" else data[key])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("case_open", "该居民已有同类辅具的申请在办理中") from None
    transitions.record(case, user.id, "edited")
    return case_view(case)


@use_case
def resubmit(user: User, case_id: int) -> dict:
    applicant_case(user, case_id)
    case = locked_case(case_id)
    require_status(case, "returned")
    move(case, "submitted", user.id, "resubmitted")
    return case_view(case)


@use_case
def withdraw(user: User, case_id: int) -> dict:
    """The applicant withdraws, as long as nothing has been ordered."""
    applicant_case(user, case_id)
    case = locked_case(case_id)
    require_status(case, *WITHDRAWABLE)
    move(case, "withdrawn", user.id, "withdrawn")
    return case_view(case)
