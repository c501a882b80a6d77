"""Claims registry: a data table, known verdicts, and verdicts that follow the data."""

import json
import math
import re

import pandas as pd
import pytest

from analysis import claims, data
from analysis.claims import COLUMNS, VERDICTS, check_all, format_table, read_claims
from analysis.validate import DataValidationError

SERIES = "raw/series/{}.csv"


@pytest.fixture(scope="module")
def table():
    return check_all().set_index("claim_id", drop=False)


def verdicts():
    return check_all().set_index("claim_id")


# --------------------------------------------------------------------------- the registry


def test_registry_size_and_unique_ids(table):
    ids = [c.claim_id for c in claims.claims()]
    assert len(ids) == 36
    assert len(set(ids)) == len(ids)
    assert list(table.columns) == COLUMNS
    assert list(table["claim_id"]) == ids


def test_every_verdict_is_allowed(table):
    assert set(table["verdict"]) <= set(VERDICTS)
    assert table["line"].dtype == "int64"
    for column in ("gap", "gap_pct", "expected_value", "observed_value"):
        assert table[column].dtype == "float64"


def test_not_checkable_rows_have_a_reason(table):
    rows = table[table["verdict"] == "not-checkable"]
    assert len(rows) >= 8
    assert (rows["reason"].str.len() > 20).all()


def test_every_row_says_why(table):
    assert (table["reason"].str.len() > 0).all()
    assert (table["computation"].str.len() > 0).all()


def test_the_registry_is_data_pointing_at_report_figures():
    """Every claim is a row of data/claims.csv naming a check of analysis.claims."""
    path = data.path_of(claims.CLAIMS_FILE)
    assert path.name == "claims.csv"
    figure_ids = set(data.report_figures()["figure_id"])
    for claim in read_claims(path):
        assert claim.check in claims.CHECKS
        refs = [r.partition(":")[2] for r in claim.checked_against if r.startswith("figure:")]
        assert set(refs) <= figure_ids, claim.claim_id


def test_as_printed_is_printed_at_line():
    lines = data.report_lines()
    compact = re.sub(r"\s+", "", "".join(lines))
    for claim in claims.claims():
        parts = claim.as_printed.split("; ")
        window = re.sub(r"\s+", "", "".join(lines[claim.line - 1 : claim.line + 2]))
        assert parts[0] in window, (claim.claim_id, claim.line, parts[0])
        for part in parts:
            assert part in compact, (claim.claim_id, part)


def test_code_column_names_the_check(table):
    assert table.loc["entrants_2011", "code"] == (
        "printed_vs_official(figure_id='entrants_2011', indicator='foreign_entrants', "
        "year=2011, contrast='visitor_arrivals')"
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("check", "guess", "claims.csv, row 2: check 'guess' is not one of"),
        ("arguments", "{not json", "claims.csv, row 2: arguments are not JSON"),
        ("arguments", "[1, 2]", "claims.csv, row 2: arguments must be a JSON object"),
        ("arguments", json.dumps({"figure_id": "entrants_2011"}), "arguments do not fit"),
        ("checked_against", "figure:no_such_figure", "checked_against names data that do"),
        ("section", "weather", "claims.csv, row 2: column 'section' has 'weather'"),
        ("line", "twelve", "claims.csv, row 2: column 'line' should be an integer"),
    ],
)
def test_a_broken_registry_row_is_refused(data_copy, column, value, message):
    data_copy.edit("claims.csv", {"claim_id": "entrants_2011"}, **{column: value})
    with pytest.raises(DataValidationError, match=re.escape(message)):
        check_all()


# --------------------------------------------------------------------------- known verdicts


