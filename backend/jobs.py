"""Imports every module that registers worker jobs."""
from . import idempotency
from .worker import job


@job("purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired()
from .notifications import jobs as _notifications  # noqa: E402,F401
