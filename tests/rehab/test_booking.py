"""Booking, cancelling, rescheduling, and every 409 of POST /appointments."""
from datetime import timedelta

from sqlalchemy import func, select

from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import ResidentSite
from backend.notifications.models import Notification
from backend.rehab.models import Appointment, RehabSlot

from ..factories import link
from .conftest import make_service, make_slot, make_therapist


def book(api, slot, resident, **kw):
    return api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id, **kw})


def code(resp):
    return resp.get_json()["error"]["code"]


def booked_count(slot_id):
    db.session.expire_all()
    return db.session.get(RehabSlot, slot_id).booked


def test_book_returns_appointment_and_notifies(station, family):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, hours=30)
    r = book(api, slot, resident, note="需要轮椅")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "booked" and body["note"] == "需要轮椅"
    assert body["slot"]["id"] == slot.id and body["slot"]["therapist"] == {"id": station.therapist.id,
                                                                            "name": "张治疗师"}
    assert body["slot"]["starts_at"].endswith("+08:00")
    assert body["service"]["id"] == station.service.id and body["resident"]["id"] == resident.id
    assert booked_count(slot.id) == 1
    assert db.session.get(ResidentSite, (resident.id, station.site.id)) is not None
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == api.user_id)).all()
    assert kinds == ["appointment_booked"]
    assert api.get(f"/appointments/{body['id']}").get_json()["id"] == body["id"]


def test_slot_full(station, family):
    slot = make_slot(station.service, station.therapist, capacity=1)
    (a, ra), (b, rb) = family(), family()
    assert book(a, slot, ra).status_code == 201
    r = book(b, slot, rb)
    assert r.status_code == 409 and code(r) == "slot_full"
    assert r.get_json()["error"]["message"] == "该时段已约满"


def test_overlapping_appointment_any_service_or_site(station, family, db_session):
    api, resident = family()
    other_service = make_service(station.site, name="言语治疗", kind="speech")
    other_therapist = make_therapist(station.site, "李治疗师")
    first = make_slot(station.service, station.therapist, hours=24)
    overlapping = make_slot(other_service, other_therapist, starts_at=first.starts_at + timedelta(minutes=15))
    adjacent = make_slot(other_service, make_therapist(station.site, "赵治疗师"), starts_at=first.ends_at)
    assert book(api, first, resident).status_code == 201
    r = book(api, overlapping, resident)
    assert r.status_code == 409 and code(r) == "overlapping_appointment"
    assert booked_count(overlapping.id) == 0
    assert book(api, adjacent, resident).status_code == 201  # touching is not overlapping


def test_outside_booking_window(station, family):
    api, resident = family()
    soon = make_slot(station.service, station.therapist, hours=1)  # inside the 2 h minimum notice
    past = make_slot(station.service, station.therapist, hours=-3)
    far = make_slot(station.service, station.therapist, hours=24 * 16)  # past the 14-day horizon
    for slot in (soon, past, far):
        r = book(api, slot, resident)
        assert r.status_code == 409 and code(r) == "outside_booking_window", slot.starts_at


def test_staff_walk_in_skips_minimum_notice_but_not_the_past(station, family):
    _, resident = family()
    db.session.add(ResidentSite(resident_id=resident.id, site_id=station.site.id, reason="registered"))
    db.session.commit()
    soon = make_slot(station.service, station.therapist, hours=1)
    past = make_slot(station.service, station.therapist, hours=-3)
    assert book(station.staff, soon, resident).status_code == 201
    r = book(station.staff, past, resident)
    assert r.status_code == 409 and code(r) == "outside_booking_window"


def test_resident_not_verified(station, family):
    service = make_service(station.site, name="辅具适配", kind="device_fitting", requires_verified=True)
    slot = make_slot(service, station.therapist)
    api, resident = family(verification="pending")
    r = book(api, slot, resident)
    assert r.status_code == 409 and code(r) == "resident_not_verified"
    api2, verified = family(verification="verified")
    assert book(api2, slot, verified).status_code == 201


