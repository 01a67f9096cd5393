"""Ceiling endpoints for the benchmarks (bench/): registered only when APP_ENV=bench, never in
production, and deliberately outside the OpenAPI document (they are not part of the API)."""
import json

from flask import Blueprint, Response

from backend import benchmarks

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.get("/hello")
def hello():
    return Response('{"hello": "world"}', mimetype="application/json")


def _select20_body(rows) -> Response:
    body = json.dumps([{"id": r[0], "site_id": r[1], "title": r[2], "starts_at": r[3].isoformat()} for r in rows],
                      ensure_ascii=False)
    return Response(body, mimetype="application/json")


@bp.get("/select20")
def select20():
    """A bare SELECT of 20 rows serialised with json, through the request's session as every route
    reads by default: the issue's ceiling."""
    return _select20_body(benchmarks.select20_session())


@bp.get("/select20-autocommit")
def select20_autocommit():
    """The same on the autocommit read path the public listings use (backend/common/reads.py): no
    transaction, hence no ROLLBACK round trip. Reported beside the ceiling, so the listings' ratios
    can also be read against the same read path."""
    return _select20_body(benchmarks.select20_autocommit())
