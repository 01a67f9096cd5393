"""Account use cases: login, logout, profile, phone, export, deletion, the admins' user search."""
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import privacy
from ..common.pagination import page_of
from ..crypto import encrypt, lookup_hash, mask_phone
from ..db import utcnow
from ..errors import DomainError, Unauthenticated, UpstreamUnavailable
from ..extensions import db
from ..moderation import check_text
from .. import localtime
from ..units import transaction, use_case
from ..wechat import mp_client
from ..wechat.errors import WeChatAPIError, WeChatUnavailable
from . import tokens
from .access import require_admin
from .models import AuthToken, ResidentLink, StaffAssignment, User
from .views import me_view, user_views

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


def login(code: str) -> dict:
    """wx.login code → the user (created on first login) and a new token. WeChat is asked before the
    transaction begins: no lock is held across the network call."""
    session = _wechat_call(mp_client().code_to_session, code)
    with transaction():
        user = db.session.scalar(select(User).where(User.openid == session["openid"]))
        if user is None:
            user = _first_login(session["openid"])
        user.unionid = session.get("unionid") or user.unionid
        user.session_key_enc = encrypt(session.get("session_key"))
        token, row = tokens.issue(user)
        db.session.flush()
        return {"token": token, "expires_at": localtime.at(row.expires_at), "user": me_view(user)}


def _first_login(openid: str) -> User:
    user = User(openid=openid, preferences={})
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # the same person logging in twice at once: use the winner's row
        user = db.session.scalar(select(User).where(User.openid == openid))
    return user


@use_case
def logout(token_row: AuthToken) -> None:
    token_row.revoked_at = utcnow()


def me(user: User) -> dict:
    return me_view(user)


@use_case
def update_me(user: User, changes: dict) -> dict:
    check_text(user.openid, changes.get("nickname"), (changes.get("preferences") or {}).get("notes"))
    for field in ("nickname", "avatar_url"):
        if field in changes:
            setattr(user, field, changes[field])
    if "preferences" in changes:
        user.preferences = {**(user.preferences or {}), **changes["preferences"]}
    db.session.flush()
    return me_view(user)


def bind_phone(user: User, code: str) -> dict:
    phone = _wechat_call(mp_client().get_phone_number, code)
    with transaction():
        user.phone_enc, user.phone_hash, user.phone_masked = encrypt(phone), lookup_hash(phone), mask_phone(phone)
        db.session.flush()
        return me_view(user)


def managed_resident_ids(user: User) -> list[int]:
    return list(db.session.scalars(select(ResidentLink.resident_id).where(ResidentLink.user_id == user.id)))


@use_case
def export_me(user: User) -> dict:
    """Every personal record held about the user and the residents they manage (PIPL): each domain's
    sections, times in the zone they belong to."""
    return {"exported_at": localtime.iso(utcnow()), **privacy.export(user, managed_resident_ids(user))}


@use_case
def delete_me(user: User) -> None:
    """Delete the account: every domain cancels what is live and erases what it holds (identity last:
    tokens revoked, personal fields erased); anonymous service records stay for statistics."""
    privacy.erase(user, managed_resident_ids(user))


def find_users(admin: User, q: str | None, phone: str | None, page: int, page_size: int,
               site_id: int | None = None, role: str | None = None) -> dict:
    """Admin search: nickname contains `q`; `phone` matched exactly through its keyed hash; `site_id`:
    who works at that site (with `role`, only its staff or only its managers). Each user with roles and
    staff sites: "who manages this station" has an answer."""
    require_admin(admin)
    stmt = select(User).where(User.deleted_at.is_(None)).order_by(User.id)
    if q:
        stmt = stmt.where(User.nickname.contains(q))
    if phone:
        stmt = stmt.where(User.phone_hash == lookup_hash(phone))
    if site_id is not None or role is not None:
        works = select(StaffAssignment.user_id)
        if site_id is not None:
            works = works.where(StaffAssignment.site_id == site_id)
        if role is not None:
            works = works.where(StaffAssignment.role == role)
        stmt = stmt.where(User.id.in_(works))
    result = page_of(stmt, page, page_size)
    result["items"] = user_views(result["items"])
    return result


def user_by_openid(openid: str) -> User:
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        raise DomainError("not_found", f"没有 openid 为 {openid} 的用户（需先登录一次）", status=404)
    return user
