"""Validation: checks that fail with the file, row and value that broke an assumption.

Two layers, both driven by :mod:`analysis.metadata`:

- **Column rules** -- types, allowed values, required cells, ranges, patterns -- are a
  pandera schema generated from :data:`analysis.metadata.COLUMNS` (:func:`schema`);
  :func:`check_table` runs it and turns pandera's failure table into one message that
  names the file, the row and the value (pandera reports an index and a check name).
- **Domain rules** that no column schema can express -- a value that disagrees with
  the figure as printed, a derived value that does not recompute, a basis used outside
  its years, a row in the future, keyed rows that exceed their total -- are small
  functions below, one rule each, written by hand because they join a row to the
  metadata of its indicator or to other rows.

Row numbers are those a person sees in a text editor: the header is line 1, so the
first data row is row 2. Loaders keep that number in a private ``csv_row`` column
while they check a table, then drop it.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis import metadata, printed

ROW = "csv_row"
"""Name of the private column that carries each record's line in its CSV file."""

FILE = "csv_file"
"""Name of the private column that carries each record's file (rows of several files)."""


class DataValidationError(ValueError):
    """A table broke one of the assumptions its loader relies on."""


def where(path: Path | str, row: object) -> str:
    """``"visas.csv, row 17"``: how every message locates a row."""
    return f"{Path(path).name}, row {row}"


def fail(path: Path | str, row: object, message: str) -> None:
    """Raise :class:`DataValidationError` for one row, prefixed with file and row."""
    raise DataValidationError(f"{where(path, row)}: {message}")


# --------------------------------------------------------------------------- reading


def read_raw_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Read a raw CSV as text, check its structure and number its rows.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (UTF-8, a byte-order mark is tolerated, header on line 1).
    columns : sequence of str
        The exact header expected, in order.

    Returns
    -------
    pandas.DataFrame
        Every column as text (empty cells as ``""``), plus ``csv_row``: the line of
        each record in the file (first data row = 2; a record with a quoted line break
        is numbered by its first line).

    Raises
    ------
    DataValidationError
        Naming the file (and the row where there is one) if it is missing, not UTF-8,
        empty, has a different header, no data rows, a record with too many or too
        few fields, or a malformed quoted field.
    """
    name = path.name
    if not path.is_file():
        raise DataValidationError(f"{path}: file not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataValidationError(
            f"{name}, line {line}: not UTF-8 (byte 0x{raw[err.start]:02x} at offset "
            f"{err.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise DataValidationError(f"{name}: the file is empty; expected the header {list(columns)}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    rows: list[int] = []
    try:
        header = next(reader)
        if header != list(columns):
            raise DataValidationError(f"{name}: header is {header}, expected {list(columns)}")
        start = reader.line_num + 1
        for record in reader:
            if record and len(record) != len(columns):
                raise DataValidationError(
                    f"{where(path, start)}: {len(record)} fields, expected {len(columns)} "
                    f"({', '.join(columns)}); a stray or missing comma?"
                )
            if record:
                records.append(record)
                rows.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataValidationError(f"{where(path, reader.line_num)}: malformed CSV: {err}") from None
    if not records:
        raise DataValidationError(f"{name}: the file has a header but no data rows")
    df = pd.DataFrame(records, columns=list(columns), dtype="str")
    return df.assign(**{ROW: rows})


# --------------------------------------------------------------------------- column rules

_FIELD_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool"}


def _finite(values: pd.Series) -> pd.Series:
    return values.map(lambda v: math.isfinite(v))


def _column(col: metadata.Column) -> pa.Column:
    checks: list[pa.Check] = []
    if col.type == "string":
        if col.required:
            checks.append(pa.Check(lambda s: s.str.strip() != "", error="required"))
        if col.enum is not None:
            allowed = set(col.enum) | ({""} if not col.required else set())
            checks.append(pa.Check.isin(sorted(allowed)))
        if col.pattern is not None:
            pattern = col.pattern
            checks.append(
                pa.Check(
                    lambda s, p=pattern: (s == "") | s.str.fullmatch(p).fillna(False),
                    error=f"pattern:{pattern}",
                )
            )
        return pa.Column(checks=checks, nullable=False)
    if col.type == "number":
        checks.append(pa.Check(_finite, error="finite"))
    if col.minimum is not None or col.maximum is not None:
        low = -math.inf if col.minimum is None else col.minimum
        high = math.inf if col.maximum is None else col.maximum
        checks.append(pa.Check.in_range(low, high))
    return pa.Column(_FIELD_DTYPES[col.type], checks=checks, coerce=True, nullable=False)


def schema(table: metadata.Table) -> pa.DataFrameSchema:
    """Build the pandera schema of a raw table from :data:`analysis.metadata.COLUMNS`.

    Text columns are checked as text (required, allowed values, pattern); integer and
    number columns are converted (an empty or non-numeric cell fails) and checked for
    range, and numbers for being finite (``nan`` and ``inf`` fail).
    """
    return pa.DataFrameSchema(
        {name: _column(metadata.COLUMNS[name]) for name in table.columns},
        strict=False,
        name=table.name,
    )


def _explain(check: str, value: object, column: str) -> str:
    """One failure of pandera's table, in words."""
    value = value.item() if hasattr(value, "item") else value  # numpy scalar → Python
    shown = repr(value) if value is not None and value == value else "an empty cell"
    col = metadata.COLUMNS.get(column)
    if value == "" and (check.startswith(("coerce_dtype", "dtype"))):
        return f"column {column!r} is empty"
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        what = "an integer" if "int" in check else "a number"
        return f"column {column!r} should be {what}, got {shown}"
    if check == "not_nullable":
        return f"column {column!r} is empty"
    if check == "required":
        return f"column {column!r} is empty; it is required"
    if check == "finite":
        return f"column {column!r} is {shown}, not a finite number"
    if check.startswith("isin"):
        allowed = [v for v in (col.enum if col and col.enum else ()) if v]
        if len(allowed) <= 12:
            return f"column {column!r} has {shown}, expected one of {allowed}"
        return (
            f"column {column!r} has {shown}, which is none of its {len(allowed)} allowed "
            f"values (analysis.metadata.COLUMNS[{column!r}].enum)"
        )
    if check.startswith("in_range"):
        return (
            f"column {column!r} is {shown}, outside the expected range "
            f"{_fmt_bound(col.minimum if col else None)}-{_fmt_bound(col.maximum if col else None)}"
        )
    if check.startswith("pattern:"):
        return f"column {column!r} has {shown}, which is not of the form {check[8:]!r}"
    return f"column {column!r} fails {check} with {shown}"


