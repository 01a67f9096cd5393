"""The Blueprint every domain's routes use: it enforces what it documents, and documents what it
enforces (after BEMServer's `extensions/smorest.py`).

For every operation the OpenAPI document gets:
- a stable `operationId`: the view function's name in camelCase (unique across the API: a test
  checks), and the domain's tag;
- its security: the bearer scheme when `login_required`, `[]` (public) otherwise;
- every error response it can give, each with the envelope's `code` enumerated per status: those
  the way it is declared implies (a body: 400/413/415, arguments: 422, a token: 401, a rate limit:
  429, an Idempotency-Key: 409/422, an id in the path: 404, the database: 503), and those the
  domain code it calls can raise (`miniprogram_api/errordoc.py`).
The summary is the first line of the view's docstring (in Chinese, for the mini-program team).
"""
from functools import wraps

import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from .auth import current_user

BEARER = [{"bearerAuth": []}]

STATUS_TEXT = {
    400: "请求体格式错误", 401: "未登录，或登录已失效", 403: "没有权限", 404: "不存在（或不属于当前用户）",
    409: "状态冲突", 413: "请求体过大", 415: "请求体的类型不对", 422: "输入有误", 429: "请求过于频繁",
    503: "服务暂时不可用，可稍后重试",
}


class StrictParser(FlaskParser):
    """Unknown query parameters are errors too (API.md), as in bodies: the schema's RAISE applies.
    `multipart`: the fields and the files of a multipart/form-data body, read by one schema (an
    upload with the fields that go with it)."""
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None,
                                   "multipart": None}

    def load_multipart(self, req, schema):
        merged = MultiDict(req.form)
        for key, value in req.files.items(multi=True):
            merged.add(key, value)
        return self._makeproxy(merged, schema)


StrictParser.__location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}


def mark(**markers):
    """Record facts about a view for its documentation (rate limited, idempotent, ...)."""
    def apply(fn):
        fn._apidoc = {**getattr(fn, "_apidoc", {}), **markers}
        return fn
    return apply


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def error_schema(codes: set[str]) -> dict:
    return {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "enum": sorted(codes)},
            "message": {"type": "string", "description": "给人看的中文说明"},
            "fields": {"type": "object", "description": "仅 422：字段 → 说明",
                       "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}}}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_operation_doc)

    def arguments(self, schema, *args, **kwargs):
        # One schema instance per route, not per request: given a class, webargs instantiates it on
        # every request (deep-copying its fields), a tenth of a cheap listing's time (bench/).
        # Loading keeps no state on the instance, so sharing it between requests and threads is safe.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def login_required(self, func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            current_user()
            return func(*args, **kwargs)
        return mark(bearer=True)(self.doc(security=BEARER)(wrapper))

    def route(self, rule, **options):
        inner = super().route(rule, **options)

        def decorator(func):
            return inner(mark(path_params="<" in rule)(func))
        return decorator

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        for method, doc in self._docs[endpoint].items():
            if method != "parameters":
                doc["view"] = obj

    def _prepare_operation_doc(self, doc, doc_info, *, api, app, spec, method):
        from .errordoc import errors_reachable
        view = doc_info.get("view")
        doc["operationId"] = camel(view.__name__)
        if "security" not in doc_info.get("manual_doc", {}):
            doc["security"] = []
        if doc_info.get("errors_by_hand"):
            return doc
        errors: dict[int, set[str]] = {}

        def add(status, *codes):
            errors.setdefault(status, set()).update(codes)

        if method in ("post", "put", "patch"):
            kind = getattr(view, "body_kind", ("json",))[0]
            if kind == "json":
                add(400, "malformed_json", "body_not_object")
            add(413, "payload_too_large")
            add(415, "unsupported_media_type")
        if doc_info.get("arguments") or method == "get":
            add(422, "validation_error")  # unknown query parameters are refused everywhere
        if doc_info.get("path_params"):
            add(404, "not_found")
        if doc_info.get("bearer"):
            add(401, "unauthenticated")
        if doc_info.get("rate_limited"):
            add(429, "rate_limited")
        if doc_info.get("idempotent"):
            if not doc_info.get("resumable"):  # a resumable use case answers a twin, never 409
                add(409, "request_in_progress")
            add(422, "idempotency_key_reused", "validation_error")
        if not doc_info.get("no_database"):
            add(503, "database_unavailable", "busy")
        for status, codes in errors_reachable(view).items():
            add(status, *codes)
        security = doc_info.get("manual_doc", {}).get("security") or []
        if not any("screenSession" in scheme for scheme in security):
            # Only a screen's cookie can fail its CSRF check (miniprogram_api/auth.py).
            errors.get(403, set()).discard("csrf_failed")
            if not errors.get(403):
                errors.pop(403, None)
        responses = doc.setdefault("responses", {})
        responses.pop("default", None)
        for status in sorted(errors):
            codes = errors[status]
            responses[str(status)] = {
                "description": f"{STATUS_TEXT.get(status, '错误')}。code：{'、'.join(sorted(codes))}",
                "content": {"application/json": {"schema": error_schema(codes)}}}
        doc["responses"] = dict(sorted(responses.items(), key=lambda kv: str(kv[0])))  # success first, then errors
        return doc

