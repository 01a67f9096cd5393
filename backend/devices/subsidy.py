"""The subsidy quote when a person confirms a product (API.md `POST /device-cases/{id}/confirm`).

subsidy = floor(min(price, standard) × best ratio / 100) and the person pays the rest. Integer
arithmetic only: money is integer fen everywhere, and a float would turn 0.29 × 100 into 28.999….
"""
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    price_fen: int
    subsidy_fen: int
    self_pay_fen: int
    ratio_percent: int  # the best ratio among the case's subsidy groups (0 when none)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def compute(price_fen: int, standard_fen: int, ratios_percent: Sequence[int]) -> Quote:
    """Quote a product for a case whose subsidy groups have `ratios_percent` (possibly none).

    The subsidy never exceeds the standard (the federation's cap for that product) nor the
    price; the best group wins because a person in several groups gets the most favourable one.
    ValueError for a negative or non-integer amount, or a ratio outside 0–100.
    """
    for name, value in (("price_fen", price_fen), ("standard_fen", standard_fen)):
        if not _is_int(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    if isinstance(ratios_percent, (str, bytes)) or not isinstance(ratios_percent, Sequence):
        raise ValueError(f"ratios_percent must be a list of ints, got {ratios_percent!r}")
    for ratio in ratios_percent:
        if not _is_int(ratio) or not 0 <= ratio <= 100:
            raise ValueError(f"a ratio must be an int from 0 to 100, got {ratio!r}")
    ratio = max(ratios_percent, default=0)
    subsidy = min(price_fen, standard_fen) * ratio // 100  # // floors: both operands are >= 0
    return Quote(price_fen=price_fen, subsidy_fen=subsidy, self_pay_fen=price_fen - subsidy,
                 ratio_percent=ratio)
