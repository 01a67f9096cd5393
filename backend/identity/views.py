"""Accounts, residents and volunteer profiles as API.md shows them (sensitive values masked)."""
from datetime import date

from sqlalchemy import select

from ..crypto import decrypt
from ..extensions import db
from .. import domains, localtime
from .access import staff_roles
from .models import Resident, ResidentLink, User, VolunteerProfile

GUARDIAN_AGE = 14
ROLE_ORDER = ("resident", "family", "volunteer", "staff", "manager", "admin")


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def resident_birth_date(resident: Resident) -> date | None:
    raw = decrypt(resident.birth_date_enc)
    return date.fromisoformat(raw) if raw else None


def roles_of(user: User) -> tuple[list[str], list[dict]]:
    """(roles, staff_sites) as shown in `Me`."""
    roles: set[str] = set()
    relations = db.session.scalars(select(ResidentLink.relation).where(ResidentLink.user_id == user.id)).all()
    if "self" in relations:
        roles.add("resident")
    if any(r != "self" for r in relations):
        roles.add("family")
    if user.volunteer is not None and user.volunteer.status == "approved":
        roles.add("volunteer")
    staff = staff_roles(user)
    roles.update(staff.values())
    if user.is_admin:
        roles.add("admin")
    return [r for r in ROLE_ORDER if r in roles], [{"site_id": s, "role": r} for s, r in sorted(staff.items())]


def me_view(user: User) -> dict:
    roles, staff_sites = roles_of(user)
    extra_roles, extra_fields = domains.profiles(user)  # e.g. the devices domain's `maker` role
    v = user.volunteer
    return {"id": user.id, "nickname": user.nickname, "avatar_url": user.avatar_url,
            "phone_masked": user.phone_masked, "roles": roles + [r for r in extra_roles if r not in roles],
            "staff_sites": staff_sites, "preferences": user.preferences or {},
            "volunteer": {"status": v.status, "skills": v.skills, "minutes_total": v.minutes_total} if v else None,
            **extra_fields}


def user_view(user: User) -> dict:
    """A user as the federation's admins find them."""
    return {"id": user.id, "nickname": user.nickname, "avatar_url": user.avatar_url,
            "phone_masked": user.phone_masked, "is_admin": user.is_admin,
            "created_at": localtime.at(user.created_at)}


def resident_view(resident: Resident, viewer: User | None = None) -> dict:
    """The `Resident` of API.md: sensitive values masked, relation as seen by `viewer`."""
    relation = None
    if viewer is not None:
        relation = db.session.scalar(select(ResidentLink.relation).where(
            ResidentLink.user_id == viewer.id, ResidentLink.resident_id == resident.id))
    born = resident_birth_date(resident)
    return {
        "id": resident.id, "name": resident.name, "relation": relation,
        "disability_category": resident.disability_category, "disability_level": resident.disability_level,
        "has_certificate": resident.certificate_hash is not None,
        "certificate_tail": resident.certificate_tail,
        "birth_year": born.year if born else None,
        "under_14": age_on(born, date.today()) < GUARDIAN_AGE if born else None,
        "phone_masked": resident.phone_masked, "needs": resident.needs or [],
        "verification": resident.verification, "verification_note": resident.verification_note,
        "registered_site_id": resident.registered_site_id,
        "created_at": localtime.at(resident.created_at, resident.registered_site_id),
    }


def volunteer_view(p: VolunteerProfile) -> dict:
    return {"user_id": p.user_id, "real_name": p.real_name, "skills": p.skills, "intro": p.intro,
            "status": p.status, "review_note": p.review_note, "reviewed_at": localtime.at(p.reviewed_at),
            "minutes_total": p.minutes_total, "created_at": localtime.at(p.created_at)}
