"""`flask worker`: runs due jobs until stopped (`--once`: one pass).

Domains add periodic jobs to JOBS; each must be safe to run twice and
concurrently with another worker.
"""
import logging
import signal
import time
from collections.abc import Callable

import click

log = logging.getLogger(__name__)

# name -> fn() -> int (how much work it did)
JOBS: dict[str, Callable[[], int]] = {}


def job(name: str):
    def register(fn):
        JOBS[name] = fn
        return fn
    return register


def run_pass() -> dict[str, int]:
    from .extensions import db
    done = {}
    for name, fn in list(JOBS.items()):
        try:
            done[name] = fn()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", name)
            done[name] = -1
    return done


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass of every job and exit.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between passes when idle.")
def worker_command(once: bool, interval: float) -> None:
    """Send notifications, reminders, order expiry, payment reconciliation."""
    from . import jobs  # noqa: F401  (registers every domain's jobs)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True  # finish the current job, then leave
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        done = run_pass()
        if once or stopping:
            click.echo(f"worker pass: {done}")
            return
        if not any(v > 0 for v in done.values()):
            for _ in range(int(interval * 10)):
                if stopping:
                    break
                time.sleep(0.1)
