"""Authorization matrix: every identity/site/admin route × every role → the expected status."""
from backend.extensions import db
from backend.identity.models import User

from ..conftest import Api
from ..factories import SiteFactory, certificate_no, staff_of

ROLES = ["anonymous", "plain", "other_family", "other_staff", "staff", "admin"]


def world(login, app):
    w = {"anonymous": Api(app)}
    for name in ROLES[1:] + ["family", "volunteer_applicant", "target"]:
        w[name] = login(f"{name}-user")
    with app.app_context():
        site, other_site = SiteFactory(), SiteFactory()
        w["site_id"], w["other_site_id"] = site.id, other_site.id
        staff_of(db.session.get(User, w["staff"].user_id), site)
        staff_of(db.session.get(User, w["other_staff"].user_id), other_site)
        db.session.get(User, w["admin"].user_id).is_admin = True
        db.session.commit()
    res = {"name": "甲", "relation": "parent", "disability_category": "physical", "disability_level": 2,
           "certificate_no": certificate_no(), "consent": {"sensitive_info": True}}
    w["resident_id"] = w["family"].post("/me/residents", res).get_json()["id"]
    w["other_family"].post("/me/residents", {**res, "certificate_no": certificate_no()})
    # the resident becomes known to `site` through a walk-in style verification path: certificate lookup
    w["staff"].get(f"/staff/residents?certificate_no={res['certificate_no']}")
    w["volunteer_applicant"].post("/me/volunteer", {"real_name": "志愿者", "skills": ["guide"]})
    return w


def expect(w, method, path, body, statuses):
    """statuses: dict role -> status (a role absent means 'same as plain')."""
    failures = []
    for role in ROLES:
        want = statuses.get(role, statuses.get("default"))
        api = w[role]
        r = api.request(method, path.format(**w), body(w) if callable(body) else body)
        if r.status_code != want:
            failures.append(f"{method} {path} as {role}: got {r.status_code}, want {want} {r.get_data(as_text=True)[:120]}")
        if r.status_code >= 400:
            assert "error" in r.get_json(), r.get_data(as_text=True)
    return failures


ANY_USER = {"anonymous": 401, "default": 200}
STAFF_ONLY = {"anonymous": 401, "plain": 403, "other_family": 403, "other_staff": 200, "staff": 200, "admin": 200}
ADMIN_ONLY = {"anonymous": 401, "plain": 403, "other_family": 403, "other_staff": 403, "staff": 403, "admin": 200}
PUBLIC = {"default": 200}
RESIDENT_READ = {"anonymous": 401, "plain": 404, "other_family": 404, "other_staff": 404, "staff": 200, "admin": 200}

WALK_IN = {"name": "乙", "disability_category": "hearing", "disability_level": 3, "consent": {"sensitive_info": True}}


def test_identity_authorization_matrix(login, app):
    w = world(login, app)
    f = []
    f += expect(w, "GET", "/sites", None, PUBLIC)
    f += expect(w, "GET", "/sites/{site_id}", None, PUBLIC)
    f += expect(w, "GET", "/me", None, ANY_USER)
    f += expect(w, "PATCH", "/me", {"nickname": "新名字"}, ANY_USER)
    f += expect(w, "GET", "/me/export", None, ANY_USER)
    f += expect(w, "GET", "/me/residents", None, ANY_USER)
    f += expect(w, "POST", "/me/phone", {"code": "phone-13800138000"}, ANY_USER)
    f += expect(w, "POST", "/me/volunteer", {"real_name": "某", "skills": []}, ANY_USER)
    f += expect(w, "GET", "/residents/{resident_id}", None, RESIDENT_READ)
    f += expect(w, "PATCH", "/residents/{resident_id}", {"needs": ["carer"]}, RESIDENT_READ)
    f += expect(w, "DELETE", "/me/residents/{resident_id}", None,
                {"anonymous": 401, "default": 404})
    f += expect(w, "GET", "/staff/residents", None, STAFF_ONLY)
    f += expect(w, "GET", "/staff/residents?site_id={site_id}", None, {**STAFF_ONLY, "other_staff": 404})
    f += expect(w, "POST", "/staff/residents", lambda w: {**WALK_IN, "site_id": w["site_id"]},
                {**STAFF_ONLY, "other_staff": 404, "staff": 201, "admin": 201})
    f += expect(w, "POST", "/staff/residents/{resident_id}/verification",
                lambda w: {"status": "verified", "site_id": w["site_id"]},
                {**STAFF_ONLY, "other_staff": 404, "admin": 409})  # staff verified it first
    f += expect(w, "GET", "/staff/volunteers", None, STAFF_ONLY)
    f += expect(w, "POST", "/staff/volunteers/{volunteer_applicant.user_id}/review",
                {"status": "rejected", "note": "资料不全"},
                {**STAFF_ONLY, "other_staff": 200, "staff": 409, "admin": 409})
    f += expect(w, "GET", "/admin/users", None, ADMIN_ONLY)
    f += expect(w, "GET", "/admin/audit", None, ADMIN_ONLY)
    f += expect(w, "POST", "/admin/sites", {"kind": "home", "name": "新之家"}, {**ADMIN_ONLY, "admin": 201})
    f += expect(w, "PATCH", "/admin/sites/{site_id}", {"name": "改名"}, ADMIN_ONLY)
    f += expect(w, "PUT", "/admin/sites/{other_site_id}/staff/{target.user_id}", {"role": "manager"}, ADMIN_ONLY)
    f += expect(w, "DELETE", "/admin/sites/{other_site_id}/staff/{target.user_id}", None,
                {**ADMIN_ONLY, "admin": 204})
    # the linked family member, for contrast
    assert w["family"].get(f"/residents/{w['resident_id']}").status_code == 200
    assert w["family"].delete(f"/me/residents/{w['resident_id']}").status_code == 204
    f += expect(w, "POST", "/auth/logout", None, {"anonymous": 401, "default": 204})
    f += expect(w, "DELETE", "/me", None, {"default": 401})  # every token was just revoked
    assert not f, "\n".join(f)
