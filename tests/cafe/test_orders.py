"""Placing, reading and cancelling orders."""
import requests
from sqlalchemy import select

from backend.cafe.models import MenuItem, Order
from backend.extensions import db

from ..factories import SiteFactory
from .helpers import MILK, TEMPERATURE, add_item, order_body, pay, place, prepay_id, wechat_query


def stock(item_id):
    db.session.expire_all()
    return db.session.get(MenuItem, item_id).stock


def test_priced_by_the_server_from_menu_and_options(cafe, customer, db_session):
    item = add_item(cafe, "拿铁", 1800, options=[TEMPERATURE, MILK])
    cake = add_item(cafe, "芝士蛋糕", 2500, options=[], category="甜点")
    body = {"items": [{"item_id": item.id, "qty": 2, "options": {"温度": "冰", "奶": "燕麦奶"}},
                      {"item_id": cake.id, "qty": 1}], "fulfilment": "table", "table_no": "5"}
    resp = place(customer, cafe.id, body)
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()["order"]
    assert order["total_fen"] == 2 * (1800 + 200 + 300) + 2500
    assert order["table_no"] == "5" and order["fulfilment"] == "table"
    assert [i["options"] for i in order["items"]] == [{"温度": "冰", "奶": "燕麦奶"}, {}]


def test_a_price_in_the_request_is_an_unknown_field(cafe, latte, customer):
    body = order_body(latte.id)
    body["items"][0]["price_fen"] = 1
    resp = place(customer, cafe.id, body)
    assert resp.status_code == 422
    assert "items.0.price_fen" in resp.get_json()["error"]["fields"]
    resp = place(customer, cafe.id, {**order_body(latte.id), "total_fen": 1})
    assert resp.status_code == 422 and "total_fen" in resp.get_json()["error"]["fields"]


def test_unknown_item_option_or_missing_required_option_is_422(cafe, latte, customer, db_session):
    other_cafe_item = add_item(SiteFactory(kind="cafe"), "别家拿铁")
    cases = [
        (order_body(999999), "items.0.item_id"),
        (order_body(other_cafe_item.id), "items.0.item_id"),
        (order_body(latte.id, options={"温度": "温"}), "items.0.options"),
        (order_body(latte.id, options={"温度": "热", "糖": "多"}), "items.0.options"),
        (order_body(latte.id, options={}), "items.0.options"),
        (order_body(latte.id, qty=21), "items.0.qty"),
        (order_body(latte.id, qty=0), "items.0.qty"),
        ({"items": [], "fulfilment": "pickup"}, "items"),
        ({**order_body(latte.id), "fulfilment": "table"}, "table_no"),
        ({**order_body(latte.id), "fulfilment": "delivery"}, "fulfilment"),
    ]
    for body, field in cases:
        resp = place(customer, cafe.id, body)
        assert resp.status_code == 422, (body, resp.get_json())
        assert field in resp.get_json()["error"]["fields"], (body, resp.get_json())
    assert db.session.scalar(select(Order.id)) is None


def test_unavailable_or_short_items_are_409_naming_them(cafe, customer, db_session):
    gone = add_item(cafe, "手冲", 3000, available=False, options=[])
    few = add_item(cafe, "可颂", 1200, stock=1, options=[], category="甜点")
    resp = place(customer, cafe.id, {"items": [{"item_id": gone.id, "qty": 1}], "fulfilment": "pickup"})
    assert resp.status_code == 409
    err = resp.get_json()["error"]
    assert err["code"] == "item_unavailable" and err["fields"]["items"] == ["手冲"]
    resp = place(customer, cafe.id, {"items": [{"item_id": few.id, "qty": 1}, {"item_id": few.id, "qty": 1}],
                                     "fulfilment": "pickup"})
    assert resp.status_code == 409 and resp.get_json()["error"]["fields"]["items"] == ["可颂"]
    assert stock(few.id) == 1  # nothing taken by the refused order
    assert db.session.scalar(select(Order.id)) is None


