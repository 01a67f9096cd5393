"""WeChat Pay API v3 half of the fake (api.mch.weixin.qq.com), in "WeChat Pay public key" mode.

Speaks the real protocol so the backend's real client runs end to end:
- every `/v3/` call must carry a valid merchant `Authorization: WECHATPAY2-SHA256-RSA2048 ...`
  signature (checked with the merchant public key), else 401 SIGN_ERROR;
- every `/v3/` response is signed with the WeChat Pay private key and names the
  public key id in `Wechatpay-Serial`;
- notifies are signed the same way and carry an AES-256-GCM encrypted resource.

Control routes (`/_fake/pay/{prepay_id}/...`) let tests and demos play the payer.
State lives on the app (`app.extensions["fake_pay"]`), so two fakes in one process
do not share orders.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Blueprint, Response, current_app, jsonify, request

from backend.wechat.devkeys import ensure_keys

from . import faults

bp = Blueprint("fake_pay", __name__)

DEFAULT_KEYS_DIR = "instance/wechatpay"  # same default as `python -m devtools.fake_wechat`
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
MAX_CLOCK_SKEW = 300
REFUND_DELAY_SECONDS = 1.0
CST = timezone(timedelta(hours=8))

TRADE_STATE_DESC = {
    "NOTPAY": "订单未支付",
    "SUCCESS": "支付成功",
    "CLOSED": "订单已关闭",
    "REFUND": "转入退款",
}


@dataclass
class _Keys:
    mchid: str
    appid: str
    apiv3_key: str
    cert_serial_no: str
    public_key_id: str
    merchant_public: rsa.RSAPublicKey
    platform_private: rsa.RSAPrivateKey


@dataclass
class _State:
    keys: _Keys
    lock: threading.Lock = field(default_factory=threading.Lock)
    orders: dict[str, dict] = field(default_factory=dict)         # out_trade_no → order
    by_prepay: dict[str, str] = field(default_factory=dict)       # prepay_id → out_trade_no
    refunds: dict[str, dict] = field(default_factory=dict)        # out_refund_no → refund
    notifications: dict[str, dict] = field(default_factory=dict)  # prepay_id → last notify sent


_state_lock = threading.Lock()
# The fake must reach loopback receivers even when the environment sets a proxy.
_http = requests.Session()
_http.trust_env = False


# ---------------------------------------------------------------- state and keys

def _state() -> _State:
    with _state_lock:
        state = current_app.extensions.get("fake_pay")
        if state is None:
            state = _State(keys=_load_keys(current_app.config.get("FAKE_KEYS_DIR") or DEFAULT_KEYS_DIR))
            current_app.extensions["fake_pay"] = state
        return state


def _load_keys(keys_dir: str) -> _Keys:
    config = ensure_keys(keys_dir)
    with open(config["FAKE_MERCHANT_PUBLIC_KEY_PATH"], "rb") as f:
        merchant_public = serialization.load_pem_public_key(f.read())
    with open(config["FAKE_WECHATPAY_PRIVATE_KEY_PATH"], "rb") as f:
        platform_private = serialization.load_pem_private_key(f.read(), password=None)
    return _Keys(
        mchid=config["WECHATPAY_MCHID"],
        appid=config["WECHAT_APPID"],
        apiv3_key=config["WECHATPAY_APIV3_KEY"],
        cert_serial_no=config["WECHATPAY_CERT_SERIAL_NO"],
        public_key_id=config["WECHATPAY_PUBLIC_KEY_ID"],
        merchant_public=merchant_public,
        platform_private=platform_private,
    )


# ---------------------------------------------------------------- crypto helpers

def _nonce(length: int = 32) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def _rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def _signed_headers(keys: _Keys, body: bytes) -> dict[str, str]:
    """Wechatpay-* headers over `timestamp\\nnonce\\nbody\\n`, as WeChat Pay signs responses and notifies."""
    timestamp, nonce = str(int(time.time())), _nonce()
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": _rsa_sign(keys.platform_private, message),
        "Wechatpay-Serial": keys.public_key_id,
        "Wechatpay-Signature-Type": SIGNATURE_TYPE,
    }


def _encrypt_resource(keys: _Keys, original_type: str, associated_data: str, payload: dict) -> dict:
    nonce = _nonce(12)  # AEAD_AES_256_GCM with a 12-character nonce, as WeChat Pay sends
    plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    ciphertext = AESGCM(keys.apiv3_key.encode()).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return {
        "original_type": original_type,
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


_AUTH_RE = re.compile(r"^WECHATPAY2-SHA256-RSA2048\s+(.+)$")
_AUTH_PARAM_RE = re.compile(r'(\w+)="([^"]*)"')


def _check_merchant_signature(keys: _Keys) -> str | None:
    """Return why the request's Authorization is invalid, or None if it is valid."""
    match = _AUTH_RE.match(request.headers.get("Authorization", ""))
    if not match:
        return "Authorization 缺失或格式错误"
    params = dict(_AUTH_PARAM_RE.findall(match.group(1)))
    if params.get("mchid") != keys.mchid:
        return "商户号不匹配"
    if params.get("serial_no") != keys.cert_serial_no:
        return "商户证书序列号不匹配"
    try:
        timestamp = int(params.get("timestamp", ""))
    except ValueError:
        return "时间戳格式错误"
    if abs(time.time() - timestamp) > MAX_CLOCK_SKEW:
        return "时间戳过期"
    # The merchant signs the path with its query exactly as sent.
    uri = request.environ.get("RAW_URI") or request.full_path.rstrip("?")
    message = "%s\n%s\n%s\n%s\n" % (request.method, uri, params["timestamp"], params.get("nonce_str", ""))
    message_bytes = message.encode() + request.get_data() + b"\n"
    try:
        keys.merchant_public.verify(
            base64.b64decode(params.get("signature", "")), message_bytes, padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return "签名验证失败"
    return None


# ---------------------------------------------------------------- request/response plumbing

def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"code": code, "message": message}), status


