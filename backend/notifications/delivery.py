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
   later with exponential backoff (up to NOTIFY_MAX_ATTEMPTS) when WeChat cannot have
   delivered it, failed otherwise; the reserved credit is given back unless WeChat took,
   or may have taken, the message.

What "cannot have delivered it" means (backend/wechat/errors.py): nothing reached WeChat
(`WeChatNotSent`: connection refused, DNS, connect timeout, the access token could not be
had — Redis down is not one of these, the token is then fetched directly), or WeChat
answered that it failed (HTTP 5xx, system busy). A send whose request went out and whose
answer was lost (`WeChatOutcomeUnknown`: read timeout, dropped connection) is never resent:
WeChat usually did deliver it (the fake's timeout fault shows exactly that), and three
identical messages are worse than none. Such a row is settled as `failed` with last_error
"outcome unknown", not `sent`: `delivery` says what we know, and we do not know that the
user got it; the inbox item is there either way. Its credit counts as spent, because WeChat
has most likely used the user's one-time quota for it; given back, it would be a credit
WeChat no longer honours.

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
from ..identity import User
from ..units import lock, transaction
from ..wechat import mp_client
from ..wechat.errors import WeChatAPIError, WeChatNotSent, WeChatOutcomeUnknown, WeChatUnavailable
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
    with transaction():
        candidates = db.session.scalars(lock(
            select(N.id).where(N.delivery == "pending", N.next_attempt_at <= due_by, lease_free)
            .order_by(N.next_attempt_at, N.id).limit(batch_size), skip_locked=True)).all()
        if not candidates:
            return []
        lease = now + timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
        db.session.execute(update(N).where(N.id.in_(candidates), N.delivery == "pending", lease_free)
                           .values(claim_token=token, lease_until=lease))
        return list(db.session.scalars(select(N.id).where(N.id.in_(candidates), N.claim_token == token)
                                       .order_by(N.next_attempt_at, N.id)))


def release(token: str, ids: list[int]) -> None:
    """Give claimed, untouched rows back at once (a stopping worker), instead of at lease expiry."""
    with transaction():
        db.session.execute(update(N).where(N.id.in_(ids), N.claim_token == token, N.delivery == "pending")
                           .values(claim_token=None, lease_until=None))


def reap_interrupted(now) -> int:
    """`sending` rows whose worker died mid-call: outcome unknown, so failed, not resent."""
    with transaction():
        result = db.session.execute(
            update(N).where(N.delivery == "sending", N.lease_until < now)
            .values(delivery="failed", lease_until=None,
                    last_error="interrupted during sending; outcome unknown, not retried to avoid a double send"))
    if result.rowcount:
        log.warning("marked %d interrupted notification sends as failed", result.rowcount)
    return result.rowcount


def deliver(nid: int, token: str) -> None:
    """Steps 2-4 for one claimed row."""
    prepared = _start(nid, token)
    if prepared is None:
        return
    n_user_id, openid, template, payload, page = prepared

    def finish(outcome: str, error: str | None = None) -> None:
        _finish(nid, token, n_user_id, template.template_id, outcome=outcome, error=error)

    try:
        client = mp_client()
    except Exception as e:  # a client that cannot be built has sent nothing
        log.exception("notification %s: no WeChat client", nid)
        return finish("retry", f"not sent: no client ({type(e).__name__})")
    try:
        client.send_subscribe_message(openid, template.template_id, payload, page,
                                      current_app.config["WECHAT_MINIPROGRAM_STATE"])
    except WeChatOutcomeUnknown as e:
        finish("unknown", f"outcome unknown ({e}); not retried to avoid a double send")
    except WeChatNotSent as e:
        finish("retry", f"not sent: {e}")
    except WeChatUnavailable as e:  # WeChat answered that it failed (5xx, system busy)
        finish("retry", f"unavailable: {e}")
    except WeChatAPIError as e:
        finish("skipped" if _errcode(e) == USER_REFUSED else "failed", f"wechat {e}")
    except Exception as e:
        # Our own code failed somewhere around the call: whether WeChat got it is unknown.
        log.exception("notification %s: unexpected error sending", nid)
        finish("unknown", f"outcome unknown ({type(e).__name__}); not retried to avoid a double send")
    else:
        finish("sent")


def _start(nid: int, token: str):
    """Step 2: pending → sending and a credit reserved, or the row settled as skipped."""
    with transaction():
        return _start_in_transaction(nid, token)


def _start_in_transaction(nid: int, token: str):
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])
    moved = db.session.execute(
        update(N).where(N.id == nid, N.claim_token == token, N.delivery == "pending")
        .values(delivery="sending", attempts=N.attempts + 1, lease_until=lease))
    if moved.rowcount != 1:  # our lease ran out and another worker holds it now
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
        return None
    payload = templates.render(template, n.title, n.body, n.data or {})
    n.template_id = template.template_id
    return user.id, user.openid, template, payload, n.page


def _finish(nid: int, token: str, user_id: int, template_id: str, *, outcome: str, error: str | None = None):
    """Step 4: record the outcome; give the credit back unless WeChat took, or may have taken, the message."""
    with transaction():
        outcome, error = _finish_in_transaction(nid, token, user_id, template_id, outcome, error)
    if outcome in ("failed", "retry", "unknown"):
        log.warning("notification %s: %s", nid, error)


def _finish_in_transaction(nid, token, user_id, template_id, outcome, error):
    cfg = current_app.config
    n = db.session.get(N, nid, populate_existing=True)
    if n is None or n.claim_token != token:
        return None, None  # deleted meanwhile (account erased); nothing to record
    if outcome == "retry" and n.attempts >= cfg["NOTIFY_MAX_ATTEMPTS"]:
        outcome, error = "failed", f"{error} (gave up after {n.attempts} attempts)"
    if outcome == "sent":
        _settle(n, "sent", None, template_id)
        n.sent_at = utcnow()
    elif outcome == "unknown":
        _settle(n, "failed", error, template_id)  # the credit stays spent (see the module docstring)
    else:
        credits.give_back(user_id, template_id)
        if outcome == "retry":
            delay = min(cfg["NOTIFY_BACKOFF_SECONDS"] * 2 ** (n.attempts - 1), cfg["NOTIFY_BACKOFF_MAX_SECONDS"])
            n.delivery, n.last_error = "pending", error
            n.next_attempt_at = utcnow() + timedelta(seconds=delay)
            n.claim_token = n.lease_until = None
        else:
            _settle(n, outcome, error, template_id)
    return outcome, error


def _settle(n: Notification, delivery: str, error: str | None, template_id: str | None) -> None:
    n.delivery, n.last_error, n.template_id = delivery, error, template_id
    n.claim_token = n.lease_until = None


def _errcode(e: WeChatAPIError) -> int | None:
    try:
        return int(e.errcode)
    except (TypeError, ValueError):
        return None
