"""The process's Redis client (REDIS_URL), for the callers that can do without Redis.

Redis is optional at run time (README "Redis"): the WeChat access token falls back to fetching
stable_token directly (backend/wechat/token_storage.py) and /readyz reports Redis as unavailable
rather than failing. (Rate limits have Flask-Limiter's own in-memory fallback, configured in
backend/config.py.) So that a Redis that is down, or frozen (accepting connections and never
answering), costs those callers little, every call has a short connect and read timeout
(REDIS_SOCKET_TIMEOUT), and after a failure the gate stays shut for REDIS_RETRY_SECONDS: callers
take their fallback at once instead of each waiting out the timeout. An outage is logged once when
it starts and once when it ends, not on every call.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from flask import Flask

log = logging.getLogger(__name__)
T = TypeVar("T")


class RedisUnavailable(Exception):
    """Redis did not answer (or the gate is shut after a recent failure): take the fallback."""


class RedisGate:
    def __init__(self, client: redis.Redis, retry_seconds: float):
        self.client = client
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._shut_until = 0.0
        self._down = False

    @classmethod
    def from_url(cls, url: str, timeout: float, retry_seconds: float) -> "RedisGate":
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                      retry_on_timeout=False)
        return cls(client, retry_seconds)

    def call(self, fn: Callable[[redis.Redis], T]) -> T:
        """fn(client), or RedisUnavailable if Redis fails or failed less than retry_seconds ago."""
        if time.monotonic() < self._shut_until:
            raise RedisUnavailable("redis gate shut after a recent failure")
        try:
            result = fn(self.client)
        except redis.RedisError as e:
            self._failed(e)
            raise RedisUnavailable(type(e).__name__) from None
        if self._down:
            self._recovered()
        return result

    @property
    def down(self) -> bool:
        return self._down

    def _failed(self, error: Exception) -> None:
        with self._lock:
            self._shut_until = time.monotonic() + self.retry_seconds
            first = not self._down
            self._down = True
        if first:
            log.warning("redis unavailable (%s); using fallbacks, retrying every %ss",
                        type(error).__name__, self.retry_seconds)

    def _recovered(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.info("redis available again")


def redis_gate(app: Flask) -> RedisGate | None:
    """The app's gate, made on first use; None without REDIS_URL."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    gate = app.extensions.get("redis_gate")
    if gate is None:
        gate = app.extensions["redis_gate"] = RedisGate.from_url(
            url, float(app.config["REDIS_SOCKET_TIMEOUT"]), float(app.config["REDIS_RETRY_SECONDS"]))
    return gate
