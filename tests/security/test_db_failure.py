"""A database failure in the middle of a use case answers 503 and leaves no partial rows."""
import io
import json
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy import event, func, select

from backend.extensions import db
from backend.identity.models import Resident, ResidentLink
from backend.logs import JsonFormatter


@pytest.fixture
def failing_insert(app):
    """Make the database fail on the second INSERT of the use case (the resident link)."""
    with app.app_context():
        engine = db.engine

    def fail(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO RESIDENT_LINKS"):
            raise sa.exc.OperationalError(statement, parameters, Exception("server closed the connection"))
    event.listen(engine, "before_cursor_execute", fail)
    yield
    event.remove(engine, "before_cursor_execute", fail)


def test_database_failure_mid_request_is_503_without_partial_rows(login, app, failing_insert):
    api = login()
    r = api.post("/me/residents", {"name": "半途", "relation": "parent", "disability_category": "visual",
                                   "disability_level": 1, "consent": {"sensitive_info": True}})
    assert r.status_code == 503
    assert r.get_json()["error"]["code"] == "database_unavailable"
    with app.app_context():
        assert db.session.scalar(select(func.count(Resident.id))) == 0  # the flushed resident was rolled back
        assert db.session.scalar(select(func.count(ResidentLink.id))) == 0


def test_readyz_503_when_database_unreachable(app):
    from miniprogram_api import create_app
    broken = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                         "SQLALCHEMY_ENGINE_OPTIONS": {}})
    r = broken.test_client().get("/readyz")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "database_unavailable"
    r = broken.test_client().get("/api/v1/sites")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "database_unavailable"


def test_json_log_lines_carry_request_id_and_redact(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("privacy-check")
    log.addHandler(handler)
    try:
        with app.test_request_context("/api/v1/me", headers={"X-Request-Id": "req-42"}):
            app.preprocess_request()
            log.warning("user phone 13912345678 cert 31010119600517001X42 token=abc123")
    finally:
        log.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "req-42" and line["path"] == "/api/v1/me"
    assert "13912345678" not in line["message"] and "31010119600517001X42" not in line["message"]
    assert "abc123" not in line["message"]
