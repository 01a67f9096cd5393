"""Demo data of the devices domain, made with its own use cases: a device centre with staff, a maker
with staff and products in a few classes, and the demo resident's two cases — a wheelchair waiting
for the staff's review (approval) and a hearing aid waiting for its assessment. Part 2: more people
of the demo family, one case at each later stage — waiting for the maker (supplying), shipped
(ready_for_fitting), fitted with a signed handover (training), in follow-up with the 30-day one
overdue and a repair in progress, and closed after its last follow-up.

Log in as the device centre's staff with the code `device-staff`, as the maker's with `maker`."""
from datetime import timedelta

from sqlalchemy import select

from ..db import utcnow
from ..extensions import db
from ..identity import Resident, ResidentLink, StaffAssignment, User
from ..sites import Site
from . import approvals, assessments, cases, catalogue, choices, fitting, followups, makers, repairs, supply
from .models import AssessmentForm, MakerStaff
from .signatures import encode, tiny_png

PRODUCTS = [
    dict(code="WC-2201", name="轻便手动轮椅", model="KS-22", class_code="12", price_fen=380000,
         subsidy_standard_fen=300000, useful_life_months=60, training_sessions=2, loanable=True, loan_days=60,
         maintenance_interval_days=90, description="铝合金车架，可折叠，座宽 42 cm，适合室内外短途"),
    dict(code="WC-2208", name="高靠背护理轮椅", model="KS-28", class_code="12", price_fen=520000,
         subsidy_standard_fen=300000, useful_life_months=60, training_sessions=2, loanable=False,
         maintenance_interval_days=90, description="可调靠背与抬腿，防压疮坐垫，适合长时间乘坐"),
    dict(code="WK-1203", name="四脚助行器", model="ZX-03", class_code="12", price_fen=26000,
         subsidy_standard_fen=20000, useful_life_months=36, training_sessions=1, loanable=True, loan_days=60,
         maintenance_interval_days=180, description="高度可调，带座板"),
    dict(code="HA-2206", name="耳背式助听器", model="TY-6", class_code="22", price_fen=480000,
         subsidy_standard_fen=400000, useful_life_months=72, training_sessions=2,
         description="数字降噪，适合中重度听力损失"),
    dict(code="BC-0933", name="沐浴椅", model="AY-33", class_code="09", price_fen=18000,
         subsidy_standard_fen=15000, useful_life_months=36, loanable=True, loan_days=60,
         description="防滑脚垫，可调高度"),
]


def seed(ctx: dict) -> None:
    users, resident, family, admin = ctx["users"], ctx["resident"], ctx["users"]["family"], ctx["users"]["admin"]
    centre = Site(kind="device_center", name="区辅具服务中心（示范）", address="康宁路 12 号", community="人民街道",
                  phone="021-00000004", lat=31.235, lng=121.475,
                  opening_hours=[{"weekday": d, "open": "08:30", "close": "17:00"} for d in range(1, 6)],
                  accessibility=["step_free", "accessible_toilet", "lift", "parking"])
    db.session.add(centre)
    staff = User(openid="device-staff", nickname="辅具中心评估师", preferences={})
    maker_user = User(openid="maker", nickname="康顺辅具厂家", preferences={})
    db.session.add_all([staff, maker_user])
    db.session.flush()
    db.session.add(StaffAssignment(user_id=staff.id, site_id=centre.id, role="manager"))
    maker = makers.create_maker(admin, {"name": "康顺康复器材有限公司", "contact_name": "赵经理", "phone": "021-55550000",
                                        "address": "工业园区 3 号"})
    db.session.add(MakerStaff(user_id=maker_user.id, maker_id=maker["id"]))
    products = [catalogue.create_product(admin, {**p, "maker_id": maker["id"]}) for p in PRODUCTS]
    by_code = {p["code"]: p["id"] for p in products}
    forms = {f.domain: f.id for f in db.session.scalars(select(AssessmentForm))}

    wheelchair = cases.apply(family, {"resident_id": resident.id, "site_id": centre.id, "class_code": "12",
                                      "need": "腿脚不便，外出就医需要轮椅", "subsidy_groups": ["severe"]})
    cases.accept(staff, wheelchair["id"], "材料齐全")
    form = db.session.get(AssessmentForm, forms["mobility"])
    assessments.record(staff, wheelchair["id"], {
        "form_id": form.id, "answers": _sample_answers(form.questions), "measurements": {"seat_width_cm": 42},
        "findings": "下肢肌力减弱，可短距离站立转移，建议手动轮椅", "outcome": "suitable",
        "recommendations": [{"class_code": "12", "product_ids": [by_code["WC-2201"], by_code["WC-2208"]],
                             "main": True, "note": "优先推荐轻便型"}]})
    choices.confirm(family, wheelchair["id"], by_code["WC-2201"], "选择轻便型，方便家人搬运")

    hearing = cases.apply(family, {"resident_id": resident.id, "site_id": centre.id, "class_code": "22",
                                   "need": "听力下降，看电视、打电话困难", "subsidy_groups": ["general"]})
    cases.accept(staff, hearing["id"], "")
    users["device-staff"], users["maker"] = staff, maker_user
    ctx["device_center"] = centre
    _later_stages(ctx, centre, staff, maker_user, by_code, forms)


