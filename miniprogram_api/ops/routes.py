"""Liveness and readiness for the load balancer."""
from flask import jsonify
from sqlalchemy import text

from backend.extensions import db

from ..auth import Blueprint
from ..errors import envelope


def healthz():
    return jsonify({"status": "ok"})


def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return envelope(503, "database_unavailable", "数据库不可用")
    return jsonify({"status": "ready"})


def _blueprint(name: str, prefix: str) -> Blueprint:
    """Served at the root (load balancers) and under /api/v1 (the API's base path)."""
    bp = Blueprint(name, __name__, url_prefix=prefix, description="Health checks")
    bp.get("/healthz")(bp.response(200)(healthz))
    bp.get("/readyz")(bp.response(200)(readyz))
    return bp


blp = _blueprint("ops", "/")
blp_v1 = _blueprint("ops_v1", "/api/v1")