def _fault(api: str) -> tuple[Response, int] | None:
    fault = faults.consume(api)
    if not fault:
        return None
    if fault["mode"] == "timeout":
        time.sleep(10)  # longer than any sane client timeout; then answer as normal
        return None
    return _error(500, "SYSTEM_ERROR", "系统错误")


@bp.before_request
def _authenticate():
    if not request.path.startswith("/v3/"):
        return None
    keys = _state().keys
    reason = _check_merchant_signature(keys)
    if reason:
        return _error(401, "SIGN_ERROR", reason)
    # In public-key mode the merchant names the key it holds; a wrong one is rejected.
    serial = request.headers.get("Wechatpay-Serial")
    if serial is not None and serial != keys.public_key_id:
        return _error(400, "INVALID_REQUEST", "Wechatpay-Serial 与微信支付公钥ID不匹配")
    return None


@bp.after_request
def _sign_response(response: Response) -> Response:
    if request.path.startswith("/v3/"):
        response.headers.update(_signed_headers(_state().keys, response.get_data()))
        response.headers["Request-ID"] = str(uuid.uuid4())
    return response


def _json_body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _now() -> datetime:
    return datetime.now(CST).replace(microsecond=0)


# ---------------------------------------------------------------- transactions

_PREPAY_FIELDS = ("appid", "mchid", "description", "out_trade_no", "time_expire", "notify_url", "amount", "payer")


@bp.post("/v3/pay/transactions/jsapi")
def jsapi():
    if (failed := _fault("pay_jsapi")) is not None:
        return failed
    state, body = _state(), _json_body()
    problem = _prepay_problem(state.keys, body)
    if problem:
        return problem
    request_fields = {name: body.get(name) for name in _PREPAY_FIELDS}
    with state.lock:
        order = state.orders.get(body["out_trade_no"])
        if order is not None:
            return _repeated_prepay(order, request_fields)
        prepay_id = "wx%s%s" % (_now().strftime("%d%H%M%S"), secrets.token_hex(13))
        state.orders[body["out_trade_no"]] = {
            "request": request_fields,
            "prepay_id": prepay_id,
            "trade_state": "NOTPAY",
            "transaction_id": None,
            "success_time": None,
        }
        state.by_prepay[prepay_id] = body["out_trade_no"]
    return jsonify({"prepay_id": prepay_id})


