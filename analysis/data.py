"""Loaders: one function per table, each returning a validated, documented DataFrame.

Raw inputs (``data/raw/``, never edited by code):

- ``bluebook2013_ch4_s1.txt`` -- the report section as extracted from the PDF.
- ``report_figures.csv`` -- where each figure of the report is printed (line, as
  printed) and what it measures. It holds no values: :func:`report_figures` computes
  them from the printed text with :mod:`analysis.japanese`.
- ``official_series.csv`` -- official annual series, one chosen row per indicator,
  key and year, each with its source URL and the figure as printed.

Every column is described in :mod:`analysis.metadata` (and ``data/datapackage.json``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from analysis import metadata
from analysis.japanese import parse_count_with_parenthetical, parse_number
from analysis.prefectures import prefectures
from analysis.validate import (
    ROW,
    DataValidationError,
    check_allowed,
    check_non_negative,
    check_range,
    check_unique,
    fail,
    read_raw_csv,
    to_float,
    to_integer,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
"""The project's ``data/`` folder (the package is meant to be installed editable)."""
RAW_DIR = DATA_DIR / "raw"
REPORT_TEXT_PATH = RAW_DIR / "bluebook2013_ch4_s1.txt"
REPORT_FIGURES_PATH = RAW_DIR / "report_figures.csv"
OFFICIAL_SERIES_PATH = RAW_DIR / "official_series.csv"

UNITS = ("persons", "visas", "embassies", "states", "countries", "countries_and_regions", "percent")
VALUE_TYPES = ("exact", "rounded", "lower_bound")
STATUSES = ("final", "preliminary", "derived")
SECTIONS = ("overview", "visas", "residents", "ngo", "embassies", "volunteers", "local")
COMPONENTS = ("", "total", "parenthetical")

SERIES_COLUMNS = [
    "indicator", "key", "year", "reference_date", "value", "unit", "value_type", "basis",
    "status", "as_printed", "source_title", "source_url", "note",
]
FIGURE_COLUMNS = [
    "figure_id", "section", "section_ja", "subject", "period", "line", "as_printed",
    "component", "value", "high", "unit_as_printed", "approx", "qualifier",
]

# Report figures that extend official series: indicator -> (figure_id, year, reference date).
_REPORT_ROWS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "embassies_in_tokyo": (
        ("embassies_1980", 1980, ""),
        ("embassies_1990", 1990, ""),
        ("embassies_2000", 2000, ""),
        ("embassies_2010", 2010, ""),
        ("embassies_2012", 2012, ""),
    ),
    "jocv_cumulative": (("jocv_cumulative", 2012, "2012-12-31"),),
    "sv_cumulative": (("sv_cumulative", 2012, "2012-12-31"),),
    "jocv_cumulative_countries": (("jocv_countries", 2012, "2012-12-31"),),
    "sv_cumulative_countries": (("sv_countries", 2012, "2012-12-31"),),
}
_REPORT_UNITS = {
    "embassies_in_tokyo": "embassies",
    "jocv_cumulative": "persons",
    "sv_cumulative": "persons",
    "jocv_cumulative_countries": "countries",
    "sv_cumulative_countries": "countries",
}
# Official rows that a report figure supersedes (same indicator, key and year). Listed
# explicitly so that nothing is replaced silently: load() fails if the overlap changes.
_SUPERSEDED: frozenset[tuple[str, str, int]] = frozenset(
    {("sv_cumulative", "", 2012), ("sv_cumulative_countries", "", 2012)}
)


@cache
def report_lines() -> tuple[str, ...]:
    """Return the report section's lines (``line`` numbers are 1-based indexes into it)."""
    return tuple(REPORT_TEXT_PATH.read_text(encoding="utf-8").splitlines())


def report_text() -> str:
    """Return the report section as extracted from the PDF (UTF-8 text)."""
    return "\n".join(report_lines())


# --------------------------------------------------------------------------- report


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _parse_figure(as_printed: str, component: str) -> dict[str, object]:
    if component:
        total, paren = parse_count_with_parenthetical(as_printed)
        parsed = total if component == "total" else paren
    else:
        parsed = parse_number(as_printed)
    return {
        "value": parsed.value,
        "high": parsed.high,
        "unit_as_printed": parsed.unit,
        "approx": parsed.approx,
        "qualifier": parsed.qualifier,
    }


