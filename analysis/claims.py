"""Fact-check the report section's quantitative claims against the data.

Each claim the report section makes with a number or a trend (``約714万人``,
``約1.4倍近く``, ``一貫して増加``) is one :class:`Claim` in :data:`CLAIMS`: where it is
printed, what it says in English, the data it is checked against, and a small check
function. :func:`check_all` runs every check on the data *at run time* (verdicts are
never stored) and returns one row per claim; :func:`format_table` renders that table
for a terminal.

Verdicts
--------
``consistent``
    The data match the printed figure exactly, satisfy the printed bound
    (``150を超える``), or show the stated trend.
``consistent-rounded``
    The data match within the precision the printed figure states (see below).
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

Rounding rules
--------------
All of them live in :func:`rounding_interval`, which returns the :class:`Interval`
of true values a printed figure allows, and :func:`verdict`, which places an
observed value against it. A figure is *rounded* to the place value of its last
written digit (its *step*) when

- it carries ``約``/``およそ``/``近く``: trailing zeros are **not** significant, so
  ``約714万`` has step 1万 (713.5万-714.5万), ``約2万7,000件`` step 1,000
  (26,500-27,500), ``約1.4倍`` step 0.1 (1.35-1.45). ``約700万`` would allow
  650万-750万: the widest reading, so that no figure is called inconsistent for a
  precision it may not claim (none of the figures checked here ends in a zero);
- it ends in a myriad unit without ``約`` (``944万人``): the writer chose to print
  10,000s, so it is read as rounded to the 万 (943.5万-944.5万). The digits written
  are significant: ``900万人`` would allow 899.5万-900.5万;
- it has decimals (``1.63%``): rounded to its last decimal.

Anything else (``3万7,532人``, ``152``, ``61``) is exact. The allowed interval is the
printed value ± half a step, closed at both ends (either rounding convention).
Qualifiers then shape it: ``近く`` ("nearly") means approached from below, so its top
is the printed value (``約1.4倍近く`` allows 1.35-1.40); ``以上`` and ``以下`` are
inclusive bounds; ``超``/``を超える``/``余り`` ("more than") and ``未満`` are strict
bounds, whose printed value is the open end; ``延べ``, ``累計`` and ``計`` say what was
counted, not how precisely. A range (``2～3``) allows its two ends and all between.

Gaps
----
For a figure compared with one observed value, ``gap`` = printed value - observed
value (positive: the report is higher than the data) and ``gap_pct`` = 100 x gap /
observed value; both are given whatever the verdict, so the table shows how the
report rounded. For a trend claim that fails, ``gap`` is the size of the largest
violation (e.g. the largest fall in a series said to increase), in the series' unit,
and ``gap_pct`` that size relative to the value it departs from.

Injecting data
--------------
Checks read only a :class:`Sources` object (report figures, official series, the
prefecture table). :meth:`Sources.load` builds it from ``data/``;
``check_all(dataclasses.replace(sources, official=modified))`` re-checks every claim
against modified data without touching a file.
"""

from __future__ import annotations

import math
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from functools import partial

import pandas as pd

from analysis import data
from analysis.japanese import ParsedNumber, parse_number

VERDICTS = ("consistent", "consistent-rounded", "inconsistent", "not-checkable")
"""Every verdict :func:`check_all` can give."""

COLUMNS = [
    "claim_id", "section", "claim", "as_printed", "line", "checked_against", "computation",
    "code", "expected", "observed", "verdict", "gap", "gap_pct", "reason",
    "expected_value", "observed_value",
]  # fmt: skip
"""Columns of :func:`check_all`, in order."""

_ROUNDING_QUALIFIERS = ("約", "およそ", "近く")
_MYRIADS = {"万": 10**4, "億": 10**8, "兆": 10**12}
_NUMERAL = re.compile(r"[0-9][0-9,.・千万億兆]*")
_INF = math.inf


# --------------------------------------------------------------------------- rounding rules


