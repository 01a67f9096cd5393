"""Expiry, reconciliation and refunds: the worker jobs and the refund notify."""
import requests
from sqlalchemy import select

from backend.cafe import jobs
from backend.cafe.models import MenuItem, Order, Payment
from backend.extensions import db
from backend.notifications.models import Notification

from .helpers import add_item, in_past, order_body, pay, place, prepay_id, set_order, wait_for, wechat_query


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def run(job_fn, app):
    with app.app_context():
        try:
            return job_fn()
        finally:
            db.session.remove()


def test_expiry_closes_at_wechat_and_releases_stock_once(app, cafe, customer, db_session):
    item = add_item(cafe, stock=2)
    placed = place(customer, cafe.id, order_body(item.id, qty=2)).get_json()
    order_id = placed["order"]["id"]
    assert run(jobs.expire_orders, app) == 0  # not yet due
    set_order(order_id, expires_at=in_past())
    assert run(jobs.expire_orders, app) == 1
    assert run(jobs.expire_orders, app) == 0  # safe to run twice
    assert fresh(Order, order_id).status == "expired"
    assert fresh(MenuItem, item.id).stock == 2
    assert wechat_query(app, fresh(Order, order_id).out_trade_no)["trade_state"] == "CLOSED"
    assert customer.get(f"/orders/{order_id}").get_json()["status"] == "expired"


def test_expiry_of_an_order_actually_paid_marks_it_paid(app, cafe, customer, db_session):
    item = add_item(cafe, stock=1)
    placed = place(customer, cafe.id, order_body(item.id)).get_json()
    pay(app, prepay_id(placed), notify=False)
    set_order(placed["order"]["id"], expires_at=in_past())
    assert run(jobs.expire_orders, app) == 1
    assert fresh(Order, placed["order"]["id"]).status == "paid"
    assert fresh(MenuItem, item.id).stock == 0  # sold, not released


def test_expiry_waits_while_wechat_is_down(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    set_order(placed["order"]["id"], expires_at=in_past())
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", json={"api": "pay_query", "mode": "error", "times": 1},
                  timeout=5).raise_for_status()
    assert run(jobs.expire_orders, app) == 0
    assert fresh(Order, placed["order"]["id"]).status == "pending_payment"
    assert run(jobs.expire_orders, app) == 1


def test_reconciliation_settles_a_lost_notify(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    order_id = placed["order"]["id"]
    assert pay(app, prepay_id(placed), notify=False)["notified"] is False
    assert run(jobs.reconcile_payments, app) == 0  # too recent: the notify may still come
    set_order(order_id, created_at=in_past(2))
    assert run(jobs.reconcile_payments, app) == 1
    assert run(jobs.reconcile_payments, app) == 0
    assert customer.get(f"/orders/{order_id}").get_json()["status"] == "paid"
    payments = db.session.scalars(select(Payment).where(Payment.order_id == order_id)).all()
    assert len(payments) == 1 and payments[0].amount_fen == 1800


def test_reconciliation_leaves_unpaid_orders(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    set_order(placed["order"]["id"], created_at=in_past(2))
    assert run(jobs.reconcile_payments, app) == 0
    assert fresh(Order, placed["order"]["id"]).status == "pending_payment"


def test_cancel_paid_order_refunds_and_notify_makes_it_refunded(app, cafe, customer, db_session):
    item = add_item(cafe, stock=1)
    placed = place(customer, cafe.id, order_body(item.id)).get_json()
    order_id = placed["order"]["id"]
    pay(app, prepay_id(placed))
    resp = customer.post(f"/orders/{order_id}/cancel")
    assert resp.status_code == 200 and resp.get_json()["status"] == "refunding"
    assert fresh(MenuItem, item.id).stock == 1
    # The fake answers PROCESSING and sends REFUND.SUCCESS to our live notify route about a second later.
    wait_for(lambda: customer.get(f"/orders/{order_id}").get_json()["status"] == "refunded")
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
    assert payment.refund_status == "refunded" and payment.refunded_at
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == customer.user_id)).all()
    assert kinds == ["order_refunded"]
    assert run(jobs.issue_refunds, app) == 0


def test_refund_retried_by_the_worker_when_wechat_was_down(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    order_id = placed["order"]["id"]
    pay(app, prepay_id(placed))
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", json={"api": "pay_refund", "mode": "error", "times": 1},
                  timeout=5).raise_for_status()
    assert customer.post(f"/orders/{order_id}/cancel").get_json()["status"] == "refunding"
    assert db.session.scalar(select(Payment.refund_status)) == "due"
    assert run(jobs.issue_refunds, app) == 1
    wait_for(lambda: customer.get(f"/orders/{order_id}").get_json()["status"] == "refunded")


def test_payment_after_cancellation_is_recorded_and_refunded(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    order_id = placed["order"]["id"]
    # Closing at WeChat Pay fails, so the user can still pay the cancelled order.
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", json={"api": "pay_close", "mode": "error", "times": 1},
                  timeout=5).raise_for_status()
    assert customer.post(f"/orders/{order_id}/cancel").get_json()["status"] == "cancelled"
    assert pay(app, prepay_id(placed))["status"] == 204  # acknowledged, so WeChat Pay stops
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
    assert payment.late and payment.refund_status == "due"
    assert fresh(Order, order_id).status == "cancelled"
    assert run(jobs.issue_refunds, app) == 1
    wait_for(lambda: fresh(Payment, payment.id).refund_status == "refunded")
    assert fresh(Order, order_id).status == "cancelled"
    assert db.session.scalar(select(Notification.kind)) == "order_refunded"
