"""Claims registry: structure, known verdicts, rounding rules, and verdicts that follow the data."""

import csv
import dataclasses
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analysis import claims, data, metadata
from analysis.claims import (
    CLAIMS,
    COLUMNS,
    VERDICTS,
    Interval,
    Sources,
    check_all,
    format_table,
    rounding_interval,
    verdict,
)
from analysis.japanese import parse_number

INF = math.inf


@pytest.fixture(scope="module")
def sources():
    return Sources.load()


@pytest.fixture(scope="module")
def table(sources):
    return check_all(sources).set_index("claim_id", drop=False)


def _official(sources, indicator, year, value, key=""):
    """A copy of ``sources`` whose official value (indicator, key, year) is ``value``."""
    official = sources.official.copy()
    hit = (
        (official["indicator"] == indicator) & (official["key"] == key) & (official["year"] == year)
    )
    assert hit.sum() == 1
    official.loc[hit, "value"] = float(value)
    official.loc[hit, "as_printed"] = f"{value:,}"
    return dataclasses.replace(sources, official=official)


def _figure(sources, figure_id, value):
    figures = sources.figures.copy()
    hit = figures["figure_id"] == figure_id
    assert hit.sum() == 1
    figures.loc[hit, "value"] = float(value)
    return dataclasses.replace(sources, figures=figures)


def _verdicts(src):
    return check_all(src).set_index("claim_id")


# --------------------------------------------------------------------------- the registry


def test_registry_size_and_unique_ids(table):
    ids = [c.claim_id for c in CLAIMS]
    assert len(ids) >= 20
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


def test_claims_are_declarative():
    for claim in CLAIMS:
        assert isinstance(claim.check, partial), claim.claim_id
        assert claim.check.func.__module__ == "analysis.claims"
        assert claim.section in data.SECTIONS


def test_checked_against_names_real_data(sources):
    indicators = {i.name for i in metadata.INDICATORS}
    figure_ids = set(sources.figures["figure_id"])
    for claim in CLAIMS:
        assert claim.checked_against, claim.claim_id
        for ref in claim.checked_against:
            kind, _, name = ref.partition(":")
            if kind == "indicator":
                assert name in indicators, (claim.claim_id, ref)
            elif kind == "figure":
                assert name in figure_ids, (claim.claim_id, ref)
            else:
                assert kind == "table" and callable(getattr(data, name)), (claim.claim_id, ref)


def test_as_printed_is_printed_at_line():
    lines = data.report_lines()
    compact = re.sub(r"\s+", "", "".join(lines))
    for claim in CLAIMS:
        parts = claim.as_printed.split("; ")
        window = re.sub(r"\s+", "", "".join(lines[claim.line - 1 : claim.line + 2]))
        assert parts[0] in window, (claim.claim_id, claim.line, parts[0])
        for part in parts:
            assert part in compact, (claim.claim_id, part)


def test_code_column_names_the_check(table):
    assert table.loc["entrants_2011", "code"] == (
        "_printed_vs_official(figure_id='entrants_2011', indicator='foreign_entrants', "
        "year=2011, contrast='visitor_arrivals')"
    )


def test_check_all_loads_the_data_itself(table):
    assert check_all()["verdict"].tolist() == table["verdict"].tolist()


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
        ("embassies_trend_continues", "consistent"),
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
    assert "1986-1987, 1991-1992, 1996, 2002" in reason


def test_opened_2012_explains_the_missing_2011(table):
    row = table.loc["embassies_opened_2012"]
    assert "+2" in row["observed"]
    assert "no 2011 count" in row["reason"]


@pytest.mark.parametrize(
    ("count_2011", "expected"),
    [(150, "consistent"), (149, "inconsistent"), (151, "not-checkable")],
)
def test_opened_2012_becomes_checkable_with_a_2011_count(sources, count_2011, expected):
    row = sources.figures[sources.figures["figure_id"] == "embassies_2010"].assign(
        figure_id="embassies_2011", period="2011", value=float(count_2011)
    )
    src = dataclasses.replace(sources, figures=pd.concat([sources.figures, row]))
    assert _verdicts(src).loc["embassies_opened_2012", "verdict"] == expected


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


