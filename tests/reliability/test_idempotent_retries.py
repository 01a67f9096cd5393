"""Issue 13 item 5: a retry with the same Idempotency-Key after a gunicorn worker was SIGKILLed in the
middle of a signup. gunicorn runs with the repository's gunicorn.conf.py on a fresh PostgreSQL
database; the answer is the original signup (if it had committed) or one made now, at once (not a
409 `request_in_progress` for minutes), and the database holds exactly one live signup."""
import os
import signal
import socket
import threading
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from ..conftest import PG_URL
from ..servers import base_env, flask_cli, free_port, gunicorn, scratch_postgres

pytestmark = pytest.mark.postgres

# How long the retry loop may go on before the test gives up: far above "at once", far below the two
# minutes an orphaned claim used to block the key for.
PATIENCE = 30.0


@pytest.fixture(scope="module")
def deployed(fake_url):
    port = free_port()
    with scratch_postgres(PG_URL) as url:
        # Long lock and statement timeouts: the request must still be waiting on the test's row lock
        # when the test kills its worker, however slow the machine is.
        env = base_env(url, fake_url, DB_LOCK_TIMEOUT_MS="60000", DB_STATEMENT_TIMEOUT_MS="120000")
        flask_cli(env, "db", "upgrade")
        flask_cli(env, "seed-demo", "--if-empty")
        engine = sa.create_engine(url)
        try:
            with gunicorn(env, workers=2, port=port) as base:
                yield base, port, engine
        finally:
            engine.dispose()


def _login(base: str) -> dict:
    r = requests.post(f"{base}/api/v1/auth/login", json={"code": f"family#{uuid.uuid4().hex}"}, timeout=15)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _new_resident(base: str, auth: dict) -> int:
    r = requests.post(f"{base}/api/v1/me/residents", headers=auth, timeout=15, json={
        "name": "重试测试", "relation": "parent", "disability_category": "hearing", "disability_level": 2,
        "consent": {"sensitive_info": True}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _activity(base: str) -> int:
    items = requests.get(f"{base}/api/v1/activities", timeout=15).json()["items"]
    return next(a["id"] for a in items if a["title"] == "手语歌曲学唱")  # open, for hearing residents


def _live_signups(engine, activity_id: int, resident_id: int) -> list[int]:
    with engine.connect() as c:
        return c.execute(sa.text("SELECT id FROM activity_signups WHERE activity_id = :a AND resident_id = :r "
                                 "AND status IN ('confirmed', 'waitlisted')"),
                         {"a": activity_id, "r": resident_id}).scalars().all()


def _pid_with_socket(local_port: int, remote_port: int) -> int:
    """The process holding the TCP socket 127.0.0.1:local_port ↔ :remote_port (Linux /proc)."""
    inodes = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == local_port and int(fields[2].split(":")[1], 16) == remote_port:
                inodes.add(fields[9])
    targets = {f"socket:[{i}]" for i in inodes if i != "0"}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in targets for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue  # gone, or not ours
    raise AssertionError(f"no process holds the socket {local_port} -> {remote_port}")


def _until(what, check, patience: float = PATIENCE):
    deadline = time.monotonic() + patience
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _retry(url: str, headers: dict, body: dict) -> tuple[requests.Response, list[int]]:
    """Retry as a client would on 409 request_in_progress; return the answer and every status seen."""
    seen = []
    deadline = time.monotonic() + PATIENCE
    while True:
        r = requests.post(url, headers=headers, json=body, timeout=PATIENCE)
        seen.append(r.status_code)
        if r.status_code != 409 or r.json()["error"]["code"] != "request_in_progress":
            return r, seen
        assert time.monotonic() < deadline, f"still in progress after {PATIENCE} s: {seen}"
        time.sleep(0.5)  # as a client would (and under the per-user rate limit)


def test_a_signup_killed_mid_transaction_is_made_afresh_by_the_retry(deployed):
    base, _, engine = deployed
    auth = _login(base)
    resident_id, activity_id = _new_resident(base, auth), _activity(base)
    url = f"{base}/api/v1/activities/{activity_id}/signups"
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    body = {"resident_id": resident_id, "companions": 0}
    first: dict = {}

    def sign_up():
        try:
            first["response"] = requests.post(url, headers=headers, json=body, timeout=PATIENCE)
        except requests.RequestException as e:
            first["error"] = e

    with engine.connect() as holder, engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        # The test's own transaction holds the activity's row lock: the worker blocks inside the use case
        # (key claimed, resident checked, waiting for the seat lock), mid-transaction.
        holder.execute(sa.text("SELECT id FROM activities WHERE id = :id FOR UPDATE"), {"id": activity_id})
        thread = threading.Thread(target=sign_up)
        thread.start()
        blocked = _until("the worker to wait for the row lock", lambda: watcher.execute(sa.text(
            "SELECT client_port FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")).first())
        worker = _pid_with_socket(blocked.client_port, 5432)
        os.kill(worker, signal.SIGKILL)
        thread.join(PATIENCE)
        assert "error" in first, first  # the client never got an answer
        holder.rollback()  # the lock is released: the killed request's transaction can only roll back

    answer, seen = _retry(url, headers, body)
    assert answer.status_code == 201, (seen, answer.text)
    assert "Idempotent-Replayed" not in answer.headers  # nothing had committed: a fresh signup, made now
    assert _live_signups(engine, activity_id, resident_id) == [answer.json()["id"]]
    replay = requests.post(url, headers=headers, json=body, timeout=15)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == answer.json()
    assert _live_signups(engine, activity_id, resident_id) == [answer.json()["id"]]


def test_a_signup_that_committed_before_its_worker_was_killed_is_replayed(deployed):
    """The request committed; its worker is killed before the client read a byte of the answer. The
    retry replays the committed 201: the original signup, not a second one, not already_signed_up."""
    base, port, engine = deployed
    auth = _login(base)
    resident_id, activity_id = _new_resident(base, auth), _activity(base)
    path = f"/api/v1/activities/{activity_id}/signups"
    key = uuid.uuid4().hex
    payload = f'{{"resident_id": {resident_id}, "companions": 0}}'.encode()
    raw = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    try:
        raw.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"Authorization: {auth['Authorization']}\r\nIdempotency-Key: {key}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload)
        committed = _until("the signup to commit", lambda: _live_signups(engine, activity_id, resident_id))
        # kept alive, the connection still names the worker that served it
        os.kill(_pid_with_socket(port, raw.getsockname()[1]), signal.SIGKILL)
    finally:
        raw.close()  # unread: the client never learned the answer

    answer, seen = _retry(f"{base}{path}", {**auth, "Idempotency-Key": key},
                          {"resident_id": resident_id, "companions": 0})
    assert answer.status_code == 201 and answer.headers["Idempotent-Replayed"] == "true", (seen, answer.text)
    assert answer.json()["id"] == committed[0]
    assert _live_signups(engine, activity_id, resident_id) == committed
