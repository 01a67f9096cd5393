"""Answers against a form, free measurements, and the check of a form an admin publishes."""
import copy
import math

import pytest

from backend.devices.answers import (
    MAX_MEASUREMENTS, MAX_TEXT_LENGTH, is_number, validate_answers, validate_form_definition,
    validate_measurements,
)

QUESTIONS = [
    {"key": "walking", "text": "步行能力", "type": "single", "choices": ["独立步行", "需助行器", "不能步行"],
     "required": True},
    {"key": "environment", "text": "使用环境", "type": "multi", "choices": ["室内", "室外平路", "楼梯", "坡道"],
     "required": True},
    {"key": "current_devices", "text": "现用辅具及其状况", "type": "text", "required": False},
    {"key": "seat_depth", "text": "座深", "type": "number", "unit": "cm", "min": 20, "max": 70, "required": True},
    {"key": "daily_hours", "text": "每日坐轮椅时长", "type": "number", "unit": "小时", "min": 0, "max": 24,
     "required": False},
    {"key": "pressure_sore", "text": "是否已有压疮", "type": "bool", "required": True},
    {"key": "goals", "text": "期望目标", "type": "text", "required": True},
]
GOOD = {"walking": "需助行器", "environment": ["室内", "坡道"], "current_devices": "旧轮椅，刹车失灵",
        "seat_depth": 42.5, "daily_hours": 6, "pressure_sore": False, "goals": "能自己去社区活动中心"}


def check(**changes):
    answers = {**GOOD, **changes}
    return validate_answers(QUESTIONS, {k: v for k, v in answers.items() if v is not ...})


def test_good_answers_have_no_errors():
    assert validate_answers(QUESTIONS, GOOD) == {}


def test_optional_questions_may_be_left_out_or_null():
    assert check(current_devices=..., daily_hours=...) == {}
    assert check(current_devices=None, daily_hours=None) == {}


def test_an_unknown_key():
    assert check(shoe_size=40) == {"answers.shoe_size": ["表单中没有这个问题"]}


def test_answers_must_be_an_object():
    assert validate_answers(QUESTIONS, ["独立步行"]) == {"answers": ["应为对象：问题 key → 回答"]}  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["walking", "environment", "seat_depth", "pressure_sore", "goals"])
@pytest.mark.parametrize("missing", [..., None])
def test_a_missing_required_answer(key, missing):
    assert check(**{key: missing}) == {f"answers.{key}": ["此项为必填"]}


@pytest.mark.parametrize("key, blank", [("goals", ""), ("goals", "   "), ("environment", [])])
def test_blank_text_and_an_empty_list_do_not_answer_a_required_question(key, blank):
    assert check(**{key: blank}) == {f"answers.{key}": ["此项为必填"]}


def test_blank_optional_text_is_accepted():
    assert check(current_devices="") == {}


# single
@pytest.mark.parametrize("value", [1, True, ["独立步行"], {"v": "独立步行"}])
def test_single_wrong_type(value):
    assert check(walking=value) == {"answers.walking": ["应为给定选项之一"]}


def test_single_not_among_choices():
    assert check(walking="会跑") == {"answers.walking": ["「会跑」不是可选项"]}
    assert check(walking="独立步行 ")["answers.walking"]  # exact labels only


# multi
@pytest.mark.parametrize("value", ["室内", 1, {"室内": True}, ("室内",)])
def test_multi_not_a_list(value):
    assert check(environment=value) == {"answers.environment": ["应为选项列表"]}


def test_multi_duplicates():
    assert check(environment=["室内", "坡道", "室内"]) == {"answers.environment": ["「室内」重复选择"]}


def test_multi_values_not_among_choices_each_named_once():
    errors = check(environment=["室内", "太空", 3, "太空"])
    assert errors == {"answers.environment": ["「太空」不是可选项", "「3」不是可选项"]}


# text
@pytest.mark.parametrize("value", [12, True, ["旧轮椅"]])
def test_text_wrong_type(value):
    assert check(current_devices=value) == {"answers.current_devices": ["应为文本"]}


def test_text_length_limit():
    assert check(current_devices="轮" * MAX_TEXT_LENGTH) == {}
    assert check(current_devices="轮" * (MAX_TEXT_LENGTH + 1)) == {
        "answers.current_devices": ["不能超过 2000 个字符"]}


# number
@pytest.mark.parametrize("value", ["42", "42.5", True, False, [42], math.nan, math.inf, -math.inf])
def test_number_wrong_type(value):
    assert check(seat_depth=value) == {"answers.seat_depth": ["应为数字"]}


@pytest.mark.parametrize("value", [20, 70, 20.0, 45.5])
def test_number_within_range_inclusive(value):
    assert check(seat_depth=value) == {}


