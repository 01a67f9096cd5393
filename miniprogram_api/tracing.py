"""Request ids: the client's `X-Request-Id` if it sent a safe one, else a new one; echoed back and
carried by every log line of the request (`g.log_context`, read by backend/logs.py)."""
import re
import uuid

from flask import g, request

_SAFE_ID = re.compile(r"[\w.-]{1,64}")


def assign_request_id() -> None:
    rid = request.headers.get("X-Request-Id", "")
    g.request_id = rid if _SAFE_ID.fullmatch(rid) else uuid.uuid4().hex
    g.log_context = {"request_id": g.request_id, "method": request.method, "path": request.path}


def echo_request_id(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response
