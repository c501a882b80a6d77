"""Foreign residents where local governments meet them: prefecture rates and who added what.

Derived tables for the local-government section (各論3 地方自治体等との連携), built on
:mod:`analysis.composition`:

- :func:`prefecture_change` -- each prefecture's foreign residents in two years, their
  growth, and the rate per 1,000 inhabitants in each year against the census population
  the caller names (the census years need not be the count years: say so);
- :func:`lump_contributions` -- the largest contributions to a change kept, the rest summed
  into one line, so that a chart stays readable and still adds up to the total;
- :func:`group_contributions` -- contributions summed by group (e.g. region);
- :func:`sister_city_table` -- every sister-city figure the data hold, in one table.

The unknown-prefecture remainder (key ``"unknown"``, 未定・不詳) has no inhabitants to be
divided by: it is left out of rates and reported in ``attrs``; in contributions it stays a
line of its own unless the caller folds it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis import composition, data, metadata
from analysis.composition import OTHER
from analysis.prefectures import prefectures

UNKNOWN = metadata.UNKNOWN_KEY
"""Key of the unknown-prefecture remainder in ``resident_foreigners_by_prefecture``."""

__all__ = [
    "SISTER_CITY_INDICATORS",
    "UNKNOWN",
    "group_contributions",
    "lump_contributions",
    "prefecture_change",
    "sister_city_table",
]


def _by_prefecture(rows: pd.DataFrame, year: int, what: str) -> pd.Series:
    """Values of one year indexed by pref_code, without the unknown remainder."""
    missing = [c for c in ("key", "year", "value") if c not in rows.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")
    hit = rows[(rows["year"] == year) & (rows["key"] != UNKNOWN)]
    if hit.empty:
        years = sorted(int(y) for y in set(rows["year"]))
        raise ValueError(f"{what}: no prefecture rows for {year}; years: {years}")
    return hit.set_index("key")["value"].astype("float64")


def _unknown(rows: pd.DataFrame, year: int) -> float:
    hit = rows.loc[(rows["year"] == year) & (rows["key"] == UNKNOWN), "value"]
    return float(hit.sum())


def prefecture_change(
    residents: pd.DataFrame,
    population: pd.DataFrame,
    *,
    start: int,
    end: int,
    start_census: int,
    end_census: int,
    per: int = 1_000,
) -> pd.DataFrame:
    """Compare each prefecture's foreign residents in two years, in counts and per head.

    Parameters
    ----------
    residents : pandas.DataFrame
        Tidy rows ``key`` (pref_code or ``"unknown"``), ``year``, ``value`` (persons), e.g.
        ``data.load("resident_foreigners_by_prefecture")``.
    population : pandas.DataFrame
        Tidy rows ``key`` (pref_code), ``year``, ``value`` (inhabitants), e.g.
        ``data.load("prefecture_population")`` (census years 2010 and 2020).
    start, end : int
        The two years of residents compared (``start < end``), e.g. 2012 and 2024 (end of
        December).
    start_census, end_census : int
        The population years used as denominators of the two rates (e.g. the 2010 and 2020
        censuses, 1 October): not the count years, which a reader must be told.
    per : int
        Inhabitants per rate unit.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``pref_code`` (the 47, JIS order): ``pref_name_ja``, ``pref_short_ja``,
        ``pref_name_en``, ``region_en``; ``residents_start``, ``residents_end`` (persons);
        ``change`` (persons); ``growth_pct`` (percent change of the count); ``ratio``
        (``residents_end / residents_start``); ``census_start``, ``census_end``
        (inhabitants); ``rate_start``, ``rate_end`` (residents per ``per`` inhabitants);
        ``rate_change`` (``rate_end - rate_start``, per ``per`` inhabitants);
        ``rank_end`` and ``growth_rank`` (Int64, 1 = highest rate in ``end``, fastest
        growth). Unknown values stay NaN (never filled). ``attrs`` holds ``start``, ``end``,
        ``start_census``, ``end_census``, ``per`` and ``unknown_start``, ``unknown_end``
        (persons in the unknown-prefecture remainder, left out of every rate).

    Raises
    ------
    ValueError
        If ``start >= end``, a year has no prefecture rows, or a key is not a prefecture.
    """
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    rate = {}
    for year, census in ((start, start_census), (end, end_census)):
        rate[year] = composition.per_head(
            _by_prefecture(residents, year, "residents"),
            _by_prefecture(population, census, "population"),
            per=per,
        )
    names = prefectures().set_index("pref_code")
    out = names[["pref_name_ja", "pref_short_ja", "pref_name_en", "region_en"]].copy()
    out.index.name = "pref_code"
    out["residents_start"] = rate[start]["count"]
    out["residents_end"] = rate[end]["count"]
    out["change"] = out["residents_end"] - out["residents_start"]
    out["growth_pct"] = 100 * out["change"] / out["residents_start"]
    out["ratio"] = out["residents_end"] / out["residents_start"]
    out["census_start"] = rate[start]["population"]
    out["census_end"] = rate[end]["population"]
    out["rate_start"] = rate[start]["rate"]
    out["rate_end"] = rate[end]["rate"]
    out["rate_change"] = out["rate_end"] - out["rate_start"]
    out["rank_end"] = rate[end]["rank"]
    out["growth_rank"] = out["growth_pct"].rank(ascending=False, method="min").astype("Int64")
    out.attrs.update(
        start=start, end=end, start_census=start_census, end_census=end_census, per=per,
        unknown_start=_unknown(residents, start), unknown_end=_unknown(residents, end),
    )  # fmt: skip
    return out


_CHANGE_COLUMNS = ("key", "value_start", "value_end", "change")


def _recompute(out: pd.DataFrame, total_change: float) -> pd.DataFrame:
    out["share_of_change_pct"] = 100 * out["change"] / total_change
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = 100 * out["change"] / out["value_start"]
    return out


def _check_adds_up(out: pd.DataFrame, total_change: float, what: str) -> None:
    summed = float(out["change"].sum())
    if not np.isclose(summed, total_change, rtol=0, atol=1e-6 * max(1.0, abs(total_change))):
        raise ValueError(f"{what}: the lines add up to {summed:,.0f}, not {total_change:,.0f}")


def _total_change(changes: pd.DataFrame) -> float:
    missing = [c for c in _CHANGE_COLUMNS if c not in changes.columns]
    if missing:
        raise ValueError(f"changes: missing column(s) {missing}")
    return float(changes.attrs.get("total_change", changes["change"].sum()))


def lump_contributions(
    changes: pd.DataFrame,
    n: int,
    *,
    rest_label: str = "Other",
    keep: Iterable[str] = (UNKNOWN,),
) -> pd.DataFrame:
    """Keep the ``n`` largest contributions to a change and sum the rest into one line.

    Parameters
    ----------
    changes : pandas.DataFrame
        Output of :func:`analysis.composition.contributions` (``key``, ``value_start``,
        ``value_end``, ``change``; the total change in ``attrs["total_change"]``).
    n : int
        How many of the largest contributions (by ``change``, rises first) keep a line.
    rest_label : str
        Label of the summed line (may use ``{n}``, the number of keys summed, e.g.
        ``"Other {n} prefectures"``). The :data:`~analysis.composition.OTHER` row of
        ``changes`` is summed into it.
    keep : iterable of str
        Keys that keep a line of their own whatever their size (default the
        unknown-prefecture remainder), placed after the rest.

    Returns
    -------
    pandas.DataFrame
        Columns as ``changes`` (``key``, ``value_start``, ``value_end``, ``change`` in the
        input's unit; ``share_of_change_pct``; ``change_pct``, NaN where the start is 0):
        the ``n`` largest, the summed rest, then the kept keys; ``attrs`` as the input's
        plus ``lumped`` (the keys summed). The lines add up to the total change.

    Raises
    ------
    ValueError
        If a column is missing, ``n`` is negative, or the lines do not add up.
    """
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    total = _total_change(changes)
    kept = list(dict.fromkeys(keep))
    rows = changes[list(_CHANGE_COLUMNS)]
    ranked = rows[~rows["key"].isin([*kept, OTHER])].sort_values(
        "change", ascending=False, kind="stable"
    )
    top, rest = ranked.iloc[:n], ranked.iloc[n:]
    lumped = rest["key"].tolist()
    rest = pd.concat([rest, rows[rows["key"] == OTHER]])
    parts = [top]
    if len(rest):
        parts.append(
            pd.DataFrame(
                {
                    "key": [rest_label.format(n=len(lumped))],
                    "value_start": [float(rest["value_start"].sum())],
                    "value_end": [float(rest["value_end"].sum())],
                    "change": [float(rest["change"].sum())],
                }
            )
        )
    parts.append(rows[rows["key"].isin(kept)])
    out = _recompute(pd.concat(parts, ignore_index=True), total)
    _check_adds_up(out, total, "lump_contributions")
    out.attrs.update(changes.attrs, lumped=lumped)
    return out


def group_contributions(
    changes: pd.DataFrame, groups: Mapping[str, str] | pd.Series
) -> pd.DataFrame:
    """Sum contributions to a change by group (e.g. prefectures by region).

    Parameters
    ----------
    changes : pandas.DataFrame
        Output of :func:`analysis.composition.contributions`.
    groups : mapping or pandas.Series
        Key → group (e.g. pref_code → ``region_en``). Keys not in it (the unknown
        remainder, :data:`~analysis.composition.OTHER`) keep their own line; an
        :data:`~analysis.composition.OTHER` line whose change is zero is dropped.

    Returns
    -------
    pandas.DataFrame
        ``key`` (the group), ``value_start``, ``value_end``, ``change`` (input unit),
        ``share_of_change_pct``, ``change_pct``; groups sorted by change (largest first),
        then the keys without a group; ``attrs`` as the input's. The lines add up to the
        total change.

    Raises
    ------
    ValueError
        If a column is missing or the lines do not add up.
    """
    total = _total_change(changes)
    mapping = dict(groups.items()) if isinstance(groups, pd.Series) else dict(groups)
    rows = changes[list(_CHANGE_COLUMNS)]
    rows = rows[~((rows["key"] == OTHER) & (rows["change"] == 0))]
    grouped = rows["key"].isin(list(mapping))
    summed = (
        rows[grouped]
        .assign(key=rows.loc[grouped, "key"].map(mapping))
        .groupby("key", sort=False)[["value_start", "value_end", "change"]]
        .sum()
        .reset_index()
        .sort_values("change", ascending=False, kind="stable")
    )
    out = _recompute(pd.concat([summed, rows[~grouped]], ignore_index=True), total)
    _check_adds_up(out, total, "group_contributions")
    out.attrs.update(changes.attrs)
    return out


SISTER_CITY_INDICATORS: dict[str, str] = {
    "sister_city_affiliations": "Sister-city affiliations, all partners",
    "sister_city_affiliations_by_country": "Sister-city affiliations with {key}",
    "sister_city_local_governments": "Local governments with at least one affiliation",
}
"""The sister-city indicators (CLAIR counts) and how :func:`sister_city_table` names them."""


def sister_city_table(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """List every sister-city figure the data hold, by what it counts and date.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Tidy rows of the :data:`SISTER_CITY_INDICATORS` (default: :func:`analysis.data.load`
        of each, concatenated).

    Returns
    -------
    pandas.DataFrame
        One row per figure, ordered by indicator (as in :data:`SISTER_CITY_INDICATORS`),
        partner and date: ``indicator``, ``key`` (partner country, ``""`` for all),
        ``what`` (plain words; underscores in country keys become spaces), ``year``
        (int64), ``reference_date``, ``value`` (float64), ``unit`` (``affiliations`` or
        ``local_governments``), ``as_printed``, ``official`` (bool: False where the row's
        note says it comes from a secondary source), ``source_url``.
    """
    if rows is None:
        rows = pd.concat([data.load(name) for name in SISTER_CITY_INDICATORS], ignore_index=True)
    order = {name: i for i, name in enumerate(SISTER_CITY_INDICATORS)}
    out = rows[rows["indicator"].isin(list(order))].copy()
    out["what"] = [
        SISTER_CITY_INDICATORS[ind].format(key=str(key).replace("_", " "))
        for ind, key in zip(out["indicator"], out["key"], strict=True)
    ]
    out["official"] = ~out["note"].astype(str).str.startswith("Secondary source")
    out = out.assign(_order=out["indicator"].map(order)).sort_values(
        ["_order", "key", "reference_date"], kind="stable"
    )
    columns = [
        "indicator", "key", "what", "year", "reference_date", "value", "unit", "as_printed",
        "official", "source_url",
    ]  # fmt: skip
    return out[columns].astype({"year": "int64", "value": "float64"}).reset_index(drop=True)
