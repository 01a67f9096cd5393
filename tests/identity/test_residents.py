"""Residents: consent, certificate validation, encryption at rest, masking."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from backend.extensions import db
from backend.identity.models import Resident

from ..conftest import CANARIES
from ..factories import certificate_no, phone_no

CONSENT = {"sensitive_info": True}


def body(**over):
    b = {"name": "王大爷", "relation": "parent", "disability_category": "physical", "disability_level": 2,
         "needs": ["wheelchair"], "consent": CONSENT}
    b.update(over)
    return b


def test_register_with_certificate_masks_and_encrypts(login, app):
    api = login()
    cert, phone = certificate_no("physical", 2), phone_no()
    r = api.post("/me/residents", body(certificate_no=cert, phone=phone))
    assert r.status_code == 201, r.get_json()
    res = r.get_json()
    assert res["verification"] == "pending" and res["relation"] == "parent"
    assert res["has_certificate"] is True and res["certificate_tail"] == cert[-4:]
    assert res["phone_masked"] == phone[:3] + "****" + phone[-4:]
    assert res["birth_year"] == 1960 and res["under_14"] is False
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM residents")).mappings().one()
        dump = " ".join(str(v) for v in row.values())
        assert cert not in dump and cert[:18] not in dump and phone not in dump
        assert row["certificate_enc"] and row["certificate_hash"]
    listed = api.get("/me/residents").get_json()["items"]
    assert [x["id"] for x in listed] == [res["id"]]


def test_no_consent_is_422_consent_required(login, app):
    api = login()
    for consent in ({}, {"sensitive_info": False}):
        r = api.post("/me/residents", body(consent=consent))
        assert r.status_code == 422 and r.get_json()["error"]["code"] == "consent_required"
    r = api.post("/me/residents", {k: v for k, v in body().items() if k != "consent"})
    assert r.get_json()["error"]["code"] == "consent_required"
    with app.app_context():
        assert db.session.scalar(select(Resident.id)) is None


def test_child_under_14_needs_guardian_consent(login):
    api = login()
    born = date.today() - timedelta(days=365 * 8)
    r = api.post("/me/residents", body(relation="child", birth_date=born.isoformat()))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "consent_required"
    assert "consent.guardian" in r.get_json()["error"]["fields"]
    # derived from the certificate's ID number too
    cert = certificate_no("intellectual", 3, born=born)
    r = api.post("/me/residents", body(relation="child", disability_category="intellectual",
                                       disability_level=3, certificate_no=cert))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "consent_required"
    r = api.post("/me/residents", body(relation="child", disability_category="intellectual", disability_level=3,
                                       certificate_no=cert, consent={"sensitive_info": True, "guardian": True}))
    assert r.status_code == 201 and r.get_json()["under_14"] is True


@pytest.mark.parametrize("mutate, reason", [
    (lambda c: c[:19], "length"),
    (lambda c: c + "1", "length"),
    (lambda c: c[:17] + ("0" if c[17] != "0" else "1") + c[18:], "check digit"),
    (lambda c: c[:18] + "5" + c[19], "category mismatch"),
    (lambda c: c[:18] + "9" + c[19], "category digit range"),
    (lambda c: c[:19] + "3", "level mismatch"),
    (lambda c: c[:19] + "7", "level digit range"),
    (lambda c: "A" + c[1:], "not digits"),
])
def test_each_certificate_defect_is_422(login, app, mutate, reason):
    api = login()
    bad = mutate(certificate_no("physical", 2))
    CANARIES.add(bad)
    r = api.post("/me/residents", body(certificate_no=bad))
    assert r.status_code == 422, reason
    err = r.get_json()["error"]
    assert err["code"] == "validation_error" and "certificate_no" in err["fields"], reason
    with app.app_context():
        assert db.session.scalar(select(Resident.id)) is None


def test_certificate_birth_date_must_match(login):
    api = login()
    r = api.post("/me/residents", body(certificate_no=certificate_no(born=date(1970, 1, 2)), birth_date="1971-01-02"))
    assert r.status_code == 422 and "certificate_no" in r.get_json()["error"]["fields"]


def test_duplicate_certificate_is_409(login):
    cert = certificate_no()
    assert login().post("/me/residents", body(certificate_no=cert)).status_code == 201
    r = login().post("/me/residents", body(certificate_no=cert))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "certificate_registered"


def test_patch_resident_rechecks_and_resets_verification(login, app):
    api = login()
    rid = api.post("/me/residents", body(certificate_no=certificate_no())).get_json()["id"]
    with app.app_context():
        db.session.get(Resident, rid).verification = "verified"
        db.session.commit()
    r = api.patch(f"/residents/{rid}", {"needs": ["carer", "wheelchair"]})
    assert r.status_code == 200 and r.get_json()["verification"] == "verified"
    assert r.get_json()["needs"] == ["carer", "wheelchair"]
    r = api.patch(f"/residents/{rid}", {"disability_level": 3})  # no longer matches the certificate
    assert r.status_code == 422
    r = api.patch(f"/residents/{rid}", {"disability_level": 3, "certificate_no": certificate_no("physical", 3)})
    assert r.status_code == 200 and r.get_json()["verification"] == "pending"
    assert api.patch(f"/residents/{rid}", {"verification": "verified"}).status_code == 422
    assert api.patch(f"/residents/{rid}", {}).status_code == 422


def test_unlink(login, app):
    a, b = login(), login()
    rid = a.post("/me/residents", body()).get_json()["id"]
    assert b.delete(f"/me/residents/{rid}").status_code == 404
    assert a.delete(f"/me/residents/{rid}").status_code == 204
    assert a.get(f"/residents/{rid}").status_code == 404
    assert a.get("/me/residents").get_json()["items"] == []


def test_self_registration_once(login):
    api = login()
    assert api.post("/me/residents", body(relation="self")).status_code == 201
    assert api.get("/me").get_json()["roles"] == ["resident"]
    r = api.post("/me/residents", body(relation="self"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "self_already_registered"
