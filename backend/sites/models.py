from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin

SITE_KINDS = ("home", "rehab", "cafe")
ACCESSIBILITY = ("step_free", "accessible_toilet", "lift", "hearing_loop",
                 "sign_language_staff", "braille", "parking")
STAFF_ROLES = ("staff", "manager")


class Site(TimestampMixin, Base):
    __tablename__ = "sites"
    __table_args__ = (CheckConstraint("kind IN ('home', 'rehab', 'cafe')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    community: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    # [{weekday 1-7, open "09:00", close "17:00"}]
    opening_hours: Mapped[list] = mapped_column(default=list)
    accessibility: Mapped[list] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    # Per-site rules of the domains (rehab booking horizon, café table count, ...), with defaults in code.
    rules: Mapped[dict] = mapped_column(default=dict)


class StaffAssignment(TimestampMixin, Base):
    """A user's role at a site. Staff scope is always read from here, never from a request."""
    __tablename__ = "staff_assignments"
    __table_args__ = (CheckConstraint("role IN ('staff', 'manager')", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10))
    assigned_at: Mapped[datetime | None]
