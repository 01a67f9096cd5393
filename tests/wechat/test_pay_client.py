"""PayClient against the real fake over HTTP, with a tiny notify receiver.

The fixtures live here (not in tests/wechat/conftest.py, which belongs to the
mini-program client's tests).
"""
from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from backend.wechat.errors import WeChatAPIError, WeChatUnavailable
from backend.wechat.pay import InvalidNotify, PayClient
from devtools.fake_wechat.server import running_fake
from backend.wechat.devkeys import ensure_keys


# ---------------------------------------------------------------- fixtures

@dataclass
class Receiver:
    """Stands in for our notify route: records what arrived and what parse_notify made of it."""
    url: str
    client: PayClient | None = None
    received: list[dict] = field(default_factory=list)

    def wait_for(self, event_type: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in list(self.received):
                if entry.get("parsed", {}).get("event_type") == event_type:
                    return entry
            time.sleep(0.05)
        raise AssertionError(f"no {event_type} notify within {timeout}s; got {self.received}")


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("wechatpay"))


@pytest.fixture(scope="module")
def keys(keys_dir) -> dict:
    return ensure_keys(keys_dir)


@pytest.fixture(scope="module")
def fake(keys_dir) -> Iterator[str]:
    with running_fake(keys_dir) as base:
        yield base


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    app = Flask("notify_receiver")
    box = Receiver(url="")

    @app.post("/notify")
    def notify():
        raw = request.get_data()
        entry: dict = {"headers": dict(request.headers), "body": raw}
        try:
            entry["parsed"] = box.client.parse_notify(request.headers, raw)
        except InvalidNotify as exc:
            entry["error"] = exc.reason
        box.received.append(entry)
        if "error" in entry:
            return jsonify({"code": "FAIL", "message": entry["error"]}), 400
        return "", 204

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_port}/notify"
    try:
        yield box
    finally:
        server.shutdown()
        thread.join(5)


def _config(keys: dict, fake: str, notify_url: str, **overrides) -> dict:
    return {**keys, "WECHATPAY_API_BASE": fake, "WECHATPAY_NOTIFY_URL": notify_url, **overrides}


@pytest.fixture(scope="module")
def client(keys, fake, receiver) -> PayClient:
    receiver.client = PayClient.from_config(_config(keys, fake, receiver.url))
    return receiver.client


@pytest.fixture(autouse=True)
def _clean(fake, receiver) -> Iterator[None]:
    receiver.received.clear()
    yield
    requests.delete(f"{fake}/_fake/faults", timeout=5)


def _trade_no() -> str:
    return "T" + uuid.uuid4().hex[:20]


def _prepay(client: PayClient, out_trade_no: str, total_fen: int = 1800) -> str:
    return client.prepay_jsapi(
        out_trade_no=out_trade_no, description="手语咖啡-拿铁", total_fen=total_fen, openid="o-alice",
        time_expire=datetime.now(timezone.utc) + timedelta(minutes=15),
    )


