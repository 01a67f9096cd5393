"""Notifies that must be refused: the order stays unchanged and the answer is {"code": "FAIL"}."""
import base64
import time

import pytest
import requests
from sqlalchemy import func, select

from backend.cafe.models import Order, Payment
from backend.extensions import db

from .helpers import order_body, pay, place, post_notify, prepay_id, signed_notify, wechat_query


@pytest.fixture
def unpaid(app, cafe, latte, customer, db_session):
    """An order paid at WeChat Pay whose notify was lost: (order id, the transaction as WeChat has it)."""
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    pay(app, prepay_id(placed), notify=False)
    order = db.session.get(Order, placed["order"]["id"])
    return order.id, wechat_query(app, order.out_trade_no)


def assert_unchanged(order_id):
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "pending_payment"
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def assert_fail(resp, status=400):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["code"] == "FAIL" and body["message"]
    assert "error" not in body


def test_genuine_notify_is_accepted(app, keys, unpaid):
    order_id, tx = unpaid
    headers, body = signed_notify(keys, tx)
    assert post_notify(app, headers, body).status_code == 204
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "paid"


def test_tampered_body(app, keys, unpaid):
    order_id, tx = unpaid
    headers, body = signed_notify(keys, tx)
    assert_fail(post_notify(app, headers, body.replace('"summary":"支付成功"', '"summary":"支付成功 "')))
    assert_unchanged(order_id)


def test_wrong_signature(app, keys, unpaid):
    order_id, tx = unpaid
    headers, body = signed_notify(keys, tx)
    headers["Wechatpay-Signature"] = base64.b64encode(b"x" * 256).decode()
    assert_fail(post_notify(app, headers, body))
    assert_unchanged(order_id)


def test_missing_headers_and_garbage(app, unpaid):
    order_id, _ = unpaid
    assert_fail(post_notify(app, {"Content-Type": "application/json"}, "{}"))
    assert_fail(post_notify(app, {"Content-Type": "text/plain"}, b"\xff\xfe not json"))
    assert_unchanged(order_id)


def test_probe(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    answer = requests.post(f"{app.config['FAKE_URL']}/_fake/pay/{prepay_id(placed)}/probe", timeout=10).json()
    assert answer["status"] == 400
    db.session.expire_all()
    assert db.session.get(Order, placed["order"]["id"]).status == "pending_payment"


def test_stale_timestamp(app, keys, unpaid):
    order_id, tx = unpaid
    headers, body = signed_notify(keys, tx, timestamp=int(time.time()) - 600)  # validly signed, 10 min old
    assert_fail(post_notify(app, headers, body))
    assert_unchanged(order_id)


@pytest.mark.parametrize("change", [
    {"amount": {"total": 1, "currency": "CNY"}},
    {"mchid": "1900000999"},
    {"appid": "wxsomeoneelse0000"},
    {"trade_state": "NOTPAY"},
    {"out_trade_no": "CFnot-our-order"},
], ids=["wrong_amount", "wrong_mchid", "wrong_appid", "not_success", "unknown_order"])
def test_validly_signed_but_not_matching(app, keys, unpaid, change):
    order_id, tx = unpaid
    headers, body = signed_notify(keys, {**tx, **change})
    assert_fail(post_notify(app, headers, body))
    assert_unchanged(order_id)


def test_not_json_route_envelope_for_bad_method(app):
    resp = requests.get(app.config["LIVE_URL"] + "/api/v1/payments/wechat/notify", timeout=5)
    assert resp.status_code == 405
