"""Bad input gets a clear error naming the file, row and value."""

import re
import shutil

import pandas as pd
import pytest

from analysis import data
from analysis.validate import DataValidationError


@pytest.fixture
def official(tmp_path):
    path = tmp_path / "official_series.csv"
    shutil.copy(data.OFFICIAL_SERIES_PATH, path)
    return path


@pytest.fixture
def figures_csv(tmp_path):
    path = tmp_path / "report_figures.csv"
    shutil.copy(data.REPORT_FIGURES_PATH, path)
    return path


def expect(message):
    """The error must contain ``message`` literally (file, row, column and value)."""
    return pytest.raises(DataValidationError, match=re.escape(message))


def edit(path, row, column, value):
    """Set one cell; ``row`` is the CSV line number (header = 1)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value
    df.to_csv(path, index=False, lineterminator="\n")


def test_the_shipped_files_pass():
    assert len(data.read_official_series()) > 300
    assert len(data.read_report_figures()) == 245


def test_non_numeric_value(official):
    edit(official, 5, "value", "12O")
    with expect("official_series.csv, row 5: column 'value' should be a number, got '12O'"):
        data.read_official_series(official)


def test_value_that_disagrees_with_the_figure_as_printed(official):
    df = pd.read_csv(official, dtype=str, keep_default_na=False)
    row = int(df.index[(df["indicator"] == "foreign_entrants") & (df["year"] == "2011")][0]) + 2
    edit(official, row, "value", "7135470")
    with expect(f"row {row}: value 7.13547e+06 disagrees with the figure as printed '7,135,407'"):
        data.read_official_series(official)


def test_duplicate_key_names_both_rows(official):
    df = pd.read_csv(official, dtype=str, keep_default_na=False)
    df = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    df.to_csv(official, index=False, lineterminator="\n")
    with expect(f"rows [5, {len(df) + 1}] share the key"):
        data.read_official_series(official)


def test_negative_value(official):
    edit(official, 7, "value", "-3")
    with expect("row 7: column 'value' is negative"):
        data.read_official_series(official)


def test_unknown_unit(official):
    edit(official, 9, "unit", "people")
    with expect("row 9: column 'unit' has 'people'"):
        data.read_official_series(official)


def test_missing_source(official):
    edit(official, 11, "source_url", "")
    with expect("row 11: source_url '' is not a web address"):
        data.read_official_series(official)


def test_bad_year(official):
    edit(official, 4, "year", "2011年")
    with expect("row 4: column 'year' should be an integer, got '2011年'"):
        data.read_official_series(official)


def test_wrong_header(official):
    text = official.read_text(encoding="utf-8").replace("as_printed", "printed", 1)
    official.write_text(text, encoding="utf-8")
    with expect("official_series.csv: header is"):
        data.read_official_series(official)


def test_figure_not_printed_on_its_line(figures_csv):
    edit(figures_csv, 2, "as_printed", "約715万人")
    with expect("report_figures.csv, row 2: '約715万人' is not printed at line 12"):
        data.read_report_figures(figures_csv)


def test_unparsable_figure(figures_csv):
    # A token that is in the text at that line but is not a number.
    edit(figures_csv, 2, "as_printed", "年間")
    with expect("report_figures.csv, row 2: cannot read the figure '年間'"):
        data.read_report_figures(figures_csv)


def test_line_outside_the_text(figures_csv):
    edit(figures_csv, 3, "line", "9999")
    with expect("row 3: line 9999 is outside the report text"):
        data.read_report_figures(figures_csv)


def test_unknown_section(figures_csv):
    edit(figures_csv, 4, "section", "sports")
    with expect("row 4: column 'section' has 'sports'"):
        data.read_report_figures(figures_csv)


def test_missing_file(tmp_path):
    with expect("file not found"):
        data.read_official_series(tmp_path / "nope.csv")
