"""The demo station is bookable out of the box; every rehab route is in the OpenAPI document."""
from sqlalchemy import select

from backend.extensions import db
from backend.rehab.models import RehabService
from backend.sites.models import Site

ROUTES = {
    ("get", "/api/v1/rehab/services"), ("get", "/api/v1/rehab/services/{service_id}/slots"),
    ("post", "/api/v1/appointments"), ("get", "/api/v1/me/appointments"),
    ("get", "/api/v1/appointments/{appointment_id}"), ("post", "/api/v1/appointments/{appointment_id}/cancel"),
    ("post", "/api/v1/appointments/{appointment_id}/reschedule"), ("post", "/api/v1/staff/rehab/services"),
    ("patch", "/api/v1/staff/rehab/services/{service_id}"),
    ("put", "/api/v1/staff/rehab/services/{service_id}/schedule"),
    ("get", "/api/v1/staff/rehab/services/{service_id}/schedule"),
    ("post", "/api/v1/staff/sites/{site_id}/therapists"), ("get", "/api/v1/staff/sites/{site_id}/therapists"),
    ("post", "/api/v1/staff/sites/{site_id}/closures"), ("get", "/api/v1/staff/sites/{site_id}/appointments"),
    ("post", "/api/v1/staff/appointments/{appointment_id}/status"),
}


def test_demo_seed_has_bookable_rehab_slots(app, db_session, client, login):
    from backend.demo import seed
    seed(if_empty=False)
    rehab = db.session.scalar(select(Site).where(Site.kind == "rehab"))
    services = client.get(f"/rehab/services?site_id={rehab.id}").get_json()["items"]
    assert {s["kind"] for s in services} == {"physio", "device_fitting"}
    pt = db.session.scalar(select(RehabService).where(RehabService.kind == "physio"))
    slots = client.get(f"/rehab/services/{pt.id}/slots").get_json()
    assert slots and slots[0]["therapist"]["name"] == "李康复师"
    family = login("family")
    resident_id = family.get("/me/residents").get_json()["items"][0]["id"]
    r = family.post("/appointments", {"slot_id": slots[-1]["id"], "resident_id": resident_id})
    assert r.status_code == 201, r.get_json()


def test_openapi_documents_every_rehab_route(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert ROUTES <= documented