def test_number_below_min_and_above_max():
    assert check(seat_depth=19.9) == {"answers.seat_depth": ["不能小于 20cm"]}
    assert check(seat_depth=71) == {"answers.seat_depth": ["不能大于 70cm"]}
    assert check(daily_hours=25) == {"answers.daily_hours": ["不能大于 24小时"]}


def test_number_without_bounds_takes_any_finite_number():
    questions = [{"key": "n", "text": "数值", "type": "number", "required": True}]
    assert validate_answers(questions, {"n": -10**30}) == {}
    assert validate_answers(questions, {"n": 10**400}) == {}  # too big for a float, still an int


# bool
@pytest.mark.parametrize("value", [0, 1, "true", "是", None])
def test_bool_wrong_type(value):
    expected = ["此项为必填"] if value is None else ["应为是或否（true 或 false）"]
    assert check(pressure_sore=value) == {"answers.pressure_sore": expected}


def test_every_problem_of_one_submission_at_once():
    errors = validate_answers(QUESTIONS, {"walking": "会跑", "environment": "室内", "current_devices": 5,
                                          "seat_depth": "40", "daily_hours": 30, "pressure_sore": 1,
                                          "extra": "x"})
    assert set(errors) == {"answers.walking", "answers.environment", "answers.current_devices",
                           "answers.seat_depth", "answers.daily_hours", "answers.pressure_sore",
                           "answers.extra", "answers.goals"}
    assert all(isinstance(m, str) for ms in errors.values() for m in ms)


def test_a_long_bad_value_is_cut_short_in_the_message():
    [message] = check(walking="很" * 500)["answers.walking"]
    assert len(message) < 40


def test_an_unknown_question_type_in_a_definition_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_answers([{"key": "x", "text": "图", "type": "image", "required": False}], {"x": "a"})


def test_is_number():
    assert is_number(1) and is_number(1.5) and is_number(-0.0)
    assert not any(is_number(v) for v in (True, "1", None, math.nan, math.inf, [1]))


# --- measurements ---

def test_good_measurements():
    assert validate_measurements({"hip_width": 38, "seat_depth_cm": 42.5, "a": 0, "x_1": -3}) == {}
    assert validate_measurements({}) == {}


@pytest.mark.parametrize("name", ["", "Hip", "hip-width", "座深", "hip width", "a" * 41, "ｈｉｐ"])
def test_bad_measurement_names(name):
    assert validate_measurements({name: 1}) == {f"measurements.{name}": ["名称应为 1–40 个小写英文字母、数字或下划线"]}


def test_a_forty_character_name_is_fine():
    assert validate_measurements({"a" * 40: 1}) == {}


@pytest.mark.parametrize("value", ["38", True, None, math.nan, math.inf, [38], {"v": 38}])
def test_bad_measurement_values(value):
    assert validate_measurements({"hip_width": value}) == {"measurements.hip_width": ["应为数字"]}


def test_a_bad_name_and_value_together():
    assert validate_measurements({"Hip": "x"}) == {"measurements.Hip": ["名称应为 1–40 个小写英文字母、数字或下划线",
                                                                      "应为数字"]}


def test_at_most_fifty_measurements():
    assert validate_measurements({f"m{i}": i for i in range(MAX_MEASUREMENTS)}) == {}
    assert validate_measurements({f"m{i}": i for i in range(MAX_MEASUREMENTS + 1)}) == {
        "measurements": ["最多 50 项测量值"]}


def test_measurements_must_be_an_object():
    assert validate_measurements([("hip_width", 38)]) == {"measurements": ["应为对象：名称 → 数值"]}  # type: ignore[arg-type]


# --- form definitions ---

FORM = {"domain": "mobility", "title": "移动与坐姿评估", "questions": copy.deepcopy(QUESTIONS)}


def form_with(question_changes: dict | None = None, index: int = 0, **form_changes):
    form = copy.deepcopy(FORM)
    form.update(form_changes)
    if question_changes:
        form["questions"][index].update(question_changes)
        form["questions"][index] = {k: v for k, v in form["questions"][index].items() if v is not ...}
    return validate_form_definition({k: v for k, v in form.items() if v is not ...})


def test_a_good_definition():
    assert form_with() == {}
    assert form_with(version=2) == {}


def test_the_form_must_be_an_object():
    assert validate_form_definition([]) == {"form": ["应为对象"]}  # type: ignore[arg-type]


def test_unknown_form_fields():
    assert form_with(id=3) == {"id": ["不支持的字段"]}


@pytest.mark.parametrize("domain", ["cognition", "", None, ...])
def test_unknown_domain(domain):
    assert list(form_with(domain=domain)) == ["domain"]


@pytest.mark.parametrize("version", [0, -1, "2", True, 1.5])
def test_bad_version(version):
    assert list(form_with(version=version)) == ["version"]


