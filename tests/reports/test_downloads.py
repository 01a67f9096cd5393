"""The .xlsx and .csv hold the same figures as the JSON; names and headers in Chinese."""
import csv
import io
from urllib.parse import quote

from openpyxl import load_workbook

from backend.reports.metrics import AREAS, SHOWN

from .conftest import PERIOD

LABEL = {m.key: m.label for m in SHOWN}


def _get(api, path, **args):
    resp = api.get(path, query_string={**PERIOD, **args})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp


def test_xlsx_has_a_sheet_per_area_with_the_json_figures(world):
    admin = world.admin()
    body = _get(admin, "/reports/overview", group_by="month").get_json()
    resp = _get(admin, "/reports/overview.xlsx", group_by="month")
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = "统计报表_2026-01-01_2026-03-31_按月份.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == list(AREAS.values())
    for area, sheet_name in AREAS.items():
        ws = wb[sheet_name]
        assert "2026-01-01 至 2026-03-31" in ws["A1"].value and "全市" in ws["A1"].value
        assert ws.freeze_panes == "B3"
        headers = [c.value for c in ws[2]]
        assert headers[0] == "月份"
        metrics = [m.key for m in SHOWN if m.area == area]
        assert headers[1:1 + len(metrics)] == [LABEL[k] for k in metrics]
        assert headers[1 + len(metrics):] == [f"{LABEL[k]}（本年累计）" for k in metrics]
        data = list(ws.iter_rows(min_row=3, values_only=True))
        assert [r[0] for r in data] == ["2026年1月", "2026年2月", "2026年3月", "合计"]
        for row, json_row in zip(data, body["rows"] + [body["totals"]]):
            assert list(row[1:1 + len(metrics)]) == [json_row[k] for k in metrics]
            if json_row is not body["totals"]:
                assert list(row[1 + len(metrics):]) == [json_row["year_to_date"][k] for k in metrics]
        assert all(isinstance(v, (int, float)) for v in data[-1][1:1 + len(metrics)] if v is not None)
        assert ws.column_dimensions["A"].width >= 8
    assert isinstance(wb["文体活动"].cell(row=3, column=2).value, int)


def test_csv_has_a_bom_and_the_json_figures(world):
    admin = world.admin()
    body = _get(admin, "/reports/overview", group_by="site").get_json()
    resp = _get(admin, "/reports/overview.csv", group_by="site")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''" + quote("统计报表_2026-01-01_2026-03-31_按站点.csv") in resp.headers["Content-Disposition"]
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data[3:].decode("utf-8"))))
    assert rows[0][:2] == ["站点", "代码"] and rows[0][2:] == [m.label for m in SHOWN]
    assert [r[0] for r in rows[1:]] == ["阳光之家", "月亮之家", "康复站", "辅具中心", "手语咖啡", "合计"]
    for row, json_row in zip(rows[1:], body["rows"] + [body["totals"]]):
        want = ["" if json_row[m.key] is None else str(json_row[m.key]) for m in SHOWN]
        assert row[2:] == want
    assert rows[-1][2 + [m.key for m in SHOWN].index("participants")] == "4"


def test_a_managers_download_names_their_scope(world):
    manager = world.staff("A", "manager")
    wb = load_workbook(io.BytesIO(_get(manager, "/reports/overview.xlsx", group_by="site").data))
    ws = wb["文体活动"]
    assert "阳光之家" in ws["A1"].value and "月亮之家" not in ws["A1"].value
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True)] == ["阳光之家", "合计"]
