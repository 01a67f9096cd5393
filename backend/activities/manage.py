"""Staff use cases on an activity: create (draft), edit, publish, cancel, complete.

Each is one transaction. Changes that touch seats run with the activity row
locked (seats.lock_activity), like signups and cancellations do.
"""
from sqlalchemy import select, update

from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import User, add_minutes, require_staff
from ..sites import get_site
from ..units import use_case
from . import seats
from .models import BOOKED, Activity, Signup
from .notices import notify_signup
from .views import activity_one as view

# Fields staff set on create and edit: every one the input schemas accept, except where it is held.
NOT_EDITABLE = ("site_id",)
SETS = ("accessibility", "eligible_categories")  # stored sorted, without repeats


def managed_activity(staff: User, activity_id: int, *, lock: bool = False) -> Activity:
    """An activity of the staff member's site: 403 without a staff role, 404 if not theirs."""
    require_staff(staff)
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound()
    require_staff(staff, activity.site_id)
    return seats.lock_activity(activity_id) if lock else activity


def _check_times(a: Activity) -> None:
    fields = {}
    if a.ends_at <= a.starts_at:
        fields["ends_at"] = ["结束时间须晚于开始时间"]
    if a.signup_opens_at and a.signup_closes_at and a.signup_closes_at <= a.signup_opens_at:
        fields["signup_closes_at"] = ["报名截止时间须晚于报名开始时间"]
    if a.signup_closes_at and a.signup_closes_at > a.ends_at:
        fields["signup_closes_at"] = ["报名截止时间不能晚于活动结束时间"]
    if fields:
        raise Invalid(fields=fields)


def _apply(activity: Activity, data: dict) -> None:
    for key, value in data.items():
        if key not in NOT_EDITABLE:
            setattr(activity, key, sorted(set(value)) if key in SETS else value)


@use_case
def create(staff: User, data: dict) -> dict:
    site_id = data["site_id"]
    require_staff(staff, site_id)
    site = get_site(site_id)
    if site.kind != "home":
        raise Invalid(fields={"site_id": ["活动只能在残疾人之家创建"]})
    activity = Activity(site_id=site_id, status="draft", created_by_id=staff.id, seats_taken=0,
                        volunteer_seats_taken=0, accessibility=[], eligible_categories=[])
    _apply(activity, data)
    _check_times(activity)
    db.session.add(activity)
    db.session.flush()
    return view(activity)


@use_case
def edit(staff: User, activity_id: int, data: dict) -> dict:
    """Edit a draft or published activity. Capacity may not drop below the seats already
    confirmed (409 `capacity_below_confirmed`); raising it promotes the waitlist here and now."""
    activity = managed_activity(staff, activity_id, lock=True)
    if activity.status not in ("draft", "published"):
        raise Conflict("invalid_transition", "活动已结束或已取消，不能修改")
    if data.get("capacity", activity.capacity) < activity.seats_taken or \
            data.get("volunteer_capacity", activity.volunteer_capacity) < activity.volunteer_seats_taken:
        raise Conflict("capacity_below_confirmed", "名额不能少于已确认的人数")
    before = (activity.starts_at, activity.ends_at, activity.location)
    _apply(activity, data)
    _check_times(activity)
    seats.promote(activity)
    if activity.status == "published" and before != (activity.starts_at, activity.ends_at, activity.location):
        # People plan transport and carers around these: everyone booked hears of a change.
        for signup in db.session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                              Signup.status.in_(BOOKED)).order_by(Signup.id)):
            notify_signup(signup, activity, "activity_changed")
    db.session.flush()
    return view(activity)


@use_case
def publish(staff: User, activity_id: int) -> dict:
    activity = managed_activity(staff, activity_id, lock=True)
    if activity.status != "draft":
        raise Conflict("invalid_transition", "只有草稿可以发布")
    if activity.starts_at <= utcnow():
        raise Conflict("activity_started", "活动开始时间已过，不能发布")
    activity.status, activity.published_at = "published", utcnow()
    db.session.flush()
    return view(activity)


@use_case
def cancel(staff: User, activity_id: int, reason: str) -> dict:
    """Cancel a draft or published activity: confirmed and waitlisted signups are cancelled and their
    signers told why. Attendance already recorded (attended / no_show) is history and stays."""
    activity = managed_activity(staff, activity_id, lock=True)
    if activity.status not in ("draft", "published"):
        raise Conflict("invalid_transition", "活动已结束或已取消")
    now = utcnow()
    activity.status, activity.cancelled_at, activity.cancel_reason = "cancelled", now, reason
    live = db.session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                   Signup.status.in_(BOOKED)).order_by(Signup.id)).all()
    for signup in live:
        notify_signup(signup, activity, "activity_cancelled", reason=reason)
        signup.status, signup.cancelled_at, signup.cancel_reason = "cancelled", now, "activity_cancelled"
    seats.release_all(activity)
    db.session.flush()
    return view(activity)


@use_case
def complete(staff: User, activity_id: int) -> dict:
    """Close a published activity that has started; attended volunteers are credited its duration.

    The lock on the activity row makes a second, concurrent completion wait and
    then find it `completed` (409), so nobody is credited twice.
    """
    activity = managed_activity(staff, activity_id, lock=True)
    if activity.status == "cancelled":
        raise Conflict("activity_cancelled", "活动已取消")
    if activity.status != "published":
        raise Conflict("invalid_transition", "只有已发布的活动可以结束")
    now = utcnow()
    if activity.starts_at > now:
        raise Conflict("activity_not_started", "活动尚未开始，不能结束")
    activity.status, activity.completed_at = "completed", now
    # The activity is over: a waitlist place is moot, and a confirmed seat nobody checked in is a no-show
    # (DESIGN: confirmed → attended | no_show). Staff may still correct volunteer credit afterwards.
    db.session.execute(update(Signup).where(Signup.activity_id == activity.id, Signup.status == "waitlisted")
                       .values(status="cancelled", cancelled_at=now, cancel_reason="activity_completed"))
    db.session.execute(update(Signup).where(Signup.activity_id == activity.id, Signup.status == "confirmed")
                       .values(status="no_show"))
    minutes = activity.duration_minutes
    # Attendance changes lock the activity first too, so these statuses cannot move under us.
    attended = db.session.scalars(select(Signup).where(
        Signup.activity_id == activity.id, Signup.role == "volunteer", Signup.status == "attended")).all()
    for signup in attended:
        signup.minutes_credited, signup.credited_at = minutes, now
        add_minutes(signup.user_id, minutes)
    db.session.flush()
    return view(activity)
