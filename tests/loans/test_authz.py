"""The authorization matrix of every loan route: anonymous 401, a family on staff routes 403, another
family or another centre's staff 404 (never revealing the object), the centre's staff and admins
allowed where the contract says."""
import pytest

from .conftest import HANDOVER, add_units, due_in, lend, reserve


@pytest.fixture
def setup(world, client):
    w = world
    units = add_units(w, w.wheelchair, 3)
    on_loan = lend(w)
    add_units(w, w.walker, 1)
    held = reserve(w, w.walker)
    return w, units, on_loan, held


def _routes(w, units, on_loan, held):
    """(method, path, body, who may) for every route; `who may` names the clients allowed."""
    c = w.centre.id
    loan_body = {"resident_id": w.resident.id, "site_id": c, "product_id": w.wheelchair.id, "purpose": "trial"}
    return [
        ("POST", "/device-loans", loan_body, "owner"),
        ("GET", f"/device-loans/{on_loan['id']}", None, "owner staff admin"),
        ("POST", f"/device-loans/{on_loan['id']}/renew", None, "owner staff admin"),
        ("POST", f"/device-loans/{held['id']}/cancel", None, "owner staff admin"),
        ("POST", f"/staff/sites/{c}/device-items", {"product_id": w.wheelchair.id, "serial_no": "AUTHZ",
                                                    "condition": "good", "source": "donated"}, "staff admin"),
        ("GET", f"/staff/sites/{c}/device-items", None, "staff admin"),
        ("GET", f"/staff/device-items/{units[2]['id']}", None, "staff admin"),
        ("PATCH", f"/staff/device-items/{units[2]['id']}", {"note": "检查过"}, "staff admin"),
        ("POST", f"/staff/device-items/{units[2]['id']}/maintenance",
         {"done_at": due_in(w, 0) + "T09:00:00+08:00", "note": ""}, "staff admin"),
        ("POST", f"/staff/device-items/{units[2]['id']}/inspection", {"result": "available"}, "staff admin"),
        ("POST", "/staff/device-loans", loan_body, "staff admin"),
        ("GET", f"/staff/device-loans?site_id={c}", None, "staff admin"),
        ("POST", f"/staff/device-loans/{held['id']}/checkout",
         {"item_id": held["item"]["id"], "due_on": due_in(w, 10), "handover": HANDOVER}, "staff admin"),
        ("POST", f"/staff/device-loans/{on_loan['id']}/return", {"condition": "good"}, "staff admin"),
        ("POST", f"/staff/device-loans/{on_loan['id']}/lost", {"note": ""}, "staff admin"),
    ]


def test_anonymous_gets_401_everywhere_but_availability(setup, client):
    w, units, on_loan, held = setup
    assert client.get("/devices/loanable").status_code == 200
    for method, path, body, _ in _routes(w, units, on_loan, held):
        r = client.request(method, path, body)
        assert r.status_code == 401, (method, path, r.status_code)
    assert client.get("/me/device-loans").status_code == 401


def test_strangers_get_404_and_families_403_on_staff_routes(setup):
    w, units, on_loan, held = setup
    for method, path, body, allowed in _routes(w, units, on_loan, held):
        staff_route = path.startswith("/staff/")
        r = w.other_family.request(method, path, body)
        assert r.status_code == (403 if staff_route else 404), (method, path, r.status_code, r.get_json())
        r = w.other_staff.request(method, path, body)
        assert r.status_code == 404, ("other centre's staff", method, path, r.status_code, r.get_json())
        if staff_route:
            r = w.family.request(method, path, body)
            assert r.status_code == 403, ("family on a staff route", method, path, r.status_code)
    # Lists show nothing of others: another family's loans, another centre's.
    assert w.other_family.get("/me/device-loans").get_json()["items"] == []
    assert w.other_staff.get("/staff/device-loans").get_json()["items"] == []
    # Staff reserve for people through their own route, never the family's.
    r = w.staff.post("/device-loans", {"resident_id": w.resident.id, "site_id": w.centre.id,
                                       "product_id": w.wheelchair.id, "purpose": "trial"})
    assert r.status_code == 404


def test_the_centre_and_admins_may_read_and_act(setup):
    w, units, on_loan, held = setup
    for who in (w.staff, w.plain_staff, w.admin):
        assert who.get(f"/device-loans/{on_loan['id']}").status_code == 200
        assert who.get(f"/staff/sites/{w.centre.id}/device-items").status_code == 200
        assert who.get(f"/staff/device-items/{units[2]['id']}").status_code == 200
        assert who.get(f"/staff/device-loans?site_id={w.centre.id}").get_json()["total"] == 2
    assert w.plain_staff.post(f"/staff/device-loans/{held['id']}/checkout", {
        "item_id": held["item"]["id"], "due_on": due_in(w, 10), "handover": HANDOVER}).status_code == 200
    assert w.admin.post(f"/staff/device-loans/{on_loan['id']}/return", {"condition": "good"}).status_code == 200
    assert w.family.get(f"/device-loans/{on_loan['id']}").get_json()["status"] == "returned"
