"""Weekly plans → slots: the site's zone, midnight, the horizon, reshaping, therapist overlap, closures."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from backend import localtime
from backend.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification
from backend.rehab import schedule
from backend.rehab.models import Appointment, RehabSlot

from ..factories import SiteFactory
from .conftest import make_service, make_therapist

EVERY_DAY = range(1, 8)


def plan(therapist, start, end, *, days=EVERY_DAY, slot_min=30, capacity=1, valid_from=None, valid_to=None):
    return {"slot_min": slot_min, "valid_from": (valid_from or date(2020, 1, 1)).isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "weekly": [{"weekday": d, "start": start, "end": end, "therapist_id": therapist.id,
                        "capacity": capacity} for d in days]}


def put(api, service, body):
    return api.put(f"/staff/rehab/services/{service.id}/schedule", body)


def local_starts(site, service_id=None, status="open"):
    db.session.expire_all()
    stmt = select(RehabSlot).where(RehabSlot.status == status)
    if service_id:
        stmt = stmt.where(RehabSlot.service_id == service_id)
    return sorted(localtime.at(s.starts_at, site).replace(tzinfo=None) for s in db.session.scalars(stmt))


def today(site):
    return localtime.local_date(utcnow(), site)


def test_schedule_materialises_slots_listed_in_site_zone(station, client):
    r = put(station.manager, station.service, plan(station.therapist, "09:00", "10:00"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["conflicts"] == [] and body["created"] > 0
    t = today(station.site)
    starts = local_starts(station.site)
    # Two slots a day, from tomorrow (today's may be past) to the last horizon day, none after it.
    last = t + timedelta(days=14)
    assert datetime.combine(last, datetime.min.time()).replace(hour=9) in starts
    assert all(s.date() <= last for s in starts)
    d = t + timedelta(days=3)
    listed = client.get(f"/rehab/services/{station.service.id}/slots?from={d}&to={d}")
    assert listed.status_code == 200
    items = listed.get_json()
    assert isinstance(items, list)
    assert [x["starts_at"] for x in items] == [f"{d}T09:00:00+08:00", f"{d}T09:30:00+08:00"]
    assert items[0]["ends_at"] == f"{d}T09:30:00+08:00"
    assert items[0]["therapist"] == {"id": station.therapist.id, "name": "张治疗师"}
    assert items[0]["capacity"] == 1 and items[0]["remaining"] == 1
    # Stored in UTC.
    slot = db.session.get(RehabSlot, items[0]["id"])
    assert slot.starts_at.utcoffset() == timedelta(0) and slot.starts_at.hour == 1


def test_midnight_crossing_and_horizon_boundary(station, client):
    r = put(station.manager, station.service, plan(station.therapist, "23:00", "01:00"))
    assert r.status_code == 200, r.get_json()
    t = today(station.site)
    last = t + timedelta(days=14)
    starts = set(local_starts(station.site))
    d = t + timedelta(days=5)
    at = lambda day, h, m: datetime.combine(day, datetime.min.time()).replace(hour=h, minute=m)  # noqa: E731
    nxt = d + timedelta(days=1)
    assert {at(d, 23, 0), at(d, 23, 30), at(nxt, 0, 0), at(nxt, 0, 30)} <= starts
    # The last horizon day has its own 23:00/23:30 and the 00:00/00:30 run over from the day before;
    # the day after the horizon has nothing, though the last day's range runs into it.
    assert {at(last, 0, 0), at(last, 0, 30), at(last, 23, 0), at(last, 23, 30)} <= starts
    assert not [s for s in starts if s.date() > last]
    listed = client.get(f"/rehab/services/{station.service.id}/slots?from={last}&to={last}").get_json()
    assert [x["starts_at"][11:16] for x in listed] == ["00:00", "00:30", "23:00", "23:30"]
    after = last + timedelta(days=1)
    assert client.get(f"/rehab/services/{station.service.id}/slots?from={after}&to={after}").get_json() == []


def test_range_ending_at_24_00(station):
    r = put(station.manager, station.service, plan(station.therapist, "23:00", "24:00"))
    assert r.status_code == 200, r.get_json()
    starts = local_starts(station.site)
    assert starts and {(s.hour, s.minute) for s in starts} == {(23, 0), (23, 30)}


def test_zone_of_the_site_is_used(app, db_session, login, client):
    from backend.identity.models import User

    from ..factories import staff_of
    site = SiteFactory(kind="rehab", timezone="Asia/Urumqi")
    manager = login()
    staff_of(db.session.get(User, manager.user_id), site, "manager")
    service, therapist = make_service(site), make_therapist(site)
    assert put(manager, service, plan(therapist, "09:00", "09:30")).status_code == 200
    d = localtime.local_date(utcnow(), site) + timedelta(days=2)
    items = client.get(f"/rehab/services/{service.id}/slots?from={d}&to={d}").get_json()
    assert [x["starts_at"] for x in items] == [f"{d}T09:00:00+06:00"]
    assert db.session.get(RehabSlot, items[0]["id"]).starts_at.hour == 3  # 09:00 at UTC+6


def test_listing_filters_and_validation(station, client):
    site = station.site
    site.opening_hours = [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]
    db.session.commit()
    put(station.manager, station.service, plan(station.therapist, "09:00", "10:00"))
    t = today(site)
    items = client.get(f"/rehab/services/{station.service.id}/slots?from={t}&to={t + timedelta(days=14)}").get_json()
    days = {date.fromisoformat(x["starts_at"][:10]) for x in items}
    assert days and all(d.isoweekday() <= 5 for d in days)  # closed at weekends per opening_hours
    assert all(datetime.fromisoformat(x["starts_at"]) > utcnow() + timedelta(hours=2) for x in items)
    sid = station.service.id
    assert client.get(f"/rehab/services/{sid}/slots?from=2026-13-01").status_code == 422
    assert client.get(f"/rehab/services/{sid}/slots?from={t}&to={t - timedelta(days=1)}").status_code == 422
    assert client.get("/rehab/services/999999/slots").status_code == 404


def test_reshape_keeps_booked_slot_and_reports_it(station, family):
    put(station.manager, station.service, plan(station.therapist, "09:00", "11:00"))
    d = today(station.site) + timedelta(days=3)
    api, resident = family()
    nine = localtime.wall(d, datetime.min.time().replace(hour=9), station.site)
    slot = db.session.scalar(select(RehabSlot).where(RehabSlot.starts_at == nine))
    assert api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}).status_code == 201
    r = put(station.manager, station.service, plan(station.therapist, "10:00", "12:00"))
    assert r.status_code == 200
    body = r.get_json()
    assert body["removed"] > 0 and body["created"] > 0
    assert [c["reason"] for c in body["conflicts"]] == ["booked_slot_not_in_plan"]
    assert body["conflicts"][0]["slot_id"] == slot.id and body["conflicts"][0]["booked"] == 1
    assert body["conflicts"][0]["starts_at"] == f"{d}T09:00:00+08:00"
    db.session.expire_all()
    kept = db.session.get(RehabSlot, slot.id)
    assert kept.status == "open" and kept.capacity == kept.booked == 1  # no more bookings into it
    assert db.session.scalar(select(Appointment.status)) == "booked"
    day_starts = [s for s in local_starts(station.site) if s.date() == d]
    assert [(s.hour, s.minute) for s in day_starts] == [(9, 0), (10, 0), (10, 30), (11, 0), (11, 30)]


def test_capacity_change_never_below_booked(station, family):
    put(station.manager, station.service, plan(station.therapist, "09:00", "09:30", capacity=3))
    d = today(station.site) + timedelta(days=2)
    slot = db.session.scalar(select(RehabSlot).where(
        RehabSlot.starts_at == localtime.wall(d, datetime.min.time().replace(hour=9), station.site)))
    for _ in range(2):
        api, resident = family()
        assert api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}).status_code == 201
    body = put(station.manager, station.service, plan(station.therapist, "09:00", "09:30", capacity=1)).get_json()
    assert [(c["reason"], c["slot_id"]) for c in body["conflicts"]] == [("capacity_below_booked", slot.id)]
    db.session.expire_all()
    assert db.session.get(RehabSlot, slot.id).capacity == 2


def test_therapist_never_double_booked_across_services_buffers_included(station):
    a = make_service(station.site, name="康复训练", duration_min=30, buffer_min=10)
    b = make_service(station.site, name="作业治疗", kind="ot", duration_min=30)
    ra = put(station.manager, a, plan(station.therapist, "09:00", "10:00", days=[1]))
    assert ra.status_code == 200 and ra.get_json()["conflicts"] == []
    # 09:00-09:30 + 10 min buffer blocks until 09:40; b's 09:35 slot collides, its 10:05 does not.
    rb = put(station.manager, b, plan(station.therapist, "09:35", "10:35", days=[1]))
    body = rb.get_json()
    assert body["conflicts"] and {c["reason"] for c in body["conflicts"]} == {"therapist_busy"}
    assert all(c["starts_at"][11:16] == "09:35" for c in body["conflicts"])
    db.session.expire_all()
    slots = sorted(db.session.scalars(select(RehabSlot).where(
        RehabSlot.therapist_id == station.therapist.id, RehabSlot.status == "open")),
        key=lambda s: s.starts_at)
    for x, y in zip(slots, slots[1:]):
        assert x.blocked_until <= y.starts_at


def test_schedule_is_idempotent_and_daily_job_extends_horizon(station, app):
    body = plan(station.therapist, "09:00", "10:00")
    first = put(station.manager, station.service, body).get_json()
    again = put(station.manager, station.service, body).get_json()
    assert again["created"] == 0 and again["removed"] == 0 and again["conflicts"] == []
    assert schedule.extend_all(utcnow()) == 0
    before = len(local_starts(station.site))
    assert schedule.extend_all(utcnow() + timedelta(days=1)) == 2  # the new last day: 09:00, 09:30
    assert schedule.extend_all(utcnow() + timedelta(days=1)) == 0
    assert len(local_starts(station.site)) == before + 2
    assert first["created"] == before


def test_valid_range_limits_slots(station):
    t = today(station.site)
    body = plan(station.therapist, "09:00", "10:00", valid_from=t + timedelta(days=3),
                valid_to=t + timedelta(days=4))
    assert put(station.manager, station.service, body).status_code == 200
    assert {s.date() for s in local_starts(station.site)} == {t + timedelta(days=3), t + timedelta(days=4)}


def test_schedule_validation(station, login):
    other_site = SiteFactory(kind="rehab")
    stranger = make_therapist(other_site, "外站治疗师")
    cases = [
        plan(stranger, "09:00", "10:00"),
        {**plan(station.therapist, "09:00", "10:00"), "slot_min": 20},  # shorter than the 30-min service
        plan(station.therapist, "09:00", "09:00"),
        plan(station.therapist, "9:00", "10:00"),
        plan(station.therapist, "09:00", "24:30"),
        {**plan(station.therapist, "09:00", "10:00"), "valid_from": "2030-01-02", "valid_to": "2030-01-01"},
        {**plan(station.therapist, "09:00", "10:00"), "weekly": [{"weekday": 8, "start": "09:00", "end": "10:00",
                                                                  "therapist_id": station.therapist.id}]},
    ]
    for body in cases:
        r = put(station.manager, station.service, body)
        assert r.status_code == 422, (body, r.get_json())
    assert db.session.scalar(select(RehabSlot.id)) is None


def test_closure_cancels_day_notifies_and_blocks_bookings(station, family, client):
    put(station.manager, station.service, plan(station.therapist, "09:00", "10:00"))
    d = today(station.site) + timedelta(days=2)
    day_slots = [s for s in db.session.scalars(select(RehabSlot).order_by(RehabSlot.starts_at))
                 if localtime.local_date(s.starts_at, station.site) == d]
    api, resident = family()
    other_api, other_resident = family()
    a = api.post("/appointments", {"slot_id": day_slots[0].id, "resident_id": resident.id}).get_json()
    r = station.manager.post(f"/staff/sites/{station.site.id}/closures", {"date": d.isoformat(), "reason": "停电检修"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["cancelled_appointments"] == 1 and r.get_json()["date"] == d.isoformat()
    assert api.get(f"/appointments/{a['id']}").get_json()["status"] == "cancelled"
    n = db.session.scalars(select(Notification).where(Notification.user_id == api.user_id,
                                                      Notification.kind == "appointment_cancelled")).all()
    assert len(n) == 1 and "停电检修" in n[0].body
    assert client.get(f"/rehab/services/{station.service.id}/slots?from={d}&to={d}").get_json() == []
    rb = other_api.post("/appointments", {"slot_id": day_slots[1].id, "resident_id": other_resident.id})
    assert rb.status_code == 409 and rb.get_json()["error"]["code"] == "outside_booking_window"
    again = station.manager.post(f"/staff/sites/{station.site.id}/closures", {"date": d.isoformat()})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_closed"
    # A new plan does not bring the closed day back.
    put(station.manager, station.service, plan(station.therapist, "09:00", "11:00"))
    assert client.get(f"/rehab/services/{station.service.id}/slots?from={d}&to={d}").get_json() == []
    past = station.manager.post(f"/staff/sites/{station.site.id}/closures", {"date": "2020-01-01"})
    assert past.status_code == 422
