"""Volunteer certificates: the PDF's text, the public check by number (a masked name only)."""
import io
import re

from pdfminer.high_level import extract_text

from backend.extensions import db
from backend.identity.models import VolunteerProfile


def _name(world, vol, name):
    db.session.get(VolunteerProfile, world.vols[vol].user_id).real_name = name
    db.session.commit()


def test_the_pdf_names_the_volunteer_hours_and_number_and_the_check_masks_the_name(world, client):
    _name(world, 0, "李小明")
    vol = world.vols[0]
    resp = vol.get("/me/volunteer-certificate.pdf", query_string={"from": "2026-01-01", "to": "2026-12-31"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    text = extract_text(io.BytesIO(resp.data))
    number = re.search(r"证明编号：(ZY2\d{3}[0-9A-Z]{10})", text).group(1)
    assert "李小明" in text and "3 小时 30 分钟" in text and "合计 210 分钟" in text
    assert "迎新春联欢" in text and "元宵灯谜" in text and "2026-01-10" in text
    assert "市残疾人联合会" in text and "验证码" in text and f"ZYZ{vol.user_id:08d}" in text
    assert number in resp.headers["Content-Disposition"] or "filename*=" in resp.headers["Content-Disposition"]

    check = client.get(f"/certificates/{number}")
    assert check.status_code == 200
    body = check.get_json()
    assert body["volunteer_name_masked"] == "李*明" and "李小明" not in check.get_data(as_text=True)
    assert (body["number"], body["minutes"], body["from"], body["to"]) == (number, 210, "2026-01-01", "2026-12-31")
    assert body["issuer"] == "市残疾人联合会" and body["issued_at"].endswith("+08:00")
    assert set(body) == {"number", "volunteer_name_masked", "minutes", "from", "to", "issued_at", "issuer"}

    again = vol.get("/me/volunteer-certificate.pdf", query_string={"from": "2026-01-01", "to": "2026-12-31"})
    assert number in extract_text(io.BytesIO(again.data))  # the same hours again: the same certificate


def test_unknown_numbers_are_404_and_numbers_are_not_a_sequence(world, client):
    assert client.get("/certificates/ZY2026AAAAAAAAAA").status_code == 404
    assert client.get("/certificates/" + "x" * 80).status_code == 404
    numbers = set()
    for first in ("2026-01-01", "2026-02-01", "2026-03-01"):
        resp = world.vols[1].get("/me/volunteer-certificate.pdf", query_string={"from": "2025-12-01", "to": first})
        numbers.add(re.search(r"证明编号：(\S+)", extract_text(io.BytesIO(resp.data))).group(1))
    assert len(numbers) == 3 and len({n[:6] for n in numbers}) == 1 and len({n[-10:] for n in numbers}) == 3


def test_who_may_have_a_certificate(world):
    plain = world.login()
    resp = plain.get("/me/volunteer-certificate.pdf")
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "volunteer_not_approved"
    resp = world.vols[0].get("/me/volunteer-certificate.pdf", query_string={"from": "2027-01-01", "to": "2027-02-01"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "no_volunteer_hours"
    resp = world.vols[0].get("/me/volunteer-certificate.pdf", query_string={"from": "2026-02-01", "to": "2026-01-01"})
    assert resp.status_code == 422
