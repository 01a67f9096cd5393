from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class AuditEntry(Base):
    """Append-only record of a staff or admin read or change of a resident's sensitive fields, or of
    an admin's or staff member's change of roles, sites and schedules (`subject`, `subject_id`,
    `changes`: {field: {before, after}}, never a personal value).

    Append-only is enforced on PostgreSQL by a trigger (see the migration); the
    application only ever inserts. Ids are plain integers, not foreign keys, so
    the record outlives account deletion.
    """
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int] = mapped_column(index=True)
    resident_id: Mapped[int | None] = mapped_column(index=True)
    # read | update | verify | export (residents); create | update | delete | grant | revoke | review
    action: Mapped[str] = mapped_column(String(10))
    fields: Mapped[list] = mapped_column(default=list)
    site_id: Mapped[int | None]
    # What an administrative change applied to (None for a resident's data): site, staff_assignment,
    # admin, volunteer_profile, rehab_service, rehab_schedule, closure.
    subject: Mapped[str | None] = mapped_column(String(30), index=True)
    subject_id: Mapped[int | None]
    changes: Mapped[dict | None]
