"""Fact-check the report section's quantitative claims against the data.

Each claim the report section makes with a number or a trend (``約714万人``,
``約1.4倍近く``, ``一貫して増加``) is one row of ``data/claims.csv``: where it is printed,
what it says in English, the data it is checked against, and which check of this module
runs with which arguments (:data:`CHECKS`). :func:`check_all` runs every check on the
data *at run time* (verdicts are never stored) and returns one row per claim;
:func:`format_table` renders that table for a terminal.

Verdicts
--------
``consistent``
    The data match the printed figure exactly, satisfy the printed bound
    (``150を超える``), or show the stated trend.
``consistent-rounded``
    The data match within the precision the printed figure states
    (:func:`analysis.printed.interval`: the rounding rules live there, once).
``partly-consistent``
    The data bear out one part of the claim and not another (the count of embassies
    kept rising after 2012, but not at the steady pace the report expected to continue).
``inconsistent``
    The data contradict the claim; ``gap`` and ``gap_pct`` give the size.
``not-checkable``
    No data measure what the claim counts; ``reason`` says why (and what the data
    can still say, e.g. an upper bound the figure respects).

Some checks are weaker than a match, and say so in ``reason``: a cumulative total
with no independent count at its date is ``consistent`` when the counts of other
sources before and after it bracket it (the bracket's width is given); a figure
checked against the report's own table (embassies 2012) is an internal check; a
ratio is decided by the official data, and the ratio of the report's own rounded
figures is shown beside it.

Gaps
----
For a figure compared with one observed value, ``gap`` = printed value - observed
value (positive: the report is higher than the data) and ``gap_pct`` = 100 x gap /
observed value; both are given whatever the verdict, so the table shows how the
report rounded. For a trend claim that fails, ``gap`` is the size of the largest
violation (e.g. the largest fall in a series said to increase), in the series' unit,
and ``gap_pct`` that size relative to the value it departs from.

Data
----
Checks read the data through :mod:`analysis.data` only -- official rows without the
report's own (``load(..., include_report=False)``), the report's figures, the
prefecture table. To check against modified data, copy the data folder, edit the copy
and run :func:`check_all` inside :func:`analysis.datadir.use_data_dir`.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import data, metadata, volunteers
from analysis.datadir import fingerprint
from analysis.japanese import parse_number
from analysis.printed import Interval, interval, verdict
from analysis.printed import format_figure as _fmt
from analysis.validate import (
    ROW,
    check_table,
    check_unique,
    fail,
    read_raw_csv,
)

VERDICTS = (
    "consistent", "consistent-rounded", "partly-consistent", "inconsistent", "not-checkable",
)  # fmt: skip
"""Every verdict :func:`check_all` can give."""

COLUMNS = [
    "claim_id", "section", "claim", "as_printed", "line", "checked_against", "computation",
    "code", "expected", "observed", "verdict", "gap", "gap_pct", "reason",
    "expected_value", "observed_value",
]  # fmt: skip
"""Columns of :func:`check_all`, in order."""

CLAIMS_FILE = "claims.csv"
_INF = math.inf


# --------------------------------------------------------------------------- data


class MissingDataError(LookupError):
    """The data a check needs are absent: the claim becomes ``not-checkable``."""


def _figures() -> pd.DataFrame:
    return data.report_figures()


def _figure(figure_id: str) -> pd.Series:
    """Return the report figure ``figure_id`` (a row of :func:`analysis.data.report_figures`)."""
    rows = _figures()[_figures()["figure_id"] == figure_id]
    if len(rows) != 1:
        raise MissingDataError(f"the report figure {figure_id!r} is not in the figure table")
    return rows.iloc[0]


def _rows(indicator: str, *, counts_only: bool = True, key: str = "") -> pd.DataFrame:
    """Official rows (never the report's own) of ``indicator`` for ``key``, by year."""
    df = data.load(indicator, include_report=False)
    df = df[df["key"] == key]
    if counts_only:
        df = df[df["value_type"] != "lower_bound"]
    if df.empty:
        raise MissingDataError(f"no official {indicator} values")
    return df.sort_values("year")


def _series(indicator: str) -> pd.Series:
    """Official counts of an un-keyed indicator (no lower bounds) as a Series by year."""
    df = _rows(indicator)
    return pd.Series(df["value"].to_numpy(), index=df["year"].to_numpy(), name=indicator)


def _value(indicator: str, year: int, key: str = "") -> float:
    """Return the official count of ``indicator`` (for ``key``) in ``year``."""
    try:
        df = _rows(indicator, key=key)
    except MissingDataError:
        df = pd.DataFrame(columns=["year", "value"])
    hit = df[df["year"] == year]
    if len(hit) != 1:
        where = f" for {key}" if key else ""
        raise MissingDataError(f"no official {indicator} value{where} in {year}")
    return float(hit["value"].iloc[0])


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    """What one check found.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    expected, observed : str
        What the claim requires and what the data show, in words and numbers.
    reason : str
        Why this verdict (for ``not-checkable``: why no data can decide it).
    expected_value, observed_value : float
        The printed value and the value compared with it (NaN if none).
    gap, gap_pct : float
        See the module docstring (NaN if not applicable).
    """

    verdict: str
    expected: str
    observed: str
    reason: str
    expected_value: float = math.nan
    observed_value: float = math.nan
    gap: float = math.nan
    gap_pct: float = math.nan


def _pct(x: float) -> str:
    return f"{x:+.2f} %"


def _signed(x: float) -> str:
    """``+4,593`` or ``+0.0466``: a signed difference."""
    return f"{x:+,.0f}" if float(x).is_integer() else f"{x:+.4f}"


def _compare(printed: str, observed: float, source: str, note: str = "") -> Outcome:
    """Compare a printed figure with one observed value, by :func:`verdict`."""
    parsed = parse_number(printed)
    allowed = interval(parsed)
    result = verdict(parsed, observed)
    gap = parsed.value - observed
    gap_pct = 100 * gap / observed if observed else math.nan
    obs = f"{_fmt(observed)} ({source})"
    if result == "inconsistent":
        why = (
            f"{_fmt(observed)} is outside what {printed} allows ({allowed}): the report "
            f"is off by {_signed(gap)} ({_pct(gap_pct)})."
        )
    elif result == "consistent-rounded":
        why = f"{_fmt(observed)} is within what {printed} allows ({allowed.rule})."
    elif allowed.low == allowed.high:
        why = f"{printed} equals the data."
    else:
        why = f"{_fmt(observed)} satisfies {printed} ({allowed.rule})."
    return Outcome(
        verdict=result,
        expected=f"{allowed}  [{allowed.rule}]",
        observed=obs,
        reason=f"{why} {note}".strip(),
        expected_value=parsed.value,
        observed_value=observed,
        gap=gap,
        gap_pct=gap_pct,
    )


def _years(years: list[int]) -> str:
    """``1986-1987, 1991-1992, 1996`` from a sorted list of years."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _table_trend(table: pd.Series) -> str:
    return " → ".join(f"{_fmt(v)} ({y})" for y, v in table.items())


# --------------------------------------------------------------------------- checks


def _printed_vs_official(
    *, figure_id: str, indicator: str, year: int, contrast: str = "", note: str = ""
) -> Outcome:
    """Check a report figure against the official value of ``indicator`` in ``year``."""
    printed = _figure(figure_id)["as_printed"]
    observed = _value(indicator, year)
    if contrast:
        other = _value(contrast, year)
        note = (
            f"{note} For contrast, {contrast} {year} = {_fmt(other)} (a different concept) "
            f"would be {verdict(printed, other)}."
        )
    return _compare(printed, observed, f"{indicator}, {year}", note.strip())


def _printed_vs_figure(*, figure_id: str, table_id: str, note: str) -> Outcome:
    """Check a figure of the text against another figure of the report (its table)."""
    printed = _figure(figure_id)["as_printed"]
    observed = float(_figure(table_id)["value"])
    return _compare(printed, observed, f"report table, {table_id}", note)


def _ratio(
    *,
    figure_id: str,
    indicator: str,
    years: list[int],
    printed_ids: list[str],
) -> Outcome:
    """Check a printed ratio against the official ratio; show the printed figures' ratio.

    The official ratio decides the verdict: the report's own figures are rounded
    (their ratio carries that rounding), while the claim is about the real counts.
    """
    later, earlier = (_value(indicator, y) for y in years)
    official = later / earlier
    a, b = (float(_figure(f)["value"]) for f in printed_ids)
    printed = _figure(figure_id)["as_printed"]
    from_printed = a / b
    note = (
        f"Decided by the official ratio {_fmt(later)}/{_fmt(earlier)} = {official:.4f}. "
        f"The report's own figures give {_fmt(a)}/{_fmt(b)} = {from_printed:.4f}, which "
        f"is {verdict(printed, from_printed)}."
    )
    out = _compare(printed, official, f"official {indicator} {years[0]}/{years[1]}", note)
    return replace(out, observed=f"{out.observed}; printed figures: {from_printed:.4f}")


def _sharp_fall(*, indicator: str, year: int, threshold_pct: float) -> Outcome:
    """Check ``大幅に減少``: a year-on-year fall of at least ``threshold_pct`` percent."""
    s = _series(indicator)
    if year not in s.index or year - 1 not in s.index:
        raise MissingDataError(f"{indicator} lacks {year - 1} or {year}")
    before, after = s[year - 1], s[year]
    change = 100 * (after - before) / before
    consecutive = s[s.index.isin(s.index + 1) & (s.index < year)]
    earlier = {y: 100 * (s[y] - s[y - 1]) / s[y - 1] for y in consecutive.index}
    worst_year = min(earlier, key=lambda y: earlier[y]) if earlier else None
    record = (
        f"; the previous largest fall since {min(s.index)} was {worst_year} "
        f"({_pct(earlier[worst_year])})"
        if worst_year is not None
        else ""
    )
    observed = f"{_fmt(before)} ({year - 1}) → {_fmt(after)} ({year}): {_pct(change)}{record}"
    required = before * (1 - threshold_pct / 100)
    if after <= required:
        return Outcome(
            "consistent",
            f"a fall of at least {threshold_pct:g} % from {year - 1}",
            observed,
            f"{indicator} fell {-change:.1f} % in {year}, more than the {threshold_pct:g} % "
            "read as 'sharp' (大幅, this project's threshold). The cause (the earthquake) "
            "is not checked.",
        )
    short = after - required
    return Outcome(
        "inconsistent",
        f"a fall of at least {threshold_pct:g} % from {year - 1}",
        observed,
        f"The {year} change ({_pct(change)}) is not a fall of {threshold_pct:g} %.",
        gap=short,
        gap_pct=100 * short / before,
    )


def _peak(*, indicator: str, year: int) -> Outcome:
    """Check ``…年末をピークに``: ``year`` holds the highest value of the series."""
    s = _series(indicator)
    if year not in s.index:
        raise MissingDataError(f"no official {indicator} value in {year}")
    top_year = int(s.idxmax())
    first, last = int(min(s.index)), int(max(s.index))
    missing = sorted(set(range(first, last + 1)) - set(s.index))
    around = max((s[y] for y in s.index if any(abs(y - m) == 1 for m in missing)), default=0)
    gaps = (
        f" Years without data: {_years(missing)}. The known values next to them are at "
        f"most {_fmt(around)}: a missing year would have to exceed its neighbours by "
        f"{100 * (s[top_year] / around - 1):.0f} % or more to hold the peak."
        if missing
        else ""
    )
    observed = f"highest: {_fmt(s[top_year])} in {top_year}, of {len(s)} years {first}-{last}"
    expected = f"the highest value of the series in {year}"
    if top_year == year:
        return Outcome(
            "consistent", expected, observed, f"{year} is the highest of the known values.{gaps}"
        )
    gap = float(s[top_year] - s[year])
    return Outcome(
        "inconsistent",
        expected,
        observed,
        f"The series peaks in {top_year}, {_fmt(gap)} above {year}.{gaps}",
        gap=gap,
        gap_pct=100 * gap / s[year],
    )


def _declines_since(*, indicators: list[str], year: int, until: int) -> Outcome:
    """Check ``減少している``: each series falls every year from ``year`` to ``until``.

    ``until`` is the last year the report could know; a series may end earlier.
    """
    paths, rises = [], []
    for indicator in indicators:
        s = _series(indicator)
        s = s[(s.index >= year) & (s.index <= until)]
        missing = sorted(set(range(year, int(max(s.index, default=year)) + 1)) - set(s.index))
        if len(s) < 2 or missing:
            raise MissingDataError(f"{indicator} lacks years from {year}: {missing or [year]}")
        paths.append(f"{indicator}: {_table_trend(s)}")
        steps = s.diff().iloc[1:]
        rises += [(float(d), float(s[y - 1]), f"{indicator} {y - 1}→{y}") for y, d in steps.items()]
    observed = "; ".join(paths)
    expected = f"a fall every year from {year} (to {until} at the latest)"
    worst = max(rises)
    if worst[0] < 0:
        return Outcome(
            "consistent", expected, observed, "Every year-end is lower than the one before."
        )
    return Outcome(
        "inconsistent",
        expected,
        observed,
        f"No fall in {worst[2]} ({worst[0]:+,.0f}).",
        gap=worst[0],
        gap_pct=100 * worst[0] / worst[1],
    )


def _table_figures(prefix: str) -> pd.Series:
    """Return the report table ``{prefix}YYYY`` as a Series by year."""
    figs = _figures()[_figures()["figure_id"].str.fullmatch(rf"{prefix}\d{{4}}")]
    if figs.empty:
        raise MissingDataError(f"no report figures {prefix}YYYY")
    years = figs["figure_id"].str[-4:].astype(int).to_numpy()
    return pd.Series(figs["value"].to_numpy(), index=years).sort_index()


def _table_increasing(*, prefix: str) -> Outcome:
    """Check ``一貫して増加``: every entry of the report's table is above the one before."""
    table = _table_figures(prefix)
    steps = table.diff().iloc[1:]
    observed = _table_trend(table)
    expected = "a rise at every step of the table"
    caveat = (
        f" The table has {len(table)} years ({', '.join(map(str, table.index))}): a fall "
        "between them can be neither seen nor ruled out."
    )
    if (steps > 0).all():
        return Outcome("consistent", expected, observed, f"Every step rises.{caveat}")
    y = int(steps.idxmin())
    before = table[table.index < y].iloc[-1]
    return Outcome(
        "inconsistent",
        expected,
        observed,
        f"No rise into {y} ({_fmt(steps[y])}).{caveat}",
        gap=-float(steps[y]),
        gap_pct=-100 * float(steps[y]) / before,
    )


def _opened_in_year(*, figure_id: str, prefix: str, year: int) -> Outcome:
    """Check N openings in ``year`` against the table's counts at ``year - 1`` and ``year``.

    The net change over the year is openings less closures: above N it refutes the
    claim, equal to N it matches (if nothing closed), below N it needs closures that no
    data record. Without a ``year - 1`` count only the change over a longer span is
    known, which mixes in other years: the claim is then not checkable.
    """
    table = _table_figures(prefix)
    opened = float(_figure(figure_id)["value"])
    before = table[table.index < year]
    if year not in table.index or before.empty:
        raise MissingDataError(f"the report table has no {year} count or none before it")
    start = int(before.index[-1])
    change = float(table[year] - before.iloc[-1])
    expected = f"{_fmt(opened)} opened in {year}: a net change of at most {_fmt(opened)}"
    observed = (
        f"net change {start}→{year}: {change:+,.0f} ({_fmt(before.iloc[-1])} → {_fmt(table[year])})"
    )
    if start != year - 1:
        return Outcome(
            "not-checkable",
            expected,
            f"{observed}; no {year - 1} count",
            f"The table has no {year - 1} count, so {year}'s openings cannot be told from "
            f"those of {_years(list(range(start + 1, year)))}, nor openings from closures. "
            f"The net change {start}→{year} ({change:+,.0f}) is compatible with "
            f"{_fmt(opened)} openings in {year} only if the other years saw no net change "
            f"and {year} no closure; no data say so.",
        )
    if change > opened:
        return Outcome(
            "inconsistent",
            expected,
            observed,
            f"The count rose by more than the {_fmt(opened)} embassies said to have opened.",
            expected_value=opened,
            observed_value=change,
            gap=opened - change,
            gap_pct=100 * (opened - change) / change,
        )
    if change == opened:
        return Outcome(
            "consistent",
            expected,
            observed,
            "The net change equals the openings (assuming no embassy closed).",
            expected_value=opened,
            observed_value=change,
            gap=0.0,
            gap_pct=0.0,
        )
    return Outcome(
        "not-checkable",
        expected,
        observed,
        f"A net change below {_fmt(opened)} needs closures, which no data record.",
    )


def _trend_continues(
    *, prefix: str, year: int, indicator: str, eu_delegation: int
) -> Outcome:
    """Check ``この傾向は今後も続きそう``: later counts stay at or above ``year``'s, end above.

    Worst case for the EU caveat: the report's count excludes the EU Delegation and
    every later count includes it, so ``eu_delegation`` is taken off each later count.
    The pace after ``year`` is set beside the pace over the table's last decade or so
    (from its first year at least ten years before ``year``): a steady increase has
    *continued* only if the later pace is at least half that one and no later step
    stalls; otherwise the claim is ``partly-consistent``.
    """
    table = _table_figures(prefix)
    if year not in table.index:
        raise MissingDataError(f"the report table has no {year} count")
    base = float(table[year])
    later = _rows(indicator)
    later = later[later["year"] > year]
    if later.empty:
        raise MissingDataError(f"no official {indicator} count after {year}")
    counts = pd.Series(later["value"].to_numpy(), index=later["year"].to_numpy())
    worst = counts - eu_delegation
    eu_notes = int(later["note"].str.contains("European Union").sum())
    observed = f"{_fmt(base)} ({year}) → " + _table_trend(counts)
    expected = f"later counts ≥ {_fmt(base)}, the latest above it (even less the EU Delegation)"
    last = int(counts.index[-1])
    first = int(table.index[table.index <= year - 10][-1])
    pace_after = (counts.iloc[-1] - base) / (last - year)
    pace_before = (base - table[first]) / (year - first)
    pace = (
        f" Pace: {pace_after:+.2f} a year {year}-{last}, against {pace_before:+.2f} a year "
        f"{first}-{year} ({'slower' if pace_after < pace_before else 'not slower'})."
    )
    caveat = (
        f" {eu_notes} of the {len(counts)} later rows mention the EU Delegation in their "
        "note (counted, or not stated); whether the report's count includes it is not "
        f"stated, so each later count is also read less {eu_delegation}."
    )
    if (worst >= base).all() and worst.iloc[-1] > base:
        stalls = [
            f"{a}-{b}" for a, b in itertools.pairwise(counts.index) if counts[b] <= counts[a]
        ]
        if pace_after < pace_before / 2 or stalls:
            stalled = f" No rise {', '.join(stalls)}." if stalls else ""
            return Outcome(
                "partly-consistent",
                expected,
                observed,
                f"The count kept rising overall ({_fmt(counts.iloc[-1])} in {last}), but the "
                f"steady increase did not continue: {pace_after:+.2f} a year {year}-{last} "
                f"against {pace_before:+.2f} a year {first}-{year}.{stalled}{caveat}",
            )
        return Outcome(
            "consistent",
            expected,
            observed,
            f"No later count is below {_fmt(base)} and the latest, {_fmt(counts.iloc[-1])} "
            f"in {last}, is above it, at a pace of at least half the earlier one.{caveat}{pace}",
        )
    shortfall = float(base - min(worst.min(), worst.iloc[-1] - 1))
    return Outcome(
        "inconsistent",
        expected,
        observed,
        f"Later counts (less the EU Delegation) do not stay above {_fmt(base)}.{caveat}{pace}",
        gap=shortfall,
        gap_pct=100 * shortfall / base,
    )


def _bracketed(*, figure_id: str, indicator: str, date: str) -> Outcome:
    """Check that a cumulative total (it never falls) lies between earlier and later counts.

    Every official row dated before ``date`` -- counts and lower bounds alike -- is a
    lower bound; every count dated after it an upper bound (later lower bounds say
    nothing). A row's date is its ``reference_date``, else its year.
    """
    printed = _figure(figure_id)
    value = float(printed["value"])
    rows = _rows(indicator, counts_only=False)
    year = int(date[:4])
    dated = rows["reference_date"].where(rows["reference_date"] != "")
    before = rows[(rows["year"] < year) | (dated < date)].sort_values(["value", "year"])
    after = rows[((rows["year"] > year) | (dated > date)) & (rows["value_type"] != "lower_bound")]
    after = after.sort_values(["value", "year"])
    if before.empty and after.empty:
        raise MissingDataError(f"no official {indicator} rows before or after {date}")

    def label(row: pd.Series) -> str:
        bound = "≥ " if row["value_type"] == "lower_bound" else ""
        return f"{bound}{_fmt(row['value'])} ({row['reference_date'] or row['year']})"

    low = float(before["value"].iloc[-1]) if len(before) else -_INF
    high = float(after["value"].iloc[0]) if len(after) else _INF
    interval = Interval(low, high)
    observed = (
        f"highest before: {label(before.iloc[-1]) if len(before) else 'none'}; "
        f"lowest after: {label(after.iloc[0]) if len(after) else 'none'}"
    )
    expected = f"{interval} (a cumulative total at {date})"
    if value in interval:
        if len(before) and len(after):
            how = f"between the counts before and after it (a bracket {_fmt(high - low)} wide)"
        else:
            how = f"{'above' if len(before) else 'below'} every count on one side only"
        return Outcome(
            "consistent",
            expected,
            observed,
            f"{printed['as_printed']} lies {how}; the data hold no independent count at "
            f"{date} itself.",
            expected_value=value,
        )
    edge = low if value < low else high
    return Outcome(
        "inconsistent",
        expected,
        observed,
        f"{printed['as_printed']} is outside the bracket of earlier and later counts.",
        expected_value=value,
        observed_value=edge,
        gap=value - edge,
        gap_pct=100 * (value - edge) / edge,
    )


def _table_sum(*, figure_id: str, column: str) -> Outcome:
    """Check that the prefecture table's column (その他 included) adds up to the text's total."""
    table = data.volunteers_by_prefecture()
    return _compare(
        _figure(figure_id)["as_printed"],
        float(volunteers.national_totals(table)[column]),
        f"sum of {len(table)} rows of the prefecture table",
    )


def _below_totals(
    *, figures: list[list[str]], indicator: str, year: int
) -> Outcome:
    """Check visas of one kind, for which only totals by nationality exist (upper bounds).

    The data can refute such a figure (more visas of one kind than of all kinds) but
    not confirm it: within the bound the claim stays ``not-checkable``.
    """
    lines, excess = [], []
    for figure_id, country in figures:
        fig = _figure(figure_id)
        total = _value(indicator, year, key=country)
        lines.append(f"{country} {fig['as_printed']} of {_fmt(total)}")
        low = interval(fig["as_printed"]).low
        if low > total:
            excess.append((low - total, total, country))
    observed = f"all visas issued in {year}: " + "; ".join(lines)
    expected = f"each figure ≤ all visas issued to that nationality in {year}"
    if excess:
        gap, total, country = max(excess)
        return Outcome(
            "inconsistent",
            expected,
            observed,
            "More multiple-entry visas than visas of any kind for "
            f"{', '.join(c for *_, c in excess)}; the largest excess (lower end of the "
            f"printed figure less the total) is {_fmt(gap)}, for {country}.",
            observed_value=total,
            gap=gap,
            gap_pct=100 * gap / total,
        )
    return Outcome(
        "not-checkable",
        expected,
        observed,
        "No count of multiple-entry visas by nationality in the data; only all visas "
        f"issued in {year}, which bound the figures from above (they respect the bound) "
        "but do not measure them.",
    )


def _not_checkable(*, reason: str) -> Outcome:
    """Report a claim no data in the package can check; ``reason`` says why."""
    return Outcome("not-checkable", "", "", reason)


# --------------------------------------------------------------------------- the registry

CHECKS: dict[str, Callable[..., Outcome]] = {
    "printed_vs_official": _printed_vs_official,
    "printed_vs_figure": _printed_vs_figure,
    "ratio": _ratio,
    "sharp_fall": _sharp_fall,
    "peak": _peak,
    "declines_since": _declines_since,
    "table_increasing": _table_increasing,
    "opened_in_year": _opened_in_year,
    "trend_continues": _trend_continues,
    "bracketed": _bracketed,
    "table_sum": _table_sum,
    "below_totals": _below_totals,
    "not_checkable": _not_checkable,
}
"""The checks a claim can name in ``data/claims.csv`` (column ``check``)."""


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of the report section and how it is checked.

    Attributes
    ----------
    claim_id : str
        Stable identifier.
    section : str
        Section code of :data:`analysis.metadata.SECTIONS`.
    claim : str
        The claim in English.
    as_printed : str
        The figure(s) or words as printed; several are separated by ``"; "``.
    line : int
        1-based line of the report text where the (first) figure starts.
    checked_against : tuple of str
        ``indicator:NAME`` (official series), ``figure:ID`` (report figures) and
        ``table:NAME`` (loader) it is checked against.
    computation : str
        The computation in words.
    check : str
        Name of the check in :data:`CHECKS`.
    arguments : dict
        Its keyword arguments.
    """

    claim_id: str
    section: str
    claim: str
    as_printed: str
    line: int
    checked_against: tuple[str, ...]
    computation: str
    check: str
    arguments: dict[str, Any]

    @property
    def code(self) -> str:
        """``bracketed(figure_id='sv_countries', …)`` -- the check and its arguments."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        return f"{self.check}({args})"

    def run(self) -> Outcome:
        """Run the check on the data now."""
        return CHECKS[self.check](**self.arguments)


def _reference_ok(ref: str, figure_ids: set[str]) -> bool:
    kind, _, name = ref.partition(":")
    if kind == "indicator":
        return name in metadata.INDICATOR_BY_NAME
    if kind == "figure":
        return name in figure_ids
    return kind == "table" and callable(getattr(data, name, None))


def read_claims(path: Path | None = None) -> tuple[Claim, ...]:
    """Read and check the claims registry (``data/claims.csv``).

    Checks: the column schema (:data:`analysis.metadata.TABLES`), unique ids, a known
    check whose signature takes the arguments (a JSON object), and references to data
    that exist.

    Raises
    ------
    DataValidationError
        Naming file, row and value of the first bad row.
    """
    path = data.path_of(CLAIMS_FILE) if path is None else path
    table = metadata.TABLES["claims"]
    df = check_table(read_raw_csv(path, table.columns), table, path)
    check_unique(df, ["claim_id"], path)
    figure_ids = set(_figures()["figure_id"])
    out = []
    for rec in df.itertuples(index=False):
        row = getattr(rec, ROW)
        if rec.check not in CHECKS:
            fail(path, row, f"check {rec.check!r} is not one of {sorted(CHECKS)}")
        try:
            arguments = json.loads(rec.arguments)
        except json.JSONDecodeError as err:
            fail(path, row, f"arguments are not JSON ({err}): {rec.arguments!r}")
        if not isinstance(arguments, dict):
            fail(path, row, f"arguments must be a JSON object, got {rec.arguments!r}")
        try:
            inspect.signature(CHECKS[rec.check]).bind(**arguments)
        except TypeError as err:
            fail(path, row, f"arguments do not fit {rec.check}: {err}")
        refs = tuple(rec.checked_against.split(";"))
        bad = [r for r in refs if not _reference_ok(r, figure_ids)]
        if bad:
            fail(path, row, f"checked_against names data that do not exist: {bad}")
        out.append(
            Claim(rec.claim_id, rec.section, rec.claim, rec.as_printed, int(rec.line), refs,
                  rec.computation, rec.check, arguments)
        )  # fmt: skip
    return tuple(out)


_REGISTRY: dict[str, tuple[str, tuple[Claim, ...]]] = {}


def claims() -> tuple[Claim, ...]:
    """Return the registry, in reading order by section (re-read when ``claims.csv`` changes)."""
    path = data.path_of(CLAIMS_FILE)
    stamp = fingerprint([path])
    if _REGISTRY.get("claims", ("", ()))[0] != stamp:
        _REGISTRY["claims"] = (stamp, read_claims(path))
    return _REGISTRY["claims"][1]


# --------------------------------------------------------------------------- running


def check_all() -> pd.DataFrame:
    """Check every claim of the registry against the data, now.

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns :data:`COLUMNS`: ``claim_id``, ``section``,
        ``claim`` (English), ``as_printed``, ``line``, ``checked_against``
        (``indicator:…``, ``figure:…``, ``table:…``, ``, ``-separated), ``computation``
        (words), ``code`` (the check and its arguments), ``expected`` (what the claim
        requires), ``observed`` (what the data show), ``verdict`` (one of
        :data:`VERDICTS`), ``gap`` and ``gap_pct`` (module docstring), ``reason``,
        ``expected_value`` and ``observed_value`` (float, NaN where none).
        A check whose data are absent gives ``not-checkable`` with the missing data
        as reason.
    """
    rows = []
    for claim in claims():
        try:
            outcome = claim.run()
        except MissingDataError as err:
            outcome = Outcome("not-checkable", "", "", f"Missing data: {err}.")
        rows.append(
            {
                "claim_id": claim.claim_id,
                "section": claim.section,
                "claim": claim.claim,
                "as_printed": claim.as_printed,
                "line": claim.line,
                "checked_against": ", ".join(claim.checked_against),
                "computation": claim.computation,
                "code": claim.code,
                **asdict(outcome),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {
            "line": "int64",
            "gap": "float64",
            "gap_pct": "float64",
            "expected_value": "float64",
            "observed_value": "float64",
        }
    )


# --------------------------------------------------------------------------- presentation

VERDICT_MEANINGS: dict[str, str] = {
    "consistent": "The data match the printed figure, satisfy its bound, or show the "
    "stated trend.",
    "consistent-rounded": "The data match within the rounding the printed figure allows.",
    "partly-consistent": "The data bear out one part of the claim and not another.",
    "inconsistent": "The data contradict the claim.",
    "not-checkable": "No data here measure what the claim counts.",
}
"""Each verdict of :data:`VERDICTS` in plain words, for readers (the module docstring
gives the rules)."""


def verdict_counts(checked: pd.DataFrame) -> pd.DataFrame:
    """Count the claims of each verdict, every verdict listed (zeros kept).

    Parameters
    ----------
    checked : pandas.DataFrame
        The table of :func:`check_all` (or any subset of its rows).

    Returns
    -------
    pandas.DataFrame
        One row per verdict in :data:`VERDICTS` order: ``verdict``, ``meaning``
        (:data:`VERDICT_MEANINGS`) and ``claims`` (int64).
    """
    counts = checked["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
    return pd.DataFrame(
        {
            "verdict": list(VERDICTS),
            "meaning": [VERDICT_MEANINGS[v] for v in VERDICTS],
            "claims": counts.to_numpy(dtype="int64"),
        }
    )


def verdicts_by_section(checked: pd.DataFrame) -> pd.DataFrame:
    """Count the claims of each verdict in each section of the report.

    Parameters
    ----------
    checked : pandas.DataFrame
        The table of :func:`check_all`.

    Returns
    -------
    pandas.DataFrame
        One row per section that has claims, in the order of
        :data:`analysis.metadata.SECTIONS` (the report's): ``section`` (code),
        ``section_label`` (e.g. ``各論1(1) ビザ visas``), one int64 column per verdict of
        :data:`VERDICTS` and ``claims`` (their sum).
    """
    unknown = sorted(set(checked["section"]) - set(metadata.SECTIONS))
    if unknown:
        raise ValueError(f"unknown section(s) {unknown}; expected {list(metadata.SECTIONS)}")
    sections = [s for s in metadata.SECTIONS if s in set(checked["section"])]
    table = (
        checked.groupby(["section", "verdict"]).size().unstack(fill_value=0)
        .reindex(index=sections, columns=list(VERDICTS), fill_value=0)
        .astype("int64")
    )  # fmt: skip
    table["claims"] = table.sum(axis=1)
    table.columns.name = None
    out = table.reset_index()
    out.insert(1, "section_label", out["section"].map(metadata.SECTIONS))
    return out


def rounding_intervals(checked: pd.DataFrame) -> pd.DataFrame:
    """Show, for each rounded figure compared with one value, the range its print allows.

    A figure printed rounded (``約714万人``, ``944万人``, ``約1.4倍近く``) allows every
    value of an interval (:func:`analysis.printed.interval`); the claim is
    ``consistent-rounded`` when the data fall inside it.

    Parameters
    ----------
    checked : pandas.DataFrame
        The table of :func:`check_all`.

    Returns
    -------
    pandas.DataFrame
        One row per claim whose check compares one printed figure (its ``figure_id``)
        read as rounded with one observed value, in the order given: ``claim_id``,
        ``claim``, ``as_printed`` (the figure as printed),
        ``allowed_low`` and ``allowed_high`` (the interval's ends, in the figure's unit),
        ``rule`` (the reading, in words), ``observed_value``, ``gap_pct`` (percent, as in
        :func:`check_all`) and ``verdict``.
    """
    registry = {claim.claim_id: claim for claim in claims()}
    rows = []
    for rec in checked.itertuples(index=False):
        claim = registry.get(rec.claim_id)
        figure_id = None if claim is None else claim.arguments.get("figure_id")
        if figure_id is None or math.isnan(rec.observed_value):
            continue
        printed = str(_figure(figure_id)["as_printed"])
        allowed = interval(printed)
        if not allowed.rounded:
            continue
        rows.append(
            {
                "claim_id": rec.claim_id,
                "claim": rec.claim,
                "as_printed": printed,
                "allowed_low": allowed.low,
                "allowed_high": allowed.high,
                "rule": allowed.rule,
                "observed_value": rec.observed_value,
                "gap_pct": rec.gap_pct,
                "verdict": rec.verdict,
            }
        )
    columns = [
        "claim_id", "claim", "as_printed", "allowed_low", "allowed_high", "rule",
        "observed_value", "gap_pct", "verdict",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype(
        {"allowed_low": "float64", "allowed_high": "float64", "observed_value": "float64",
         "gap_pct": "float64"}
    )  # fmt: skip


# --------------------------------------------------------------------------- rendering


def _width(text: str) -> int:
    """Terminal columns of a string: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _wrap(text: str, width: int) -> list[str]:
    """Wrap at spaces to ``width`` terminal columns, cutting longer words (e.g. Japanese)."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if _width(current + char) > width:
                lines.append(current)
                current = ""
            current += char
    return [*lines, current]


def format_table(df: pd.DataFrame, width: int | None = None) -> str:
    """Render :func:`check_all` for a terminal.

    Parameters
    ----------
    df : pandas.DataFrame
        The table of :func:`check_all` (any subset of its rows).
    width : int, optional
        Total width in columns (default: the terminal's); never less than the four
        fixed columns plus 30 columns of details.

    Returns
    -------
    str
        One block per claim: id, line, figure as printed and verdict in aligned
        columns (Japanese counted as two columns), then the claim, expected, observed,
        gap and reason wrapped in the last column; a count of verdicts at the end.
    """
    width = width or shutil.get_terminal_size((120, 24)).columns
    id_w = min(32, max(_width(s) for s in [*df["claim_id"], "claim"]))
    fixed = [id_w, 5, 16, max(len(v) for v in VERDICTS)]
    detail_w = max(30, width - sum(fixed) - 2 * len(fixed))
    widths = [*fixed, detail_w]
    sep = "  "

    def block(cells: list[list[str]]) -> list[str]:
        height = max(len(c) for c in cells)
        padded = [[*c, *[""] * (height - len(c))] for c in cells]
        return [
            sep.join(_pad(c[i], w) for c, w in zip(padded, widths, strict=True)).rstrip()
            for i in range(height)
        ]

    out = block([["claim"], ["line"], ["as printed"], ["verdict"], ["claim / check"]])
    out.append(sep.join("-" * w for w in widths))
    for rec in df.itertuples(index=False):
        details = [*_wrap(rec.claim, detail_w)]
        for label, value in (("expected", rec.expected), ("observed", rec.observed)):
            if value:
                details += _wrap(f"{label}: {value}", detail_w)
        if not math.isnan(rec.gap):
            pct = "" if math.isnan(rec.gap_pct) else f" ({_pct(rec.gap_pct)})"
            details += _wrap(f"gap: {_signed(rec.gap)}{pct}", detail_w)
        details += _wrap(f"reason: {rec.reason}", detail_w)
        printed = [line for part in rec.as_printed.split("; ") for line in _wrap(part, fixed[2])]
        out += block(
            [_wrap(rec.claim_id, id_w), [f"{rec.line:>5}"], printed, [rec.verdict], details]
        )
        out.append("")
    counts = df["verdict"].value_counts()
    found = [f"{counts[v]} {v}" for v in VERDICTS if counts.get(v, 0)]
    out.append(f"{len(df)} claims: " + ", ".join(found))
    return "\n".join(out)