def _prepay_problem(keys: _Keys, body: dict) -> tuple[Response, int] | None:
    for name in ("appid", "mchid", "description", "out_trade_no", "notify_url"):
        if not isinstance(body.get(name), str) or not body[name]:
            return _error(400, "PARAM_ERROR", f"缺少参数 {name}")
    amount, payer = body.get("amount"), body.get("payer")
    if not isinstance(amount, dict) or not isinstance(amount.get("total"), int) or amount["total"] <= 0:
        return _error(400, "PARAM_ERROR", "amount.total 必须为正整数")
    if not isinstance(payer, dict) or not payer.get("openid"):
        return _error(400, "PARAM_ERROR", "缺少参数 payer.openid")
    if body["mchid"] != keys.mchid:
        return _error(400, "MCH_NOT_EXISTS", "商户号不存在")
    if body["appid"] != keys.appid:
        return _error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
    if body.get("time_expire") is not None and _parse_time(body["time_expire"]) is None:
        return _error(400, "PARAM_ERROR", "time_expire 格式错误")
    return None


def _repeated_prepay(order: dict, request_fields: dict):
    # WeChat Pay answers a retried prepay with the same prepay_id; a reused number is an error.
    if order["trade_state"] in ("SUCCESS", "REFUND"):
        return _error(400, "ORDERPAID", "该订单已支付")
    if order["trade_state"] == "CLOSED":
        return _error(400, "ORDER_CLOSED", "订单已关闭")
    if order["request"] != request_fields:
        return _error(400, "OUT_TRADE_NO_USED", "商户订单号重复")
    return jsonify({"prepay_id": order["prepay_id"]})


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None


def _transaction_view(order: dict) -> dict:
    req, state = order["request"], order["trade_state"]
    view = {
        "appid": req["appid"],
        "mchid": req["mchid"],
        "out_trade_no": req["out_trade_no"],
        "trade_state": state,
        "trade_state_desc": TRADE_STATE_DESC[state],
        "amount": {"total": req["amount"]["total"], "currency": req["amount"].get("currency") or "CNY"},
    }
    if order["transaction_id"]:
        view.update({
            "transaction_id": order["transaction_id"],
            "trade_type": "JSAPI",
            "bank_type": "OTHERS",
            "attach": "",
            "success_time": order["success_time"],
            "payer": {"openid": req["payer"]["openid"]},
        })
        view["amount"].update({"payer_total": req["amount"]["total"], "payer_currency": "CNY"})
    return view


@bp.get("/v3/pay/transactions/out-trade-no/<out_trade_no>")
def query(out_trade_no: str):
    if (failed := _fault("pay_query")) is not None:
        return failed
    state = _state()
    if request.args.get("mchid") != state.keys.mchid:
        return _error(400, "PARAM_ERROR", "mchid 参数错误")
    with state.lock:
        order = state.orders.get(out_trade_no)
        if order is None:
            return _error(404, "ORDER_NOT_EXIST", "订单不存在")
        return jsonify(_transaction_view(order))


@bp.post("/v3/pay/transactions/out-trade-no/<out_trade_no>/close")
def close(out_trade_no: str):
    if (failed := _fault("pay_close")) is not None:
        return failed
    state = _state()
    if _json_body().get("mchid") != state.keys.mchid:
        return _error(400, "PARAM_ERROR", "mchid 参数错误")
    with state.lock:
        order = state.orders.get(out_trade_no)
        if order is None:
            return _error(404, "ORDER_NOT_EXIST", "订单不存在")
        if order["trade_state"] in ("SUCCESS", "REFUND"):
            return _error(400, "ORDERPAID", "订单已支付")
        order["trade_state"] = "CLOSED"  # closing a closed order again is fine, as on WeChat
    return Response(status=204)


# ---------------------------------------------------------------- refunds

