"""Tokens: missing, garbage, expired and revoked tokens give 401; logout revokes; role changes revoke."""
from datetime import timedelta

from sqlalchemy import update

from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import AuthToken

from ..conftest import Api
from ..factories import SiteFactory


def test_missing_and_garbage_tokens(client, app):
    r = client.get("/me")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthenticated"
    assert Api(app, "garbage").get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert Api(app, "x" * 500).get("/me").status_code == 401


def test_expired_token(login, app):
    api = login()
    assert api.get("/me").status_code == 200
    with app.app_context():
        db.session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    r = api.get("/me")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthenticated"


def test_logout_revokes_only_this_token(login, app):
    first = login("same-person")
    second = login("same-person")
    assert first.post("/auth/logout").status_code == 204
    assert first.get("/me").status_code == 401
    assert first.post("/auth/logout").status_code == 401
    assert second.get("/me").status_code == 200


def test_staff_assignment_change_revokes_tokens(login, app):
    admin = login("root-admin")
    staffer = login("new-staff")
    with app.app_context():
        from backend.identity.models import User
        db.session.get(User, admin.user_id).is_admin = True
        db.session.commit()
        site = SiteFactory()
        site_id = site.id
    # grant-admin via the model does not revoke; admin token still valid
    r = admin.put(f"/admin/sites/{site_id}/staff/{staffer.user_id}", {"role": "staff"})
    assert r.status_code == 200, r.get_json()
    assert staffer.get("/me").status_code == 401  # old scope is gone with the token
    staffer = login("new-staff")
    me = staffer.get("/me").get_json()
    assert me["roles"] == ["staff"] and me["staff_sites"] == [{"site_id": site_id, "role": "staff"}]
    assert admin.delete(f"/admin/sites/{site_id}/staff/{staffer.user_id}").status_code == 204
    assert staffer.get("/me").status_code == 401
    assert login("new-staff").get("/me").get_json()["roles"] == []


def test_ttl_from_config(login, app):
    api = login()
    with app.app_context():
        row = db.session.query(AuthToken).filter_by(user_id=api.user_id).one()
        ttl = row.expires_at - row.created_at
    assert timedelta(days=6, hours=23) < ttl <= timedelta(days=7)


def test_deleted_user_token_dead(login):
    api = login()
    assert api.delete("/me").status_code == 204
    assert api.get("/me").status_code == 401

