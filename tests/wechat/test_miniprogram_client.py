"""MiniProgramClient against the loopback fake, end to end over HTTP."""
import socket
import time
import uuid
from collections.abc import Callable

import pytest
import redis
import requests
from wechatpy.session.memorystorage import MemoryStorage

from backend.wechat.errors import WeChatAPIError, WeChatUnavailable
from backend.wechat.miniprogram import MiniProgramClient
from backend.wechat.token_storage import SharedTokens

MakeClient = Callable[..., MiniProgramClient]


def unique(name: str) -> str:
    """A fresh login code: the fake accepts each code once for the whole session."""
    return f"{name}{uuid.uuid4().hex[:8]}"


def stable_token(base: str, appid: str = "wx-test-app", force_refresh: bool = False) -> str:
    body = {"grant_type": "client_credential", "appid": appid, "secret": "test-secret",
            "force_refresh": force_refresh}
    return requests.post(f"{base}/cgi-bin/stable_token", json=body, timeout=5).json()["access_token"]


# --- login ------------------------------------------------------------------------

def test_new_code_gives_openid_unionid_and_session_key(client: MiniProgramClient) -> None:
    name = unique("alice")
    session = client.code_to_session(name)
    assert session["openid"] == name
    assert session["unionid"] == f"u_{name}"
    assert len(session["session_key"]) == 24  # base64 of 16 bytes


def test_name_hash_anything_code_gives_openid_name(client: MiniProgramClient) -> None:
    name = unique("bob")
    assert client.code_to_session(f"{name}#first")["openid"] == name
    # Another code for the same user is a different code: it works too.
    assert client.code_to_session(f"{name}#second")["openid"] == name


def test_code_used_twice_is_rejected_with_40163(client: MiniProgramClient) -> None:
    code = unique("carol")
    client.code_to_session(code)
    with pytest.raises(WeChatAPIError) as info:
        client.code_to_session(code)
    assert info.value.errcode == 40163


def test_invalid_code_is_rejected_with_40029(client: MiniProgramClient) -> None:
    with pytest.raises(WeChatAPIError) as info:
        client.code_to_session(unique("invalid-"))
    assert info.value.errcode == 40029


def test_wechatpy_apis_with_hard_coded_host_go_to_configured_base(client: MiniProgramClient) -> None:
    name = unique("dave")
    assert client.wxa.code_to_session(name)["openid"] == name


# --- failures -----------------------------------------------------------------------

def test_timeout_becomes_unavailable_within_the_configured_timeout(
        client: MiniProgramClient, arm_fault: Callable[..., None]) -> None:
    arm_fault("jscode2session", "timeout")
    started = time.monotonic()
    with pytest.raises(WeChatUnavailable):
        client.code_to_session(unique("erin"))
    assert time.monotonic() - started < 1 + 2  # WECHAT_TIMEOUT_SECONDS=1, plus margin


def test_system_busy_becomes_unavailable(client: MiniProgramClient,
                                         arm_fault: Callable[..., None]) -> None:
    arm_fault("jscode2session", "error")
    with pytest.raises(WeChatUnavailable):
        client.code_to_session(unique("frank"))


def test_token_endpoint_failure_becomes_unavailable(client: MiniProgramClient,
                                                    arm_fault: Callable[..., None]) -> None:
    arm_fault("stable_token", "error")
    with pytest.raises(WeChatUnavailable):
        client.get_phone_number("phone-13800138000")


def test_connection_refused_becomes_unavailable(make_client: MakeClient) -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_client(WECHAT_API_BASE=f"http://127.0.0.1:{port}/")
    with pytest.raises(WeChatUnavailable) as info:
        client.code_to_session("gina")
    assert "test-secret" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_timeout_is_capped_at_five_seconds(make_client: MakeClient) -> None:
    assert make_client(WECHAT_TIMEOUT_SECONDS=30).timeout == 5
    assert make_client(WECHAT_TIMEOUT_SECONDS=None).timeout == 5


# --- phone number, content check ------------------------------------------------------

