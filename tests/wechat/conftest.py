"""Fixtures for the WeChat clients: the loopback fake over real HTTP, no mocks of our code."""
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
import requests

from backend.wechat.miniprogram import MiniProgramClient
from devtools.fake_wechat.server import running_fake

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="session")
def fake_base() -> Iterator[str]:
    with running_fake() as base:
        yield base


@pytest.fixture
def fake(fake_base: str) -> Iterator[str]:
    """The fake's base URL, with no armed fault and no recorded message."""
    requests.delete(f"{fake_base}/_fake/faults", timeout=5).raise_for_status()
    requests.delete(f"{fake_base}/_fake/messages", timeout=5).raise_for_status()
    yield fake_base
    requests.delete(f"{fake_base}/_fake/faults", timeout=5).raise_for_status()


@pytest.fixture
def wechat_config(fake: str) -> dict[str, Any]:
    return {
        "WECHAT_APPID": "wx-test-app",
        "WECHAT_APPSECRET": "test-secret",
        "WECHAT_API_BASE": fake + "/",
        "WECHAT_TIMEOUT_SECONDS": 1,
        "REDIS_URL": None,
    }


@pytest.fixture
def make_client(wechat_config: dict[str, Any]) -> Callable[..., MiniProgramClient]:
    """A client built from config like the app does; keyword overrides change the config."""
    def make(**overrides: Any) -> MiniProgramClient:
        return MiniProgramClient.from_config({**wechat_config, **overrides})
    return make


@pytest.fixture
def client(make_client: Callable[..., MiniProgramClient]) -> MiniProgramClient:
    return make_client()


@pytest.fixture
def arm_fault(fake: str) -> Callable[..., None]:
    def arm(api: str, mode: str, errcode: int | None = None, times: int = 1) -> None:
        body = {"api": api, "mode": mode, "errcode": errcode, "times": times}
        requests.post(f"{fake}/_fake/faults", json=body, timeout=5).raise_for_status()
    return arm


@pytest.fixture
def redis_url() -> Iterator[str]:
    """URL of the local Redis' db 15, emptied before and after the test."""
    db = redis.Redis.from_url(TEST_REDIS_URL)
    db.flushdb()
    yield TEST_REDIS_URL
    db.flushdb()
