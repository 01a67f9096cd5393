"""Resident use cases: register (by a user or staff), read, update, unlink, verify, find."""
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..common.pagination import page_of
from ..crypto import decrypt, encrypt, lookup_hash, mask_phone
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..moderation import check_text
from ..sites import Site, get_site
from ..units import use_case
from .access import linked_resident, require_staff, resident_for_actor, resident_known_to, staff_site_ids
from .certificates import birth_date_of_id, certificate_errors, normalise
from .models import Resident, ResidentLink, ResidentSite, User
from .views import GUARDIAN_AGE, age_on, resident_birth_date, resident_view

def _apply_personal_fields(resident: Resident, data: dict) -> None:
    """Validate and store name/category/level/certificate/birth date/phone/needs; raise 422 listing every defect."""
    category = data.get("disability_category", resident.disability_category)
    level = data.get("disability_level", resident.disability_level)
    birth = data["birth_date"] if "birth_date" in data else resident_birth_date(resident)
    cert = data.get("certificate_no")
    if cert is None and "certificate_no" not in data and resident.certificate_enc:
        cert = decrypt(resident.certificate_enc)  # re-check the stored number against a new category/level
    fields: dict[str, list[str]] = {}
    if cert:
        errors = certificate_errors(cert, category, level, birth)
        if errors:
            fields["certificate_no"] = errors
        elif birth is None:
            birth = birth_date_of_id(normalise(cert)[:18])
    if birth is not None and birth > date.today():
        fields["birth_date"] = ["出生日期不能晚于今天"]
    if fields:
        raise Invalid(fields=fields)

    if resident.certificate_enc and (
            cert != decrypt(resident.certificate_enc) or category != resident.disability_category
            or level != resident.disability_level):
        resident.verification = "pending"  # what was checked in person no longer holds
    elif resident.verification == "rejected" and {"certificate_no", "disability_category",
                                                   "disability_level", "birth_date"} & set(data):
        resident.verification = "pending"  # corrected after a rejection: ready to be checked again
    resident.disability_category, resident.disability_level = category, level
    if "name" in data:
        resident.name = data["name"]
    if "needs" in data:
        resident.needs = sorted(set(data["needs"]))
    if "notes" in data:
        resident.notes = data["notes"]
    if "certificate_no" in data:
        n = normalise(cert) if cert else None
        resident.certificate_enc = encrypt(n)
        resident.certificate_hash = lookup_hash(n) if n else None
        resident.certificate_tail = n[-4:] if n else None
    resident.birth_date_enc = encrypt(birth.isoformat()) if birth else None
    if "phone" in data:
        phone = data["phone"]
        resident.phone_enc, resident.phone_masked = encrypt(phone), mask_phone(phone)


def _check_consent(consent: dict, birth: date | None) -> None:
    if not consent.get("sensitive_info"):
        raise Invalid("consent_required", "需同意收集和使用残疾信息等敏感个人信息",
                      fields={"consent.sensitive_info": ["必须同意"]})
    if birth is not None and age_on(birth, date.today()) < GUARDIAN_AGE and not consent.get("guardian"):
        raise Invalid("consent_required", "未满 14 周岁，需监护人同意",
                      fields={"consent.guardian": ["未满 14 周岁需监护人同意"]})


def _birth_for_consent(data: dict) -> date | None:
    if data.get("birth_date"):
        return data["birth_date"]
    cert = data.get("certificate_no")
    return birth_date_of_id(normalise(cert)[:18]) if cert and len(normalise(cert)) == 20 else None


def _new_resident(actor: User, data: dict) -> Resident:
    check_text(actor.openid, data.get("name"), data.get("notes"))
    _check_consent(data.get("consent") or {}, _birth_for_consent(data))
    now = utcnow()
    resident = Resident(name=data["name"], disability_category=data["disability_category"],
                        disability_level=data["disability_level"], needs=[], verification="pending",
                        consent_sensitive_at=now, consent_by_user_id=actor.id, created_by_id=actor.id)
    _apply_personal_fields(resident, data)
    if (data.get("consent") or {}).get("guardian"):
        resident.consent_guardian_at = now
    return resident


def _insert(resident: Resident) -> None:
    db.session.add(resident)
    try:
        db.session.flush()
    except IntegrityError:  # the unit rolls back
        raise Conflict("certificate_registered", "该残疾人证已登记，请联系已关联的家属或工作人员") from None


