"""The staff order board, status changes and canned messages; who may use them."""
import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.identity.models import User
from backend.notifications.models import Notification

from ..factories import staff_of
from .helpers import make_cafe, order_body, pay, place, prepay_id


@pytest.fixture
def paid_order(app, cafe, latte, customer):
    def make(note=""):
        placed = place(customer, cafe.id, order_body(latte.id, note=note)).get_json()
        pay(app, prepay_id(placed))
        return placed["order"]["id"]
    return make


def test_board_lists_active_orders_oldest_first(app, cafe, latte, customer, barista, paid_order):
    first, second, third = paid_order("不要糖"), paid_order(), paid_order()
    unpaid = place(customer, cafe.id, order_body(latte.id)).get_json()["order"]["id"]
    barista.post(f"/staff/orders/{second}/status", {"status": "ready"})
    barista.post(f"/staff/orders/{third}/status", {"status": "completed"})
    board = barista.get(f"/staff/cafes/{cafe.id}/orders").get_json()
    assert [o["id"] for o in board["items"]] == [first, second]
    assert unpaid not in [o["id"] for o in board["items"]]
    top = board["items"][0]
    assert top["note"] == "不要糖" and top["items"][0]["options"] == {"温度": "热"}
    assert top["customer"]["communication"] == "sign_language"
    done = barista.get(f"/staff/cafes/{cafe.id}/orders?status=completed").get_json()
    assert [o["id"] for o in done["items"]] == [third]
    assert barista.get(f"/staff/cafes/{cafe.id}/orders?status=bogus").status_code == 422


def test_status_is_forward_only(barista, paid_order, customer, cafe, latte):
    order_id = paid_order()
    assert barista.post(f"/staff/orders/{order_id}/status", {"status": "ready"}).status_code == 200
    for back in ("accepted", "ready"):
        resp = barista.post(f"/staff/orders/{order_id}/status", {"status": back})
        assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "invalid_transition"
    unpaid = place(customer, cafe.id, order_body(latte.id)).get_json()["order"]["id"]
    assert barista.post(f"/staff/orders/{unpaid}/status", {"status": "accepted"}).status_code == 409
    assert barista.post(f"/staff/orders/{order_id}/status", {"status": "paid"}).status_code == 422


def test_canned_messages_reach_the_customer(barista, paid_order, customer, db_session):
    order_id = paid_order()
    resp = barista.post(f"/staff/orders/{order_id}/message", {"template": "sold_out_item", "text": "燕麦奶没有了"})
    assert resp.status_code == 200, resp.get_json()
    assert "A001" in resp.get_json()["text"] and "燕麦奶没有了" in resp.get_json()["text"]
    barista.post(f"/staff/orders/{order_id}/message", {"template": "come_to_counter"})
    rows = db.session.scalars(select(Notification).where(Notification.user_id == customer.user_id)
                              .order_by(Notification.id)).all()
    assert [r.kind for r in rows] == ["order_message", "order_message"]
    assert rows[1].body == "请到柜台来一下，店员有事与您沟通（订单 A001）"
    assert barista.post(f"/staff/orders/{order_id}/message", {"template": "shout"}).status_code == 422


def test_board_authorization(app, client, login, cafe, customer, paid_order, db_session):
    order_id = paid_order()
    stranger = login()
    other_staff = login()
    staff_of(db.session.get(User, other_staff.user_id), make_cafe())
    admin = login()
    db.session.get(User, admin.user_id).is_admin = True
    db.session.commit()
    calls = [("get", f"/staff/cafes/{cafe.id}/orders", None),
             ("post", f"/staff/orders/{order_id}/status", {"status": "accepted"}),
             ("post", f"/staff/orders/{order_id}/message", {"template": "please_wait"})]
    for method, path, body in calls:
        kw = {} if body is None else {"json": body}
        assert getattr(client, method)(path, **kw).status_code == 401, path
        assert getattr(customer, method)(path, **kw).status_code == 403, path
        assert getattr(stranger, method)(path, **kw).status_code == 403, path
        assert getattr(other_staff, method)(path, **kw).status_code == 404, path
        assert getattr(admin, method)(path, **kw).status_code == 200, path
    assert other_staff.post("/staff/orders/999999/status", json={"status": "accepted"}).status_code == 404


def test_customer_routes_need_a_login(client, cafe, latte):
    assert client.post(f"/cafes/{cafe.id}/orders", order_body(latte.id)).status_code == 401
    assert client.get("/me/orders").status_code == 401
    assert client.get("/orders/1").status_code == 401
    assert client.post("/orders/1/cancel").status_code == 401
    assert client.get(f"/cafes/{cafe.id}/menu").status_code == 200
