"""Real races over HTTP against PostgreSQL: stock is never oversold, pickup numbers never repeat."""
import threading

import pytest
import requests
from sqlalchemy import select

from backend.cafe.models import MenuItem, Order
from backend.extensions import db

from .helpers import add_item, order_body

N = 50


@pytest.mark.postgres
def test_fifty_concurrent_orders_for_five_units(app, login, cafe, db_session):
    item = add_item(cafe, "限量司康", 1500, stock=5, options=[])
    users = [login() for _ in range(N)]
    barrier, results = threading.Barrier(N), [None] * N
    url = f"{app.config['LIVE_URL']}/api/v1/cafes/{cafe.id}/orders"
    body = {**order_body(item.id, options={}), "items": [{"item_id": item.id, "qty": 1}]}

    def buy(i):
        session = requests.Session()
        session.trust_env = False
        barrier.wait()
        resp = session.post(url, json=body, headers={"Authorization": f"Bearer {users[i].token}"}, timeout=60)
        results[i] = (resp.status_code, resp.json())

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    created = [r for r in results if r[0] == 201]
    refused = [r for r in results if r[0] != 201]
    assert len(created) == 5, [r[0] for r in results]
    assert {r[0] for r in refused} == {409}
    assert {r[1]["error"]["code"] for r in refused} == {"item_unavailable"}
    assert all(r[1]["error"]["fields"]["items"] == ["限量司康"] for r in refused)
    numbers = [r[1]["order"]["number"] for r in created]
    assert len(set(numbers)) == 5
    db.session.expire_all()
    assert db.session.get(MenuItem, item.id).stock == 0
    assert len(db.session.scalars(select(Order.id)).all()) == 5


@pytest.mark.postgres
def test_concurrent_orders_of_unlimited_items_get_distinct_numbers(app, login, cafe, db_session):
    item = add_item(cafe, "美式", 1200, stock=None, options=[])
    users = [login() for _ in range(20)]
    barrier, numbers = threading.Barrier(20), []
    url = f"{app.config['LIVE_URL']}/api/v1/cafes/{cafe.id}/orders"
    body = {"items": [{"item_id": item.id, "qty": 1}], "fulfilment": "pickup"}

    def buy(api):
        barrier.wait()
        resp = requests.post(url, json=body,
                             headers={"Authorization": f"Bearer {api.token}"}, timeout=60)
        assert resp.status_code == 201, resp.text
        numbers.append(resp.json()["order"]["number"])

    threads = [threading.Thread(target=buy, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 21)]
