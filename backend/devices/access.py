"""Who may see and act on device cases, products and supply orders. Someone else's is a 404."""
from sqlalchemy import select

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..identity import User, is_linked, require_staff, staff_roles
from ..sites import get_site
from .case_models import DeviceCase
from .models import Maker, MakerStaff

CASE_SITE_KINDS = ("device_center", "rehab")


def case_site(site_id: int):
    """A site that handles device cases (a device centre or a rehab station), else 422-worthy 404."""
    site = get_site(site_id)
    if site.kind not in CASE_SITE_KINDS:
        raise NotFound()
    return site


def reader_role(user: User, case: DeviceCase) -> str:
    """How the user may read the case: "applicant" (linked to the resident), "staff" (of its site),
    "admin". Makers and anyone else: 404."""
    if is_linked(user.id, case.resident_id):
        return "applicant"
    if user.is_admin:
        return "admin"
    if case.site_id in staff_roles(user):
        return "staff"
    raise NotFound()


def readable_case(user: User, case_id: int) -> tuple[DeviceCase, str]:
    case = db.session.get(DeviceCase, case_id)
    if case is None:
        raise NotFound()
    return case, reader_role(user, case)


def staff_case(user: User, case_id: int) -> DeviceCase:
    """A case of a site the user works at (admins: any): 403 without a staff role, 404 if not theirs."""
    require_staff(user)
    case = db.session.get(DeviceCase, case_id)
    if case is None:
        raise NotFound()
    require_staff(user, case.site_id)
    return case


def applicant_case(user: User, case_id: int) -> DeviceCase:
    """A case the user acts on as the applicant: linked to the resident, or staff of its site for a
    case filed for a walk-in (代办)."""
    case = db.session.get(DeviceCase, case_id)
    if case is None:
        raise NotFound()
    if is_linked(user.id, case.resident_id):
        return case
    if case.by_staff and (user.is_admin or case.site_id in staff_roles(user)):
        return case
    raise NotFound()


def may_take(user: User, case: DeviceCase, by: str) -> bool:
    """May the user take a step that `by` names (staff | manager | admin) at the case's site?
    Admins may take any step; a manager any staff step."""
    if user.is_admin:
        return True
    role = staff_roles(user).get(case.site_id)
    if by == "staff":
        return role in ("staff", "manager")
    if by == "manager":
        return role == "manager"
    return False


def maker_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(MakerStaff.maker_id).where(MakerStaff.user_id == user.id)))


def require_maker(user: User) -> set[int]:
    """The makers the user works for; 403 without the maker role."""
    ids = maker_ids(user)
    if not ids:
        raise Forbidden()
    return ids


def makers_of(user: User) -> list[dict]:
    rows = db.session.execute(select(Maker.id, Maker.name).join(MakerStaff, MakerStaff.maker_id == Maker.id)
                              .where(MakerStaff.user_id == user.id).order_by(Maker.id)).all()
    return [{"maker_id": mid, "name": name} for mid, name in rows]
