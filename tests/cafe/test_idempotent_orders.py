"""Placing an order with an Idempotency-Key: three steps (create, prepay, store), so the request is not
one unit; the order itself is found again by its key, so a retry resumes it and never makes a second
(backend/cafe/orders.py `place_order`, docs/API-NOTES.md "Idempotency")."""
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from backend.cafe.models import MenuItem, Order
from backend.db import utcnow
from backend.extensions import db
from backend.idempotency import IdempotencyRecord

from .helpers import add_item, order_body, place, prepay_id


def orders() -> list[Order]:
    db.session.expire_all()
    return db.session.scalars(select(Order).order_by(Order.id)).all()


def records() -> int:
    return db.session.scalar(select(func.count(IdempotencyRecord.id)))


def fail_prepay(app, times=1):
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", json={"api": "pay_jsapi", "mode": "error", "times": times},
                  timeout=5).raise_for_status()


def test_a_retry_after_the_prepay_failed_resumes_the_same_order(app, cafe, customer, db_session):
    """The first request made the order but never answered it (here: the prepay failed; a worker killed
    between the steps leaves the same state): the retry prepays that order, no second one."""
    item = add_item(cafe, stock=3)
    h = {"Idempotency-Key": "latte-1"}
    fail_prepay(app)
    first = place(customer, cafe.id, order_body(item.id, qty=2), headers=h)
    assert first.status_code == 503 and first.get_json()["error"]["code"] == "upstream_unavailable"
    [held] = orders()
    assert held.status == "pending_payment" and held.prepay_id is None and records() == 0
    assert db.session.get(MenuItem, item.id).stock == 1  # held for the retry (or until it expires)
    retry = place(customer, cafe.id, order_body(item.id, qty=2), headers=h)
    assert retry.status_code == 201, retry.get_json()
    assert retry.get_json()["order"]["id"] == held.id and "Idempotent-Replayed" not in retry.headers
    [order] = orders()
    assert order.prepay_id == prepay_id(retry.get_json()) and records() == 1
    again = place(customer, cafe.id, order_body(item.id, qty=2), headers=h)
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == retry.get_json()
    assert len(orders()) == 1


def test_a_resumed_order_is_answered_even_after_the_cafe_closed(cafe, latte, customer, db_session):
    """The order exists: the retry learns of it rather than of the café's hours."""
    h = {"Idempotency-Key": "late"}
    first = place(customer, cafe.id, order_body(latte.id), headers=h)
    db.session.execute(IdempotencyRecord.__table__.delete())  # as if the worker died before storing it
    cafe.opening_hours = [{"weekday": d, "open": "00:00", "close": "00:00"} for d in range(1, 8)]
    db.session.commit()
    retry = place(customer, cafe.id, order_body(latte.id), headers=h)
    assert retry.status_code == 201 and retry.get_json()["order"]["id"] == first.get_json()["order"]["id"]
    assert prepay_id(retry.get_json()) == prepay_id(first.get_json()) and len(orders()) == 1


def test_an_order_that_expired_unpaid_before_its_prepay_is_409(app, cafe, latte, customer, db_session):
    h = {"Idempotency-Key": "gone"}
    fail_prepay(app)
    assert place(customer, cafe.id, order_body(latte.id), headers=h).status_code == 503
    [order] = orders()
    order.status, order.expires_at = "expired", utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = place(customer, cafe.id, order_body(latte.id), headers=h)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "order_expired"
    assert place(customer, cafe.id, order_body(latte.id), headers={"Idempotency-Key": "new"}).status_code == 201


def test_without_a_key_a_failed_prepay_still_cancels_the_order(app, cafe, customer, db_session):
    item = add_item(cafe, stock=1)
    fail_prepay(app)
    assert place(customer, cafe.id, order_body(item.id)).status_code == 503
    assert [o.status for o in orders()] == ["cancelled"] and db.session.get(MenuItem, item.id).stock == 1


@pytest.mark.postgres
def test_concurrent_twins_with_one_key_make_one_order(app, cafe, customer, db_session):
    item = add_item(cafe, stock=10)
    item_id, body = item.id, order_body(item.id)
    url = app.config["LIVE_URL"] + f"/api/v1/cafes/{cafe.id}/orders"
    headers = {"Authorization": f"Bearer {customer.token}", "Idempotency-Key": "twins"}
    barrier, results, lock = threading.Barrier(8), [], threading.Lock()

    def go():
        barrier.wait()
        r = requests.post(url, json=body, headers=headers, timeout=30)
        with lock:
            results.append(r)
    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [201] * 8, [r.text for r in results]
    assert {r.json()["order"]["id"] for r in results} == {orders()[0].id}
    assert len({prepay_id(r.json()) for r in results}) == 1
    assert len(orders()) == 1 and db.session.get(MenuItem, item_id).stock == 9 and records() == 1
