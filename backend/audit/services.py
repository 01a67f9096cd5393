"""Recording and listing audit entries. Recording joins the caller's transaction."""
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import insert, select

from ..common.pagination import page_of
from ..extensions import db
from ..identity.access import require_admin
from ..identity.models import User
from .models import AuditEntry

SENSITIVE_FIELDS = ["disability_category", "disability_level", "certificate", "birth_date", "phone", "needs"]


def record(actor_id: int, action: str, resident_ids: Iterable[int], fields: list[str] | None = None,
           site_id: int | None = None, sites: Mapping[int, int] | None = None) -> None:
    """`sites` gives a per-resident site where one listing spans several (else `site_id`)."""
    # One multi-row INSERT for a whole listing, not one statement per resident seen.
    rows = [dict(actor_id=actor_id, resident_id=rid, action=action, fields=list(fields or SENSITIVE_FIELDS),
                 site_id=(sites or {}).get(rid, site_id)) for rid in resident_ids]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def list_entries(admin: User, *, resident_id: int | None, actor_id: int | None, since: datetime | None,
                 until: datetime | None, page: int, page_size: int) -> dict:
    """The audit log, newest first: admins only."""
    require_admin(admin)
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if resident_id is not None:
        q = q.where(AuditEntry.resident_id == resident_id)
    if actor_id is not None:
        q = q.where(AuditEntry.actor_id == actor_id)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if until is not None:
        q = q.where(AuditEntry.at < until)
    return page_of(q, page, page_size)
