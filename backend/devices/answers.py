"""Checks of assessment data against its form, and of a form an admin publishes.

Every function returns field errors the way API.md's 422 `fields` wants them: a dict of
field path → list of zh-CN messages, empty when the input is valid. Paths: `answers.<key>`,
`measurements.<name>`, and for a form `domain`, `title`, `questions`, `questions.<i>` and
`questions.<i>.<field>` (`i` counts from 0, like the JSON array; the messages count from 1).

Types are strict on purpose: answers are stored as given and read back by reports, so `"12"` is
not a number and `1` is not a yes. None means "not answered".
"""
import math
import re
from typing import Any

from .forms_catalogue import DOMAINS

QUESTION_TYPES: tuple[str, ...] = ("single", "multi", "text", "number", "bool")
MAX_TEXT_LENGTH = 2000
MAX_MEASUREMENTS = 50

MAX_QUESTIONS = 100
MAX_QUESTION_TEXT = 200
MAX_TITLE = 100
MAX_CHOICES = 50
MAX_CHOICE_LENGTH = 100
MAX_UNIT_LENGTH = 20

_FORM_FIELDS = {"domain", "version", "title", "questions"}
_QUESTION_FIELDS = {"key", "text", "type", "choices", "required", "unit", "min", "max"}
_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")  # snake_case, ASCII only
MAX_KEY_LENGTH = 40
_MEASUREMENT_NAME = re.compile(r"[a-z0-9_]{1,40}")
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # CJK ideographs (basic + extension A)

Errors = dict[str, list[str]]


