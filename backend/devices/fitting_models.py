"""After supply: the device fitted and handed over (a delivery, pointing at its signed handover),
the training sessions, the follow-ups (回访) created at delivery, and repairs."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin

FOLLOWUP_STATUSES = ("pending", "done", "cancelled")
FOLLOWUP_METHODS = ("phone", "visit", "appointment")
FOLLOWUP_OUTCOMES = ("continue", "adjust", "repair", "reassess", "close")
REPAIR_STATUSES = ("requested", "in_progress", "done", "replaced")
REPAIR_OPEN = ("requested", "in_progress")


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Delivery(TimestampMixin, Base):
    """The device fitted and handed over (适配交付), once per supply order."""
    __tablename__ = "device_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    supply_order_id: Mapped[int] = mapped_column(ForeignKey("device_supply_orders.id", ondelete="RESTRICT"),
                                                 unique=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("device_handovers.id", ondelete="RESTRICT"), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("device_products.id", ondelete="RESTRICT"))
    serial_no: Mapped[str] = mapped_column(String(64))
    fitted_at: Mapped[datetime]
    fitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")


class TrainingSession(TimestampMixin, Base):
    """A session teaching the person to use the device; one may come from a completed
    `device_training` rehab appointment (counted once: the appointment id is unique)."""
    __tablename__ = "device_training_sessions"
    __table_args__ = (CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("device_deliveries.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    minutes: Mapped[int]
    content: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("rehab_appointments.id", ondelete="SET NULL"),
                                                       unique=True)


class FollowUp(TimestampMixin, Base):
    """A follow-up due on a local day of the site, created at delivery for each offset of
    DEVICE_FOLLOWUP_DAYS. The two markers make each reminder happen once, whatever the workers do."""
    __tablename__ = "device_followups"
    __table_args__ = (
        UniqueConstraint("delivery_id", "seq"),
        CheckConstraint(f"status IN {_in(FOLLOWUP_STATUSES)}", name="status"),
        CheckConstraint(f"method IS NULL OR method IN {_in(FOLLOWUP_METHODS)}", name="method"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {_in(FOLLOWUP_OUTCOMES)}", name="outcome"),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 4", name="satisfaction"),
        CheckConstraint("(status = 'done') = (recorded_at IS NOT NULL)", name="recorded"),
        Index("ix_device_followups_site_due", "site_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("device_deliveries.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    seq: Mapped[int]
    offset_days: Mapped[int]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    method: Mapped[str | None] = mapped_column(String(12))
    in_use: Mapped[bool | None]
    not_used_reason: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # device_followup_due sent to the family / the overdue inbox item given to staff.
    reminded_at: Mapped[datetime | None]
    overdue_notified_at: Mapped[datetime | None]


class Repair(TimestampMixin, Base):
    """A repair of a delivered device: asked for by the family (or opened by a follow-up), worked by
    the centre's staff. At most one open repair per delivery."""
    __tablename__ = "device_repairs"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(REPAIR_STATUSES)}", name="status"),
        CheckConstraint("cost_fen >= 0", name="cost"),
        Index("uq_device_repairs_open", "delivery_id", unique=True,
              postgresql_where=text(f"status IN {_in(REPAIR_OPEN)}"),
              sqlite_where=text(f"status IN {_in(REPAIR_OPEN)}")),
        Index("ix_device_repairs_site_status", "site_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("device_deliveries.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("device_followups.id", ondelete="SET NULL"))
    problem: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="requested")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    cost_fen: Mapped[int] = mapped_column(default=0)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]
