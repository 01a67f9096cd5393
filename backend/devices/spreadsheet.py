"""Parsing of a product list a federation admin uploads (`POST /admin/devices/products/import`).

The file is an `.xlsx` (first worksheet) or a UTF-8 `.csv` (BOM or not) whose row 1 names the
columns, in English (the Product field names) or in the Chinese the makers' own lists use. This
module only parses and checks each row on its own and against the rest of the file; whether a
class code exists and the upsert by (maker, code) are the caller's. All-or-nothing is the caller's
too: it must change nothing when any error comes back (rows are still returned so that it can add
its own errors, e.g. unknown class codes, in the same answer).
"""
import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .classification import bad_code_reason

MAX_FEN = 1_000_000_000  # 1000 万元: far above any device, and safely inside a 32-bit integer column
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class ProductRow:
    row: int  # the spreadsheet row it came from, for errors the caller finds later
    code: str
    name: str
    model: str
    class_code: str
    description: str
    image_url: str
    price_fen: int
    subsidy_standard_fen: int
    useful_life_months: int
    training_sessions: int
    loanable: bool
    loan_days: int
    maintenance_interval_days: int
    active: bool
    maker_id: int | None  # the column's value, else the `maker_id` given to parse_products


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row (header = 1); 0 for the file as a whole
    field: str  # a ProductRow field, "header" (a column that is no field) or "file"
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


# Header text → (field, given in yuan). Matching ignores case, spaces and full/half width, so
# 价格（元）, 价格(元) and "价格 (元)" are one header.
HEADER_ALIASES: Mapping[str, tuple[str, bool]] = MappingProxyType({
    **{field: (field, False) for field in (
        "code", "name", "model", "class_code", "description", "image_url", "price_fen",
        "subsidy_standard_fen", "useful_life_months", "training_sessions", "loanable", "loan_days",
        "maintenance_interval_days", "active", "maker_id")},
    "产品编码": ("code", False), "编码": ("code", False), "产品编号": ("code", False),
    "产品名称": ("name", False), "名称": ("name", False),
    "型号": ("model", False), "规格型号": ("model", False), "规格": ("model", False),
    "分类代码": ("class_code", False), "分类编码": ("class_code", False),
    "说明": ("description", False), "描述": ("description", False),
    "产品说明": ("description", False), "产品描述": ("description", False),
    "图片": ("image_url", False), "图片链接": ("image_url", False), "图片地址": ("image_url", False),
    "价格（分）": ("price_fen", False), "单价（分）": ("price_fen", False),
    "价格（元）": ("price_fen", True), "单价（元）": ("price_fen", True),
    "补贴标准（分）": ("subsidy_standard_fen", False), "补贴标准（元）": ("subsidy_standard_fen", True),
    "使用年限（月）": ("useful_life_months", False),
    "训练次数": ("training_sessions", False),
    "可借用": ("loanable", False), "是否可借用": ("loanable", False),
    "借用天数": ("loan_days", False),
    "保养周期（天）": ("maintenance_interval_days", False),
    "启用": ("active", False), "是否启用": ("active", False),
    "厂家ID": ("maker_id", False),
})

# Money without a unit would be a guess between 元 and 分, a hundredfold apart: ask instead.
_NEEDS_UNIT = {"价格": "价格（元）", "单价": "单价（元）", "补贴标准": "补贴标准（元）"}

LABELS: Mapping[str, str] = MappingProxyType({
    "code": "产品编码", "name": "产品名称", "model": "型号", "class_code": "分类代码",
    "description": "说明", "image_url": "图片链接", "price_fen": "价格", "subsidy_standard_fen": "补贴标准",
    "useful_life_months": "使用年限", "training_sessions": "训练次数", "loanable": "可借用",
    "loan_days": "借用天数", "maintenance_interval_days": "保养周期", "active": "启用", "maker_id": "厂家ID",
})
REQUIRED_FIELDS: tuple[str, ...] = ("code", "name", "class_code", "price_fen")


def _norm(header: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", header)).lower()


_LOOKUP = {_norm(text): column for text, column in HEADER_ALIASES.items()}
_NEEDS_UNIT_LOOKUP = {_norm(text): hint for text, hint in _NEEDS_UNIT.items()}


class _Invalid(ValueError):
    """A cell's problem, as a phrase that follows the field's Chinese label."""


class _FileError(ValueError):
    """The upload is not a readable .xlsx or UTF-8 .csv."""


# --- cell converters: a cell value as read (str from csv; int/float/str/bool/datetime from xlsx) ---

def _text(limit: int) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if isinstance(value, bool):
            raise _Invalid("应为文本")
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed as 10023 comes back from xlsx as 10023.0 or 10023
        if not isinstance(value, (str, int, float)):
            raise _Invalid("应为文本")
        text = str(value)
        if len(text) > limit:
            raise _Invalid(f"不能超过 {limit} 个字符")
        return text
    return convert


def _class_code(value: Any) -> str:
    code = _text(20)(value)
    if reason := bad_code_reason(code):
        raise _Invalid(reason)
    return code


def _url(value: Any) -> str:
    text = _text(500)(value)
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", text):
        raise _Invalid("应为 http:// 或 https:// 开头的链接")
    return text


_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
_YUAN_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)  # xlsx stores every number as a float: 12 may arrive as 12.0
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value)  # full-width digits typed with a Chinese IME
        if _INT_TEXT.fullmatch(text):
            return int(Decimal(text))
    raise _Invalid("应为整数")


