"""Readiness of what the web processes depend on (GET /readyz)."""
from flask import current_app
from sqlalchemy import text

from .extensions import db
from .redis_gate import RedisUnavailable, redis_gate


def database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        db.session.rollback()
        return False


def redis_state() -> str:
    """"ok", "unavailable" (down, frozen, or failed within REDIS_RETRY_SECONDS), or "not_configured"."""
    gate = redis_gate(current_app)
    if gate is None:
        return "not_configured"
    try:
        gate.call(lambda client: client.ping())
    except RedisUnavailable:
        return "unavailable"
    return "ok"
