"""Foreign residents across the 2012 change of statistics, and their share of the population.

Japan counted its foreign residents in two ways (both at 31 December):

- alien registration (外国人登録者数, basis ``alien_registration``) up to 2011; the
  system ended on 9 July 2012;
- residence statistics (在留外国人数 = 中長期在留者 + 特別永住者, basis
  ``residence_statistics``) from 2012, which the ministry restated for 2008-2011
  (basis ``residence_statistics_restated``).

The two differ in level (end-2011: 2,078,508 registered against 2,047,349 on the new
basis), so they must not be spliced silently. This module

- joins them into one long table that keeps the ``basis`` on every row
  (:func:`join_bases`, :func:`load_foreign_residents`);
- turns that table into a Series for modelling only when the caller names the year
  of the basis change, to be matched by a level-shift term (:func:`spliced_series`);
- measures the level gap where both bases exist (:func:`basis_gaps`);
- computes shares of the population, using the ministry's printed share where one is
  printed and marking computed ones ``derived`` (:func:`share_of_population`);
- names nationalities and statuses of residence for readers (:data:`NATIONALITY_LABELS`,
  :data:`STATUS_LABELS`, :func:`label_keys`), so that charts and tables of who drove a
  change never show a raw key;
- sets forecasts side by side at one year (:func:`forecasts_at`) and scores a hindsight
  forecast against what happened (:func:`hindsight_table`).

The chart of counts by basis over shares is :func:`analysis.plots.plot_counts_and_share`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np
import pandas as pd

from analysis import data

REGISTRATION = "alien_registration"
RESTATED = "residence_statistics_restated"
RESIDENCE = "residence_statistics"
BASIS_ORDER: tuple[str, ...] = (REGISTRATION, RESTATED, RESIDENCE)
"""The three bases, in the order rows of one year are sorted and bars are drawn."""

SWITCH_YEAR = 2012
"""First year-end counted on the residence-statistics basis (registration ended 2012-07-09)."""

BASIS_LABELS: Mapping[str, str] = {
    REGISTRATION: "外国人登録者数 (alien registration, ≤2011)",
    RESTATED: "在留外国人数, restated 2008–2011",
    RESIDENCE: "在留外国人数 (residence statistics, ≥2012)",
}
"""Chart labels of the bases (Japanese term, then what it is)."""

DERIVED = "derived"


def _require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")


def _check_bases(df: pd.DataFrame, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    bad = df[~df["basis"].isin(allowed)]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(
            f"{what}: year {int(row['year'])} has basis {row['basis']!r}; expected one of "
            f"{list(allowed)}"
        )


def _sort(df: pd.DataFrame) -> pd.DataFrame:
    rank = df["basis"].map({b: i for i, b in enumerate(BASIS_ORDER)})
    order = np.lexsort((rank.to_numpy(), df["year"].to_numpy()))
    return df.iloc[order].reset_index(drop=True)


def join_bases(
    registered: pd.DataFrame,
    resident: pd.DataFrame,
    *,
    switch_year: int = SWITCH_YEAR,
    include_restated: bool = False,
) -> pd.DataFrame:
    """Join registered foreigners (before ``switch_year``) and resident foreigners (from it).

    Nothing is spliced: the result is a long table in which every row keeps its
    ``basis``, so a reader (or a model) can see where the statistics change.

    Parameters
    ----------
    registered : pandas.DataFrame
        Rows of :func:`analysis.data.load` ``("registered_foreigners")``: at least
        ``year``, ``value`` (persons) and ``basis``, all ``alien_registration``.
    resident : pandas.DataFrame
        Rows of :func:`analysis.data.load` ``("resident_foreigners")``: bases
        ``residence_statistics`` (from ``switch_year``) and
        ``residence_statistics_restated`` (the ministry's restatement of earlier years).
    switch_year : int
        First year on the residence-statistics basis (2012).
    include_restated : bool
        Keep the restated rows as well. Those years then have two rows (one per
        basis); by default each year has exactly one.

    Returns
    -------
    pandas.DataFrame
        The input columns (their union), rows sorted by ``year`` then basis
        (registration, restated, residence), index reset. ``value`` in persons.

    Raises
    ------
    ValueError
        If a column is missing, a row carries an unexpected basis, registration rows
        reach ``switch_year``, residence rows start before it, restated rows reach it,
        or a year repeats within one basis.
    """
    for df, what in ((registered, "registered"), (resident, "resident")):
        _require_columns(df, ("year", "value", "basis"), what)
    _check_bases(registered, (REGISTRATION,), "registered")
    _check_bases(resident, (RESIDENCE, RESTATED), "resident")
    late = registered[registered["year"] >= switch_year]
    if len(late):
        raise ValueError(
            f"registered: year {int(late['year'].iloc[0])} is on or after the switch to "
            f"residence statistics ({switch_year}); alien registration ended on 2012-07-09"
        )
    new = resident[resident["basis"] == RESIDENCE]
    early = new[new["year"] < switch_year]
    if len(early):
        raise ValueError(
            f"resident: year {int(early['year'].iloc[0])} is on the residence-statistics "
            f"basis but before the switch year {switch_year}"
        )
    restated = resident[resident["basis"] == RESTATED]
    late = restated[restated["year"] >= switch_year]
    if len(late):
        raise ValueError(
            f"resident: year {int(late['year'].iloc[0])} is restated but not before the "
            f"switch year {switch_year}"
        )
    parts = [registered, new] + ([restated] if include_restated else [])
    joined = pd.concat([p for p in parts if len(p)], ignore_index=True)
    repeated = joined[joined.duplicated(["year", "basis"])]
    if len(repeated):
        row = repeated.iloc[0]
        raise ValueError(f"year {int(row['year'])} appears twice on basis {row['basis']!r}")
    return _sort(joined)


def load_foreign_residents(*, include_restated: bool = False) -> pd.DataFrame:
    """Load registered foreigners to 2011 and resident foreigners from 2012, basis on every row.

    Parameters
    ----------
    include_restated : bool
        Also keep the ministry's 2008-2011 restatement on the new basis (those years
        then have two rows).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`analysis.data.load` (``value`` in persons, 31 December),
        from both indicators; see :func:`join_bases`.
    """
    return join_bases(
        data.load("registered_foreigners"),
        data.load("resident_foreigners"),
        include_restated=include_restated,
    )


def _one_row_per_year(joined: pd.DataFrame) -> None:
    repeated = joined[joined["year"].duplicated()]
    if len(repeated):
        year = int(repeated["year"].iloc[0])
        bases = joined.loc[joined["year"] == year, "basis"].tolist()
        raise ValueError(
            f"year {year} has one row per basis {bases}; keep one basis per year first "
            "(e.g. join_bases(..., include_restated=False))"
        )


def basis_changes(joined: pd.DataFrame) -> list[int]:
    """Years whose basis differs from that of the previous row (one row per year).

    Parameters
    ----------
    joined : pandas.DataFrame
        ``year`` and ``basis`` columns, one row per year (e.g. :func:`join_bases`).

    Returns
    -------
    list of int
        The first year of each new basis, in order (``[2012]`` for the joined series).
    """
    _require_columns(joined, ("year", "basis"), "joined")
    _one_row_per_year(joined)
    ordered = joined.sort_values("year")
    changed = ordered["basis"].ne(ordered["basis"].shift()).to_numpy().copy()
    changed[0] = False
    return [int(y) for y in ordered["year"].to_numpy()[changed]]


def spliced_series(joined: pd.DataFrame, *, level_shift_at: int) -> pd.Series:
    """Values of a joined table as one Series, for a model with a level-shift term.

    The caller must name the year the basis changes (``level_shift_at``), to be passed
    on to e.g. :func:`analysis.models.fit_breakpoint`; the splice is never silent.

    Parameters
    ----------
    joined : pandas.DataFrame
        ``year``, ``value``, ``basis``, one row per year (:func:`join_bases`).
    level_shift_at : int
        The year the basis changes; it must be the only change.

    Returns
    -------
    pandas.Series
        float64 persons indexed by ``year`` (int64), named ``foreign_residents_persons``;
        years absent from ``joined`` stay absent.

    Raises
    ------
    ValueError
        If a year has several rows, or the basis changes in any year other than
        ``level_shift_at`` (or not at all).
    """
    changes = basis_changes(joined)
    if changes != [level_shift_at]:
        raise ValueError(
            f"the basis changes in {changes or 'no year'}, but level_shift_at="
            f"{level_shift_at}; a splice needs exactly one declared change of basis"
        )
    ordered = joined.sort_values("year")
    return pd.Series(
        ordered["value"].to_numpy(dtype="float64"),
        index=pd.Index(ordered["year"].to_numpy(dtype="int64"), name="year"),
        name="foreign_residents_persons",
    )


def basis_gaps(
    joined: pd.DataFrame, *, old: str = REGISTRATION, new: str = RESTATED
) -> pd.DataFrame:
    """Measure the level gap between two bases in the years both exist.

    Parameters
    ----------
    joined : pandas.DataFrame
        ``year``, ``value`` (persons), ``basis``; e.g. :func:`join_bases` with
        ``include_restated=True``.
    old, new : str
        The two bases compared (default: registration against the restatement).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``: ``old_persons``, ``new_persons``, ``gap_persons``
        (``new - old``), ``gap_pct`` (``100 * (new / old - 1)``, percent).
    """
    _require_columns(joined, ("year", "value", "basis"), "joined")
    a = joined[joined["basis"] == old].set_index("year")["value"]
    b = joined[joined["basis"] == new].set_index("year")["value"]
    both = pd.concat({"old_persons": a, "new_persons": b}, axis=1, join="inner").sort_index()
    both["gap_persons"] = both["new_persons"] - both["old_persons"]
    both["gap_pct"] = 100 * (both["new_persons"] / both["old_persons"] - 1)
    both.index = both.index.astype("int64").rename("year")
    return both


def share_of_population(
    persons: pd.DataFrame, population: pd.Series, printed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Foreign residents as a share of Japan's population: printed where printed, else derived.

    Parameters
    ----------
    persons : pandas.DataFrame
        ``year``, ``value`` (persons, 31 December) and ``basis``; e.g. :func:`join_bases`.
    population : pandas.Series
        Total population (persons, 1 October) by year, e.g.
        :func:`analysis.data.series` ``("japan_population")``: the denominator named
        in the report's note to its chart.
    printed : pandas.DataFrame, optional
        The ministry's printed shares, :func:`analysis.data.load` rows of
        ``registered_foreigners_share_pct`` and/or ``resident_foreigners_share_pct``
        (``year``, ``value`` in percent, ``basis``, ``status``, ``as_printed``). A
        printed share is matched to persons of the same year and basis; printed shares
        on a basis absent from ``persons`` are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per year and basis with a share, sorted by year then basis: ``year``,
        ``basis``, ``persons``, ``population`` (NaN where not known), ``derived_share_pct``
        (``100 * persons / population``, NaN where either is missing), ``share_pct``
        (the printed share where printed, else the derived one), ``status`` (the
        printed row's status, e.g. ``final``; ``derived`` for computed shares),
        ``as_printed`` (empty for derived shares). Years with neither a printed share
        nor both counts are left out: no share is interpolated.

    Notes
    -----
    The ministry's denominators changed between years (census, 1 October or 1
    January estimates); printed shares are therefore kept as printed, and a derived
    share may differ from a printed one in the second decimal.
    """
    _require_columns(persons, ("year", "value", "basis"), "persons")
    counts = persons[["year", "basis", "value"]].rename(columns={"value": "persons"})
    counts = counts.assign(year=counts["year"].astype("int64"))
    pop = population.rename("population")
    pop.index = pop.index.astype("int64").rename("year")
    out = counts.merge(pop.reset_index(), on="year", how="left")
    out["derived_share_pct"] = 100 * out["persons"] / out["population"]
    if printed is not None and len(printed):
        _require_columns(printed, ("year", "value", "basis", "status", "as_printed"), "printed")
        shares = printed[["year", "basis", "value", "status", "as_printed"]].rename(
            columns={"value": "printed_pct"}
        )
        shares = shares.assign(year=shares["year"].astype("int64"))
        shares = shares[shares["basis"].isin(counts["basis"])]
        out = out.merge(shares, on=["year", "basis"], how="outer")
        missing_pop = out["population"].isna()
        out.loc[missing_pop, "population"] = out.loc[missing_pop, "year"].map(pop)
    else:
        out["printed_pct"] = np.nan
        out["status"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["as_printed"] = pd.Series(pd.NA, index=out.index, dtype="str")
    is_printed = out["printed_pct"].notna()
    out["share_pct"] = out["printed_pct"].where(is_printed, out["derived_share_pct"])
    out["status"] = out["status"].where(is_printed, DERIVED)
    out["as_printed"] = out["as_printed"].where(is_printed, "")
    out = out[out["share_pct"].notna()]
    cols = [
        "year", "basis", "persons", "population", "derived_share_pct", "share_pct", "status",
        "as_printed",
    ]
    return _sort(out[cols])


# --------------------------------------------------------------------------- labels

NATIONALITY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "China": "China",
        "China_incl_Taiwan": "China (incl. Taiwan)",
        "Taiwan": "Taiwan",
        "Korea": "Korea",
        "Korea_incl_North": "Korea (both Koreas)",
        "Vietnam": "Vietnam",
        "Philippines": "Philippines",
        "Brazil": "Brazil",
        "Nepal": "Nepal",
        "Indonesia": "Indonesia",
        "USA": "USA",
        "Thailand": "Thailand",
        "Peru": "Peru",
        "Myanmar": "Myanmar",
        "India": "India",
    }
)
"""Reader-facing names of the nationality keys of the residents' tables (English).

The keys of different scope keep different names: ``China_incl_Taiwan`` (MOJ's 中国 to
2011) is "China (incl. Taiwan)", ``Korea_incl_North`` (韓国・朝鮮) "Korea (both Koreas)";
the Japanese names are :data:`analysis.metadata.COUNTRIES`."""

STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "permanent_resident": "Permanent residents 永住者",
        "special_permanent_resident": "Special permanent residents 特別永住者",
        "technical_intern_training": "Technical intern trainees 技能実習",
        "student": "Students 留学",
        "engineer_humanities_intl": "Engineers, specialists 技術・人文知識・国際業務",
        "long_term_resident": "Long-term residents 定住者",
        "spouse_of_japanese": "Spouses, children of Japanese 日本人の配偶者等",
        "spouse_of_permanent_resident": "Spouses, children of permanent residents 永住者の配偶者等",
        "dependent": "Family dependents 家族滞在",
        "specified_skilled_worker": "Specified skilled workers 特定技能",
        "highly_skilled_professional": "Highly skilled professionals 高度専門職",
        "designated_activities": "Designated activities 特定活動",
        "trainee": "Trainees 研修",
    }
)
"""Reader-facing names of the statuses of residence: English, then the ministry's term
(:data:`analysis.metadata.STATUSES_OF_RESIDENCE` explains each)."""

STATUS_SHORT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "permanent_resident": "Permanent residents 永住者",
        "special_permanent_resident": "Special perm. 特別永住者",
        "technical_intern_training": "Technical interns 技能実習",
        "student": "Students 留学",
        "engineer_humanities_intl": "Engineers, specialists 技人国",
        "long_term_resident": "Long-term residents 定住者",
        "spouse_of_japanese": "Spouses of Japanese 日本人の配偶者等",
        "spouse_of_permanent_resident": "Spouses of permanent residents 永住者の配偶者等",
        "dependent": "Family dependents 家族滞在",
        "specified_skilled_worker": "Skilled workers 特定技能",
        "highly_skilled_professional": "Highly skilled 高度専門職",
        "designated_activities": "Designated activities 特定活動",
        "trainee": "Trainees 研修",
    }
)
"""Shorter names of the same statuses, for chart panels and bars read on a phone (the
main statuses fit the title of a small-multiples panel, 2 per row at 560 px; 技人国 is
the usual short form of 技術・人文知識・国際業務)."""


