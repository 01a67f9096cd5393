"""Recording and listing audit entries. Recording joins the caller's transaction."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from .. import localtime
from ..common.pagination import page_of
from ..errors import Forbidden
from ..extensions import db
from .models import AuditEntry

if TYPE_CHECKING:
    from ..identity.models import User

SENSITIVE_FIELDS = ["disability_category", "disability_level", "certificate", "birth_date", "phone", "needs"]


def record(actor_id: int, action: str, resident_ids: Iterable[int], fields: list[str] | None = None,
           site_id: int | None = None, sites: Mapping[int, int] | None = None) -> None:
    """`sites` gives a per-resident site where one listing spans several (else `site_id`)."""
    # One multi-row INSERT for a whole listing, not one statement per resident seen.
    rows = [dict(actor_id=actor_id, resident_id=rid, action=action, fields=list(fields or SENSITIVE_FIELDS),
                 site_id=(sites or {}).get(rid, site_id)) for rid in resident_ids]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def entry_view(e: AuditEntry) -> dict:
    return {"id": e.id, "at": localtime.at(e.at), "actor_id": e.actor_id, "resident_id": e.resident_id,
            "action": e.action, "fields": e.fields, "site_id": e.site_id}


def list_entries(admin: User, *, resident_id: int | None, actor_id: int | None, since: datetime | None,
                 until: datetime | None, page: int, page_size: int) -> dict:
    """The audit log, newest first: admins only."""
    if not admin.is_admin:  # audit sits below identity, whose require_admin this is
        raise Forbidden()
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if resident_id is not None:
        q = q.where(AuditEntry.resident_id == resident_id)
    if actor_id is not None:
        q = q.where(AuditEntry.actor_id == actor_id)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if until is not None:
        q = q.where(AuditEntry.at < until)
    result = page_of(q, page, page_size)
    result["items"] = [entry_view(e) for e in result["items"]]
    return result
