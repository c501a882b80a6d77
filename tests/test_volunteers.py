"""Volunteers by home prefecture: known answers from the report's table, and reconciliation."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis import data, volunteers
from analysis.prefectures import REGIONS_EN


@pytest.fixture(scope="module")
def table():
    return data.volunteers_by_prefecture()


@pytest.fixture(scope="module")
def shares(table):
    return volunteers.prefecture_shares(table).set_index("pref_code")


@pytest.fixture(scope="module")
def regions(table):
    return volunteers.regional_totals(table).set_index("region_en")


@pytest.fixture(scope="module")
def rates(table):
    return volunteers.per_capita(table).set_index("pref_code")


def small_table():
    """Two prefectures and その他, shaped like data.volunteers_by_prefecture()."""
    return pd.DataFrame(
        {
            "pref_code": ["13", "31", ""],
            "pref_name_ja": ["東京都", "鳥取県", "その他"],
            "pref_name_en": ["Tokyo", "Tottori", "Other"],
            "region_en": ["Kanto", "Chugoku", ""],
            "jocv_cumulative_persons": [60, 30, 10],
            "jocv_2012_persons": [6, 0, 0],
            "sv_cumulative_persons": [8, 2, 0],
            "sv_2012_persons": [1, 1, 0],
        }
    )


# --------------------------------------------------------------------------- totals


def test_national_totals_include_other_and_match_the_report(table):
    totals = volunteers.national_totals(table)
    assert totals.to_dict() == {
        "jocv_cumulative_persons": 37_532,
        "jocv_2012_persons": 896,
        "sv_cumulative_persons": 5_011,
        "sv_2012_persons": 253,
    }
    assert totals.dtype == "int64"


def test_reconciliation_against_the_reports_prose(table):
    rec = volunteers.reconcile_totals(table).set_index("column")
    assert rec.loc["jocv_cumulative_persons", "report_total_persons"] == 37_532
    assert rec.loc["jocv_cumulative_persons", "report_as_printed"] == "3万7,532人"
    assert rec.loc["sv_cumulative_persons", "report_total_persons"] == 5_011
    assert rec.loc["jocv_cumulative_persons", "reconciles"]
    assert rec.loc["sv_cumulative_persons", "reconciles"]
    assert (rec.loc[["jocv_cumulative_persons", "sv_cumulative_persons"], "rows"] == 48).all()
    # no national total is printed for 2012: NaN and NA, not a made-up comparison
    assert rec.loc["jocv_2012_persons", "table_sum_persons"] == 896
    assert rec.loc["sv_2012_persons", "table_sum_persons"] == 253
    assert np.isnan(rec.loc["jocv_2012_persons", "report_total_persons"])
    assert pd.isna(rec.loc["sv_2012_persons", "reconciles"])


def test_reconciliation_flags_a_mismatch():
    figures = pd.DataFrame(
        {
            "figure_id": ["jocv_cumulative", "sv_cumulative"],
            "value": [101.0, 10.0],
            "as_printed": ["101人", "10人"],
        }
    )
    rec = volunteers.reconcile_totals(small_table(), figures).set_index("column")
    assert not rec.loc["jocv_cumulative_persons", "reconciles"]
    assert rec.loc["jocv_cumulative_persons", "difference_persons"] == -1
    assert rec.loc["sv_cumulative_persons", "reconciles"]


# --------------------------------------------------------------------------- shares, ranks


def test_tokyo_share_and_rank(shares):
    tokyo = shares.loc["13"]
    assert tokyo["label"] == "東京都 Tokyo"
    assert tokyo["jocv_cumulative_share_pct"] == pytest.approx(100 * 3_784 / 37_532)
    assert tokyo["sv_cumulative_share_pct"] == pytest.approx(100 * 832 / 5_011)
    assert tokyo["jocv_2012_share_pct"] == pytest.approx(100 * 105 / 896)
    assert tokyo["jocv_2012_of_cumulative_pct"] == pytest.approx(100 * 105 / 3_784)
    assert tokyo["sv_per_100_jocv"] == pytest.approx(100 * 832 / 3_784)
    assert tokyo["jocv_cumulative_rank"] == 1
    assert tokyo["sv_cumulative_rank"] == 1


def test_shares_exclude_other_but_use_it_in_the_denominator(shares):
    assert len(shares) == 47
    assert "" not in shares.index
    # the 47 prefectures hold all but その他's 2 JOCV and 24 SV
    assert shares["jocv_cumulative_share_pct"].sum() == pytest.approx(100 * 37_530 / 37_532)
    assert shares["sv_cumulative_share_pct"].sum() == pytest.approx(100 * 4_987 / 5_011)


def test_ranks_run_from_one_and_ties_share_the_better_rank(shares):
    assert shares["jocv_cumulative_rank"].min() == 1
    assert shares.loc["14", "jocv_cumulative_rank"] == 2  # 神奈川県 2,615
    # 岩手県, 群馬県, 奈良県, 岡山県 and 新潟県 each sent 54 SV: one shared rank
    tied = shares.loc[shares["sv_cumulative_persons"] == 54, "sv_cumulative_rank"]
    assert len(tied) == 5
    assert (tied == tied.iloc[0]).all()


def test_rank_descending_leaves_nan_unranked():
    ranks = volunteers.rank_descending(pd.Series([5.0, np.nan, 9.0, 5.0]))
    assert ranks.tolist() == [2, pd.NA, 1, 2]
    assert str(ranks.dtype) == "Int64"


# --------------------------------------------------------------------------- regions


def test_regions_in_order_and_sum_to_the_national_totals(regions, table):
    assert regions.index.tolist() == [*REGIONS_EN, volunteers.OTHER_REGION]
    for col in volunteers.COUNT_COLUMNS:
        assert regions[col].sum() == table[col].sum()
    assert regions["prefectures"].tolist() == [1, 6, 7, 9, 7, 5, 4, 8, 0]


def test_kanto_total_and_share(regions):
    kanto = regions.loc["Kanto"]
    # 茨城 733 + 栃木 539 + 群馬 612 + 埼玉 1,661 + 千葉 1,614 + 東京 3,784 + 神奈川 2,615
    assert kanto["jocv_cumulative_persons"] == 11_558
    # 143 + 60 + 54 + 269 + 352 + 832 + 620
    assert kanto["sv_cumulative_persons"] == 2_330
    assert kanto["jocv_cumulative_share_pct"] == pytest.approx(100 * 11_558 / 37_532)
    assert kanto["label"] == "関東 Kanto"


def test_regions_without_other(table):
    regions = volunteers.regional_totals(table, include_other=False)
    assert regions["region_en"].tolist() == list(REGIONS_EN)
    assert regions["jocv_cumulative_persons"].sum() == 37_530
    # shares keep the national denominator
    assert regions["jocv_cumulative_share_pct"].sum() == pytest.approx(100 * 37_530 / 37_532)


def test_regional_totals_of_a_small_table():
    out = volunteers.regional_totals(small_table()).set_index("region_en")
    assert out.loc["Kanto", "jocv_cumulative_persons"] == 60
    assert out.loc["Kanto", "jocv_cumulative_share_pct"] == pytest.approx(60.0)
    assert out.loc["Other", "jocv_cumulative_persons"] == 10
    assert out.loc["Hokkaido", "jocv_cumulative_persons"] == 0  # no rows: zero, not NaN
    assert out.loc["Hokkaido", "prefectures"] == 0


# --------------------------------------------------------------------------- per capita


def test_tokyo_per_capita(rates):
    tokyo = rates.loc["13"]
    assert tokyo["population_2010_persons"] == 13_159_388
    assert tokyo["jocv_cumulative_per_100k"] == pytest.approx(3_784 / 13_159_388 * 100_000)
    assert tokyo["sv_cumulative_per_100k"] == pytest.approx(832 / 13_159_388 * 100_000)
    assert tokyo["per_capita_note"] == ""


def test_every_prefecture_has_a_rate(rates):
    """The 2010 census covers all 47 prefectures: no rate is missing, none is filled."""
    assert rates["population_2010_persons"].notna().all()
    assert rates["population_2010_persons"].sum() == 128_057_352
    assert rates["jocv_per_100k_rank"].tolist().count(1) == 1
    assert (rates["per_capita_note"] == "").all()


def test_shimane_has_the_highest_rate(rates):
    """312 JOCV volunteers per 717,397 people: not Tottori, as 11 prefectures suggested."""
    assert rates.loc["32", "jocv_per_100k_rank"] == 1
    assert rates.loc["32", "jocv_cumulative_per_100k"] == pytest.approx(312 / 717_397 * 1e5)
    assert rates.loc["31", "jocv_per_100k_rank"] == 2


def test_kantos_rate_is_below_the_national_rate():
    """Kanto sends the most volunteers, but fewer per head than Japan as a whole."""
    regions = volunteers.regional_totals().set_index("region_en")
    national = volunteers.national_per_capita()["jocv_cumulative_per_100k"]
    kanto = regions.loc["Kanto"]
    assert kanto["jocv_cumulative_share_pct"] < kanto["population_share_pct"]
    assert kanto["jocv_cumulative_per_100k"] < national
    assert regions["population_share_pct"].sum() == pytest.approx(100)


def small_population(keys, values):
    return pd.DataFrame(
        {
            "key": keys,
            "year": [volunteers.CENSUS_YEAR] * len(keys),
            "value": values,
            "source_url": ["https://example.org/census"] * len(keys),
        }
    )


def test_per_capita_with_a_small_population_table():
    out = volunteers.per_capita(small_table(), small_population(["13"], [200.0]))
    out = out.set_index("pref_code")
    assert out.loc["13", "jocv_cumulative_per_100k"] == pytest.approx(60 / 200 * 100_000)
    assert math.isnan(out.loc["31", "jocv_cumulative_per_100k"])
    assert out.loc["31", "per_capita_note"] == volunteers.NO_POPULATION_REASON
    assert out.loc["31", "population_source_url"] == ""
    assert "" not in out.index  # その他 has no population


@pytest.mark.parametrize(
    ("keys", "message"), [(["13", "13"], "repeats"), (["99"], "unknown pref_code")]
)
def test_per_capita_refuses_bad_population_tables(keys, message):
    with pytest.raises(ValueError, match=message):
        volunteers.per_capita(small_table(), small_population(keys, [1.0] * len(keys)))


def test_national_per_capita_uses_the_2010_census(table):
    rates = volunteers.national_per_capita(table)
    assert rates["jocv_cumulative_per_100k"] == pytest.approx(37_532 / 128_057_352 * 1e5)
    assert rates["sv_cumulative_per_100k"] == pytest.approx(5_011 / 128_057_352 * 1e5)
    # those sent in 2012 alone, over the same population
    assert rates["jocv_2012_per_100k"] == pytest.approx(896 / 128_057_352 * 1e5)
    assert rates["sv_2012_per_100k"] == pytest.approx(253 / 128_057_352 * 1e5)


def test_kanto_sent_the_fewest_per_head_in_2012_alone(regions):
    """Not an artefact of a 1965-2012 count over a 2010 population: 2012 alone agrees."""
    kanto = regions.loc["Kanto"]
    # 105 + 55 + 35 + 31 + 13 + 12 + 11 JOCV sent in 2012 from Kanto's seven prefectures
    assert kanto["jocv_2012_persons"] == 262
    assert kanto["jocv_2012_per_100k"] == pytest.approx(262 / 42_604_085 * 1e5)
    assert regions["jocv_2012_per_100k"].idxmin() == "Kanto"
    assert math.isnan(regions.loc[volunteers.OTHER_REGION, "sv_2012_per_100k"])


def test_regional_rates_of_a_small_table():
    population = small_population(["13", "31"], [2_000.0, 1_000.0])
    out = volunteers.regional_totals(small_table(), population=population).set_index("region_en")
    assert out.loc["Kanto", "jocv_cumulative_per_100k"] == pytest.approx(60 / 2_000 * 1e5)
    assert out.loc["Kanto", "jocv_2012_per_100k"] == pytest.approx(6 / 2_000 * 1e5)
    assert out.loc["Chugoku", "sv_2012_per_100k"] == pytest.approx(1 / 1_000 * 1e5)
    assert out.loc["Kanto", "population_share_pct"] == pytest.approx(100 * 2 / 3)


# --------------------------------------------------------------------------- series


def test_cumulative_series_has_the_reports_end_2012_points():
    df = volunteers.cumulative_series()
    report = df[df["basis"] == "report"].set_index("indicator")
    assert report.loc["jocv_cumulative", "value"] == 37_532
    assert report.loc["sv_cumulative", "value"] == 5_011
    assert (report["year"] == 2012).all()
    assert set(df["programme"]) == set(volunteers.PROGRAMMES.values())
    exact = volunteers.cumulative_series(include_lower_bounds=False)
    assert (exact["value_type"] != "lower_bound").all()
    assert len(exact) < len(df)
    for _, rows in exact.groupby("indicator"):
        assert rows.sort_values("year")["value"].is_monotonic_increasing


def test_lower_bounds_are_consistent_with_the_next_exact_count():
    checks = volunteers.check_lower_bounds(data.load("jocv_cumulative")).set_index("year")
    assert checks.loc[2007, "bound_persons"] == 30_000
    assert checks.loc[2007, "previous_year"] == 2006
    assert checks.loc[2007, "next_persons"] == 32_172
    assert checks["consistent"].all()


def test_a_bound_above_the_next_count_is_inconsistent_and_a_last_bound_is_na():
    series = pd.DataFrame(
        {
            "year": [2000, 2001, 2002, 2003],
            "value": [10.0, 50.0, 20.0, 30.0],
            "value_type": ["exact", "lower_bound", "exact", "lower_bound"],
            "as_printed": ["10", "over 50", "20", "over 30"],
        }
    )
    checks = volunteers.check_lower_bounds(series).set_index("year")
    assert not checks.loc[2001, "consistent"]
    assert pd.isna(checks.loc[2003, "consistent"])
    assert pd.isna(checks.loc[2003, "next_year"])


def test_annual_increase_between_end_2008_and_end_2012():
    jocv = data.load("jocv_cumulative")
    # 32,172 (31 Dec 2008) → 37,532 (31 Dec 2012): 5,360 in 1,461 days
    assert volunteers.annual_increase(jocv, 2008, 2012) == pytest.approx(
        5_360 / (1_461 / 365.25)
    )
    assert volunteers.annual_increase(jocv, 2008, 2012) == pytest.approx(1_340, abs=0.5)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(2003, 2012, "not a full date"), (2012, 2008, "does not follow"), (2001, 2012, "found 0")],
)
def test_annual_increase_refuses_undated_or_reversed_spans(start, end, message):
    with pytest.raises(ValueError, match=message):
        volunteers.annual_increase(data.load("jocv_cumulative"), start, end)


def test_lower_bounds_of_both_programmes_at_once():
    checks = volunteers.check_lower_bounds(volunteers.cumulative_series())
    assert len(checks) == 6
    assert checks.groupby("programme").size().to_dict() == {
        volunteers.PROGRAMMES["jocv_cumulative"]: 3,
        volunteers.PROGRAMMES["sv_cumulative"]: 3,
    }
    sv = checks[checks["programme"] == volunteers.PROGRAMMES["sv_cumulative"]]
    # 延べ4500人以上 (2011) lies between 3,817 (May 2009) and the report's 5,011 (end-2012)
    assert sv.set_index("year").loc[2011, ["previous_persons", "next_persons"]].tolist() == [
        3_817, 5_011,
    ]
    assert checks["consistent"].all()


def test_mark_report_points_adds_the_report_rows_once_more():
    jocv = data.load("jocv_cumulative")
    marked = volunteers.mark_report_points(jocv)
    exact = jocv[jocv["value_type"] != "lower_bound"]
    assert len(marked) == len(exact) + 1
    report = marked[marked["shown_as"] == volunteers.REPORT_POINT_LABEL]
    assert report[["year", "value"]].to_numpy().tolist() == [[2012, 37_532]]
    line = marked[marked["shown_as"] == volunteers.ALL_COUNTS_LABEL]
    assert 2012 in line["year"].tolist()
    assert (marked["value_type"] != "lower_bound").all()
