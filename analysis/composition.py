"""Who drove a change: shares of a total, contributions to a change, rates per head.

Each function takes tidy rows laid out like :func:`analysis.data.load` (``key``,
``year``, ``value``, ``basis``) and the matching total, so the same three questions can
be asked of foreign residents by nationality or by status of residence, visitor arrivals
by market, or anything keyed by prefecture:

- :func:`shares` -- each group's share of the year's total, in percent;
- :func:`contributions` -- how much each group added to (or took from) the change of
  the total between two years; with an ``Other`` row for everything not listed in both
  years, the contributions add up exactly to the total change;
- :func:`per_head` -- a count per 1,000 (or 100,000) inhabitants, for every prefecture
  whose population is known.

Nothing is spliced across statistical bases: a comparison of two years on different
bases is refused (alien registration to 2011, residence statistics from 2012).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import metadata

OTHER = "Other"
"""Label of the remainder row of :func:`contributions` (groups not listed in both years)."""

__all__ = [
    "OTHER",
    "contributions",
    "gaps",
    "per_head",
    "share_of_total",
    "shares",
]


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")


def _one_basis(rows: pd.DataFrame, year: int, what: str) -> str:
    bases = sorted(set(rows.loc[rows["year"] == year, "basis"]))
    if len(bases) != 1:
        raise ValueError(f"{what}: {year} has {'no rows' if not bases else f'bases {bases}'}")
    return bases[0]


def _total_at(total: pd.DataFrame, year: int, basis: str, what: str) -> float:
    hit = total[(total["year"] == year) & (total["basis"] == basis)]
    if len(hit) != 1:
        raise ValueError(f"{what}: no total for {year} on basis {basis!r}")
    return float(hit["value"].iloc[0])


def _without_broader_keys(rows: pd.DataFrame) -> pd.DataFrame:
    """Drop a broader key (Korea_incl_North) where a narrower one it contains is present."""
    keep = []
    for _, group in rows.groupby("year", sort=False):
        keys = set(group["key"])
        broader = {metadata.PART_OF[k] for k in keys if k in metadata.PART_OF}
        keep.append(group[~group["key"].isin(broader)])
    return pd.concat(keep) if keep else rows


def shares(parts: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Each group's share of the year's total, in percent, with the unlisted rest.

    Parameters
    ----------
    parts : pandas.DataFrame
        Keyed rows (``key``, ``year``, ``value``, ``basis``), e.g.
        ``data.load("resident_foreigners_by_nationality")``.
    total : pandas.DataFrame
        The un-keyed total's rows (``year``, ``value``, ``basis``), e.g.
        ``data.load("resident_foreigners")``.

    Returns
    -------
    pandas.DataFrame
        One row per year and group, plus an :data:`OTHER` row per year for the part of
        the total no listed group covers: ``year``, ``key``, ``basis``, ``value``
        (same unit as the input), ``total``, ``share_pct`` (percent of the total; the
        rows of a year add up to 100). A broader key is dropped where a narrower key
        it contains is listed (``Korea_incl_North`` beside ``Korea``).

    Raises
    ------
    ValueError
        If a column is missing, a year has no total on its basis, or the groups of a
        year exceed its total.
    """
    _require(parts, ("key", "year", "value", "basis"), "parts")
    _require(total, ("year", "value", "basis"), "total")
    rows = []
    for (year, basis), group in _without_broader_keys(parts).groupby(["year", "basis"]):
        whole = _total_at(total, int(year), str(basis), "shares")
        listed = float(group["value"].sum())
        if listed > whole:
            raise ValueError(f"shares: the groups of {year} sum to {listed:,.0f} > {whole:,.0f}")
        frame = group[["year", "key", "basis", "value"]].copy()
        rest = pd.DataFrame(
            {"year": [year], "key": [OTHER], "basis": [basis], "value": [whole - listed]}
        )
        rows.append(pd.concat([frame, rest], ignore_index=True).assign(total=whole))
    out = pd.concat(rows, ignore_index=True)
    out["share_pct"] = 100 * out["value"] / out["total"]
    return out.astype({"year": "int64", "value": "float64", "total": "float64"})


