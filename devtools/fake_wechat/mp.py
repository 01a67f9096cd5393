"""Fake of the mini-program half of api.weixin.qq.com (see API.md).

Same paths and JSON shapes as WeChat: errors are HTTP 200 with `errcode`/`errmsg`.
State lives in module-level dicts behind one lock; it is a single-process fake.
"""
import base64
import re
import secrets
import threading
import time
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from . import faults

bp = Blueprint("fake_mp", __name__)

TOKEN_TTL = 7200
FAULT_SLEEP_SECONDS = 10
# errmsg WeChat sends with the errcodes a fault may be armed with.
FAULT_MESSAGES = {-1: "system error", 43101: "user refuse to accept the msg"}

_lock = threading.Lock()
_used_codes: set[str] = set()
# appid -> (token, expires_at). getStableAccessToken and getAccessToken hand out
# isolated credentials on real WeChat: renewing one never invalidates the other.
_stable_tokens: dict[str, tuple[str, float]] = {}
_classic_tokens: dict[str, tuple[str, float]] = {}
_messages: list[dict[str, Any]] = []


def _error(errcode: int, errmsg: str) -> ResponseReturnValue:
    return jsonify({"errcode": errcode, "errmsg": errmsg})


def _fault(api: str) -> ResponseReturnValue | None:
    """Apply an armed fault: an error answer to return, or a sleep then None (answer normally)."""
    fault = faults.consume(api)
    if fault is None:
        return None
    if fault["mode"] == "timeout":
        time.sleep(FAULT_SLEEP_SECONDS)
        return None
    errcode = int(fault["errcode"] or -1)
    return _error(errcode, FAULT_MESSAGES.get(errcode, "system error"))


def _token_appid() -> str | None:
    """The appid the request's `access_token` was issued to, if it is still valid."""
    token = request.args.get("access_token", "")
    now = time.time()
    with _lock:
        for issued in (_stable_tokens, _classic_tokens):
            for appid, (value, expires_at) in issued.items():
                if token and value == token and expires_at > now:
                    return appid
    return None


def _invalid_token() -> ResponseReturnValue:
    return _error(40001, "invalid credential, access_token is invalid or not latest")


def _new_token() -> tuple[str, float]:
    return secrets.token_urlsafe(48), time.time() + TOKEN_TTL


def _token_response(token: str, expires_at: float) -> ResponseReturnValue:
    return jsonify({"access_token": token, "expires_in": max(int(expires_at - time.time()), 0)})


@bp.get("/sns/jscode2session")
def jscode2session() -> ResponseReturnValue:
    if (answer := _fault("jscode2session")) is not None:
        return answer
    args = request.args
    if not args.get("appid"):
        return _error(40013, "invalid appid")
    if not args.get("secret"):
        return _error(40125, "invalid appsecret")
    if args.get("grant_type") != "authorization_code":
        return _error(40002, "invalid grant_type")
    code = args.get("js_code", "")
    if not code or code.startswith("invalid"):
        return _error(40029, "invalid code")
    with _lock:
        if code in _used_codes:
            return _error(40163, "code been used")
        _used_codes.add(code)
    openid = code.split("#", 1)[0]
    return jsonify({
        "openid": openid,
        "unionid": f"u_{openid}",
        "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
    })


@bp.post("/cgi-bin/stable_token")
def stable_token() -> ResponseReturnValue:
    if (answer := _fault("stable_token")) is not None:
        return answer
    body = request.get_json(force=True, silent=True) or {}
    if body.get("grant_type") != "client_credential":
        return _error(40002, "invalid grant_type")
    appid, secret = body.get("appid"), body.get("secret")
    if not appid:
        return _error(40013, "invalid appid")
    if not secret:
        return _error(40125, "invalid appsecret")
    with _lock:
        current = _stable_tokens.get(appid)
        # Normal mode hands every caller the same token until it expires; only
        # force_refresh replaces it (and the old one stops working).
        if body.get("force_refresh") or current is None or current[1] <= time.time():
            current = _stable_tokens[appid] = _new_token()
    return _token_response(*current)


@bp.get("/cgi-bin/token")
def classic_token() -> ResponseReturnValue:
    args = request.args
    if args.get("grant_type") != "client_credential":
        return _error(40002, "invalid grant_type")
    if not args.get("appid"):
        return _error(40013, "invalid appid")
    if not args.get("secret"):
        return _error(40125, "invalid appsecret")
    with _lock:
        # Each call replaces the previous token: the reason the backend uses stable_token.
        issued = _classic_tokens[args["appid"]] = _new_token()
    return _token_response(*issued)


