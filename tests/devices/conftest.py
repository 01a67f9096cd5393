"""A device centre with staff, a maker with staff and products, a family and their parent: the people
of the assistive-device flow, made the way the product makes them (products through the API)."""
from dataclasses import dataclass

import pytest

from backend.extensions import db
from backend.identity.models import User

from ..factories import ResidentFactory, SiteFactory, link, staff_of


@dataclass
class DeviceWorld:
    centre: object
    other_centre: object
    staff: object        # manager of the centre
    plain_staff: object  # staff (not manager) of the centre
    other_staff: object  # staff of another centre
    admin: object
    family: object
    resident: object
    other_family: object
    maker: object        # maker staff (Api)
    maker_id: int
    other_maker: object
    light: dict          # products (API views)
    heavy: dict


def answers_for(form: dict) -> dict:
    """A plausible answer to every required question of a form."""
    out = {}
    for q in form["questions"]:
        if not q["required"]:
            continue
        out[q["key"]] = {"single": lambda: q["choices"][0], "multi": lambda: q["choices"][:1],
                         "bool": lambda: True, "number": lambda: q.get("min", 0),
                         "text": lambda: "见记录"}[q["type"]]()
    return out


@pytest.fixture
def devices(app, db_session, login) -> DeviceWorld:
    centre = SiteFactory(kind="device_center", name="辅具中心")
    other_centre = SiteFactory(kind="device_center", name="另一个辅具中心")
    staff, plain_staff, other_staff, admin = login(), login(), login(), login()
    staff_of(db.session.get(User, staff.user_id), centre, "manager")
    staff_of(db.session.get(User, plain_staff.user_id), centre, "staff")
    staff_of(db.session.get(User, other_staff.user_id), other_centre, "manager")
    db.session.get(User, admin.user_id).is_admin = True
    db.session.commit()
    family, other_family = login(), login()
    resident = ResidentFactory(name="张阿姨", disability_category="physical", disability_level=2)
    link(family.user_id, resident)
    admin = login(admin.openid)  # a fresh token: the admin flag came after the first login
    maker_id = admin.post("/admin/makers", {"name": "康顺器材", "contact_name": "赵", "phone": "021-1"}).get_json()["id"]
    other_maker_id = admin.post("/admin/makers", {"name": "福康器材"}).get_json()["id"]
    maker, other_maker = login(), login()
    assert admin.put(f"/admin/makers/{maker_id}/staff/{maker.user_id}").status_code == 200
    assert admin.put(f"/admin/makers/{other_maker_id}/staff/{other_maker.user_id}").status_code == 200
    maker, other_maker = login(maker.openid), login(other_maker.openid)
    light = maker.post("/maker/products", {"code": "WC-1", "name": "轻便轮椅", "class_code": "12", "price_fen": 380000,
                                           "subsidy_standard_fen": 300000, "useful_life_months": 60,
                                           "training_sessions": 2}).get_json()
    heavy = maker.post("/maker/products", {"code": "WC-2", "name": "护理轮椅", "class_code": "12", "price_fen": 250000,
                                           "subsidy_standard_fen": 300000, "useful_life_months": 60}).get_json()
    return DeviceWorld(centre, other_centre, staff, plain_staff, other_staff, admin, family, resident, other_family,
                       maker, maker_id, other_maker, light, heavy)


