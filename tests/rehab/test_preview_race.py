"""The schedule preview (`POST .../schedule/preview`) races bookings over real HTTP on PostgreSQL:
previews that would retire a slot never retire it (each rolls back), a booking of the slot is never
lost to them, and the slot's one seat is still taken exactly once."""
from datetime import date

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.rehab.models import RehabSlot

from .test_concurrency import families, fire
from .test_schedule import plan

pytestmark = pytest.mark.postgres


def test_previews_racing_bookings_change_nothing_but_the_booking(station, app):
    manager = station.manager
    saved = manager.put(f"/staff/rehab/services/{station.service.id}/schedule",
                        plan(station.therapist, "10:00", "11:00", valid_from=date(2020, 1, 1)))
    assert saved.status_code == 200, saved.get_json()
    slot = db.session.scalars(select(RehabSlot).where(RehabSlot.service_id == station.service.id,
                                                      RehabSlot.status == "open")
                              .order_by(RehabSlot.starts_at)).all()[2]  # a slot of a day ahead
    other_plan = plan(station.therapist, "15:00", "16:00", valid_from=date(2020, 1, 1))
    people = families(6)
    calls = [("POST", f"/staff/rehab/services/{station.service.id}/schedule/preview", manager.token, other_plan)
             for _ in range(8)]
    calls += [("POST", "/appointments", token, {"slot_id": slot.id, "resident_id": r.id}) for token, r in people]
    results = fire(app, calls)
    previews, bookings = results[:8], results[8:]
    assert [s for s, _ in previews] == [200] * 8, previews
    for _status, answer in previews:  # before the booking: the slot would go; after it: a conflict
        reported = [c for c in answer["conflicts"] if c["slot_id"] == slot.id]
        assert reported == [] or reported[0]["reason"] == "booked_slot_not_in_plan"
    statuses = [s for s, _ in bookings]
    assert statuses.count(201) == 1 and statuses.count(409) == 5, bookings
    db.session.expire_all()
    kept = db.session.get(RehabSlot, slot.id)
    assert kept.status == "open" and kept.booked == 1 and kept.capacity == 1
    current = manager.get(f"/staff/rehab/services/{station.service.id}/schedule").get_json()
    assert [e["start"] for e in current["weekly"]] == ["10:00"] * 7  # no preview was saved
