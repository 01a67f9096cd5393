"""subsidy = floor(min(price, standard) × best ratio / 100), in integer fen; the person pays the rest."""
import pytest

from backend.devices.subsidy import Quote, compute


def test_price_above_standard_best_group_wins():
    assert compute(380000, 300000, [80, 90]) == Quote(price_fen=380000, subsidy_fen=270000, self_pay_fen=110000,
                                                      ratio_percent=90)


def test_price_below_standard_subsidises_the_price():
    assert compute(250000, 300000, [80]) == Quote(250000, 200000, 50000, 80)


def test_price_equal_to_standard():
    assert compute(300000, 300000, [100]) == Quote(300000, 300000, 0, 100)


def test_dibao_pays_nothing_up_to_the_standard_and_the_difference_above_it():
    assert compute(300000, 300000, [100, 80]) == Quote(300000, 300000, 0, 100)
    assert compute(350000, 300000, [100]) == Quote(350000, 300000, 50000, 100)


def test_rounding_is_down_to_the_fen():
    assert compute(999, 999, [90]) == Quote(999, 899, 100, 90)  # 899.1 → 899
    assert compute(1, 1, [99]) == Quote(1, 0, 1, 99)  # 0.99 → 0: never round up in the person's favour
    assert compute(12345, 20000, [33]) == Quote(12345, 4073, 8272, 33)  # 4073.85 → 4073


def test_integer_arithmetic_where_floats_go_wrong():
    # 29 fen × 100 % is 29 fen, but int(0.29 * 100) is 28 in floating point.
    assert int(0.29 * 100) == 28
    assert compute(29, 29, [100]).subsidy_fen == 29
    assert compute(10 ** 15 + 1, 10 ** 15 + 1, [100]).subsidy_fen == 10 ** 15 + 1  # past float precision


def test_no_groups_means_no_subsidy():
    assert compute(380000, 300000, []) == Quote(380000, 0, 380000, 0)


def test_a_zero_ratio_or_standard_or_price():
    assert compute(380000, 300000, [0]) == Quote(380000, 0, 380000, 0)
    assert compute(380000, 0, [90]) == Quote(380000, 0, 380000, 90)
    assert compute(0, 300000, [90]) == Quote(0, 0, 0, 90)


def test_a_tuple_of_ratios_is_accepted():
    assert compute(1000, 1000, (50, 70)).subsidy_fen == 700


def test_the_quote_always_adds_up():
    for price in (0, 1, 99, 12345, 380000):
        for standard in (0, 1, 5000, 300000):
            for ratios in ([], [1], [33, 66], [100]):
                quote = compute(price, standard, ratios)
                assert quote.subsidy_fen + quote.self_pay_fen == price
                assert 0 <= quote.subsidy_fen <= min(price, standard)
                assert all(isinstance(v, int) for v in vars(quote).values())


@pytest.mark.parametrize("price, standard", [(-1, 0), (0, -1), (1.0, 0), (0, 1.0), ("100", 0), (True, 0),
                                             (0, False), (None, 0)])
def test_amounts_must_be_non_negative_ints(price, standard):
    with pytest.raises(ValueError):
        compute(price, standard, [80])


@pytest.mark.parametrize("ratios", [[-1], [101], [80, 101], [80.0], ["80"], [True], [None], "80", 80, None,
                                    {80}])
def test_ratios_must_be_ints_from_0_to_100_in_a_list(ratios):
    with pytest.raises(ValueError):
        compute(1000, 1000, ratios)


def test_a_quote_is_immutable():
    with pytest.raises(AttributeError):
        compute(1000, 1000, [80]).subsidy_fen = 1000  # type: ignore[misc]
