"""Recording an assessment (answers checked against its form version; health data encrypted at
rest) and voiding one."""
import json

from sqlalchemy import select

from .. import audit
from ..crypto import encrypt
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import User
from ..rehab import Appointment, RehabService
from ..units import use_case
from .access import staff_case
from .answers import validate_answers, validate_measurements
from .case_models import Assessment, DeviceCase
from .forms import get_form
from .models import DeviceClass, Product
from .transitions import locked_case, move, require_status
from .views import case_view

CLOSING = {"not_eligible": "经评估不符合适配条件", "not_available": "经评估暂无合适的辅具"}


def _check_recommendations(recommendations: list[dict], outcome: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    codes = {r["class_code"] for r in recommendations}
    known = set(db.session.scalars(select(DeviceClass.code).where(DeviceClass.code.in_(codes)))) if codes else set()
    ids = {pid for r in recommendations for pid in r.get("product_ids", [])}
    products = set(db.session.scalars(select(Product.id).where(Product.id.in_(ids), Product.active.is_(True)))) \
        if ids else set()
    for n, r in enumerate(recommendations):
        if r["class_code"] not in known:
            fields[f"recommendations.{n}.class_code"] = ["没有这个分类代码"]
        missing = [pid for pid in r.get("product_ids", []) if pid not in products]
        if missing:
            fields[f"recommendations.{n}.product_ids"] = ["包含不存在或已停用的产品"]
    if outcome == "suitable" and not ids:
        fields["recommendations"] = ["评估为适合时须至少推荐一个产品"]
    return fields


def _appointment(case: DeviceCase, appointment_id: int) -> Appointment:
    """A `device_assessment` rehab appointment of this case's resident."""
    a = db.session.get(Appointment, appointment_id)
    service = db.session.get(RehabService, a.service_id) if a else None
    if a is None or a.resident_id != case.resident_id or service.kind != "device_assessment":
        raise Invalid(fields={"appointment_id": ["须为该居民的辅具评估预约"]})
    return a


@use_case
def record(staff: User, case_id: int, data: dict) -> dict:
    staff_case(staff, case_id)
    case = locked_case(case_id)
    require_status(case, "assessment_pending")
    form = get_form(data["form_id"])
    fields = validate_answers(form.questions, data["answers"])
    fields.update(validate_measurements(data.get("measurements") or {}))
    fields.update(_check_recommendations(data.get("recommendations") or [], data["outcome"]))
    appointment = _appointment(case, data["appointment_id"]) if data.get("appointment_id") else None
    if fields:
        raise Invalid(fields=fields)
    assessment = Assessment(
        case_id=case.id, form_id=form.id, outcome=data["outcome"],
        answers_enc=encrypt(json.dumps(data["answers"], ensure_ascii=False)),
        measurements_enc=encrypt(json.dumps(data.get("measurements") or {}, ensure_ascii=False)),
        findings_enc=encrypt(json.dumps(data.get("findings") or "", ensure_ascii=False)),
        recommendations=data.get("recommendations") or [], assessed_by_id=staff.id,
        appointment_id=appointment.id if appointment else None,
        appointment_completed_at=appointment.status_changed_at
        if appointment is not None and appointment.status == "completed" else None)
    db.session.add(assessment)
    db.session.flush()
    audit.record(staff.id, "update", [case.resident_id], fields=["device_assessment"], site_id=case.site_id)
    if data["outcome"] == "suitable":
        move(case, "assessed", staff.id, "assessed", form.title)
    else:
        case.closed_reason = CLOSING[data["outcome"]]
        move(case, "closed", staff.id, "assessed", case.closed_reason)
    return case_view(case)


@use_case
def void(staff: User, case_id: int, assessment_id: int, reason: str) -> dict:
    """A mistaken assessment is voided (it stays visible as voided) and the case goes back to be
    assessed again: from `assessed`, or from `closed` by that assessment before any delivery."""
    staff_case(staff, case_id)
    case = locked_case(case_id)
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.case_id != case.id:
        raise NotFound()
    if assessment.voided_at is not None:
        raise Conflict("invalid_transition", "该评估已作废")
    if case.status == "closed" and case.delivered_at is None and case.product_id is None:
        case.closed_reason, case.closed_at = "", None  # reopened: the closing assessment was a mistake
        move(case, "assessment_pending", staff.id, "reopened", reason)
    else:
        require_status(case, "assessed")
        move(case, "assessment_pending", staff.id, "assessment_voided", reason)
    assessment.voided_at, assessment.voided_by_id, assessment.void_reason = utcnow(), staff.id, reason
    audit.record(staff.id, "update", [case.resident_id], fields=["device_assessment"], site_id=case.site_id)
    return case_view(case)
