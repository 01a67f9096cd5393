"""Part 2's rules: forged signatures change nothing, every 409 of the new routes, who may do what
(someone else's object is a 404), and what a maker sees (never the person's name, phone or
assessment)."""
from sqlalchemy import func, select

from backend.crypto import encrypt
from backend.devices.fitting_models import Delivery, FollowUp
from backend.devices.handovers import Handover
from backend.extensions import db
from backend.identity.models import Resident

from .conftest import deliver, followup, ship, signature, to_follow_up, to_supplying

PNG_OK = signature()


def code_of(r) -> str:
    return r.get_json()["error"]["code"]


def counts() -> tuple[int, int, int]:
    db.session.commit()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Handover, Delivery, FollowUp))


def test_a_forged_or_oversized_signature_is_422_and_nothing_changes(devices):
    w = devices
    case = to_supplying(w)
    ship(w, case)
    cid = case["id"]
    import base64
    forged = {
        "gif": base64.b64encode(b"GIF89a" + b"\x00" * 100).decode(),
        "png magic only": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100).decode(),
        "not base64": "这不是图片",
        "300 KB": signature(300 * 1024),
    }
    before = counts()
    for name, png in forged.items():
        r = w.staff.post(f"/staff/device-cases/{cid}/delivery", {
            "serial_no": "SN-0001", "fitted_at": "2026-01-10T10:00:00+08:00",
            "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": png}})
        assert r.status_code == 422, (name, r.get_json())
        assert "handover.signature_png" in r.get_json()["error"]["fields"], name
        assert counts() == before
        assert w.staff.get(f"/device-cases/{cid}").get_json()["status"] == "ready_for_fitting"
    # Past the route's own body limit (512 KiB): 413 before anything is read.
    r = w.staff.post(f"/staff/device-cases/{cid}/delivery", {
        "serial_no": "SN-0001", "fitted_at": "2026-01-10T10:00:00+08:00",
        "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": signature(450 * 1024)}})
    assert r.status_code == 413
    # Other routes keep the 64 KiB limit.
    r = w.family.post(f"/device-cases/{cid}/repairs", {"problem": "x" * 70_000})
    assert r.status_code == 413
    # A bad signer is a 422 too.
    r = w.staff.post(f"/staff/device-cases/{cid}/delivery", {
        "serial_no": "SN-0001", "fitted_at": "2026-01-10T10:00:00+08:00",
        "handover": {"signed_by": "neighbour", "signer_name": "", "signature_png": PNG_OK}})
    assert r.status_code == 422 and counts() == before
    # A fitting in the future, or without an offset: 422.
    for when in ("2099-01-10T10:00:00+08:00", "2026-01-10T10:00:00"):
        r = w.staff.post(f"/staff/device-cases/{cid}/delivery", {
            "serial_no": "SN-0001", "fitted_at": when,
            "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": PNG_OK}})
        assert r.status_code == 422 and "fitted_at" in r.get_json()["error"]["fields"]
    assert counts() == before
    deliver(w, cid)  # and the real one goes through
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 3)


