"""Café routes of the customer: the menu, placing, reading and cancelling orders (API.md "Sign-language café")."""
from backend.cafe import menu, orders

from ..auth import Blueprint, current_user
from ..ratelimits import create_per_user
from ..common import PageArgs, json_response
from ..idempotency import idempotent
from . import schemas as s

blp = Blueprint("cafe", __name__, url_prefix="/api/v1", description="Sign-language café: menu and orders")


@blp.get("/cafes/<int:site_id>/menu")
@blp.response(200, s.MenuOut)
def get_menu(site_id):
    return json_response({"categories": menu.menu(site_id)})


@blp.post("/cafes/<int:site_id>/orders")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.OrderIn)
@blp.response(201, s.PlacedOrderOut)
def place_order(args, site_id):
    """Priced by the server; stock is held until payment, expiry or cancellation. Accepts `Idempotency-Key`."""
    order, payment = orders.place_order(current_user(), site_id, args)
    return {"order": order, "payment": payment}


@blp.get("/me/orders")
@blp.login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.OrderPage)
def my_orders(args):
    return orders.my_orders(current_user(), args["page"], args["page_size"])


@blp.get("/orders/<int:order_id>")
@blp.login_required
@blp.response(200, s.OrderOut)
def get_order(order_id):
    return orders.own_order(current_user(), order_id)


@blp.post("/orders/<int:order_id>/cancel")
@blp.login_required
@blp.response(200, s.OrderOut)
def cancel_order(order_id):
    """`pending_payment` → `cancelled`; `paid` → `refunding` (then `refunded`); later → 409 `order_in_progress`."""
    return orders.cancel_order(current_user(), order_id)
