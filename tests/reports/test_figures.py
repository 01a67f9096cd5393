"""Exact figures over the known world (tests/reports/conftest.py), counted by hand."""
from .conftest import PERIOD

# metric: (January, February, March, the quarter's total)
MONTHS = {
    "residents_registered": (1, 2, 1, 4),  # r1 | r2, r5 (00:30 on 1 Feb in Shanghai) | r3; r4 was December
    "residents_verified": (1, 1, 1, 3),  # r4 | r2 | r3
    "activities_held": (1, 1, 2, 4),
    "activities_cancelled": (0, 0, 1, 1),
    "signups": (3, 2, 6, 11),  # made in the month, later cancelled ones too
    "participants": (2, 1, 4, 4),  # persons: r1 r2 | r1 | r1 r2 r3 r5 -> 4 in the quarter
    "attendances": (2, 1, 4, 7),  # 人次
    "attendance_rate": (0.6667, 0.5, 1.0, 0.7778),  # attended / (attended + no-show) of activities held
    "no_show_rate": (0.3333, 0.5, 0.0, 0.2222),
    "appointments_booked": (1, 2, 1, 4),
    "appointments_completed": (1, 1, 0, 2),
    "appointments_no_show": (0, 1, 0, 1),
    "rehab_residents_served": (1, 1, 0, 2),
    "device_cases_opened": (1, 1, 2, 4),
    "device_cases_assessed": (1, 1, 0, 2),  # case 2 assessed twice (one voided): one case
    "device_cases_approved": (1, 0, 1, 2),
    "device_cases_delivered": (0, 1, 1, 2),
    "devices_delivered": (0, 1, 2, 3),  # items: the second delivery was two
    "device_residents_served": (0, 1, 1, 1),  # r3 both times: one person
    "followups_done": (0, 0, 2, 2),
    "followups_overdue": (0, 0, 1, 1),  # due 20 March, never recorded
    "followup_satisfaction_avg": (None, None, 3.0, 3.0),  # (4 + 2) / 2
    "devices_in_use_rate": (None, None, 0.5, 0.5),
    "loans_started": (1, 0, 1, 2),  # checked out; the March hold is not a loan
    "loan_residents_served": (1, 0, 1, 2),
    "loans_overdue": (0, 0, 1, 1),  # due 25 March, still on loan
    "orders_paid": (1, 1, 0, 2),  # the late payment (refunded) is not a sale
    "revenue_fen": (3000, 1500, 0, 4500),
    "refunds_fen": (0, 1500, 2000, 3500),
    "volunteers_active": (1, 1, 1, 2),
    "volunteer_minutes": (120, 90, 60, 270),
}
YEAR_TO_DATE = {  # distinct persons are not running sums of the months
    "residents_registered": (1, 3, 4),
    "participants": (2, 2, 4),
    "attendances": (2, 3, 7),
    "attendance_rate": (0.6667, 0.6, 0.7778),
    "rehab_residents_served": (1, 2, 2),
    "device_residents_served": (0, 1, 1),
    "volunteers_active": (1, 1, 2),
    "volunteer_minutes": (120, 210, 270),
    "loan_residents_served": (1, 1, 2),
    "followup_satisfaction_avg": (None, None, 3.0),
    "revenue_fen": (3000, 4500, 4500),
}


def report(api, **args):
    resp = api.get("/reports/overview", query_string={**PERIOD, **args})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_every_metric_by_month_with_year_to_date(world):
    body = report(world.admin(), group_by="month")
    assert body["period"] == {"from": "2026-01-01", "to": "2026-03-31"} and body["group_by"] == "month"
    assert [(r["key"], r["label"]) for r in body["rows"]] == [
        ("2026-01", "2026年1月"), ("2026-02", "2026年2月"), ("2026-03", "2026年3月")]
    for metric, (*months, total) in MONTHS.items():
        assert [r[metric] for r in body["rows"]] == months, metric
        assert body["totals"][metric] == total, metric
    for metric, ytd in YEAR_TO_DATE.items():
        assert [r["year_to_date"][metric] for r in body["rows"]] == list(ytd), metric
    for metric in MONTHS:
        assert body["rows"][-1]["year_to_date"][metric] == body["totals"][metric], metric


