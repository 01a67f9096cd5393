"""WeChat's value rules applied to our data (templates.fit / render)."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from backend import domains
from backend.notifications import templates

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("kind,value,expected", [
    ("thing", "短文本", "短文本"),
    ("thing", "第一行\n第二行\r\n  第三行", "第一行 第二行 第三行"),
    ("thing", "一" * 25, "一" * 19 + "…"),
    ("thing", "", "无"),
    ("thing", None, "无"),
    ("number", "1" * 40, "1" * 32),
    ("letter", "a" * 40, "a" * 32),
    ("symbol", "%%%%%%%", "%%%%%"),
    ("character_string", "A" * 40, "A" * 32),
    ("phone_number", "0" * 20, "0" * 17),
    ("car_number", "沪A123456789", "沪A123456"),
    ("name", "欧阳" * 6, "欧阳" * 5),
    ("phrase", "已通过审核啦", "已通过审核"),
    ("character_string", None, "-"),
    ("amount", 1250, "12.50元"),
])
def test_values_are_cut_to_wechat_limits(kind, value, expected):
    assert templates.fit(kind, value, SH) == expected


def test_times_are_formatted_in_the_site_zone():
    utc = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    assert templates.fit("time", utc, SH) == "2026年12月01日 09:00"
    assert templates.fit("time", utc.isoformat(), SH) == "2026年12月01日 09:00"
    assert templates.fit("date", utc.isoformat(), SH) == "2026年12月01日"
    assert templates.fit("date", date(2026, 12, 1).isoformat(), SH) == "2026年12月01日"
    assert templates.fit("time", None, SH) == "-"


def test_every_kind_has_a_field_map_of_known_types(app):
    known = set(templates.MAX_LENGTH) | {"time", "date"}
    kinds = domains.notification_kinds_of(app)
    assert set(app.config["WECHAT_SUBSCRIBE_TEMPLATES"]) == set(kinds)
    for kind, entry in app.config["WECHAT_SUBSCRIBE_TEMPLATES"].items():
        assert entry["template_id"] == f"tmpl_{kind}" and entry["title"] == kinds[kind].title
        assert entry["fields"] and all(templates.value_type(k) in known for k in entry["fields"])


def test_render_fills_every_field(app):
    with app.app_context():
        t = templates.for_kind("signup_confirmed")
        out = templates.render(t, "报名成功", "", {"activity_title": "手语角：周末交流会（第十二期）面向所有居民",
                                                   "starts_at": "2026-12-01T01:00:00+00:00",
                                                   "resident_name": "王大爷"})
    assert out == {"thing1": "手语角：周末交流会（第十二期）面向所有…", "time2": "2026年12月01日 09:00",
                   "thing3": "无", "name4": "王大爷"}
