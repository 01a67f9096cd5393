"""Rate limits (Flask-Limiter; Redis storage when REDIS_URL is set, so limits hold across workers).

Limits are read from config at request time: RATELIMIT_LOGIN_IP, RATELIMIT_LOGIN_CODE,
RATELIMIT_CREATE_USER (bookings, signups and orders per user).
"""
from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from backend.extensions import limiter


def _login_code() -> str:
    body = request.get_json(silent=True, cache=True)
    code = body.get("code") if isinstance(body, dict) else None
    return f"login-code:{str(code)[:128]}"


def _user_key() -> str:
    user = g.get("user")
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def _config(name: str):
    return lambda: current_app.config[name]


login_per_ip = limiter.limit(_config("RATELIMIT_LOGIN_IP"), key_func=get_remote_address, scope="login-ip")
login_per_code = limiter.limit(_config("RATELIMIT_LOGIN_CODE"), key_func=_login_code, scope="login-code")
create_per_user = limiter.limit(_config("RATELIMIT_CREATE_USER"), key_func=_user_key, scope="create")
