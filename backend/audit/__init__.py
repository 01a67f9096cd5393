"""The append-only audit log of staff and admin reads and changes of residents' sensitive data, and of
their changes of roles, sites and schedules.

Public: `record` and `record_change` (each joins the caller's transaction), `list_entries`, `AuditEntry`.
"""
from ..domains import Domain, Privacy
from . import privacy
from .models import AuditEntry
from .services import SENSITIVE_FIELDS, SUBJECTS, list_entries, record, record_change

domain = Domain(name="audit", models=(AuditEntry,),
                privacy=Privacy(export={"audit_log": privacy.export}, erase=privacy.erase, covers=(AuditEntry,)))

__all__ = ["SENSITIVE_FIELDS", "SUBJECTS", "AuditEntry", "domain", "list_entries", "record", "record_change"]
