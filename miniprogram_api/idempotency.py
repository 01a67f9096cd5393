"""`Idempotency-Key` on create routes: replay the first response, refuse a reused key.

Use as the outermost decorator under `login_required` (and the rate limit). With a key, the route
runs as one unit (`backend.units.transaction`): the key's claim, the body's parsing, the use case
(its own unit joins this one), the serialised response and its record commit together, or none of
them does (backend/idempotency.py says why and what is stored: successful responses only; a
refused or failed request leaves its key free).

A route whose use case spans several units around a network call (placing a café order: create,
prepay, store the prepay id) cannot be one unit: it is marked `@resumable` instead and
its use case must itself be idempotent under the key (`request_key()`), so a retry resumes what
the first request began; the response is then stored in a unit of its own.
"""
from functools import wraps

from flask import request
from sqlalchemy.exc import IntegrityError

from backend import idempotency
from backend.errors import Conflict
from backend.units import transaction

from .auth import current_user
from .errors import envelope

HEADER = "Idempotency-Key"


def request_key() -> str | None:
    """This request's `Idempotency-Key` (checked), for a resumable use case."""
    key = request.headers.get(HEADER)
    if key is not None:
        idempotency.check_key(key)
    return key


def _replayed(replay: idempotency.Replay):
    resp = envelope(replay.status_code)
    resp.set_data(replay.body)
    resp.status_code = replay.status_code
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


def _stored(resp) -> bool:
    return 200 <= resp.status_code < 300


def resumable(func):
    """`idempotent` for a route whose use case is idempotent under the key by itself (module docstring)."""
    return idempotent(func, resumable=True)


def idempotent(func, *, resumable: bool = False):
    @wraps(func)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return func(*args, **kwargs)
        user = current_user()
        fp = idempotency.fingerprint(request.method, request.path, request.get_data())
        if resumable:
            return _resumable(func, args, kwargs, user.id, key, fp)
        try:
            with transaction():
                replay = idempotency.claim(user.id, key, fp)
                if replay is not None:
                    return _replayed(replay)
                resp = func(*args, **kwargs)
                if _stored(resp):
                    idempotency.store(user.id, key, fp, resp.status_code, resp.get_data(as_text=True))
                return resp
        except IntegrityError as e:
            if "idempotency_keys" not in str(e.orig):
                raise
            # Another request stored this key between our claim and our store (cannot happen while the
            # claim holds its lock; the unique constraint is the backstop). Everything rolled back.
            raise Conflict("request_in_progress", "相同的请求正在处理中") from None

    wrapper._apidoc = {**getattr(func, "_apidoc", {}), "idempotent": True,  # documented by the Blueprint
                       "resumable": resumable}
    return wrapper


def _resumable(func, args, kwargs, user_id: int, key: str, fp: str):
    replay = idempotency.stored(user_id, key, fp)
    if replay is not None:
        return _replayed(replay)
    resp = func(*args, **kwargs)  # idempotent under the key by itself: a retry resumes, never repeats
    if _stored(resp):
        replay = idempotency.store_after(user_id, key, fp, resp.status_code, resp.get_data(as_text=True))
        if replay is not None:  # a concurrent retry finished first: answer as it did
            return _replayed(replay)
    return resp
