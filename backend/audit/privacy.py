"""The audit log's part of GET /me/export and DELETE /me.

Export: who among staff read or changed the data of the residents the user manages, and when
(PIPL lets people know who processed their data). Erase: nothing. The log is append-only
(a trigger on PostgreSQL) and holds ids and field names only, no personal values; it must outlive
the account to answer for what staff did.
"""
from sqlalchemy import select

from .. import localtime
from ..extensions import db
from .models import AuditEntry


def export(user, resident_ids: list[int]) -> list[dict]:
    if not resident_ids:
        return []
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.resident_id.in_(resident_ids))
                              .order_by(AuditEntry.id)).all()
    return [{"at": localtime.iso(e.at), "resident_id": e.resident_id, "action": e.action, "fields": e.fields,
             "site_id": e.site_id} for e in rows]


def erase(user, resident_ids: list[int]) -> None:
    """Append-only by design: see the module docstring."""
