"""Signing up (participants and volunteers), cancelling, and a user's own signups."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..identity import Resident, User, acting_for, is_linked, mark_known
from ..units import use_case
from . import seats
from .catalogue import can_manage, visible_activity
from .models import LIVE, Activity, Signup
from .notices import notify_signup
from .seats import waitlist_positions
from .views import activity_brief, mine_clause, signup_view, site_names


def _check_open(activity: Activity) -> None:
    now = utcnow()
    if activity.status == "cancelled":
        raise Conflict("activity_cancelled", "活动已取消")
    if activity.status == "draft" or (activity.signup_opens_at and now < activity.signup_opens_at):
        raise Conflict("signup_not_open", "报名尚未开始")
    if activity.status == "completed" or now >= (activity.signup_closes_at or activity.starts_at):
        raise Conflict("signup_closed", "报名已截止")


@use_case
def sign_up(user: User, activity_id: int, *, role: str = "participant", resident_id: int | None = None,
            companions: int = 0) -> dict:
    """One signup; confirmed if `1 + companions` seats are free, else waitlisted with its position."""
    activity = visible_activity(user, activity_id)
    if role == "volunteer":
        profile = user.volunteer
        if profile is None or profile.status != "approved":
            raise Forbidden("volunteer_not_approved", "志愿者资格尚未通过审核")
        resident, companions = None, 0
    else:
        resident, _ = acting_for(user, resident_id, activity.site_id)
    _check_open(activity)
    if resident is not None and activity.eligible_categories and \
            resident.disability_category not in activity.eligible_categories:
        raise Conflict("not_eligible", "该活动不面向此类残疾人")

    # From here on the activity row is locked: the seat decision and waitlist order are serial.
    activity = seats.lock_activity(activity_id)
    _check_open(activity)  # it may have been cancelled while we waited for the lock
    party = (Signup.resident_id == resident.id) if resident is not None else (Signup.user_id == user.id)
    if db.session.scalar(select(Signup.id).where(Signup.activity_id == activity.id, Signup.status.in_(LIVE),
                                                 party)) is not None:
        raise Conflict("already_signed_up", "已报名该活动")
    signup = Signup(activity_id=activity.id, role=role, companions=companions, seats=1 + companions,
                    resident_id=resident.id if resident else None,
                    user_id=user.id if role == "volunteer" else None, created_by_id=user.id)
    signup.status = "confirmed" if seats.take(activity, role, signup.seats) else "waitlisted"
    db.session.add(signup)
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique index: a live signup already exists (the unit rolls back)
        raise Conflict("already_signed_up", "已报名该活动") from None
    if resident is not None:
        mark_known(resident.id, activity.site_id, "signup")
    if signup.status == "confirmed":
        notify_signup(signup, activity, "signup_confirmed")
    return signup_view(signup, localtime.zone_of(activity.site_id), resident.name if resident else None)


def _own_signup(user: User, signup_id: int) -> Signup:
    """A signup the user may act on: their volunteering, their resident's, one they made, or
    (staff of its site, admins) any at their site. Anyone else's: 404."""
    signup = db.session.get(Signup, signup_id)
    if signup is None:
        raise NotFound()
    if signup.user_id == user.id or signup.created_by_id == user.id or \
            (signup.resident_id and is_linked(user.id, signup.resident_id)):
        return signup
    if can_manage(user, signup.activity):
        return signup
    raise NotFound()


@use_case
def cancel(user: User, signup_id: int) -> dict:
    """Cancel a signup; its seats go to the waitlist (first-fit, in this transaction). Idempotent."""
    signup = _own_signup(user, signup_id)
    activity = seats.lock_activity(signup.activity_id)
    db.session.refresh(signup)  # re-read under the lock: a concurrent cancel may have won
    if signup.status != "cancelled":
        if signup.status in ("attended", "no_show"):
            raise Conflict("invalid_transition", "已签到或已记为缺席的报名不能取消")
        if activity.status == "completed" or activity.starts_at <= utcnow():
            raise Conflict("activity_started", "活动已开始，不能取消报名")
        seats.cancel_signup_locked(activity, signup, "by_user")
    return signup_view(signup, localtime.zone_of(activity.site_id))


def my_signups(user: User, when: str, page: int, page_size: int) -> dict:
    """Signups of the residents the user manages and their own volunteering, every status."""
    now = utcnow()
    stmt = select(Signup, Activity, Resident.name).join(Activity, Activity.id == Signup.activity_id) \
        .outerjoin(Resident, Resident.id == Signup.resident_id).where(mine_clause(user))
    if when == "past":
        stmt = stmt.where(Activity.ends_at < now).order_by(Activity.starts_at.desc(), Signup.id.desc())
    else:
        stmt = stmt.where(Activity.ends_at >= now).order_by(Activity.starts_at, Signup.id)
    result = page_of(stmt, page, page_size, scalars=False)
    positions = waitlist_positions([s for s, _, _ in result["items"]])
    sites = site_names({a.site_id for _, a, _ in result["items"]})
    zones = localtime.zones(sites)
    result["items"] = [dict(signup_view(s, zones[a.site_id], name, positions.get(s.id)),
                            activity=activity_brief(a, zones[a.site_id], sites))
                       for s, a, name in result["items"]]
    return result

