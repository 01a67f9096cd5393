"""Rehab services and therapists of a site: public listing, managers' create/edit."""
from sqlalchemy import select

from .. import audit
from ..common.pagination import page_of
from ..errors import Invalid, NotFound
from ..extensions import db
from ..identity import StaffAssignment, User, require_staff
from ..sites import get_site
from ..units import use_case
from .models import RehabService, Therapist
from .views import service_view, therapist_full

SERVICE_FIELDS = ("name", "kind", "duration_min", "buffer_min", "description", "requires_verified", "active")


def list_services(site_id: int | None, page: int, page_size: int) -> dict:
    """Active services (of one site or all rehab stations), for the public."""
    stmt = select(RehabService).where(RehabService.active.is_(True)).order_by(RehabService.id)
    if site_id is not None:
        stmt = stmt.where(RehabService.site_id == site_id)
    result = page_of(stmt, page, page_size)
    result["items"] = [service_view(x) for x in result["items"]]
    return result


def get_service(service_id: int, *, public: bool = True) -> RehabService:
    service = db.session.get(RehabService, service_id)
    if service is None or (public and not service.active):
        raise NotFound()
    return service


def managed_service(user: User, service_id: int) -> RehabService:
    """A service the user manages (404 for another site's, 403 for plain staff)."""
    service = get_service(service_id, public=False)
    require_staff(user, service.site_id, manager=True)
    return service


@use_case
def create_service(user: User, data: dict) -> dict:
    require_staff(user, data["site_id"], manager=True)
    site = get_site(data["site_id"])
    if site.kind != "rehab":
        raise Invalid(fields={"site_id": ["该站点不是康复站"]})
    service = RehabService(site_id=site.id, **{k: data[k] for k in SERVICE_FIELDS if k in data})
    db.session.add(service)
    db.session.flush()
    audit.record_change(user.id, "create", "rehab_service", service.id, after=_settings(service), site_id=site.id)
    return service_view(service)


def _settings(service: RehabService) -> dict:
    return {k: getattr(service, k) for k in SERVICE_FIELDS}


@use_case
def update_service(user: User, service_id: int, data: dict) -> dict:
    """Edits apply to slots generated from now on; PUT the schedule again to reshape existing ones."""
    service = managed_service(user, service_id)
    before = _settings(service)
    for k in SERVICE_FIELDS:
        if k in data:
            setattr(service, k, data[k])
    db.session.flush()
    audit.record_change(user.id, "update", "rehab_service", service.id, before=before, after=_settings(service),
                        site_id=service.site_id)
    return service_view(service)


@use_case
def create_therapist(user: User, site_id: int, data: dict) -> dict:
    require_staff(user, site_id, manager=True)
    get_site(site_id, kind="rehab")
    user_id = data.get("user_id")
    if user_id is not None and db.session.get(StaffAssignment, (user_id, site_id)) is None:
        raise Invalid(fields={"user_id": ["须为本站点的工作人员"]})
    therapist = Therapist(site_id=site_id, name=data["name"], user_id=user_id)
    db.session.add(therapist)
    db.session.flush()
    audit.record_change(user.id, "create", "therapist", therapist.id, after={"name": therapist.name,
                                                                             "user_id": user_id}, site_id=site_id)
    return therapist_full(therapist)


def list_therapists(user: User, site_id: int) -> list[dict]:
    require_staff(user, site_id)
    get_site(site_id, kind="rehab")
    return [therapist_full(t) for t in db.session.scalars(select(Therapist).where(
        Therapist.site_id == site_id, Therapist.active.is_(True)).order_by(Therapist.id))]
