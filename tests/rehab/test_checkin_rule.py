"""Issue 15, item 11: appointment check-in follows the same site rule as activities
(`checkin_opens_before_hours`, default 3): before that, 409 `invalid_transition` saying when it opens."""
from backend.extensions import db

from .conftest import make_slot


def booked(station, family, hours):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, hours=hours)
    r = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def check_in(station, appointment_id):
    return station.staff.post(f"/staff/appointments/{appointment_id}/status", {"status": "checked_in"})


def test_appointment_checkin_opens_hours_before_the_start(station, family):
    thirteen = booked(station, family, 13)
    r = check_in(station, thirteen)
    assert r.status_code == 409
    assert r.get_json()["error"] == {"code": "invalid_transition", "message": "开始前 3 小时起才能签到"}
    soon = booked(station, family, 2.5)
    assert check_in(station, soon).get_json()["status"] == "checked_in"

    station.site.rules = {"checkin_opens_before_hours": 14}
    db.session.commit()
    assert check_in(station, thirteen).get_json()["status"] == "checked_in"


def test_status_names_in_chinese(station, family):
    aid = booked(station, family, 2.5)
    r = station.staff.post(f"/staff/appointments/{aid}/status", {"status": "completed"})
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == "预约当前为“已预约”，不能改为“已完成”"