def test_phone_number(client: MiniProgramClient) -> None:
    assert client.get_phone_number("phone-13800138000") == "13800138000"


def test_unknown_phone_code_is_rejected_with_40029(client: MiniProgramClient) -> None:
    with pytest.raises(WeChatAPIError) as info:
        client.get_phone_number("not-a-phone-code")
    assert info.value.errcode == 40029


def test_msg_sec_check_pass_and_risky(client: MiniProgramClient) -> None:
    assert client.msg_sec_check_v2("alice", "周六的康复活动几点开始？") == "pass"
    assert client.msg_sec_check_v2("alice", "这是违禁内容") == "risky"


# --- subscribe messages ---------------------------------------------------------------

def test_subscribe_message_is_sent_with_wrapped_values(client: MiniProgramClient,
                                                       fake: str) -> None:
    client.send_subscribe_message(
        "henry", "tpl-activity", {"thing1": "轮椅篮球体验", "time2": "2026-06-01 09:30"},
        page="pages/activity/detail?id=7", miniprogram_state="trial")

    items = requests.get(f"{fake}/_fake/messages", params={"touser": "henry"}, timeout=5).json()["items"]
    assert len(items) == 1
    message = items[0]
    assert message["template_id"] == "tpl-activity"
    assert message["page"] == "pages/activity/detail?id=7"
    assert message["miniprogram_state"] == "trial"
    assert message["data"] == {"thing1": {"value": "轮椅篮球体验"},
                               "time2": {"value": "2026-06-01 09:30"}}
    assert message["sent_at"]


def test_too_long_thing_is_rejected_with_47003(client: MiniProgramClient, fake: str) -> None:
    with pytest.raises(WeChatAPIError) as info:
        client.send_subscribe_message("ivy", "tpl-activity", {"thing1": "长" * 21},
                                      page=None, miniprogram_state="formal")
    assert info.value.errcode == 47003
    assert requests.get(f"{fake}/_fake/messages", timeout=5).json()["items"] == []


def test_refused_subscription_is_an_api_error(client: MiniProgramClient,
                                              arm_fault: Callable[..., None]) -> None:
    arm_fault("subscribe_send", "error", errcode=43101)
    with pytest.raises(WeChatAPIError) as info:
        client.send_subscribe_message("jack", "tpl-activity", {"thing1": "活动提醒"},
                                      page=None, miniprogram_state="formal")
    assert info.value.errcode == 43101


# --- access token -------------------------------------------------------------------

def test_stable_token_is_shared_by_two_clients(make_client: MakeClient) -> None:
    first, second = make_client(), make_client()
    assert isinstance(first.session, MemoryStorage)
    first.get_phone_number("phone-13800138000")
    second.get_phone_number("phone-13800138000")
    # Each fetched its own token; stable_token gave both the same, so neither broke the other.
    assert first.access_token == second.access_token
    first.get_phone_number("phone-13800138000")


def test_rejected_token_is_refreshed_once_and_the_call_retried(client: MiniProgramClient,
                                                               fake: str) -> None:
    old = client.access_token
    new = stable_token(fake, force_refresh=True)  # someone forced a refresh: `old` is dead
    assert client.msg_sec_check_v2("alice", "你好") == "pass"
    assert client.access_token == new != old


def test_redis_storage_shares_the_token_between_processes(
        make_client: MakeClient, redis_url: str, arm_fault: Callable[..., None]) -> None:
    first = make_client(REDIS_URL=redis_url)
    assert isinstance(first.session, SharedTokens)  # Redis first, memory while Redis is down
    first.get_phone_number("phone-13800138000")
    assert redis.Redis.from_url(redis_url).get("wechatpy:wx-test-app_access_token") is not None

    # A second worker finds the token in Redis: it must not need the token endpoint.
    arm_fault("stable_token", "error", times=5)
    second = make_client(REDIS_URL=redis_url)
    assert second.get_phone_number("phone-13800138000") == "13800138000"
    assert second.access_token == first.access_token
