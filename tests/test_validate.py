"""Bad input gets a clear error naming the file, row and value; nothing loads silently.

Every case corrupts a copy of the shipped data folder (never the files themselves) and
expects the loader to refuse it with a message that contains the given text. The cases
are grouped by category; README.md's reliability table counts them (a test keeps the
two in step).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis import data
from analysis.validate import DataValidationError, evaluate_formula

ENTRANTS = "raw/series/entrants.csv"
RESIDENTS = "raw/series/residents.csv"
EMBASSIES = "raw/series/embassies.csv"
POPULATION = "raw/series/population.csv"
NATIONALITY = "raw/series/residents_by_nationality.csv"
FIGURES = "raw/report_figures.csv"
E2011 = {"indicator": "foreign_entrants", "year": "2011"}
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    """One kind of bad input: its category, how to make it, what the error must say."""

    category: str
    name: str
    corrupt: Callable
    message: str


def edit(relative, match, **values):
    return lambda copy: copy.edit(relative, match, **values)


def replace_text(relative, old, new, count=1):
    def corrupt(copy):
        path = copy.path(relative)
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return corrupt


def write_bytes(relative, content: bytes):
    return lambda copy: copy.path(relative).write_bytes(content)


def header_only(copy):
    path = copy.path(ENTRANTS)
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def latin1(copy):
    path = copy.path(ENTRANTS)
    path.write_bytes(path.read_bytes().replace("人".encode(), b"\xe9", 1))


def duplicate_row(copy):
    rows = copy.rows(ENTRANTS)
    copy.write(ENTRANTS, [*rows, rows[3]])


def restated_twin(copy):
    """The 2012 resident count copied onto the restated basis, which ends in 2011."""
    rows = copy.rows(RESIDENTS)
    twin = next(r for r in rows if r["indicator"] == "resident_foreigners" and r["year"] == "2012")
    copy.write(RESIDENTS, [*rows, {**twin, "basis": "residence_statistics_restated"}])


def estimate_twin(copy):
    """The 2020 census population copied as an estimate: two bases for one year."""
    rows = copy.rows(POPULATION)
    twin = next(r for r in rows if r["indicator"] == "japan_population" and r["year"] == "2020")
    copy.write(POPULATION, [*rows, {**twin, "basis": "population_estimate"}])


def unterminated_quote(copy):
    with copy.path(ENTRANTS).open("a", encoding="utf-8") as f:
        f.write('foreign_entrants,,2030,,1,persons,exact,moj_entrants,final,"1\n')


def stray_file(copy):
    (copy.path("raw/series") / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")


def nationality_over_total(copy):
    rows = copy.rows(NATIONALITY)
    row = next(
        r for r in rows
        if r["indicator"] == "resident_foreigners_by_nationality" and r["year"] == "2024"
        and r["key"] == "China"
    )  # fmt: skip
    row.update(value="4000000", as_printed="4,000,000")
    copy.write(NATIONALITY, rows)


CASES = [
    # -- structure of a file
    Case(
        "structure",
        "missing file",
        lambda c: c.path(ENTRANTS).unlink(),
        "entrants.csv: file not found",
    ),
    Case("structure", "empty file", write_bytes(ENTRANTS, b""), "entrants.csv: the file is empty"),
    Case(
        "structure",
        "header only",
        header_only,
        "entrants.csv: the file has a header but no data rows",
    ),
    Case("structure", "not UTF-8", latin1, "entrants.csv, line"),
    Case(
        "structure",
        "misspelt header",
        replace_text(ENTRANTS, "reference_date", "ref_date"),
        "entrants.csv: header is",
    ),
    Case(
        "structure",
        "ragged row",
        replace_text(ENTRANTS, ",moj_entrants,", ",moj_entrants,,"),
        "entrants.csv, row 2: 15 fields, expected 14",
    ),
    Case(
        "structure",
        "unterminated quote",
        unterminated_quote,
        "entrants.csv, row 107: malformed CSV: unexpected end of data",
    ),
    Case(
        "structure",
        "stray file in the series folder",
        stray_file,
        "unexpected file(s) ['notes.csv']",
    ),
    # -- values
    Case(
        "values",
        "not a number",
        edit(ENTRANTS, E2011, value="12O"),
        "column 'value' should be a number, got '12O'",
    ),
    Case("values", "nan", edit(ENTRANTS, E2011, value="nan"), "column 'value' is empty"),
    Case(
        "values",
        "infinite",
        edit(ENTRANTS, E2011, value="inf"),
        "column 'value' is inf, not a finite number",
    ),
    Case(
        "values",
        "empty value",
        edit(ENTRANTS, E2011, value=""),
        "entrants.csv, row 23: column 'value' is empty",
    ),
    Case(
        "values",
        "negative count",
        edit(ENTRANTS, E2011, value="-7135407", as_printed="-7135407"),
        "value -7.13541e+06 is impossible",
    ),
    Case(
        "values",
        "percent above 100",
        edit(
            RESIDENTS,
            {"indicator": "registered_foreigners_share_pct", "year": "2011"},
            value="163",
            as_printed="163%",
            value_type="exact",
        ),
        "value 163 is impossible for unit 'percent'",
    ),
    Case(
        "values",
        "value disagrees with its print",
        edit(ENTRANTS, E2011, value="7135470"),
        "value 7.13547e+06 disagrees with the figure as printed '7,135,407'",
    ),
    Case(
        "values",
        "unreadable print",
        edit(ENTRANTS, E2011, as_printed="lots"),
        "cannot read a figure from 'lots'",
    ),
    Case(
        "values",
        "precision claimed beyond the print",
        edit(
            RESIDENTS,
            {"indicator": "registered_foreigners_share_pct", "year": "2011"},
            value_type="exact",
        ),
        "value_type 'exact' claims more than the print '1.63%'",
    ),
    Case(
        "values",
        "empty as_printed",
        edit(ENTRANTS, E2011, as_printed=""),
        "column 'as_printed' is empty",
    ),
    Case(
        "values",
        "not a web address",
        edit(ENTRANTS, E2011, source_url="see the ministry"),
        "column 'source_url' has 'see the ministry', which is not of the form",
    ),
    # -- years and dates
    Case(
        "years",
        "year not an integer",
        edit(ENTRANTS, E2011, year="2011.5"),
        "column 'year' should be an integer, got '2011.5'",
    ),
    Case(
        "years",
        "year in the future",
        edit(ENTRANTS, E2011, year="2050"),
        "entrants.csv, row 23: year 2050 is outside the plausible years of foreign_entrants "
        f"(1950-{dt.date.today().year}) (in the future)",
    ),
    Case(
        "years",
        "year out of range",
        edit(ENTRANTS, E2011, year="1850"),
        "column 'year' is 1850, outside the expected range 1900-2100",
    ),
    Case(
        "years",
        "before the indicator existed",
        edit(EMBASSIES, {"indicator": "recognised_states", "year": "2012"}, year="1930"),
        "year 1930 is outside the plausible years of recognised_states (1950-",
    ),
    Case(
        "years",
        "impossible date",
        edit(
            ENTRANTS, {"indicator": "visitor_arrivals", "year": "2021"}, reference_date="2021-02-30"
        ),
        "reference_date '2021-02-30' is not a real date",
    ),
    Case(
        "years",
        "malformed date",
        edit(ENTRANTS, E2011, reference_date="2011/12/31"),
        "column 'reference_date' has '2011/12/31', which is not of the form",
    ),
    Case(
        "years",
        "date outside the row's year",
        edit(ENTRANTS, E2011, reference_date="2012-01-01"),
        "reference_date 2012-01-01 is not in the row's year 2011",
    ),
    # -- vocabularies and bases
    Case(
        "vocabulary",
        "unknown indicator",
        edit(ENTRANTS, E2011, indicator="foreign_entrant"),
        "column 'indicator' has 'foreign_entrant', which is none of its",
    ),
    Case(
        "vocabulary",
        "unknown unit",
        edit(ENTRANTS, E2011, unit="people"),
        "column 'unit' has 'people'",
    ),
    Case(
        "vocabulary",
        "unit of another indicator",
        edit(ENTRANTS, E2011, unit="visas"),
        "unit 'visas' is not the unit of foreign_entrants ('persons')",
    ),
    Case(
        "vocabulary",
        "key on an un-keyed indicator",
        edit(ENTRANTS, E2011, key="China"),
        "key 'China' of foreign_entrants is not an empty key",
    ),
    Case(
        "vocabulary",
        "unknown key",
        edit(
            NATIONALITY,
            {"indicator": "resident_foreigners_by_nationality", "key": "Nepal", "year": "2024"},
            key="Nepol",
        ),
        "column 'key' has 'Nepol', which is none of its",
    ),
    Case(
        "vocabulary",
        "indicator in the wrong file",
        edit(
            EMBASSIES,
            {"indicator": "recognised_states", "year": "2012"},
            indicator="foreign_entrants",
            unit="persons",
            basis="moj_entrants",
        ),
        "indicator 'foreign_entrants' belongs in entrants.csv, not embassies.csv",
    ),
    Case(
        "bases",
        "basis the indicator does not have",
        edit(ENTRANTS, E2011, basis="census"),
        "basis 'census' is not a basis of foreign_entrants",
    ),
    Case(
        "bases",
        "registration basis after 2011",
        edit(
            RESIDENTS,
            {"indicator": "registered_foreigners", "year": "2011"},
            year="2013",
            reference_date="",
        ),
        "basis 'alien_registration' exists …-2011, not in 2013",
    ),
    Case(
        "bases",
        "restated basis after 2011",
        restated_twin,
        "basis 'residence_statistics_restated' exists 2008-2011, not in 2012",
    ),
    Case(
        "bases",
        "two bases for one key and year",
        estimate_twin,
        "on different bases ['census', 'population_estimate']: one basis per key and year",
    ),
    Case("bases", "duplicate row", duplicate_row, "share the key (indicator='foreign_entrants'"),
    # -- derived rows
    Case(
        "derived",
        "derived without formula",
        edit(RESIDENTS, {"indicator": "registered_foreigners", "year": "1991"}, formula=""),
        "status is 'derived' but the formula column is empty",
    ),
    Case(
        "derived",
        "derived value ×10",
        edit(RESIDENTS, {"indicator": "registered_foreigners", "year": "1991"}, value="12188910"),
        "value 1.21889e+07 does not recompute from its formula '1778462 - 559571'",
    ),
    Case(
        "derived",
        "formula with code",
        edit(
            RESIDENTS,
            {"indicator": "registered_foreigners", "year": "1991"},
            formula="__import__('os')",
        ),
        "column 'formula' has \"__import__('os')\", which is not of the form",
    ),
    Case(
        "derived",
        "formula on a final row",
        edit(ENTRANTS, E2011, formula="7135407"),
        "a formula '7135407' on a final row",
    ),
    # -- completeness and reconciliation
    Case(
        "tables",
        "a catalogued indicator deleted",
        lambda c: c.drop(EMBASSIES, {"indicator": "recognised_states"}),
        "no rows for the catalogued indicator(s) ['recognised_states']",
    ),
    Case(
        "tables",
        "parts above their total",
        nationality_over_total,
        "resident_foreigners_by_nationality 2024 (residence_statistics, 10 keys) sum to",
    ),
    Case(
        "tables",
        "47 prefectures off the census total",
        edit(
            POPULATION,
            {"indicator": "prefecture_population", "key": "13", "year": "2020"},
            value="14047595",
            as_printed="14,047,595",
        ),
        "prefecture_population 2020 (census, 47 keys) sum to 126,146,100, not the "
        "japan_population total 126,146,099",
    ),
    # -- the report's figures
    Case(
        "report",
        "figure not at its line",
        edit(FIGURES, {"figure_id": "entrants_2011"}, line="30"),
        "report_figures.csv, row 2: '約714万人' is not printed at line 30",
    ),
    Case(
        "report",
        "line outside the text",
        edit(FIGURES, {"figure_id": "entrants_2011"}, line="9999"),
        "report_figures.csv, row 2: line 9999 is outside the report text",
    ),
    Case(
        "report",
        "unknown section",
        edit(FIGURES, {"figure_id": "entrants_2011"}, section="weather"),
        "report_figures.csv, row 2: column 'section' has 'weather'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.category}: {c.name}" for c in CASES])
def test_bad_input_is_refused_with_a_clear_message(data_copy, case):
    case.corrupt(data_copy)
    with pytest.raises(DataValidationError) as caught:
        data.indicators()
        data.volunteers_by_prefecture()
    assert case.message in str(caught.value)


def test_the_shipped_files_pass():
    assert len(data.official_rows()) > 1000
    assert len(data.read_report_figures()) == 245


def test_a_byte_order_mark_is_tolerated(data_copy):
    path = data_copy.path(ENTRANTS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(data.load("foreign_entrants")) == 35


def test_messages_count_the_other_problems(data_copy):
    data_copy.edit(ENTRANTS, E2011, value="x")
    data_copy.edit(ENTRANTS, {"indicator": "foreign_entrants", "year": "2010"}, value="y")
    with pytest.raises(DataValidationError, match=r"\(and 1 more problem\(s\) in this file\)"):
        data.load("foreign_entrants")


@pytest.mark.parametrize(
    ("formula", "value"), [("1778462 - 559571", 1218891), ("196 - 1", 195), ("(3 + 4) * 2 / 7", 2)]
)
def test_formulas_are_exact_arithmetic(formula, value):
    assert evaluate_formula(formula) == value


@pytest.mark.parametrize("formula", ["x + 1", "2 ** 10", "open('f')", "1 / 0", "(1"])
def test_formulas_refuse_anything_else(formula):
    with pytest.raises(ValueError, match="formula"):
        evaluate_formula(formula)


def test_the_readme_counts_every_category():
    """README.md's reliability table lists each category with the number of cases here."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for category in {c.category for c in CASES}:
        count = sum(c.category == category for c in CASES)
        row = rf"\| data: {category}( \([^|]*\))? \| {count} \| {count} \| 0 \|"
        assert re.search(row, readme), (category, count)
