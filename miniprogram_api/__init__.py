"""The HTTP layer: the web app the mini-program talks to. Knows nothing of SQL.

`create_app` builds the domain app (`backend.create_app`) and adds what only the web needs: the
OpenAPI document and its routes (one package per domain, mirroring `backend.DOMAINS`), request
bodies, the bearer token, request ids and the error envelope.
"""
import importlib
import importlib.util

from flask import Flask

import backend

from .extensions import api, limiter


def create_app(config: dict | None = None) -> Flask:
    app = backend.create_app(config)
    app.json.ensure_ascii = False  # Chinese text unescaped (API.md)
    app.json.sort_keys = False
    register_proxy(app)
    register_rate_limits(app)
    register_api(app)
    register_request_hooks(app)
    return app


def register_proxy(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from .method_override import PatchOverride
    # One trusted proxy (nginx) in front: its X-Forwarded-For gives the client IP for rate limits.
    app.wsgi_app = ProxyFix(PatchOverride(app.wsgi_app), x_for=1, x_proto=1, x_host=1)


def register_rate_limits(app: Flask) -> None:
    # Redis storage when REDIS_URL is set, so limits hold across workers and hosts.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def domain_blueprints() -> list:
    """Each domain's blueprints, from the package `miniprogram_api.<domain>` (a domain may have no routes)."""
    out = []
    for name in backend.DOMAINS:
        spec = importlib.util.find_spec(f"{__name__}.{name}")
        if spec is not None and spec.submodule_search_locations is not None:
            out.extend(importlib.import_module(f"{__name__}.{name}").blueprints)
    return out


def register_api(app: Flask) -> None:
    from .common import BoundedInt, ErrorSchema
    from .errors import register_error_handlers
    from .ops import routes as ops

    api.ERROR_SCHEMA = ErrorSchema
    # Ids are 32-bit integers in the database: a larger one in a path is simply not found (404).
    app.url_map.converters["int"] = BoundedInt
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer"},
        "screenSession": {"type": "apiKey", "in": "cookie", "name": "zc_screen", "description":
                          "A screen's session (signed in by scanning, /web-sessions); writes also need "
                          "the session's CSRF token in the X-CSRF-Token header (docs/SCREENS.md)"}}}})
    api.register_converter(BoundedInt, lambda c: {"type": "integer", "format": "int32", "minimum": 0, "maximum": c.max})
    for blp in (ops.blp, *domain_blueprints()):
        api.register_blueprint(blp)
    register_error_handlers(app)
    from .swagger_ui import register_swagger_ui  # /api/v1/docs assets, served offline
    register_swagger_ui(app)
    from .screens import register_screens  # HTML pages for devices at the counter, not API operations
    register_screens(app)
    if app.config.get("BENCH_ENDPOINTS") and app.config["APP_ENV"] == "bench":
        from .bench_routes import bp
        app.register_blueprint(bp)


def register_request_hooks(app: Flask) -> None:
    from .auth import load_user
    from .body import check_body, check_query
    from .tracing import assign_request_id, echo_request_id

    app.before_request(assign_request_id)
    app.before_request(check_body)
    app.before_request(check_query)
    app.before_request(load_user)
    app.after_request(echo_request_id)
