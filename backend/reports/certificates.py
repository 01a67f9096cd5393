"""Volunteer service certificates: issued as a PDF to an approved volunteer for a period, checked by
anyone by number (a masked name only).

The number is random (`ZY` + the year + 10 characters of an unambiguous alphabet, about 50 bits):
unique by constraint, not guessable, and it reveals nothing of how many were issued. The
verification code is a keyed hash of the number and what it certifies, printed on the paper so a
forged paper with a real number but other hours does not match.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import select

from .. import localtime
from ..activities import Activity, Signup
from ..db import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..identity import User, VolunteerProfile
from ..sites import Site
from ..units import lock, use_case
from .models import Certificate
from .pdf import render

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from paper


def new_number(year: int) -> str:
    return f"ZY{year}" + "".join(secrets.choice(ALPHABET) for _ in range(10))


def verification_code(number: str, user_id: int, minutes: int, first: date, last: date) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"{number}|{user_id}|{minutes}|{first}|{last}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:10].upper()


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _entries(user_id: int, first: date, last: date) -> list[dict]:
    """The volunteer's credited activities whose local date (at their site) falls in the period:
    one person's own records, few enough to read as rows."""
    rows = db.session.execute(
        select(Activity.title, Activity.starts_at, Activity.site_id, Site.name, Signup.minutes_credited)
        .join(Activity, Activity.id == Signup.activity_id).join(Site, Site.id == Activity.site_id)
        .where(Signup.user_id == user_id, Signup.role == "volunteer", Signup.minutes_credited > 0)
        .order_by(Activity.starts_at, Signup.id)).all()
    zones = localtime.zones({r.site_id for r in rows})
    out = []
    for title, starts_at, site_id, site_name, minutes in rows:
        day = localtime.local_date(starts_at, zones[site_id])
        if first <= day <= last:
            out.append({"title": title, "date": day.isoformat(), "minutes": minutes, "site": site_name})
    return out


@use_case
def issue(user: User, first: date | None = None, last: date | None = None) -> dict:
    """The certificate for the period (the same one again if nothing changed), as the PDF shows it.
    The volunteer's profile row is locked: two requests at once find or make one certificate."""
    profile = db.session.execute(lock(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))) \
        .scalar_one_or_none()
    if profile is None or profile.status != "approved":
        raise Forbidden("volunteer_not_approved", "志愿者资格尚未通过审核")
    today = localtime.today()
    last = last or today
    if first is not None and first > last:
        raise Invalid(fields={"from": ["开始日期不能晚于结束日期"]})
    entries = _entries(user.id, first or date(1900, 1, 1), last)
    if not entries:
        raise Conflict("no_volunteer_hours", "所选期间没有志愿服务记录")
    first = first or date.fromisoformat(entries[0]["date"])  # "since the first service" when not given
    minutes = sum(e["minutes"] for e in entries)
    cert = db.session.execute(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.period_from == first, Certificate.period_to == last,
        Certificate.minutes == minutes)).scalar_one_or_none()
    if cert is None:
        number = new_number(today.year)
        cert = Certificate(number=number, user_id=user.id, volunteer_name=profile.real_name,
                           volunteer_no=f"ZYZ{user.id:08d}", minutes=minutes, period_from=first, period_to=last,
                           entries=entries, issuer=current_app.config["CERTIFICATE_ISSUER"], issued_at=utcnow(),
                           verification_code=verification_code(number, user.id, minutes, first, last))
        db.session.add(cert)
        db.session.flush()
    return certificate_view(cert, full=True)


def certificate_pdf(user: User, first: date | None = None, last: date | None = None) -> tuple[str, bytes]:
    """(number, PDF bytes); drawn after the unit has committed, holding no lock."""
    view = issue(user, first, last)
    return view["number"], render(view)


def certificate_view(cert: Certificate, *, full: bool = False) -> dict:
    out = {"number": cert.number, "volunteer_name_masked": mask_name(cert.volunteer_name), "minutes": cert.minutes,
           "from": cert.period_from, "to": cert.period_to, "issued_at": localtime.at(cert.issued_at),
           "issuer": cert.issuer}
    if full:
        out.update(volunteer_name=cert.volunteer_name, volunteer_no=cert.volunteer_no, entries=cert.entries,
                   verification_code=cert.verification_code)
    return out


def check(number: str) -> dict:
    """The public check: a masked name and what was certified; an unknown number is 404."""
    cert = db.session.execute(select(Certificate).where(Certificate.number == number.strip().upper())) \
        .scalar_one_or_none() if len(number) <= 24 else None
    if cert is None:
        raise NotFound()
    return certificate_view(cert)
