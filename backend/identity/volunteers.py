"""Volunteer applications and their review (the `volunteer` role)."""
from sqlalchemy import select, update

from .. import audit, events
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..moderation import check_text
from ..units import use_case
from .access import require_staff
from .models import User, VolunteerProfile
from .views import me_view, volunteer_view


@use_case
def apply(user: User, real_name: str, skills: list[str], intro: str) -> dict:
    """Apply (or re-apply after a rejection); an approved volunteer editing skills stays approved."""
    check_text(user.openid, real_name, intro)
    profile = user.volunteer
    if profile is None:
        profile = VolunteerProfile(user_id=user.id, status="pending")
        db.session.add(profile)
        user.volunteer = profile
    elif profile.status == "rejected":
        profile.status = "pending"
    profile.real_name, profile.skills, profile.intro = real_name, sorted(set(skills)), intro
    db.session.flush()
    return me_view(user)


def list_applications(staff: User, status: str | None, page: int, page_size: int) -> dict:
    require_staff(staff)
    stmt = select(VolunteerProfile).join(User, User.id == VolunteerProfile.user_id).where(
        User.deleted_at.is_(None)).order_by(VolunteerProfile.created_at)
    if status:
        stmt = stmt.where(VolunteerProfile.status == status)
    result = page_of(stmt, page, page_size)
    result["items"] = [volunteer_view(p) for p in result["items"]]
    return result


@use_case
def review(staff: User, user_id: int, status: str, note: str) -> dict:
    """Approve or reject; the applicant hears of it (event `volunteer_reviewed`)."""
    require_staff(staff)
    profile = db.session.get(VolunteerProfile, user_id)
    if profile is None:
        raise NotFound()
    if profile.status == status:
        raise Conflict("already_reviewed", "该志愿者申请已审核为“通过”" if status == "approved"
                       else "该志愿者申请已审核为“不通过”")
    audit.record_change(staff.id, "review", "volunteer_profile", user_id,
                        before={"status": profile.status}, after={"status": status})
    profile.status, profile.review_note = status, note or ""
    profile.reviewed_by_id, profile.reviewed_at = staff.id, utcnow()
    db.session.flush()
    events.emit("volunteer_reviewed", user_id=user_id, status=status, note=note or "",
                at=profile.reviewed_at)
    return volunteer_view(profile)


def add_minutes(user_id: int, delta: int) -> None:
    """Keep VolunteerProfile.minutes_total in step with credits (an UPDATE expression: no lost update).
    Joins the caller's transaction (the activities domain credits attended volunteers)."""
    if delta:
        db.session.execute(update(VolunteerProfile).where(VolunteerProfile.user_id == user_id)
                           .values(minutes_total=VolunteerProfile.minutes_total + delta))
