"""Mini-program server API client: a small wechatpy subclass.

What it adds to wechatpy 1.8.18: a configurable API base (the loopback fake in
development), the access token from `cgi-bin/stable_token` (so workers never
invalidate each other's token), a timeout on every call, the APIs 1.8.18 lacks,
and only our error types escaping: `WeChatAPIError`, and `WeChatUnavailable` (WeChat answered that
it failed: HTTP 5xx, system busy) with its two transport cases, `WeChatNotSent` (nothing reached
WeChat) and `WeChatOutcomeUnknown` (the request went out and its answer was lost; errors.py). The token is shared through Redis when there is one, and
fetched directly when Redis is down (token_storage.py).

Nothing here logs or puts into an exception a query string (it carries the token
or the app secret), a session_key, a phone number or a token.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import requests
from urllib3.exceptions import MaxRetryError
from wechatpy import WeChatClient
from wechatpy.session import SessionStorage

from ..redis_gate import RedisGate
from .errors import WeChatAPIError, WeChatError, WeChatNotSent, WeChatOutcomeUnknown, WeChatUnavailable
from .token_storage import SharedTokens

logger = logging.getLogger(__name__)

REAL_API_BASE = "https://api.weixin.qq.com/"
MAX_TIMEOUT_SECONDS = 5.0
SYSTEM_BUSY = -1
# Invalid credential, invalid token, expired token: worth one refresh and retry.
TOKEN_REJECTED = frozenset({40001, 40014, 42001})
# Keep the shared token out of storage a minute before WeChat drops it, so no
# process picks up a token that dies in flight.
TOKEN_EXPIRY_MARGIN = 60
TOKEN_UNAVAILABLE = "access token unavailable"


class MiniProgramClient(WeChatClient):
    def __init__(self, appid: str, secret: str, *, api_base: str = REAL_API_BASE,
                 timeout: float = MAX_TIMEOUT_SECONDS, session: SessionStorage | None = None):
        timeout = min(float(timeout), MAX_TIMEOUT_SECONDS)
        # Our own _request retries once on a rejected token; wechatpy's retries forever.
        super().__init__(appid, secret, session=session, timeout=timeout,
                         auto_retry=False)
        self.api_base = api_base.rstrip("/") + "/"
        # wechatpy joins relative endpoints to this (its default is the real host).
        self.API_BASE_URL = self.api_base + "cgi-bin/"

    @classmethod
    def from_config(cls, config: Mapping, redis_gate: RedisGate | None = None) -> "MiniProgramClient":
        session: SessionStorage | None = None
        if redis_gate is None and config.get("REDIS_URL"):
            redis_gate = RedisGate.from_url(config["REDIS_URL"], float(config.get("REDIS_SOCKET_TIMEOUT", 0.5)),
                                            float(config.get("REDIS_RETRY_SECONDS", 5)))
        if redis_gate is not None:
            # Shared across worker processes: one token for all of them (memory while Redis is down).
            session = SharedTokens(redis_gate)
        return cls(
            config["WECHAT_APPID"],
            config["WECHAT_APPSECRET"],
            api_base=config.get("WECHAT_API_BASE") or REAL_API_BASE,
            timeout=float(config.get("WECHAT_TIMEOUT_SECONDS") or MAX_TIMEOUT_SECONDS),
            session=session,
        )

    # --- the APIs the backend uses -------------------------------------------------

    def code_to_session(self, js_code: str) -> dict:
        """`wx.login` code → {openid, session_key, unionid?}. Each code works once."""
        result = self._json(self.get(
            "sns/jscode2session",
            api_base_url=self.api_base,
            params={"appid": self.appid, "secret": self.secret, "js_code": js_code,
                    "grant_type": "authorization_code"},
            with_token=False,
        ))
        session = {"openid": _pick(result, "openid"), "session_key": _pick(result, "session_key")}
        if result.get("unionid"):
            session["unionid"] = result["unionid"]
        return session

    def get_phone_number(self, code: str) -> str:
        """The phone number (without country code) behind a `getPhoneNumber` button code."""
        result = self._json(self.post("wxa/business/getuserphonenumber",
                                      api_base_url=self.api_base, data={"code": code}))
        return _pick(result, "phone_info", "purePhoneNumber")

    def msg_sec_check_v2(self, openid: str, content: str, scene: int = 2) -> str:
        """WeChat's verdict on user text: "pass", "review" or "risky"."""
        result = self._json(self.post(
            "wxa/msg_sec_check",
            api_base_url=self.api_base,
            data={"content": content, "version": 2, "scene": scene, "openid": openid},
        ))
        return _pick(result, "result", "suggest")

    def send_subscribe_message(self, openid: str, template_id: str, data: dict,
                               page: str | None, miniprogram_state: str) -> None:
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
            "miniprogram_state": miniprogram_state,
            "lang": "zh_CN",
        }
        if page:
            body["page"] = page
        self._json(self.post("cgi-bin/message/subscribe/send", api_base_url=self.api_base,
                             data=body))

    # --- token ----------------------------------------------------------------------

    def fetch_access_token(self, force_refresh: bool = False) -> dict:
        """Get the token from `stable_token`, store it for every process sharing the session.

        Unlike `cgi-bin/token`, stable_token hands every caller the same token until it
        expires, so one worker fetching never breaks another's calls.
        """
        result = self._json(self._send("post", self.api_base + "cgi-bin/stable_token", data={
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret,
            "force_refresh": force_refresh,
        }))
        self._raise_for_errcode(result)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, _pick(result, "access_token"),
                         max(expires_in - TOKEN_EXPIRY_MARGIN, 1))
        self.expires_at = int(time.time()) + expires_in
        return result

    def _refresh_rejected_token(self, rejected: str) -> None:
        with _token_step():
            self.fetch_access_token()
            if self.session.get(self.access_token_key) == rejected:
                # WeChat still hands out the token it just refused (revoked on its side):
                # only a forced refresh replaces it. Rate-limited, hence the last resort.
                self.fetch_access_token(force_refresh=True)

    def _current_token(self) -> str:
        with _token_step():
            token = self.access_token
        if not token:
            raise WeChatNotSent("no access token")
        return token

    # --- transport ------------------------------------------------------------------

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        """wechatpy's request hook: every call of every wechatpy API goes through here."""
        api_base_url = kwargs.pop("api_base_url", None) or self.API_BASE_URL
        with_token = kwargs.pop("with_token", True)
        result_processor = kwargs.pop("result_processor", None)
        url = url_or_endpoint
        if not url.startswith(("http://", "https://")):
            url = api_base_url + url
        # wechatpy's API classes hard-code the real host; send those to our base too.
        if url.startswith(REAL_API_BASE):
            url = self.api_base + url[len(REAL_API_BASE):]
        params = dict(kwargs.pop("params", None) or {})

        result = None
        for attempt in range(2):
            if with_token:
                params["access_token"] = self._current_token()
            result = self._send(method, url, params=params, **kwargs)
            if not isinstance(result, dict):
                # Binary answers (QR code images); wechatpy returns the response as is.
                return result
            if with_token and attempt == 0 and result.get("errcode") in TOKEN_REJECTED:
                logger.info("WeChat rejected the access token; refreshing it once")
                self._refresh_rejected_token(params["access_token"])
                continue
            break
        self._raise_for_errcode(result)
        return result_processor(result) if result_processor else result

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        """One HTTP call with our timeout; transport failures become WeChatNotSent or WeChatOutcomeUnknown."""
        if isinstance(kwargs.get("data"), dict):
            # Raw UTF-8 JSON, as WeChat documents (and wechatpy sends), not \\u escapes.
            kwargs["data"] = json.dumps(kwargs["data"], ensure_ascii=False).encode("utf-8")
            kwargs.setdefault("headers", {})["Content-Type"] = "application/json; charset=utf-8"
        kwargs["timeout"] = min(float(kwargs.get("timeout") or self.timeout), self.timeout)
        endpoint = url.split("?", 1)[0]
        try:
            response = self._http.request(method=method, url=url, **kwargs)
        except requests.RequestException as exc:
            # `from None` and no URL in the message: requests' own messages and
            # tracebacks can carry the query string (access token, app secret).
            error = WeChatNotSent if _nothing_sent(exc) else WeChatOutcomeUnknown
            raise error(f"{type(exc).__name__} calling {endpoint}") from None
        if response.status_code >= 500:
            raise WeChatUnavailable(f"HTTP {response.status_code} from {endpoint}")
        if response.status_code >= 400:
            raise WeChatAPIError(response.status_code, f"HTTP {response.status_code}")
        try:
            return json.loads(response.content.decode("utf-8", "ignore"), strict=False)
        except ValueError:
            return response

    @staticmethod
    def _raise_for_errcode(result: dict) -> None:
        errcode = int(result.get("errcode") or 0)
        if errcode == SYSTEM_BUSY:
            raise WeChatUnavailable(f"WeChat system busy: {result.get('errmsg', '')}")
        if errcode != 0:
            raise WeChatAPIError(errcode, str(result.get("errmsg", "")))

    @staticmethod
    def _json(result: Any) -> dict:
        """Our APIs all answer JSON objects; anything else is a broken upstream (a proxy page)."""
        if not isinstance(result, dict):
            raise WeChatUnavailable("WeChat answered something that is not a JSON object")
        return result


