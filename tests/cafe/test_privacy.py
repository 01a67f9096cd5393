"""GET /me/export and DELETE /me include café orders."""
from sqlalchemy import select

from backend.cafe.models import MenuItem, Order, Payment
from backend.extensions import db

from .helpers import add_item, order_body, pay, place, prepay_id


def test_export_lists_my_orders(app, cafe, latte, customer, db_session):
    placed = place(customer, cafe.id, {**order_body(latte.id), "fulfilment": "table", "table_no": "7",
                                       "note": "靠窗"}).get_json()
    pay(app, prepay_id(placed))
    data = customer.get("/me/export").get_json()
    [order] = data["cafe_orders"]
    assert order["number"] == "A001" and order["note"] == "靠窗" and order["table_no"] == "7"
    assert order["payment"]["amount_fen"] == 1800 and order["status"] == "paid"


def test_delete_me_closes_unpaid_orders_and_erases_personal_text(app, cafe, customer, db_session):
    item = add_item(cafe, stock=5)
    paid = place(customer, cafe.id, order_body(item.id, note="我是聋人，请写字沟通")).get_json()
    pay(app, prepay_id(paid))
    unpaid = place(customer, cafe.id, {**order_body(item.id, qty=2), "fulfilment": "table",
                                       "table_no": "3"}).get_json()
    db.session.expire_all()
    assert db.session.get(MenuItem, item.id).stock == 2
    assert customer.delete("/me").status_code == 204
    db.session.expire_all()
    orders = {o.id: o for o in db.session.scalars(select(Order))}
    assert orders[unpaid["order"]["id"]].status == "cancelled"
    assert orders[paid["order"]["id"]].status == "paid"  # the café still makes what was paid for
    assert all(o.note == "" and o.table_no is None for o in orders.values())
    assert db.session.get(MenuItem, item.id).stock == 4
    assert len(db.session.scalars(select(Payment)).all()) == 1  # kept for accounting
