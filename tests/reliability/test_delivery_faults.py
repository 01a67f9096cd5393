"""The sending job under faults: at most once when the answer is lost, retried when nothing was sent,
and Redis (the shared access token) down or frozen."""
import socket
import threading
import time

import pytest
import requests

from backend.wechat.errors import WeChatNotSent, WeChatOutcomeUnknown
from backend.wechat.miniprogram import MiniProgramClient
from tests.notifications.conftest import credit_left, make_due, queue, rows

from ..servers import free_port

TEMPLATE = "tmpl_order_ready"


def _subscriber(login):
    api = login()
    assert api.post("/me/subscriptions", {"accepted": [TEMPLATE]}).status_code == 200
    return api


@pytest.fixture
def wechat(app, config):
    """Point the app's WeChat client somewhere else (or at Redis) for one test; a fresh client each time."""
    def set_(**values):
        config(**values)
        app.extensions.pop("wechat_mp", None)
        app.extensions.pop("redis_gate", None)
    yield set_
    app.extensions.pop("wechat_mp", None)
    app.extensions.pop("redis_gate", None)


def test_a_subscribe_send_that_times_out_reaches_wechat_exactly_once(app, login, send, fake, short_timeout):
    api = _subscriber(login)
    queue(app, api.user_id, "order_ready", data={"number": "A023", "cafe": "手语咖啡"})
    fake.fault("timeout", times=3)  # WeChat takes every message, and every answer is lost
    for _ in range(3):
        send()
        make_due(app)
    assert len(fake.messages(api.openid)) == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("failed", 1) and "outcome unknown" in row.last_error
    assert credit_left(app, api.user_id, TEMPLATE) == 0  # spent: WeChat used the user's quota
    [item] = api.get("/me/notifications").get_json()["items"]
    assert item["delivery"] == "failed"


def test_wechat_unreachable_is_retried_with_the_credit_back(app, login, send, fake, wechat):
    api = _subscriber(login)
    queue(app, api.user_id, "order_ready", data={"number": "A024", "cafe": "手语咖啡"})
    fake_base = app.config["WECHAT_API_BASE"]
    wechat(WECHAT_API_BASE=f"http://127.0.0.1:{free_port()}/")  # nothing listens there
    before = time.time()
    assert send() == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("not sent:")
    assert row.next_attempt_at.timestamp() >= before + app.config["NOTIFY_BACKOFF_SECONDS"] - 1  # backoff
    assert credit_left(app, api.user_id, TEMPLATE) == 1
    assert api.get("/me/notifications").get_json()["items"][0]["delivery"] == "pending"

    wechat(WECHAT_API_BASE=fake_base)
    make_due(app)
    assert send() == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("sent", 2)
    assert len(fake.messages(api.openid)) == 1
    assert credit_left(app, api.user_id, TEMPLATE) == 0


def test_redis_down_the_token_is_fetched_directly_and_the_message_sent(app, login, send, fake, wechat,
                                                                       redis_server):
    wechat(REDIS_URL=redis_server.url)
    api = _subscriber(login)
    queue(app, api.user_id, "order_ready", data={"number": "A025", "cafe": "手语咖啡"})
    redis_server.kill()
    started = time.monotonic()
    assert send() == 1
    assert time.monotonic() - started < 3
    [row] = rows(app)
    assert row.delivery == "sent" and row.attempts == 1
    assert len(fake.messages(api.openid)) == 1
    assert credit_left(app, api.user_id, TEMPLATE) == 0
    assert app.extensions["redis_gate"].down  # the fallback, not Redis, gave the token


def test_redis_frozen_costs_a_bounded_delay(app, login, send, fake, wechat, redis_server):
    wechat(REDIS_URL=redis_server.url)
    api = _subscriber(login)
    for n in ("A026", "A027"):
        queue(app, api.user_id, "order_ready", data={"number": n, "cafe": "手语咖啡"})
    api.post("/me/subscriptions", {"accepted": [TEMPLATE]})
    redis_server.freeze()
    try:
        started = time.monotonic()
        assert send() == 2
        # one read timeout (REDIS_SOCKET_TIMEOUT 0.5 s), then the gate stays shut: not one per message
        assert time.monotonic() - started < 0.5 * 2 + 1.5
    finally:
        redis_server.cont()
    assert [r.delivery for r in rows(app)] == ["sent", "sent"]
    assert len(fake.messages(api.openid)) == 2


def test_no_token_while_redis_is_down_goes_back_to_pending_then_sent_when_redis_returns(
        app, login, send, fake, wechat, redis_server):
    """Before WeChat is called the token could not be had (Redis down, stable_token failing too):
    not sent, not failed, not "interrupted"; the credit is given back and a later pass sends it."""
    wechat(REDIS_URL=redis_server.url)
    api = _subscriber(login)
    queue(app, api.user_id, "order_ready", data={"number": "A028", "cafe": "手语咖啡"})
    redis_server.kill()
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", timeout=5,
                  json={"api": "stable_token", "mode": "error", "errcode": -1, "times": 1}).raise_for_status()
    assert send() == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("not sent: access token unavailable")
    assert row.claim_token is None and row.lease_until is None
    assert credit_left(app, api.user_id, TEMPLATE) == 1
    assert fake.messages(api.openid) == []

    redis_server.start()
    time.sleep(app.config["REDIS_RETRY_SECONDS"])  # the gate opens again
    make_due(app)
    assert send() == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("sent", 2)
    assert len(fake.messages(api.openid)) == 1
    assert credit_left(app, api.user_id, TEMPLATE) == 0
    assert redis_server.client().get("wechatpy:wxfake0000000000_access_token") is not None  # shared again


# --- the client's classification of transport failures -----------------------------------------

@pytest.fixture
def dropper():
    """A server that reads each request and closes the connection without answering."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.recv(65536)
            conn.close()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join(2)
    listener.close()


def _client_with_a_token(base: str) -> MiniProgramClient:
    client = MiniProgramClient("wx-test-app", "secret", api_base=base, timeout=1)
    client.session.set(client.access_token_key, "a-token")
    client.expires_at = int(time.time()) + 3600
    return client


def test_a_dropped_connection_after_sending_is_outcome_unknown(dropper):
    with pytest.raises(WeChatOutcomeUnknown):
        _client_with_a_token(dropper).send_subscribe_message("o", "t", {"thing1": "x"}, None, "formal")


def test_a_refused_connection_is_not_sent():
    with pytest.raises(WeChatNotSent):
        _client_with_a_token(f"http://127.0.0.1:{free_port()}/").send_subscribe_message(
            "o", "t", {"thing1": "x"}, None, "formal")


def test_a_failed_token_fetch_is_not_sent(app):
    client = MiniProgramClient("wx-test-app", "secret", api_base=f"http://127.0.0.1:{free_port()}/", timeout=1)
    with pytest.raises(WeChatNotSent, match="access token unavailable"):
        client.send_subscribe_message("o", "t", {"thing1": "x"}, None, "formal")
