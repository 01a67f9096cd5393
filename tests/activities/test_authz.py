"""The authorization matrix of the activities routes: who gets which status.

Roles: anonymous, a plain user, the family of another resident, staff of another
home, staff of this home, an admin. Each cell gets fresh objects, so one role's
success does not change what the next role sees.
"""
from datetime import timedelta

import pytest

from backend.db import utcnow
from backend.extensions import db

from ..conftest import Api
from .conftest import make_activity, reload, sign

ROLES = ("anonymous", "plain", "other_family", "other_staff", "staff", "admin")


def _new_body(w):
    starts = utcnow() + timedelta(days=4)
    return {"site_id": w.home.id, "title": "茶话会", "category": "social", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": 5}


def _resident_signup(w):
    a = make_activity(w.home, starts_in=timedelta(hours=1))
    fam, rid = w.family(known_at=w.home)
    return a, fam, rid, sign(fam, a.id, rid).get_json()["id"]


def _completed_volunteer_signup(w):
    a = make_activity(w.home, starts_in=timedelta(hours=1))
    v = w.volunteer()
    sid = sign(v, a.id).get_json()["id"]
    w.staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"})
    act = reload(type(a), a.id)
    act.starts_at, act.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    act.status = "completed"
    db.session.commit()
    return sid


def _checkin_code(w):
    a, fam, rid, sid = _resident_signup(w)
    return fam.get(f"/signups/{sid}/checkin-code").get_json()["code"]


def _past_activity(w):
    return make_activity(w.home, starts_in=timedelta(hours=-2)).id


CASES = {
    "list": (lambda w: ("GET", "/activities", None), (200, 200, 200, 200, 200, 200)),
    "read_published": (lambda w: ("GET", f"/activities/{make_activity(w.home).id}", None),
                       (200, 200, 200, 200, 200, 200)),
    "read_draft": (lambda w: ("GET", f"/activities/{make_activity(w.home, status='draft').id}", None),
                   (404, 404, 404, 404, 200, 200)),
    "sign_up_resident": (lambda w: (lambda a, rid: ("POST", f"/activities/{a.id}/signups", {"resident_id": rid}))(
        make_activity(w.home), w.family(known_at=w.home)[1]), (401, 404, 404, 404, 201, 201)),
    "sign_up_volunteer": (lambda w: ("POST", f"/activities/{make_activity(w.home).id}/signups",
                                     {"role": "volunteer"}), (401, 403, 403, 403, 403, 403)),
    "cancel_signup": (lambda w: ("POST", f"/signups/{_resident_signup(w)[3]}/cancel", None),
                      (401, 404, 404, 404, 200, 200)),
    "checkin_code": (lambda w: ("GET", f"/signups/{_resident_signup(w)[3]}/checkin-code", None),
                     (401, 404, 404, 404, 404, 404)),
    "my_signups": (lambda w: ("GET", "/me/signups", None), (401, 200, 200, 200, 200, 200)),
    "volunteer_hours": (lambda w: ("GET", "/me/volunteer-hours", None), (401, 200, 200, 200, 200, 200)),
    "staff_list": (lambda w: ("GET", f"/staff/activities?site_id={w.home.id}", None),
                   (401, 403, 403, 404, 200, 200)),
    "create": (lambda w: ("POST", "/staff/activities", _new_body(w)), (401, 403, 403, 404, 201, 201)),
    "edit": (lambda w: ("PATCH", f"/staff/activities/{make_activity(w.home).id}", {"title": "改"}),
             (401, 403, 403, 404, 200, 200)),
    "publish": (lambda w: ("POST", f"/staff/activities/{make_activity(w.home, status='draft').id}/publish",
                           None), (401, 403, 403, 404, 200, 200)),
    "cancel_activity": (lambda w: ("POST", f"/staff/activities/{make_activity(w.home).id}/cancel",
                                   {"reason": "场地维修"}), (401, 403, 403, 404, 200, 200)),
    "complete": (lambda w: ("POST", f"/staff/activities/{_past_activity(w)}/complete", None),
                 (401, 403, 403, 404, 200, 200)),
    "roster": (lambda w: ("GET", f"/staff/activities/{make_activity(w.home).id}/roster", None),
               (401, 403, 403, 404, 200, 200)),
    "checkin": (lambda w: ("POST", "/staff/checkins", {"code": _checkin_code(w)}),
                (401, 403, 403, 409, 200, 200)),
    "attendance": (lambda w: ("POST", f"/staff/signups/{_resident_signup(w)[3]}/attendance",
                              {"status": "attended"}), (401, 403, 403, 404, 200, 200)),
    "volunteer_minutes": (lambda w: ("PUT", f"/staff/signups/{_completed_volunteer_signup(w)}/volunteer-minutes",
                                     {"minutes": 30}), (401, 403, 403, 404, 200, 200)),
}


@pytest.fixture
def clients(world, client):
    return {"anonymous": client, "plain": world.login(), "other_family": world.family()[0],
            "other_staff": world.other_staff, "staff": world.staff, "admin": world.admin}


@pytest.mark.parametrize("case", sorted(CASES))
def test_authorization_matrix(case, world, clients):
    make, expected = CASES[case]
    got = {}
    for role in ROLES:
        method, path, body = make(world)
        api: Api = clients[role]
        r = api.request(method, path, body)
        got[role] = r.status_code
        assert r.is_json, (case, role)
    assert got == dict(zip(ROLES, expected)), case
