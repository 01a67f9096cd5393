"""The three hot public reads written straight to JSON (`miniprogram_api.common.json_response`) give
exactly the body their documented schema's dump would give, so the hand-written JSON cannot drift
from the contract:

- GET /activities                      == ActivityPage().dump(catalogue.list_activities(viewer, **args))
- GET /rehab/services/<id>/slots       == SlotOut(many=True).dump(slots.bookable_slots(id, from, to))
- GET /cafes/<id>/menu                 == MenuOut().dump({"categories": menu.menu(id)})

Each comparison is made over varied data and several query strings, and each test also asserts the
real values it expects (ids, orders, counts), so an empty or wrong result cannot pass by being
equally wrong on both sides. Query strings are loaded with the route's own argument schema, so the
service gets exactly what the route passes it.
"""
import json
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from flask import jsonify

from backend.activities import catalogue
from backend.activities.models import Activity, Signup
from backend.cafe import menu as cafe_menu
from backend.cafe.models import MenuCategory, MenuItem
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User
from backend.rehab import slots as rehab_slots
from backend.rehab.models import Closure, RehabService, RehabSlot, Therapist
from miniprogram_api.activities.schemas import ActivityArgs, ActivityOut, ActivityPage
from miniprogram_api.cafe.schemas import MenuOut
from miniprogram_api.rehab.schemas import SlotArgs, SlotOut

from .factories import ResidentFactory, SiteFactory, approved_volunteer, link, staff_of

NOT_FOUND = {"error": {"code": "not_found", "message": "未找到"}}

TEMPERATURE = {"name": "温度", "required": True,
               "choices": [{"label": "热", "price_delta_fen": 0}, {"label": "冰", "price_delta_fen": 200}]}
MILK = {"name": "奶", "required": False,
        "choices": [{"label": "燕麦奶", "price_delta_fen": 300}, {"label": "全脂奶", "price_delta_fen": 0}]}


def fresh() -> None:
    """A new session, as each production request has: no object of the test's session is reused."""
    db.session.remove()


def as_json(dump) -> object:
    """The dump as it reads after a JSON round trip (what a client compares with)."""
    return json.loads(json.dumps(dump, ensure_ascii=False))


def assert_fast_json(resp) -> object:
    """200, written as Flask's jsonify writes a body (media type, trailing newline); the parsed body."""
    assert resp.status_code == 200, resp.get_json()
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.get_data(as_text=True).endswith("}\n") or resp.get_data(as_text=True).endswith("]\n")
    return resp.get_json()


# ============================================================================ activities

def make_activity(site, starts_at, *, hours=2, status="published", capacity=10, volunteer_capacity=0,
                  title="活动", category="social", **kw) -> Activity:
    a = Activity(site_id=site.id, title=title, category=category, starts_at=starts_at,
                 ends_at=starts_at + timedelta(hours=hours), capacity=capacity,
                 volunteer_capacity=volunteer_capacity, status=status, **kw)
    db.session.add(a)
    db.session.commit()
    return a


def seat(activity: Activity, resident, *, status="confirmed", companions=0, **kw) -> Signup:
    """A signup written directly (someone else's, or one already attended); keeps the seat counter right."""
    s = Signup(activity_id=activity.id, role="participant", resident_id=resident.id, status=status,
               companions=companions, seats=1 + companions, **kw)
    db.session.add(s)
    if status in ("confirmed", "attended", "no_show"):
        activity.seats_taken += 1 + companions
    db.session.commit()
    return s


