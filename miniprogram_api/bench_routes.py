"""Ceiling endpoints for the benchmarks (bench/): registered only when APP_ENV=bench, never in
production, and deliberately outside the OpenAPI document (they are not part of the API)."""
import json

from flask import Blueprint, Response
from sqlalchemy import text

from backend.extensions import db

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.get("/hello")
def hello():
    return Response('{"hello": "world"}', mimetype="application/json")


@bp.get("/select20")
def select20():
    """A bare SELECT of 20 rows serialised with json: what a list endpoint cannot beat."""
    rows = db.session.execute(text(
        "SELECT id, site_id, title, starts_at FROM activities ORDER BY id LIMIT 20")).all()
    body = json.dumps([{"id": r[0], "site_id": r[1], "title": r[2], "starts_at": r[3].isoformat()} for r in rows],
                      ensure_ascii=False)
    return Response(body, mimetype="application/json")
