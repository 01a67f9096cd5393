"""Where the mini-program access token is kept: Redis for every process, and this process's memory.

Shared through Redis (wechatpy's RedisStorage) so processes use one token. When Redis is down or
frozen (backend/redis_gate.py) reads and writes go to memory only: the client then fetches the
token from `cgi-bin/stable_token` itself, which is safe because stable_token hands every caller the
same token and never invalidates another process's one (only force_refresh does). Nothing raises
for Redis: a missing token is simply fetched.
"""
from __future__ import annotations

import time

from wechatpy.session import SessionStorage
from wechatpy.session.redisstorage import RedisStorage

from ..redis_gate import RedisGate, RedisUnavailable


class MemoryTokens(SessionStorage):
    """This process's copy; honours the TTL (wechatpy's MemoryStorage does not)."""

    def __init__(self):
        self._data: dict[str, tuple[object, float | None]] = {}

    def get(self, key, default=None):
        value, expires = self._data.get(key, (default, None))
        if expires is not None and expires <= time.monotonic():
            self._data.pop(key, None)
            return default
        return value

    def set(self, key, value, ttl=None):
        if value is not None:
            self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    def delete(self, key):
        self._data.pop(key, None)


class SharedTokens(SessionStorage):
    """Redis through the gate, falling back to memory; what we fetched is kept in both."""

    def __init__(self, gate: RedisGate, prefix: str = "wechatpy"):
        self._gate = gate
        self._redis = RedisStorage(gate.client, prefix=prefix)
        self._memory = MemoryTokens()

    def get(self, key, default=None):
        try:
            value = self._gate.call(lambda _client: self._redis.get(key))
        except RedisUnavailable:
            return self._memory.get(key, default)
        return default if value is None else value

    def set(self, key, value, ttl=None):
        self._memory.set(key, value, ttl)
        try:
            self._gate.call(lambda _client: self._redis.set(key, value, ttl))
        except RedisUnavailable:
            pass

    def delete(self, key):
        self._memory.delete(key)
        try:
            self._gate.call(lambda _client: self._redis.delete(key))
        except RedisUnavailable:
            pass
