"""The loan's life over the API: reserve (a held unit), checkout with the signed handover, renew,
return through inspection, and the rules that refuse."""
from datetime import timedelta

from sqlalchemy import select, update

from backend import localtime
from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.loans.models import DeviceItem, DeviceLoan

from .conftest import HANDOVER, add_units, checkout, due_in, lend, reserve


def item_status(item_id: int) -> str:
    db.session.expire_all()
    return db.session.get(DeviceItem, item_id).status


def available(w, client, product) -> int:
    items = client.get(f"/devices/loanable?site_id={w.centre.id}").get_json()["items"]
    return next((i["available"] for i in items if i["product"]["id"] == product.id), 0)


def test_availability_reserve_checkout_return_inspect(world, client):
    w = world
    units = add_units(w, w.wheelchair, 3)
    assert available(w, client, w.wheelchair) == 3
    by_class = client.get("/devices/loanable?class_code=12").get_json()["items"]
    assert {(i["site_id"], i["product"]["name"], i["available"]) for i in by_class} == {(w.centre.id, "轻便轮椅", 3)}
    assert by_class[0]["site_name"] == "东营区辅具中心"

    loan = reserve(w, purpose="awaiting_subsidy")
    assert loan["status"] == "reserved" and loan["item"]["id"] == units[0]["id"] and loan["due_on"] is None
    assert loan["hold_expires_at"].endswith("+08:00") and loan["renewals"] == 0 and loan["purpose"] == "awaiting_subsidy"
    assert item_status(units[0]["id"]) == "reserved" and available(w, client, w.wheelchair) == 2

    out = checkout(w, loan, days=60)
    assert out["status"] == "on_loan" and out["due_on"] == due_in(w, 60) and out["hold_expires_at"] is None
    assert item_status(units[0]["id"]) == "on_loan"
    handover = w.family.get(f"/device-handovers/{out['handover_id']}").get_json()
    assert handover["kind"] == "loan" and "借用" in handover["text"] and units[0]["serial_no"] in handover["text"]
    assert handover["signature_png"] == HANDOVER["signature_png"]

    back = w.staff.post(f"/staff/device-loans/{loan['id']}/return", {"condition": "worn", "note": "轮胎有磨损"})
    assert back.status_code == 200 and back.get_json()["status"] == "returned"
    assert item_status(units[0]["id"]) == "inspection"
    assert [h["action"] for h in back.get_json()["history"]] == ["reserved", "held", "checked_out", "returned"]
    unit = w.staff.get(f"/staff/device-items/{units[0]['id']}").get_json()
    assert unit["condition"] == "worn" and [h["action"] for h in unit["history"]] == [
        "added", "reserved", "checked_out", "returned"]
    ok = w.staff.post(f"/staff/device-items/{units[0]['id']}/inspection", {"result": "available", "note": "已消毒"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "available"
    assert available(w, client, w.wheelchair) == 3


def test_due_date_bounded_by_loan_days_and_forged_signature_changes_nothing(world):
    w = world
    add_units(w, w.walker, 1)
    loan = reserve(w, w.walker)
    too_long = checkout(w, loan, days=31, expect=422)  # walker: loan_days 30
    assert "due_on" in too_long["error"]["fields"]
    checkout(w, loan, days=0, expect=422)
    forged = w.staff.post(f"/staff/device-loans/{loan['id']}/checkout", {
        "item_id": loan["item"]["id"], "due_on": due_in(w, 10),
        "handover": {**HANDOVER, "signature_png": "R0lGODlhAQABAAAAACw="}})  # a GIF
    assert forged.status_code == 422 and "handover.signature_png" in forged.get_json()["error"]["fields"]
    blank = w.staff.post(f"/staff/device-loans/{loan['id']}/checkout", {
        "item_id": loan["item"]["id"], "due_on": due_in(w, 10), "handover": {**HANDOVER, "signer_name": "  "}})
    assert blank.status_code == 422 and "handover.signer_name" in blank.get_json()["error"]["fields"]
    assert w.family.get(f"/device-loans/{loan['id']}").get_json()["status"] == "reserved"
    assert item_status(loan["item"]["id"]) == "reserved"
    assert checkout(w, loan, days=30)["status"] == "on_loan"


def test_a_returned_unit_is_not_lent_until_inspected_and_a_scrapped_one_never(world):
    w = world
    (unit,) = add_units(w, w.wheelchair, 1)
    loan = lend(w)
    w.staff.post(f"/staff/device-loans/{loan['id']}/return", {"condition": "good", "note": ""})
    refused = reserve(w, client=w.other_family, resident=w.other_resident, expect=409)
    assert refused["error"]["code"] == "none_available"
    r = w.staff.patch(f"/staff/device-items/{unit['id']}", {"status": "available"})  # no skipping the inspection
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    assert w.staff.post(f"/staff/device-items/{unit['id']}/inspection",
                        {"result": "scrapped", "note": "车架断裂"}).get_json()["status"] == "scrapped"
    for move in ({"status": "available"}, {"status": "repair"}):
        assert w.staff.patch(f"/staff/device-items/{unit['id']}", move).status_code == 409
    assert w.staff.post(f"/staff/device-items/{unit['id']}/inspection", {"result": "available"}).status_code == 409
    assert reserve(w, client=w.other_family, resident=w.other_resident, expect=409)["error"]["code"] == "none_available"
    # Checkout cannot take it either, even named explicitly.
    add_units(w, w.wheelchair, 1, prefix="NEW")
    other = reserve(w, client=w.other_family, resident=w.other_resident)
    bad = checkout(w, other, item_id=unit["id"], expect=409)
    assert bad["error"]["code"] == "item_unavailable"


def test_renewal_rules(world):
    w = world
    add_units(w, w.wheelchair, 2)
    loan = lend(w, days=20)
    r = w.family.post(f"/device-loans/{loan['id']}/renew")
    assert r.status_code == 200 and r.get_json()["due_on"] == due_in(w, 80) and r.get_json()["renewals"] == 1
    again = w.family.post(f"/device-loans/{loan['id']}/renew")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "renewal_limit"


def test_no_renewal_while_someone_else_waits(world):
    w = world
    units = add_units(w, w.wheelchair, 2)
    loan = lend(w, days=20)
    waiting = reserve(w, client=w.other_family, resident=w.other_resident)
    assert waiting["item"]["id"] == units[1]["id"]
    # The other person's held unit goes to repair and no other is free: they wait.
    assert w.staff.patch(f"/staff/device-items/{units[1]['id']}", {"status": "repair"}).status_code == 200
    seen = w.other_family.get(f"/device-loans/{waiting['id']}").get_json()
    assert seen["status"] == "reserved" and seen["item"] is None and seen["waiting"] is True
    r = w.family.post(f"/device-loans/{loan['id']}/renew")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "reserved_by_other"
    # Back from repair: the unit is held for the one who waited, and they are told.
    assert w.staff.patch(f"/staff/device-items/{units[1]['id']}", {"status": "available"}).status_code == 200
    served = w.other_family.get(f"/device-loans/{waiting['id']}").get_json()
    assert served["item"]["id"] == units[1]["id"] and served["hold_expires_at"] and not served["waiting"]
    inbox = w.other_family.get("/me/notifications").get_json()["items"]
    assert [n["kind"] for n in inbox].count("device_loan_update") == 2
    assert w.family.post(f"/device-loans/{loan['id']}/renew").status_code == 200


def test_repair_moves_a_hold_to_another_free_unit(world):
    w = world
    units = add_units(w, w.wheelchair, 2)
    loan = reserve(w)
    assert w.staff.patch(f"/staff/device-items/{units[0]['id']}", {"status": "repair", "note": "刹车失灵"}).status_code == 200
    moved = w.family.get(f"/device-loans/{loan['id']}").get_json()
    assert moved["item"]["id"] == units[1]["id"] and moved["hold_expires_at"] == loan["hold_expires_at"]
    assert item_status(units[1]["id"]) == "reserved" and item_status(units[0]["id"]) == "repair"


def _make_overdue(loan_id: int, days: int = 1) -> None:
    db.session.execute(update(DeviceLoan).where(DeviceLoan.id == loan_id).values(
        due_on=localtime.today() - timedelta(days=days)))
    db.session.commit()


def test_an_overdue_loan_blocks_new_reservations_and_its_renewal(world):
    w = world
    add_units(w, w.wheelchair, 2)
    add_units(w, w.walker, 1)
    loan = lend(w)
    _make_overdue(loan["id"])
    assert w.family.get(f"/device-loans/{loan['id']}").get_json()["overdue"] is True
    r = reserve(w, w.walker, expect=409)
    assert r["error"]["code"] == "loan_overdue"
    renew = w.family.post(f"/device-loans/{loan['id']}/renew")
    assert renew.status_code == 409 and renew.get_json()["error"]["code"] == "loan_overdue"
    due_tomorrow = lend(w, days=1, client=w.other_family, resident=w.other_resident)  # not overdue
    staff_list = w.staff.get(f"/staff/device-loans?site_id={w.centre.id}&status=overdue").get_json()
    assert [i["id"] for i in staff_list["items"]] == [loan["id"]] and staff_list["total"] == 1
    assert [i["id"] for i in w.family.get("/me/device-loans?status=overdue").get_json()["items"]] == [loan["id"]]
    assert w.other_family.get("/me/device-loans?status=overdue").get_json()["items"] == []
    assert [i["id"] for i in w.other_family.get("/me/device-loans?status=on_loan").get_json()["items"]] == [
        due_tomorrow["id"]]
    # The staff at the counter cannot lend around the rule either.
    staff_try = w.staff.post("/staff/device-loans", {"resident_id": w.resident.id, "site_id": w.centre.id,
                                                     "product_id": w.walker.id, "purpose": "trial"})
    assert staff_try.status_code == 409 and staff_try.get_json()["error"]["code"] == "loan_overdue"


def test_at_most_max_active_live_loans(world):
    w = world
    add_units(w, w.wheelchair, 3)
    add_units(w, w.walker, 2)
    lend(w)
    reserve(w, w.walker)
    r = reserve(w, expect=409)
    assert r["error"]["code"] == "loan_limit"


def test_cancel_frees_the_unit(world, client):
    w = world
    (unit,) = add_units(w, w.walker, 1)
    loan = reserve(w, w.walker)
    r = w.family.post(f"/device-loans/{loan['id']}/cancel")
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled" and item_status(unit["id"]) == "available"
    again = w.family.post(f"/device-loans/{loan['id']}/cancel")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"
    assert reserve(w, w.walker, client=w.other_family, resident=w.other_resident)["item"]["id"] == unit["id"]


def test_not_loanable_and_bad_input(world):
    w = world
    add_units(w, w.fixed, 1)
    r = reserve(w, w.fixed, expect=422)
    assert "product_id" in r["error"]["fields"]
    assert reserve(w, purpose="forever", expect=422)["error"]["code"] == "validation_error"
    dup = w.staff.post(f"/staff/sites/{w.centre.id}/device-items", {
        "product_id": w.fixed.id, "serial_no": add_units(w, w.fixed, 1, prefix="X")[0]["serial_no"],
        "condition": "good", "source": "donated"})
    assert dup.status_code == 422 and "serial_no" in dup.get_json()["error"]["fields"]
    assert w.staff.post(f"/staff/sites/{w.centre.id}/device-items", {
        "product_id": w.fixed.id, "serial_no": "Z", "condition": "broken", "source": "donated"}).status_code == 422


def test_staff_lend_to_a_walk_in_audited_as_acting_for_them(world, login):
    w = world
    add_units(w, w.wheelchair, 1)
    # The person at the counter is known to the centre once staff look them up; a resident of nobody's
    # site is a 404.
    r = w.staff.post("/staff/device-loans", {"resident_id": w.resident.id, "site_id": w.centre.id,
                                             "product_id": w.wheelchair.id, "purpose": "short_term"})
    assert r.status_code == 404
    from backend.identity.models import ResidentSite
    db.session.add(ResidentSite(resident_id=w.resident.id, site_id=w.centre.id, reason="lookup"))
    db.session.commit()
    r = w.staff.post("/staff/device-loans", {"resident_id": w.resident.id, "site_id": w.centre.id,
                                             "product_id": w.wheelchair.id, "purpose": "short_term"})
    assert r.status_code == 201 and r.get_json()["by_staff"] is True
    loan = r.get_json()
    checkout(w, loan, days=10, client=w.plain_staff)
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.resident_id == w.resident.id,
                                                          AuditEntry.actor_id == w.staff.user_id)).all()
    assert any("device_loan" in a.fields and a.site_id == w.centre.id for a in audited)
    # The family sees the loan staff made for their parent.
    assert [i["id"] for i in w.family.get("/me/device-loans").get_json()["items"]] == [loan["id"]]


def test_lost_unit_is_never_lent_again(world):
    w = world
    (unit,) = add_units(w, w.wheelchair, 1)
    loan = lend(w)
    r = w.staff.post(f"/staff/device-loans/{loan['id']}/lost", {"note": "家属搬家时遗失"})
    assert r.status_code == 200 and r.get_json()["status"] == "lost" and item_status(unit["id"]) == "lost"
    assert reserve(w, client=w.other_family, resident=w.other_resident, expect=409)["error"]["code"] == "none_available"
