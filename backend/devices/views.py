"""Device cases as API.md shows them: plain dicts, times in the case site's zone, health data only to
those who may read it (the person's family, the centre's staff — audited — and admins)."""
import json

from sqlalchemy import select

from .. import localtime
from ..crypto import decrypt
from ..extensions import db
from ..identity import Resident
from . import subsidy
from .case_models import Approval, Assessment, CaseEvent, DeviceCase, SupplyOrder
from .catalogue import class_name, product_view
from .models import AssessmentForm, Product
from .settings import ratios
from .transitions import STATUS_NAMES, current_step


def _decrypted(token: str | None):
    raw = decrypt(token)
    return json.loads(raw) if raw else None


def assessment_view(a: Assessment, zone) -> dict:
    form = db.session.get(AssessmentForm, a.form_id)
    return {"id": a.id, "form": {"id": form.id, "domain": form.domain, "version": form.version, "title": form.title},
            "answers": _decrypted(a.answers_enc) or {}, "measurements": _decrypted(a.measurements_enc) or {},
            "findings": _decrypted(a.findings_enc) or "", "outcome": a.outcome,
            "recommendations": a.recommendations or [], "appointment_id": a.appointment_id,
            "appointment_completed_at": localtime.at(a.appointment_completed_at, zone),
            "assessed_by_id": a.assessed_by_id, "created_at": localtime.at(a.created_at, zone),
            "voided_at": localtime.at(a.voided_at, zone), "void_reason": a.void_reason or None}


def current_assessment(case: DeviceCase) -> Assessment | None:
    """The latest assessment not voided: the one the person chooses from."""
    return db.session.scalar(select(Assessment).where(Assessment.case_id == case.id, Assessment.voided_at.is_(None))
                             .order_by(Assessment.id.desc()).limit(1))


def quote_for(case: DeviceCase, product: Product) -> subsidy.Quote:
    groups = ratios(case.subsidy_groups or [])
    return subsidy.compute(product.price_fen, product.subsidy_standard_fen,
                           [groups[k] for k in case.subsidy_groups or [] if k in groups])


def recommendations_view(case: DeviceCase, assessment: Assessment | None) -> list[dict]:
    """What the person may choose from, each product with what confirming it would cost them."""
    if assessment is None or assessment.outcome != "suitable":
        return []
    ids = {pid for r in assessment.recommendations or [] for pid in r.get("product_ids", [])}
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(ids)))} if ids else {}
    out = []
    for r in assessment.recommendations or []:
        options = []
        for pid in r.get("product_ids", []):
            p = products.get(pid)
            if p is not None:
                q = quote_for(case, p)
                options.append({"product": product_view(p), "quote": {
                    "price_fen": q.price_fen, "subsidy_fen": q.subsidy_fen, "self_pay_fen": q.self_pay_fen,
                    "ratio_percent": q.ratio_percent}})
        out.append({"class_code": r.get("class_code"), "main": bool(r.get("main")), "note": r.get("note", ""),
                    "products": options})
    return out


def case_view(case: DeviceCase, *, with_health_data: bool = True) -> dict:
    zone = localtime.zone_of(case.site_id)
    resident = db.session.get(Resident, case.resident_id)
    assessments = db.session.scalars(select(Assessment).where(Assessment.case_id == case.id)
                                     .order_by(Assessment.id)).all()
    approvals = db.session.scalars(select(Approval).where(Approval.case_id == case.id)
                                   .order_by(Approval.round, Approval.id)).all()
    history = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    supply = db.session.scalar(select(SupplyOrder).where(SupplyOrder.case_id == case.id))
    product = db.session.get(Product, case.product_id) if case.product_id else None
    current = current_assessment(case)
    return {
        "id": case.id, "status": case.status, "status_name": STATUS_NAMES[case.status],
        "resident": {"id": resident.id, "name": resident.name}, "site_id": case.site_id,
        "class_code": case.class_code, "class_name": class_name(case.class_code), "need": case.need,
        "subsidy_groups": case.subsidy_groups or [], "by_staff": case.by_staff,
        "returned_reason": case.returned_reason or None, "closed_reason": case.closed_reason or None,
        "assessments": [assessment_view(a, zone) for a in assessments] if with_health_data else [],
        "recommendations": recommendations_view(case, current),
        "chosen": {"product": product_view(product), "price_fen": case.price_fen, "subsidy_fen": case.subsidy_fen,
                   "self_pay_fen": case.self_pay_fen, "ratio_percent": case.ratio_percent,
                   "opinion": case.confirm_opinion, "confirmed_at": localtime.at(case.confirmed_at, zone)}
        if product else None,
        "approvals": [{"round": a.round, "step": a.step, "name": a.step_name, "result": a.result,
                       "opinion": a.opinion, "by_user_id": a.by_user_id, "at": localtime.at(a.at, zone)}
                      for a in approvals],
        "waiting_on": current_step(case),
        "supply": {"id": supply.id, "maker_id": supply.maker_id, "status": supply.status,
                   "shipped_at": localtime.at(supply.shipped_at, zone), "tracking": supply.tracking,
                   "serial_nos": supply.serial_nos or [], "from_stock": supply.from_stock} if supply else None,
        "delivery": None,
        "training": {"planned": product.training_sessions if product else 0, "done": 0},
        "followups": [],
        "repairs": [],
        "history": [{"at": localtime.at(e.at, zone), "status": e.status, "action": e.action,
                     "by_user_id": e.by_user_id, "note": e.note} for e in history],
        "created_at": localtime.at(case.created_at, zone),
    }


def case_brief(case: DeviceCase) -> dict:
    """A case in a worklist or a list of one's cases: no health data, no history."""
    zone = localtime.zone_of(case.site_id)
    resident = db.session.get(Resident, case.resident_id)
    return {"id": case.id, "status": case.status, "status_name": STATUS_NAMES[case.status],
            "resident": {"id": resident.id, "name": resident.name}, "site_id": case.site_id,
            "class_code": case.class_code, "class_name": class_name(case.class_code),
            "waiting_on": current_step(case), "created_at": localtime.at(case.created_at, zone)}
