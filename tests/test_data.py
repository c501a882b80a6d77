"""Loaders: schema, known values from the report, and reconciliations with official data."""

import pandas as pd
import pytest

from analysis import data, metadata


@pytest.fixture(scope="module")
def figures():
    return data.report_figures()


def fig(figures, figure_id):
    return figures.set_index("figure_id").loc[figure_id]


# --------------------------------------------------------------------------- report figures


def test_report_figures_schema(figures):
    assert list(figures.columns) == data.FIGURE_COLUMNS
    assert figures["figure_id"].is_unique
    assert figures["value"].dtype == "float64"
    assert figures["line"].dtype == "int64"
    assert figures["approx"].dtype == bool
    # 53 figures in prose and the embassy table + 48 cells x 2 programmes x 2 numbers
    assert len(figures) == 53 + 192


@pytest.mark.parametrize(
    ("figure_id", "value", "approx", "line"),
    [
        ("entrants_2011", 7_140_000, True, 12),
        ("entrants_2010", 9_440_000, False, 13),
        ("entrants_2000", 5_270_000, True, 13),
        ("entrants_ratio_2011_2000", 1.4, True, 14),
        ("registered_2011", 2_080_000, True, 18),
        ("registered_2000", 1_690_000, True, 19),
        ("registered_ratio_2011_2000", 1.2, True, 19),
        ("visa_exempt_countries", 61, False, 131),
        ("okinawa_multiple_visas", 27_000, True, 161),
        ("indonesian_multiple_visas", 1_000, True, 170),
        ("ngos_in_cooperation", 400, False, 232),
        ("non_nuclear_envoys", 88, False, 386),
        ("recognised_states", 194, False, 251),
        ("embassies_1980", 102, False, 285),
        ("embassies_2012", 152, False, 289),
        ("jocv_cumulative", 37_532, False, 416),
        ("sv_cumulative", 5_011, False, 428),
        ("jocv_active", 2_018, False, 607),
        ("pref_01_jocv_cumulative", 1_906, False, 440),
        ("pref_01_jocv_2012", 45, False, 440),
        ("pref_13_sv_cumulative", 832, False, 468),
        ("pref_13_sv_2012", 47, False, 468),
        ("pref_99_sv_cumulative", 24, False, 582),
    ],
)
def test_report_figures_known_values(figures, figure_id, value, approx, line):
    row = fig(figures, figure_id)
    assert row["value"] == pytest.approx(value)
    assert bool(row["approx"]) is approx
    assert row["line"] == line


def test_ranges_keep_both_ends(figures):
    row = fig(figures, "jocv_age_range")
    assert (row["value"], row["high"]) == (20, 39)
    assert fig(figures, "embassies_planned_2013")["high"] == 3


def test_every_figure_is_printed_where_it_says(figures):
    lines = data.report_lines()
    for rec in figures.itertuples():
        window = "".join(lines[rec.line - 1 : rec.line + 2]).replace(" ", "")
        assert rec.as_printed.replace(" ", "") in window, rec.figure_id


# --------------------------------------------------------------------------- volunteers


@pytest.fixture(scope="module")
def volunteers():
    return data.volunteers_by_prefecture()


def test_volunteers_table_shape(volunteers):
    assert len(volunteers) == 48
    assert volunteers["pref_code"].tolist() == [f"{i:02d}" for i in range(1, 48)] + [""]
    assert volunteers.iloc[-1]["pref_name_ja"] == "その他"
    assert len(data.volunteers_by_prefecture(include_other=False)) == 47
    for col in ("jocv_cumulative_persons", "jocv_2012_persons", "sv_cumulative_persons",
                "sv_2012_persons"):
        assert volunteers[col].dtype == "int64"
        assert (volunteers[col] >= 0).all()


def test_volunteers_known_rows(volunteers):
    tokyo = volunteers.set_index("pref_code").loc["13"]
    assert tokyo["pref_name_ja"] == "東京都"
    assert tokyo[["jocv_cumulative_persons", "jocv_2012_persons", "sv_cumulative_persons",
                  "sv_2012_persons"]].tolist() == [3784, 105, 832, 47]
    assert tokyo["jocv_as_printed"] == "3,784（105）人"


def test_prefecture_rows_sum_to_the_reports_national_totals(volunteers, figures):
    """Report, 各論2(2): JOCV 37,532 and SV 5,011 to end-2012, その他 included."""
    assert volunteers["jocv_cumulative_persons"].sum() == fig(figures, "jocv_cumulative")["value"]
    assert volunteers["sv_cumulative_persons"].sum() == fig(figures, "sv_cumulative")["value"]


def test_year_2012_columns_sum(volunteers):
    # No national 2012 total is printed; the columns sum to 896 and 253.
    assert volunteers["jocv_2012_persons"].sum() == 896
    assert volunteers["sv_2012_persons"].sum() == 253


def test_the_year_count_never_exceeds_the_cumulative(volunteers):
    assert (volunteers["jocv_2012_persons"] <= volunteers["jocv_cumulative_persons"]).all()
    assert (volunteers["sv_2012_persons"] <= volunteers["sv_cumulative_persons"]).all()


