"""Volunteer service certificates (志愿服务证明, 民发〔2015〕149号): what was certified, kept so a
certificate can be checked by its number."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin


class Certificate(TimestampMixin, Base):
    __tablename__ = "volunteer_certificates"
    # The same volunteer, period and hours are one certificate: asking again gives the same number.
    __table_args__ = (UniqueConstraint("user_id", "period_from", "period_to", "minutes",
                                       name="uq_volunteer_certificates_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, not a sequence: a number says nothing about other certificates (certificates.py).
    number: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    volunteer_name: Mapped[str] = mapped_column(String(64))
    volunteer_no: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int]
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    # [{title, date, minutes, site}]: what the certificate lists, as it was when issued.
    entries: Mapped[list] = mapped_column(default=list)
    issuer: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime]
    verification_code: Mapped[str] = mapped_column(String(16))


# The moments the report's metrics count at (metrics.py), each indexed so a period is a range scan.
# Declared here, by the domain that reads by them, on the other domains' tables (migration 0013).
def _read_indexes():
    from sqlalchemy import Index

    from ..activities import Activity, Signup
    from ..cafe import Order, Payment
    from ..devices import Assessment, DeviceCase, FollowUp, SupplyOrder
    from ..identity import Resident
    from ..loans import DeviceLoan
    from ..rehab import Appointment
    columns = (Resident.created_at, Resident.verified_at, Activity.completed_at, Activity.cancelled_at,
               Signup.created_at, Signup.attended_at, Signup.credited_at, Appointment.created_at,
               Appointment.status_changed_at, DeviceCase.created_at, DeviceCase.delivered_at,
               Assessment.created_at, SupplyOrder.created_at, Order.paid_at, Payment.refunded_at,
               FollowUp.recorded_at, FollowUp.due_on, DeviceLoan.checked_out_at, DeviceLoan.due_on)
    return tuple(Index(f"ix_reports_{c.table.name}_{c.name}", c) for c in columns)


READ_INDEXES = _read_indexes()