@use_case
def register_for_user(user: User, data: dict) -> dict:
    """A user registers a resident they act for (themself, a parent, a child...)."""
    if data["relation"] == "self" and db.session.scalar(select(ResidentLink.id).where(
            ResidentLink.user_id == user.id, ResidentLink.relation == "self")):
        raise Conflict("self_already_registered", "您已登记过本人信息")
    site_id = data.get("site_id")
    if site_id is not None:
        _verifying_site(site_id)
    resident = _new_resident(user, data)
    resident.registered_site_id = site_id
    _insert(resident)
    db.session.add(ResidentLink(user_id=user.id, resident_id=resident.id, relation=data["relation"]))
    if site_id is not None:  # the family chose this station: it now knows the resident (its pending queue)
        mark_known(resident.id, site_id, "registered")
    db.session.flush()
    return resident_view(resident, user)


VERIFYING_KINDS = ("home", "rehab", "device_center")


def _verifying_site(site_id: int) -> None:
    """A site whose staff check certificates in person (not a café); else 422 on `site_id`."""
    site = db.session.get(Site, site_id)
    if site is None or site.kind not in VERIFYING_KINDS:
        raise Invalid(fields={"site_id": ["请选择残疾人之家、康复站或辅具服务中心"]})


@use_case
def register_walk_in(staff: User, data: dict) -> dict:
    """Staff register a resident without a smartphone; linked to the site, not to a user."""
    site_id = _staff_site(staff, data.get("site_id"))
    resident = _new_resident(staff, data)
    resident.registered_site_id = site_id
    _insert(resident)
    mark_known(resident.id, site_id, "registered")
    audit.record(staff.id, "update", [resident.id], site_id=site_id)
    return resident_view(resident, staff)


def _staff_site(staff: User, site_id: int | None) -> int:
    """The site a staff action applies to: the one named (if theirs) or their only one."""
    roles = require_staff(staff, site_id)
    if site_id is not None:
        get_site(site_id)
        return site_id
    if len(roles) != 1:
        raise Invalid(fields={"site_id": ["您在多个站点任职，请指定 site_id"]})
    return next(iter(roles))


def mark_known(resident_id: int, site_id: int, reason: str) -> None:
    """Record that a site knows this resident (staff scope). Idempotent; joins the caller's transaction."""
    if db.session.get(ResidentSite, (resident_id, site_id)) is None:
        try:
            with db.session.begin_nested():  # a concurrent first booking at the site may insert it too
                db.session.add(ResidentSite(resident_id=resident_id, site_id=site_id, reason=reason))
        except IntegrityError:
            pass  # known already: that is all we wanted


def my_residents(user: User) -> list[dict]:
    rows = db.session.scalars(select(Resident).join(ResidentLink).where(
        ResidentLink.user_id == user.id, Resident.erased_at.is_(None)).order_by(Resident.id)).all()
    return [resident_view(r, user) for r in rows]


@use_case
def read_resident(actor: User, resident_id: int) -> dict:
    resident, as_staff, site_id = resident_for_actor(actor, resident_id)
    if as_staff:
        audit.record(actor.id, "read", [resident.id], site_id=site_id)
    return resident_view(resident, actor)


@use_case
def update_resident(actor: User, resident_id: int, data: dict) -> dict:
    resident, as_staff, site_id = resident_for_actor(actor, resident_id)
    check_text(actor.openid, data.get("name"), data.get("notes"))
    _apply_personal_fields(resident, data)
    if as_staff:
        audit.record(actor.id, "update", [resident.id], fields=sorted(data), site_id=site_id)
    db.session.flush()
    return resident_view(resident, actor)


@use_case
def unlink(user: User, resident_id: int) -> None:
    resident = linked_resident(user, resident_id)
    db.session.execute(ResidentLink.__table__.delete().where(
        ResidentLink.user_id == user.id, ResidentLink.resident_id == resident_id))
    remaining = db.session.scalar(select(ResidentLink.id).where(ResidentLink.resident_id == resident_id).limit(1))
    if remaining is None and resident.registered_site_id is None and not db.session.scalar(
            select(exists().where(ResidentSite.resident_id == resident_id))):
        erase_resident(resident)  # nobody acts for them and no site knows them: keep nothing personal


