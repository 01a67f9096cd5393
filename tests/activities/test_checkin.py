"""Check-in codes (valid, expired, forged, wrong site, re-scan), manual attendance, volunteer credit."""
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from backend.activities.models import Activity
from backend.audit.models import AuditEntry
from backend.db import utcnow
from backend.extensions import db

from .conftest import make_activity, minutes_total, reload, sign, signup_row


@pytest.fixture
def signed(world):
    a = make_activity(world.home, starts_in=timedelta(hours=1))  # check-in opens shortly before the start
    fam, rid = world.family(needs=("sign_language",))
    sid = sign(fam, a.id, rid, companions=1).get_json()["id"]
    return a, fam, rid, sid


def test_valid_code_checks_in_and_rescan_is_idempotent(world, signed):
    a, fam, rid, sid = signed
    r = fam.get(f"/signups/{sid}/checkin-code")
    assert r.status_code == 200
    code = r.get_json()["code"]
    assert r.get_json()["expires_at"].endswith("+08:00")
    first = world.staff.post("/staff/checkins", {"code": code})
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["status"] == "attended" and body["resident"]["needs"] == ["sign_language"]
    assert body["companions"] == 1
    attended_at = signup_row(sid).attended_at
    second = world.staff.post("/staff/checkins", {"code": code})
    assert second.status_code == 200 and second.get_json()["status"] == "attended"
    assert signup_row(sid).attended_at == attended_at
    assert world.admin.post("/staff/checkins", {"code": code}).status_code == 200
    # scanning shows needs: an audited read
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.resident_id == rid)).all()


def test_expired_code(app, world, signed):
    a, fam, rid, sid = signed
    old = app.config["CHECKIN_CODE_MINUTES"]
    app.config["CHECKIN_CODE_MINUTES"] = -1  # a code issued more than its lifetime ago
    try:
        code = fam.get(f"/signups/{sid}/checkin-code").get_json()["code"]
    finally:
        app.config["CHECKIN_CODE_MINUTES"] = old
    r = world.staff.post("/staff/checkins", {"code": code})
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "code_expired")
    assert signup_row(sid).status == "confirmed"


def test_forged_and_garbage_codes(app, world, signed):
    a, fam, rid, sid = signed
    exp = int((utcnow() + timedelta(minutes=5)).timestamp())
    forged = URLSafeSerializer("not-the-secret", salt="activity-checkin").dumps({"s": sid, "e": exp})
    real = fam.get(f"/signups/{sid}/checkin-code").get_json()["code"]
    payload, sig = real.rsplit(".", 1)
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + sig
    wrong_shape = URLSafeSerializer(app.config["SECRET_KEY"], salt="activity-checkin").dumps(["x"])
    for code in (forged, tampered, "garbage", "a.b.c", wrong_shape):
        r = world.staff.post("/staff/checkins", {"code": code})
        assert (r.status_code, r.get_json()["error"]["code"]) == (422, "code_invalid"), code
    assert world.staff.post("/staff/checkins", {"code": ""}).status_code == 422
    assert signup_row(sid).status == "confirmed"


def test_wrong_site_and_roles(world, signed, login, client):
    a, fam, rid, sid = signed
    code = fam.get(f"/signups/{sid}/checkin-code").get_json()["code"]
    r = world.other_staff.post("/staff/checkins", {"code": code})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "wrong_site")
    assert fam.post("/staff/checkins", {"code": code}).status_code == 403
    assert client.post("/staff/checkins", {"code": code}).status_code == 401
    assert signup_row(sid).status == "confirmed"


def test_code_only_for_the_signer_and_confirmed_signups(world, signed, login):
    a, fam, rid, sid = signed
    assert login().get(f"/signups/{sid}/checkin-code").status_code == 404
    assert world.other_staff.get(f"/signups/{sid}/checkin-code").status_code == 404
    full = make_activity(world.home, capacity=1)
    f1, r1 = world.family()
    f2, r2 = world.family()
    sign(f1, full.id, r1)
    waiting = sign(f2, full.id, r2).get_json()["id"]
    r = f2.get(f"/signups/{waiting}/checkin-code")
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "signup_not_confirmed")


def test_manual_attendance(world, signed):
    a, fam, rid, sid = signed
    r = world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "no_show"})
    assert r.status_code == 200 and r.get_json()["status"] == "no_show"
    r = world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"})
    assert r.get_json()["status"] == "attended" and r.get_json()["attended_at"]
    assert world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "maybe"}).status_code == 422
    assert world.other_staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"}).status_code == 404
    assert fam.post(f"/staff/signups/{sid}/attendance", {"status": "attended"}).status_code == 403
    assert reload(Activity, a.id).seats_taken == 2  # attendance keeps the seats