def contributions(
    parts: pd.DataFrame, total: pd.DataFrame, start: int, end: int
) -> pd.DataFrame:
    """Split the change of a total between two years into each group's contribution.

    A group's contribution is its own change, ``value[end] - value[start]``; the
    :data:`OTHER` row is the change of everything not listed in both years (the total's
    change less the listed groups' changes). So the contributions add up exactly to the
    total's change -- the question "who drove it?" answered without residue.
    A status of residence created after ``start`` (:data:`analysis.metadata.STATUS_SINCE`:
    特定技能 from 2019) counts as zero at ``start``: nobody held it, a true zero.

    Parameters
    ----------
    parts : pandas.DataFrame
        Keyed rows (``key``, ``year``, ``value``, ``basis``).
    total : pandas.DataFrame
        The un-keyed total's rows (``year``, ``value``, ``basis``).
    start, end : int
        The two years compared (``start < end``), which must be on one basis: both
        on alien registration (≤2011) or both on residence statistics (a restated
        year is on the residence basis by construction and may be compared with one).

    Returns
    -------
    pandas.DataFrame
        One row per group listed in both years (sorted by contribution, largest
        first), then :data:`OTHER`: ``key``, ``value_start``, ``value_end``,
        ``change`` (same unit as the input), ``share_of_change_pct`` (percent of the
        total's change; the rows add up to 100) and ``change_pct`` (the group's own
        change, percent; NaN for :data:`OTHER`). The total's change is in
        ``DataFrame.attrs["total_change"]``, its ends in ``attrs["total_start"]`` and
        ``attrs["total_end"]``.

    Raises
    ------
    ValueError
        If ``start >= end``, either year lacks rows or a total, the two years are on
        incomparable bases, or the total did not change (no share can be computed).
    """
    _require(parts, ("key", "year", "value", "basis"), "parts")
    _require(total, ("year", "value", "basis"), "total")
    if start >= end:
        raise ValueError(f"contributions: start ({start}) must be before end ({end})")
    rows = _without_broader_keys(parts)
    basis = {y: _one_basis(rows, y, "contributions") for y in (start, end)}
    family = {b == "alien_registration" for b in basis.values()}
    if len(family) != 1:
        raise ValueError(
            f"contributions: {start} ({basis[start]}) and {end} ({basis[end]}) are on different "
            "statistical bases; compare years of one basis (e.g. the restated 2008-2011 "
            "with 2012 on)"
        )
    ends = {y: _total_at(total, y, basis[y], "contributions") for y in (start, end)}
    change = ends[end] - ends[start]
    if change == 0:
        raise ValueError(f"contributions: the total did not change from {start} to {end}")
    a = rows[rows["year"] == start].set_index("key")["value"]
    b = rows[rows["year"] == end].set_index("key")["value"]
    new = [k for k in b.index if k not in a.index and start < metadata.STATUS_SINCE.get(k, start)]
    a = pd.concat([a, pd.Series(0.0, index=pd.Index(new, name="key"))])
    both = a.index.intersection(b.index)
    out = pd.DataFrame({"value_start": a[both], "value_end": b[both]}).rename_axis("key")
    out["change"] = out["value_end"] - out["value_start"]
    out = out.sort_values("change", ascending=False)
    other_change = change - float(out["change"].sum())
    other = pd.DataFrame(
        {
            "value_start": [ends[start] - float(a[both].sum())],
            "value_end": [ends[end] - float(b[both].sum())],
            "change": [other_change],
        },
        index=pd.Index([OTHER], name="key"),
    )
    out = pd.concat([out, other]).reset_index()
    out["share_of_change_pct"] = 100 * out["change"] / change
    out["change_pct"] = np.where(
        out["key"] == OTHER, np.nan, 100 * out["change"] / out["value_start"]
    )
    out.attrs.update(total_start=ends[start], total_end=ends[end], total_change=change)
    return out


def per_head(
    counts: pd.Series, population: pd.Series, *, per: int = 1_000
) -> pd.DataFrame:
    """Compute a count per ``per`` inhabitants, by prefecture, where the population is known.

    Parameters
    ----------
    counts : pandas.Series
        Counts indexed by ``pref_code`` ('01'-'47').
    population : pandas.Series
        Inhabitants indexed by ``pref_code`` (e.g. the 2020 census).
    per : int
        Inhabitants per rate unit (1,000 or 100,000).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``pref_code``, the 47 prefectures in JIS order: ``count``,
        ``population``, ``rate`` (count per ``per`` inhabitants; NaN where either is
        unknown: never filled), ``rank`` (Int64, 1 = highest, among the known).

    Raises
    ------
    ValueError
        If an index holds a code that is not a prefecture, repeats one, or ``per`` is
        not a positive integer.
    """
    if isinstance(per, bool) or not isinstance(per, int) or per <= 0:
        raise ValueError(f"per must be a positive integer, got {per!r}")
    for name, values in (("counts", counts), ("population", population)):
        unknown = sorted(set(map(str, values.index)) - set(metadata.PREF_CODES))
        if unknown:
            raise ValueError(f"{name}: unknown pref_code(s) {unknown[:5]}")
        if values.index.duplicated().any():
            repeated = values.index[values.index.duplicated()][0]
            raise ValueError(f"{name}: pref_code {repeated!r} repeats")
    index = pd.Index(metadata.PREF_CODES, name="pref_code")
    out = pd.DataFrame(
        {
            "count": counts.reindex(index).astype("float64"),
            "population": population.reindex(index).astype("float64"),
        }
    )
    out["rate"] = out["count"] / out["population"] * per
    out["rank"] = out["rate"].rank(ascending=False, method="min").astype("Int64")
    return out


def share_of_total(part: pd.Series, total: pd.Series) -> pd.DataFrame:
    """One part's share of a total, for the years both are known.

    Parameters
    ----------
    part, total : pandas.Series
        Values by year, same unit (e.g. visas issued to one country, and to all).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (years present in both, sorted): ``part``, ``total``,
        ``rest`` (``total - part``) and ``share_pct`` (``100 * part / total``).

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


def gaps(series: pd.Series) -> list[tuple[int, int]]:
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
    return [(int(a) + 1, int(b) - 1) for a, b in itertools.pairwise(years) if b - a > 1]
