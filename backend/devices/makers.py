"""Device makers and who works for them (admins decide; a grant revokes the user's tokens so the new
scope applies at once, as staff grants do)."""
from sqlalchemy import select

from ..common.pagination import page_of
from ..errors import Conflict, NotFound
from ..extensions import db
from ..identity import User, require_admin, revoke_tokens
from ..units import use_case
from .access import makers_of
from .models import Maker, MakerStaff

MAKER_FIELDS = ("name", "contact_name", "phone", "address", "active")


def maker_view(m: Maker) -> dict:
    staff = db.session.scalars(select(MakerStaff.user_id).where(MakerStaff.maker_id == m.id)
                               .order_by(MakerStaff.user_id)).all()
    return {"id": m.id, "name": m.name, "contact_name": m.contact_name, "phone": m.phone,
            "address": m.address, "active": m.active, "staff_user_ids": list(staff)}


def _unique_name(name: str, maker_id: int | None = None) -> None:
    found = db.session.scalar(select(Maker.id).where(Maker.name == name))
    if found is not None and found != maker_id:
        raise Conflict("maker_exists", "已有同名厂家")


@use_case
def create_maker(admin: User, data: dict) -> dict:
    require_admin(admin)
    _unique_name(data["name"])
    maker = Maker(**{k: data[k] for k in MAKER_FIELDS if k in data})
    db.session.add(maker)
    db.session.flush()
    return maker_view(maker)


@use_case
def update_maker(admin: User, maker_id: int, data: dict) -> dict:
    require_admin(admin)
    maker = db.session.get(Maker, maker_id)
    if maker is None:
        raise NotFound()
    if "name" in data:
        _unique_name(data["name"], maker_id)
    for k in MAKER_FIELDS:
        if k in data:
            setattr(maker, k, data[k])
    db.session.flush()
    return maker_view(maker)


def list_makers(admin: User, page: int, page_size: int) -> dict:
    require_admin(admin)
    result = page_of(select(Maker).order_by(Maker.id), page, page_size)
    result["items"] = [maker_view(m) for m in result["items"]]
    return result


@use_case
def assign_staff(admin: User, maker_id: int, user_id: int) -> dict:
    require_admin(admin)
    maker, user = db.session.get(Maker, maker_id), db.session.get(User, user_id)
    if maker is None or user is None or user.deleted_at is not None:
        raise NotFound()
    if db.session.get(MakerStaff, (user_id, maker_id)) is None:
        db.session.add(MakerStaff(user_id=user_id, maker_id=maker_id))
    revoke_tokens(user_id)
    db.session.flush()
    return {"maker_id": maker_id, "user_id": user_id}


@use_case
def unassign_staff(admin: User, maker_id: int, user_id: int) -> None:
    require_admin(admin)
    row = db.session.get(MakerStaff, (user_id, maker_id))
    if row is None:
        raise NotFound()
    db.session.delete(row)
    revoke_tokens(user_id)


def profile(user: User) -> dict:
    """The `maker` role and `makers` in `Me`."""
    makers = makers_of(user)
    return {"roles": ["maker"] if makers else [], "fields": {"makers": makers}}