# --------------------------------------------------------------------------- rounding rules


@pytest.mark.parametrize(
    ("printed", "low", "high", "low_closed", "high_closed", "rounded"),
    [
        ("約714万人", 7_135_000, 7_145_000, True, True, True),
        ("944万人", 9_435_000, 9_445_000, True, True, True),
        ("約527万人", 5_265_000, 5_275_000, True, True, True),
        ("約1.4倍近く", 1.35, 1.40, True, True, True),
        ("約1.2倍", 1.15, 1.25, True, True, True),
        ("400以上", 400, INF, True, True, False),
        ("延べ88人", 88, 88, True, True, False),
        ("150を超える", 150, INF, False, True, False),
        ("3万7,532人", 37_532, 37_532, True, True, False),
        ("5,011人", 5_011, 5_011, True, True, False),
        ("約2万7,000件", 26_500, 27_500, True, True, True),
        ("約9,900件", 9_850, 9_950, True, True, True),
        ("約500件", 450, 550, True, True, True),
        ("2～3", 2, 3, True, True, False),
        ("5指に余ります", 5, INF, False, True, False),
        ("1.63%", 1.625, 1.635, True, True, True),
        ("900万人", 8_995_000, 9_005_000, True, True, True),
    ],
)
def test_rounding_interval_of_report_tokens(printed, low, high, low_closed, high_closed, rounded):
    interval = rounding_interval(printed)
    assert interval.low == pytest.approx(low)
    assert interval.high == pytest.approx(high)
    assert (interval.low_closed, interval.high_closed) == (low_closed, high_closed)
    assert interval.rounded is rounded
    assert rounding_interval(parse_number(printed)) == interval


@pytest.mark.parametrize(
    ("printed", "observed", "expected"),
    [
        ("約714万人", 7_135_407, "consistent-rounded"),
        ("約714万人", 7_140_000, "consistent"),
        ("約714万人", 7_134_999, "inconsistent"),
        ("約714万人", 7_145_001, "inconsistent"),
        ("944万人", 9_443_696, "consistent-rounded"),
        ("944万人", 9_440_000, "consistent"),
        ("944万人", 9_445_001, "inconsistent"),
        ("約1.4倍近く", 7_135_407 / 5_272_095, "consistent-rounded"),
        ("約1.4倍近く", 1.4, "consistent"),
        ("約1.4倍近く", 1.41, "inconsistent"),
        ("約1.4倍近く", 1.349, "inconsistent"),
        ("約1.2倍", 2_078_508 / 1_686_444, "consistent-rounded"),
        ("約1.2倍", 1.26, "inconsistent"),
        ("400以上", 400, "consistent"),
        ("400以上", 1_000, "consistent"),
        ("400以上", 399, "inconsistent"),
        ("延べ88人", 88, "consistent"),
        ("延べ88人", 87, "inconsistent"),
        ("150を超える", 152, "consistent"),
        ("150を超える", 150, "inconsistent"),
        ("3万7,532人", 37_532, "consistent"),
        ("3万7,532人", 37_533, "inconsistent"),
    ],
)
def test_verdict_of_report_tokens(printed, observed, expected):
    assert verdict(printed, observed) == expected


@pytest.mark.parametrize(
    ("printed", "text"),
    [
        ("約714万人", "7,135,000 ≤ x ≤ 7,145,000"),
        ("約1.4倍近く", "1.35 ≤ x ≤ 1.4"),
        ("150を超える", "x > 150"),
        ("400以上", "x ≥ 400"),
        ("3万7,532人", "x = 37,532"),
        ("10未満", "x < 10"),
    ],
)
def test_interval_text(printed, text):
    assert str(rounding_interval(printed)) == text


def test_interval_membership_ignores_float_noise():
    assert 1.35 in Interval(1.35, 1.4)
    assert 1.35 - 1e-12 in Interval(1.35, 1.4)
    assert 150 not in Interval(150, INF, low_closed=False)


