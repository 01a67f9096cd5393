"""Screens signed in by scanning (API.md "Screens for staff devices, and signing in to them").

1. A screen asks for a ticket (`start`): a random ticket, shown as a QR code, valid
   `WEB_SESSION_TICKET_SECONDS` (120), and a requester secret kept by that browser (a cookie).
2. A user scans it with the mini-program, which confirms it with their bearer token (`confirm`).
3. The screen polls (`poll`); the first poll after the confirmation that carries the requester
   secret collects the session: a new random secret (the screen's cookie), valid until
   `WEB_SESSION_HOURS` (12) after the confirmation. Whoever merely saw the QR code cannot collect it.

A session acts as the user who confirmed it, with their roles and scope read afresh on every
request (as a token does), and is revoked with their tokens (`tokens.revoke_all`). Only hashes are
stored. Writes from a screen carry `csrf_token(session)`, derived from the session, never stored.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload

from .. import localtime
from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..units import lock, transaction, use_case
from .models import User, WebSession

# A confirmation made just before the ticket expired may still be collected for this long after.
COLLECT_GRACE = timedelta(seconds=60)
# Tickets nobody confirmed, and sessions ended, are deleted this long after (worker job).
KEEP_ENDED = timedelta(days=1)
MAX_SECRET_LENGTH = 200


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _secret() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


def _valid(value: str | None) -> bool:
    return bool(value) and len(value) <= MAX_SECRET_LENGTH


@use_case
def start(requester_secret: str | None = None) -> dict:
    """A new ticket for a screen. `requester_secret` is the browser's own (reused, so two tabs of one
    browser may sign in at once); a new one is made when it has none."""
    requester = requester_secret if _valid(requester_secret) else _secret()
    ticket = _secret()
    row = WebSession(ticket_hash=_hash(ticket), requester_hash=_hash(requester),
                     ticket_expires_at=utcnow() + timedelta(seconds=current_app.config["WEB_SESSION_TICKET_SECONDS"]))
    db.session.add(row)
    db.session.flush()
    return {"ticket": ticket, "expires_at": localtime.at(row.ticket_expires_at), "requester_secret": requester}


def _by_ticket(ticket: str) -> WebSession | None:
    if not _valid(ticket):
        return None
    return db.session.scalar(select(WebSession).where(WebSession.ticket_hash == _hash(ticket)))


def status_of(row: WebSession) -> str:
    """pending | confirmed | expired, as the screen sees its ticket."""
    now = utcnow()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return "expired"
    if row.confirmed_at is not None:
        return "confirmed"
    return "pending" if row.ticket_expires_at > now else "expired"


@use_case
def confirm(user: User, ticket: str) -> dict:
    """The user scanned the ticket: the screen may now collect a session acting as them.
    Unknown ticket 404; expired 409 `ticket_expired`; confirmed already 409 `ticket_used`."""
    found = _by_ticket(ticket)
    if found is None:
        raise NotFound()
    row = db.session.scalar(lock(select(WebSession).where(WebSession.id == found.id)))
    if row.confirmed_at is not None:
        raise Conflict("ticket_used", "该二维码已被使用，请在屏幕上刷新二维码后重新扫码")
    now = utcnow()
    if row.ticket_expires_at <= now:
        raise Conflict("ticket_expired", "二维码已过期，请在屏幕上刷新二维码后重新扫码")
    row.user_id, row.confirmed_at = user.id, now
    row.expires_at = now + timedelta(hours=current_app.config["WEB_SESSION_HOURS"])
    db.session.flush()
    return {"status": "confirmed", "expires_at": localtime.at(row.expires_at)}


def poll(ticket: str, requester_secret: str | None) -> dict:
    """The screen asks after its ticket. Only the browser that asked for it (its requester secret)
    learns anything (else 404). The first poll after the confirmation collects the session: the
    answer then carries `session_secret`, the screen's cookie, which is never given again."""
    row = _by_ticket(ticket)
    if row is None or not _valid(requester_secret) or not hmac.compare_digest(row.requester_hash,
                                                                              _hash(requester_secret)):
        raise NotFound()
    status = status_of(row)
    if status == "confirmed" and row.secret_hash is None:
        return _collect(row.id)
    return _poll_view(row, status)


def _poll_view(row: WebSession, status: str, secret: str | None = None) -> dict:
    until = row.expires_at if status == "confirmed" else row.ticket_expires_at
    out = {"status": status, "expires_at": localtime.at(until)}
    if secret is not None:
        out["session_secret"] = secret
    return out


def _collect(row_id: int) -> dict:
    with transaction():  # a write only here: the polls before it are plain reads
        row = db.session.scalar(lock(select(WebSession).where(WebSession.id == row_id)))
        status = status_of(row)
        if status == "confirmed" and row.secret_hash is None:  # re-checked under the lock
            if utcnow() > row.ticket_expires_at + COLLECT_GRACE:
                return _poll_view(row, "expired")  # confirmed in time, but never collected
            secret = _secret()
            row.secret_hash, row.collected_at = _hash(secret), utcnow()
            db.session.flush()
            return _poll_view(row, status, secret)
        return _poll_view(row, status)


def resolve(secret: str) -> tuple[User, WebSession] | None:
    """The live user behind a screen's session cookie, or None if unknown, expired, revoked or deleted."""
    if not _valid(secret):
        return None
    row = db.session.scalar(select(WebSession).options(joinedload(WebSession.user))
                            .where(WebSession.secret_hash == _hash(secret)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or row.user.deleted_at:
        return None
    return row.user, row


def csrf_token(row: WebSession) -> str:
    """The token every write from this session must carry (X-CSRF-Token): derived from the session
    with the app's secret key, so it is stored nowhere and dies with the session."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"web-session-csrf:{row.id}:{row.secret_hash}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(row: WebSession, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(csrf_token(row), token)


@use_case
def end(row: WebSession) -> None:
    """The screen signs out."""
    row = db.session.scalar(lock(select(WebSession).where(WebSession.id == row.id)))
    row.revoked_at = row.revoked_at or utcnow()


def purge() -> int:
    """Worker job: delete tickets nobody confirmed and sessions that ended, a day after."""
    cutoff = utcnow() - KEEP_ENDED
    with transaction():
        result = db.session.execute(delete(WebSession).where(or_(
            (WebSession.confirmed_at.is_(None)) & (WebSession.ticket_expires_at < cutoff),
            WebSession.expires_at < cutoff,
            WebSession.revoked_at < cutoff)))
        return result.rowcount or 0
