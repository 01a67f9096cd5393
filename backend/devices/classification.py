"""ISO 9999 / GB/T 16432 classification of assistive products: codes, the shipped main classes, and
the parser behind `flask devices import-classes FILE.csv`.

A code has one to three levels of two ASCII digits: `12` (main class), `12.22` (subclass),
`12.22.03` (division). Only the 12 main classes ship with the product; the federation imports the
rest from its licensed copy of the standard, which is why the parser is strict and all-or-nothing.
"""
import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

# Read-only so no caller can rename a shipped class by accident at runtime.
MAIN_CLASSES: Mapping[str, str] = MappingProxyType({
    "04": "个人医疗",
    "05": "技能训练",
    "06": "矫形器和假肢",
    "09": "生活自理和防护",
    "12": "个人移动",
    "15": "家务",
    "18": "家具及适配件",
    "22": "沟通和信息",
    "24": "操作物品",
    "27": "环境改善",
    "28": "就业和职业训练",
    "30": "休闲娱乐",
})

MAX_NAME_LENGTH = 100

# [0-9], not \d: \d also matches full-width and other Unicode digits.
_CODE = re.compile(r"[0-9]{2}(?:\.[0-9]{2}){0,2}")
# What a spreadsheet program makes of a code it takes for a number: `04.06` → `4.06`, `12.20` → `12.2`.
_LOST_ZERO = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,2}){0,2}")


@dataclass(frozen=True)
class ClassRow:
    """One class to load: `parent` is None only for a main class."""
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class RowError:
    """A bad line of the CSV file; `line` is the physical line number (header = 1)."""
    line: int
    field: str  # "code", "name", "header" or "file"
    message: str


def is_valid_code(code: object) -> bool:
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def _checked(code: str) -> str:
    if not is_valid_code(code):
        raise ValueError(f"not a class code: {code!r}")
    return code


def parent_of(code: str) -> str | None:
    """`12.22.03` → `12.22`, `12.22` → `12`, `12` → None. ValueError for a malformed code."""
    head, _, _ = _checked(code).rpartition(".")
    return head or None


def main_class_of(code: str) -> str:
    """The two-digit main class a code belongs to (`12.22.03` → `12`); it need not be shipped."""
    return _checked(code)[:2]


def is_within(code: str, ancestor: str) -> bool:
    """True when `code` is `ancestor` or lies under it: `12.22.03` is within `12` and `12.22`.

    A plain prefix test would be wrong only for malformed codes, so both are checked first.
    """
    _checked(code)
    _checked(ancestor)
    return code == ancestor or code.startswith(ancestor + ".")


def bad_code_reason(code: str) -> str | None:
    """Why `code` is not a class code, as a zh-CN phrase to follow a label (None when it is one).

    A code typed into a spreadsheet column formatted as numbers loses its zeros (`04.06` → `4.06`,
    `12.20` → `12.2`); the phrase then says so, because that is nearly always what happened.
    """
    if is_valid_code(code):
        return None
    shown = code if len(code) <= 20 else code[:20] + "…"  # the message echoes input: keep it short
    if _LOST_ZERO.fullmatch(code):
        return (f"「{shown}」格式不正确：每级应为两位数字（如 04.06），"
                "可能是表格软件把它当作数字而丢失了 0，请将该列设为文本格式")
    return f"「{shown}」格式不正确：应为 NN、NN.NN 或 NN.NN.NN（每级两位数字）"


def parse_class_csv(text: str, known_codes: Collection[str] = ()) -> tuple[list[ClassRow], list[RowError]]:
    """Parse a `code,name` CSV (header row required; a leading BOM is ignored).

    Returns the rows to load, parents before children (file order within a level), and every
    error found, in line order. The caller must load nothing when any error is returned (the rows
    are still returned, e.g. to count them). A shipped main class may appear with its own name (it
    is then not returned: it is already there); with another name it is an error. A child's parent
    may be a main class, a code defined anywhere in the file (before or after it), or one of
    `known_codes` (classes loaded by an earlier import), so divisions can be added on their own.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    errors: list[RowError] = []
    candidates: list[tuple[int, str, str]] = []  # (line, code, name) of well-formed codes
    first_line: dict[str, int] = {}
    header: list[str] | None = None
    line = 1  # the physical line a record starts on (a quoted name may span lines)
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                if header != ["code", "name"]:
                    return [], [RowError(start, "header", "表头应为「code,name」两列（分类代码,名称）")]
                continue
            if len(cells) != 2:
                errors.append(RowError(start, "file", f"应有 2 列（code,name），实际为 {len(cells)} 列"))
                continue
            code, name = cells
            if not is_valid_code(code):
                errors.append(RowError(start, "code", f"分类代码{bad_code_reason(code)}"))
            elif code in first_line:
                errors.append(RowError(start, "code", f"分类代码「{code}」与第 {first_line[code]} 行重复"))
            else:
                first_line[code] = start
                candidates.append((start, code, name))
            if not name:
                errors.append(RowError(start, "name", "名称不能为空"))
            elif len(name) > MAX_NAME_LENGTH:
                errors.append(RowError(start, "name", f"名称不能超过 {MAX_NAME_LENGTH} 个字符"))
    except csv.Error as exc:  # e.g. an unterminated quote or an oversized field
        return [], [RowError(line, "file", f"CSV 格式错误：{exc}")]
    if header is None:
        return [], [RowError(1, "file", "文件为空：缺少表头「code,name」")]

    rows: list[ClassRow] = []
    # Well-formed codes of the file count as defined even if their line has another error: that
    # line is reported already, and failing its children too would only add noise.
    defined = set(first_line) | set(known_codes)
    for start, code, name in candidates:
        parent = parent_of(code)
        if parent is None:
            shipped = MAIN_CLASSES.get(code)
            if shipped is None:
                errors.append(RowError(start, "code", f"「{code}」不是产品内置的 12 个主类之一，不能新增主类"))
            elif name and name != shipped:
                errors.append(RowError(start, "name", f"主类 {code} 的名称为「{shipped}」，不能改为「{name}」"))
            continue  # a shipped main class is already loaded
        if parent not in MAIN_CLASSES and parent not in defined:
            errors.append(RowError(start, "code", f"上级分类「{parent}」不存在：既不是主类，也未在本文件或已导入的分类中定义"))
        rows.append(ClassRow(code, name, parent))
    errors.sort(key=lambda e: e.line)
    rows.sort(key=lambda r: r.code.count("."))  # stable: parents first, file order kept per level
    return rows, errors
