"""Volunteer applications and their review."""
from sqlalchemy import select

from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..moderation import check_text
from ..notifications.outbox import notify
from .access import require_staff
from .models import User, VolunteerProfile


def apply(user: User, real_name: str, skills: list[str], intro: str) -> VolunteerProfile:
    """Apply (or re-apply after a rejection); an approved volunteer editing skills stays approved."""
    check_text(user.openid, real_name, intro)
    profile = user.volunteer
    if profile is None:
        profile = VolunteerProfile(user_id=user.id, status="pending")
        db.session.add(profile)
    elif profile.status == "rejected":
        profile.status = "pending"
    elif profile.status == "pending" and profile.reviewed_at is None:
        pass  # still waiting; the new details replace the old
    profile.real_name, profile.skills, profile.intro = real_name, sorted(set(skills)), intro
    db.session.commit()
    return profile


def list_applications(staff: User, status: str | None, page: int, page_size: int) -> dict:
    require_staff(staff)
    stmt = select(VolunteerProfile).join(User, User.id == VolunteerProfile.user_id).where(
        User.deleted_at.is_(None)).order_by(VolunteerProfile.created_at)
    if status:
        stmt = stmt.where(VolunteerProfile.status == status)
    return page_of(stmt, page, page_size)


def review(staff: User, user_id: int, status: str, note: str) -> VolunteerProfile:
    require_staff(staff)
    profile = db.session.get(VolunteerProfile, user_id)
    if profile is None:
        raise NotFound()
    if profile.status == status:
        raise Conflict("already_reviewed", "该申请已是此状态")
    profile.status, profile.review_note = status, note or ""
    profile.reviewed_by_id, profile.reviewed_at = staff.id, utcnow()
    approved = status == "approved"
    notify(user_id, "volunteer_reviewed",
           title="志愿者申请已通过" if approved else "志愿者申请未通过",
           body=note or ("欢迎加入志愿者队伍" if approved else "如有疑问请联系工作人员"),
           page="pages/volunteer/index",
           data={"result": "已通过" if approved else "未通过", "note": note or "", "time": utcnow().isoformat()})
    db.session.commit()
    return profile
