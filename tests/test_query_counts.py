"""No N+1: the number of SQL statements a listing runs must not grow with the number of rows it shows.

Each listing is requested with page_size=1 and page_size=100 over the same data (several rows of
each kind, with varied states: waitlisted signups, rehab appointments at two stations, orders
with several lines), counting statements with a `before_cursor_execute` listener on the engine.
Unpaginated views (rosters, the order board per page) are compared between a small and a larger
data set instead.
"""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from backend.activities.models import Activity, Signup
from backend.cafe.models import MenuCategory, MenuItem, Order, OrderItem
from backend.common.reads import read_engine
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User
from backend.identity.residents import mark_known
from backend.notifications.outbox import notify
from backend import localtime
from backend.rehab.models import Appointment, RehabService, RehabSlot, Therapist
from backend.sites.models import Site

from .factories import ResidentFactory, SiteFactory, approved_volunteer, link, staff_of

N = 6  # rows of each kind: page_size=1 shows one, page_size=100 shows all


@contextmanager
def counting():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engines = [db.engine, read_engine()]  # the session's and the public listings' (backend/common/reads.py)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before)


LAST: dict[str, list[str]] = {}


def count(api, path: str) -> tuple[int, dict]:
    db.session.remove()  # a fresh session per request, as in production (no identity-map help)
    with counting() as statements:
        resp = api.get(path)
    assert resp.status_code == 200, (path, resp.get_json())
    LAST[path] = statements
    return len(statements), resp.get_json()


