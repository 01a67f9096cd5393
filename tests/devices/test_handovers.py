"""The signed handover, on its own: what counts as a signature, what is kept, who reads it again.
(The delivery route and the loan checkout create handovers inside their own use cases.)"""
import base64
import struct
import zlib

import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.devices import handovers, signatures
from backend.devices.handovers import Handover
from backend.errors import Invalid
from backend.extensions import db
from backend.identity.models import User
from backend.units import transaction

PNG = signatures.tiny_png()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def png_of_size(n: int) -> bytes:
    """A real PNG padded with an ancillary chunk to about `n` bytes."""
    pad = b"x" * max(0, n - len(PNG) - 12)
    chunk = struct.pack(">I", len(pad)) + b"tEXt" + pad + struct.pack(">I", zlib.crc32(b"tEXt" + pad))
    return PNG[:-12] + chunk + PNG[-12:]


def test_a_real_png_passes_and_a_data_url_prefix_is_accepted():
    assert signatures.decode_png(b64(PNG)) == PNG
    assert signatures.decode_png("data:image/png;base64," + b64(PNG)) == PNG
    assert signatures.decode_png(b64(png_of_size(200 * 1024))) == png_of_size(200 * 1024)


@pytest.mark.parametrize("forged", [
    b"GIF89a" + b"\x00" * 40,                                  # another image format
    b"\xff\xd8\xff\xe0" + b"\x00" * 40,                        # a JPEG
    signatures.PNG_MAGIC + b"\x00" * 40,                       # the signature bytes, nothing behind
    PNG[:29] + b"\x00\x00\x00\x00" + PNG[33:],                 # IHDR with a wrong CRC
    PNG[:8] + struct.pack(">I", 12) + PNG[12:],                # IHDR of the wrong length
    signatures.tiny_png(width=0),                              # no pixels (IHDR CRC recomputed)
    png_of_size(300 * 1024),                                   # 300 KB
])
def test_forged_or_oversized_signatures_are_refused(forged):
    with pytest.raises(Invalid) as e:
        signatures.decode_png(b64(forged))
    assert list(e.value.fields) == ["signature_png"]


@pytest.mark.parametrize("text", ["", "not base64 at all!", "data:image/jpeg;base64," + b64(PNG), "A" * 400_000])
def test_text_that_is_not_a_base64_png_is_refused(text):
    with pytest.raises(Invalid):
        signatures.decode_png(text)


def test_check_handover_names_every_bad_field():
    with pytest.raises(Invalid) as e:
        handovers.check_handover({"signed_by": "neighbour", "signer_name": " ", "signature_png": b64(b"GIF89a")})
    assert set(e.value.fields) == {"handover.signed_by", "handover.signer_name", "handover.signature_png"}


def test_the_text_keeps_its_version_and_fills_what_is_known():
    text = handovers.handover_text("delivery", site="辅具中心", product="轻便轮椅", serial_no="SN-1")
    assert "（2026.1）" in text and "辅具中心" in text and "SN-1" in text and "型号 —" in text


def _make(app, devices, **data) -> int:
    w = devices
    with app.app_context(), transaction():
        staff = db.session.get(User, w.staff.user_id)
        h = handovers.create_handover(kind="delivery", resident_id=w.resident.id, site_id=w.centre.id, staff=staff,
                                      data={"signed_by": "guardian", "signer_name": "李明",
                                            "signature_png": b64(PNG), **data},
                                      text=handovers.handover_text("delivery", site="辅具中心"))
        return h.id


def test_created_inside_a_use_case_only(app, devices):
    with app.app_context(), pytest.raises(RuntimeError):
        handovers.create_handover(kind="delivery", resident_id=devices.resident.id, site_id=devices.centre.id,
                                  staff=db.session.get(User, devices.staff.user_id), data={}, text="")


def test_the_owner_and_the_sites_staff_read_it_again_others_get_404(app, devices, login):
    w = devices
    hid = _make(app, w)
    mine = w.family.get(f"/device-handovers/{hid}")
    assert mine.status_code == 200, mine.get_json()
    body = mine.get_json()
    assert body["signature_png"] == b64(PNG) and body["signer_name"] == "李明" and body["signed_by"] == "guardian"
    assert body["text_version"] == "2026.1" and "辅具中心" in body["text"] and body["signed_at"].endswith("+08:00")
    assert body["staff_user_id"] == w.staff.user_id and body["kind"] == "delivery"

    audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert w.plain_staff.get(f"/device-handovers/{hid}").status_code == 200
    assert w.admin.get(f"/device-handovers/{hid}").status_code == 200
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited + 2

    for other in (w.other_family, w.other_staff, w.maker, login()):
        assert other.get(f"/device-handovers/{hid}").status_code == 404
    assert w.family.get(f"/device-handovers/{hid + 1000}").status_code == 404


def test_export_and_erase_cover_the_signature(app, devices):
    w = devices
    hid = _make(app, w)
    exported = w.family.get("/me/export").get_json()
    assert [h["id"] for h in exported["device_handovers"]] == [hid]
    assert exported["device_handovers"][0]["signature_png"] == b64(PNG)
    assert w.family.delete("/me").status_code == 204
    db.session.remove()
    h = db.session.get(Handover, hid)
    assert h.signature_enc is None and h.signer_name == "" and h.erased_at is not None
