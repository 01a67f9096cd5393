"""Liveness and readiness for the load balancer, at the root and under /api/v1 (the API's base path).

Ready means the database answers. Redis is optional at run time (rate limits and the WeChat token
fall back without it), so it is reported, never a reason for 503: taking every web process out of
the load balancer because Redis is down would turn a degraded service into none.
"""
from flask import jsonify

from backend import health

from ..blueprint import Blueprint, mark
from ..errors import envelope

blp = Blueprint("ops", __name__, url_prefix="", description="运维：存活与就绪检查")


def _healthz():
    return jsonify({"status": "ok"})


def _readyz():
    if not health.database_ok():
        return envelope(503, "database_unavailable", "数据库不可用")
    return jsonify({"status": "ready", "checks": {"database": "ok", "redis": health.redis_state()}})


@blp.get("/healthz")
@blp.response(200)
@mark(no_database=True)
def healthz():
    """存活检查（进程在运行）"""
    return _healthz()


@blp.get("/api/v1/healthz")
@blp.response(200)
@mark(no_database=True)
def healthz_v1():
    """存活检查（进程在运行）"""
    return _healthz()


@blp.get("/readyz")
@blp.response(200)
def readyz():
    """就绪检查（数据库可用）"""
    return _readyz()


@blp.get("/api/v1/readyz")
@blp.response(200)
def readyz_v1():
    """就绪检查（数据库可用）"""
    return _readyz()
