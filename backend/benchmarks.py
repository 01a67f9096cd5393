"""The reads behind the benchmarks' ceiling endpoints (`APP_ENV=bench` only; bench/README.md): a bare
SELECT of 20 rows, through the request's session and on the public listings' autocommit read path."""
from sqlalchemy import text

from .common.reads import read_rows
from .extensions import db

SELECT20 = text("SELECT id, site_id, title, starts_at FROM activities ORDER BY id LIMIT 20")


def select20_session() -> list:
    return db.session.execute(SELECT20).all()


def select20_autocommit() -> list:
    return read_rows(SELECT20, {})
