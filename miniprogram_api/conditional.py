"""Conditional GETs for what screens poll: an ETag on the response, 304 Not Modified (no body) when
the client's `If-None-Match` already names it. The screens poll every couple of seconds; most
answers are then a few bytes (docs/SCREENS.md)."""
from copy import deepcopy
from functools import wraps

from flask import request



def etagged(fn):
    """Put above `@blp.response(...)`: the view's response gets a strong ETag (a hash of its body),
    `Cache-Control: private, no-cache`, and becomes a 304 when `If-None-Match` matches."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        response = fn(*args, **kwargs)
        if response.status_code != 200:
            return response
        response.add_etag()
        response.headers["Cache-Control"] = "private, no-cache"
        return response.make_conditional(request)

    # Documented as flask-smorest documents its own ETags: If-None-Match, 304, the ETag header.
    wrapper._apidoc = {**deepcopy(getattr(fn, "_apidoc", {})), "etag": True}
    return wrapper
