"""Pages of a select, as API.md lists them: one page query plus, only when needed, one COUNT —
whatever the page size."""
from sqlalchemy import Select, func, select

from ..extensions import db


def page_of(stmt: Select, page: int, page_size: int, *, scalars: bool = True) -> dict:
    paged = stmt.limit(page_size).offset((page - 1) * page_size)
    items = list(db.session.scalars(paged).all() if scalars else db.session.execute(paged).all())
    if 0 < len(items) < page_size or (page == 1 and not items):
        # A short (or empty first) page is the last one: the total follows without a COUNT.
        total = (page - 1) * page_size + len(items)
    else:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return {"items": items, "page": page, "page_size": page_size, "total": total}
