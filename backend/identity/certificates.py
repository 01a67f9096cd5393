"""Disability certificate numbers (残疾人证号): 18-character PRC ID + category digit + level digit."""
from datetime import date

CATEGORY_DIGITS = {"visual": "1", "hearing": "2", "speech": "3", "physical": "4",
                   "intellectual": "5", "mental": "6", "multiple": "7"}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def birth_date_of_id(id18: str) -> date | None:
    try:
        return date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None


def certificate_errors(number: str, category: str, level: int, birth_date: date | None) -> list[str]:
    """Everything wrong with `number` for a resident of this category and level (zh-CN messages)."""
    n = number.strip().upper()
    if len(n) != 20:
        return ["残疾人证号应为 20 位：18 位身份证号 + 类别 + 等级"]
    id18, cat, lvl = n[:18], n[18], n[19]
    errors = []
    if not (id18[:17].isdigit() and (id18[17].isdigit() or id18[17] == "X")):
        errors.append("身份证号部分格式不正确")
    elif id_check_digit(id18[:17]) != id18[17]:
        errors.append("身份证号校验位不正确")
    else:
        born = birth_date_of_id(id18)
        if born is None or born > date.today():
            errors.append("身份证号中的出生日期无效")
        elif birth_date is not None and born != birth_date:
            errors.append("身份证号中的出生日期与填写的出生日期不一致")
    if cat not in "1234567":
        errors.append("残疾类别位应为 1-7")
    elif CATEGORY_DIGITS.get(category) != cat:
        errors.append("残疾类别位与所选残疾类别不一致")
    if lvl not in "1234":
        errors.append("残疾等级位应为 1-4")
    elif int(lvl) != level:
        errors.append("残疾等级位与所选残疾等级不一致")
    return errors


def normalise(number: str) -> str:
    return number.strip().upper()