def read_report_figures(
    path: Path = REPORT_FIGURES_PATH, lines: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Read and check ``report_figures.csv``; compute each value from the printed text.

    Parameters
    ----------
    path : pathlib.Path
        The curated figure list.
    lines : tuple of str, optional
        The report's lines (default: :func:`report_lines`).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`report_figures` plus ``csv_row`` (line in the CSV).

    Raises
    ------
    DataValidationError
        Naming file, row and value, if a figure id repeats, a section or component is
        unknown, the line is outside the text, the figure is not printed on that line
        (line breaks and spaces of the PDF extraction are ignored), or it cannot be parsed.
    """
    lines = report_lines() if lines is None else lines
    df = read_raw_csv(path, metadata.TABLES["report_figures"]["columns"])  # type: ignore[arg-type]
    check_unique(df, ["figure_id"], path)
    check_allowed(df, "section", SECTIONS, path)
    check_allowed(df, "component", COMPONENTS, path)
    df["line"] = to_integer(df, "line", path)
    parsed = []
    for rec in df.itertuples(index=False):
        row = getattr(rec, ROW)
        if not 1 <= rec.line <= len(lines):
            fail(path, row, f"line {rec.line} is outside the report text (1-{len(lines)})")
        window = _compact("".join(lines[rec.line - 1 : rec.line + 2]))
        if _compact(rec.as_printed) not in window:
            fail(
                path,
                row,
                f"{rec.as_printed!r} is not printed at line {rec.line} of the report "
                f"(found {lines[rec.line - 1]!r})",
            )
        try:
            parsed.append(_parse_figure(rec.as_printed, rec.component))
        except ValueError as err:
            fail(path, row, f"cannot read the figure {rec.as_printed!r}: {err}")
    values = pd.DataFrame(parsed, index=df.index)
    out = pd.concat([df, values], axis=1)
    out["value"] = out["value"].astype("float64")
    out["high"] = out["high"].astype("float64")
    out["approx"] = out["approx"].astype(bool)
    out["line"] = out["line"].astype("int64")
    return out


def report_figures() -> pd.DataFrame:
    """Every figure printed in the report section, with its value computed from the text.

    Returns
    -------
    pandas.DataFrame
        One row per figure (a table cell ``1,906（45）人`` gives two rows), columns:

        - ``figure_id`` (str): stable identifier, e.g. ``entrants_2011``.
        - ``section`` (str): section code (``overview``, ``visas``, ``residents``, ``ngo``,
          ``embassies``, ``volunteers``, ``local``); ``section_ja``: its heading.
        - ``subject`` (str): what the figure measures, in English.
        - ``period`` (str): period or date, as the report states it.
        - ``line`` (int64): 1-based line of the report text where the figure starts.
        - ``as_printed`` (str): the figure as printed, line breaks removed.
        - ``component`` (str): ``total``/``parenthetical`` for table cells, else ``""``.
        - ``value`` (float64): the number, in the unit below.
        - ``high`` (float64): upper end of a printed range, else NaN.
        - ``unit_as_printed`` (str or NaN): counter as printed (人, 件, か国, 倍, …).
        - ``approx`` (bool): marked approximate (約, 近く, 余り, …).
        - ``qualifier`` (str or NaN): qualifier as printed.

    Notes
    -----
    Source: 外務省『外交青書2013』第4章第1節 (:data:`analysis.metadata.REPORT_URL`).
    """
    return read_report_figures().drop(columns=ROW)[FIGURE_COLUMNS].reset_index(drop=True)


def volunteers_by_prefecture(*, include_other: bool = True) -> pd.DataFrame:
    """Return the report's table 出身都道府県別派遣実績: JOCV and SV volunteers by prefecture.

    Parameters
    ----------
    include_other : bool
        Keep the table's その他 row (volunteers with no home prefecture), whose
        ``pref_code`` is empty. The national totals (JOCV 37,532; SV 5,011) include it.

    Returns
    -------
    pandas.DataFrame
        One row per prefecture in JIS X 0401 order (then その他), columns ``pref_code``,
        ``pref_name_ja``, ``pref_name_en``, ``region_en``, ``jocv_cumulative_persons``
        (cumulative 1965 to 31 Dec 2012), ``jocv_2012_persons`` (dispatched in 2012),
        ``sv_cumulative_persons`` (cumulative 1990 to 31 Dec 2012), ``sv_2012_persons``,
        ``jocv_as_printed``, ``sv_as_printed`` (cells as printed), ``line`` (of the
        prefecture's JOCV cell in the report text).
    """
    figs = report_figures()
    cells = figs[figs["figure_id"].str.startswith("pref_")].copy()
    parts = cells["figure_id"].str.extract(r"^pref_(\d\d)_(jocv|sv)_(cumulative|2012)$")
    if parts.isna().any().any():
        bad = cells.loc[parts.isna().any(axis=1), "figure_id"].iloc[0]
        raise DataValidationError(f"report_figures.csv: unexpected prefecture figure id {bad!r}")
    cells["pref_code"] = parts[0]
    cells["column"] = parts[1] + "_" + parts[2] + "_persons"
    wide = cells.pivot(index="pref_code", columns="column", values="value").astype("int64")
    printed = cells[cells["component"] == "total"].assign(prog=parts[1])
    for prog in ("jocv", "sv"):
        sub = printed[printed["prog"] == prog].set_index("pref_code")
        wide[f"{prog}_as_printed"] = sub["as_printed"]
        if prog == "jocv":
            wide["line"] = sub["line"]
    wide = wide.reset_index()
    names = prefectures()
    out = wide.merge(names, on="pref_code", how="left")
    other = out["pref_code"] == "99"
    out.loc[other, ["pref_name_ja", "pref_name_en", "region_en"]] = ["その他", "Other", ""]
    out.loc[other, "pref_code"] = ""
    missing = set(names["pref_code"]) - set(out["pref_code"])
    if missing:
        raise DataValidationError(
            f"report_figures.csv: the prefecture table lacks {sorted(missing)}; expected all 47"
        )
    if not include_other:
        out = out[out["pref_code"] != ""]
    cols = [
        "pref_code", "pref_name_ja", "pref_name_en", "region_en", "jocv_cumulative_persons",
        "jocv_2012_persons", "sv_cumulative_persons", "sv_2012_persons", "jocv_as_printed",
        "sv_as_printed", "line",
    ]
    # JIS X 0401 order, その他 (empty code) last
    order = out["pref_code"].replace("", "99").argsort(kind="stable")
    return out.iloc[order][cols].reset_index(drop=True)


# --------------------------------------------------------------------------- official series

_SCALE = re.compile(r"\((?:1,000|千)人?\)$")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SCALE_WORDS = re.compile(r"(?i)mill|bill|\bmil\b|万|億|千")


def printed_number(as_printed: str) -> float:
    """Read the number from a figure as a source printed it.

    Handles what :func:`analysis.japanese.parse_number` does, plus the print forms
    found in the sources: spaces inside a figure (``168 万 6,444 人``), a leading table
    footnote mark (``a)117,060``), a unit of thousands in parentheses (``127,486 (千人)``,
    ``117,060 (1,000)``), a dot as thousands separator (``520.000``: groups of exactly
    three digits), and English or other-language words around the digits
    (``155 countries``, ``over 20,000``).

    Parameters
    ----------
    as_printed : str
        The figure as printed.

    Returns
    -------
    float
        The value, in the source's unit (persons, not thousands).

    Raises
    ------
    ValueError
        If no number can be read; the message quotes the text.
    """
    text = re.sub(r"\s+", "", re.sub(r"^[a-z]\)", "", as_printed.strip()))
    scale = 1.0
    if _SCALE.search(text):
        text, scale = _SCALE.sub("", text), 1000.0
    if _DOT_THOUSANDS.fullmatch(text):
        return float(text.replace(".", "")) * scale
    try:
        return parse_number(text).value * scale
    except ValueError:
        pass
    digits = re.findall(r"\d[\d,.]*", text)
    if len(digits) != 1 or _SCALE_WORDS.search(text):
        raise ValueError(f"cannot read a number from {as_printed!r}") from None
    return float(digits[0].rstrip(".,").replace(",", "")) * scale


def _check_printed(df: pd.DataFrame, path: Path) -> None:
    """Each value must agree with its figure as printed (within the printed rounding)."""
    for rec in df.itertuples(index=False):
        row = getattr(rec, ROW)
        if rec.status == "derived":
            continue
        try:
            printed = printed_number(rec.as_printed)
        except ValueError as err:
            fail(path, row, str(err))
        tol = 0.005 * abs(rec.value) if rec.value_type == "rounded" else 1e-9
        if abs(printed - rec.value) > tol:
            fail(
                path,
                row,
                f"value {rec.value:g} disagrees with the figure as printed {rec.as_printed!r} "
                f"(reads as {printed:g})",
            )


def read_official_series(path: Path = OFFICIAL_SERIES_PATH) -> pd.DataFrame:
    """Read and check ``official_series.csv``.

    Checks: the header; one row per indicator, key and year; known indicator, unit,
    value type, status and basis; integer years 1900-2100; non-negative values; shares
    0-100; a source URL on every row; the value agrees with the figure as printed
    (exactly, or within 0.5 % for rounded prints); derived rows explain themselves.

    Returns
    -------
    pandas.DataFrame
        The file's columns (``year`` int64, ``value`` float64) plus ``csv_row``.

    Raises
    ------
    DataValidationError
        Naming file, row and value of the first row that breaks a check.
    """
    df = read_raw_csv(path, metadata.TABLES["official_series"]["columns"])  # type: ignore[arg-type]
    check_allowed(df, "indicator", [i.name for i in metadata.INDICATORS], path)
    check_allowed(df, "unit", UNITS, path)
    check_allowed(df, "value_type", VALUE_TYPES, path)
    check_allowed(df, "status", STATUSES, path)
    check_allowed(df, "basis", metadata.BASES, path)
    df["year"] = to_integer(df, "year", path)
    df["value"] = to_float(df, "value", path)
    check_unique(df, ["indicator", "key", "year"], path)
    check_range(df, "year", 1900, 2100, path)
    check_non_negative(df, "value", path)
    check_range(df[df["unit"] == "percent"], "value", 0, 100, path)
    for rec in df.itertuples(index=False):
        row = getattr(rec, ROW)
        if not rec.source_url.startswith(("http://", "https://")):
            fail(path, row, f"source_url {rec.source_url!r} is not a web address")
        if not rec.as_printed:
            fail(path, row, "as_printed is empty: every value needs the figure as printed")
        if rec.status == "derived" and "derived" not in rec.note.lower():
            fail(path, row, "status is 'derived' but the note does not give the arithmetic")
    _check_printed(df, path)
    df["year"] = df["year"].astype("int64")
    return df


def _report_rows(indicator: str) -> pd.DataFrame:
    figs = report_figures().set_index("figure_id")
    rows = []
    for figure_id, year, ref in _REPORT_ROWS.get(indicator, ()):
        fig = figs.loc[figure_id]
        rows.append(
            {
                "indicator": indicator,
                "key": "",
                "year": year,
                "reference_date": ref,
                "value": fig["value"],
                "unit": _REPORT_UNITS[indicator],
                "value_type": "rounded" if fig["approx"] else "exact",
                "basis": "report",
                "status": "final",
                "as_printed": fig["as_printed"],
                "source_title": metadata.REPORT_TITLE,
                "source_url": metadata.REPORT_URL,
                "note": f"Printed in the report, line {fig['line']} ({fig['subject']}).",
            }
        )
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


@cache
def _official() -> pd.DataFrame:
    return read_official_series().drop(columns=ROW)


def load(indicator: str) -> pd.DataFrame:
    """Load one indicator as a tidy long table.

    Parameters
    ----------
    indicator : str
        A name from :func:`indicators` (e.g. ``foreign_entrants``).

    Returns
    -------
    pandas.DataFrame
        One row per key and year, sorted, columns: ``indicator``, ``key`` (pref_code or
        country, ``""`` if none), ``year`` (int64, calendar year), ``reference_date``,
        ``value`` (float64, in ``unit``), ``unit``, ``value_type`` (exact / rounded /
        lower_bound), ``basis``, ``status`` (final / preliminary / derived),
        ``as_printed``, ``source_title``, ``source_url``, ``note``.
        Units and column meanings: :mod:`analysis.metadata`.

    Raises
    ------
    KeyError
        If the indicator is unknown (the message lists the known ones).

    Notes
    -----
    Where the report itself prints a value of the indicator (the embassy table
    1980-2012; JOCV/SV cumulative totals at end-2012), the report row is added with
    basis ``report``. If an official row has the same year, the report row replaces it
    only where listed in ``_SUPERSEDED`` (end-December beats end-September 2012);
    any other overlap is an error.
    """
    names = [i.name for i in metadata.INDICATORS]
    if indicator not in names:
        raise KeyError(f"unknown indicator {indicator!r}; known: {', '.join(names)}")
    official = _official()
    official = official[official["indicator"] == indicator]
    report = _report_rows(indicator)
    overlap = {
        (indicator, "", int(y)) for y in set(report["year"]) & set(official["year"])
    }
    expected = {k for k in _SUPERSEDED if k[0] == indicator}
    if overlap != expected:
        raise DataValidationError(
            f"{indicator}: report rows overlap official rows for {sorted(overlap)}, but the "
            f"documented supersessions are {sorted(expected)}"
        )
    official = official[~official["year"].isin(report["year"])]
    out = pd.concat([official, report], ignore_index=True) if len(report) else official
    out = out.astype({"year": "int64", "value": "float64"})
    return out.sort_values(["key", "year"]).reset_index(drop=True)[SERIES_COLUMNS]


def series(
    indicator: str, *, key: str = "", include_lower_bounds: bool = False
) -> pd.Series:
    """One indicator as a Series indexed by year, for modelling.

    Parameters
    ----------
    indicator : str
        A name from :func:`indicators`.
    key : str
        Sub-series (country or pref_code) for keyed indicators; ``""`` otherwise.
    include_lower_bounds : bool
        Lower bounds ("more than 40,000") are not counts and are left out unless asked.

    Returns
    -------
    pandas.Series
        float64 values indexed by ``year`` (int64), named after the indicator. Years
        with no value are absent (not interpolated).
    """
    df = load(indicator)
    df = df[df["key"] == key]
    if df.empty:
        raise KeyError(f"{indicator}: no rows for key {key!r}")
    if not include_lower_bounds:
        df = df[df["value_type"] != "lower_bound"]
    return pd.Series(
        df["value"].to_numpy(), index=pd.Index(df["year"].to_numpy(), name="year"), name=indicator
    )


def indicators() -> pd.DataFrame:
    """Return the indicator catalogue: what each measures, its unit, sources and caveats.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator``, ``description``, ``unit``, ``first_year``,
        ``last_year``, ``n_values``, ``bases`` (';'-separated), ``source_url``
        (';'-separated distinct addresses), ``caveats``.
    """
    rows = []
    for ind in metadata.INDICATORS:
        df = load(ind.name)
        rows.append(
            {
                "indicator": ind.name,
                "description": ind.description,
                "unit": ind.unit,
                "first_year": int(df["year"].min()),
                "last_year": int(df["year"].max()),
                "n_values": len(df),
                "bases": ";".join(sorted(df["basis"].unique())),
                "source_url": ";".join(dict.fromkeys(df["source_url"])),
                "caveats": ind.caveats,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- export


def tidy_tables() -> dict[str, pd.DataFrame]:
    """Return every tidy table of the package, by file stem.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``series`` (every indicator, long, as :func:`load`), ``report_figures``,
        ``volunteers_by_prefecture``, ``indicators``, ``prefectures``.
    """
    return {
        "series": pd.concat(
            [load(i.name) for i in metadata.INDICATORS], ignore_index=True
        ),
        "report_figures": report_figures(),
        "volunteers_by_prefecture": volunteers_by_prefecture(),
        "indicators": indicators(),
        "prefectures": prefectures(),
    }


def export(outdir: Path) -> list[Path]:
    """Write every tidy table as CSV, plus a ``datapackage.json`` describing them.

    Parameters
    ----------
    outdir : pathlib.Path
        Folder to write to (created if missing). Existing files of the same names are
        overwritten.

    Returns
    -------
    list of pathlib.Path
        The files written: one UTF-8 CSV per table of :func:`tidy_tables`, then the
        descriptor (a Frictionless Data Package whose fields come from
        :data:`analysis.metadata.COLUMNS`).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    tables = tidy_tables()
    written = []
    for name, df in tables.items():
        path = outdir / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    descriptor = outdir / "datapackage.json"
    metadata.write_export_datapackage(
        descriptor, {name: list(df.columns) for name, df in tables.items()}
    )
    written.append(descriptor)
    return written
