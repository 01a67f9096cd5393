"""WeChat Pay API v3 client for the café, on `wechatpayv3` in "WeChat Pay public key" mode.

What it adds to the library:
- the gateway comes from config (`WECHATPAY_API_BASE`), so the loopback fake works;
- every failure becomes `WeChatUnavailable` (network, timeout, 5xx, unverifiable
  response) or `WeChatAPIError(code, message)` (4xx); nothing else escapes;
- `parse_notify` does the checks the library leaves out: the serial must be our
  public key id, probe signatures are refused, and the timestamp must be within
  5 minutes.

Checking appid/mchid/amount of a notify against our own order is the café's job.
"""
from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping

import requests
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.utils import aes_decrypt, load_public_key, rsa_verify

from .errors import WeChatAPIError, WeChatUnavailable

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.mch.weixin.qq.com"
DEFAULT_TIMEOUT_SECONDS = 5.0
MAX_TIMEOUT_SECONDS = 5.0  # a café customer is waiting on the other end
NOTIFY_MAX_SKEW = timedelta(minutes=5)
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
CST = timezone(timedelta(hours=8))


class InvalidNotify(Exception):
    """A notify that must not be trusted; `reason` says why (for logs, never for the caller)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PayClient:
    def __init__(self, *, appid: str, mchid: str, cert_serial_no: str, private_key_pem: str,
                 apiv3_key: str, public_key_pem: str, public_key_id: str, notify_url: str,
                 api_base: str = DEFAULT_API_BASE, timeout: float = DEFAULT_TIMEOUT_SECONDS):
        self._appid = appid
        self._mchid = mchid
        self._apiv3_key = apiv3_key
        self._public_key_id = public_key_id
        self._public_key = load_public_key(public_key_pem)
        self._notify_url = notify_url
        # Public-key mode: the library needs no platform certificates and makes no call here.
        self._pay = WeChatPay(
            wechatpay_type=WeChatPayType.MINIPROG,
            mchid=mchid,
            private_key=private_key_pem,
            cert_serial_no=cert_serial_no,
            appid=appid,
            apiv3_key=apiv3_key,
            notify_url=notify_url,
            timeout=min(float(timeout), MAX_TIMEOUT_SECONDS),
            public_key=public_key_pem,
            public_key_id=public_key_id,
        )
        # wechatpayv3 2.0.4 has no constructor argument for the host; every request is
        # built from `Core._gate_way`, so this one attribute redirects all of them.
        self._pay._core._gate_way = api_base.rstrip("/")

    @classmethod
    def from_config(cls, config: Mapping) -> "PayClient":
        return cls(
            appid=config["WECHAT_APPID"],
            mchid=config["WECHATPAY_MCHID"],
            cert_serial_no=config["WECHATPAY_CERT_SERIAL_NO"],
            private_key_pem=_read(config["WECHATPAY_PRIVATE_KEY_PATH"]),
            apiv3_key=config["WECHATPAY_APIV3_KEY"],
            public_key_pem=_read(config["WECHATPAY_PUBLIC_KEY_PATH"]),
            public_key_id=config["WECHATPAY_PUBLIC_KEY_ID"],
            notify_url=config["WECHATPAY_NOTIFY_URL"],
            api_base=config.get("WECHATPAY_API_BASE") or DEFAULT_API_BASE,
            timeout=float(config.get("WECHATPAY_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS),
        )

    # ------------------------------------------------------------ API calls

    def prepay_jsapi(self, *, out_trade_no: str, description: str, total_fen: int, openid: str,
                     time_expire: datetime) -> str:
        """Create the JSAPI (mini-program) order; return its prepay_id. Safe to retry with the same arguments."""
        if time_expire.tzinfo is None:
            raise ValueError("time_expire must be timezone-aware")
        status, data = self._call(
            self._pay.pay,
            description=description,
            out_trade_no=out_trade_no,
            amount={"total": total_fen, "currency": "CNY"},
            payer={"openid": openid},
            # RFC 3339 in Beijing time, the form WeChat Pay documents.
            time_expire=time_expire.astimezone(CST).isoformat(timespec="seconds"),
            notify_url=self._notify_url,
        )
        self._raise_for(status, data)
        prepay_id = data.get("prepay_id")
        if not prepay_id:
            raise WeChatUnavailable("prepay answer without prepay_id")
        return prepay_id

    def payment_params(self, prepay_id: str) -> dict:
        """Parameters for `wx.requestPayment`, signed with the merchant key (no network)."""
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        pay_sign = self._pay.sign([self._appid, timestamp, nonce, package])
        return {"timeStamp": timestamp, "nonceStr": nonce, "package": package, "signType": "RSA", "paySign": pay_sign}

    def query(self, out_trade_no: str) -> dict | None:
        """The transaction as WeChat Pay sees it, or None if WeChat Pay has no such order."""
        status, data = self._call(self._pay.query, out_trade_no=out_trade_no)
        if status == 404 and data.get("code") == "ORDER_NOT_EXIST":
            return None
        self._raise_for(status, data)
        return data

    def close(self, out_trade_no: str) -> None:
        status, data = self._call(self._pay.close, out_trade_no=out_trade_no)
        self._raise_for(status, data)

    def refund(self, *, out_trade_no: str, out_refund_no: str, refund_fen: int, total_fen: int, reason: str) -> dict:
        """Apply for a refund; the answer is usually PROCESSING and a REFUND.* notify follows."""
        status, data = self._call(
            self._pay.refund,
            out_refund_no=out_refund_no,
            amount={"refund": refund_fen, "total": total_fen, "currency": "CNY"},
            out_trade_no=out_trade_no,
            reason=reason,
            notify_url=self._notify_url,
        )
        self._raise_for(status, data)
        return data

    def _call(self, method: Callable[..., tuple[int, Any]], **kwargs: Any) -> tuple[int, dict]:
        """Run one library call; turn transport and verification failures into WeChatUnavailable."""
        try:
            status, text = method(**kwargs)
        except requests.RequestException as exc:
            raise WeChatUnavailable(f"WeChat Pay unreachable: {exc.__class__.__name__}") from exc
        except Exception as exc:  # the library raises bare Exception, e.g. when a response signature fails
            log.error("WeChat Pay call %s failed: %s", getattr(method, "__name__", method), exc)
            raise WeChatUnavailable(f"WeChat Pay call failed: {exc}") from exc
        return status, _json_object(text)

    @staticmethod
    def _raise_for(status: int, data: dict) -> None:
        if 200 <= status < 300:
            return
        if status >= 500 or status < 400:
            raise WeChatUnavailable(f"WeChat Pay HTTP {status}: {data.get('code', '')}")
        raise WeChatAPIError(str(data.get("code") or f"HTTP_{status}"), str(data.get("message") or ""))

    # ------------------------------------------------------------ notifies

    def parse_notify(self, headers: Mapping[str, str], body: bytes, now: datetime | None = None) -> dict:
        """Verify and decrypt a notify from the raw body; return {event_type, id, resource}.

        Raises InvalidNotify for anything not provably sent by WeChat Pay just now.
        """
        h = {str(k).lower(): str(v) for k, v in headers.items()}
        signature = h.get("wechatpay-signature", "")
        timestamp = h.get("wechatpay-timestamp", "")
        nonce = h.get("wechatpay-nonce", "")
        serial = h.get("wechatpay-serial", "")
        if not (signature and timestamp and nonce and serial):
            raise InvalidNotify("missing Wechatpay-* headers")
        if signature.startswith(PROBE_PREFIX):
            raise InvalidNotify("signature probe")
        # Only our public key is trusted; the library would go and fetch platform certificates.
        if serial != self._public_key_id:
            raise InvalidNotify(f"unknown Wechatpay-Serial {serial}")
        if h.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
            raise InvalidNotify("unsupported signature type")
        self._check_timestamp(timestamp, now)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidNotify("body is not UTF-8") from None
        # The signature covers the raw body; verify before parsing anything.
        if not rsa_verify(timestamp, nonce, text, signature, self._public_key):
            raise InvalidNotify("bad signature")
        return {**self._envelope(text), "resource": self._decrypt(text)}

    @staticmethod
    def _check_timestamp(timestamp: str, now: datetime | None) -> None:
        try:
            sent = datetime.fromtimestamp(int(timestamp), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InvalidNotify("bad Wechatpay-Timestamp") from None
        current = now or datetime.now(timezone.utc)
        if current.tzinfo is None:
            current = current.replace(tzinfo=timezone.utc)
        # Replays of an old, correctly signed notify are refused.
        if abs(current - sent) > NOTIFY_MAX_SKEW:
            raise InvalidNotify("stale Wechatpay-Timestamp")

    @staticmethod
    def _envelope(text: str) -> dict:
        try:
            data = json.loads(text)
        except ValueError:
            raise InvalidNotify("body is not JSON") from None
        if not isinstance(data, dict) or not data.get("event_type") or not data.get("id"):
            raise InvalidNotify("not a notify")
        return {"event_type": data["event_type"], "id": data["id"]}

    def _decrypt(self, text: str) -> dict:
        data = json.loads(text)
        resource = data.get("resource")
        if data.get("resource_type") != "encrypt-resource" or not isinstance(resource, dict):
            raise InvalidNotify("resource is not encrypt-resource")
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise InvalidNotify("unsupported resource algorithm")
        try:
            plain = aes_decrypt(
                nonce=resource["nonce"],
                ciphertext=resource["ciphertext"],
                associated_data=resource.get("associated_data") or "",
                apiv3_key=self._apiv3_key,
            )
        except (KeyError, TypeError, ValueError):
            plain = None
        if plain is None:  # aes_decrypt returns None on a wrong tag (tampering or a wrong APIv3 key)
            raise InvalidNotify("resource does not decrypt")
        try:
            decrypted = json.loads(plain)
        except ValueError:
            raise InvalidNotify("resource is not JSON") from None
        if not isinstance(decrypted, dict):
            raise InvalidNotify("resource is not an object")
        return decrypted


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _json_object(text: Any) -> dict:
    """The library returns text for JSON answers and bytes otherwise (e.g. an empty 204)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not text or not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {"message": text[:200]}
    return data if isinstance(data, dict) else {}
