"""Export and deletion cover part 2: the handover's signature and signer, the notes of the delivery,
training sessions, follow-ups and repairs."""
from backend.devices.fitting_models import Delivery, FollowUp, Repair, TrainingSession
from backend.devices.handovers import Handover
from backend.extensions import db

from .conftest import followup, to_follow_up


def test_export_then_erase(devices):
    w = devices
    case = to_follow_up(w)
    cid = case["id"]
    followup(w, case["followups"][0]["id"], "repair", in_use=False, not_used_reason="扶手松动", note="扶手松了")
    exported = w.family.get("/me/export").get_json()
    [mine] = [c for c in exported["device_cases"] if c["id"] == cid]
    assert mine["delivery"]["notes"] == "坐宽合适" and mine["training"]["done"] == 2
    assert mine["followups"][0]["not_used_reason"] == "扶手松动" and mine["repairs"][0]["problem"] == "扶手松了"
    assert exported["device_handovers"][0]["signer_name"] == "李明"

    assert w.family.delete("/me").status_code == 204
    db.session.remove()
    assert db.session.query(Handover).one().signature_enc is None
    assert db.session.query(Handover).one().signer_name == ""
    assert {d.notes for d in db.session.query(Delivery)} == {""}
    assert {(t.content, t.outcome) for t in db.session.query(TrainingSession)} == {("", "")}
    assert {(f.note, f.not_used_reason) for f in db.session.query(FollowUp)} == {("", "")}
    assert {(r.problem, r.note) for r in db.session.query(Repair)} == {("", "")}
    # What was delivered and when stays, anonymous, for the statistics.
    assert db.session.query(Delivery).one().serial_no == "SN-0001"
