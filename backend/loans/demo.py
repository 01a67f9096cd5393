"""Demo data of loans, made with its own use cases: the devices demo's centre holds three light
wheelchairs and two walkers; the demo resident has one wheelchair on loan (signed for), and one
walker came back and waits for its inspection."""
from datetime import timedelta

from sqlalchemy import select

from .. import localtime
from ..extensions import db
from ..devices import Product
from . import inventory, lending

# A 1×1 greyscale PNG: the demo's "signature" (a real one comes from the tablet's signature pad).
DEMO_SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="


def seed(ctx: dict) -> None:
    centre, users, resident = ctx["device_center"], ctx["users"], ctx["resident"]
    staff, family = users["device-staff"], users["family"]
    codes = {p.code: p for p in db.session.scalars(select(Product).where(Product.code.in_(("WC-2201", "WK-1203"))))}
    wheelchair, walker = codes["WC-2201"], codes["WK-1203"]
    today = localtime.today(centre)
    units = {}
    for n in range(1, 4):
        units[f"WC{n}"] = inventory.add_item(staff, centre.id, {
            "product_id": wheelchair.id, "serial_no": f"JY-WC-{n:03d}", "condition": "good" if n > 1 else "new",
            "source": "purchased" if n != 3 else "donated", "note": "", "acquired_on": today - timedelta(days=120 * n)})
    for n in range(1, 3):
        units[f"WK{n}"] = inventory.add_item(staff, centre.id, {
            "product_id": walker.id, "serial_no": f"JY-WK-{n:03d}", "condition": "good", "source": "purchased",
            "note": "", "acquired_on": today - timedelta(days=30)})
    # On loan: the family reserved a wheelchair while waiting for the subsidised one; staff handed it over.
    loan = lending.reserve(family, {"resident_id": resident.id, "site_id": centre.id, "product_id": wheelchair.id,
                                    "purpose": "awaiting_subsidy"})
    lending.checkout(staff, loan["id"], {"item_id": loan["item"]["id"], "due_on": today + timedelta(days=45),
                                         "handover": {"signed_by": "guardian", "signer_name": "王家属",
                                                      "signature_png": DEMO_SIGNATURE}})
    # In inspection: a walker lent for a short need came back today.
    short = lending.reserve(family, {"resident_id": resident.id, "site_id": centre.id, "product_id": walker.id,
                                     "purpose": "short_term"})
    lending.checkout(staff, short["id"], {"item_id": short["item"]["id"], "due_on": today + timedelta(days=14),
                                          "handover": {"signed_by": "resident", "signer_name": resident.name,
                                                       "signature_png": DEMO_SIGNATURE}})
    lending.return_loan(staff, short["id"], "good", "已归还，待清洁消毒")
