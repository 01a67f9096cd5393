"""Every error leaves as the envelope of API.md: {"error": {code, message, fields?}}. In one place."""
import logging
import re

from flask import Flask, current_app, json
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from backend.errors import DomainError
from backend.extensions import db
from backend.units import Busy, is_timeout

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: ("bad_request", "请求格式错误"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持该请求方法"),
    # A request body that stalled (serving/bounded_input.py); the worker answers it the same way.
    408: ("request_timeout", "请求超时，请重试"),
    409: ("conflict", "状态冲突"),
    413: ("payload_too_large", "请求内容过大（上限 64 KiB）"),
    415: ("unsupported_media_type", "请使用 application/json"),
    422: ("validation_error", "输入有误"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试"),
}


def envelope(status: int, code: str | None = None, message: str | None = None, fields: dict | None = None,
             headers: dict | None = None):
    default_code, default_message = HTTP_CODES.get(status, ("error", "请求失败"))
    err = {"code": code or default_code, "message": message or default_message}
    if fields:
        err["fields"] = fields
    body = json.dumps({"error": err}, ensure_ascii=False)
    resp = current_app.response_class(body, status=status, mimetype="application/json")
    resp.headers["Content-Type"] = "application/json; charset=utf-8"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs messages {"json": {"a": {"b": [..]}}} → {"a.b": [..]} (location dropped)."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                out[name] = [_zh(v) for v in value]
            else:
                out.update(_flatten(value, name))
    elif isinstance(messages, list):
        out[prefix or "_schema"] = [_zh(str(m)) for m in messages]
    return out


_ZH = {
    "Missing data for required field.": "必填",
    "Unknown field.": "不允许的字段",
    "Not a valid integer.": "应为整数",
    "Not a valid string.": "应为字符串",
    "Not a valid boolean.": "应为布尔值",
    "Not a valid list.": "应为列表",
    "Not a valid datetime.": "应为带时区偏移的日期时间",
    "Not a valid date.": "应为日期，如 2026-12-01",
    "Field may not be null.": "不能为空",
    "Invalid input type.": "类型错误",
    "Not a valid mapping type.": "应为对象",
    "Not a valid number.": "应为数字",
    "Not a valid URL.": "应为网址",
    "Not a valid tuple.": "应为列表",
    "Not a valid UUID.": "格式不正确",
    "Invalid value.": "取值无效",
    "String does not match expected pattern.": "格式不正确",
    "Field may not be blank.": "不能为空",
    "Invalid input.": "输入无效",
}


_RANGES = [
    (re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."), "须在 {0} 到 {1} 之间"),
    (re.compile(r"Must be greater than (\S+) and less than (\S+)\."), "须大于 {0} 且小于 {1}"),
    (re.compile(r"Must be greater than or equal to (\S+)\."), "不能小于 {0}"),
    (re.compile(r"Must be less than or equal to (\S+)\."), "不能大于 {0}"),
    (re.compile(r"Must be greater than (\S+)\."), "须大于 {0}"),
    (re.compile(r"Must be less than (\S+)\."), "须小于 {0}"),
    (re.compile(r"Length must be between (\d+) and (\d+)\."), "长度须在 {0} 到 {1} 之间"),
    (re.compile(r"Length must be (\d+)\."), "长度须为 {0}"),
    (re.compile(r"Shorter than minimum length (\d+)\."), "长度不能少于 {0}"),
    (re.compile(r"Longer than maximum length (\d+)\."), "长度不能超过 {0}"),
    (re.compile(r"Must be one of: (.*)\."), "取值无效，可选：{0}"),
]


def _zh(message: str) -> str:
    """marshmallow's and webargs' English messages, in Chinese (every message a person sees is)."""
    if message in _ZH:
        return _ZH[message]
    for pattern, text in _RANGES:
        m = pattern.fullmatch(message)
        if m:
            return text.format(*(g.rstrip(".") for g in m.groups()))
    return message


def http_error(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        messages = data["messages"]
        # webargs nests by location ("json", "query"); the client only needs the field names.
        if isinstance(messages, dict) and set(messages) <= {"json", "query", "headers", "files", "form", "view_args"}:
            merged: dict = {}
            for v in messages.values():
                merged.update(_flatten(v))
            fields = merged
        else:
            fields = _flatten(messages)
        return envelope(422, "validation_error", "输入有误", fields=fields)
    if status == 400 and data.get("messages"):
        return envelope(400, "malformed_json", "请求体不是有效的 JSON")
    headers = {}
    if status == 429:
        # A floor; Flask-Limiter's after_request raises it to the window's real reset time.
        limit = getattr(error, "limit", None)
        headers["Retry-After"] = str(limit.limit.get_expiry() if limit is not None else 60)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return envelope(status, headers=headers)


def domain_error(error: DomainError):
    db.session.rollback()  # the use case rolled back already; this covers checks made outside one
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return envelope(error.status, error.code, error.message, error.fields, headers=headers)


def database_error(error: DBAPIError):
    """The database went away mid-request: nothing was committed; say 503, not 500."""
    db.session.rollback()
    if is_timeout(error):  # a lock or statement wait past its bound, outside a use case
        return domain_error(Busy())
    if isinstance(error, DataError):
        # A value the schema let through but the column cannot hold: the client's input, not our crash.
        log.warning("data error reached the database: %s", type(error.orig).__name__)
        return envelope(422, "validation_error", "输入超出允许范围")
    if isinstance(error, OperationalError) or error.connection_invalidated:
        log.error("database unavailable: %s", type(error.orig).__name__)
        return envelope(503, "database_unavailable", "数据库暂时不可用，请稍后再试")
    return unexpected_error(error)


def overflow_error(error: OverflowError):
    """A number or date too large for the database or the calendar: the client's input, a 422."""
    db.session.rollback()
    log.warning("overflow on input: %s", error)
    return envelope(422, "validation_error", "数值超出允许范围")


def unexpected_error(error: Exception):
    db.session.rollback()
    log.exception("unhandled error")  # the traceback goes to the log, never to the client
    return envelope(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(OverflowError, overflow_error)
    app.register_error_handler(Exception, unexpected_error)
