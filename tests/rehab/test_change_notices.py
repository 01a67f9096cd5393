"""Issue 15, item 2: a rescheduled appointment tells the family (kind `appointment_rescheduled`, the
old and the new time at the station's wall clock) and a family's own cancel is confirmed in the inbox.
Staff cancellations already notified (test_booking.py)."""
from backend import localtime

from ..test_local_time import fake_messages, send_all
from .conftest import make_slot


def inbox(api):
    return api.get("/me/notifications").get_json()["items"]


def test_reschedule_notifies_every_linked_user_with_old_and_new_time(app, station, family, login):
    from ..factories import link
    from backend.extensions import db
    from backend.identity.models import Resident
    api, resident = family()
    spouse = login()
    link(spouse.user_id, db.session.get(Resident, resident.id), "spouse")
    old = make_slot(station.service, station.therapist, hours=30)
    new = make_slot(station.service, station.therapist, hours=54)
    old_text, new_text = localtime.text(old.starts_at, station.site), localtime.text(new.starts_at, station.site)
    a = api.post("/appointments", {"slot_id": old.id, "resident_id": resident.id}).get_json()
    api.post("/me/subscriptions", {"accepted": ["tmpl_appointment_rescheduled"]})
    send_all(app)  # the booking notice goes (no credit for it: inbox only)
    assert api.post(f"/appointments/{a['id']}/reschedule", {"slot_id": new.id}).status_code == 200
    for who in (api, spouse):
        latest = inbox(who)[0]
        assert latest["kind"] == "appointment_rescheduled" and latest["title"] == "康复预约已改约"
        assert f"由 {old_text} 改为 {new_text}" in latest["body"]
    send_all(app)
    [message] = [m for m in fake_messages(app, api.openid) if m["template_id"] == "tmpl_appointment_rescheduled"]
    assert message["data"]["time2"]["value"] == localtime.at(new.starts_at, station.site).strftime("%Y年%m月%d日 %H:%M")
    assert message["data"]["time3"]["value"] == localtime.at(old.starts_at, station.site).strftime("%Y年%m月%d日 %H:%M")
    assert message["page"] == f"pages/appointments/detail?id={a['id']}"


def test_own_cancel_is_confirmed_in_the_inbox(station, family):
    api, resident = family()
    slot = make_slot(station.service, station.therapist, hours=30)
    a = api.post("/appointments", {"slot_id": slot.id, "resident_id": resident.id}).get_json()
    assert api.post(f"/appointments/{a['id']}/cancel", {"reason": "临时有事"}).status_code == 200
    latest = inbox(api)[0]
    assert latest["kind"] == "appointment_cancelled" and latest["title"] == "康复预约已取消"
    assert localtime.text(slot.starts_at, station.site) in latest["body"] and "已按您的申请取消" in latest["body"]
    assert [n["kind"] for n in inbox(api)] == ["appointment_cancelled", "appointment_booked"]
