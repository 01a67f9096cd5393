"""`Idempotency-Key` on create routes: replay the first response, refuse a reused key.

Use as the outermost decorator under `login_required`, so the stored response is
exactly what the client got (status and body), errors included; a 5xx or an
unexpected exception releases the key so the client can retry.
"""
from functools import wraps

from flask import request

from backend import idempotency
from backend.errors import DomainError

from .auth import current_user
from .errors import domain_error, envelope

HEADER = "Idempotency-Key"


def idempotent(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return func(*args, **kwargs)
        user = current_user()
        fp = idempotency.fingerprint(request.method, request.path, request.get_data())
        replay = idempotency.claim(user.id, key, fp)
        if replay is not None:
            resp = envelope(replay.status_code)
            resp.set_data(replay.body)
            resp.status_code = replay.status_code
            resp.headers["Idempotent-Replayed"] = "true"
            return resp
        try:
            resp = func(*args, **kwargs)
        except DomainError as e:
            if e.status >= 500:
                idempotency.release(user.id, key)
                raise
            resp = domain_error(e)
        except Exception:
            idempotency.release(user.id, key)
            raise
        if resp.status_code >= 500:
            idempotency.release(user.id, key)
        else:
            idempotency.store(user.id, key, resp.status_code, resp.get_data(as_text=True))
        return resp
    wrapper._apidoc = {**getattr(func, "_apidoc", {}), "idempotent": True}  # documented by the Blueprint
    return wrapper