def _nothing_sent(exc: requests.RequestException) -> bool:
    """True if the request cannot have reached WeChat.

    requests does not retry (max_retries 0), so urllib3 raises MaxRetryError only for a connection
    that could not be made (refused, DNS, connect timeout, TLS handshake); failures after the
    request went out (read timeout, dropped or reset connection, a cut-off answer) come as the
    original error. A request that could not even be built (bad URL) was not sent either.
    """
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.InvalidURL,
                        requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)):
        return True
    return isinstance(exc, requests.ConnectionError) and bool(exc.args) and isinstance(exc.args[0], MaxRetryError)


class _token_step:
    """Getting the access token, before the call itself: any failure there means nothing was sent
    (a token fetch that timed out still sent no message), so it surfaces as WeChatNotSent."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or not isinstance(exc, WeChatError) or str(exc).startswith(TOKEN_UNAVAILABLE):
            return False
        raise WeChatNotSent(f"{TOKEN_UNAVAILABLE}: {exc}") from None


def _pick(result: dict, *path: str) -> Any:
    """result[path[0]][path[1]]...; a missing field means a broken answer, not a crash."""
    value: Any = result
    try:
        for key in path:
            value = value[key]
    except (KeyError, TypeError):
        raise WeChatUnavailable(f"WeChat answer lacks {'.'.join(path)}") from None
    return value
