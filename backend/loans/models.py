"""Loans of assistive devices (租赁借用): the centres' inventory units, their history, loans and
theirs. A unit is never in two live loans: the partial unique index on `device_loans.item_id` over
live statuses is the database's last word, whatever the interleaving."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin

# Unit states (API.md): available → reserved → on_loan → inspection → available | repair | scrapped;
# repair → available | scrapped; lost. Scrapped and lost units are never lent again.
ITEM_STATUSES = ("available", "reserved", "on_loan", "inspection", "repair", "scrapped", "lost")
CONDITIONS = ("new", "good", "worn", "damaged")
SOURCES = ("purchased", "donated", "returned")

# Loan states: reserved → on_loan → returned | lost; reserved → cancelled | expired (the hold lapsed).
# "overdue" is not stored: an `on_loan` loan past its `due_on` (the site's calendar).
LOAN_STATUSES = ("reserved", "on_loan", "returned", "cancelled", "expired", "lost")
LIVE = ("reserved", "on_loan")
PURPOSES = ("trial", "awaiting_subsidy", "during_repair", "short_term")


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class DeviceItem(TimestampMixin, Base):
    """One physical unit a centre holds and lends (a serial number)."""
    __tablename__ = "device_items"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(ITEM_STATUSES)}", name="status"),
        CheckConstraint(f"condition IN {_in(CONDITIONS)}", name="condition"),
        CheckConstraint(f"source IN {_in(SOURCES)}", name="source"),
        UniqueConstraint("product_id", "serial_no"),
        # Availability per site and product, and the reservation's pick of a free unit.
        Index("ix_device_items_pool", "site_id", "product_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    product_id: Mapped[int] = mapped_column(ForeignKey("device_products.id", ondelete="RESTRICT"))
    serial_no: Mapped[str] = mapped_column(String(64))
    condition: Mapped[str] = mapped_column(String(10), default="good")
    source: Mapped[str] = mapped_column(String(10), default="purchased")
    status: Mapped[str] = mapped_column(String(12), default="available")
    note: Mapped[str] = mapped_column(Text, default="")
    acquired_on: Mapped[date] = mapped_column(Date)
    # The maintenance clock: the last maintenance, or acquisition for a unit never serviced.
    last_maintained_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime | None]


class ItemEvent(Base):
    """The unit's history: every change of state (and each maintenance), who and when. Append only."""
    __tablename__ = "device_item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("device_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    action: Mapped[str] = mapped_column(String(20))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("device_loans.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class DeviceLoan(TimestampMixin, Base):
    """A person's loan of one unit of a product at a centre, from the reservation that holds the unit
    to its return. `item_id` is NULL while the person waits (their held unit went to repair and no
    other was free): the next unit freed at that centre is held for them."""
    __tablename__ = "device_loans"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(LOAN_STATUSES)}", name="status"),
        CheckConstraint(f"purpose IN {_in(PURPOSES)}", name="purpose"),
        CheckConstraint("renewals >= 0", name="renewals"),
        CheckConstraint("status <> 'on_loan' OR (item_id IS NOT NULL AND due_on IS NOT NULL)", name="on_loan_item"),
        Index("uq_device_loans_live_item", "item_id", unique=True,
              postgresql_where=text(f"status IN {_in(LIVE)} AND item_id IS NOT NULL"),
              sqlite_where=text(f"status IN {_in(LIVE)} AND item_id IS NOT NULL")),
        Index("ix_device_loans_resident", "resident_id", "status"),
        Index("ix_device_loans_site", "site_id", "status", "id"),
        Index("ix_device_loans_pool", "site_id", "product_id", "status"),
        Index("ix_device_loans_due", "status", "due_on"),
        Index("ix_device_loans_hold", "status", "hold_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    product_id: Mapped[int] = mapped_column(ForeignKey("device_products.id", ondelete="RESTRICT"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("device_items.id", ondelete="RESTRICT"))
    purpose: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="reserved")
    hold_expires_at: Mapped[datetime | None]
    due_on: Mapped[date | None] = mapped_column(Date)
    renewals: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Lent by staff to a walk-in (audited as acting for the person): staff act for them afterwards.
    by_staff: Mapped[bool] = mapped_column(default=False)
    # The signed handover at checkout (devices' handovers; the loan points at it, never the reverse).
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("device_handovers.id", ondelete="SET NULL"))
    checked_out_at: Mapped[datetime | None]
    checked_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None]
    return_condition: Mapped[str | None] = mapped_column(String(10))
    return_note: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None]
    # Reminders: the due date each was sent for. A renewal moves `due_on`, which re-arms both.
    due_reminded_for: Mapped[date | None] = mapped_column(Date)
    overdue_reminded_for: Mapped[date | None] = mapped_column(Date)


class LoanEvent(Base):
    """The loan's history: every change, who and when. Append only."""
    __tablename__ = "device_loan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("device_loans.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(20))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("device_items.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
