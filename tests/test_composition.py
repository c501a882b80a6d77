"""Who drove a change: shares, contributions that add up, rates per head, gaps."""

import numpy as np
import pandas as pd
import pytest

from analysis import composition, data
from analysis.composition import OTHER


def rows(records, basis="residence_statistics"):
    return pd.DataFrame(records, columns=["key", "year", "value"]).assign(basis=basis)


def totals(pairs, basis="residence_statistics"):
    return pd.DataFrame(pairs, columns=["year", "value"]).assign(basis=basis)


# --------------------------------------------------------------------------- known answers


def test_contributions_of_a_planted_change_add_up():
    parts = rows([("A", 2000, 10), ("B", 2000, 20), ("A", 2010, 40), ("B", 2010, 15),
                  ("C", 2010, 5)])  # fmt: skip
    total = totals([(2000, 50), (2010, 100)])
    out = composition.contributions(parts, total, 2000, 2010).set_index("key")
    assert out.loc["A", "change"] == 30 and out.loc["B", "change"] == -5
    # C is not listed in 2000: its 5 and everything unlisted make the Other row
    assert out.loc[OTHER, ["value_start", "value_end", "change"]].tolist() == [20, 45, 25]
    assert out["change"].sum() == 50 == out.attrs["total_change"]
    assert out["share_of_change_pct"].sum() == pytest.approx(100)
    assert out.loc["A", "change_pct"] == pytest.approx(300)
    assert list(out.index) == ["A", "B", OTHER]  # largest contribution first, Other last


def test_a_status_created_later_counts_as_zero_at_the_start():
    parts = rows([("student", 2015, 10), ("student", 2024, 12),
                  ("specified_skilled_worker", 2024, 30)])  # fmt: skip
    out = composition.contributions(parts, totals([(2015, 100), (2024, 150)]), 2015, 2024)
    ssw = out.set_index("key").loc["specified_skilled_worker"]
    assert (ssw["value_start"], ssw["change"]) == (0, 30)


def test_contributions_refuse_mixed_bases_and_bad_years():
    parts = pd.concat([rows([("A", 2011, 1)], "alien_registration"), rows([("A", 2012, 2)])])
    total = pd.concat([totals([(2011, 5)], "alien_registration"), totals([(2012, 6)])])
    with pytest.raises(ValueError, match="different statistical bases"):
        composition.contributions(parts, total, 2011, 2012)
    with pytest.raises(ValueError, match=r"start .* must be before end"):
        composition.contributions(parts, total, 2012, 2011)
    with pytest.raises(ValueError, match="2013 has no rows"):
        composition.contributions(parts, total, 2012, 2013)


# --------------------------------------------------------------------------- real data


def test_the_fall_after_2008_was_mostly_brazilians():
    """Registration basis, end-2008 (peak) to end-2011: 2,217,426 -> 2,078,508."""
    out = composition.contributions(
        data.load("registered_foreigners_by_nationality"),
        data.load("registered_foreigners"), 2008, 2011,
    ).set_index("key")  # fmt: skip
    assert out.attrs["total_change"] == 2_078_508 - 2_217_426
    assert out["change"].sum() == pytest.approx(out.attrs["total_change"])
    assert out.loc["Brazil", "change"] == 210_032 - 312_582
    assert out["change"].idxmin() == "Brazil"
    assert out.loc["Brazil", "share_of_change_pct"] > 70


def test_the_rise_after_2012_was_led_by_vietnam():
    out = composition.contributions(
        data.load("resident_foreigners_by_nationality"),
        data.load("resident_foreigners"), 2012, 2024,
    ).set_index("key")  # fmt: skip
    assert out.attrs["total_change"] == 3_768_977 - 2_033_656
    assert out["change"].sum() == pytest.approx(out.attrs["total_change"])
    assert out.loc["Vietnam", "change"] == 634_361 - 52_367
    assert out.drop(OTHER)["change"].idxmax() == "Vietnam"
    assert out.loc["Korea", "change"] < 0  # fewer Koreans in 2024 than in 2012


def test_shares_of_a_year_add_up_to_100():
    shares = composition.shares(
        data.load("resident_foreigners_by_nationality"), data.load("resident_foreigners")
    )
    by_year = shares.groupby("year")["share_pct"].sum()
    assert np.allclose(by_year, 100)
    china_2024 = shares.query("year == 2024 and key == 'China'")["share_pct"].item()
    assert china_2024 == pytest.approx(100 * 873_286 / 3_768_977)
    # 2008-2011 list Korea_incl_North only; 2012 on Korea alone: never both counted
    assert not shares.query("year >= 2012")["key"].eq("Korea_incl_North").any()


def test_per_head_covers_every_prefecture_and_refuses_bad_codes():
    people = data.load("prefecture_population").query("year == 2020").set_index("key")["value"]
    counts = (
        data.load("resident_foreigners_by_prefecture")
        .query("year == 2024 and key != 'unknown'")
        .set_index("key")["value"]
    )
    out = composition.per_head(counts, people, per=1_000)
    assert len(out) == 47 and out["rate"].notna().all()
    assert out.loc["13", "rate"] == pytest.approx(738_946 / 14_047_594 * 1_000)
    assert out["rank"].min() == 1
    with pytest.raises(ValueError, match="unknown pref_code"):
        composition.per_head(pd.Series([1.0], index=["unknown"]), people)
    with pytest.raises(ValueError, match="per must be a positive integer"):
        composition.per_head(counts, people, per=0)


# --------------------------------------------------------------------------- gaps and shares


def test_gaps_of_visa_issuance():
    # Lower bounds are not counts: series() leaves 2023 (416万件余り) out.
    assert composition.gaps(data.series("visa_issuance")) == [
        (1975, 1977), (1979, 1982), (1985, 2008), (2023, 2023),
    ]  # fmt: skip


def test_gaps_ignore_order_and_nan():
    s = pd.Series([1.0, np.nan, 3.0, 4.0], index=[2012, 2010, 2009, 2014])
    assert composition.gaps(s) == [(2010, 2011), (2013, 2013)]
    assert composition.gaps(pd.Series([1.0, 2.0], index=[2009, 2010])) == []


def test_share_of_total_known_answer():
    china = data.series("visa_issuance_by_country", key="China")
    share = composition.share_of_total(china, data.series("visa_issuance"))
    assert share.loc[2019, "share_pct"] == pytest.approx(100 * 6_539_083 / 8_277_340)
    assert share.loc[2019, "rest"] == 8_277_340 - 6_539_083
    assert 2011 not in share.index and 2023 not in share.index


def test_share_of_total_errors():
    with pytest.raises(ValueError, match="no year in common"):
        composition.share_of_total(pd.Series([1.0], index=[2000]), pd.Series([2.0], index=[2001]))
    with pytest.raises(ValueError, match=r"in 2001 the part \(5\) exceeds the total \(4\)"):
        composition.share_of_total(
            pd.Series([1.0, 5.0], index=[2000, 2001]), pd.Series([2.0, 4.0], index=[2000, 2001])
        )
