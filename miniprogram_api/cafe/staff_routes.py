"""Café staff routes: menu items, the order board, order status and canned messages."""
from backend.cafe import board, menu

from ..auth import Blueprint, current_user
from ..idempotency import idempotent
from . import schemas as s

blp = Blueprint("cafe_staff", __name__, url_prefix="/api/v1/staff", description="Café staff: menu and order board")

BOARD_FIELDS = tuple(s.BoardOrderOut._declared_fields)


@blp.post("/cafes/<int:site_id>/menu-items")
@blp.login_required
@idempotent
@blp.arguments(s.MenuItemIn)
@blp.response(201, s.StaffMenuItemOut)
def create_menu_item(args, site_id):
    """`category` is a name; a new name creates the category."""
    return menu.create_item(current_user(), site_id, args)


@blp.patch("/menu-items/<int:item_id>")
@blp.login_required
@blp.arguments(s.MenuItemPatch)
@blp.response(200, s.StaffMenuItemOut)
def update_menu_item(args, item_id):
    return menu.update_item(current_user(), item_id, args)


@blp.get("/cafes/<int:site_id>/orders")
@blp.login_required
@blp.arguments(s.BoardArgs, location="query")
@blp.response(200, s.BoardPage)
def order_board(args, site_id):
    """`status=active` (default): paid, accepted and ready orders, oldest first, with the customer's
    communication preference."""
    page = board.board(current_user(), site_id, args["status"], args["page"], args["page_size"])
    who = board.customers(page["items"])
    page["items"] = [{**{f: getattr(o, f) for f in BOARD_FIELDS if f != "customer"},
                      "customer": who.get(o.user_id, {"nickname": "", "communication": None})}
                     for o in page["items"]]
    return page


@blp.post("/orders/<int:order_id>/status")
@blp.login_required
@blp.arguments(s.OrderStatusIn)
@blp.response(200, s.BoardOrderOut)
def set_order_status(args, order_id):
    """Forward only (409 `invalid_transition`); `ready` notifies the customer (`order_ready`)."""
    order = board.set_status(current_user(), order_id, args["status"])
    who = board.customers([order])
    return {**{f: getattr(order, f) for f in BOARD_FIELDS if f != "customer"}, "customer": who.get(order.user_id)}


@blp.post("/orders/<int:order_id>/message")
@blp.login_required
@idempotent
@blp.arguments(s.MessageIn)
@blp.response(200, s.MessageOut)
def message_customer(args, order_id):
    """A canned zh-CN message to the customer (`order_message`); `text` is appended."""
    return board.message_customer(current_user(), order_id, args["template"], args.get("text"))
