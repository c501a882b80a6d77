"""Embassies in Tokyo (特集 駐日大使館): counts, the recognised-states ceiling, changes.

:func:`analysis.models.fit_bounded_growth` models the count under a ceiling. This module
prepares its inputs and reads the series the way the report's claims need:

- :func:`embassy_table` -- every known count with its source and whether the EU
  Delegation is counted.
- :func:`align_capacity` -- the ceiling (states recognised by Japan) for each year, with
  every value that was not given for that year marked as carried forward or assumed
  back, and optionally only what was known at a vantage year.
- :func:`changes_between` -- the change between consecutive known years, per year.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import data

__all__ = [
    "CAPACITY_STATUSES",
    "align_capacity",
    "changes_between",
    "embassy_table",
]

CAPACITY_STATUSES = ("given", "carried_forward", "assumed_back")
"""How a year's capacity was obtained: given for that year; the last earlier value carried
forward; or the first known value assumed to hold in earlier years."""

_EU_COUNTED = "Counts the Delegation of the European Union"


def embassy_table() -> pd.DataFrame:
    """Return every known count of embassies in Tokyo, with its source and EU caveat.

    Returns
    -------
    pandas.DataFrame
        One row per year, sorted: ``year`` (int64), ``embassies`` (int64, embassies),
        ``reference_date`` (str, may be empty), ``basis`` (``report`` for the report's
        table 駐日大使館数, ``mofa_protocol`` for later counts), ``eu_delegation``
        (``counted`` where the source counts the Delegation of the European Union among
        the embassies, else ``not stated``), ``as_printed``, ``source_title``.

    Notes
    -----
    Source: 外務省『外交青書2013』第4章第1節 特集 (1980-2012) and MOFA / Minato City
    (2014-2023); see :func:`analysis.data.load`. MOFA's 155 (2017) and 157 (2022-23)
    count the EU Delegation; the report does not say whether its 152 does.
    """
    df = data.load("embassies_in_tokyo")
    counted = df["note"].str.contains(_EU_COUNTED, regex=False)
    return pd.DataFrame(
        {
            "year": df["year"].astype("int64"),
            "embassies": df["value"].round().astype("int64"),
            "reference_date": df["reference_date"],
            "basis": df["basis"],
            "eu_delegation": np.where(counted, "counted", "not stated"),
            "as_printed": df["as_printed"],
            "source_title": df["source_title"],
        }
    ).reset_index(drop=True)


def align_capacity(
    counts: pd.Series,
    capacity: pd.Series,
    years: Iterable[int] | None = None,
    *,
    as_of: int | None = None,
    assume_before: bool = True,
) -> pd.DataFrame:
    """Set each year's count beside the ceiling in force, marking how the ceiling was found.

    Parameters
    ----------
    counts : pandas.Series
        Embassies by year (integer index).
    capacity : pandas.Series
        States recognised by Japan, by year (integer index), as given by the sources.
    years : iterable of int, optional
        Years to include besides those of ``counts`` (e.g. forecast years).
    as_of : int, optional
        Use only the capacity values given up to this year (what was known then); later
        values are ignored and the last known one is carried forward.
    assume_before : bool
        For years before the first known capacity, assume that value held (marked
        ``assumed_back``). If False, such years raise ValueError.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (int64, sorted): ``embassies`` (float64; NaN where no count),
        ``capacity_states`` (float64, states), ``capacity_status`` (one of
        :data:`CAPACITY_STATUSES`), ``share_pct`` (``100 * embassies / capacity``,
        percent).

    Raises
    ------
    ValueError
        If ``as_of`` leaves no capacity value, or a year precedes the first known
        capacity and ``assume_before`` is False.
    """
    known = capacity.sort_index()
    if as_of is not None:
        known = known.loc[:as_of]
    if known.empty:
        raise ValueError(f"no capacity value is known as of {as_of}")
    extra = [] if years is None else [int(y) for y in years]
    index = pd.Index(sorted({*map(int, counts.index), *extra}), dtype="int64", name="year")
    pos = np.searchsorted(known.index.to_numpy(), index.to_numpy(), side="right") - 1
    before = pos < 0
    if before.any() and not assume_before:
        raise ValueError(
            f"no capacity is known for {int(index[before][0])} or earlier (first known: "
            f"{int(known.index[0])}); pass assume_before=True to assume "
            f"{known.iloc[0]:g} held then"
        )
    safe = np.where(before, 0, pos)
    given = ~before & (known.index.to_numpy()[safe] == index.to_numpy())
    status = np.where(before, "assumed_back", np.where(given, "given", "carried_forward"))
    out = pd.DataFrame(
        {
            "embassies": counts.reindex(index).astype("float64").to_numpy(),
            "capacity_states": known.to_numpy()[safe].astype("float64"),
            "capacity_status": status,
        },
        index=index,
    )
    out["share_pct"] = 100 * out["embassies"] / out["capacity_states"]
    return out


def changes_between(counts: pd.Series) -> pd.DataFrame:
    """Return the change between each pair of consecutive known years.

    Parameters
    ----------
    counts : pandas.Series
        A count by year; years may be irregular (1980, 1990, 2000, 2010, 2012, ...).

    Returns
    -------
    pandas.DataFrame
        One row per consecutive pair: ``from_year``, ``to_year`` (int64), ``span_years``
        (int64, years), ``start``, ``end``, ``change`` (float64, in the count's unit),
        ``per_year`` (``change / span_years``, units per year).

    Raises
    ------
    ValueError
        If fewer than two years are given or a year repeats.
    """
    values = counts.dropna().sort_index()
    if values.index.has_duplicates:
        raise ValueError(f"year {values.index[values.index.duplicated()][0]} appears twice")
    if len(values) < 2:
        raise ValueError(f"needs at least two years, got {len(values)}")
    years = values.index.to_numpy().astype("int64")
    out = pd.DataFrame(
        {
            "from_year": years[:-1],
            "to_year": years[1:],
            "span_years": np.diff(years),
            "start": values.to_numpy()[:-1].astype("float64"),
            "end": values.to_numpy()[1:].astype("float64"),
        }
    )
    out["change"] = out["end"] - out["start"]
    out["per_year"] = out["change"] / out["span_years"]
    return out
