"""Accounts, residents and volunteer profiles as API.md shows them (sensitive values masked)."""
from datetime import date

from sqlalchemy import select

from ..crypto import decrypt
from ..extensions import db
from .. import domains, localtime
from .access import staff_roles
from ..sites import Site
from .models import Resident, ResidentLink, StaffAssignment, User, VolunteerProfile

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
    return user_views([user])[0]


def user_views(users: list[User]) -> list[dict]:
    """Users as the federation's admins find them: with their roles (as in `Me`) and where they work
    (`staff_sites` with each site's name), read for the whole page in three statements."""
    ids = [u.id for u in users]
    staff: dict[int, list[dict]] = {}
    relations: dict[int, set[str]] = {}
    volunteers: set[int] = set()
    if ids:
        for uid, site_id, role, name in db.session.execute(
                select(StaffAssignment.user_id, StaffAssignment.site_id, StaffAssignment.role, Site.name)
                .join(Site, Site.id == StaffAssignment.site_id).where(StaffAssignment.user_id.in_(ids))
                .order_by(StaffAssignment.site_id)):
            staff.setdefault(uid, []).append({"site_id": site_id, "role": role, "site_name": name})
        for uid, relation in db.session.execute(select(ResidentLink.user_id, ResidentLink.relation)
                                                .where(ResidentLink.user_id.in_(ids))):
            relations.setdefault(uid, set()).add(relation)
        volunteers = set(db.session.scalars(select(VolunteerProfile.user_id).where(
            VolunteerProfile.user_id.in_(ids), VolunteerProfile.status == "approved")))
    out = []
    for u in users:
        linked = relations.get(u.id, set())
        roles = {"resident"} if "self" in linked else set()
        roles |= {"family"} if linked - {"self"} else set()
        roles |= {"volunteer"} if u.id in volunteers else set()
        roles |= {a["role"] for a in staff.get(u.id, [])}
        roles |= {"admin"} if u.is_admin else set()
        extra_roles, _ = domains.profiles(u)  # e.g. the devices domain's `maker` role
        out.append({"id": u.id, "nickname": u.nickname, "avatar_url": u.avatar_url, "phone_masked": u.phone_masked,
                    "is_admin": u.is_admin, "roles": [r for r in ROLE_ORDER if r in roles]
                    + [r for r in extra_roles if r not in roles], "staff_sites": staff.get(u.id, []),
                    "created_at": localtime.at(u.created_at)})
    return out


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
