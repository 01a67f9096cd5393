"""The console's reports page (`/console/reports`): the overview of the reports use case for a period
and grouping (every number in the page is the JSON report's), its charts' data, the downloads, the
vendored ECharts served by the app; managers and admins only."""
import json
import re
from datetime import date
from pathlib import Path

import pytest

from backend.reports.metrics import SHOWN

from ..reports.conftest import PERIOD, world  # noqa: F401 (the fixture)
from .helpers import Screen

ROOT = Path(__file__).resolve().parents[2]


def _html(screen: Screen, path: str, status: int = 200) -> str:
    resp = screen.get(path)
    html = resp.get_data(as_text=True)
    assert resp.status_code == status, f"{path}: {resp.status_code} {html[:300]}"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    return html


def _table(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """The table's column headings and, per metric, its cells' exact values (`data-value`)."""
    table = re.search(r'<table class="roster report-table".*?</table>', html, re.S).group(0)
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    cells = {key: re.findall(r'data-value="([^"]*)"', row)
             for key, row in re.findall(r'<tr data-metric="(\w+)">(.*?)</tr>', table, re.S)}
    return heads, cells


def _text(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("group_by", ["month", "category", "site"])
def test_the_page_shows_the_json_reports_numbers(app, world, group_by):
    admin = world.admin()
    report = admin.get("/reports/overview", query_string={**PERIOD, "group_by": group_by}).get_json()
    screen = Screen(app).sign_in(admin)
    html = _html(screen, f"/console/reports?from={PERIOD['from']}&to={PERIOD['to']}&group_by={group_by}")
    assert 'href="/console/reports" aria-current="page"' in html
    heads, cells = _table(html)
    assert heads == ["指标"] + [r["label"] for r in report["rows"]] + ["合计"]
    assert list(cells) == [m.key for m in SHOWN]
    for m in SHOWN:
        assert cells[m.key] == [_text(r[m.key]) for r in report["rows"]] + [_text(report["totals"][m.key])], m.key
    # the charts: a monthly trend and a breakdown by disability category, from the same use case
    charts = json.loads(re.search(r'<script type="application/json" id="report-charts">(.*?)</script>',
                                  html, re.S).group(1))
    month = admin.get("/reports/overview", query_string={**PERIOD, "group_by": "month"}).get_json()
    category = admin.get("/reports/overview", query_string={**PERIOD, "group_by": "category"}).get_json()
    assert charts["trend"]["labels"] == ["2026年1月", "2026年2月", "2026年3月"]
    assert charts["category"]["labels"] == [r["label"] for r in category["rows"]] and "肢体残疾" in charts["category"]["labels"]
    for metric in charts["metrics"]:
        key = metric["key"]
        assert charts["trend"]["series"][key] == [r[key] for r in month["rows"]]
        assert charts["category"]["series"][key] == [r[key] for r in category["rows"]]
    assert 'data-chart="trend"' in html and 'data-chart="category"' in html
    # the downloads carry the same period and grouping, and hold the same report
    query = f"from={PERIOD['from']}&amp;to={PERIOD['to']}&amp;group_by={group_by}"
    assert f'href="/console/reports.xlsx?{query}"' in html and f'href="/console/reports.csv?{query}"' in html
    for kind in ("xlsx", "csv"):
        got = screen.http.get(f"/console/reports.{kind}?" + query.replace("&amp;", "&"))
        want = admin.get(f"/reports/overview.{kind}", query_string={**PERIOD, "group_by": group_by})
        assert got.status_code == 200 and got.headers["Content-Disposition"] == want.headers["Content-Disposition"]
        if kind == "csv":
            assert got.data == want.data


def test_a_managers_page_is_their_sites_report(app, world):
    manager = world.staff("A", "manager")
    report = manager.get("/reports/overview", query_string={**PERIOD, "group_by": "site"}).get_json()
    html = _html(Screen(app).sign_in(manager), f"/console/reports?from={PERIOD['from']}&to={PERIOD['to']}&group_by=site")
    heads, cells = _table(html)
    assert heads == ["指标", "阳光之家", "合计"] and "月亮之家" not in html
    assert cells["attendances"] == [_text(r["attendances"]) for r in report["rows"]] + [_text(report["totals"]["attendances"])]


def test_staff_who_manage_nothing_are_told_the_page_is_for_managers(app, world):
    staff = Screen(app).sign_in(world.staff("A", "staff"))
    for path in ("/console/reports", "/console/reports.xlsx", "/console/reports.csv"):
        html = _html(staff, path, 403)
        assert "统计报表仅限站点负责人和管理员查看" in html and "report-table" not in html
    assert Screen(app).http.get("/console/reports").status_code == 401


def test_a_bad_period_shows_the_use_cases_message_next_to_the_field(app, world):
    screen = Screen(app).sign_in(world.admin())
    html = _html(screen, "/console/reports?from=2026-03-01&to=2026-01-01", 422)
    assert re.search(r'id="err-from">开始日期不能晚于结束日期<', html)
    assert 'aria-invalid="true" aria-describedby="err-from"' in html


def test_echarts_is_vendored_from_the_pinned_package_and_served_by_the_app(app, world):
    pinned = json.loads((ROOT / "tools/browser/package.json").read_text())["devDependencies"]["echarts"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)  # an exact version
    folder = ROOT / "miniprogram_api/static/echarts"
    assert f"`echarts` **{pinned}**" in (folder / "README.md").read_text()
    assert {p.name for p in folder.iterdir()} >= {"echarts.min.js", "LICENSE", "NOTICE", "README.md"}
    screen = Screen(app).sign_in(world.admin())
    html = _html(screen, f"/console/reports?from={PERIOD['from']}&to={PERIOD['to']}")
    assert '<script src="/screens/vendor/echarts/echarts.min.js"></script>' in html
    assert "cdn" not in html.lower() and "https://" not in html
    resp = screen.get("/screens/vendor/echarts/echarts.min.js")
    assert resp.status_code == 200 and resp.data == (folder / "echarts.min.js").read_bytes()
    assert resp.mimetype in ("text/javascript", "application/javascript")
