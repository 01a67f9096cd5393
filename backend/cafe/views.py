"""Orders as API.md shows them: plain dicts, times in the café's zone."""
from sqlalchemy import select

from .. import localtime
from ..extensions import db
from ..identity import User
from .models import Order


def line_view(line) -> dict:
    return {"item_id": line.item_id, "name": line.name, "price_fen": line.unit_price_fen, "qty": line.qty,
            "options": line.options or {}, "subtotal_fen": line.unit_price_fen * line.qty}


def order_view(order: Order) -> dict:
    zone = localtime.zone_of(order.site_id)
    return {"id": order.id, "site_id": order.site_id, "number": order.number, "status": order.status,
            "items": [line_view(line) for line in order.items], "total_fen": order.total_fen,
            "fulfilment": order.fulfilment, "table_no": order.table_no, "note": order.note,
            "created_at": localtime.at(order.created_at, zone), "paid_at": localtime.at(order.paid_at, zone),
            "ready_at": localtime.at(order.ready_at, zone), "expires_at": localtime.at(order.expires_at, zone)}


def board_views(orders: list[Order]) -> list[dict]:
    """Orders on the staff board: with the customer's name and how they prefer to be reached (the
    baristas are deaf: nothing here needs voice), and the times staff moved them on."""
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({o.user_id for o in orders})))}
    out = []
    for o in orders:
        user = users.get(o.user_id)
        zone = localtime.zone_of(o.site_id)
        out.append({**order_view(o),
                    "customer": {"nickname": user.nickname if user else "",
                                 "communication": (user.preferences or {}).get("communication") if user else None},
                    "accepted_at": localtime.at(o.accepted_at, zone),
                    "completed_at": localtime.at(o.completed_at, zone)})
    return out
