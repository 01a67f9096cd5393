"""Staff assignments: who works at which site, as staff or manager (admins decide; the CLI bootstraps)."""
from .. import audit
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
    assignment = _assign(admin.id, user, site_id, role)
    return {"site_id": assignment.site_id, "role": assignment.role}


@use_case
def unassign_staff(admin: User, site_id: int, user_id: int) -> None:
    require_admin(admin)
    assignment = db.session.get(StaffAssignment, (user_id, site_id))
    if assignment is None:
        raise NotFound()
    audit.record_change(admin.id, "revoke", "staff_assignment", user_id,
                        before={"user_id": user_id, "role": assignment.role}, after={"user_id": user_id},
                        site_id=site_id)
    db.session.delete(assignment)
    tokens.revoke_all(user_id)


@use_case
def grant_staff_cli(user: User, site_id: int, role: str) -> dict:
    """Bootstrap from the CLI (no acting admin: the audit entry's actor is null)."""
    get_site(site_id)
    assignment = _assign(None, user, site_id, role)
    return {"site_id": assignment.site_id, "role": assignment.role}


@use_case
def grant_admin_cli(user: User) -> None:
    if not user.is_admin:
        audit.record_change(None, "grant", "admin", user.id, before={"is_admin": False}, after={"is_admin": True})
    user.is_admin = True
    tokens.revoke_all(user.id)


def _assign(actor_id: int | None, user: User, site_id: int, role: str) -> StaffAssignment:
    """The assignment, created or changed, audited (`subject_id` is the user whose role it is)."""
    assignment = db.session.get(StaffAssignment, (user.id, site_id))
    before = {"user_id": user.id, "role": assignment.role if assignment else None}
    if assignment is None:
        assignment = StaffAssignment(user_id=user.id, site_id=site_id, role=role)
        db.session.add(assignment)
    assignment.role, assignment.assigned_at = role, utcnow()
    if before["role"] != role:
        audit.record_change(actor_id, "grant", "staff_assignment", user.id, before=before,
                            after={"user_id": user.id, "role": role}, site_id=site_id)
    tokens.revoke_all(user.id)
    db.session.flush()
    return assignment
