"""The staff roster: needs, communication preferences, companions, volunteers, waitlist; audited."""
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.identity.models import User

from .conftest import make_activity, sign


def test_roster_shows_what_staff_prepare_for_and_is_audited(world):
    a = make_activity(world.home, capacity=3)
    f1, r1 = world.family(category="hearing", needs=("sign_language", "hearing_loop"))
    db.session.get(User, f1.user_id).preferences = {"communication": "sign_language"}
    db.session.commit()
    f2, r2 = world.family(needs=("wheelchair",))
    f3, r3 = world.family()
    f4, r4 = world.family()
    v = world.volunteer(skills=("sign_language", "first_aid"))
    sign(f1, a.id, r1, companions=1)
    sign(f2, a.id, r2)
    sign(f3, a.id, r3, companions=2)  # waits
    sign(f4, a.id, r4)  # waits behind f3
    sign(v, a.id)
    r = world.staff.get(f"/staff/activities/{a.id}/roster")
    assert r.status_code == 200, r.get_json()
    roster = r.get_json()
    first = roster["participants"][0]
    assert first["resident"]["needs"] == ["sign_language", "hearing_loop"]
    assert first["communication"] == ["sign_language"] and first["companions"] == 1
    assert first["contacts"][0]["communication"] == "sign_language"
    assert [p["resident"]["id"] for p in roster["participants"]] == [r1, r2]
    assert [(w["resident"]["id"], w["waitlist_position"]) for w in roster["waitlist"]] == [(r3, 1), (r4, 2)]
    assert roster["volunteers"][0]["skills"] == ["sign_language", "first_aid"]
    assert roster["activity"]["seats_left"] == 0
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == world.staff.user_id)).all()
    assert sorted(e.resident_id for e in entries) == sorted([r1, r2, r3, r4])
    assert all(e.action == "read" and e.fields == ["needs"] and e.site_id == world.home.id for e in entries)


def test_roster_access(world, login, client):
    a = make_activity(world.home)
    assert client.get(f"/staff/activities/{a.id}/roster").status_code == 401
    assert login().get(f"/staff/activities/{a.id}/roster").status_code == 403
    assert world.other_staff.get(f"/staff/activities/{a.id}/roster").status_code == 404
    assert world.admin.get(f"/staff/activities/{a.id}/roster").status_code == 200
    assert world.staff.get("/staff/activities/999999/roster").status_code == 404
