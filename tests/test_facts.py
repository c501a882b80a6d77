"""Fact tables: the NGO and local-government figures as the report prints them."""

import math

import pandas as pd
import pytest

from analysis import data, facts, metadata


@pytest.fixture(scope="module")
def figures():
    return data.report_figures()


def test_ngo_fact_table_known_answers(figures):
    ngo = facts.fact_table("ngo", figures=figures).set_index("figure_id")
    assert list(ngo.reset_index().columns) == facts.FACT_COLUMNS
    assert len(ngo) == 11
    expected = {
        "ngos_in_cooperation": (400, "NGOs", "lower bound (以上)", "≥ 400"),
        "ngo_grant_ngos": (48, "NGOs", "exact", "48"),
        "ngo_grant_countries": (28, "countries (か国)", "exact", "28"),
        "ngo_grant_regions": (1, "regions (地域)", "exact", "1"),
        "ngo_grant_projects": (78, "items (件)", "exact", "78"),
        "jpf_ngos": (37, "NGOs", "exact", "37"),
        "ngo_study_groups": (5, "organisations (団体)", "exact", "5"),
        "ngo_counsellor_orgs": (17, "organisations (団体)", "exact", "17"),
        "ngo_support_programmes": (4, "programmes (事業)", "exact", "4"),
        "ngo_committee_meetings": (3, "times (回)", "exact", "3"),
        "non_nuclear_envoys": (88, "persons (人)", "person-times (延べ)", "88"),
    }
    for figure_id, (value, unit, kind, reads_as) in expected.items():
        row = ngo.loc[figure_id]
        assert (row["value"], row["unit"], row["kind"], row["reads_as"]) == (
            value, unit, kind, reads_as,
        ), figure_id


def test_local_fact_table_known_answers(figures):
    local = facts.fact_table("local", figures=figures)
    assert local["figure_id"].tolist() == [
        "disaster_prefectures", "regional_pr_events", "regional_tours",
    ]
    assert local["value"].tolist() == [3, 9, 2]
    assert local["as_printed"].tolist() == ["3県", "9件", "2回"]
    assert local["line"].is_monotonic_increasing


def test_rows_follow_the_reading_order_and_keep_the_print(figures):
    for section in metadata.SECTIONS:
        table = facts.fact_table(section, figures=figures)
        assert table["line"].is_monotonic_increasing, section
        assert table["value"].dtype == "float64"
        assert table["unit"].str.len().gt(0).all(), section
        assert table["reads_as"].str.len().gt(0).all(), section


def test_every_ngo_and_local_figure_has_a_named_unit(figures):
    for section in ("ngo", "local", "volunteers"):
        units = facts.fact_table(section, figures=figures)["unit"]
        assert not units.str.contains("no counter").any(), section


def test_table_cells_are_left_out_unless_asked(figures):
    prose = facts.fact_table("volunteers", figures=figures)
    assert not prose["figure_id"].str.startswith("pref_").any()
    assert len(prose) == 14
    cells = facts.fact_table("volunteers", figures=figures, include_table_cells=True)
    assert len(cells) == 14 + 48 * 2 * 2


def test_ranges_show_both_ends(figures):
    vol = facts.fact_table("volunteers", figures=figures).set_index("figure_id")
    assert vol.loc["jocv_age_range", "kind"] == "range"
    assert vol.loc["jocv_age_range", "reads_as"] == "20–39"
    assert vol.loc["jocv_cumulative", "reads_as"] == "37,532"
    assert math.isnan(vol.loc["jocv_cumulative", "high"])


def test_unknown_section_names_the_known_ones():
    with pytest.raises(ValueError, match="known: overview"):
        facts.fact_table("ngos")


def test_unit_names():
    assert facts.unit_en("x", "団体") == "organisations (団体)"
    assert facts.unit_en("jpf_ngos", None) == "NGOs"
    assert facts.unit_en("x", float("nan")) == "(no counter printed)"
    with pytest.raises(KeyError, match="UNITS_EN"):
        facts.unit_en("x", "頭")


def test_an_unknown_counter_in_the_figures_is_reported():
    figures = pd.DataFrame(
        {
            "figure_id": ["a"], "section": ["ngo"], "subject": ["s"], "period": ["2012"],
            "line": [1], "as_printed": ["3頭"], "component": [""], "value": [3.0],
            "high": [float("nan")], "unit_as_printed": ["頭"], "approx": [False],
            "qualifier": [None],
        }
    )
    with pytest.raises(KeyError, match="'頭' of 'a'"):
        facts.fact_table("ngo", figures=figures)


def test_ngo_grants_sets_the_report_beside_fiscal_years(figures):
    grants = facts.ngo_grants(figures=figures)
    assert list(grants.columns) == facts.NGO_GRANT_COLUMNS
    assert grants["period_kind"].tolist()[0] == "calendar year, as of 31 December"
    assert grants["fiscal_year"].tolist()[1:] == [2017, 2021, 2023]
    assert grants["year"].tolist()[0] == 2012 and grants["year"].isna().sum() == 3
    assert grants["period_year"].tolist() == [2012, 2017, 2021, 2023]
    assert grants["projects"].tolist() == [78, 113, 96, 109]
    assert math.isnan(grants.loc[0, "amount_jpy"])  # the report prints no yen
    assert grants["amount_jpy"].tolist()[1:] == [5.07e9, 5.7e9, 6.96e9]
    assert grants.loc[1, "amount_per_project_jpy"] == pytest.approx(5.07e9 / 113)
    assert grants["ngos"].tolist()[:3] == [48, 62, 51] and math.isnan(grants.loc[3, "ngos"])
    assert grants["countries"].tolist()[:3] == [28, 35, 35]
    assert set(grants["amount_value_type"]) == {"", "rounded"}


def test_ngo_grant_counts_come_from_their_own_rows():
    """MOFA printed 62 NGOs in 35 countries and 1 region for FY2017, 51 for FY2021."""
    grants = facts.ngo_grants().set_index("period_year")
    assert grants.loc[2017, ["ngos", "countries", "regions"]].tolist() == [62, 35, 1]
    assert grants.loc[2021, ["ngos", "countries", "regions"]].tolist() == [51, 35, 1]
    assert grants.loc[2023, ["ngos", "countries", "regions"]].isna().all()
    assert data.load("ngo_grant_ngos").set_index("fiscal_year").loc[2017, "as_printed"] == "62団体"


def test_ngo_grants_refuse_unmatched_fiscal_years(figures):
    projects = data.load("ngo_grant_projects")
    amounts = data.load("ngo_grant_amount_jpy")
    with pytest.raises(ValueError, match="amounts for"):
        facts.ngo_grants(figures=figures, projects=projects, amounts=amounts.iloc[:2])


def test_jpf_members_join_the_report_count(figures):
    jpf = facts.jpf_members(figures=figures)
    assert list(jpf.columns) == facts.JPF_COLUMNS
    assert jpf["year"].tolist() == [2003, 2012]
    assert jpf["ngos"].tolist() == [17, 37]
    assert jpf["reference_date"].tolist() == ["2003-12-18", "2012-12-31"]
    assert jpf["source"].iloc[-1] == "report"
