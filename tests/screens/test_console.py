"""The staff console's pages over HTTP (in process): who opens it, each page's content in the staff
member's scope (site A's staff never see site B's people, on any page), objects of other sites are
404, the writes it makes go through the API with the session cookie and the CSRF token, and the
schedule preview saves nothing. The browser drives the same pages in tests/browser/test_console.py."""
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend import localtime
from backend.extensions import db
from backend.identity.models import User
from backend.rehab.models import RehabSlot

from ..activities.conftest import make_activity
from ..devices.conftest import answers_for
from ..factories import ResidentFactory, SiteFactory, link, staff_of
from ..rehab.conftest import make_service, make_slot, make_therapist
from .helpers import Screen


@dataclass
class Side:
    """One side of the city: a home, a rehab station and a device centre, their staff (manager of all
    three) and their people, each person's name unique to the side."""
    home: object
    rehab: object
    centre: object
    staff: object
    screen: Screen
    names: list
    activity: object
    slot: object
    service: object
    therapist: object
    case_id: int
    appointment_id: int
    signup_id: int
    family: object


def _side(app, login, tag: str, needs: list[str]) -> Side:
    home = SiteFactory(kind="home", name=f"{tag}之家")
    rehab = SiteFactory(kind="rehab", name=f"{tag}康复站")
    centre = SiteFactory(kind="device_center", name=f"{tag}辅具中心")
    staff = login()
    user = db.session.get(User, staff.user_id)
    user.nickname = f"{tag}站长"
    for site in (home, rehab, centre):
        staff_of(user, site, "manager")
    db.session.commit()
    family = login()
    names = [f"{tag}居民甲", f"{tag}居民乙", f"{tag}居民丙"]
    residents = [ResidentFactory(name=n, needs=needs, disability_category="physical", disability_level=2)
                 for n in names]
    for r in residents:
        link(family.user_id, r)
    db.session.commit()
    # today's activity (its local day is what the console is asked for) with the first person signed up
    activity = make_activity(home, starts_in=timedelta(hours=1), title=f"{tag}手工课")
    signup = family.post(f"/activities/{activity.id}/signups", {"resident_id": residents[0].id, "companions": 1})
    assert signup.status_code == 201, signup.get_json()
    service, therapist = make_service(rehab), make_therapist(rehab, f"{tag}治疗师")
    slot = make_slot(service, therapist, hours=3)
    booked = family.post("/appointments", {"slot_id": slot.id, "resident_id": residents[1].id, "note": ""})
    assert booked.status_code == 201, booked.get_json()
    case = family.post("/me/device-cases", {"resident_id": residents[2].id, "site_id": centre.id, "class_code": "12",
                                            "need": "出行需要轮椅", "subsidy_groups": ["general"]})
    assert case.status_code == 201, case.get_json()
    return Side(home, rehab, centre, staff, Screen(app).sign_in(staff), names, activity, slot, service, therapist,
                case.get_json()["id"], booked.get_json()["id"], signup.get_json()["id"], family)


@pytest.fixture
def sides(app, db_session, login):
    return (_side(app, login, "东区", ["wheelchair", "sign_language"]),
            _side(app, login, "西区", ["guide_dog"]))


def day_of(instant, site) -> str:
    return localtime.local_date(instant, site.id).isoformat()


def console_pages(side: Side) -> list[str]:
    """Every console page of one side, with every site and view it offers."""
    activity_day, slot_day = day_of(side.activity.starts_at, side.home), day_of(side.slot.starts_at, side.rehab)
    return ["/console/", f"/console/?site_id={side.home.id}&date={activity_day}",
            f"/console/?site_id={side.rehab.id}&date={slot_day}", f"/console/?site_id={side.centre.id}",
            f"/console/schedules?site_id={side.rehab.id}", f"/console/schedules?site_id={side.home.id}",
            f"/console/schedules/{side.service.id}", "/console/cases", "/console/cases?view=all",
            f"/console/cases?view=all&site_id={side.centre.id}", f"/console/cases/{side.case_id}",
            "/console/followups", "/console/loans", "/console/loans?status=overdue", "/console/reports",
            f"/console/reports?group_by=site&site_id={side.home.id}", "/console/reports?group_by=category"]


def page(screen: Screen, path: str, status: int = 200) -> str:
    resp = screen.get(path)
    html = resp.get_data(as_text=True)
    assert resp.status_code == status, f"{path}: {resp.status_code} {html[:300]}"
    assert resp.mimetype == "text/html" and 'lang="zh-CN"' in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    return html


