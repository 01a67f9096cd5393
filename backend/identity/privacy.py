"""Identity's part of GET /me/export and DELETE /me: the account, its residents, its volunteer profile,
the screens signed in as the user."""
from sqlalchemy import delete, select

from ..db import utcnow
from ..extensions import db
from .. import localtime
from . import tokens
from .models import Resident, ResidentLink, StaffAssignment, User, WebSession
from .residents import erase_resident
from .views import resident_view, roles_of


def export_user(user: User, resident_ids: list[int]) -> dict:
    roles, staff_sites = roles_of(user)
    return {"id": user.id, "nickname": user.nickname, "avatar_url": user.avatar_url,
            "phone_masked": user.phone_masked, "preferences": user.preferences,
            "roles": roles, "staff_sites": staff_sites, "created_at": localtime.iso(user.created_at)}


def export_residents(user: User, resident_ids: list[int]) -> list[dict]:
    residents = db.session.scalars(select(Resident).where(Resident.id.in_(resident_ids)).order_by(Resident.id)).all()
    return [{**view, "created_at": view["created_at"].isoformat()}
            for view in (resident_view(r, user) for r in residents)]


def export_volunteer(user: User, resident_ids: list[int]) -> dict | None:
    v = user.volunteer
    if v is None:
        return None
    return {"real_name": v.real_name, "skills": v.skills, "intro": v.intro, "status": v.status,
            "minutes_total": v.minutes_total}


def export_web_sessions(user: User, resident_ids: list[int]) -> list[dict]:
    """Screens signed in as the user (when, until when, whether signed out); no secret is kept."""
    rows = db.session.scalars(select(WebSession).where(WebSession.user_id == user.id)
                              .order_by(WebSession.id)).all()
    return [{"confirmed_at": localtime.iso(r.confirmed_at), "expires_at": localtime.iso(r.expires_at),
             "revoked_at": localtime.iso(r.revoked_at)} for r in rows]


def erase(user: User, resident_ids: list[int]) -> None:
    """Revoke tokens, erase the account's personal fields, unlink its residents; residents only this
    user managed (and no site registered) are anonymised too."""
    for rid in resident_ids:
        others = db.session.scalar(select(ResidentLink.id).where(
            ResidentLink.resident_id == rid, ResidentLink.user_id != user.id).limit(1))
        resident = db.session.get(Resident, rid)
        if others is None and resident is not None and resident.registered_site_id is None:
            erase_resident(resident)
    db.session.execute(delete(ResidentLink).where(ResidentLink.user_id == user.id))
    tokens.revoke_all(user.id)
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    if user.volunteer is not None:
        v = user.volunteer
        v.real_name, v.intro, v.review_note = "已注销", "", ""
    user.openid = f"deleted:{user.id}"  # frees the openid: a later login is a new, empty account
    user.unionid = user.session_key_enc = user.phone_enc = user.phone_hash = user.phone_masked = None
    user.nickname, user.avatar_url, user.preferences = "", "", {}
    user.is_admin = False
    user.deleted_at = utcnow()
    db.session.execute(delete(StaffAssignment).where(StaffAssignment.user_id == user.id))