def _repeated(statements: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for s in statements:
        seen[s] = seen.get(s, 0) + 1
    return [f"{n} x {s[:300]}" for s, n in seen.items() if n > 1]


def assert_flat(api, path: str, expected_items: int = N):
    sep = "&" if "?" in path else "?"
    one, body1 = count(api, f"{path}{sep}page_size=1")
    many, body100 = count(api, f"{path}{sep}page_size=100")
    assert len(body1["items"]) == 1
    assert len(body100["items"]) == expected_items, body100
    # `<=`: a short last page skips the COUNT (backend/common/pagination.py), so 100 may cost one less.
    assert many <= one, (f"{path}: {one} statements for 1 row, {many} for {expected_items}; repeated: "
                         + "\n".join(_repeated(LAST[f"{path}{sep}page_size=100"])))
    return many


def activity(site, *, days, capacity=1, status="published", title="活动"):
    starts = utcnow().replace(microsecond=0) + timedelta(days=days)
    a = Activity(site_id=site.id, title=title, category="social", starts_at=starts,
                 ends_at=starts + timedelta(hours=2), capacity=capacity, volunteer_capacity=1, status=status)
    db.session.add(a)
    db.session.flush()
    return a


@pytest.fixture
def world(app, login, db_session):
    """A family caring for N residents, each signed up, booked and notified; staff of every site."""
    home, rehab, rehab2, cafe = (SiteFactory(kind="home"), SiteFactory(kind="rehab"),
                                 SiteFactory(kind="rehab"), SiteFactory(kind="cafe"))
    family, staff, volunteer_api = login(), login(), login()
    staff_user = db.session.get(User, staff.user_id)
    for site in (home, rehab, rehab2, cafe):
        staff_of(staff_user, site, "manager")
    approved_volunteer(volunteer_api.user_id)
    residents = [ResidentFactory(needs=["wheelchair"]) for _ in range(N)]
    others = [ResidentFactory() for _ in range(N)]
    for r in residents:
        link(family.user_id, r)
    for r in residents + others:
        mark_known(r.id, home.id, "registered")

    # Activities: each of the family's residents is waitlisted behind another resident (position 1..).
    roster_activity = activity(home, days=20, capacity=N, title="名单活动")  # after the others
    for i, r in enumerate(residents):
        a = activity(home, days=3 + i)
        db.session.add(Signup(activity_id=a.id, role="participant", resident_id=others[i].id,
                              status="confirmed", seats=1, companions=0))
        a.seats_taken = 1
        db.session.add(Signup(activity_id=a.id, role="participant", resident_id=r.id, status="waitlisted",
                              seats=1, companions=0, created_by_id=family.user_id))
        db.session.add(Signup(activity_id=roster_activity.id, role="participant", resident_id=r.id,
                              status="confirmed", seats=1, companions=0))
    roster_activity.seats_taken = N
    for r in others:
        db.session.add(Signup(activity_id=roster_activity.id, role="participant", resident_id=r.id,
                              status="waitlisted", seats=1, companions=0))
    db.session.add(Signup(activity_id=roster_activity.id, role="volunteer", user_id=volunteer_api.user_id,
                          status="confirmed", seats=1, companions=0))
    roster_activity.volunteer_seats_taken = 1

    # Rehab: appointments at two stations, one service and therapist per appointment.
    for i, r in enumerate(residents):
        site = rehab if i % 2 else rehab2
        t = Therapist(site_id=site.id, name=f"治疗师{i}")
        s = RehabService(site_id=site.id, name=f"服务{i}", kind="physio", duration_min=45, buffer_min=15)
        db.session.add_all([t, s])
        db.session.flush()
        starts = utcnow().replace(microsecond=0) + timedelta(days=1 + i)
        slot = RehabSlot(site_id=site.id, service_id=s.id, therapist_id=t.id, starts_at=starts,
                         ends_at=starts + timedelta(minutes=45), blocked_until=starts + timedelta(minutes=60),
                         capacity=1, booked=1)
        db.session.add(slot)
        db.session.flush()
        db.session.add(Appointment(slot_id=slot.id, service_id=s.id, site_id=site.id, resident_id=r.id,
                                   booked_by_id=family.user_id, starts_at=slot.starts_at, ends_at=slot.ends_at))

    # Café: N paid orders of the family, two lines each.
    cat = MenuCategory(site_id=cafe.id, name="咖啡")
    db.session.add(cat)
    db.session.flush()
    item = MenuItem(site_id=cafe.id, category_id=cat.id, name="拿铁", price_fen=1800)
    db.session.add(item)
    db.session.flush()
    now = utcnow()
    for i in range(N):
        db.session.add(Order(site_id=cafe.id, user_id=family.user_id, local_date=now.date(), number=f"A{i:03d}",
                             status="paid", total_fen=3600, fulfilment="pickup", out_trade_no=f"QC{i:010d}",
                             expires_at=now + timedelta(minutes=15), paid_at=now,
                             created_at=now - timedelta(minutes=i),
                             items=[OrderItem(item_id=item.id, name="拿铁", unit_price_fen=1800, qty=1,
                                              options={}) for _ in range(2)]))
    for i in range(N):
        notify(family.user_id, "signup_confirmed", f"通知{i}", "正文", data={"activity": "活动"})
    db.session.commit()
    # Ids, not objects: count() starts a fresh session, which would detach them.
    return {"family": family, "staff": staff, "home": home.id, "rehab": rehab.id, "cafe": cafe.id,
            "roster_activity": roster_activity.id}


def test_public_listings(world, client):
    assert_flat(client, "/activities", N + 1)
    assert_flat(world["family"], "/activities", N + 1)  # with my_signups
    assert_flat(client, "/sites", 4)


def test_my_listings(world):
    family = world["family"]
    assert_flat(family, "/me/signups", 2 * N)
    assert_flat(family, "/me/appointments")
    assert_flat(family, "/me/orders")
    assert_flat(family, "/me/notifications")


def test_staff_listings(world):
    staff = world["staff"]
    assert_flat(staff, f"/staff/residents?site_id={world['home']}", 2 * N)
    assert_flat(staff, "/staff/residents", 2 * N)
    assert_flat(staff, f"/staff/activities?site_id={world['home']}", N + 1)
    assert_flat(staff, f"/staff/cafes/{world['cafe']}/orders", N)


def test_roster_does_not_grow(world, login, db_session):
    """The roster is not paginated: one more participant, volunteer or waitlisted resident must cost no query."""
    staff, aid = world["staff"], world["roster_activity"]
    before, body = count(staff, f"/staff/activities/{aid}/roster")
    assert len(body["participants"]) == N and len(body["waitlist"]) == N and len(body["volunteers"]) == 1
    extra = [ResidentFactory() for _ in range(3)]
    for r in extra:
        db.session.add(Signup(activity_id=aid, role="participant", resident_id=r.id, status="waitlisted",
                              seats=1, companions=0))
    vol = login()
    approved_volunteer(vol.user_id)
    db.session.add(Signup(activity_id=aid, role="volunteer", user_id=vol.user_id, status="waitlisted",
                          seats=1, companions=0))
    db.session.commit()
    after, body = count(staff, f"/staff/activities/{aid}/roster")
    assert len(body["waitlist"]) == N + 3 and len(body["volunteer_waitlist"]) == 1
    assert after <= before  # (the site zone cache may save a lookup the first call made)


def test_rehab_day_roster_does_not_grow(world, login, db_session):
    """The station's day roster is not paginated: more appointments that day must cost no query."""
    staff, rehab = world["staff"], world["rehab"]
    first = db.session.scalars(select(Appointment).where(Appointment.site_id == rehab)
                               .order_by(Appointment.starts_at)).first()
    day = localtime.local_date(first.starts_at, db.session.get(Site, rehab))
    first_start = first.starts_at
    path = f"/staff/sites/{rehab}/appointments?date={day.isoformat()}"
    before, body = count(staff, path)
    assert len(body["items"]) == 1
    for i in range(3):
        family = login()
        resident = ResidentFactory()
        link(family.user_id, resident)
        t = Therapist(site_id=rehab, name=f"加班治疗师{i}")
        s = RehabService(site_id=rehab, name=f"加班服务{i}", kind="ot", duration_min=30, buffer_min=0)
        db.session.add_all([t, s])
        db.session.flush()
        starts = first_start + timedelta(minutes=30 * (i + 1))
        slot = RehabSlot(site_id=rehab, service_id=s.id, therapist_id=t.id, starts_at=starts,
                         ends_at=starts + timedelta(minutes=30), blocked_until=starts + timedelta(minutes=30),
                         capacity=1, booked=1)
        db.session.add(slot)
        db.session.flush()
        db.session.add(Appointment(slot_id=slot.id, service_id=s.id, site_id=rehab, resident_id=resident.id,
                                   booked_by_id=family.user_id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    db.session.commit()
    after, body = count(staff, path)
    assert len(body["items"]) == 4
    assert after <= before, _repeated(LAST[path])
