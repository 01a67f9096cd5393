"""Imports every module that registers worker jobs."""
from . import idempotency
from .activities import jobs as _activities_jobs  # noqa: F401
from .worker import job


@job("purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired()
