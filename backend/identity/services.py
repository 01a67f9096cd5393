"""Account use cases: login, logout, profile, phone, export, deletion, roles."""
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import privacy
from ..crypto import encrypt, lookup_hash, mask_phone
from ..common.pagination import page_of
from ..common.timefmt import localise
from ..db import utcnow
from ..errors import DomainError, NotFound, Unauthenticated, UpstreamUnavailable
from ..extensions import db
from ..moderation import check_text
from ..wechat import mp_client
from ..wechat.errors import WeChatAPIError, WeChatUnavailable
from ..sites.models import StaffAssignment
from . import tokens
from .access import require_admin, staff_roles
from .models import AuthToken, Resident, ResidentLink, User
from .residents import erase_resident, resident_view

log = logging.getLogger(__name__)

INVALID_CODE_ERRCODES = {40029, 40163, 40226, 40125}


def _wechat_call(fn, *args):
    """Call WeChat; map its failures to domain errors (401 for bad codes, 503 when down)."""
    try:
        return fn(*args)
    except WeChatUnavailable:
        raise UpstreamUnavailable() from None
    except WeChatAPIError as e:
        if e.errcode in INVALID_CODE_ERRCODES:
            raise Unauthenticated("wechat_code_invalid", "微信登录凭证无效或已使用，请重新登录") from None
        log.warning("wechat api error %s", e.errcode)
        raise UpstreamUnavailable() from None


def login(code: str) -> tuple[str, AuthToken, User]:
    """wx.login code → user (created on first login) and a new token."""
    session = _wechat_call(mp_client().code_to_session, code)
    openid = session["openid"]
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid, preferences={})
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # the same person logging in twice at once: use the winner's row
            db.session.rollback()
            user = db.session.scalar(select(User).where(User.openid == openid))
    user.unionid = session.get("unionid") or user.unionid
    user.session_key_enc = encrypt(session.get("session_key"))
    token, row = tokens.issue(user)
    db.session.commit()
    return token, row, user


def logout(token_row: AuthToken) -> None:
    token_row.revoked_at = utcnow()
    db.session.commit()


def update_me(user: User, changes: dict) -> User:
    check_text(user.openid, changes.get("nickname"), (changes.get("preferences") or {}).get("notes"))
    for field in ("nickname", "avatar_url"):
        if field in changes:
            setattr(user, field, changes[field])
    if "preferences" in changes:
        user.preferences = {**(user.preferences or {}), **changes["preferences"]}
    db.session.commit()
    return user


def bind_phone(user: User, code: str) -> User:
    phone = _wechat_call(mp_client().get_phone_number, code)
    user.phone_enc, user.phone_hash, user.phone_masked = encrypt(phone), lookup_hash(phone), mask_phone(phone)
    db.session.commit()
    return user


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
    order = ["resident", "family", "volunteer", "staff", "manager", "admin"]
    return [r for r in order if r in roles], [{"site_id": s, "role": r} for s, r in sorted(staff.items())]


def managed_resident_ids(user: User) -> list[int]:
    return list(db.session.scalars(select(ResidentLink.resident_id).where(ResidentLink.user_id == user.id)))


def export_me(user: User) -> dict:
    """Every personal record held about the user and the residents they manage (PIPL)."""
    resident_ids = managed_resident_ids(user)
    residents = db.session.scalars(select(Resident).where(Resident.id.in_(resident_ids))).all()
    roles, staff_sites = roles_of(user)
    data = {
        "exported_at": utcnow(),
        "user": {"id": user.id, "nickname": user.nickname, "avatar_url": user.avatar_url,
                 "phone_masked": user.phone_masked, "preferences": user.preferences,
                 "roles": roles, "staff_sites": staff_sites, "created_at": user.created_at},
        "residents": [resident_view(r, user) for r in residents],
        "volunteer": None,
    }
    if user.volunteer is not None:
        v = user.volunteer
        data["volunteer"] = {"real_name": v.real_name, "skills": v.skills, "intro": v.intro,
                             "status": v.status, "minutes_total": v.minutes_total}
    for name, fn in privacy.EXPORTERS.items():
        data[name] = fn(user, resident_ids)
    return localise(data)


def delete_me(user: User) -> None:
    """Delete the account: revoke tokens, erase personal fields, let each domain cancel what is live.

    Residents only this user managed (and no site registered) are anonymised too;
    anonymous service records stay for statistics.
    """
    resident_ids = managed_resident_ids(user)
    for fn in privacy.ERASERS:
        fn(user, resident_ids)
    for rid in resident_ids:
        others = db.session.scalar(select(ResidentLink.id).where(
            ResidentLink.resident_id == rid, ResidentLink.user_id != user.id).limit(1))
        resident = db.session.get(Resident, rid)
        if others is None and resident is not None and resident.registered_site_id is None:
            erase_resident(resident)
    db.session.execute(ResidentLink.__table__.delete().where(ResidentLink.user_id == user.id))
    tokens.revoke_all(user.id)
    if user.volunteer is not None:
        v = user.volunteer
        v.real_name, v.intro, v.review_note = "已注销", "", ""
    user.openid = f"deleted:{user.id}"  # frees the openid: a later login is a new, empty account
    user.unionid = user.session_key_enc = user.phone_enc = user.phone_hash = user.phone_masked = None
    user.nickname, user.avatar_url, user.preferences = "", "", {}
    user.is_admin = False
    user.deleted_at = utcnow()
    db.session.execute(StaffAssignment.__table__.delete().where(StaffAssignment.user_id == user.id))
    db.session.commit()


def find_users(admin: User, q: str | None, phone: str | None, page: int, page_size: int) -> dict:
    """Admin search: nickname contains `q`; `phone` matched exactly through its keyed hash."""
    require_admin(admin)
    stmt = select(User).where(User.deleted_at.is_(None)).order_by(User.id)
    if q:
        stmt = stmt.where(User.nickname.contains(q))
    if phone:
        stmt = stmt.where(User.phone_hash == lookup_hash(phone))
    return page_of(stmt, page, page_size)


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound()
    return user


def user_by_openid(openid: str) -> User:
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        raise DomainError("not_found", f"没有 openid 为 {openid} 的用户（需先登录一次）", status=404)
    return user
