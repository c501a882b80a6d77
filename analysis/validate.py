"""Validation: checks that fail with the file, row and value that broke an assumption.

Row numbers are those a person sees in a text editor or spreadsheet: the header is
line 1, so the first data row is row 2. Loaders keep that number in a private
``_row`` column while they check a table, then drop it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

ROW = "csv_row"
"""Name of the private column that carries each record's line in its CSV file."""


class DataValidationError(ValueError):
    """A table broke one of the assumptions its loader relies on."""


def _where(path: Path | str, row: object) -> str:
    return f"{Path(path).name}, row {row}"


def read_raw_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Read a raw CSV as text, check its header and number its rows.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (UTF-8, header on line 1).
    columns : sequence of str
        The exact header expected, in order.

    Returns
    -------
    pandas.DataFrame
        Every column as ``str`` (empty cells as ``""``), plus ``csv_row``: the line
        number of each record in the file (first data row = 2).

    Raises
    ------
    DataValidationError
        If the file is missing or its header differs from ``columns``.
    """
    if not path.exists():
        raise DataValidationError(f"{path}: file not found")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(df.columns) != list(columns):
        raise DataValidationError(
            f"{path.name}: header is {list(df.columns)}, expected {list(columns)}"
        )
    return df.assign(**{ROW: range(2, len(df) + 2)})


def to_integer(
    df: pd.DataFrame, column: str, path: Path, *, allow_empty: bool = False
) -> pd.Series:
    """Convert a text column to integers, naming the first bad cell.

    Parameters
    ----------
    df : pandas.DataFrame
        Table from :func:`read_raw_csv`.
    column : str
        Column to convert.
    path : pathlib.Path
        The file the table came from (for the message).
    allow_empty : bool
        If True, empty cells become ``<NA>``; otherwise they are an error.

    Returns
    -------
    pandas.Series
        ``Int64`` values.
    """
    return _convert(df, column, path, allow_empty, "an integer", _parse_int).astype("Int64")


def to_float(df: pd.DataFrame, column: str, path: Path, *, allow_empty: bool = False) -> pd.Series:
    """Convert a text column to floats, naming the first bad cell (see :func:`to_integer`)."""
    return _convert(df, column, path, allow_empty, "a number", float).astype("float64")


def _parse_int(text: str) -> int:
    value = float(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def _convert(
    df: pd.DataFrame,
    column: str,
    path: Path,
    allow_empty: bool,
    what: str,
    parse: Callable[[str], float],
) -> pd.Series:
    out = []
    for text, row in zip(df[column], df[ROW], strict=True):
        if text == "":
            if not allow_empty:
                raise DataValidationError(f"{_where(path, row)}: column {column!r} is empty")
            out.append(pd.NA)
            continue
        try:
            out.append(parse(text))
        except ValueError:
            raise DataValidationError(
                f"{_where(path, row)}: column {column!r} should be {what}, got {text!r}"
            ) from None
    return pd.Series(out, index=df.index, dtype="object")


def check_unique(df: pd.DataFrame, keys: Sequence[str], path: Path) -> None:
    """Fail if two rows share the same ``keys``, naming both rows."""
    dup = df[df.duplicated(list(keys), keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        rows = dup[(dup[list(keys)] == first[list(keys)]).all(axis=1)][ROW].tolist()
        key = ", ".join(f"{k}={first[k]!r}" for k in keys)
        raise DataValidationError(
            f"{Path(path).name}: rows {rows} share the key ({key}); expected one row per "
            f"{' and '.join(keys)}"
        )


def check_allowed(df: pd.DataFrame, column: str, allowed: Iterable[str], path: Path) -> None:
    """Fail on the first value of ``column`` outside ``allowed``."""
    allowed = set(allowed)
    bad = df[~df[column].isin(allowed)]
    if not bad.empty:
        first = bad.iloc[0]
        raise DataValidationError(
            f"{_where(path, first[ROW])}: column {column!r} has {first[column]!r}, expected one "
            f"of {sorted(allowed)}"
        )


def check_non_negative(df: pd.DataFrame, column: str, path: Path) -> None:
    """Fail on the first negative value of ``column`` (counts cannot be negative)."""
    bad = df[df[column] < 0]
    if not bad.empty:
        first = bad.iloc[0]
        raise DataValidationError(
            f"{_where(path, first[ROW])}: column {column!r} is negative ({first[column]}); "
            "counts and shares cannot be negative"
        )


def check_range(df: pd.DataFrame, column: str, low: float, high: float, path: Path) -> None:
    """Fail on the first value of ``column`` outside ``[low, high]``."""
    bad = df[(df[column] < low) | (df[column] > high)]
    if not bad.empty:
        first = bad.iloc[0]
        raise DataValidationError(
            f"{_where(path, first[ROW])}: column {column!r} is {first[column]}, outside the "
            f"expected range {low}-{high}"
        )


def fail(path: Path | str, row: object, message: str) -> None:
    """Raise :class:`DataValidationError` for one row, prefixed with file and row."""
    raise DataValidationError(f"{_where(path, row)}: {message}")