def _fmt_bound(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def check_table(df: pd.DataFrame, table: metadata.Table, path: Path) -> pd.DataFrame:
    """Run :func:`schema` on a table read by :func:`read_raw_csv`; return it converted.

    Raises
    ------
    DataValidationError
        Naming file, row, column and value of the first failing row (in file order),
        and how many other problems pandera found.
    """
    try:
        return schema(table).validate(df, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()].copy()
        if cases.empty:  # a column-level failure without rows: report it as pandera says
            raise DataValidationError(f"{path.name}: {err}") from None
        cases["csv_row"] = df.loc[cases["index"].astype(int), ROW].to_numpy()
        cases = cases.sort_values(["csv_row", "check"], kind="stable")
        first = cases.iloc[0]
        message = _explain(str(first["check"]), first["failure_case"], str(first["column"]))
        others = len(cases.drop_duplicates(["csv_row", "column"])) - 1
        more = f" (and {others} more problem(s) in this file)" if others > 0 else ""
        raise DataValidationError(f"{where(path, first['csv_row'])}: {message}{more}") from None


def check_unique(df: pd.DataFrame, keys: Sequence[str], path: Path | None = None) -> None:
    """Fail if two rows share the same ``keys``, naming both rows (and files).

    Where the rows differ in ``basis`` the message says so: one key and year may have
    only one basis (alien registration and residence statistics are never mixed).
    """
    dup = df[df.duplicated(list(keys), keep=False)]
    if dup.empty:
        return
    first = dup.iloc[0]
    same = dup[(dup[list(keys)] == first[list(keys)]).all(axis=1)]
    places = [
        where(rec[FILE] if FILE in same.columns else (path or ""), rec[ROW])
        for _, rec in same.iterrows()
    ]
    key = ", ".join(f"{k}={first[k]!r}" for k in keys)
    bases = sorted(set(same["basis"])) if "basis" in same.columns else []
    mixed = (
        f" on different bases {bases}: one basis per key and year, never mixed"
        if len(bases) > 1
        else ""
    )
    raise DataValidationError(
        f"{' and '.join(places)} share the key ({key}){mixed}; expected one row per "
        f"{' and '.join(keys)}"
    )


# --------------------------------------------------------------------------- series rules

_OPS: dict[type, Callable[[Fraction, Fraction], Fraction]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate_formula(formula: str) -> Fraction:
    """Evaluate the arithmetic of a derived row exactly (numbers, + - * /, parentheses).

    Raises
    ------
    ValueError
        If the text holds anything else, or divides by zero; the message quotes it.
    """

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return Fraction(str(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        raise ValueError(f"formula {formula!r}: only numbers and + - * / ( ) are allowed")

    try:
        return walk(ast.parse(formula, mode="eval"))
    except (SyntaxError, ZeroDivisionError) as err:
        raise ValueError(f"formula {formula!r} cannot be evaluated: {err}") from None


def _date(text: str) -> tuple[dt.date, dt.date]:
    """First and last day a ``YYYY-MM-DD`` or ``YYYY-MM`` reference date covers."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    first = dt.date(parts[0], parts[1], 1)
    nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def check_series_row(rec: pd.Series, path: Path, time: str, today: dt.date) -> None:
    """Check one series row against its indicator's metadata and its own print.

    The rules, each failing with file, row and value:

    - the indicator lives in this file, its unit is the indicator's, its key belongs to
      the indicator's key vocabulary (or is empty for an un-keyed indicator);
    - its basis is one the indicator allows, and the basis existed that year (alien
      registration to 2011, residence statistics from 2012, the restatement 2008-2011);
    - the year is not before the indicator's first plausible year nor in the future;
    - the reference date is a real date, not in the future, inside the row's year
      (or fiscal year);
    - counts are not negative, percentages at most 100;
    - a final or preliminary value equals the number printed in ``as_printed``, and its
      ``value_type`` claims no more precision than the print shows;
    - a derived value recomputes from its ``formula``; other rows have no formula.
    """
    row = rec[ROW]
    ind = metadata.INDICATOR_BY_NAME[rec["indicator"]]
    year = int(rec[time])
    if ind.file != path.stem:
        fail(path, row, f"indicator {ind.name!r} belongs in {ind.file}.csv, not {path.name}")
    if rec["unit"] != ind.unit:
        fail(path, row, f"unit {rec['unit']!r} is not the unit of {ind.name} ({ind.unit!r})")
    allowed_keys = metadata.KEY_VOCABULARIES[ind.key] if ind.key else ("",)
    if rec["key"] not in allowed_keys:
        wanted = f"a {ind.key} key" if ind.key else "an empty key (un-keyed indicator)"
        fail(path, row, f"key {rec['key']!r} of {ind.name} is not {wanted}")
    if rec["basis"] not in ind.bases:
        fail(path, row, f"basis {rec['basis']!r} is not a basis of {ind.name} {list(ind.bases)}")
    basis = metadata.BASES[rec["basis"]]
    too_early = basis.first_year is not None and year < basis.first_year
    if too_early or (basis.last_year is not None and year > basis.last_year):
        fail(
            path,
            row,
            f"basis {rec['basis']!r} exists {basis.first_year or '…'}-{basis.last_year or '…'}, "
            f"not in {year}: a row on the wrong basis mixes two statistics",
        )
    if year < ind.first_year or year > today.year:
        fail(
            path,
            row,
            f"{time} {year} is outside the plausible years of {ind.name} "
            f"({ind.first_year}-{today.year})"
            + (" (in the future)" if year > today.year else ""),
        )
    _check_reference_date(rec, path, time, today)
    value = float(rec["value"])
    if value < 0 or (rec["unit"] == "percent" and value > 100):
        fail(path, row, f"value {value:g} is impossible for unit {rec['unit']!r}")
    _check_print(rec, path)


def _check_reference_date(rec: pd.Series, path: Path, time: str, today: dt.date) -> None:
    text, row, year = rec["reference_date"], rec[ROW], int(rec[time])
    if not text:
        return
    try:
        first, last = _date(text)
    except ValueError:
        fail(path, row, f"reference_date {text!r} is not a real date")
    if first > today:
        fail(path, row, f"reference_date {text} is in the future")
    if time == "year" and first.year != year:
        fail(path, row, f"reference_date {text} is not in the row's year {year}")
    if time == "fiscal_year" and not (
        dt.date(year, 4, 1) <= first and last <= dt.date(year + 1, 3, 31)
    ):
        fail(path, row, f"reference_date {text} is outside fiscal year {year} (April-March)")


def _check_print(rec: pd.Series, path: Path) -> None:
    row, value = rec[ROW], float(rec["value"])
    if rec["status"] == "derived":
        if not rec["formula"]:
            fail(path, row, "status is 'derived' but the formula column is empty")
        try:
            result = evaluate_formula(rec["formula"])
        except ValueError as err:
            fail(path, row, str(err))
        if result != Fraction(rec["value"]):
            fail(
                path,
                row,
                f"value {value:g} does not recompute from its formula {rec['formula']!r} "
                f"(= {float(result):g})",
            )
        return
    if rec["formula"]:
        fail(path, row, f"a formula {rec['formula']!r} on a {rec['status']} row; only "
             "derived rows have one")
    try:
        allowed = printed.source_interval(rec["as_printed"])
    except ValueError as err:
        fail(path, row, str(err))
    if not math.isclose(allowed.printed, value, rel_tol=1e-12, abs_tol=1e-9):
        fail(
            path,
            row,
            f"value {value:g} disagrees with the figure as printed {rec['as_printed']!r} "
            f"(reads as {allowed.printed:g})",
        )
    if not printed.value_type_allowed(allowed, rec["value_type"]):
        fail(
            path,
            row,
            f"value_type {rec['value_type']!r} claims more than the print {rec['as_printed']!r} "
            f"shows ({allowed.rule})",
        )


def check_indicators_present(df: pd.DataFrame, names: Iterable[str]) -> None:
    """Fail if a catalogued indicator has no row at all (a deleted block of rows)."""
    missing = sorted(set(names) - set(df["indicator"]))
    if missing:
        raise DataValidationError(
            f"no rows for the catalogued indicator(s) {missing}: every indicator of "
            "analysis.metadata.INDICATORS needs its rows in data/raw/series/"
        )


def check_totals(df: pd.DataFrame, time: str = "year") -> None:
    """Keyed rows never exceed their total (same year and basis); complete sets equal it.

    For each keyed indicator with a ``total``, per year and basis: the keys, leaving
    out a broader key when a narrower one it contains is present
    (:data:`analysis.metadata.PART_OF`), sum to at most the total; when all
    ``complete_keys`` keys are present they -- with the unknown remainder
    (:data:`analysis.metadata.UNKNOWN_KEY`) if the source prints one -- sum exactly to it.
    """
    for ind in metadata.INDICATORS:
        if ind.total is None:
            continue
        parts = df[df["indicator"] == ind.name]
        totals = df[df["indicator"] == ind.total].set_index([time, "basis"])["value"]
        for (year, basis), group in parts.groupby([time, "basis"]):
            keys = set(group["key"])
            broader = {metadata.PART_OF[k] for k in keys if k in metadata.PART_OF}
            counted = group[~group["key"].isin(broader & keys)]
            if (year, basis) not in totals.index:
                continue
            total, got = float(totals[(year, basis)]), float(counted["value"].sum())
            placed = int((counted["key"] != metadata.UNKNOWN_KEY).sum())
            places = f"{ind.name} {year} ({basis}, {placed} keys)"
            if ind.complete_keys and placed == ind.complete_keys and got != total:
                raise DataValidationError(
                    f"{places} sum to {got:,.0f}, not the {ind.total} total {total:,.0f}: "
                    f"all {ind.complete_keys} keys must add up to it exactly"
                )
            if got > total:
                raise DataValidationError(
                    f"{places} sum to {got:,.0f}, more than the {ind.total} total "
                    f"{total:,.0f} of the same year and basis"
                )
