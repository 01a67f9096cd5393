"""Activities and signups as API.md names their fields: plain dicts, times in the site's zone.

These are the only place an Activity or a Signup becomes a response: adding a field to an
Activity is the model, its migration, `activity_view` here and `ActivityOut` in the schemas.
"""
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from .. import localtime
from ..extensions import db
from ..identity import Resident, ResidentLink, User
from ..sites import Site
from .models import LIVE, Activity, Signup
from .seats import waitlist_position, waitlist_positions


def waitlist_lengths(activity_ids: list[int]) -> dict[int, int]:
    """Participant groups waiting, per activity."""
    if not activity_ids:
        return {}
    rows = db.session.execute(select(Signup.activity_id, func.count()).where(
        Signup.activity_id.in_(activity_ids), Signup.role == "participant", Signup.status == "waitlisted")
        .group_by(Signup.activity_id)).all()
    return dict(rows)


_UNSET = object()


def signup_view(signup: Signup, zone: ZoneInfo, resident_name=_UNSET, position=_UNSET) -> dict:
    """The one view of a signup, whichever use case answers (create, cancel, lists). `zone`: the
    activity's site's. `resident_name` and `position` (the waitlist place) when the caller fetched
    them in a batch; else read here."""
    if resident_name is _UNSET:
        resident = db.session.get(Resident, signup.resident_id) if signup.resident_id else None
        resident_name = resident.name if resident else None
    if position is _UNSET:
        position = waitlist_position(signup)
    return {"id": signup.id, "activity_id": signup.activity_id, "role": signup.role,
            "resident_id": signup.resident_id, "resident_name": resident_name,
            "companions": signup.companions, "seats": signup.seats, "status": signup.status,
            "waitlist_position": position, "created_at": localtime.at(signup.created_at, zone),
            "attended_at": localtime.at(signup.attended_at, zone), "minutes_credited": signup.minutes_credited}


def mine_clause(user: User):
    """Signups a user sees as theirs: of residents they are linked to, or their own volunteering."""
    linked = select(ResidentLink.resident_id).where(ResidentLink.user_id == user.id)
    return or_(Signup.resident_id.in_(linked), Signup.user_id == user.id)


def my_signups(user: User, activity_ids: list[int], zones: dict[int, ZoneInfo]) -> dict[int, list[dict]]:
    """The caller's live signups per activity (for `my_signups` on listings); `zones` per activity id."""
    out: dict[int, list[dict]] = {aid: [] for aid in activity_ids}
    if not activity_ids:
        return out
    rows = db.session.execute(select(Signup, Resident.name).outerjoin(Resident, Resident.id == Signup.resident_id)
                              .where(Signup.activity_id.in_(activity_ids), Signup.status.in_(LIVE),
                                     mine_clause(user)).order_by(Signup.id)).all()
    positions = waitlist_positions([signup for signup, _ in rows])
    for signup, name in rows:
        out[signup.activity_id].append(
            signup_view(signup, zones[signup.activity_id], name, positions.get(signup.id)))
    return out


def activity_view(activity: Activity, zone: ZoneInfo, waiting: int, mine: list[dict] | None = None) -> dict:
    view = {
        "id": activity.id, "site_id": activity.site_id, "title": activity.title,
        "description": activity.description, "category": activity.category,
        "starts_at": localtime.at(activity.starts_at, zone), "ends_at": localtime.at(activity.ends_at, zone),
        "location": activity.location,
        "capacity": activity.capacity, "seats_left": max(activity.capacity - activity.seats_taken, 0),
        "waitlist_length": waiting, "volunteer_capacity": activity.volunteer_capacity,
        "volunteer_seats_left": max(activity.volunteer_capacity - activity.volunteer_seats_taken, 0),
        "signup_opens_at": localtime.at(activity.signup_opens_at, zone),
        "signup_closes_at": localtime.at(activity.signup_closes_at or activity.starts_at, zone),
        "status": activity.status, "accessibility": activity.accessibility or [],
        "eligible_categories": activity.eligible_categories or [], "cover_url": activity.cover_url,
        "cancel_reason": activity.cancel_reason or None,
    }
    if mine is not None:
        view["my_signups"] = mine
    return view


def activity_views(activities: list, viewer: User | None, waiting: dict[int, int] | None = None) -> list[dict]:
    """`activities`: ORM objects, or plain namespaces of the activities table's columns (the public
    listing's rows). `waiting`: waitlist lengths when the caller selected them already."""
    ids = [a.id for a in activities]
    if waiting is None:
        waiting = waitlist_lengths(ids)
    site_zones = localtime.zones({a.site_id for a in activities})
    zones = {a.id: site_zones.get(a.site_id) or localtime.federation_zone() for a in activities}
    mine = my_signups(viewer, ids, zones) if viewer is not None else {}
    return [activity_view(a, zones[a.id], waiting.get(a.id, 0), mine.get(a.id) if viewer is not None else None)
            for a in activities]


def activity_one(activity: Activity, viewer: User | None = None) -> dict:
    return activity_views([activity], viewer)[0]


def site_names(site_ids) -> dict[int, str]:
    """Site names in one statement, for listings of `activity_brief`s."""
    ids = list(site_ids)
    return dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_(ids))).all()) if ids else {}


def activity_brief(a: Activity, zone: ZoneInfo, site_names: dict[int, str]) -> dict:
    """An activity as a signup or a volunteer credit refers to it (`site_names`: prefetched)."""
    return {"id": a.id, "site_id": a.site_id, "site_name": site_names.get(a.site_id, ""), "title": a.title,
            "starts_at": localtime.at(a.starts_at, zone), "ends_at": localtime.at(a.ends_at, zone),
            "location": a.location, "status": a.status}