# --------------------------------------------------------------------------- official series


@pytest.mark.parametrize("indicator", [i.name for i in metadata.INDICATORS])
def test_every_indicator_loads_tidy(indicator):
    ind = metadata.INDICATOR_BY_NAME[indicator]
    df = data.load(indicator)
    assert list(df.columns) == list(metadata.series_columns(ind.time))
    assert not df.empty
    assert df[ind.time].dtype == "int64"
    assert df["value"].dtype == "float64"
    assert not df.duplicated(["key", ind.time]).any()
    assert set(df["basis"]) <= set(ind.bases)
    assert (df["key"] == "").all() if ind.key is None else (df["key"] != "").all()
    assert (df["value"] >= 0).all()
    assert df["source_url"].str.startswith("http").all()
    assert (df["as_printed"] != "").all()
    assert set(df["unit"]) == {next(i.unit for i in metadata.INDICATORS if i.name == indicator)}


def test_unknown_indicator_names_the_known_ones():
    with pytest.raises(KeyError, match="foreign_entrants"):
        data.load("foreign_entrnats")


@pytest.mark.parametrize(
    ("figure_id", "year"),
    [("entrants_2011", 2011), ("entrants_2010", 2010), ("entrants_2000", 2000)],
)
def test_report_entrants_agree_with_moj_within_printed_rounding(figures, figure_id, year):
    """約714万人 means 7,135,000-7,145,000; the MOJ figure must fall inside."""
    moj = data.series("foreign_entrants").loc[year]
    printed = fig(figures, figure_id)["value"]
    assert abs(moj - printed) <= 5_000


@pytest.mark.parametrize(
    ("figure_id", "year"), [("registered_2011", 2011), ("registered_2000", 2000)]
)
def test_report_registered_foreigners_agree_with_moj(figures, figure_id, year):
    moj = data.series("registered_foreigners").loc[year]
    assert abs(moj - fig(figures, figure_id)["value"]) <= 5_000


def test_registered_foreigners_peak_at_end_2008():
    s = data.series("registered_foreigners")
    assert s.idxmax() == 2008
    assert s.max() == 2_217_426
    assert s.index.max() == 2011  # the registration system ended in July 2012


def test_moj_entrant_shock_of_2011():
    s = data.series("foreign_entrants")
    assert s.loc[2011] / s.loc[2010] - 1 == pytest.approx(-0.2444, abs=5e-4)


def test_embassies_join_report_table_and_later_official_counts():
    df = data.load("embassies_in_tokyo")
    assert df["year"].tolist() == [1980, 1990, 2000, 2010, 2012, 2014, 2017, 2022, 2023]
    assert (df.loc[df["year"] <= 2012, "basis"] == "report").all()
    assert df["value"].is_monotonic_increasing
    states = data.series("recognised_states")
    assert (df.set_index("year")["value"].reindex(states.index).dropna() <= states.loc[
        df.set_index("year")["value"].reindex(states.index).dropna().index]).all()


def test_report_total_supersedes_end_september_sv_figure():
    df = data.load("sv_cumulative").set_index("year")
    assert df.loc[2012, "value"] == 5011
    assert df.loc[2012, "basis"] == "report"


def test_series_leaves_out_lower_bounds_unless_asked():
    bounded = data.load("jocv_cumulative")
    n_bounds = (bounded["value_type"] == "lower_bound").sum()
    assert n_bounds > 0
    assert len(data.series("jocv_cumulative")) == len(bounded) - n_bounds
    assert len(data.series("jocv_cumulative", include_lower_bounds=True)) == len(bounded)


def test_series_by_key():
    china = data.series("visa_issuance_by_country", key="China")
    assert china.loc[2012] == 1_112_407
    with pytest.raises(KeyError, match="Atlantis"):
        data.series("visa_issuance_by_country", key="Atlantis")


def test_residents_have_both_bases_and_never_share_a_row():
    reg = data.load("registered_foreigners")
    res = data.load("resident_foreigners")
    assert set(reg["basis"]) == {"alien_registration"}
    assert set(res.loc[res["year"] <= 2011, "basis"]) == {"residence_statistics_restated"}
    assert set(res.loc[res["year"] >= 2012, "basis"]) == {"residence_statistics"}
    assert res.set_index("year").loc[2011, "value"] == 2_047_349


def test_indicator_catalogue():
    cat = data.indicators()
    assert cat["indicator"].tolist() == [i.name for i in metadata.INDICATORS]
    reg = cat.set_index("indicator").loc["registered_foreigners"]
    assert "9 July 2012" in reg["caveats"]
    assert reg["last_year"] == 2011
    assert "JNTO" in cat.set_index("indicator").loc["foreign_entrants", "caveats"]
    assert pd.api.types.is_integer_dtype(cat["first_year"])


