from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin, utcnow

# `sending` is internal (the WeChat call may have started); the inbox shows it as `pending`.
DELIVERY_STATES = ("pending", "sending", "sent", "skipped", "failed")


class Notification(TimestampMixin, Base):
    """One notification: an inbox item and, at the same time, an outbox row.

    Written in the transaction of the business change that causes it (so a
    rolled-back change notifies nobody); the worker later tries the WeChat
    subscribe message and records the outcome in `delivery`.

    Worker bookkeeping: `claim_token` + `lease_until` say which worker holds the
    row and until when (see delivery.py for the protocol).
    """
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("delivery IN ('pending', 'sending', 'sent', 'skipped', 'failed')", name="delivery"),
        # The worker's queue: due pending rows.
        Index("ix_notifications_due", "delivery", "next_attempt_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(default=dict)
    read_at: Mapped[datetime | None]
    delivery: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    template_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]


class SubscriptionCredit(Base):
    """How many more subscribe messages of one template a user has accepted (one per `accept`).

    Taken by a conditional UPDATE (`remaining > 0`) before a send and given back if
    the send does not succeed, so concurrent workers never spend one credit twice.
    """
    __tablename__ = "subscription_credits"
    __table_args__ = (CheckConstraint("remaining >= 0", name="remaining"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    remaining: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
