"""Storage of Idempotency-Key outcomes (API.md "Idempotency"; docs/API-NOTES.md "Idempotency").

A stored response commits with the use case that produced it, in the same transaction: the HTTP
wrapper (`miniprogram_api/idempotency.py`) runs claim, use case and `store` as one unit. So a
request killed anywhere (a SIGKILLed worker, a lost connection to the database) either committed
both its effect and its response, and a retry replays the response, or committed neither, and a
retry runs afresh at once. There is no "claimed but unfinished" row to wait out.

What is stored: responses of requests that ran and committed (2xx). A request refused (4xx: the
café was closed, the seats were gone, a field was wrong) or failed (5xx) rolled its unit back and
left nothing, so its key is still free: a retry is answered from the state of the moment, and may
succeed once the café has opened.

While a request holds a key, its unit holds a transaction-scoped lock on it (`units.try_lock_key`,
PostgreSQL): a concurrent request with the same key is told 409 `request_in_progress` at once; the
lock ends with the transaction, commit, rollback or a dead connection. SQLite (local) serialises
writers, so the second simply sees the first's response.
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
from .units import transaction, try_lock_key

KEEP = timedelta(hours=24)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Always set now (a row is written with its response); nullable as rows of the earlier claims were.
    status_code: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


@dataclass
class Replay:
    status_code: int
    body: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def check_key(key: str) -> None:
    if len(key) > 64 or not key.strip():
        raise Invalid("validation_error", "Idempotency-Key 长度须为 1-64 个字符",
                      fields={"Idempotency-Key": ["长度须为 1-64 个字符"]})


def _lock_id(user_id: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()[:8], "big", signed=True)


def _record(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))


def _replay_of(rec: IdempotencyRecord | None, fp: str) -> Replay | None:
    if rec is None or rec.status_code is None or utcnow() - rec.created_at > KEEP:
        return None
    if rec.fingerprint != fp:
        raise Invalid("idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求")
    return Replay(rec.status_code, rec.response_body or "")


def claim(user_id: int, key: str, fp: str) -> Replay | None:
    """Inside the request's unit: hold `key` until the unit ends, or return the stored response.

    Raises 422 `idempotency_key_reused` for another body, 409 `request_in_progress` while another
    transaction holds the key.
    """
    check_key(key)
    if not try_lock_key(_lock_id(user_id, key)):
        raise Conflict("request_in_progress", "相同的请求正在处理中")
    rec = _record(user_id, key)
    replay = _replay_of(rec, fp)
    if replay is None and rec is not None:  # expired, or a claim row of the earlier scheme: forget it
        db.session.delete(rec)
        db.session.flush()
    return replay


def store(user_id: int, key: str, fp: str, status_code: int, body: str) -> None:
    """Inside the same unit as `claim` and the use case: the response commits with its effect."""
    db.session.add(IdempotencyRecord(user_id=user_id, key=key, fingerprint=fp, status_code=status_code,
                                     response_body=body, created_at=utcnow()))
    db.session.flush()


def stored(user_id: int, key: str, fp: str) -> Replay | None:
    """The committed response for `key`, if any (a read: no lock, no unit)."""
    check_key(key)
    return _replay_of(_record(user_id, key), fp)


def store_after(user_id: int, key: str, fp: str, status_code: int, body: str) -> Replay | None:
    """For a use case of several units that is itself idempotent under the key (a café order):
    store its response in a unit of its own. If a concurrent request with the key stored first,
    that response is returned, to be answered instead (both describe the same order)."""
    try:
        with transaction():
            rec = _record(user_id, key)
            replay = _replay_of(rec, fp)
            if replay is not None:
                return replay
            if rec is not None:  # expired
                db.session.delete(rec)
                db.session.flush()
            store(user_id, key, fp, status_code, body)
            return None
    except IntegrityError:
        return stored(user_id, key, fp)  # the twin's, committed meanwhile


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
