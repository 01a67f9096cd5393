"""The café staff's order board: active orders, forward-only status, canned messages to the customer.

Café staff are mostly deaf: nothing here needs voice; the customer is told by message.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..moderation import check_text
from ..identity.access import require_staff
from ..identity.models import User
from ..notifications.outbox import notify
from .locking import locked_order
from .menu import cafe_site
from .models import ACTIVE_STATUSES, Order
from .payments import order_page

FLOW = ("paid", "accepted", "ready", "completed")  # forward only; a step may be skipped
STAMP = {"accepted": "accepted_at", "ready": "ready_at", "completed": "completed_at"}

MESSAGES = {
    "please_wait": "您的 {number} 正在制作中，请稍候",
    "ready": "您的 {number} 已做好，请到柜台取餐",
    "sold_out_item": "抱歉，您的订单 {number} 中有商品已售罄，请到柜台与店员确认",
    "come_to_counter": "请到柜台来一下，店员有事与您沟通（订单 {number}）",
}


def board(staff: User, site_id: int, status: str, page: int, page_size: int) -> dict:
    return page_of(_board_query(staff, site_id, status), page, page_size)


def _board_query(staff: User, site_id: int, status: str):
    """Orders of a café for the board, oldest paid first. `active` = paid, accepted or ready."""
    require_staff(staff, site_id)
    cafe_site(site_id)
    statuses = ACTIVE_STATUSES if status == "active" else (status,)
    return (select(Order).options(selectinload(Order.items))  # the lines of a whole page in one statement
            .where(Order.site_id == site_id, Order.status.in_(statuses)).order_by(Order.paid_at, Order.id))


def _staff_order(staff: User, order_id: int) -> Order:
    require_staff(staff)  # 403 for a non-staff user before anything is looked up
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound()
    require_staff(staff, order.site_id)
    return order


def set_status(staff: User, order_id: int, status: str) -> Order:
    _staff_order(staff, order_id)
    order = locked_order(Order.id == order_id)
    if order.status not in FLOW or FLOW.index(status) <= FLOW.index(order.status):
        raise Conflict("invalid_transition", f"订单当前状态为 {order.status}，不能改为 {status}")
    order.status = status
    setattr(order, STAMP[status], utcnow())
    if status == "ready":
        notify(order.user_id, "order_ready", "取餐提醒", f"您的 {order.number} 已做好", order_page(order),
               {"number": order.number, "cafe": cafe_site(order.site_id).name[:20], "status": "已做好，请取餐"})
    db.session.commit()
    return order


def message_customer(staff: User, order_id: int, template: str, text: str | None) -> dict:
    """A canned zh-CN message (plus the staff member's own words) to the order's customer."""
    order = _staff_order(staff, order_id)
    check_text(staff.openid, text)
    body = MESSAGES[template].format(number=order.number)
    if text:
        body = f"{body}。{text}"
    n = notify(order.user_id, "order_message", "店员消息", body, order_page(order),
               {"number": order.number, "message": body[:20]})
    db.session.commit()
    return {"order_id": order.id, "notification_id": n.id if n else None, "text": body}


def customers(orders: list[Order]) -> dict[int, dict]:
    """{user_id: {nickname, communication}} for the board: how to reach each customer without voice."""
    users = db.session.scalars(select(User).where(User.id.in_({o.user_id for o in orders}))).all()
    return {u.id: {"nickname": u.nickname, "communication": (u.preferences or {}).get("communication")}
            for u in users}
