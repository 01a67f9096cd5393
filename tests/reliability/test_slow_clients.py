"""Slow clients against gunicorn started as deployed (gunicorn.conf.py): nobody else waits on them."""
import select
import socket
import time

import pytest
import requests

from bench import slow_clients
from serving import head

from ..servers import base_env, gunicorn, migrate


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_url):
    env = base_env(f"sqlite:///{tmp_path_factory.mktemp('slow') / 'slow.db'}", fake_url,
                   CLIENT_HEADER_TIMEOUT="4", CLIENT_BODY_TIMEOUT="2", CLIENT_BODY_DEADLINE="6")
    migrate(env)
    with gunicorn(env, workers=2, args=("--log-level", "warning")) as url:
        yield url


def _answer(sock: socket.socket, limit: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed."""
    started = time.monotonic()
    sock.settimeout(limit)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data, time.monotonic() - started


@pytest.mark.slow
def test_a_hundred_slow_clients_do_not_stop_probes(server):
    report = slow_clients.run(server, clients=100, seconds=30, interval=5.0, probe_every=0.5, budget=1.0)
    late = [p for p in report.probes if p.status != 200 or p.seconds > 1.0]
    assert len(report.probes) >= 50
    assert {p.path for p in report.probes} == set(slow_clients.PROBE_PATHS)
    assert not late, f"{len(late)} of {len(report.probes)} probes unanswered within 1 s: {late[:5]}"
    # The slow sockets were closed at the header timeout (4 s here) and reopened, not left hanging.
    assert report.reconnects >= 100 * 3


def test_a_request_head_that_never_ends_is_closed_at_the_header_timeout(server):
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        data, took = _answer(s, 15)
    assert took < 4 + 2
    assert data.startswith(b"HTTP/1.1 408 ") and b'"request_timeout"' in data


def test_a_stalled_body_gets_a_json_408_within_the_bound_and_the_worker_serves_on(server):
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"code\": \"")
        data, took = _answer(s, 15)
    assert took < 2 + 2  # CLIENT_BODY_TIMEOUT=2: the pause between two reads
    status, _, rest = data.partition(b"\r\n")
    assert status == b"HTTP/1.1 408 Request Timeout"
    assert b"application/json" in rest and b"<html" not in data.lower()
    assert b'"request_timeout"' in data and "请求超时".encode() in data
    assert requests.get(server + "/healthz", timeout=2).status_code == 200


def test_a_stalled_chunked_body_read_by_the_app_gets_its_json_408(server):
    """Chunked bodies are not buffered by the worker: the app's thread reads them under the bound."""
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n20\r\n{\"code\":")
        data, took = _answer(s, 15)
    assert took < 2 + 2
    head_, _, body = data.partition(b"\r\n\r\n")
    assert head_.startswith(b"HTTP/1.1 408") and b"application/json" in head_
    assert b'"request_timeout"' in body
    assert requests.get(server + "/api/v1/activities", timeout=2).status_code == 200


def test_a_body_trickled_byte_by_byte_is_cut_at_the_body_deadline(server):
    """Each pause is under the 2 s gap, but the whole body may take at most 6 s."""
    port = int(server.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n")
        try:
            for _ in range(20):
                s.sendall(b" ")
                if select.select([s], [], [], 1)[0]:  # the server has answered (or closed)
                    break
        except OSError:
            pass
        answered = time.monotonic() - started
        data, _ = _answer(s, 15)
    assert answered < 6 + 1.5
    assert data.startswith(b"HTTP/1.1 408 ")


def test_kept_alive_and_pipelined_requests_are_served(server):
    with requests.Session() as s:
        assert [s.get(server + "/healthz", timeout=2).status_code for _ in range(3)] == [200] * 3
        r = s.post(server + "/api/v1/auth/login", json={"code": "invalid-x"}, timeout=5)
        assert r.status_code == 401 and r.json()["error"]["code"] == "wechat_code_invalid"
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data, _ = _answer(s, 5)
    assert data.count(b"HTTP/1.1 200 ") == 2


def test_head_states():
    assert head.state(b"GET / HTTP/1.1\r\nHost: x\r\n", 100) is head.State.HEAD
    assert head.state(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 100) is head.State.READY
    post = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"
    assert head.state(post + b"abc", 100) is head.State.BODY
    assert head.state(post + b"abcde", 100) is head.State.READY
    assert head.state(b"POST / HTTP/1.1\r\ncontent-length: 500\r\n\r\n", 100) is head.State.READY  # app: 413
    assert head.state(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 100) is head.State.READY
    assert head.state(b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 100) is head.State.READY
