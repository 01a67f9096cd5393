"""Services and therapists, the day roster (needs, communication, audit), status transitions, PIPL."""
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.identity.models import ResidentSite, User
from backend import localtime
from backend.rehab.models import Appointment, RehabSlot

from ..factories import SiteFactory
from .conftest import make_slot


def test_services_create_patch_list(station, client):
    m = station.manager
    r = m.post("/staff/rehab/services", {"site_id": station.site.id, "name": "辅具评估", "kind": "device_assessment",
                                         "duration_min": 60, "buffer_min": 15, "description": "轮椅、助行器",
                                         "requires_verified": True})
    assert r.status_code == 201, r.get_json()
    svc = r.get_json()
    assert svc["kind"] == "device_assessment" and svc["requires_verified"] is True and svc["buffer_min"] == 15
    listed = client.get(f"/rehab/services?site_id={station.site.id}").get_json()
    assert {x["id"] for x in listed["items"]} == {station.service.id, svc["id"]} and listed["total"] == 2
    r = m.patch(f"/staff/rehab/services/{svc['id']}", {"active": False, "name": "辅具评估（暂停）"})
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert {x["id"] for x in client.get(f"/rehab/services?site_id={station.site.id}").get_json()["items"]} == {
        station.service.id}
    assert client.get(f"/rehab/services/{svc['id']}/slots").status_code == 404
    bad = [{"site_id": station.site.id, "name": "x", "kind": "massage", "duration_min": 30},
           {"site_id": station.site.id, "name": "x", "kind": "ot", "duration_min": 0},
           {"site_id": station.site.id, "name": "x", "kind": "ot"},
           {"site_id": station.site.id, "name": "x", "kind": "ot", "duration_min": 30, "price": 1}]
    for body in bad:
        assert m.post("/staff/rehab/services", body).status_code == 422, body
    assert m.patch(f"/staff/rehab/services/{svc['id']}", {"site_id": 9}).status_code == 422


def test_service_only_at_a_rehab_station(station, login):
    from ..factories import staff_of
    home = SiteFactory(kind="home")
    staff_of(db.session.get(User, station.manager.user_id), home, "manager")
    r = station.manager.post("/staff/rehab/services", {"site_id": home.id, "name": "x", "kind": "ot",
                                                       "duration_min": 30})
    assert r.status_code == 422 and "site_id" in r.get_json()["error"]["fields"]


def test_therapists(station):
    sid = station.site.id
    r = station.manager.post(f"/staff/sites/{sid}/therapists", {"name": "陈治疗师", "user_id": station.staff.user_id})
    assert r.status_code == 201 and r.get_json()["user_id"] == station.staff.user_id
    names = [t["name"] for t in station.staff.get(f"/staff/sites/{sid}/therapists").get_json()["items"]]
    assert names == ["张治疗师", "陈治疗师"]
    r = station.manager.post(f"/staff/sites/{sid}/therapists", {"name": "x", "user_id": 999999})
    assert r.status_code == 422


def test_roster_shows_needs_and_communication_and_is_audited(station, family):
    api, resident = family(needs=["wheelchair", "sign_language"])
    user = db.session.get(User, api.user_id)
    user.preferences = {"communication": "sign_language"}
    db.session.commit()
    slot = make_slot(station.service, station.therapist, hours=30)
    a = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}).get_json()
    day = localtime.local_date(slot.starts_at, station.site)
    r = station.staff.get(f"/staff/sites/{station.site.id}/appointments?date={day}")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["date"] == day.isoformat() and [x["id"] for x in body["items"]] == [a["id"]]
    who = body["items"][0]["resident"]
    assert who["needs"] == ["wheelchair", "sign_language"] and who["communication"] == ["sign_language"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == station.staff.user_id)).all()
    assert [(e.action, e.resident_id, e.site_id) for e in entries] == [("read", resident.id, station.site.id)]
    assert "needs" in entries[0].fields
    empty = station.staff.get(f"/staff/sites/{station.site.id}/appointments?date=2020-01-01").get_json()
    assert empty["items"] == []
    assert station.staff.get(f"/staff/sites/{station.site.id}/appointments?date=bad").status_code == 422


def _appointment(station, family, hours):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, hours=hours)
    if hours < 0:  # already started: made directly, as a booking could not be
        a = Appointment(slot_id=slot.id, service_id=station.service.id, site_id=station.site.id,
                        resident_id=resident.id, status="booked", starts_at=slot.starts_at, ends_at=slot.ends_at)
        db.session.add(a)
        db.session.commit()
        return a.id
    return api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}).get_json()["id"]


def test_status_transitions(station, family):
    s = station.staff

    def move(aid, status):
        return s.post(f"/staff/appointments/{aid}/status", {"status": status, "note": "备注"})

    started = _appointment(station, family, -0.25)
    assert move(started, "checked_in").get_json()["status"] == "checked_in"
    assert move(started, "completed").get_json()["status"] == "completed"
    for status in ("no_show", "excused", "checked_in", "completed"):
        r = move(started, status)
        assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    missed = _appointment(station, family, -3)
    assert move(missed, "completed").status_code == 409  # not checked in
    assert move(missed, "excused").status_code == 409  # only a no-show is excused
    assert move(missed, "no_show").status_code == 200
    assert move(missed, "checked_in").status_code == 409
    assert move(missed, "excused").get_json()["status"] == "excused"
    future = _appointment(station, family, 30)
    r = move(future, "no_show")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    assert s.post(f"/staff/appointments/{future}/status", {"status": "cancelled"}).status_code == 422
    assert s.post("/staff/appointments/999999/status", {"status": "checked_in"}).status_code == 404


def test_export_and_delete_me(station, family, login):
    from ..factories import link
    api, resident = family()
    shared_api, shared = family()
    link(login().user_id, shared)  # someone else also manages `shared`
    slot = make_slot(station.service, station.therapist, hours=30, capacity=2)
    mine = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id, "note": "私人备注"}).get_json()
    theirs = shared_api.post("/appointments", {"slot_id": slot.id, "resident_id": shared.id}).get_json()
    export = api.get("/me/export").get_json()
    assert [x["id"] for x in export["appointments"]] == [mine["id"]]
    assert export["appointments"][0]["note"] == "私人备注"
    assert api.delete("/me").status_code == 204
    assert shared_api.delete("/me").status_code == 204
    db.session.expire_all()
    a = db.session.get(Appointment, mine["id"])
    assert a.status == "cancelled" and a.note == ""
    assert db.session.get(Appointment, theirs["id"]).status == "booked"  # another user still manages them
    assert db.session.get(RehabSlot, slot.id).booked == 1
    assert db.session.get(ResidentSite, (resident.id, station.site.id)) is not None


def test_completing_an_appointment_announces_it(station, family):
    """Other domains (device cases count assessments and training sessions) hear of a completed
    appointment through the `appointment_completed` event, inside the completing transaction."""
    from backend import events
    heard = []

    def listener(_sender, **payload):
        heard.append(payload)

    signal = events.signal("appointment_completed")
    signal.connect(listener)
    try:
        aid = _appointment(station, family, -0.25)
        s = station.staff
        s.post(f"/staff/appointments/{aid}/status", {"status": "checked_in", "note": ""})
        assert heard == []
        assert s.post(f"/staff/appointments/{aid}/status", {"status": "completed", "note": ""}).status_code == 200
    finally:
        signal.disconnect(listener)
    [payload] = heard
    assert payload["appointment_id"] == aid and payload["site_id"] == station.site.id
    assert payload["service_kind"] == "physio" and payload["resident_id"]
