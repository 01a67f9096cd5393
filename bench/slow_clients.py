"""Slow clients against a running server, and a prober that says whether anyone else is served.

    python -m bench.slow_clients --base http://127.0.0.1:18000 [--clients 100] [--seconds 60]
    python -m bench.slow_clients --base ... --scenario body
    python -m bench.slow_clients --base ... --scenario upstream --fake http://127.0.0.1:18900

headers (the default): `clients` sockets each send a request line and then one header line every `--interval` seconds
(the slow-loris pattern: never finishing the request head); a socket the server closes is
reopened at once, so the pressure holds for the whole run. Meanwhile a prober asks `/healthz` and
`GET /api/v1/activities` every 0.5 s on fresh connections, with a 1 s budget each. Prints how many
probes were answered within the budget and their latency (bench/README.md "Slow clients").
body: a request whose body stops after 10 of its 100 bytes; how long until the server answers or
closes, and with what. upstream: eight logins whose jscode2session times out at the fake while
a listing is asked for; the listing's latency.
Everything stays on loopback and stops by itself.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import requests

PROBE_PATHS = ("/healthz", "/api/v1/activities")


@dataclass
class Probe:
    path: str
    status: int | None  # None: no answer within the budget (or an error)
    seconds: float


@dataclass
class Report:
    probes: list[Probe] = field(default_factory=list)
    reconnects: int = 0

    def answered(self, budget: float) -> list[Probe]:
        return [p for p in self.probes if p.status == 200 and p.seconds <= budget]

    def summary(self, budget: float = 1.0) -> dict:
        ok = self.answered(budget)
        times = sorted(p.seconds for p in self.probes if p.status is not None)
        return {
            "probes": len(self.probes),
            "answered_within_budget": len(ok),
            "budget_s": budget,
            "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
            "max_ms": round(times[-1] * 1000, 1) if times else None,
            "unanswered": len([p for p in self.probes if p.status is None]),
            "slow_client_reconnects": self.reconnects,
        }


def _trickler(host: str, port: int, interval: float, stop: threading.Event, report: Report,
              lock: threading.Lock) -> None:
    """One slow client: a request head that never ends; reopened whenever the server closes it."""
    while not stop.is_set():
        try:
            s = socket.create_connection((host, port), timeout=5)
        except OSError:
            stop.wait(0.2)
            continue
        try:
            s.sendall(b"GET /api/v1/activities HTTP/1.1\r\nHost: x\r\n")
            n = 0
            while not stop.wait(interval):
                n += 1
                s.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
        except OSError:
            pass  # closed by the server (header timeout): open another
        finally:
            s.close()
        with lock:
            report.reconnects += 1


def _prober(base: str, every: float, budget: float, stop: threading.Event, report: Report,
            lock: threading.Lock) -> None:
    i = 0
    while not stop.is_set():
        path = PROBE_PATHS[i % len(PROBE_PATHS)]
        i += 1
        started = time.monotonic()
        try:
            # A fresh connection per probe, as a load balancer's health check does.
            r = requests.get(base + path, timeout=budget, headers={"Connection": "close"})
            status: int | None = r.status_code
        except requests.RequestException:
            status = None
        with lock:
            report.probes.append(Probe(path, status, time.monotonic() - started))
        stop.wait(max(every - (time.monotonic() - started), 0))


def run(base: str, clients: int = 100, seconds: float = 30, interval: float = 5.0,
        probe_every: float = 0.5, budget: float = 1.0, warmup: float = 2.0) -> Report:
    """Hold `clients` slow sockets open for `seconds` while probing; the probes' report."""
    url = urlparse(base)
    report, lock, stop = Report(), threading.Lock(), threading.Event()
    threads = [threading.Thread(target=_trickler, args=(url.hostname, url.port, interval, stop, report, lock),
                                daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(warmup)  # every slow socket is open and has sent its first bytes before probing starts
    probe_stop = threading.Event()
    prober = threading.Thread(target=_prober, args=(base, probe_every, budget, probe_stop, report, lock),
                              daemon=True)
    prober.start()
    time.sleep(seconds)
    probe_stop.set()
    prober.join(budget + 5)
    stop.set()
    for t in threads:
        t.join(10)
    return report


def stalled_body(base: str, wait: float = 60.0) -> dict:
    """POST a body that stops after 10 of 100 bytes; what came back, and after how long."""
    url = urlparse(base)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=wait) as s:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"code\": \"")
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except OSError:
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return {"seconds": round(time.monotonic() - started, 1),
            "status_line": lines[0] if data else "(closed without an answer)",
            "content_type": headers.get("Content-Type"), "body": body[:200].decode("utf-8", "replace")}


def slow_upstream(base: str, fake: str, logins: int = 8) -> dict:
    """`logins` logins whose WeChat call times out, and a listing asked for meanwhile."""
    requests.post(f"{fake}/_fake/faults", json={"api": "jscode2session", "mode": "timeout", "times": logins},
                  timeout=5).raise_for_status()
    statuses: list[int | None] = []

    def login(i: int) -> None:
        try:
            r = requests.post(f"{base}/api/v1/auth/login", json={"code": f"slow{i}#{time.time()}"}, timeout=30)
            statuses.append(r.status_code)
        except requests.RequestException:
            statuses.append(None)
    threads = [threading.Thread(target=login, args=(i,)) for i in range(logins)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    started = time.monotonic()
    listing = requests.get(f"{base}/api/v1/activities", timeout=30)
    listing_s = time.monotonic() - started
    for t in threads:
        t.join()
    requests.delete(f"{fake}/_fake/faults", timeout=5)
    return {"login_statuses": sorted(statuses, key=str), "listing_status": listing.status_code,
            "listing_ms": round(listing_s * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--scenario", choices=["headers", "body", "upstream"], default="headers")
    parser.add_argument("--fake", help="the WeChat fake's base URL (upstream)")
    args = parser.parse_args()
    if args.scenario == "body":
        print(json.dumps(stalled_body(args.base), indent=2, ensure_ascii=False))
    elif args.scenario == "upstream":
        print(json.dumps(slow_upstream(args.base, args.fake), indent=2))
    else:
        print(json.dumps(run(args.base, args.clients, args.seconds, args.interval).summary(), indent=2))


if __name__ == "__main__":
    main()
