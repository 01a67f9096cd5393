"""Login through real wechatpy code against the fake over HTTP."""
import time

import requests
from sqlalchemy import func, select

from backend.identity.models import User


def arm(app, api, mode, errcode=None, times=1):
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults",
                  json={"api": api, "mode": mode, "errcode": errcode, "times": times}, timeout=5).raise_for_status()


def count_users(app):
    from backend.extensions import db
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_first_login_creates_user_and_same_openid_gives_same_user(client):
    r1 = client.post("/auth/login", {"code": "zhang#1"})
    assert r1.status_code == 200
    body = r1.get_json()
    assert body["token"] and body["expires_at"].endswith("+08:00")
    assert body["user"]["nickname"] == "" and body["user"]["roles"] == []
    assert "session_key" not in r1.get_data(as_text=True)
    r2 = client.post("/auth/login", {"code": "zhang#2"})
    assert r2.status_code == 200
    assert r2.get_json()["user"]["id"] == body["user"]["id"]
    assert r2.get_json()["token"] != body["token"]


def test_reused_code_is_401(client, app):
    assert client.post("/auth/login", {"code": "li#once"}).status_code == 200
    r = client.post("/auth/login", {"code": "li#once"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "wechat_code_invalid"


def test_invalid_code_is_401_and_creates_nothing(client, app):
    r = client.post("/auth/login", {"code": "invalid-xyz"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "wechat_code_invalid"
    assert count_users(app) == 0


def test_wechat_timeout_is_503_within_client_timeout_and_creates_nothing(client, app):
    arm(app, "jscode2session", "timeout")
    started = time.monotonic()
    r = client.post("/auth/login", {"code": "wang#1"})
    elapsed = time.monotonic() - started
    assert r.status_code == 503
    assert r.get_json()["error"]["code"] == "upstream_unavailable"
    assert elapsed < app.config["WECHAT_TIMEOUT_SECONDS"] + 2
    assert count_users(app) == 0


def test_wechat_system_error_is_503(client, app):
    arm(app, "jscode2session", "error", errcode=-1)
    r = client.post("/auth/login", {"code": "wang#2"})
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "upstream_unavailable"


def test_login_validation(client):
    assert client.post("/auth/login", {}).status_code == 422
    r = client.post("/auth/login", {"code": "a", "extra": 1})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"extra": ["不允许的字段"]}


def test_session_key_is_stored_encrypted(login, app):
    api = login("enc-user")
    from backend.extensions import db
    with app.app_context():
        user = db.session.get(User, api.user_id)
        assert user.session_key_enc and len(user.session_key_enc) > 40
