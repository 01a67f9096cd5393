"""Races over real HTTP against PostgreSQL: threads released together by a Barrier, each request on its
own connection of the live server. SQLite serialises writers, so these run on PostgreSQL only."""
import pytest
import requests
from sqlalchemy import func, select, text

from backend.extensions import db
from backend.identity import tokens
from backend.identity.models import User
from backend.loans.models import LIVE, DeviceItem, DeviceLoan

from .. import racing
from ..factories import ResidentFactory, UserFactory, link
from .conftest import HANDOVER, add_units, due_in, reserve

pytestmark = pytest.mark.postgres


def people(n: int) -> list[tuple[str, int]]:
    """n users, each linked to their own resident, with a bearer token (made directly: fast)."""
    out = []
    for i in range(n):
        user = UserFactory()
        resident = ResidentFactory(name=f"居民{i}")
        link(user.id, resident)
        token, _ = tokens.issue(user)
        out.append((token, resident.id))
    db.session.commit()
    return out


def no_unit_in_two_live_loans() -> None:
    db.session.expire_all()
    doubled = db.session.execute(text(
        "SELECT item_id FROM device_loans WHERE status IN ('reserved', 'on_loan') AND item_id IS NOT NULL "
        "GROUP BY item_id HAVING count(*) > 1")).all()
    assert doubled == []
    # Every held or lent unit is held by exactly the loan that says so.
    mismatched = db.session.execute(text(
        "SELECT i.id FROM device_items i LEFT JOIN device_loans l ON l.item_id = i.id "
        "AND l.status IN ('reserved', 'on_loan') WHERE (i.status IN ('reserved', 'on_loan')) <> (l.id IS NOT NULL)"
    )).all()
    assert mismatched == []


def test_thirty_people_reserve_the_last_two_units_ten_times(world, app):
    w = world
    crowd = people(30)
    for round_no in range(10):
        product = w.wheelchair if round_no % 2 == 0 else w.walker
        units = add_units(w, product, 2, prefix=f"R{round_no}")
        body = {"site_id": w.centre.id, "product_id": product.id, "purpose": "short_term"}
        results = racing.fire(app, [("POST", "/device-loans", token, {**body, "resident_id": rid})
                                    for token, rid in crowd], inflight=30)
        assert all(isinstance(r, requests.Response) for r in results), [r for r in results if not
                                                                        isinstance(r, requests.Response)]
        statuses = [r.status_code for r in results]
        assert statuses.count(201) == 2, (round_no, sorted(statuses))
        refused = [r.json()["error"]["code"] for r in results if r.status_code == 409]
        assert refused == ["none_available"] * 28, (round_no, [(r.status_code, r.text[:120]) for r in results
                                                             if r.status_code != 201])
        held = {r.json()["item"]["id"] for r in results if r.status_code == 201}
        assert held == {u["id"] for u in units}
        no_unit_in_two_live_loans()
        # Make room for the next round: the winners cancel (each person has at most 2 live loans).
        for r, (token, _) in zip(results, crowd):
            if r.status_code == 201:
                requests.post(f"{app.config['LIVE_URL']}/api/v1/device-loans/{r.json()['id']}/cancel",
                              headers={"Authorization": f"Bearer {token}"}, timeout=30).raise_for_status()
        # The cancelled units are free again: scrap them so the next round races for 2 new ones.
        for u in units:
            assert w.staff.patch(f"/staff/device-items/{u['id']}", {"status": "scrapped"}).status_code == 200


def test_two_staff_check_out_the_same_unit_for_two_reservations(world, app):
    w = world
    for round_no in range(10):
        units = add_units(w, w.walker, 2, prefix=f"C{round_no}")
        a = reserve(w, w.walker)
        b = reserve(w, w.walker, client=w.other_family, resident=w.other_resident)
        target = a["item"]["id"]  # both staff reach for the same unit on the shelf
        results = racing.fire(app, [
            ("POST", f"/staff/device-loans/{a['id']}/checkout", w.staff.token,
             {"item_id": target, "due_on": due_in(w, 10), "handover": HANDOVER}),
            ("POST", f"/staff/device-loans/{b['id']}/checkout", w.plain_staff.token,
             {"item_id": target, "due_on": due_in(w, 10), "handover": HANDOVER}),
        ])
        assert all(isinstance(r, requests.Response) for r in results), results
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 409], [(r.status_code, r.text[:200]) for r in results]
        loser = next(r for r in results if r.status_code == 409)
        assert loser.json()["error"]["code"] == "item_unavailable"
        no_unit_in_two_live_loans()
        db.session.expire_all()
        assert db.session.get(DeviceItem, target).status == "on_loan"
        lent = db.session.scalars(select(DeviceLoan).where(DeviceLoan.item_id == target,
                                                           DeviceLoan.status == "on_loan")).all()
        assert len(lent) == 1
        # Clean up for the next round: return what was lent, cancel what was not, retire the units.
        for loan in (a, b):
            view = w.staff.get(f"/device-loans/{loan['id']}").get_json()
            if view["status"] == "on_loan":
                w.staff.post(f"/staff/device-loans/{loan['id']}/return", {"condition": "good"})
            else:
                w.staff.post(f"/device-loans/{loan['id']}/cancel")
        for u in units:
            item = w.staff.get(f"/staff/device-items/{u['id']}").get_json()
            if item["status"] == "inspection":
                w.staff.post(f"/staff/device-items/{u['id']}/inspection", {"result": "scrapped"})
            elif item["status"] == "available":
                w.staff.patch(f"/staff/device-items/{u['id']}", {"status": "scrapped"})


def test_one_person_reserving_many_times_at_once_gets_at_most_the_limit(world, app):
    w = world
    add_units(w, w.wheelchair, 5)
    (token, rid), = people(1)
    body = {"resident_id": rid, "site_id": w.centre.id, "product_id": w.wheelchair.id, "purpose": "trial"}
    results = racing.fire(app, [("POST", "/device-loans", token, body) for _ in range(8)])
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 201] + [409] * 6, statuses
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"loan_limit"}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DeviceLoan).where(
        DeviceLoan.resident_id == rid, DeviceLoan.status.in_(LIVE))) == 2
