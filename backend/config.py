"""Configuration from the environment (DESIGN.md "Configuration").

`APP_ENV` picks the class; every value can be overridden by an environment
variable of the same name. `ProductionConfig.validate` refuses unsafe settings.
"""
import json
import os
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

DEV_SECRET_KEY = "dev-secret-key-change-me"
DEV_FIELD_KEY = "dev-field-encryption-key-change-me"

def _env(name: str, default=None):
    return os.environ.get(name, default)


def database_url(url: str) -> str:
    """`postgres://` and `postgresql://` URLs (as most platforms hand them out) use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    APP_ENV = "development"
    DEBUG = False
    TESTING = False
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    FIELD_ENCRYPTION_KEY = _env("FIELD_ENCRYPTION_KEY", DEV_FIELD_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(_env("DATABASE_URL", f"sqlite:///{INSTANCE / 'app.db'}"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # How long any statement may wait for a lock (PostgreSQL lock_timeout, SQLite busy timeout), and
    # how long a statement may run inside a web request; past either the use case answers 503 `busy`
    # (backend/units.py). Both stay well under gunicorn's worker timeout.
    DB_LOCK_TIMEOUT_MS = _int("DB_LOCK_TIMEOUT_MS", 3000)
    DB_STATEMENT_TIMEOUT_MS = _int("DB_STATEMENT_TIMEOUT_MS", 10000)
    REDIS_URL = _env("REDIS_URL")
    # Redis is optional at run time (backend/redis_gate.py): a call waits at most this long for it,
    # and after a failure Redis is left alone for REDIS_RETRY_SECONDS (the fallbacks serve).
    REDIS_SOCKET_TIMEOUT = float(_env("REDIS_SOCKET_TIMEOUT", 0.5))
    REDIS_RETRY_SECONDS = float(_env("REDIS_RETRY_SECONDS", 5))
    MAX_CONTENT_LENGTH = 64 * 1024
    TOKEN_TTL_DAYS = _int("TOKEN_TTL_DAYS", 7)
    DEFAULT_TIMEZONE = _env("DEFAULT_TIMEZONE", "Asia/Shanghai")
    ORDER_PAY_MINUTES = _int("ORDER_PAY_MINUTES", 15)
    CHECKIN_CODE_MINUTES = _int("CHECKIN_CODE_MINUTES", 10)
    CHECKIN_OPENS_BEFORE_HOURS = _int("CHECKIN_OPENS_BEFORE_HOURS", 3)
    # Assistive devices: the follow-ups (回访) a delivery creates, this many days after the fitting
    # (comma-separated), and how many days before one is due the family is reminded.
    DEVICE_FOLLOWUP_DAYS = _env("DEVICE_FOLLOWUP_DAYS", "30,90,180")
    DEVICE_FOLLOWUP_REMIND_DAYS = _int("DEVICE_FOLLOWUP_REMIND_DAYS", 3)
    # Screens at the counter (docs/SCREENS.md): scan-to-sign-in tickets and the sessions they become.
    WEB_SESSION_TICKET_SECONDS = _int("WEB_SESSION_TICKET_SECONDS", 120)
    WEB_SESSION_HOURS = _int("WEB_SESSION_HOURS", 12)
    # What the sign-in QR code holds: this prefix + the ticket. Production: an https URL on the
    # federation's domain, registered in the mini-program's console ("扫普通链接二维码打开小程序").
    # Empty: this app's own /board/scan/ (development and tests).
    WEB_SESSION_QR_PREFIX = _env("WEB_SESSION_QR_PREFIX", "")
    # How often a screen polls (ETag → 304 when nothing changed): new orders show within this + a request.
    SCREEN_POLL_MS = _int("SCREEN_POLL_MS", 1500)
    # The café board: a card turns amber, then red, after this many minutes since payment.
    SCREEN_WAIT_AMBER_MINUTES = _int("SCREEN_WAIT_AMBER_MINUTES", 5)
    SCREEN_WAIT_RED_MINUTES = _int("SCREEN_WAIT_RED_MINUTES", 10)
    # The "ready" screen keeps a number under 请取餐 this long after its order is completed.
    SCREEN_READY_LINGER_MINUTES = _int("SCREEN_READY_LINGER_MINUTES", 3)

    WECHAT_APPID = _env("WECHAT_APPID", "wxfake0000000000")
    WECHAT_APPSECRET = _env("WECHAT_APPSECRET", "fake-app-secret")
    WECHAT_API_BASE = _env("WECHAT_API_BASE", "http://127.0.0.1:8900/")
    WECHAT_TIMEOUT_SECONDS = float(_env("WECHAT_TIMEOUT_SECONDS", 5))
    WECHAT_MINIPROGRAM_STATE = _env("WECHAT_MINIPROGRAM_STATE", "developer")
    # kind -> {"template_id", "title", "fields": {template field: data key}}; unset outside production:
    # every kind declared by the domains is mapped to a template of the fake (create_app).
    WECHAT_SUBSCRIBE_TEMPLATES = json.loads(_env("WECHAT_SUBSCRIBE_TEMPLATES", "null") or "null")
    # Sending subscribe messages (backend/notifications/delivery.py).
    NOTIFY_BATCH_SIZE = _int("NOTIFY_BATCH_SIZE", 50)
    NOTIFY_MAX_PER_PASS = _int("NOTIFY_MAX_PER_PASS", 1000)
    NOTIFY_MAX_ATTEMPTS = _int("NOTIFY_MAX_ATTEMPTS", 5)
    # Retry n waits NOTIFY_BACKOFF_SECONDS * 2**(n-1), at most NOTIFY_BACKOFF_MAX_SECONDS.
    NOTIFY_BACKOFF_SECONDS = float(_env("NOTIFY_BACKOFF_SECONDS", 30))
    NOTIFY_BACKOFF_MAX_SECONDS = float(_env("NOTIFY_BACKOFF_MAX_SECONDS", 3600))
    # A worker's hold on claimed rows; must exceed the WeChat timeout (≤ 5 s) by far.
    NOTIFY_LEASE_SECONDS = float(_env("NOTIFY_LEASE_SECONDS", 120))

    WECHATPAY_MCHID = _env("WECHATPAY_MCHID", "1900000109")
    WECHATPAY_CERT_SERIAL_NO = _env("WECHATPAY_CERT_SERIAL_NO")
    WECHATPAY_PRIVATE_KEY_PATH = _env("WECHATPAY_PRIVATE_KEY_PATH")
    WECHATPAY_APIV3_KEY = _env("WECHATPAY_APIV3_KEY")
    WECHATPAY_PUBLIC_KEY_PATH = _env("WECHATPAY_PUBLIC_KEY_PATH")
    WECHATPAY_PUBLIC_KEY_ID = _env("WECHATPAY_PUBLIC_KEY_ID")
    WECHATPAY_NOTIFY_URL = _env("WECHATPAY_NOTIFY_URL", "http://127.0.0.1:8000/api/v1/payments/wechat/notify")
    WECHATPAY_API_BASE = _env("WECHATPAY_API_BASE", "http://127.0.0.1:8900/")
    WECHATPAY_TIMEOUT_SECONDS = float(_env("WECHATPAY_TIMEOUT_SECONDS", 5))
    # Where generated dev/test WeChat Pay keys live (never real keys; see backend/wechat/devkeys.py).
    WECHATPAY_DEV_KEYS_DIR = _env("WECHATPAY_DEV_KEYS_DIR", str(INSTANCE / "wechatpay"))

    RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") == "1"
    # Redis down or frozen: Flask-Limiter counts in this process's memory (the same limits, per
    # process) and logs the switch once; it tries Redis again after 1, 2, 4 ... 32 s. Any other
    # limiter failure is logged and lets the request through rather than answering 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": REDIS_SOCKET_TIMEOUT,
                                 "socket_connect_timeout": REDIS_SOCKET_TIMEOUT}
    RATELIMIT_LOGIN_IP = _env("RATELIMIT_LOGIN_IP", "20 per minute;300 per hour")
    RATELIMIT_LOGIN_CODE = _env("RATELIMIT_LOGIN_CODE", "3 per minute")
    RATELIMIT_CREATE_USER = _env("RATELIMIT_CREATE_USER", "30 per minute")
    # Sign-in tickets per IP: an idle sign-in screen asks for one every 2 minutes (30 an hour).
    RATELIMIT_WEB_SESSION_IP = _env("RATELIMIT_WEB_SESSION_IP", "10 per minute;300 per hour")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")
    # Device loans (backend/loans): a reservation holds a unit this many days; live loans per person;
    # renewals per loan (each extends the due date by the product's loan_days).
    DEVICE_HOLD_DAYS = _int("DEVICE_HOLD_DAYS", 7)
    DEVICE_LOAN_MAX_ACTIVE = _int("DEVICE_LOAN_MAX_ACTIVE", 2)
    DEVICE_LOAN_MAX_RENEWALS = _int("DEVICE_LOAN_MAX_RENEWALS", 1)

    # OpenAPI (flask-smorest)
    API_TITLE = "助残服务 mini-program API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Paths in the document carry /api/v1: the API is served from the host the document came from.
    API_SPEC_OPTIONS = {"servers": [{"url": "/", "description": "本服务（路径均以 /api/v1 开头）"}]}
    # Swagger UI is vendored (miniprogram_api/static/swagger-ui/) and served by the app, so the docs
    # page loads nothing from outside; no validator badge (it would send the document's URL out).
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/swagger-ui/"
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}

    @classmethod
    def validate(cls) -> None:
        """Raise RuntimeError if this configuration must not run."""


class DevelopmentConfig(Config):
    APP_ENV = "development"


class TestConfig(Config):
    APP_ENV = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL_ACTIVE", "sqlite://")
    RATELIMIT_ENABLED = False
    TOKEN_TTL_DAYS = 7


class BenchConfig(Config):
    """The benchmarks' config: development defaults plus the ceiling endpoints of bench/."""
    APP_ENV = "bench"
    BENCH_ENDPOINTS = True
    RATELIMIT_ENABLED = False
    LOG_LEVEL = "WARNING"


