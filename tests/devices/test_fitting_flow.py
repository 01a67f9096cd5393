"""Part 2 of the loop over HTTP, in process: the maker ships, the centre fits the device with a signed
handover, trains the person, follows up at 30/90/180 days (a repair on the way), and the case
closes; a closed case's device then counts for the useful-life lockout."""
from datetime import date, timedelta

from sqlalchemy import func, select

from backend.devices.fitting_models import FollowUp, TrainingSession
from backend.devices.case_models import SupplyOrder
from backend.extensions import db
from backend.notifications.models import Notification

from .conftest import (apply, assess, deliver, followup, ship, signature, to_follow_up, to_supplying, train)


def kinds_for(user_id: int) -> list[str]:
    db.session.commit()  # a fresh read of what the requests committed
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user_id)
                                   .order_by(Notification.id)))


def test_the_whole_loop(devices):
    w = devices
    case = to_supplying(w)
    cid = case["id"]

    orders = w.maker.get("/maker/orders?status=open").get_json()
    assert [o["id"] for o in orders["items"]] == [case["supply"]["id"]]
    order = orders["items"][0]
    assert order["product"]["id"] == w.light["id"] and order["quantity"] == 1
    assert order["site"]["id"] == w.centre.id and order["resident_name"] == "张**"

    shipped = ship(w, case, "SN-0001")
    assert shipped["status"] == "shipped" and shipped["tracking"] == "SF123" and shipped["serial_nos"] == ["SN-0001"]
    assert w.maker.get("/maker/orders?status=open").get_json()["items"] == []
    seen = w.family.get(f"/device-cases/{cid}").get_json()
    assert seen["status"] == "ready_for_fitting" and seen["supply"]["status"] == "shipped"
    assert seen["waiting_on"]["step"] == "deliver"
    assert kinds_for(w.family.user_id)[-1] == "device_case_update"

    delivered = deliver(w, cid, "SN-0001")
    assert delivered["status"] == "training"
    d = delivered["delivery"]
    assert d["serial_no"] == "SN-0001" and d["fitted_at"] == "2026-01-10T10:00:00+08:00"
    assert d["handover"]["signed_by"] == "guardian" and d["handover"]["signer_name"] == "李明"
    assert d["handover"]["text_version"] == "2026.1" and "SN-0001" in d["handover"]["text"]
    assert "signature_png" not in d["handover"]  # the case view leaves the image out
    # One follow-up per DEVICE_FOLLOWUP_DAYS offset, due on the site's local calendar.
    assert [(f["offset_days"], f["due_on"], f["status"]) for f in delivered["followups"]] == [
        (30, "2026-02-09", "pending"), (90, "2026-04-10", "pending"), (180, "2026-07-09", "pending")]
    # The handover is shown again with its signature, to the family and to the staff.
    h = w.family.get(f"/device-handovers/{d['handover']['id']}").get_json()
    assert h["signature_png"] == signature() and h["text"] == d["handover"]["text"]

    first = train(w, cid, 1)
    assert first["status"] == "training" and (first["training"]["planned"], first["training"]["done"]) == (2, 1)
    assert first["training"]["sessions"][0]["content"] == "转移与推行"
    trained = train(w, cid, 1)
    assert trained["status"] == "follow_up" and trained["training"]["done"] == 2

    f30, f90, f180 = [f["id"] for f in trained["followups"]]
    assert followup(w, f30, "continue")["status"] == "done"
    assert w.family.get(f"/device-cases/{cid}").get_json()["status"] == "follow_up"

    followup(w, f90, "repair", in_use=False, not_used_reason="刹车失灵", satisfaction=2, note="左侧刹车失灵")
    case_now = w.family.get(f"/device-cases/{cid}").get_json()
    [repair] = case_now["repairs"]
    assert repair["status"] == "requested" and repair["problem"] == "左侧刹车失灵" and repair["followup_id"] == f90
    listed = w.staff.get(f"/staff/device-repairs?site_id={w.centre.id}&status=requested").get_json()
    assert [r["id"] for r in listed["items"]] == [repair["id"]]
    r = w.staff.post(f"/staff/device-repairs/{repair['id']}", {"status": "in_progress", "note": "已取回"})
    assert r.status_code == 200 and r.get_json()["status"] == "in_progress"
    r = w.staff.post(f"/staff/device-repairs/{repair['id']}", {"status": "done", "note": "更换刹车片", "cost_fen": 3500})
    assert r.status_code == 200 and (r.get_json()["status"], r.get_json()["cost_fen"]) == ("done", 3500)
    assert w.family.get(f"/device-cases/{cid}").get_json()["status"] == "follow_up"  # a follow-up remains

    followup(w, f180, "continue")
    closed = w.family.get(f"/device-cases/{cid}").get_json()
    assert closed["status"] == "closed" and closed["waiting_on"] is None
    assert [h["action"] for h in closed["history"]] == [
        "submitted", "accepted", "assessed", "confirmed", "approved:review", "approved:approve", "shipped",
        "delivered", "training", "training", "trained", "followup:continue", "followup:repair", "repair_requested",
        "repair_in_progress", "repair_done", "followup:continue", "closed"]
    assert all(h["at"].endswith("+08:00") for h in closed["history"])

    # The loop closes: the delivered wheelchair locks out a new application of class 12 for 60 months.
    r = w.family.post("/me/device-cases", {"resident_id": w.resident.id, "site_id": w.centre.id, "class_code": "12",
                                           "need": "再申请", "subsidy_groups": []})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "within_useful_life"


