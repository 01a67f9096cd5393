"""Staff: walk-in registration, certificate lookup, verification, volunteers, audit."""
from ..factories import SiteFactory, certificate_no, staff_of


def make_staff(login, app, role="staff", kind="home"):
    api = login()
    with app.app_context():
        from backend.extensions import db
        from backend.identity.models import User
        site = SiteFactory(kind=kind)
        staff_of(db.session.get(User, api.user_id), site, role)
        return api, site.id


WALK_IN = {"name": "无手机的张阿姨", "disability_category": "hearing", "disability_level": 3,
           "needs": ["sign_language"], "consent": {"sensitive_info": True}}


def test_walk_in_registration_and_listing(login, app):
    staff, site_id = make_staff(login, app)
    cert = certificate_no("hearing", 3)
    r = staff.post("/staff/residents", {**WALK_IN, "certificate_no": cert})
    assert r.status_code == 201, r.get_json()
    res = r.get_json()
    assert res["registered_site_id"] == site_id and res["relation"] is None
    listed = staff.get("/staff/residents").get_json()
    assert [x["id"] for x in listed["items"]] == [res["id"]]
    assert staff.get(f"/staff/residents?site_id={site_id}&verification=pending").get_json()["total"] == 1
    assert staff.get("/staff/residents?q=张阿姨").get_json()["total"] == 1
    other, other_site = make_staff(login, app)
    assert other.get("/staff/residents").get_json()["total"] == 0
    assert other.get(f"/residents/{res['id']}").status_code == 404
    assert other.get(f"/staff/residents?site_id={site_id}").status_code == 404
    assert staff.post("/staff/residents", {**WALK_IN, "consent": {}}).get_json()["error"]["code"] == "consent_required"


def test_certificate_lookup_and_verification_with_audit(login, app):
    family = login()
    cert = certificate_no("physical", 2)
    rid = family.post("/me/residents", {"name": "赵先生", "relation": "parent", "disability_category": "physical",
                                        "disability_level": 2, "certificate_no": cert,
                                        "consent": {"sensitive_info": True}}).get_json()["id"]
    staff, site_id = make_staff(login, app)
    assert staff.post(f"/staff/residents/{rid}/verification", {"status": "verified"}).status_code == 404
    found = staff.get(f"/staff/residents?certificate_no={cert}").get_json()
    assert [x["id"] for x in found["items"]] == [rid]
    assert staff.get(f"/staff/residents?certificate_no={certificate_no()}").get_json()["items"] == []
    r = staff.post(f"/staff/residents/{rid}/verification", {"status": "verified", "note": "现场核验"})
    assert r.status_code == 200 and r.get_json()["verification"] == "verified"
    assert family.get(f"/residents/{rid}").get_json()["verification"] == "verified"
    assert staff.get(f"/residents/{rid}").status_code == 200
    # admin sees the audit trail of those reads and the verification
    admin = login()
    with app.app_context():
        from backend.extensions import db
        from backend.identity.models import User
        db.session.get(User, admin.user_id).is_admin = True
        db.session.commit()
    entries = admin.get(f"/admin/audit?resident_id={rid}").get_json()["items"]
    actions = sorted(e["action"] for e in entries)
    assert actions == ["read", "read", "verify"]
    assert all(e["actor_id"] == staff.user_id for e in entries)
    assert all(e["site_id"] == site_id for e in entries)
    assert admin.get(f"/admin/audit?actor_id={family.user_id}").get_json()["total"] == 0
    assert staff.get("/admin/audit").status_code == 403


def test_verification_input(login, app):
    staff, _ = make_staff(login, app)
    rid = staff.post("/staff/residents", WALK_IN).get_json()["id"]
    assert staff.post(f"/staff/residents/{rid}/verification", {"status": "maybe"}).status_code == 422
    r = staff.post(f"/staff/residents/{rid}/verification", {"status": "verified"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "certificate_missing"
    r = staff.post(f"/staff/residents/{rid}/verification", {"status": "rejected", "note": "证件过期"})
    assert r.status_code == 200 and r.get_json()["verification"] == "rejected"
    r = staff.post(f"/staff/residents/{rid}/verification", {"status": "rejected"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    # corrected data goes back to pending and can be checked again
    r = staff.patch(f"/residents/{rid}", {"certificate_no": certificate_no("hearing", 3)})
    assert r.status_code == 200 and r.get_json()["verification"] == "pending"
    r = staff.post(f"/staff/residents/{rid}/verification", {"status": "verified"})
    assert r.status_code == 200 and r.get_json()["verification"] == "verified"


def test_volunteer_application_and_review(login, app):
    vol = login()
    r = vol.post("/me/volunteer", {"real_name": "李明", "skills": ["sign_language", "first_aid"], "intro": "手语"})
    assert r.status_code == 200 and r.get_json()["volunteer"]["status"] == "pending"
    assert vol.post("/me/volunteer", {"real_name": "李明", "skills": ["flying"]}).status_code == 422
    staff, _ = make_staff(login, app)
    pending = staff.get("/staff/volunteers?status=pending").get_json()
    assert [x["user_id"] for x in pending["items"]] == [vol.user_id]
    assert vol.get("/staff/volunteers").status_code == 403
    r = staff.post(f"/staff/volunteers/{vol.user_id}/review", {"status": "approved", "note": "欢迎"})
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    me = vol.get("/me").get_json()
    assert "volunteer" in me["roles"] and me["volunteer"]["status"] == "approved"
    r = staff.post(f"/staff/volunteers/{vol.user_id}/review", {"status": "approved"})
    assert r.status_code == 409
    assert staff.post("/staff/volunteers/999999/review", {"status": "approved"}).status_code == 404
    with app.app_context():
        from backend.extensions import db
        from backend.notifications.models import Notification
        kinds = [n.kind for n in db.session.query(Notification).filter_by(user_id=vol.user_id)]
    assert kinds == ["volunteer_reviewed"]


def test_audit_log_is_append_only_on_postgresql(login, app):
    import pytest
    import sqlalchemy as sa
    from backend.audit.services import record
    from backend.extensions import db
    with app.app_context():
        record(1, "read", [1])
        db.session.commit()
        if db.engine.dialect.name != "postgresql":
            pytest.skip("trigger is PostgreSQL-only")
        for stmt in ("UPDATE audit_log SET action = 'update'", "DELETE FROM audit_log"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                db.session.execute(sa.text(stmt))
            db.session.rollback()
