"""A use case is a unit: it commits or rolls back as a whole, its locks are bounded, and a wait past
the bound is a clear 503 `busy` that changed nothing (backend/units.py)."""
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from backend.activities.models import Activity, Signup
from backend.db import utcnow
from backend.extensions import db
from backend.units import WriteOutsideUseCase, lock, transaction, use_case

from .factories import ResidentFactory, SiteFactory, link


@pytest.fixture
def activity(db_session):
    home = SiteFactory(kind="home")
    a = Activity(site_id=home.id, title="手工课", category="skills", status="published", capacity=10,
                 starts_at=utcnow() + timedelta(days=2), ends_at=utcnow() + timedelta(days=2, hours=2),
                 accessibility=[], eligible_categories=[])
    db.session.add(a)
    db.session.commit()
    return a


@pytest.fixture
def family(login, db_session):
    api = login()
    resident = ResidentFactory()
    link(api.user_id, resident)
    return api, resident


def _hold(database_url: str, statement: str, params: dict, hold: float, locked: threading.Event,
          release: threading.Event) -> threading.Thread:
    """Another connection takes a lock and keeps it until `release` (or `hold` seconds)."""
    def run():
        engine = sa.create_engine(database_url)
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE") if conn.dialect.name == "sqlite" else conn.begin()
            conn.execute(sa.text(statement), params)
            locked.set()
            release.wait(hold)
            conn.rollback()
        engine.dispose()
    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert locked.wait(10)
    return t


def _signup_while_locked(app, client, family, activity, statement: str):
    api, resident_id = family[0], family[1].id
    locked, release = threading.Event(), threading.Event()
    holder = _hold(app.config["SQLALCHEMY_DATABASE_URI"], statement, {"id": activity.id}, 10, locked, release)
    try:
        started = time.monotonic()
        resp = api.post(f"/activities/{activity.id}/signups", {"resident_id": resident_id})
        waited = time.monotonic() - started
        listing_started = time.monotonic()
        listing = client.get("/activities")
        listing_took = time.monotonic() - listing_started
    finally:
        release.set()
        holder.join(15)
    return resp, waited, listing, listing_took


def _nothing_written(activity_id: int) -> None:
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 0
    assert db.session.get(Activity, activity_id).seats_taken == 0


@pytest.mark.postgres
def test_a_held_row_lock_answers_busy_within_the_lock_timeout(app, client, family, activity):
    bound, aid, rid = app.config["DB_LOCK_TIMEOUT_MS"] / 1000, activity.id, family[1].id
    resp, waited, listing, listing_took = _signup_while_locked(
        app, client, family, activity, "SELECT id FROM activities WHERE id = :id FOR UPDATE")
    assert resp.status_code == 503, resp.get_json()
    assert resp.get_json()["error"]["code"] == "busy" and resp.headers["Retry-After"] == "1"
    assert bound * 0.8 < waited < bound + 2, waited
    assert listing.status_code == 200 and listing_took < 1.5  # the public listing never waits for it
    _nothing_written(aid)
    # Once the lock is gone the same request goes through.
    assert family[0].post(f"/activities/{aid}/signups", {"resident_id": rid}).status_code == 201


def test_sqlite_writers_queue_for_the_busy_timeout_then_answer_busy(app, client, family, activity):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    bound, aid = app.config["DB_LOCK_TIMEOUT_MS"] / 1000, activity.id
    resp, waited, listing, listing_took = _signup_while_locked(
        app, client, family, activity, "UPDATE activities SET title = title WHERE id = :id")
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "busy"
    assert bound * 0.8 < waited < bound + 2, waited
    assert listing.status_code == 200 and listing_took < 1.5  # readers are not blocked by a writer (WAL)
    _nothing_written(aid)


def test_a_unit_commits_when_it_returns_and_rolls_back_when_it_raises(app, activity):
    @use_case
    def rename(title: str, fail: bool) -> None:
        db.session.get(Activity, activity.id).title = title
        db.session.flush()
        if fail:
            raise RuntimeError("after the write")

    with app.app_context():
        rename("陶艺课", False)
        db.session.remove()
        assert db.session.get(Activity, activity.id).title == "陶艺课"
        with pytest.raises(RuntimeError):
            rename("木工课", True)
        db.session.remove()
        assert db.session.get(Activity, activity.id).title == "陶艺课"


def test_nested_units_are_one_transaction(app, activity):
    @use_case
    def inner() -> None:
        db.session.get(Activity, activity.id).capacity = 5
        db.session.flush()

    with app.app_context():
        with pytest.raises(RuntimeError):
            with transaction():
                inner()  # joins the outer unit: rolled back with it
                raise RuntimeError("outer fails")
        db.session.remove()
        assert db.session.get(Activity, activity.id).capacity == 10


def test_lock_refuses_to_run_outside_a_unit(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="outside a use case"):
            lock(select(Activity))


def test_a_request_cannot_write_outside_a_unit(app, activity):
    """Every write of a request is in a use case: a stray flush or UPDATE fails loudly instead of
    committing half a change."""
    with app.test_request_context("/"):
        db.session.get(Activity, activity.id).title = "改名"
        with pytest.raises(WriteOutsideUseCase):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(WriteOutsideUseCase):
            db.session.execute(sa.update(Activity).values(title="改名"))
        db.session.rollback()
