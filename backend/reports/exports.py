"""The overview as a spreadsheet (.xlsx: one sheet per area) or a table (.csv, UTF-8 with a BOM so
Excel reads the Chinese): the very dict `overview()` returns, laid out for the monthly returns to
the federation above. Numbers stay numbers (a ratio as a percentage format, not text)."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .metrics import AREAS, SHOWN
from .overview import GROUP_LABELS

YTD = "本年累计"


def _columns(report: dict, metrics) -> list[tuple[str, str, bool]]:
    """(header, metric key, year-to-date?) for the metrics of one area (or all)."""
    cols = [(m.label, m.key, False) for m in metrics]
    if report["group_by"] == "month":
        cols += [(f"{m.label}（{YTD}）", m.key, True) for m in metrics]
    return cols


def _value(row: dict, key: str, ytd: bool):
    return (row.get("year_to_date") or {}).get(key) if ytd else row.get(key)


def title(report: dict, scope_label: str) -> str:
    p = report["period"]
    return f"统计报表　{p['from'].isoformat()} 至 {p['to'].isoformat()}　范围：{scope_label}　按{GROUP_LABELS[report['group_by']]}"


def file_name(report: dict, ext: str) -> str:
    p = report["period"]
    return f"统计报表_{p['from'].isoformat()}_{p['to'].isoformat()}_按{GROUP_LABELS[report['group_by']]}.{ext}"


def content_disposition(name: str) -> str:
    ascii_name = "report." + name.rsplit(".", 1)[-1]
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def xlsx(report: dict, scope_label: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    group_header = GROUP_LABELS[report["group_by"]]
    for area, area_label in AREAS.items():
        metrics = [m for m in SHOWN if m.area == area]
        cols = _columns(report, metrics)
        ws = wb.create_sheet(area_label)
        ws.cell(row=1, column=1, value=title(report, scope_label)).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols) + 1)
        headers = [group_header] + [h for h, _k, _y in cols]
        for i, h in enumerate(headers, start=1):
            cell = ws.cell(row=2, column=i, value=h)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        rows = [(r["label"], r) for r in report["rows"]] + [("合计", report["totals"])]
        for r_i, (label, row) in enumerate(rows, start=3):
            ws.cell(row=r_i, column=1, value=label)
            for c_i, (_h, key, ytd) in enumerate(cols, start=2):
                cell = ws.cell(row=r_i, column=c_i, value=None if (ytd and label == "合计") else _value(row, key, ytd))
                if key.endswith("_rate"):
                    cell.number_format = "0.0%"
        ws.cell(row=len(rows) + 2, column=1).font = Font(bold=True)
        ws.freeze_panes = "B3"  # the header row and the group column stay in view
        for i, h in enumerate(headers, start=1):
            longest = max([_width(h)] + [_width(ws.cell(row=r, column=i).value) for r in range(3, len(rows) + 3)])
            ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 40)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(report: dict, scope_label: str) -> bytes:
    cols = _columns(report, SHOWN)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([GROUP_LABELS[report["group_by"]], "代码"] + [h for h, _k, _y in cols])
    for row in report["rows"]:
        w.writerow([row["label"], "" if row["key"] is None else row["key"]]
                   + ["" if (v := _value(row, k, y)) is None else v for _h, k, y in cols])
    w.writerow(["合计", ""] + ["" if y or (v := report["totals"].get(k)) is None else v for _h, k, y in cols])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
