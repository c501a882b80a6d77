"""Tests for analysis.visas: the report's visa programmes, gaps, shares, forecast checks."""

from __future__ import annotations

import numpy as np
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


def test_missing_years_of_visa_issuance():
    # Lower bounds are not counts: series() leaves 2023 (416万件余り) out.
    assert visas.missing_years(data.series("visa_issuance")) == [
        (1975, 1977),
        (1979, 1982),
        (1985, 2008),
        (2023, 2023),
    ]


def test_missing_years_ignores_order_and_nan():
    s = pd.Series([1.0, np.nan, 3.0, 4.0], index=[2012, 2010, 2009, 2014])
    assert visas.missing_years(s) == [(2010, 2011), (2013, 2013)]
    assert visas.missing_years(pd.Series([1.0, 2.0], index=[2009, 2010])) == []


def test_share_of_total_known_answer():
    china = data.series("visa_issuance_by_country", key="China")
    total = data.series("visa_issuance")
    share = visas.share_of_total(china, total)
    assert share.loc[2019, "share_pct"] == pytest.approx(100 * 6_539_083 / 8_277_340)
    assert share.loc[2019, "rest"] == 8_277_340 - 6_539_083
    assert 2011 not in share.index  # no China figure for 2011
    assert 2023 not in share.index  # total only a lower bound
    assert share.index.is_monotonic_increasing


def test_share_of_total_errors():
    with pytest.raises(ValueError, match="no year in common"):
        visas.share_of_total(pd.Series([1.0], index=[2000]), pd.Series([2.0], index=[2001]))
    with pytest.raises(ValueError, match=r"in 2001 the part \(5\) exceeds the total \(4\)"):
        visas.share_of_total(
            pd.Series([1.0, 5.0], index=[2000, 2001]), pd.Series([2.0, 4.0], index=[2000, 2001])
        )


# --------------------------------------------------------------------------- forecast check


def _forecast() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mean": [100.0, 100.0, 100.0, 100.0],
            "lower_80": [90.0, 90.0, 90.0, 90.0],
            "upper_80": [110.0, 110.0, 110.0, 110.0],
            "lower_95": [80.0, 80.0, 80.0, 80.0],
            "upper_95": [120.0, 120.0, 120.0, 120.0],
        },
        index=pd.Index([2013, 2014, 2015, 2016], name="year"),
    )


def test_compare_forecast_known_answers():
    actual = pd.Series([105.0, 115.0, 150.0], index=[2013, 2014, 2099])
    out = visas.compare_forecast(_forecast(), actual)
    assert list(out.index) == [2013, 2014]
    assert out.loc[2013, "error"] == 5
    assert out.loc[2014, "error_pct"] == pytest.approx(15)
    assert list(out["in_80"]) == [True, False]
    assert list(out["in_95"]) == [True, True]
    assert not out["lower_bound"].any()


def test_compare_forecast_with_lower_bounds():
    actual = pd.Series([105.0], index=[2013])
    bounds = pd.Series([95.0, 130.0], index=[2015, 2016])
    out = visas.compare_forecast(_forecast(), actual, bounds)
    assert list(out.index) == [2013, 2015, 2016]
    assert out.loc[2015, "lower_bound"]
    assert np.isnan(out.loc[2015, "error"])
    assert pd.isna(out.loc[2015, "in_80"])  # the true value is >= 95: inside or above
    assert bool(out.loc[2016, "in_95"]) is False  # the bound is above the interval
    assert out["in_80"].dtype == "boolean"