def label_keys(keys: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """Name each key for readers; a key without a label is an error, never a blank.

    Parameters
    ----------
    keys : iterable of str
        Nationality or status keys, e.g. the ``key`` column of
        :func:`analysis.composition.contributions`; its remainder row
        (:data:`analysis.composition.OTHER`) needs a label too, which says what it holds.
    labels : mapping
        Key -> label, e.g. ``{**NATIONALITY_LABELS, "Other": "All other nationalities"}``.

    Returns
    -------
    list of str
        The labels, in the order of ``keys``.

    Raises
    ------
    KeyError
        Naming the keys that have no label.
    """
    keys = list(keys)
    missing = sorted({k for k in keys if k not in labels})
    if missing:
        raise KeyError(f"no label for key(s) {missing}; add them to the labels")
    return [labels[k] for k in keys]


# --------------------------------------------------------------------------- forecasts


class _Forecast(Protocol):
    """A forecast result (:class:`analysis.models.ForecastResult`)."""

    def summary_frame(self) -> pd.DataFrame:
        """Forecast by year: ``mean`` and the interval bounds."""


_FORECAST_COLUMNS = ("mean", "lower_80", "upper_80", "lower_95", "upper_95")


def forecasts_at(results: Mapping[str, _Forecast], year: int) -> pd.DataFrame:
    """Set several forecasts of one series side by side at one target year.

    Parameters
    ----------
    results : mapping of str to ForecastResult
        Name -> forecast (:func:`analysis.models.forecast`), e.g. ``{"Trend": drift,
        "No change": naive}``; each must reach ``year`` and have 80 % and 95 % intervals.
    year : int
        The target year, e.g. 2030.

    Returns
    -------
    pandas.DataFrame
        One row per forecast, indexed by name (``forecast``), in the order given:
        ``mean`` (point forecast; the median on a log scale), ``lower_80``,
        ``upper_80``, ``lower_95``, ``upper_95`` (series units).

    Raises
    ------
    ValueError
        If a forecast does not cover ``year`` or lacks an interval column (naming it).
    """
    rows = {}
    for name, result in results.items():
        frame = result.summary_frame()
        missing = [c for c in _FORECAST_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"forecast {name!r} lacks columns {missing}")
        if year not in frame.index:
            raise ValueError(
                f"forecast {name!r} covers {frame.index.min()}-{frame.index.max()}, not {year}"
            )
        rows[name] = frame.loc[year, list(_FORECAST_COLUMNS)]
    out = pd.DataFrame(rows).T.astype("float64")
    out.index.name = "forecast"
    return out


def hindsight_table(
    results: Mapping[str, _Forecast], actual: pd.Series, year: int
) -> pd.DataFrame:
    """Score forecasts made in the past against what was counted in one target year.

    Parameters
    ----------
    results : mapping of str to ForecastResult
        Name -> forecast made from an earlier vantage point (e.g. data to 2012).
    actual : pandas.Series
        The observed series by year (same unit as the forecasts).
    year : int
        The target year (e.g. 2024); it must be forecast and observed.

    Returns
    -------
    pandas.DataFrame
        :func:`forecasts_at` plus ``actual`` (the count in ``year``), ``ratio``
        (``actual / mean``: 2.0 means the outcome was twice the forecast), ``in_80``
        and ``in_95`` (bool: the outcome fell inside the interval, ends included).

    Raises
    ------
    ValueError
        If ``year`` was not observed (or as in :func:`forecasts_at`).
    """
    if year not in actual.index or pd.isna(actual.loc[year]):
        raise ValueError(f"no observed value in {year} to score the forecasts against")
    out = forecasts_at(results, year)
    out["actual"] = float(actual.loc[year])
    out["ratio"] = out["actual"] / out["mean"]
    out["in_80"] = out["actual"].between(out["lower_80"], out["upper_80"])
    out["in_95"] = out["actual"].between(out["lower_95"], out["upper_95"])
    return out
