"""A redis-server of the test's own (free port, no persistence) that tests can kill, freeze and
bring back; and the notification helpers of tests/notifications."""
import os
import shutil
import signal
import subprocess
import time

import pytest
import redis

from tests.notifications.conftest import config, fake, send, short_timeout  # noqa: F401  (fixtures)

from ..servers import free_port


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.frozen = False

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        self.cont()
        self.proc.kill()
        self.proc.wait(10)

    def freeze(self) -> None:
        """SIGSTOP: the kernel still accepts connections, Redis never answers."""
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.frozen = True

    def cont(self) -> None:
        if self.frozen:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.frozen = False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)


def _redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        if server.proc.poll() is None:
            server.kill()


@pytest.fixture
def redis_server():
    yield from _redis_server()


@pytest.fixture(scope="module")
def module_redis_server():
    yield from _redis_server()
