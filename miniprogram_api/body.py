"""Request bodies, checked before any route sees them: every bad body gets the error envelope.

By default a POST/PUT/PATCH body is JSON (`application/json`), at most `MAX_CONTENT_LENGTH`
(64 KiB), an object, nested at most `MAX_JSON_DEPTH` levels. A route that takes something else
says so: `@upload(max_bytes)` for a multipart upload (a spreadsheet), `@json_body(max_bytes)` for
JSON past the default limit (a signed handover's base64 PNG), or
`@raw_body(max_bytes)` for a body the route verifies itself (WeChat Pay's signed notifies).
"""
import orjson
from flask import current_app, request

from .errors import envelope

MAX_JSON_DEPTH = 32
_WRITES = ("POST", "PUT", "PATCH")


def upload(max_bytes: int):
    """The route takes `multipart/form-data` of at most `max_bytes` (its files in `request.files`)."""
    def mark(fn):
        fn.body_kind = ("multipart", max_bytes)
        return fn
    return mark


def json_body(max_bytes: int):
    """The route takes JSON as every route does, but up to `max_bytes` (a signed handover carries a
    base64 PNG of up to 200 KB: the delivery and loan checkout routes take 512 KiB)."""
    def mark(fn):
        fn.body_kind = ("json", max_bytes)
        return fn
    return mark


def raw_body(max_bytes: int):
    """The route reads and checks its raw body itself (any content type), up to `max_bytes`."""
    def mark(fn):
        fn.body_kind = ("raw", max_bytes)
        return fn
    return mark


def _route_kind() -> tuple[str, int]:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "body_kind", None) or ("json", current_app.config["MAX_CONTENT_LENGTH"])


def check_body():
    """before_request: 413 / 415 / 400 for a body the route cannot take (None lets it through)."""
    if request.method not in _WRITES:
        return None
    kind, limit = _route_kind()
    # Enforced while reading too, so a chunked body (no Content-Length) cannot exceed it.
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        return envelope(413, message=f"请求内容过大（上限 {limit // 1024} KiB）")
    if kind == "raw":
        return None
    if kind == "multipart":
        if request.mimetype != "multipart/form-data":
            return envelope(415, message="请以 multipart/form-data 上传文件")
        return None
    raw = request.get_data(cache=True)  # 413 (RequestEntityTooLarge) past the limit
    if not raw.strip():
        return None
    if request.mimetype != "application/json":
        return envelope(415, message="请求体须为 JSON（Content-Type: application/json）")
    try:
        body = orjson.loads(raw)  # bounded recursion: a deeply nested body is an error, not a crash
    except orjson.JSONDecodeError:
        return envelope(400, "malformed_json", "请求体不是有效的 JSON")
    if not isinstance(body, dict):
        return envelope(400, "body_not_object", "请求体必须是 JSON 对象")
    if _depth(body) > MAX_JSON_DEPTH:
        return envelope(400, "malformed_json", f"请求体嵌套过深（上限 {MAX_JSON_DEPTH} 层）")
    return None


def _takes_query(view) -> bool:
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "query" for p in parameters)


def check_query():
    """before_request: unknown query parameters are errors (API.md), on routes that declare none too."""
    if not request.args or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or _takes_query(view) or not request.endpoint.split(".")[0] in _API_BLUEPRINTS():
        return None
    return envelope(422, "validation_error", "输入有误", {name: ["不允许的字段"] for name in request.args})


def _API_BLUEPRINTS() -> set[str]:
    """Blueprints of the API (flask-smorest's): the docs page and static files take what they like."""
    return set(current_app.extensions["flask-smorest"]["blp_name_to_api"])


def _depth(value) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node if isinstance(v, (dict, list)))
    return deepest
