"""Supply: the maker's orders (product, quantity, the site, the person only as a masked name — never
their clear name, phone or assessment data), shipping with tracking and serial numbers; or the
centre receiving the device from its own stock. Either makes the case `ready_for_fitting` and tells
the family."""
from datetime import datetime, timedelta

from sqlalchemy import select

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, User
from ..sites import Site
from ..units import lock, use_case
from .access import require_maker, staff_case
from .case_models import DeviceCase, SupplyOrder
from .models import Product
from .notices import notify_case
from .transitions import locked_case, move, require_status
from .views import case_view

# A clock on a tablet may run a little ahead; further than this is a mistake.
CLOCK_SKEW = timedelta(minutes=10)


def mask_name(name: str | None) -> str:
    """张阿姨 → 张**: the surname only, as makers see it."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else "**"


def not_in_future(instant: datetime, field: str) -> None:
    if instant > utcnow() + CLOCK_SKEW:
        raise Invalid(fields={field: ["时间不能晚于现在"]})


def maker_order_view(order: SupplyOrder) -> dict:
    """What a maker sees: nothing of the case but the masked name and where to deliver."""
    case = db.session.get(DeviceCase, order.case_id)
    resident = db.session.get(Resident, case.resident_id)
    product = db.session.get(Product, order.product_id)
    site = db.session.get(Site, order.site_id)
    return {"id": order.id, "status": order.status, "quantity": order.quantity,
            "product": {"id": product.id, "code": product.code, "name": product.name, "model": product.model,
                        "class_code": product.class_code},
            "site": {"id": site.id, "name": site.name, "address": site.address, "phone": site.phone},
            "resident_name": mask_name(resident.name),
            "created_at": localtime.at(order.created_at, site),
            "shipped_at": localtime.at(order.shipped_at, site), "tracking": order.tracking,
            "serial_nos": order.serial_nos or []}


def maker_orders(user: User, status: str | None, page: int, page_size: int) -> dict:
    """GET /maker/orders: the orders of the makers the user works for (403 for anyone else)."""
    makers = require_maker(user)
    stmt = select(SupplyOrder).where(SupplyOrder.maker_id.in_(makers)).order_by(SupplyOrder.id)
    if status:
        stmt = stmt.where(SupplyOrder.status == status)
    result = page_of(stmt, page, page_size)
    result["items"] = [maker_order_view(o) for o in result["items"]]
    return result


def _locked_order(order_id: int) -> SupplyOrder:
    order = db.session.scalar(lock(select(SupplyOrder).where(SupplyOrder.id == order_id)))
    if order is None:
        raise NotFound()
    return order


@use_case
def ship(user: User, order_id: int, shipped_at: datetime, tracking: str, serial_nos: list[str]) -> dict:
    """The maker ships: the order `shipped`, the case `ready_for_fitting`, the family told."""
    makers = require_maker(user)
    order = db.session.get(SupplyOrder, order_id)
    if order is None or order.maker_id not in makers:
        raise NotFound()
    not_in_future(shipped_at, "shipped_at")
    serial_nos = [s.strip() for s in serial_nos]
    if serial_nos and len(set(serial_nos)) != order.quantity:
        raise Invalid(fields={"serial_nos": [f"序列号须为 {order.quantity} 个且互不相同"]})
    case = locked_case(order.case_id)  # lock order: case, then its order (as everywhere)
    order = _locked_order(order_id)
    if order.status != "open":
        raise Conflict("invalid_transition", "该订单已发货或已由中心收货")
    require_status(case, "supplying")
    order.status, order.shipped_at, order.tracking = "shipped", shipped_at, tracking.strip()
    order.serial_nos, order.shipped_by_id = serial_nos, user.id
    move(case, "ready_for_fitting", user.id, "shipped", f"物流单号 {order.tracking}" if order.tracking else "")
    notify_case(case, "ready")
    return maker_order_view(order)


@use_case
def receive(staff: User, case_id: int, from_stock: bool, serial_no: str) -> dict:
    """POST /staff/device-cases/{id}/received: the centre has the device (from its own stock, or
    handed in without the maker shipping through the system)."""
    staff_case(staff, case_id)
    case = locked_case(case_id)
    require_status(case, "supplying")
    order = db.session.scalar(lock(select(SupplyOrder).where(SupplyOrder.case_id == case.id,
                                                                 SupplyOrder.status == "open")))
    if order is None:
        raise Conflict("invalid_transition", "该申请没有待供货的订单")
    order.status, order.from_stock, order.received_at, order.received_by_id = "received", from_stock, utcnow(), staff.id
    order.serial_nos = [serial_no.strip()] if serial_no.strip() else []
    move(case, "ready_for_fitting", staff.id, "received", "中心库存" if from_stock else "中心收货")
    notify_case(case, "ready")
    return case_view(case)

