"""Idempotency-Key on create routes (API.md): replay, reuse with another body, in progress, races."""
import json
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from backend.db import utcnow
from backend.extensions import db
from backend.idempotency import IdempotencyRecord, fingerprint
from backend.identity.models import Resident, User

from ..factories import SiteFactory, staff_of

RESIDENT = {"name": "幂等测试", "relation": "parent", "disability_category": "visual", "disability_level": 1,
            "consent": {"sensitive_info": True}}


def residents(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Resident.id)))


def test_replay_same_status_and_body(login, app):
    api = login()
    h = {"Idempotency-Key": "k-1"}
    first = api.post("/me/residents", RESIDENT, headers=h)
    again = api.post("/me/residents", RESIDENT, headers=h)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert residents(app) == 1
    assert api.post("/me/residents", RESIDENT, headers={"Idempotency-Key": "k-2"}).status_code == 201
    assert residents(app) == 2


def test_errors_are_replayed_too(login):
    api = login()
    h = {"Idempotency-Key": "bad-1"}
    body = {**RESIDENT, "consent": {}}
    first = api.post("/me/residents", body, headers=h)
    assert first.status_code == 422
    assert api.post("/me/residents", body, headers=h).get_json() == first.get_json()


def test_same_key_other_body_is_422(login, app):
    api = login()
    h = {"Idempotency-Key": "k-3"}
    assert api.post("/me/residents", RESIDENT, headers=h).status_code == 201
    r = api.post("/me/residents", {**RESIDENT, "name": "另一个"}, headers=h)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "idempotency_key_reused"
    assert residents(app) == 1


def test_keys_are_per_user_and_bounded(login, app):
    a, b = login(), login()
    h = {"Idempotency-Key": "shared"}
    assert a.post("/me/residents", RESIDENT, headers=h).status_code == 201
    assert b.post("/me/residents", RESIDENT, headers=h).status_code == 201
    assert residents(app) == 2
    r = a.post("/me/residents", RESIDENT, headers={"Idempotency-Key": "x" * 65})
    assert r.status_code == 422


def test_in_progress_is_409(login, app):
    api = login()
    with app.app_context():
        raw = json.dumps(RESIDENT).encode()
        fp = fingerprint("POST", "/api/v1/me/residents", raw)
        db.session.add(IdempotencyRecord(user_id=api.user_id, key="busy", fingerprint=fp, created_at=utcnow()))
        db.session.commit()
    r = api.request("POST", "/me/residents", data=json.dumps(RESIDENT), headers={
        "Idempotency-Key": "busy", "Content-Type": "application/json"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "request_in_progress"
    assert residents(app) == 0
    with app.app_context():  # an abandoned claim (worker killed) is given up after a while
        rec = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "busy"))
        rec.created_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
    r = api.request("POST", "/me/residents", data=json.dumps(RESIDENT), headers={
        "Idempotency-Key": "busy", "Content-Type": "application/json"})
    assert r.status_code == 201


def test_other_create_routes_are_idempotent(login, app):
    staff = login()
    with app.app_context():
        site = SiteFactory(kind="home")
        staff_of(db.session.get(User, staff.user_id), site, "manager")
        site_id = site.id
    body = {"site_id": site_id, "title": "书法课", "category": "culture", "capacity": 5, "volunteer_capacity": 1,
            "starts_at": (utcnow() + timedelta(days=3)).isoformat(), "ends_at": (utcnow() + timedelta(days=3, hours=2)).isoformat(),
            "location": "一楼"}
    h = {"Idempotency-Key": "act-1"}
    first = staff.post("/staff/activities", body, headers=h)
    assert first.status_code == 201, first.get_json()
    assert staff.post("/staff/activities", body, headers=h).get_json()["id"] == first.get_json()["id"]
    walk_in = {k: v for k, v in RESIDENT.items() if k != "relation"}
    r1 = staff.post("/staff/residents", {**walk_in, "site_id": site_id}, headers={"Idempotency-Key": "w"})
    r2 = staff.post("/staff/residents", {**walk_in, "site_id": site_id}, headers={"Idempotency-Key": "w"})
    assert r1.status_code == 201 and r1.get_json() == r2.get_json()


@pytest.mark.postgres
def test_concurrent_same_key_creates_once(login, app):
    api = login()
    url = app.config["LIVE_URL"] + "/api/v1/me/residents"
    headers = {"Authorization": f"Bearer {api.token}", "Idempotency-Key": "race"}
    barrier, results, lock = threading.Barrier(10), [], threading.Lock()

    def go():
        barrier.wait()
        r = requests.post(url, json=RESIDENT, headers=headers, timeout=30)
        with lock:
            results.append(r)
    threads = [threading.Thread(target=go) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results)
    assert set(statuses) <= {201, 409}, statuses
    created = [r.json() for r in results if r.status_code == 201]
    assert created and all(c == created[0] for c in created)
    assert all(r.json()["error"]["code"] == "request_in_progress" for r in results if r.status_code == 409)
    assert residents(app) == 1
