"""ISO 9999 / GB/T 16432 codes and the `import-classes` CSV parser: every error class, all-or-nothing."""
import pytest

from backend.devices.classification import (
    MAIN_CLASSES, ClassRow, RowError, bad_code_reason, is_valid_code, is_within, main_class_of,
    parent_of, parse_class_csv,
)

SHIPPED = {
    "04": "个人医疗", "05": "技能训练", "06": "矫形器和假肢", "09": "生活自理和防护", "12": "个人移动",
    "15": "家务", "18": "家具及适配件", "22": "沟通和信息", "24": "操作物品", "27": "环境改善",
    "28": "就业和职业训练", "30": "休闲娱乐",
}


def parse(*lines: str, known=()):
    return parse_class_csv("\n".join(lines) + "\n", known)


def test_the_twelve_main_classes_ship_exactly():
    assert dict(MAIN_CLASSES) == SHIPPED
    assert list(MAIN_CLASSES) == sorted(SHIPPED)


def test_main_classes_cannot_be_changed_at_runtime():
    with pytest.raises(TypeError):
        MAIN_CLASSES["99"] = "其他"  # type: ignore[index]


@pytest.mark.parametrize("code", ["04", "12", "12.22", "12.22.03", "30.03.99", "00"])
def test_valid_codes(code):
    assert is_valid_code(code)
    assert bad_code_reason(code) is None


@pytest.mark.parametrize("code", [
    "", "1", "123", "12.2", "12.222", "12.22.03.01", "12-22", "12.", ".12", "12..22", " 12", "12 ",
    "１２", "12.22.3", "ab", "12.2a", "١٢",  # full-width and Arabic-Indic digits are not codes
])
def test_invalid_codes(code):
    assert not is_valid_code(code)
    assert bad_code_reason(code)


@pytest.mark.parametrize("value", [None, 12, 12.22, b"12", ["12"]])
def test_a_non_string_is_not_a_code(value):
    assert not is_valid_code(value)


def test_parent_of():
    assert parent_of("12.22.03") == "12.22"
    assert parent_of("12.22") == "12"
    assert parent_of("12") is None


def test_main_class_of():
    assert main_class_of("12.22.03") == "12"
    assert main_class_of("12.22") == "12"
    assert main_class_of("04") == "04"


def test_is_within_respects_levels():
    assert is_within("12.22.03", "12")
    assert is_within("12.22.03", "12.22")
    assert is_within("12.22", "12.22")
    assert not is_within("12.22", "12.22.03")
    assert not is_within("12.23.01", "12.22")
    assert not is_within("04.06", "12")


@pytest.mark.parametrize("fn", [parent_of, main_class_of, lambda c: is_within(c, "12"), lambda c: is_within("12", c)])
def test_helpers_reject_malformed_codes(fn):
    with pytest.raises(ValueError):
        fn("12.2")


def test_a_lost_leading_zero_is_explained():
    assert "丢失了 0" in bad_code_reason("4.06")
    assert "丢失了 0" in bad_code_reason("12.2")
    assert "丢失了 0" not in bad_code_reason("12-22")


# --- parse_class_csv ---

def test_a_good_file_comes_back_parents_first_in_file_order_per_level():
    rows, errors = parse(
        "code,name",
        "12.22.03,手动轮椅（双手驱动）",  # before its parent: allowed
        "12.22,手动轮椅",
        "09.12,如厕辅助器具",
        "12.23.06,电动轮椅（室内外）",
        "12.23,动力轮椅",
    )
    assert errors == []
    assert rows == [
        ClassRow("12.22", "手动轮椅", "12"),
        ClassRow("09.12", "如厕辅助器具", "09"),
        ClassRow("12.23", "动力轮椅", "12"),
        ClassRow("12.22.03", "手动轮椅（双手驱动）", "12.22"),
        ClassRow("12.23.06", "电动轮椅（室内外）", "12.23"),
    ]


def test_bom_crlf_quotes_blank_lines_and_spaces_are_handled():
    text = '\ufeffcode,name\r\n\r\n 22.06 , 助听器 \r\n"22.06.06","耳背式助听器，数字"\r\n,\r\n'
    rows, errors = parse_class_csv(text)
    assert errors == []
    assert rows == [ClassRow("22.06", "助听器", "22"), ClassRow("22.06.06", "耳背式助听器，数字", "22.06")]


def test_header_is_case_insensitive_but_required():
    assert parse("CODE,Name", "12.22,手动轮椅") == ([ClassRow("12.22", "手动轮椅", "12")], [])
    rows, errors = parse("12.22,手动轮椅", "12.23,动力轮椅")
    assert rows == [] and errors == [RowError(1, "header", errors[0].message)]
    assert "code,name" in errors[0].message


@pytest.mark.parametrize("header", ["name,code", "code", "code,name,extra", "编码,名称"])
def test_wrong_headers(header):
    rows, errors = parse(header, "12.22,手动轮椅")
    assert rows == [] and [(e.line, e.field) for e in errors] == [(1, "header")]


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", " , \n"])
def test_an_empty_file_is_one_error(text):
    rows, errors = parse_class_csv(text)
    assert rows == [] and len(errors) == 1 and errors[0].field == "file"
    assert "空" in errors[0].message


