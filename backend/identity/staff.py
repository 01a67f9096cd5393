"""Staff assignments: who works at which site, as staff or manager (admins decide; the CLI bootstraps)."""
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..sites import get_site
from ..units import use_case
from . import tokens
from .access import require_admin
from .models import StaffAssignment, User


@use_case
def assign_staff(admin: User, site_id: int, user_id: int, role: str) -> dict:
    """Give a user a role at a site. Their tokens are revoked so the new scope applies at once."""
    require_admin(admin)
    get_site(site_id)
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound()
    assignment = _assign(user, site_id, role)
    return {"site_id": assignment.site_id, "role": assignment.role}


@use_case
def unassign_staff(admin: User, site_id: int, user_id: int) -> None:
    require_admin(admin)
    assignment = db.session.get(StaffAssignment, (user_id, site_id))
    if assignment is None:
        raise NotFound()
    db.session.delete(assignment)
    tokens.revoke_all(user_id)


@use_case
def grant_staff_cli(user: User, site_id: int, role: str) -> dict:
    """Bootstrap from the CLI (no acting admin)."""
    get_site(site_id)
    assignment = _assign(user, site_id, role)
    return {"site_id": assignment.site_id, "role": assignment.role}


@use_case
def grant_admin_cli(user: User) -> None:
    user.is_admin = True
    tokens.revoke_all(user.id)


def _assign(user: User, site_id: int, role: str) -> StaffAssignment:
    assignment = db.session.get(StaffAssignment, (user.id, site_id))
    if assignment is None:
        assignment = StaffAssignment(user_id=user.id, site_id=site_id, role=role)
        db.session.add(assignment)
    assignment.role, assignment.assigned_at = role, utcnow()
    tokens.revoke_all(user.id)
    db.session.flush()
    return assignment
