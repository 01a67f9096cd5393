from ..factories import SiteFactory


def make_admin(login, app):
    api = login()
    with app.app_context():
        from backend.extensions import db
        from backend.identity.models import User
        db.session.get(User, api.user_id).is_admin = True
        db.session.commit()
    return api


SITE = {"kind": "cafe", "name": "手语咖啡", "address": "和平路 5 号", "community": "和平街道",
        "phone": "021-1234", "location": {"lat": 31.2, "lng": 121.4},
        "opening_hours": [{"weekday": 1, "open": "08:00", "close": "20:00"}],
        "accessibility": ["step_free", "sign_language_staff"]}


def test_admin_creates_and_updates_site_public_reads(login, app, client):
    admin = make_admin(login, app)
    r = admin.post("/admin/sites", SITE)
    assert r.status_code == 201, r.get_json()
    site = r.get_json()
    assert site["timezone"] == "Asia/Shanghai" and site["location"] == {"lat": 31.2, "lng": 121.4}
    r = admin.patch(f"/admin/sites/{site['id']}", {"name": "手语咖啡（新）"})
    assert r.status_code == 200 and r.get_json()["name"] == "手语咖啡（新）"
    assert client.get(f"/sites/{site['id']}").get_json()["name"] == "手语咖啡（新）"
    listed = client.get("/sites?kind=cafe").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == site["id"]
    assert client.get("/sites?kind=home").get_json()["total"] == 0
    assert client.get("/sites/99999").status_code == 404
    assert client.get("/sites?kind=zoo").status_code == 422
    assert client.get("/sites?page_size=101").status_code == 422


def test_site_validation(login, app):
    admin = make_admin(login, app)
    bad = [{**SITE, "kind": "zoo"}, {**SITE, "opening_hours": [{"weekday": 8, "open": "08:00", "close": "20:00"}]},
           {**SITE, "opening_hours": [{"weekday": 1, "open": "20:00", "close": "08:00"}]},
           {**SITE, "accessibility": ["teleport"]}, {**SITE, "location": {"lat": 200, "lng": 0}},
           {k: v for k, v in SITE.items() if k != "name"}]
    for b in bad:
        assert admin.post("/admin/sites", b).status_code == 422, b
    with app.app_context():
        SiteFactory()
    assert admin.patch("/admin/sites/99999", {"name": "x"}).status_code == 404
