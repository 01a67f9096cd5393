"""Loans in GET /me/export and DELETE /me.

Export: every loan of the residents the user manages, with its history (the signed handovers are in
the devices domain's own section). Erase: reserved loans of residents nobody else manages are
cancelled (their units are free again, waiting people served); the free text (return notes, history
notes) is cleared. A unit still on loan stays on the record: it belongs to the centre, which must get
it back. The loans stay, anonymous once the resident is, for the federation's statistics."""
from sqlalchemy import select, update

from ..db import utcnow
from ..extensions import db
from ..identity import Resident, ResidentLink
from . import pool
from .models import DeviceLoan, LoanEvent
from .views import loan_view


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_loans(user, resident_ids: list[int]) -> list[dict]:
    if not resident_ids:
        return []
    loans = db.session.scalars(select(DeviceLoan).where(DeviceLoan.resident_id.in_(resident_ids))
                               .order_by(DeviceLoan.id)).all()
    return [_json_safe(loan_view(loan)) for loan in loans]


def erase(user, resident_ids: list[int]) -> None:
    if not resident_ids:
        return
    others = set(db.session.scalars(select(ResidentLink.resident_id).where(
        ResidentLink.resident_id.in_(resident_ids), ResidentLink.user_id != user.id)))
    registered = set(db.session.scalars(select(Resident.id).where(Resident.id.in_(resident_ids),
                                                                  Resident.registered_site_id.is_not(None))))
    only_mine = [rid for rid in resident_ids if rid not in others and rid not in registered]
    if not only_mine:
        return
    now = utcnow()
    rows = db.session.execute(select(DeviceLoan.id, DeviceLoan.product_id).where(
        DeviceLoan.resident_id.in_(only_mine), DeviceLoan.status == "reserved")
        .order_by(DeviceLoan.product_id, DeviceLoan.id)).all()
    for loan_id, product_id in rows:  # pool, then loan: pool.py's lock order
        pool.lock_pool(product_id)
        loan = pool.lock_loan(loan_id)
        if loan is None or loan.status != "reserved":
            continue
        pool.release_hold(loan, user.id, "hold_cancelled", "账号注销", now)
        loan.status, loan.ended_at = "cancelled", now
        pool.loan_event(loan, user.id, "cancelled", "账号注销", now)
        pool.serve_waiting(loan.site_id, loan.product_id, now)
    ids = select(DeviceLoan.id).where(DeviceLoan.resident_id.in_(only_mine)).scalar_subquery()
    db.session.execute(update(DeviceLoan).where(DeviceLoan.resident_id.in_(only_mine)).values(return_note="")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(LoanEvent).where(LoanEvent.loan_id.in_(ids)).values(note="")
                       .execution_options(synchronize_session=False))
