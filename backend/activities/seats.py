"""Seat accounting. Every change of a seat counter happens here, with the activity row locked.

The lock (`SELECT ... FOR UPDATE`, through `units.lock`) serialises signups, cancellations,
attendance and capacity changes of one activity, so "is there room?", the waitlist order and
its positions are decided on committed data. Seats are taken by a conditional UPDATE
(`taken + n <= capacity`) that would refuse an overflow even without the lock, and the CHECK
constraints on the counters are the last backstop. A lock waited for longer than the lock
timeout ends the use case with 503 `busy` (backend/units.py).
"""
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from .. import events
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..units import lock
from .models import Activity, Signup
from .notices import notify_signup


def lock_activity(activity_id: int) -> Activity:
    """The activity, re-read and locked until the use case ends (404 if it does not exist)."""
    activity = db.session.scalar(lock(select(Activity).where(Activity.id == activity_id)))
    if activity is None:
        raise NotFound()
    return activity


def free_seats(activity: Activity, role: str) -> int:
    if role == "volunteer":
        return activity.volunteer_capacity - activity.volunteer_seats_taken
    return activity.capacity - activity.seats_taken


def _columns(role: str):
    if role == "volunteer":
        return Activity.volunteer_seats_taken, Activity.volunteer_capacity
    return Activity.seats_taken, Activity.capacity


def take(activity: Activity, role: str, seats: int) -> bool:
    """Take `seats` if they fit. False: the signup must wait.

    The caller holds the row lock; the conditional UPDATE (`taken + n <= capacity`)
    would still refuse an overflow without it, and the CHECK constraint backs both.
    """
    taken, capacity = _columns(role)
    res = db.session.execute(update(Activity).where(Activity.id == activity.id, taken + seats <= capacity)
                             .values({taken: taken + seats}).execution_options(synchronize_session="fetch"))
    return res.rowcount == 1


def release(activity: Activity, signup: Signup) -> None:
    taken, _ = _columns(signup.role)
    db.session.execute(update(Activity).where(Activity.id == activity.id).values({taken: taken - signup.seats})
                       .execution_options(synchronize_session="fetch"))


def waitlist_position(signup: Signup) -> int | None:
    """1-based place in its activity's waitlist (participants and volunteers queue separately)."""
    if signup.status != "waitlisted":
        return None
    ahead = db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.activity_id == signup.activity_id, Signup.role == signup.role,
        Signup.status == "waitlisted", Signup.id < signup.id))
    return (ahead or 0) + 1


def waitlist_positions(signups: list[Signup]) -> dict[int, int]:
    """`waitlist_position` of many signups in one statement (listings), keyed by signup id."""
    ids = [s.id for s in signups if s.status == "waitlisted"]
    if not ids:
        return {}
    ahead = aliased(Signup)
    count_ahead = select(func.count()).select_from(ahead).where(
        ahead.activity_id == Signup.activity_id, ahead.role == Signup.role,
        ahead.status == "waitlisted", ahead.id < Signup.id).scalar_subquery()
    rows = db.session.execute(select(Signup.id, count_ahead).where(Signup.id.in_(ids))).all()
    return {sid: (n or 0) + 1 for sid, n in rows}


def waitlist(activity_id: int, role: str = "participant") -> list[Signup]:
    return list(db.session.scalars(select(Signup).where(
        Signup.activity_id == activity_id, Signup.role == role, Signup.status == "waitlisted")
        .order_by(Signup.id)))


def promote(activity: Activity) -> list[Signup]:
    """Fill free seats from the waitlists, first-fit in order (the caller holds the lock).

    A group (resident + companions) is promoted only whole; a group that does
    not fit is skipped and later, smaller ones may go ahead of it. Runs in the
    transaction that freed the seats; the promoted are notified in it too.
    """
    if activity.status != "published" or activity.starts_at <= utcnow():
        return []
    promoted = []
    for role in ("participant", "volunteer"):
        free = free_seats(activity, role)
        if free <= 0:
            continue
        for signup in waitlist(activity.id, role):
            if signup.seats > free or not take(activity, role, signup.seats):
                continue
            free -= signup.seats
            signup.status, signup.promoted_at = "confirmed", utcnow()
            promoted.append(signup)
            if free == 0:
                break
    for signup in promoted:
        notify_signup(signup, activity, "signup_promoted")
    return promoted


def release_all(activity: Activity) -> None:
    """Every seat of a cancelled activity is free (the caller holds the lock and cancels the signups)."""
    db.session.execute(update(Activity).where(Activity.id == activity.id)
                       .values(seats_taken=0, volunteer_seats_taken=0)
                       .execution_options(synchronize_session="fetch"))


def cancel_signup_locked(activity: Activity, signup: Signup, reason: str) -> list[Signup]:
    """Cancel a live signup and hand its seats to the waitlist (the caller holds the lock)."""
    if signup.status in ("confirmed", "attended", "no_show"):
        release(activity, signup)
    signup.status, signup.cancelled_at, signup.cancel_reason = "cancelled", utcnow(), reason[:200]
    db.session.flush()
    events.emit("signup_cancelled", signup_id=signup.id, activity_id=activity.id, site_id=activity.site_id,
                resident_id=signup.resident_id, user_id=signup.user_id, reason=reason)
    return promote(activity)
