"""Fitting (适配交付) with the signed handover, and training: the staff member fits the device, the
person (or a guardian, or staff for the person) signs on the tablet, and the case moves on to
training — as many sessions as the product needs (`training_sessions`) — or straight to follow-up.
The delivery creates one follow-up per offset of DEVICE_FOLLOWUP_DAYS, due on local days of the
site. A completed `device_training` rehab appointment counts as a session (rehab's event)."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import localtime
from ..errors import Invalid
from ..extensions import db
from ..identity import Resident, User
from ..sites import Site
from ..units import lock, use_case
from .access import staff_case
from .case_models import DeviceCase, SupplyOrder
from .fitting_models import Delivery, FollowUp, TrainingSession
from .handovers import check_handover, create_handover, handover_text
from .models import Product
from .supply import not_in_future
from .transitions import locked_case, move, record, require_status
from .views import case_view, current_delivery


def followup_days() -> list[int]:
    """DEVICE_FOLLOWUP_DAYS as sorted distinct positive day counts ("30,90,180")."""
    raw = current_app.config.get("DEVICE_FOLLOWUP_DAYS", "30,90,180")
    values = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
    return sorted({int(v) for v in values if str(v).strip() and int(v) > 0})


@use_case
def deliver(staff: User, case_id: int, data: dict) -> dict:
    """POST /staff/device-cases/{id}/delivery: `ready_for_fitting` → `training` (or `follow_up`)."""
    staff_case(staff, case_id)
    check_handover(data["handover"])  # a forged signature is a 422 before anything is read or locked
    not_in_future(data["fitted_at"], "fitted_at")
    case = locked_case(case_id)
    require_status(case, "ready_for_fitting")
    order = db.session.scalar(select(SupplyOrder).where(SupplyOrder.case_id == case.id)
                              .order_by(SupplyOrder.id.desc()).limit(1))
    serial_no = data["serial_no"].strip()
    if order.serial_nos and serial_no not in order.serial_nos:
        raise Invalid(fields={"serial_no": ["序列号与到货登记的不一致（配发一件登记一件）"]})
    if order.shipped_at and data["fitted_at"] < order.shipped_at:
        raise Invalid(fields={"fitted_at": ["适配时间不能早于发货时间"]})
    product = db.session.get(Product, case.product_id)
    site = db.session.get(Site, case.site_id)
    days = followup_days()
    text = handover_text("delivery", site=site.name, product=product.name, model=product.model, serial_no=serial_no,
                         followups="、".join(f"{d} 天" for d in days))
    handover = create_handover(kind="delivery", resident_id=case.resident_id, site_id=case.site_id, staff=staff,
                               data=data["handover"], text=text, signed_at=data["fitted_at"])
    delivery = Delivery(case_id=case.id, supply_order_id=order.id, handover_id=handover.id, product_id=product.id,
                        serial_no=serial_no, fitted_at=data["fitted_at"], fitted_by_id=staff.id,
                        notes=data.get("notes", ""))
    db.session.add(delivery)
    db.session.flush()
    fitted_on = localtime.local_date(data["fitted_at"], site)
    for seq, d in enumerate(days, 1):
        db.session.add(FollowUp(case_id=case.id, delivery_id=delivery.id, site_id=case.site_id, seq=seq,
                                offset_days=d, due_on=fitted_on + timedelta(days=d), status="pending"))
    # What the useful-life lockout of part 1 reads (cases.within_useful_life).
    case.delivered_at = data["fitted_at"]
    case.level_at_delivery = db.session.get(Resident, case.resident_id).disability_level
    move(case, "training" if product.training_sessions else "follow_up", staff.id, "delivered",
         f"序列号 {serial_no}")
    return case_view(case)


def _add_session(case: DeviceCase, by_user_id: int | None, at: datetime, minutes: int, content: str, outcome: str,
                 appointment_id: int | None = None) -> TrainingSession:
    """Record a session (the caller holds the case lock); the last one planned moves the case on."""
    delivery = current_delivery(case.id)
    session = TrainingSession(case_id=case.id, delivery_id=delivery.id, at=at, minutes=minutes, content=content or "",
                              outcome=outcome or "", by_user_id=by_user_id, appointment_id=appointment_id)
    db.session.add(session)
    db.session.flush()
    done = db.session.scalar(select(func.count()).select_from(TrainingSession).where(
        TrainingSession.delivery_id == delivery.id)) or 0
    planned = db.session.get(Product, case.product_id).training_sessions
    record(case, by_user_id, "training", f"第 {done}/{planned} 次训练" + ("（康复预约）" if appointment_id else ""))
    if done >= planned:
        move(case, "follow_up", by_user_id, "trained")
    return session


@use_case
def add_training(staff: User, case_id: int, data: dict) -> dict:
    """POST /staff/device-cases/{id}/training-sessions."""
    staff_case(staff, case_id)
    not_in_future(data["at"], "at")
    case = locked_case(case_id)
    require_status(case, "training")
    delivery = current_delivery(case.id)
    if data["at"] < delivery.fitted_at - timedelta(days=1):
        raise Invalid(fields={"at": ["训练时间不能早于适配交付"]})
    _add_session(case, staff.id, data["at"], data["minutes"], data.get("content", ""), data.get("outcome", ""))
    return case_view(case)


def training_from_appointment(*, appointment_id: int, resident_id: int, site_id: int, at: datetime,
                              minutes: int | None) -> None:
    """A completed `device_training` appointment of a person whose case at that site is in
    training counts as a session (once per appointment), inside rehab's transaction. Nothing in
    training there: nothing to count."""
    case_id = db.session.scalar(select(DeviceCase.id).where(
        DeviceCase.resident_id == resident_id, DeviceCase.site_id == site_id, DeviceCase.status == "training")
        .order_by(DeviceCase.id).limit(1))
    if case_id is None:
        return
    case = db.session.scalar(lock(select(DeviceCase).where(DeviceCase.id == case_id)))
    if case.status != "training" or db.session.scalar(select(TrainingSession.id).where(
            TrainingSession.appointment_id == appointment_id)) is not None:
        return
    try:
        with db.session.begin_nested():
            _add_session(case, None, at, max(1, min(600, minutes or 45)), "康复预约训练", "", appointment_id)
    except IntegrityError:
        return  # counted already by a concurrent handler
