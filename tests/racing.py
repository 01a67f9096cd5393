"""Races over real HTTP: every call in its own thread, all released together by a Barrier."""
import threading

import requests


def fire(app, calls: list[tuple[str, str, str, dict | None]], inflight: int | None = None
         ) -> list[requests.Response | Exception]:
    """Run every (method, path, token, body) against the live server, in order of `calls`; an
    exception is returned in its place, never hidden. `inflight` caps the requests in flight at once
    after the release (a shared machine's PostgreSQL may not have a connection for each)."""
    base = app.config["LIVE_URL"] + "/api/v1"
    barrier = threading.Barrier(len(calls))
    gate = threading.BoundedSemaphore(inflight or len(calls))
    results: list = [None] * len(calls)

    def run(i, method, path, token, body):
        try:
            barrier.wait(timeout=60)
            with gate:
                results[i] = requests.request(method, base + path, json=body, timeout=120,
                                              headers={"Authorization": f"Bearer {token}"})
        except Exception as e:  # noqa: BLE001 (reported by the test, never hidden)
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
