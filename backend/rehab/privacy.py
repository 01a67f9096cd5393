"""Appointments in `GET /me/export` and `DELETE /me`."""
from sqlalchemy import func, select

from .. import localtime
from ..db import utcnow
from ..extensions import db
from ..identity import ResidentLink
from ..sites import Site
from .booking import cancel_appointment
from .models import Appointment, RehabService, Therapist


def export_appointments(user, resident_ids) -> list[dict]:
    if not resident_ids:
        return []
    rows = db.session.scalars(select(Appointment).where(Appointment.resident_id.in_(resident_ids))
                              .order_by(Appointment.starts_at)).all()
    out = []
    for a in rows:
        site = db.session.get(Site, a.site_id)
        service = db.session.get(RehabService, a.service_id)
        out.append({"id": a.id, "resident_id": a.resident_id, "status": a.status, "note": a.note,
                    "service": service.name, "site": site.name,
                    "starts_at": localtime.iso(a.starts_at, site),
                    "ends_at": localtime.iso(a.ends_at, site),
                    "cancel_reason": a.cancel_reason, "status_note": a.status_note,
                    "created_at": localtime.iso(a.created_at, site)})
    return out


def export_therapist_profiles(user, resident_ids) -> list[dict]:
    """Therapist entries linked to the user's staff account."""
    return [{"id": t.id, "site_id": t.site_id, "name": t.name, "active": t.active}
            for t in db.session.scalars(select(Therapist).where(Therapist.user_id == user.id).order_by(Therapist.id))]


def erase_appointments(user, resident_ids) -> None:
    """Future booked appointments of residents nobody else manages are cancelled (seats freed);
    their notes, free text about a person, are cleared, and so are the reasons the user gave for
    cancelling. Runs inside the deletion transaction."""
    # A therapist entry stays (its slots and appointments are history), no longer linked to the account.
    db.session.execute(Therapist.__table__.update().where(Therapist.user_id == user.id).values(user_id=None))
    # The user's own words on their cancellations, whoever the resident (before we add our own below).
    db.session.execute(Appointment.__table__.update().where(
        Appointment.cancelled_by_id == user.id, func.length(Appointment.cancel_reason) > 0).values(cancel_reason=""))
    if not resident_ids:
        return
    others = select(ResidentLink.resident_id).where(
        ResidentLink.resident_id.in_(resident_ids), ResidentLink.user_id != user.id)
    only_mine = set(resident_ids) - set(db.session.scalars(others))
    if not only_mine:
        return
    now = utcnow()
    # In slot-id order, the order closures lock a day's slots in: the two cannot deadlock.
    for a in db.session.scalars(select(Appointment).where(
            Appointment.resident_id.in_(only_mine), Appointment.status == "booked",
            Appointment.starts_at > now).order_by(Appointment.slot_id)).all():
        cancel_appointment(a, user.id, "账号注销", now)
    db.session.execute(Appointment.__table__.update().where(
        Appointment.resident_id.in_(only_mine), func.length(Appointment.note) > 0).values(note=""))
