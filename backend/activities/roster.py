"""The staff roster of an activity: who comes, what they need, who helps, who waits."""
from sqlalchemy import select

from .. import audit, localtime
from ..extensions import db
from ..identity import Resident, ResidentLink, User, VolunteerProfile
from ..units import use_case
from .manage import managed_activity
from .models import SEATED, Signup
from .seats import waitlist
from .views import activity_one


def _contacts(resident_ids: list[int]) -> dict[int, list[dict]]:
    """The linked users of each resident with how they prefer to be reached (deaf family, large text...)."""
    out: dict[int, list[dict]] = {rid: [] for rid in resident_ids}
    if not resident_ids:
        return out
    rows = db.session.execute(select(ResidentLink.resident_id, ResidentLink.relation, User).join(
        User, User.id == ResidentLink.user_id).where(ResidentLink.resident_id.in_(resident_ids),
                                                     User.deleted_at.is_(None))
        .order_by(ResidentLink.id)).all()
    for rid, relation, user in rows:
        out[rid].append({"user_id": user.id, "nickname": user.nickname, "relation": relation,
                         "communication": (user.preferences or {}).get("communication")})
    return out


def _participant(signup: Signup, resident: Resident, contacts: list[dict], position: int | None, zone) -> dict:
    return {"signup_id": signup.id, "status": signup.status, "companions": signup.companions,
            "seats": signup.seats, "waitlist_position": position,
            "attended_at": localtime.at(signup.attended_at, zone),
            "resident": {"id": resident.id, "name": resident.name, "needs": resident.needs or []},
            "communication": sorted({c["communication"] for c in contacts if c["communication"]}),
            "contacts": contacts}


def _volunteer(signup: Signup, profile: VolunteerProfile | None, position: int | None, zone) -> dict:
    return {"signup_id": signup.id, "status": signup.status, "user_id": signup.user_id,
            "real_name": profile.real_name if profile else "", "skills": (profile.skills or []) if profile else [],
            "waitlist_position": position, "attended_at": localtime.at(signup.attended_at, zone),
            "minutes_credited": signup.minutes_credited}


@use_case
def roster(staff: User, activity_id: int) -> dict:
    """Participants (with needs and communication preferences), volunteers (with skills) and the
    waitlists in order. Showing needs is a read of sensitive data: audited per resident."""
    activity = managed_activity(staff, activity_id)
    seated = db.session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                     Signup.status.in_(SEATED)).order_by(Signup.id)).all()
    waiting = waitlist(activity.id, "participant")
    waiting_vol = waitlist(activity.id, "volunteer")
    participants = [s for s in seated if s.role == "participant"]
    resident_ids = [s.resident_id for s in participants + waiting]
    residents = {r.id: r for r in db.session.scalars(select(Resident).where(Resident.id.in_(resident_ids)))}
    contacts = _contacts(resident_ids)
    volunteer_ids = [s.user_id for s in seated if s.role == "volunteer"] + [s.user_id for s in waiting_vol]
    profiles = {p.user_id: p for p in db.session.scalars(
        select(VolunteerProfile).where(VolunteerProfile.user_id.in_(volunteer_ids)))}
    if resident_ids:
        audit.record(staff.id, "read", sorted(set(resident_ids)), fields=["needs"], site_id=activity.site_id)
    zone = localtime.zone_of(activity.site_id)
    return {
        "activity": activity_one(activity),
        "participants": [_participant(s, residents[s.resident_id], contacts[s.resident_id], None, zone)
                         for s in participants],
        "volunteers": [_volunteer(s, profiles.get(s.user_id), None, zone) for s in seated if s.role == "volunteer"],
        "waitlist": [_participant(s, residents[s.resident_id], contacts[s.resident_id], i, zone)
                     for i, s in enumerate(waiting, 1)],
        "volunteer_waitlist": [_volunteer(s, profiles.get(s.user_id), i, zone)
                               for i, s in enumerate(waiting_vol, 1)],
    }
