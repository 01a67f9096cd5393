"""Issue 15, items 5 and 6: every admin and staff change of roles, sites and schedules is in
GET /admin/audit (who, what, each field before → after); the admin user list shows roles and staff
sites and filters by site."""
from backend.extensions import db
from backend.identity.models import User, VolunteerProfile

from ..factories import SiteFactory
from ..rehab.conftest import make_therapist
from ..rehab.test_schedule import plan
from .test_sites import SITE, make_admin


def changes(admin, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    r = admin.get(f"/admin/audit?{query}")
    assert r.status_code == 200, r.get_json()
    return [{k: e[k] for k in ("actor_id", "action", "subject", "subject_id", "site_id", "changes")}
            for e in r.get_json()["items"] if e["subject"]]


def test_sites_and_staff_assignments_are_audited(login, app):
    admin = make_admin(login, app)
    created = admin.post("/admin/sites", SITE).get_json()
    [entry] = changes(admin, subject="site")
    assert entry["action"] == "create" and entry["subject_id"] == created["id"] and entry["actor_id"] == admin.user_id
    assert entry["changes"]["name"] == {"before": None, "after": "手语咖啡"}
    admin.patch(f"/admin/sites/{created['id']}", {"name": "手语咖啡二店", "rules": {"checkin_opens_before_hours": 2}})
    admin.patch(f"/admin/sites/{created['id']}", {"name": "手语咖啡二店"})  # changes nothing: no entry
    latest = changes(admin, subject="site")
    assert len(latest) == 2 and latest[0]["action"] == "update"
    assert latest[0]["changes"] == {"name": {"before": "手语咖啡", "after": "手语咖啡二店"},
                                    "rules": {"before": {}, "after": {"checkin_opens_before_hours": 2}}}

    worker = login()
    sid = created["id"]
    assert admin.put(f"/admin/sites/{sid}/staff/{worker.user_id}", {"role": "staff"}).status_code == 200
    assert admin.put(f"/admin/sites/{sid}/staff/{worker.user_id}", {"role": "manager"}).status_code == 200
    assert admin.delete(f"/admin/sites/{sid}/staff/{worker.user_id}").status_code == 204
    assert [(e["action"], e["subject_id"], e["site_id"], e["changes"]) for e in changes(admin, subject="staff_assignment")] == [
        ("revoke", worker.user_id, sid, {"role": {"before": "manager", "after": None}}),
        ("grant", worker.user_id, sid, {"role": {"before": "staff", "after": "manager"}}),
        ("grant", worker.user_id, sid, {"role": {"before": None, "after": "staff"}}),
    ]
    assert len(changes(admin, site_id=sid)) == 5
    assert changes(admin, actor_id=worker.user_id) == []
    assert admin.get("/admin/audit?subject=nonsense").status_code == 422


def test_volunteer_review_and_cli_grants_are_audited(login, app, db_session):
    admin = make_admin(login, app)
    reviewer, applicant = login(), login()
    site = SiteFactory(kind="home")
    admin.put(f"/admin/sites/{site.id}/staff/{reviewer.user_id}", {"role": "staff"})
    reviewer = login(reviewer.openid)  # the grant revoked the old token
    assert applicant.post("/me/volunteer", {"real_name": "小李", "skills": ["guide"], "intro": ""}).status_code == 200
    assert reviewer.post(f"/staff/volunteers/{applicant.user_id}/review", {"status": "approved"}).status_code == 200
    [entry] = changes(admin, subject="volunteer_profile")
    assert entry["actor_id"] == reviewer.user_id and entry["subject_id"] == applicant.user_id
    assert entry["changes"] == {"status": {"before": "pending", "after": "approved"}}
    assert "小李" not in str(admin.get("/admin/audit").get_json())  # ids and settings, no personal values

    boss = login("audited-boss")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "grant-admin", "audited-boss"]).exit_code == 0
    assert runner.invoke(args=["users", "grant-staff", "audited-boss", str(site.id)]).exit_code == 0
    entries = changes(admin, actor_id=0) or [e for e in changes(admin) if e["actor_id"] is None]
    assert [(e["action"], e["subject"], e["subject_id"]) for e in entries] == [
        ("grant", "staff_assignment", boss.user_id), ("grant", "admin", boss.user_id)]


