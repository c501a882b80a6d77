"""Visas (各論1(1) ビザ): the report's counted programmes, issuance gaps, shares, forecast checks.

The report counts six visa measures over stated periods (``約2万7,000件`` Okinawa
multiple-entry visas from July 2011 to December 2012, ...). Counts over periods of
different length cannot be compared; rates per month can. :func:`programmes` turns the
six figures into a tidy table with those rates. The other functions serve the visa
notebook:

- :func:`parse_period`, :func:`months_inclusive` -- read ``'YYYY-MM to YYYY-MM'`` and count
  its calendar months.
- :func:`missing_years` -- the runs of years an annual series lacks (its gaps).
- :func:`share_of_total` -- one country's share of all visas issued, by year.
- :func:`compare_forecast` -- a forecast's intervals against the outcomes, lower bounds
  included.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

from analysis import data, printed
from analysis.validate import DataValidationError

__all__ = [
    "PROGRAMME_FIGURES",
    "PROGRAMME_LABELS",
    "compare_forecast",
    "missing_years",
    "months_inclusive",
    "parse_period",
    "programmes",
    "share_of_total",
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


def missing_years(series: pd.Series) -> list[tuple[int, int]]:
    """List the runs of years missing between the first and last year of an annual series.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by integer calendar year (any order; NaN values count as missing).

    Returns
    -------
    list of tuple of int
        ``(first, last)`` missing year of each run, in order; ``[]`` if none.
        ``[(1975, 1977), (1979, 1982)]`` for a series with 1974, 1978, 1983.
    """
    years = np.sort(series.dropna().index.to_numpy().astype("int64"))
    return [
        (int(a) + 1, int(b) - 1) for a, b in itertools.pairwise(years) if b - a > 1
    ]


def share_of_total(part: pd.Series, total: pd.Series) -> pd.DataFrame:
    """Compute one country's share of all visas issued, for the years both are known.

    Parameters
    ----------
    part : pandas.Series
        Visas issued to one country's nationals, by year.
    total : pandas.Series
        Visas issued to all nationals, by year (same unit).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (years present in both, sorted): ``part``, ``total``
        (visas per year), ``rest`` (``total - part``, visas per year), ``share_pct``
        (``100 * part / total``, percent).

    Raises
    ------
    ValueError
        If no year is in both, or a part exceeds its total (naming the year).
    """
    years = part.index.intersection(total.index).sort_values()
    if years.empty:
        raise ValueError("the two series have no year in common")
    out = pd.DataFrame(
        {"part": part.loc[years].to_numpy(), "total": total.loc[years].to_numpy()},
        index=pd.Index(years, name="year"),
    ).astype("float64")
    over = out.index[out["part"] > out["total"]]
    if len(over):
        year = over[0]
        raise ValueError(
            f"in {year} the part ({out.loc[year, 'part']:,.0f}) exceeds the total "
            f"({out.loc[year, 'total']:,.0f})"
        )
    out["rest"] = out["total"] - out["part"]
    out["share_pct"] = 100 * out["part"] / out["total"]
    return out


def compare_forecast(
    forecast: pd.DataFrame,
    actual: pd.Series,
    lower_bounds: pd.Series | None = None,
) -> pd.DataFrame:
    """Set a forecast beside the outcomes and say which fell inside its intervals.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Indexed by year: ``mean``, ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95``
        (the layout of :func:`analysis.models.forecast`).
    actual : pandas.Series
        Observed counts by year (same unit).
    lower_bounds : pandas.Series, optional
        Years known only as "more than" a value (same unit), e.g. visas 2023.

    Returns
    -------
    pandas.DataFrame
        The forecast years that have an outcome or a lower bound: the forecast columns,
        ``actual`` (the count, or the bound), ``lower_bound`` (bool: ``actual`` is only a
        bound), ``error`` (``actual - mean``; NaN for bounds), ``error_pct`` (percent of
        ``mean``), ``in_80``, ``in_95`` (``boolean``: inside the interval; for a bound,
        False if the bound is already above the upper end, otherwise unknown, ``<NA>``).
    """
    lower_bounds = pd.Series(dtype="float64") if lower_bounds is None else lower_bounds
    years = [y for y in forecast.index if y in actual.index or y in lower_bounds.index]
    out = forecast.loc[years, ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]].copy()
    is_bound = pd.Series(
        [y not in actual.index for y in years], index=out.index, dtype="bool"
    )
    out["actual"] = [
        float(lower_bounds.loc[y]) if bound else float(actual.loc[y])
        for y, bound in is_bound.items()
    ]
    out["lower_bound"] = is_bound
    out["error"] = (out["actual"] - out["mean"]).where(~is_bound)
    out["error_pct"] = 100 * out["error"] / out["mean"]
    for level in (80, 95):
        lo, hi = out[f"lower_{level}"], out[f"upper_{level}"]
        inside = pd.Series(out["actual"].between(lo, hi), dtype="boolean")
        inside[is_bound] = pd.NA
        inside[is_bound & (out["actual"] > hi)] = False
        out[f"in_{level}"] = inside
    return out
