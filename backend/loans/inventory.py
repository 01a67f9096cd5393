"""The centres' inventory units: adding and correcting them, moving them between states (repair,
scrapped, lost), inspecting returned ones, maintenance, and the public availability per centre."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import User, require_staff
from ..sites import Site, get_site
from ..units import use_case
from ..devices import Product
from . import notices, pool
from .models import DeviceItem, DeviceLoan
from .views import item_view, maintenance_due_on, product_brief

STATUS_NAMES = {"available": "可借", "reserved": "已预留", "on_loan": "借出中", "inspection": "待检",
                "repair": "维修中", "scrapped": "已报废", "lost": "已丢失"}
# Moves staff make by PATCH (checkout, return and inspection have their own routes).
PATCH_MOVES = {
    "available": {"repair", "scrapped", "lost"},
    "reserved": {"repair", "lost"},
    "repair": {"available", "scrapped"},
    "inspection": {"lost"},
    "on_loan": set(), "scrapped": set(), "lost": set(),
}


def _conflict(item: DeviceItem):
    return Conflict("invalid_transition", f"设备当前为“{STATUS_NAMES[item.status]}”，不能进行此操作")


def _staff_item(staff: User, item_id: int) -> DeviceItem:
    require_staff(staff)
    item = db.session.get(DeviceItem, item_id)
    if item is None:
        raise NotFound()
    require_staff(staff, item.site_id)
    return item


def _insert(item: DeviceItem) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        raise Invalid(fields={"serial_no": ["该产品已有相同序列号的设备"]}) from None


@use_case
def add_item(staff: User, site_id: int, data: dict) -> dict:
    require_staff(staff, site_id)
    site = get_site(site_id)
    product = db.session.get(Product, data["product_id"])
    if product is None:
        raise Invalid(fields={"product_id": ["产品不存在"]})
    today = localtime.today(site)
    acquired = data.get("acquired_on") or today
    if acquired > today:
        raise Invalid(fields={"acquired_on": ["入库日期不能晚于今天"]})
    now = utcnow()
    pool.lock_pool(product.id)
    item = DeviceItem(site_id=site.id, product_id=product.id, serial_no=data["serial_no"],
                      condition=data["condition"], source=data["source"], note=data.get("note", ""),
                      acquired_on=acquired, status="available", updated_at=now)
    _insert(item)
    pool.item_event(item, staff.id, "added", data.get("note", ""), now=now)
    pool.serve_waiting(site.id, product.id, now)
    return item_view(item)


@use_case
def update_item(staff: User, item_id: int, data: dict) -> dict:
    """Correct a unit (serial number, condition, note) or move it: to repair (a hold on it moves to
    another free unit, or the person waits and is told), back from repair, scrapped, lost."""
    item = _staff_item(staff, item_id)
    now = utcnow()
    pool.lock_pool(item.product_id)
    loan = None
    if data.get("status") == "repair" or data.get("status") == "lost":
        live = db.session.scalar(select(DeviceLoan.id).where(DeviceLoan.item_id == item.id,
                                                             DeviceLoan.status == "reserved"))
        loan = pool.lock_loan(live) if live else None
    item = pool.lock_item(item.id)
    for key in ("serial_no", "condition", "note"):
        if key in data:
            setattr(item, key, data[key])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Invalid(fields={"serial_no": ["该产品已有相同序列号的设备"]}) from None
    status = data.get("status")
    if status is None or status == item.status:
        item.updated_at = now
        pool.item_event(item, staff.id, "edited", data.get("note", ""), now=now)
        return item_view(item)
    if status not in PATCH_MOVES[item.status]:
        raise _conflict(item)
    held = loan if loan is not None and loan.item_id == item.id and loan.status == "reserved" else None
    pool.set_item(item, status, staff.id, status, data.get("note", ""), loan_id=held.id if held else None, now=now)
    if held is not None:
        _rehome(held, item, staff, now)
    if status == "available":
        pool.serve_waiting(item.site_id, item.product_id, now)
    return item_view(item)


def _rehome(loan: DeviceLoan, lost_unit: DeviceItem, staff: User, now) -> None:
    """The unit held for `loan` left service: hold another free unit of the pool, else the person waits."""
    other = pool.free_unit(loan.site_id, loan.product_id, exclude=lost_unit.id)
    loan.item_id = None
    db.session.flush()
    if other is not None:
        pool.hold(loan, other, staff.id, now, keep_expiry=True, action="unit_swapped")
        notices.hold_moved(loan)
    else:
        loan.hold_expires_at = None
        pool.loan_event(loan, staff.id, "waiting", "预留的设备送修，等待其他设备", now)
        notices.hold_lost(loan)


@use_case
def inspect(staff: User, item_id: int, result: str, note: str) -> dict:
    """A returned unit, cleaned and inspected: `available` (lent again), `repair` or `scrapped`."""
    item = _staff_item(staff, item_id)
    now = utcnow()
    pool.lock_pool(item.product_id)
    item = pool.lock_item(item.id)
    if item.status != "inspection":
        raise _conflict(item)
    pool.set_item(item, result, staff.id, "inspected", note, now=now)
    if result == "available":
        pool.serve_waiting(item.site_id, item.product_id, now)
    return item_view(item)


@use_case
def record_maintenance(staff: User, item_id: int, done_at: datetime, note: str) -> dict:
    """Maintenance done on a unit: its clock restarts from that day (the centre's calendar)."""
    item = _staff_item(staff, item_id)
    done_on = localtime.local_date(done_at, item.site_id)
    if done_on > localtime.today(item.site_id):
        raise Invalid(fields={"done_at": ["保养日期不能晚于今天"]})
    if done_on < item.acquired_on:
        raise Invalid(fields={"done_at": ["保养日期不能早于入库日期"]})
    pool.lock_pool(item.product_id)
    item = pool.lock_item(item.id)
    if item.status in ("scrapped", "lost"):
        raise _conflict(item)
    if item.last_maintained_on is None or done_on > item.last_maintained_on:
        item.last_maintained_on = done_on
    item.updated_at = utcnow()
    pool.item_event(item, staff.id, "maintained", f"{done_on.isoformat()} {note}".strip())
    return item_view(item)


def read_item(staff: User, item_id: int) -> dict:
    return item_view(_staff_item(staff, item_id))


def list_items(staff: User, site_id: int, *, status: str | None, product_id: int | None, maintenance_due: bool,
               page: int, page_size: int) -> dict:
    """A centre's units. `maintenance_due`: units whose last maintenance (or acquisition) is older than
    their product's interval, the most overdue first (computed over the centre's units: a centre holds
    hundreds, not millions)."""
    require_staff(staff, site_id)
    get_site(site_id)
    stmt = select(DeviceItem).where(DeviceItem.site_id == site_id).order_by(DeviceItem.id)
    if status:
        stmt = stmt.where(DeviceItem.status == status)
    if product_id:
        stmt = stmt.where(DeviceItem.product_id == product_id)
    if maintenance_due:
        today = localtime.today(site_id)
        rows = db.session.execute(stmt.add_columns(Product).join(Product, Product.id == DeviceItem.product_id).where(
            Product.maintenance_interval_days > 0, DeviceItem.status.not_in(("scrapped", "lost")))).all()
        due = sorted(((maintenance_due_on(i, p), i.id, i) for i, p in rows if maintenance_due_on(i, p) <= today),
                     key=lambda t: (t[0], t[1]))
        start = (page - 1) * page_size
        return {"items": [item_view(i, history=False) for _, _, i in due[start:start + page_size]],
                "page": page, "page_size": page_size, "total": len(due)}
    result = page_of(stmt, page, page_size)
    result["items"] = [item_view(i, history=False) for i in result["items"]]
    return result


def loanable(site_id: int | None, class_code: str | None) -> dict:
    """Public: per centre and loanable product, how many units can be reserved now."""
    now = utcnow()
    stmt = (select(DeviceItem.site_id, DeviceItem.product_id, func.count(DeviceItem.id))
            .join(Product, Product.id == DeviceItem.product_id)
            .where(Product.loanable.is_(True), Product.active.is_(True),
                   DeviceItem.status.not_in(("scrapped", "lost")))
            .group_by(DeviceItem.site_id, DeviceItem.product_id).order_by(DeviceItem.site_id, DeviceItem.product_id))
    free = (select(DeviceItem.site_id, DeviceItem.product_id, func.count(DeviceItem.id))
            .where(pool.lendable_clause(now)).group_by(DeviceItem.site_id, DeviceItem.product_id))
    if site_id is not None:
        stmt = stmt.where(DeviceItem.site_id == site_id)
        free = free.where(DeviceItem.site_id == site_id)
    if class_code:
        stmt = stmt.where((Product.class_code == class_code) | Product.class_code.startswith(class_code + "."))
    counts = {(s, p): n for s, p, n in db.session.execute(free).all()}
    rows = db.session.execute(stmt).all()
    products = {p.id: p for p in db.session.scalars(select(Product).where(
        Product.id.in_({p for _, p, _ in rows})))} if rows else {}
    sites = {s.id: s for s in db.session.scalars(select(Site).where(Site.id.in_({s for s, _, _ in rows})))} \
        if rows else {}
    return {"items": [{"product": product_brief(products[p]), "site_id": s, "site_name": sites[s].name,
                       "available": counts.get((s, p), 0), "total": n} for s, p, n in rows]}
