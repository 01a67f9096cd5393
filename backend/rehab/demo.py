"""Demo data of the rehab domain: a therapist, two services and a weekly plan at the demo station."""
from datetime import timedelta

from .. import localtime
from ..db import utcnow
from sqlalchemy import select

from ..extensions import db
from ..identity import mark_known
from .booking import book
from .models import RehabService, RehabSlot, Therapist
from .rules import window_for
from .schedule import sync_service

WEEKDAYS = range(1, 6)


def seed(ctx: dict) -> None:
    """Joins the caller's transaction (the demo seed commits once)."""
    rehab, users, resident = ctx["rehab"], ctx["users"], ctx["resident"]
    lead = users.get("rehab-staff")
    therapist = Therapist(site_id=rehab.id, name="李康复师", user_id=lead.id if lead else None)
    speech_therapist = Therapist(site_id=rehab.id, name="周言语治疗师")
    pt = RehabService(site_id=rehab.id, name="物理治疗（PT）", kind="physio", duration_min=45, buffer_min=15,
                      description="关节活动度训练、肌力训练、步态训练", requires_verified=False)
    fitting = RehabService(site_id=rehab.id, name="辅具适配", kind="device_fitting", duration_min=60, buffer_min=0,
                           description="轮椅、助行器评估与适配；需持证核验", requires_verified=True)
    db.session.add_all([therapist, speech_therapist, pt, fitting])
    db.session.flush()
    today = localtime.today(rehab)
    pt.schedule = {"slot_min": 45, "valid_from": today.isoformat(), "valid_to": None, "weekly": [
        {"weekday": d, "start": start, "end": end, "therapist_id": therapist.id, "capacity": 1}
        for d in WEEKDAYS for start, end in (("09:00", "12:00"), ("14:00", "17:00"))]}
    fitting.schedule = {"slot_min": 60, "valid_from": (today + timedelta(days=1)).isoformat(), "valid_to": None,
                        "weekly": [{"weekday": d, "start": "14:00", "end": "16:00",
                                    "therapist_id": speech_therapist.id, "capacity": 2} for d in (2, 4)]}
    now = utcnow()
    sync_service(pt, rehab, now)
    sync_service(fitting, rehab, now)
    mark_known(resident.id, rehab.id, "registered")
    # His daughter books him the first PT slot she could book now, through the booking use case
    # (seat taken, the inbox's "预约成功" at the station's wall-clock time).
    slots = db.session.scalars(select(RehabSlot).where(RehabSlot.service_id == pt.id, RehabSlot.status == "open")
                               .order_by(RehabSlot.starts_at)).all()
    first = next((slot for slot in slots if window_for(rehab, slot.starts_at, now).allows(slot.starts_at)), None)
    if first is not None:
        book(users["family"], first.id, resident.id, "")
