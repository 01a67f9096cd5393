"""A person's assistive-device case, the federation's closed loop: application, assessment, the
person's choice with its subsidy, approvals, supply. Fitting, training, follow-ups and repairs:
fitting_models.py."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin

STATUSES = ("submitted", "returned", "assessment_pending", "assessed", "approval", "supplying",
            "ready_for_fitting", "training", "follow_up", "closed", "rejected", "withdrawn")
# A case in these states is over: a new application of the same main class may be made.
ENDED = ("closed", "rejected", "withdrawn")
# Withdrawing is possible before the device is ordered.
WITHDRAWABLE = ("submitted", "returned", "assessment_pending", "assessed", "approval")
OUTCOMES = ("suitable", "not_eligible", "not_available")


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class DeviceCase(TimestampMixin, Base):
    __tablename__ = "device_cases"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(STATUSES)}", name="status"),
        CheckConstraint("price_fen IS NULL OR (subsidy_fen >= 0 AND self_pay_fen >= 0 "
                        "AND subsidy_fen + self_pay_fen = price_fen)", name="quote"),
        # One live case per person and main class (409 case_open), whatever the interleaving.
        Index("uq_device_cases_live_class", "resident_id", "main_class", unique=True,
              postgresql_where=text(f"status NOT IN {_in(ENDED)}"),
              sqlite_where=text(f"status NOT IN {_in(ENDED)}")),
        Index("ix_device_cases_site_status", "site_id", "status"),
        Index("ix_device_cases_waiting", "waiting_by", "site_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    class_code: Mapped[str] = mapped_column(ForeignKey("device_classes.code"))
    main_class: Mapped[str] = mapped_column(String(2))
    need: Mapped[str] = mapped_column(Text, default="")
    subsidy_groups: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    # The step the case waits for and who may take it (staff | manager | admin | applicant |
    # maker), kept on the row so the worklist "waiting on me" is one indexed query.
    waiting_step: Mapped[str | None] = mapped_column(String(20))
    waiting_by: Mapped[str | None] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Filed by staff for a walk-in (代办): staff act for the person at the applicant's steps.
    by_staff: Mapped[bool] = mapped_column(default=False)
    returned_reason: Mapped[str] = mapped_column(Text, default="")
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    # The approval chain as it was when the case entered approval (a later change of the chain
    # applies to cases that have not entered it yet), and which pass through it this is.
    approval_chain: Mapped[list | None]
    approval_round: Mapped[int] = mapped_column(default=0)
    # The person's choice and its quote, in fen.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("device_products.id", ondelete="RESTRICT"))
    price_fen: Mapped[int | None]
    subsidy_fen: Mapped[int | None]
    self_pay_fen: Mapped[int | None]
    ratio_percent: Mapped[int | None]
    confirm_opinion: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime | None]
    # Set when the device is handed over: what the useful-life lockout reads.
    delivered_at: Mapped[datetime | None]
    level_at_delivery: Mapped[int | None]
    closed_at: Mapped[datetime | None]


class CaseEvent(Base):
    """The case's history: every change, who made it and when (append only)."""
    __tablename__ = "device_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class Assessment(TimestampMixin, Base):
    """An assessment of the person for the case. Answers, measurements and findings are health data:
    encrypted at rest, every staff read audited, never shown to makers."""
    __tablename__ = "device_assessments"
    __table_args__ = (CheckConstraint(f"outcome IN {_in(OUTCOMES)}", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("device_assessment_forms.id", ondelete="RESTRICT"))
    answers_enc: Mapped[str] = mapped_column(Text)
    measurements_enc: Mapped[str] = mapped_column(Text)
    findings_enc: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    # [{class_code, product_ids, main, note}]: what the person may choose from.
    recommendations: Mapped[list] = mapped_column(default=list)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("rehab_appointments.id", ondelete="SET NULL"))
    # When that rehab appointment was completed (from the rehab domain's event).
    appointment_completed_at: Mapped[datetime | None]
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    void_reason: Mapped[str] = mapped_column(Text, default="")


class Approval(Base):
    """One decision on one step of one pass through the chain: the unique constraint is what lets
    only one of two approvers deciding at the same moment win."""
    __tablename__ = "device_approvals"
    __table_args__ = (
        UniqueConstraint("case_id", "round", "step"),
        CheckConstraint("result IN ('approved', 'returned', 'rejected')", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"))
    round: Mapped[int]
    step: Mapped[str] = mapped_column(String(20))
    step_name: Mapped[str] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(String(10))
    opinion: Mapped[str] = mapped_column(Text, default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime]


class SupplyOrder(TimestampMixin, Base):
    """The device ordered from its maker once a case is approved. A case re-assessed after delivery
    goes round the loop again and gets a new order: at most one open order per case (the partial
    unique index), the latest (highest id) being the case's current one."""
    __tablename__ = "device_supply_orders"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'shipped', 'received')", name="status"),
        CheckConstraint("quantity >= 1", name="quantity"),
        Index("ix_device_supply_orders_maker", "maker_id", "status", "id"),
        Index("uq_device_supply_orders_open", "case_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("device_cases.id", ondelete="CASCADE"), index=True)
    maker_id: Mapped[int] = mapped_column(ForeignKey("device_makers.id", ondelete="RESTRICT"))
    product_id: Mapped[int] = mapped_column(ForeignKey("device_products.id", ondelete="RESTRICT"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="open")
    shipped_at: Mapped[datetime | None]
    tracking: Mapped[str] = mapped_column(String(100), default="")
    serial_nos: Mapped[list] = mapped_column(default=list)
    shipped_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Received at the centre instead of shipped by the maker (from its own stock, or handed in).
    from_stock: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

