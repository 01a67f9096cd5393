"""An assessment may be tied to a `device_assessment` rehab appointment of the same resident; when
staff complete that appointment, the case shows it (rehab's event, not an import)."""
from datetime import timedelta

from backend.db import utcnow
from backend.extensions import db
from backend.rehab.models import Appointment, RehabService, RehabSlot, Therapist

from .conftest import answers_for, apply, form_of


def _appointment(w, kind: str, hours_ago: float = 0.5) -> int:
    service = RehabService(site_id=w.centre.id, name="辅具评估", kind=kind, duration_min=60)
    therapist = Therapist(site_id=w.centre.id, name="评估师")
    db.session.add_all([service, therapist])
    db.session.flush()
    start = utcnow() - timedelta(hours=hours_ago)
    slot = RehabSlot(site_id=w.centre.id, service_id=service.id, therapist_id=therapist.id, starts_at=start,
                     ends_at=start + timedelta(hours=1), blocked_until=start + timedelta(hours=1), capacity=1,
                     booked=1, status="open")
    db.session.add(slot)
    db.session.flush()
    a = Appointment(slot_id=slot.id, service_id=service.id, site_id=w.centre.id, resident_id=w.resident.id,
                    status="checked_in", starts_at=slot.starts_at, ends_at=slot.ends_at)
    db.session.add(a)
    db.session.commit()
    return a.id


def test_completing_the_assessment_appointment_shows_on_the_case(devices):
    w = devices
    cid = apply(w)["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    form = form_of(w)
    body = {"form_id": form["id"], "answers": answers_for(form), "outcome": "suitable",
            "recommendations": [{"class_code": "12", "product_ids": [w.light["id"]]}]}
    physio = _appointment(w, "physio", hours_ago=3)
    r = w.staff.post(f"/staff/device-cases/{cid}/assessments", {**body, "appointment_id": physio})
    assert r.status_code == 422 and "appointment_id" in r.get_json()["error"]["fields"]
    aid = _appointment(w, "device_assessment")
    case = w.staff.post(f"/staff/device-cases/{cid}/assessments", {**body, "appointment_id": aid}).get_json()
    assert case["assessments"][0]["appointment_id"] == aid and case["assessments"][0]["appointment_completed_at"] is None
    w.staff.post("/staff/appointments/%d/status" % aid, {"status": "completed", "note": ""})
    shown = w.family.get(f"/device-cases/{cid}").get_json()["assessments"][0]
    assert shown["appointment_completed_at"] is not None and shown["appointment_completed_at"].endswith("+08:00")
