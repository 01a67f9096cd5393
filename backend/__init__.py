"""The domain application: configuration, logging, the database and the domains. Knows nothing of
HTTP: `miniprogram_api.create_app` builds the web app on top of this one, and `flask worker` and
the CLI run on either.

Reads like a table of contents; each domain declares what it brings (`backend/domains.py`).
"""
import os

import orjson
from flask import Flask

from . import domains as domain_registry
from .config import INSTANCE, ROOT, config_for, database_url
from .extensions import db, migrate

# The domains, in dependency order: each may use the public modules of those before it, never of
# those after it (tests/test_layers.py). Demo seeds run in this order, erasers in the reverse.
DOMAINS = ("audit", "sites", "identity", "notifications", "activities", "rehab", "cafe", "devices", "loans", "reports",
           "idempotency")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE), static_folder=None)
    load_config(app, config)
    register_logging(app)
    register_extensions(app)
    register_domains(app)
    register_cli(app)
    return app


def load_config(app: Flask, overrides: dict | None) -> None:
    cls = config_for((overrides or {}).get("APP_ENV"))
    app.config.from_object(cls)
    app.config.update(overrides or {})
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["APP_ENV"] == "production":
        cls.validate(dict(app.config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    if app.config["APP_ENV"] != "production" and not app.config.get("WECHATPAY_PRIVATE_KEY_PATH"):
        # Development and test pay against the fake with generated keys (never real ones).
        from .wechat.devkeys import ensure_keys
        generated = ensure_keys(app.config["WECHATPAY_DEV_KEYS_DIR"])
        app.config.update({k: v for k, v in generated.items() if k.startswith("WECHATPAY_")})
    # JSON columns (accessibility lists, menu options, site rules) parsed by orjson: the listings read
    # dozens per request and json.loads was a tenth of the activity list's time (bench/).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_deserializer": orjson.loads,
                                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}


def register_logging(app: Flask) -> None:
    from .logs import configure_logging
    configure_logging(app)


def register_extensions(app: Flask) -> None:
    from . import localtime
    from .common.reads import create_read_engine
    from .units import configure_engine, guard_writes
    localtime.install()
    guard_writes()
    db.init_app(app)
    with app.app_context():
        configure_engine(app, db.engine)
        create_read_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True)


def register_domains(app: Flask) -> None:
    """Every domain's models, jobs, privacy hooks, demo, notification kinds, events and CLI."""
    domain_registry.install(app, domain_registry.load(DOMAINS))
    if app.config.get("WECHAT_SUBSCRIBE_TEMPLATES") is None:
        # Development and test: every kind mapped to a template id of the fake, so the demo shows
        # the whole flow. Production configures the real ones (WECHAT_SUBSCRIBE_TEMPLATES).
        app.config["WECHAT_SUBSCRIBE_TEMPLATES"] = {
            kind: {"template_id": f"tmpl_{kind}", "title": spec.title, "fields": dict(spec.fields)}
            for kind, spec in domain_registry.notification_kinds_of(app).items()}


def register_cli(app: Flask) -> None:
    from .cli import register
    register(app, [cmd for d in app.extensions["domains"] for cmd in d.cli])
