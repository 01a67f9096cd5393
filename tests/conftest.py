"""Test harness: one app per session on SQLite or PostgreSQL (TEST_DB), the WeChat fake and the
app both served over real HTTP on loopback, tables emptied after each test.

TEST_DB=sqlite (default) or TEST_DB=postgresql with TEST_DATABASE_URL (default the local `test`
database). With CI=true an unreachable PostgreSQL fails the run instead of skipping it.
"""
import logging
import os
import re
import threading
import uuid
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from devtools.fake_wechat.server import running_fake
from backend.wechat.devkeys import ensure_keys

TEST_DB = os.environ.get("TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# Values that must never appear in clear in any response or log line (filled by factories and tests).
CANARIES: set[str] = set()
_APPS: list = []  # the session's app, once a test asked for it (for the end-of-session checks)


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (concurrency); skipped on SQLite")
    config.addinivalue_line("markers", "slow: long-running")


def pytest_collection_modifyitems(config, items):
    if TEST_DB != "postgresql":
        skip = pytest.mark.skip(reason="PostgreSQL-only test (run with TEST_DB=postgresql)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def _pg_reachable(url: str) -> bool:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DB == "postgresql":
        if not _pg_reachable(PG_URL):
            if os.environ.get("CI") == "true":
                pytest.fail(f"PostgreSQL unreachable at {PG_URL} (CI=true: failing, not skipping)")
            pytest.skip("PostgreSQL unreachable")
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(self.format(record))
        except Exception:
            pass


@pytest.fixture(scope="session")
def log_lines() -> list[str]:
    return []


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict:
    return ensure_keys(str(tmp_path_factory.mktemp("wechatpay")))


@pytest.fixture(scope="session")
def fake_url(keys) -> Iterator[str]:
    with running_fake(os.path.dirname(keys["WECHATPAY_PRIVATE_KEY_PATH"])) as base:
        yield base


def _free_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def app(database_url, fake_url, keys, log_lines):
    from miniprogram_api import create_app
    from backend.extensions import db

    # The live server must exist before the app so the notify URL can point at it.
    holder: dict = {}

    def wsgi(environ, start_response):
        return holder["app"](environ, start_response)

    server, live_url = _free_server(wsgi)
    config = {
        "APP_ENV": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WECHAT_APPID": "wxfake0000000000",
        "WECHAT_API_BASE": fake_url + "/",
        "WECHATPAY_API_BASE": fake_url + "/",
        "WECHATPAY_NOTIFY_URL": live_url + "/api/v1/payments/wechat/notify",
        "WECHAT_TIMEOUT_SECONDS": 2,
        "WECHATPAY_TIMEOUT_SECONDS": 2,
        "LIVE_URL": live_url,
        "FAKE_URL": fake_url,
        **{k: v for k, v in keys.items() if k.startswith("WECHATPAY_")},
    }
    if database_url.startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 40}
    app = create_app(config)
    holder["app"] = app
    from flask import request_finished

    from . import error_codes
    request_finished.connect(error_codes.record, app)
    _APPS.append(app)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the fake's and live server's access lines
    collector = LogCollector()
    logging.getLogger().addHandler(collector)
    collector.lines = log_lines

    with app.app_context():
        _reset_schema(db, database_url)
        from flask_migrate import upgrade
        upgrade(revision="heads")
        _remember_reference_data(db)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    logging.getLogger().removeHandler(collector)


def _reset_schema(db, url: str) -> None:
    with db.engine.begin() as conn:
        if url.startswith("postgresql"):
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def table_names(db) -> list[str]:
    return [t.name for t in reversed(db.metadata.sorted_tables)]


# Rows the migrations ship (reference data: device classes, subsidy groups, the approval chain, the
# assessment forms), put back after every test empties the tables.
REFERENCE: dict[str, list[dict]] = {}


def _remember_reference_data(db) -> None:
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in conn.execute(table.select())]
            if rows:
                REFERENCE[table.name] = rows


def empty_tables(app) -> None:
    from backend.extensions import db
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in table_names(db))
                                     + " RESTART IDENTITY CASCADE"))
            else:
                for t in table_names(db):
                    conn.execute(sa.text(f'DELETE FROM "{t}"'))
            for table in db.metadata.sorted_tables:  # parents first
                if table.name in REFERENCE:
                    conn.execute(table.insert(), REFERENCE[table.name])
                    if conn.dialect.name == "postgresql" and "id" in table.c:
                        conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                             f"(SELECT max(id) FROM \"{table.name}\"))"))
        app.extensions.pop("wechat_mp", None)


