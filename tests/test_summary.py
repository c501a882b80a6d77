"""Then and now: 2012 beside the latest value, the change in words, the few who drove it."""

import numpy as np
import pandas as pd
import pytest

from analysis import composition, data, summary
from analysis.composition import OTHER


def rows(pairs, *, unit="persons", value_type="exact", key="", indicator="x"):
    """Tidy rows of one indicator, as data.load returns them (the columns used here)."""
    df = pd.DataFrame(pairs, columns=["year", "value"]).assign(
        indicator=indicator, key=key, unit=unit, value_type=value_type, status="final"
    )
    df["source_url"] = [f"https://example.org/{year}" for year in df["year"]]
    return df


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("start", "end", "unit", "words"),
    [
        (9_172_146, 36_779_964, "persons", "×4.0"),
        (100, 200, "persons", "×2.0"),
        (2_033_656, 3_768_977, "persons", "+85 %"),
        (152, 157, "embassies", "+3.3 %"),
        (9_443_696, 7_135_407, "persons", "−24 %"),
        (100, 95, "persons", "−5.0 %"),
        (61, 61, "countries_and_regions", "no change"),
        (1.60, 2.74, "percent", "+1.14 points"),
        (1.74, 1.63, "percent", "−0.11 points"),
    ],
)
def test_changes_read_as_a_reader_says_them(start, end, unit, words):
    assert summary.change_in_words(start, end, unit=unit) == words


def test_a_ratio_needs_a_positive_start():
    with pytest.raises(ValueError, match="positive start"):
        summary.change_in_words(0, 5)
    with pytest.raises(ValueError, match="finite"):
        summary.change_in_words(np.nan, 5)


# --------------------------------------------------------------------------- one indicator


def test_then_is_2012_and_now_is_the_last_year():
    out = summary.then_and_now(rows([(2010, 5), (2012, 10), (2015, 30), (2019, 40)]))
    assert (out["year_then"], out["value_then"]) == (2012, 10)
    assert (out["year_latest"], out["value_latest"]) == (2019, 40)
    assert out["ratio"] == 4 and out["change"] == 30 and out["change_pct"] == 300
    assert out["change_words"] == "×4.0"
    assert out["source_url_then"] == "https://example.org/2012"
    assert out["source_url_latest"] == "https://example.org/2019"


def test_a_gap_in_2012_takes_the_last_earlier_year_never_a_later_one():
    out = summary.then_and_now(rows([(2011, 61), (2013, 61), (2023, 70)]))
    assert (out["year_then"], out["value_then"]) == (2011, 61)


def test_a_lower_bound_is_not_a_value():
    df = pd.concat(
        [rows([(2012, 100), (2024, 150)]), rows([(2025, 300)], value_type="lower_bound")]
    )
    assert summary.then_and_now(df)["year_latest"] == 2024


def test_refuses_what_cannot_be_compared():
    with pytest.raises(ValueError, match="needs a value in or before 2012"):
        summary.then_and_now(rows([(2013, 1), (2014, 2)]), what="late")
    with pytest.raises(ValueError, match="one after it"):
        summary.then_and_now(rows([(2010, 1), (2012, 2)]))
    with pytest.raises(ValueError, match="several indicators or keys"):
        summary.then_and_now(pd.concat([rows([(2012, 1)], key="A"), rows([(2013, 2)], key="B")]))
    with pytest.raises(ValueError, match="2012 appears more than once"):
        summary.then_and_now(rows([(2012, 1), (2012, 2), (2013, 3)]))


# --------------------------------------------------------------------------- the table


def test_the_headline_table_keeps_order_units_and_years():
    table = summary.headline_table(
        {
            "Entrants (persons)": rows([(2012, 10), (2024, 40)]),
            "Share (%)": rows([(2012, 1.6), (2023, 2.74)], unit="percent"),
        }
    )
    assert list(table.index) == ["Entrants (persons)", "Share (%)"]
    assert list(table.columns) == summary.TABLE_COLUMNS
    assert table["year_latest"].tolist() == [2024, 2023]
    assert table["change_words"].tolist() == ["×4.0", "+1.14 points"]
    assert table["unit"].tolist() == ["persons", "percent"]
    with pytest.raises(ValueError, match="Share"):
        summary.headline_table({"Share": rows([(2013, 1.6)])})


