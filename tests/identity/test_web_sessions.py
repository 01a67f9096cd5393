"""Signing screens in by scanning: tickets and their QR code, confirmation with a bearer token, the
screen's polling and session cookie, who may collect it, expiry, revocation with the user's tokens,
CSRF on every write, and what the database keeps (hashes only)."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from backend.db import utcnow
from backend.extensions import db
from backend.identity import web_sessions
from backend.identity.models import User, WebSession

from ..factories import SiteFactory, staff_of
from ..screens.helpers import SESSION_COOKIE, Screen

REQUESTER_COOKIE = "zc_screen_requester"


@pytest.fixture
def staffer(login, db_session):
    api = login()
    site = SiteFactory(kind="cafe")
    staff_of(db.session.get(User, api.user_id), site)
    api.site_id = site.id
    return api


def set_cookie_headers(resp) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in resp.headers.getlist("Set-Cookie")}


def test_a_ticket_comes_with_its_qr_code_and_the_requester_cookie(app):
    screen = Screen(app)
    resp = screen.http.post("/api/v1/web-sessions")
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"ticket", "qr_svg", "qr_text", "expires_at"}
    assert len(body["ticket"]) >= 32
    assert body["qr_text"] == "http://localhost/board/scan/" + body["ticket"]
    assert body["qr_svg"].startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in body["qr_svg"]
    assert "<title>" in body["qr_svg"] and "<script" not in body["qr_svg"]
    expires = datetime.fromisoformat(body["expires_at"])
    assert body["expires_at"].endswith("+08:00")
    assert timedelta(seconds=110) < expires - utcnow() <= timedelta(seconds=120)
    assert resp.headers["Cache-Control"] == "no-store"
    cookie = set_cookie_headers(resp)[REQUESTER_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/api/v1/web-sessions" in cookie
    assert screen.poll(body["ticket"]).get_json()["status"] == "pending"
    # A second ticket from the same browser keeps its requester secret (two tabs may sign in at once).
    again = screen.http.post("/api/v1/web-sessions")
    assert set_cookie_headers(again)[REQUESTER_COOKIE] == cookie
    assert screen.poll(body["ticket"]).status_code == 200


def test_confirmed_ticket_gives_the_requesting_screen_a_session_once(app, staffer):
    screen = Screen(app)
    ticket = screen.start()["ticket"]
    confirmed = staffer.post(f"/web-sessions/{ticket}/confirm")
    assert confirmed.status_code == 200
    body = confirmed.get_json()
    assert body["status"] == "confirmed"
    assert timedelta(hours=11, minutes=59) < datetime.fromisoformat(body["expires_at"]) - utcnow() <= timedelta(hours=12)

    first = screen.poll(ticket)
    assert first.get_json() == {"status": "confirmed", "expires_at": body["expires_at"]}
    cookie = set_cookie_headers(first)[SESSION_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" in cookie  # outside development
    assert "Max-Age=43200" in cookie
    assert first.headers["Cache-Control"] == "no-store"
    again = screen.poll(ticket)
    assert again.get_json()["status"] == "confirmed" and SESSION_COOKIE not in set_cookie_headers(again)

    board = screen.get(f"/api/v1/staff/cafes/{staffer.site_id}/orders")
    assert board.status_code == 200, board.get_json()
    used = staffer.post(f"/web-sessions/{ticket}/confirm")
    assert used.status_code == 409 and used.get_json()["error"]["code"] == "ticket_used"


def test_only_the_browser_that_asked_can_collect_the_session(app, staffer):
    """Whoever photographs the QR code learns the ticket, not the session."""
    screen, onlooker = Screen(app), Screen(app)
    ticket = screen.start()["ticket"]
    assert onlooker.poll(ticket).status_code == 404
    onlooker.start()  # a requester cookie of its own does not help
    staffer.post(f"/web-sessions/{ticket}/confirm")
    stolen = onlooker.poll(ticket)
    assert stolen.status_code == 404 and SESSION_COOKIE not in set_cookie_headers(stolen)
    assert onlooker.secret is None
    assert screen.poll(ticket).get_json()["status"] == "confirmed" and screen.secret


def test_an_expired_ticket_cannot_be_confirmed(app, staffer, client):
    screen = Screen(app)
    ticket = screen.start()["ticket"]
    with app.app_context():
        db.session.execute(update(WebSession).values(ticket_expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert screen.poll(ticket).get_json()["status"] == "expired"
    resp = staffer.post(f"/web-sessions/{ticket}/confirm")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "ticket_expired"
    assert screen.poll(ticket).get_json()["status"] == "expired" and screen.secret is None
    assert staffer.post("/web-sessions/no-such-ticket/confirm").status_code == 404
    assert staffer.post(f"/web-sessions/{'x' * 300}/confirm").status_code == 404
    assert client.post(f"/web-sessions/{screen.start()['ticket']}/confirm").status_code == 401


def test_a_confirmation_not_collected_in_time_lapses(app, staffer):
    screen = Screen(app)
    ticket = screen.start()["ticket"]
    staffer.post(f"/web-sessions/{ticket}/confirm")
    with app.app_context():
        db.session.execute(update(WebSession).values(ticket_expires_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    assert screen.poll(ticket).get_json()["status"] == "expired" and screen.secret is None


def test_a_screen_cannot_sign_in_another_screen(app, staffer):
    """Confirming needs the mini-program's bearer token: a screen's session never extends itself."""
    screen = Screen(app).sign_in(staffer)
    other = Screen(app).start()["ticket"]
    resp = screen.post(f"/api/v1/web-sessions/{other}/confirm")
    assert resp.status_code == 401


def test_only_hashes_are_stored(app, staffer):
    screen = Screen(app)
    ticket = screen.start()["ticket"]
    requester = screen.http.get_cookie(REQUESTER_COOKIE, path="/api/v1/web-sessions").value
    staffer.post(f"/web-sessions/{ticket}/confirm")
    screen.poll(ticket)
    with app.app_context():
        row = db.session.scalars(select(WebSession)).one()
        stored = " ".join(str(getattr(row, c.name)) for c in WebSession.__table__.columns)
        db.session.remove()
    for secret in (ticket, requester, screen.secret, screen.csrf()):
        assert secret not in stored


def test_sessions_expire(app, staffer):
    screen = Screen(app).sign_in(staffer)
    path = f"/api/v1/staff/cafes/{staffer.site_id}/orders"
    assert screen.get(path).status_code == 200
    with app.app_context():
        db.session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert screen.get(path).status_code == 401


def test_sessions_are_revoked_with_the_users_tokens(app, staffer, login):
    """A role change (or account deletion) revokes every token and every screen of the user."""
    admin = login()
    with app.app_context():
        db.session.get(User, admin.user_id).is_admin = True
        db.session.commit()
    screen = Screen(app).sign_in(staffer)
    pending = Screen(app)
    ticket = pending.start()["ticket"]
    staffer.post(f"/web-sessions/{ticket}/confirm")  # confirmed, not yet collected
    path = f"/api/v1/staff/cafes/{staffer.site_id}/orders"
    assert staffer.post("/auth/logout").status_code == 204  # one token ended: the screen stays
    assert screen.get(path).status_code == 200
    assert admin.delete(f"/admin/sites/{staffer.site_id}/staff/{staffer.user_id}").status_code == 204
    assert screen.get(path).status_code == 401
    assert pending.poll(ticket).get_json()["status"] == "expired" and pending.secret is None


def test_account_deletion_ends_and_erases_its_screens(app, staffer):
    screen = Screen(app).sign_in(staffer)
    export = staffer.get("/me/export").get_json()
    [entry] = export["web_sessions"]
    assert entry["confirmed_at"].endswith("+08:00") and entry["revoked_at"] is None
    assert staffer.delete("/me").status_code == 204
    assert screen.get(f"/api/v1/staff/cafes/{staffer.site_id}/orders").status_code == 401
    with app.app_context():
        assert db.session.scalars(select(WebSession).where(WebSession.user_id == staffer.user_id)).all() == []
        db.session.remove()


def test_every_write_from_a_screen_needs_its_csrf_token(app, staffer):
    screen = Screen(app).sign_in(staffer)
    path = "/api/v1/staff/orders/999999/status"
    for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": ""}):
        resp = screen.post(path, {"status": "accepted"}, csrf=False, headers=headers)
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "csrf_failed", headers
    # With the token the write reaches the use case (here: no such order).
    assert screen.post(path, {"status": "accepted"}).status_code == 404
    # Another session's token is no good either.
    other = Screen(app).sign_in(staffer)
    resp = screen.post(path, {"status": "accepted"}, csrf=False, headers={"X-CSRF-Token": other.csrf()})
    assert resp.status_code == 403
    # The mini-program (a bearer token) needs no CSRF token.
    assert staffer.post("/staff/orders/999999/status", {"status": "accepted"}).status_code == 404


def test_the_cookie_counts_only_where_screens_go(app, staffer):
    """/me, /auth, /admin... never accept a screen's cookie: a tablet left signed in cannot delete
    the account or read the person's export."""
    screen = Screen(app).sign_in(staffer)
    assert screen.get("/api/v1/me").status_code == 401
    assert screen.get("/api/v1/me/export").status_code == 401
    assert screen.delete("/api/v1/me").status_code == 401
    assert screen.post("/api/v1/auth/logout").status_code == 401
    assert screen.get(f"/api/v1/staff/cafes/{staffer.site_id}/orders").status_code == 200


