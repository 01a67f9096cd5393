"""User-written text is checked with msg_sec_check v2 (the fake finds 违禁 risky)."""
import requests


def test_risky_nickname_rejected_nothing_changed(login):
    api = login()
    r = api.patch("/me", {"nickname": "含违禁内容"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "content_rejected"
    assert api.get("/me").get_json()["nickname"] == ""
    assert api.patch("/me", {"nickname": "小明"}).status_code == 200


def test_risky_volunteer_intro_and_resident_notes(login):
    api = login()
    r = api.post("/me/volunteer", {"real_name": "李", "skills": [], "intro": "违禁"})
    assert r.get_json()["error"]["code"] == "content_rejected"
    assert api.get("/me").get_json()["volunteer"] is None
    r = api.post("/me/residents", {"name": "甲", "relation": "self", "disability_category": "visual",
                                   "disability_level": 1, "notes": "违禁", "consent": {"sensitive_info": True}})
    assert r.get_json()["error"]["code"] == "content_rejected"


def test_check_unavailable_accepts_text(login, app):
    api = login()
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults",
                  json={"api": "msg_sec_check", "mode": "error", "errcode": -1}, timeout=5)
    assert api.patch("/me", {"nickname": "小红"}).status_code == 200


def test_risky_order_and_appointment_notes(login, app, db_session):
    from ..cafe.helpers import add_item, make_cafe, order_body, place
    from ..factories import ResidentFactory, SiteFactory, link
    from ..rehab.conftest import make_service, make_slot, make_therapist
    api = login()
    cafe = make_cafe()
    item = add_item(cafe)
    r = place(api, cafe.id, order_body(item.id, note="违禁"))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "content_rejected"
    rehab = SiteFactory(kind="rehab")
    slot = make_slot(make_service(rehab), make_therapist(rehab), hours=30)
    resident = ResidentFactory()
    link(api.user_id, resident)
    r = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id, "note": "违禁"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "content_rejected"
    assert api.get("/me/orders").get_json()["total"] == 0
    assert api.get("/me/appointments").get_json()["total"] == 0
