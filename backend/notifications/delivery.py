"""Sending due notifications as WeChat subscribe messages (the worker's job).

Protocol, chosen so that several workers never send one notification twice and a
crash sends at most once:

1. claim: one short transaction marks a batch of due `pending` rows with this
   worker's `claim_token` and a lease. On PostgreSQL the candidates are read with
   `FOR UPDATE SKIP LOCKED` (workers take disjoint batches without waiting); the
   UPDATE itself is conditional (`lease` free), which alone makes it safe on SQLite,
   where writers are serialised anyway.
2. per row, before the call, one transaction: `pending` → `sending` (conditional on
   our token), attempts + 1, a credit reserved with a conditional UPDATE. A row we
   cannot send (deleted user, no template, no credit) ends here as `skipped`.
3. the WeChat call, outside any transaction.
4. one transaction records the outcome: sent (credit spent), skipped (43101), retry
   later with exponential backoff (WeChat busy/timeout/5xx, up to NOTIFY_MAX_ATTEMPTS),
   or failed; the reserved credit is given back unless the send succeeded.

A worker killed between 2 and 4 leaves a `sending` row: whether WeChat delivered it is
unknown, so once its lease has expired it is marked `failed` ("outcome unknown") rather
than sent again; at most once beats twice for a message the user sees. Rows only
claimed (step 1) by a dead worker are simply claimed again when the lease expires.
On SIGTERM the worker finishes the row in hand and releases the rest of its batch.
"""
import logging
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..db import utcnow
from ..extensions import db
from ..identity.models import User
from ..wechat import mp_client
from ..wechat.errors import WeChatAPIError, WeChatUnavailable
from ..worker import stop_requested
from . import credits, templates
from .models import Notification

log = logging.getLogger(__name__)

USER_REFUSED = 43101  # the user has no quota for this template (refused, or already used)
N = Notification


def send_due() -> int:
    """Send the notifications due when the pass began; returns how many rows were handled."""
    cfg = current_app.config
    started = utcnow()
    done = reap_interrupted(started)
    while done < cfg["NOTIFY_MAX_PER_PASS"] and not stop_requested():
        token = uuid.uuid4().hex
        ids = claim(token, started, cfg["NOTIFY_BATCH_SIZE"])
        for i, nid in enumerate(ids):
            if stop_requested():
                release(token, ids[i:])
                return done
            deliver(nid, token)
            done += 1
        if len(ids) < cfg["NOTIFY_BATCH_SIZE"]:
            break
    return done


def claim(token: str, due_by, batch_size: int) -> list[int]:
    """Step 1: take up to `batch_size` due rows for this worker; their ids."""
    now = utcnow()
    lease_free = or_(N.lease_until.is_(None), N.lease_until < now)
    candidates = db.session.scalars(
        select(N.id).where(N.delivery == "pending", N.next_attempt_at <= due_by, lease_free)
        .order_by(N.next_attempt_at, N.id).limit(batch_size)
        .with_for_update(skip_locked=True)).all()
    if not candidates:
        db.session.rollback()
        return []
    lease = now + timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
    db.session.execute(update(N).where(N.id.in_(candidates), N.delivery == "pending", lease_free)
                       .values(claim_token=token, lease_until=lease))
    ids = db.session.scalars(select(N.id).where(N.id.in_(candidates), N.claim_token == token)
                             .order_by(N.next_attempt_at, N.id)).all()
    db.session.commit()
    return list(ids)


def release(token: str, ids: list[int]) -> None:
    """Give claimed, untouched rows back at once (a stopping worker), instead of at lease expiry."""
    db.session.execute(update(N).where(N.id.in_(ids), N.claim_token == token, N.delivery == "pending")
                       .values(claim_token=None, lease_until=None))
    db.session.commit()


