"""Imports every module that registers worker jobs."""
from . import idempotency
from .activities import jobs as _activities_jobs  # noqa: F401
from .cafe import jobs as _cafe_jobs  # noqa: F401
from .notifications import jobs as _notifications_jobs  # noqa: F401
from .rehab import jobs as _rehab_jobs  # noqa: F401
from .worker import job


@job("purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired()
