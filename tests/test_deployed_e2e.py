"""The product as deployed: a fresh PostgreSQL database migrated and seeded through the CLI, the
WeChat fake, gunicorn with three workers and `flask worker`, driven over HTTP only, as API.md says."""
from datetime import datetime, timedelta

import pytest
import requests

from .conftest import PG_URL
from .servers import base_env, flask_cli, free_port, gunicorn, scratch_postgres

pytestmark = pytest.mark.postgres


class Client:
    def __init__(self, base: str, code: str):
        r = requests.post(f"{base}/api/v1/auth/login", json={"code": code}, timeout=15)
        assert r.status_code == 200, r.text
        self.base, self.token, self.me = base, r.json()["token"], r.json()["user"]

    def __call__(self, method: str, path: str, json=None, expect: int = 200):
        r = requests.request(method, f"{self.base}/api/v1{path}", json=json, timeout=30,
                             headers={"Authorization": f"Bearer {self.token}"})
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None


def test_deployed_flow_over_http(fake_url, keys):
    port = free_port()
    with scratch_postgres(PG_URL) as url:
        env = base_env(url, fake_url, **{k: v for k, v in keys.items() if k.startswith("WECHATPAY_")},
                       WECHATPAY_NOTIFY_URL=f"http://127.0.0.1:{port}/api/v1/payments/wechat/notify")
        flask_cli(env, "db", "upgrade")
        assert "demo data created" in flask_cli(env, "seed-demo", "--if-empty").stdout
        with gunicorn(env, workers=3, port=port) as base:
            sites = requests.get(f"{base}/api/v1/sites", timeout=10).json()["items"]
            site = {s["kind"]: s["id"] for s in sites}
            admin, family = Client(base, "admin#e2e"), Client(base, "family#e2e")
            # the café opens all day for the test, whatever the hour CI runs at
            admin("PATCH", f"/admin/sites/{site['cafe']}", {"opening_hours": [
                {"weekday": d, "open": "00:00", "close": "23:59"} for d in range(1, 8)]})
            resident = family("GET", "/me/residents")["items"][0]

            # an activity signup
            acts = requests.get(f"{base}/api/v1/activities?site_id={site['home']}", timeout=10).json()["items"]
            target = next(a for a in acts if a["title"] == "手语歌曲学唱")
            signup = family("POST", f"/activities/{target['id']}/signups",
                            {"resident_id": resident["id"], "companions": 1}, expect=201)
            assert signup["status"] == "confirmed"

            # a rehab appointment in the first bookable slot
            services = requests.get(f"{base}/api/v1/rehab/services?site_id={site['rehab']}", timeout=10).json()
            pt = next(s for s in services["items"] if s["kind"] == "physio")
            today = datetime.now().date()
            slots = requests.get(f"{base}/api/v1/rehab/services/{pt['id']}/slots?from={today}"
                                 f"&to={today + timedelta(days=13)}", timeout=10).json()
            appt = family("POST", "/appointments", {"slot_id": slots[0]["id"], "resident_id": resident["id"],
                                                    "note": ""}, expect=201)
            assert appt["status"] == "booked"

            # a café order paid through the fake; WeChat Pay's notify reaches gunicorn
            family("POST", "/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
            menu = requests.get(f"{base}/api/v1/cafes/{site['cafe']}/menu", timeout=10).json()
            latte = next(i for c in menu["categories"] for i in c["items"] if i["name"] == "拿铁")
            placed = family("POST", f"/cafes/{site['cafe']}/orders", {
                "items": [{"item_id": latte["id"], "qty": 2, "options": {"温度": "冰", "奶": "燕麦奶"}}],
                "fulfilment": "pickup"}, expect=201)
            assert placed["order"]["total_fen"] == 2 * (1800 + 200 + 300)
            prepay = placed["payment"]["package"].split("=", 1)[1]
            paid = requests.post(f"{fake_url}/_fake/pay/{prepay}/succeed", timeout=15).json()
            assert paid["status"] == 204
            order = family("GET", f"/orders/{placed['order']['id']}")
            assert order["status"] == "paid" and order["paid_at"]

            barista = Client(base, "cafe-staff#e2e")
            board = barista("GET", f"/staff/cafes/{site['cafe']}/orders?status=active")
            # the demo's own paid orders (A001 ready, one waiting) are on the board too, oldest first
            assert [o["id"] for o in board["items"]][-1] == order["id"]
            for status in ("accepted", "ready"):
                barista("POST", f"/staff/orders/{order['id']}/status", {"status": status})

            # the worker sends the subscribe message the family has a credit for
            flask_cli(env, "worker", "--once")
            messages = requests.get(f"{fake_url}/_fake/messages?touser=family", timeout=10).json()["items"]
            # the demo's own notices (its booking, its A001) go out too: this order's is sent once
            mine = [m for m in messages if m["page"] == f"pages/cafe/order?id={order['id']}"]
            assert [m["template_id"] for m in mine] == ["tmpl_order_ready"]
            assert mine[0]["data"]["character_string1"]["value"] == order["number"]
            inbox = family("GET", "/me/notifications")["items"]
            assert any(n["kind"] == "order_ready" and n["delivery"] == "sent" for n in inbox)
