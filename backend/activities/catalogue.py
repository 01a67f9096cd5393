"""Finding activities: the public listing, one activity, and the staff listing (drafts included).

Visibility: the public listing shows `published` and `completed` activities;
one activity by id is also readable when `cancelled` (so links in notifications
still open); a `draft` is seen only by staff of its site and admins.
"""
from datetime import date
from types import SimpleNamespace

from sqlalchemy import bindparam, func, literal_column, select

from .. import localtime
from ..common.pagination import page_of
from ..common.reads import prebuilt, read_rows
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..identity import User, require_staff, staff_site_ids
from .models import PUBLIC_STATUSES, Activity, Signup
from .views import activity_one, activity_views

_TABLE = Activity.__table__


def _conditions(*, site: bool, from_: bool, to: bool, category: bool, has_seats: bool | None) -> list:
    """The listings' filters over the activities table, as bound parameters `_filter_params` fills
    (so the public listing builds each combination once). Without dates: what is ahead or under way."""
    t = _TABLE
    conditions = []
    if site:
        conditions.append(t.c.site_id == bindparam("site_id"))
    if from_:
        conditions.append(t.c.starts_at >= bindparam("from_", type_=t.c.starts_at.type))
    if to:
        conditions.append(t.c.starts_at < bindparam("until", type_=t.c.starts_at.type))
    if not from_ and not to:
        conditions.append(t.c.ends_at >= bindparam("now", type_=t.c.ends_at.type))
    if category:
        conditions.append(t.c.category == bindparam("category"))
    if has_seats is True:
        conditions += [t.c.status == "published", t.c.seats_taken < t.c.capacity]
    elif has_seats is False:
        conditions.append(t.c.seats_taken >= t.c.capacity)
    return conditions


def _filter_params(site_id: int | None, from_: date | None, to: date | None, category: str | None) -> dict:
    """`from`/`to` are the site's local days (the federation's without a site)."""
    params = {"site_id": site_id, "category": category, "now": utcnow(), "from_": None, "until": None}
    if from_ is not None:
        params["from_"] = localtime.day_start(from_, site_id)
    if to is not None:
        params["until"] = localtime.day_range(to, to, site_id)[1]
    return params


# The public listing is the hottest read of the product (bench/), so it is one Core statement per
# combination of filters, built once per process: the page of rows (every column of the table, as
# plain values, no ORM objects), the total, and waitlist lengths only for the page's rows, in one
# round trip.
@prebuilt
def _listing_statement(site: bool, from_: bool, to: bool, category: bool, has_seats: bool | None):
    t = _TABLE
    # The statuses inline: an expanding IN of bound values is re-rendered on every execution.
    conditions = [t.c.status.in_([literal_column(f"'{status}'") for status in PUBLIC_STATUSES]),
                  *_conditions(site=site, from_=from_, to=to, category=category, has_seats=has_seats)]
    page = (select(t).where(*conditions)
            .order_by(t.c.starts_at, t.c.id).limit(bindparam("limit")).offset(bindparam("offset"))
            .subquery("page"))
    signups = Signup.__table__
    waiting = (select(func.count()).select_from(signups)
               .where(signups.c.activity_id == page.c.id, signups.c.role == "participant",
                      signups.c.status == "waitlisted")
               .scalar_subquery())  # index ix_activity_signups_queue, one probe per row of the page
    # The total as an uncorrelated subquery: evaluated once, from the indexes alone (a window count
    # over the page query would read every matching row: 4 ms instead of 0.8 at 5,000 matches).
    count = select(func.count()).select_from(t).where(*conditions)
    listing = (select(page, waiting.label("waitlist_length"), count.scalar_subquery().label("total"))
               .order_by(page.c.starts_at, page.c.id))
    return listing, count


def list_activities(viewer: User | None, *, page: int, page_size: int, site_id=None, from_=None, to=None,
                    category=None, has_seats=None) -> dict:
    listing, count = _listing_statement(site_id is not None, from_ is not None, to is not None, bool(category),
                                        has_seats)
    params = {**_filter_params(site_id, from_, to, category), "limit": page_size, "offset": (page - 1) * page_size}
    rows = read_rows(listing, params)
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:  # past the last page: the total has no row to ride on
        total = read_rows(count, params)[0][0]
    # The views read columns as attributes: on a Row each read by name is a Python-level lookup
    # (two thirds of building the page), on a namespace it is a plain attribute.
    activities = [SimpleNamespace(**row._asdict()) for row in rows]
    items = activity_views(activities, viewer, {a.id: a.waitlist_length for a in activities})
    return {"items": items, "page": page, "page_size": page_size, "total": total}


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
    return activity_one(visible_activity(viewer, activity_id), viewer)


def staff_list(staff: User, *, page: int, page_size: int, site_id=None, status=None, from_=None, to=None) -> dict:
    """Every activity of the staff member's sites (or the one named), drafts included."""
    require_staff(staff, site_id)
    stmt = select(Activity)
    scope = staff_site_ids(staff)
    if site_id is None and scope is not None:
        stmt = stmt.where(Activity.site_id.in_(scope))
    if status:
        stmt = stmt.where(Activity.status == status)
    stmt = (stmt.where(*_conditions(site=site_id is not None, from_=from_ is not None, to=to is not None,
                                    category=False, has_seats=None))
            .order_by(Activity.starts_at, Activity.id).params(_filter_params(site_id, from_, to, None)))
    result = page_of(stmt, page, page_size)
    result["items"] = activity_views(result["items"], None)
    return result
