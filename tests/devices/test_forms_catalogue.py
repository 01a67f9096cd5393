"""The shipped assessment forms: one per domain, valid, stable keys, Chinese text, real content."""
import re

import pytest

from backend.devices.answers import validate_answers, validate_form_definition
from backend.devices.forms_catalogue import DOMAINS, get_form, shipped_forms

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FORMS = shipped_forms()


def keys(domain: str) -> set[str]:
    return {q["key"] for q in get_form(domain)["questions"]}


def test_one_form_per_domain_in_order():
    assert DOMAINS == ("vision", "hearing", "upper_limb", "lower_limb", "mobility", "communication", "daily_living")
    assert [f["domain"] for f in FORMS] == list(DOMAINS)
    assert all(f["version"] == 1 for f in FORMS)


@pytest.mark.parametrize("form", FORMS, ids=DOMAINS)
def test_every_shipped_form_passes_the_publishing_check(form):
    assert validate_form_definition(form) == {}


@pytest.mark.parametrize("form", FORMS, ids=DOMAINS)
def test_shape_and_language(form):
    assert set(form) == {"domain", "version", "title", "questions"}
    assert CHINESE.search(form["title"])
    assert 8 <= len(form["questions"]) <= 15
    assert any(q["required"] for q in form["questions"])
    for q in form["questions"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", q["key"])
        assert CHINESE.search(q["text"]), q
        assert not re.search(r"TODO|TBD|xxx|placeholder|示例问题|问题\d", q["text"], re.I)
        if q["type"] in ("single", "multi"):
            assert all(CHINESE.search(c) for c in q["choices"]), q  # choices are Chinese labels
        else:
            assert "choices" not in q
        if q["type"] == "number":
            assert q["min"] <= q["max"]


@pytest.mark.parametrize("form", FORMS, ids=DOMAINS)
def test_a_form_answered_with_its_first_choices_and_smallest_numbers_is_valid(form):
    samples = {"single": lambda q: q["choices"][0], "multi": lambda q: q["choices"][:1],
               "text": lambda q: "已使用三年，状况良好", "number": lambda q: q["min"], "bool": lambda q: True}
    answers = {q["key"]: samples[q["type"]](q) for q in form["questions"]}
    assert validate_answers(form["questions"], answers) == {}


@pytest.mark.parametrize("form", FORMS, ids=DOMAINS)
def test_leaving_everything_out_lists_exactly_the_required_questions(form):
    errors = validate_answers(form["questions"], {})
    assert set(errors) == {f"answers.{q['key']}" for q in form["questions"] if q["required"]}


def test_the_mobility_form_asks_what_a_wheelchair_fitting_needs():
    form = get_form("mobility")
    by_key = {q["key"]: q for q in form["questions"]}
    assert {"walking", "standing_balance", "transfer", "hip_width", "seat_depth", "environment",
            "propulsion", "body_weight", "current_devices", "pressure_risk"} <= set(by_key)
    for key in ("hip_width", "seat_depth"):
        assert by_key[key]["type"] == "number" and by_key[key]["unit"] == "cm" and by_key[key]["required"]
    assert by_key["body_weight"]["unit"] == "kg"
    assert {"室内", "室外平路", "楼梯", "坡道"} <= set(by_key["environment"]["choices"])
    assert by_key["environment"]["type"] == "multi"


def test_the_hearing_form_records_each_ear_history_recognition_and_use():
    assert {"loss_right", "loss_left", "hearing_aid_history", "speech_recognition", "scenarios"} <= keys("hearing")


def test_the_vision_form_covers_acuity_field_light_reading_braille_and_travel():
    assert {"va_right", "va_left", "visual_field_radius", "light_perception", "reading_needs", "braille",
            "travel"} <= keys("vision")


def test_the_limb_forms_cover_amputation_level_and_joint_function():
    assert {"affected_side", "limb_loss_level", "grasp", "muscle_tone"} <= keys("upper_limb")
    assert {"affected_side", "limb_loss_level", "ankle_foot", "walking", "body_weight"} <= keys("lower_limb")


def test_the_daily_living_form_follows_the_barthel_items():
    assert {"eating", "grooming", "bathing", "dressing", "toileting", "continence", "bed_chair_transfer",
            "stairs", "barthel_score"} <= keys("daily_living")


def test_the_communication_form_covers_methods_understanding_and_access():
    assert {"methods", "intelligibility", "comprehension", "literacy", "access"} <= keys("communication")


def test_get_form_returns_a_copy():
    form = get_form("mobility")
    form["questions"][0]["choices"].append("改动")
    form["title"] = "改动"
    assert "改动" not in get_form("mobility")["questions"][0]["choices"]
    assert get_form("mobility")["title"] != "改动"


def test_an_unknown_domain_is_a_key_error():
    with pytest.raises(KeyError):
        get_form("cognition")
