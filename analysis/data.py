"""Loaders: one function per table, each returning a validated, documented DataFrame.

Raw inputs (in the data folder, :func:`analysis.datadir.data_dir`; never edited by code):

- ``raw/bluebook2013_ch4_s1.txt`` -- the report section as extracted from the PDF.
- ``raw/report_figures.csv`` -- where each figure of the report is printed (line, as
  printed) and what it measures. It holds no values: :func:`report_figures` computes
  them from the printed text with :mod:`analysis.japanese`.
- ``raw/series/<topic>.csv`` -- official annual series, one chosen row per indicator,
  key and year (or fiscal year), each with its source URL, the figure as printed and,
  for derived values, the arithmetic (:data:`analysis.metadata.INDICATORS` says which
  indicator lives in which file).

Every column is described in :mod:`analysis.metadata` (and ``data/datapackage.json``);
:mod:`analysis.validate` checks every file on load. Results are cached on the content of
the files they read, so an edited file is re-read in the same session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis import metadata
from analysis.datadir import data_dir, fingerprint
from analysis.japanese import (
    ParsedNumber,
    parse_count_with_parenthetical,
    parse_number,
    split_lines,
)
from analysis.prefectures import prefectures
from analysis.validate import (
    FILE,
    ROW,
    DataValidationError,
    check_indicators_present,
    check_series_row,
    check_table,
    check_totals,
    check_unique,
    fail,
    read_raw_csv,
)

REPORT_TEXT = "raw/bluebook2013_ch4_s1.txt"
REPORT_FIGURES = "raw/report_figures.csv"

FIGURE_COLUMNS = [
    "figure_id", "section", "section_ja", "subject", "period", "line", "as_printed",
    "component", "value", "high", "unit_as_printed", "approx", "qualifier",
]  # fmt: skip
"""Columns of :func:`report_figures`, in order."""

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
# Official rows that a report figure supersedes (same indicator, key and year). Listed
# explicitly so that nothing is replaced silently: load() fails if the overlap changes.
_SUPERSEDED: frozenset[tuple[str, str, int]] = frozenset(
    {("sv_cumulative", "", 2012), ("sv_cumulative_countries", "", 2012)}
)

T = TypeVar("T")
_CACHE: dict[str, tuple[str, object]] = {}


def _cached(name: str, files: list[Path], build: Callable[[], T]) -> T:
    """Return ``build()``, recomputed whenever the bytes of ``files`` change."""
    stamp = fingerprint(files)
    hit = _CACHE.get(name)
    if hit is None or hit[0] != stamp:
        hit = (stamp, build())
        _CACHE[name] = hit
    return hit[1]  # type: ignore[return-value]


def path_of(relative: str) -> Path:
    """Absolute path of a file of the data folder, e.g. ``path_of("raw/report_figures.csv")``."""
    return data_dir() / relative


def series_paths() -> dict[Path, str]:
    """Every series file the metadata declares, with its time column (``year``/``fiscal_year``)."""
    folder = data_dir() / metadata.SERIES_DIR
    return {folder / f"{stem}.csv": time for stem, time in metadata.series_files().items()}


# --------------------------------------------------------------------------- report


def report_lines() -> tuple[str, ...]:
    """Return the report section's lines (``line`` numbers are 1-based indexes into it).

    Lines end at every newline and page-break convention
    (:func:`analysis.japanese.split_lines`, as :func:`~analysis.japanese.find_figures` counts).
    """
    path = path_of(REPORT_TEXT)
    if not path.is_file():
        raise DataValidationError(f"{path}: file not found")
    return _cached(
        "report_lines",
        [path],
        lambda: tuple(split_lines(path.read_text(encoding="utf-8"))),
    )


def report_text() -> str:
    """Return the report section as extracted from the PDF (UTF-8 text)."""
    return "\n".join(report_lines())


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_figure(as_printed: str, component: str = "") -> ParsedNumber:
    """Parse a report figure: a plain figure, or one part of a table cell ``N（M）人``.

    Parameters
    ----------
    as_printed : str
        The figure as printed.
    component : {'', 'total', 'parenthetical'}
        Which number of a table cell to return (``""`` for a plain figure).
    """
    if component:
        total, part = parse_count_with_parenthetical(as_printed)
        return total if component == "total" else part
    return parse_number(as_printed)


def _figure_values(as_printed: str, component: str) -> dict[str, object]:
    parsed = parse_figure(as_printed, component)
    return {
        "value": parsed.value,
        "high": parsed.high,
        "unit_as_printed": parsed.unit,
        "approx": parsed.approx,
        "qualifier": parsed.qualifier,
    }


def read_report_figures(
    path: Path | None = None, lines: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Read and check ``report_figures.csv``; compute each value from the printed text.

    Parameters
    ----------
    path : pathlib.Path, optional
        The curated figure list (default: the data folder's).
    lines : tuple of str, optional
        The report's lines (default: :func:`report_lines`).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`report_figures` plus ``csv_row`` (line in the CSV).

    Raises
    ------
    DataValidationError
        Naming file, row and value, if a figure id repeats, a column breaks its schema
        (:data:`analysis.metadata.COLUMNS`), the line is outside the text, the figure
        is not printed on that line (line breaks and spaces of the PDF extraction are
        ignored), or it cannot be parsed.
    """
    path = path_of(REPORT_FIGURES) if path is None else path
    lines = report_lines() if lines is None else lines
    table = metadata.TABLES["report_figures"]
    df = check_table(read_raw_csv(path, table.columns), table, path)
    check_unique(df, ["figure_id"], path)
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
            parsed.append(_figure_values(rec.as_printed, rec.component))
        except ValueError as err:
            fail(path, row, f"cannot read the figure {rec.as_printed!r}: {err}")
    values = pd.DataFrame(parsed, index=df.index)
    out = pd.concat([df, values], axis=1)
    return out.astype(
        {"value": "float64", "high": "float64", "approx": "bool", "line": "int64"}
    )