def apply(w: DeviceWorld, **kw) -> dict:
    body = {"resident_id": w.resident.id, "site_id": w.centre.id, "class_code": "12", "need": "出行需要轮椅",
            "subsidy_groups": ["severe", "general"], **kw}
    r = w.family.post("/me/device-cases", body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def form_of(w: DeviceWorld, domain: str = "mobility") -> dict:
    return w.staff.get(f"/staff/device-assessment-forms?domain={domain}").get_json()["items"][0]


def assess(w: DeviceWorld, case_id: int, products=None, outcome="suitable") -> dict:
    form = form_of(w)
    body = {"form_id": form["id"], "answers": answers_for(form), "measurements": {"seat_width_cm": 42.5},
            "findings": "下肢肌力三级，可短距离转移", "outcome": outcome,
            "recommendations": [{"class_code": "12", "product_ids": products or [w.light["id"], w.heavy["id"]],
                                 "main": True, "note": "两款均可"}] if outcome == "suitable" else []}
    r = w.staff.post(f"/staff/device-cases/{case_id}/assessments", body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def to_approval(w: DeviceWorld, product: dict | None = None) -> dict:
    case = apply(w)
    assert w.staff.post(f"/staff/device-cases/{case['id']}/accept", {"note": ""}).status_code == 200
    assess(w, case["id"])
    r = w.family.post(f"/device-cases/{case['id']}/confirm", {"product_id": (product or w.light)["id"]})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# ---------------------------------------------------------------- part 2: supply, fitting, follow-ups

def signature(size: int | None = None) -> str:
    """The base64 of a real PNG (padded with an ancillary chunk to about `size` bytes)."""
    import base64
    import struct
    import zlib

    from backend.devices.signatures import tiny_png
    png = tiny_png(4, 2)
    if size:
        pad = b"x" * max(0, size - len(png) - 12)
        chunk = struct.pack(">I", len(pad)) + b"tEXt" + pad + struct.pack(">I", zlib.crc32(b"tEXt" + pad))
        png = png[:-12] + chunk + png[-12:]
    return base64.b64encode(png).decode()


def to_supplying(w: DeviceWorld, product: dict | None = None) -> dict:
    """A case through both approval steps: `supplying`, an open order at the product's maker."""
    cid = to_approval(w, product)["id"]
    assert w.staff.post(f"/staff/device-cases/{cid}/approvals", {"step": "review", "result": "approved",
                                                                   "opinion": "符合"}).status_code == 200
    r = w.admin.post(f"/staff/device-cases/{cid}/approvals", {"step": "approve", "result": "approved",
                                                                "opinion": "同意"})
    assert r.status_code == 200 and r.get_json()["status"] == "supplying", r.get_json()
    return r.get_json()


def order_of(w: DeviceWorld, case: dict) -> int:
    return case["supply"]["id"]


def ship(w: DeviceWorld, case: dict, serial: str = "SN-0001") -> dict:
    r = w.maker.post(f"/maker/orders/{case['supply']['id']}/ship",
                     {"shipped_at": "2026-01-05T09:00:00+08:00", "tracking": "SF123", "serial_nos": [serial]})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def deliver(w: DeviceWorld, cid: int, serial: str = "SN-0001", **handover) -> dict:
    body = {"serial_no": serial, "fitted_at": "2026-01-10T10:00:00+08:00", "notes": "坐宽合适",
            "handover": {"signed_by": "guardian", "signer_name": "李明", "signature_png": signature(), **handover}}
    r = w.staff.post(f"/staff/device-cases/{cid}/delivery", body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def train(w: DeviceWorld, cid: int, n: int = 1) -> dict:
    body = None
    for i in range(n):
        r = w.staff.post(f"/staff/device-cases/{cid}/training-sessions",
                         {"at": f"2026-01-1{1 + i}T10:00:00+08:00", "minutes": 45, "content": "转移与推行",
                          "outcome": "能独立操作"})
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
    return body


def to_follow_up(w: DeviceWorld) -> dict:
    """A wheelchair (two training sessions) delivered and trained: `follow_up`."""
    case = to_supplying(w)
    ship(w, case)
    deliver(w, case["id"])
    return train(w, case["id"], 2)


def followup(w: DeviceWorld, fid: int, outcome: str = "continue", **kw) -> dict:
    body = {"method": "phone", "in_use": True, "satisfaction": 4, "outcome": outcome, "note": "使用良好", **kw}
    r = w.staff.post(f"/staff/device-followups/{fid}", body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()
