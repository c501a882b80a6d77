"""Visas (各論1(1) ビザ): the report's counted programmes and their rates per month.

The report counts six visa measures over stated periods (``約2万7,000件`` Okinawa
multiple-entry visas from July 2011 to December 2012, ...). Counts over periods of
different length cannot be compared; rates per month can. :func:`programmes` turns the
six figures into a tidy table with those rates. The other functions serve the visa
notebook:

- :func:`parse_period`, :func:`months_inclusive` -- read ``'YYYY-MM to YYYY-MM'`` and count
  its calendar months.
- :func:`rebase_forecast` -- start a random-walk forecast from a later year's level: the
  issuance series breaks in 2020-22 (the pandemic) and has no count for 2023, so a model
  learnt on the unbroken 2009-2019 run is started from 2024.

General tools live elsewhere: gaps and shares in :mod:`analysis.composition`, a forecast
against its outcomes in :meth:`analysis.models.ForecastResult.compare`.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis import data, printed
from analysis.models import ForecastResult
from analysis.validate import DataValidationError

__all__ = [
    "PROGRAMME_FIGURES",
    "PROGRAMME_LABELS",
    "months_inclusive",
    "parse_period",
    "programmes",
    "rebase_forecast",
]

PROGRAMME_FIGURES: tuple[str, ...] = (
    "tohoku_fee_waivers",
    "okinawa_multiple_visas",
    "tohoku_multiple_visas",
    "thai_multiple_visas",
    "malaysian_multiple_visas",
    "indonesian_multiple_visas",
)
"""Figure ids (``data/raw/report_figures.csv``) of the visa measures the report counts."""

PROGRAMME_LABELS: dict[str, tuple[str, str]] = {
    "tohoku_fee_waivers": ("東北三県 ビザ手数料免除", "Tohoku visa-fee waivers"),
    "okinawa_multiple_visas": ("沖縄数次ビザ（中国）", "Okinawa multiple-entry (China)"),
    "tohoku_multiple_visas": ("東北三県数次ビザ（中国）", "Tohoku multiple-entry (China)"),
    "thai_multiple_visas": ("数次ビザ（タイ）", "Multiple-entry (Thailand)"),
    "malaysian_multiple_visas": ("数次ビザ（マレーシア）", "Multiple-entry (Malaysia)"),
    "indonesian_multiple_visas": ("数次ビザ（インドネシア）", "Multiple-entry (Indonesia)"),
}
"""Short chart labels (Japanese, English) of each programme figure."""

_PERIOD = re.compile(r"^\s*(\d{4})-(\d{2})\s+to\s+(\d{4})-(\d{2})\s*$")


def parse_period(period: str, figure_id: str) -> tuple[pd.Period, pd.Period]:
    """Read a period written ``'YYYY-MM to YYYY-MM'`` (both months inclusive).

    Parameters
    ----------
    period : str
        E.g. ``'2011-07 to 2012-12'``.
    figure_id : str
        The figure the period belongs to; named in every error message.

    Returns
    -------
    tuple of pandas.Period
        First and last calendar month (frequency ``'M'``).

    Raises
    ------
    DataValidationError
        If the text is not of that form, a month is not 01-12, or the period ends
        before it starts. The message names the figure and quotes the period.
    """
    match = _PERIOD.match(period) if isinstance(period, str) else None
    if match is None:
        raise DataValidationError(
            f"figure {figure_id!r}: period {period!r} is not of the form 'YYYY-MM to YYYY-MM'"
        )
    y0, m0, y1, m1 = (int(g) for g in match.groups())
    for month in (m0, m1):
        if not 1 <= month <= 12:
            raise DataValidationError(
                f"figure {figure_id!r}: period {period!r} has month {month:02d} "
                "(must be 01-12)"
            )
    start, end = pd.Period(year=y0, month=m0, freq="M"), pd.Period(year=y1, month=m1, freq="M")
    if end < start:
        raise DataValidationError(
            f"figure {figure_id!r}: period {period!r} ends before it starts"
        )
    return start, end


def months_inclusive(start: pd.Period, end: pd.Period) -> int:
    """Count calendar months from ``start`` to ``end``, both included.

    July 2011 to December 2012 is 18 months; a period within one month is 1 month.
    The count assumes that a measure ran from the first day of its first month to the
    last day of its last month; one that started mid-month ran for less, so a rate
    per month computed with this count is then a slight underestimate.

    Parameters
    ----------
    start, end : pandas.Period
        Monthly periods, ``start <= end``.

    Returns
    -------
    int
        Number of months (>= 1).

    Raises
    ------
    ValueError
        If ``end`` is before ``start``.
    """
    months = (end.year - start.year) * 12 + (end.month - start.month) + 1
    if months < 1:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    return months


def programmes(figures: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tabulate the visa measures the report counts, with months elapsed and rates per month.

    Parameters
    ----------
    figures : pandas.DataFrame, optional
        A table laid out like :func:`analysis.data.report_figures` (default: that table).

    Returns
    -------
    pandas.DataFrame
        One row per measure of :data:`PROGRAMME_FIGURES`, in report order (by line):

        - ``figure_id`` (str); ``label_ja``, ``label_en`` (str): short labels;
          ``subject`` (str): what is counted.
        - ``start_month``, ``end_month`` (``period[M]``): first and last month counted.
        - ``months`` (int64): calendar months from start to end, both included
          (:func:`months_inclusive`), in months.
        - ``as_printed`` (str): the count as printed (``約2万7,000件``).
        - ``value`` (float64): the count, in visas (件; for ``tohoku_fee_waivers``, visas
          whose fee was waived).
        - ``approx`` (bool): printed as approximate (約).
        - ``per_month`` (float64): ``value / months``, visas per month.
        - ``per_month_low``, ``per_month_high`` (float64): the rate at the ends of
          :func:`analysis.printed.interval` (the range a rounded figure such as
          ``約1万1,000`` stands for), visas per month.
        - ``line`` (int64): line of the report text.

    Raises
    ------
    DataValidationError
        If a programme figure is missing or its period is malformed (naming the figure).

    Notes
    -----
    Source: 外務省『外交青書2013』第4章第1節, 各論1(1). A rate per month since the measure
    began is comparable across measures of different length; it assumes issuance was
    spread evenly, which for a new measure (slow start, seasonal travel) it need not be.
    """
    if figures is None:
        figures = data.report_figures()
    missing = [f for f in PROGRAMME_FIGURES if f not in set(figures["figure_id"])]
    if missing:
        raise DataValidationError(f"report figures lack the programme figure(s) {missing}")
    rows = []
    for rec in figures[figures["figure_id"].isin(PROGRAMME_FIGURES)].itertuples(index=False):
        start, end = parse_period(rec.period, rec.figure_id)
        months = months_inclusive(start, end)
        allowed = printed.interval(rec.as_printed)
        low, high = allowed.low, allowed.high
        label_ja, label_en = PROGRAMME_LABELS[rec.figure_id]
        rows.append(
            {
                "figure_id": rec.figure_id,
                "label_ja": label_ja,
                "label_en": label_en,
                "subject": rec.subject,
                "start_month": start,
                "end_month": end,
                "months": months,
                "as_printed": rec.as_printed,
                "value": float(rec.value),
                "approx": bool(rec.approx),
                "per_month": rec.value / months,
                "per_month_low": low / months,
                "per_month_high": high / months,
                "line": int(rec.line),
            }
        )
    out = pd.DataFrame(rows).sort_values("line", kind="stable").reset_index(drop=True)
    return out.astype({"months": "int64", "line": "int64", "value": "float64"})


