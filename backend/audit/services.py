"""Recording and listing audit entries. Recording joins the caller's transaction."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from .. import localtime
from ..common.pagination import page_of
from ..errors import Forbidden
from ..extensions import db
from .models import AuditEntry

if TYPE_CHECKING:
    from ..identity.models import User

# What administrative entries are about (`AuditEntry.subject`).
SUBJECTS = ("site", "staff_assignment", "admin", "volunteer_profile", "rehab_service", "rehab_schedule", "closure",
            "therapist")
SENSITIVE_FIELDS = ["disability_category", "disability_level", "certificate", "birth_date", "phone", "needs"]


def record(actor_id: int, action: str, resident_ids: Iterable[int], fields: list[str] | None = None,
           site_id: int | None = None, sites: Mapping[int, int] | None = None) -> None:
    """`sites` gives a per-resident site where one listing spans several (else `site_id`)."""
    # One multi-row INSERT for a whole listing, not one statement per resident seen.
    rows = [dict(actor_id=actor_id, resident_id=rid, action=action, fields=list(fields or SENSITIVE_FIELDS),
                 site_id=(sites or {}).get(rid, site_id)) for rid in resident_ids]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def _plain(value):
    """A value as the log stores it (JSON): dates and times as ISO 8601, containers element-wise."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def record_change(actor_id: int | None, action: str, subject: str, subject_id: int | None, *,
                  before: Mapping | None = None, after: Mapping | None = None, site_id: int | None = None) -> None:
    """An administrative change (roles, sites, schedules): who (`actor_id`; None from the CLI), what
    (`subject`, `subject_id`) and each field that changed, before → after. No personal values: callers
    pass settings, roles and statuses, never a resident's data. A change that changes nothing is not
    recorded. Joins the caller's transaction."""
    before, after = _plain(dict(before or {})), _plain(dict(after or {}))
    changed = {k: {"before": before.get(k), "after": after.get(k)}
               for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
    if not changed and action == "update":
        return
    db.session.add(AuditEntry(actor_id=actor_id or 0, resident_id=None, action=action, fields=sorted(changed),
                              site_id=site_id, subject=subject, subject_id=subject_id, changes=changed))


def entry_view(e: AuditEntry) -> dict:
    return {"id": e.id, "at": localtime.at(e.at), "actor_id": e.actor_id or None, "resident_id": e.resident_id,
            "action": e.action, "fields": e.fields, "site_id": e.site_id, "subject": e.subject,
            "subject_id": e.subject_id, "changes": e.changes}


def list_entries(admin: User, *, resident_id: int | None, actor_id: int | None, since: datetime | None,
                 until: datetime | None, page: int, page_size: int, subject: str | None = None,
                 site_id: int | None = None) -> dict:
    """The audit log, newest first: admins only."""
    if not admin.is_admin:  # audit sits below identity, whose require_admin this is
        raise Forbidden()
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if resident_id is not None:
        q = q.where(AuditEntry.resident_id == resident_id)
    if actor_id is not None:
        q = q.where(AuditEntry.actor_id == actor_id)
    if subject is not None:
        q = q.where(AuditEntry.subject == subject)
    if site_id is not None:
        q = q.where(AuditEntry.site_id == site_id)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if until is not None:
        q = q.where(AuditEntry.at < until)
    result = page_of(q, page, page_size)
    result["items"] = [entry_view(e) for e in result["items"]]
    return result