@given(st.integers(5_000, 10**11))
@example(7_135_407)
@example(7_145_000)
@example(7_135_000)
def test_any_integer_printed_to_the_man_is_consistent(n):
    man = (n + 5_000) // 10_000  # rounded half up to the 万
    assert verdict(f"約{man}万人", n) == (
        "consistent" if n == man * 10_000 else "consistent-rounded"
    )


@given(st.floats(0.05, 100, allow_nan=False))
def test_any_ratio_printed_to_one_decimal_is_consistent(r):
    printed = Decimal(r).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert verdict(f"約{printed}倍", r) in {"consistent", "consistent-rounded"}


_SUFFIXES = ["", "近く", "以上", "以下", "を超える", "余り", "未満"]


@st.composite
def printed_figures(draw):
    digits = draw(st.integers(1, 10**7))
    decimals = draw(st.integers(0, 3))
    number = f"{Decimal(digits).scaleb(-decimals):f}"
    if decimals == 0 and draw(st.booleans()):
        number = f"{digits:,}"
    if draw(st.booleans()):
        number += "万"
    prefix = draw(st.sampled_from(["", "約"]))
    unit = draw(st.sampled_from(["", "人", "件", "倍", "か国"]))
    return prefix + number + unit + draw(st.sampled_from(_SUFFIXES))


@given(printed_figures())
@example("約1.4倍近く")
@example("150を超える")
def test_interval_contains_the_printed_value(printed):
    parsed = parse_number(printed)
    interval = rounding_interval(parsed)
    strict = (parsed.qualifier or "").endswith(("超", "余り", "未満"))
    assert (parsed.value in interval) is not strict
    if strict:
        assert parsed.value in (interval.low, interval.high)
    if (parsed.qualifier or "").endswith("近く"):
        assert interval.high == parsed.value and interval.high_closed
        assert interval.low < parsed.value
    if (parsed.qualifier or "") == "約":
        assert interval.low < parsed.value < interval.high
        assert parsed.value - interval.low == pytest.approx(interval.high - parsed.value)


@given(printed_figures(), st.floats(1e-6, 10.0), st.booleans())
def test_a_value_outside_the_interval_is_never_consistent(printed, offset, below):
    interval = rounding_interval(printed)
    edge = interval.low if below else interval.high
    if math.isinf(edge):
        return
    observed = edge - offset * max(1.0, abs(edge)) if below else edge + offset * max(1.0, abs(edge))
    assert verdict(printed, observed) == "inconsistent"


@given(printed_figures(), st.floats(0.0, 1.0))
def test_a_value_inside_the_interval_is_consistent(printed, t):
    interval = rounding_interval(printed)
    if math.isinf(interval.low) or math.isinf(interval.high):
        return
    observed = interval.low + t * (interval.high - interval.low)
    if observed in interval:  # open ends excluded
        assert verdict(printed, observed) in {"consistent", "consistent-rounded"}


# --------------------------------------------------------------------------- verdicts follow data


def test_changing_moj_2011_flips_the_entrants_claims(sources, table):
    changed = _verdicts(_official(sources, "foreign_entrants", 2011, 7_000_000))
    row = changed.loc["entrants_2011"]
    assert table.loc["entrants_2011", "verdict"] == "consistent-rounded"
    assert row["verdict"] == "inconsistent"
    assert row["gap"] == 140_000
    assert row["gap_pct"] == pytest.approx(2.0)
    assert changed.loc["entrants_ratio_2011_2000", "verdict"] == "inconsistent"  # 1.328


def test_changing_the_csv_in_a_temporary_copy_flips_the_verdict(sources, tmp_path):
    path = tmp_path / "official_series.csv"
    with data.OFFICIAL_SERIES_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    hit = [r for r in rows if r["indicator"] == "foreign_entrants" and r["year"] == "2011"]
    assert len(hit) == 1
    hit[0].update(value="7000000", as_printed="7,000,000")
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    official = data.read_official_series(path)[data.SERIES_COLUMNS]
    changed = _verdicts(dataclasses.replace(sources, official=official))
    assert changed.loc["entrants_2011", "verdict"] == "inconsistent"


