"""Participant and volunteer signups: seats, waitlist, first-fit promotion, every 409, notifications."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.activities.models import Activity
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import ResidentSite
from backend.notifications.models import Notification

from .conftest import make_activity, reload, sign


def kinds_for(user_id):
    db.session.expire_all()
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                               .order_by(Notification.id))]


def test_signup_takes_one_plus_companions_seats_and_notifies(world):
    a = make_activity(world.home, capacity=5)
    fam, rid = world.family()
    r = sign(fam, a.id, rid, companions=2)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "confirmed" and body["waitlist_position"] is None and body["seats"] == 3
    assert reload(Activity, a.id).seats_taken == 3
    got = fam.get(f"/activities/{a.id}").get_json()
    assert got["seats_left"] == 2 and got["waitlist_length"] == 0
    assert [m["id"] for m in got["my_signups"]] == [body["id"]]
    assert kinds_for(fam.user_id) == ["signup_confirmed"]
    n = db.session.scalar(select(Notification).where(Notification.user_id == fam.user_id))
    assert n.data["activity_title"] == "手工编织课" and n.data["site_name"] == "阳光之家"
    assert n.data["starts_at"] and n.data["resident_name"]
    # The resident is now known to the home (staff scope).
    assert db.session.get(ResidentSite, (rid, world.home.id)) is not None


def test_anonymous_listing_has_no_my_signups(world, client):
    a = make_activity(world.home)
    body = client.get(f"/activities/{a.id}").get_json()
    assert "my_signups" not in body and body["seats_left"] == 10
    assert body["starts_at"].endswith("+08:00")


def test_full_activity_waitlists_with_distinct_positions(world):
    a = make_activity(world.home, capacity=2)
    results = []
    for _ in range(4):
        fam, rid = world.family()
        results.append(sign(fam, a.id, rid).get_json())
    assert [r["status"] for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r["waitlist_position"] for r in results] == [None, None, 1, 2]
    assert world.staff.get(f"/activities/{a.id}").get_json()["waitlist_length"] == 2


def test_first_fit_promotion_with_groups(world):
    """Capacity 4: A(2) B(2) confirmed; waitlist C(3), D(1), E(2). Cancelling B frees 2:
    C does not fit and is skipped, D (1) is promoted, E (2) no longer fits. Then cancelling A
    frees 2 more (3 free): C (3) is promoted whole, E keeps waiting."""
    a = make_activity(world.home, capacity=4)
    fams = {}
    for name, comp in (("A", 1), ("B", 1), ("C", 2), ("D", 0), ("E", 1)):
        api, rid = world.family()
        fams[name] = (api, sign(api, a.id, rid, companions=comp).get_json())
    assert [fams[n][1]["status"] for n in "ABCDE"] == ["confirmed"] * 2 + ["waitlisted"] * 3
    b_api, b = fams["B"]
    r = b_api.post(f"/signups/{b['id']}/cancel")
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    statuses = {n: fams[n][0].get(f"/activities/{a.id}").get_json()["my_signups"] for n in "CDE"}
    assert statuses["D"][0]["status"] == "confirmed"
    assert statuses["C"][0]["status"] == "waitlisted" and statuses["C"][0]["waitlist_position"] == 1
    assert statuses["E"][0]["status"] == "waitlisted" and statuses["E"][0]["waitlist_position"] == 2
    assert "signup_promoted" in kinds_for(fams["D"][0].user_id)
    assert "signup_promoted" not in kinds_for(fams["C"][0].user_id)
    a_api, a_signup = fams["A"]
    a_api.post(f"/signups/{a_signup['id']}/cancel")
    c = fams["C"][0].get(f"/activities/{a.id}").get_json()["my_signups"][0]
    e = fams["E"][0].get(f"/activities/{a.id}").get_json()["my_signups"][0]
    assert c["status"] == "confirmed" and e["status"] == "waitlisted" and e["waitlist_position"] == 1
    assert reload(Activity, a.id).seats_taken == 4  # C 3 + D 1


def test_cancel_is_idempotent_and_cancelled_can_sign_up_again(world):
    a = make_activity(world.home)
    fam, rid = world.family()
    sid = sign(fam, a.id, rid).get_json()["id"]
    assert fam.post(f"/signups/{sid}/cancel").status_code == 200
    again = fam.post(f"/signups/{sid}/cancel")
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"
    assert reload(Activity, a.id).seats_taken == 0
    assert sign(fam, a.id, rid).status_code == 201


def test_every_conflict_code(world):
    fam, rid = world.family(category="hearing")
    # already_signed_up
    a = make_activity(world.home)
    assert sign(fam, a.id, rid).status_code == 201
    r = sign(fam, a.id, rid)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "already_signed_up")
    # signup_not_open
    later = make_activity(world.home, signup_opens_at=utcnow() + timedelta(days=1))
    r = sign(fam, later.id, rid)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "signup_not_open")
    # signup_closed (window closed, and an activity that has begun)
    closed = make_activity(world.home, signup_closes_at=utcnow() - timedelta(minutes=1))
    r = sign(fam, closed.id, rid)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "signup_closed")
    begun = make_activity(world.home, starts_in=timedelta(minutes=-10))
    assert sign(fam, begun.id, rid).get_json()["error"]["code"] == "signup_closed"
    # activity_cancelled
    gone = make_activity(world.home, status="cancelled")
    r = sign(fam, gone.id, rid)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "activity_cancelled")
    # not_eligible
    only_visual = make_activity(world.home, eligible_categories=["visual"])
    r = sign(fam, only_visual.id, rid)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "not_eligible")
    ok = make_activity(world.home, eligible_categories=["visual", "hearing"])
    assert sign(fam, ok.id, rid).status_code == 201
    # volunteer_not_approved (403)
    r = sign(fam, a.id)
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "volunteer_not_approved")
    # nothing was changed by the refusals
    assert reload(Activity, later.id).seats_taken == 0 and reload(Activity, only_visual.id).seats_taken == 0


def test_someone_elses_resident_is_404(world):
    a = make_activity(world.home)
    _, rid = world.family()
    stranger = world.login()
    r = sign(stranger, a.id, rid)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert sign(stranger, a.id, 999999).status_code == 404
    assert reload(Activity, a.id).seats_taken == 0


def test_staff_walk_in_signup_for_a_resident_known_to_their_site(world):
    a = make_activity(world.home)
    _, known = world.family(known_at=world.home)
    _, unknown = world.family()
    r = sign(world.staff, a.id, known, companions=1)
    assert r.status_code == 201 and r.get_json()["status"] == "confirmed"
    assert sign(world.staff, a.id, unknown).status_code == 404
    # staff of another home may not book here, even for a resident known to their own site
    _, theirs = world.family(known_at=world.other)
    assert sign(world.other_staff, a.id, theirs).status_code == 404


def test_volunteer_signup_uses_volunteer_capacity(world):
    a = make_activity(world.home, capacity=1, volunteer_capacity=1)
    v1, v2 = world.volunteer(), world.volunteer()
    r1, r2 = sign(v1, a.id), sign(v2, a.id)
    assert (r1.status_code, r1.get_json()["status"], r1.get_json()["role"]) == (201, "confirmed", "volunteer")
    assert r2.get_json()["status"] == "waitlisted" and r2.get_json()["waitlist_position"] == 1
    assert sign(v1, a.id).get_json()["error"]["code"] == "already_signed_up"
    got = reload(Activity, a.id)
    assert (got.seats_taken, got.volunteer_seats_taken) == (0, 1)
    v1.post(f"/signups/{r1.get_json()['id']}/cancel")
    assert v2.get(f"/activities/{a.id}").get_json()["my_signups"][0]["status"] == "confirmed"


def test_signup_body_validation(world):
    a = make_activity(world.home)
    fam, rid = world.family()
    for body in ({"resident_id": rid, "companions": 4}, {"resident_id": rid, "companions": -1}, {},
                 {"role": "volunteer", "resident_id": rid}, {"resident_id": rid, "extra": 1},
                 {"resident_id": "x"}, {"role": "boss", "resident_id": rid}):
        r = fam.post(f"/activities/{a.id}/signups", body)
        assert r.status_code == 422, (body, r.get_json())
    assert fam.post(f"/activities/{a.id}/signups", data="[1]", content_type="application/json").status_code == 400
    assert reload(Activity, a.id).seats_taken == 0


def test_idempotency_key_replays_the_first_response(world):
    a = make_activity(world.home, capacity=1)
    fam, rid = world.family()
    h = {"Idempotency-Key": "abc-123"}
    first = sign(fam, a.id, rid, headers=h)
    second = sign(fam, a.id, rid, headers=h)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json() and second.headers.get("Idempotent-Replayed") == "true"
    other = sign(fam, a.id, rid, companions=1, headers=h)
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert reload(Activity, a.id).seats_taken == 1


def test_drafts_are_hidden_from_the_public(world, client):
    draft = make_activity(world.home, status="draft")
    pub = make_activity(world.home, title="公开活动")
    fam, rid = world.family()
    assert client.get(f"/activities/{draft.id}").status_code == 404
    assert sign(fam, draft.id, rid).status_code == 404
    assert world.staff.get(f"/activities/{draft.id}").status_code == 200
    assert world.other_staff.get(f"/activities/{draft.id}").status_code == 404
    ids = [x["id"] for x in client.get("/activities").get_json()["items"]]
    assert ids == [pub.id]
    staff_ids = [x["id"] for x in world.staff.get("/staff/activities").get_json()["items"]]
    assert set(staff_ids) == {draft.id, pub.id}


def test_listing_filters(world, client):
    soon = make_activity(world.home, title="近", starts_in=timedelta(days=1), category="sports", capacity=1)
    make_activity(world.home, title="远", starts_in=timedelta(days=20))
    make_activity(world.other, title="别处", starts_in=timedelta(days=1))
    make_activity(world.home, title="已取消", status="cancelled")
    fam, rid = world.family()
    sign(fam, soon.id, rid)
    items = client.get(f"/activities?site_id={world.home.id}").get_json()["items"]
    assert [x["title"] for x in items] == ["近", "远"]
    assert [x["title"] for x in client.get("/activities?category=sports").get_json()["items"]] == ["近"]
    assert [x["title"] for x in client.get(f"/activities?site_id={world.home.id}&has_seats=true")
            .get_json()["items"]] == ["远"]
    day = (utcnow() + timedelta(days=20)).astimezone(ZoneInfo("Asia/Shanghai")).date()
    far = client.get(f"/activities?site_id={world.home.id}&from={day}&to={day}").get_json()
    assert [x["title"] for x in far["items"]] == ["远"]
    before = client.get(f"/activities?site_id={world.home.id}&to={day - timedelta(days=1)}").get_json()
    assert [x["title"] for x in before["items"]] == ["近"]
    page = client.get("/activities?page=1&page_size=1").get_json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["page_size"] == 1
    assert client.get("/activities?page_size=101").status_code == 422
    assert client.get("/activities?from=2026-13-01").status_code == 422


def test_me_signups_upcoming_and_past(world):
    fam, rid = world.family()
    vol = world.volunteer()
    from backend.identity.models import ResidentLink
    db.session.add(ResidentLink(user_id=vol.user_id, resident_id=rid, relation="child"))
    db.session.commit()
    up = make_activity(world.home, title="将来")
    past = make_activity(world.home, title="过去")
    sign(fam, up.id, rid)
    sign(vol, up.id)
    sign(fam, past.id, rid)
    p = reload(Activity, past.id)
    p.starts_at, p.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2) + timedelta(hours=1)
    db.session.commit()
    mine = vol.get("/me/signups?when=upcoming").get_json()
    assert mine["total"] == 2 and {i["role"] for i in mine["items"]} == {"participant", "volunteer"}
    assert mine["items"][0]["activity"]["title"] == "将来"
    fam_up = fam.get("/me/signups").get_json()
    assert [i["activity"]["title"] for i in fam_up["items"]] == ["将来"]
    fam_past = fam.get("/me/signups?when=past").get_json()
    assert [i["activity"]["title"] for i in fam_past["items"]] == ["过去"]
    assert fam.get("/me/signups?when=later").status_code == 422


def test_signup_confirmed_message_carries_the_activity(app, world):
    """The template field map matches the data the activities domain passes (no placeholders)."""
    import requests
    from backend.notifications.delivery import send_due
    from .conftest import make_activity
    a = make_activity(world.home, title="手语角交流会")
    fam, rid = world.family()
    assert fam.post("/me/subscriptions", {"accepted": ["tmpl_signup_confirmed"]}).status_code == 200
    assert sign(fam, a.id, rid).status_code == 201
    assert send_due() >= 1
    items = requests.get(f"{app.config['FAKE_URL']}/_fake/messages?touser={fam.openid}", timeout=5).json()["items"]
    data = items[0]["data"]
    assert data["thing1"]["value"] == "手语角交流会"
    assert data["thing3"]["value"] == "二楼活动室" and "年" in data["time2"]["value"]
    assert data["name4"]["value"] not in ("", "无")