# (name, class, product code, how far the case goes)
LATER = [("陈奶奶", "12", "WK-1203", "supplying"), ("刘叔叔", "09", "BC-0933", "ready_for_fitting"),
         ("赵阿姨", "12", "WC-2208", "training"), ("孙爷爷", "12", "WC-2201", "follow_up"),
         ("周伯伯", "12", "WK-1203", "closed")]


def _later_stages(ctx, centre, staff, maker_user, by_code, forms) -> None:
    family, admin = ctx["users"]["family"], ctx["users"]["admin"]
    form = db.session.get(AssessmentForm, forms["mobility"])
    now = utcnow()
    for n, (name, class_code, code, stage) in enumerate(LATER):
        person = Resident(name=name, disability_category="physical", disability_level=2, verification="verified",
                          needs=["wheelchair"], consent_sensitive_at=now, consent_by_user_id=family.id,
                          created_by_id=family.id)
        db.session.add(person)
        db.session.flush()
        db.session.add(ResidentLink(user_id=family.id, resident_id=person.id, relation="parent"))
        db.session.flush()
        case = cases.apply(family, {"resident_id": person.id, "site_id": centre.id, "class_code": class_code,
                                    "need": "日常生活与出行需要辅具", "subsidy_groups": ["severe"]})
        cid = case["id"]
        cases.accept(staff, cid, "")
        assessments.record(staff, cid, {
            "form_id": form.id, "answers": _sample_answers(form.questions), "measurements": {},
            "findings": "适合使用推荐辅具", "outcome": "suitable",
            "recommendations": [{"class_code": class_code, "product_ids": [by_code[code]], "main": True, "note": ""}]})
        choices.confirm(family, cid, by_code[code], "")
        approvals.decide(staff, cid, "review", "approved", "符合条件")
        case = approvals.decide(admin, cid, "approve", "approved", "同意")
        if stage == "supplying":
            continue
        fitted = now - timedelta(days=40 + 100 * (stage == "closed"))
        serial = f"DEMO-{n:04d}"
        supply.ship(maker_user, case["supply"]["id"], fitted - timedelta(days=3), f"SF10000{n}", [serial])
        if stage == "ready_for_fitting":
            continue
        case = fitting.deliver(staff, cid, {"serial_no": serial, "fitted_at": fitted, "notes": "已调整座高",
                                            "handover": {"signed_by": "guardian", "signer_name": "王小明",
                                                         "signature_png": encode(tiny_png(40, 12))}})
        if stage == "training":
            continue
        for i in range(case["training"]["planned"] - case["training"]["done"]):
            case = fitting.add_training(staff, cid, {"at": fitted + timedelta(days=1 + i), "minutes": 45,
                                                     "content": "转移、推行与上下坡", "outcome": "能独立操作"})
        if stage == "follow_up":  # the 30-day follow-up is overdue; the family reported a problem
            repair = repairs.request_repair(family, cid, "刹车有些松")
            repairs.update_repair(staff, repair["id"], "in_progress", "已约上门检修", None)
            continue
        for f in sorted(case["followups"], key=lambda f: f["seq"]):  # closed: every follow-up recorded
            followups.record_followup(staff, f["id"], {"method": "phone", "in_use": True, "satisfaction": 4,
                                                       "outcome": "continue", "note": "使用良好"})


def _sample_answers(questions: list[dict]) -> dict:
    """A plausible answer to every required question (the demo's assessor filled the form in)."""
    out = {}
    for q in questions:
        if not q.get("required"):
            continue
        if q["type"] == "single":
            out[q["key"]] = q["choices"][min(1, len(q["choices"]) - 1)]
        elif q["type"] == "multi":
            out[q["key"]] = q["choices"][:1]
        elif q["type"] == "bool":
            out[q["key"]] = True
        elif q["type"] == "number":
            out[q["key"]] = q.get("min", 0)
        else:
            out[q["key"]] = "见评估记录"
    return out
