"""Staff create, edit, publish, cancel and complete activities; capacity rules."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.activities.models import Activity, Signup
from backend.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification

from ..factories import SiteFactory
from .conftest import make_activity, reload, sign


def body(site_id, **kw):
    starts = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    data = {"site_id": site_id, "title": "手语歌曲学唱", "description": "跟着老师学唱手语歌", "category": "culture",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "location": "一楼大厅", "capacity": 12, "volunteer_capacity": 2,
            "signup_opens_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "signup_closes_at": (starts - timedelta(hours=2)).isoformat(),
            "accessibility": ["step_free", "hearing_loop"], "eligible_categories": ["hearing", "speech"],
            "cover_url": "https://example.com/c.jpg"}
    data.update(kw)
    return data


def test_create_draft_then_publish(world, client):
    r = world.staff.post("/staff/activities", body(world.home.id))
    assert r.status_code == 201, r.get_json()
    a = r.get_json()
    assert a["status"] == "draft" and a["seats_left"] == 12 and a["volunteer_seats_left"] == 2
    assert a["eligible_categories"] == ["hearing", "speech"] and a["starts_at"].endswith("+08:00")
    assert client.get(f"/activities/{a['id']}").status_code == 404
    p = world.staff.post(f"/staff/activities/{a['id']}/publish")
    assert p.status_code == 200 and p.get_json()["status"] == "published"
    assert client.get(f"/activities/{a['id']}").status_code == 200
    again = world.staff.post(f"/staff/activities/{a['id']}/publish")
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "invalid_transition")


def test_create_validation(world):
    s = world.staff
    bad = [
        body(world.home.id, ends_at=body(world.home.id)["starts_at"]),     # ends == starts
        body(world.home.id, capacity=0),
        body(world.home.id, volunteer_capacity=-1),
        body(world.home.id, category="party"),
        body(world.home.id, starts_at="2026-12-01T09:00:00"),               # no offset
        body(world.home.id, eligible_categories=["alien"]),
        body(world.home.id, unknown_field=1),
        body(world.home.id, signup_closes_at=body(world.home.id)["signup_opens_at"]),
    ]
    for b in bad:
        r = s.post("/staff/activities", b)
        assert r.status_code == 422, (b, r.get_json())
    missing = body(world.home.id)
    del missing["title"]
    assert s.post("/staff/activities", missing).status_code == 422
    rehab = SiteFactory(kind="rehab")
    rehab_staff = world.staff_at(rehab)  # a rehab station is not a home
    r = rehab_staff.post("/staff/activities", body(rehab.id))
    assert r.status_code == 422 and "site_id" in r.get_json()["error"]["fields"]
    assert db.session.scalar(select(Activity.id)) is None


def test_create_needs_staff_of_that_home(world, login):
    assert login().post("/staff/activities", body(world.home.id)).status_code == 403
    assert world.other_staff.post("/staff/activities", body(world.home.id)).status_code == 404
    assert world.admin.post("/staff/activities", body(world.home.id)).status_code == 201


def test_capacity_below_confirmed_is_409_and_raising_promotes(world):
    a = make_activity(world.home, capacity=3)
    fams = [world.family() for _ in range(4)]
    res = [sign(api, a.id, rid, companions=c).get_json() for (api, rid), c in zip(fams, (1, 0, 0, 1))]
    assert [x["status"] for x in res] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    r = world.staff.patch(f"/staff/activities/{a.id}", {"capacity": 2})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "capacity_below_confirmed")
    assert reload(Activity, a.id).capacity == 3
    # raise by 2: the 1-seat group (first) and... the 2-seat group needs 2 more: only the first fits
    r = world.staff.patch(f"/staff/activities/{a.id}", {"capacity": 4})
    assert r.status_code == 200 and r.get_json()["seats_left"] == 0 and r.get_json()["waitlist_length"] == 1
    assert db.session.get(Signup, res[2]["id"]).status == "confirmed"
    r = world.staff.patch(f"/staff/activities/{a.id}", {"capacity": 6})
    assert r.get_json()["waitlist_length"] == 0 and r.get_json()["seats_left"] == 0
    assert reload(Signup, res[3]["id"]).status == "confirmed"
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == fams[3][0].user_id)).all()
    assert "signup_promoted" in kinds
    r = world.staff.patch(f"/staff/activities/{a.id}", {"volunteer_capacity": 0})
    assert r.status_code == 200
    v = world.volunteer()
    sign(v, a.id)
    r = world.staff.patch(f"/staff/activities/{a.id}", {"volunteer_capacity": 1})
    assert r.get_json()["volunteer_seats_left"] == 0  # the waiting volunteer was promoted
    r = world.staff.patch(f"/staff/activities/{a.id}", {"volunteer_capacity": 0})
    assert r.get_json()["error"]["code"] == "capacity_below_confirmed"


def test_edit_validation_and_state(world):
    a = make_activity(world.home)
    s = world.staff
    assert s.patch(f"/staff/activities/{a.id}", {}).status_code == 422
    assert s.patch(f"/staff/activities/{a.id}", {"site_id": world.other.id}).status_code == 422
    r = s.patch(f"/staff/activities/{a.id}", {"ends_at": (a.starts_at - timedelta(hours=1)).isoformat()})
    assert r.status_code == 422 and "ends_at" in r.get_json()["error"]["fields"]
    r = s.patch(f"/staff/activities/{a.id}", {"title": "新标题", "eligible_categories": ["visual"]})
    assert r.status_code == 200 and r.get_json()["title"] == "新标题"
    done = make_activity(world.home, status="completed")
    assert s.patch(f"/staff/activities/{done.id}", {"title": "x"}).get_json()["error"]["code"] == \
        "invalid_transition"
    assert s.patch("/staff/activities/999999", {"title": "x"}).status_code == 404


def test_cancel_activity_cancels_signups_and_notifies_every_signer(world):
    a = make_activity(world.home, capacity=1)
    f1, r1 = world.family()
    f2, r2 = world.family()
    v = world.volunteer()
    sign(f1, a.id, r1)
    sign(f2, a.id, r2)  # waitlisted
    sign(v, a.id)
    assert world.staff.post(f"/staff/activities/{a.id}/cancel", {}).status_code == 422
    r = world.staff.post(f"/staff/activities/{a.id}/cancel", {"reason": "台风停课"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert r.get_json()["cancel_reason"] == "台风停课"
    db.session.expire_all()
    for user in (f1, f2, v):
        n = db.session.scalars(select(Notification).where(Notification.user_id == user.user_id,
                                                          Notification.kind == "activity_cancelled")).all()
        assert len(n) == 1 and n[0].data["reason"] == "台风停课"
    assert set(db.session.scalars(select(Signup.status).where(Signup.activity_id == a.id))) == {"cancelled"}
    act = reload(Activity, a.id)
    assert (act.seats_taken, act.volunteer_seats_taken) == (0, 0)
    again = world.staff.post(f"/staff/activities/{a.id}/cancel", {"reason": "x"})
    assert again.get_json()["error"]["code"] == "invalid_transition"
    assert f1.get(f"/activities/{a.id}").get_json()["status"] == "cancelled"  # still readable by id


def test_complete_requires_a_started_published_activity(world):
    future = make_activity(world.home)
    r = world.staff.post(f"/staff/activities/{future.id}/complete")
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "activity_not_started")
    draft = make_activity(world.home, status="draft", starts_in=timedelta(hours=-3))
    assert world.staff.post(f"/staff/activities/{draft.id}/complete").get_json()["error"]["code"] == \
        "invalid_transition"
    gone = make_activity(world.home, status="cancelled", starts_in=timedelta(hours=-3))
    assert world.staff.post(f"/staff/activities/{gone.id}/complete").get_json()["error"]["code"] == \
        "activity_cancelled"
    past = make_activity(world.home, starts_in=timedelta(hours=-3))
    r = world.staff.post(f"/staff/activities/{past.id}/complete")
    assert r.status_code == 200 and r.get_json()["status"] == "completed"
    assert world.staff.post(f"/staff/activities/{past.id}/complete").status_code == 409
    stale = make_activity(world.home, status="draft", starts_in=timedelta(hours=-1))
    assert world.staff.post(f"/staff/activities/{stale.id}/publish").get_json()["error"]["code"] == \
        "activity_started"


def test_time_or_place_change_notifies_everyone_booked(world):
    from backend.notifications.models import Notification
    from .conftest import make_activity, sign
    a = make_activity(world.home, capacity=1)
    fam1, r1 = world.family()
    fam2, r2 = world.family()
    sign(fam1, a.id, r1)
    assert sign(fam2, a.id, r2).get_json()["status"] == "waitlisted"
    assert world.staff.patch(f"/staff/activities/{a.id}", {"title": "新标题"}).status_code == 200
    changed = lambda: db.session.query(Notification).filter_by(kind="activity_changed").all()  # noqa: E731
    assert changed() == []  # a new title is not worth a message
    r = world.staff.patch(f"/staff/activities/{a.id}", {"location": "三楼多功能厅"})
    assert r.status_code == 200
    got = changed()
    assert sorted(n.user_id for n in got) == sorted([fam1.user_id, fam2.user_id])
    assert "三楼多功能厅" in got[0].body


def test_completion_closes_out_waitlist_and_unmarked_seats(world):
    from datetime import timedelta
    from backend.db import utcnow
    from .conftest import make_activity, reload, sign, signup_row
    a = make_activity(world.home, capacity=1, starts_in=timedelta(hours=1))
    fam1, r1 = world.family()
    fam2, r2 = world.family()
    s1 = sign(fam1, a.id, r1).get_json()["id"]
    s2 = sign(fam2, a.id, r2).get_json()["id"]
    act = reload(type(a), a.id)
    act.starts_at, act.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    db.session.commit()
    assert world.staff.post(f"/staff/activities/{a.id}/complete").status_code == 200
    assert signup_row(s1).status == "no_show" and signup_row(s2).status == "cancelled"


def test_staff_listing_filters_share_the_public_rules(world):
    """`/staff/activities` filters as the public listing does (site days, the default 'ahead or under
    way' window) and adds drafts, status and the staff member's own sites."""
    draft = make_activity(world.home, status="draft", starts_in=timedelta(days=1))
    later = make_activity(world.home, title="远", starts_in=timedelta(days=20))
    past = make_activity(world.home, title="上月", status="completed", starts_in=timedelta(days=-30))
    make_activity(world.other, title="别处", starts_in=timedelta(days=1))

    def ids(query=""):
        r = world.staff.get(f"/staff/activities{query}")
        assert r.status_code == 200, r.get_json()
        return [x["id"] for x in r.get_json()["items"]], r.get_json()["total"]

    assert ids() == ([draft.id, later.id], 2)  # default: ahead or under way, own site only
    assert ids("?status=draft") == ([draft.id], 1)
    today = utcnow().astimezone(ZoneInfo(world.home.timezone)).date()
    assert ids(f"?from={today - timedelta(days=31)}&to={today}") == ([past.id], 1)  # the site's days
    assert ids(f"?from={today + timedelta(days=2)}") == ([later.id], 1)
    assert ids(f"?site_id={world.home.id}&to={today + timedelta(days=40)}") == ([past.id, draft.id, later.id], 3)
    assert world.staff.get(f"/staff/activities?site_id={world.other.id}").status_code == 404
