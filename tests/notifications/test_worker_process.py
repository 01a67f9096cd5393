"""`flask --app wsgi worker` as real processes against the test database and the WeChat fake."""
import ast
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import insert, select

from backend.config import ROOT
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User
from backend.notifications.models import Notification, SubscriptionCredit

from .conftest import rows


def spawn(app, *args, **env) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("WECHAT", "NOTIFY_", "DATABASE_URL", "REDIS_URL", "TEST_"))}
    environ.update({
        "APP_ENV": "development", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "WECHAT_API_BASE": app.config["FAKE_URL"] + "/", "WECHAT_APPID": app.config["WECHAT_APPID"],
        **{k: str(v) for k, v in env.items()}})
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args],
                            cwd=str(ROOT), env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_started(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()
    assert line.startswith("worker started"), (line, proc.stderr.read() if proc.poll() is not None else "")


def pass_counts(stdout: str) -> dict:
    line = next(l for l in stdout.splitlines() if l.startswith("worker pass: "))
    return ast.literal_eval(line[len("worker pass: "):])


def seed_due(app, n: int, credits: int = 1, per_user: int = 1) -> list[str]:
    """n users, each with `credits` credits for tmpl_order_ready and `per_user` due notifications."""
    now = utcnow()
    with app.app_context():
        # A fresh prefix per test: a timeout fault makes the fake record its message at once and
        # answer 10 s later (WeChat delivered it, the answer was lost), possibly during a later test.
        prefix = uuid.uuid4().hex[:8]
        openids = [f"bulk-{prefix}-{i:04d}" for i in range(n)]
        db.session.execute(insert(User), [{"openid": o, "nickname": "", "avatar_url": "", "preferences": {},
                                           "is_admin": False, "created_at": now} for o in openids])
        ids = db.session.scalars(select(User.id).where(User.openid.in_(openids))).all()
        db.session.execute(insert(SubscriptionCredit), [
            {"user_id": uid, "template_id": "tmpl_order_ready", "remaining": credits, "updated_at": now}
            for uid in ids])
        db.session.execute(insert(Notification), [
            {"user_id": uid, "kind": "order_ready", "title": "您的 A023 已做好", "body": "", "page": "pages/order",
             "data": {"number": f"A{uid:03d}", "cafe": "手语咖啡"}, "delivery": "pending", "attempts": 0,
             "next_attempt_at": now, "created_at": now} for uid in ids for _ in range(per_user)])
        db.session.commit()
        db.session.remove()
    return openids


def test_sigterm_stops_an_idle_worker_cleanly(app):
    proc = spawn(app, "--interval", "30")
    try:
        wait_started(proc)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode == 0, err
    assert "worker stopped" in out


def test_sigterm_mid_send_finishes_the_row_and_releases_the_rest(app, fake, send):
    openids = seed_due(app, 3)
    fake.fault("timeout", times=1)  # the first send hangs until the client's 3 s timeout
    proc = spawn(app, "--interval", "30", WECHAT_TIMEOUT_SECONDS=3, NOTIFY_BACKOFF_SECONDS=600)
    try:
        wait_started(proc)
        deadline = time.monotonic() + 30
        while not rows(app, delivery="sending"):
            assert time.monotonic() < deadline and proc.poll() is None, "the worker never started a send"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode == 0, err
    assert pass_counts(out)["send_notifications"] == 1
    after = rows(app)
    # The row in hand was finished (a timeout: outcome unknown, settled), the rest handed back untouched.
    assert sorted((r.delivery, r.attempts) for r in after) == [("failed", 1), ("pending", 0), ("pending", 0)]
    assert all(r.claim_token is None and r.lease_until is None for r in after)
    released = [o for o, r in zip(openids, after) if r.attempts == 0]
    assert all(fake.messages(o) == [] for o in released)
    assert send() == 2  # another worker picks the released rows up at once
    assert all(len(fake.messages(o)) == 1 for o in released)


def _two_workers_send_each_once(app, fake, n: int):
    openids = seed_due(app, n)
    procs = [spawn(app, "--once", NOTIFY_BATCH_SIZE=10) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
    handled = [pass_counts(out)["send_notifications"] for out, _ in results]
    messages = [m for m in fake.messages() if m["touser"] in set(openids)]
    per_target = Counter((m["touser"], m["template_id"]) for m in messages)
    assert len(messages) == n
    assert set(per_target) == {(o, "tmpl_order_ready") for o in openids}
    assert set(per_target.values()) == {1}
    assert sum(handled) == n
    final = rows(app)
    assert Counter(r.delivery for r in final) == {"sent": n}
    assert all(r.attempts == 1 for r in final)
    with app.app_context():
        left = db.session.scalars(select(SubscriptionCredit.remaining)).all()
        db.session.remove()
    assert left == [0] * n
    print(f"\n{n} notifications, two workers handled {handled}")
    return handled


@pytest.mark.postgres
def test_two_workers_send_500_notifications_exactly_once(app, fake):
    _two_workers_send_each_once(app, fake, 500)


def test_two_workers_on_sqlite_also_send_exactly_once(app, fake):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the PostgreSQL variant covers this")
    _two_workers_send_each_once(app, fake, 60)


@pytest.mark.postgres
def test_two_workers_never_spend_a_credit_twice(app, fake):
    """150 users with one credit and two due notifications each: one sent, one skipped, per user."""
    openids = seed_due(app, 150, credits=1, per_user=2)
    procs = [spawn(app, "--once", NOTIFY_BATCH_SIZE=7) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    per_user = Counter(m["touser"] for m in fake.messages() if m["touser"] in set(openids))
    assert per_user == {o: 1 for o in openids}
    final = rows(app)
    assert Counter(r.delivery for r in final) == {"sent": 150, "skipped": 150}
    assert {r.last_error for r in final if r.delivery == "skipped"} == {"no credit"}
    with app.app_context():
        assert set(db.session.scalars(select(SubscriptionCredit.remaining)).all()) == {0}
        db.session.remove()
    print(f"\n300 notifications, 150 credits, two workers handled "
          f"{[pass_counts(out)['send_notifications'] for out, _ in results]}")