def test_without_a_session_or_as_a_plain_user_the_console_is_the_sign_in_screen(app, login, sides):
    east, _ = sides
    for path in console_pages(east):
        resp = Screen(app).http.get(path)
        assert resp.status_code == 401 and "工作台 · 扫码登录" in resp.get_data(as_text=True), path
    plain = Screen(app).sign_in(login())
    resp = plain.get("/console/")
    assert resp.status_code == 403 and "不是站点工作人员" in resp.get_data(as_text=True)
    # a bearer token opens no page: pages are for screens
    assert east.staff.http.get("/console/", headers={"Authorization": f"Bearer {east.staff.token}"}).status_code == 401


def test_today_shows_the_rosters_with_needs_as_icons_and_words(sides):
    east, _ = sides
    home = page(east.screen, console_pages(east)[1])
    assert "东区手工课" in home and "东区居民甲" in home
    row = re.search(r'<tr data-signup-id="%d".*?</tr>' % east.signup_id, home, re.S).group(0)
    for words in ('data-need="wheelchair"', "<svg", "轮椅", "手语翻译", "已报名", "出席", "缺席"):
        assert words in row, words
    assert '<td>1</td>' in row  # one companion
    assert 'id="checkin-code"' in home and 'data-api="POST /api/v1/staff/checkins"' in home
    rehab = page(east.screen, console_pages(east)[2])
    row = re.search(r'<tr data-appointment-id="%d".*?</tr>' % east.appointment_id, rehab, re.S).group(0)
    for words in ("东区居民乙", "物理治疗", "东区治疗师", "轮椅", "已预约", "签到", "爽约"):
        assert words in row, words
    assert "完成" not in row  # only the moves the API allows from "booked"
    # the site picker lists exactly the staff member's sites
    options = re.findall(r'<option value="(\d+)"', home)
    assert sorted(map(int, options)) == sorted([east.home.id, east.rehab.id, east.centre.id])


def test_site_a_never_sees_site_b_anywhere_in_the_console(app, login, sides):
    east, west = sides
    for me, them in ((east, west), (west, east)):
        for path in console_pages(me):
            html = page(me.screen, path)
            for name in them.names + [them.home.name, them.rehab.name, them.centre.name, them.therapist.name]:
                assert name not in html, f"{path} shows {name}"
        # the other side's sites, service and case: not found, in the console's own frame
        for path in (f"/console/?site_id={them.home.id}", f"/console/?site_id={them.rehab.id}",
                     f"/console/schedules?site_id={them.rehab.id}", f"/console/schedules/{them.service.id}",
                     f"/console/cases/{them.case_id}", f"/console/cases?site_id={them.centre.id}",
                     f"/console/loans?site_id={them.centre.id}", f"/console/reports?site_id={them.home.id}"):
            html = page(me.screen, path, 404)
            assert "没有找到" in html
            for name in them.names:
                assert name not in html
        # and the API refuses the writes the console would make on them
        assert me.screen.post(f"/api/v1/staff/signups/{them.signup_id}/attendance",
                              {"status": "attended"}).status_code == 404
        assert me.screen.post(f"/api/v1/staff/device-cases/{them.case_id}/accept", {"note": ""}).status_code == 404
    # an admin sees both sides, with a site picker over every site
    admin = login()
    db.session.get(User, admin.user_id).is_admin = True
    db.session.commit()
    screen = Screen(app).sign_in(admin)
    everything = page(screen, "/console/cases?view=all")
    assert all(side.names[2] in everything for side in sides)
    assert {str(s.id) for s in (east.home, west.home, east.centre, west.centre)} <= set(
        re.findall(r'<option value="(\d+)"', everything))
    assert east.names[0] in page(screen, console_pages(east)[1])