@bp.post("/wxa/business/getuserphonenumber")
def get_user_phone_number() -> ResponseReturnValue:
    if (answer := _fault("getuserphonenumber")) is not None:
        return answer
    appid = _token_appid()
    if appid is None:
        return _invalid_token()
    body = request.get_json(force=True, silent=True) or {}
    match = re.fullmatch(r"phone-(\d{11})", str(body.get("code", "")))
    if not match:
        return _error(40029, "invalid code")
    number = match.group(1)
    return jsonify({
        "errcode": 0,
        "errmsg": "ok",
        "phone_info": {
            "phoneNumber": number,
            "purePhoneNumber": number,
            "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": appid},
        },
    })


@bp.post("/wxa/msg_sec_check")
def msg_sec_check() -> ResponseReturnValue:
    if (answer := _fault("msg_sec_check")) is not None:
        return answer
    if _token_appid() is None:
        return _invalid_token()
    body = request.get_json(force=True, silent=True) or {}
    content = body.get("content")
    if (not isinstance(content, str) or body.get("version") != 2 or not body.get("openid")
            or body.get("scene") not in (1, 2, 3, 4)):
        return _error(47001, "data format error")
    risky = "违禁" in content
    suggest, label = ("risky", 20001) if risky else ("pass", 100)
    detail: dict[str, Any] = {"strategy": "content_model", "errcode": 0, "suggest": suggest,
                              "label": label, "prob": 90 if risky else 0}
    if risky:
        detail["keyword"] = "违禁"
    return jsonify({
        "errcode": 0,
        "errmsg": "ok",
        "result": {"suggest": suggest, "label": label},
        "detail": [detail],
        "trace_id": secrets.token_hex(16),
    })


def _data_value_valid(key: str, value: str) -> bool:
    """WeChat's per-type rules for subscribe message values (the key names the type)."""
    kind = key.rstrip("0123456789")
    if not value:
        return False
    if kind == "thing":
        return len(value) <= 20 and "\n" not in value and "\r" not in value
    if kind == "number":
        return len(value) <= 32 and re.fullmatch(r"\d+(\.\d+)?", value) is not None
    if kind == "character_string":
        return len(value) <= 32
    if kind == "phrase":
        return len(value) <= 5
    if kind == "name":
        return len(value) <= (20 if value.isascii() and value.isalpha() else 10)
    if kind in ("time", "date"):
        return len(value) <= 64
    return True


@bp.post("/cgi-bin/message/subscribe/send")
def subscribe_send() -> ResponseReturnValue:
    fault = faults.consume("subscribe_send")
    if fault is not None and fault["mode"] == "error":
        errcode = int(fault["errcode"] or -1)
        return _error(errcode, FAULT_MESSAGES.get(errcode, "system error"))
    answer = _subscribe_send()
    if fault is not None:
        # A timeout here is what real WeChat does when its answer is lost: the message is delivered
        # (recorded at once), and the answer comes later than any client waits for.
        time.sleep(FAULT_SLEEP_SECONDS)
    return answer


def _subscribe_send() -> ResponseReturnValue:
    if _token_appid() is None:
        return _invalid_token()
    body = request.get_json(force=True, silent=True) or {}
    if not body.get("touser"):
        return _error(40003, "invalid openid")
    if not body.get("template_id"):
        return _error(40037, "invalid template_id")
    state = body.get("miniprogram_state", "formal")
    if state not in ("developer", "trial", "formal"):
        return _error(47003, "argument invalid! miniprogram_state invalid")
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        return _error(47003, "argument invalid! data is empty")
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not _data_value_valid(key, value):
            return _error(47003, f"argument invalid! data.{key}.value invalid")
    message = {
        "touser": body["touser"],
        "template_id": body["template_id"],
        "page": body.get("page"),
        "data": data,
        "miniprogram_state": state,
        "sent_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with _lock:
        _messages.append(message)
    return _error(0, "ok")


@bp.get("/_fake/messages")
def list_messages() -> ResponseReturnValue:
    touser = request.args.get("touser")
    with _lock:
        items = [m for m in _messages if touser is None or m["touser"] == touser]
    return jsonify({"items": items})


@bp.delete("/_fake/messages")
def clear_messages() -> ResponseReturnValue:
    with _lock:
        _messages.clear()
    return jsonify({"ok": True})
