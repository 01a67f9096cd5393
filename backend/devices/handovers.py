"""Signed handovers (交接签收): a device handed over to a person — fitted at the end of a case, or
lent — is signed for on the staff member's tablet. Kept: who signed (the person, a guardian, or a
staff member signing for the person, with the signer's name), the PNG of the signature, the exact
handover text they were shown and its version, when, and the staff member who handed over.

Generic: a handover knows its resident and site, never what it hands over. A delivery or a loan
points at its handover (`handover_id`). `create_handover` joins the caller's use case (call
`check_handover` first, before anything changes, so a forged signature is a 422 with nothing
written). People ask the centre to prove what was agreed: the owner (anyone linked to the resident)
reads it, so do the site's staff and admins (audited: the signature is personal data).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .. import audit, localtime
from ..crypto import decrypt, encrypt
from ..db import Base, TimestampMixin, utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..identity import User, is_linked, staff_roles
from ..units import in_unit, use_case
from . import signatures

SIGNERS = ("resident", "guardian", "staff_for_resident")
SIGNER_NAMES = {"resident": "本人", "guardian": "监护人", "staff_for_resident": "工作人员代签"}
KINDS = ("delivery", "loan")

# The handover texts people sign, by kind and version. A published version never changes (a signed
# handover keeps the text it was signed with, word for word); a new wording is a new version.
TEXT_VERSION = "2026.1"
TEXTS = {
    ("delivery", "2026.1"): (
        "辅具交付确认书（{version}）\n"
        "服务机构：{site}\n产品：{product}（型号 {model}），序列号：{serial_no}\n"
        "本人（或监护人、代签人）已当面验收上述辅具，外观完好、功能正常，工作人员已讲解使用方法、"
        "日常保养和安全注意事项。辅具在使用年限内由本人妥善使用，不转让、不出售；出现故障可通过小程序"
        "申请维修。服务机构将按期回访（{followups}），请保持电话畅通。"),
    ("loan", "2026.1"): (
        "辅具借用交接确认书（{version}）\n"
        "服务机构：{site}\n产品：{product}（型号 {model}），编号：{serial_no}\n"
        "本人（或监护人、代签人）已当面验收上述借用辅具，外观完好、功能正常，已了解使用方法和安全注意事项。"
        "借用期至 {due_on}，到期前可续借一次；归还时辅具应清洁完好，如有损坏请如实说明。"),
}


class Handover(TimestampMixin, Base):
    __tablename__ = "device_handovers"
    __table_args__ = (
        CheckConstraint("signed_by IN ('resident', 'guardian', 'staff_for_resident')", name="signed_by"),
        CheckConstraint("kind IN ('delivery', 'loan')", name="kind"),
        Index("ix_device_handovers_resident", "resident_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    signed_by: Mapped[str] = mapped_column(String(20))
    signer_name: Mapped[str] = mapped_column(String(64))
    # The PNG, base64, encrypted at rest (personal data); NULL once erased.
    signature_enc: Mapped[str | None] = mapped_column(Text)
    signature_bytes: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    text_version: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[datetime]
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    erased_at: Mapped[datetime | None]


def handover_text(kind: str, version: str = TEXT_VERSION, **details) -> str:
    """The text of `kind` in `version`, filled in with `details` (site, product, model, serial_no,
    and followups for a delivery / due_on for a loan; anything missing shows as "—")."""
    template = TEXTS[(kind, version)]

    class _Blank(dict):
        def __missing__(self, key):
            return "—"
    return template.format_map(_Blank({k: v if v not in (None, "") else "—" for k, v in details.items()},
                                      version=version))


def check_handover(data: dict, field: str = "handover") -> bytes:
    """Validate a handover body ({signed_by, signer_name, signature_png}) before anything changes:
    the PNG's bytes, or 422 with the fields under `field`."""
    problems = {}
    if data.get("signed_by") not in SIGNERS:
        problems[f"{field}.signed_by"] = ["签署人须为本人、监护人或工作人员代签"]
    name = (data.get("signer_name") or "").strip()
    if not name or len(name) > 64:
        problems[f"{field}.signer_name"] = ["请填写签署人姓名（不超过 64 字）"]
    try:
        png = signatures.decode_png(data.get("signature_png"), f"{field}.signature_png")
    except Invalid as error:
        problems.update(error.fields or {})
        png = b""
    if problems:
        raise Invalid(fields=problems)
    return png


def create_handover(*, kind: str, resident_id: int, site_id: int, staff: User, data: dict, text: str,
                    version: str = TEXT_VERSION, signed_at: datetime | None = None) -> Handover:
    """Keep a signed handover, inside the caller's use case (it commits or rolls back with it)."""
    if not in_unit():
        raise RuntimeError("create_handover() outside a use case")
    if kind not in KINDS:
        raise ValueError(kind)
    png = check_handover(data)
    h = Handover(kind=kind, resident_id=resident_id, site_id=site_id, signed_by=data["signed_by"],
                 signer_name=data["signer_name"].strip(), signature_enc=encrypt(signatures.encode(png)),
                 signature_bytes=len(png), text=text, text_version=version, signed_at=signed_at or utcnow(),
                 staff_user_id=staff.id)
    db.session.add(h)
    db.session.flush()
    return h


def handover_view(h: Handover | None, *, with_signature: bool = True) -> dict | None:
    """{id, kind, site_id, resident_id, signed_by, signed_by_name, signer_name, signature_png (base64,
    or null once erased or when left out), signature_bytes, text, text_version, signed_at,
    staff_user_id}."""
    if h is None:
        return None
    return {"id": h.id, "kind": h.kind, "site_id": h.site_id, "resident_id": h.resident_id,
            "signed_by": h.signed_by, "signed_by_name": SIGNER_NAMES[h.signed_by], "signer_name": h.signer_name,
            "signature_png": decrypt(h.signature_enc) if with_signature and h.signature_enc else None,
            "signature_bytes": h.signature_bytes, "text": h.text, "text_version": h.text_version,
            "signed_at": localtime.at(h.signed_at, h.site_id), "staff_user_id": h.staff_user_id,
            "erased": h.erased_at is not None}


def staff_read(staff: User, h: Handover) -> dict:
    """A staff member (or admin) reads a handover with its signature: on the audit log."""
    audit.record(staff.id, "read", [h.resident_id], fields=["device_handover"], site_id=h.site_id)
    return handover_view(h)


@use_case
def read(user: User, handover_id: int) -> dict:
    """GET /device-handovers/{id}: the resident's people, the site's staff (audited), admins
    (audited); anyone else 404."""
    h = db.session.get(Handover, handover_id)
    if h is None:
        raise NotFound()
    if is_linked(user.id, h.resident_id):
        return handover_view(h)
    if user.is_admin or h.site_id in staff_roles(user):
        return staff_read(user, h)
    raise NotFound()


def export(resident_ids: list[int]) -> list[dict]:
    """The handovers of these residents, signatures included (GET /me/export)."""
    if not resident_ids:
        return []
    rows = db.session.scalars(select(Handover).where(Handover.resident_id.in_(resident_ids))
                              .order_by(Handover.id)).all()
    return [{**v, "signed_at": v["signed_at"].isoformat()} for v in map(handover_view, rows)]


def erase(resident_ids: list[int]) -> None:
    """DELETE /me: the signature and the signer's name go; the handover stays (what was handed over,
    when, under which text version) for the centre's records and statistics."""
    if resident_ids:
        db.session.execute(update(Handover).where(Handover.resident_id.in_(resident_ids),
                                                     Handover.erased_at.is_(None))
                           .values(signature_enc=None, signer_name="", erased_at=utcnow()))
