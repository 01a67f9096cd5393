"""Rate limits (Flask-Limiter; Redis storage when REDIS_URL is set, so limits hold across workers).

Limits are read from config at request time: RATELIMIT_LOGIN_IP, RATELIMIT_LOGIN_CODE,
RATELIMIT_CREATE_USER (bookings, signups and orders per user), RATELIMIT_WEB_SESSION_IP (screens' sign-in
tickets per IP).
"""
from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from .blueprint import mark
from .extensions import limiter


def _login_code() -> str:
    body = request.get_json(silent=True, cache=True)
    code = body.get("code") if isinstance(body, dict) else None
    return f"login-code:{str(code)[:128]}"


def _user_key() -> str:
    user = g.get("user")
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def _config(name: str):
    return lambda: current_app.config[name]


def _documented(limit):
    """The limit, and a mark the Blueprint reads to document its 429."""
    def apply(fn):
        return mark(rate_limited=True)(limit(fn))
    return apply


login_per_ip = _documented(limiter.limit(_config("RATELIMIT_LOGIN_IP"), key_func=get_remote_address,
                                         scope="login-ip"))
login_per_code = _documented(limiter.limit(_config("RATELIMIT_LOGIN_CODE"), key_func=_login_code,
                                           scope="login-code"))
create_per_user = _documented(limiter.limit(_config("RATELIMIT_CREATE_USER"), key_func=_user_key, scope="create"))
web_session_per_ip = _documented(limiter.limit(_config("RATELIMIT_WEB_SESSION_IP"), key_func=get_remote_address,
                                               scope="web-session-ip"))
