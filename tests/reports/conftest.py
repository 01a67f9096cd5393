"""A small known world for the reports, written as the rows the services leave (each at a chosen
local moment, which the services, acting at "now", cannot choose): two homes in two communities, a
rehab station, a device centre and a café; five residents of three categories; activities with
attendances and no-shows; appointments; device cases at several stages; café payments and refunds;
volunteer credits. Every figure the tests expect is counted by hand from the list below.

All moments are Asia/Shanghai wall-clock times; the period is 2026-01-01 .. 2026-03-31.
"""
import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.activities.models import Activity, Signup
from backend.cafe.models import Order, Payment
from backend.devices import (Assessment, AssessmentForm, Delivery, DeviceCase, DeviceClass, FollowUp, Handover, Maker,
                             Product, SupplyOrder)
from backend.loans import DeviceItem, DeviceLoan
from backend.extensions import db
from backend.identity.models import User
from backend.rehab.models import Appointment, RehabService, RehabSlot, Therapist

from ..factories import ResidentFactory, SiteFactory, approved_volunteer, staff_of

SH = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)


def local(m, d, h=10, minute=0, y=2026) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=SH)


class World:
    def __init__(self, login):
        self.login = login
        s = self.sites = {
            "A": SiteFactory(kind="home", name="阳光之家", community="东街社区"),
            "B": SiteFactory(kind="home", name="月亮之家", community="西街社区"),
            "R": SiteFactory(kind="rehab", name="康复站", community="东街社区"),
            "D": SiteFactory(kind="device_center", name="辅具中心", community="西街社区"),
            "C": SiteFactory(kind="cafe", name="手语咖啡", community="东街社区"),
        }
        r = self.residents = {
            "r1": ResidentFactory(disability_category="visual", disability_level=1, registered_site_id=s["A"].id,
                                  created_at=local(1, 5)),
            "r2": ResidentFactory(disability_category="hearing", disability_level=2, registered_site_id=s["A"].id,
                                  created_at=local(2, 3), verification="verified", verified_at=local(2, 10)),
            "r3": ResidentFactory(disability_category="physical", disability_level=2, registered_site_id=s["B"].id,
                                  created_at=local(3, 1), verification="verified", verified_at=local(3, 2)),
            "r4": ResidentFactory(disability_category="physical", disability_level=3, registered_site_id=s["B"].id,
                                  created_at=local(12, 20, y=2025), verification="verified", verified_at=local(1, 15)),
            # 2026-01-31 16:30 UTC is 1 February 00:30 in Shanghai: a February registration.
            "r5": ResidentFactory(disability_category="hearing", disability_level=4, registered_site_id=s["B"].id,
                                  created_at=datetime(2026, 1, 31, 16, 30, tzinfo=ZoneInfo("UTC"))),
        }
        self.vols = [self.login(), self.login()]
        for v in self.vols:
            approved_volunteer(v.user_id)
        self._activities()
        self._rehab()
        self._devices()
        self._cafe()
        db.session.commit()

    def ids(self, *names):
        return [self.residents[n].id for n in names]

    # ---------------------------------------------------------------- activities and volunteers
    def activity(self, site, day, status, **kw):
        a = Activity(site_id=self.sites[site].id, title=kw.pop("title", f"活动{next(_n)}"), category="culture",
                     starts_at=day, ends_at=day + timedelta(hours=2), capacity=20, volunteer_capacity=2,
                     status=status, **kw)
        db.session.add(a)
        db.session.flush()
        return a

    def signup(self, activity, who, made, status, attended_at=None):
        db.session.add(Signup(activity_id=activity.id, role="participant", resident_id=self.residents[who].id,
                              companions=0, seats=1, status=status, created_at=made, attended_at=attended_at))

    def credit(self, activity, vol, minutes, at):
        db.session.add(Signup(activity_id=activity.id, role="volunteer", user_id=self.vols[vol].user_id,
                              companions=0, seats=1, status="attended", created_at=at - timedelta(days=3),
                              attended_at=at, minutes_credited=minutes, credited_at=at))

    def _activities(self):
        a1 = self.activity("A", local(1, 10, 9), "completed", completed_at=local(1, 10, 12), title="迎新春联欢")
        for who, status in (("r1", "attended"), ("r2", "attended"), ("r3", "no_show")):
            self.signup(a1, who, local(1, 5), status, local(1, 10, 9, 30) if status == "attended" else None)
        a2 = self.activity("A", local(2, 14, 9), "completed", completed_at=local(2, 14, 12), title="元宵灯谜")
        self.signup(a2, "r1", local(2, 1), "attended", local(2, 14, 9, 30))
        self.signup(a2, "r2", local(2, 1), "no_show")
        a3 = self.activity("A", local(3, 3, 9), "completed", completed_at=local(3, 3, 12), title="春季手工")
        self.signup(a3, "r1", local(3, 1), "attended", local(3, 3, 9, 30))
        self.signup(a3, "r3", local(3, 1), "cancelled")
        a4 = self.activity("B", local(3, 8, 9), "cancelled", cancelled_at=local(3, 5))
        self.signup(a4, "r3", local(3, 2), "cancelled")
        a5 = self.activity("B", local(3, 20, 9), "completed", completed_at=local(3, 20, 12), title="读书会")
        for who in ("r3", "r5", "r2"):
            self.signup(a5, who, local(3, 10), "attended", local(3, 20, 9, 30))
        # outside the period: a December activity and an April one
        a0 = self.activity("A", local(12, 20, 9, y=2025), "completed", completed_at=local(12, 20, 12, y=2025))
        self.signup(a0, "r1", local(12, 1, y=2025), "attended", local(12, 20, 9, 30, y=2025))
        a6 = self.activity("A", local(4, 2, 9), "completed", completed_at=local(4, 2, 12))
        self.signup(a6, "r1", local(4, 1), "attended", local(4, 2, 9, 30))
        self.credit(a1, 0, 120, local(1, 10, 12))
        self.credit(a2, 0, 90, local(2, 14, 12))
        self.credit(a5, 1, 60, local(3, 20, 12))
        self.credit(a0, 1, 45, local(12, 20, 12, y=2025))  # before the period: on no certificate of 2026
        self.a1, self.a2, self.a5 = a1, a2, a5

    # ---------------------------------------------------------------- rehab
    def _rehab(self):
        site = self.sites["R"].id
        svc = RehabService(site_id=site, name="物理治疗", kind="physio", duration_min=45)
        th = Therapist(site_id=site, name="王医生")
        db.session.add_all([svc, th])
        db.session.flush()

        def appt(who, made, status, changed=None):
            starts = made + timedelta(days=3)
            slot = RehabSlot(site_id=site, service_id=svc.id, therapist_id=th.id, starts_at=starts,
                             ends_at=starts + timedelta(minutes=45), blocked_until=starts + timedelta(minutes=45),
                             capacity=1, booked=0, status="open")
            db.session.add(slot)
            db.session.flush()
            db.session.add(Appointment(slot_id=slot.id, service_id=svc.id, site_id=site,
                                       resident_id=self.residents[who].id, status=status, starts_at=starts,
                                       ends_at=slot.ends_at, created_at=made, status_changed_at=changed))
        appt("r1", local(1, 20), "completed", local(1, 25))
        appt("r1", local(2, 1), "no_show", local(2, 5))
        appt("r2", local(2, 2), "completed", local(2, 8))
        appt("r2", local(3, 1), "cancelled")

    # ---------------------------------------------------------------- devices
    def _devices(self):
        site = self.sites["D"].id
        (m1, c1), (m2, c2) = [(code, code) for code in db.session.scalars(
            select(DeviceClass.code).where(DeviceClass.parent_code.is_(None)).order_by(DeviceClass.code)).all()[:2]]
        maker = Maker(name="康复器械厂")
        db.session.add(maker)
        db.session.flush()
        product = Product(maker_id=maker.id, code="P1", name="轮椅", class_code=c1, price_fen=100000)
        db.session.add(product)
        form = db.session.scalars(select(AssessmentForm)).first()
        db.session.flush()

        def case(who, cls, main, made, **kw):
            c = DeviceCase(resident_id=self.residents[who].id, site_id=site, class_code=cls, main_class=main,
                           created_at=made, **kw)
            db.session.add(c)
            db.session.flush()
            return c

        def assess(c, at, voided=None):
            db.session.add(Assessment(case_id=c.id, form_id=form.id, answers_enc="x", measurements_enc="x",
                                      findings_enc="x", outcome="suitable", created_at=at, voided_at=voided))

        def supply(c, at, qty):
            order = SupplyOrder(case_id=c.id, maker_id=maker.id, product_id=product.id, site_id=site,
                                quantity=qty, status="received", created_at=at)
            db.session.add(order)
            db.session.flush()
            return order

        def deliver(c, order, at, followups):
            h = Handover(kind="delivery", resident_id=c.resident_id, site_id=site, signed_by="resident",
                         signer_name="本人", text="交接", text_version="v1", signed_at=at)
            db.session.add(h)
            db.session.flush()
            d = Delivery(case_id=c.id, supply_order_id=order.id, handover_id=h.id, product_id=product.id,
                         serial_no=f"SN{c.id}", fitted_at=at)
            db.session.add(d)
            db.session.flush()
            for seq, (due, recorded, in_use, satisfaction) in enumerate(followups, start=1):
                db.session.add(FollowUp(case_id=c.id, delivery_id=d.id, site_id=site, seq=seq, offset_days=30 * seq,
                                        due_on=due, status="done" if recorded else "pending",
                                        recorded_at=recorded, in_use=in_use, satisfaction=satisfaction,
                                        method="phone" if recorded else None, outcome="continue" if recorded else None))

        k1 = case("r3", c1, m1, local(1, 8), status="follow_up", delivered_at=local(2, 10))
        assess(k1, local(1, 15))
        deliver(k1, supply(k1, local(1, 20), 1), local(2, 10), [
            (date(2026, 3, 12), local(3, 12), True, 4),  # done in March, in use, very satisfied
            (date(2026, 5, 11), None, None, None)])  # due after the period
        self.product = product
        k2 = case("r4", c1, m1, local(2, 1), status="assessed")
        assess(k2, local(2, 5), voided=local(2, 6))
        assess(k2, local(2, 12))
        case("r5", c1, m1, local(3, 1))
        k4 = case("r3", c2, m2, local(3, 3), status="follow_up", delivered_at=local(3, 15))
        deliver(k4, supply(k4, local(3, 10), 2), local(3, 15), [
            (date(2026, 3, 20), None, None, None),  # due in March, never recorded: overdue
            (date(2026, 3, 25), local(3, 26), False, 2)])  # done, not in use, satisfaction 2

        def loan(who, status, made, out=None, due=None):
            item = DeviceItem(site_id=site, product_id=product.id, serial_no=f"L{next(_n)}", acquired_on=date(2025, 1, 1),
                              status={"on_loan": "on_loan", "reserved": "reserved"}.get(status, "available"))
            db.session.add(item)
            db.session.flush()
            db.session.add(DeviceLoan(resident_id=self.residents[who].id, site_id=site, product_id=product.id,
                                      item_id=item.id, purpose="trial", status=status, created_at=made,
                                      checked_out_at=out, due_on=due))
        loan("r5", "returned", local(1, 18), local(1, 20), date(2026, 3, 20))
        loan("r1", "on_loan", local(3, 4), local(3, 5), date(2026, 3, 25))  # overdue since 26 March
        loan("r1", "reserved", local(3, 28))  # a hold, not a loan yet

    # ---------------------------------------------------------------- café
    def _cafe(self):
        site = self.sites["C"].id
        buyer = self.vols[0].user_id

        def pay(day, fen, *, late=False, refunded_at=None):
            n = next(_n)
            o = Order(site_id=site, user_id=buyer, local_date=day.date(), number=f"A{n:03d}",
                      status="expired" if late else "paid",
                      total_fen=fen, fulfilment="pickup", out_trade_no=f"T{n:010d}", expires_at=day,
                      paid_at=None if late else day)  # a late payment leaves the order unpaid (payments.py)
            db.session.add(o)
            db.session.flush()
            db.session.add(Payment(order_id=o.id, transaction_id=f"W{n:010d}", amount_fen=fen, paid_at=day,
                                   late=late, refund_status="refunded" if refunded_at else "none",
                                   refunded_at=refunded_at))
        pay(local(1, 10), 3000)
        pay(local(2, 14), 1500, refunded_at=local(2, 15))
        pay(local(3, 1), 2000, late=True, refunded_at=local(3, 1, 11))

    # ---------------------------------------------------------------- who asks
    def admin(self):
        api = self.login()
        db.session.get(User, api.user_id).is_admin = True
        db.session.commit()
        return api

    def staff(self, site, role):
        api = self.login()
        staff_of(db.session.get(User, api.user_id), self.sites[site], role)
        return api


@pytest.fixture
def world(app, login, db_session) -> World:
    return World(login)


PERIOD = {"from": date(2026, 1, 1).isoformat(), "to": date(2026, 3, 31).isoformat()}