@pytest.mark.parametrize(
    ("claim_id", "expected"),
    [
        ("entrants_2011", "consistent-rounded"),
        ("entrants_2010", "consistent-rounded"),
        ("entrants_2000", "consistent-rounded"),
        ("entrants_fell_2011", "consistent"),
        ("entrants_ratio_2011_2000", "consistent-rounded"),
        ("registered_2011", "consistent-rounded"),
        ("registered_2000", "consistent-rounded"),
        ("registered_ratio_2011_2000", "consistent-rounded"),
        ("registered_peak_2008", "consistent"),
        ("registered_decline_since_2008", "consistent"),
        ("long_stay_decline_since_2008", "consistent"),
        ("visa_exempt_61", "consistent"),
        ("okinawa_multiple_visas", "not-checkable"),
        ("asean_multiple_visas", "not-checkable"),
        ("ngos_400", "not-checkable"),
        ("non_nuclear_envoys", "not-checkable"),
        ("embassies_over_150", "consistent"),
        ("recognised_states_194", "consistent"),
        ("embassies_152", "consistent"),
        ("embassies_increasing_since_1980", "consistent"),
        ("embassies_opened_2012", "not-checkable"),
        ("embassies_trend_continues", "partly-consistent"),
        ("jocv_cumulative", "consistent"),
        ("jocv_countries_88", "consistent"),
        ("sv_cumulative", "consistent"),
        ("sv_countries_70", "consistent"),
        ("prefecture_table_jocv_total", "consistent"),
        ("prefecture_table_sv_total", "consistent"),
        ("volunteers_serving_2012", "not-checkable"),
    ],
)
def test_known_verdicts(table, claim_id, expected):
    assert table.loc[claim_id, "verdict"] == expected


def test_entrants_2011_is_the_moj_series_not_jnto(table):
    row = table.loc["entrants_2011"]
    assert row["observed_value"] == 7_135_407
    assert row["expected_value"] == 7_140_000
    assert row["gap"] == 4_593
    assert row["gap_pct"] == pytest.approx(100 * 4_593 / 7_135_407)
    assert "visitor_arrivals 2011 = 6,218,752" in row["reason"]
    assert "would be inconsistent" in row["reason"]


def test_ratio_from_official_data_decides_and_printed_ratio_is_shown(table):
    row = table.loc["entrants_ratio_2011_2000"]
    assert row["observed_value"] == pytest.approx(7_135_407 / 5_272_095)
    assert "1.3548" in row["observed"]  # 714/527
    assert "Decided by the official ratio" in row["reason"]
    assert row["expected"].startswith("1.35 ≤ x ≤ 1.4")


def test_sharp_fall_reports_the_change(table):
    assert "-24.44 %" in table.loc["entrants_fell_2011", "observed"]


def test_peak_names_the_gaps_in_the_series(table):
    reason = table.loc["registered_peak_2008", "reason"]
    assert "1986-1987, 1992, 2002" in reason


def test_opened_2012_explains_the_missing_2011(table):
    row = table.loc["embassies_opened_2012"]
    assert "+2" in row["observed"]
    assert "no 2011 count" in row["reason"]


def test_trend_continues_notes_the_eu_delegation(table):
    row = table.loc["embassies_trend_continues"]
    assert "157 (2023)" in row["observed"]
    assert "EU Delegation" in row["reason"]


def test_brackets_of_cumulative_counts(table):
    assert table.loc["jocv_cumulative", "expected"].startswith("34,956 ≤ x ≤ 38,300")
    assert table.loc["jocv_countries_88", "expected"].startswith("87 ≤ x ≤ 88")
    assert table.loc["sv_cumulative", "expected"].startswith("x ≥ 4,982")


def test_consistent_rows_that_compare_one_value_have_a_gap(table):
    numeric = table[table["observed_value"].notna() & (table["verdict"] != "not-checkable")]
    assert len(numeric) >= 12
    assert numeric["gap"].notna().all()


def test_the_slowing_embassy_trend_is_only_partly_borne_out(table):
    row = table.loc["embassies_trend_continues"]
    assert row["verdict"] == "partly-consistent"
    assert "+0.45 a year 2012-2023 against +2.17 a year 2000-2012" in row["reason"]
    assert "No rise 2022-2023" in row["reason"]


# --------------------------------------------------------------------------- verdicts follow data


