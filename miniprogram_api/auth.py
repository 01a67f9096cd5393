"""Credentials → current user: a bearer token, or a screen's session cookie (docs/SCREENS.md)."""
from flask import g, request

from backend.errors import Forbidden, Unauthenticated
from backend.identity import tokens, web_sessions
from backend.identity.models import AuthToken, User

# Routes a screen calls: a bearer token or the screen's session cookie (docs/SCREENS.md).
BEARER_OR_SCREEN = [{"bearerAuth": []}, {"screenSession": []}]  # flask-smorest `doc(security=...)`
SCREEN = [{"screenSession": []}]

# A screen's session (docs/SCREENS.md): an HttpOnly cookie, counted as credentials only on the
# screens and the API routes they call (never on /me, /auth, /admin...); every write that relies
# on it carries the session's CSRF token in a header.
SESSION_COOKIE = "zc_screen"
CSRF_HEADER = "X-CSRF-Token"
SCREEN_PATHS = ("/board/", "/console/", "/api/v1/staff/", "/api/v1/web-sessions")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def load_user() -> None:
    """before_request: resolve the bearer token if one is sent, else a screen's session cookie.
    Public routes ignore bad credentials."""
    g.user, g.token, g.web_session, g.csrf_failed = None, None, None, False
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = tokens.resolve(header[7:].strip())
        if found:
            g.user, g.token = found
    elif request.cookies.get(SESSION_COOKIE) and request.path.startswith(SCREEN_PATHS):
        found = web_sessions.resolve(request.cookies[SESSION_COOKIE])
        if found is None:
            return
        if request.method not in SAFE_METHODS and not web_sessions.csrf_ok(found[1], request.headers.get(CSRF_HEADER)):
            g.csrf_failed = True  # the cookie alone never authorises a write
            return
        g.user, g.web_session = found


def current_user() -> User:
    user = g.get("user")
    if user is None:
        if g.get("csrf_failed"):
            raise Forbidden("csrf_failed", "页面已过期，请刷新页面后重试")
        raise Unauthenticated()
    return user


def current_web_session():
    """The screen session the request came with (401 if it came with none)."""
    current_user()
    if g.get("web_session") is None:
        raise Unauthenticated()
    return g.web_session


def current_token() -> AuthToken:
    """The bearer token the request came with (401 for a screen's session: it has none)."""
    current_user()
    if g.get("token") is None:
        raise Unauthenticated()
    return g.token


def optional_user() -> User | None:
    return g.get("user")
