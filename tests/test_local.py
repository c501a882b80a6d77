"""Prefecture rates and contributions for the local-government notebook."""

import numpy as np
import pandas as pd
import pytest

from analysis import composition, data, local
from analysis.composition import OTHER
from analysis.prefectures import prefectures

CODES = [f"{i:02d}" for i in range(1, 48)]


def tidy(values, year, *, unknown=None):
    rows = pd.DataFrame({"key": CODES, "year": year, "value": values})
    if unknown is not None:
        rows = pd.concat(
            [rows, pd.DataFrame({"key": ["unknown"], "year": [year], "value": [unknown]})],
            ignore_index=True,
        )
    return rows


# --------------------------------------------------------------------------- known answers


def test_prefecture_change_planted_values():
    residents = pd.concat([
        tidy([10.0] * 47, 2012, unknown=5.0), tidy([30.0] + [20.0] * 46, 2024, unknown=7.0),
    ])  # fmt: skip
    population = pd.concat([tidy([1000.0] * 47, 2010), tidy([500.0] + [1000.0] * 46, 2020)])
    out = local.prefecture_change(
        residents, population, start=2012, end=2024, start_census=2010, end_census=2020
    )
    assert list(out.index) == CODES
    hokkaido = out.loc["01"]
    assert (hokkaido["residents_start"], hokkaido["residents_end"]) == (10, 30)
    assert hokkaido["growth_pct"] == pytest.approx(200)
    assert hokkaido["ratio"] == pytest.approx(3)
    assert (hokkaido["rate_start"], hokkaido["rate_end"]) == (10, 60)  # per 1,000
    assert hokkaido["rate_change"] == 50
    assert hokkaido["rank_end"] == 1 and hokkaido["growth_rank"] == 1
    assert out.loc["02", "growth_pct"] == pytest.approx(100)
    assert out.loc["02", "rank_end"] == 2  # ties share the best rank
    assert out.attrs == {
        "start": 2012, "end": 2024, "start_census": 2010, "end_census": 2020, "per": 1000,
        "unknown_start": 5.0, "unknown_end": 7.0,
    }  # fmt: skip
    assert out["pref_name_en"].iloc[0] == "Hokkaido"
    assert out["region_en"].iloc[-1] == "Kyushu-Okinawa"


def test_a_missing_prefecture_stays_missing():
    residents = pd.concat([tidy([1.0] * 47, 2012), tidy([2.0] * 47, 2024)])
    residents = residents[~((residents["key"] == "13") & (residents["year"] == 2024))]
    population = pd.concat([tidy([100.0] * 47, 2010), tidy([100.0] * 47, 2020)])
    out = local.prefecture_change(
        residents, population, start=2012, end=2024, start_census=2010, end_census=2020
    )
    assert np.isnan(out.loc["13", "rate_end"]) and np.isnan(out.loc["13", "growth_pct"])
    assert out.loc["13", "rank_end"] is pd.NA
    assert out.attrs["unknown_end"] == 0


def test_prefecture_change_refuses_bad_years():
    residents = pd.concat([tidy([1.0] * 47, 2012), tidy([2.0] * 47, 2024)])
    population = pd.concat([tidy([100.0] * 47, 2010), tidy([100.0] * 47, 2020)])
    with pytest.raises(ValueError, match="must be before"):
        local.prefecture_change(
            residents, population, start=2024, end=2012, start_census=2010, end_census=2020
        )
    no_2015 = r"population: no prefecture rows for 2015; years: \[2010, 2020\]"
    with pytest.raises(ValueError, match=no_2015):
        local.prefecture_change(
            residents, population, start=2012, end=2024, start_census=2015, end_census=2020
        )


def changes_frame():
    parts = pd.DataFrame(
        {
            "key": ["A", "B", "C", "unknown"] * 2,
            "year": [2000] * 4 + [2010] * 4,
            "value": [10.0, 20.0, 5.0, 1.0, 40.0, 15.0, 9.0, 2.0],
            "basis": "residence_statistics",
        }
    )
    total = pd.DataFrame(
        {"year": [2000, 2010], "value": [40.0, 70.0], "basis": "residence_statistics"}
    )
    return composition.contributions(parts, total, 2000, 2010)  # Other: 4 -> 4, change 0