def test_the_chart_layout_says_when_the_first_value_is_from_an_earlier_year():
    table = summary.headline_table(
        {"A": rows([(2012, 1), (2024, 2)]), "B": rows([(2011, 61), (2023, 70)])}
    )
    long = summary.then_and_now_frame(table)
    expected = pd.DataFrame(
        {
            "indicator": ["A", "A", "B (from 2011)", "B (from 2011)"],
            "year": [2012, 2024, 2012, 2023],
            "value": [1.0, 2.0, 61.0, 70.0],
        }
    )
    pd.testing.assert_frame_equal(long, expected)


def test_source_urls_are_listed_once_in_order():
    table = pd.DataFrame(
        {"source_url_then": ["a", "b", None], "source_url_latest": ["c", "a", "d"]}
    )
    assert summary.source_urls(table) == ["a", "c", "b", "d"]


def test_values_are_formatted_for_the_table():
    assert [summary.format_value(v) for v in (9_172_146.0, 61.0, 1.6, np.nan)] == [
        "9,172,146", "61", "1.60", "–",
    ]  # fmt: skip


# --------------------------------------------------------------------------- who drove it


def changes():
    parts = pd.DataFrame(
        {
            "key": ["A", "B", "C", "D", "A", "B", "C", "D"],
            "year": [2012] * 4 + [2024] * 4,
            "value": [10, 20, 30, 5, 60, 10, 32, 6],
        }
    ).assign(basis="b")
    total = pd.DataFrame({"year": [2012, 2024], "value": [70, 120]}).assign(basis="b")
    return composition.contributions(parts, total, 2012, 2024)


def test_the_top_contributors_and_the_rest_still_add_up():
    out = summary.top_contributors(changes(), 2, rest="Rest")
    # A +50 and B -10 changed most (a fall counts); C +2, D +1 and Other +7 are the rest
    assert out["key"].tolist() == ["A", "B", "Rest"]
    assert out["change"].tolist() == [50, -10, 10]
    assert out["change"].sum() == out.attrs["total_change"] == 50
    assert out["share_of_change_pct"].sum() == pytest.approx(100)
    assert np.isnan(out.loc[2, "change_pct"])
    with pytest.raises(ValueError, match="positive integer"):
        summary.top_contributors(changes(), 0)


def test_the_top_contributors_never_include_other():
    out = summary.top_contributors(changes(), 10)
    assert OTHER not in out["key"].tolist()
    assert out["key"].iloc[-1] == "All others"


# --------------------------------------------------------------------------- real data


def test_2012_beside_today_on_the_real_series():
    table = summary.headline_table(
        {
            "entrants": data.load("foreign_entrants"),
            "residents": data.load("resident_foreigners"),
            "visa_exempt": data.load("visa_exempt_countries"),
            "embassies": data.load("embassies_in_tokyo"),
            "jocv": data.load("jocv_cumulative"),
            "share": data.load("resident_foreigners_share_pct"),
        }
    )
    assert table.loc["entrants", ["value_then", "value_latest"]].tolist() == [
        9_172_146, 36_779_964,
    ]  # fmt: skip
    assert table.loc["entrants", "change_words"] == "×4.0"
    assert table.loc["residents", "change_words"] == "+85 %"
    # no visa-exempt count for 2012: the last earlier one (2011), never a later one
    assert table.loc["visa_exempt", ["year_then", "value_then"]].tolist() == [2011, 61]
    assert table.loc["embassies", ["value_then", "value_latest"]].tolist() == [152, 157]
    assert table.loc["jocv", "year_latest"] == 2019
    # the printed shares, not recomputed: 1.60 % (2012, preliminary) and 2.74 % (2023)
    assert table.loc["share", ["value_then", "value_latest", "status_then"]].tolist() == [
        1.60, 2.74, "preliminary",
    ]  # fmt: skip


def test_the_rise_in_visitors_was_led_by_korea_china_and_taiwan():
    out = summary.top_contributors(
        composition.contributions(
            data.load("visitor_arrivals_by_market"), data.load("visitor_arrivals"), 2012, 2024
        ),
        3,
    )
    assert out["key"].tolist() == ["Korea", "China", "Taiwan", "All others"]
    assert out["change"].sum() == pytest.approx(36_870_148 - 8_358_105)
