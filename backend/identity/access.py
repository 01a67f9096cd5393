"""Who may do what: small explicit checks, each raising the error of API.md.

Someone else's object is a 404 (never reveal it exists); a missing role is a 403.
"""
from sqlalchemy import select

from ..errors import Forbidden, NotFound
from ..extensions import db
from .models import Resident, ResidentLink, ResidentSite, StaffAssignment, User


def staff_roles(user: User) -> dict[int, str]:
    """{site_id: role} of the user's staff assignments (read from the database, never the request)."""
    rows = db.session.execute(select(StaffAssignment.site_id, StaffAssignment.role)
                              .where(StaffAssignment.user_id == user.id)).all()
    return {site_id: role for site_id, role in rows}


def require_staff(user: User, site_id: int | None = None, *, manager: bool = False) -> dict[int, str]:
    """Require a staff (or manager) role; with `site_id`, at that site (404 if not theirs)."""
    roles = staff_roles(user)
    if not roles and not user.is_admin:
        raise Forbidden()
    if manager and not user.is_admin and "manager" not in roles.values():
        raise Forbidden()
    if site_id is not None and not user.is_admin:
        role = roles.get(site_id)
        if role is None:
            raise NotFound()
        if manager and role != "manager":
            raise Forbidden()
    return roles


def staff_site_ids(user: User) -> set[int] | None:
    """Sites in a staff user's scope; None means all sites (admin)."""
    return None if user.is_admin else set(staff_roles(user))


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise Forbidden()


def is_linked(user_id: int, resident_id: int) -> bool:
    return db.session.scalar(select(ResidentLink.id).where(
        ResidentLink.user_id == user_id, ResidentLink.resident_id == resident_id)) is not None


def linked_resident(user: User, resident_id: int) -> Resident:
    """A resident the user acts for, else 404."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.erased_at or not is_linked(user.id, resident_id):
        raise NotFound()
    return resident


def known_at(resident_id: int, site_ids: set[int]) -> int | None:
    """The first of `site_ids` that knows this resident, if any."""
    if not site_ids:
        return None
    return db.session.scalar(select(ResidentSite.site_id).where(
        ResidentSite.resident_id == resident_id, ResidentSite.site_id.in_(site_ids))
        .order_by(ResidentSite.site_id).limit(1))


def resident_known_to(resident_id: int, site_ids: set[int]) -> bool:
    return known_at(resident_id, site_ids) is not None


def acting_for(user: User, resident_id: int, site_id: int) -> tuple[Resident, bool]:
    """The walk-in rule, the same for every booking (activities, rehab, devices): a user may act at
    `site_id` for a resident they are linked to (→ as_staff False), or, as staff of `site_id`, for a
    resident known to one of their sites, i.e. one they can already see (→ as_staff True: the person
    is at the counter or has no phone); admins for anyone. Anyone else's resident: 404."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.erased_at is not None:
        raise NotFound()
    if is_linked(user.id, resident_id):
        return resident, False
    if user.is_admin:
        return resident, True
    roles = staff_roles(user)
    if site_id in roles and resident_known_to(resident_id, set(roles)):
        return resident, True
    raise NotFound()


def resident_for_actor(user: User, resident_id: int) -> tuple[Resident, bool, int | None]:
    """A resident the user may read: linked, staff of a site that knows them, or admin.

    Returns (resident, as_staff, site_id): as_staff means the access must be audited, as
    done through `site_id` (None for an admin acting at federation level).
    """
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.erased_at:
        raise NotFound()
    if is_linked(user.id, resident_id):
        return resident, False, None
    if user.is_admin:
        return resident, True, known_at(resident_id, set(staff_roles(user)))
    site = known_at(resident_id, staff_site_ids(user) or set())
    if site is not None:
        return resident, True, site
    raise NotFound()
