"""Check-in (signed QR codes and manual attendance) and volunteer time credits."""
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from .. import audit, localtime
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import Resident, User, VolunteerProfile, add_minutes, is_linked, require_staff, staff_site_ids
from ..sites import checkin_not_open_message, checkin_opens_at, get_site
from ..units import lock, use_case
from . import seats
from .manage import managed_activity
from .models import Activity, Signup
from .views import activity_brief, site_names

SALT = "activity-checkin"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def checkin_code(user: User, signup_id: int) -> dict:
    """A short-lived signed text for the QR code; only whoever holds the signup may get it."""
    signup = db.session.get(Signup, signup_id)
    if signup is None or not (signup.user_id == user.id or signup.created_by_id == user.id or
                              (signup.resident_id and is_linked(user.id, signup.resident_id))):
        raise NotFound()
    if signup.activity.status == "cancelled":
        raise Conflict("activity_cancelled", "活动已取消")
    if signup.status not in ("confirmed", "attended", "no_show"):
        raise Conflict("signup_not_confirmed", "报名尚未确认（候补或已取消），不能签到")
    expires = utcnow() + timedelta(minutes=current_app.config["CHECKIN_CODE_MINUTES"])
    # The expiry travels inside the signed text; the signature stops anyone moving it.
    code = _serializer().dumps({"s": signup.id, "e": int(expires.timestamp())})
    return {"code": code, "expires_at": localtime.at(expires.replace(microsecond=0), signup.activity.site_id)}


def _decode(code: str) -> int:
    try:
        payload = _serializer().loads(code)
        signup_id, expires = int(payload["s"]), int(payload["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise Invalid("code_invalid", "签到码无效", fields={"code": ["签到码无效"]}) from None
    if expires < utcnow().timestamp():
        raise Invalid("code_expired", "签到码已过期，请刷新后重试", fields={"code": ["签到码已过期"]})
    return signup_id


def _mark(staff: User, signup: Signup, status: str) -> None:
    activity = signup.activity
    if activity.status == "cancelled":
        raise Conflict("activity_cancelled", "活动已取消")
    if activity.status == "completed":
        raise Conflict("activity_closed", "活动已结束，出勤已锁定")
    if signup.status not in ("confirmed", "attended", "no_show"):
        raise Conflict("signup_not_confirmed", "报名尚未确认（候补或已取消）")
    site = get_site(activity.site_id)
    if utcnow() < checkin_opens_at(site, activity.starts_at):  # a fact of the day, not recorded days ahead
        raise Conflict("activity_not_started", checkin_not_open_message(site))
    if signup.status != status:
        signup.status, signup.attendance_by_id = status, staff.id
        signup.attended_at = utcnow() if status == "attended" else None


def staff_view(staff: User, signup: Signup) -> dict:
    """What the scanning staff member sees: who arrived and what they need (an audited read)."""
    resident = db.session.get(Resident, signup.resident_id) if signup.resident_id else None
    volunteer = db.session.get(VolunteerProfile, signup.user_id) if signup.user_id else None
    if resident is not None:
        audit.record(staff.id, "read", [resident.id], fields=["needs"], site_id=signup.activity.site_id)
    return {"id": signup.id, "activity_id": signup.activity_id, "role": signup.role, "status": signup.status,
            "companions": signup.companions,
            "attended_at": localtime.at(signup.attended_at, signup.activity.site_id),
            "resident": {"id": resident.id, "name": resident.name, "needs": resident.needs or []}
            if resident else None,
            "volunteer": {"user_id": volunteer.user_id, "real_name": volunteer.real_name,
                          "skills": volunteer.skills or []} if volunteer else None,
            "minutes_credited": signup.minutes_credited}


@use_case
def scan(staff: User, code: str) -> dict:
    """A scanned code → attended. Scanning again changes nothing (same answer)."""
    require_staff(staff)
    signup_id = _decode(code)
    signup = db.session.get(Signup, signup_id)
    if signup is None:
        raise Invalid("code_invalid", "签到码无效", fields={"code": ["签到码无效"]})
    scope = staff_site_ids(staff)
    if scope is not None and signup.activity.site_id not in scope:
        raise Conflict("wrong_site", "该签到码不属于本站点的活动")
    signup = _lock(signup)
    if signup.status != "attended":
        _mark(staff, signup, "attended")
    return staff_view(staff, signup)


def _lock(signup: Signup) -> Signup:
    """Lock the activity, then the signup: the order completion, cancellation and signups use, so an
    attendance change and a completion are serialised (no credit for a no-show) and never deadlock."""
    seats.lock_activity(signup.activity_id)
    return db.session.scalar(lock(select(Signup).where(Signup.id == signup.id)))


def _staff_signup(staff: User, signup_id: int) -> Signup:
    require_staff(staff)
    signup = db.session.get(Signup, signup_id)
    if signup is None:
        raise NotFound()
    managed_activity(staff, signup.activity_id)  # 404 unless the signup is at the staff member's site
    return _lock(signup)


@use_case
def set_attendance(staff: User, signup_id: int, status: str) -> dict:
    signup = _staff_signup(staff, signup_id)
    _mark(staff, signup, status)
    return staff_view(staff, signup)


@use_case
def correct_minutes(staff: User, signup_id: int, minutes: int) -> dict:
    """Set a volunteer's credit for a completed activity; minutes_total moves by the difference."""
    signup = _staff_signup(staff, signup_id)  # row locked: two corrections cannot both use the old value
    if signup.role != "volunteer":
        raise Conflict("not_a_volunteer", "只有志愿者报名可以记录服务时长")
    if signup.activity.status != "completed":
        raise Conflict("activity_not_completed", "活动结束后才能记录服务时长")
    if signup.status in ("cancelled", "waitlisted"):
        raise Conflict("signup_not_confirmed", "该报名未确认，不能记录服务时长")
    add_minutes(signup.user_id, minutes - (signup.minutes_credited or 0))
    signup.minutes_credited, signup.credited_at = minutes, utcnow()
    return staff_view(staff, signup)


def volunteer_hours(user: User) -> dict:
    profile = db.session.get(VolunteerProfile, user.id)
    rows = db.session.execute(select(Signup, Activity).join(Activity, Activity.id == Signup.activity_id).where(
        Signup.user_id == user.id, Signup.role == "volunteer", Signup.minutes_credited.is_not(None))
        .order_by(Signup.credited_at.desc(), Signup.id.desc())).all()
    sites = site_names({a.site_id for _, a in rows})
    zones = localtime.zones(sites)
    return {"minutes_total": profile.minutes_total if profile else 0,
            "entries": [{"signup_id": s.id, "activity": activity_brief(a, zones[a.site_id], sites),
                         "minutes": s.minutes_credited, "credited_at": localtime.at(s.credited_at, zones[a.site_id])}
                        for s, a in rows]}