def test_changing_one_prefecture_cell_flips_the_sums(sources):
    prefectures = sources.prefectures.copy()
    hokkaido = prefectures["pref_code"] == "01"
    prefectures.loc[hokkaido, "jocv_cumulative_persons"] += 1
    prefectures.loc[hokkaido, "sv_cumulative_persons"] -= 1
    changed = _verdicts(dataclasses.replace(sources, prefectures=prefectures))
    assert changed.loc["prefecture_table_jocv_total", "verdict"] == "inconsistent"
    assert changed.loc["prefecture_table_jocv_total", "gap"] == -1
    assert changed.loc["prefecture_table_sv_total", "verdict"] == "inconsistent"
    assert changed.loc["prefecture_table_sv_total", "gap"] == 1


def test_missing_data_makes_a_claim_not_checkable(sources):
    official = sources.official
    official = official[
        ~((official["indicator"] == "foreign_entrants") & (official["year"] == 2011))
    ]
    changed = _verdicts(dataclasses.replace(sources, official=official))
    for claim_id in ("entrants_2011", "entrants_fell_2011", "entrants_ratio_2011_2000"):
        assert changed.loc[claim_id, "verdict"] == "not-checkable"
        assert "2011" in changed.loc[claim_id, "reason"]


@pytest.mark.parametrize(
    ("change", "claim_id"),
    [
        (("official", "foreign_entrants", 2011, 9_000_000), "entrants_fell_2011"),
        (("official", "registered_foreigners", 2010, 2_300_000), "registered_peak_2008"),
        (("official", "registered_foreigners", 2010, 2_300_000), "registered_decline_since_2008"),
        (("official", "resident_foreigners", 2012, 2_050_000), "long_stay_decline_since_2008"),
        (("official", "visa_exempt_countries", 2013, 62), "visa_exempt_61"),
        (("official", "recognised_states", 2012, 193), "recognised_states_194"),
        (("official", "embassies_in_tokyo", 2023, 150), "embassies_trend_continues"),
        (("official", "jocv_cumulative", 2013, 37_000), "jocv_cumulative"),
        (("official", "jocv_cumulative_countries", 2010, 89), "jocv_countries_88"),
        (("official", "sv_cumulative", 2012, 5_100), "sv_cumulative"),
        (("figure", "embassies_1990", 100), "embassies_increasing_since_1980"),
        (("figure", "embassies_2012", 150), "embassies_over_150"),
        (("figure", "embassies_2012", 151), "embassies_152"),
    ],
)
def test_each_check_follows_its_data(sources, table, change, claim_id):
    kind, *args = change
    src = _official(sources, *args) if kind == "official" else _figure(sources, *args)
    row = _verdicts(src).loc[claim_id]
    assert table.loc[claim_id, "verdict"] != "inconsistent"
    assert row["verdict"] == "inconsistent"
    assert not math.isnan(row["gap"]) and not math.isnan(row["gap_pct"])


def test_a_visa_bound_can_refute(sources):
    src = _official(sources, "visa_issuance_by_country", 2012, 10_000, key="Thailand")
    row = _verdicts(src).loc["asean_multiple_visas"]
    assert row["verdict"] == "inconsistent"
    assert row["gap"] == 500  # 約1万1,000 allows 10,500 at least


def test_inconsistent_rows_have_a_gap(sources):
    src = _official(sources, "foreign_entrants", 2011, 9_000_000)
    src = _official(src, "registered_foreigners", 2010, 2_300_000)
    src = _official(src, "embassies_in_tokyo", 2023, 150)
    src = _figure(src, "embassies_1990", 100)
    changed = check_all(src)
    bad = changed[changed["verdict"] == "inconsistent"]
    assert len(bad) >= 6
    assert bad["gap"].notna().all() and bad["gap_pct"].notna().all()


# --------------------------------------------------------------------------- rendering


def test_format_table(table):
    text = format_table(table, width=110)
    lines = text.splitlines()
    assert all(claims._width(line) <= 110 for line in lines)
    assert lines[-1].startswith(f"{len(CLAIMS)} claims: ")
    column = claims._width(lines[0][: lines[0].index("verdict")])
    starts = [line for line in lines if line.split(" ", 1)[0] in set(table["claim_id"])]
    assert len(starts) == len(CLAIMS)
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
