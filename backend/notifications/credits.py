"""Subscribe credits: one per `accept` from wx.requestSubscribeMessage, spent by a successful send.

Every change is a single atomic statement (upsert / conditional UPDATE), so
concurrent requests and workers neither lose nor double-spend a credit.
"""
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..db import utcnow
from ..extensions import db
from .models import SubscriptionCredit

_T = SubscriptionCredit.__table__


def add(user_id: int, template_id: str, n: int = 1) -> None:
    """remaining += n, creating the row if needed: INSERT ... ON CONFLICT DO UPDATE (atomic)."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(_T).values(user_id=user_id, template_id=template_id, remaining=n, updated_at=utcnow())
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[_T.c.user_id, _T.c.template_id],
        set_={"remaining": _T.c.remaining + n, "updated_at": utcnow()}))


def take(user_id: int, template_id: str) -> bool:
    """Reserve one credit for a send; False if there is none. Joins the caller's transaction."""
    result = db.session.execute(
        update(_T).where(_T.c.user_id == user_id, _T.c.template_id == template_id, _T.c.remaining > 0)
        .values(remaining=_T.c.remaining - 1, updated_at=utcnow()))
    return result.rowcount == 1


def give_back(user_id: int, template_id: str) -> None:
    """Undo take() after a send that did not succeed: only a successful send spends a credit."""
    add(user_id, template_id, 1)


def remaining(user_id: int) -> dict[str, int]:
    rows = db.session.execute(
        _T.select().with_only_columns(_T.c.template_id, _T.c.remaining).where(_T.c.user_id == user_id))
    return {template_id: n for template_id, n in rows}
