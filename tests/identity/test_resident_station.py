"""Issue 15, item 3: a family chooses the station that will verify their resident (`site_id` on
POST /me/residents); the resident is then in that station's `verification=pending` list and can be
verified there, without a certificate lookup. The lookup stays for walk-ins."""
from backend.extensions import db
from backend.identity.models import Resident, User

from ..factories import SiteFactory, certificate_no, staff_of
from .test_residents import body


def staff_at(login, site):
    api = login()
    staff_of(db.session.get(User, api.user_id), site)
    return api


def pending_ids(api, **args):
    query = "&".join(f"{k}={v}" for k, v in {"verification": "pending", **args}.items())
    r = api.get(f"/staff/residents?{query}")
    assert r.status_code == 200, r.get_json()
    return [x["id"] for x in r.get_json()["items"]]


def test_family_chooses_the_verifying_station(login, db_session):
    station, other = SiteFactory(kind="rehab"), SiteFactory(kind="home")
    staff, other_staff = staff_at(login, station), staff_at(login, other)
    family = login()
    r = family.post("/me/residents", body(certificate_no=certificate_no("physical", 2), site_id=station.id))
    assert r.status_code == 201, r.get_json()
    resident = r.get_json()
    assert resident["registered_site_id"] == station.id and resident["verification"] == "pending"
    assert pending_ids(staff) == [resident["id"]] == pending_ids(staff, site_id=station.id)
    assert pending_ids(other_staff) == []  # another station does not see them
    assert other_staff.post(f"/staff/residents/{resident['id']}/verification",
                            {"status": "verified"}).status_code == 404
    verified = staff.post(f"/staff/residents/{resident['id']}/verification", {"status": "verified", "note": "证件已核"})
    assert verified.status_code == 200 and verified.get_json()["verification"] == "verified"
    assert pending_ids(staff) == []
    assert family.get("/me/residents").get_json()["items"][0]["verification"] == "verified"


def test_without_a_station_only_the_certificate_lookup_finds_them(login, db_session):
    station = SiteFactory(kind="rehab")
    staff = staff_at(login, station)
    cert = certificate_no("visual", 1)
    rid = login().post("/me/residents", body(disability_category="visual", disability_level=1,
                                            certificate_no=cert)).get_json()["id"]
    assert pending_ids(staff) == []
    assert [x["id"] for x in staff.get(f"/staff/residents?certificate_no={cert}").get_json()["items"]] == [rid]
    assert pending_ids(staff) == [rid]  # the person at the counter is now known to the station
    assert staff.post(f"/staff/residents/{rid}/verification", {"status": "verified"}).status_code == 200


def test_a_cafe_or_unknown_site_is_422_and_nothing_is_stored(login, db_session):
    cafe = SiteFactory(kind="cafe")
    family = login()
    for site_id in (cafe.id, 999999):
        r = family.post("/me/residents", body(site_id=site_id))
        assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["site_id"]
    assert db.session.query(Resident).count() == 0
