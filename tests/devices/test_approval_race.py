"""Two approvers decide the same step at the same moment: exactly one decision is recorded, the other
answers 409, nothing answers 5xx (real concurrent requests against PostgreSQL)."""
import pytest
import requests
from sqlalchemy import func, select

from backend.devices.case_models import Approval, DeviceCase
from backend.extensions import db

from .. import racing
from .conftest import to_approval

pytestmark = pytest.mark.postgres


def test_two_approvers_one_decision(app, devices, login):
    w = devices
    second = login()
    from backend.identity.models import User
    from ..factories import staff_of
    staff_of(db.session.get(User, second.user_id), w.centre, "staff")
    for round_ in range(20):
        cid = to_approval(w)["id"]
        results = racing.fire(app, [
            ("POST", f"/staff/device-cases/{cid}/approvals", w.staff.token,
             {"step": "review", "result": "approved", "opinion": "甲同意"}),
            ("POST", f"/staff/device-cases/{cid}/approvals", second.token,
             {"step": "review", "result": "returned" if round_ % 2 else "approved", "opinion": "乙的意见"}),
        ])
        assert all(isinstance(r, requests.Response) for r in results), results
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 409], [(r.status_code, r.text[:200]) for r in results]
        loser = next(r for r in results if r.status_code == 409)
        assert loser.json()["error"]["code"] in ("not_current_step", "invalid_transition")
        db.session.expire_all()
        decided = db.session.scalar(select(func.count()).select_from(Approval).where(
            Approval.case_id == cid, Approval.step == "review"))
        assert decided == 1
        case = db.session.get(DeviceCase, cid)
        assert case.status in ("approval", "returned")
        w.family.post(f"/device-cases/{cid}/withdraw")  # make room for the next round's application