def report_figures() -> pd.DataFrame:
    """Every figure printed in the report section, with its value computed from the text.

    Returns
    -------
    pandas.DataFrame
        One row per figure (a table cell ``1,906（45）人`` gives two rows), columns:

        - ``figure_id`` (str): stable identifier, e.g. ``entrants_2011``.
        - ``section`` (str): section code (:data:`analysis.metadata.SECTIONS`);
          ``section_ja``: its heading.
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
    files = [path_of(REPORT_FIGURES), path_of(REPORT_TEXT)]
    return _cached(
        "report_figures",
        files,
        lambda: read_report_figures().drop(columns=ROW)[FIGURE_COLUMNS].reset_index(drop=True),
    ).copy()


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
    ]  # fmt: skip
    order = out["pref_code"].replace("", "99").argsort(kind="stable")  # JIS order, その他 last
    return out.iloc[order][cols].reset_index(drop=True)


# --------------------------------------------------------------------------- series


def read_series_file(path: Path, time: str = "year") -> pd.DataFrame:
    """Read and check one series file (``data/raw/series/<topic>.csv``).

    Every rule of :func:`analysis.validate.check_table` (the column schema) and
    :func:`analysis.validate.check_series_row` (value against print, formula, basis and
    its years, key vocabulary, plausible and past years, reference date) is applied,
    and each (indicator, key, year) appears once.

    Returns
    -------
    pandas.DataFrame
        The file's columns (``year``/``fiscal_year`` int64, ``value`` float64), plus
        ``csv_file`` and ``csv_row``.

    Raises
    ------
    DataValidationError
        Naming file, row and value of the first row that breaks a rule.
    """
    name = f"series_{path.stem}"
    if name not in metadata.TABLES:
        raise DataValidationError(f"{path}: not a series file declared in analysis.metadata")
    table = metadata.TABLES[name]
    df = check_table(read_raw_csv(path, table.columns), table, path)
    today = dt.date.today()
    for _, rec in df.iterrows():
        check_series_row(rec, path, time, today)
    check_unique(df, ["indicator", "key", time], path)
    return df.assign(**{FILE: path.name})


def _read_all_series() -> pd.DataFrame:
    paths = series_paths()
    folder = data_dir() / metadata.SERIES_DIR
    if folder.is_dir():
        strays = sorted(p.name for p in folder.glob("*.csv") if p not in paths)
        if strays:
            raise DataValidationError(
                f"{folder}: unexpected file(s) {strays}; every series file is declared by "
                "an indicator's `file` in analysis.metadata.INDICATORS"
            )
    frames = {time: [] for time in ("year", "fiscal_year")}  # type: dict[str, list[pd.DataFrame]]
    for path, time in paths.items():
        frames[time].append(read_series_file(path, time))
    out = {}
    for time, parts in frames.items():
        if parts:
            df = pd.concat(parts, ignore_index=True)
            check_unique(df, ["indicator", "key", time])
            check_totals(df, time)
            out[time] = df
    every = pd.concat(list(out.values()), ignore_index=True)
    check_indicators_present(every, [i.name for i in metadata.INDICATORS])
    return every


def official_rows() -> pd.DataFrame:
    """Every row of every series file, checked (the official rows, no report rows).

    Returns
    -------
    pandas.DataFrame
        The series files' columns (``year`` or ``fiscal_year`` filled per indicator,
        the other NaN), plus ``csv_file`` and ``csv_row`` locating each row.
    """
    return _cached("series", list(series_paths()), _read_all_series).copy()


def _report_rows(indicator: str) -> pd.DataFrame:
    if indicator not in _REPORT_ROWS:
        return pd.DataFrame(columns=list(metadata.series_columns("year")))
    figs = report_figures().set_index("figure_id")
    unit = metadata.INDICATOR_BY_NAME[indicator].unit
    rows = []
    for figure_id, year, ref in _REPORT_ROWS[indicator]:
        fig = figs.loc[figure_id]
        rows.append(
            {
                "indicator": indicator,
                "key": "",
                "year": year,
                "reference_date": ref,
                "value": fig["value"],
                "unit": unit,
                "value_type": "rounded" if fig["approx"] else "exact",
                "basis": "report",
                "status": "final",
                "as_printed": fig["as_printed"],
                "formula": "",
                "source_title": metadata.REPORT_TITLE,
                "source_url": metadata.REPORT_URL,
                "note": f"Printed in the report, line {fig['line']} ({fig['subject']}).",
            }
        )
    return pd.DataFrame(rows, columns=list(metadata.series_columns("year")))


def _indicator(name: str) -> metadata.Indicator:
    if name not in metadata.INDICATOR_BY_NAME:
        known = ", ".join(metadata.INDICATOR_BY_NAME)
        raise KeyError(f"unknown indicator {name!r}; known: {known}")
    return metadata.INDICATOR_BY_NAME[name]


def load(indicator: str, *, include_report: bool = True) -> pd.DataFrame:
    """Load one indicator as a tidy long table.

    Parameters
    ----------
    indicator : str
        A name from :func:`indicators` (e.g. ``foreign_entrants``).
    include_report : bool
        Add the values the report itself prints (the embassy table 1980-2012; JOCV/SV
        cumulative totals at end-2012), with basis ``report``. ``False`` gives the
        official rows only -- what the report's own figures are checked against.

    Returns
    -------
    pandas.DataFrame
        One row per key and year, sorted, columns: ``indicator``, ``key`` (pref_code,
        country or status of residence; ``""`` if none), ``year`` (int64, calendar
        year) -- or ``fiscal_year`` (int64) for fiscal-year indicators --,
        ``reference_date``, ``value`` (float64, in ``unit``), ``unit``, ``value_type``
        (exact / rounded / lower_bound), ``basis``, ``status`` (final / preliminary /
        derived), ``as_printed``, ``formula`` (derived rows), ``source_title``,
        ``source_url``, ``note``. Units and meanings: :mod:`analysis.metadata`.

    Raises
    ------
    KeyError
        If the indicator is unknown (the message lists the known ones).
    DataValidationError
        If a data file breaks a rule (naming file, row and value).

    Notes
    -----
    Where a report row has the same year as an official row, the report row replaces
    it only where listed in ``_SUPERSEDED`` (end-December beats end-September 2012);
    any other overlap is an error.
    """
    ind = _indicator(indicator)
    time = ind.time
    official = official_rows()
    official = official[official["indicator"] == indicator]
    official = official[list(metadata.series_columns(time))].astype({time: "int64"})
    if include_report and indicator in _REPORT_ROWS:
        report = _report_rows(indicator)
        overlap = {(indicator, "", int(y)) for y in set(report["year"]) & set(official["year"])}
        expected = {k for k in _SUPERSEDED if k[0] == indicator}
        if overlap != expected:
            raise DataValidationError(
                f"{indicator}: report rows overlap official rows for {sorted(overlap)}, but "
                f"the documented supersessions are {sorted(expected)}"
            )
        official = official[~official["year"].isin(report["year"])]
        official = pd.concat([official, report], ignore_index=True)
    out = official.astype({time: "int64", "value": "float64"})
    return out.sort_values(["key", time]).reset_index(drop=True)


def series(
    indicator: str,
    *,
    key: str = "",
    include_lower_bounds: bool = False,
    include_report: bool = True,
) -> pd.Series:
    """One indicator as a Series indexed by year (or fiscal year), for modelling.

    Parameters
    ----------
    indicator : str
        A name from :func:`indicators`.
    key : str
        Sub-series (country, pref_code or status) for keyed indicators; ``""`` otherwise.
    include_lower_bounds : bool
        Lower bounds ("more than 40,000") are not counts and are left out unless asked.
    include_report : bool
        As in :func:`load`.

    Returns
    -------
    pandas.Series
        float64 values indexed by ``year`` (or ``fiscal_year``, int64), named after the
        indicator. Years with no value are absent (not interpolated).

    Raises
    ------
    KeyError
        If the indicator is unknown or has no row for ``key``.
    """
    time = _indicator(indicator).time
    df = load(indicator, include_report=include_report)
    df = df[df["key"] == key]
    if df.empty:
        keys = sorted(set(load(indicator)["key"]))
        raise KeyError(f"{indicator}: no rows for key {key!r}; keys: {keys}")
    if not include_lower_bounds:
        df = df[df["value_type"] != "lower_bound"]
    return pd.Series(
        df["value"].to_numpy(), index=pd.Index(df[time].to_numpy(), name=time), name=indicator
    )


def indicators() -> pd.DataFrame:
    """Return the indicator catalogue: what each measures, its unit, sources and caveats.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator``, ``description``, ``unit``, ``time``
        (``year`` or ``fiscal_year``), ``first_year``, ``last_year``, ``n_values``,
        ``bases`` (';'-separated), ``source_url`` (';'-separated distinct addresses),
        ``caveats``.
    """
    rows = []
    for ind in metadata.INDICATORS:
        df = load(ind.name)
        rows.append(
            {
                "indicator": ind.name,
                "description": ind.description,
                "unit": ind.unit,
                "time": ind.time,
                "first_year": int(df[ind.time].min()),
                "last_year": int(df[ind.time].max()),
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
        ``series`` (every calendar-year indicator, long, as :func:`load`),
        ``fiscal_series`` (the fiscal-year indicators), ``report_figures``,
        ``volunteers_by_prefecture``, ``indicators``, ``prefectures``.
    """
    by_time: dict[str, list[pd.DataFrame]] = {"year": [], "fiscal_year": []}
    for ind in metadata.INDICATORS:
        by_time[ind.time].append(load(ind.name))
    tables = {"series": pd.concat(by_time["year"], ignore_index=True)}
    if by_time["fiscal_year"]:
        tables["fiscal_series"] = pd.concat(by_time["fiscal_year"], ignore_index=True)
    return {
        **tables,
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
    tables = tidy_tables()
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = outdir / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    descriptor = outdir / "datapackage.json"
    metadata.write_json(
        descriptor,
        metadata.export_datapackage({name: list(df.columns) for name, df in tables.items()}),
    )
    written.append(descriptor)
    return written
