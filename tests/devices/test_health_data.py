"""Assessment answers, measurements and findings are health data: never in clear in the database or
a log line; every staff read of them is audited; the family may read their own; makers never."""
import uuid

import sqlalchemy as sa
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db

from .conftest import answers_for, apply, form_of


def dump(database) -> str:
    """Every value of every table, as text (a database dump, as a thief would get it)."""
    out = []
    with database.engine.connect() as conn:
        for table in database.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                out.extend(str(v) for v in row)
    return "\n".join(out)


def test_no_answer_or_finding_in_clear_and_reads_are_audited(devices, log_lines):
    w = devices
    cid = apply(w)["id"]
    w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    form = form_of(w)
    finding, note = f"右侧偏瘫{uuid.uuid4().hex[:8]}", f"夜间疼痛{uuid.uuid4().hex[:8]}"
    answers = answers_for(form)
    text_q = next(q for q in form["questions"] if q["type"] == "text")
    answers[text_q["key"]] = note
    r = w.staff.post(f"/staff/device-cases/{cid}/assessments", {
        "form_id": form["id"], "answers": answers, "measurements": {"hip_width_cm": 38.25}, "findings": finding,
        "outcome": "suitable", "recommendations": [{"class_code": "12", "product_ids": [w.light["id"]]}]})
    assert r.status_code == 201
    text = dump(db)
    assert finding not in text and note not in text and "38.25" not in text
    assert not [line for line in log_lines if finding in line or note in line]

    seen = db.session.scalar(select(sa.func.max(AuditEntry.id))) or 0  # the log is append-only
    family_view = w.family.get(f"/device-cases/{cid}").get_json()
    assert family_view["assessments"][0]["findings"] == finding  # theirs to read, unaudited
    assert db.session.scalar(select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.id > seen)) == 0
    staff_view = w.plain_staff.get(f"/device-cases/{cid}").get_json()
    assert staff_view["assessments"][0]["answers"][text_q["key"]] == note
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.id > seen)).all()
    assert (entry.actor_id, entry.resident_id, entry.action, entry.fields) == \
        (w.plain_staff.user_id, w.resident.id, "read", ["device_assessment"])
    maker = w.maker.get(f"/device-cases/{cid}")
    assert maker.status_code == 404 and finding not in maker.get_data(as_text=True)