def test_every_409(devices):
    w = devices
    case = to_supplying(w)
    cid, oid = case["id"], case["supply"]["id"]
    body = {"serial_no": "SN-0001", "fitted_at": "2026-01-10T10:00:00+08:00",
            "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": PNG_OK}}
    training = {"at": "2026-01-11T10:00:00+08:00", "minutes": 30}
    # Before the device is there: no fitting, no training, no repair.
    assert code_of(w.staff.post(f"/staff/device-cases/{cid}/delivery", body)) == "invalid_transition"
    assert code_of(w.staff.post(f"/staff/device-cases/{cid}/training-sessions", training)) == "invalid_transition"
    assert code_of(w.family.post(f"/device-cases/{cid}/repairs", {"problem": "坏了"})) == "invalid_transition"
    ship(w, case)
    # Shipped once; not again, and the centre cannot receive it as well.
    r = w.maker.post(f"/maker/orders/{oid}/ship", {"shipped_at": "2026-01-05T09:00:00+08:00", "serial_nos": ["X"]})
    assert r.status_code == 409 and code_of(r) == "invalid_transition"
    r = w.staff.post(f"/staff/device-cases/{cid}/received", {"from_stock": True, "serial_no": "S"})
    assert r.status_code == 409 and code_of(r) == "invalid_transition"
    deliver(w, cid)
    assert code_of(w.staff.post(f"/staff/device-cases/{cid}/delivery", body)) == "invalid_transition"
    # A follow-up is recorded in `follow_up` only: not while training is still going on.
    fids = [f["id"] for f in w.staff.get(f"/device-cases/{cid}").get_json()["followups"]]
    fu = {"method": "phone", "in_use": True, "satisfaction": 3, "outcome": "continue"}
    assert code_of(w.staff.post(f"/staff/device-followups/{fids[0]}", fu)) == "invalid_transition"
    for day in (11, 12):
        w.staff.post(f"/staff/device-cases/{cid}/training-sessions", {**training, "at": f"2026-01-{day}T10:00:00+08:00"})
    assert code_of(w.staff.post(f"/staff/device-cases/{cid}/training-sessions", training)) == "invalid_transition"
    followup(w, fids[0])
    r = w.staff.post(f"/staff/device-followups/{fids[0]}", fu)
    assert r.status_code == 409 and code_of(r) == "already_recorded"
    # One open repair at a time; a finished repair does not move again.
    rid = w.family.post(f"/device-cases/{cid}/repairs", {"problem": "坏了"}).get_json()["id"]
    r = w.family.post(f"/device-cases/{cid}/repairs", {"problem": "又坏了"})
    assert r.status_code == 409 and code_of(r) == "repair_open"
    w.staff.post(f"/staff/device-repairs/{rid}", {"status": "done", "cost_fen": 100})
    r = w.staff.post(f"/staff/device-repairs/{rid}", {"status": "in_progress"})
    assert r.status_code == 409 and code_of(r) == "invalid_transition"
    # A follow-up cancelled by closing the case cannot be recorded.
    followup(w, fids[1], "close")
    r = w.staff.post(f"/staff/device-followups/{fids[2]}", fu)
    assert r.status_code == 409 and code_of(r) == "invalid_transition"
    # A received order cannot be received twice.
    other = to_supplying_other(w)
    assert w.staff.post(f"/staff/device-cases/{other}/received", {"from_stock": False}).status_code == 200
    assert code_of(w.staff.post(f"/staff/device-cases/{other}/received", {"from_stock": False})) == \
        "invalid_transition"


