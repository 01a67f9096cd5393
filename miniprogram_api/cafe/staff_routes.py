"""Café staff routes: menu items, the order board, order status and canned messages."""
from backend.cafe import board, menu

from ..auth import BEARER_OR_SCREEN, current_user
from ..conditional import etagged
from ..idempotency import idempotent
from . import schemas as s
from .routes import blp


@blp.post("/staff/cafes/<int:site_id>/menu-items")
@blp.login_required
@idempotent
@blp.arguments(s.MenuItemIn)
@blp.response(201, s.StaffMenuItemOut)
def create_menu_item(args, site_id):
    """新增菜品

    `category` is a name; a new name creates the category."""
    return menu.create_item(current_user(), site_id, args)


@blp.patch("/staff/menu-items/<int:item_id>")
@blp.login_required
@blp.arguments(s.MenuItemPatch)
@blp.response(200, s.StaffMenuItemOut)
def update_menu_item(args, item_id):
    """修改菜品"""
    return menu.update_item(current_user(), item_id, args)


@blp.get("/staff/cafes/<int:site_id>/orders")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@etagged
@blp.arguments(s.BoardArgs, location="query")
@blp.response(200, s.BoardPage)
def order_board(args, site_id):
    """订单看板

    `status=active` (default): paid, accepted and ready orders, oldest first, with the customer's
    communication preference. ETag / `If-None-Match` → 304: the order board screen polls this."""
    return board.board(current_user(), site_id, args["status"], args["page"], args["page_size"])


@blp.get("/staff/cafes/<int:site_id>/pickup-numbers")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@etagged
@blp.response(200, s.PickupNumbersOut)
def pickup_numbers(site_id):
    """取餐号（“请取餐”屏幕）

    Pickup numbers only, `preparing` (paid, accepted) and `ready` (ready, and completed within the
    last few minutes). ETag / `If-None-Match` → 304."""
    return board.pickup_numbers(current_user(), site_id)


@blp.post("/staff/orders/<int:order_id>/status")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.OrderStatusIn)
@blp.response(200, s.BoardOrderOut)
def set_order_status(args, order_id):
    """推进订单状态（接单、做好、完成）

    Forward only (409 `invalid_transition`); `ready` notifies the customer (`order_ready`)."""
    return board.set_status(current_user(), order_id, args["status"])


@blp.post("/staff/orders/<int:order_id>/message")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@idempotent
@blp.arguments(s.MessageIn)
@blp.response(200, s.MessageOut)
def message_customer(args, order_id):
    """给顾客发送预设消息

    A canned zh-CN message to the customer (`order_message`); `text` is appended."""
    return board.message_customer(current_user(), order_id, args["template"], args.get("text"))
