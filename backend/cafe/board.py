"""The café staff's order board: active orders, forward-only status, canned messages to the customer;
and the customer-facing "ready" screen of pickup numbers.

Café staff are mostly deaf: nothing here needs voice; the customer is told by message.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..identity import User, require_staff
from ..moderation import check_text
from ..notifications import notify
from ..sites import get_site
from ..units import transaction, use_case
from .models import ACTIVE_STATUSES, Order
from .orders import locked_order
from .payments import order_page
from .views import board_views

FLOW = ("paid", "accepted", "ready", "completed")  # forward only; a step may be skipped
STAMP = {"accepted": "accepted_at", "ready": "ready_at", "completed": "completed_at"}

MESSAGES = {
    "please_wait": "您的 {number} 正在制作中，请稍候",
    "ready": "您的 {number} 已做好，请到柜台取餐",
    "sold_out_item": "抱歉，您的订单 {number} 中有商品已售罄，请到柜台与店员确认",
    "come_to_counter": "请到柜台来一下，店员有事与您沟通（订单 {number}）",
}


def board(staff: User, site_id: int, status: str, page: int, page_size: int) -> dict:
    result = page_of(_board_query(staff, site_id, status), page, page_size)
    result["items"] = board_views(result["items"])
    return result


def _board_query(staff: User, site_id: int, status: str):
    """Orders of a café for the board, oldest paid first. `active` = paid, accepted or ready."""
    require_staff(staff, site_id)
    get_site(site_id, kind="cafe")
    statuses = ACTIVE_STATUSES if status == "active" else (status,)
    return (select(Order).options(selectinload(Order.items))  # the lines of a whole page in one statement
            .where(Order.site_id == site_id, Order.status.in_(statuses)).order_by(Order.paid_at, Order.id))


def screen(staff: User, site_id: int) -> dict:
    """Who may open a café's screens (the order board, the "ready" screen): the same as the board's
    API, staff of that café and admins (another café's staff: 404). The café, for the page's title."""
    require_staff(staff, site_id)
    site = get_site(site_id, kind="cafe")
    return {"site_id": site.id, "name": site.name}


def pickup_numbers(staff: User, site_id: int) -> dict:
    """The "ready" screen: pickup numbers only (no names, no items: it faces the room). `preparing`:
    paid or accepted, oldest first; `ready`: ready, and completed within SCREEN_READY_LINGER_MINUTES,
    in the order they became ready."""
    require_staff(staff, site_id)
    site = get_site(site_id, kind="cafe")
    now = utcnow()
    since = now - timedelta(minutes=current_app.config["SCREEN_READY_LINGER_MINUTES"])
    recent = and_(Order.status == "completed", Order.completed_at >= since,
                  # through the (site, day, number) index: completed orders pile up over the years
                  Order.local_date >= localtime.local_date(since, site) - timedelta(days=1))
    rows = db.session.execute(
        select(Order.number, Order.status).where(Order.site_id == site_id,
                                                 or_(Order.status.in_(ACTIVE_STATUSES), recent))
        .order_by(func.coalesce(Order.ready_at, Order.completed_at, Order.paid_at), Order.paid_at, Order.id)).all()
    preparing = [r.number for r in rows if r.status in ("paid", "accepted")]
    ready = [r.number for r in rows if r.status in ("ready", "completed")]
    return {"preparing": preparing, "ready": ready}


def _staff_order(staff: User, order_id: int) -> Order:
    require_staff(staff)  # 403 for a non-staff user before anything is looked up
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound()
    require_staff(staff, order.site_id)
    return order


STATUS_NAMES = {"pending_payment": "待支付", "paid": "已支付", "accepted": "已接单", "ready": "已做好",
                "completed": "已完成", "cancelled": "已取消", "expired": "已过期", "refunding": "退款中",
                "refunded": "已退款"}


@use_case
def set_status(staff: User, order_id: int, status: str) -> dict:
    _staff_order(staff, order_id)
    order = locked_order(Order.id == order_id)
    if order.status not in FLOW or FLOW.index(status) <= FLOW.index(order.status):
        raise Conflict("invalid_transition",
                       f"订单当前状态为“{STATUS_NAMES[order.status]}”，不能改为“{STATUS_NAMES[status]}”")
    order.status = status
    setattr(order, STAMP[status], utcnow())
    if status == "ready":
        notify(order.user_id, "order_ready", "取餐提醒", f"您的 {order.number} 已做好", order_page(order),
               {"number": order.number, "cafe": get_site(order.site_id).name[:20], "status": "已做好，请取餐"})
    db.session.flush()
    return board_views([order])[0]


def message_customer(staff: User, order_id: int, template: str, text: str | None) -> dict:
    """A canned zh-CN message (plus the staff member's own words) to the order's customer."""
    _staff_order(staff, order_id)  # who may, before anything else
    check_text(staff.openid, text)  # a WeChat call: before the transaction
    with transaction():
        order = _staff_order(staff, order_id)
        body = MESSAGES[template].format(number=order.number)
        if text:
            body = f"{body}。{text}"
        n = notify(order.user_id, "order_message", "店员消息", body, order_page(order),
                   {"number": order.number, "message": body[:20]})
        db.session.flush()
        return {"order_id": order.id, "notification_id": n.id if n else None, "text": body}