def test_received_from_stock_and_a_product_without_training(devices):
    w = devices
    case = to_supplying(w, w.heavy)  # no training sessions
    r = w.staff.post(f"/staff/device-cases/{case['id']}/received", {"from_stock": True, "serial_no": "STOCK-7"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "ready_for_fitting" and body["supply"]["from_stock"] is True
    assert body["supply"]["status"] == "received" and body["supply"]["received_at"]
    # The order is no longer the maker's to ship.
    r = w.maker.post(f"/maker/orders/{case['supply']['id']}/ship", {"shipped_at": "2026-01-05T09:00:00+08:00"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    # The serial number must be the one registered (配发一件登记一件).
    bad = w.staff.post(f"/staff/device-cases/{case['id']}/delivery", {
        "serial_no": "OTHER", "fitted_at": "2026-01-10T10:00:00+08:00",
        "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": signature()}})
    assert bad.status_code == 422 and "serial_no" in bad.get_json()["error"]["fields"]
    done = deliver(w, case["id"], "STOCK-7", signed_by="staff_for_resident", signer_name="王工作人员")
    assert done["status"] == "follow_up" and done["training"] == {"planned": 0, "done": 0, "sessions": []}
    assert done["delivery"]["handover"]["signed_by"] == "staff_for_resident"


def test_close_and_adjust_on_the_last_close_the_case(devices):
    w = devices
    case = to_follow_up(w)
    f30, f90, f180 = [f["id"] for f in case["followups"]]
    followup(w, f30, "close", note="本人不再需要")
    closed = w.family.get(f"/device-cases/{case['id']}").get_json()
    assert closed["status"] == "closed" and closed["closed_reason"] == "本人不再需要"
    assert [f["status"] for f in closed["followups"]] == ["done", "cancelled", "cancelled"]


def test_reassess_sends_the_case_round_again_with_a_new_order(devices):
    w = devices
    case = to_follow_up(w)
    cid = case["id"]
    f30 = case["followups"][0]["id"]
    followup(w, f30, "reassess", in_use=False, not_used_reason="尺寸不合适", satisfaction=1, note="需换更宽的")
    back = w.staff.get(f"/device-cases/{cid}").get_json()
    assert back["status"] == "assessment_pending"
    assert [f["status"] for f in back["followups"]] == ["done", "cancelled", "cancelled"]
    assess(w, cid, products=[w.heavy["id"]])
    assert w.family.post(f"/device-cases/{cid}/confirm", {"product_id": w.heavy["id"]}).status_code == 200
    w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved", "opinion": "可"})
    again = w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved"}).get_json()
    assert again["status"] == "supplying" and again["supply"]["status"] == "open"
    assert db.session.scalar(select(func.count()).select_from(SupplyOrder).where(SupplyOrder.case_id == cid)) == 2
    ship(w, again, "SN-0002")
    second = deliver(w, cid, "SN-0002")
    assert second["status"] == "follow_up" and second["delivery"]["serial_no"] == "SN-0002"
    assert [f["status"] for f in second["followups"]] == ["pending"] * 3  # the new round's follow-ups


def test_a_family_requests_a_repair_of_a_delivered_device(devices):
    w = devices
    case = to_follow_up(w)
    r = w.family.post(f"/device-cases/{case['id']}/repairs", {"problem": "轮胎漏气"})
    assert r.status_code == 201 and r.get_json()["status"] == "requested"
    r2 = w.staff.post(f"/staff/device-repairs/{r.get_json()['id']}", {"status": "replaced", "cost_fen": 0,
                                                                      "note": "整车更换"})
    assert r2.status_code == 200 and r2.get_json()["status"] == "replaced" and r2.get_json()["finished_at"]


def test_a_completed_device_training_appointment_counts_as_a_session(devices):
    from .test_assessment_appointment import _appointment
    w = devices
    case = to_supplying(w)
    ship(w, case)
    deliver(w, case["id"])
    aid = _appointment(w, "device_training")
    r = w.staff.post(f"/staff/appointments/{aid}/status", {"status": "completed", "note": ""})
    assert r.status_code == 200, r.get_json()
    seen = w.staff.get(f"/device-cases/{case['id']}").get_json()
    assert seen["training"]["done"] == 1 and seen["training"]["sessions"][0]["appointment_id"] == aid
    assert seen["training"]["sessions"][0]["minutes"] == 60
    other = _appointment(w, "physio")  # another kind of appointment counts for nothing
    w.staff.post(f"/staff/appointments/{other}/status", {"status": "completed", "note": ""})
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 1
    assert train(w, case["id"], 1)["status"] == "follow_up"


def test_due_dates_follow_the_sites_calendar_and_the_config(app, devices):
    """Fitted at 23:30 in Shanghai on 10 January = 15:30 UTC: the follow-up is 30 local days later."""
    w = devices
    app.config["DEVICE_FOLLOWUP_DAYS"] = "7,30"
    try:
        case = to_supplying(w)
        ship(w, case)
        r = w.staff.post(f"/staff/device-cases/{case['id']}/delivery", {
            "serial_no": "SN-0001", "fitted_at": "2026-01-10T15:30:00+00:00",
            "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": signature()}})
        assert r.status_code == 200, r.get_json()
    finally:
        app.config["DEVICE_FOLLOWUP_DAYS"] = "30,90,180"
    assert [f["due_on"] for f in r.get_json()["followups"]] == ["2026-01-17", "2026-02-09"]
    assert db.session.scalar(select(func.min(FollowUp.due_on))) == date(2026, 1, 10) + timedelta(days=7)
