"""Rehab models: a service's weekly plan is materialised into slots; residents book slots.

PostgreSQL exclusion constraints (added in the migration, not declared here, since SQLite cannot
express them) keep a therapist out of two overlapping open slots (buffers included) and a resident
out of two overlapping live appointments; code checks the same rules first, for both databases.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin

SERVICE_KINDS = ("physio", "ot", "speech", "device_assessment", "device_fitting", "device_training", "psych",
                 "other")
APPOINTMENT_STATUSES = ("booked", "checked_in", "completed", "cancelled", "no_show", "excused")
# How people read a status (messages never show the codes).
STATUS_NAMES = {"booked": "已预约", "checked_in": "已签到", "completed": "已完成", "cancelled": "已取消",
                "no_show": "爽约", "excused": "爽约已免责"}
# Statuses that hold the resident's time (overlap rule) and the slot's seat.
LIVE = ("booked", "checked_in")
# open: bookable when in the window; retired: dropped by a new plan (kept only for history);
# closed: the site closed that day.
SLOT_STATUSES = ("open", "retired", "closed")


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Therapist(TimestampMixin, Base):
    """Someone who runs sessions at one rehab station; optionally a staff user of that site."""
    __tablename__ = "rehab_therapists"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)


class RehabService(TimestampMixin, Base):
    __tablename__ = "rehab_services"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(SERVICE_KINDS)}", name="kind"),
        CheckConstraint("duration_min > 0 AND buffer_min >= 0", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    duration_min: Mapped[int]
    buffer_min: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    requires_verified: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # The weekly plan as last PUT: {slot_min, weekly: [...], valid_from, valid_to}; None until scheduled.
    schedule: Mapped[dict | None]


class RehabSlot(TimestampMixin, Base):
    """One bookable time of one therapist for one service. `booked` counts live appointments."""
    __tablename__ = "rehab_slots"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="capacity"),
        CheckConstraint("ends_at > starts_at AND blocked_until >= ends_at", name="times"),
        CheckConstraint(f"status IN {_in(SLOT_STATUSES)}", name="status"),
        # Generation is idempotent: one open slot per (service, therapist, start).
        Index("uq_rehab_slots_open", "service_id", "therapist_id", "starts_at", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_rehab_slots_therapist_time", "therapist_id", "starts_at"),
        Index("ix_rehab_slots_service_time", "service_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("rehab_services.id", ondelete="CASCADE"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("rehab_therapists.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # ends_at + the service's buffer: the therapist is busy until then.
    blocked_until: Mapped[datetime]
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")

    service: Mapped[RehabService] = relationship()
    therapist: Mapped[Therapist] = relationship()


class Closure(TimestampMixin, Base):
    """A day a rehab station is closed: no bookable slots, that day's appointments cancelled."""
    __tablename__ = "rehab_closures"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    day: Mapped[date]  # local date of the site
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Appointment(TimestampMixin, Base):
    __tablename__ = "rehab_appointments"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(APPOINTMENT_STATUSES)}", name="status"),
        Index("ix_rehab_appointments_resident_time", "resident_id", "starts_at"),
        Index("ix_rehab_appointments_site_time", "site_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("rehab_slots.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("rehab_services.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_staff: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="booked")
    note: Mapped[str] = mapped_column(Text, default="")
    # Copied from the slot so the overlap rule is one constraint on this table.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_note: Mapped[str] = mapped_column(String(200), default="")
    status_changed_at: Mapped[datetime | None]
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Each reminder is claimed once with a conditional UPDATE (worker-safe).
    reminded_24h_at: Mapped[datetime | None]
    reminded_2h_at: Mapped[datetime | None]

    slot: Mapped[RehabSlot] = relationship()
    service: Mapped[RehabService] = relationship()
