"""Redis stopped or frozen under gunicorn (rate limits on, REDIS_URL set): degraded, never 500."""
import time
import uuid

import pytest
import requests

from ..servers import base_env, flask_cli, free_port, gunicorn

BOUND = 3.0  # seconds any request may take while Redis is down or frozen (socket timeout 0.5 s)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, fake_url, keys, module_redis_server):
    port = free_port()
    env = base_env(f"sqlite:///{tmp_path_factory.mktemp('redis') / 'app.db'}", fake_url,
                   REDIS_URL=module_redis_server.url, RATELIMIT_ENABLED="1", REDIS_RETRY_SECONDS="1",
                   WECHATPAY_NOTIFY_URL=f"http://127.0.0.1:{port}/api/v1/payments/wechat/notify",
                   **{k: v for k, v in keys.items() if k.startswith("WECHATPAY_")})
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "seed-demo", "--if-empty")
    with gunicorn(env, workers=2, port=port) as base:
        admin = _login(base, "admin")
        sites = {s["kind"]: s["id"] for s in requests.get(f"{base}/api/v1/sites", timeout=10).json()["items"]}
        # the café opens all day for the test, whatever the hour it runs at
        r = requests.patch(f"{base}/api/v1/admin/sites/{sites['cafe']}", headers=admin, timeout=10, json={
            "opening_hours": [{"weekday": d, "open": "00:00", "close": "23:59"} for d in range(1, 8)]})
        assert r.status_code == 200, r.text
        yield base, sites


def _login(base: str, openid: str) -> dict:
    r = requests.post(f"{base}/api/v1/auth/login", json={"code": f"{openid}#{uuid.uuid4().hex}"}, timeout=15)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _timed(method: str, url: str, **kw) -> requests.Response:
    started = time.monotonic()
    r = requests.request(method, url, timeout=15, **kw)
    took = time.monotonic() - started
    assert took < BOUND, f"{method} {url} took {took:.1f} s"
    assert r.status_code < 500, f"{method} {url}: {r.status_code} {r.text[:300]}"
    return r


def _use_cases(base: str, sites: dict) -> dict[str, int]:
    """Login, an activity signup (then cancelled), a café order, PATCH /me: their statuses."""
    api = f"{base}/api/v1"
    r = _timed("POST", f"{api}/auth/login", json={"code": f"family#{uuid.uuid4().hex}"})
    statuses = {"login": r.status_code}
    auth = {"Authorization": f"Bearer {r.json()['token']}"}
    resident = _timed("GET", f"{api}/me/residents", headers=auth).json()["items"][0]
    activity = next(a for a in _timed("GET", f"{api}/activities?site_id={sites['home']}").json()["items"]
                    if a["title"] == "手语歌曲学唱")  # open for signup, the family's resident eligible
    r = _timed("POST", f"{api}/activities/{activity['id']}/signups", headers=auth,
               json={"resident_id": resident["id"], "companions": 0})
    statuses["signup"] = r.status_code
    if r.status_code == 201:
        assert _timed("POST", f"{api}/signups/{r.json()['id']}/cancel", headers=auth).status_code == 200
    menu = _timed("GET", f"{api}/cafes/{sites['cafe']}/menu").json()
    item = next(i for c in menu["categories"] for i in c["items"] if i["available"])
    options = {o["name"]: o["choices"][0]["label"] for o in item["options"] if o["required"]}
    r = _timed("POST", f"{api}/cafes/{sites['cafe']}/orders", headers=auth,
               json={"items": [{"item_id": item["id"], "qty": 1, "options": options}], "fulfilment": "pickup"})
    statuses["order"] = r.status_code
    statuses["patch_me"] = _timed("PATCH", f"{api}/me", headers=auth, json={"nickname": "小王"}).status_code
    return statuses


def _readyz(base: str) -> dict:
    r = _timed("GET", f"{base}/readyz")
    assert r.status_code == 200
    return r.json()


EXPECTED = {"login": 200, "signup": 201, "order": 201, "patch_me": 200}


def _as_expected_or_limited(statuses: dict) -> None:
    for name, status in statuses.items():
        assert status in (EXPECTED[name], 429), (name, status)


def test_redis_killed_then_back(deployed, module_redis_server):
    base, sites = deployed
    redis_ = module_redis_server
    assert _use_cases(base, sites) == EXPECTED
    assert _readyz(base)["checks"] == {"database": "ok", "redis": "ok"}
    # The limits and the WeChat token really are in this Redis while it is up.
    assert redis_.client().keys("LIMITS*") and redis_.client().keys("wechatpy:*access_token")

    redis_.kill()
    for _ in range(2):  # the first requests find Redis gone, the next ones use the fallbacks
        _as_expected_or_limited(_use_cases(base, sites))
    assert _readyz(base) == {"status": "ready", "checks": {"database": "ok", "redis": "unavailable"}}

    redis_.start()
    deadline = time.monotonic() + 10  # REDIS_RETRY_SECONDS=1: each process tries again soon
    while _readyz(base)["checks"]["redis"] != "ok":
        assert time.monotonic() < deadline, "readyz never saw Redis back"
        time.sleep(0.5)
    assert _use_cases(base, sites) == EXPECTED


def test_redis_frozen(deployed, module_redis_server):
    base, sites = deployed
    redis_ = module_redis_server
    redis_.freeze()
    try:
        for _ in range(2):
            _as_expected_or_limited(_use_cases(base, sites))
        assert _readyz(base)["checks"]["redis"] == "unavailable"
    finally:
        redis_.cont()
