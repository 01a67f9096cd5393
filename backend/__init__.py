"""The application factory. Reads like a table of contents."""
import json
import os

import orjson
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import INSTANCE, ROOT, config_for
from .extensions import api, db, limiter, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE), static_folder=None)
    load_config(app, config)
    register_logging(app)
    register_extensions(app)
    register_models()
    register_api(app)
    register_request_hooks(app)
    register_cli(app)
    return app


def load_config(app: Flask, overrides: dict | None) -> None:
    cls = config_for((overrides or {}).get("APP_ENV"))
    app.config.from_object(cls)
    app.config.update(overrides or {})
    from .config import database_url
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["APP_ENV"] == "production":
        cls.validate(dict(app.config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    if app.config["APP_ENV"] != "production" and not app.config.get("WECHATPAY_PRIVATE_KEY_PATH"):
        # Development and test pay against the fake with generated keys (never real ones).
        from devtools.keys import ensure_keys
        generated = ensure_keys(app.config["WECHATPAY_DEV_KEYS_DIR"])
        app.config.update({k: v for k, v in generated.items() if k.startswith("WECHATPAY_")})
    # JSON columns (accessibility lists, menu options, site rules) parsed by orjson: the listings read
    # dozens per request and json.loads was a tenth of the activity list's time (bench/).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_deserializer": orjson.loads,
                                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    app.json.ensure_ascii = False  # Chinese text unescaped (API.md)
    app.json.sort_keys = False
    # One trusted proxy (nginx) in front: its X-Forwarded-For gives the client IP for rate limits.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_logging(app: Flask) -> None:
    from .logs import configure_logging
    configure_logging(app)


def register_extensions(app: Flask) -> None:
    from .common.reads import create_read_engine
    db.init_app(app)
    with app.app_context():
        create_read_engine(app)
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            _tune_sqlite(db.engine)
            _tune_sqlite(app.extensions["read_engine"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True)
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def _tune_sqlite(engine) -> None:
    """The local default runs gunicorn workers and `flask worker` on one SQLite file: WAL lets
    readers proceed during a write, and a busy timeout makes writers wait instead of failing."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database and engine.url.database != ":memory:":
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()


def register_models() -> None:
    """Import every domain's models so the metadata (and Alembic) sees all tables."""
    from . import idempotency  # noqa: F401
    from .activities import models as _activities, privacy as _activities_privacy  # noqa: F401
    from .audit import models as _audit  # noqa: F401
    from .cafe import models as _cafe, privacy as _cafe_privacy  # noqa: F401
    from .identity import models as _identity  # noqa: F401
    from .notifications import models as _notifications, privacy as _notifications_privacy  # noqa: F401
    from .rehab import models as _rehab, privacy as _rehab_privacy  # noqa: F401
    from .sites import models as _sites  # noqa: F401

def register_api(app: Flask) -> None:
    from miniprogram_api import register_blueprints
    from miniprogram_api.common import ErrorSchema
    from miniprogram_api.errors import register_error_handlers

    api.ERROR_SCHEMA = ErrorSchema
    # Ids are 32-bit integers in the database: a larger one in a path is simply not found (404).
    from miniprogram_api.common import BoundedInt
    app.url_map.converters["int"] = BoundedInt
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer"}}}})
    api.register_converter(BoundedInt, lambda c: {"type": "integer", "format": "int32", "minimum": 0, "maximum": c.max})
    register_blueprints(api)
    register_error_handlers(app)
    if app.config.get("BENCH_ENDPOINTS") and app.config["APP_ENV"] == "bench":
        from miniprogram_api.bench_routes import bp
        app.register_blueprint(bp)


def register_request_hooks(app: Flask) -> None:
    from miniprogram_api.auth import load_user
    from miniprogram_api.errors import envelope

    @app.before_request
    def check_json_body():
        """400 for a body that is not JSON or not an object, before any route sees it."""
        if request.method not in ("POST", "PUT", "PATCH") or request.path.endswith("/payments/wechat/notify"):
            return None
        if request.content_length and request.content_length > app.config["MAX_CONTENT_LENGTH"]:
            return envelope(413)
        raw = request.get_data(cache=True)
        if not raw.strip():
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return envelope(400, "malformed_json", "请求体不是有效的 JSON")
        if not isinstance(body, dict):
            return envelope(400, "body_not_object", "请求体必须是 JSON 对象")
        return None

    app.before_request(load_user)


def register_cli(app: Flask) -> None:
    from .cli import register
    register(app)
