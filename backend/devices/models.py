"""The assistive-device catalogue and the federation's settings: ISO 9999 classes, makers and their
staff, products, subsidy groups, the approval chain, versioned assessment forms."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin

APPROVERS = ("staff", "manager", "admin")


class DeviceClass(Base):
    """An ISO 9999 / GB/T 16432 class: a main class (`12`), a subclass (`12.22`) or a division
    (`12.22.03`). The 12 main classes ship with the product (migration); the rest is imported."""
    __tablename__ = "device_classes"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("device_classes.code"), index=True)


class Maker(TimestampMixin, Base):
    """A device maker (厂家), with staff of its own (the `maker` role)."""
    __tablename__ = "device_makers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class MakerStaff(TimestampMixin, Base):
    """A user who works for a maker: sees that maker's products and supply orders, nothing else."""
    __tablename__ = "device_maker_staff"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    maker_id: Mapped[int] = mapped_column(ForeignKey("device_makers.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)


class Product(TimestampMixin, Base):
    __tablename__ = "device_products"
    __table_args__ = (
        UniqueConstraint("maker_id", "code"),
        CheckConstraint("price_fen >= 0 AND subsidy_standard_fen >= 0", name="money"),
        CheckConstraint("useful_life_months >= 0 AND training_sessions >= 0 AND loan_days >= 1 "
                        "AND maintenance_interval_days >= 0", name="numbers"),
        Index("ix_device_products_class", "class_code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    maker_id: Mapped[int] = mapped_column(ForeignKey("device_makers.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100), default="")
    class_code: Mapped[str] = mapped_column(ForeignKey("device_classes.code"))
    description: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str] = mapped_column(String(500), default="")
    price_fen: Mapped[int]
    subsidy_standard_fen: Mapped[int] = mapped_column(default=0)
    # No re-application within this many months after delivery (0: no lockout).
    useful_life_months: Mapped[int] = mapped_column(default=0)
    training_sessions: Mapped[int] = mapped_column(default=0)
    loanable: Mapped[bool] = mapped_column(default=False)
    loan_days: Mapped[int] = mapped_column(default=60)
    maintenance_interval_days: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    maker: Mapped[Maker] = relationship()


class SubsidyGroup(Base):
    """A group a person may belong to, with the share of the subsidy standard it pays (低保 100 %)."""
    __tablename__ = "device_subsidy_groups"
    __table_args__ = (CheckConstraint("ratio_percent BETWEEN 0 AND 100", name="ratio"),)

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    ratio_percent: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)


class ApprovalStep(Base):
    """One step of the approval chain after the person confirms a product, in `position` order.
    Regions order their steps differently, so this is data the federation edits, never code."""
    __tablename__ = "device_approval_steps"
    __table_args__ = (CheckConstraint("by IN ('staff', 'manager', 'admin')", name="by"),)

    position: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    by: Mapped[str] = mapped_column(String(10))


class AssessmentForm(Base):
    """A version of the assessment form of one domain. Published versions never change: an
    assessment keeps the version it was recorded with."""
    __tablename__ = "device_assessment_forms"
    __table_args__ = (UniqueConstraint("domain", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(100))
    questions: Mapped[list] = mapped_column(default=list)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
