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

NOTIFICATION_KINDS = (
    "signup_confirmed", "signup_promoted", "activity_cancelled", "activity_changed", "activity_reminder",
    "appointment_booked", "appointment_cancelled", "appointment_reminder",
    "order_ready", "order_message", "order_refunded", "volunteer_reviewed",
)


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


# Per kind: the template's title and its fields, template field key -> our `data` key.
# The key names WeChat's value type (thing1 is a `thing`, time2 a `time`...): the sender
# cuts and formats each value by it. `$title` / `$body` take the notification's own text.
# These are the data keys domains pass to notify() (see backend/notifications/outbox.py).
TEMPLATE_FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    "signup_confirmed": ("活动报名成功通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location", "name4": "resident_name"}),
    "signup_promoted": ("候补转正通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location", "name4": "resident_name"}),
    "activity_cancelled": ("活动取消通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "reason"}),
    "activity_changed": ("活动变更通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location"}),
    "activity_reminder": ("活动开始提醒", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location"}),
    "appointment_booked": ("预约成功通知", {
        "thing1": "service", "time2": "starts_at", "thing3": "site", "name4": "resident"}),
    "appointment_cancelled": ("预约取消通知", {
        "thing1": "service", "time2": "starts_at", "thing3": "reason"}),
    "appointment_reminder": ("预约就诊提醒", {
        "thing1": "service", "time2": "starts_at", "thing3": "site"}),
    "order_ready": ("取餐通知", {
        "character_string1": "number", "thing2": "cafe", "thing3": "status"}),
    "order_message": ("订单消息通知", {
        "character_string1": "number", "thing2": "message"}),
    "order_refunded": ("退款成功通知", {
        "character_string1": "number", "amount2": "amount", "thing3": "status"}),
    "volunteer_reviewed": ("志愿者审核结果通知", {
        "phrase1": "result", "thing2": "note", "time3": "time"}),
}


def fake_templates() -> dict:
    """Every notification kind mapped to a template id of the fake, so demos show the flow.

    Production sets `WECHAT_SUBSCRIBE_TEMPLATES` to JSON of the same shape:
    {kind: {"template_id": "...", "title": "...", "fields": {"thing1": "activity", ...}}}.
    """
    return {kind: {"template_id": f"tmpl_{kind}", "title": title, "fields": dict(fields)}
            for kind, (title, fields) in TEMPLATE_FIELDS.items()}


class Config:
    APP_ENV = "development"
    DEBUG = False
    TESTING = False
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    FIELD_ENCRYPTION_KEY = _env("FIELD_ENCRYPTION_KEY", DEV_FIELD_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(_env("DATABASE_URL", f"sqlite:///{INSTANCE / 'app.db'}"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = _env("REDIS_URL")
    MAX_CONTENT_LENGTH = 64 * 1024
    TOKEN_TTL_DAYS = _int("TOKEN_TTL_DAYS", 7)
    DEFAULT_TIMEZONE = _env("DEFAULT_TIMEZONE", "Asia/Shanghai")
    ORDER_PAY_MINUTES = _int("ORDER_PAY_MINUTES", 15)
    CHECKIN_CODE_MINUTES = _int("CHECKIN_CODE_MINUTES", 10)
    CHECKIN_OPENS_BEFORE_HOURS = _int("CHECKIN_OPENS_BEFORE_HOURS", 3)

    WECHAT_APPID = _env("WECHAT_APPID", "wxfake0000000000")
    WECHAT_APPSECRET = _env("WECHAT_APPSECRET", "fake-app-secret")
    WECHAT_API_BASE = _env("WECHAT_API_BASE", "http://127.0.0.1:8900/")
    WECHAT_TIMEOUT_SECONDS = float(_env("WECHAT_TIMEOUT_SECONDS", 5))
    WECHAT_MINIPROGRAM_STATE = _env("WECHAT_MINIPROGRAM_STATE", "developer")
    WECHAT_SUBSCRIBE_TEMPLATES = json.loads(_env("WECHAT_SUBSCRIBE_TEMPLATES", "null") or "null") or fake_templates()
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
    # Where generated dev/test WeChat Pay keys live (never real keys; see devtools/keys.py).
    WECHATPAY_DEV_KEYS_DIR = _env("WECHATPAY_DEV_KEYS_DIR", str(INSTANCE / "wechatpay"))

    RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_LOGIN_IP = _env("RATELIMIT_LOGIN_IP", "20 per minute;300 per hour")
    RATELIMIT_LOGIN_CODE = _env("RATELIMIT_LOGIN_CODE", "3 per minute")
    RATELIMIT_CREATE_USER = _env("RATELIMIT_CREATE_USER", "30 per minute")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    # OpenAPI (flask-smorest)
    API_TITLE = "助残服务 mini-program API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"

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
