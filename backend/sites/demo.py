"""Demo sites: a disability home, a rehab station and the sign-language café."""
from ..extensions import db
from .models import Site

WEEKDAYS = [{"weekday": d, "open": "09:00", "close": "17:00"} for d in range(1, 6)]
# The demo café is open around the clock, so ordering can be tried at any hour (README); the home and
# the station keep office hours, so `open_now: false` and `next_opens_at` show on them at night.
ALL_DAY = [{"weekday": d, "open": "00:00", "close": "24:00"} for d in range(1, 8)]


def seed(ctx: dict) -> None:
    home = Site(kind="home", name="阳光残疾人之家（示范）", address="人民路 1 号", community="人民街道",
                phone="021-00000001", lat=31.23, lng=121.47, opening_hours=WEEKDAYS,
                accessibility=["step_free", "accessible_toilet", "lift"])
    rehab = Site(kind="rehab", name="社区康复站（示范）", address="健康路 8 号", community="人民街道",
                 phone="021-00000002", lat=31.24, lng=121.48, opening_hours=WEEKDAYS,
                 accessibility=["step_free", "accessible_toilet", "parking"])
    cafe = Site(kind="cafe", name="手语咖啡（示范）", address="和平路 5 号", community="和平街道",
                phone="021-00000003", lat=31.22, lng=121.46,
                opening_hours=ALL_DAY,
                accessibility=["step_free", "sign_language_staff", "hearing_loop"])
    db.session.add_all([home, rehab, cafe])
    db.session.flush()
    ctx.update(home=home, rehab=rehab, cafe=cafe)