def _is_loopback(url: str | None) -> bool:
    host = (urlparse(url or "").hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class ProductionConfig(Config):
    APP_ENV = "production"
    WECHAT_API_BASE = _env("WECHAT_API_BASE", "https://api.weixin.qq.com/")
    WECHATPAY_API_BASE = _env("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com/")
    WECHAT_MINIPROGRAM_STATE = _env("WECHAT_MINIPROGRAM_STATE", "formal")
    WECHAT_SUBSCRIBE_TEMPLATES = json.loads(_env("WECHAT_SUBSCRIBE_TEMPLATES", "{}") or "{}")

    @classmethod
    def validate(cls, values: dict | None = None) -> None:
        v = values or {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        problems = []
        if v.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
            problems.append("SECRET_KEY is unset or the development default")
        if v.get("FIELD_ENCRYPTION_KEY") in (None, "", DEV_FIELD_KEY):
            problems.append("FIELD_ENCRYPTION_KEY is unset or the development default")
        if v.get("DEBUG"):
            problems.append("DEBUG is on")
        for name in ("WECHAT_API_BASE", "WECHATPAY_API_BASE"):
            if _is_loopback(v.get(name)):
                problems.append(f"{name} points at loopback (the WeChat fake)")
        if problems:
            raise RuntimeError("refusing to start in production: " + "; ".join(problems))


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig,
           "bench": BenchConfig}


def config_for(env: str | None = None) -> type[Config]:
    name = env or os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
