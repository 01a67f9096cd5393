"""Plain dicts of rehab objects as API.md shows them; instants in the site's zone."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import localtime
from ..extensions import db
from ..identity import Resident
from ..sites import Site
from .models import Appointment, RehabService, RehabSlot, Therapist


def _site(site_id: int) -> Site:
    return db.session.get(Site, site_id)


def therapist_view(t: Therapist) -> dict:
    return {"id": t.id, "name": t.name}


def therapist_full(t: Therapist) -> dict:
    return {"id": t.id, "site_id": t.site_id, "name": t.name, "user_id": t.user_id, "active": t.active}


def service_view(s: RehabService) -> dict:
    return {"id": s.id, "site_id": s.site_id, "name": s.name, "kind": s.kind, "duration_min": s.duration_min,
            "buffer_min": s.buffer_min, "description": s.description, "requires_verified": s.requires_verified,
            "active": s.active}


def slot_view(slot_id: int, starts_at: datetime, ends_at: datetime, capacity: int, booked: int,
              therapist_id: int, therapist_name: str) -> dict:
    """A bookable slot (from the columns `slots.bookable_slots` selects), times already in the site's zone."""
    return {"id": slot_id, "starts_at": starts_at, "ends_at": ends_at,
            "therapist": {"id": therapist_id, "name": therapist_name},
            "capacity": capacity, "remaining": max(capacity - booked, 0)}


def appointment_view(a: Appointment) -> dict:
    site = _site(a.site_id)
    resident = db.session.get(Resident, a.resident_id)
    return {
        "id": a.id, "status": a.status, "note": a.note,
        "slot": {"id": a.slot_id, "starts_at": localtime.at(a.starts_at, site),
                 "ends_at": localtime.at(a.ends_at, site), "therapist": therapist_view(a.slot.therapist)},
        "service": {"id": a.service.id, "site_id": a.service.site_id, "name": a.service.name,
                    "kind": a.service.kind, "duration_min": a.service.duration_min},
        "resident": {"id": resident.id, "name": resident.name},
        "site": {"id": site.id, "name": site.name, "address": site.address},
        "cancel_reason": a.cancel_reason or None,
        "created_at": localtime.at(a.created_at, site),
    }


def prefetch(appointments: list[Appointment]) -> list:
    """Load the slots (with therapists), services, residents and sites of many appointments in four
    statements; `appointment_view` then finds them in the session's identity map (no query per row).
    The identity map holds objects weakly: keep the returned list alive while building the views."""
    if not appointments:
        return []

    def ids(attr):
        return {getattr(a, attr) for a in appointments}
    return [*db.session.scalars(select(RehabSlot).options(joinedload(RehabSlot.therapist))
                                .where(RehabSlot.id.in_(ids("slot_id")))),
            *db.session.scalars(select(RehabService).where(RehabService.id.in_(ids("service_id")))),
            *db.session.scalars(select(Resident).where(Resident.id.in_(ids("resident_id")))),
            *db.session.scalars(select(Site).where(Site.id.in_(ids("site_id"))))]


def appointment_views(appointments: list[Appointment]) -> list[dict]:
    loaded = prefetch(appointments)  # noqa: F841 - held so the identity map keeps the rows
    return [appointment_view(a) for a in appointments]


def conflict_view(c: dict, site: Site) -> dict:
    t = db.session.get(Therapist, c["therapist_id"])
    return {**{k: v for k, v in c.items() if k != "therapist_id"},
            "starts_at": localtime.at(c["starts_at"], site), "ends_at": localtime.at(c["ends_at"], site),
            "therapist": therapist_view(t)}
