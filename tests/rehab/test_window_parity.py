"""The slot listing and booking share one booking window (backend/rehab/rules.py): over two months
with closures, odd opening days, a long horizon, a long minimum notice and a zone two hours behind
the federation's, a slot is listed if and only if booking it passes the window rules."""
from datetime import timedelta

from backend import localtime
from backend.db import utcnow
from backend.extensions import db
from backend.rehab import rules
from backend.rehab.models import Closure, RehabSlot
from backend.sites.models import Site

from ..factories import ResidentFactory, SiteFactory, link
from .conftest import make_service, make_therapist

ODD_DAYS = [{"weekday": d, "open": "07:30", "close": "11:00"} for d in (1, 3, 6)] + \
           [{"weekday": 7, "open": "13:00", "close": "19:00"}]


def test_listed_if_and_only_if_the_window_allows_booking(app, client, login, db_session):
    site = SiteFactory(kind="rehab", timezone="Asia/Urumqi", opening_hours=ODD_DAYS,
                       rules={"booking_horizon_days": 45, "min_notice_hours": 5})
    service, therapist = make_service(site, duration_min=30), make_therapist(site)
    now = utcnow().replace(second=0, microsecond=0)
    today = localtime.today(site)
    closed = {today + timedelta(days=d) for d in (0, 2, 9, 30, 44, 50)}
    db.session.add_all([Closure(site_id=site.id, day=day, reason="测试") for day in closed])
    slots = []
    start = now - timedelta(hours=4)
    while start < now + timedelta(days=61):  # past the horizon, across every local midnight in turn
        slot = RehabSlot(site_id=site.id, service_id=service.id, therapist_id=therapist.id, starts_at=start,
                         ends_at=start + timedelta(minutes=30), blocked_until=start + timedelta(minutes=30),
                         capacity=2, booked=2 if len(slots) % 11 == 5 else 0,
                         status="closed" if len(slots) % 13 == 7 else "open")
        slots.append(slot)
        start += timedelta(hours=7, minutes=13)
    db.session.add_all(slots)
    db.session.commit()

    first, last = today, today + timedelta(days=61)
    listed = {s["id"] for s in client.get(f"/rehab/services/{service.id}/slots?from={first}&to={last}").get_json()}
    db.session.expire_all()
    site = db.session.get(Site, site.id)
    check_at = utcnow()
    expected = {s.id for s in slots if s.booked < s.capacity
                and rules.window_for(site, s.starts_at, check_at).problem(s.starts_at, s.status) is None}
    assert listed == expected
    # The rules really bit: some slots were left out for each reason.
    assert 40 < len(listed) < len(slots) - 60
    reasons = {
        "closure": [s for s in slots if localtime.local_date(s.starts_at, site) in closed],
        "closed weekday": [s for s in slots if localtime.local_date(s.starts_at, site).isoweekday() in (2, 4, 5)],
        "notice": [s for s in slots if now < s.starts_at < now + timedelta(hours=5)],
        "horizon": [s for s in slots if localtime.local_date(s.starts_at, site) > today + timedelta(days=45)],
    }
    for reason, excluded in reasons.items():
        assert excluded and not {s.id for s in excluded} & listed, reason

    # And booking says the same, over HTTP.
    family = login()
    resident = ResidentFactory()
    link(family.user_id, resident)
    ok = next(s for s in slots if s.id in listed)
    closure = next(s for s in reasons["closure"] if s.status == "open" and s.booked == 0 and s.starts_at > now + timedelta(hours=5))
    notice = next(s for s in reasons["notice"] if s.status == "open" and s.booked == 0)
    assert family.post("/appointments", {"slot_id": ok.id, "resident_id": resident.id, "note": ""}).status_code == 201
    for refused in (closure, notice):
        r = family.post("/appointments", {"slot_id": refused.id, "resident_id": resident.id, "note": ""})
        assert r.status_code == 409 and r.get_json()["error"]["code"] == "outside_booking_window"
