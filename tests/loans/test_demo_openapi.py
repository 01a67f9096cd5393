"""The demo centre lends out of the box; every loan route is in the OpenAPI document with its codes."""
from sqlalchemy import select

from backend.extensions import db
from backend.sites.models import Site

ROUTES = {
    ("get", "/api/v1/devices/loanable"), ("post", "/api/v1/device-loans"), ("get", "/api/v1/me/device-loans"),
    ("get", "/api/v1/device-loans/{loan_id}"), ("post", "/api/v1/device-loans/{loan_id}/renew"),
    ("post", "/api/v1/device-loans/{loan_id}/cancel"), ("post", "/api/v1/staff/sites/{site_id}/device-items"),
    ("get", "/api/v1/staff/sites/{site_id}/device-items"), ("get", "/api/v1/staff/device-items/{item_id}"),
    ("patch", "/api/v1/staff/device-items/{item_id}"), ("post", "/api/v1/staff/device-items/{item_id}/maintenance"),
    ("post", "/api/v1/staff/device-items/{item_id}/inspection"), ("post", "/api/v1/staff/device-loans"),
    ("get", "/api/v1/staff/device-loans"), ("post", "/api/v1/staff/device-loans/{loan_id}/checkout"),
    ("post", "/api/v1/staff/device-loans/{loan_id}/return"), ("post", "/api/v1/staff/device-loans/{loan_id}/lost"),
}


def test_demo_centre_has_units_one_on_loan_one_in_inspection(app, db_session, client, login):
    from backend.demo import seed
    seed(if_empty=False)
    centre = db.session.scalar(select(Site).where(Site.kind == "device_center"))
    items = client.get(f"/devices/loanable?site_id={centre.id}").get_json()["items"]
    assert sorted((i["product"]["name"], i["available"], i["total"]) for i in items) == [
        ("四脚助行器", 1, 2), ("轻便手动轮椅", 2, 3)]
    family = login("family")
    loans = family.get("/me/device-loans").get_json()["items"]
    assert sorted(l["status"] for l in loans) == ["on_loan", "returned"]
    staff = login("device-staff")
    units = staff.get(f"/staff/sites/{centre.id}/device-items").get_json()["items"]
    assert sorted(u["status"] for u in units) == ["available", "available", "available", "inspection", "on_loan"]


def test_openapi_documents_every_loan_route_and_its_codes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert ROUTES <= documented
    text = str(spec["paths"]["/api/v1/device-loans"]["post"]["responses"]["409"])
    assert all(code in text for code in ("none_available", "loan_overdue", "loan_limit"))
    renew = str(spec["paths"]["/api/v1/device-loans/{loan_id}/renew"]["post"]["responses"]["409"])
    assert all(code in renew for code in ("renewal_limit", "loan_overdue", "reserved_by_other"))
