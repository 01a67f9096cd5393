"""Races over real HTTP against PostgreSQL: many threads, separate connections, released together.

The live server (werkzeug, threaded) runs in this process; each request gets its
own database connection from the pool, so these are real concurrent transactions.
"""
import os
import random
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from backend.activities.models import SEATED, Activity, Signup
from backend.activities.seats import waitlist
from backend.db import utcnow
from backend.extensions import db
from backend.identity import tokens
from backend.identity.models import Resident, ResidentLink, User

from .. import racing
from .conftest import make_activity, minutes_total, reload, signup_row

pytestmark = pytest.mark.postgres

# Requests in flight at once after the Barrier (default: all of them). The PostgreSQL server of a
# shared machine may not have 60 spare connections (the test pool's maximum) for this process;
# cap it there with ACTIVITIES_RACE_INFLIGHT=30 rather than letting connections fail.
INFLIGHT = int(os.environ.get("ACTIVITIES_RACE_INFLIGHT", "0")) or None


def families(n: int, tag: str) -> list[tuple[str, int]]:
    """n users, each linked to their own resident, with a bearer token: [(token, resident_id)]."""
    users = [User(openid=f"race-{tag}-{i}", nickname=f"家属{i}", preferences={}) for i in range(n)]
    residents = [Resident(name=f"居民{i}", disability_category="physical", disability_level=2, needs=[],
                          verification="pending") for i in range(n)]
    db.session.add_all(users + residents)
    db.session.flush()
    db.session.add_all(ResidentLink(user_id=u.id, resident_id=r.id, relation="parent")
                       for u, r in zip(users, residents))
    out = [(tokens.issue(u)[0], r.id) for u, r in zip(users, residents)]
    db.session.commit()
    return out


def fire(app, calls: list[tuple[str, str, str, dict | None]]) -> list[requests.Response | Exception]:
    return racing.fire(app, calls, inflight=INFLIGHT)


def assert_no_errors(results):
    errors = [r if isinstance(r, Exception) else (r.status_code, r.text[:200])
              for r in results if isinstance(r, Exception) or r.status_code >= 500]
    assert not errors, f"{len(errors)} failed requests, e.g. {errors[:3]}"


def seated_sum(activity_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Signup.seats), 0)).where(
        Signup.activity_id == activity_id, Signup.role == "participant", Signup.status.in_(SEATED)))


@pytest.mark.parametrize("round_no", range(10))
def test_200_concurrent_signups_for_10_seats(app, world, round_no):
    a = make_activity(world.home, capacity=10)
    fams = families(200, f"r{round_no}")
    results = fire(app, [("POST", f"/activities/{a.id}/signups", tok, {"resident_id": rid, "companions": 0})
                         for tok, rid in fams])
    assert_no_errors(results)
    assert all(r.status_code == 201 for r in results), {r.status_code for r in results}
    bodies = [r.json() for r in results]
    confirmed = [b for b in bodies if b["status"] == "confirmed"]
    waiting = [b for b in bodies if b["status"] == "waitlisted"]
    assert len(confirmed) == 10 and len(waiting) == 190
    assert sorted(b["waitlist_position"] for b in waiting) == list(range(1, 191))
    act = reload(Activity, a.id)
    assert act.seats_taken == 10 == seated_sum(a.id)
    # the waitlist order in the database is the order of the positions handed out
    order = [s.id for s in waitlist(a.id)]
    assert order == [b["id"] for b in sorted(waiting, key=lambda b: b["waitlist_position"])]


@pytest.mark.parametrize("round_no", range(5))
def test_mixed_signups_with_companions_and_cancellations_keep_the_counter_exact(app, world, round_no):
    rng = random.Random(round_no)
    a = make_activity(world.home, capacity=15)
    base = app.config["LIVE_URL"] + "/api/v1"
    early = families(40, f"m{round_no}a")
    existing = []
    for tok, rid in early:
        r = requests.post(f"{base}/activities/{a.id}/signups", json={"resident_id": rid,
                          "companions": rng.randint(0, 3)}, headers={"Authorization": f"Bearer {tok}"}, timeout=30)
        assert r.status_code == 201
        existing.append((tok, r.json()["id"]))
    late = families(60, f"m{round_no}b")
    calls = [("POST", f"/activities/{a.id}/signups", tok, {"resident_id": rid, "companions": rng.randint(0, 3)})
             for tok, rid in late]
    calls += [("POST", f"/signups/{sid}/cancel", tok, None) for tok, sid in rng.sample(existing, 25)]
    rng.shuffle(calls)
    results = fire(app, calls)
    assert_no_errors(results)
    assert all(r.status_code in (200, 201) for r in results), {r.status_code for r in results}
    act = reload(Activity, a.id)
    assert act.seats_taken == seated_sum(a.id) <= act.capacity
    free = act.capacity - act.seats_taken
    queue = waitlist(a.id)
    assert all(s.seats > free for s in queue), "a waiting group that fits was left behind"
    assert db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.activity_id == a.id, Signup.status == "cancelled")) == 25


