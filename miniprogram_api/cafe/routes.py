"""Café routes of the customer: the menu, placing, reading and cancelling orders (API.md "Sign-language café")."""
from backend.cafe import menu, orders

from ..auth import current_user
from ..blueprint import Blueprint
from ..common import PageArgs, json_response
from ..idempotency import request_key, resumable
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("cafe", __name__, url_prefix="/api/v1",
                description="手语咖啡：菜单、下单与微信支付、取餐；店员的订单看板与消息")


@blp.get("/cafes/<int:site_id>/menu")
@blp.response(200, s.MenuOut)
def get_menu(site_id):
    """菜单"""
    return json_response(menu.menu(site_id))


@blp.post("/cafes/<int:site_id>/orders")
@blp.login_required
@create_per_user
@resumable
@blp.arguments(s.OrderIn)
@blp.response(201, s.PlacedOrderOut)
def place_order(args, site_id):
    """下单（返回微信支付参数）

    Priced by the server; stock is held until payment, expiry or cancellation. Accepts `Idempotency-Key`:
    a retry with it resumes the order the first request made."""
    return orders.place_order(current_user(), site_id, args, request_key())


@blp.get("/me/orders")
@blp.login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.OrderPage)
def my_orders(args):
    """我的订单"""
    return orders.my_orders(current_user(), args["page"], args["page_size"])


@blp.get("/orders/<int:order_id>")
@blp.login_required
@blp.response(200, s.OrderOut)
def get_order(order_id):
    """订单详情"""
    return orders.get_order(current_user(), order_id)


@blp.post("/orders/<int:order_id>/cancel")
@blp.login_required
@blp.response(200, s.OrderOut)
def cancel_order(order_id):
    """取消订单（已支付的会退款）

    `pending_payment` → `cancelled`; `paid` → `refunding` (then `refunded`); later → 409 `order_in_progress`."""
    return orders.cancel_order(current_user(), order_id)