def sign(api, activity_id, resident_id=None, companions=0) -> dict:
    body = {"role": "volunteer"} if resident_id is None else {"resident_id": resident_id, "companions": companions}
    resp = api.post(f"/activities/{activity_id}/signups", body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def listing_args(params: dict) -> dict:
    """The kwargs the route gives the service for this query string (its own argument schema)."""
    return ActivityArgs().load({k: str(v) for k, v in params.items()})


def assert_listing_contract(app, api, viewer_id: int | None, params: dict) -> dict:
    """GET /activities with `params` equals ActivityPage's dump of the service's result for the same
    viewer; returns the body."""
    fresh()
    body = assert_fast_json(api.get("/activities", query_string=params))
    fresh()
    with app.test_request_context("/api/v1/activities", query_string=params):
        viewer = db.session.get(User, viewer_id) if viewer_id is not None else None
        dump = ActivityPage().dump(catalogue.list_activities(viewer, **listing_args(params)))
    assert body == as_json(dump), params
    return body


@pytest.fixture
def listing(app, login, db_session):
    """Two homes; published, completed, under-way, draft and cancelled activities; other residents'
    confirmed and waitlisted signups; a viewer linked to two residents, also an approved volunteer,
    with confirmed, waitlisted, cancelled and attended signups of their own."""
    now = utcnow().replace(microsecond=0)
    zone = ZoneInfo(app.config["DEFAULT_TIMEZONE"])
    home = SiteFactory(kind="home", name="阳光之家", accessibility=["step_free", "lift"])
    other = SiteFactory(kind="home", name="月亮之家")
    viewer = login()
    approved_volunteer(viewer.user_id)
    mine1 = ResidentFactory(disability_category="physical", name="王小明")
    mine2 = ResidentFactory(disability_category="visual", name="李小红")
    link(viewer.user_id, mine1)
    link(viewer.user_id, mine2, relation="guardian")
    o1, o2, o3 = (ResidentFactory() for _ in range(3))

    underway = make_activity(home, now - timedelta(hours=1), title="茶话会", capacity=10,
                             description="边喝茶边聊天", location="一楼大厅")
    seat(underway, o3)
    a1 = make_activity(home, now + timedelta(days=3), title="手工编织课", category="skills", capacity=1,
                       accessibility=["step_free", "lift"], cover_url="https://img.example.org/knit.jpg",
                       description="毛线与针都由站点提供", location="二楼活动室")
    seat(a1, o1)
    seat(a1, o2, status="waitlisted")
    # Same start as a1, listed after it (by id); published with a reason left from an earlier cancellation.
    a8 = make_activity(other, a1.starts_at, title="听书会", category="culture", capacity=4,
                       signup_opens_at=now - timedelta(days=2), signup_closes_at=now + timedelta(days=2),
                       accessibility=["hearing_loop", "sign_language_staff", "braille"],
                       eligible_categories=["visual", "hearing"], cancel_reason="原定场地维修，改期后重新开放")
    a2 = make_activity(other, now + timedelta(days=5, microseconds=123456), title="公园散步", category="outing",
                       capacity=5, volunteer_capacity=1, signup_opens_at=now - timedelta(days=1),
                       signup_closes_at=now + timedelta(days=5) - timedelta(hours=1),
                       eligible_categories=["physical"], accessibility=["parking", "accessible_toilet"])
    full = make_activity(home, now + timedelta(days=7), title="体操", category="sports", capacity=2)
    seat(full, o1, companions=1)
    seat(full, o3, status="waitlisted")
    past = make_activity(home, now - timedelta(days=3), status="completed", title="春游", category="outing",
                         capacity=6, volunteer_capacity=2, completed_at=now - timedelta(days=3) + timedelta(hours=3))
    stale = make_activity(other, now - timedelta(days=2), title="过期未结", category="other")
    draft = make_activity(home, now + timedelta(days=4), status="draft", title="草稿")
    cancelled = make_activity(home, now + timedelta(days=6), status="cancelled", title="已取消",
                              cancel_reason="天气原因", cancelled_at=now)

    # The viewer's own signups, through the API where the activity is open.
    s_a1 = sign(viewer, a1.id, mine1.id)                                  # waitlisted, behind o2
    first = sign(viewer, a8.id, mine2.id)
    assert viewer.post(f"/signups/{first['id']}/cancel").status_code == 200  # cancelled: not listed
    s_a8 = sign(viewer, a8.id, mine2.id, companions=1)                    # confirmed, 2 seats
    s_a2 = sign(viewer, a2.id, mine1.id, companions=2)                    # confirmed, 3 seats
    v_a2 = sign(viewer, a2.id)                                            # volunteer, confirmed
    s_full = sign(viewer, full.id, mine2.id)                              # waitlisted, behind o3
    v_full = sign(viewer, full.id)                                        # volunteer, waitlisted (no room)
    # Done already: attended, with a volunteer credit.
    past = db.session.get(Activity, past.id)
    att = seat(past, mine1, status="attended", attended_at=past.starts_at + timedelta(minutes=10))
    vol = Signup(activity_id=past.id, role="volunteer", user_id=viewer.user_id, status="attended", seats=1,
                 companions=0, attended_at=past.starts_at + timedelta(minutes=5), minutes_credited=120,
                 credited_at=past.ends_at)
    db.session.add(vol)
    past.volunteer_seats_taken = 1
    cx = Signup(activity_id=cancelled.id, role="participant", resident_id=mine1.id, status="cancelled",
                seats=1, companions=0, cancel_reason="activity_cancelled")
    db.session.add(cx)
    db.session.commit()
    return {
        "now": now, "today": now.astimezone(zone).date(), "home": home.id, "other": other.id,
        "viewer": viewer, "mine1": mine1.id, "mine2": mine2.id,
        "ids": {"underway": underway.id, "a1": a1.id, "a8": a8.id, "a2": a2.id, "full": full.id,
                "past": past.id, "stale": stale.id, "draft": draft.id, "cancelled": cancelled.id},
        "signups": {"a1": s_a1["id"], "a8": s_a8["id"], "a2": s_a2["id"], "v_a2": v_a2["id"],
                    "full": s_full["id"], "v_full": v_full["id"], "att": att.id, "vol": vol.id,
                    "cancelled_a8": first["id"], "cx": cx.id},
    }


def test_activity_listing_is_the_schema_dump(app, client, listing):
    ids, home, viewer = listing["ids"], listing["home"], listing["viewer"]
    today = listing["today"]
    queries = [
        {},
        {"page": 2, "page_size": 2},
        {"page": 3, "page_size": 2},
        {"site_id": home},
        {"site_id": listing["other"], "page_size": 1},
        {"from": (today - timedelta(days=5)).isoformat(), "to": (today + timedelta(days=10)).isoformat()},
        {"from": (today - timedelta(days=5)).isoformat(), "site_id": home, "page_size": 3, "page": 2},
        {"to": (today + timedelta(days=3)).isoformat()},
        {"has_seats": "true"},
        {"has_seats": "false"},
        {"category": "skills"},
        {"category": "health"},
        {"page": 9},
    ]
    anonymous = {json.dumps(q, sort_keys=True): assert_listing_contract(app, client, None, q) for q in queries}
    logged_in = {json.dumps(q, sort_keys=True): assert_listing_contract(app, viewer, viewer.user_id, q)
                 for q in queries}

    def ids_of(body):
        return [item["id"] for item in body["items"]]

    def key(q):
        return json.dumps(q, sort_keys=True)

    upcoming = [ids["underway"], ids["a1"], ids["a8"], ids["a2"], ids["full"]]
    everything = [ids["past"], ids["stale"], *upcoming]
    expected = {
        key({}): (upcoming, 5),
        key({"page": 2, "page_size": 2}): (upcoming[2:4], 5),
        key({"page": 3, "page_size": 2}): (upcoming[4:], 5),
        key({"site_id": home}): ([ids["underway"], ids["a1"], ids["full"]], 3),
        key({"site_id": listing["other"], "page_size": 1}): ([ids["a8"]], 2),
        key(queries[5]): (everything, 7),
        key(queries[6]): ([ids["full"]], 4),
        key(queries[7]): ([ids["past"], ids["stale"], ids["underway"], ids["a1"], ids["a8"]], 5),
        key({"has_seats": "true"}): ([ids["underway"], ids["a8"], ids["a2"]], 3),
        key({"has_seats": "false"}): ([ids["a1"], ids["full"]], 2),
        key({"category": "skills"}): ([ids["a1"]], 1),
        key({"category": "health"}): ([], 0),
        key({"page": 9}): ([], 5),
    }
    for q, (want_ids, want_total) in expected.items():
        for body in (anonymous[q], logged_in[q]):
            assert (ids_of(body), body["total"]) == (want_ids, want_total), q

    # What the bodies hold, not only that both sides agree.
    anon = {item["id"]: item for item in anonymous[key(queries[5])]["items"]}
    assert all("my_signups" not in item for item in anon.values())
    a1, a8, a2, full = anon[ids["a1"]], anon[ids["a8"]], anon[ids["a2"]], anon[ids["full"]]
    assert (a1["seats_left"], a1["waitlist_length"], a1["volunteer_seats_left"]) == (0, 2, 0)
    assert a1["signup_opens_at"] is None and a1["signup_closes_at"] == a1["starts_at"]  # null close: at start
    assert a1["accessibility"] == ["step_free", "lift"] and a1["eligible_categories"] == []
    assert a1["cancel_reason"] is None and a1["cover_url"] == "https://img.example.org/knit.jpg"
    assert a1["starts_at"].endswith("+08:00")  # the site zone (Asia/Shanghai), as LocalDateTime writes
    assert (a8["seats_left"], a8["waitlist_length"]) == (2, 0)
    assert a8["cancel_reason"] == "原定场地维修，改期后重新开放"
    assert a8["accessibility"] == ["hearing_loop", "sign_language_staff", "braille"]
    assert a8["eligible_categories"] == ["visual", "hearing"] and a8["signup_opens_at"] is not None
    assert (a2["seats_left"], a2["volunteer_seats_left"]) == (2, 0)
    assert ".123456+08:00" in a2["starts_at"]
    assert (full["seats_left"], full["waitlist_length"]) == (0, 2)
    assert anon[ids["past"]]["status"] == "completed"

    # The viewer's own signups, per activity, in signup order; cancelled ones are not shown.
    mine = {item["id"]: item["my_signups"] for item in logged_in[key(queries[5])]["items"]}
    sid = listing["signups"]

    def brief(signups):
        return [(s["id"], s["role"], s["resident_id"], s["resident_name"], s["status"], s["seats"],
                 s["companions"], s["waitlist_position"], s["minutes_credited"], s["attended_at"] is not None)
                for s in signups]

    m1, m2 = listing["mine1"], listing["mine2"]
    assert brief(mine[ids["underway"]]) == [] and brief(mine[ids["stale"]]) == []
    assert brief(mine[ids["a1"]]) == [(sid["a1"], "participant", m1, "王小明", "waitlisted", 1, 0, 2, None, False)]
    assert brief(mine[ids["a8"]]) == [(sid["a8"], "participant", m2, "李小红", "confirmed", 2, 1, None, None, False)]
    assert brief(mine[ids["a2"]]) == [(sid["a2"], "participant", m1, "王小明", "confirmed", 3, 2, None, None, False),
                                      (sid["v_a2"], "volunteer", None, None, "confirmed", 1, 0, None, None, False)]
    assert brief(mine[ids["full"]]) == [(sid["full"], "participant", m2, "李小红", "waitlisted", 1, 0, 2, None, False),
                                        (sid["v_full"], "volunteer", None, None, "waitlisted", 1, 0, 1, None, False)]
    assert brief(mine[ids["past"]]) == [(sid["att"], "participant", m1, "王小明", "attended", 1, 0, None, None, True),
                                        (sid["vol"], "volunteer", None, None, "attended", 1, 0, None, 120, True)]
    assert all(s["created_at"].endswith("+08:00") for signups in mine.values() for s in signups)


def test_activity_listing_items_equal_the_single_activity_route(app, client, listing):
    """Every item of the fast listing equals GET /activities/<id>, which is still dumped by ActivityOut
    (and built from ORM objects, not the listing's Core rows), for the anonymous and the logged-in viewer."""
    today = listing["today"]
    params = {"from": (today - timedelta(days=5)).isoformat(), "to": (today + timedelta(days=10)).isoformat()}
    for api in (client, listing["viewer"]):
        fresh()
        items = assert_fast_json(api.get("/activities", query_string=params))["items"]
        assert len(items) == 7
        for item in items:
            fresh()
            one = api.get(f"/activities/{item['id']}")
            assert one.status_code == 200
            assert one.get_json() == item


def test_activity_listing_ignores_hidden_activities(client, listing):
    """Drafts and cancelled activities never show, whatever the dates."""
    today = listing["today"]
    body = client.get("/activities", query_string={"from": (today - timedelta(days=30)).isoformat(),
                                                   "to": (today + timedelta(days=30)).isoformat(),
                                                   "page_size": 100}).get_json()
    listed = {item["id"] for item in body["items"]}
    assert listing["ids"]["draft"] not in listed and listing["ids"]["cancelled"] not in listed
    assert body["total"] == len(listed) == 7


# ------------------------------------------------------------------ activities: pages and totals

def test_activity_pages_past_the_last_one(app, client, db_session):
    home = SiteFactory(kind="home")
    now = utcnow().replace(microsecond=0)
    made = [make_activity(home, now + timedelta(days=d), title=f"活动{d}").id for d in (2, 4, 6)]
    make_activity(home, now + timedelta(days=3), status="draft")  # not matching

    cases = [
        ({"page": 1, "page_size": 2}, made[:2], 3),
        ({"page": 2, "page_size": 2}, made[2:], 3),      # a short last page
        ({"page": 5, "page_size": 2}, [], 3),            # past the last page: the COUNT runs alone
        ({"page": 2, "page_size": 3}, [], 3),            # just past a full last page
        ({"page": 2, "page_size": 1, "site_id": home.id}, made[1:2], 3),
        ({"page": 4, "page_size": 1, "site_id": home.id, "category": "social", "has_seats": "true",
          "from": (now - timedelta(days=1)).date().isoformat(),
          "to": (now + timedelta(days=10)).date().isoformat()}, [], 3),  # past the end, every bind used
        ({"page": 1, "category": "health"}, [], 0),      # no match on page 1
        ({"page": 3, "category": "health"}, [], 0),      # no match past page 1: the COUNT says 0
        ({"page": 1, "site_id": home.id + 1000}, [], 0),
    ]
    for params, want_ids, want_total in cases:
        body = assert_listing_contract(app, client, None, params)
        assert [i["id"] for i in body["items"]] == want_ids, params
        assert (body["total"], body["page"], body["page_size"]) == (
            want_total, params["page"], params.get("page_size", 20)), params


@pytest.mark.parametrize("zone_name", ["Asia/Shanghai", "Asia/Urumqi"])
def test_activity_total_with_site_and_date_filters(app, client, db_session, zone_name):
    """`total` counts exactly the public activities of the site whose local start date (in the site's
    zone) lies in [from, to]; the day boundaries are the site's midnights."""
    zone = ZoneInfo(zone_name)
    site = SiteFactory(kind="home", timezone=zone_name)
    elsewhere = SiteFactory(kind="home")
    today = utcnow().astimezone(zone).date()
    first, last = today + timedelta(days=2), today + timedelta(days=4)

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), tzinfo=zone).astimezone(timezone.utc)

    inside = [
        make_activity(site, at(first, 0, 0), title="第一天零点"),
        make_activity(site, at(first, 10), title="第一天上午", category="culture"),
        make_activity(site, at(today + timedelta(days=3), 14), title="第二天", capacity=1, seats_taken=1),
        make_activity(site, at(last, 23, 59), title="最后一天深夜"),
        make_activity(site, at(last, 9), status="completed", title="已结束也算"),
    ]
    outside = [
        make_activity(site, at(first - timedelta(days=1), 23, 59), title="前一天深夜"),
        make_activity(site, at(last + timedelta(days=1), 0, 0), title="后一天零点"),
        make_activity(site, at(first, 11), status="draft", title="草稿"),
        make_activity(site, at(first, 12), status="cancelled", title="取消", cancel_reason="人数不足"),
        make_activity(elsewhere, at(first, 10), title="别的站点"),
    ]
    inside, outside, site_id = [a.id for a in inside], [a.id for a in outside], site.id
    params = {"site_id": site_id, "from": first.isoformat(), "to": last.isoformat()}

    body = assert_listing_contract(app, client, None, {**params, "page_size": 100})
    assert sorted(i["id"] for i in body["items"]) == sorted(inside)
    assert body["total"] == len(inside) == 5
    assert not set(outside) & {i["id"] for i in body["items"]}
    # The total does not depend on the page shown (it rides on the first row, or is counted alone).
    for page in (1, 3, 5, 6):
        body = assert_listing_contract(app, client, None, {**params, "page_size": 1, "page": page})
        assert body["total"] == 5
        assert len(body["items"]) == (1 if page <= 5 else 0)
    # With another filter on top.
    body = assert_listing_contract(app, client, None, {**params, "category": "social", "page_size": 1})
    assert body["total"] == 4
    body = assert_listing_contract(app, client, None, {**params, "has_seats": "false"})
    assert [i["id"] for i in body["items"]] == [inside[2]] and body["total"] == 1
    # One day only.
    body = assert_listing_contract(app, client, None, {"site_id": site_id, "from": first.isoformat(),
                                                       "to": first.isoformat()})
    assert body["total"] == 2
    # No site: both sites' public activities on those (default-zone) days are counted.
    body = assert_listing_contract(app, client, None, {"from": (first - timedelta(days=2)).isoformat(),
                                                       "to": (last + timedelta(days=2)).isoformat(),
                                                       "page_size": 2})
    assert body["total"] == 8  # the 5 inside, the 2 just outside, the other site's one


