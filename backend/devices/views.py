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
from .fitting_models import Delivery, FollowUp, Repair, TrainingSession
from .handovers import Handover, handover_view
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
    supply = current_order(case.id)
    delivery = current_delivery(case.id)
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
                   "serial_nos": supply.serial_nos or [], "from_stock": supply.from_stock,
                   "received_at": localtime.at(supply.received_at, zone)} if supply else None,
        **fitting_view(case, product, delivery, zone),
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


def current_order(case_id: int) -> SupplyOrder | None:
    """The case's latest supply order (a case re-assessed after delivery has one per round)."""
    return db.session.scalar(select(SupplyOrder).where(SupplyOrder.case_id == case_id)
                             .order_by(SupplyOrder.id.desc()).limit(1))


def current_delivery(case_id: int) -> Delivery | None:
    return db.session.scalar(select(Delivery).where(Delivery.case_id == case_id)
                             .order_by(Delivery.id.desc()).limit(1))


def delivery_view(d: Delivery | None, zone) -> dict | None:
    """The delivery with its handover (the signature itself: GET /device-handovers/{id})."""
    if d is None:
        return None
    h = handover_view(db.session.get(Handover, d.handover_id), with_signature=False)
    h.pop("signature_png")
    return {"id": d.id, "serial_no": d.serial_no, "fitted_at": localtime.at(d.fitted_at, zone), "notes": d.notes,
            "fitted_by_id": d.fitted_by_id, "handover": h}


def followup_view(f: FollowUp, zone) -> dict:
    return {"id": f.id, "case_id": f.case_id, "site_id": f.site_id, "seq": f.seq, "offset_days": f.offset_days,
            "due_on": f.due_on, "status": f.status, "method": f.method, "in_use": f.in_use,
            "not_used_reason": f.not_used_reason or None, "satisfaction": f.satisfaction, "outcome": f.outcome,
            "note": f.note or None, "recorded_at": localtime.at(f.recorded_at, zone),
            "recorded_by_id": f.recorded_by_id}


def repair_view(r: Repair, zone) -> dict:
    return {"id": r.id, "case_id": r.case_id, "site_id": r.site_id, "status": r.status, "problem": r.problem,
            "note": r.note or None, "cost_fen": r.cost_fen, "followup_id": r.followup_id,
            "requested_by_id": r.requested_by_id, "handled_by_id": r.handled_by_id,
            "created_at": localtime.at(r.created_at, zone), "finished_at": localtime.at(r.finished_at, zone)}


def fitting_view(case: DeviceCase, product: Product | None, delivery: Delivery | None, zone) -> dict:
    """delivery, training, followups and repairs of the case (of its current delivery; repairs of
    every delivery)."""
    sessions = db.session.scalars(select(TrainingSession).where(TrainingSession.delivery_id == delivery.id)
                                  .order_by(TrainingSession.at, TrainingSession.id)).all() if delivery else []
    followups = db.session.scalars(select(FollowUp).where(FollowUp.delivery_id == delivery.id)
                                   .order_by(FollowUp.seq)).all() if delivery else []
    repairs = db.session.scalars(select(Repair).where(Repair.case_id == case.id).order_by(Repair.id)).all()
    return {
        "delivery": delivery_view(delivery, zone),
        "training": {"planned": product.training_sessions if product else 0, "done": len(sessions),
                     "sessions": [{"id": t.id, "at": localtime.at(t.at, zone), "minutes": t.minutes,
                                   "content": t.content, "outcome": t.outcome, "by_user_id": t.by_user_id,
                                   "appointment_id": t.appointment_id} for t in sessions]},
        "followups": [followup_view(f, zone) for f in followups],
        "repairs": [repair_view(r, zone) for r in repairs],
    }
