"""Who sees what: a manager their sites only, an admin everything, anyone else 403."""
from .conftest import PERIOD


def test_a_manager_of_site_a_sees_nothing_of_site_b(world):
    manager = world.staff("A", "manager")
    body = manager.get("/reports/overview", query_string={**PERIOD, "group_by": "site"}).get_json()
    assert [r["key"] for r in body["rows"]] == [world.sites["A"].id]
    t = body["totals"]
    assert (t["participants"], t["attendances"], t["activities_held"], t["activities_cancelled"]) == (2, 4, 3, 0)
    assert (t["residents_registered"], t["residents_verified"]) == (2, 1)  # r3, r4, r5 are B's
    assert t["appointments_booked"] == t["orders_paid"] == t["device_cases_opened"] == 0
    by_category = manager.get("/reports/overview", query_string={**PERIOD, "group_by": "category"}).get_json()
    assert {r["key"]: r["participants"] for r in by_category["rows"]}["physical"] == 0  # r3 only came to B
    for path in ("/reports/overview", "/reports/overview.xlsx", "/reports/overview.csv"):
        resp = manager.get(path, query_string={**PERIOD, "site_id": world.sites["B"].id})
        assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    other_community = manager.get("/reports/overview", query_string={**PERIOD, "community": "西街社区"}).get_json()
    assert other_community["rows"][0]["attendances"] == 0 and other_community["totals"]["participants"] == 0


def test_plain_users_and_staff_who_manage_nothing_get_403(world, client):
    for api in (world.login(), world.staff("A", "staff")):
        for path in ("/reports/overview", "/reports/overview.xlsx", "/reports/overview.csv"):
            resp = api.get(path)
            assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert client.get("/reports/overview").status_code == 401


def test_bad_arguments_are_422(world):
    admin = world.admin()
    for args in ({"group_by": "week"}, {"from": "2026-03-01", "to": "2026-01-01"}, {"from": "2026-13-01"},
                 {"from": "1990-01-01", "to": "2026-01-01"}, {"site_id": "x"}, {"unknown": "1"}):
        resp = admin.get("/reports/overview", query_string=args)
        assert resp.status_code == 422, args
        assert resp.get_json()["error"]["code"] == "validation_error"
    assert admin.get("/reports/overview", query_string={"site_id": 999999}).status_code == 404