def _past_activity(world, hours=3):
    a = make_activity(world.home, starts_in=timedelta(hours=1), hours=hours)
    return a


def _move_to_past(activity_id):
    a = reload(Activity, activity_id)
    length = a.ends_at - a.starts_at
    a.starts_at = utcnow() - timedelta(hours=4)
    a.ends_at = a.starts_at + length
    db.session.commit()


def test_volunteer_credit_on_completion_and_correction(world):
    a = _past_activity(world, hours=3)
    v1, v2 = world.volunteer(), world.volunteer()
    s1 = sign(v1, a.id).get_json()["id"]
    s2 = sign(v2, a.id).get_json()["id"]
    code = v1.get(f"/signups/{s1}/checkin-code").get_json()["code"]
    assert world.staff.post("/staff/checkins", {"code": code}).get_json()["volunteer"]["skills"] == \
        ["sign_language"]
    world.staff.post(f"/staff/signups/{s2}/attendance", {"status": "no_show"})
    _move_to_past(a.id)
    r = world.staff.post(f"/staff/activities/{a.id}/complete")
    assert r.status_code == 200
    assert minutes_total(v1.user_id) == 180 and minutes_total(v2.user_id) == 0
    assert signup_row(s1).minutes_credited == 180 and signup_row(s2).minutes_credited is None
    hours = v1.get("/me/volunteer-hours").get_json()
    assert hours["minutes_total"] == 180
    assert [(e["activity"]["id"], e["minutes"]) for e in hours["entries"]] == [(a.id, 180)]
    assert hours["entries"][0]["credited_at"].endswith("+08:00")
    # correction keeps minutes_total in step
    r = world.staff.put(f"/staff/signups/{s1}/volunteer-minutes", {"minutes": 150})
    assert r.status_code == 200 and r.get_json()["minutes_credited"] == 150
    assert minutes_total(v1.user_id) == 150
    world.staff.put(f"/staff/signups/{s2}/volunteer-minutes", {"minutes": 60})  # came after all
    assert minutes_total(v2.user_id) == 60
    assert world.staff.put(f"/staff/signups/{s1}/volunteer-minutes", {"minutes": -5}).status_code == 422
    assert world.other_staff.put(f"/staff/signups/{s1}/volunteer-minutes", {"minutes": 5}).status_code == 404
    assert v1.put(f"/staff/signups/{s1}/volunteer-minutes", {"minutes": 999}).status_code == 403
    assert minutes_total(v1.user_id) == 150
    # attendance is locked once completed
    r = world.staff.post(f"/staff/signups/{s2}/attendance", {"status": "attended"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "activity_closed")
    # a second completion credits nobody twice
    assert world.staff.post(f"/staff/activities/{a.id}/complete").status_code == 409
    assert minutes_total(v1.user_id) == 150


def test_minutes_correction_only_after_completion_and_for_volunteers(world):
    a = make_activity(world.home)
    v = world.volunteer()
    sid = sign(v, a.id).get_json()["id"]
    r = world.staff.put(f"/staff/signups/{sid}/volunteer-minutes", {"minutes": 30})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "activity_not_completed")
    fam, rid = world.family()
    pid = sign(fam, a.id, rid).get_json()["id"]
    r = world.staff.put(f"/staff/signups/{pid}/volunteer-minutes", {"minutes": 30})
    assert r.get_json()["error"]["code"] == "not_a_volunteer"
    assert minutes_total(v.user_id) == 0


def test_volunteer_hours_for_a_user_without_profile(login):
    assert login().get("/me/volunteer-hours").get_json() == {"minutes_total": 0, "entries": []}


def test_attendance_not_days_ahead_and_cancel_keeps_attendance(world):
    early = make_activity(world.home, starts_in=timedelta(days=3))
    fam, rid = world.family()
    sid = sign(fam, early.id, rid).get_json()["id"]
    r = world.staff.post(f"/staff/signups/{sid}/attendance", {"status": "attended"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "activity_not_started")
    code = fam.get(f"/signups/{sid}/checkin-code").get_json()["code"]
    assert world.staff.post("/staff/checkins", {"code": code}).status_code == 409

    soon = make_activity(world.home, starts_in=timedelta(hours=1))
    fam2, rid2 = world.family()
    fam3, rid3 = world.family()
    came = sign(fam2, soon.id, rid2).get_json()["id"]
    booked = sign(fam3, soon.id, rid3).get_json()["id"]
    assert world.staff.post(f"/staff/signups/{came}/attendance", {"status": "attended"}).status_code == 200
    assert world.staff.post(f"/staff/activities/{soon.id}/cancel", {"reason": "暴雨"}).status_code == 200
    assert signup_row(came).status == "attended"  # history stays (DESIGN: nothing leaves attended)
    assert signup_row(booked).status == "cancelled"
