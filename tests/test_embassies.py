"""Tests for analysis.embassies: embassy counts, the recognised-states ceiling, changes."""

from __future__ import annotations

import pandas as pd
import pytest

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