@dataclass(frozen=True)
class Interval:
    """The true values a printed figure allows.

    Attributes
    ----------
    low, high : float
        Ends of the interval (``-inf``/``inf`` for a one-sided bound).
    low_closed, high_closed : bool
        Whether each end belongs to the interval.
    rounded : bool
        Whether the figure is printed rounded, so that a value inside the interval but
        not equal to the printed value is ``consistent-rounded``.
    rule : str
        The reading applied, in words (e.g. ``約: rounded to the nearest 10,000``).
    """

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True
    rounded: bool = False
    rule: str = "exact figure"

    def __contains__(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (to 1e-9 relative, for float noise)."""
        x = float(value)
        tol = 1e-9 * max(1.0, abs(x))
        above = x >= self.low - tol if self.low_closed else x > self.low + tol
        below = x <= self.high + tol if self.high_closed else x < self.high - tol
        return above and below

    def __str__(self) -> str:
        """Human-readable form, e.g. ``7,135,000 ≤ x ≤ 7,145,000`` or ``x > 150``."""
        lo, hi = _fmt(self.low), _fmt(self.high)
        if self.low == -_INF:
            return f"x {'≤' if self.high_closed else '<'} {hi}"
        if self.high == _INF:
            return f"x {'≥' if self.low_closed else '>'} {lo}"
        if self.low == self.high:
            return f"x = {lo}"
        return f"{lo} {'≤' if self.low_closed else '<'} x {'≤' if self.high_closed else '<'} {hi}"


def _parsed(printed: str | ParsedNumber) -> ParsedNumber:
    return parse_number(printed) if isinstance(printed, str) else printed


def _written_step(numeral: str) -> tuple[Decimal, int]:
    """Place value of the last written digit of an Arabic numeral, and its decimals."""
    scale = Decimal(1)
    if numeral[-1] in _MYRIADS:
        scale, numeral = Decimal(_MYRIADS[numeral[-1]]), numeral[:-1]
    group = re.split("[万億兆]", numeral)[-1]
    if group.endswith("千"):
        scale, group = scale * 1000, group[:-1]
    decimals = len(re.split("[.・]", group)[1]) if re.search("[.・]", group) else 0
    return scale.scaleb(-decimals), decimals


def _trailing_zero_step(value: float) -> Decimal:
    """10**k for the k trailing zeros of an integer value (1 for 0)."""
    n, k = round(abs(value)), 0
    while n and n % 10 == 0:
        n, k = n // 10, k + 1
    return Decimal(10) ** k


def rounding_interval(printed: str | ParsedNumber) -> Interval:
    """Return the interval of true values a printed figure allows (the rounding rules).

    Parameters
    ----------
    printed : str or ParsedNumber
        A figure as printed (``約714万人``, ``944万人``, ``約1.4倍近く``, ``400以上``,
        ``150を超える``, ``3万7,532人``), or its :func:`~analysis.japanese.parse_number`.

    Returns
    -------
    Interval
        Ends, whether each is included, whether the figure is rounded, and the rule
        applied in words. The rules are those of the module docstring.

    Raises
    ------
    ValueError
        If the text is not a figure :func:`~analysis.japanese.parse_number` can read.

    Examples
    --------
    >>> str(rounding_interval("約714万人"))
    '7,135,000 ≤ x ≤ 7,145,000'
    >>> str(rounding_interval("約1.4倍近く"))
    '1.35 ≤ x ≤ 1.4'
    >>> str(rounding_interval("150を超える"))
    'x > 150'
    """
    parsed = _parsed(printed)
    qualifier = parsed.qualifier or ""
    top = parsed.value if parsed.high is None else parsed.high
    numerals = _NUMERAL.findall(unicodedata.normalize("NFKC", parsed.text))
    step, decimals = _written_step(numerals[-1]) if numerals else (Decimal(1), 0)
    approx = any(q in qualifier for q in _ROUNDING_QUALIFIERS)
    if approx and decimals == 0:
        step = max(step, _trailing_zero_step(top))
    rounded = approx or decimals > 0 or step > 1
    pad = step / 2 if rounded else Decimal(0)
    low, high = Decimal(repr(parsed.value)), Decimal(repr(top))
    if not rounded:
        rule = "exact figure"
    elif approx:
        rule = f"{qualifier.split('…')[0]}: rounded to the nearest {_fmt(float(step))}"
    elif decimals:
        rule = f"printed to {decimals} decimal(s): read as rounded to {_fmt(float(step))}"
    else:
        rule = f"printed in units of {_fmt(float(step))} without 約: read as rounded to them"
    interval = Interval(float(low - pad), float(high + pad), rounded=rounded, rule=rule)
    if qualifier.endswith("近く"):
        return Interval(
            interval.low, float(high), rounded=rounded, rule=f"{rule}; 近く: nearly, from below"
        )
    bound = {
        "以上": Interval(interval.low, _INF, rounded=rounded, rule="以上: at least"),
        "超": Interval(float(low), _INF, False, rule="を超える/超: more than"),
        "余り": Interval(float(low), _INF, False, rule="余り: more than"),
        "以下": Interval(-_INF, interval.high, rounded=rounded, rule="以下: at most"),
        "未満": Interval(-_INF, float(high), high_closed=False, rule="未満: less than"),
    }
    return next((v for k, v in bound.items() if qualifier.endswith(k)), interval)


def verdict(printed: str | ParsedNumber, observed: float) -> str:
    """Verdict of a printed figure against one observed value.

    Parameters
    ----------
    printed : str or ParsedNumber
        The figure as printed, e.g. ``約714万人``.
    observed : float
        The value in the data, in the same unit (persons, not 万).

    Returns
    -------
    str
        ``inconsistent`` if ``observed`` is outside :func:`rounding_interval`;
        ``consistent-rounded`` if inside, the figure is rounded and the value differs
        from the printed one; else ``consistent``.
    """
    parsed = _parsed(printed)
    interval = rounding_interval(parsed)
    if observed not in interval:
        return "inconsistent"
    if interval.rounded and not math.isclose(observed, parsed.value, rel_tol=1e-12):
        return "consistent-rounded"
    return "consistent"


# --------------------------------------------------------------------------- data


class MissingDataError(LookupError):
    """The data a check needs are absent: the claim becomes ``not-checkable``."""


@dataclass(frozen=True, eq=False)
class Sources:
    """Everything the checks read; replace a frame to re-check against other data.

    Attributes
    ----------
    figures : pandas.DataFrame
        :func:`analysis.data.report_figures`.
    official : pandas.DataFrame
        The official series only (no report rows): :func:`analysis.data.read_official_series`
        with the columns of :func:`analysis.data.load`. The report's own figures are
        checked against it, never against themselves.
    prefectures : pandas.DataFrame
        :func:`analysis.data.volunteers_by_prefecture` (with the その他 row).
    """

    figures: pd.DataFrame
    official: pd.DataFrame
    prefectures: pd.DataFrame

    @classmethod
    def load(cls) -> Sources:
        """Read the three tables from ``data/`` with the project's loaders."""
        return cls(
            figures=data.report_figures(),
            official=data.read_official_series()[data.SERIES_COLUMNS],
            prefectures=data.volunteers_by_prefecture(),
        )

    def figure(self, figure_id: str) -> pd.Series:
        """Return the report figure ``figure_id`` (a row of ``figures``)."""
        rows = self.figures[self.figures["figure_id"] == figure_id]
        if len(rows) != 1:
            raise MissingDataError(f"the report figure {figure_id!r} is not in the figure table")
        return rows.iloc[0]

    def rows(self, indicator: str, *, counts_only: bool = True) -> pd.DataFrame:
        """Official rows of an un-keyed indicator, by year; lower bounds only if asked."""
        df = self.official[(self.official["indicator"] == indicator) & (self.official["key"] == "")]
        if counts_only:
            df = df[df["value_type"] != "lower_bound"]
        if df.empty:
            raise MissingDataError(f"no official {indicator} values")
        return df.sort_values("year")

    def series(self, indicator: str) -> pd.Series:
        """Official counts of an indicator (no lower bounds) as a Series by year."""
        df = self.rows(indicator)
        return pd.Series(df["value"].to_numpy(), index=df["year"].to_numpy(), name=indicator)

    def value(self, indicator: str, year: int, key: str = "") -> float:
        """Return the official count of ``indicator`` (for ``key``) in ``year``."""
        df = self.official
        hit = df[
            (df["indicator"] == indicator)
            & (df["key"] == key)
            & (df["year"] == year)
            & (df["value_type"] != "lower_bound")
        ]
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


Check = Callable[[Sources], Outcome]


def _fmt(x: float) -> str:
    """``7,135,407``; ``1.3534``; ``inf`` -- integers with separators, else 4 decimals."""
    if math.isinf(x) or math.isnan(x):
        return str(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def _pct(x: float) -> str:
    return f"{x:+.2f} %"


def _signed(x: float) -> str:
    """``+4,593`` or ``+0.0466``: a signed difference."""
    return f"{x:+,.0f}" if float(x).is_integer() else f"{x:+.4f}"


def _compare(printed: str, observed: float, source: str, note: str = "") -> Outcome:
    """Compare a printed figure with one observed value, by :func:`verdict`."""
    parsed = parse_number(printed)
    interval = rounding_interval(parsed)
    result = verdict(parsed, observed)
    gap = parsed.value - observed
    gap_pct = 100 * gap / observed if observed else math.nan
    obs = f"{_fmt(observed)} ({source})"
    if result == "inconsistent":
        why = (
            f"{_fmt(observed)} is outside what {printed} allows ({interval}): the report "
            f"is off by {_signed(gap)} ({_pct(gap_pct)})."
        )
    elif result == "consistent-rounded":
        why = f"{_fmt(observed)} is within what {printed} allows ({interval.rule})."
    elif interval.low == interval.high:
        why = f"{printed} equals the data."
    else:
        why = f"{_fmt(observed)} satisfies {printed} ({interval.rule})."
    return Outcome(
        verdict=result,
        expected=f"{interval}  [{interval.rule}]",
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
    src: Sources, *, figure_id: str, indicator: str, year: int, contrast: str = "", note: str = ""
) -> Outcome:
    """Check a report figure against the official value of ``indicator`` in ``year``."""
    printed = src.figure(figure_id)["as_printed"]
    observed = src.value(indicator, year)
    if contrast:
        other = src.value(contrast, year)
        note = (
            f"{note} For contrast, {contrast} {year} = {_fmt(other)} (a different concept) "
            f"would be {verdict(printed, other)}."
        )
    return _compare(printed, observed, f"{indicator}, {year}", note.strip())


def _printed_vs_figure(src: Sources, *, figure_id: str, table_id: str, note: str) -> Outcome:
    """Check a figure of the text against another figure of the report (its table)."""
    printed = src.figure(figure_id)["as_printed"]
    observed = float(src.figure(table_id)["value"])
    return _compare(printed, observed, f"report table, {table_id}", note)


def _ratio(
    src: Sources,
    *,
    figure_id: str,
    indicator: str,
    years: tuple[int, int],
    printed_ids: tuple[str, str],
) -> Outcome:
    """Check a printed ratio against the official ratio; show the printed figures' ratio.

    The official ratio decides the verdict: the report's own figures are rounded
    (their ratio carries that rounding), while the claim is about the real counts.
    """
    later, earlier = (src.value(indicator, y) for y in years)
    official = later / earlier
    a, b = (float(src.figure(f)["value"]) for f in printed_ids)
    printed = src.figure(figure_id)["as_printed"]
    from_printed = a / b
    note = (
        f"Decided by the official ratio {_fmt(later)}/{_fmt(earlier)} = {official:.4f}. "
        f"The report's own figures give {_fmt(a)}/{_fmt(b)} = {from_printed:.4f}, which "
        f"is {verdict(printed, from_printed)}."
    )
    out = _compare(printed, official, f"official {indicator} {years[0]}/{years[1]}", note)
    return replace(out, observed=f"{out.observed}; printed figures: {from_printed:.4f}")


def _sharp_fall(src: Sources, *, indicator: str, year: int, threshold_pct: float) -> Outcome:
    """Check ``大幅に減少``: a year-on-year fall of at least ``threshold_pct`` percent."""
    s = src.series(indicator)
    if year not in s.index or year - 1 not in s.index:
        raise MissingDataError(f"{indicator} lacks {year - 1} or {year}")
    before, after = s[year - 1], s[year]
    change = 100 * (after - before) / before
    consecutive = s[s.index.isin(s.index + 1) & (s.index < year)]
    earlier = {y: 100 * (s[y] - s[y - 1]) / s[y - 1] for y in consecutive.index}
    worst_year = min(earlier, key=earlier.get) if earlier else None
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


def _peak(src: Sources, *, indicator: str, year: int) -> Outcome:
    """Check ``…年末をピークに``: ``year`` holds the highest value of the series."""
    s = src.series(indicator)
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


def _declines_since(src: Sources, *, indicators: tuple[str, ...], year: int, until: int) -> Outcome:
    """Check ``減少している``: each series falls every year from ``year`` to ``until``.

    ``until`` is the last year the report could know; a series may end earlier.
    """
    paths, rises = [], []
    for indicator in indicators:
        s = src.series(indicator)
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


def _table_figures(src: Sources, prefix: str) -> pd.Series:
    """Return the report table ``{prefix}YYYY`` as a Series by year."""
    figs = src.figures[src.figures["figure_id"].str.fullmatch(rf"{prefix}\d{{4}}")]
    if figs.empty:
        raise MissingDataError(f"no report figures {prefix}YYYY")
    years = figs["figure_id"].str[-4:].astype(int).to_numpy()
    return pd.Series(figs["value"].to_numpy(), index=years).sort_index()


def _table_increasing(src: Sources, *, prefix: str) -> Outcome:
    """Check ``一貫して増加``: every entry of the report's table is above the one before."""
    table = _table_figures(src, prefix)
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


def _opened_in_year(src: Sources, *, figure_id: str, prefix: str, year: int) -> Outcome:
    """Check N openings in ``year`` against the table's counts at ``year - 1`` and ``year``.

    The net change over the year is openings less closures: above N it refutes the
    claim, equal to N it matches (if nothing closed), below N it needs closures that no
    data record. Without a ``year - 1`` count only the change over a longer span is
    known, which mixes in other years: the claim is then not checkable.
    """
    table = _table_figures(src, prefix)
    opened = float(src.figure(figure_id)["value"])
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
    src: Sources, *, prefix: str, year: int, indicator: str, eu_delegation: int
) -> Outcome:
    """Check ``この傾向は今後も続きそう``: later counts stay at or above ``year``'s, end above.

    Worst case for the EU caveat: the report's count excludes the EU Delegation and
    every later count includes it, so ``eu_delegation`` is taken off each later count.
    The pace after ``year`` is set beside the pace over the report's whole table.
    """
    table = _table_figures(src, prefix)
    if year not in table.index:
        raise MissingDataError(f"the report table has no {year} count")
    base = float(table[year])
    later = src.rows(indicator)
    later = later[later["year"] > year]
    if later.empty:
        raise MissingDataError(f"no official {indicator} count after {year}")
    counts = pd.Series(later["value"].to_numpy(), index=later["year"].to_numpy())
    worst = counts - eu_delegation
    eu_notes = int(later["note"].str.contains("European Union").sum())
    observed = f"{_fmt(base)} ({year}) → " + _table_trend(counts)
    expected = f"later counts ≥ {_fmt(base)}, the latest above it (even less the EU Delegation)"
    last, first = int(counts.index[-1]), int(table.index[0])
    pace_after = (counts.iloc[-1] - base) / (last - year)
    pace_before = (base - table.iloc[0]) / (year - first)
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
        return Outcome(
            "consistent",
            expected,
            observed,
            f"No later count is below {_fmt(base)} and the latest, {_fmt(counts.iloc[-1])} "
            f"in {last}, is above it.{caveat}{pace}",
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


def _bracketed(src: Sources, *, figure_id: str, indicator: str, date: str) -> Outcome:
    """Check that a cumulative total (it never falls) lies between earlier and later counts.

    Every official row dated before ``date`` -- counts and lower bounds alike -- is a
    lower bound; every count dated after it an upper bound (later lower bounds say
    nothing). A row's date is its ``reference_date``, else its year.
    """
    printed = src.figure(figure_id)
    value = float(printed["value"])
    rows = src.rows(indicator, counts_only=False)
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


def _table_sum(src: Sources, *, figure_id: str, column: str) -> Outcome:
    """Check that the prefecture table's column (その他 included) adds up to the text's total."""
    table = src.prefectures
    total = float(table[column].sum())
    return _compare(
        src.figure(figure_id)["as_printed"],
        total,
        f"sum of {len(table)} rows of the prefecture table",
    )


def _below_totals(
    src: Sources, *, figures: tuple[tuple[str, str], ...], indicator: str, year: int
) -> Outcome:
    """Check visas of one kind, for which only totals by nationality exist (upper bounds).

    The data can refute such a figure (more visas of one kind than of all kinds) but
    not confirm it: within the bound the claim stays ``not-checkable``.
    """
    lines, excess = [], []
    for figure_id, country in figures:
        fig = src.figure(figure_id)
        total = src.value(indicator, year, key=country)
        lines.append(f"{country} {fig['as_printed']} of {_fmt(total)}")
        low = rounding_interval(fig["as_printed"]).low
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


def _not_checkable(src: Sources, *, reason: str) -> Outcome:
    """Report a claim no data in the package can check; ``reason`` says why."""
    del src  # the signature of every check; nothing to read
    return Outcome("not-checkable", "", "", reason)


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of the report section and how it is checked.

    Attributes
    ----------
    claim_id : str
        Stable identifier.
    section : str
        Section code of :data:`analysis.data.SECTIONS`.
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
    check : Check
        The function that does it: takes :class:`Sources`, returns an :class:`Outcome`.
    """

    claim_id: str
    section: str
    claim: str
    as_printed: str
    line: int
    checked_against: tuple[str, ...]
    computation: str
    check: Check


_NO_VISA_DATA = (
    "The data hold no count of visas of this kind (fee waivers, multiple-entry visas by "
    "scheme); MOFA's annual visa statistics give all visas by nationality only."
)
_NO_NGO_DATA = "The data hold no NGO statistics (counts of NGOs, grants, projects, members)."
_NO_VOLUNTEERS_SERVING = (
    "The data hold cumulative dispatches only, not volunteers serving on a date."
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "entrants_2011", "overview",
        "About 7.14 million foreign nationals entered Japan in 2011.",
        "約714万人", 12, ("indicator:foreign_entrants", "figure:entrants_2011"),
        "MOJ foreign entrants 2011 against the interval 約714万 allows (713.5万-714.5万).",
        partial(_printed_vs_official, figure_id="entrants_2011", indicator="foreign_entrants",
                year=2011, contrast="visitor_arrivals"),
    ),
    Claim(
        "entrants_2010", "overview",
        "9.44 million foreign nationals entered Japan in 2010.",
        "944万人", 13, ("indicator:foreign_entrants", "figure:entrants_2010"),
        "MOJ foreign entrants 2010 against 944万, read as rounded to the 万 (943.5万-944.5万).",
        partial(_printed_vs_official, figure_id="entrants_2010", indicator="foreign_entrants",
                year=2010, contrast="visitor_arrivals"),
    ),
    Claim(
        "entrants_2000", "overview",
        "About 5.27 million foreign nationals entered Japan in 2000.",
        "約527万人", 13, ("indicator:foreign_entrants", "figure:entrants_2000"),
        "MOJ foreign entrants 2000 against the interval 約527万 allows (526.5万-527.5万).",
        partial(_printed_vs_official, figure_id="entrants_2000", indicator="foreign_entrants",
                year=2000, contrast="visitor_arrivals"),
    ),
    Claim(
        "entrants_fell_2011", "overview",
        "Entrants fell sharply in 2011 from the year before (the Great East Japan Earthquake).",
        "大幅に減少", 11, ("indicator:foreign_entrants",),
        "Year-on-year change 2010→2011 of MOJ entrants; 'sharp' read as a fall of 10 % or "
        "more (also shown: the largest earlier fall).",
        partial(_sharp_fall, indicator="foreign_entrants", year=2011, threshold_pct=10.0),
    ),
    Claim(
        "entrants_ratio_2011_2000", "overview",
        "Entrants in 2011 were nearly 1.4 times those of 2000.",
        "約1.4倍近く", 14,
        ("indicator:foreign_entrants", "figure:entrants_ratio_2011_2000",
         "figure:entrants_2011", "figure:entrants_2000"),
        "Official 2011/2000 ratio against 約1.4倍近く (1.35-1.40); the printed figures' "
        "ratio 714/527 is shown too.",
        partial(_ratio, figure_id="entrants_ratio_2011_2000", indicator="foreign_entrants",
                years=(2011, 2000), printed_ids=("entrants_2011", "entrants_2000")),
    ),
    Claim(
        "registered_2011", "overview",
        "About 2.08 million registered foreigners lived in Japan at end-2011.",
        "約208万人", 18, ("indicator:registered_foreigners", "figure:registered_2011"),
        "Registered foreigners at end-2011 against 約208万 (207.5万-208.5万).",
        partial(_printed_vs_official, figure_id="registered_2011",
                indicator="registered_foreigners", year=2011),
    ),
    Claim(
        "registered_2000", "overview",
        "About 1.69 million registered foreigners lived in Japan in 2000.",
        "約169万人", 19, ("indicator:registered_foreigners", "figure:registered_2000"),
        "Registered foreigners at end-2000 against 約169万 (168.5万-169.5万).",
        partial(_printed_vs_official, figure_id="registered_2000",
                indicator="registered_foreigners", year=2000),
    ),
    Claim(
        "registered_ratio_2011_2000", "overview",
        "Registered foreigners at end-2011 were about 1.2 times those of 2000.",
        "約1.2倍", 19,
        ("indicator:registered_foreigners", "figure:registered_ratio_2011_2000",
         "figure:registered_2011", "figure:registered_2000"),
        "Official end-2011/end-2000 ratio against 約1.2倍 (1.15-1.25); the printed "
        "figures' ratio 208/169 is shown too.",
        partial(_ratio, figure_id="registered_ratio_2011_2000",
                indicator="registered_foreigners", years=(2011, 2000),
                printed_ids=("registered_2011", "registered_2000")),
    ),
    Claim(
        "registered_peak_2008", "overview",
        "Registered foreigners peaked at end-2008 (after the 'Lehman shock').",
        "2008年末をピークに", 17, ("indicator:registered_foreigners",),
        "Year of the highest registered-foreigner count; the years missing from the series "
        "are listed.",
        partial(_peak, indicator="registered_foreigners", year=2008),
    ),
    Claim(
        "registered_decline_since_2008", "overview",
        "Registered foreigners have been declining since end-2008.",
        "ピークに減少している", 17, ("indicator:registered_foreigners",),
        "Each year-end 2009-2011 against the one before.",
        partial(_declines_since, indicators=("registered_foreigners",), year=2008, until=2012),
    ),
    Claim(
        "long_stay_decline_since_2008", "residents",
        "Since the 2008 Lehman shock the number of foreigners staying long-term in Japan "
        "has been falling.",
        "減少してきており", 200,
        ("indicator:registered_foreigners", "indicator:resident_foreigners"),
        "Each year-end from 2008 against the one before, on both bases: registered "
        "foreigners (to 2011) and resident foreigners (restated 2008-2011, then 2012).",
        partial(_declines_since, indicators=("registered_foreigners", "resident_foreigners"),
                year=2008, until=2012),
    ),
    Claim(
        "visa_exempt_61", "visas",
        "Japan exempts nationals of 61 countries and regions from visas for tourism or "
        "business.",
        "61の国・地域", 131, ("indicator:visa_exempt_countries", "figure:visa_exempt_countries"),
        "MOFA's count of visa-exempt countries and regions in 2013 (the time of writing).",
        partial(_printed_vs_official, figure_id="visa_exempt_countries",
                indicator="visa_exempt_countries", year=2013),
    ),
    Claim(
        "tohoku_fee_waivers", "visas",
        "About 9,900 visa fees were waived for visitors to the three Tohoku prefectures "
        "(Nov 2011-Dec 2012).",
        "約9,900件", 142, ("figure:tohoku_fee_waivers",),
        "None: no data.",
        partial(_not_checkable, reason=_NO_VISA_DATA),
    ),
    Claim(
        "okinawa_multiple_visas", "visas",
        "About 27,000 Okinawa multiple-entry visas were issued to Chinese tourists "
        "(Jul 2011-Dec 2012).",
        "約2万7,000件", 161, ("figure:okinawa_multiple_visas",),
        "None: no data.",
        partial(_not_checkable, reason=_NO_VISA_DATA),
    ),
    Claim(
        "tohoku_multiple_visas", "visas",
        "About 500 Tohoku multiple-entry visas were issued to Chinese individual tourists "
        "(Jul-Dec 2012).",
        "約500件", 163, ("figure:tohoku_multiple_visas",),
        "None: no data.",
        partial(_not_checkable, reason=_NO_VISA_DATA),
    ),
    Claim(
        "asean_multiple_visas", "visas",
        "About 11,000 multiple-entry visas went to Thai, about 1,300 to Malaysian and "
        "about 1,000 to Indonesian nationals (from Jun/Sep to Dec 2012).",
        "約1万1,000件; 約1,300件; 約1,000件", 169,
        ("indicator:visa_issuance_by_country", "figure:thai_multiple_visas",
         "figure:malaysian_multiple_visas", "figure:indonesian_multiple_visas"),
        "Each figure's lower end against all visas issued to that nationality in 2012 "
        "(an upper bound only).",
        partial(_below_totals, indicator="visa_issuance_by_country", year=2012,
                figures=(("thai_multiple_visas", "Thailand"),
                         ("malaysian_multiple_visas", "Malaysia"),
                         ("indonesian_multiple_visas", "Indonesia"))),
    ),
    Claim(
        "ngos_400", "ngo",
        "Japanese NGOs engaged in international cooperation are said to number over 400.",
        "400以上", 232, ("figure:ngos_in_cooperation",),
        "None: no data.",
        partial(_not_checkable, reason=f"{_NO_NGO_DATA} The report itself hedges "
                "(といわれている, 'it is said')."),
    ),
    Claim(
        "ngo_grants_2012", "ngo",
        "In 2012, 48 Japanese NGOs worked in 28 countries and 1 region with Grant "
        "Assistance for Japanese NGO Projects, on 78 projects.",
        "48のNGO; 28か国1地域; 78件", 247,
        ("figure:ngo_grant_ngos", "figure:ngo_grant_countries", "figure:ngo_grant_regions",
         "figure:ngo_grant_projects"),
        "None: no data.",
        partial(_not_checkable, reason=_NO_NGO_DATA),
    ),
    Claim(
        "jpf_37_ngos", "ngo",
        "37 NGOs took part in Japan Platform at end-2012.",
        "37のNGO", 305, ("figure:jpf_ngos",),
        "None: no data.",
        partial(_not_checkable, reason=_NO_NGO_DATA),
    ),
    Claim(
        "non_nuclear_envoys", "ngo",
        "88 Special Communicators for a World without Nuclear Weapons had been sent "
        "abroad by January 2013 (person-times).",
        "延べ88人", 386, ("figure:non_nuclear_envoys",),
        "None: no data.",
        partial(_not_checkable, reason="The data hold no count of the Special "
                "Communicators (非核特使) programme."),
    ),
    Claim(
        "embassies_over_150", "embassies",
        "More than 150 countries have an embassy in Tokyo (heading).",
        "150を超える", 250, ("figure:embassies_heading", "figure:embassies_2012"),
        "The report table's latest count (2012) against 'more than 150'.",
        partial(_printed_vs_figure, figure_id="embassies_heading", table_id="embassies_2012",
                note="The report's own table is the only count for 2012-13 in the data."),
    ),
    Claim(
        "recognised_states_194", "embassies",
        "Japan recognises 194 states.",
        "194か国", 251, ("indicator:recognised_states", "figure:recognised_states"),
        "MOFA's count of states recognised by Japan, 2012 (the last before the time of "
        "writing).",
        partial(_printed_vs_official, figure_id="recognised_states",
                indicator="recognised_states", year=2012,
                note="195 from May 2015 (Niue)."),
    ),
    Claim(
        "embassies_152", "embassies",
        "152 of them have an embassy in Tokyo.",
        "152の国", 251, ("figure:embassies_now", "figure:embassies_2012"),
        "The text's 152 against the report table's 2012 count.",
        partial(_printed_vs_figure, figure_id="embassies_now", table_id="embassies_2012",
                note="Checked against the report's own table only: the data hold no "
                "independent count for 2012-13 (the next is August 2014)."),
    ),
    Claim(
        "embassies_increasing_since_1980", "embassies",
        "The number of embassies in Tokyo has increased consistently since 1980.",
        "一貫して増加", 253, ("figure:embassies_1980", "figure:embassies_1990",
                          "figure:embassies_2000", "figure:embassies_2010",
                          "figure:embassies_2012"),
        "Each step of the report's table 駐日大使館数 (1980-2012) against the one before.",
        partial(_table_increasing, prefix="embassies_"),
    ),
    Claim(
        "embassies_opened_2012", "embassies",
        "Two countries (Tonga, Republic of the Congo) opened an embassy in Tokyo in 2012.",
        "2か国", 254, ("figure:embassies_opened_2012", "figure:embassies_2010",
                      "figure:embassies_2012"),
        "Net change of the table from its last year before 2012 (2010) to 2012; the table "
        "has no 2011 value.",
        partial(_opened_in_year, figure_id="embassies_opened_2012", prefix="embassies_",
                year=2012),
    ),
    Claim(
        "embassies_wishes_2013", "embassies",
        "In 2013 two or three more countries had already expressed the wish to open an "
        "embassy.",
        "2～3の国", 254, ("figure:embassies_planned_2013",),
        "None: no data.",
        partial(_not_checkable, reason="Wishes to open an embassy are not recorded in any "
                "data; counts of embassies opened later cannot stand in for them."),
    ),
    Claim(
        "embassies_trend_continues", "embassies",
        "The increase in embassies is likely to continue.",
        "この傾向は今後も続きそう", 256, ("figure:embassies_2012", "indicator:embassies_in_tokyo"),
        "Official counts after 2012 against the table's 2012 count: none below, the latest "
        "above, even with the EU Delegation taken off each later count.",
        partial(_trend_continues, prefix="embassies_", year=2012, indicator="embassies_in_tokyo",
                eu_delegation=1),
    ),
    Claim(
        "marathon_ambassadors", "embassies",
        "More than five ambassadors run the Tokyo Marathon.",
        "5指に余ります", 267, ("figure:marathon_ambassadors",),
        "None: no data.",
        partial(_not_checkable, reason="The data hold no record of marathon runners."),
    ),
    Claim(
        "jocv_cumulative", "volunteers",
        "37,532 JOCV volunteers had been dispatched by end-2012 (since 1965).",
        "3万7,532人", 416, ("indicator:jocv_cumulative", "figure:jocv_cumulative"),
        "Bracket by the cumulative counts in other sources before and after end-2012 "
        "(earlier lower bounds count too).",
        partial(_bracketed, figure_id="jocv_cumulative", indicator="jocv_cumulative",
                date="2012-12-31"),
    ),
    Claim(
        "jocv_countries_88", "volunteers",
        "JOCV volunteers had been dispatched to 88 countries by end-2012.",
        "88か国", 417, ("indicator:jocv_cumulative_countries", "figure:jocv_countries"),
        "Bracket by the cumulative country counts before and after end-2012.",
        partial(_bracketed, figure_id="jocv_countries", indicator="jocv_cumulative_countries",
                date="2012-12-31"),
    ),
    Claim(
        "sv_cumulative", "volunteers",
        "5,011 Senior Volunteers had been dispatched by end-2012 (since 1990).",
        "5,011人", 428, ("indicator:sv_cumulative", "figure:sv_cumulative"),
        "Bracket by the cumulative counts before and after end-2012 (including the "
        "end-September 2012 count the report supersedes in data.load).",
        partial(_bracketed, figure_id="sv_cumulative", indicator="sv_cumulative",
                date="2012-12-31"),
    ),
    Claim(
        "sv_countries_70", "volunteers",
        "Senior Volunteers had been dispatched to 70 countries by end-2012.",
        "70か国", 428, ("indicator:sv_cumulative_countries", "figure:sv_countries"),
        "Bracket by the cumulative country counts before and after end-2012.",
        partial(_bracketed, figure_id="sv_countries", indicator="sv_cumulative_countries",
                date="2012-12-31"),
    ),
    Claim(
        "prefecture_table_jocv_total", "volunteers",
        "The prefecture table of JOCV volunteers adds up to the 37,532 of the text.",
        "3万7,532人", 416, ("table:volunteers_by_prefecture", "figure:jocv_cumulative"),
        "Sum of the table's cumulative JOCV column (47 prefectures and その他).",
        partial(_table_sum, figure_id="jocv_cumulative", column="jocv_cumulative_persons"),
    ),
    Claim(
        "prefecture_table_sv_total", "volunteers",
        "The prefecture table of Senior Volunteers adds up to the 5,011 of the text.",
        "5,011人", 428, ("table:volunteers_by_prefecture", "figure:sv_cumulative"),
        "Sum of the table's cumulative SV column (47 prefectures and その他).",
        partial(_table_sum, figure_id="sv_cumulative", column="sv_cumulative_persons"),
    ),
    Claim(
        "volunteers_serving_2012", "volunteers",
        "At end-2012, 2,018 JOCV volunteers (in 72 countries) and 463 Senior Volunteers "
        "(in 62 countries) were serving abroad.",
        "2,018人; 463人; 72か国; 62か国", 607,
        ("figure:jocv_active", "figure:sv_active", "figure:jocv_active_countries",
         "figure:sv_active_countries"),
        "None: no data.",
        partial(_not_checkable, reason=_NO_VOLUNTEERS_SERVING),
    ),
    Claim(
        "regional_pr_events_2012", "local",
        "In 2012 local governments held 9 PR events and seminars abroad at diplomatic "
        "missions.",
        "9件", 663, ("figure:regional_pr_events",),
        "None: no data.",
        partial(_not_checkable, reason="The data hold no record of the regional promotion "
                "project (地方の魅力発信プロジェクト)."),
    ),
)  # fmt: skip
"""The registry: every quantitative claim of the section, in reading order by section."""


# --------------------------------------------------------------------------- running


def _code(check: Check) -> str:
    """``_bracketed(figure_id='sv_countries', …)`` -- the check and its arguments."""
    if isinstance(check, partial):
        args = ", ".join(f"{k}={v!r}" for k, v in check.keywords.items())
        return f"{check.func.__name__}({args})"
    return getattr(check, "__name__", repr(check))


def check_all(sources: Sources | None = None) -> pd.DataFrame:
    """Check every claim of :data:`CLAIMS` against the data, now.

    Parameters
    ----------
    sources : Sources, optional
        The data to check against (default: :meth:`Sources.load`). Pass a modified
        copy (``dataclasses.replace(sources, official=...)``) to see verdicts change.

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns :data:`COLUMNS`: ``claim_id``, ``section``,
        ``claim`` (English), ``as_printed``, ``line``, ``checked_against``
        (``indicator:…``, ``figure:…``, ``table:…``), ``computation`` (words),
        ``code`` (the check function and its arguments), ``expected`` (what the claim
        requires), ``observed`` (what the data show), ``verdict`` (one of
        :data:`VERDICTS`), ``gap`` and ``gap_pct`` (module docstring), ``reason``,
        ``expected_value`` and ``observed_value`` (float, NaN where none).
        A check whose data are absent gives ``not-checkable`` with the missing data
        as reason.
    """
    sources = Sources.load() if sources is None else sources
    rows = []
    for claim in CLAIMS:
        try:
            outcome = claim.check(sources)
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
                "code": _code(claim.check),
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
    out.append(f"{len(df)} claims: " + ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS))
    return "\n".join(out)