# ============================================================================ rehab slots

def slot(service, therapist, starts_at, *, minutes=30, capacity=1, booked=0, status="open") -> RehabSlot:
    s = RehabSlot(site_id=service.site_id, service_id=service.id, therapist_id=therapist.id, starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=minutes),
                  blocked_until=starts_at + timedelta(minutes=minutes + service.buffer_min),
                  capacity=capacity, booked=booked, status=status)
    db.session.add(s)
    db.session.commit()
    return s


def assert_slots_contract(app, client, service_id: int, params: dict) -> list:
    fresh()
    body = assert_fast_json(client.get(f"/rehab/services/{service_id}/slots", query_string=params))
    fresh()
    args = SlotArgs().load(params)
    with app.test_request_context(f"/api/v1/rehab/services/{service_id}/slots", query_string=params):
        found = rehab_slots.bookable_slots(service_id, args.get("from_"), args.get("to"))
        dump = SlotOut(many=True).dump(found)
    assert body == as_json(dump), params
    return body


@pytest.mark.parametrize("zone_name", ["Asia/Shanghai", "Asia/Urumqi"])
def test_slots_are_the_schema_dump(app, client, login, db_session, zone_name):
    zone = ZoneInfo(zone_name)
    now = utcnow()
    today = now.astimezone(zone).date()
    day = [today + timedelta(days=n) for n in range(20)]
    shut_weekday = day[5].isoweekday()  # the site does not open that weekday
    site = SiteFactory(kind="rehab", name="康复站", timezone=zone_name,
                       opening_hours=[{"weekday": d, "open": "08:00", "close": "18:00"}
                                      for d in range(1, 8) if d != shut_weekday])
    service = RehabService(site_id=site.id, name="物理治疗", kind="physio", duration_min=30, buffer_min=10)
    other_service = RehabService(site_id=site.id, name="言语治疗", kind="speech", duration_min=30)
    db.session.add_all([service, other_service])
    t1, t2 = Therapist(site_id=site.id, name="张治疗师"), Therapist(site_id=site.id, name="李治疗师")
    db.session.add_all([t1, t2])
    db.session.commit()

    def at(d: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(d, time(hh, mm), tzinfo=zone).astimezone(timezone.utc)

    s1 = slot(service, t1, at(day[1], 9))
    s2 = slot(service, t2, at(day[1], 9), capacity=3)             # same time, next therapist: after s1
    s3 = slot(service, t1, at(day[1], 14, 30))                     # booked full below: not listed
    s4 = slot(service, t1, at(day[2], 10), capacity=2, minutes=45)
    s5 = slot(service, t1, at(day[3], 10))                         # closure day: not listed
    s6 = slot(service, t2, at(day[4], 16, 15))
    slot(service, t1, at(day[4], 11), status="retired")            # dropped by a new plan: not listed
    slot(service, t1, at(day[4], 12), status="closed")             # not listed
    slot(service, t1, at(day[5], 10))                              # weekday the site is shut: not listed
    slot(service, t1, at(day[16], 10))                             # past the 14-day horizon: not listed
    slot(service, t2, (now + timedelta(hours=1)).replace(second=0, microsecond=0))  # inside the 2 h notice
    slot(other_service, t1, at(day[1], 11))                        # another service
    db.session.add(Closure(site_id=site.id, day=day[3], reason="设备检修"))
    db.session.commit()

    # The full slot and one seat of s2 taken by real bookings.
    family = login()
    resident = ResidentFactory()
    link(family.user_id, resident)
    for target in (s3, s2):
        resp = family.post("/appointments", {"slot_id": target.id, "resident_id": resident.id})
        assert resp.status_code == 201, resp.get_json()

    s1, s2, s4, s5, s6 = (x.id for x in (s1, s2, s4, s5, s6))
    t1, t2 = t1.id, t2.id
    service, other_service = service.id, other_service.id
    body = assert_slots_contract(app, client, service, {})
    assert [s["id"] for s in body] == [s1, s2, s4, s6]
    assert [(s["capacity"], s["remaining"]) for s in body] == [(1, 1), (3, 2), (2, 2), (1, 1)]
    assert [s["therapist"] for s in body] == [{"id": t1, "name": "张治疗师"}, {"id": t2, "name": "李治疗师"},
                                               {"id": t1, "name": "张治疗师"}, {"id": t2, "name": "李治疗师"}]
    assert body[0]["starts_at"] == datetime.combine(day[1], time(9), tzinfo=zone).isoformat()
    assert body[2]["ends_at"] == datetime.combine(day[2], time(10, 45), tzinfo=zone).isoformat()
    offset = "+08:00" if zone_name == "Asia/Shanghai" else "+06:00"  # the site's zone, not the server's
    assert all(s["starts_at"].endswith(offset) and s["ends_at"].endswith(offset) for s in body)
    assert s5 not in {s["id"] for s in body}

    body = assert_slots_contract(app, client, service, {"from": day[2].isoformat(), "to": day[4].isoformat()})
    assert [s["id"] for s in body] == [s4, s6]
    body = assert_slots_contract(app, client, service, {"from": day[3].isoformat(), "to": day[3].isoformat()})
    assert body == []  # the closure day
    body = assert_slots_contract(app, client, service, {"from": (today - timedelta(days=3)).isoformat(),
                                                           "to": (today - timedelta(days=1)).isoformat()})
    assert body == []  # all in the past
    body = assert_slots_contract(app, client, service, {"from": day[1].isoformat(), "to": day[1].isoformat()})
    assert [s["id"] for s in body] == [s1, s2]

    # Unknown and inactive services: 404 in the error envelope.
    assert client.get("/rehab/services/999999/slots").get_json() == NOT_FOUND
    db.session.get(RehabService, other_service).active = False
    db.session.commit()
    resp = client.get(f"/rehab/services/{other_service}/slots")
    assert resp.status_code == 404 and resp.get_json() == NOT_FOUND


# ============================================================================ café menu

def assert_menu_contract(app, client, site_id: int) -> dict:
    fresh()
    body = assert_fast_json(client.get(f"/cafes/{site_id}/menu"))
    fresh()
    with app.test_request_context(f"/api/v1/cafes/{site_id}/menu"):
        dump = MenuOut().dump(cafe_menu.menu(site_id))
    assert body == as_json(dump)
    return body


def test_menu_is_the_schema_dump(app, client, login, db_session):
    cafe = SiteFactory(kind="cafe", name="手语咖啡")
    other_cafe = SiteFactory(kind="cafe", name="另一家")
    barista = login()
    staff_of(db.session.get(User, barista.user_id), cafe)
    create = f"/staff/cafes/{cafe.id}/menu-items"

    def post(body) -> dict:
        resp = barista.post(create, body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    latte = post({"category": "咖啡", "name": "拿铁", "description": "浓缩咖啡与丝滑牛奶", "price_fen": 1800,
                  "image_url": "https://img.example.org/latte.jpg",
                  "sign_video_url": "https://video.example.org/sign/latte.mp4", "options": [TEMPERATURE, MILK]})
    croissant = post({"category": "甜点", "name": "可颂", "price_fen": 1200, "available": False, "stock": 0,
                      "options": []})
    # Options without the defaulted keys: the schema fills `required` and `price_delta_fen` when loading.
    osmanthus = post({"category": "季节限定", "name": "桂花拿铁", "price_fen": 2400,
                      "options": [{"name": "温度", "choices": [{"label": "热"}]}]})
    americano = post({"category": "咖啡", "name": "美式", "price_fen": 1500, "stock": 10, "options": [TEMPERATURE]})
    # Moved out of its category, which stays behind empty.
    resp = barista.patch(f"/staff/menu-items/{osmanthus['id']}", {"category": "咖啡"})
    assert resp.status_code == 200, resp.get_json()
    osmanthus = resp.get_json()
    # An item written by the models (as a seed would), in the dessert category.
    desserts = db.session.query(MenuCategory).filter_by(site_id=cafe.id, name="甜点").one()
    scone = MenuItem(site_id=cafe.id, category_id=desserts.id, name="司康", description="配果酱", price_fen=1600,
                     stock=5, options=[MILK], position=2)
    other_cat = MenuCategory(site_id=other_cafe.id, name="咖啡")
    db.session.add_all([scone, other_cat])
    db.session.flush()
    db.session.add(MenuItem(site_id=other_cafe.id, category_id=other_cat.id, name="别家的", price_fen=100))
    db.session.commit()
    cafe_id, other_cafe_id = cafe.id, other_cafe.id

    body = assert_menu_contract(app, client, cafe_id)
    cats = body["categories"]
    assert [(c["name"], [i["name"] for i in c["items"]]) for c in cats] == [
        ("咖啡", ["拿铁", "桂花拿铁", "美式"]), ("甜点", ["可颂", "司康"]), ("季节限定", [])]
    coffee, sweet = {i["name"]: i for i in cats[0]["items"]}, {i["name"]: i for i in cats[1]["items"]}
    assert coffee["拿铁"]["stock"] is None and coffee["美式"]["stock"] == 10 and sweet["司康"]["stock"] == 5
    assert sweet["可颂"]["available"] is False and sweet["可颂"]["stock"] == 0 and sweet["可颂"]["options"] == []
    assert coffee["拿铁"]["available"] is True and coffee["拿铁"]["options"] == [TEMPERATURE, MILK]
    assert coffee["桂花拿铁"]["options"] == [{"name": "温度", "required": False,
                                           "choices": [{"label": "热", "price_delta_fen": 0}]}]
    assert sweet["司康"]["options"] == [MILK] and sweet["司康"]["image_url"] == ""
    # Each item as the staff API returned it, without the staff-only fields.
    for staff_view in (latte, croissant, osmanthus, americano):
        public = {k: v for k, v in staff_view.items() if k not in ("site_id", "category")}
        listed = next(i for c in cats for i in c["items"] if i["id"] == staff_view["id"])
        assert listed == public

    other = assert_menu_contract(app, client, other_cafe_id)
    assert [(c["name"], [i["name"] for i in c["items"]]) for c in other["categories"]] == [("咖啡", ["别家的"])]


def test_menu_of_a_cafe_without_categories(app, client, db_session):
    cafe = SiteFactory(kind="cafe")
    body = assert_menu_contract(app, client, cafe.id)
    assert body == {"open_now": True, "next_opens_at": None, "categories": []}  # no hours: always open


def test_menu_of_a_non_cafe_or_unknown_site_is_404(app, client, db_session):
    home, rehab = SiteFactory(kind="home"), SiteFactory(kind="rehab")
    for site_id in (home.id, rehab.id, 999999):
        resp = client.get(f"/cafes/{site_id}/menu")
        assert resp.status_code == 404, site_id
        assert resp.get_json() == NOT_FOUND, site_id
        assert resp.mimetype == "application/json"


# ============================================================================ the body's form

def test_bodies_are_written_like_jsonify(app, client, login, db_session):
    """Media type and trailing newline as Flask's jsonify, UTF-8 text unescaped, for all three routes."""
    now = utcnow()
    home = SiteFactory(kind="home", name="阳光之家")
    make_activity(home, now + timedelta(days=2), title="手工编织课")
    cafe = SiteFactory(kind="cafe")
    db.session.add(MenuCategory(site_id=cafe.id, name="咖啡"))
    rehab = SiteFactory(kind="rehab")
    service = RehabService(site_id=rehab.id, name="物理治疗", kind="physio", duration_min=30)
    therapist = Therapist(site_id=rehab.id, name="张治疗师")
    db.session.add_all([service, therapist])
    db.session.commit()
    slot(service, therapist, (now + timedelta(days=2)).replace(second=0, microsecond=0))

    with app.test_request_context():
        reference = jsonify({"a": 1})
    assert reference.get_data(as_text=True).endswith("\n")
    viewer = login()
    for api, path, text in ((client, "/activities", "手工编织课"), (viewer, "/activities", "手工编织课"),
                            (client, f"/rehab/services/{service.id}/slots", "张治疗师"),
                            (client, f"/cafes/{cafe.id}/menu", "咖啡"),
                            (client, "/activities?category=health", '"items":[]')):
        resp = api.get(path)
        assert resp.status_code == 200, (path, resp.get_json())
        assert resp.headers["Content-Type"] == reference.headers["Content-Type"] == "application/json", path
        data = resp.get_data(as_text=True)
        assert data.endswith("\n") and not data.endswith("\n\n"), path
        assert text in data, path  # written as UTF-8, not \\u-escaped
        assert json.loads(data) == resp.get_json()
    # The slots of a service with none bookable: an empty array, still with the newline.
    resp = client.get(f"/rehab/services/{service.id}/slots",
                      query_string={"from": (now - timedelta(days=3)).date().isoformat(),
                                    "to": (now - timedelta(days=2)).date().isoformat()})
    assert resp.get_data(as_text=True) == "[]\n"
    assert resp.headers["Content-Type"] == "application/json"


def test_single_activity_route_still_uses_the_schema(app, client, db_session):
    """The schema the listing is compared with is the one the documented single-activity route dumps
    with: same field set (guards against comparing with a schema nobody uses any more)."""
    home = SiteFactory(kind="home")
    activity_id = make_activity(home, utcnow() + timedelta(days=2)).id
    fresh()
    one = client.get(f"/activities/{activity_id}").get_json()
    listed = client.get("/activities").get_json()["items"][0]
    assert set(one) == set(listed) == set(ActivityOut().fields) - {"my_signups"}
