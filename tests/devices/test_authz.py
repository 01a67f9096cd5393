"""The authorization matrix of every assistive-device route of part 1: who gets which status.

Roles: anonymous, a plain user, the case's family, the family of another resident, staff of another
centre, staff and the manager of this centre, the maker (staff) of the products, another maker, an
admin. Every cell gets a fresh case (of a fresh resident), so one role's success does not change
what the next sees. Someone else's case is a 404, a missing role a 403.
"""
import io
import uuid

import pytest

from backend.extensions import db
from backend.identity.residents import mark_known

from ..conftest import Api
from ..factories import ResidentFactory, UserFactory, link
from .conftest import answers_for, form_of

ROLES = ("anonymous", "plain", "family", "other_family", "other_staff", "staff", "manager", "maker",
         "other_maker", "admin")


def fresh_case(w, status: str = "submitted") -> int:
    """A case of a new resident of the family, brought to `status` through the API."""
    resident = ResidentFactory()
    link(w.family.user_id, resident)
    cid = w.family.post("/me/device-cases", {"resident_id": resident.id, "site_id": w.centre.id,
                                            "class_code": "12"}).get_json()["id"]
    if status == "returned":
        w.staff.post(f"/staff/device-cases/{cid}/return", {"reason": "补材料"})
    if status in ("assessment_pending", "assessed", "approval"):
        w.staff.post(f"/staff/device-cases/{cid}/accept", {})
    if status in ("assessed", "approval"):
        form = form_of(w)
        w.staff.post(f"/staff/device-cases/{cid}/assessments", {
            "form_id": form["id"], "answers": answers_for(form), "outcome": "suitable",
            "recommendations": [{"class_code": "12", "product_ids": [w.light["id"]]}]})
    if status == "approval":
        w.family.post(f"/device-cases/{cid}/confirm", {"product_id": w.light["id"]})
    return cid


def walk_in(w) -> int:
    resident = ResidentFactory(registered_site_id=w.centre.id)
    mark_known(resident.id, w.centre.id, "registered")
    db.session.commit()
    return resident.id


def assessment_of(w, cid: int) -> int:
    return w.staff.get(f"/device-cases/{cid}").get_json()["assessments"][0]["id"]


def new_user(w) -> int:
    return UserFactory(openid=f"u-{uuid.uuid4().hex[:8]}").id


def assigned_maker_user(w) -> int:
    uid = new_user(w)
    w.admin.put(f"/admin/makers/{w.maker_id}/staff/{uid}")
    return uid


ADMIN_ONLY = (401, 403, 403, 403, 403, 403, 403, 403, 403, 200)
EVERYONE = (200,) * 10
STAFF_CASE = (401, 403, 403, 403, 404, 200, 200, 403, 403, 200)
APPLICANT = (401, 404, 200, 404, 404, 404, 404, 404, 404, 404)
READ_CASE = (401, 404, 200, 404, 404, 200, 200, 404, 404, 200)
STAFF_SCOPE = (401, 403, 403, 403, 200, 200, 200, 403, 403, 200)

