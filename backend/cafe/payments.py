"""WeChat Pay notifies, payment records and refunds.

A payment is recorded once: the order row is locked, then the payment is looked up
(unique per order and per transaction_id as the backstop). The same checks apply
whether a transaction reaches us by notify or by query (reconciliation, expiry).
"""
import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import events
from ..db import utcnow
from ..extensions import db
from ..notifications import notify
from ..units import lock, transaction
from ..wechat import pay_client
from ..wechat.errors import WeChatAPIError, WeChatError
from ..wechat.pay import InvalidNotify
from .models import Order, Payment

log = logging.getLogger(__name__)


class NotifyRejected(Exception):
    """A notify we refuse (WeChat Pay retries it): the message goes back in `{"code": "FAIL"}`."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def order_page(order: Order) -> str:
    return f"pages/cafe/order?id={order.id}"


def _locked(*where) -> Order | None:
    return db.session.scalar(lock(select(Order).where(*where)))


# ---------------------------------------------------------------- notifies

def handle_notify(headers, body: bytes) -> None:
    """Verify a notify from the raw body, then apply it once. Raises NotifyRejected."""
    try:
        event = pay_client().parse_notify(headers, body)
    except InvalidNotify as exc:
        log.warning("WeChat Pay notify rejected: %s", exc.reason)
        raise NotifyRejected("通知验签失败") from None
    kind, resource = event["event_type"], event["resource"]
    try:
        with transaction():
            if kind == "TRANSACTION.SUCCESS":
                _paid(resource)
            elif kind.startswith("REFUND."):
                _refund_event(kind, resource)
            else:
                log.info("WeChat Pay notify %s acknowledged, nothing to do", kind)
    except IntegrityError:
        pass  # lost a race with a concurrent delivery of the same notify: it recorded the payment


def _paid(tx: dict) -> None:
    out_trade_no = tx.get("out_trade_no")
    order = _locked(Order.out_trade_no == out_trade_no) if isinstance(out_trade_no, str) else None
    if order is None:
        raise NotifyRejected("订单不存在")
    problem = transaction_problem(order, tx)
    if problem:
        log.error("WeChat Pay notify for order %s does not match it: %s", order.id, problem)
        raise NotifyRejected(problem)
    record_payment(order, tx)


def transaction_problem(order: Order, tx: dict) -> str | None:
    """Why a transaction (from a notify or a query) must not settle this order, or None."""
    config = current_app.config
    if tx.get("appid") != config["WECHAT_APPID"]:
        return "appid 不匹配"
    if tx.get("mchid") != config["WECHATPAY_MCHID"]:
        return "商户号不匹配"
    if tx.get("trade_state") != "SUCCESS":
        return "交易状态不是 SUCCESS"
    if not isinstance(tx.get("transaction_id"), str) or not tx["transaction_id"]:
        return "缺少 transaction_id"
    amount = tx.get("amount")
    if not isinstance(amount, dict) or amount.get("total") != order.total_fen:
        return "金额与订单不一致"
    return None


def _success_time(tx: dict) -> datetime:
    try:
        at = datetime.fromisoformat(tx.get("success_time") or "")
        return at if at.tzinfo else utcnow()
    except (TypeError, ValueError):
        return utcnow()


def record_payment(order: Order, tx: dict) -> bool:
    """Record a checked, successful transaction of a locked order; False if it was already recorded.

    Paid in time: the order becomes `paid`. Paid after it was cancelled or expired
    (the user paid while the cancellation was on its way to WeChat Pay): the order
    stays as it is, its stock already released, and the money is marked for refund.
    """
    if db.session.scalar(select(Payment.id).where(Payment.order_id == order.id)) is not None:
        return False
    paid_at = _success_time(tx)
    late = order.status != "pending_payment"
    db.session.add(Payment(order_id=order.id, transaction_id=tx["transaction_id"], amount_fen=order.total_fen,
                           paid_at=paid_at, late=late, refund_status="due" if late else "none",
                           out_refund_no="RF" + order.out_trade_no if late else None))
    if late:
        log.warning("order %s paid while %s: refund due", order.id, order.status)
    else:
        order.status, order.paid_at = "paid", paid_at
    db.session.flush()
    if not late:
        events.emit("order_paid", order_id=order.id, site_id=order.site_id, user_id=order.user_id,
                    total_fen=order.total_fen, at=paid_at)
    return True


def _refund_event(kind: str, resource: dict) -> None:
    if resource.get("mchid") != current_app.config["WECHATPAY_MCHID"]:
        raise NotifyRejected("商户号不匹配")
    out_trade_no = resource.get("out_trade_no")
    order = _locked(Order.out_trade_no == out_trade_no) if isinstance(out_trade_no, str) else None
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id)) if order else None
    if payment is None or payment.out_refund_no is None or resource.get("out_refund_no") != payment.out_refund_no:
        raise NotifyRejected("退款单不存在")
    if kind != "REFUND.SUCCESS" or resource.get("refund_status") != "SUCCESS":
        # REFUND.ABNORMAL / REFUND.CLOSED: money did not go back; people must step in.
        log.error("refund of order %s ended %s/%s: needs manual handling", order.id, kind,
                  resource.get("refund_status"))
        return
    amount = resource.get("amount")
    if not isinstance(amount, dict) or amount.get("refund") != payment.amount_fen:
        raise NotifyRejected("退款金额与订单不一致")
    if payment.refund_status == "refunded":
        return
    payment.refund_status, payment.refunded_at = "refunded", utcnow()
    if order.status == "refunding":
        order.status = "refunded"
    notify(order.user_id, "order_refunded", "退款成功",
           f"您的订单 {order.number} 已退款 {yuan(payment.amount_fen)} 元，将原路退回", order_page(order),
           {"number": order.number, "amount": f"{yuan(payment.amount_fen)}元", "status": "已退款"})


# ---------------------------------------------------------------- after-commit calls and jobs

def request_refund(payment_id: int) -> bool:
    """Ask WeChat Pay to refund a payment marked `due` (after commit; the worker retries failures).

    Safe to repeat: WeChat Pay answers a repeated out_refund_no with the same refund.
    """
    with transaction():  # read, and closed before the network call
        payment = db.session.get(Payment, payment_id)
        if payment is None or payment.refund_status != "due":
            return False
        order = db.session.get(Order, payment.order_id)
        order_id, refund = order.id, dict(out_trade_no=order.out_trade_no, out_refund_no=payment.out_refund_no,
                                          refund_fen=payment.amount_fen, total_fen=payment.amount_fen,
                                          reason="订单取消")
    try:
        pay_client().refund(**refund)
    except WeChatAPIError as exc:
        log.error("refund of order %s refused: %s", order_id, exc.errcode)
        return False
    except WeChatError as exc:
        log.warning("refund of order %s failed, will retry: %s", order_id, exc)
        return False
    with transaction():
        db.session.execute(update(Payment).where(Payment.id == payment_id, Payment.refund_status == "due")
                           .values(refund_status="requested", refund_requested_at=utcnow())
                           .execution_options(synchronize_session=False))
    return True


def settle_from_query(order_id: int) -> str:
    """Ask WeChat Pay about an order; record the payment if it succeeded.

    Returns "paid", "unpaid" (WeChat Pay has it unpaid, closed, or not at all) or
    "unknown" (unreachable, or its answer does not match the order).
    """
    with transaction():  # read, and closed before the network call
        out_trade_no = db.session.get(Order, order_id).out_trade_no
    try:
        tx = pay_client().query(out_trade_no)
    except WeChatError as exc:
        log.warning("query of order %s failed: %s", order_id, exc)
        return "unknown"
    if tx is None or tx.get("trade_state") in ("NOTPAY", "CLOSED", "PAYERROR", "REVOKED"):
        return "unpaid"
    if tx.get("trade_state") not in ("SUCCESS", "REFUND"):
        return "unknown"  # USERPAYING: ask again later
    tx = {**tx, "trade_state": "SUCCESS"}  # REFUND: it was paid, then a refund began
    try:
        with transaction():
            order = _locked(Order.id == order_id)
            problem = transaction_problem(order, tx)
            if problem:
                log.error("WeChat Pay query of order %s does not match it: %s", order_id, problem)
                return "unknown"
            record_payment(order, tx)
    except IntegrityError:
        pass  # a notify recorded it meanwhile
    return "paid"
