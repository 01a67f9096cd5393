"""Loans and units as API.md shows them: plain dicts, instants in the centre's zone, local dates as
the centre's calendar days. A hold that has lapsed reads as `expired` before anything ends it."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from .. import localtime
from ..db import utcnow
from ..extensions import db
from ..identity import Resident
from ..sites import Site
from ..devices import Product
from .models import DeviceItem, DeviceLoan, ItemEvent, LoanEvent
from .pool import hold_lapsed


def max_renewals() -> int:
    return int(current_app.config.get("DEVICE_LOAN_MAX_RENEWALS", 1))


def product_brief(p: Product) -> dict:
    return {"id": p.id, "code": p.code, "name": p.name, "model": p.model, "class_code": p.class_code,
            "image_url": p.image_url, "loan_days": p.loan_days,
            "maintenance_interval_days": p.maintenance_interval_days}


def is_overdue(loan: DeviceLoan, today: date) -> bool:
    return loan.status == "on_loan" and loan.due_on is not None and loan.due_on < today


def shown_status(loan: DeviceLoan, now) -> str:
    return "expired" if hold_lapsed(loan, now) else loan.status


def maintenance_due_on(item: DeviceItem, product: Product) -> date | None:
    if not product.maintenance_interval_days:
        return None
    return (item.last_maintained_on or item.acquired_on) + timedelta(days=product.maintenance_interval_days)


def item_brief(item: DeviceItem) -> dict:
    return {"id": item.id, "serial_no": item.serial_no, "condition": item.condition, "status": item.status}


def item_view(item: DeviceItem, *, history: bool = True) -> dict:
    product = db.session.get(Product, item.product_id)
    zone = localtime.zone_of(item.site_id)
    live = db.session.scalar(select(DeviceLoan.id).where(DeviceLoan.item_id == item.id,
                                                         DeviceLoan.status.in_(("reserved", "on_loan"))))
    due = maintenance_due_on(item, product)
    out = {"id": item.id, "site_id": item.site_id, "product": product_brief(product), "serial_no": item.serial_no,
           "condition": item.condition, "source": item.source, "status": item.status, "note": item.note,
           "acquired_on": item.acquired_on, "last_maintained_on": item.last_maintained_on,
           "maintenance_due_on": due,
           "maintenance_due": due is not None and due <= localtime.today(zone)
           and item.status not in ("scrapped", "lost"),
           "loan_id": live, "created_at": localtime.at(item.created_at, zone)}
    if history:
        events = db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id))
        out["history"] = [{"at": localtime.at(e.at, zone), "status": e.status, "action": e.action,
                           "by_user_id": e.by_user_id, "loan_id": e.loan_id, "note": e.note} for e in events]
    return out


def loan_view(loan: DeviceLoan, *, history: bool = True) -> dict:
    zone = localtime.zone_of(loan.site_id)
    now = utcnow()
    site = db.session.get(Site, loan.site_id)
    product = db.session.get(Product, loan.product_id)
    resident = db.session.get(Resident, loan.resident_id)
    item = db.session.get(DeviceItem, loan.item_id) if loan.item_id else None
    status = shown_status(loan, now)
    out = {"id": loan.id, "status": status, "product": product_brief(product), "site_id": loan.site_id,
           "site_name": site.name, "resident": {"id": resident.id, "name": resident.name}, "purpose": loan.purpose,
           "item": item_brief(item) if item else None,
           "hold_expires_at": localtime.at(loan.hold_expires_at, zone) if status == "reserved" else None,
           "waiting": status == "reserved" and item is None,
           "due_on": loan.due_on, "overdue": is_overdue(loan, localtime.today(zone)),
           "renewals": loan.renewals, "renewals_left": max(0, max_renewals() - loan.renewals),
           "by_staff": loan.by_staff, "handover_id": loan.handover_id,
           "checked_out_at": localtime.at(loan.checked_out_at, zone),
           "returned_at": localtime.at(loan.returned_at, zone), "return_condition": loan.return_condition,
           "created_at": localtime.at(loan.created_at, zone)}
    if history:
        events = db.session.scalars(select(LoanEvent).where(LoanEvent.loan_id == loan.id).order_by(LoanEvent.id))
        out["history"] = [{"at": localtime.at(e.at, zone), "status": e.status, "action": e.action,
                           "by_user_id": e.by_user_id, "item_id": e.item_id, "note": e.note} for e in events]
    return out