def test_writes_go_through_the_api_with_the_csrf_token(sides):
    east, _ = sides
    path = f"/api/v1/staff/signups/{east.signup_id}/attendance"
    refused = east.screen.post(path, {"status": "attended"}, csrf=False)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "csrf_failed"
    html = page(east.screen, console_pages(east)[1])
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    done = east.screen.post(path, {"status": "attended"}, headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.get_json()["status"] == "attended"
    assert 'data-status="attended"' in page(east.screen, console_pages(east)[1])


def test_the_schedule_page_and_a_preview_that_saves_nothing(sides):
    east, _ = sides
    html = page(east.screen, f"/console/schedules/{east.service.id}")
    assert 'id="week"' in html and "plan-data" in html and "东区治疗师" in html and "闭站日" in html
    assert "schedule.js" in html
    local = localtime.at(east.slot.starts_at, east.rehab.id)
    # a plan without the booked slot's hour: the preview reports the booked slot, nothing changes
    plan = {"slot_min": 30, "valid_from": local.date().isoformat(), "valid_to": None,
            "weekly": [{"weekday": d, "start": "03:00", "end": "03:30", "therapist_id": east.therapist.id,
                        "capacity": 1} for d in range(1, 8)]}
    if local.strftime("%H:%M") in ("03:00", "03:15"):
        plan["weekly"] = [dict(e, start="04:00", end="04:30") for e in plan["weekly"]]
    before = db.session.scalar(select(func.count()).select_from(RehabSlot))
    url = f"/api/v1/staff/rehab/services/{east.service.id}/schedule"
    preview = east.screen.post(url + "/preview", plan)
    assert preview.status_code == 200, preview.get_json()
    answer = preview.get_json()
    assert [c["reason"] for c in answer["conflicts"]] == ["booked_slot_not_in_plan"]
    assert answer["conflicts"][0]["slot_id"] == east.slot.id and answer["created"] > 0
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(RehabSlot)) == before
    assert db.session.get(RehabSlot, east.slot.id).capacity == 1
    assert east.screen.get(url).get_json()["weekly"] == []  # the plan itself was not saved
    saved = east.screen.request("PUT", url, plan)
    assert saved.status_code == 200
    assert [c["reason"] for c in saved.get_json()["conflicts"]] == ["booked_slot_not_in_plan"]
    assert saved.get_json()["created"] == answer["created"]
    # the preview answers the API's errors, next to the fields
    bad = east.screen.post(url + "/preview", dict(plan, slot_min=10))
    assert bad.status_code == 422 and "slot_min" in bad.get_json()["error"]["fields"]


def test_the_case_page_offers_the_next_action_and_the_right_form(sides):
    east, _ = sides
    worklist = page(east.screen, "/console/cases")
    assert f'href="/console/cases/{east.case_id}"' in worklist and "东区居民丙" in worklist
    case_page = page(east.screen, f"/console/cases/{east.case_id}")
    assert 'id="accept-form"' in case_page and "提交申请" in case_page
    assert east.screen.post(f"/api/v1/staff/device-cases/{east.case_id}/accept", {"note": "材料齐全"}).status_code == 200
    case_page = page(east.screen, f"/console/cases/{east.case_id}")
    assert 'id="assessment-form"' in case_page and "受理" in case_page and "材料齐全" in case_page
    forms = east.screen.get("/api/v1/staff/device-assessment-forms?domain=mobility").get_json()["items"]
    mobility = forms[0]
    # the form of the case's class (12: mobility) is the one shown, at its current version
    assert re.search(r'<option value="%d" selected>' % mobility["id"], case_page)
    assert f'data-form-id="{mobility["id"]}" >' in case_page or f'data-form-id="{mobility["id"]}" ' in case_page
    assert f'（第 {mobility["version"]} 版）' in case_page
    first = mobility["questions"][0]["key"]
    assert f'data-error-for="answers.{first}"' in case_page


def test_an_assessment_with_missing_answers_is_refused_field_by_field(sides):
    east, _ = sides
    east.screen.post(f"/api/v1/staff/device-cases/{east.case_id}/accept", {"note": ""})
    form = east.screen.get("/api/v1/staff/device-assessment-forms?domain=mobility").get_json()["items"][0]
    answers = answers_for(form)
    missing = next(iter(answers))
    del answers[missing]
    resp = east.screen.post(f"/api/v1/staff/device-cases/{east.case_id}/assessments",
                            {"form_id": form["id"], "answers": answers, "outcome": "suitable", "recommendations": []})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert f"answers.{missing}" in fields and "recommendations" in fields
    html = page(east.screen, f"/console/cases/{east.case_id}")
    assert f'data-error-for="answers.{missing}"' in html and 'data-error-for="recommendations"' in html


def test_staff_of_one_site_only_get_no_site_picker(app, login, sides):
    east, _ = sides
    clerk = login()
    staff_of(db.session.get(User, clerk.user_id), east.centre, "staff")
    html = page(Screen(app).sign_in(clerk), f"/console/cases/{east.case_id}")
    assert 'id="accept-form"' in html  # staff may accept
    assert "东区居民丙" in html and 'id="site-picker"' not in html and "东区辅具中心" in html
