"""Tests for analysis.embassies: embassy counts, the recognised-states ceiling, changes."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from analysis import data, embassies
from analysis.models import fit_bounded_growth

REPORT_TABLE = {1980: 102, 1990: 109, 2000: 126, 2010: 150, 2012: 152}
LATER = {2014: 153, 2017: 155, 2022: 157, 2023: 157}


@pytest.fixture(scope="module")
def counts() -> pd.Series:
    return data.series("embassies_in_tokyo")


@pytest.fixture(scope="module")
def states() -> pd.Series:
    return data.series("recognised_states")


def test_embassy_table_known_counts_and_eu_caveat():
    table = embassies.embassy_table().set_index("year")
    assert table["embassies"].to_dict() == REPORT_TABLE | LATER
    assert table["embassies"].dtype == "int64"
    assert set(table.loc[list(REPORT_TABLE), "basis"]) == {"report"}
    assert list(table.loc[[2017, 2022, 2023], "eu_delegation"]) == ["counted"] * 3
    assert list(table.loc[[2012, 2014], "eu_delegation"]) == ["not stated"] * 2


def test_align_capacity_marks_how_each_ceiling_was_found(counts, states):
    out = embassies.align_capacity(counts, states)
    assert out.loc[1980, "capacity_status"] == "assumed_back"
    assert out.loc[1980, "capacity_states"] == 194
    assert out.loc[2012, "capacity_status"] == "given"
    assert out.loc[2017, ["capacity_states", "capacity_status"]].tolist() == [
        195,
        "carried_forward",
    ]
    assert out.loc[2023, "capacity_status"] == "given"
    assert out.loc[2012, "share_pct"] == pytest.approx(100 * 152 / 194)
    assert set(out["capacity_status"]) <= set(embassies.CAPACITY_STATUSES)


def test_align_capacity_as_of_uses_only_what_was_known(counts, states):
    out = embassies.align_capacity(counts, states, range(2013, 2025), as_of=2012)
    assert (out.loc[2013:, "capacity_states"] == 194).all()  # 195 (May 2015) not yet known
    assert (out.loc[2013:, "capacity_status"] == "carried_forward").all()
    assert pd.isna(out.loc[2013, "embassies"])
    assert out.loc[2023, "embassies"] == 157
    assert out.index.is_monotonic_increasing and out.index.is_unique


def test_align_capacity_errors(counts, states):
    with pytest.raises(ValueError, match=r"no capacity is known for 1980 or earlier .* 2012"):
        embassies.align_capacity(counts, states, assume_before=False)
    with pytest.raises(ValueError, match="no capacity value is known as of 2000"):
        embassies.align_capacity(counts, states, as_of=2000)


def test_changes_between_known_answers(counts):
    ch = embassies.changes_between(counts).set_index("from_year")
    assert ch.loc[1980, ["to_year", "span_years", "change", "per_year"]].tolist() == [
        1990,
        10,
        7,
        0.7,
    ]
    assert ch.loc[2010, "change"] == 2  # Tonga and the Republic of the Congo opened in 2012
    assert ch.loc[2022, "change"] == 0
    # 一貫して増加: every step of the report's table is an increase
    assert (ch.loc[:2010, "change"] > 0).all()


def test_changes_between_errors():
    with pytest.raises(ValueError, match="at least two years"):
        embassies.changes_between(pd.Series([1.0], index=[2000]))
    with pytest.raises(ValueError, match="year 2000 appears twice"):
        embassies.changes_between(pd.Series([1.0, 2.0], index=[2000, 2000]))


def test_aligned_capacity_feeds_bounded_growth(counts, states):
    history = counts.loc[:2012]
    aligned = embassies.align_capacity(history, states, as_of=2012)
    fit = fit_bounded_growth(history, aligned["capacity_states"], min_train=3)
    pred = fit.predict(range(2013, 2025))
    assert (pred["upper_95"] <= pred["capacity"]).all()
    assert pred["capacity_carried"].all()
    assert (pred["capacity"] == 194).all()


# --------------------------------------------------------------------------- forecasts


def test_forecast_counts_from_2012_knows_only_2012(counts, states):
    forecasts = embassies.forecast_counts(counts, states, as_of=2012, horizon=12)
    assert list(forecasts) == list(embassies.MODELS)
    for model, result in forecasts.items():
        frame = result.summary_frame()
        assert list(frame.index) == list(range(2013, 2025)), model
        assert result.origin == 2012 and result.training == (1980, 2012)
        assert not result.calibrate and result.model == model
        assert (frame["lower_95"] <= frame["lower_80"]).all()
        assert (frame["upper_80"] <= frame["upper_95"]).all()
    bounded = forecasts["bounded"].summary_frame()
    assert (bounded["upper_95"] <= 194).all()  # the ceiling known in 2012
    assert (forecasts["no_change"].summary_frame()["mean"] == 152).all()
    # the same fit as fit_bounded_growth on the report's table
    aligned = embassies.align_capacity(counts.loc[:2012], states, as_of=2012)
    fit = fit_bounded_growth(counts.loc[:2012], aligned["capacity_states"], min_train=3)
    expected = fit.predict(range(2013, 2025))["mean"]
    assert bounded["mean"].to_numpy() == pytest.approx(expected.to_numpy())


def test_forecast_counts_against_later_counts(counts, states):
    forecasts = embassies.forecast_counts(counts, states, as_of=2012, horizon=12)
    scored = {m: r.compare(counts) for m, r in forecasts.items()}
    assert list(scored["line"].index) == [2014, 2017, 2022, 2023]
    assert scored["no_change"]["error"].tolist() == [1, 3, 5, 5]
    mae = {m: s["error"].abs().mean() for m, s in scored.items()}
    assert mae["bounded"] < mae["no_change"] < mae["line"]


def test_forecast_counts_vantage_after_the_last_count(counts, states):
    forecasts = embassies.forecast_counts(counts, states, as_of=2015, horizon=5)
    result = forecasts["bounded"]
    assert result.origin == 2015 and result.training == (1980, 2014)
    assert list(result.summary_frame().index) == list(range(2016, 2021))
    assert (forecasts["no_change"].summary_frame()["mean"] == 153).all()
    # Niue (May 2015) is known in 2015: the ceiling is 195
    assert result.summary_frame()["upper_95"].max() < 195


def test_forecast_counts_errors(counts, states):
    with pytest.raises(ValueError, match="3 counts are known at 2000; at least 4 needed"):
        embassies.forecast_counts(counts, states, as_of=2000, horizon=5)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        embassies.forecast_counts(counts, states, as_of=2012, horizon=0)


def test_no_change_forecast_known_answer():
    history = pd.Series([10.0, 12.0, 11.0], index=[2000, 2004, 2005])
    out = embassies.no_change_forecast(history, [2006, 2009], levels=(80,))
    # sigma^2 = mean(2^2 / 4, 1^2 / 1) = 1; t with 2 df
    t80 = stats.t.ppf(0.9, 2)
    assert out["mean"].tolist() == [11, 11]
    assert out["upper_80"].tolist() == pytest.approx([11 + t80, 11 + 2 * t80])
    assert out["lower_80"].tolist() == pytest.approx([11 - t80, 11 - 2 * t80])
    capped = embassies.no_change_forecast(
        history, [2006, 2009], levels=(80,), ceiling=pd.Series({2006: 12.0, 2009: 12.0})
    )
    assert capped["upper_80"].tolist() == pytest.approx([min(12, 11 + t80), 12])


def test_no_change_forecast_errors():
    with pytest.raises(ValueError, match="at least two counts"):
        embassies.no_change_forecast(pd.Series([1.0], index=[2000]), [2001])
    with pytest.raises(ValueError, match="year 2000 is not after the last count"):
        embassies.no_change_forecast(pd.Series([1.0, 2.0], index=[1999, 2000]), [2000])


def test_one_step_errors_no_change_beats_both(counts, states):
    errors = embassies.one_step_errors(counts, states)
    assert errors["year"].unique().tolist() == [2014, 2017, 2022, 2023]
    assert errors["origin"].unique().tolist() == [2012, 2014, 2017, 2022]
    no_change = errors[errors["model"] == "no_change"]
    assert no_change["error"].tolist() == [1, 2, 2, 0]
    mae = errors.assign(abs_error=errors["error"].abs()).groupby("model")["abs_error"].mean()
    assert mae["no_change"] < mae["bounded"] < mae["line"]
    with pytest.raises(ValueError, match="first=3 must be at least 4"):
        embassies.one_step_errors(counts, states, first=3)


def test_count_forecast_summary_names_the_model(counts, states):
    forecasts = embassies.forecast_counts(counts, states, as_of=2012, horizon=3)
    text = forecasts["bounded"].summary().as_text()
    assert "Bounded curve" in text and "1980-2012" in text and "2015" in text
    assert "no change" in forecasts["no_change"].summary().as_text()
    assert forecasts["line"].method == "linear" and forecasts["no_change"].method == "naive"
