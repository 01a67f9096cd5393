"""Migrations upgrade an empty database to head and back to base, and match the models exactly."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from .conftest import PG_URL, TEST_DB


@pytest.fixture
def scratch_url(tmp_path):
    if TEST_DB != "postgresql":
        yield f"sqlite:///{tmp_path / 'mig.db'}"
        return
    name = f"mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_downgrade_and_no_autogenerate_difference(scratch_url, app):
    from flask_migrate import downgrade, upgrade

    from miniprogram_api import create_app
    from backend.extensions import db
    mig = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": scratch_url})
    with mig.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert left == set()
        upgrade(revision="heads")  # and up again: downgrade left nothing behind that blocks it
        db.engine.dispose()