def test_cafe_closed_in_its_own_zone(customer, db_session):
    closed = SiteFactory(kind="cafe", opening_hours=[{"weekday": d, "open": "00:00", "close": "00:00"}
                                                     for d in range(1, 8)])
    item = add_item(closed)
    resp = place(customer, closed.id, order_body(item.id))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "cafe_closed"
    assert stock(item.id) is None and db.session.scalar(select(Order.id)) is None


def test_not_a_cafe_is_404(customer, home, latte):
    assert place(customer, home.id, order_body(latte.id)).status_code == 404
    assert place(customer, 999999, order_body(latte.id)).status_code == 404


def test_pickup_numbers_count_up_per_cafe(cafe, latte, customer, db_session):
    other = SiteFactory(kind="cafe", rules={"pickup_prefix": "B"})
    other_item = add_item(other)
    numbers = [place(customer, cafe.id, order_body(latte.id)).get_json()["order"]["number"] for _ in range(3)]
    assert numbers == ["A001", "A002", "A003"]
    assert place(customer, other.id, order_body(other_item.id)).get_json()["order"]["number"] == "B001"


def test_prepay_failure_cancels_the_order_and_releases_stock(app, cafe, customer, db_session):
    item = add_item(cafe, stock=2)
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", json={"api": "pay_jsapi", "mode": "error", "times": 1},
                  timeout=5).raise_for_status()
    resp = place(customer, cafe.id, order_body(item.id, qty=2))
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "upstream_unavailable"
    assert stock(item.id) == 2
    assert db.session.scalars(select(Order.status)).all() == ["cancelled"]
    assert place(customer, cafe.id, order_body(item.id, qty=2)).status_code == 201


def test_idempotency_key_replays_the_first_order(cafe, latte, customer, db_session):
    headers = {"Idempotency-Key": "order-1"}
    first = place(customer, cafe.id, order_body(latte.id), headers=headers)
    again = place(customer, cafe.id, order_body(latte.id), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(select(Order.id)).all()) == 1
    other = place(customer, cafe.id, order_body(latte.id, qty=2), headers=headers)
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_my_orders_and_only_mine(cafe, latte, customer, login, db_session):
    mine = [place(customer, cafe.id, order_body(latte.id)).get_json()["order"]["id"] for _ in range(3)]
    stranger = login()
    theirs = place(stranger, cafe.id, order_body(latte.id)).get_json()["order"]["id"]
    page = customer.get("/me/orders?page=1&page_size=2").get_json()
    assert page["total"] == 3 and [o["id"] for o in page["items"]] == mine[::-1][:2]
    assert customer.get(f"/orders/{mine[0]}").status_code == 200
    assert customer.get(f"/orders/{theirs}").status_code == 404
    assert customer.post(f"/orders/{theirs}/cancel").status_code == 404
    assert customer.get("/orders/999999").status_code == 404
    assert customer.get("/me/orders?page_size=101").status_code == 422


def test_cancel_unpaid_releases_stock_and_closes_at_wechat(app, cafe, customer, db_session):
    item = add_item(cafe, stock=3)
    placed = place(customer, cafe.id, order_body(item.id, qty=3)).get_json()
    assert stock(item.id) == 0
    resp = customer.post(f"/orders/{placed['order']['id']}/cancel")
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    assert stock(item.id) == 3
    order = db.session.get(Order, placed["order"]["id"])
    assert wechat_query(app, order.out_trade_no)["trade_state"] == "CLOSED"
    again = customer.post(f"/orders/{order.id}/cancel")  # a repeated cancel changes nothing
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"
    assert stock(item.id) == 3


def test_cancel_after_acceptance_is_409(app, cafe, latte, customer, barista, db_session):
    placed = place(customer, cafe.id, order_body(latte.id)).get_json()
    pay(app, prepay_id(placed))
    barista.post(f"/staff/orders/{placed['order']['id']}/status", {"status": "accepted"})
    resp = customer.post(f"/orders/{placed['order']['id']}/cancel")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "order_in_progress"
