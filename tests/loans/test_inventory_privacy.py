"""Maintenance due lists, unit history, and loans in GET /me/export and DELETE /me."""
from datetime import timedelta

from sqlalchemy import select

from backend import localtime
from backend.extensions import db
from backend.loans.models import DeviceItem, DeviceLoan, LoanEvent

from .conftest import add_units, lend, reserve


def _iso(days_ago: int, w) -> str:
    return (localtime.today(w.centre.id) - timedelta(days=days_ago)).isoformat()


def test_units_due_for_maintenance_and_recording_resets_the_clock(world):
    w = world
    old = w.staff.post(f"/staff/sites/{w.centre.id}/device-items", {
        "product_id": w.wheelchair.id, "serial_no": "OLD-1", "condition": "worn", "source": "donated",
        "acquired_on": _iso(100, w)}).get_json()
    fresh = w.staff.post(f"/staff/sites/{w.centre.id}/device-items", {
        "product_id": w.wheelchair.id, "serial_no": "NEW-1", "condition": "new", "source": "purchased",
        "acquired_on": _iso(10, w)}).get_json()
    walker = w.staff.post(f"/staff/sites/{w.centre.id}/device-items", {  # no interval: never due
        "product_id": w.walker.id, "serial_no": "WK-OLD", "condition": "good", "source": "purchased",
        "acquired_on": _iso(1000, w)}).get_json()
    due = w.staff.get(f"/staff/sites/{w.centre.id}/device-items?maintenance=due").get_json()
    assert [i["id"] for i in due["items"]] == [old["id"]] and due["total"] == 1
    assert due["items"][0]["maintenance_due"] is True
    assert due["items"][0]["maintenance_due_on"] == _iso(10, w)
    r = w.staff.post(f"/staff/device-items/{old['id']}/maintenance",
                     {"done_at": localtime.iso(localtime.wall(localtime.today(w.centre.id),
                                                               __import__("datetime").time(9), w.centre.id)),
                      "note": "更换刹车片"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["last_maintained_on"] == _iso(0, w) and r.get_json()["history"][-1]["action"] == "maintained"
    assert w.staff.get(f"/staff/sites/{w.centre.id}/device-items?maintenance=due").get_json()["items"] == []
    future = w.staff.post(f"/staff/device-items/{old['id']}/maintenance",
                          {"done_at": "2200-01-01T09:00:00+08:00", "note": ""})
    assert future.status_code == 422
    naive = w.staff.post(f"/staff/device-items/{old['id']}/maintenance", {"done_at": "2026-01-01T09:00:00"})
    assert naive.status_code == 422
    listed = w.staff.get(f"/staff/sites/{w.centre.id}/device-items?product_id={w.wheelchair.id}").get_json()
    assert {i["id"] for i in listed["items"]} == {old["id"], fresh["id"]} and walker["maintenance_due_on"] is None


def test_export_and_erase_cover_loans_and_handovers(world):
    w = world
    add_units(w, w.wheelchair, 2)
    add_units(w, w.walker, 1)
    on_loan = lend(w)
    held = reserve(w, w.walker)
    data = w.family.get("/me/export").get_json()
    assert {l["id"] for l in data["device_loans"]} == {on_loan["id"], held["id"]}
    assert [h["id"] for h in data["device_handovers"]] == [on_loan["handover_id"]]
    assert w.other_family.get("/me/export").get_json()["device_loans"] == []
    w.staff.post(f"/staff/device-loans/{on_loan['id']}/return", {"condition": "good", "note": "家属说明：张阿姨已康复"})
    assert w.family.delete("/me").status_code == 204
    db.session.expire_all()
    loans = {l.id: l for l in db.session.scalars(select(DeviceLoan))}
    assert loans[held["id"]].status == "cancelled"  # the hold freed: the walker is lendable again
    assert db.session.get(DeviceItem, held["item"]["id"]).status == "available"
    assert loans[on_loan["id"]].return_note == ""
    assert all(e.note == "" for e in db.session.scalars(select(LoanEvent)))