def erase_resident(resident: Resident) -> None:
    """Anonymise: personal fields gone; category/level stay for anonymous statistics."""
    resident.name = "已删除"
    resident.certificate_enc = resident.certificate_hash = resident.certificate_tail = None
    resident.birth_date_enc = resident.phone_enc = resident.phone_masked = None
    resident.needs, resident.notes, resident.verification_note = [], "", ""
    resident.erased_at = utcnow()


@use_case
def staff_residents(staff: User, *, page: int, page_size: int, site_id: int | None = None,
                    verification: str | None = None, q: str | None = None,
                    certificate_no: str | None = None) -> dict:
    """`GET /staff/residents`: an exact certificate lookup, or the residents known to the staff
    member's sites; every row shown is an audited read (one use case, one commit)."""
    if certificate_no is not None:
        found = _find_by_certificate(staff, certificate_no)
        return {"items": _audit_listing(staff, found), "page": 1, "page_size": page_size, "total": len(found)}
    result = page_of(_staff_residents_query(staff, site_id=site_id, verification=verification, q=q),
                     page, page_size)
    result["items"] = _audit_listing(staff, result["items"])
    return result


def _staff_residents_query(staff: User, *, site_id: int | None, verification: str | None, q: str | None):
    """Residents known to the staff member's sites (all for admins), newest first."""
    scope = staff_site_ids(staff)
    require_staff(staff, site_id)
    stmt = select(Resident).where(Resident.erased_at.is_(None)).order_by(Resident.id.desc())
    sites = {site_id} if site_id is not None else scope
    if sites is not None:
        stmt = stmt.where(exists().where(ResidentSite.resident_id == Resident.id, ResidentSite.site_id.in_(sites)))
    if verification:
        stmt = stmt.where(Resident.verification == verification)
    if q:
        stmt = stmt.where(or_(Resident.name.contains(q), Resident.certificate_tail == q.upper()))
    return stmt


def _audit_listing(staff: User, residents: list[Resident]) -> list[dict]:
    """Staff listings show disability data: every row seen is an audited read, recorded against
    the staff member's site that knows the resident (one query and one INSERT for the whole page)."""
    scope = staff_site_ids(staff) or set()
    ids = [r.id for r in residents]
    sites = dict(db.session.execute(
        select(ResidentSite.resident_id, func.min(ResidentSite.site_id))
        .where(ResidentSite.resident_id.in_(ids), ResidentSite.site_id.in_(scope))
        .group_by(ResidentSite.resident_id)).all()) if ids and scope else {}
    audit.record(staff.id, "read", ids, sites=sites)
    return [resident_view(r) for r in residents]


def _find_by_certificate(staff: User, certificate_no: str) -> list[Resident]:
    """Exact match through the keyed hash, across the city. The person is at the counter with the
    certificate, so a match becomes known to the staff member's site (and may be verified there)."""
    roles = require_staff(staff)
    resident = db.session.scalar(select(Resident).where(
        Resident.certificate_hash == lookup_hash(normalise(certificate_no)), Resident.erased_at.is_(None)))
    if resident is None:
        return []
    if len(roles) == 1:
        mark_known(resident.id, next(iter(roles)), "lookup")
    return [resident]


@use_case
def verify(staff: User, resident_id: int, status: str, note: str, site_id: int | None = None) -> dict:
    """Certificate checked in person: verified or rejected; the resident becomes known to the site."""
    site = _staff_site(staff, site_id)
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.erased_at is not None:
        raise NotFound()
    scope = staff_site_ids(staff)
    if scope is not None:
        if not resident_known_to(resident_id, scope):
            raise NotFound()
    if resident.verification != "pending":  # DESIGN: pending → verified | rejected, nothing else
        raise Conflict("invalid_transition", "该居民已核验过；资料更新后会回到待核验")
    if status == "verified" and resident.certificate_hash is None:
        raise Conflict("certificate_missing", "该居民未登记残疾人证号，无法核验")
    resident.verification, resident.verification_note = status, note or ""
    resident.verified_by_id, resident.verified_at = staff.id, utcnow()
    mark_known(resident.id, site, "verified")
    audit.record(staff.id, "verify", [resident.id], fields=["certificate", "verification"], site_id=site)
    db.session.flush()
    return resident_view(resident)


def linked_user_ids(resident_id: int) -> list[int]:
    """Users to notify about a resident's bookings."""
    return list(db.session.scalars(select(ResidentLink.user_id).where(ResidentLink.resident_id == resident_id)))