CASES = {
    "classes": (lambda w: ("GET", "/devices/classes", None), EVERYONE),
    "products": (lambda w: ("GET", "/devices/products?class_code=12", None), EVERYONE),
    "subsidy_groups_public": (lambda w: ("GET", "/devices/subsidy-groups", None), EVERYONE),
    "makers": (lambda w: ("GET", "/admin/makers", None), ADMIN_ONLY),
    "create_maker": (lambda w: ("POST", "/admin/makers", {"name": f"厂家{uuid.uuid4().hex[:6]}"}),
                     ADMIN_ONLY[:-1] + (201,)),
    "update_maker": (lambda w: ("PATCH", f"/admin/makers/{w.maker_id}", {"address": "新地址"}), ADMIN_ONLY),
    "assign_maker_staff": (lambda w: ("PUT", f"/admin/makers/{w.maker_id}/staff/{new_user(w)}", None), ADMIN_ONLY),
    "unassign_maker_staff": (lambda w: ("DELETE", f"/admin/makers/{w.maker_id}/staff/{assigned_maker_user(w)}",
                                        None), ADMIN_ONLY[:-1] + (204,)),
    "create_product": (lambda w: ("POST", "/maker/products", {
        "maker_id": w.maker_id, "code": f"P-{uuid.uuid4().hex[:6]}", "name": "助行器", "class_code": "12",
        "price_fen": 10000}), (401, 403, 403, 403, 403, 403, 403, 201, 422, 201)),
    "update_product": (lambda w: ("PATCH", f"/maker/products/{w.light['id']}", {"model": "KS-22"}),
                       (401, 403, 403, 403, 403, 403, 403, 200, 404, 200)),
    "import_products": (lambda w: ("UPLOAD", "/admin/devices/products/import", None), ADMIN_ONLY),
    "get_subsidy_groups": (lambda w: ("GET", "/admin/devices/subsidy-groups", None), ADMIN_ONLY),
    "put_subsidy_groups": (lambda w: ("PUT", "/admin/devices/subsidy-groups", {"items": [
        {"key": "dibao", "name": "低保", "ratio_percent": 100}, {"key": "severe", "name": "一二级重度", "ratio_percent": 90},
        {"key": "general", "name": "一般", "ratio_percent": 80}]}), ADMIN_ONLY),
    "get_chain": (lambda w: ("GET", "/admin/devices/approval-chain", None), ADMIN_ONLY),
    "put_chain": (lambda w: ("PUT", "/admin/devices/approval-chain", {"steps": [
        {"key": "review", "name": "初审", "by": "staff"}, {"key": "approve", "name": "审批", "by": "admin"}]}),
                  ADMIN_ONLY),
    "publish_form": (lambda w: ("POST", "/admin/device-assessment-forms", {
        "domain": "vision", "title": "视力评估表（第二版）", "questions": [
            {"key": "acuity", "text": "较好眼视力", "type": "number", "min": 0, "max": 2, "required": True}]}),
                     ADMIN_ONLY[:-1] + (201,)),
    "apply": (lambda w: (lambda r: ("POST", "/me/device-cases", {"resident_id": r, "site_id": w.centre.id,
                                                               "class_code": "12"}))(
        link(w.family.user_id, ResidentFactory()).resident_id),
              (401, 404, 201, 404, 404, 404, 404, 404, 404, 404)),
    "file_walk_in": (lambda w: ("POST", "/staff/device-cases", {"resident_id": walk_in(w), "site_id": w.centre.id,
                                                               "class_code": "12"}),
                     STAFF_CASE[:5] + (201, 201, 403, 403, 201)),
    "my_cases": (lambda w: ("GET", "/me/device-cases", None), (401,) + (200,) * 9),
    "read_case": (lambda w: ("GET", f"/device-cases/{fresh_case(w)}", None), READ_CASE),
    "edit_returned": (lambda w: ("PATCH", f"/device-cases/{fresh_case(w, 'returned')}", {"need": "补充说明"}),
                      APPLICANT),
    "resubmit": (lambda w: ("POST", f"/device-cases/{fresh_case(w, 'returned')}/resubmit", None), APPLICANT),
    "withdraw": (lambda w: ("POST", f"/device-cases/{fresh_case(w)}/withdraw", None), APPLICANT),
    "confirm": (lambda w: ("POST", f"/device-cases/{fresh_case(w, 'assessed')}/confirm",
                           {"product_id": w.light["id"]}), APPLICANT),
    "worklist": (lambda w: ("GET", "/staff/device-cases", None), STAFF_SCOPE),
    "forms": (lambda w: ("GET", "/staff/device-assessment-forms", None), STAFF_SCOPE),
    "accept": (lambda w: ("POST", f"/staff/device-cases/{fresh_case(w)}/accept", {}), STAFF_CASE),
    "return": (lambda w: ("POST", f"/staff/device-cases/{fresh_case(w)}/return", {"reason": "补材料"}), STAFF_CASE),
    "assess": (lambda w: (lambda cid, form: ("POST", f"/staff/device-cases/{cid}/assessments", {
        "form_id": form["id"], "answers": answers_for(form), "outcome": "not_available"}))(
        fresh_case(w, "assessment_pending"), form_of(w)), STAFF_CASE[:5] + (201, 201, 403, 403, 201)),
    "void": (lambda w: (lambda cid: ("POST", f"/staff/device-cases/{cid}/assessments/{assessment_of(w, cid)}/void",
                                     {"reason": "重评"}))(fresh_case(w, "assessed")), STAFF_CASE),
    "approve": (lambda w: ("POST", f"/staff/device-cases/{fresh_case(w, 'approval')}/approvals",
                           {"step": "review", "result": "approved"}), STAFF_CASE),
}


@pytest.fixture
def clients(devices, client, login):
    w = devices
    return {"anonymous": client, "plain": login(), "family": w.family, "other_family": w.other_family,
            "other_staff": w.other_staff, "staff": w.plain_staff, "manager": w.staff, "maker": w.maker,
            "other_maker": w.other_maker, "admin": w.admin}


def _call(api: Api, method: str, path: str, body):
    if method == "UPLOAD":
        csv = "code,name,class_code,price_fen\nX-1,沐浴椅,09,18000\n".encode()
        return api.request("POST", path, data={"file": (io.BytesIO(csv), "p.csv"), "maker_id": "1"},
                           content_type="multipart/form-data")
    return api.request(method, path, body)


@pytest.mark.parametrize("route", sorted(CASES))
def test_authorization_matrix(route, devices, clients):
    make, expected = CASES[route]
    got = {}
    for role in ROLES:
        method, path, body = make(devices)
        r = _call(clients[role], method, path, body)
        got[role] = r.status_code
        assert r.status_code == 204 or r.is_json, (route, role)
    assert got == dict(zip(ROLES, expected)), route
