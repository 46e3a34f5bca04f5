"""The rating method against docs/evaluation.md's worked examples, with the same numbers."""

from __future__ import annotations

import pytest

from engine.evaluation import (CLOUD, LIGHT_CLOUDS, SUN, THUNDERSTORM, choose_target, rate, share_reached, trend,
                               worst)

EXACT = 1e-9


def years(first: int, *values: float) -> list[tuple[int, float]]:
    return [(first + i, v) for i, v in enumerate(values)]


GHG = years(2019, 8.0, 7.8, 7.5, 7.3, 7.0, 6.8)


def test_a_sun_when_the_trend_overshoots_the_target() -> None:
    rating = rate("decrease", GHG, targets=[(2030, 5.5)], baseline=(2019, 8.0))
    assert rating.symbol == SUN and rating.method == "target"
    assert rating.trend.average_change == pytest.approx(-0.24, abs=EXACT)
    assert rating.projected == pytest.approx(5.36, abs=EXACT)
    assert rating.shortfall_share == pytest.approx(-0.107692308, abs=EXACT)
    assert rating.share_reached == pytest.approx(0.48, abs=EXACT)
    assert (rating.current, rating.baseline, rating.target) == ((2024, 6.8), (2019, 8.0), (2030, 5.5))


def test_b_light_clouds_at_a_tenth_short() -> None:
    rating = rate("decrease", GHG, targets=[(2030, 5.2)], baseline=(2019, 8.0))
    assert rating.symbol == LIGHT_CLOUDS
    assert rating.shortfall_share == pytest.approx(0.10, abs=EXACT)
    assert rating.share_reached == pytest.approx(1.2 / 2.8, abs=EXACT)


def test_c_cloud_when_moving_right_but_far_short() -> None:
    rating = rate("increase", years(2019, 30, 31, 31.5, 32, 33, 34), targets=[(2030, 45)])
    assert rating.symbol == CLOUD
    assert rating.trend.average_change == pytest.approx(0.8, abs=EXACT)
    assert rating.projected == pytest.approx(38.8, abs=EXACT)
    assert rating.shortfall_share == pytest.approx(0.563636364, abs=EXACT)
    assert rating.baseline == (2019, 30)  # the earliest value stands in for a missing baseline
    assert rating.share_reached == pytest.approx(4 / 15, abs=EXACT)


def test_d_thunderstorm_when_moving_away_with_five_values() -> None:
    rating = rate("decrease", years(2020, 520, 525, 523, 528, 530), targets=[(2030, 450)])
    assert rating.symbol == THUNDERSTORM
    assert rating.trend.average_change == pytest.approx(2.5, abs=EXACT)
    assert rating.projected == pytest.approx(545.0, abs=EXACT)
    assert rating.shortfall_share == pytest.approx(1.1875, abs=EXACT)
    assert rating.share_reached == pytest.approx(-10 / 70, abs=EXACT)


def test_e_exactly_five_percent_short_is_light_clouds_not_sun() -> None:
    rating = rate("increase", years(2019, 52.5, 62, 71.5, 81, 90.5, 100), targets=[(2034, 200)])
    assert rating.projected == pytest.approx(195.0, abs=EXACT)
    assert rating.shortfall_share == 0.05
    assert rating.symbol == LIGHT_CLOUDS


def test_exactly_twenty_percent_short_is_still_light_clouds_and_just_over_is_cloud() -> None:
    series = years(2019, 50, 60, 70, 80, 90, 100)  # +10 a year
    assert rate("increase", series, targets=[(2024 + 8, 200)]).shortfall_share == 0.2  # 180 of 200
    assert rate("increase", series, targets=[(2032, 200)]).symbol == LIGHT_CLOUDS
    assert rate("increase", series, targets=[(2032, 201)]).symbol == CLOUD
    assert rate("increase", series, targets=[(2032, 184)]).symbol == SUN  # 180 of 184: 4.76 % short


def test_f_fewer_than_four_values_give_no_rating_but_a_share() -> None:
    rating = rate("decrease", years(2022, 10, 9, 8), targets=[(2030, 5)], baseline=(2022, 10))
    assert rating.symbol is None and rating.method is None and rating.trend is None
    assert rating.share_reached == pytest.approx(0.4, abs=EXACT)


def test_g_a_target_already_reached_is_a_value_to_hold() -> None:
    rising = rate("increase", years(2020, 60, 70, 80, 92, 95), targets=[(2025, 90)])
    assert (rising.symbol, rising.method) == (SUN, "hold")
    assert rising.trend.average_change == pytest.approx(8.75, abs=EXACT)
    slipping = rate("increase", years(2020, 99, 98, 97, 96, 95), targets=[(2025, 90)])
    assert (slipping.symbol, slipping.method) == (LIGHT_CLOUDS, "hold")


def test_a_target_year_that_is_the_latest_data_year_is_a_value_to_hold() -> None:
    missed_but_closing = rate("decrease", GHG, targets=[(2024, 6.5)])
    assert (missed_but_closing.symbol, missed_but_closing.method) == (CLOUD, "hold")
    missed_and_worsening = rate("decrease", years(2019, 6.0, 6.2, 6.4, 6.6, 6.8, 7.0), targets=[(2024, 6.5)])
    assert missed_and_worsening.symbol == THUNDERSTORM


