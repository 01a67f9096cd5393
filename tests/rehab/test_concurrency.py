"""Races over real HTTP against PostgreSQL: threads released together by a Barrier, each request on
its own connection of the live server. SQLite serialises writers, so these run on PostgreSQL only."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from backend.db import utcnow
from backend.extensions import db
from backend.identity import tokens
from backend.identity.models import Resident, User
from backend.rehab.models import LIVE, Appointment, RehabSlot

from .. import racing
from ..factories import ResidentFactory, UserFactory, link
from .conftest import make_service, make_slot, make_therapist

pytestmark = pytest.mark.postgres


def families(n: int) -> list[tuple[str, Resident]]:
    """n users, each linked to their own resident, with a bearer token (made directly: fast)."""
    out = []
    for _ in range(n):
        user = UserFactory()
        resident = ResidentFactory()
        link(user.id, resident)
        token, _ = tokens.issue(user)
        out.append((token, resident))
    db.session.commit()
    return out


def fire(app, calls: list[tuple[str, str, str, dict]]) -> list[tuple[int, dict]]:
    """[(status, json)] in the order of `calls`; (-1, {"exception": ...}) where a request failed."""
    return [(r.status_code, r.json()) if isinstance(r, requests.Response) else (-1, {"exception": repr(r)})
            for r in racing.fire(app, calls)]


def codes(results):
    return [body.get("error", {}).get("code") for status, body in results if status == 409]


def live_in_slot(slot_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.slot_id == slot_id, Appointment.status.in_(LIVE)))


def test_fifty_bookings_of_a_one_seat_slot(station, app):
    people = families(50)
    for round_no in range(10):
        slot = make_slot(station.service, station.therapist, hours=24 + round_no, capacity=1)
        results = fire(app, [("POST", "/appointments", token, {"slot_id": slot.id, "resident_id": r.id})
                             for token, r in people])
        statuses = [s for s, _ in results]
        assert statuses.count(201) == 1, (round_no, statuses)
        odd = [r for r in results if r[0] != 409 and r[0] != 201]
        assert statuses.count(409) == 49 and set(codes(results)) == {"slot_full"}, odd
        assert not [s for s in statuses if s >= 500 or s < 0]
        db.session.expire_all()
        assert db.session.get(RehabSlot, slot.id).booked == 1 == live_in_slot(slot.id)


def test_one_resident_two_overlapping_slots_of_different_services(station, app):
    other = make_service(station.site, name="言语治疗", kind="speech")
    t2 = make_therapist(station.site, "李治疗师")
    (token, resident), = families(1)
    for round_no in range(6):
        a = make_slot(station.service, station.therapist, hours=24 + 2 * round_no, capacity=10)
        b = make_slot(other, t2, starts_at=a.starts_at + timedelta(minutes=10), capacity=10)
        calls = [("POST", "/appointments", token, {"slot_id": s.id, "resident_id": resident.id})
                 for s in (a, b) for _ in range(5)]
        results = fire(app, calls)
        statuses = [s for s, _ in results]
        assert statuses.count(201) == 1, (round_no, results)
        assert set(codes(results)) == {"overlapping_appointment"} and statuses.count(409) == 9
        db.session.expire_all()
        assert db.session.get(RehabSlot, a.id).booked + db.session.get(RehabSlot, b.id).booked == 1


def test_reschedule_racing_bookings_of_the_target(station, app):
    mover_token, mover = families(1)[0]
    rivals = families(5)
    outcomes = []
    for round_no in range(10):
        old = make_slot(station.service, station.therapist, hours=24 + 3 * round_no, capacity=1)
        target = make_slot(station.service, station.therapist, hours=25 + 3 * round_no, capacity=1)
        booked = fire(app, [("POST", "/appointments", mover_token, {"slot_id": old.id, "resident_id": mover.id})])
        appointment_id = booked[0][1]["id"]
        calls = [("POST", f"/appointments/{appointment_id}/reschedule", mover_token, {"slot_id": target.id})]
        calls += [("POST", "/appointments", token, {"slot_id": target.id, "resident_id": r.id})
                  for token, r in rivals[:1 if round_no % 2 else 5]]
        results = fire(app, calls)
        statuses = [s for s, _ in results]
        assert not [s for s in statuses if s >= 500 or s < 0], results
        assert sum(1 for s in statuses if s in (200, 201)) == 1, results
        assert set(codes(results)) <= {"slot_full"}
        outcomes.append("moved" if statuses[0] == 200 else "kept")
        db.session.expire_all()
        mine = db.session.scalars(select(Appointment).where(
            Appointment.resident_id == mover.id, Appointment.status.in_(LIVE),
            Appointment.slot_id.in_([old.id, target.id]))).all()
        assert len(mine) == 1  # never zero, never two
        assert mine[0].slot_id == (target.id if statuses[0] == 200 else old.id)
        for s in (old, target):
            assert db.session.get(RehabSlot, s.id).booked == live_in_slot(s.id)
    assert len(outcomes) == 10
    print(f"reschedule race outcomes: {outcomes.count('moved')} moved, {outcomes.count('kept')} kept")


def test_crossed_reschedules_do_not_deadlock(station, app):
    """Two people swapping slots at once lock the same two slot rows: in id order, so no deadlock (a
    deadlock would surface as a 5xx)."""
    (ta, ra), (tb, rb) = families(2)
    s1 = make_slot(station.service, station.therapist, hours=30, capacity=2)
    s2 = make_slot(station.service, station.therapist, hours=32, capacity=2)
    a = fire(app, [("POST", "/appointments", ta, {"slot_id": s1.id, "resident_id": ra.id})])[0][1]["id"]
    b = fire(app, [("POST", "/appointments", tb, {"slot_id": s2.id, "resident_id": rb.id})])[0][1]["id"]
    for round_no in range(10):
        to_a, to_b = (s2, s1) if round_no % 2 == 0 else (s1, s2)
        results = fire(app, [("POST", f"/appointments/{a}/reschedule", ta, {"slot_id": to_a.id}),
                             ("POST", f"/appointments/{b}/reschedule", tb, {"slot_id": to_b.id})])
        assert [s for s, _ in results] == [200, 200], results
    db.session.expire_all()
    assert db.session.get(RehabSlot, s1.id).booked == 1 == db.session.get(RehabSlot, s2.id).booked


def test_staff_closure_racing_bookings_leaves_no_live_appointment(station, app, family):
    from backend import localtime
    people = families(20)
    manager_token = tokens.issue(db.session.get(User, station.manager.user_id))[0]
    db.session.commit()
    slot = make_slot(station.service, station.therapist, hours=72, capacity=20)
    day = localtime.local_date(slot.starts_at, station.site)
    calls = [("POST", "/appointments", token, {"slot_id": slot.id, "resident_id": r.id}) for token, r in people]
    calls.append(("POST", f"/staff/sites/{station.site.id}/closures", manager_token,
                  {"date": day.isoformat(), "reason": "临时闭站"}))
    results = fire(app, calls)
    assert not [s for s, _ in results if s >= 500 or s < 0], results
    assert results[-1][0] == 201
    print(f"closure race: {sum(1 for s, _ in results[:-1] if s == 201)} booked before the closure "
          f"(then cancelled: {results[-1][1]['cancelled_appointments']}), {len(codes(results))} refused")
    assert set(codes(results)) <= {"outside_booking_window"}
    db.session.expire_all()
    assert live_in_slot(slot.id) == 0 == db.session.get(RehabSlot, slot.id).booked
    assert db.session.get(RehabSlot, slot.id).status == "closed"


def test_bookings_racing_schedule_edits_never_deadlock(app, station):
    """A booking locks its slot and then (through the appointment's foreign key) shares the site row;
    a schedule edit locks the site and then the slots. The site lock is FOR NO KEY UPDATE so the two
    never wait on each other in a cycle."""
    from .test_schedule import plan, put
    service, therapist = station.service, station.therapist
    assert put(station.manager, service, plan(therapist, "00:00", "24:00", capacity=1)).status_code == 200
    slots = db.session.scalars(select(RehabSlot).where(RehabSlot.service_id == service.id,
                                                       RehabSlot.starts_at > utcnow() + timedelta(hours=3))
                               .order_by(RehabSlot.starts_at).limit(16)).all()
    fams = families(16)
    for round_no in range(3):
        calls = [("POST", "/appointments", token, {"slot_id": slot.id, "resident_id": resident.id, "note": ""})
                 for (token, resident), slot in zip(fams, slots)] if round_no == 0 else []
        calls += [("PUT", f"/staff/rehab/services/{service.id}/schedule", station.manager.token,
                   plan(therapist, "00:00", "24:00", capacity=2 + round_no + k)) for k in range(3)]
        results = fire(app, calls)
        assert all(0 < status < 500 for status, _ in results), [r for r in results if not 0 < r[0] < 500][:3]
    booked = db.session.scalar(select(func.count(Appointment.id)).where(Appointment.status.in_(LIVE)))
    assert booked == 16
