"""Lending: reserve (a hold on one unit), cancel, check out with a signed handover, renew, return,
report lost; reading one's loans and the centre's list.

Rules people asked other lending systems for: no new loan while one is overdue (`loan_overdue`),
at most `DEVICE_LOAN_MAX_ACTIVE` live loans per person (`loan_limit`), a due date at most the
product's `loan_days` ahead, `DEVICE_LOAN_MAX_RENEWALS` renewals and none while someone else waits
for that product at that centre (`reserved_by_other`)."""
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, select

from .. import audit, localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, ResidentLink, User, acting_for, is_linked, mark_known, require_staff, staff_roles
from ..sites import get_site
from ..units import lock, use_case
from ..devices import Product, check_handover, create_handover, handover_text
from . import notices, pool
from .models import LIVE, DeviceItem, DeviceLoan
from .views import is_overdue, loan_view, loan_views, max_renewals

STATUS_NAMES = {"reserved": "已预留", "on_loan": "借用中", "returned": "已归还", "cancelled": "已取消",
                "expired": "已过期", "lost": "已丢失"}


def max_active() -> int:
    return int(current_app.config.get("DEVICE_LOAN_MAX_ACTIVE", 2))


def _loanable(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or not product.active:
        raise NotFound()
    if not product.loanable:
        raise Invalid(fields={"product_id": ["该产品不提供借用"]})
    return product


def _has_overdue(resident_id: int, exclude: int | None = None) -> bool:
    """An `on_loan` loan past its due date in its centre's calendar."""
    rows = db.session.execute(select(DeviceLoan.id, DeviceLoan.site_id, DeviceLoan.due_on).where(
        DeviceLoan.resident_id == resident_id, DeviceLoan.status == "on_loan")).all()
    return any(lid != exclude and due is not None and due < localtime.today(site) for lid, site, due in rows)


def _require_status(loan: DeviceLoan, *statuses: str, now: datetime | None = None) -> None:
    status = "expired" if pool.hold_lapsed(loan, now or utcnow()) else loan.status
    if status not in statuses:
        raise Conflict("invalid_transition", f"借用当前为“{STATUS_NAMES[status]}”，不能进行此操作")


def _reserve(actor: User, resident: Resident, data: dict, *, by_staff: bool, now: datetime) -> dict:
    site = get_site(data["site_id"])
    product = _loanable(data["product_id"])
    # The person first (their other loans), then the pool: one lock order everywhere (pool.py).
    db.session.execute(lock(select(Resident.id).where(Resident.id == resident.id), key_share=True))
    if _has_overdue(resident.id):
        raise Conflict("loan_overdue", "您有逾期未还的辅具，请先归还后再借")
    live = db.session.scalar(select(func.count()).select_from(DeviceLoan).where(
        DeviceLoan.resident_id == resident.id, DeviceLoan.status.in_(LIVE),
        (DeviceLoan.status == "on_loan") | (DeviceLoan.hold_expires_at.is_(None))
        | (DeviceLoan.hold_expires_at > now))) or 0
    if live >= max_active():
        raise Conflict("loan_limit", f"每人最多同时借用 {max_active()} 件辅具")
    pool.lock_pool(product.id)
    pool.lapse_expired(site.id, product.id, now)
    item = pool.free_unit(site.id, product.id)
    if item is None:
        raise Conflict("none_available", "该中心此辅具暂无可借")
    loan = DeviceLoan(resident_id=resident.id, site_id=site.id, product_id=product.id, purpose=data["purpose"],
                      status="reserved", created_by_id=actor.id, by_staff=by_staff)
    db.session.add(loan)
    db.session.flush()
    pool.loan_event(loan, actor.id, "reserved", "代借" if by_staff else "", now)
    pool.hold(loan, item, actor.id, now)
    mark_known(resident.id, site.id, "device_loan")
    if by_staff:  # staff acting for the person at the counter: on the record
        audit.record(actor.id, "update", [resident.id], fields=["device_loan"], site_id=site.id)
    return loan_view(loan)


@use_case
def reserve(user: User, data: dict, *, now: datetime | None = None) -> dict:
    """A family (or the person) reserves a unit: one is held for `DEVICE_HOLD_DAYS`."""
    resident, as_staff = acting_for(user, data["resident_id"], data["site_id"])
    if as_staff:
        raise NotFound()  # staff lend to walk-ins through their own route
    return _reserve(user, resident, data, by_staff=False, now=now or utcnow())


@use_case
def reserve_for_walk_in(staff: User, data: dict, *, now: datetime | None = None) -> dict:
    require_staff(staff, data["site_id"])
    resident, _ = acting_for(staff, data["resident_id"], data["site_id"])
    return _reserve(staff, resident, data, by_staff=True, now=now or utcnow())


# ---------------------------------------------------------------- access

def _role(user: User, loan: DeviceLoan) -> str:
    if is_linked(user.id, loan.resident_id):
        return "owner"
    if user.is_admin or loan.site_id in staff_roles(user):
        return "staff"
    raise NotFound()


def _loan(loan_id: int) -> DeviceLoan:
    loan = db.session.get(DeviceLoan, loan_id)
    if loan is None:
        raise NotFound()
    return loan


def _staff_loan(staff: User, loan_id: int) -> DeviceLoan:
    require_staff(staff)
    loan = _loan(loan_id)
    require_staff(staff, loan.site_id)
    return loan


def _locked(loan: DeviceLoan) -> DeviceLoan:
    """Lock the pool, then the loan (pool.py's order)."""
    pool.lock_pool(loan.product_id)
    return pool.lock_loan(loan.id)


def _acting(user: User, loan: DeviceLoan) -> str:
    """The person's side of a loan: a linked user, or staff of its centre acting for the person (at the
    counter: audited)."""
    role = _role(user, loan)
    if role == "staff":
        audit.record(user.id, "update", [loan.resident_id], fields=["device_loan"], site_id=loan.site_id)
    return role


# ---------------------------------------------------------------- the person's steps

@use_case
def cancel(user: User, loan_id: int) -> dict:
    loan = _loan(loan_id)
    _acting(user, loan)
    now = utcnow()
    loan = _locked(loan)
    _require_status(loan, "reserved", now=now)
    pool.release_hold(loan, user.id, "hold_cancelled", "", now)
    loan.status, loan.ended_at = "cancelled", now
    pool.loan_event(loan, user.id, "cancelled", now=now)
    pool.serve_waiting(loan.site_id, loan.product_id, now)
    return loan_view(loan)


@use_case
def renew(user: User, loan_id: int) -> dict:
    loan = _loan(loan_id)
    _acting(user, loan)
    loan = _locked(loan)
    _require_status(loan, "on_loan")
    if loan.renewals >= max_renewals():
        raise Conflict("renewal_limit", f"每次借用最多续借 {max_renewals()} 次")
    if is_overdue(loan, localtime.today(loan.site_id)) or _has_overdue(loan.resident_id):
        raise Conflict("loan_overdue", "借用已逾期，不能续借，请尽快归还")
    if pool.waiting_count(loan.site_id, loan.product_id, besides_resident=loan.resident_id):
        raise Conflict("reserved_by_other", "已有其他人在等候借用此辅具，不能续借，请按期归还")
    product = db.session.get(Product, loan.product_id)
    loan.due_on = loan.due_on + timedelta(days=product.loan_days)
    loan.renewals += 1
    pool.loan_event(loan, user.id, "renewed", f"续借至 {loan.due_on.isoformat()}")
    return loan_view(loan)


# ---------------------------------------------------------------- the centre's steps

@use_case
def checkout(staff: User, loan_id: int, data: dict) -> dict:
    """Hand a unit over: `reserved` → `on_loan`, with the signed handover (devices' handovers). The
    unit is the one held, or another available unit of the same product at the centre (the held one
    is then free again)."""
    loan = _staff_loan(staff, loan_id)
    check_handover(data["handover"])  # a forged signature is a 422 before anything changes
    now = utcnow()
    site = get_site(loan.site_id)
    product = db.session.get(Product, loan.product_id)
    today = localtime.today(site)
    due_on: date = data["due_on"]
    if due_on <= today or due_on > today + timedelta(days=product.loan_days):
        raise Invalid(fields={"due_on": [f"归还日期应在今天之后、{product.loan_days} 天之内"
                                         f"（不晚于 {(today + timedelta(days=product.loan_days)).isoformat()}）"]})
    loan = _locked(loan)
    _require_status(loan, "reserved", now=now)
    item = pool.lock_item(data["item_id"])
    if item is None or item.site_id != loan.site_id or item.product_id != loan.product_id:
        raise Invalid(fields={"item_id": ["不是本中心该产品的设备"]})
    if item.id != loan.item_id:
        if item.status != "available":
            raise Conflict("item_unavailable", "这台设备当前不能借出（可能已被预留、借出或待检）")
        pool.release_hold(loan, staff.id, "hold_swapped", f"借用 #{loan.id} 改借另一台", now)
        pool.hold(loan, item, staff.id, now, keep_expiry=True, action="unit_swapped")
    elif item.status != "reserved":
        raise Conflict("item_unavailable", "这台设备当前不能借出（可能已被预留、借出或待检）")
    text = handover_text("loan", site=site.name, product=product.name, model=product.model,
                         serial_no=item.serial_no, due_on=due_on.isoformat())
    handover = create_handover(kind="loan", resident_id=loan.resident_id, site_id=site.id, staff=staff,
                               data=data["handover"], text=text, signed_at=now)
    loan.handover_id = handover.id
    loan.status, loan.due_on, loan.hold_expires_at = "on_loan", due_on, None
    loan.checked_out_at, loan.checked_out_by_id = now, staff.id
    pool.set_item(item, "on_loan", staff.id, "checked_out", loan_id=loan.id, now=now)
    pool.loan_event(loan, staff.id, "checked_out", f"应还日期 {due_on.isoformat()}", now)
    return loan_view(loan)


@use_case
def return_loan(staff: User, loan_id: int, condition: str, note: str) -> dict:
    """`on_loan` → `returned`; the unit goes to inspection (cleaned and checked before it is lent
    again)."""
    loan = _staff_loan(staff, loan_id)
    now = utcnow()
    loan = _locked(loan)
    _require_status(loan, "on_loan")
    item = pool.lock_item(loan.item_id)
    loan.status, loan.returned_at, loan.ended_at = "returned", now, now
    loan.return_condition, loan.return_note = condition, note or ""
    item.condition = condition
    pool.set_item(item, "inspection", staff.id, "returned", note, loan_id=loan.id, now=now)
    pool.loan_event(loan, staff.id, "returned", note, now)
    return loan_view(loan)


@use_case
def report_lost(staff: User, loan_id: int, note: str) -> dict:
    """The person lost the unit: the loan ends `lost`, the unit is `lost` (never lent again)."""
    loan = _staff_loan(staff, loan_id)
    now = utcnow()
    loan = _locked(loan)
    _require_status(loan, "on_loan")
    item = pool.lock_item(loan.item_id)
    loan.status, loan.ended_at = "lost", now
    pool.set_item(item, "lost", staff.id, "lost", note, loan_id=loan.id, now=now)
    pool.loan_event(loan, staff.id, "lost", note, now)
    return loan_view(loan)


# ---------------------------------------------------------------- reading

def read(user: User, loan_id: int) -> dict:
    loan = _loan(loan_id)
    _role(user, loan)
    return loan_view(loan)


def my_loans(user: User, status: str | None, page: int, page_size: int) -> dict:
    mine = select(ResidentLink.resident_id).where(ResidentLink.user_id == user.id)
    stmt = select(DeviceLoan).where(DeviceLoan.resident_id.in_(mine)).order_by(DeviceLoan.id.desc())
    if status:
        stmt = _status_filter(stmt, status)
    if status == "overdue":
        return _overdue_page(stmt, page, page_size)
    result = page_of(stmt, page, page_size)
    result["items"] = loan_views(result["items"])
    return result


def _overdue_page(stmt, page: int, page_size: int) -> dict:
    """Overdue is a local-calendar fact per centre: the SQL filter is a superset, checked here."""
    rows = [loan for loan in db.session.scalars(stmt) if is_overdue(loan, localtime.today(loan.site_id))]
    start = (page - 1) * page_size
    return {"items": loan_views(rows[start:start + page_size]), "page": page, "page_size": page_size,
            "total": len(rows)}


def _status_filter(stmt, status: str):
    now = utcnow()
    if status == "overdue":
        # Past due in the federation's calendar, re-checked per centre below (zones differ by hours).
        return stmt.where(DeviceLoan.status == "on_loan", DeviceLoan.due_on <= localtime.today() + timedelta(days=1))
    if status == "reserved":
        return stmt.where(DeviceLoan.status == "reserved",
                          (DeviceLoan.hold_expires_at.is_(None)) | (DeviceLoan.hold_expires_at > now))
    if status == "expired":
        return stmt.where((DeviceLoan.status == "expired") | and_(DeviceLoan.status == "reserved",
                                                                  DeviceLoan.hold_expires_at <= now))
    return stmt.where(DeviceLoan.status == status)


def site_loans(staff: User, site_id: int | None, status: str | None, page: int, page_size: int) -> dict:
    roles = require_staff(staff, site_id)
    stmt = select(DeviceLoan).order_by(DeviceLoan.due_on if status in ("on_loan", "overdue") else DeviceLoan.id,
                                       DeviceLoan.id)
    if site_id is not None:
        stmt = stmt.where(DeviceLoan.site_id == site_id)
    elif not staff.is_admin:
        stmt = stmt.where(DeviceLoan.site_id.in_(list(roles)))
    if status:
        stmt = _status_filter(stmt, status)
    if status == "overdue":
        return _overdue_page(stmt, page, page_size)
    result = page_of(stmt, page, page_size)
    result["items"] = loan_views(result["items"])
    return result