@bp.post("/v3/refund/domestic/refunds")
def create_refund():
    if (failed := _fault("pay_refund")) is not None:
        return failed
    state, body = _state(), _json_body()
    amount = body.get("amount")
    if not body.get("out_trade_no") or not body.get("out_refund_no") or not isinstance(amount, dict):
        return _error(400, "PARAM_ERROR", "缺少参数 out_trade_no、out_refund_no 或 amount")
    if not isinstance(amount.get("refund"), int) or not isinstance(amount.get("total"), int) or amount["refund"] <= 0:
        return _error(400, "PARAM_ERROR", "amount.refund、amount.total 必须为正整数")
    with state.lock:
        existing = state.refunds.get(body["out_refund_no"])
        if existing is not None:  # a retried refund request returns the same refund
            if existing["out_trade_no"] != body["out_trade_no"] or existing["refund"] != amount["refund"]:
                return _error(400, "INVALID_REQUEST", "退款单号重复")
            return jsonify(_refund_view(state, existing))
        order = state.orders.get(body["out_trade_no"])
        problem = _refund_problem(state, order, amount)
        if problem:
            return problem
        refund = {
            "out_refund_no": body["out_refund_no"],
            "out_trade_no": body["out_trade_no"],
            "refund_id": "50" + "".join(secrets.choice(string.digits) for _ in range(30)),
            "refund": amount["refund"],
            "reason": body.get("reason", ""),
            "status": "PROCESSING",
            "create_time": _now().isoformat(),
            "success_time": None,
            "notify_url": body.get("notify_url") or order["request"]["notify_url"],
        }
        state.refunds[refund["out_refund_no"]] = refund
        order["trade_state"] = "REFUND"
        view = _refund_view(state, refund)
    # Like WeChat Pay, settle asynchronously and tell the merchant by notify.
    threading.Thread(target=_finish_refund, args=(state, refund["out_refund_no"]), daemon=True).start()
    return jsonify(view)


def _refund_problem(state: _State, order: dict | None, amount: dict) -> tuple[Response, int] | None:
    if order is None:
        return _error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
    if order["trade_state"] not in ("SUCCESS", "REFUND"):
        return _error(400, "INVALID_REQUEST", "订单未支付，不能退款")
    total = order["request"]["amount"]["total"]
    if amount["total"] != total:
        return _error(400, "INVALID_REQUEST", "订单金额与退款请求中的订单金额不一致")
    refunded = sum(r["refund"] for r in state.refunds.values() if r["out_trade_no"] == order["request"]["out_trade_no"])
    if refunded + amount["refund"] > total:
        return _error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
    return None


def _refund_view(state: _State, refund: dict) -> dict:
    order = state.orders[refund["out_trade_no"]]
    total = order["request"]["amount"]["total"]
    view = {
        "refund_id": refund["refund_id"],
        "out_refund_no": refund["out_refund_no"],
        "transaction_id": order["transaction_id"],
        "out_trade_no": refund["out_trade_no"],
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "create_time": refund["create_time"],
        "status": refund["status"],
        "funds_account": "AVAILABLE",
        "amount": {
            "total": total, "refund": refund["refund"], "payer_total": total, "payer_refund": refund["refund"],
            "settlement_total": total, "settlement_refund": refund["refund"], "discount_refund": 0,
            "currency": "CNY", "refund_fee": 0,
        },
    }
    if refund["success_time"]:
        view["success_time"] = refund["success_time"]
    return view


def _finish_refund(state: _State, out_refund_no: str) -> None:
    time.sleep(REFUND_DELAY_SECONDS)
    with state.lock:
        refund = state.refunds[out_refund_no]
        refund["status"] = "SUCCESS"
        refund["success_time"] = _now().isoformat()
        order = state.orders[refund["out_trade_no"]]
        total = order["request"]["amount"]["total"]
        payload = {
            "mchid": state.keys.mchid,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": order["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": refund["refund_id"],
            "refund_status": "SUCCESS",
            "success_time": refund["success_time"],
            "user_received_account": "支付用户零钱",
            "amount": {"total": total, "refund": refund["refund"], "payer_total": total, "payer_refund": refund["refund"]},
        }
        prepay_id, url = order["prepay_id"], refund["notify_url"]
    _send_notify(state, prepay_id, url, "REFUND.SUCCESS", "退款成功", "refund", payload)