def test_year_to_date_reaches_back_before_the_period(world):
    body = report(world.admin(), group_by="month", **{"from": "2026-02-01"})
    assert [r["key"] for r in body["rows"]] == ["2026-02", "2026-03"]
    feb, mar = body["rows"]
    assert feb["participants"] == 1 and feb["year_to_date"]["participants"] == 2  # r2 came in January
    assert feb["year_to_date"]["residents_registered"] == 3 and mar["year_to_date"]["residents_registered"] == 4
    assert body["totals"]["participants"] == 4 and body["totals"]["residents_registered"] == 3
    assert body["totals"]["volunteer_minutes"] == 150 and mar["year_to_date"]["volunteer_minutes"] == 270


SITES = {  # site: {metric: value}; every metric not named is 0 (rates: None where nothing was held)
    "A": {"residents_registered": 2, "residents_verified": 1, "activities_held": 3, "signups": 7,
          "participants": 2, "attendances": 4, "attendance_rate": 0.6667, "no_show_rate": 0.3333,
          "volunteers_active": 1, "volunteer_minutes": 210},
    "B": {"residents_registered": 2, "residents_verified": 2, "activities_held": 1, "activities_cancelled": 1,
          "signups": 4, "participants": 3, "attendances": 3, "attendance_rate": 1.0, "no_show_rate": 0.0,
          "volunteers_active": 1, "volunteer_minutes": 60},
    "R": {"appointments_booked": 4, "appointments_completed": 2, "appointments_no_show": 1,
          "rehab_residents_served": 2},
    "D": {"device_cases_opened": 4, "device_cases_assessed": 2, "device_cases_approved": 2,
          "device_cases_delivered": 2, "devices_delivered": 3, "device_residents_served": 1,
          "followups_done": 2, "followups_overdue": 1, "followup_satisfaction_avg": 3.0,
          "devices_in_use_rate": 0.5, "loans_started": 2, "loan_residents_served": 2, "loans_overdue": 1},
    "C": {"orders_paid": 2, "revenue_fen": 4500, "refunds_fen": 3500},
}


def _full(values: dict) -> dict:
    out = {m: 0 for m in MONTHS}
    out.update(attendance_rate=None, no_show_rate=None, followup_satisfaction_avg=None, devices_in_use_rate=None)
    out.update(values)
    return out


def _sum(*names) -> dict:
    out = {}
    for n in names:
        for k, v in _full(SITES[n]).items():
            if not k.endswith(("_rate", "_avg")):
                out[k] = out.get(k, 0) + v
    return out


def test_every_metric_by_site_and_totals_count_each_person_once(world):
    body = report(world.admin(), group_by="site")
    assert [r["key"] for r in body["rows"]] == [world.sites[n].id for n in "ABRDC"]
    assert [r["label"] for r in body["rows"]] == ["阳光之家", "月亮之家", "康复站", "辅具中心", "手语咖啡"]
    for name, row in zip("ABRDC", body["rows"]):
        assert {m: row[m] for m in MONTHS} == _full(SITES[name]), name
    # r2 took part at both homes: 2 + 3 persons in the rows, 4 in the total
    assert body["totals"]["participants"] == 4 and body["totals"]["volunteers_active"] == 2
    assert {m: body["totals"][m] for m in MONTHS} == {m: t for m, (*_x, t) in MONTHS.items()}


