"""PIPL access and deletion for certificates: a volunteer's own certificates are exported, and
deleted with the account (a public check of their number then answers 404)."""
from sqlalchemy import delete, select

from ..extensions import db
from ..identity import User
from .models import Certificate


def export_certificates(user: User, resident_ids: list[int]) -> list[dict]:
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id))
    return [{"number": c.number, "volunteer_name": c.volunteer_name, "minutes": c.minutes,
             "from": c.period_from.isoformat(), "to": c.period_to.isoformat(),
             "issued_at": c.issued_at.isoformat(), "issuer": c.issuer} for c in rows]


def erase_certificates(user: User, resident_ids: list[int]) -> None:
    db.session.execute(delete(Certificate).where(Certificate.user_id == user.id))
