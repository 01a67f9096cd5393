"""Who people are to the system: WeChat accounts and their tokens, the residents served and who may act
for them, staff assignments to sites, and volunteer profiles (roles, API.md "Roles")."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin

RELATIONS = ("self", "parent", "child", "spouse", "sibling", "guardian", "other")
DISABILITY_CATEGORIES = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
NEEDS = ("wheelchair", "sign_language", "guide_dog", "easy_read", "large_print", "carer", "hearing_loop", "other")
VOLUNTEER_SKILLS = ("sign_language", "wheelchair_assist", "guide", "first_aid", "teaching", "other")
COMMUNICATION = ("text", "sign_language", "voice", "large_text", "easy_read")
STAFF_ROLES = ("staff", "manager")


class User(TimestampMixin, Base):
    """A WeChat account. Personal fields are erased on deletion (`deleted_at` set)."""
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    session_key_enc: Mapped[str | None] = mapped_column(Text)  # never leaves the server
    nickname: Mapped[str] = mapped_column(String(64), default="")
    avatar_url: Mapped[str] = mapped_column(String(500), default="")
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    # {communication, large_text, notes}
    preferences: Mapped[dict] = mapped_column(default=dict)
    is_admin: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]

    volunteer: Mapped["VolunteerProfile | None"] = relationship(
        back_populates="user", uselist=False, foreign_keys="VolunteerProfile.user_id")


class AuthToken(TimestampMixin, Base):
    """An opaque bearer token; only its SHA-256 is stored, so a database leak leaks no session."""
    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class WebSession(TimestampMixin, Base):
    """Signing a screen in by scanning (a counter tablet, a TV): a ticket shown as a QR code that
    becomes a session once a user confirms it from the mini-program and the screen collects it.

    Only SHA-256 hashes are stored: of the ticket (in the QR), of the requester secret (a cookie of
    the browser that asked for the ticket: only that browser may collect the session) and of the
    session secret (the screen's cookie). `user_id` is set on confirmation, `secret_hash` when the
    screen collects the session; revoked with the user's tokens (`tokens.revoke_all`).
    """
    __tablename__ = "web_sessions"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) = (confirmed_at IS NULL)", name="confirmed_by_user"),
        CheckConstraint("secret_hash IS NULL OR confirmed_at IS NOT NULL", name="collected_after_confirmed"),
        Index("ix_web_sessions_ticket_expires", "ticket_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    requester_hash: Mapped[str] = mapped_column(String(64))
    ticket_expires_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    confirmed_at: Mapped[datetime | None]
    secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    collected_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # the session's end, set on confirmation (WEB_SESSION_HOURS)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()


class Resident(TimestampMixin, Base):
    """A person served. May have no WeChat account; family members and staff act for them."""
    __tablename__ = "residents"
    __table_args__ = (
        CheckConstraint("disability_level BETWEEN 1 AND 4", name="level"),
        CheckConstraint("verification IN ('pending', 'verified', 'rejected')", name="verification"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    disability_category: Mapped[str] = mapped_column(String(20))
    disability_level: Mapped[int]
    certificate_enc: Mapped[str | None] = mapped_column(Text)
    certificate_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # one resident per certificate
    certificate_tail: Mapped[str | None] = mapped_column(String(4))
    birth_date_enc: Mapped[str | None] = mapped_column(Text)  # ID-derived, so encrypted too
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    needs: Mapped[list] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    verification: Mapped[str] = mapped_column(String(10), default="pending")
    verification_note: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None]
    # Consent (PIPL): separate, recorded, before disability data is stored.
    consent_sensitive_at: Mapped[datetime | None]
    consent_guardian_at: Mapped[datetime | None]
    consent_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    erased_at: Mapped[datetime | None]

    links: Mapped[list["ResidentLink"]] = relationship(back_populates="resident", cascade="all, delete-orphan")


class ResidentLink(TimestampMixin, Base):
    """A user who may act for a resident (themself, a parent, a child...)."""
    __tablename__ = "resident_links"
    __table_args__ = (UniqueConstraint("user_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(10))

    resident: Mapped[Resident] = relationship(back_populates="links")
    user: Mapped[User] = relationship()


class ResidentSite(TimestampMixin, Base):
    """A resident known to a site: registered, verified, signed up or booked there.

    Staff scope over residents is this table; domains call `identity.mark_known`.
    """
    __tablename__ = "resident_sites"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(20))


class VolunteerProfile(TimestampMixin, Base):
    __tablename__ = "volunteer_profiles"
    __table_args__ = (CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    real_name: Mapped[str] = mapped_column(String(64))
    skills: Mapped[list] = mapped_column(default=list)
    intro: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    # Kept in step with volunteer credits by the activities domain, in the same transaction.
    minutes_total: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(back_populates="volunteer", foreign_keys=[user_id])


class StaffAssignment(TimestampMixin, Base):
    """A user's role at a site. Staff scope is always read from here, never from a request."""
    __tablename__ = "staff_assignments"
    __table_args__ = (CheckConstraint("role IN ('staff', 'manager')", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10))
    assigned_at: Mapped[datetime | None]


Index("ix_residents_registered_site", Resident.registered_site_id)
