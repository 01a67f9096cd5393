"""The whole café flow through the real wechatpayv3 client against the fake over HTTP."""
import threading

import requests
from sqlalchemy import func, select

from backend.cafe.models import MenuItem, Order, Payment
from backend.extensions import db
from backend.notifications.models import Notification

from .helpers import last_notification, order_body, pay, place, post_notify, prepay_id


def payments_of(order_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id))


def test_order_pay_accept_ready_complete(app, cafe, customer, barista, db_session):
    from .helpers import add_item
    item = add_item(cafe, "冰美式", 1500, stock=3)
    assert customer.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]}).status_code == 200
    resp = place(customer, cafe.id, order_body(item.id, qty=2, options={"温度": "冰"}, note="少冰"))
    assert resp.status_code == 201, resp.get_json()
    placed = resp.get_json()
    order = placed["order"]
    assert order["status"] == "pending_payment" and order["number"] == "A001"
    assert order["total_fen"] == 2 * (1500 + 200)
    assert order["items"] == [{"item_id": item.id, "name": "冰美式", "price_fen": 1700, "qty": 2,
                               "options": {"温度": "冰"}, "subtotal_fen": 3400}]
    assert order["expires_at"].endswith("+08:00")
    assert placed["payment"]["signType"] == "RSA" and placed["payment"]["package"].startswith("prepay_id=")
    db.session.expire_all()
    assert db.session.get(MenuItem, item.id).stock == 1  # held at creation

    answer = pay(app, prepay_id(placed))
    assert answer["status"] == 204  # what our live notify route answered the fake
    got = customer.get(f"/orders/{order['id']}").get_json()
    assert got["status"] == "paid" and got["paid_at"]

    board = barista.get(f"/staff/cafes/{cafe.id}/orders?status=active").get_json()
    assert [o["number"] for o in board["items"]] == ["A001"]
    assert board["items"][0]["note"] == "少冰"
    assert board["items"][0]["customer"]["communication"] == "sign_language"

    for status in ("accepted", "ready", "completed"):
        resp = barista.post(f"/staff/orders/{order['id']}/status", {"status": status})
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["status"] == status
    ready = db.session.scalars(select(Notification).where(Notification.user_id == customer.user_id,
                                                          Notification.kind == "order_ready")).all()
    assert len(ready) == 1 and ready[0].body == "您的 A001 已做好"
    assert customer.get(f"/orders/{order['id']}").get_json()["ready_at"]
    # the worker's send job delivers it as a subscribe message (the customer accepted the template)
    from backend.notifications.delivery import send_due
    assert send_due() >= 1
    messages = requests.get(f"{app.config['FAKE_URL']}/_fake/messages?touser={customer.openid}", timeout=5).json()
    assert [m["template_id"] for m in messages["items"]] == ["tmpl_order_ready"]
    assert messages["items"][0]["data"]["character_string1"]["value"] == "A001"  # the pickup number shows
    assert barista.get(f"/staff/cafes/{cafe.id}/orders").get_json()["items"] == []
    assert payments_of(order["id"]) == 1


def test_same_notify_five_times_in_sequence_and_concurrently(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    assert pay(app, prepay_id(placed))["status"] == 204
    sent = last_notification(app, prepay_id(placed))
    statuses = [post_notify(app, sent["headers"], sent["body"]).status_code for _ in range(5)]

    barrier, answers = threading.Barrier(5), []

    def deliver():
        barrier.wait()
        answers.append(post_notify(app, sent["headers"], sent["body"]).status_code)
    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(200 <= s < 300 for s in statuses + answers), statuses + answers
    assert len(answers) == 5
    assert payments_of(placed["order"]["id"]) == 1
    assert customer.get(f"/orders/{placed['order']['id']}").get_json()["status"] == "paid"


def test_first_delivery_may_be_concurrent_too(app, keys, cafe, latte, customer, db_session):
    """Five copies of a never-processed notify racing: exactly one payment."""
    from .helpers import signed_notify
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    pay(app, prepay_id(placed), notify=False)
    from .helpers import wechat_query
    order = db.session.get(Order, placed["order"]["id"])
    tx = wechat_query(app, order.out_trade_no)
    headers, body = signed_notify(keys, tx)
    barrier, answers = threading.Barrier(5), []

    def deliver():
        barrier.wait()
        answers.append(post_notify(app, headers, body).status_code)
    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [204] * 5
    assert payments_of(order.id) == 1
