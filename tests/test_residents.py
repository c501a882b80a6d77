"""Tests for analysis.residents: joining the two bases without a silent splice, shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import data, models, plots, residents
from analysis.residents import REGISTRATION, RESIDENCE, RESTATED


def frame(rows: list[tuple[int, float, str]], **extra: str) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["year", "value", "basis"])
    for column, value in extra.items():
        df[column] = value
    return df


REGISTERED = frame([(2009, 100.0, REGISTRATION), (2010, 110.0, REGISTRATION),
                    (2011, 105.0, REGISTRATION)])
RESIDENT = frame([(2010, 104.0, RESTATED), (2011, 100.0, RESTATED), (2012, 98.0, RESIDENCE),
                  (2013, 101.0, RESIDENCE)])


# --------------------------------------------------------------------------- join_bases


def test_join_keeps_one_row_per_year_and_the_basis_on_every_row():
    joined = residents.join_bases(REGISTERED, RESIDENT)
    assert joined["year"].tolist() == [2009, 2010, 2011, 2012, 2013]
    assert joined["basis"].tolist() == [REGISTRATION] * 3 + [RESIDENCE] * 2
    assert joined["value"].tolist() == [100.0, 110.0, 105.0, 98.0, 101.0]


def test_join_with_restated_rows_keeps_both_bases_side_by_side():
    joined = residents.join_bases(REGISTERED, RESIDENT, include_restated=True)
    y2011 = joined[joined["year"] == 2011]
    assert y2011["basis"].tolist() == [REGISTRATION, RESTATED]  # sorted by BASIS_ORDER
    assert y2011["value"].tolist() == [105.0, 100.0]
    assert len(joined) == 7


@pytest.mark.parametrize(
    ("registered", "resident", "message"),
    [
        (frame([(2012, 1.0, REGISTRATION)]), RESIDENT, r"2012 is on or after the switch"),
        (REGISTERED, frame([(2011, 1.0, RESIDENCE)]), r"2011 .* before the switch year"),
        (REGISTERED, frame([(2012, 1.0, RESTATED)]), r"2012 is restated"),
        (frame([(2010, 1.0, RESIDENCE)]), RESIDENT, r"registered: year 2010 has basis"),
        (REGISTERED, frame([(2013, 1.0, "census")]), r"resident: year 2013 has basis 'census'"),
        (REGISTERED.iloc[:1].pipe(lambda d: pd.concat([d, d])), RESIDENT, r"2009 appears twice"),
        (REGISTERED.drop(columns="basis"), RESIDENT, r"missing column"),
    ],
)
def test_join_refuses_rows_on_the_wrong_side_of_the_switch(registered, resident, message):
    with pytest.raises(ValueError, match=message):
        residents.join_bases(registered, resident)


# --------------------------------------------------------------------------- splice


def test_basis_changes_and_declared_splice():
    joined = residents.join_bases(REGISTERED, RESIDENT)
    assert residents.basis_changes(joined) == [2012]
    spliced = residents.spliced_series(joined, level_shift_at=2012)
    assert spliced.to_dict() == {2009: 100.0, 2010: 110.0, 2011: 105.0, 2012: 98.0, 2013: 101.0}
    assert spliced.index.dtype == "int64"
    assert spliced.dtype == "float64"


def test_no_silent_splice():
    joined = residents.join_bases(REGISTERED, RESIDENT)
    with pytest.raises(ValueError, match=r"changes in \[2012\], but level_shift_at=2011"):
        residents.spliced_series(joined, level_shift_at=2011)
    with pytest.raises(ValueError, match="no year"):
        residents.spliced_series(REGISTERED, level_shift_at=2012)
    both = residents.join_bases(REGISTERED, RESIDENT, include_restated=True)
    with pytest.raises(ValueError, match=r"year 2010 has one row per basis"):
        residents.spliced_series(both, level_shift_at=2012)


def test_basis_gaps_known_answer():
    both = residents.join_bases(REGISTERED, RESIDENT, include_restated=True)
    gaps = residents.basis_gaps(both)
    assert gaps.index.tolist() == [2010, 2011]
    assert gaps.loc[2011, "gap_persons"] == -5.0
    assert gaps.loc[2010, "gap_pct"] == pytest.approx(100 * (104 / 110 - 1))


# --------------------------------------------------------------------------- shares


def test_share_uses_the_printed_share_and_marks_computed_ones_derived():
    persons = frame([(2010, 2_000.0, REGISTRATION), (2011, 3_000.0, REGISTRATION),
                     (2013, 5_000.0, REGISTRATION)])
    population = pd.Series([100_000.0, 200_000.0], index=[2010, 2011])
    printed = frame([(2010, 2.1, REGISTRATION), (2009, 1.9, REGISTRATION)], status="final",
                    as_printed="x %")
    out = residents.share_of_population(persons, population, printed).set_index("year")
    assert out.index.tolist() == [2009, 2010, 2011]  # 2013: no population, no share
    assert out.loc[2010, "share_pct"] == 2.1  # as printed, not the computed 2.0
    assert out.loc[2010, "derived_share_pct"] == pytest.approx(2.0)
    assert out.loc[2010, "status"] == "final"
    assert out.loc[2011, "share_pct"] == pytest.approx(1.5)
    assert out.loc[2011, "status"] == "derived"
    assert out.loc[2011, "as_printed"] == ""
    assert out.loc[2009, "share_pct"] == 1.9  # printed share stands without a count
    assert np.isnan(out.loc[2009, "persons"])


def test_printed_share_matches_on_basis_too():
    persons = frame([(2011, 1_000.0, REGISTRATION), (2011, 900.0, RESTATED)])
    population = pd.Series([100_000.0], index=[2011])
    printed = frame([(2011, 1.05, REGISTRATION)], status="final", as_printed="1.05%")
    out = residents.share_of_population(persons, population, printed)
    assert out["basis"].tolist() == [REGISTRATION, RESTATED]
    assert out["share_pct"].tolist() == pytest.approx([1.05, 0.9])
    assert out["status"].tolist() == ["final", "derived"]


def test_printed_shares_of_other_bases_are_ignored():
    persons = frame([(2011, 1_000.0, REGISTRATION)])
    printed = frame([(2012, 1.6, RESIDENCE)], status="final", as_printed="1.60%")
    out = residents.share_of_population(persons, pd.Series([50_000.0], index=[2011]), printed)
    assert out["basis"].tolist() == [REGISTRATION]


def test_share_without_printed_shares_is_all_derived():
    persons = frame([(2011, 1_000.0, REGISTRATION)])
    out = residents.share_of_population(persons, pd.Series([50_000.0], index=[2011]))
    assert out["status"].tolist() == ["derived"]
    assert out["share_pct"].tolist() == pytest.approx([2.0])


# --------------------------------------------------------------------------- real data


def test_real_basis_gap_2011_and_the_switch():
    both = residents.load_foreign_residents(include_restated=True)
    gaps = residents.basis_gaps(both)
    assert gaps.index.tolist() == [2008, 2009, 2010, 2011]
    assert gaps.loc[2011, "old_persons"] == 2_078_508
    assert gaps.loc[2011, "new_persons"] == 2_047_349
    assert gaps.loc[2011, "gap_persons"] == -31_159
    one = residents.load_foreign_residents()
    assert not one["year"].duplicated().any()
    assert residents.basis_changes(one) == [2012]
    assert set(one["basis"]) == {REGISTRATION, RESIDENCE}


def test_real_derived_shares_agree_with_printed_ones_to_a_rounding():
    persons = residents.load_foreign_residents()
    printed = pd.concat(
        [data.load("registered_foreigners_share_pct"), data.load("resident_foreigners_share_pct")]
    )
    out = residents.share_of_population(persons, data.series("japan_population"), printed)
    shown = out[out["status"] != "derived"]
    assert len(shown) == len(printed)
    # The ministry's denominators varied: printed and derived agree within 0.01 point.
    assert (shown["share_pct"] - shown["derived_share_pct"]).abs().max() < 0.0125


# --------------------------------------------------------------------------- labels


def test_every_key_of_the_residents_tables_has_a_label():
    for name, labels in (
        ("registered_foreigners_by_nationality", residents.NATIONALITY_LABELS),
        ("resident_foreigners_by_nationality", residents.NATIONALITY_LABELS),
        ("registered_foreigners_by_status", residents.STATUS_LABELS),
        ("resident_foreigners_by_status", residents.STATUS_LABELS),
    ):
        keys = sorted(set(data.load(name)["key"]))
        assert len(residents.label_keys(keys, labels)) == len(keys), name


def test_labels_keep_keys_of_different_scope_apart_and_name_the_ministry_term():
    labels = residents.NATIONALITY_LABELS
    assert labels["China"] != labels["China_incl_Taiwan"]
    assert labels["Korea"] != labels["Korea_incl_North"]
    assert residents.STATUS_LABELS["specified_skilled_worker"].endswith("特定技能")
    assert len(set(residents.STATUS_LABELS.values())) == len(residents.STATUS_LABELS)


def test_short_status_labels_name_the_same_statuses_and_fit_a_panel():
    assert residents.STATUS_SHORT_LABELS.keys() == residents.STATUS_LABELS.keys()
    for key, short in residents.STATUS_SHORT_LABELS.items():
        assert len(short) <= len(residents.STATUS_LABELS[key]), key
    # A left-column panel title starts after the y axis (about 60 pt in) and must end
    # before the right column's title, about 235 pt in (read off the rendered chart).
    panel_pt = 160
    for key in ("permanent_resident", "technical_intern_training", "engineer_humanities_intl",
                "student", "dependent", "specified_skilled_worker",
                "special_permanent_resident", "long_term_resident"):
        label = residents.STATUS_SHORT_LABELS[key]
        assert plots._text_width_pt(label, plots.PANEL_TITLE_PT) <= panel_pt, label


def test_a_key_without_a_label_is_an_error_not_a_blank():
    assert residents.label_keys(["Nepal", "Other"], {"Nepal": "Nepal", "Other": "Rest"}) == [
        "Nepal", "Rest",
    ]
    with pytest.raises(KeyError, match=r"\['Other'\]"):
        residents.label_keys(["Nepal", "Other"], residents.NATIONALITY_LABELS)


# --------------------------------------------------------------------------- forecasts


class Path:
    """A stand-in forecast result: ``summary_frame()`` of a fixed path."""

    def __init__(self, mean: list[float], years: list[int], width: float = 10.0) -> None:
        m = np.array(mean)
        self.frame = pd.DataFrame(
            {"mean": m, "lower_80": m - width, "upper_80": m + width,
             "lower_95": m - 2 * width, "upper_95": m + 2 * width},
            index=pd.Index(years, name="year"),
        )  # fmt: skip

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()


def test_forecasts_at_one_year_side_by_side():
    out = residents.forecasts_at(
        {"Trend": Path([110, 120], [2025, 2026]), "No change": Path([100, 100], [2025, 2026])},
        2026,
    )
    assert out.index.tolist() == ["Trend", "No change"]
    assert out.loc["Trend"].tolist() == [120, 110, 130, 100, 140]
    assert out.index.name == "forecast"
    with pytest.raises(ValueError, match=r"'Trend' covers 2025-2026, not 2030"):
        residents.forecasts_at({"Trend": Path([1, 2], [2025, 2026])}, 2030)


def test_hindsight_table_ratio_and_coverage():
    actual = pd.Series([100.0, 108.0], index=[2013, 2014])
    out = residents.hindsight_table(
        {"Trend": Path([90, 95], [2013, 2014]), "No change": Path([100, 100], [2013, 2014])},
        actual,
        2014,
    )
    assert out.loc["Trend", "ratio"] == pytest.approx(108 / 95)
    assert out["actual"].tolist() == [108.0, 108.0]
    assert out["in_80"].tolist() == [False, True]  # 85-105 misses 108; 90-110 holds it
    assert out["in_95"].tolist() == [True, True]  # 75-115 and 80-120
    with pytest.raises(ValueError, match="no observed value in 2015"):
        residents.hindsight_table({"Trend": Path([1], [2015])}, actual, 2015)


def test_real_hindsight_from_2012_missed_2024_by_more_than_a_factor_of_two():
    resident = data.series("resident_foreigners")
    drift = models.forecast(resident, 12, "drift", as_of=2012, calibrate=False)
    out = residents.hindsight_table({"Trend": drift}, resident, 2024)
    assert out.loc["Trend", "actual"] == 3_768_977
    assert 2 < out.loc["Trend", "ratio"] < 2.5
    assert not out.loc["Trend", "in_95"]
