"""Tests for analysis.visas: the report's visa programmes, gaps, shares, forecast checks."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import data, visas
from analysis.validate import DataValidationError

# figure id -> (start, end, months inclusive, count, visas per month), from the report text
KNOWN = {
    "tohoku_fee_waivers": ("2011-11", "2012-12", 14, 9_900, 9_900 / 14),
    "okinawa_multiple_visas": ("2011-07", "2012-12", 18, 27_000, 1_500),
    "tohoku_multiple_visas": ("2012-07", "2012-12", 6, 500, 500 / 6),
    "thai_multiple_visas": ("2012-06", "2012-12", 7, 11_000, 11_000 / 7),
    "malaysian_multiple_visas": ("2012-09", "2012-12", 4, 1_300, 325),
    "indonesian_multiple_visas": ("2012-09", "2012-12", 4, 1_000, 250),
}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return visas.programmes()


def _figures(**period_by_id: str) -> pd.DataFrame:
    figs = data.report_figures()
    figs = figs[figs["figure_id"].isin(visas.PROGRAMME_FIGURES)].copy()
    for figure_id, period in period_by_id.items():
        figs.loc[figs["figure_id"] == figure_id, "period"] = period
    return figs


# --------------------------------------------------------------------------- programmes


def test_programmes_has_the_six_figures_in_report_order(table):
    assert list(table["figure_id"]) == list(KNOWN)
    assert table["line"].is_monotonic_increasing
    assert table["approx"].all()


@pytest.mark.parametrize("figure_id", list(KNOWN))
def test_programme_known_answers(table, figure_id):
    start, end, months, count, per_month = KNOWN[figure_id]
    row = table.set_index("figure_id").loc[figure_id]
    assert str(row["start_month"]) == start
    assert str(row["end_month"]) == end
    assert row["months"] == months
    assert row["value"] == count
    assert row["per_month"] == pytest.approx(per_month)
    assert row["per_month_low"] <= row["per_month"] <= row["per_month_high"]


def test_okinawa_is_27000_over_18_months_1500_a_month(table):
    row = table.set_index("figure_id").loc["okinawa_multiple_visas"]
    assert row["as_printed"] == "約2万7,000件"
    assert (row["months"], row["per_month"]) == (18, 1_500)
    # 約2万7,000 read as rounded to the thousand: 26,500-27,500 over 18 months
    assert row["per_month_low"] == pytest.approx(26_500 / 18)
    assert row["per_month_high"] == pytest.approx(27_500 / 18)


def test_programme_dtypes(table):
    assert table["months"].dtype == "int64"
    assert table["value"].dtype == "float64"
    assert isinstance(table["start_month"].dtype, pd.PeriodDtype)
    assert not table.isna().any().any()


@pytest.mark.parametrize(
    ("period", "match"),
    [
        ("2011-7 to 2012-12", "is not of the form 'YYYY-MM to YYYY-MM'"),
        ("2011-07 - 2012-12", "is not of the form"),
        ("2011-07", "is not of the form"),
        ("", "is not of the form"),
        ("2011-13 to 2012-12", "has month 13"),
        ("2011-07 to 2012-00", "has month 00"),
        ("2012-12 to 2011-07", "ends before it starts"),
    ],
)
def test_malformed_period_names_the_figure(period, match):
    with pytest.raises(DataValidationError, match=rf"figure 'okinawa_multiple_visas'.*{match}"):
        visas.programmes(_figures(okinawa_multiple_visas=period))


def test_parse_period_rejects_non_text():
    with pytest.raises(DataValidationError, match=r"figure 'x': period nan"):
        visas.parse_period(float("nan"), "x")  # type: ignore[arg-type]


def test_parse_period_tolerates_surrounding_spaces():
    start, end = visas.parse_period(" 2012-06  to 2012-12 ", "thai_multiple_visas")
    assert (str(start), str(end)) == ("2012-06", "2012-12")


def test_missing_programme_figure_is_named():
    figs = _figures()
    figs = figs[figs["figure_id"] != "thai_multiple_visas"]
    with pytest.raises(DataValidationError, match="thai_multiple_visas"):
        visas.programmes(figs)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [("2012-07", "2012-07", 1), ("2012-12", "2013-01", 2), ("2011-07", "2012-12", 18)],
)
def test_months_inclusive(start, end, months):
    assert visas.months_inclusive(pd.Period(start, "M"), pd.Period(end, "M")) == months


def test_months_inclusive_rejects_reversed_periods():
    with pytest.raises(ValueError, match="before it starts"):
        visas.months_inclusive(pd.Period("2012-12", "M"), pd.Period("2012-11", "M"))


# --------------------------------------------------------------------------- rebase


def _walk(log: bool = True, method: str = "drift"):
    from analysis import models

    history = pd.Series([100.0, 110.0, 121.0, 133.1, 146.41], index=range(2000, 2005))
    return history, models.forecast(history, 3, method, log=log, calibrate=False)


@pytest.mark.parametrize("method", ["naive", "drift"])
def test_rebase_forecast_moves_a_log_path_in_proportion(method):
    history, result = _walk(method=method)
    moved = visas.rebase_forecast(result, history, level=2 * 146.41, origin=2010)
    assert list(moved.index) == [2011, 2012, 2013]
    assert moved.index.name == "year"
    expected = result.summary_frame().to_numpy() * 2
    assert moved.to_numpy() == pytest.approx(expected)
    assert list(moved.columns) == list(result.summary_frame().columns)


def test_rebase_forecast_equals_a_forecast_from_the_new_level():
    """A drift path depends only on the changes and the last value."""
    from analysis import models

    history, result = _walk()
    shifted = pd.Series(history.to_numpy() * 3, index=range(2010, 2015))
    direct = models.forecast(shifted, 3, "drift", calibrate=False).summary_frame()
    moved = visas.rebase_forecast(result, history, level=3 * 146.41, origin=2014)
    pd.testing.assert_frame_equal(moved, direct, rtol=1e-9)


def test_rebase_forecast_shifts_a_path_on_the_series_scale():
    history, result = _walk(log=False)
    moved = visas.rebase_forecast(result, history, level=146.41 + 10, origin=2004)
    assert moved.to_numpy() == pytest.approx(result.summary_frame().to_numpy() + 10)


def test_rebase_forecast_refuses_what_it_cannot_move():
    from analysis import models

    history, result = _walk()
    line = models.forecast(history, 3, "linear", calibrate=False)
    with pytest.raises(ValueError, match="'linear' is not a random walk"):
        visas.rebase_forecast(line, history, 1.0, 2010)
    with pytest.raises(ValueError, match="origin 2003 is before the forecast's origin 2004"):
        visas.rebase_forecast(result, history, 1.0, 2003)
    with pytest.raises(ValueError, match="level must be positive"):
        visas.rebase_forecast(result, history, 0.0, 2010)
    with pytest.raises(ValueError, match="history has no value for 2004"):
        visas.rebase_forecast(result, history.loc[:2003], 1.0, 2010)


def test_issuance_model_of_2009_2019_started_from_2024():
    """The visa notebook's forward forecast: 2009-2019 changes, 2024's level."""
    from analysis import models

    issuance = data.series("visa_issuance")
    run = issuance.loc[2009:2019]
    assert run.index.tolist() == list(range(2009, 2020))  # unbroken
    assert 2023 not in issuance.index  # only a lower bound
    result = models.forecast(run, 6, "drift", calibrate=False)
    moved = visas.rebase_forecast(result, run, issuance.loc[2024], 2024)
    assert moved.index.tolist() == list(range(2025, 2031))
    growth = moved["mean"].iloc[-1] / issuance.loc[2024]
    assert growth == pytest.approx((run.loc[2019] / run.loc[2009]) ** (6 / 10))
