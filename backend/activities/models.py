"""Activities at disability homes and the signups for them (participants and volunteers).

Seats are counters on the activity row (`seats_taken`, `volunteer_seats_taken`),
changed only while that row is locked; CHECK constraints are the backstop, and a
partial unique index keeps one live signup per (activity, resident) and per
(activity, volunteer).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin

ACTIVITY_STATUSES = ("draft", "published", "cancelled", "completed")
# Public listing shows these; drafts are seen only by staff of the site (and admins).
PUBLIC_STATUSES = ("published", "completed")
CATEGORIES = ("culture", "sports", "skills", "social", "outing", "learning", "health", "other")

ROLES = ("participant", "volunteer")
SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled", "attended", "no_show")
# A signup holds its seats in these states (attended / no_show follow confirmed).
SEATED = ("confirmed", "attended", "no_show")
LIVE = ("confirmed", "waitlisted", "attended", "no_show")
# Not yet happened: what cancelling an activity (or an account) cancels.
BOOKED = ("confirmed", "waitlisted")
MAX_COMPANIONS = 3


class Activity(TimestampMixin, Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'cancelled', 'completed')", name="status"),
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("volunteer_capacity >= 0", name="volunteer_capacity"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats"),
        CheckConstraint("volunteer_seats_taken >= 0 AND volunteer_seats_taken <= volunteer_capacity",
                        name="volunteer_seats"),
        CheckConstraint("ends_at > starts_at", name="times"),
        Index("ix_activities_site_starts", "site_id", "starts_at"),
        Index("ix_activities_status_starts", "status", "starts_at"),
        # The city-wide listing (no site filter) walks this in order and stops after a page,
        # instead of sorting every matching row (bench/: 3 ms -> 0.1 ms at 5,000 activities).
        Index("ix_activities_starts", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    volunteer_capacity: Mapped[int] = mapped_column(default=0)
    volunteer_seats_taken: Mapped[int] = mapped_column(default=0)
    signup_opens_at: Mapped[datetime | None]
    # None: signups close when the activity starts.
    signup_closes_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    accessibility: Mapped[list] = mapped_column(default=list)
    # Disability categories that may take part; empty means everyone.
    eligible_categories: Mapped[list] = mapped_column(default=list)
    cover_url: Mapped[str] = mapped_column(String(500), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Signup(TimestampMixin, Base):
    """A participant (a resident plus 0-3 companions, one unit) or a volunteer (a user) at an activity.

    The waitlist is ordered by `id`: rows are inserted while the activity row is
    locked, so ids follow the order in which signups got the lock.
    """
    __tablename__ = "activity_signups"
    __table_args__ = (
        CheckConstraint("role IN ('participant', 'volunteer')", name="role"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled', 'attended', 'no_show')",
                        name="status"),
        CheckConstraint("companions BETWEEN 0 AND 3", name="companions"),
        CheckConstraint("seats = companions + 1", name="seats"),
        CheckConstraint("(role = 'participant' AND resident_id IS NOT NULL AND user_id IS NULL)"
                        " OR (role = 'volunteer' AND user_id IS NOT NULL AND resident_id IS NULL"
                        " AND companions = 0)", name="party"),
        CheckConstraint("minutes_credited IS NULL OR minutes_credited >= 0", name="minutes"),
        Index("uq_activity_signups_live_resident", "activity_id", "resident_id", unique=True,
              postgresql_where=text("status <> 'cancelled' AND resident_id IS NOT NULL"),
              sqlite_where=text("status <> 'cancelled' AND resident_id IS NOT NULL")),
        Index("uq_activity_signups_live_volunteer", "activity_id", "user_id", unique=True,
              postgresql_where=text("status <> 'cancelled' AND user_id IS NOT NULL"),
              sqlite_where=text("status <> 'cancelled' AND user_id IS NOT NULL")),
        Index("ix_activity_signups_queue", "activity_id", "role", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    # The volunteer (role volunteer only).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Who made the signup: a linked user, the volunteer, or staff (walk-in).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    companions: Mapped[int] = mapped_column(default=0)
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12))
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    attended_at: Mapped[datetime | None]
    attendance_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Claimed by the reminder job with a conditional UPDATE: one reminder per signup.
    reminded_at: Mapped[datetime | None]
    minutes_credited: Mapped[int | None]
    credited_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship()
