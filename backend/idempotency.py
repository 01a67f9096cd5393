"""Storage of Idempotency-Key outcomes (API.md "Idempotency").

Each call here is its own short transaction, separate from the use case: the
key is claimed before the use case runs and its response stored after.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from . import localtime
from .db import Base, utcnow
from .domains import Domain, Privacy
from .errors import Conflict, Invalid
from .extensions import db
from .units import transaction

KEEP = timedelta(hours=24)
# A claim older than this whose request never finished (a killed worker) is given up. Safe because no
# request outlives it: gunicorn kills a worker whose request runs past its timeout (30 s by default).
STALE_CLAIM = timedelta(minutes=2)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


@dataclass
class Replay:
    status_code: int
    body: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(user_id: int, key: str, fp: str) -> Replay | None:
    """Claim `key` for this request, or return the stored response to replay.

    Raises 422 `idempotency_key_reused` for another body, 409 `request_in_progress`
    while the first request runs.
    """
    if len(key) > 64 or not key.strip():
        raise Invalid("validation_error", "Idempotency-Key 长度须为 1-64 个字符",
                      fields={"Idempotency-Key": ["长度须为 1-64 个字符"]})
    now = utcnow()
    for _ in range(2):
        try:
            with transaction():
                db.session.add(IdempotencyRecord(user_id=user_id, key=key, fingerprint=fp, created_at=now))
            return None
        except IntegrityError:
            pass  # claimed before: look at it
        with transaction():
            rec = db.session.scalar(select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
            if rec is None:
                continue  # expired and removed between our insert and read: claim again
            expired = now - rec.created_at > KEEP
            stale = rec.status_code is None and now - rec.created_at > STALE_CLAIM
            if expired or stale:
                db.session.delete(rec)
                continue
            if rec.fingerprint != fp:
                raise Invalid("idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求")
            if rec.status_code is None:
                raise Conflict("request_in_progress", "相同的请求正在处理中")
            return Replay(rec.status_code, rec.response_body or "")
    raise Conflict("request_in_progress", "相同的请求正在处理中")


def store(user_id: int, key: str, status_code: int, body: str) -> None:
    with transaction():
        rec = db.session.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
        if rec is not None:
            rec.status_code, rec.response_body = status_code, body


def release(user_id: int, key: str) -> None:
    """Forget a claim whose request failed unexpectedly, so the client may retry."""
    db.session.rollback()
    with transaction():
        db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))


def purge_expired() -> int:
    with transaction():
        res = db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - KEEP))
    return res.rowcount or 0


# Stored responses are personal data (they repeat what the user was answered): exported as what
# they are, deleted with the account.
def _export(user, resident_ids) -> list[dict]:
    rows = db.session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id)
                              .order_by(IdempotencyRecord.id)).all()
    return [{"key": r.key, "status_code": r.status_code, "created_at": localtime.iso(r.created_at)} for r in rows]


def _erase(user, resident_ids) -> None:
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id))


domain = Domain(name="idempotency", models=(IdempotencyRecord,), jobs={"purge_idempotency_keys": purge_expired},
                privacy=Privacy(export={"idempotency_keys": _export}, erase=_erase, covers=(IdempotencyRecord,)))
