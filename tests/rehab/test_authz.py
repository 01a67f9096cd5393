"""Who may do what, route by route: anonymous, plain user, family of another resident, staff of
another site, staff of this site, manager, admin (and the linked family where it applies)."""
from datetime import timedelta

import pytest

from backend.extensions import db
from backend.identity.models import ResidentSite, User

from ..factories import ResidentFactory, SiteFactory, link, staff_of
from .conftest import make_slot

ACTORS = ("anonymous", "plain", "other_family", "other_staff", "staff", "manager", "admin")


@pytest.fixture
def world(station, login, client, family):
    other_site = SiteFactory(kind="rehab")
    other_staff = login()
    staff_of(db.session.get(User, other_staff.user_id), other_site, "staff")
    admin = login()
    db.session.get(User, admin.user_id).is_admin = True
    db.session.commit()
    other_family, _ = family()
    linked, resident = family()
    db.session.add(ResidentSite(resident_id=resident.id, site_id=station.site.id, reason="registered"))
    # Slots lie days ahead (each test books anew): check-in must be open for them (the site's rule).
    station.site.rules = {"checkin_opens_before_hours": 24 * 20}
    db.session.commit()
    actors = {"anonymous": client, "plain": login(), "other_family": other_family, "other_staff": other_staff,
              "staff": station.staff, "manager": station.manager, "admin": admin, "linked": linked}
    return {"station": station, "actors": actors, "resident": resident, "hours": iter(range(24, 400, 3))}


def slot_for(world, capacity=5):
    st = world["station"]
    return make_slot(st.service, st.therapist, hours=next(world["hours"]), capacity=capacity)


def book_as(world, who):
    slot = slot_for(world)
    r = world["actors"][who].post("/appointments", {"slot_id": slot.id, "resident_id": world["resident"].id})
    return r


def check(world, expected: dict, call):
    got = {who: call(world["actors"][who], who).status_code for who in expected}
    assert got == expected


def test_public_reads(world):
    sid = world["station"].service.id
    for api in world["actors"].values():
        assert api.get(f"/rehab/services?site_id={world['station'].site.id}").status_code == 200
        assert api.get(f"/rehab/services/{sid}/slots").status_code == 200


MANAGER_ONLY = {"anonymous": 401, "plain": 403, "other_family": 403, "other_staff": 403, "staff": 403}


def test_manager_routes(world):
    st = world["station"]
    site_id, service_id = st.site.id, st.service.id
    ok = lambda status: {**MANAGER_ONLY, "manager": status, "admin": status}  # noqa: E731
    check(world, ok(201), lambda api, who: api.post("/staff/rehab/services", {
        "site_id": site_id, "name": f"服务{who}", "kind": "ot", "duration_min": 45}))
    check(world, ok(200), lambda api, who: api.patch(f"/staff/rehab/services/{service_id}", {"buffer_min": 5}))
    check(world, ok(200), lambda api, who: api.put(f"/staff/rehab/services/{service_id}/schedule", {
        "slot_min": 30, "valid_from": "2020-01-01",
        "weekly": [{"weekday": 1, "start": "09:00", "end": "10:00", "therapist_id": st.therapist.id}]}))
    check(world, ok(201), lambda api, who: api.post(f"/staff/sites/{site_id}/therapists", {"name": f"治疗师{who}"}))
    days = iter(range(30, 60))
    check(world, ok(201), lambda api, who: api.post(f"/staff/sites/{site_id}/closures", {
        "date": (st.site.created_at.date() + timedelta(days=next(days))).isoformat(), "reason": "培训"}))


def test_manager_of_another_site_gets_404(world, login):
    other = SiteFactory(kind="rehab")
    mgr = login()
    staff_of(db.session.get(User, mgr.user_id), other, "manager")
    st = world["station"]
    assert mgr.patch(f"/staff/rehab/services/{st.service.id}", {"buffer_min": 5}).status_code == 404
    assert mgr.post(f"/staff/sites/{st.site.id}/closures", {"date": "2030-01-01"}).status_code == 404
    assert mgr.post("/staff/rehab/services", {"site_id": st.site.id, "name": "x", "kind": "ot",
                                              "duration_min": 30}).status_code == 404


def test_staff_reads(world):
    site_id = world["station"].site.id
    expected = {"anonymous": 401, "plain": 403, "other_family": 403, "other_staff": 404, "staff": 200,
                "manager": 200, "admin": 200}
    check(world, expected, lambda api, who: api.get(f"/staff/sites/{site_id}/therapists"))
    check(world, expected, lambda api, who: api.get(f"/staff/sites/{site_id}/appointments"))
    check(world, expected, lambda api, who: api.get(f"/staff/rehab/services/{world['station'].service.id}/schedule"))


def test_booking(world):
    expected = {"anonymous": 401, "plain": 404, "other_family": 404, "other_staff": 404, "staff": 201,
                "manager": 201, "admin": 201, "linked": 201}
    check(world, expected, lambda api, who: book_as(world, who))


def test_reading_cancelling_rescheduling(world):
    a = book_as(world, "linked").get_json()["id"]
    only_linked = {"anonymous": 401, "plain": 404, "other_family": 404, "other_staff": 404, "staff": 404,
                   "manager": 404, "admin": 404, "linked": 200}
    check(world, only_linked, lambda api, who: api.get(f"/appointments/{a}"))
    target = iter(slot_for(world) for _ in range(3))
    check(world, only_linked, lambda api, who: api.post(f"/appointments/{a}/reschedule",
                                                        {"slot_id": next(target).id if who == "linked" else 1}))
    cancel = {"anonymous": 401, "plain": 404, "other_family": 404, "other_staff": 404, "staff": 200,
              "manager": 200, "admin": 200, "linked": 200}
    check(world, cancel, lambda api, who: api.post(
        f"/appointments/{book_as(world, 'linked').get_json()['id']}/cancel", {"reason": "测试"}))
    mine = {who: 200 for who in ACTORS[1:]} | {"anonymous": 401}
    check(world, mine, lambda api, who: api.get("/me/appointments"))
    assert world["actors"]["plain"].get("/me/appointments").get_json()["total"] == 0


def test_status_route(world):
    expected = {"anonymous": 401, "plain": 403, "other_family": 403, "other_staff": 404, "staff": 200,
                "manager": 200, "admin": 200, "linked": 403}
    check(world, expected, lambda api, who: api.post(
        f"/staff/appointments/{book_as(world, 'linked').get_json()['id']}/status", {"status": "checked_in"}))


def test_staff_cannot_book_for_a_resident_unknown_to_their_sites(world):
    stranger = ResidentFactory()
    slot = slot_for(world)
    r = world["actors"]["staff"].post("/appointments", {"slot_id": slot.id, "resident_id": stranger.id})
    assert r.status_code == 404
    link(world["actors"]["plain"].user_id, stranger)
    assert world["actors"]["plain"].post("/appointments", {"slot_id": slot.id,
                                                           "resident_id": stranger.id}).status_code == 201