@pytest.mark.parametrize("title, message", [
    ("", "不能为空"), ("   ", "不能为空"), (None, "不能为空"), (..., "不能为空"), (7, "不能为空"),
    ("Mobility assessment", "应为中文"), ("评" * 101, "不能超过 100 个字符"),
])
def test_bad_title(title, message):
    assert form_with(title=title) == {"title": [message]}


@pytest.mark.parametrize("questions", [[], None, "q", [{}] * 0, ..., [QUESTIONS[0]] * 101])
def test_questions_must_be_a_non_empty_list_of_at_most_100(questions):
    assert list(form_with(questions=questions)) == ["questions"]


def test_a_question_that_is_not_an_object():
    assert form_with(questions=[QUESTIONS[0], "步行"]) == {"questions.1": ["应为对象"]}


@pytest.mark.parametrize("key", ["Walking", "walking-ability", "1walking", "_walking", "walking_", "walking__x",
                                 "步行", "", None, 3, "a" * 41])
def test_question_keys_must_be_snake_case(key):
    assert list(form_with({"key": key})) == ["questions.0.key"]


def test_question_keys_must_be_unique():
    errors = form_with({"key": "walking"}, index=3)
    assert errors == {"questions.3.key": ["与第 1 题的 key 重复"]}


def test_unknown_question_fields():
    assert form_with({"hint": "提示"}) == {"questions.0.hint": ["不支持的字段"]}


@pytest.mark.parametrize("text, message", [
    ("", "不能为空"), (" ", "不能为空"), (..., "不能为空"), (None, "不能为空"),
    ("Walking ability", "应为中文"), ("步" * 201, "不能超过 200 个字符"),
])
def test_question_text_must_be_non_empty_chinese(text, message):
    assert form_with({"text": text}) == {"questions.0.text": [message]}


@pytest.mark.parametrize("kind", ["choice", "date", "", None, ...])
def test_unknown_question_type(kind):
    assert list(form_with({"type": kind})) == ["questions.0.type"]


@pytest.mark.parametrize("required", [..., None, 1, "true"])
def test_required_must_be_a_bool(required):
    assert form_with({"required": required}) == {"questions.0.required": ["应为 true 或 false"]}


@pytest.mark.parametrize("index", [0, 1])  # single and multi
@pytest.mark.parametrize("choices", [..., None, "独立步行", [], ["独立步行"], ["独立步行", ""], ["独立步行", 3],
                                     ["独立步行", "  "], [f"选项{i}" for i in range(51)], ["独立步行", "长" * 101]])
def test_single_and_multi_need_proper_choices(index, choices):
    assert list(form_with({"choices": choices}, index=index)) == [f"questions.{index}.choices"]


def test_choices_must_be_distinct():
    assert form_with({"choices": ["室内", "室内"]}, index=1) == {"questions.1.choices": ["选项不能重复"]}


@pytest.mark.parametrize("index", [2, 3, 5])  # text, number, bool
def test_only_single_and_multi_have_choices(index):
    assert form_with({"choices": ["是", "否"]}, index=index) == {
        f"questions.{index}.choices": ["只有单选、多选题可以有选项"]}


@pytest.mark.parametrize("field, value", [("unit", "cm"), ("min", 0), ("max", 1)])
def test_only_numbers_have_unit_min_max(field, value):
    assert form_with({field: value}, index=5) == {f"questions.5.{field}": ["只有数字题可以设置"]}


@pytest.mark.parametrize("field", ["min", "max"])
@pytest.mark.parametrize("value", ["0", True, math.nan, None])
def test_bounds_must_be_numbers(field, value):
    assert form_with({field: value}, index=3) == {f"questions.3.{field}": ["应为数字"]}


def test_min_must_not_exceed_max():
    assert form_with({"min": 80, "max": 70}, index=3) == {"questions.3.max": ["最大值不能小于最小值"]}
    assert form_with({"min": 70, "max": 70}, index=3) == {}
    assert form_with({"min": ..., "max": ...}, index=3) == {}


@pytest.mark.parametrize("unit", ["", "  ", 5, "单" * 21])
def test_bad_unit(unit):
    assert list(form_with({"unit": unit}, index=3)) == ["questions.3.unit"]


def test_a_question_without_unit_is_fine():
    assert form_with({"unit": ...}, index=3) == {}


def test_several_problems_are_reported_per_question_and_field():
    errors = form_with(questions=[
        {"key": "Bad", "text": "", "type": "single", "choices": [], "required": "yes"},
        {"key": "ok", "text": "数值", "type": "number", "min": 5, "max": 1, "required": False},
    ])
    assert set(errors) == {"questions.0.key", "questions.0.text", "questions.0.choices", "questions.0.required",
                           "questions.1.max"}
