"""Idempotency-Key on create routes (API.md): replay, reuse with another body, what is stored, in progress,
races. Retries after a killed worker: tests/reliability/test_idempotent_retries.py."""
import json
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from backend.db import utcnow
from backend.extensions import db
from backend.idempotency import IdempotencyRecord, _lock_id, fingerprint
from backend.identity.models import Resident, User
from backend.sites import Site
from backend.units import try_lock_key

from ..cafe.helpers import add_item, make_cafe, order_body
from ..factories import SiteFactory, certificate_no, staff_of

RESIDENT = {"name": "幂等测试", "relation": "parent", "disability_category": "visual", "disability_level": 1,
            "consent": {"sensitive_info": True}}


def records(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(IdempotencyRecord.id)))


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


def test_a_refused_request_is_not_stored_and_its_key_stays_free(login, app):
    """Only responses of requests that ran and committed are stored (issue 15 item 10): a 409
    cafe_closed is not replayed once the café has opened; the same key then creates the order."""
    api = login()
    with app.app_context():
        cafe = make_cafe(opening_hours=[{"weekday": d, "open": "00:00", "close": "00:00"} for d in range(1, 8)])
        item_id, cafe_id = add_item(cafe).id, cafe.id
    h = {"Idempotency-Key": "coffee-1"}
    closed = api.post(f"/cafes/{cafe_id}/orders", order_body(item_id), headers=h)
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "cafe_closed"
    assert records(app) == 0
    with app.app_context():
        db.session.get(Site, cafe_id).opening_hours = []  # open all day
        db.session.commit()
    opened = api.post(f"/cafes/{cafe_id}/orders", order_body(item_id), headers=h)
    assert opened.status_code == 201 and "Idempotent-Replayed" not in opened.headers
    again = api.post(f"/cafes/{cafe_id}/orders", order_body(item_id), headers=h)
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == opened.get_json()
    assert records(app) == 1


def test_a_validation_error_is_not_stored(login, app):
    api = login()
    body = {**RESIDENT, "consent": {}}
    h = {"Idempotency-Key": "bad-1"}
    first = api.post("/me/residents", body, headers=h)
    assert first.status_code == 422 and first.get_json()["error"]["code"] == "consent_required"
    again = api.post("/me/residents", body, headers=h)
    assert again.get_json() == first.get_json() and "Idempotent-Replayed" not in again.headers
    assert records(app) == 0
    # the key was never used up: the corrected request may even take it (nothing was created with it)
    assert api.post("/me/residents", RESIDENT, headers=h).status_code == 201


def test_a_use_case_that_fails_leaves_neither_its_effect_nor_a_record(login, app):
    """The record is written in the use case's own transaction: a conflict found when the resident's
    row is inserted (the certificate is registered already) rolls both back."""
    first, second = login(), login()
    body = {**RESIDENT, "disability_category": "physical", "disability_level": 2,
            "certificate_no": certificate_no("physical", 2)}
    assert first.post("/me/residents", body, headers={"Idempotency-Key": "c"}).status_code == 201
    r = second.post("/me/residents", body, headers={"Idempotency-Key": "c"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "certificate_registered"
    assert records(app) == 1 and residents(app) == 1


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


def test_a_claim_left_by_the_earlier_scheme_is_taken_over_at_once(login, app):
    """Rows without a response (claims written before their request ran, as keys were claimed
    before this release) no longer mean "in progress": a retry runs at once."""
    api = login()
    with app.app_context():
        fp = fingerprint("POST", "/api/v1/me/residents", json.dumps(RESIDENT).encode())
        db.session.add(IdempotencyRecord(user_id=api.user_id, key="left", fingerprint=fp, created_at=utcnow()))
        db.session.commit()
    r = api.request("POST", "/me/residents", data=json.dumps(RESIDENT), headers={
        "Idempotency-Key": "left", "Content-Type": "application/json"})
    assert r.status_code == 201 and residents(app) == 1 and records(app) == 1


def test_an_expired_record_is_forgotten(login, app):
    api = login()
    h = {"Idempotency-Key": "old"}
    assert api.post("/me/residents", RESIDENT, headers=h).status_code == 201
    with app.app_context():
        db.session.scalar(select(IdempotencyRecord)).created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    again = api.post("/me/residents", RESIDENT, headers=h)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert residents(app) == 2 and records(app) == 1


@pytest.mark.postgres
def test_in_progress_is_409_while_another_transaction_holds_the_key(login, app):
    """The key is held by the transaction of the request that runs it: 409 at once, then, as soon as
    that transaction ends without committing (a killed worker's), the retry runs."""
    api = login()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as holder:  # stands for the first request's transaction
            holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_id(api.user_id, "busy")})
            r = api.post("/me/residents", RESIDENT, headers={"Idempotency-Key": "busy"})
            assert r.status_code == 409 and r.get_json()["error"]["code"] == "request_in_progress"
            assert residents(app) == 0 and records(app) == 0
            other = api.post("/me/residents", RESIDENT, headers={"Idempotency-Key": "not-busy"})
            assert other.status_code == 201  # only that key is held
            holder.rollback()
        r = api.post("/me/residents", RESIDENT, headers={"Idempotency-Key": "busy"})
        assert r.status_code == 201 and residents(app) == 2
    finally:
        engine.dispose()


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


def test_the_key_lock_refuses_to_run_outside_a_unit(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="outside a use case"):
            try_lock_key(1)
