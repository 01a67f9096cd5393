"""Café: menu, orders with their item snapshots, pickup counters, payments."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin

ORDER_STATUSES = ("pending_payment", "paid", "accepted", "ready", "completed",
                  "cancelled", "expired", "refunding", "refunded")
ACTIVE_STATUSES = ("paid", "accepted", "ready")  # on the staff board
FULFILMENTS = ("pickup", "table")
# none: nothing to refund; due: a refund must be requested (the worker retries);
# requested: WeChat Pay accepted the request; refunded: the REFUND.SUCCESS notify came.
REFUND_STATUSES = ("none", "due", "requested", "refunded")


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class MenuCategory(TimestampMixin, Base):
    __tablename__ = "menu_categories"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)


class MenuItem(TimestampMixin, Base):
    __tablename__ = "menu_items"
    __table_args__ = (
        # The backstop of the stock hold: a unit is never sold twice.
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_fen >= 0", name="price_not_negative"),
        Index("ix_menu_items_site_category", "site_id", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("menu_categories.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    price_fen: Mapped[int]
    image_url: Mapped[str] = mapped_column(String(500), default="")
    sign_video_url: Mapped[str] = mapped_column(String(500), default="")
    available: Mapped[bool] = mapped_column(default=True)
    stock: Mapped[int | None]  # units left to sell; None = unlimited
    # [{name, required, choices: [{label, price_delta_fen}]}]
    options: Mapped[list] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[MenuCategory] = relationship()


class PickupCounter(Base):
    """The last pickup number given at a café on a local day; incremented atomically per order."""
    __tablename__ = "pickup_counters"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class Order(TimestampMixin, Base):
    __tablename__ = "cafe_orders"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(ORDER_STATUSES)}", name="status"),
        CheckConstraint(f"fulfilment IN {_in(FULFILMENTS)}", name="fulfilment"),
        CheckConstraint("total_fen > 0", name="total_positive"),
        # Pickup numbers never repeat at a café on a day, whatever the counter does.
        UniqueConstraint("site_id", "local_date", "number"),
        Index("ix_cafe_orders_user_created", "user_id", "created_at"),
        Index("ix_cafe_orders_site_status", "site_id", "status"),
        Index("ix_cafe_orders_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    total_fen: Mapped[int]
    fulfilment: Mapped[str] = mapped_column(String(10))
    table_no: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    out_trade_no: Mapped[str] = mapped_column(String(32), unique=True)
    prepay_id: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    ready_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id")


class OrderItem(Base):
    """A line of an order: a snapshot of the menu item as it was sold."""
    __tablename__ = "cafe_order_items"
    __table_args__ = (CheckConstraint("qty BETWEEN 1 AND 20", name="qty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("cafe_orders.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("menu_items.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(60))
    unit_price_fen: Mapped[int]  # base price + option deltas
    qty: Mapped[int]
    options: Mapped[dict] = mapped_column(default=dict)  # {option name: chosen label}

    order: Mapped[Order] = relationship(back_populates="items")


class Payment(TimestampMixin, Base):
    """A WeChat Pay transaction received for an order. Kept for accounting, even after account deletion."""
    __tablename__ = "cafe_payments"
    __table_args__ = (
        CheckConstraint(f"refund_status IN {_in(REFUND_STATUSES)}", name="refund_status"),
        Index("ix_cafe_payments_refund_status", "refund_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # An order is paid at most once: one payment per order, one per transaction.
    order_id: Mapped[int] = mapped_column(ForeignKey("cafe_orders.id", ondelete="RESTRICT"), unique=True)
    transaction_id: Mapped[str] = mapped_column(String(64), unique=True)
    amount_fen: Mapped[int]
    paid_at: Mapped[datetime]
    # Paid after the order was cancelled or expired: the money goes back.
    late: Mapped[bool] = mapped_column(default=False)
    refund_status: Mapped[str] = mapped_column(String(10), default="none")
    out_refund_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    refund_requested_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
