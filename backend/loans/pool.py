"""The units of one product at one centre (a pool), and the holds on them.

Every change to who holds which unit of a pool happens with the product row locked (`lock_pool`,
FOR NO KEY UPDATE: it serialises the pool's reservations, returns and holds without blocking
foreign-key inserts). One lock order everywhere: resident → product (pool) → loan → item. Under
that lock the answers are exact: 30 people reserving the last 2 units get 2 holds and 28
`none_available`, never a unit held twice (the partial unique index `uq_device_loans_live_item` is
the backstop).

Holds lapse by themselves: a `reserved` loan whose `hold_expires_at` has passed counts as expired
at every read (views, availability) and is ended for good by whichever comes first: the worker's
`loan_holds` job or the next reservation of the same pool (under the lock).
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from ..db import utcnow
from ..extensions import db
from ..units import lock
from ..devices import Product
from .models import DeviceItem, DeviceLoan, ItemEvent, LoanEvent
from . import notices


def hold_days() -> int:
    return int(current_app.config.get("DEVICE_HOLD_DAYS", 7))


def lock_pool(product_id: int) -> Product | None:
    return db.session.scalar(lock(select(Product).where(Product.id == product_id), key_share=True))


def lock_loan(loan_id: int) -> DeviceLoan | None:
    return db.session.scalar(lock(select(DeviceLoan).where(DeviceLoan.id == loan_id)))


def lock_item(item_id: int) -> DeviceItem | None:
    return db.session.scalar(lock(select(DeviceItem).where(DeviceItem.id == item_id)))


def hold_lapsed(loan: DeviceLoan, now: datetime) -> bool:
    return loan.status == "reserved" and loan.hold_expires_at is not None and loan.hold_expires_at <= now


def item_event(item: DeviceItem, by_user_id: int | None, action: str, note: str = "", loan_id: int | None = None,
               now: datetime | None = None) -> None:
    db.session.add(ItemEvent(item_id=item.id, at=now or utcnow(), status=item.status, action=action,
                             by_user_id=by_user_id, loan_id=loan_id, note=note or ""))


def loan_event(loan: DeviceLoan, by_user_id: int | None, action: str, note: str = "",
               now: datetime | None = None) -> None:
    db.session.add(LoanEvent(loan_id=loan.id, at=now or utcnow(), status=loan.status, action=action,
                             by_user_id=by_user_id, item_id=loan.item_id, note=note or ""))


def set_item(item: DeviceItem, status: str, by_user_id: int | None, action: str, note: str = "",
             loan_id: int | None = None, now: datetime | None = None) -> None:
    now = now or utcnow()
    item.status = status
    item.updated_at = now
    item_event(item, by_user_id, action, note, loan_id, now)


def free_unit(site_id: int, product_id: int, *, exclude: int | None = None) -> DeviceItem | None:
    """An available unit of the pool, locked (the caller holds the pool lock). The row is re-checked
    after locking: a staff change to that unit in the meantime moves on to the next one."""
    stmt = select(DeviceItem.id).where(DeviceItem.site_id == site_id, DeviceItem.product_id == product_id,
                                       DeviceItem.status == "available").order_by(DeviceItem.id)
    if exclude is not None:
        stmt = stmt.where(DeviceItem.id != exclude)
    for item_id in db.session.scalars(stmt.limit(20)).all():
        item = lock_item(item_id)
        if item is not None and item.status == "available":
            return item
    return None


def hold(loan: DeviceLoan, item: DeviceItem, by_user_id: int | None, now: datetime, *, keep_expiry: bool = False,
         action: str = "held") -> None:
    """`item` (available, locked) is held for `loan`."""
    loan.item_id = item.id
    if not keep_expiry or loan.hold_expires_at is None:
        loan.hold_expires_at = now + timedelta(days=hold_days())
    set_item(item, "reserved", by_user_id, "reserved", loan_id=loan.id, now=now)
    db.session.flush()
    loan_event(loan, by_user_id, action, now=now)


def release_hold(loan: DeviceLoan, by_user_id: int | None, action: str, note: str, now: datetime) -> None:
    """The unit held for `loan` (if any) is free again; the caller sets the loan's new status."""
    if loan.item_id is None:
        return
    item = lock_item(loan.item_id)
    if item is not None and item.status == "reserved":
        set_item(item, "available", by_user_id, action, note, loan_id=loan.id, now=now)


def lapse_expired(site_id: int, product_id: int, now: datetime) -> int:
    """End the pool's lapsed holds (the caller holds the pool lock); their units are free again."""
    ids = db.session.scalars(select(DeviceLoan.id).where(
        DeviceLoan.site_id == site_id, DeviceLoan.product_id == product_id, DeviceLoan.status == "reserved",
        DeviceLoan.hold_expires_at <= now).order_by(DeviceLoan.id)).all()
    n = 0
    for loan_id in ids:
        loan = lock_loan(loan_id)
        if loan is None or not hold_lapsed(loan, now):
            continue
        release_hold(loan, None, "hold_lapsed", "预留已过期", now)
        loan.status, loan.ended_at = "expired", now
        loan_event(loan, None, "expired", "预留期已过，未取用", now)
        notices.hold_lapsed(loan)
        n += 1
    return n


def serve_waiting(site_id: int, product_id: int, now: datetime) -> int:
    """Hold freed units for the people waiting in the pool (oldest first), telling each. The caller
    holds the pool lock."""
    waiting = db.session.scalars(select(DeviceLoan.id).where(
        DeviceLoan.site_id == site_id, DeviceLoan.product_id == product_id, DeviceLoan.status == "reserved",
        DeviceLoan.item_id.is_(None)).order_by(DeviceLoan.id)).all()
    served = 0
    for loan_id in waiting:
        item = free_unit(site_id, product_id)
        if item is None:
            break
        loan = lock_loan(loan_id)
        if loan is None or loan.status != "reserved" or loan.item_id is not None:
            continue
        loan.hold_expires_at = None
        hold(loan, item, None, now, action="held_for_waiting")
        notices.unit_ready(loan)
        served += 1
    return served


def waiting_count(site_id: int, product_id: int, *, besides_resident: int | None = None) -> int:
    stmt = select(func.count()).select_from(DeviceLoan).where(
        DeviceLoan.site_id == site_id, DeviceLoan.product_id == product_id, DeviceLoan.status == "reserved",
        DeviceLoan.item_id.is_(None))
    if besides_resident is not None:
        stmt = stmt.where(DeviceLoan.resident_id != besides_resident)
    return db.session.scalar(stmt) or 0


def lendable_clause(now: datetime):
    """Units that can be reserved now: available, or held by a hold that has lapsed (counted as free
    at read time, before the worker or the next reservation ends it)."""
    lapsed = select(DeviceLoan.item_id).where(DeviceLoan.status == "reserved", DeviceLoan.hold_expires_at <= now,
                                              DeviceLoan.item_id.is_not(None))
    return or_(DeviceItem.status == "available",
               (DeviceItem.status == "reserved") & DeviceItem.id.in_(lapsed))
