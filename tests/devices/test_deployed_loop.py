"""The closed loop as deployed: a fresh PostgreSQL database migrated and seeded through the CLI,
gunicorn with two workers and `flask worker` running, driven over HTTP only. The demo's approved
wheelchair → the maker ships → the centre fits it with a signature → two training sessions → the
30-day follow-up reminds the family once (its due date moved into the window, as a clock would) and
is recorded `continue`; the 90-day one, overdue, gives staff one inbox item, and `repair` opens a
repair that staff complete; the 180-day one `continue` closes the case; the history shows it all."""
import base64
import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import sqlalchemy as sa

from backend.devices.signatures import tiny_png

from ..conftest import PG_URL
from ..servers import BIN, ROOT, base_env, flask_cli, gunicorn, scratch_postgres

pytestmark = pytest.mark.postgres
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Client:
    def __init__(self, base: str, code: str):
        r = requests.post(f"{base}/api/v1/auth/login", json={"code": code}, timeout=15)
        assert r.status_code == 200, r.text
        self.base, self.token, self.me = base, r.json()["token"], r.json()["user"]

    def __call__(self, method: str, path: str, json=None, expect: int = 200):
        r = requests.request(method, f"{self.base}/api/v1{path}", json=json, timeout=30,
                             headers={"Authorization": f"Bearer {self.token}"})
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text[:500]}"
        return r.json() if r.content else None


def eventually(check, what: str, seconds: float = 90):
    """Poll until `check()` is truthy (the worker runs on its own schedule); fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"never happened: {what}")


def inbox(client: Client, kind: str) -> list[dict]:
    return [n for n in client("GET", "/me/notifications?page_size=100")["items"] if n["kind"] == kind]


def test_the_closed_loop_deployed(fake_url):
    with scratch_postgres(PG_URL) as url:
        env = base_env(url, fake_url)
        flask_cli(env, "db", "upgrade")
        assert "demo data created" in flask_cli(env, "seed-demo", "--if-empty").stdout
        engine = sa.create_engine(url)  # the test's own hand on the clock: due dates moved in SQL
        worker = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "worker", "--interval", "0.3"], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            with gunicorn(env, workers=2) as base:
                _loop(base, engine, env)
        finally:
            worker.terminate()
            worker.wait(30)
            engine.dispose()


def _loop(base: str, engine, env) -> None:
    family, staff = Client(base, "family#loop"), Client(base, "device-staff#loop")
    admin, maker = Client(base, "admin#loop"), Client(base, "maker#loop")
    mine = family("GET", "/me/device-cases")["items"]
    case = next(c for c in mine if c["status"] == "approval" and c["class_code"] == "12")
    cid = case["id"]

    staff("POST", f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved", "opinion": "符合"})
    approved = admin("POST", f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved"})
    assert approved["status"] == "supplying"
    order_id = approved["supply"]["id"]
    raw = requests.get(f"{base}/api/v1/maker/orders?status=open", timeout=15,
                       headers={"Authorization": f"Bearer {maker.token}"}).text
    assert f'"id":{order_id},' in raw and "王**" in raw and "王大爷" not in raw

    now = datetime.now(SHANGHAI).replace(microsecond=0)
    maker("POST", f"/maker/orders/{order_id}/ship", {"shipped_at": (now - timedelta(hours=3)).isoformat(),
                                                     "tracking": "SF2026", "serial_nos": ["KS22-0042"]})
    assert family("GET", f"/device-cases/{cid}")["status"] == "ready_for_fitting"

    signature = base64.b64encode(tiny_png(60, 20)).decode()
    delivered = staff("POST", f"/staff/device-cases/{cid}/delivery", {
        "serial_no": "KS22-0042", "fitted_at": (now - timedelta(hours=1)).isoformat(), "notes": "座高已调",
        "handover": {"signed_by": "resident", "signer_name": "王大爷", "signature_png": signature}})
    assert delivered["status"] == "training"
    handover = family("GET", f"/device-handovers/{delivered['delivery']['handover']['id']}")
    assert handover["signature_png"] == signature and handover["text_version"] == "2026.1"
    today = now.date()
    assert [f["due_on"] for f in delivered["followups"]] == [
        (today + timedelta(days=d)).isoformat() for d in (30, 90, 180)]
    f30, f90, f180 = [f["id"] for f in delivered["followups"]]

    for hours in (0.5, 0.25):
        trained = staff("POST", f"/staff/device-cases/{cid}/training-sessions", {
            "at": (now - timedelta(hours=hours)).isoformat(), "minutes": 40, "content": "推行、转移"})
    assert trained["status"] == "follow_up" and trained["training"]["done"] == 2

    # The 30-day follow-up comes within three days: the running worker tells the family, once.
    with engine.begin() as c:
        c.execute(sa.text("UPDATE device_followups SET due_on = :d WHERE id = :id"),
                  {"d": today + timedelta(days=2), "id": f30})
    eventually(lambda: inbox(family, "device_followup_due"), "the family's follow-up reminder")
    flask_cli(env, "worker", "--once")
    flask_cli(env, "worker", "--once")
    assert len(inbox(family, "device_followup_due")) == 1
    staff("POST", f"/staff/device-followups/{f30}", {"method": "phone", "in_use": True, "satisfaction": 4,
                                                     "outcome": "continue", "note": "使用良好"})

    # The 90-day one is left undone past its day: overdue, one inbox item for the fitter.
    with engine.begin() as c:
        c.execute(sa.text("UPDATE device_followups SET due_on = :d WHERE id = :id"),
                  {"d": today - timedelta(days=1), "id": f90})
    overdue = staff("GET", "/staff/device-followups?status=overdue&page_size=100")["items"]
    assert f90 in [f["id"] for f in overdue]
    mine_overdue = lambda: [n for n in inbox(staff, "device_followup_overdue") if "王大爷" in n["body"]]  # noqa: E731
    eventually(mine_overdue, "the overdue item for staff")
    flask_cli(env, "worker", "--once")
    assert len(mine_overdue()) == 1
    staff("POST", f"/staff/device-followups/{f90}", {"method": "visit", "in_use": False,
                                                     "not_used_reason": "刹车失灵", "satisfaction": 2,
                                                     "outcome": "repair", "note": "右侧刹车失灵"})
    [repair] = family("GET", f"/device-cases/{cid}")["repairs"]
    assert repair["status"] == "requested"
    staff("POST", f"/staff/device-repairs/{repair['id']}", {"status": "in_progress", "note": "已取回"})
    staff("POST", f"/staff/device-repairs/{repair['id']}", {"status": "done", "note": "更换刹车", "cost_fen": 4500})

    staff("POST", f"/staff/device-followups/{f180}", {"method": "phone", "in_use": True, "satisfaction": 4,
                                                      "outcome": "continue"})
    closed = family("GET", f"/device-cases/{cid}")
    assert closed["status"] == "closed"
    actions = [h["action"] for h in closed["history"]]
    assert actions[actions.index("approved:approve"):] == [
        "approved:approve", "shipped", "delivered", "training", "training", "trained", "followup:continue",
        "followup:repair", "repair_requested", "repair_in_progress", "repair_done", "followup:continue", "closed"]
    assert [f["status"] for f in closed["followups"]] == ["done", "done", "done"]
    updates = [n["title"] for n in inbox(family, "device_case_update")]
    assert "辅具申请已结案" in updates and "辅具申请待适配" in updates
