"""The account: PATCH /me, phone binding, export and deletion."""
from sqlalchemy import text

from backend.extensions import db

from ..conftest import CANARIES
from ..factories import certificate_no


def test_patch_me_allowed_fields(login):
    api = login()
    r = api.patch("/me", {"nickname": "小王", "preferences": {"communication": "sign_language", "large_text": True}})
    assert r.status_code == 200
    me = r.get_json()
    assert me["nickname"] == "小王" and me["preferences"]["communication"] == "sign_language"
    assert "小王" in api.get("/me").get_data(as_text=True)  # Chinese unescaped


def test_patch_me_rejects_roles_ids_and_unknown_fields(login):
    api = login()
    before = api.get("/me").get_json()
    for bad in ({"roles": ["admin"]}, {"id": 99}, {"is_admin": True}, {"nickname": "x", "whatever": 1},
                {"preferences": {"communication": "telepathy"}}, {"preferences": {"x": 1}}):
        r = api.patch("/me", bad)
        assert r.status_code == 422, bad
        assert r.get_json()["error"]["code"] == "validation_error"
    assert api.get("/me").get_json() == before


def test_bind_phone_masks(login, app):
    api = login()
    CANARIES.add("13800138000")
    r = api.post("/me/phone", {"code": "phone-13800138000"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["phone_masked"] == "138****8000"
    with app.app_context():
        dump = str(db.session.execute(text("SELECT * FROM users")).all())
        assert "13800138000" not in dump
    r = api.post("/me/phone", {"code": "bad-code"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "wechat_code_invalid"


def test_admin_finds_user_by_exact_phone(login, app):
    admin = login("the-admin")
    with app.app_context():
        from backend.identity.models import User
        db.session.get(User, admin.user_id).is_admin = True
        db.session.commit()
    u = login()
    CANARIES.add("13800138000")
    u.post("/me/phone", {"code": "phone-13800138000"})
    found = admin.get("/admin/users?phone=13800138000").get_json()
    assert [x["id"] for x in found["items"]] == [u.user_id]
    assert admin.get("/admin/users?phone=13800138001").get_json()["total"] == 0
    assert u.get("/admin/users").status_code == 403


def test_export_covers_user_and_residents(login):
    api = login()
    api.patch("/me", {"nickname": "导出者"})
    cert = certificate_no()
    api.post("/me/residents", {"name": "老李", "relation": "parent", "disability_category": "physical",
                               "disability_level": 2, "certificate_no": cert, "consent": {"sensitive_info": True}})
    data = api.get("/me/export").get_json()
    assert data["user"]["nickname"] == "导出者"
    assert data["residents"][0]["name"] == "老李" and data["residents"][0]["certificate_tail"] == cert[-4:]


def test_delete_me_erases_personal_fields(login, app):
    api = login("to-delete")
    CANARIES.add("13800138000")
    api.post("/me/phone", {"code": "phone-13800138000"})
    api.patch("/me", {"nickname": "将被删除"})
    rid = api.post("/me/residents", {"name": "独居老人", "relation": "parent", "disability_category": "visual",
                                     "disability_level": 1, "certificate_no": certificate_no("visual", 1),
                                     "consent": {"sensitive_info": True}}).get_json()["id"]
    assert api.delete("/me").status_code == 204
    assert api.get("/me").status_code == 401
    with app.app_context():
        users = str(db.session.execute(text("SELECT * FROM users")).all())
        residents = db.session.execute(text("SELECT * FROM residents WHERE id = :i"), {"i": rid}).mappings().one()
    assert "将被删除" not in users and "to-delete" not in users
    assert residents["name"] == "已删除" and residents["certificate_enc"] is None
    assert residents["disability_category"] == "visual"  # kept, anonymous, for statistics
    again = login("to-delete")  # a later login is a new, empty account
    assert again.user_id != api.user_id and again.get("/me/residents").get_json()["items"] == []


def test_export_times_are_local(login):
    api = login()
    data = api.get("/me/export").get_json()
    assert data["exported_at"].endswith("+08:00") and data["user"]["created_at"].endswith("+08:00")
