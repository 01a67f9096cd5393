"""Asking for the same certificate many times at once gives one certificate, one number."""
import io
import re

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import func, select

from backend.extensions import db
from backend.reports.models import Certificate

from ..racing import fire


@pytest.mark.postgres
def test_concurrent_requests_for_the_same_certificate_issue_it_once(world, app):
    vol = world.vols[0]
    path = "/me/volunteer-certificate.pdf?from=2026-01-01&to=2026-06-30"
    results = fire(app, [("GET", path, vol.token, None)] * 8)
    assert all(not isinstance(r, Exception) and r.status_code == 200 for r in results), results
    numbers = {re.search(r"证明编号：(\S+)", extract_text(io.BytesIO(r.content))).group(1) for r in results}
    assert len(numbers) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