def test_same_resident_racing_itself_gets_one_signup(app, world):
    a = make_activity(world.home, capacity=10)
    [(tok, rid)] = families(1, "self")
    results = fire(app, [("POST", f"/activities/{a.id}/signups", tok, {"resident_id": rid})] * 20)
    assert_no_errors(results)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 19
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"already_signed_up"}
    assert reload(Activity, a.id).seats_taken == 1


def test_concurrent_completion_credits_once(app, world):
    a = make_activity(world.home, starts_in=timedelta(hours=1), hours=2)
    v = world.volunteer()
    sid = v.post(f"/activities/{a.id}/signups", {"role": "volunteer"}).get_json()["id"]
    world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"})
    act = reload(Activity, a.id)
    act.starts_at, act.ends_at = act.starts_at - timedelta(days=2), act.ends_at - timedelta(days=2)
    db.session.commit()
    results = fire(app, [("POST", f"/staff/activities/{a.id}/complete", world.staff.token, None)] * 10)
    assert_no_errors(results)
    assert sorted(r.status_code for r in results) == [200] + [409] * 9
    assert minutes_total(v.user_id) == 120


@pytest.mark.parametrize("round_no", range(3))
def test_one_resident_signing_up_for_many_activities_at_once(app, world, round_no):
    """Each first signup at a site records the resident as known there: racing inserts of that
    record must not fail a signup."""
    acts = [make_activity(world.home) for _ in range(20)]
    [(tok, rid)] = families(1, f"many{round_no}")
    results = fire(app, [("POST", f"/activities/{a.id}/signups", tok, {"resident_id": rid}) for a in acts])
    assert_no_errors(results)
    assert [r.status_code for r in results] == [201] * 20


def test_two_workers_send_each_reminder_once(app, world):
    from backend.activities.jobs import send_reminders
    from backend.notifications.models import Notification

    a = make_activity(world.home, capacity=50, starts_in=timedelta(hours=12))
    fams = families(40, "remind")
    for tok, rid in fams:
        assert requests.post(f"{app.config['LIVE_URL']}/api/v1/activities/{a.id}/signups",
                             json={"resident_id": rid}, headers={"Authorization": f"Bearer {tok}"},
                             timeout=30).status_code == 201
    barrier = threading.Barrier(4)
    sent = []

    def worker():
        with app.app_context():
            barrier.wait()
            sent.append(send_reminders())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == 40
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "activity_reminder")) == 40


def test_attendance_change_racing_completion_never_credits_a_no_show(app, world):
    """Marking a volunteer no_show while the activity is completed: either the correction lands first
    (no credit) or completion does (credit, then 409 activity_closed) — never a credited no_show."""
    for _ in range(5):
        a = make_activity(world.home, starts_in=timedelta(hours=1), hours=2, volunteer_capacity=3)
        vols = [world.volunteer() for _ in range(3)]
        sids = [v.post(f"/activities/{a.id}/signups", {"role": "volunteer"}).get_json()["id"] for v in vols]
        for sid in sids:
            assert world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"}).status_code == 200
        act = reload(Activity, a.id)
        act.starts_at, act.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        db.session.commit()
        calls = [("POST", f"/staff/activities/{a.id}/complete", world.staff.token, None)]
        calls += [("POST", f"/staff/signups/{sid}/attendance", world.staff.token, {"status": "no_show"}) for sid in sids]
        assert_no_errors(fire(app, calls))
        for sid, v in zip(sids, vols):
            row = signup_row(sid)
            assert not (row.status == "no_show" and row.minutes_credited), (row.status, row.minutes_credited)
            assert minutes_total(v.user_id) == (row.minutes_credited or 0)
