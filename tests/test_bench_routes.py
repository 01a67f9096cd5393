"""The benchmarks' ceiling endpoints exist only under APP_ENV=bench, and both SELECT paths answer alike."""
from datetime import timedelta

import pytest

from backend.activities.models import Activity
from backend.db import utcnow

from .factories import SiteFactory


def test_no_bench_endpoints_outside_the_bench_config(client):
    for path in ("/bench/hello", "/bench/select20", "/bench/select20-autocommit"):
        assert client.get(path).status_code == 404, path


@pytest.mark.postgres  # the benchmarks run on PostgreSQL only (a bare SELECT on SQLite yields text times)
def test_bench_config_serves_both_select20_paths(app, db_session):
    from miniprogram_api import create_app

    site = SiteFactory(kind="home")
    starts = utcnow().replace(microsecond=0) + timedelta(days=1)
    db_session.add_all([Activity(site_id=site.id, title=f"活动{i}", category="social", starts_at=starts + timedelta(hours=i),
                                 ends_at=starts + timedelta(hours=i + 1), capacity=5, status="published")
                        for i in range(25)])
    db_session.commit()
    bench = create_app({**app.config, "APP_ENV": "bench", "BENCH_ENDPOINTS": True}).test_client()
    assert bench.get("/bench/hello").get_json() == {"hello": "world"}
    session_rows = bench.get("/bench/select20").get_json()
    autocommit_rows = bench.get("/bench/select20-autocommit").get_json()
    assert len(session_rows) == 20 and session_rows[0]["title"] == "活动0"
    assert autocommit_rows == session_rows
