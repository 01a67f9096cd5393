"""Login brute force from one IP is cut off at the limit across two gunicorn workers (Redis)."""
import threading
import uuid

import pytest
import redis
import requests

from ..servers import base_env, gunicorn, migrate

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_db():
    r = redis.Redis.from_url(REDIS_URL)
    try:
        r.ping()
    except redis.ConnectionError:
        pytest.skip("Redis unreachable")
    r.flushdb()
    yield r
    r.flushdb()


def test_login_limit_per_ip_holds_across_gunicorn_workers(tmp_path, fake_url, redis_db):
    env = base_env(f"sqlite:///{tmp_path / 'rl.db'}", fake_url, REDIS_URL=REDIS_URL,
                   RATELIMIT_LOGIN_IP="10 per minute", RATELIMIT_LOGIN_CODE="3 per minute",
                   RATELIMIT_CREATE_USER="4 per minute")
    migrate(env)
    results: list[requests.Response] = []
    lock = threading.Lock()
    with gunicorn(env, workers=2) as url:
        barrier = threading.Barrier(15)

        def attempt(i: int) -> None:
            barrier.wait()
            for _ in range(2):
                r = requests.post(f"{url}/api/v1/auth/login", json={"code": f"brute{i}#{uuid.uuid4().hex}"}, timeout=15)
                with lock:
                    results.append(r)
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(15)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in results)
        assert statuses.count(200) == 10, statuses
        assert statuses.count(429) == 20, statuses
        limited = [r for r in results if r.status_code == 429]
        for r in limited:
            assert r.json()["error"]["code"] == "rate_limited"
            assert 0 < int(r.headers["Retry-After"]) <= 60
        # the same code tried again and again is cut off by the per-code limit too (from "another IP")
        code_results = [requests.post(f"{url}/api/v1/auth/login", json={"code": "same-code"},
                                      headers={"X-Forwarded-For": f"10.0.0.{i}"}, timeout=15).status_code
                        for i in range(5)]
        assert code_results.count(429) >= 1

        # bookings and orders per user: the 5th attempt in a minute is cut off, whichever worker serves it
        ok = next(r for r in results if r.status_code == 200)
        auth = {"Authorization": f"Bearer {ok.json()['token']}"}
        tries = [requests.post(f"{url}/api/v1/appointments", json={"slot_id": 999999, "resident_id": 1, "note": ""},
                               headers=auth, timeout=15).status_code for _ in range(6)]
        assert tries[:4] == [404] * 4 and tries[4:] == [429, 429], tries


def test_screen_sign_in_tickets_are_limited_per_ip_across_workers(tmp_path, fake_url, redis_db):
    env = base_env(f"sqlite:///{tmp_path / 'ws.db'}", fake_url, REDIS_URL=REDIS_URL,
                   RATELIMIT_WEB_SESSION_IP="5 per minute")
    migrate(env)
    with gunicorn(env, workers=2) as url:
        tries = [requests.post(f"{url}/api/v1/web-sessions", timeout=15) for _ in range(7)]
        assert [r.status_code for r in tries] == [201] * 5 + [429] * 2
        assert tries[-1].json()["error"]["code"] == "rate_limited"
        assert 0 < int(tries[-1].headers["Retry-After"]) <= 60
        # another screen (another address, through the one trusted proxy) has its own allowance
        other = requests.post(f"{url}/api/v1/web-sessions", headers={"X-Forwarded-For": "10.0.0.9"}, timeout=15)
        assert other.status_code == 201
