from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class AuditEntry(Base):
    """Append-only record of a staff or admin read or change of a resident's sensitive fields.

    Append-only is enforced on PostgreSQL by a trigger (see the migration); the
    application only ever inserts. Ids are plain integers, not foreign keys, so
    the record outlives account deletion.
    """
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int] = mapped_column(index=True)
    resident_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(10))  # read | update | verify | export
    fields: Mapped[list] = mapped_column(default=list)
    site_id: Mapped[int | None]