def is_number(value: Any) -> bool:
    """An int or a finite float; bool is not a number (True == 1 in Python, not in a form)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _show(value: Any, limit: int = 20) -> str:
    """A value as quoted in a message, cut short: messages echo input, input can be long."""
    text = str(value)
    return f"「{text[:limit]}…」" if len(text) > limit else f"「{text}」"


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _check_answer(question: dict, value: Any) -> list[str]:
    kind = question["type"]
    if kind == "single":
        if not isinstance(value, str):
            return ["应为给定选项之一"]
        return [] if value in question["choices"] else [f"{_show(value)}不是可选项"]
    if kind == "multi":
        if not isinstance(value, list):
            return ["应为选项列表"]
        messages: list[str] = []
        seen: list[Any] = []
        for item in value:
            if not isinstance(item, str) or item not in question["choices"]:
                message = f"{_show(item)}不是可选项"
            elif item in seen:
                message = f"{_show(item)}重复选择"
            else:
                seen.append(item)
                continue
            if message not in messages:
                messages.append(message)
        return messages
    if kind == "text":
        if not isinstance(value, str):
            return ["应为文本"]
        return [] if len(value) <= MAX_TEXT_LENGTH else [f"不能超过 {MAX_TEXT_LENGTH} 个字符"]
    if kind == "number":
        if not is_number(value):
            return ["应为数字"]
        unit = question.get("unit") or ""
        if "min" in question and value < question["min"]:
            return [f"不能小于 {_fmt(question['min'])}{unit}"]
        if "max" in question and value > question["max"]:
            return [f"不能大于 {_fmt(question['max'])}{unit}"]
        return []
    if kind == "bool":
        return [] if isinstance(value, bool) else ["应为是或否（true 或 false）"]
    # Definitions are checked when they are published, so this is a programming error.
    raise ValueError(f"unknown question type {kind!r}")


def validate_answers(questions: list[dict], answers: dict) -> Errors:
    """Answers (`{question_key: value}`) against a form's questions.

    Errors: a key the form does not have, a value of the wrong type or outside the choices or
    the range, and a required question left out (None, blank text or an empty list).
    """
    if not isinstance(answers, dict):
        return {"answers": ["应为对象：问题 key → 回答"]}
    by_key = {question["key"]: question for question in questions}
    errors: Errors = {}
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            errors[f"answers.{key}"] = ["表单中没有这个问题"]
        elif value is not None and (messages := _check_answer(question, value)):
            errors[f"answers.{key}"] = messages
    for question in questions:
        path = f"answers.{question['key']}"
        if question.get("required") and path not in errors and _blank(answers.get(question["key"])):
            errors[path] = ["此项为必填"]
    return errors


def validate_measurements(measurements: dict) -> Errors:
    """Free measurements (`{name: number}`): at most 50, names `[a-z0-9_]{1,40}`, finite numbers."""
    if not isinstance(measurements, dict):
        return {"measurements": ["应为对象：名称 → 数值"]}
    if len(measurements) > MAX_MEASUREMENTS:
        return {"measurements": [f"最多 {MAX_MEASUREMENTS} 项测量值"]}
    errors: Errors = {}
    for name, value in measurements.items():
        messages = []
        if not isinstance(name, str) or not _MEASUREMENT_NAME.fullmatch(name):
            messages.append("名称应为 1–40 个小写英文字母、数字或下划线")
        if not is_number(value):
            messages.append("应为数字")
        if messages:
            errors[f"measurements.{name}"] = messages
    return errors


def _check_text(value: Any, limit: int) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return ["不能为空"]
    if not _CHINESE.search(value):
        return ["应为中文"]
    return [] if len(value) <= limit else [f"不能超过 {limit} 个字符"]


def _check_question(question: dict, number: int, first_at: dict[str, int]) -> dict[str, list[str]]:
    """Errors of one question by its field; `first_at` maps keys seen so far to their index."""
    errors: dict[str, list[str]] = {field: ["不支持的字段"] for field in question if field not in _QUESTION_FIELDS}
    key = question.get("key")
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        errors["key"] = [f"应为 1–{MAX_KEY_LENGTH} 个字符的 snake_case 英文（如 walking_ability）"]
    elif key in first_at:
        errors["key"] = [f"与第 {first_at[key] + 1} 题的 key 重复"]
    else:
        first_at[key] = number
    if messages := _check_text(question.get("text"), MAX_QUESTION_TEXT):
        errors["text"] = messages
    if not isinstance(question.get("required"), bool):
        errors["required"] = ["应为 true 或 false"]
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        errors["type"] = ["应为 single、multi、text、number 或 bool"]
        return errors

    choices = question.get("choices")
    if kind in ("single", "multi"):
        if (not isinstance(choices, list) or not 2 <= len(choices) <= MAX_CHOICES
                or not all(isinstance(c, str) and c.strip() and len(c) <= MAX_CHOICE_LENGTH for c in choices)):
            errors["choices"] = [f"单选、多选题应有 2–{MAX_CHOICES} 个非空选项，每项不超过 {MAX_CHOICE_LENGTH} 个字符"]
        elif len(set(choices)) != len(choices):
            errors["choices"] = ["选项不能重复"]
    elif "choices" in question:
        errors["choices"] = ["只有单选、多选题可以有选项"]

    for field in ("unit", "min", "max"):
        if field in question and kind != "number":
            errors[field] = ["只有数字题可以设置"]
    if kind == "number":
        unit = question.get("unit")
        if unit is not None and (not isinstance(unit, str) or not unit.strip() or len(unit) > MAX_UNIT_LENGTH):
            errors["unit"] = [f"单位应为 1–{MAX_UNIT_LENGTH} 个字符"]
        for field in ("min", "max"):
            if field in question and not is_number(question[field]):
                errors[field] = ["应为数字"]
        lo, hi = question.get("min"), question.get("max")
        if "min" not in errors and "max" not in errors and lo is not None and hi is not None and lo > hi:
            errors["max"] = ["最大值不能小于最小值"]
    return errors


def validate_form_definition(form: dict) -> Errors:
    """A form an admin publishes: `{domain, title, questions, version?}` (the server numbers versions)."""
    if not isinstance(form, dict):
        return {"form": ["应为对象"]}
    errors: Errors = {field: ["不支持的字段"] for field in form if field not in _FORM_FIELDS}
    if form.get("domain") not in DOMAINS:
        errors["domain"] = [f"应为以下之一：{'、'.join(DOMAINS)}"]
    version = form.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        errors["version"] = ["应为正整数"]
    if messages := _check_text(form.get("title"), MAX_TITLE):
        errors["title"] = messages
    questions = form.get("questions")
    if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        errors["questions"] = [f"应为 1–{MAX_QUESTIONS} 道题的列表"]
        return errors
    first_at: dict[str, int] = {}
    for number, question in enumerate(questions):
        if not isinstance(question, dict):
            errors[f"questions.{number}"] = ["应为对象"]
            continue
        for field, messages in _check_question(question, number, first_at).items():
            errors[f"questions.{number}.{field}"] = messages
    return errors
