"""The public listings read on their own autocommit engine (backend/common/reads.py), so the
statements psycopg prepares survive between requests: a session's ROLLBACK, which clears them,
never reaches those connections, whatever else a request reads."""
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text

from backend.activities.models import Activity
from backend.common.reads import read_engine
from backend.db import utcnow
from backend.extensions import db

from .factories import SiteFactory


@pytest.mark.postgres  # prepared statements are psycopg's and PostgreSQL's
def test_listing_statement_stays_prepared_across_logged_in_requests(app, db_session, login):
    site = SiteFactory(kind="home")
    starts = utcnow() + timedelta(days=1)
    db_session.add(Activity(site_id=site.id, title="读书会", category="social", starts_at=starts,
                            ends_at=starts + timedelta(hours=2), capacity=5, status="published"))
    db_session.commit()
    user = login()  # a token: every request also reads through the session (and rolls it back)
    engine = read_engine()
    engine.dispose()
    for _ in range(12):
        assert user.get(f"/activities?site_id={site.id}").status_code == 200
        assert user.get("/sites").status_code == 200
    assert engine.pool.checkedin() >= 1
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.autocommit
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any("FROM activities" in s for s in prepared), prepared
    with db.engine.connect() as conn:  # the session's pool is untouched: transactions as usual
        assert not conn.connection.dbapi_connection.autocommit


def test_read_engine_is_separate_and_in_autocommit(app):
    with app.app_context():
        engine = read_engine()
        assert engine is not db.engine and engine.pool is not db.engine.pool
        assert engine.url == db.engine.url
        with engine.connect() as conn:  # a read leaves no transaction open on the database connection
            conn.execute(text("SELECT 1")).all()
            dbapi = conn.connection.dbapi_connection
            if engine.dialect.name == "postgresql":
                assert dbapi.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            else:
                assert not dbapi.in_transaction
