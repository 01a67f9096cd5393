"""Site use cases: the public listing and one site; the federation's admins create and edit them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from .. import audit
from ..common.pagination import page_of
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..units import use_case
from .models import Site
from .views import site_view

if TYPE_CHECKING:
    from ..identity.models import User


def list_sites(kind: str | None, page: int, page_size: int) -> dict:
    stmt = select(Site).order_by(Site.id)
    if kind:
        stmt = stmt.where(Site.kind == kind)
    result = page_of(stmt, page, page_size)
    result["items"] = [site_view(s) for s in result["items"]]
    return result


def get_site(site_id: int, kind: str | None = None) -> Site:
    """The site, if it is of `kind` (when given), else 404 (a café has no slots, a home no menu)."""
    site = db.session.get(Site, site_id)
    if site is None or (kind is not None and site.kind != kind):
        raise NotFound()
    return site


def read_site(site_id: int) -> dict:
    return site_view(get_site(site_id))


def _require_admin(user: User) -> None:
    # Sites sit below identity (whose require_admin this is); being an admin is a flag of the user.
    if not user.is_admin:
        raise Forbidden()


AUDITED = ("kind", "name", "address", "community", "phone", "lat", "lng", "opening_hours", "accessibility",
           "timezone", "rules")


def _settings(site: Site) -> dict:
    return {k: getattr(site, k) for k in AUDITED}


@use_case
def create_site(admin: User, data: dict) -> dict:
    _require_admin(admin)
    site = Site(**_site_fields(data))
    db.session.add(site)
    db.session.flush()
    audit.record_change(admin.id, "create", "site", site.id, after=_settings(site), site_id=site.id)
    return site_view(site)


@use_case
def update_site(admin: User, site_id: int, data: dict) -> dict:
    _require_admin(admin)
    site = get_site(site_id)
    before = _settings(site)
    for k, v in _site_fields(data).items():
        setattr(site, k, v)
    db.session.flush()
    audit.record_change(admin.id, "update", "site", site.id, before=before, after=_settings(site), site_id=site.id)
    return site_view(site)


def _site_fields(data: dict) -> dict:
    out = dict(data)
    if "location" in out:
        loc = out.pop("location") or {}
        out["lat"], out["lng"] = loc.get("lat"), loc.get("lng")
    return out
