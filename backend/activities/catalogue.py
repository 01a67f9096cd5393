"""Finding activities: the public listing, one activity, and the staff listing (drafts included).

Visibility: the public listing shows `published` and `completed` activities;
one activity by id is also readable when `cancelled` (so links in notifications
still open); a `draft` is seen only by staff of its site and admins.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from ..common.pagination import page_of
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..identity.access import require_staff, staff_site_ids
from ..identity.models import User
from ..sites.services import site_timezone
from .models import PUBLIC_STATUSES, Activity
from .views import activity_views, waitlist_length_column


def _zone(site_id: int | None) -> ZoneInfo:
    zone = site_timezone(site_id) if site_id is not None else None
    return ZoneInfo(zone or current_app.config["DEFAULT_TIMEZONE"])


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _filtered(stmt, *, site_id, from_, to, category, has_seats):
    zone = _zone(site_id)
    if site_id is not None:
        stmt = stmt.where(Activity.site_id == site_id)
    if from_ is not None:
        stmt = stmt.where(Activity.starts_at >= _day_start(from_, zone))
    if to is not None:
        stmt = stmt.where(Activity.starts_at < _day_start(to + timedelta(days=1), zone))
    if from_ is None and to is None:
        stmt = stmt.where(Activity.ends_at >= utcnow())  # by default: what is still ahead or under way
    if category:
        stmt = stmt.where(Activity.category == category)
    if has_seats is True:
        stmt = stmt.where(Activity.status == "published", Activity.seats_taken < Activity.capacity)
    elif has_seats is False:
        stmt = stmt.where(Activity.seats_taken >= Activity.capacity)
    return stmt.order_by(Activity.starts_at, Activity.id)


def list_activities(viewer: User | None, *, page: int, page_size: int, site_id=None, from_=None, to=None,
                    category=None, has_seats=None) -> dict:
    stmt = _filtered(select(Activity, waitlist_length_column()).where(Activity.status.in_(PUBLIC_STATUSES)),
                     site_id=site_id, from_=from_, to=to, category=category, has_seats=has_seats)
    result = page_of(stmt, page, page_size, scalars=False)
    rows = result["items"]
    result["items"] = activity_views([a for a, _ in rows], viewer, {a.id: n for a, n in rows})
    return result


def can_manage(user: User | None, activity: Activity) -> bool:
    if user is None:
        return False
    scope = staff_site_ids(user)
    return scope is None or activity.site_id in scope


def visible_activity(viewer: User | None, activity_id: int) -> Activity:
    """The activity if the viewer may see it, else 404 (a draft exists only for its staff)."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or (activity.status == "draft" and not can_manage(viewer, activity)):
        raise NotFound()
    return activity


def get_activity(viewer: User | None, activity_id: int) -> dict:
    return activity_views([visible_activity(viewer, activity_id)], viewer)[0]


def staff_list(staff: User, *, page: int, page_size: int, site_id=None, status=None, from_=None, to=None) -> dict:
    """Every activity of the staff member's sites (or the one named), drafts included."""
    require_staff(staff, site_id)
    stmt = select(Activity)
    scope = staff_site_ids(staff)
    if site_id is None and scope is not None:
        stmt = stmt.where(Activity.site_id.in_(scope))
    if status:
        stmt = stmt.where(Activity.status == status)
    stmt = _filtered(stmt, site_id=site_id, from_=from_, to=to, category=None, has_seats=None)
    result = page_of(stmt, page, page_size)
    result["items"] = activity_views(result["items"], None)
    return result
