"""Sites: disability homes, rehab stations, cafés, assistive-device service centres."""
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin

SITE_KINDS = ("home", "rehab", "cafe", "device_center")
ACCESSIBILITY = ("step_free", "accessible_toilet", "lift", "hearing_loop",
                 "sign_language_staff", "braille", "parking")
TIMEZONES = ("Asia/Shanghai", "Asia/Urumqi")


class Site(TimestampMixin, Base):
    __tablename__ = "sites"
    __table_args__ = (CheckConstraint("kind IN ('home', 'rehab', 'cafe', 'device_center')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    community: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    # [{weekday 1-7, open "09:00", close "17:00"}]
    opening_hours: Mapped[list] = mapped_column(default=list)
    accessibility: Mapped[list] = mapped_column(default=list)
    # Its local time (backend/sites/localtime.py).
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    # Per-site rules of the domains (rehab booking horizon, café pickup prefix, ...), defaults in code.
    rules: Mapped[dict] = mapped_column(default=dict)
