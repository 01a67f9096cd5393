"""The 24-hour reminder job (once per signup), export and account deletion."""
from datetime import timedelta

from sqlalchemy import func, select

from backend.activities.jobs import send_reminders
from backend.activities.models import Activity, Signup
from backend.extensions import db
from backend.identity.models import ResidentLink
from backend.notifications.models import Notification

from .conftest import make_activity, reload, sign, signup_row


def count(kind, user_id=None):
    db.session.expire_all()
    q = select(func.count()).select_from(Notification).where(Notification.kind == kind)
    if user_id is not None:
        q = q.where(Notification.user_id == user_id)
    return db.session.scalar(q)


def test_reminder_sent_once_to_confirmed_signups_within_24h(world):
    soon = make_activity(world.home, capacity=1, starts_in=timedelta(hours=20))
    later = make_activity(world.home, starts_in=timedelta(days=3))
    f1, r1 = world.family()
    f2, r2 = world.family()
    v = world.volunteer()
    sign(f1, soon.id, r1)
    sign(f2, soon.id, r2)  # waitlisted: no reminder
    sign(v, soon.id)
    sign(f1, later.id, r1)
    assert send_reminders() == 2
    assert send_reminders() == 0  # a second pass finds nothing to do
    assert count("activity_reminder", f1.user_id) == 1 and count("activity_reminder", v.user_id) == 1
    assert count("activity_reminder", f2.user_id) == 0
    n = db.session.scalar(select(Notification).where(Notification.kind == "activity_reminder",
                                                     Notification.user_id == f1.user_id))
    assert n.data["activity_id"] == soon.id and n.data["site_name"] == "阳光之家"


def test_export_includes_signups_and_hours(world):
    a = make_activity(world.home)
    fam, rid = world.family()
    sign(fam, a.id, rid, companions=1)
    approved = world.volunteer()
    sign(approved, a.id)
    data = fam.get("/me/export").get_json()
    assert [(s["resident_id"], s["companions"], s["activity"]["id"]) for s in data["activity_signups"]] == \
        [(rid, 1, a.id)]
    assert data["volunteer_hours"] == {"minutes_total": 0, "entries": []}
    vdata = approved.get("/me/export").get_json()
    assert [s["role"] for s in vdata["activity_signups"]] == ["volunteer"]


def test_delete_me_keeps_signups_of_residents_someone_else_manages(world):
    a = make_activity(world.home, capacity=5)
    leaving, rid = world.family()
    other_manager, _ = world.family()
    db.session.add(ResidentLink(user_id=other_manager.user_id, resident_id=rid, relation="child"))
    db.session.commit()
    kept = sign(leaving, a.id, rid).get_json()["id"]
    assert leaving.delete("/me").status_code == 204
    assert signup_row(kept).status == "confirmed"


def test_delete_me_cancels_future_signups_and_promotes(world):
    c = make_activity(world.home, capacity=1, volunteer_capacity=1)
    solo_api, solo_rid = world.family()
    other_api, other_rid = world.family()
    v2, v3 = world.volunteer(), world.volunteer()
    s_solo = sign(solo_api, c.id, solo_rid).get_json()["id"]
    s_other = sign(other_api, c.id, other_rid).get_json()["id"]
    vs = sign(v2, c.id).get_json()["id"]
    v3s = sign(v3, c.id).get_json()["id"]
    assert signup_row(s_other).status == "waitlisted" and signup_row(v3s).status == "waitlisted"
    past = make_activity(world.home, starts_in=timedelta(days=1))
    old = sign(solo_api, past.id, solo_rid).get_json()["id"]
    p = reload(Activity, past.id)
    p.starts_at, p.ends_at = p.starts_at - timedelta(days=3), p.ends_at - timedelta(days=3)
    db.session.commit()
    assert solo_api.delete("/me").status_code == 204
    assert v2.delete("/me").status_code == 204
    assert signup_row(s_solo).status == "cancelled" and signup_row(s_other).status == "confirmed"
    assert signup_row(vs).status == "cancelled" and signup_row(v3s).status == "confirmed"
    assert signup_row(old).status == "confirmed"  # past records stay, for anonymous statistics
    assert count("signup_promoted", other_api.user_id) == 1 and count("signup_promoted", v3.user_id) == 1
    act = reload(Activity, c.id)
    assert (act.seats_taken, act.volunteer_seats_taken) == (1, 1)
    assert db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.activity_id == c.id, Signup.status == "confirmed")) == 2