def _succeed(fake: str, prepay_id: str, notify: bool = True) -> dict:
    url = f"{fake}/_fake/pay/{prepay_id}/succeed" + ("" if notify else "?notify=false")
    response = requests.post(url, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _paid_notification(client: PayClient, fake: str) -> tuple[dict, bytes]:
    """A genuine TRANSACTION.SUCCESS notify (headers, raw body), taken from the fake for replay."""
    prepay_id = _prepay(client, _trade_no())
    _succeed(fake, prepay_id)
    sent = requests.get(f"{fake}/_fake/pay/{prepay_id}/notification", timeout=5).json()
    return sent["headers"], sent["body"].encode("utf-8")


def _sign_as_wechatpay(keys: dict, headers: dict, body: bytes) -> dict:
    """Re-sign `body` with the fake's WeChat Pay private key (to test checks past the signature)."""
    with open(keys["FAKE_WECHATPAY_PRIVATE_KEY_PATH"], "rb") as f:
        private = serialization.load_pem_private_key(f.read(), password=None)
    message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
    signature = base64.b64encode(private.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    return {**headers, "Wechatpay-Signature": signature}


def _arm(fake: str, api: str, mode: str) -> None:
    response = requests.post(f"{fake}/_fake/faults", json={"api": api, "mode": mode, "times": 1}, timeout=5)
    assert response.status_code == 200, response.text


# ---------------------------------------------------------------- keys

def test_ensure_keys_is_stable(keys_dir, keys):
    assert ensure_keys(keys_dir) == keys
    assert keys["WECHATPAY_MCHID"] == "1900000109"
    assert keys["WECHAT_APPID"] == "wxfake0000000000"
    assert len(keys["WECHATPAY_APIV3_KEY"]) == 32 and keys["WECHATPAY_APIV3_KEY"].isascii()
    assert keys["WECHATPAY_PUBLIC_KEY_ID"].startswith("PUB_KEY_ID_0000")


# ---------------------------------------------------------------- prepay and payment parameters

def test_prepay_is_idempotent_and_payment_params_verify(client, keys):
    out_trade_no = _trade_no()
    expires = datetime.now(timezone.utc) + timedelta(minutes=15)
    args = dict(out_trade_no=out_trade_no, description="手语咖啡", total_fen=1200, openid="o-alice", time_expire=expires)
    prepay_id = client.prepay_jsapi(**args)
    assert prepay_id.startswith("wx")
    assert client.prepay_jsapi(**args) == prepay_id  # a retry gets the same prepay_id

    params = client.payment_params(prepay_id)
    assert params["package"] == f"prepay_id={prepay_id}"
    assert params["signType"] == "RSA"
    message = f"{keys['WECHAT_APPID']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    with open(keys["FAKE_MERCHANT_PUBLIC_KEY_PATH"], "rb") as f:
        merchant_public = serialization.load_pem_public_key(f.read())
    merchant_public.verify(base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_reused_out_trade_no_with_other_amount_is_an_api_error(client):
    out_trade_no = _trade_no()
    _prepay(client, out_trade_no, total_fen=1000)
    with pytest.raises(WeChatAPIError) as err:
        _prepay(client, out_trade_no, total_fen=2000)
    assert err.value.errcode == "OUT_TRADE_NO_USED"


def test_naive_time_expire_is_refused(client):
    with pytest.raises(ValueError):
        client.prepay_jsapi(out_trade_no=_trade_no(), description="x", total_fen=1, openid="o",
                            time_expire=datetime.now() + timedelta(minutes=15))


# ---------------------------------------------------------------- paying, querying, closing

def test_paid_notify_verifies_and_decrypts_then_query_shows_success(client, fake, receiver, keys):
    out_trade_no = _trade_no()
    prepay_id = _prepay(client, out_trade_no, total_fen=1800)
    assert client.query(out_trade_no)["trade_state"] == "NOTPAY"

    assert _succeed(fake, prepay_id)["status"] == 204  # what our receiver answered

    [entry] = receiver.received
    notify = entry["parsed"]
    assert notify["event_type"] == "TRANSACTION.SUCCESS"
    assert notify["id"]
    resource = notify["resource"]
    assert resource["out_trade_no"] == out_trade_no
    assert resource["trade_state"] == "SUCCESS"
    assert resource["amount"]["total"] == 1800 and resource["amount"]["payer_total"] == 1800
    assert resource["appid"] == keys["WECHAT_APPID"] and resource["mchid"] == keys["WECHATPAY_MCHID"]
    assert resource["payer"]["openid"] == "o-alice"

    transaction = client.query(out_trade_no)
    assert transaction["trade_state"] == "SUCCESS"
    assert transaction["transaction_id"] == resource["transaction_id"]
    assert transaction["amount"]["payer_total"] == 1800


def test_paid_without_notify_is_found_by_query(client, fake, receiver):
    out_trade_no = _trade_no()
    prepay_id = _prepay(client, out_trade_no)
    assert _succeed(fake, prepay_id, notify=False)["status"] is None
    assert receiver.received == []
    transaction = client.query(out_trade_no)
    assert transaction["trade_state"] == "SUCCESS"
    assert transaction["success_time"]


def test_query_of_unknown_order_is_none(client):
    assert client.query(_trade_no()) is None


def test_close_unpaid_then_paid_order(client, fake):
    out_trade_no = _trade_no()
    _prepay(client, out_trade_no)
    client.close(out_trade_no)
    assert client.query(out_trade_no)["trade_state"] == "CLOSED"

    paid = _trade_no()
    _succeed(fake, _prepay(client, paid), notify=False)
    with pytest.raises(WeChatAPIError) as err:
        client.close(paid)
    assert err.value.errcode == "ORDERPAID"


def test_close_unknown_order_is_an_api_error(client):
    with pytest.raises(WeChatAPIError) as err:
        client.close(_trade_no())
    assert err.value.errcode == "ORDER_NOT_EXIST"


# ---------------------------------------------------------------- refunds

def test_refund_is_processing_then_success_notify_arrives(client, fake, receiver):
    out_trade_no, out_refund_no = _trade_no(), "R" + uuid.uuid4().hex[:20]
    _succeed(fake, _prepay(client, out_trade_no, total_fen=1800), notify=False)

    refund = client.refund(out_trade_no=out_trade_no, out_refund_no=out_refund_no,
                           refund_fen=1800, total_fen=1800, reason="顾客取消")
    assert refund["status"] == "PROCESSING"
    assert refund["out_refund_no"] == out_refund_no

    entry = receiver.wait_for("REFUND.SUCCESS", timeout=5)
    resource = entry["parsed"]["resource"]
    assert resource["out_trade_no"] == out_trade_no
    assert resource["out_refund_no"] == out_refund_no
    assert resource["refund_status"] == "SUCCESS"
    assert resource["amount"]["refund"] == 1800
    assert client.query(out_trade_no)["trade_state"] == "REFUND"


def test_refund_of_unpaid_order_is_an_api_error(client):
    out_trade_no = _trade_no()
    _prepay(client, out_trade_no)
    with pytest.raises(WeChatAPIError):
        client.refund(out_trade_no=out_trade_no, out_refund_no="R" + uuid.uuid4().hex[:20],
                      refund_fen=100, total_fen=1800, reason="x")


# ---------------------------------------------------------------- notify verification

def test_replayed_genuine_notify_parses(client, fake):
    headers, body = _paid_notification(client, fake)
    assert client.parse_notify(headers, body)["event_type"] == "TRANSACTION.SUCCESS"
    # Header names are case-insensitive, as they are over HTTP.
    lower = {k.lower(): v for k, v in headers.items()}
    assert client.parse_notify(lower, body)["resource"]["trade_state"] == "SUCCESS"


def test_tampered_body_is_rejected(client, fake):
    headers, body = _paid_notification(client, fake)
    tampered = body.replace(b'"summary":"', b'"summary":"x', 1)
    assert tampered != body
    with pytest.raises(InvalidNotify, match="bad signature"):
        client.parse_notify(headers, tampered)


def test_wrong_signature_is_rejected(client, fake):
    headers, body = _paid_notification(client, fake)
    other_headers, _ = _paid_notification(client, fake)
    forged = {**headers, "Wechatpay-Signature": other_headers["Wechatpay-Signature"]}
    with pytest.raises(InvalidNotify, match="bad signature"):
        client.parse_notify(forged, body)


def test_probe_signature_is_rejected(client, fake, receiver):
    prepay_id = _prepay(client, _trade_no())
    answered = requests.post(f"{fake}/_fake/pay/{prepay_id}/probe", timeout=10).json()
    assert answered["status"] == 400
    [entry] = receiver.received
    assert entry["error"] == "signature probe"


def test_stale_timestamp_is_rejected(client, fake):
    headers, body = _paid_notification(client, fake)
    with pytest.raises(InvalidNotify, match="stale"):
        client.parse_notify(headers, body, now=datetime.now(timezone.utc) + timedelta(minutes=6))
    with pytest.raises(InvalidNotify, match="stale"):
        client.parse_notify(headers, body, now=datetime.now(timezone.utc) - timedelta(minutes=6))
    # Within five minutes is fine.
    assert client.parse_notify(headers, body, now=datetime.now(timezone.utc) + timedelta(minutes=4))


def test_wrong_serial_is_rejected(client, fake):
    headers, body = _paid_notification(client, fake)
    with pytest.raises(InvalidNotify, match="(?i)serial"):
        client.parse_notify({**headers, "Wechatpay-Serial": "PUB_KEY_ID_0000999999"}, body)
    # A platform-certificate serial is refused too, without fetching certificates.
    with pytest.raises(InvalidNotify, match="(?i)serial"):
        client.parse_notify({**headers, "Wechatpay-Serial": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"}, body)


def test_missing_headers_are_rejected(client, fake):
    headers, body = _paid_notification(client, fake)
    with pytest.raises(InvalidNotify, match="missing"):
        client.parse_notify({k: v for k, v in headers.items() if k != "Wechatpay-Nonce"}, body)


def test_undecryptable_resource_is_rejected_even_if_signed(client, fake, keys):
    headers, body = _paid_notification(client, fake)
    data = json.loads(body)
    data["resource"]["associated_data"] = "refund"  # wrong AAD: the GCM tag no longer matches
    forged_body = json.dumps(data, ensure_ascii=False).encode()
    with pytest.raises(InvalidNotify, match="decrypt"):
        client.parse_notify(_sign_as_wechatpay(keys, headers, forged_body), forged_body)


# ---------------------------------------------------------------- failures

@pytest.mark.parametrize("api", ["pay_jsapi", "pay_query", "pay_close", "pay_refund"])
def test_upstream_error_is_unavailable(client, fake, api):
    out_trade_no = _trade_no()
    if api != "pay_jsapi":
        _succeed(fake, _prepay(client, out_trade_no), notify=False)
    _arm(fake, api, "error")
    calls = {
        "pay_jsapi": lambda: _prepay(client, out_trade_no),
        "pay_query": lambda: client.query(out_trade_no),
        "pay_close": lambda: client.close(out_trade_no),
        "pay_refund": lambda: client.refund(out_trade_no=out_trade_no, out_refund_no="R" + uuid.uuid4().hex[:20],
                                            refund_fen=1, total_fen=1800, reason="x"),
    }
    with pytest.raises(WeChatUnavailable):
        calls[api]()


def test_timeout_is_unavailable(keys, fake, receiver):
    impatient = PayClient.from_config(_config(keys, fake, receiver.url, WECHATPAY_TIMEOUT_SECONDS=1))
    _arm(fake, "pay_query", "timeout")
    started = time.monotonic()
    with pytest.raises(WeChatUnavailable):
        impatient.query(_trade_no())
    assert time.monotonic() - started < 5


def test_unreachable_gateway_is_unavailable(keys, receiver):
    nowhere = PayClient.from_config(_config(keys, "http://127.0.0.1:9", receiver.url))
    with pytest.raises(WeChatUnavailable):
        nowhere.query(_trade_no())


def test_wrong_merchant_key_gets_sign_error(keys, fake, receiver, tmp_path):
    other = ensure_keys(str(tmp_path / "other"))
    impostor = PayClient.from_config(_config(
        keys, fake, receiver.url, WECHATPAY_PRIVATE_KEY_PATH=other["WECHATPAY_PRIVATE_KEY_PATH"]))
    with pytest.raises(WeChatAPIError) as err:
        impostor.query(_trade_no())
    assert err.value.errcode == "SIGN_ERROR"


def test_response_not_signed_by_our_wechatpay_key_is_unavailable(client, keys, fake, receiver, tmp_path):
    out_trade_no = _trade_no()
    _prepay(client, out_trade_no)
    other = ensure_keys(str(tmp_path / "other"))
    # Same merchant, but it trusts another WeChat Pay public key: the fake's answers do not verify.
    suspicious = PayClient.from_config(_config(
        keys, fake, receiver.url, WECHATPAY_PUBLIC_KEY_PATH=other["WECHATPAY_PUBLIC_KEY_PATH"]))
    with pytest.raises(WeChatUnavailable):
        suspicious.query(out_trade_no)
