"""Every 409 and 422 of applying, assessing, confirming and approving is reachable, and means what it says."""
from datetime import timedelta

from backend.db import utcnow
from backend.devices.case_models import DeviceCase
from backend.extensions import db
from backend.identity.models import Resident

from ..factories import SiteFactory
from .conftest import answers_for, apply, assess, form_of, to_approval


def error(resp) -> tuple[int, str]:
    return resp.status_code, resp.get_json()["error"]["code"]


def test_one_live_case_per_main_class(devices):
    w = devices
    apply(w)
    body = {"resident_id": w.resident.id, "site_id": w.centre.id, "class_code": "12"}
    assert error(w.family.post("/me/device-cases", body)) == (409, "case_open")
    assert w.family.post("/me/device-cases", {**body, "class_code": "22"}).status_code == 201  # another class


def _delivered(w, months_ago: int, level: int):
    """A wheelchair delivered `months_ago` months ago (part 2 delivers; here the row is placed)."""
    case = DeviceCase(resident_id=w.resident.id, site_id=w.centre.id, class_code="12", main_class="12",
                      status="closed", product_id=w.light["id"], price_fen=380000, subsidy_fen=270000,
                      self_pay_fen=110000, delivered_at=utcnow() - timedelta(days=30 * months_ago),
                      level_at_delivery=level, closed_at=utcnow())
    db.session.add(case)
    db.session.commit()


def test_no_new_application_within_the_useful_life_unless_the_level_changed(devices):
    w = devices
    _delivered(w, months_ago=12, level=2)  # the product lasts 60 months
    body = {"resident_id": w.resident.id, "site_id": w.centre.id, "class_code": "12"}
    assert error(w.family.post("/me/device-cases", body)) == (409, "within_useful_life")
    resident = db.session.get(Resident, w.resident.id)
    resident.disability_level = 1  # worse since the delivery: a new device may be needed
    db.session.commit()
    assert w.family.post("/me/device-cases", body).status_code == 201


def test_an_old_delivery_does_not_lock_out(devices):
    w = devices
    _delivered(w, months_ago=62, level=2)
    assert w.family.post("/me/device-cases", {"resident_id": w.resident.id, "site_id": w.centre.id,
                                             "class_code": "12"}).status_code == 201


def test_what_an_application_must_be(devices):
    w = devices
    home = SiteFactory(kind="home")
    base = {"resident_id": w.resident.id, "site_id": w.centre.id, "class_code": "12"}
    assert error(w.family.post("/me/device-cases", {**base, "class_code": "99"})) == (422, "validation_error")
    assert error(w.family.post("/me/device-cases", {**base, "subsidy_groups": ["nope"]})) == (422, "validation_error")
    assert error(w.family.post("/me/device-cases", {**base, "site_id": home.id})) == (404, "not_found")
    assert error(w.other_family.post("/me/device-cases", base)) == (404, "not_found")  # not their resident


