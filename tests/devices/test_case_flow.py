"""A family applies for a wheelchair for their parent and the case goes the whole way to the maker,
over HTTP as the people involved would do it."""
from sqlalchemy import select

from backend.devices.case_models import SupplyOrder
from backend.extensions import db

from .conftest import answers_for, apply, assess, form_of


def test_from_application_to_a_supply_order(devices):
    w = devices
    case = apply(w)
    assert case["status"] == "submitted" and case["waiting_on"] == {"step": "accept", "name": "受理", "by": "staff"}
    cid = case["id"]
    assert w.staff.post(f"/staff/device-cases/{cid}/accept", {"note": "材料齐全"}).get_json()["status"] \
        == "assessment_pending"

    form = form_of(w)
    assert form["domain"] == "mobility" and form["version"] == 1 and len(form["questions"]) >= 8
    assessed = assess(w, cid)
    assert assessed["status"] == "assessed"
    assert assessed["assessments"][0]["answers"] == answers_for(form)
    assert assessed["assessments"][0]["findings"] == "下肢肌力三级，可短距离转移"

    # Before confirming, the family sees what each recommended product would cost them: the subsidy
    # is floor(min(price, standard) × the best ratio of their groups (severe 90, general 80) / 100).
    seen = w.family.get(f"/device-cases/{cid}").get_json()
    options = {o["product"]["id"]: o["quote"] for o in seen["recommendations"][0]["products"]}
    assert options[w.light["id"]] == {"price_fen": 380000, "subsidy_fen": 270000, "self_pay_fen": 110000,
                                      "ratio_percent": 90}
    assert options[w.heavy["id"]] == {"price_fen": 250000, "subsidy_fen": 225000, "self_pay_fen": 25000,
                                      "ratio_percent": 90}
    confirmed = w.family.post(f"/device-cases/{cid}/confirm", {"product_id": w.light["id"], "opinion": "选轻便的"})
    body = confirmed.get_json()
    assert confirmed.status_code == 200 and body["status"] == "approval"
    assert body["chosen"]["price_fen"] == 380000 and f"{body['chosen']['price_fen'] / 100:.2f}" == "3800.00"
    assert (body["chosen"]["subsidy_fen"], body["chosen"]["self_pay_fen"]) == (270000, 110000)
    assert body["waiting_on"] == {"step": "review", "name": "初审", "by": "staff"}

    # The review step is the centre's staff's; the approval step the federation's.
    r = w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved",
                                                                "opinion": "符合条件"})
    assert r.status_code == 200 and r.get_json()["waiting_on"] == {"step": "approve", "name": "审批", "by": "admin"}
    assert w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved"}) \
        .status_code == 403
    done = w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved",
                                                                   "opinion": "同意"}).get_json()
    assert done["status"] == "supplying" and done["waiting_on"]["by"] == "maker"
    assert done["supply"]["maker_id"] == w.maker_id and done["supply"]["status"] == "open"
    assert [(a["step"], a["result"]) for a in done["approvals"]] == [("review", "approved"), ("approve", "approved")]
    order = db.session.scalar(select(SupplyOrder).where(SupplyOrder.case_id == cid))
    assert order.product_id == w.light["id"] and order.site_id == w.centre.id

    # Every step is in the history, with who and when.
    history = [(h["action"], h["status"], h["by_user_id"]) for h in done["history"]]
    assert history == [("submitted", "submitted", w.family.user_id),
                       ("accepted", "assessment_pending", w.staff.user_id),
                       ("assessed", "assessed", w.staff.user_id),
                       ("confirmed", "approval", w.family.user_id),
                       ("approved:review", "approval", w.staff.user_id),
                       ("approved:approve", "supplying", w.admin.user_id)]
    assert all(h["at"].endswith("+08:00") for h in done["history"])
    inbox = [n["body"] for n in w.family.get("/me/notifications").get_json()["items"]]
    assert any("已受理" in b for b in inbox) and any("审批通过" in b for b in inbox)


def test_my_cases_and_the_worklist(devices):
    w = devices
    case = apply(w)
    mine = w.family.get("/me/device-cases").get_json()
    assert [c["id"] for c in mine["items"]] == [case["id"]] and "assessments" not in mine["items"][0]
    waiting = w.staff.get("/staff/device-cases?waiting_on=me").get_json()["items"]
    assert [c["id"] for c in waiting] == [case["id"]]
    assert w.other_staff.get("/staff/device-cases?waiting_on=me").get_json()["items"] == []
    assert w.admin.get("/staff/device-cases?waiting_on=me").get_json()["items"] == []  # admins' queue: admin steps
    assert [c["id"] for c in w.admin.get("/staff/device-cases").get_json()["items"]] == [case["id"]]


def test_returned_edited_and_resubmitted(devices):
    w = devices
    cid = apply(w)["id"]
    r = w.staff.post(f"/staff/device-cases/{cid}/return", {"reason": "请补充残疾人证复印件"})
    assert r.get_json()["status"] == "returned" and r.get_json()["returned_reason"] == "请补充残疾人证复印件"
    assert any("请补充残疾人证复印件" in n["body"] for n in w.family.get("/me/notifications").get_json()["items"])
    assert w.family.patch(f"/device-cases/{cid}", {"need": "出行和就医都需要轮椅"}).get_json()["need"] \
        == "出行和就医都需要轮椅"
    assert w.family.post(f"/device-cases/{cid}/resubmit").get_json()["status"] == "submitted"
    assert w.family.patch(f"/device-cases/{cid}", {"need": "x"}).status_code == 409  # only while returned
    assert w.family.post(f"/device-cases/{cid}/withdraw").get_json()["status"] == "withdrawn"


def test_the_approver_of_the_current_step_may_return_the_case(devices):
    w = devices
    from .conftest import to_approval
    cid = to_approval(w)["id"]
    r = w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "returned", "opinion": ""})
    assert r.status_code == 422 and "opinion" in r.get_json()["error"]["fields"]
    r = w.staff.post(f"/staff/device-cases/{cid}/return", {"reason": "补贴分组有误"})
    assert r.status_code == 200 and r.get_json()["status"] == "returned"
    assert [(a["step"], a["result"]) for a in r.get_json()["approvals"]] == [("review", "returned")]


def test_an_unsuitable_outcome_closes_the_case_and_voiding_reopens_it(devices):
    w = devices
    cid = apply(w)["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    closed = assess(w, cid, outcome="not_eligible")
    assert closed["status"] == "closed" and closed["closed_reason"]
    aid = closed["assessments"][0]["id"]
    reopened = w.staff.post(f"/staff/device-cases/{cid}/assessments/{aid}/void", {"reason": "记录有误"}).get_json()
    assert reopened["status"] == "assessment_pending" and reopened["assessments"][0]["voided_at"]
    assert w.staff.post(f"/staff/device-cases/{cid}/assessments/{aid}/void", {"reason": "再次"}).status_code == 409