def reap_interrupted(now) -> int:
    """`sending` rows whose worker died mid-call: outcome unknown, so failed, not resent."""
    result = db.session.execute(
        update(N).where(N.delivery == "sending", N.lease_until < now)
        .values(delivery="failed", lease_until=None,
                last_error="interrupted during sending; outcome unknown, not retried to avoid a double send"))
    db.session.commit()
    if result.rowcount:
        log.warning("marked %d interrupted notification sends as failed", result.rowcount)
    return result.rowcount


def deliver(nid: int, token: str) -> None:
    """Steps 2-4 for one claimed row."""
    prepared = _start(nid, token)
    if prepared is None:
        return
    n_user_id, openid, template, payload, page = prepared
    try:
        mp_client().send_subscribe_message(openid, template.template_id, payload, page,
                                           current_app.config["WECHAT_MINIPROGRAM_STATE"])
    except WeChatUnavailable as e:
        _finish(nid, token, n_user_id, template.template_id, outcome="retry", error=f"unavailable: {e}")
    except WeChatAPIError as e:
        if _errcode(e) == USER_REFUSED:
            _finish(nid, token, n_user_id, template.template_id, outcome="skipped", error=f"wechat {e}")
        else:
            _finish(nid, token, n_user_id, template.template_id, outcome="failed", error=f"wechat {e}")
    else:
        _finish(nid, token, n_user_id, template.template_id, outcome="sent")


def _start(nid: int, token: str):
    """Step 2: pending → sending and a credit reserved, or the row settled as skipped."""
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
    moved = db.session.execute(
        update(N).where(N.id == nid, N.claim_token == token, N.delivery == "pending")
        .values(delivery="sending", attempts=N.attempts + 1, lease_until=lease))
    if moved.rowcount != 1:  # our lease ran out and another worker holds it now
        db.session.rollback()
        return None
    n = db.session.get(N, nid, populate_existing=True)
    user = db.session.get(User, n.user_id)
    template = templates.for_kind(n.kind)
    reason = None
    if user is None or user.deleted_at is not None:
        reason = "user deleted"
    elif template is None:
        reason = "no template for this kind"
    elif not credits.take(user.id, template.template_id):
        reason = "no credit"
    if reason:
        _settle(n, "skipped", reason, template.template_id if template else None)
        db.session.commit()
        return None
    payload = templates.render(template, n.title, n.body, n.data or {})
    n.template_id = template.template_id
    prepared = (user.id, user.openid, template, payload, n.page)
    db.session.commit()
    return prepared


def _finish(nid: int, token: str, user_id: int, template_id: str, *, outcome: str, error: str | None = None):
    """Step 4: record the outcome; give the credit back unless WeChat took the message."""
    cfg = current_app.config
    n = db.session.get(N, nid, populate_existing=True)
    if n is None or n.claim_token != token:
        db.session.rollback()  # deleted meanwhile (account erased); nothing to record
        return
    if outcome == "retry" and n.attempts >= cfg["NOTIFY_MAX_ATTEMPTS"]:
        outcome, error = "failed", f"{error} (gave up after {n.attempts} attempts)"
    if outcome == "sent":
        _settle(n, "sent", None, template_id)
        n.sent_at = utcnow()
    else:
        credits.give_back(user_id, template_id)
        if outcome == "retry":
            delay = min(cfg["NOTIFY_BACKOFF_SECONDS"] * 2 ** (n.attempts - 1), cfg["NOTIFY_BACKOFF_MAX_SECONDS"])
            n.delivery, n.last_error = "pending", error
            n.next_attempt_at = utcnow() + timedelta(seconds=delay)
            n.claim_token = n.lease_until = None
        else:
            _settle(n, outcome, error, template_id)
    db.session.commit()
    if outcome in ("failed", "retry"):
        log.warning("notification %s: %s", nid, error)


def _settle(n: Notification, delivery: str, error: str | None, template_id: str | None) -> None:
    n.delivery, n.last_error, n.template_id = delivery, error, template_id
    n.claim_token = n.lease_until = None


def _errcode(e: WeChatAPIError) -> int | None:
    try:
        return int(e.errcode)
    except (TypeError, ValueError):
        return None
