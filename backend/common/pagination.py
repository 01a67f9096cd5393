"""Pages of a select, as API.md lists them: one COUNT plus one page query, whatever the page size."""
from sqlalchemy import Select, func, select

from ..extensions import db


def page_of(stmt: Select, page: int, page_size: int, *, scalars: bool = True) -> dict:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    paged = stmt.limit(page_size).offset((page - 1) * page_size)
    items = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return {"items": list(items), "page": page, "page_size": page_size, "total": total or 0}