def _no_shows(station, resident, days_ago):
    for d in days_ago:
        slot = make_slot(station.service, station.therapist, hours=-24 * d - resident.id)
        db.session.add(Appointment(slot_id=slot.id, service_id=station.service.id, site_id=station.site.id,
                                   resident_id=resident.id, status="no_show", starts_at=slot.starts_at,
                                   ends_at=slot.ends_at))
    db.session.commit()


def test_booking_restricted_after_three_no_shows_staff_can_still_book(station, family):
    api, resident = family()
    _no_shows(station, resident, [5, 20, 60])
    db.session.add(ResidentSite(resident_id=resident.id, site_id=station.site.id, reason="appointment"))
    db.session.commit()
    slot = make_slot(station.service, station.therapist)
    r = book(api, slot, resident)
    assert r.status_code == 409 and code(r) == "booking_restricted"
    assert book(station.staff, slot, resident).status_code == 201


def test_no_show_rule_window_and_restriction_end(station, family):
    api, resident = family()
    _no_shows(station, resident, [40, 60, 140])  # only two inside any 90 days
    assert book(api, make_slot(station.service, station.therapist), resident).status_code == 201
    api2, resident2 = family()
    _no_shows(station, resident2, [31, 40, 50])  # the third was 31 days ago: restriction over
    assert book(api2, make_slot(station.service, station.therapist, hours=48), resident2).status_code == 201


def test_excused_no_show_is_not_counted(station, family):
    api, resident = family()
    _no_shows(station, resident, [5, 20, 60])
    first = db.session.scalars(select(Appointment).where(Appointment.resident_id == resident.id)
                               .order_by(Appointment.id)).first()
    r = station.staff.post(f"/staff/appointments/{first.id}/status", {"status": "excused", "note": "病假"})
    assert r.status_code == 200 and r.get_json()["status"] == "excused"
    assert book(api, make_slot(station.service, station.therapist), resident).status_code == 201


def test_cancel_up_to_cutoff_releases_seat(station, family):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, hours=5)
    a = book(api, slot, resident).get_json()
    r = api.post(f"/appointments/{a['id']}/cancel", {"reason": "临时有事"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert r.get_json()["cancel_reason"] == "临时有事"
    assert booked_count(slot.id) == 0
    again = api.post(f"/appointments/{a['id']}/cancel", {})
    assert again.status_code == 409 and code(again) == "invalid_transition"


def test_cancel_cutoff_passed(station, family):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, hours=1.5)
    db.session.add(ResidentSite(resident_id=resident.id, site_id=station.site.id, reason="registered"))
    db.session.commit()
    a = book(station.staff, slot, resident).get_json()  # staff may book inside the notice
    r = api.post(f"/appointments/{a['id']}/cancel", {"reason": ""})
    assert r.status_code == 409 and code(r) == "cancel_cutoff_passed"
    # Staff can still cancel, and the family is told.
    r = station.staff.post(f"/appointments/{a['id']}/cancel", {"reason": "治疗师请假"})
    assert r.status_code == 200
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == api.user_id)).all()
    assert "appointment_cancelled" in kinds


def test_reschedule_moves_seat_atomically(station, family):
    api, resident = family()
    old = make_slot(station.service, station.therapist, hours=24)
    new = make_slot(station.service, station.therapist, hours=48)
    a = book(api, old, resident).get_json()
    r = api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": new.id})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["id"] == a["id"] and r.get_json()["slot"]["id"] == new.id
    assert booked_count(old.id) == 0 and booked_count(new.id) == 1


def test_reschedule_to_full_slot_changes_nothing(station, family):
    api, resident = family()
    other, other_resident = family()
    old = make_slot(station.service, station.therapist, hours=24)
    full = make_slot(station.service, station.therapist, hours=48)
    a = book(api, old, resident).get_json()
    assert book(other, full, other_resident).status_code == 201
    r = api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": full.id})
    assert r.status_code == 409 and code(r) == "slot_full"
    assert booked_count(old.id) == 1 and booked_count(full.id) == 1
    assert api.get(f"/appointments/{a['id']}").get_json()["slot"]["id"] == old.id