def rebase_forecast(
    result: ForecastResult, history: pd.Series, level: float, origin: int
) -> pd.DataFrame:
    """Start a random-walk forecast from another year's level (a new jump-off).

    A random walk (``naive``) or random walk with drift (``drift``) depends on its data
    through two things only: the changes between years (drift and spread) and the last
    value, where the path starts. This keeps the first and replaces the second: the
    model learnt from ``history`` up to ``result.origin`` is started from ``level`` in
    ``origin``. Horizon ``h`` of ``result`` becomes year ``origin + h``; on a log scale
    every column is multiplied by ``level / last``, otherwise shifted by ``level - last``
    (``last`` is ``history`` at ``result.origin``). Intervals keep their width in
    relative (log) or absolute terms.

    Use it where the years between the two origins cannot be modelled: visa issuance
    is unbroken 2009-2019, collapsed 2020-22 and is unknown in 2023 (a lower bound), so
    a model of 2009-2019 is started from 2024.

    Parameters
    ----------
    result : analysis.models.ForecastResult
        A forecast by ``naive`` or ``drift``.
    history : pandas.Series
        The series it was fitted to (by year); must hold ``result.origin``.
    level : float
        The value the new path starts from (series units; positive on a log scale).
    origin : int
        The year of ``level``, at or after ``result.origin``.

    Returns
    -------
    pandas.DataFrame
        The columns of ``result.summary_frame()``, indexed by ``year`` ``origin + 1 ...
        origin + result.horizon``.

    Raises
    ------
    ValueError
        If the method is not ``naive`` or ``drift`` (a fitted line or smoothing model
        does not start at the last value), ``origin`` is before the result's origin,
        ``history`` lacks the origin year, or ``level`` is not positive on a log scale.
    """
    if result.method not in ("naive", "drift"):
        raise ValueError(
            f"rebase_forecast: method {result.method!r} is not a random walk ('naive' or "
            "'drift'); its path does not start at the last value"
        )
    if origin < result.origin:
        raise ValueError(
            f"rebase_forecast: origin {origin} is before the forecast's origin {result.origin}"
        )
    if result.origin not in history.index:
        raise ValueError(f"rebase_forecast: history has no value for {result.origin}")
    last = float(history.loc[result.origin])
    frame = result.summary_frame()
    if result.log:
        if not level > 0:
            raise ValueError(f"rebase_forecast: level must be positive on a log scale, got {level}")
        moved = frame * (level / last)
    else:
        moved = frame + (level - last)
    years = moved.index.to_numpy() - result.origin + origin
    return moved.set_axis(pd.Index(years.astype("int64"), name="year"))