def to_supplying_other(w) -> int:
    """A second case of the same person in another main class (22), through to `supplying`."""
    hearing = w.maker.post("/maker/products", {"code": "HA-1", "name": "助听器", "class_code": "22", "price_fen": 100000,
                                               "subsidy_standard_fen": 80000}).get_json()
    from .conftest import answers_for, form_of
    r = w.family.post("/me/device-cases", {"resident_id": w.resident.id, "site_id": w.centre.id, "class_code": "22",
                                           "need": "听不清", "subsidy_groups": []})
    cid = r.get_json()["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    form = form_of(w)
    w.staff.post(f"/staff/device-cases/{cid}/assessments", {
        "form_id": form["id"], "answers": answers_for(form), "outcome": "suitable",
        "recommendations": [{"class_code": "22", "product_ids": [hearing["id"]]}]})
    w.family.post(f"/device-cases/{cid}/confirm", {"product_id": hearing["id"]})
    w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved"})
    assert w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved"}) \
        .get_json()["status"] == "supplying"
    return cid


def test_the_authorization_matrix(devices, login):
    w = devices
    stranger = login()
    case = to_supplying(w)
    cid, oid = case["id"], case["supply"]["id"]
    ship_body = {"shipped_at": "2026-01-05T09:00:00+08:00", "serial_nos": ["SN-0001"]}
    # Maker routes: 403 without the role; another maker's order is a 404 and not in their list.
    assert w.family.get("/maker/orders").status_code == 403
    assert w.staff.post(f"/maker/orders/{oid}/ship", ship_body).status_code == 403
    assert w.other_maker.get("/maker/orders").get_json()["items"] == []
    assert w.other_maker.post(f"/maker/orders/{oid}/ship", ship_body).status_code == 404
    assert w.maker.post(f"/maker/orders/{oid + 999}/ship", ship_body).status_code == 404
    # Staff of another centre: 404 on every case route; no staff role at all: 403.
    for path, body in ((f"/staff/device-cases/{cid}/received", {"from_stock": True}),):
        assert w.other_staff.post(path, body).status_code == 404
        assert w.family.post(path, body).status_code == 403
    ship(w, case)
    delivery = {"serial_no": "SN-0001", "fitted_at": "2026-01-10T10:00:00+08:00",
                "handover": {"signed_by": "resident", "signer_name": "张阿姨", "signature_png": PNG_OK}}
    assert w.other_staff.post(f"/staff/device-cases/{cid}/delivery", delivery).status_code == 404
    assert w.family.post(f"/staff/device-cases/{cid}/delivery", delivery).status_code == 403
    assert w.maker.post(f"/staff/device-cases/{cid}/delivery", delivery).status_code == 403
    body = deliver(w, cid)
    hid = body["delivery"]["handover"]["id"]
    training = {"at": "2026-01-11T10:00:00+08:00", "minutes": 30}
    assert w.other_staff.post(f"/staff/device-cases/{cid}/training-sessions", training).status_code == 404
    assert w.plain_staff.post(f"/staff/device-cases/{cid}/training-sessions", training).status_code == 200
    fid = body["followups"][0]["id"]
    fu = {"method": "phone", "in_use": True, "satisfaction": 3, "outcome": "continue"}
    assert w.other_staff.post(f"/staff/device-followups/{fid}", fu).status_code == 404
    assert w.family.post(f"/staff/device-followups/{fid}", fu).status_code == 403
    assert w.other_staff.get(f"/staff/device-followups?site_id={w.centre.id}").status_code == 404
    assert w.other_staff.get("/staff/device-followups").get_json()["items"] == []
    assert w.family.get("/staff/device-followups").status_code == 403
    # Repairs: the family of the person asks; anyone else's case is a 404.
    for other in (w.other_family, w.maker, stranger):
        assert other.post(f"/device-cases/{cid}/repairs", {"problem": "坏了"}).status_code == 404
    rid = w.family.post(f"/device-cases/{cid}/repairs", {"problem": "坏了"}).get_json()["id"]
    assert w.other_staff.post(f"/staff/device-repairs/{rid}", {"status": "in_progress"}).status_code == 404
    assert w.family.post(f"/staff/device-repairs/{rid}", {"status": "in_progress"}).status_code == 403
    assert w.other_staff.get("/staff/device-repairs").get_json()["items"] == []
    assert w.other_staff.get(f"/staff/device-repairs?site_id={w.centre.id}").status_code == 404
    assert [r["id"] for r in w.admin.get("/staff/device-repairs").get_json()["items"]] == [rid]
    # The handover: the person's people and the centre; nobody else.
    for other, status in ((w.family, 200), (w.plain_staff, 200), (w.admin, 200), (w.other_staff, 404),
                          (w.other_family, 404), (w.maker, 404), (stranger, 404)):
        assert other.get(f"/device-handovers/{hid}").status_code == status


def test_a_maker_never_sees_the_persons_name_phone_or_assessment(devices):
    w = devices
    resident = db.session.get(Resident, w.resident.id)
    resident.phone_enc, resident.phone_masked = encrypt("13912345678"), "139****5678"
    db.session.commit()
    case = to_supplying(w)
    listing = w.maker.get("/maker/orders").get_data(as_text=True)
    shipped = w.maker.post(f"/maker/orders/{case['supply']['id']}/ship", {
        "shipped_at": "2026-01-05T09:00:00+08:00", "tracking": "SF1", "serial_nos": ["SN-0001"]}).get_data(as_text=True)
    after = w.maker.get("/maker/orders?status=shipped").get_data(as_text=True)
    for raw in (listing, shipped, after):
        assert "张**" in raw
        for secret in ("张阿姨", "13912345678", "139****5678", "5678", "下肢肌力", "出行需要轮椅", "seat_width",
                       "findings", "answers", "assessment", "need", "phone_masked"):
            assert secret not in raw, secret
    # And the case itself stays closed to makers.
    assert w.maker.get(f"/device-cases/{case['id']}").status_code == 404


def test_bad_input_is_422_never_500(devices):
    w = devices
    case = to_follow_up(w)
    fid = case["followups"][0]["id"]
    for bad in ({"method": "fax", "in_use": True, "satisfaction": 3, "outcome": "continue"},
                {"method": "phone", "in_use": True, "satisfaction": 5, "outcome": "continue"},
                {"method": "phone", "in_use": True, "satisfaction": 0, "outcome": "continue"},
                {"method": "phone", "in_use": True, "satisfaction": 3, "outcome": "vanish"},
                {"method": "phone", "in_use": False, "satisfaction": 3, "outcome": "continue"},  # no reason
                {"method": "phone", "in_use": True, "satisfaction": 3, "outcome": "continue", "extra": 1}):
        r = w.staff.post(f"/staff/device-followups/{fid}", bad)
        assert r.status_code == 422, (bad, r.get_json())
    assert w.staff.get(f"/device-cases/{case['id']}").get_json()["followups"][0]["status"] == "pending"
    assert w.staff.get("/staff/device-followups?status=late").status_code == 422
    assert w.staff.post(f"/staff/device-cases/{case['id']}/training-sessions",
                        {"at": "2026-01-11T10:00:00+08:00", "minutes": 0}).status_code == 422
    r = w.family.post(f"/device-cases/{case['id']}/repairs", {"problem": "坏了"})
    assert w.staff.post(f"/staff/device-repairs/{r.get_json()['id']}", {"status": "done", "cost_fen": -1}) \
        .status_code == 422
    assert w.staff.post(f"/staff/device-repairs/{r.get_json()['id']}", {"status": "requested"}).status_code == 422
    assert w.maker.post(f"/maker/orders/{case['supply']['id']}/ship", {"shipped_at": "昨天"}).status_code == 422