def test_lump_contributions_keeps_the_largest_and_adds_up():
    out = local.lump_contributions(changes_frame(), 1, rest_label="Other {n}")
    assert out["key"].tolist() == ["A", "Other 2", "unknown"]
    assert out["change"].tolist() == [30, -1, 1]  # B -5, C +4 and Other 0 summed
    assert out.loc[1, ["value_start", "value_end"]].tolist() == [29, 28]
    assert out["change"].sum() == out.attrs["total_change"] == 30
    assert out["share_of_change_pct"].sum() == pytest.approx(100)
    assert out.attrs["lumped"] == ["C", "B"]


def test_lump_contributions_with_nothing_to_lump():
    out = local.lump_contributions(changes_frame(), 5)
    assert out["key"].tolist() == ["A", "C", "B", "Other", "unknown"]
    with pytest.raises(ValueError, match="non-negative"):
        local.lump_contributions(changes_frame(), -1)


def test_group_contributions_sums_by_group():
    out = local.group_contributions(changes_frame(), {"A": "north", "B": "south", "C": "north"})
    assert out["key"].tolist() == ["north", "south", "unknown"]  # Other (zero) dropped
    assert out["change"].tolist() == [34, -5, 1]
    assert out.loc[0, "change_pct"] == pytest.approx(100 * 34 / 15)
    assert out["change"].sum() == 30


def test_grouping_that_loses_a_line_is_refused():
    changes = changes_frame()
    changes = changes[changes["key"] != "B"]  # B's -5 is gone: the rest no longer adds up
    with pytest.raises(ValueError, match="add up to 35, not 30"):
        local.group_contributions(changes, {"A": "x"})


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real():
    residents = data.load("resident_foreigners_by_prefecture")
    population = data.load("prefecture_population")
    change = local.prefecture_change(
        residents, population, start=2012, end=2024, start_census=2010, end_census=2020
    )
    contrib = composition.contributions(residents, data.load("resident_foreigners"), 2012, 2024)
    return change, contrib


def test_real_rates_2012_and_2024(real):
    change, _ = real
    assert change["residents_start"].notna().all() and change["rate_end"].notna().all()
    assert change.attrs["unknown_start"] == 3_798 and change.attrs["unknown_end"] == 5_313
    assert change.loc["13", "rank_end"] == 1  # Tokyo: 738,946 per 14,047,594 (2020 census)
    assert round(change.loc["13", "rate_end"], 1) == 52.6
    assert (change["growth_pct"] > 0).all()  # every prefecture grew
    assert change.sort_values("growth_rank").index[0] == "43"  # Kumamoto, 9,110 -> 29,385


def test_real_contributions_add_up_to_the_national_rise(real):
    _, contrib = real
    lumped = local.lump_contributions(contrib, 8, rest_label="Other {n} prefectures")
    assert lumped["change"].sum() == 1_735_321  # 2,033,656 (2012) -> 3,768,977 (2024)
    assert lumped["key"].iloc[0] == "13" and lumped["key"].iloc[-1] == "unknown"
    regions = prefectures().set_index("pref_code")["region_en"]
    by_region = local.group_contributions(contrib, regions)
    assert by_region["change"].sum() == 1_735_321
    assert set(by_region["key"]) == {*regions, "unknown"}
    assert OTHER not in set(by_region["key"])


def test_sister_city_table_lists_what_exists():
    table = local.sister_city_table()
    totals = table[table["indicator"] == "sister_city_affiliations"]
    assert totals["value"].tolist() == [1_751, 1_786]
    assert totals["reference_date"].tolist() == ["2019-06-01", "2022-07-01"]
    assert totals["official"].tolist() == [False, True]  # 2019: an op-ed quoting CLAIR
    nz = table[table["key"] == "New_Zealand"]
    assert nz["what"].iloc[0] == "Sister-city affiliations with New Zealand"
    assert nz["value"].tolist() == [41, 43, 43, 44]
    assert table["indicator"].iloc[-1] == "sister_city_local_governments"
    assert table["value"].iloc[-1] == 828
