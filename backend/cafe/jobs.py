"""Worker jobs of the café. Each is safe to run twice and concurrently:
WeChat calls are idempotent and every state change is a locked re-check."""
from datetime import timedelta

from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from ..units import transaction
from .models import Order, Payment
from .orders import close_at_wechat, locked_order, release_stock
from .payments import request_refund, settle_from_query

BATCH = 100
RECONCILE_AFTER = timedelta(minutes=1)  # a notify normally arrives within seconds of payment


def expire_orders() -> int:
    """Unpaid orders past expires_at: if WeChat Pay says paid, settle; else close there, expire, release stock."""
    with transaction():
        ids = db.session.scalars(select(Order.id).where(Order.status == "pending_payment",
                                                        Order.expires_at < utcnow())
                                 .order_by(Order.expires_at).limit(BATCH)).all()
    done = 0
    for order_id in ids:
        state = settle_from_query(order_id)
        if state == "paid":
            done += 1
            continue
        if state == "unknown":
            continue  # next pass
        with transaction():
            out_trade_no = db.session.get(Order, order_id).out_trade_no
        if not close_at_wechat(out_trade_no):
            continue  # e.g. paid just now (ORDERPAID): the next query settles it
        done += expire_one(order_id)
    return done


def expire_one(order_id: int) -> int:
    with transaction():
        order = locked_order(Order.id == order_id, Order.status == "pending_payment")
        if order is None:
            return 0
        order.status, order.cancelled_at = "expired", utcnow()
        release_stock(order)
        return 1


def reconcile_payments() -> int:
    """Unpaid orders whose prepay is over a minute old: ask WeChat Pay (a lost notify is settled here)."""
    with transaction():
        ids = db.session.scalars(select(Order.id).where(
            Order.status == "pending_payment", Order.prepay_id.is_not(None),
            Order.created_at < utcnow() - RECONCILE_AFTER).order_by(Order.created_at).limit(BATCH)).all()
    return sum(settle_from_query(order_id) == "paid" for order_id in ids)


def issue_refunds() -> int:
    """Refunds marked due (a cancelled paid order, a late payment) whose request has not reached WeChat Pay."""
    with transaction():
        ids = db.session.scalars(select(Payment.id).where(Payment.refund_status == "due")
                                 .order_by(Payment.id).limit(BATCH)).all()
    return sum(request_refund(payment_id) for payment_id in ids)