def _int_range(lo: int, hi: int, phrase: str | None = None) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        number = _integer(value)
        if not lo <= number <= hi:
            raise _Invalid(phrase or f"应为 {lo}–{hi} 之间的整数")
        return number
    return convert


def _fen(number: int) -> int:
    if number < 0:
        raise _Invalid("不能为负数")
    if number > MAX_FEN:
        raise _Invalid("不能超过 1000 万元")
    return number


def _fen_cell(value: Any) -> int:
    try:
        return _fen(_integer(value))
    except _Invalid as exc:
        raise _Invalid(f"{exc}（单位：分）") from None


def _yuan(value: Any) -> int:
    """Yuan to fen exactly: through Decimal, never float arithmetic (0.29 × 100 ≠ 29 in floats)."""
    if isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    elif isinstance(value, float) and math.isfinite(value):
        # A typed 1280.5 reads back as exactly that (repr is the shortest text of the float); a
        # formula's result carries binary noise (=A2*1.1 caches 1408.5500000000002) that Excel hides:
        # that is 1408.55. A real third decimal (12.345) is far beyond the noise and stays an error.
        cents = round(value, 2)
        near = math.isclose(value, cents, rel_tol=1e-12, abs_tol=1e-9)
        amount = Decimal(repr(cents if near else value))
    elif isinstance(value, str) and _YUAN_TEXT.fullmatch(text := unicodedata.normalize("NFKC", value)):
        amount = Decimal(text)
    else:
        raise _Invalid("应为金额（元），如 1280 或 1280.50")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise _Invalid("最多保留两位小数（元）")
    return _fen(int(fen))


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).lower()
        if text in ("是", "true", "1"):
            return True
        if text in ("否", "false", "0"):
            return False
    raise _Invalid("应填 是/否（或 true/false、1/0）")


_REQUIRED = object()
# field → (converter, default when the column is absent or the cell empty). A money column given in
# yuan converts with _yuan instead.
_FIELDS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "code": (_text(40), _REQUIRED),
    "name": (_text(100), _REQUIRED),
    "model": (_text(100), ""),
    "class_code": (_class_code, _REQUIRED),
    "description": (_text(2000), ""),
    "image_url": (_url, ""),
    "price_fen": (_fen_cell, _REQUIRED),
    "subsidy_standard_fen": (_fen_cell, 0),
    "useful_life_months": (_int_range(0, 600), 0),
    "training_sessions": (_int_range(0, 50), 0),
    "loanable": (_boolean, False),
    "loan_days": (_int_range(1, 365), 60),
    "maintenance_interval_days": (_int_range(0, 3650), 0),
    "active": (_boolean, True),
    "maker_id": (_int_range(1, MAX_ID, "应为正整数"), None),
}


# --- reading: the rows as sequences of cell values, row 1 first, streamed (a file can be large) ---

