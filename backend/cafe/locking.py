"""Row locks on orders that work on PostgreSQL and SQLite alike."""
from sqlalchemy import select, update

from ..extensions import db
from .models import Order


def locked_order(*where) -> Order | None:
    """The order matching `where`, locked until the transaction ends, with fresh attributes.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks and ignores FOR UPDATE,
    so a no-op UPDATE first takes the database write lock: a concurrent writer then
    waits for our commit instead of failing when it tries to upgrade its read lock.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Order).where(*where).values(id=Order.id)
                           .execution_options(synchronize_session=False))
    return db.session.scalar(select(Order).where(*where).with_for_update()
                             .execution_options(populate_existing=True))