@bp.get("/v3/refund/domestic/refunds/<out_refund_no>")
def query_refund(out_refund_no: str):
    if (failed := _fault("pay_refund")) is not None:
        return failed
    state = _state()
    with state.lock:
        refund = state.refunds.get(out_refund_no)
        if refund is None:
            return _error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return jsonify(_refund_view(state, refund))


# ---------------------------------------------------------------- notifies

def _send_notify(state: _State, prepay_id: str, url: str, event_type: str, summary: str,
                 original_type: str, payload: dict, probe: bool = False) -> int | None:
    """POST a signed, encrypted notify to `url`; return the HTTP status answered (None if unreachable)."""
    body = json.dumps({
        "id": str(uuid.uuid4()),
        "create_time": _now().isoformat(),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": _encrypt_resource(state.keys, original_type, original_type, payload),
    }, ensure_ascii=False, separators=(",", ":"))
    headers = {"Content-Type": "application/json", **_signed_headers(state.keys, body.encode())}
    if probe:
        # WeChat Pay's signature probes: a signature that must fail verification.
        headers["Wechatpay-Signature"] = PROBE_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    else:
        with state.lock:
            state.notifications[prepay_id] = {"headers": headers, "body": body}
    try:
        return _http.post(url, data=body.encode(), headers=headers, timeout=5).status_code
    except requests.RequestException:
        return None


def _paid_order(state: _State, prepay_id: str) -> tuple[dict | None, tuple[Response, int] | None]:
    """Mark the order of `prepay_id` paid (idempotent); return it or an error response."""
    with state.lock:
        out_trade_no = state.by_prepay.get(prepay_id)
        if out_trade_no is None:
            return None, _error(404, "ORDER_NOT_EXIST", "prepay_id 不存在")
        order = state.orders[out_trade_no]
        if order["trade_state"] == "CLOSED":
            return None, _error(409, "ORDER_CLOSED", "订单已关闭")
        if order["trade_state"] == "NOTPAY":
            expires = _parse_time(order["request"].get("time_expire") or "")
            if expires is not None and expires < datetime.now(timezone.utc):
                return None, _error(409, "ORDER_EXPIRED", "订单已过期，无法支付")
            order["trade_state"] = "SUCCESS"
            order["transaction_id"] = "42" + _now().strftime("%Y%m%d") + "".join(secrets.choice(string.digits) for _ in range(18))
            order["success_time"] = _now().isoformat()
        return _transaction_view(order), None


@bp.post("/_fake/pay/<prepay_id>/succeed")
def succeed(prepay_id: str):
    state = _state()
    transaction, problem = _paid_order(state, prepay_id)
    if problem:
        return problem
    if request.args.get("notify", "true").lower() in ("false", "0", "no"):
        return jsonify({"status": None, "notified": False})
    # Sent synchronously (outside the lock: the backend may query us back while handling it).
    url = state.orders[transaction["out_trade_no"]]["request"]["notify_url"]
    status = _send_notify(state, prepay_id, url, "TRANSACTION.SUCCESS", "支付成功", "transaction", transaction)
    return jsonify({"status": status, "notified": status is not None})


@bp.post("/_fake/pay/<prepay_id>/probe")
def probe(prepay_id: str):
    state = _state()
    with state.lock:
        out_trade_no = state.by_prepay.get(prepay_id)
        if out_trade_no is None:
            return _error(404, "ORDER_NOT_EXIST", "prepay_id 不存在")
        order = state.orders[out_trade_no]
        transaction, url = _transaction_view(order), order["request"]["notify_url"]
    status = _send_notify(state, prepay_id, url, "TRANSACTION.SUCCESS", "支付成功", "transaction", transaction, probe=True)
    return jsonify({"status": status})


@bp.get("/_fake/pay/<prepay_id>/notification")
def last_notification(prepay_id: str):
    state = _state()
    with state.lock:
        sent = state.notifications.get(prepay_id)
    if sent is None:
        return _error(404, "NOT_FOUND", "尚未发送通知")
    return jsonify(sent)
