"""Opaque bearer tokens: issue, resolve, revoke (with the screens' sessions, `web_sessions`)."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..db import utcnow
from ..extensions import db
from .models import AuthToken, User, WebSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User) -> tuple[str, AuthToken]:
    token = secrets.token_urlsafe(32)
    row = AuthToken(user_id=user.id, token_hash=_hash(token),
                    expires_at=utcnow() + timedelta(days=current_app.config["TOKEN_TTL_DAYS"]))
    db.session.add(row)
    return token, row


def resolve(token: str) -> tuple[User, AuthToken] | None:
    """The live user behind `token`, or None if unknown, expired, revoked or deleted."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(
        select(AuthToken).options(joinedload(AuthToken.user)).where(AuthToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or row.user.deleted_at:
        return None
    return row.user, row


def revoke_all(user_id: int) -> None:
    """Every token of the user, and every screen signed in as them (or about to be)."""
    db.session.execute(update(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