def test_every_metric_by_community(world):
    body = report(world.admin(), group_by="community")
    assert [(r["key"], r["label"]) for r in body["rows"]] == [("东街社区", "东街社区"), ("西街社区", "西街社区")]
    east, west = body["rows"]
    expected_east, expected_west = _sum("A", "R", "C"), _sum("B", "D")
    for row, expected in ((east, expected_east), (west, expected_west)):
        got = {m: row[m] for m in MONTHS if not m.endswith(("_rate", "_avg"))}
        assert got == expected
    assert east["attendance_rate"] == 0.6667 and west["attendance_rate"] == 1.0


def test_persons_and_visits_by_category(world):
    body = report(world.admin(), group_by="category")
    rows = {r["key"]: r for r in body["rows"]}
    assert list(rows) == ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
    assert rows["visual"]["label"] == "视力残疾" and rows["hearing"]["label"] == "听力残疾"
    # r1 (visual) attended three activities: one participant, three attendances
    assert (rows["visual"]["participants"], rows["visual"]["attendances"]) == (1, 3)
    assert (rows["hearing"]["participants"], rows["hearing"]["attendances"]) == (2, 3)  # r2 twice, r5 once
    assert (rows["physical"]["participants"], rows["physical"]["attendances"]) == (1, 1)
    assert [rows[c]["signups"] for c in ("visual", "hearing", "physical")] == [3, 4, 4]
    assert [rows[c]["residents_registered"] for c in ("visual", "hearing", "physical")] == [1, 2, 1]
    assert [rows[c]["rehab_residents_served"] for c in ("visual", "hearing", "physical")] == [1, 1, 0]
    assert rows["physical"]["device_cases_opened"] == 3 and rows["hearing"]["device_cases_opened"] == 1
    assert (rows["physical"]["devices_delivered"], rows["physical"]["device_residents_served"]) == (3, 1)
    assert (rows["physical"]["followups_done"], rows["physical"]["followups_overdue"]) == (2, 1)
    assert (rows["visual"]["loans_started"], rows["hearing"]["loans_started"], rows["visual"]["loans_overdue"]) == (1, 1, 1)
    assert rows["physical"]["followup_satisfaction_avg"] == 3.0 and rows["visual"]["devices_in_use_rate"] is None
    assert all(rows[c]["participants"] == 0 for c in ("speech", "intellectual", "mental", "multiple"))
    # café orders and volunteers belong to no disability category: no figure in the rows, a total
    assert all(r["orders_paid"] is None and r["volunteer_minutes"] is None for r in body["rows"])
    assert body["totals"]["orders_paid"] == 2 and body["totals"]["volunteer_minutes"] == 270
    assert body["totals"]["participants"] == 4 and body["totals"]["attendances"] == 7


def test_persons_and_visits_by_level(world):
    body = report(world.admin(), group_by="level")
    rows = {r["key"]: r for r in body["rows"]}
    assert list(rows) == [1, 2, 3, 4] and rows[1]["label"] == "一级"
    assert [rows[k]["participants"] for k in (1, 2, 3, 4)] == [1, 2, 0, 1]
    assert [rows[k]["attendances"] for k in (1, 2, 3, 4)] == [3, 3, 0, 1]
    assert [rows[k]["residents_registered"] for k in (1, 2, 3, 4)] == [1, 2, 0, 1]
    assert [rows[k]["residents_verified"] for k in (1, 2, 3, 4)] == [0, 2, 1, 0]
    assert [rows[k]["device_cases_opened"] for k in (1, 2, 3, 4)] == [0, 2, 1, 1]
    assert body["totals"]["residents_verified"] == 3


def test_site_and_community_filters(world):
    admin = world.admin()
    body = report(admin, group_by="month", site_id=world.sites["B"].id)
    assert body["totals"]["participants"] == 3 and body["totals"]["activities_cancelled"] == 1
    assert body["totals"]["appointments_booked"] == 0 and body["totals"]["residents_registered"] == 2
    body = report(admin, group_by="site", community="西街社区")
    assert [r["key"] for r in body["rows"]] == [world.sites["B"].id, world.sites["D"].id]
    assert body["totals"]["devices_delivered"] == 3 and body["totals"]["orders_paid"] == 0
