"""Demo activities at the demo home."""
from datetime import datetime, time, timedelta

from .. import localtime
from ..db import utcnow
from ..extensions import db
from .models import Activity
from .signups import sign_up


def _at(days: int, hour: int, site) -> datetime:
    return localtime.wall(localtime.today(site) + timedelta(days=days), time(hour), site)


def seed(ctx: dict) -> None:
    home, users, resident = ctx["home"], ctx["users"], ctx["resident"]
    staff = users["home-staff"]
    craft = Activity(site_id=home.id, title="手工编织课", category="skills", status="published",
                     description="用毛线编织杯垫，老师一对一指导，材料免费提供。", location="二楼活动室",
                     starts_at=_at(3, 9, home), ends_at=_at(3, 11, home), capacity=12,
                     volunteer_capacity=2, accessibility=["step_free", "accessible_toilet", "lift"],
                     eligible_categories=[], created_by_id=staff.id, published_at=utcnow())
    singing = Activity(site_id=home.id, title="手语歌曲学唱", category="culture", status="published",
                       description="跟着聋人老师学唱手语歌，听障朋友和家属都欢迎。", location="一楼大厅",
                       starts_at=_at(5, 14, home), ends_at=_at(5, 16, home), capacity=20,
                       volunteer_capacity=3, accessibility=["step_free", "hearing_loop"],
                       eligible_categories=["hearing", "speech", "physical"], created_by_id=staff.id,
                       published_at=utcnow())
    db.session.add_all([craft, singing])
    db.session.flush()
    # 王大爷 with one companion (his daughter) at the craft class; 志愿者小李 helps there. Signed up
    # through the use case the API runs: seats taken, the home knows him, the inbox confirms it.
    sign_up(users["family"], craft.id, resident_id=resident.id, companions=1)
    sign_up(users["volunteer"], craft.id, role="volunteer")
