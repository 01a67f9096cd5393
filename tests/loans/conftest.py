"""A device centre lending wheelchairs and walkers: its staff, another centre's, a family and their
parent, another family; units added through the API."""
import base64
from dataclasses import dataclass
from datetime import timedelta

import pytest

from backend import localtime
from backend.devices.models import Maker, Product
from backend.devices.signatures import tiny_png
from backend.extensions import db
from backend.identity.models import User

from ..factories import ResidentFactory, SiteFactory, link, staff_of

SIGNATURE = base64.b64encode(tiny_png()).decode()
HANDOVER = {"signed_by": "guardian", "signer_name": "王家属", "signature_png": SIGNATURE}


@dataclass
class LoanWorld:
    centre: object
    other_centre: object
    staff: object        # manager of the centre
    plain_staff: object  # staff of the centre
    other_staff: object  # manager of the other centre
    admin: object
    family: object
    resident: object
    other_family: object
    other_resident: object
    wheelchair: Product
    walker: Product
    fixed: Product       # not loanable


@pytest.fixture
def world(app, db_session, login) -> LoanWorld:
    centre = SiteFactory(kind="device_center", name="东营区辅具中心")
    other_centre = SiteFactory(kind="device_center", name="西城区辅具中心")
    staff, plain_staff, other_staff, admin = login(), login(), login(), login()
    staff_of(db.session.get(User, staff.user_id), centre, "manager")
    staff_of(db.session.get(User, plain_staff.user_id), centre, "staff")
    staff_of(db.session.get(User, other_staff.user_id), other_centre, "manager")
    db.session.get(User, admin.user_id).is_admin = True
    maker = Maker(name="康顺器材")
    db.session.add(maker)
    db.session.flush()
    wheelchair = Product(maker_id=maker.id, code="WC-1", name="轻便轮椅", model="KS-22", class_code="12",
                         price_fen=380000, loanable=True, loan_days=60, maintenance_interval_days=90)
    walker = Product(maker_id=maker.id, code="WK-1", name="四脚助行器", model="ZX-03", class_code="12",
                     price_fen=26000, loanable=True, loan_days=30, maintenance_interval_days=0)
    fixed = Product(maker_id=maker.id, code="HA-1", name="助听器", class_code="22", price_fen=480000)
    db.session.add_all([wheelchair, walker, fixed])
    db.session.commit()
    admin = login(admin.openid)
    family, other_family = login(), login()
    resident = ResidentFactory(name="张阿姨", disability_category="physical", disability_level=2)
    other_resident = ResidentFactory(name="李大爷", disability_category="physical", disability_level=3)
    link(family.user_id, resident)
    link(other_family.user_id, other_resident)
    return LoanWorld(centre, other_centre, staff, plain_staff, other_staff, admin, family, resident, other_family,
                     other_resident, wheelchair, walker, fixed)


def add_units(w: LoanWorld, product: Product, n: int, site=None, prefix: str | None = None) -> list[dict]:
    site = site or w.centre
    staff = w.staff if site is w.centre else w.other_staff
    out = []
    for i in range(n):
        r = staff.post(f"/staff/sites/{site.id}/device-items", {
            "product_id": product.id, "serial_no": f"{prefix or product.code}-{site.id}-{len(out) + 1:03d}-{i}",
            "condition": "good", "source": "purchased"})
        assert r.status_code == 201, r.get_json()
        out.append(r.get_json())
    return out


def reserve(w: LoanWorld, product: Product | None = None, client=None, resident=None, expect: int = 201, **kw):
    client = client or w.family
    body = {"resident_id": (resident or w.resident).id, "site_id": w.centre.id,
            "product_id": (product or w.wheelchair).id, "purpose": "trial", **kw}
    r = client.post("/device-loans", body)
    assert r.status_code == expect, r.get_json()
    return r.get_json()


def due_in(w: LoanWorld, days: int) -> str:
    return (localtime.today(w.centre.id) + timedelta(days=days)).isoformat()


def checkout(w: LoanWorld, loan: dict, days: int = 30, item_id: int | None = None, client=None, expect: int = 200):
    r = (client or w.staff).post(f"/staff/device-loans/{loan['id']}/checkout", {
        "item_id": item_id or loan["item"]["id"], "due_on": due_in(w, days), "handover": HANDOVER})
    assert r.status_code == expect, r.get_json()
    return r.get_json()


def lend(w: LoanWorld, product: Product | None = None, days: int = 30, **kw) -> dict:
    return checkout(w, reserve(w, product, **kw), days)
