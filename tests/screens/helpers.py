"""A screen as the tests drive it: a browser-like client (cookies kept) that signs in by scanning,
as API.md describes, and sends the session's CSRF token on writes."""
from backend.extensions import db
from backend.identity import web_sessions

from ..conftest import check_canaries

SESSION_COOKIE = "zc_screen"


class Screen:
    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def start(self) -> dict:
        resp = self.http.post("/api/v1/web-sessions")
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def poll(self, ticket: str):
        return self.http.get(f"/api/v1/web-sessions/{ticket}")

    def sign_in(self, confirmer) -> "Screen":
        """Ask for a ticket, have `confirmer` (an Api: the mini-program) confirm it, collect the session."""
        ticket = self.start()["ticket"]
        resp = confirmer.post(f"/web-sessions/{ticket}/confirm")
        assert resp.status_code == 200, resp.get_json()
        resp = self.poll(ticket)
        assert resp.get_json()["status"] == "confirmed", resp.get_json()
        assert self.secret is not None
        return self

    @property
    def secret(self) -> str | None:
        cookie = self.http.get_cookie(SESSION_COOKIE)
        return cookie.value if cookie else None

    def csrf(self) -> str:
        with self.app.app_context():
            _user, row = web_sessions.resolve(self.secret)
            token = web_sessions.csrf_token(row)
            db.session.remove()
            return token

    def request(self, method: str, path: str, json=None, csrf: bool = True, headers: dict | None = None):
        h = dict(headers or {})
        if csrf and method not in ("GET", "HEAD"):
            h.setdefault("X-CSRF-Token", self.csrf())
        resp = self.http.open(path, method=method, json=json, headers=h)
        check_canaries(resp.get_data(as_text=True), f"{method} {path}")
        return resp

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, json=None, **kw):
        return self.request("POST", path, json, **kw)

    def delete(self, path: str, **kw):
        return self.request("DELETE", path, **kw)
