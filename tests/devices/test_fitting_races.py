"""Part 2 under concurrency, with real concurrent requests against PostgreSQL: one shipment per
order, one delivery per case, one record per follow-up, one open repair per device — the loser
always a 409, never a 5xx, and nothing written twice."""
import pytest
import requests
from sqlalchemy import func, select

from backend.devices.fitting_models import Delivery, FollowUp, Repair
from backend.devices.handovers import Handover
from backend.extensions import db
from backend.identity.models import User

from .. import racing
from ..factories import staff_of
from .conftest import signature, ship, to_follow_up, to_supplying

pytestmark = pytest.mark.postgres


def codes(results) -> list:
    assert all(isinstance(r, requests.Response) for r in results), results
    return sorted((r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None) for r in results)


def count(model, **where) -> int:
    db.session.commit()
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def test_two_staff_race_on_shipping_delivering_following_up_and_repairs(app, devices, login):
    w = devices
    second = login()
    staff_of(db.session.get(User, second.user_id), w.centre, "staff")
    db.session.commit()

    case = to_supplying(w)
    cid, oid = case["id"], case["supply"]["id"]
    body = {"shipped_at": "2026-01-05T09:00:00+08:00", "serial_nos": ["SN-0001"]}
    assert codes(racing.fire(app, [("POST", f"/maker/orders/{oid}/ship", w.maker.token, body)] * 2)) == [
        (200, None), (409, "invalid_transition")]

    delivery = {"serial_no": "SN-0001", "fitted_at": "2026-01-10T10:00:00+08:00",
                "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": signature()}}
    assert codes(racing.fire(app, [("POST", f"/staff/device-cases/{cid}/delivery", t, delivery)
                                   for t in (w.staff.token, second.token)])) == [(200, None), (409, "invalid_transition")]
    assert count(Delivery, case_id=cid) == 1 and count(Handover) == 1 and count(FollowUp, case_id=cid) == 3

    for day in (11, 12):
        w.staff.post(f"/staff/device-cases/{cid}/training-sessions", {"at": f"2026-01-{day}T10:00:00+08:00",
                                                                       "minutes": 30})
    fid = w.staff.get(f"/device-cases/{cid}").get_json()["followups"][0]["id"]
    fu = {"method": "phone", "in_use": True, "satisfaction": 3, "outcome": "repair", "note": "异响"}
    assert codes(racing.fire(app, [("POST", f"/staff/device-followups/{fid}", t, fu)
                                   for t in (w.staff.token, second.token)])) == [(200, None), (409, "already_recorded")]
    assert count(Repair, case_id=cid) == 1

    w.staff.post(f"/staff/device-repairs/{w.staff.get(f'/device-cases/{cid}').get_json()['repairs'][0]['id']}",
                 {"status": "done"})
    results = racing.fire(app, [("POST", f"/device-cases/{cid}/repairs", w.family.token, {"problem": f"问题{i}"})
                                for i in range(4)])
    assert codes(results) == [(201, None)] + [(409, "repair_open")] * 3
    assert count(Repair, case_id=cid, status="requested") == 1


def test_many_follow_up_records_and_closings_at_once_close_the_case_once(app, devices):
    """The last two follow-ups recorded at the same moment: both recorded (each once), the case
    closed exactly once."""
    w = devices
    case = to_follow_up(w)
    f30, f90, f180 = [f["id"] for f in case["followups"]]
    w.staff.post(f"/staff/device-followups/{f30}", {"method": "phone", "in_use": True, "satisfaction": 4,
                                                     "outcome": "continue"})
    fu = {"method": "phone", "in_use": True, "satisfaction": 4, "outcome": "continue"}
    results = racing.fire(app, [("POST", f"/staff/device-followups/{fid}", w.staff.token, fu)
                                for fid in (f90, f180, f90, f180)])
    assert codes(results) == [(200, None), (200, None), (409, "already_recorded"), (409, "already_recorded")]
    closed = w.staff.get(f"/device-cases/{case['id']}").get_json()
    assert closed["status"] == "closed" and [h["action"] for h in closed["history"]].count("closed") == 1