def test_header_on_a_later_line_after_blank_lines_keeps_real_line_numbers():
    _, errors = parse("", "code,name", "12.2,手动轮椅")
    assert [(e.line, e.field) for e in errors] == [(3, "code")]


def test_bad_code_format_is_reported_with_its_line():
    rows, errors = parse("code,name", "12.22,手动轮椅", "1222,错", "4.06,丢了零", "12.22.3,缺位")
    assert [(e.line, e.field) for e in errors] == [(3, "code"), (4, "code"), (5, "code")]
    assert "格式不正确" in errors[0].message
    assert "丢失了 0" in errors[1].message
    assert rows == [ClassRow("12.22", "手动轮椅", "12")]  # returned, but the caller must load nothing


def test_empty_and_too_long_names():
    _, errors = parse("code,name", "12.22,", "12.23,   ", f"12.24,{'轮' * 100}", f"12.25,{'轮' * 101}")
    assert [(e.line, e.field, e.message) for e in errors] == [
        (2, "name", "名称不能为空"), (3, "name", "名称不能为空"), (5, "name", "名称不能超过 100 个字符")]


def test_a_duplicate_code_is_reported_on_the_later_line_naming_the_first():
    _, errors = parse("code,name", "12.22,手动轮椅", "12.23,动力轮椅", "12.22,手动轮椅（重复）")
    assert [(e.line, e.field) for e in errors] == [(4, "code")]
    assert "第 2 行重复" in errors[0].message


def test_a_parent_that_is_nowhere_is_an_error():
    _, errors = parse("code,name", "12.22.03,手动轮椅（双手驱动）", "12.99.01,无上级", "99.01,无主类")
    assert [(e.line, e.field) for e in errors] == [(2, "code"), (3, "code"), (4, "code")]
    assert all("上级分类" in e.message for e in errors)
    assert "「12.22」" in errors[0].message and "「99」" in errors[2].message


def test_a_parent_loaded_by_an_earlier_import_counts():
    rows, errors = parse("code,name", "12.22.03,手动轮椅（双手驱动）", known={"12.22"})
    assert errors == [] and rows == [ClassRow("12.22.03", "手动轮椅（双手驱动）", "12.22")]


def test_a_parent_whose_own_line_has_another_error_does_not_fail_its_children():
    _, errors = parse("code,name", "12.22,", "12.22.03,手动轮椅（双手驱动）")
    assert [(e.line, e.field) for e in errors] == [(2, "name")]


def test_a_parent_with_a_malformed_code_is_not_a_definition():
    _, errors = parse("code,name", "12.2,手动轮椅", "12.22.03,手动轮椅（双手驱动）")
    assert [(e.line, e.field) for e in errors] == [(2, "code"), (3, "code")]


def test_a_main_class_with_its_own_name_is_accepted_and_not_returned():
    rows, errors = parse("code,name", "12,个人移动", "12.22,手动轮椅")
    assert errors == [] and rows == [ClassRow("12.22", "手动轮椅", "12")]


def test_a_main_class_redefined_with_another_name_is_an_error():
    _, errors = parse("code,name", "12,移动辅具", "04,个人医疗")
    assert [(e.line, e.field) for e in errors] == [(2, "name")]
    assert "个人移动" in errors[0].message and "移动辅具" in errors[0].message


def test_a_new_main_class_is_an_error():
    _, errors = parse("code,name", "99,其他辅具")
    assert [(e.line, e.field) for e in errors] == [(2, "code")]
    assert "12 个主类" in errors[0].message


def test_a_line_with_the_wrong_number_of_columns():
    _, errors = parse("code,name", "12.22", "12.23,动力轮椅,多余")
    assert [(e.line, e.field) for e in errors] == [(2, "file"), (3, "file")]


def test_a_quoted_name_over_two_lines_reports_the_line_it_starts_on():
    _, errors = parse("code,name", '12.22,"手动\n轮椅"', "12.2,坏")
    assert [e.line for e in errors] == [4]


def test_every_error_of_a_file_comes_back_in_line_order():
    rows, errors = parse(
        "code,name",
        "12.22.03,手动轮椅（双手驱动）",  # 2: parent 12.22 defined below: fine
        "12.22,手动轮椅",                 # 3
        "12.2,坏格式",                    # 4: format
        "12.23,",                         # 5: empty name
        "12.22,重复",                     # 6: duplicate
        "15.01.01,无上级",                # 7: missing parent
        "12,改名",                        # 8: main class renamed
        f"18.09,{'椅' * 101}",            # 9: too long
    )
    assert [(e.line, e.field) for e in errors] == [
        (4, "code"), (5, "name"), (6, "code"), (7, "code"), (8, "name"), (9, "name")]
    assert all(isinstance(e.message, str) and e.message for e in errors)


def test_a_broken_csv_is_one_file_error():
    rows, errors = parse_class_csv('code,name\n12.22,"x' + "轮" * 200_000)  # over csv's field size limit
    assert rows == [] and len(errors) == 1 and errors[0].field == "file"