@pytest.fixture(autouse=True)
def _clean(request):
    """Every test starts with empty tables, no armed fault and no recorded message."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        empty_tables(app)
        fake = app.config["FAKE_URL"]
        requests.delete(f"{fake}/_fake/faults", timeout=5)
        requests.delete(f"{fake}/_fake/messages", timeout=5)


class Api:
    """The test client speaking JSON, with a bearer token; every response is checked for canaries."""

    def __init__(self, app, token: str | None = None, user_id: int | None = None, openid: str | None = None):
        self.app, self.token, self.user_id, self.openid = app, token, user_id, openid
        self.http = app.test_client()

    def request(self, method: str, path: str, json_body=None, headers: dict | None = None, **kw):
        h = dict(headers or {})
        if self.token:
            h.setdefault("Authorization", f"Bearer {self.token}")
        if not path.startswith("/"):
            path = "/api/v1/" + path
        elif not path.startswith(("/api/", "/healthz", "/readyz")):
            path = "/api/v1" + path
        resp = self.http.open(path, method=method, json=json_body, headers=h, **kw)
        check_canaries(resp.get_data().decode("utf-8", "replace"), f"{method} {path}")  # downloads are binary
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def check_canaries(text: str, where: str) -> None:
    for value in CANARIES:
        if value and value in text:
            raise AssertionError(f"personal data in clear in {where}: {value[:3]}…")


@pytest.fixture
def client(app) -> Api:
    """Anonymous API client."""
    return Api(app)


@pytest.fixture
def login(app):
    """login(openid) → an Api client logged in through the fake's jscode2session."""
    def do(openid: str | None = None) -> Api:
        openid = openid or f"user-{uuid.uuid4().hex[:10]}"
        resp = Api(app).post("/auth/login", {"code": f"{openid}#{uuid.uuid4().hex[:8]}"})
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        with app.app_context():  # the session_key WeChat gave must never leave the server
            from backend.crypto import decrypt
            from backend.extensions import db
            from backend.identity.models import User
            CANARIES.add(decrypt(db.session.get(User, body["user"]["id"]).session_key_enc))
        return Api(app, body["token"], body["user"]["id"], openid)
    return do


@pytest.fixture
def db_session(app):
    from backend.extensions import db
    with app.app_context():
        yield db.session
        db.session.remove()


@pytest.fixture(scope="session", autouse=True)
def _error_codes_documented():
    """Every error the suite's requests got is documented for its operation; every 422 is Chinese
    (tests/error_codes.py). Checked once, when the session ends."""
    yield
    if not _APPS:
        return
    from . import error_codes
    spec = _APPS[0].test_client().get("/api/v1/openapi.json").get_json()
    docs = error_codes.documented(spec)
    missing = error_codes.undocumented(error_codes.OBSERVED, docs)
    assert not missing, "answered but not in the OpenAPI document:\n" + "\n".join(missing)
    known = {code for statuses in docs.values() for codes in statuses.values() for code in codes}
    known |= {name for schema in spec.get("components", {}).get("schemas", {}).values()
              for name in schema.get("properties", {})}
    known |= {p.get("name", "") for ops in spec["paths"].values() for op in ops.values() if isinstance(op, dict)
              for p in op.get("parameters", [])}
    known |= {"Idempotency-Key"}

    def enums(node):
        if isinstance(node, dict):
            for value in node.get("enum", []):
                yield from re.split(r"[^A-Za-z0-9_.\-]+", str(value))
            for child in node.values():
                yield from enums(child)
        elif isinstance(node, list):
            for child in node:
                yield from enums(child)
    known |= set(enums(spec))
    english = error_codes.english_in_422(error_codes.MESSAGES_422, known)
    assert not english, "422 messages with English in them:\n" + "\n".join(english[:50])


@pytest.fixture(scope="session", autouse=True)
def _log_canary(request, log_lines):
    """The personal-data canary over every log line of the run."""
    yield
    bad = [line for line in log_lines if any(v and v in line for v in CANARIES)
           or re.search(r"session_key['\"]?\s*[:=]\s*['\"]?[A-Za-z0-9+/=]{8,}", line)]
    assert not bad, f"{len(bad)} log line(s) hold personal data in clear, e.g. {bad[0][:200]}"