def _official(copy, indicator, year, value, key=""):
    """Set one official value (and its print) in the copy; return the CSV row."""
    stem = next(i.file for i in claims.metadata.INDICATORS if i.name == indicator)
    return copy.edit(
        SERIES.format(stem),
        {"indicator": indicator, "key": key, "year": str(year)},
        value=str(value),
        as_printed=f"{value:,}",
        value_type="exact",
        status="final",
        formula="",
    )


def _figure(copy, figure_id, printed):
    """Change a printed figure of the report copy (text and figure list together)."""
    rows = copy.rows("raw/report_figures.csv")
    row = next(r for r in rows if r["figure_id"] == figure_id)
    path = copy.path("raw/bluebook2013_ch4_s1.txt")
    lines = path.read_text(encoding="utf-8").split("\n")
    index = int(row["line"]) - 1
    assert row["as_printed"] in lines[index], (figure_id, lines[index])
    lines[index] = lines[index].replace(row["as_printed"], printed, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    copy.edit("raw/report_figures.csv", {"figure_id": figure_id}, as_printed=printed)


def test_changing_moj_2011_flips_the_entrants_claims(data_copy, table):
    _official(data_copy, "foreign_entrants", 2011, 7_000_000)
    row = verdicts().loc["entrants_2011"]
    assert table.loc["entrants_2011", "verdict"] == "consistent-rounded"
    assert row["verdict"] == "inconsistent"
    assert row["gap"] == 140_000
    assert row["gap_pct"] == pytest.approx(2.0)
    assert verdicts().loc["entrants_ratio_2011_2000", "verdict"] == "inconsistent"  # 1.328


def test_changing_one_prefecture_cell_flips_the_sums(data_copy):
    path = data_copy.path("raw/bluebook2013_ch4_s1.txt")
    text = path.read_text(encoding="utf-8")
    assert text.count("1,906（45）") == 1
    path.write_text(text.replace("1,906（45）", "1,907（45）"), encoding="utf-8")
    data_copy.edit(
        "raw/report_figures.csv",
        {"figure_id": "pref_01_jocv_cumulative"},
        as_printed="1,907（45）人",
    )
    data_copy.edit(
        "raw/report_figures.csv", {"figure_id": "pref_01_jocv_2012"}, as_printed="1,907（45）人"
    )
    changed = verdicts()
    assert changed.loc["prefecture_table_jocv_total", "verdict"] == "inconsistent"
    assert changed.loc["prefecture_table_jocv_total", "gap"] == -1


def test_missing_data_makes_a_claim_not_checkable(data_copy):
    stem = "entrants"
    assert (
        data_copy.drop(SERIES.format(stem), {"indicator": "foreign_entrants", "year": "2011"}) == 1
    )
    changed = verdicts()
    for claim_id in ("entrants_2011", "entrants_fell_2011", "entrants_ratio_2011_2000"):
        assert changed.loc[claim_id, "verdict"] == "not-checkable"
        assert "2011" in changed.loc[claim_id, "reason"]


@pytest.mark.parametrize(
    ("change", "claim_id"),
    [
        (("official", "foreign_entrants", 2011, 9_000_000), "entrants_fell_2011"),
        (("official", "registered_foreigners", 2010, 2_300_000), "registered_peak_2008"),
        (("official", "registered_foreigners", 2010, 2_300_000), "registered_decline_since_2008"),
        (("official", "resident_foreigners", 2010, 2_200_000), "long_stay_decline_since_2008"),
        (("official", "visa_exempt_countries", 2013, 62), "visa_exempt_61"),
        (("official", "recognised_states", 2012, 193), "recognised_states_194"),
        (("official", "embassies_in_tokyo", 2023, 150), "embassies_trend_continues"),
        (("official", "jocv_cumulative", 2013, 37_000), "jocv_cumulative"),
        (("official", "jocv_cumulative_countries", 2010, 89), "jocv_countries_88"),
        (("official", "sv_cumulative", 2012, 5_100), "sv_cumulative"),
        (("figure", "embassies_1990", "100"), "embassies_increasing_since_1980"),
        (("figure", "embassies_2012", "150"), "embassies_over_150"),
    ],
)
def test_each_check_follows_its_data(data_copy, table, change, claim_id):
    kind, *args = change
    if kind == "official":
        _official(data_copy, *args)
    else:
        _figure(data_copy, *args)
    row = verdicts().loc[claim_id]
    assert table.loc[claim_id, "verdict"] != "inconsistent"
    assert row["verdict"] == "inconsistent"
    assert not math.isnan(row["gap"]) and not math.isnan(row["gap_pct"])


def test_a_visa_bound_can_refute(data_copy):
    _official(data_copy, "visa_issuance_by_country", 2012, 10_000, key="Thailand")
    row = verdicts().loc["asean_multiple_visas"]
    assert row["verdict"] == "inconsistent"
    assert row["gap"] == 500  # 約1万1,000 allows 10,500 at least


def test_an_edit_in_the_same_session_is_seen(data_copy):
    """Results are cached on the files' content: an edit is never served stale."""
    assert verdicts().loc["visa_exempt_61", "verdict"] == "consistent"
    _official(data_copy, "visa_exempt_countries", 2013, 62)
    assert verdicts().loc["visa_exempt_61", "verdict"] == "inconsistent"


# --------------------------------------------------------------------------- rendering


def test_format_table(table):
    text = format_table(table, width=110)
    lines = text.splitlines()
    assert all(claims._width(line) <= 110 for line in lines)
    assert lines[-1].startswith(f"{len(claims.claims())} claims: ")
    column = claims._width(lines[0][: lines[0].index("verdict")])
    starts = [line for line in lines if line.split(" ", 1)[0] in set(table["claim_id"])]
    assert len(starts) == len(claims.claims())
    for line in starts:
        prefix = next(line[:i] for i in range(len(line)) if claims._width(line[:i]) == column)
        assert line[len(prefix) :].split(" ", 1)[0] in VERDICTS, line


def test_format_table_wraps_long_words():
    df = pd.DataFrame(
        [
            {
                "claim_id": "x",
                "line": 1,
                "as_printed": "この傾向は今後も続きそうです",
                "verdict": "consistent",
                "claim": "a " * 80,
                "expected": "",
                "observed": "",
                "gap": math.nan,
                "gap_pct": math.nan,
                "reason": "外交青書" * 30,
            }
        ]
    )
    lines = format_table(df, width=90).splitlines()
    assert all(claims._width(line) <= 90 for line in lines)
    assert max(claims._width(line) for line in lines) > 80
    assert text_count(lines, "外") == 30 and text_count(lines, "書") == 30


def text_count(lines, char):
    return sum(line.count(char) for line in lines)


# --------------------------------------------------------------------------- for readers


def test_verdict_counts_list_every_verdict_and_add_up(table):
    counts = claims.verdict_counts(table).set_index("verdict")
    assert list(counts.index) == list(VERDICTS)
    assert counts["claims"].sum() == 36
    assert counts.loc["inconsistent", "claims"] == 0  # zeros are kept
    assert counts.loc["partly-consistent", "claims"] == 1
    assert counts["meaning"].str.len().min() > 20


def test_verdicts_by_section_follow_the_reports_order(table):
    by_section = claims.verdicts_by_section(table)
    assert by_section["section"].tolist()[0] == "overview"
    assert by_section["claims"].sum() == 36
    assert (by_section[list(VERDICTS)].sum(axis=1) == by_section["claims"]).all()
    ngo = by_section.set_index("section").loc["ngo"]
    assert ngo["not-checkable"] == ngo["claims"] == 4
    with pytest.raises(ValueError, match="unknown section"):
        claims.verdicts_by_section(table.assign(section="weather"))


def test_rounding_intervals_show_what_each_rounded_print_allows(table):
    rounded = claims.rounding_intervals(table).set_index("claim_id")
    entrants = rounded.loc["entrants_2011"]
    assert (entrants["allowed_low"], entrants["allowed_high"]) == (7_135_000, 7_145_000)
    assert entrants["allowed_low"] <= entrants["observed_value"] <= entrants["allowed_high"]
    assert set(rounded["verdict"]) == {"consistent-rounded"}
    assert len(rounded) == 7