def test_a_screen_signs_out(app, staffer):
    screen = Screen(app).sign_in(staffer)
    assert screen.delete("/api/v1/web-sessions/current", csrf=False).status_code == 403
    resp = screen.delete("/api/v1/web-sessions/current")
    assert resp.status_code == 204
    assert "Max-Age=0" in set_cookie_headers(resp)[SESSION_COOKIE] or screen.secret is None
    assert screen.http.get(f"/api/v1/staff/cafes/{staffer.site_id}/orders").status_code == 401
    assert staffer.delete("/web-sessions/current").status_code == 401  # a bearer token has no screen to end


def test_cookies_are_not_secure_in_development(app, staffer, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "development")
    screen = Screen(app)
    ticket = screen.start()["ticket"]
    staffer.post(f"/web-sessions/{ticket}/confirm")
    cookie = set_cookie_headers(screen.poll(ticket))[SESSION_COOKIE]
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_worker_purges_what_has_ended(app, staffer):
    Screen(app).sign_in(staffer)
    Screen(app).start()
    with app.app_context():
        assert web_sessions.purge() == 0
        long_ago = utcnow() - timedelta(days=2)
        db.session.execute(update(WebSession).values(ticket_expires_at=long_ago))
        db.session.commit()
        assert web_sessions.purge() == 1  # the unconfirmed ticket; the session lives on
        db.session.execute(update(WebSession).values(expires_at=long_ago))
        db.session.commit()
        assert web_sessions.purge() == 1
        assert db.session.scalars(select(WebSession)).all() == []
        db.session.remove()