def test_documented_gaps_are_the_real_gaps():
    """data/README.md lists the gaps; they must match the data (gaps stay gaps)."""
    readme = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    reg = set(data.series("registered_foreigners").index)
    assert set(range(1985, 2012)) - reg == {1986, 1987, 1992, 2002}
    assert "Registered foreigners: 1986–87, 1992 and 2002" in readme
    visas = set(data.load("visa_issuance")["year"])
    assert set(range(1974, 2025)) - visas == set(range(1975, 1978)) | set(range(1979, 1983)) | set(
        range(1985, 2009)
    )
    assert "Visa issuance: 1975–77, 1979–82 and 1985–2008" in readme
    embassies = set(data.load("embassies_in_tokyo")["year"])
    assert set(range(2013, 2025)) - embassies == {2013, 2015, 2016, 2018, 2019, 2020, 2021, 2024}
    assert "Embassies in Tokyo: 2013, 2015–16, 2018–21, 2024" in readme


def test_derived_rows_carry_their_arithmetic():
    derived = data.official_rows().query("status == 'derived'")
    assert len(derived) >= 10
    assert (derived["formula"] != "").all()
    rows = data.load("registered_foreigners").set_index("year")
    assert rows.loc[1991, "formula"] == "1778462 - 559571"
    assert rows.loc[1991, "value"] == 1_218_891
    assert rows.loc[1996, "value"] == 1_778_462 - 363_326


def test_47_prefectures_sum_to_the_census_totals():
    pop = data.load("prefecture_population")
    sums = pop.groupby("year")["value"].sum()
    counts = pop.groupby("year").size()
    assert counts.to_dict() == {2010: 47, 2020: 47}
    assert sums.to_dict() == {2010: 128_057_352, 2020: 126_146_099}
    japan = data.series("japan_population")
    assert (japan.loc[2010], japan.loc[2020]) == (128_057_352, 126_146_099)
    assert data.load("prefecture_population").query("key == '32' and year == 2010")[
        "value"
    ].item() == 717_397  # Shimane, 2010 census


def test_jnto_finals_replaced_the_estimates():
    arrivals = data.load("visitor_arrivals").set_index("year")
    assert arrivals.loc[2021, ["value", "status"]].tolist() == [245_862, "final"]
    assert arrivals.loc[2024, ["value", "status"]].tolist() == [36_870_148, "final"]


@pytest.mark.parametrize(
    ("indicator", "key", "year", "value"),
    [
        ("resident_foreigners_by_nationality", "Vietnam", 2012, 52_367),
        ("resident_foreigners_by_nationality", "Vietnam", 2024, 634_361),
        ("resident_foreigners_by_nationality", "China", 2023, 821_838),
        ("registered_foreigners_by_nationality", "Brazil", 2008, 312_582),
        ("registered_foreigners_by_nationality", "Brazil", 2011, 210_032),
        ("resident_foreigners_by_status", "permanent_resident", 2023, 891_569),
        ("resident_foreigners_by_status", "technical_intern_training", 2023, 404_556),
    ],
)
def test_composition_known_values(indicator, key, year, value):
    """Figures as the ministry printed them (e.g. 令和5年末 release: 中国821,838人)."""
    assert data.series(indicator, key=key).loc[year] == value


def test_china_with_and_without_taiwan_are_different_keys():
    reg = data.load("registered_foreigners_by_nationality")
    res = data.load("resident_foreigners_by_nationality")
    assert "China" not in set(reg["key"])  # registration counted Taiwan with China
    assert set(res.loc[res["year"] >= 2012, "key"]) >= {"China", "Taiwan", "Korea"}
    assert "China_incl_Taiwan" not in set(res.loc[res["year"] >= 2012, "key"])


def test_nationality_rows_never_exceed_the_years_total():
    for parts, total in (
        ("resident_foreigners_by_nationality", "resident_foreigners"),
        ("registered_foreigners_by_nationality", "registered_foreigners"),
        ("visitor_arrivals_by_market", "visitor_arrivals"),
    ):
        sums = data.load(parts).groupby(["year", "basis"])["value"].sum()
        totals = data.load(total).set_index(["year", "basis"])["value"]
        both = sums.index.intersection(totals.index)
        assert len(both) >= 4, parts
        assert (sums[both] <= totals[both]).all(), parts


def test_export_writes_every_table_and_a_descriptor_that_matches(tmp_path):
    import json

    written = data.export(tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == sorted(
        [f"{n}.csv" for n in data.tidy_tables()] + ["datapackage.json"]
    )
    descriptor = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        df = pd.read_csv(tmp_path / "out" / res["path"], dtype=str, keep_default_na=False)
        assert list(df.columns) == [f["name"] for f in res["schema"]["fields"]]
        assert len(df) > 0
    series = pd.read_csv(tmp_path / "out" / "series.csv")
    fiscal = pd.read_csv(tmp_path / "out" / "fiscal_series.csv")
    assert set(series["indicator"]) | set(fiscal["indicator"]) == {
        i.name for i in metadata.INDICATORS
    }
    assert "year" not in fiscal.columns and "fiscal_year" not in series.columns
    entrants = series[(series["indicator"] == "foreign_entrants") & (series["year"] == 2011)]
    assert entrants["value"].tolist() == [7_135_407]
