"""Product import files: .xlsx built with openpyxl and .csv with or without BOM, English and Chinese
headers, 元 and 分, every cell and header error, duplicates, row limits, unreadable files."""
import csv
import datetime
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from backend.devices import spreadsheet
from backend.devices.spreadsheet import HEADER_ALIASES, LABELS, ProductRow, RowError, parse_products

ENGLISH = ["code", "name", "model", "class_code", "description", "image_url", "price_fen", "subsidy_standard_fen",
           "useful_life_months", "training_sessions", "loanable", "loan_days", "maintenance_interval_days",
           "active", "maker_id"]
CHINESE = ["产品编码", "产品名称", "规格型号", "分类代码", "说明", "图片链接", "价格（元）", "补贴标准（元）",
           "使用年限（月）", "训练次数", "可借用", "借用天数", "保养周期（天）", "启用", "厂家ID"]
MINIMAL = ["code", "name", "class_code", "price_fen"]
CHINESE_SHIPPED = re.compile(r"[\u4e00-\u9fff]")


def xlsx(rows: list[list], *, extra_sheet: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("其他").append(["不应读取"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], *, bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def one(filename: str, data: bytes, **kwargs) -> ProductRow:
    rows, errors = parse_products(filename, data, **kwargs)
    assert errors == []
    [row] = rows
    return row


def errors_of(rows: list[list], fmt: str = "csv", **kwargs) -> list[tuple[int, str]]:
    data = xlsx(rows) if fmt == "xlsx" else csv_bytes(rows)
    return [(e.row, e.field) for e in parse_products(f"products.{fmt}", data, **kwargs)[1]]


GOOD = {"code": "WC-01", "name": "手动轮椅", "class_code": "12.22.03", "price_fen": 128000}


def cell_error(field: str, value, header: str | None = None) -> RowError | None:
    """The error (if any) of one cell in an otherwise good xlsx row; `header` renames its column."""
    cells = {**GOOD, field: value}
    headers = [header if f == field and header else f for f in cells]
    _, errors = parse_products("p.xlsx", xlsx([headers, list(cells.values())]))
    assert len(errors) <= 1
    return errors[0] if errors else None


FULL_ROW = ["WC-01", "手动轮椅", "SYIV100-46", "12.22.03", "钢制折叠，座宽 46 cm", "https://img.example.cn/wc01.png",
            128000, 100000, 60, 2, "是", 90, 180, "否", 7]
FULL = ProductRow(row=2, code="WC-01", name="手动轮椅", model="SYIV100-46", class_code="12.22.03",
                  description="钢制折叠，座宽 46 cm", image_url="https://img.example.cn/wc01.png", price_fen=128000,
                  subsidy_standard_fen=100000, useful_life_months=60, training_sessions=2, loanable=True,
                  loan_days=90, maintenance_interval_days=180, active=False, maker_id=7)


# --- formats and headers ---

def test_english_headers_csv_without_bom():
    assert one("p.csv", csv_bytes([ENGLISH, FULL_ROW])) == FULL


def test_english_headers_csv_with_bom():
    assert one("p.csv", csv_bytes([ENGLISH, FULL_ROW], bom=True)) == FULL


def test_english_headers_xlsx():
    assert one("p.xlsx", xlsx([ENGLISH, FULL_ROW])) == FULL


def test_chinese_headers_xlsx_with_prices_in_yuan():
    row = FULL_ROW[:6] + [1280, 1000.0] + FULL_ROW[8:]
    assert one("p.xlsx", xlsx([CHINESE, row])) == FULL


def test_chinese_headers_csv_with_prices_in_yuan_as_text():
    row = FULL_ROW[:6] + ["1280.00", "1000"] + FULL_ROW[8:]
    assert one("p.csv", csv_bytes([CHINESE, row], bom=True)) == FULL


def test_prices_in_fen_under_chinese_headers():
    headers = ["编码", "名称", "分类编码", "价格（分）", "补贴标准（分）"]
    row = one("p.xlsx", xlsx([headers, ["WC-01", "手动轮椅", "12.22", 128050, 100000]]))
    assert (row.price_fen, row.subsidy_standard_fen) == (128050, 100000)


@pytest.mark.parametrize("header", ["价格(元)", "价格（元）", " 价格 ( 元 ) ", "价格（元)", "单价（元）"])
def test_full_and_half_width_parentheses_and_spaces(header):
    assert one("p.csv", csv_bytes([["编码", "名称", "分类代码", header], ["A", "轮椅", "12", "12.5"]])).price_fen == 1250


@pytest.mark.parametrize("header", ["CODE", " Code ", "ｃｏｄｅ"])
def test_english_headers_ignore_case_width_and_spaces(header):
    assert one("p.csv", csv_bytes([[header, "name", "class_code", "price_fen"], ["A", "轮椅", "12", "1"]])).code == "A"


def test_every_chinese_alias_is_accepted():
    by_field: dict[str, list[str]] = {}
    for text, (field, _) in HEADER_ALIASES.items():
        if CHINESE_SHIPPED.search(text):
            by_field.setdefault(field, []).append(text)
    assert set(by_field) == set(ENGLISH)
    for field, aliases in by_field.items():
        for alias in aliases:
            headers = [h for h in MINIMAL if h != field] + [alias]
            assert parse_products("p.csv", csv_bytes([headers]))[1] == [], alias
            assert spreadsheet._LOOKUP[spreadsheet._norm(alias)][0] == field


def test_the_brief_s_aliases_are_all_there():
    for text in ["产品编码", "编码", "产品名称", "名称", "型号", "规格型号", "分类代码", "分类编码", "说明", "描述",
                 "图片", "图片链接", "价格（分）", "价格（元）", "补贴标准（分）", "补贴标准（元）", "使用年限（月）",
                 "训练次数", "可借用", "借用天数", "保养周期（天）", "启用", "厂家ID", "maker_id"]:
        assert spreadsheet._norm(text) in spreadsheet._LOOKUP, text


def test_labels_aliases_and_fields_agree():
    assert set(LABELS) == set(spreadsheet._FIELDS) == {c[0] for c in HEADER_ALIASES.values()} == set(ENGLISH)
    assert set(ENGLISH) == {f for f in ProductRow.__dataclass_fields__ if f != "row"}


def test_defaults_of_optional_columns():
    row = one("p.csv", csv_bytes([MINIMAL, ["A", "轮椅", "12.22", "100"]]))
    assert row == ProductRow(row=2, code="A", name="轮椅", model="", class_code="12.22", description="", image_url="",
                             price_fen=100, subsidy_standard_fen=0, useful_life_months=0, training_sessions=0,
                             loanable=False, loan_days=60, maintenance_interval_days=0, active=True, maker_id=None)


def test_empty_cells_take_the_defaults_too():
    row = one("p.xlsx", xlsx([ENGLISH, ["A", "轮椅", None, "12", "", "  ", 1, None, None, "", None, None, None, "", ""]]))
    assert (row.model, row.subsidy_standard_fen, row.loan_days, row.active, row.maker_id) == ("", 0, 60, True, None)


def test_the_upload_s_maker_id_fills_empty_maker_cells():
    rows, errors = parse_products("p.csv", csv_bytes([MINIMAL + ["maker_id"], ["A", "轮椅", "12", "1", ""],
                                                      ["B", "轮椅", "12", "1", "9"]]), maker_id=4)
    assert errors == [] and [r.maker_id for r in rows] == [4, 9]
    assert one("p.csv", csv_bytes([MINIMAL, ["A", "轮椅", "12", "1"]]), maker_id=4).maker_id == 4


def test_text_is_trimmed_including_full_width_spaces():
    row = one("p.csv", csv_bytes([MINIMAL, ["\u3000A-1 ", " 手动轮椅\u3000", " 12.22 ", " 100 "]]))
    assert (row.code, row.name, row.class_code, row.price_fen) == ("A-1", "手动轮椅", "12.22", 100)


def test_a_multiline_description_in_csv_keeps_row_numbers_as_spreadsheet_rows():
    data = csv_bytes([MINIMAL + ["description"], ["A", "轮椅", "12", "1", "第一行\n第二行"], ["B", "", "12", "1", ""]])
    rows, errors = parse_products("p.csv", data)
    assert rows[0].description == "第一行\n第二行"
    assert [(e.row, e.field) for e in errors] == [(3, "name")]


def test_only_the_first_worksheet_is_read():
    assert one("p.xlsx", xlsx([MINIMAL, ["A", "轮椅", "12", 1]], extra_sheet=True)).code == "A"


def test_an_upper_case_extension_is_fine():
    assert one("产品.XLSX", xlsx([MINIMAL, ["A", "轮椅", "12", 1]])).code == "A"


def patched_sheet(data: bytes, pattern: bytes, replacement: bytes) -> bytes:
    """The workbook with its first sheet's XML edited, to write what openpyxl itself never writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, count = re.subn(pattern, replacement, body)
                assert count == 1
            dst.writestr(item, body)
    return out.getvalue()


def test_a_sheet_whose_recorded_size_is_wrong_is_still_read_whole():
    data = xlsx([MINIMAL, ["A", "轮椅", "12", 1], ["B", "轮椅", "12", 2]])
    data = patched_sheet(data, rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:B2"/>')
    rows, errors = parse_products("p.xlsx", data)
    assert errors == [] and [(r.code, r.price_fen) for r in rows] == [("A", 1), ("B", 2)]


@pytest.mark.parametrize("stored, fen", [(b"1408.5500000000002", 140855), (b"0.30000000000000004", 30),
                                         (b"1280.4999999999998", 128050), (b"12.345", None), (b"12.3449", None)])
def test_excel_s_float_noise_in_yuan_is_not_a_third_decimal(stored, fen):
    # Excel stores a formula's result with 17 digits (=A2*1.1 → 1408.5500000000002) and shows 1408.55;
    # openpyxl writes only 15, so the cell is patched to what Excel writes.
    data = xlsx([["code", "name", "class_code", "价格（元）"], ["A", "轮椅", "12", 7777.77]])
    rows, errors = parse_products("p.xlsx", patched_sheet(data, rb"<v>7777.77</v>", b"<v>" + stored + b"</v>"))
    if fen is None:
        assert rows == [] and [(e.row, e.field) for e in errors] == [(2, "price_fen")]
    else:
        assert errors == [] and rows[0].price_fen == fen


# --- header errors ---

def test_an_unknown_header_is_an_error_on_row_1_naming_it():
    rows, errors = parse_products("p.csv", csv_bytes([MINIMAL + ["颜色"], ["A", "轮椅", "12", "1", "红"]]))
    assert rows == [] and [(e.row, e.field) for e in errors] == [(1, "header")]
    assert "颜色" in errors[0].message and "第 E 列" in errors[0].message


@pytest.mark.parametrize("header, hint", [("价格", "价格（元）"), ("补贴标准", "补贴标准（元）"), ("单价", "单价（元）")])
def test_money_without_a_unit_asks_for_one(header, hint):
    _, errors = parse_products("p.csv", csv_bytes([["code", "name", "class_code", header]]))
    assert any(e.field == "header" and hint in e.message for e in errors)


@pytest.mark.parametrize("missing", MINIMAL)
def test_a_missing_required_header(missing):
    headers = [h for h in MINIMAL if h != missing]
    _, errors = parse_products("p.xlsx", xlsx([headers, ["x"] * len(headers)]))
    assert [(e.row, e.field) for e in errors] == [(1, missing)]
    assert LABELS[missing] in errors[0].message


def test_a_duplicate_header_even_across_languages_and_units():
    assert errors_of([MINIMAL + ["产品名称"]]) == [(1, "name")]
    _, errors = parse_products("p.csv", csv_bytes([["code", "name", "class_code", "价格（元）", "价格（分）"]]))
    assert [(e.row, e.field) for e in errors] == [(1, "price_fen")]
    assert "第 D 列" in errors[0].message


def test_header_errors_are_reported_alone():
    # The rows below are full of errors, but with a broken header each would only repeat it.
    assert errors_of([["code", "名字", "class_code", "price_fen"], ["", "", "bad", "-1"]]) == [
        (1, "header"), (1, "name")]


def test_data_under_a_blank_header_or_right_of_the_header_is_an_error():
    assert errors_of([MINIMAL + [None, "model"], ["A", "轮椅", "12", 1, "多出来的", "M1"]], "xlsx") == [(1, "header")]
    _, errors = parse_products("p.csv", csv_bytes([MINIMAL, ["A", "轮椅", "12", "1", "", "多出来的"]]))
    assert [(e.row, e.field) for e in errors] == [(1, "header")] and "第 F 列" in errors[0].message


def test_a_blank_header_over_an_empty_column_is_fine():
    assert errors_of([MINIMAL + [None, "model"], ["A", "轮椅", "12", 1, None, "M1"]], "xlsx") == []


def test_a_file_whose_first_row_is_empty_has_no_header():
    assert errors_of([[], MINIMAL, ["A", "轮椅", "12", "1"]]) == [(1, "header")]


@pytest.mark.parametrize("filename, data", [("p.csv", b""), ("p.csv", b"\xef\xbb\xbf"), ("p.csv", b"\r\n,,\r\n"),
                                            ("p.xlsx", xlsx([]))])
def test_an_empty_file(filename, data):
    assert parse_products(filename, data) == ([], [RowError(0, "file", "文件是空的")])


def test_a_header_without_rows_gives_nothing_and_no_error():
    assert parse_products("p.csv", csv_bytes([MINIMAL])) == ([], [])


# --- cell errors ---

@pytest.mark.parametrize("field, value", [
    ("code", None), ("code", "  "), ("name", None), ("class_code", None), ("price_fen", None), ("price_fen", ""),
])
def test_required_cells(field, value):
    error = cell_error(field, value)
    assert (error.row, error.field, error.message) == (2, field, f"{LABELS[field]}不能为空")


@pytest.mark.parametrize("field, limit", [("code", 40), ("name", 100), ("model", 100), ("description", 2000)])
def test_text_lengths(field, limit):
    assert cell_error(field, "码" * limit) is None
    error = cell_error(field, "码" * (limit + 1))
    assert error.field == field and f"不能超过 {limit} 个字符" in error.message


def test_a_numeric_code_becomes_text():
    assert one("p.xlsx", xlsx([MINIMAL, [10023, "轮椅", "12", 1]])).code == "10023"
    assert one("p.xlsx", xlsx([MINIMAL, [10023.0, "轮椅", "12", 1]])).code == "10023"


@pytest.mark.parametrize("field", ["code", "name", "model"])
@pytest.mark.parametrize("value", [True, datetime.datetime(2024, 5, 1)])
def test_text_fields_refuse_booleans_and_dates(field, value):
    error = cell_error(field, value)
    assert error.field == field and error.message == f"{LABELS[field]}应为文本"


@pytest.mark.parametrize("value, expected", [("12.22.03", "12.22.03"), ("04", "04"), (12, "12"), (12.22, "12.22")])
def test_class_code_accepted(value, expected):
    assert one("p.xlsx", xlsx([MINIMAL, ["A", "轮椅", value, 1]])).class_code == expected


@pytest.mark.parametrize("value, lost_zero", [("12.2203", False), ("12-22", False), ("abc", False),
                                              ("4.06", True), (4, True), (12.2, True)])
def test_class_code_format(value, lost_zero):
    error = cell_error("class_code", value)
    assert error.field == "class_code" and "格式不正确" in error.message
    assert ("丢失了 0" in error.message) == lost_zero


@pytest.mark.parametrize("url", ["http://img.example.cn/a.png", "https://img.example.cn/a.png?x=1", "HTTPS://A.CN/x"])
def test_image_urls_accepted(url):
    assert cell_error("image_url", url) is None


@pytest.mark.parametrize("url", ["ftp://img.example.cn/a.png", "javascript:alert(1)", "img.example.cn/a.png",
                                 "https://", "https:///a.png", "https://img.example.cn/a b.png", "http://[::1",
                                 "https://a.cn/" + "x" * 500, 42])
def test_image_urls_refused(url):
    error = cell_error("image_url", url)
    assert error.field == "image_url"


@pytest.mark.parametrize("value, fen", [(128000, 128000), (128000.0, 128000), ("128000", 128000), ("128000.0", 128000),
                                        ("０", 0), (0, 0), (1_000_000_000, 1_000_000_000)])
def test_price_in_fen_accepted(value, fen):
    assert one("p.xlsx", xlsx([MINIMAL, ["A", "轮椅", "12", value]])).price_fen == fen


@pytest.mark.parametrize("value, phrase", [(12.5, "应为整数"), ("12.5", "应为整数"), ("abc", "应为整数"), (True, "应为整数"),
                                           ("1,280", "应为整数"), (-1, "不能为负数"), ("-1", "不能为负数"),
                                           (1_000_000_001, "不能超过 1000 万元"), (datetime.date(2024, 1, 1), "应为整数")])
def test_price_in_fen_refused(value, phrase):
    error = cell_error("price_fen", value)
    assert error.field == "price_fen" and phrase in error.message and "分" in error.message


@pytest.mark.parametrize("value, fen", [(1280, 128000), (1280.5, 128050), (0.29, 29), ("0.29", 29), ("1280.50", 128050),
                                        ("１２８０．５", 128050), (".5", 50), ("12.", 1200)])
def test_price_in_yuan_converts_exactly(value, fen):
    assert one("p.xlsx", xlsx([["code", "name", "class_code", "价格（元）"], ["A", "轮椅", "12", value]])).price_fen == fen


@pytest.mark.parametrize("value, phrase", [(12.345, "两位小数"), ("12.345", "两位小数"), ("12.001", "两位小数"),
                                           ("abc", "金额"), ("¥12", "金额"), (True, "金额"), ("1e3", "金额"),
                                           (-1, "不能为负数"), ("-0.01", "不能为负数"), (10_000_000.01, "1000 万元")])
def test_price_in_yuan_refused(value, phrase):
    error = cell_error("price_fen", value, header="价格（元）")
    assert error.field == "price_fen" and phrase in error.message


def test_subsidy_standard_in_yuan_and_fen():
    assert cell_error("subsidy_standard_fen", -5).field == "subsidy_standard_fen"
    assert cell_error("subsidy_standard_fen", "3000.5", header="补贴标准（元）") is None
    error = cell_error("subsidy_standard_fen", "3000.555", header="补贴标准（元）")
    assert error.field == "subsidy_standard_fen" and "两位小数" in error.message


@pytest.mark.parametrize("field, lo, hi", [("useful_life_months", 0, 600), ("training_sessions", 0, 50),
                                           ("loan_days", 1, 365), ("maintenance_interval_days", 0, 3650)])
def test_integer_ranges(field, lo, hi):
    assert cell_error(field, lo) is None and cell_error(field, hi) is None and cell_error(field, float(hi)) is None
    for bad in (lo - 1, hi + 1):
        error = cell_error(field, bad)
        assert error.field == field and f"应为 {lo}–{hi} 之间的整数" in error.message, bad
    for bad in (12.5, "abc", True, "12.5"):
        error = cell_error(field, bad)
        assert error.field == field and error.message == f"{LABELS[field]}应为整数", bad


@pytest.mark.parametrize("value", [0, -3, "abc", 1.5, True, 2**31])
def test_maker_id_must_be_a_positive_int(value):
    assert cell_error("maker_id", value).field == "maker_id"


@pytest.mark.parametrize("value, expected", [("是", True), ("否", False), ("true", True), ("FALSE", False),
                                             ("True", True), ("1", True), ("0", False), (True, True), (False, False),
                                             (1, True), (0, False), (1.0, True)])
def test_booleans(value, expected):
    row = one("p.xlsx", xlsx([MINIMAL + ["可借用", "启用"], ["A", "轮椅", "12", 1, value, value]]))
    assert row.loanable is expected and row.active is expected


@pytest.mark.parametrize("value", ["可以", "yes", "2", 2, 0.5, "是的"])
def test_bad_booleans(value):
    error = cell_error("loanable", value)
    assert error.field == "loanable" and "是/否" in error.message


def test_every_bad_cell_of_a_row_is_reported_and_the_row_is_dropped():
    rows, errors = parse_products("p.csv", csv_bytes([ENGLISH, ["", "轮" * 101, "", "1.2", "", "ftp://x", "-1", "x",
                                                                "601", "51", "也许", "0", "3651", "x", "0"]]))
    assert rows == []
    assert [e.field for e in errors] == ["code", "name", "class_code", "image_url", "price_fen",
                                         "subsidy_standard_fen", "useful_life_months", "training_sessions",
                                         "loanable", "loan_days", "maintenance_interval_days", "active", "maker_id"]
    assert {e.row for e in errors} == {2}
    assert all(CHINESE_SHIPPED.search(e.message) for e in errors)


def test_error_dicts_match_the_api_shape():
    _, [error] = parse_products("p.csv", csv_bytes([MINIMAL, ["A", "", "12", "1"]]))
    assert error.as_dict() == {"row": 2, "field": "name", "message": "产品名称不能为空"}


# --- rows across the file ---

def test_empty_rows_are_skipped_and_numbers_stay_those_of_the_sheet():
    data = xlsx([MINIMAL, ["A", "轮椅", "12", 1], [None, None], [], ["  ", None, "", None], ["B", "", "12", 1]])
    rows, errors = parse_products("p.xlsx", data)
    assert [r.row for r in rows] == [2] and [(e.row, e.field) for e in errors] == [(6, "name")]
    rows, errors = parse_products("p.csv", csv_bytes([MINIMAL, [], ["A", "轮椅", "12", "1"], ["", "", "", ""],
                                                      ["B", "轮椅", "12", "1"]]))
    assert errors == [] and [r.row for r in rows] == [3, 5]


def test_a_duplicate_code_of_one_maker_is_an_error_on_the_later_row():
    rows, errors = parse_products("p.csv", csv_bytes([MINIMAL + ["maker_id"],
                                                      ["A", "轮椅", "12", "1", "1"],
                                                      ["A", "轮椅", "12", "1", "2"],   # another maker: fine
                                                      ["B", "轮椅", "12", "1", "1"],
                                                      ["A", "轮椅（新）", "12", "1", "1"]]))
    assert [(e.row, e.field) for e in errors] == [(5, "code")]
    assert "第 2 行" in errors[0].message
    assert [r.row for r in rows] == [2, 3, 4]


def test_a_duplicate_against_the_upload_s_maker():
    data = csv_bytes([MINIMAL + ["maker_id"], ["A", "轮椅", "12", "1", ""], ["A", "轮椅", "12", "1", "4"]])
    assert [(e.row, e.field) for e in parse_products("p.csv", data, maker_id=4)[1]] == [(3, "code")]
    assert parse_products("p.csv", data)[1] == []  # no default maker: None and 4 differ


def test_a_duplicate_of_a_row_that_has_other_errors_is_still_found():
    assert errors_of([MINIMAL, ["A", "", "12", "1"], ["A", "轮椅", "12", "1"]]) == [(2, "name"), (3, "code")]


def test_200_rows_with_3_bad_ones_report_exactly_those_and_fixed_give_200():
    def sheet(fixed: bool) -> bytes:
        rows = [CHINESE]  # rows[n] becomes sheet row n + 1
        for i in range(200):
            rows.append([f"WC-{i:03d}", f"手动轮椅 {i} 号", f"M{i}", "12.22.03", "钢制折叠", None,
                         1280 + i * 0.01, 1000, 60, 2, "是" if i % 2 else "否", 60, 180, "是", 7])
        if not fixed:
            rows[37][3] = "12.2"       # row 38: a class code that lost a zero
            rows[120][6] = "一千二"     # row 121: a price that is no number
            rows[199][0] = "WC-010"    # row 200: the code of row 12
        return xlsx(rows)

    rows, errors = parse_products("辅具目录.xlsx", sheet(fixed=False))
    assert [(e.row, e.field) for e in errors] == [(38, "class_code"), (121, "price_fen"), (200, "code")]
    assert "第 12 行" in errors[2].message
    assert len(rows) == 197
    rows, errors = parse_products("辅具目录.xlsx", sheet(fixed=True))
    assert errors == [] and len(rows) == 200
    assert rows[0].price_fen == 128000 and rows[199].price_fen == 128199 and rows[199].row == 201
    assert [r.loanable for r in rows[:2]] == [False, True]


def test_max_rows_exactly_is_fine_one_more_is_one_error():
    body = [[f"P{i}", "轮椅", "12", "1"] for i in range(3)]
    assert len(parse_products("p.csv", csv_bytes([MINIMAL] + body), max_rows=3)[0]) == 3
    rows, errors = parse_products("p.csv", csv_bytes([MINIMAL] + body + [["", "", "", ""], ["bad", "", "", ""]]),
                                  max_rows=3)
    assert rows == [] and errors == [RowError(0, "file", errors[0].message)] and "3 行" in errors[0].message


def test_the_default_limit_is_5000_rows():
    body = [[f"P{i}", "轮椅", "12", "1"] for i in range(5001)]
    assert len(parse_products("p.csv", csv_bytes([MINIMAL] + body[:5000]))[0]) == 5000
    _, errors = parse_products("p.csv", csv_bytes([MINIMAL] + body))
    assert [(e.row, e.field) for e in errors] == [(0, "file")]


def test_the_limit_applies_to_xlsx_too():
    _, errors = parse_products("p.xlsx", xlsx([MINIMAL] + [[f"P{i}", "轮椅", "12", 1] for i in range(11)]), max_rows=10)
    assert [(e.row, e.field) for e in errors] == [(0, "file")]


# --- unreadable files ---

@pytest.mark.parametrize("filename, data", [
    ("p.xlsx", b"not a workbook"),
    ("p.xlsx", csv_bytes([MINIMAL, ["A", "轮椅", "12", "1"]])),   # a csv named .xlsx
    ("p.xlsx", b"PK\x03\x04" + b"\x00" * 100),                   # a broken zip
    ("p.xlsx", b""),
    ("p.csv", xlsx([MINIMAL, ["A", "轮椅", "12", 1]])),           # a workbook named .csv
    ("p.csv", "编码,名称,分类代码,价格（分）\nA,轮椅,12,1\n".encode("gbk")),  # Excel's default Chinese CSV
    ("p.xls", b"\xd0\xcf\x11\xe0"),
    ("products", b"code,name"),
    ("p.txt", b"code,name"),
])
def test_an_unreadable_file_is_one_error_on_row_0(filename, data):
    rows, errors = parse_products(filename, data)
    assert rows == [] and len(errors) == 1
    assert (errors[0].row, errors[0].field) == (0, "file") and CHINESE_SHIPPED.search(errors[0].message)


def test_a_gbk_csv_gets_told_how_to_save_as_utf8():
    _, [error] = parse_products("p.csv", "编码,名称\n".encode("gbk"))
    assert "UTF-8" in error.message


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert [(e.row, e.field) for e in parse_products("p.xlsx", out.getvalue())[1]] == [(0, "file")]


def test_a_csv_with_a_field_too_large_for_csv_is_one_error():
    data = ("code,name,class_code,price_fen\nA,\"" + "轮" * 200_000 + "\",12,1\n").encode()
    assert [(e.row, e.field) for e in parse_products("p.csv", data)[1]] == [(0, "file")]
