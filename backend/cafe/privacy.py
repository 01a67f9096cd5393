"""The café's part of GET /me/export and DELETE /me."""
from sqlalchemy import select

from .. import localtime
from ..db import utcnow
from ..extensions import db
from ..units import lock
from .models import Order, Payment
from .orders import release_stock


def export_orders(user, resident_ids) -> list[dict]:
    orders = db.session.scalars(select(Order).where(Order.user_id == user.id).order_by(Order.id)).all()
    paid = {p.order_id: p for p in db.session.scalars(
        select(Payment).where(Payment.order_id.in_([o.id for o in orders])))}
    zones = localtime.zones({o.site_id for o in orders})

    def _iso(o, value):
        return localtime.iso(value, zones[o.site_id])
    return [{
        "id": o.id, "site_id": o.site_id, "number": o.number, "status": o.status, "total_fen": o.total_fen,
        "fulfilment": o.fulfilment, "table_no": o.table_no, "note": o.note,
        "items": [{"name": i.name, "price_fen": i.unit_price_fen, "qty": i.qty, "options": i.options}
                  for i in o.items],
        "created_at": _iso(o, o.created_at), "paid_at": _iso(o, o.paid_at), "ready_at": _iso(o, o.ready_at),
        "payment": ({"transaction_id": paid[o.id].transaction_id, "amount_fen": paid[o.id].amount_fen,
                     "refund_status": paid[o.id].refund_status} if o.id in paid else None),
    } for o in orders]


def erase_orders(user, resident_ids) -> None:
    """Unpaid orders are cancelled and their stock released (the prepay lapses at its time_expire;
    a payment that still arrives is refunded as a late payment). Orders and payments stay for
    accounting, without the personal free text."""
    now = utcnow()
    orders = db.session.scalars(lock(select(Order).where(Order.user_id == user.id).order_by(Order.id))).all()
    for order in orders:
        if order.status == "pending_payment":
            order.status, order.cancelled_at = "cancelled", now
            release_stock(order)
        order.note, order.table_no = "", None