def test_rehab_schedule_services_and_closures_are_audited(login, app, db_session):
    from ..factories import staff_of
    admin = make_admin(login, app)
    station = SiteFactory(kind="rehab")
    manager = login()
    staff_of(db.session.get(User, manager.user_id), station, "manager")
    service = manager.post("/staff/rehab/services", {"site_id": station.id, "name": "物理治疗", "kind": "physio",
                                                     "duration_min": 30}).get_json()
    manager.patch(f"/staff/rehab/services/{service['id']}", {"duration_min": 45})
    therapist = make_therapist(station)
    body = plan(therapist, "09:00", "10:30", days=[1], slot_min=45)
    assert manager.put(f"/staff/rehab/services/{service['id']}/schedule", body).status_code == 200
    from datetime import date, timedelta
    day = (date.today() + timedelta(days=3)).isoformat()
    assert manager.post(f"/staff/sites/{station.id}/closures", {"date": day, "reason": "设备检修"}).status_code == 201
    got = changes(admin, site_id=station.id)
    assert [(e["action"], e["subject"], e["actor_id"]) for e in got] == [
        ("create", "closure", manager.user_id), ("update", "rehab_schedule", manager.user_id),
        ("update", "rehab_service", manager.user_id), ("create", "rehab_service", manager.user_id)]
    assert got[0]["changes"]["date"] == {"before": None, "after": day}
    assert got[1]["changes"]["weekly"]["before"] is None and got[1]["changes"]["weekly"]["after"][0]["start"] == "09:00"
    assert got[2]["changes"] == {"duration_min": {"before": 30, "after": 45}}


def test_admin_user_list_shows_roles_and_filters_by_site(login, app, db_session):
    admin = make_admin(login, app)
    home, station = SiteFactory(kind="home", name="阳光之家"), SiteFactory(kind="rehab", name="康复站")
    manager, staff, volunteer = login(), login(), login()
    admin.put(f"/admin/sites/{station.id}/staff/{manager.user_id}", {"role": "manager"})
    admin.put(f"/admin/sites/{home.id}/staff/{manager.user_id}", {"role": "staff"})
    admin.put(f"/admin/sites/{home.id}/staff/{staff.user_id}", {"role": "staff"})
    db.session.add(VolunteerProfile(user_id=volunteer.user_id, real_name="志愿者", status="approved"))
    db.session.commit()
    r = admin.get(f"/admin/users?site_id={station.id}")
    assert r.status_code == 200, r.get_json()
    [found] = r.get_json()["items"]
    assert found["id"] == manager.user_id and found["roles"] == ["staff", "manager"]
    assert found["staff_sites"] == [{"site_id": home.id, "role": "staff", "site_name": "阳光之家"},
                                    {"site_id": station.id, "role": "manager", "site_name": "康复站"}]
    assert [u["id"] for u in admin.get(f"/admin/users?site_id={home.id}").get_json()["items"]] == \
        sorted([manager.user_id, staff.user_id])
    assert [u["id"] for u in admin.get(f"/admin/users?site_id={home.id}&role=manager").get_json()["items"]] == []
    everyone = {u["id"]: u for u in admin.get("/admin/users?page_size=100").get_json()["items"]}
    assert everyone[volunteer.user_id]["roles"] == ["volunteer"] and everyone[volunteer.user_id]["staff_sites"] == []
    assert everyone[admin.user_id]["roles"] == ["admin"]
    assert staff.get("/admin/users").status_code == 403 or staff.get("/admin/users").status_code == 401
