"""Persons and 人次 from what the services record, at the moment they record it: one resident who
signs up for and attends three activities is one participant and three attendances today."""
from datetime import timedelta

from backend import localtime
from backend.activities.models import Activity
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User

from ..factories import ResidentFactory, SiteFactory, link, staff_of


def test_one_resident_attending_three_activities_is_one_participant_and_three_attendances(app, login, db_session):
    home = SiteFactory(kind="home", name="阳光之家", community="东街社区")
    manager = login()
    staff_of(db.session.get(User, manager.user_id), home, "manager")
    family = login()
    resident = ResidentFactory(disability_category="intellectual", disability_level=3)
    link(family.user_id, resident)
    starts = utcnow().replace(microsecond=0) + timedelta(hours=1)
    ids = []
    for n in range(3):
        a = Activity(site_id=home.id, title=f"活动{n}", category="culture", starts_at=starts + timedelta(minutes=n),
                     ends_at=starts + timedelta(hours=2), capacity=5, status="published")
        db.session.add(a)
        db.session.commit()
        ids.append(a.id)
    for activity_id in ids:
        signup = family.post(f"/activities/{activity_id}/signups", {"resident_id": resident.id})
        assert signup.status_code == 201, signup.get_json()
        marked = manager.post(f"/staff/signups/{signup.get_json()['id']}/attendance", {"status": "attended"})
        assert marked.status_code == 200, marked.get_json()
    today = localtime.today(home).isoformat()
    body = manager.get("/reports/overview", query_string={"from": today, "to": today, "group_by": "category"})
    rows = {r["key"]: r for r in body.get_json()["rows"]}
    assert (rows["intellectual"]["participants"], rows["intellectual"]["attendances"],
            rows["intellectual"]["signups"]) == (1, 3, 3)
    totals = body.get_json()["totals"]
    assert (totals["participants"], totals["attendances"], totals["activities_held"]) == (1, 3, 0)