def test_h_direction_only() -> None:
    waste = rate("decrease", years(2019, 480, 470, 465, 460, 455, 458))
    assert (waste.symbol, waste.method) == (LIGHT_CLOUDS, "direction")
    assert waste.trend.average_change == pytest.approx(-4.4, abs=EXACT)
    assert waste.trend.last_change == pytest.approx(3.0, abs=EXACT)
    assert waste.share_reached is None
    assert rate("decrease", years(2019, 480, 470, 465, 460, 455, 450)).symbol == SUN
    assert rate("decrease", years(2019, 450, 455, 460, 465, 470, 468)).symbol == CLOUD
    assert rate("decrease", years(2019, 450, 455, 460, 465, 470, 470)).symbol == THUNDERSTORM


@pytest.mark.parametrize(("values", "first", "symbol"), [
    ((120, 120, 120, 120, 120), 2020, SUN),
    ((118, 119, 121, 122, 124), 2020, LIGHT_CLOUDS),
    ((135, 134, 133, 132), 2021, CLOUD),
    ((132, 133, 134, 135), 2021, THUNDERSTORM),
])
def test_i_band(values: tuple[float, ...], first: int, symbol: str) -> None:
    rating = rate("band", years(first, *values), band=(110, 130))
    assert (rating.symbol, rating.method) == (symbol, "band")
    assert rating.target is None and rating.share_reached is None


def test_only_the_last_six_values_make_the_trend() -> None:
    series = years(2015, 100, 0, 0, 0, 8.0, 7.8, 7.5, 7.3, 7.0, 6.8)  # an old outlier must not count
    assert trend(series).points == tuple(GHG)
    assert rate("decrease", series, targets=[(2030, 5.5)]).symbol == SUN


def test_j_a_gapped_series_with_three_values_in_the_window_gets_no_rating() -> None:
    series = [(2012, 8.9), (2014, 8.7), (2016, 8.5), (2018, 8.3), (2022, 7.0), (2023, 6.9)]
    rating = rate("decrease", series, targets=[(2030, 5.5)])
    assert (rating.symbol, rating.method, rating.trend) == (None, None, None)
    assert rating.window == (2018, 2023) and rating.years == (2018, 2022, 2023)
    assert rating.share_reached == pytest.approx(0.588235294, abs=EXACT)  # (6.9 − 8.9) ÷ (5.5 − 8.9)


def test_k_four_values_spread_over_twenty_years_get_no_rating() -> None:
    rating = rate("decrease", [(2005, 10.0), (2010, 9.0), (2015, 8.0), (2024, 6.0)], targets=[(2030, 5.0)])
    assert rating.symbol is None and rating.window == (2019, 2024) and rating.years == (2024,)


def test_l_a_gap_inside_the_window_is_averaged_per_year() -> None:
    rating = rate("decrease", [(2019, 8.0), (2020, 7.8), (2022, 7.3), (2024, 6.8)], targets=[(2030, 5.5)])
    assert (rating.symbol, rating.method, rating.years) == (SUN, "target", (2019, 2020, 2022, 2024))
    assert rating.trend.average_change == pytest.approx(-0.24, abs=EXACT)
    assert rating.trend.last_change == pytest.approx(-0.25, abs=EXACT)
    assert rating.projected == pytest.approx(5.36, abs=EXACT)
    assert rating.shortfall_share == pytest.approx(-0.107692308, abs=EXACT)


def test_m_a_value_before_the_window_never_counts() -> None:
    series = [(2017, 6.0), (2020, 7.8), (2021, 7.5), (2023, 7.0), (2024, 6.8)]
    rating = rate("decrease", series, targets=[(2030, 5.5)])
    assert (rating.symbol, rating.years) == (SUN, (2020, 2021, 2023, 2024))
    assert rating.trend.average_change == pytest.approx(-0.25, abs=EXACT)
    assert rating.projected == pytest.approx(5.3, abs=EXACT)
    assert rating.shortfall_share == pytest.approx(-0.153846154, abs=EXACT)
    assert rating.baseline == (2017, 6.0)  # the baseline is not the trend: it may lie outside


def test_several_targets_at_once_take_the_worst_single_rating() -> None:
    """A band is two values to hold at once: at least 110 is met and kept (sun), at most 130 is
    missed while moving away (thunderstorm) — the indicator shows the thunderstorm."""
    rating = rate("band", years(2020, 131, 132, 133, 134, 135), band=(110, 130))
    assert rating.symbol == THUNDERSTORM


def test_the_nearest_target_year_not_yet_past_is_used() -> None:
    assert choose_target([(2040, 2.0), (2030, 5.5), (2020, 9.0)], 2024) == (2030, 5.5)
    assert choose_target([(2020, 9.0), (2022, 8.0)], 2024) == (2022, 8.0)
    assert choose_target([], 2024) is None
    assert rate("decrease", GHG, targets=[(2040, 2.0), (2030, 5.5)]).target == (2030, 5.5)


def test_share_reached_needs_a_target_different_from_the_baseline() -> None:
    assert share_reached((2024, 5.0), (2019, 5.0), (2030, 5.0)) is None
    assert share_reached((2024, 12.0), (2019, 0.0), (2030, 10.0)) == pytest.approx(1.2)  # overshot, not capped
    assert share_reached(None, (2019, 5.0), (2030, 6.0)) is None


def test_worst_orders_the_symbols() -> None:
    assert worst(SUN, CLOUD, LIGHT_CLOUDS) == CLOUD
    assert worst(THUNDERSTORM, SUN) == THUNDERSTORM


def test_no_values_no_rating_and_no_crash() -> None:
    rating = rate("increase", [], targets=[(2030, 5)])
    assert rating.symbol is None and rating.current is None and rating.share_reached is None