def test_assessment_answers_are_checked_against_the_form(devices):
    w = devices
    cid = apply(w)["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    form = form_of(w)
    good = answers_for(form)
    single = next(q for q in form["questions"] if q["type"] == "single" and q["required"])
    number = next((q for q in form["questions"] if q["type"] == "number"), None)
    bad = {**good, "no_such_question": 1, single["key"]: "不是选项"}
    if number:
        bad[number["key"]] = "很多"
    missing = dict(good)
    missing.pop(single["key"])
    for answers in (bad, missing):
        r = w.staff.post(f"/staff/device-cases/{cid}/assessments",
                         {"form_id": form["id"], "answers": answers, "outcome": "suitable",
                          "recommendations": [{"class_code": "12", "product_ids": [w.light["id"]]}]})
        assert error(r) == (422, "validation_error")
        assert f"answers.{single['key']}" in r.get_json()["error"]["fields"]
    fields = r.get_json()["error"]["fields"]
    r = w.staff.post(f"/staff/device-cases/{cid}/assessments",
                     {"form_id": form["id"], "answers": bad, "outcome": "suitable", "recommendations": []})
    f = r.get_json()["error"]["fields"]
    assert "answers.no_such_question" in f and "recommendations" in f and (not number or f"answers.{number['key']}" in f)
    assert fields  # and nothing was recorded
    assert w.staff.get(f"/device-cases/{cid}").get_json()["assessments"] == []


def test_the_person_may_only_choose_a_recommended_product(devices):
    w = devices
    cid = apply(w)["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    assess(w, cid, products=[w.light["id"]])
    r = w.family.post(f"/device-cases/{cid}/confirm", {"product_id": w.heavy["id"]})
    assert error(r) == (422, "validation_error") and "product_id" in r.get_json()["error"]["fields"]


def test_moves_out_of_turn_are_invalid_transitions(devices):
    w = devices
    cid = apply(w)["id"]
    assert error(w.family.post(f"/device-cases/{cid}/confirm", {"product_id": w.light["id"]})) \
        == (409, "invalid_transition")
    assert error(w.family.post(f"/device-cases/{cid}/resubmit")) == (409, "invalid_transition")
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    assert error(w.staff.post(f"/staff/device-cases/{cid}/accept", {})) == (409, "invalid_transition")


def test_only_the_current_step_and_only_once(devices):
    w = devices
    cid = to_approval(w)["id"]
    assert error(w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved"})) \
        == (409, "not_current_step")
    assert w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved"}) \
        .status_code == 200
    assert error(w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved"})) \
        == (409, "not_current_step")
    r = w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "rejected"})
    assert error(r) == (422, "validation_error")
    r = w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "rejected",
                                                              "opinion": "不符合补贴条件"})
    assert r.get_json()["status"] == "rejected"
    assert error(w.family.post(f"/device-cases/{cid}/withdraw")) == (409, "invalid_transition")


def test_a_changed_chain_applies_to_cases_not_yet_in_approval(devices):
    w = devices
    in_approval = to_approval(w)["id"]
    chain = {"steps": [{"key": "street", "name": "街道审核", "by": "manager"},
                       {"key": "approve", "name": "审批", "by": "admin"}]}
    assert w.admin.put("/admin/devices/approval-chain", chain).get_json() == chain
    assert w.family.get(f"/device-cases/{in_approval}").get_json()["waiting_on"]["step"] == "review"
    w.family.post(f"/device-cases/{in_approval}/withdraw")
    later = to_approval(w)["id"]
    assert w.family.get(f"/device-cases/{later}").get_json()["waiting_on"] == {"step": "street", "name": "街道审核",
                                                                              "by": "manager"}
    assert error(w.plain_staff.post(f"/staff/device-cases/{later}/approvals",
                                    {"step": "street", "result": "approved"})) == (403, "forbidden")
    assert w.staff.post(f"/staff/device-cases/{later}/approvals", {"step": "street", "result": "approved"}) \
        .status_code == 200  # a manager of the centre


def test_staff_file_for_a_walk_in_and_confirm_for_them(devices, login):
    w = devices
    from ..factories import ResidentFactory
    walk_in = ResidentFactory(name="李大伯", registered_site_id=w.centre.id)
    from backend.identity.residents import mark_known
    mark_known(walk_in.id, w.centre.id, "registered")
    db.session.commit()
    r = w.staff.post("/staff/device-cases", {"resident_id": walk_in.id, "site_id": w.centre.id, "class_code": "09"})
    assert r.status_code == 201 and r.get_json()["by_staff"] is True
    cid = r.get_json()["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    assess(w, cid, products=[w.light["id"]])
    assert w.staff.post(f"/device-cases/{cid}/confirm", {"product_id": w.light["id"]}).get_json()["status"] \
        == "approval"
    assert w.other_staff.post("/staff/device-cases", {"resident_id": walk_in.id, "site_id": w.other_centre.id,
                                                      "class_code": "22"}).status_code == 404
