"""PIPL access and deletion for activities: signups and volunteer hours (GET /me/export, DELETE /me)."""
from sqlalchemy import or_, select

from .. import localtime
from ..db import utcnow
from ..extensions import db
from ..identity import ResidentLink, User
from . import seats
from .attendance import volunteer_hours
from .models import Activity, Signup


def export_signups(user: User, resident_ids: list[int]) -> list[dict]:
    rows = db.session.execute(select(Signup, Activity).join(Activity, Activity.id == Signup.activity_id).where(
        or_(Signup.resident_id.in_(resident_ids), Signup.user_id == user.id)).order_by(Signup.id)).all()
    zones = localtime.zones({a.site_id for _, a in rows})
    out = []
    for s, a in rows:
        zone = zones[a.site_id]
        out.append({"id": s.id, "role": s.role, "resident_id": s.resident_id, "companions": s.companions,
                    "status": s.status, "created_at": localtime.iso(s.created_at, zone),
                    "cancelled_at": localtime.iso(s.cancelled_at, zone),
                    "attended_at": localtime.iso(s.attended_at, zone), "minutes_credited": s.minutes_credited,
                    "activity": {"id": a.id, "site_id": a.site_id, "title": a.title,
                                 "starts_at": localtime.iso(a.starts_at, zone),
                                 "ends_at": localtime.iso(a.ends_at, zone)}})
    return out


def export_hours(user: User, resident_ids: list[int]) -> dict:
    hours = volunteer_hours(user)
    return {"minutes_total": hours["minutes_total"],
            "entries": [{"activity_id": e["activity"]["id"], "activity_title": e["activity"]["title"],
                         "minutes": e["minutes"], "credited_at": e["credited_at"].isoformat()}
                        for e in hours["entries"]]}


def erase_signups(user: User, resident_ids: list[int]) -> None:
    """Cancel (with waitlist promotion) the future live signups of residents nobody else manages,
    and the user's own volunteering. Past signups and credits stay as anonymous service records."""
    others = select(ResidentLink.resident_id).where(ResidentLink.resident_id.in_(resident_ids),
                                                    ResidentLink.user_id != user.id)
    orphaned = [rid for rid in resident_ids if rid not in set(db.session.scalars(others))]
    rows = db.session.execute(select(Signup.id, Signup.activity_id).join(Activity).where(
        Activity.starts_at > utcnow(), Signup.status.in_(("confirmed", "waitlisted")),
        or_(Signup.resident_id.in_(orphaned), Signup.user_id == user.id))
        .order_by(Signup.activity_id, Signup.id)).all()
    for signup_id, activity_id in rows:
        activity = seats.lock_activity(activity_id)
        signup = db.session.get(Signup, signup_id)
        db.session.refresh(signup)
        if signup.status in ("confirmed", "waitlisted"):
            seats.cancel_signup_locked(activity, signup, "account_deleted")
