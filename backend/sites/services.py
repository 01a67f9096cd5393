"""Sites and staff assignments."""
from time import monotonic

from sqlalchemy import select

from ..common.pagination import page_of
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..identity import tokens
from ..identity.access import require_admin
from ..identity.models import User
from .models import Site, StaffAssignment


def list_sites(kind: str | None, page: int, page_size: int) -> dict:
    stmt = select(Site).order_by(Site.id)
    if kind:
        stmt = stmt.where(Site.kind == kind)
    return page_of(stmt, page, page_size)


def get_site(site_id: int, kind: str | None = None) -> Site:
    site = db.session.get(Site, site_id)
    if site is None or (kind is not None and site.kind != kind):
        raise NotFound()
    return site


# site_id -> (valid until, zone name): a site's zone is read on every listing and almost never changes.
_ZONE_TTL = 300.0
_zones: dict[int, tuple[float, str]] = {}


def site_timezone(site_id: int) -> str | None:
    """The site's time zone name (None for an unknown site), cached per process for a few minutes."""
    hit = _zones.get(site_id)
    if hit is not None and hit[0] > monotonic():
        return hit[1]
    zone = db.session.scalar(select(Site.timezone).where(Site.id == site_id))
    if zone is not None:
        _zones[site_id] = (monotonic() + _ZONE_TTL, zone)
    return zone


def create_site(admin: User, data: dict) -> Site:
    require_admin(admin)
    site = Site(**_site_fields(data))
    db.session.add(site)
    db.session.commit()
    return site


def update_site(admin: User, site_id: int, data: dict) -> Site:
    require_admin(admin)
    site = get_site(site_id)
    for k, v in _site_fields(data).items():
        setattr(site, k, v)
    db.session.commit()
    _zones.pop(site_id, None)  # this process sees a new zone at once; others within the TTL
    return site


def _site_fields(data: dict) -> dict:
    out = dict(data)
    if "location" in out:
        loc = out.pop("location") or {}
        out["lat"], out["lng"] = loc.get("lat"), loc.get("lng")
    return out


def assign_staff(admin: User, site_id: int, user_id: int, role: str) -> StaffAssignment:
    """Give a user a role at a site. Their tokens are revoked so the new scope applies at once."""
    require_admin(admin)
    get_site(site_id)
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound()
    assignment = _assign(user, site_id, role)
    db.session.commit()
    return assignment


def _assign(user: User, site_id: int, role: str) -> StaffAssignment:
    assignment = db.session.get(StaffAssignment, (user.id, site_id))
    if assignment is None:
        assignment = StaffAssignment(user_id=user.id, site_id=site_id, role=role)
        db.session.add(assignment)
    assignment.role, assignment.assigned_at = role, utcnow()
    tokens.revoke_all(user.id)
    return assignment


def unassign_staff(admin: User, site_id: int, user_id: int) -> None:
    require_admin(admin)
    assignment = db.session.get(StaffAssignment, (user_id, site_id))
    if assignment is None:
        raise NotFound()
    db.session.delete(assignment)
    tokens.revoke_all(user_id)
    db.session.commit()


def grant_staff_cli(user: User, site_id: int, role: str) -> StaffAssignment:
    """Bootstrap from the CLI (no acting admin)."""
    get_site(site_id)
    assignment = _assign(user, site_id, role)
    db.session.commit()
    return assignment
