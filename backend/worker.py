"""`flask worker`: runs due jobs until stopped (`--once`: one pass).

The jobs are those the domains declare (`Domain.jobs`); each must be safe to run twice and
concurrently with another worker, and runs its steps in units (backend/units.py). SIGTERM (or SIGINT) asks the worker to stop:
the job in hand finishes its current item (long jobs poll `stop_requested()`
between items), the remaining jobs of the pass are skipped, and the process exits 0.
"""
import logging
import signal
import threading

import click

from . import domains
from .extensions import db

log = logging.getLogger(__name__)

_stop = threading.Event()


def stop_requested() -> bool:
    """True once the worker has been asked to stop; long jobs check it between items."""
    return _stop.is_set()


def request_stop(*_args) -> None:
    _stop.set()


def run_pass() -> dict[str, int]:
    """One pass of every declared job; returns how much work each did (-1: it failed)."""
    done = {}
    for name, fn in domains.jobs().items():
        if stop_requested():
            break
        try:
            done[name] = fn()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", name)
            done[name] = -1
        finally:
            db.session.remove()  # no connection or stale objects held between jobs
    return done


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass of every job and exit.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between passes when idle.")
def worker_command(once: bool, interval: float) -> None:
    """Send notifications, reminders, order expiry, payment reconciliation."""
    _stop.clear()
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo(f"worker started: jobs {sorted(domains.jobs())}")
    while True:
        done = run_pass()
        if once or stop_requested():
            click.echo(f"worker pass: {done}")
            click.echo("worker stopped")
            return
        if not any(v > 0 for v in done.values()):
            # Event.wait returns as soon as a signal handler sets the event.
            _stop.wait(interval)