def test_reschedule_overlap_ignores_the_moved_appointment(station, family):
    api, resident = family()
    old = make_slot(station.service, station.therapist, hours=24)
    t2 = make_therapist(station.site, "王治疗师")
    shifted = make_slot(station.service, t2, starts_at=old.starts_at + timedelta(minutes=10))
    a = book(api, old, resident).get_json()
    r = api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": shifted.id})
    assert r.status_code == 200, r.get_json()


def test_reschedule_cutoff_and_window(station, family):
    api, resident = family()
    old = make_slot(station.service, station.therapist, hours=24)
    a = book(api, old, resident).get_json()
    far = make_slot(station.service, station.therapist, hours=24 * 20)
    r = api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": far.id})
    assert r.status_code == 409 and code(r) == "outside_booking_window"
    r = api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": old.id})
    assert r.status_code == 422
    r = api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": 999999})
    assert r.status_code == 404


def test_my_appointments_upcoming_and_past(station, family):
    api, resident = family()
    s1 = make_slot(station.service, station.therapist, hours=24)
    s2 = make_slot(station.service, station.therapist, hours=48)
    a1 = book(api, s1, resident).get_json()
    a2 = book(api, s2, resident).get_json()
    api.post(f"/appointments/{a2['id']}/cancel", {})
    up = api.get("/me/appointments?when=upcoming").get_json()
    assert [x["id"] for x in up["items"]] == [a1["id"]] and up["total"] == 1
    past = api.get("/me/appointments?when=past").get_json()
    assert [x["id"] for x in past["items"]] == [a2["id"]]
    assert api.get("/me/appointments?when=later").status_code == 422
    assert api.get("/me/appointments?page_size=101").status_code == 422


def test_idempotency_key_replays_booking(station, family):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, capacity=3)
    h = {"Idempotency-Key": "k-1"}
    r1 = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}, headers=h)
    r2 = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}, headers=h)
    assert r1.status_code == r2.status_code == 201 and r1.get_json() == r2.get_json()
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert booked_count(slot.id) == 1
    r3 = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id, "note": "x"}, headers=h)
    assert r3.status_code == 422 and code(r3) == "idempotency_key_reused"


def test_bad_input_is_422_and_changes_nothing(station, family):
    api, resident = family()
    slot = make_slot(station.service, station.therapist)
    for body in ({"slot_id": slot.id}, {"slot_id": "x", "resident_id": resident.id},
                 {"slot_id": slot.id, "resident_id": resident.id, "extra": 1},
                 {"slot_id": slot.id, "resident_id": resident.id, "note": "长" * 501}):
        r = api.post("/appointments", body)
        assert r.status_code == 422 and code(r) == "validation_error", body
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_second_linked_user_sees_the_same_appointment(station, family, login):
    api, resident = family()
    other = login()
    link(other.user_id, resident, "child")
    a = book(api, make_slot(station.service, station.therapist), resident).get_json()
    assert other.get(f"/appointments/{a['id']}").status_code == 200
    assert other.get("/me/appointments").get_json()["total"] == 1


def test_booking_near_start_pre_claims_reminders_then_worker_reminds_once(station, family, app):
    from backend.rehab.jobs import send_due_reminders
    api, resident = family()
    soon = make_slot(station.service, station.therapist, hours=10)   # inside 24 h: booking is the reminder
    later = make_slot(station.service, station.therapist, hours=30)
    a_soon = book(api, soon, resident).get_json()
    a_later = book(api, later, resident).get_json()
    assert send_due_reminders() == 0
    # The worker at a later "now": 9 h on, `soon` is 1 h away (2 h reminder), `later` 21 h (24 h reminder).
    at = utcnow() + timedelta(hours=9)
    assert send_due_reminders(at) == 2
    assert send_due_reminders(at) == 0
    at = utcnow() + timedelta(hours=29)  # `later` 1 h away: its 2 h reminder
    assert send_due_reminders(at) == 1
    assert send_due_reminders(at) == 0
    reminders = db.session.scalars(select(Notification).where(Notification.kind == "appointment_reminder")).all()
    assert len(reminders) == 3
    assert sorted(n.data["appointment_id"] for n in reminders) == sorted([a_soon["id"], a_later["id"], a_later["id"]])
