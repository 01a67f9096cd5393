"""Issue 15, item 11: one check-in rule for activities and appointments, the site's
`checkin_opens_before_hours` (default 3). The rehab half is tests/rehab/test_checkin_rule.py."""
from datetime import timedelta

from backend.extensions import db

from .conftest import make_activity, sign


def attend(world, sid):
    return world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"})


def test_checkin_opens_hours_before_the_start_per_site(world):
    later = make_activity(world.home, starts_in=timedelta(hours=5))
    fam, rid = world.family()
    sid = sign(fam, later.id, rid).get_json()["id"]
    r = attend(world, sid)
    assert r.status_code == 409
    assert r.get_json()["error"] == {"code": "activity_not_started", "message": "开始前 3 小时起才能签到"}
    soon = make_activity(world.home, starts_in=timedelta(hours=2, minutes=50))
    fam2, rid2 = world.family()
    assert attend(world, sign(fam2, soon.id, rid2).get_json()["id"]).status_code == 200

    world.home.rules = {"checkin_opens_before_hours": 6}
    db.session.commit()
    assert attend(world, sid).status_code == 200
    world.home.rules = {"checkin_opens_before_hours": 1}
    db.session.commit()
    fam3, rid3 = world.family()
    r = attend(world, sign(fam3, soon.id, rid3).get_json()["id"])
    assert r.status_code == 409 and r.get_json()["error"]["message"] == "开始前 1 小时起才能签到"
