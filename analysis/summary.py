"""Then and now: each headline indicator in 2012 beside its latest value, the change in words.

The report describes Japan's ties with the world as they stood in 2012; the summary page
sets every headline indicator of that year beside the latest value the sources give:

- :func:`then_and_now` -- one indicator: the value of 2012 (or, where that year is a
  gap, of the last year before it), the latest value, and the change;
- :func:`headline_table` -- the same for several indicators, one row each, with units,
  years, statuses and the source of each value;
- :func:`change_in_words` -- a change as a reader says it: ``×4.0``, ``+85 %``,
  ``+1.14 points``;
- :func:`then_and_now_frame` -- the table in the long layout of
  :func:`analysis.plots.plot_then_and_now`;
- :func:`top_contributors` -- the few groups that drove a change
  (:func:`analysis.composition.contributions`) and everything else in one row, still
  adding up to the change;
- :func:`format_value` and :func:`source_urls` -- for the table a reader sees and the
  sources the page cites.

Values are never filled, interpolated or recomputed: each comes from one row of
:func:`analysis.data.load` with its year, and a figure known only as a lower bound
("more than", 余り) is not a value. Shares of the population are the printed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.composition import OTHER

THEN = 2012
"""The year the report describes (it was published in 2013 with figures to 2012)."""

PERCENT_UNIT = "percent"
"""Unit whose changes are told in percentage points, not as a ratio."""

USABLE_VALUE_TYPES = frozenset({"exact", "rounded"})
"""``value_type`` of rows that are values; ``lower_bound`` rows are not."""

TABLE_COLUMNS = [
    "unit", "year_then", "value_then", "year_latest", "value_latest", "ratio", "change",
    "change_pct", "change_words", "status_then", "status_latest", "value_type_then",
    "value_type_latest", "source_url_then", "source_url_latest",
]  # fmt: skip
"""Columns of :func:`headline_table` (its index is the indicator's label)."""

__all__ = [
    "PERCENT_UNIT",
    "TABLE_COLUMNS",
    "THEN",
    "change_in_words",
    "format_value",
    "headline_table",
    "source_urls",
    "then_and_now",
    "then_and_now_frame",
    "top_contributors",
]

_MINUS = "\N{MINUS SIGN}"


def _signed(text: str) -> str:
    return text.replace("-", _MINUS)


def change_in_words(start: float, end: float, *, unit: str = "persons", decimals: int = 2) -> str:
    """Write a change from ``start`` to ``end`` as a reader says it.

    Parameters
    ----------
    start, end : float
        The two values, in the same unit.
    unit : str
        Their unit (:data:`analysis.metadata.UNITS`). A share in ``"percent"`` changes by
        percentage points: ``"+1.14 points"``.
    decimals : int
        Decimals of a change in points.

    Returns
    -------
    str
        ``"×4.0"`` when the value at least doubled (one decimal); otherwise the change in
        percent, ``"+85 %"`` (whole percent from 10 % on, one decimal below:
        ``"+3.3 %"``, ``"−24 %"``); ``"no change"`` when ``end == start``. Minus signs
        are typographic (−).

    Raises
    ------
    ValueError
        If ``start`` is not positive (a ratio needs a positive start) outside percent
        units, or a value is not finite.

    Examples
    --------
    >>> [change_in_words(9_172_146, 36_779_964), change_in_words(2_033_656, 3_768_977)]
    ['×4.0', '+85 %']
    >>> change_in_words(1.60, 2.74, unit="percent")
    '+1.14 points'
    """
    if not (np.isfinite(start) and np.isfinite(end)):
        raise ValueError(f"change_in_words needs finite values, got {start!r} and {end!r}")
    if end == start:
        return "no change"
    if unit == PERCENT_UNIT:
        return _signed(f"{end - start:+.{decimals}f} points")
    if start <= 0:
        raise ValueError(f"a change as a ratio needs a positive start, got {start!r}")
    ratio = end / start
    if ratio >= 2:
        return f"×{ratio:.1f}"
    pct = 100 * (ratio - 1)
    return _signed(f"{pct:+.0f} %" if abs(pct) >= 10 else f"{pct:+.1f} %")


def _values(rows: pd.DataFrame, what: str) -> pd.DataFrame:
    """Return the usable rows of one indicator and key by year (lower bounds dropped)."""
    missing = [c for c in ("year", "value", "unit") if c not in rows.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")
    identity = [c for c in ("indicator", "key") if c in rows.columns]
    groups = rows[identity].drop_duplicates()
    if identity and len(groups) > 1:
        raise ValueError(
            f"{what}: rows of several indicators or keys {groups.to_dict('records')[:3]}; "
            "give one series"
        )
    usable = rows
    if "value_type" in rows:
        usable = rows[rows["value_type"].isin(USABLE_VALUE_TYPES)]
    usable = usable.dropna(subset=["value"])
    repeated = usable["year"][usable["year"].duplicated()]
    if len(repeated):
        raise ValueError(f"{what}: year {int(repeated.iloc[0])} appears more than once")
    return usable.set_index("year").sort_index()


def _field(row: pd.Series, column: str) -> object:
    return row[column] if column in row.index else None


def then_and_now(rows: pd.DataFrame, then: int = THEN, *, what: str = "rows") -> dict[str, object]:
    """Set one indicator's value of ``then`` beside its latest value.

    Parameters
    ----------
    rows : pandas.DataFrame
        Tidy rows of one indicator and key, as :func:`analysis.data.load` returns them
        (``year``, ``value``, ``unit``; ``value_type``, ``status``, ``source_url`` when
        present). Rows whose ``value_type`` is ``lower_bound`` are left out: a bound is
        not a value.
    then : int
        The reference year. Where it has no value, the last year before it with one is
        used, and ``year_then`` says which (never a later year, never a filled value).
    what : str
        Name of the indicator, for error messages.

    Returns
    -------
    dict
        The keys of :data:`TABLE_COLUMNS`: ``unit``; ``year_then``, ``value_then``;
        ``year_latest``, ``value_latest`` (the last year after ``then`` with a value);
        ``ratio`` (latest / then; NaN if the start is not positive), ``change``
        (latest - then, in the unit), ``change_pct`` (percent; NaN as the ratio);
        ``change_words`` (:func:`change_in_words`); ``status_*``, ``value_type_*``,
        ``source_url_*`` of the two rows (None where the rows lack the column).

    Raises
    ------
    ValueError
        If rows of several indicators or keys are given, a year repeats, or there is no
        value at or before ``then`` or none after it.
    """
    values = _values(rows, what)
    before = values.loc[:then]
    after = values.loc[then + 1 :]
    if before.empty or after.empty:
        raise ValueError(
            f"{what}: needs a value in or before {then} and one after it; has years "
            f"{[int(y) for y in values.index]}"
        )
    first, last = before.iloc[-1], after.iloc[-1]
    start, end = float(first["value"]), float(last["value"])
    units = set(values["unit"])
    if len(units) != 1:
        raise ValueError(f"{what}: several units {sorted(units)}")
    unit = units.pop()
    ratio = end / start if start > 0 else np.nan
    return {
        "unit": unit,
        "year_then": int(before.index[-1]),
        "value_then": start,
        "year_latest": int(after.index[-1]),
        "value_latest": end,
        "ratio": ratio,
        "change": end - start,
        "change_pct": 100 * (ratio - 1),
        "change_words": change_in_words(start, end, unit=unit),
        "status_then": _field(first, "status"),
        "status_latest": _field(last, "status"),
        "value_type_then": _field(first, "value_type"),
        "value_type_latest": _field(last, "value_type"),
        "source_url_then": _field(first, "source_url"),
        "source_url_latest": _field(last, "source_url"),
    }


def headline_table(indicators: Mapping[str, pd.DataFrame], then: int = THEN) -> pd.DataFrame:
    """Set every headline indicator's value of ``then`` beside its latest value.

    Parameters
    ----------
    indicators : mapping of str to pandas.DataFrame
        Label for the reader (with the unit, e.g. ``"Foreign entrants (persons a
        year)"``) → the indicator's tidy rows (:func:`analysis.data.load`), in the
        order the table should show them.
    then : int
        The reference year (see :func:`then_and_now`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``indicator`` (the labels, in the order given), columns
        :data:`TABLE_COLUMNS` as :func:`then_and_now` describes them: ``year_then`` and
        ``year_latest`` int64, values and changes float64 in each row's own unit,
        ``change_pct`` in percent.

    Raises
    ------
    ValueError
        As :func:`then_and_now`, naming the indicator; or if no indicator is given.
    """
    if not indicators:
        raise ValueError("headline_table needs at least one indicator")
    records = {label: then_and_now(rows, then, what=label) for label, rows in indicators.items()}
    out = pd.DataFrame.from_dict(records, orient="index")[TABLE_COLUMNS]
    out.index.name = "indicator"
    return out.astype(
        {
            "year_then": "int64",
            "year_latest": "int64",
            "value_then": "float64",
            "value_latest": "float64",
            "ratio": "float64",
            "change": "float64",
            "change_pct": "float64",
        }
    )


def then_and_now_frame(table: pd.DataFrame, then: int = THEN) -> pd.DataFrame:
    """Lay out :func:`headline_table` for :func:`analysis.plots.plot_then_and_now`.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`headline_table`.
    then : int
        The reference year of the chart.

    Returns
    -------
    pandas.DataFrame
        Two rows per indicator, in the table's order: ``indicator``, ``year`` (``then``
        and ``year_latest``), ``value``. An indicator whose first value is from an earlier
        year is drawn at ``then`` (the chart compares with one reference year), and its
        label says so: ``"Visa-exempt countries and regions (from 2011)"``.
    """
    rows = []
    for label, row in table.iterrows():
        name = str(label) if row["year_then"] == then else f"{label} (from {row['year_then']})"
        rows.append({"indicator": name, "year": then, "value": row["value_then"]})
        rows.append({"indicator": name, "year": row["year_latest"], "value": row["value_latest"]})
    return pd.DataFrame(rows).astype({"year": "int64", "value": "float64"})


def top_contributors(
    changes: pd.DataFrame, n: int = 3, *, rest: str = "All others"
) -> pd.DataFrame:
    """Keep the ``n`` groups that changed most and fold everything else into one row.

    Parameters
    ----------
    changes : pandas.DataFrame
        The output of :func:`analysis.composition.contributions` (``key``,
        ``value_start``, ``value_end``, ``change``, ``share_of_change_pct``,
        ``change_pct``; an ``Other`` row for the groups not listed in both years).
    n : int
        How many groups to keep: those with the largest changes either way (a fall
        counts as much as a rise), never the ``Other`` row.
    rest : str
        Label of the row that sums every other group and ``Other``.

    Returns
    -------
    pandas.DataFrame
        The same columns: the ``n`` groups, largest change first, then ``rest``
        (``change_pct`` NaN). The changes still add up to ``attrs["total_change"]``,
        and the shares to 100; ``attrs`` are kept.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, or a column is missing.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    needed = ["key", "value_start", "value_end", "change", "share_of_change_pct", "change_pct"]
    missing = [c for c in needed if c not in changes.columns]
    if missing:
        raise ValueError(f"changes: missing column(s) {missing}")
    listed = changes[changes["key"] != OTHER]
    keep = listed.loc[listed["change"].abs().sort_values(ascending=False, kind="stable").index[:n]]
    keep = keep.sort_values("change", ascending=False, kind="stable")
    others = changes.drop(index=keep.index)
    folded = pd.DataFrame(
        {
            "key": [rest],
            "value_start": [float(others["value_start"].sum())],
            "value_end": [float(others["value_end"].sum())],
            "change": [float(others["change"].sum())],
            "share_of_change_pct": [float(others["share_of_change_pct"].sum())],
            "change_pct": [np.nan],
        }
    )
    out = pd.concat([keep[needed], folded], ignore_index=True)
    out.attrs.update(changes.attrs)
    return out


def format_value(value: float) -> str:
    """Format a value for the headline table: ``9,172,146``, ``61``, ``1.60``.

    Whole numbers get thousands separators; other numbers two decimals (the printed
    shares of the population); NaN is ``–``.
    """
    if not np.isfinite(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def source_urls(
    table: pd.DataFrame, columns: Iterable[str] = ("source_url_then", "source_url_latest")
) -> list[str]:
    """List the distinct source URLs of a table, row by row, in order of first use.

    Parameters
    ----------
    table : pandas.DataFrame
        E.g. :func:`headline_table`'s output.
    columns : iterable of str
        The columns holding URLs, read left to right within each row.

    Returns
    -------
    list of str
        Each URL once; empty and missing ones left out.
    """
    cols = list(columns)
    urls = [url for _, row in table[cols].iterrows() for url in row if isinstance(url, str)]
    return list(dict.fromkeys(url for url in urls if url))