def _xlsx_rows(data: bytes) -> Iterator[Sequence[Any]]:
    # openpyxl reports a damaged or foreign file with many exception types (BadZipFile, KeyError,
    # InvalidFileException, XML parse errors, ValueError...): any failure to read is "not a workbook".
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _FileError("无法读取 Excel 文件：请上传 .xlsx 格式（不支持旧版 .xls）") from exc
    try:
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the sheet's recorded size, which some programs write wrongly (too
        # small cuts rows off, too large pads millions of empty cells): read what is really there.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:
        raise _FileError("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = data.decode("utf-8-sig")  # drops the BOM Excel writes for "CSV UTF-8"
    except UnicodeDecodeError as exc:
        raise _FileError("CSV 文件应为 UTF-8 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」") from exc
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise _FileError(f"CSV 格式错误：{exc}") from exc


def _rows(filename: str, data: bytes) -> Iterator[Sequence[Any]]:
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension == "xlsx":
        return _xlsx_rows(data)
    if extension == "csv":
        return _csv_rows(data)
    raise _FileError("只支持 .xlsx 或 .csv 文件")


def _clean(value: Any) -> Any:
    """Trimmed text, with an empty cell as None whatever the format wrote for it."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# --- checking ---

def _header(cells: Sequence[Any]) -> tuple[list[tuple[str, bool] | None], list[RowError]]:
    """The field (and whether in yuan) of each column; None for a blank or unknown header."""
    columns: list[tuple[str, bool] | None] = []
    errors: list[RowError] = []
    first: dict[str, str] = {}  # field → letter of the column that named it first
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        letter = get_column_letter(index + 1)
        column = _LOOKUP.get(_norm(text)) if text else None
        columns.append(column)
        if not text:
            continue  # a blank header is fine as long as its column is empty (checked later)
        if column is None:
            hint = _NEEDS_UNIT_LOOKUP.get(_norm(text))
            shown = text if len(text) <= 30 else text[:30] + "…"
            errors.append(RowError(1, "header", f"第 {letter} 列表头「{shown}」无法识别" + (
                f"：请注明单位，如「{hint}」" if hint else "")))
        elif column[0] in first:
            errors.append(RowError(1, column[0], f"第 {letter} 列「{text}」与第 {first[column[0]]} 列重复"
                                                 f"（都是{LABELS[column[0]]}）"))
        else:
            first[column[0]] = letter
    for field in REQUIRED_FIELDS:
        if field not in first:
            names = "、".join(text for text, column in HEADER_ALIASES.items() if column[0] == field)
            errors.append(RowError(1, field, f"缺少必填列「{LABELS[field]}」（表头可写作：{names}）"))
    return columns, errors


class _TooMany(Exception):
    pass


def _read(filename: str, data: bytes, max_rows: int) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header's cells and the numbered non-empty rows; _FileError, or _TooMany past max_rows."""
    with closing(_rows(filename, data)) as rows:
        header = [_clean(v) for v in next(rows, ())]
        body: list[tuple[int, list[Any]]] = []
        for number, cells in enumerate(rows, start=2):
            values = [_clean(v) for v in cells]
            if any(v is not None for v in values):
                if len(body) == max_rows:
                    raise _TooMany  # stop reading: the rest of the file is not needed
                body.append((number, values))
    return header, body


def _check_row(number: int, cells: list[Any], columns: list[tuple[str, bool] | None],
               maker_id: int | None) -> tuple[dict[str, Any], list[RowError]]:
    """The converted values of a row's fields that are fine, and the errors of the others."""
    given = {column[0]: (column[1], cells[index]) for index, column in enumerate(columns)
             if column is not None and index < len(cells)}
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for field, (convert, default) in _FIELDS.items():
        in_yuan, value = given.get(field, (False, None))
        if value is None:
            if default is _REQUIRED:
                errors.append(RowError(number, field, f"{LABELS[field]}不能为空"))
            else:
                values[field] = maker_id if field == "maker_id" else default
            continue
        try:
            values[field] = (_yuan if in_yuan else convert)(value)
        except _Invalid as exc:
            errors.append(RowError(number, field, f"{LABELS[field]}{exc}"))
    return values, errors


def parse_products(filename: str, data: bytes, *, max_rows: int = 5000,
                   maker_id: int | None = None) -> tuple[list[ProductRow], list[RowError]]:
    """Products of an uploaded file, and every error found, in row order.

    `filename` chooses the format by its extension. `maker_id` is the maker of rows whose
    `maker_id` column is absent or empty. Empty rows are skipped. An unreadable file, or more than
    `max_rows` data rows, is one error on row 0. With header errors the rows are not checked (each
    would only repeat them). A repeated (maker_id, code) is an error on the later row.
    """
    try:
        header, body = _read(filename, data, max_rows)
    except _FileError as exc:
        return [], [RowError(0, "file", str(exc))]
    except _TooMany:
        return [], [RowError(0, "file", f"一次最多导入 {max_rows} 行产品，请拆分文件后分批导入")]
    if all(v is None for v in header):
        if not body:
            return [], [RowError(0, "file", "文件是空的")]
        return [], [RowError(1, "header", "第 1 行应为表头（各列的字段名称）")]

    columns, errors = _header(header)
    # Data under a blank header, or right of the last header, would otherwise be dropped silently.
    orphans = sorted({index for _, cells in body for index, value in enumerate(cells)
                      if value is not None and (index >= len(header) or header[index] is None)})
    errors += [RowError(1, "header", f"第 {get_column_letter(i + 1)} 列有数据但没有表头") for i in orphans]
    if errors:
        return [], errors

    rows: list[ProductRow] = []
    first_row: dict[tuple[int | None, str], int] = {}
    for number, cells in body:
        values, row_errors = _check_row(number, cells, columns, maker_id)
        if "code" in values and "maker_id" in values:
            key = (values["maker_id"], values["code"])
            if key in first_row:
                row_errors.append(RowError(number, "code", f"产品编码「{values['code']}」与第 {first_row[key]} 行重复"
                                                           "（同一厂家的产品编码不能重复）"))
            else:
                first_row[key] = number
        errors += row_errors
        if not row_errors:
            rows.append(ProductRow(row=number, **values))
    return rows, errors
