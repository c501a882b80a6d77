"""JICA volunteers by home prefecture: shares, regions, per-capita rates, reconciliation.

Everything here derives from the report's table 出身都道府県別派遣実績
(:func:`analysis.data.volunteers_by_prefecture`): cumulative JOCV (青年海外協力隊,
1965 to 31 Dec 2012) and SV (シニア海外ボランティア, 1990 to 31 Dec 2012) volunteers,
and those dispatched in 2012, by home prefecture, plus a その他 row (no home prefecture).

Conventions:

- National totals include the その他 row, as the report's totals (JOCV 37,532;
  SV 5,011) do, so prefecture shares of the national total add up to 100 % with it.
- Rankings cover the 47 prefectures only (1 = largest; ties share the better rank).
- Per-capita rates divide a *cumulative* count (1965-2012 or 1990-2012) by the 2010
  census population (``data.load("prefecture_population")``, year 2010): volunteers sent
  over the programme's life per 100,000 inhabitants of 2010, not an annual rate. The
  population of a prefecture missing from the data would stay NaN and carry
  :data:`NO_POPULATION_REASON` -- they are never filled.

Each function takes its input tables as optional arguments (default: the project's data),
so tests can pass small frames.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis import composition, data
from analysis.prefectures import REGIONS_EN

PER_CAPITA_BASE = 100_000
"""Inhabitants per rate unit: rates are volunteers per 100,000 inhabitants."""

COUNT_COLUMNS: tuple[str, ...] = (
    "jocv_cumulative_persons",
    "jocv_2012_persons",
    "sv_cumulative_persons",
    "sv_2012_persons",
)
"""The four count columns of the report's table (persons)."""

REPORT_TOTAL_FIGURES: dict[str, str | None] = {
    "jocv_cumulative_persons": "jocv_cumulative",
    "jocv_2012_persons": None,
    "sv_cumulative_persons": "sv_cumulative",
    "sv_2012_persons": None,
}
"""Report figure that states each column's national total (None: no total is printed)."""

REGION_JA: dict[str, str] = {
    "Hokkaido": "北海道",
    "Tohoku": "東北",
    "Kanto": "関東",
    "Chubu": "中部",
    "Kinki": "近畿",
    "Chugoku": "中国",
    "Shikoku": "四国",
    "Kyushu-Okinawa": "九州・沖縄",
}
"""Japanese names of the eight regions of :data:`analysis.prefectures.REGIONS_EN`."""

OTHER_REGION = "Other"
"""``region_en`` given to the table's その他 row (volunteers with no home prefecture)."""

CENSUS_YEAR = 2010
"""Census whose population divides the cumulative counts (the one closest to end-2012)."""

NO_POPULATION_REASON = "no 2010 census population for this prefecture in the data"
"""Why a prefecture's per-capita rate is NaN."""

PROGRAMMES: dict[str, str] = {
    "jocv_cumulative": "JOCV 青年海外協力隊",
    "sv_cumulative": "SV シニア海外ボランティア",
}
"""Indicator of each programme's cumulative count → label used in long tables and charts."""

REPORT_POINT_LABEL = "外交青書2013 (31 Dec 2012)"
"""Legend label of the report's own end-2012 counts in :func:`mark_report_points`."""

ALL_COUNTS_LABEL = "Exact counts, all sources"
"""Legend label of the full line of exact counts in :func:`mark_report_points`."""



def _table(df: pd.DataFrame | None) -> pd.DataFrame:
    return data.volunteers_by_prefecture() if df is None else df.copy()


def _is_other(df: pd.DataFrame) -> pd.Series:
    return df["pref_code"].fillna("").eq("")


def national_totals(df: pd.DataFrame | None = None) -> pd.Series:
    """Sum each count column over all rows, その他 included.

    Parameters
    ----------
    df : DataFrame, optional
        A table shaped like :func:`analysis.data.volunteers_by_prefecture` (default: it).

    Returns
    -------
    Series
        int64 totals in persons, indexed by :data:`COUNT_COLUMNS`.
    """
    return _table(df)[list(COUNT_COLUMNS)].sum().astype("int64")


def reconcile_totals(
    df: pd.DataFrame | None = None, figures: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Compare each column's sum with the national total the report prints in its prose.

    Parameters
    ----------
    df : DataFrame, optional
        The prefecture table (default: :func:`analysis.data.volunteers_by_prefecture`).
    figures : DataFrame, optional
        Report figures (default: :func:`analysis.data.report_figures`).

    Returns
    -------
    DataFrame
        One row per count column: ``column``, ``rows`` (rows summed, その他 included),
        ``table_sum_persons`` (int64), ``report_total_persons`` (float64; NaN where the
        report prints no total, i.e. the 2012 columns), ``report_as_printed``,
        ``difference_persons`` (table sum less report total; NaN without a total) and
        ``reconciles`` (boolean; NA without a total).
    """
    df = _table(df)
    figures = data.report_figures() if figures is None else figures
    printed = figures.set_index("figure_id")
    sums = national_totals(df)
    rows = []
    for column, figure_id in REPORT_TOTAL_FIGURES.items():
        total = np.nan if figure_id is None else float(printed.loc[figure_id, "value"])
        as_printed = "" if figure_id is None else str(printed.loc[figure_id, "as_printed"])
        rows.append(
            {
                "column": column,
                "rows": len(df),
                "table_sum_persons": int(sums[column]),
                "report_total_persons": total,
                "report_as_printed": as_printed,
                "difference_persons": sums[column] - total,
                "reconciles": pd.NA if figure_id is None else bool(sums[column] == total),
            }
        )
    out = pd.DataFrame(rows)
    out["reconciles"] = out["reconciles"].astype("boolean")
    return out


def rank_descending(values: pd.Series) -> pd.Series:
    """Rank values from the largest (1) down; ties share the better rank.

    Parameters
    ----------
    values : Series
        Numbers (any unit); NaN stays unranked.

    Returns
    -------
    Series
        Int64 ranks (nullable), same index.
    """
    return values.rank(ascending=False, method="min").astype("Int64")


def prefecture_shares(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the 47 prefectures with shares of the national totals, ranks and SV/JOCV ratios.

    Parameters
    ----------
    df : DataFrame, optional
        The prefecture table incl. その他 (default:
        :func:`analysis.data.volunteers_by_prefecture`); the その他 row counts in the
        national totals but is not returned.

    Returns
    -------
    DataFrame
        47 rows in JIS order: ``pref_code``, ``pref_name_ja``, ``pref_name_en``,
        ``region_en``, ``label`` (``"東京都 Tokyo"``), the four count columns (persons),
        then

        - ``jocv_cumulative_share_pct``, ``jocv_2012_share_pct``,
          ``sv_cumulative_share_pct``, ``sv_2012_share_pct``: percent of the national
          total of that column (その他 included in the denominator);
        - ``jocv_2012_of_cumulative_pct``, ``sv_2012_of_cumulative_pct``: 2012
          dispatches as percent of the cumulative count to end-2012;
        - ``sv_per_100_jocv``: SV per 100 JOCV volunteers, cumulative (persons per
          100 persons);
        - ``jocv_cumulative_rank``, ``sv_cumulative_rank``: Int64, 1 = most volunteers.
    """
    df = _table(df)
    totals = national_totals(df)
    out = df[~_is_other(df)].copy()
    out.insert(4, "label", out["pref_name_ja"] + " " + out["pref_name_en"])
    for column in COUNT_COLUMNS:
        out[column.replace("_persons", "_share_pct")] = 100 * out[column] / totals[column]
    for prog in ("jocv", "sv"):
        out[f"{prog}_2012_of_cumulative_pct"] = (
            100 * out[f"{prog}_2012_persons"] / out[f"{prog}_cumulative_persons"]
        )
    out["sv_per_100_jocv"] = 100 * out["sv_cumulative_persons"] / out["jocv_cumulative_persons"]
    out["jocv_cumulative_rank"] = rank_descending(out["jocv_cumulative_persons"])
    out["sv_cumulative_rank"] = rank_descending(out["sv_cumulative_persons"])
    keep = [
        "pref_code", "pref_name_ja", "pref_name_en", "region_en", "label", *COUNT_COLUMNS,
        "jocv_cumulative_share_pct", "jocv_2012_share_pct", "sv_cumulative_share_pct",
        "sv_2012_share_pct", "jocv_2012_of_cumulative_pct", "sv_2012_of_cumulative_pct",
        "sv_per_100_jocv", "jocv_cumulative_rank", "sv_cumulative_rank",
    ]
    return out[keep].reset_index(drop=True)


def regional_totals(
    df: pd.DataFrame | None = None,
    *,
    include_other: bool = True,
    population: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum the table by region (the eight regions of :mod:`analysis.prefectures`).

    Parameters
    ----------
    df : DataFrame, optional
        The prefecture table incl. その他 (default:
        :func:`analysis.data.volunteers_by_prefecture`).
    include_other : bool
        Add a last row :data:`OTHER_REGION` for その他, so that the rows sum to the
        national totals.
    population : DataFrame, optional
        As in :func:`per_capita` (default: the 2010 census of every prefecture).

    Returns
    -------
    DataFrame
        One row per region, north to south: ``region_en``, ``region_ja``, ``label``
        (``"関東 Kanto"``), ``prefectures`` (count), the four count columns (persons),
        their shares of the national totals (``*_share_pct``, percent; その他 in the
        denominator whether or not its row is shown), ``sv_per_100_jocv``,
        ``population_2010_persons`` and ``population_share_pct`` (the region's share of
        Japan's 2010 census population, to read a count share against),
        ``jocv_cumulative_per_100k``, ``sv_cumulative_per_100k`` (cumulative volunteers
        per 100,000 inhabitants of 2010) and ``jocv_2012_per_100k``,
        ``sv_2012_per_100k`` (volunteers sent in 2012 alone, per 100,000 inhabitants of
        2010: a check on the cumulative rates that does not divide fifty years of
        dispatches by one year's population). その他 has no population: NaN.
    """
    df = _table(df)
    totals = national_totals(df)
    regions = df.assign(region_en=df["region_en"].where(~_is_other(df), OTHER_REGION))
    order = [*REGIONS_EN, OTHER_REGION] if include_other else list(REGIONS_EN)
    grouped = regions.groupby("region_en", sort=False)
    out = grouped[list(COUNT_COLUMNS)].sum().reindex(order, fill_value=0)
    prefecture_rows = regions[~_is_other(regions)].groupby("region_en")["pref_code"].size()
    out.insert(0, "prefectures", prefecture_rows.reindex(order, fill_value=0))
    out = out.reset_index()
    out.insert(1, "region_ja", out["region_en"].map({**REGION_JA, OTHER_REGION: "その他"}))
    out.insert(2, "label", out["region_ja"] + " " + out["region_en"])
    for column in COUNT_COLUMNS:
        out[column.replace("_persons", "_share_pct")] = 100 * out[column] / totals[column]
    out["sv_per_100_jocv"] = 100 * out["sv_cumulative_persons"] / out["jocv_cumulative_persons"]
    census = _census(population)
    region_of = df.loc[~_is_other(df)].set_index("pref_code")["region_en"]
    people = census.groupby(region_of.reindex(census.index)).sum()
    out["population_2010_persons"] = out["region_en"].map(people).astype("float64")
    out["population_share_pct"] = 100 * out["population_2010_persons"] / census.sum()
    for prog in ("jocv", "sv"):
        for period in ("cumulative", "2012"):
            out[f"{prog}_{period}_per_100k"] = (
                out[f"{prog}_{period}_persons"] / out["population_2010_persons"] * PER_CAPITA_BASE
            )
    return out.astype({"prefectures": "int64", **dict.fromkeys(COUNT_COLUMNS, "int64")})


def _census(population: pd.DataFrame | None) -> pd.Series:
    """2010 census population by pref_code, from a ``data.load``-shaped table."""
    population = data.load("prefecture_population") if population is None else population
    pop = population[population["year"] == CENSUS_YEAR]
    return pd.Series(pop["value"].to_numpy(), index=pop["key"].to_numpy(), name="population")


def per_capita(
    df: pd.DataFrame | None = None, population: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Compute cumulative volunteers per 100,000 inhabitants (2010 census), by prefecture.

    Parameters
    ----------
    df : DataFrame, optional
        The prefecture table (default: :func:`analysis.data.volunteers_by_prefecture`);
        その他 is dropped (it has no population).
    population : DataFrame, optional
        ``data.load("prefecture_population")``-shaped: ``key`` (pref_code), ``year``,
        ``value`` (persons), ``source_url`` (default: that table); the rows of
        :data:`CENSUS_YEAR` are used.

    Returns
    -------
    DataFrame
        47 rows in JIS order: ``pref_code``, ``pref_name_ja``, ``pref_name_en``,
        ``region_en``, ``label``, ``jocv_cumulative_persons``, ``sv_cumulative_persons``,
        ``population_2010_persons`` (float64, NaN if unknown),
        ``jocv_cumulative_per_100k`` and ``sv_cumulative_per_100k`` (volunteers,
        cumulative to end-2012, per 100,000 inhabitants of 2010; NaN if the population
        is unknown), ``jocv_per_100k_rank`` and ``sv_per_100k_rank`` (Int64 among the
        known, 1 = highest), ``population_source_url`` and ``per_capita_note``
        (:data:`NO_POPULATION_REASON` where NaN, else ``""``).

    Raises
    ------
    ValueError
        If the population table repeats a prefecture or names an unknown code
        (:func:`analysis.composition.per_head`).
    """
    df = _table(df)
    out = df[~_is_other(df)].copy().set_index("pref_code", drop=False)
    census = _census(population)
    urls = (data.load("prefecture_population") if population is None else population)
    urls = urls[urls["year"] == CENSUS_YEAR].set_index("key")["source_url"]
    out["label"] = out["pref_name_ja"] + " " + out["pref_name_en"]
    for prog in ("jocv", "sv"):
        rates = composition.per_head(
            out[f"{prog}_cumulative_persons"], census, per=PER_CAPITA_BASE
        )
        out["population_2010_persons"] = rates["population"]
        out[f"{prog}_cumulative_per_100k"] = rates["rate"]
        out[f"{prog}_per_100k_rank"] = rates["rank"]
    out["population_source_url"] = urls.reindex(out.index).fillna("")
    out["per_capita_note"] = np.where(
        out["population_2010_persons"].isna(), NO_POPULATION_REASON, ""
    )
    keep = [
        "pref_code", "pref_name_ja", "pref_name_en", "region_en", "label",
        "jocv_cumulative_persons", "sv_cumulative_persons", "population_2010_persons",
        "jocv_cumulative_per_100k", "sv_cumulative_per_100k", "jocv_per_100k_rank",
        "sv_per_100k_rank", "population_source_url", "per_capita_note",
    ]  # fmt: skip
    return out[keep].reset_index(drop=True)


def national_per_capita(
    df: pd.DataFrame | None = None, population: pd.Series | None = None
) -> pd.Series:
    """Compute Japan-wide cumulative volunteers per 100,000 inhabitants (2010 census).

    Parameters
    ----------
    df : DataFrame, optional
        The prefecture table incl. その他 (default:
        :func:`analysis.data.volunteers_by_prefecture`).
    population : Series, optional
        Japan's population by year, persons (default: ``data.series("japan_population")``);
        its 2010 value (the census of 1 October 2010) is used.

    Returns
    -------
    Series
        float64 ``jocv_cumulative_per_100k`` and ``sv_cumulative_per_100k`` (volunteers
        sent to end-2012 per 100,000 inhabitants of 2010), then ``jocv_2012_per_100k`` and
        ``sv_2012_per_100k`` (those sent in 2012 alone, same denominator).
    """
    population = data.series("japan_population") if population is None else population
    totals = national_totals(df)
    japan_2010 = float(population.loc[CENSUS_YEAR])
    return pd.Series(
        {
            f"{prog}_{period}_per_100k": totals[f"{prog}_{period}_persons"]
            / japan_2010
            * PER_CAPITA_BASE
            for period in ("cumulative", "2012")
            for prog in ("jocv", "sv")
        },
        dtype="float64",
    )


def cumulative_series(*, include_lower_bounds: bool = True) -> pd.DataFrame:
    """Return JOCV and SV cumulative volunteers dispatched, by year, in one long table.

    Parameters
    ----------
    include_lower_bounds : bool
        Keep rows whose value is only a lower bound ("over 20,000"); their
        ``value_type`` says so.

    Returns
    -------
    DataFrame
        Columns ``programme`` (a :data:`PROGRAMMES` label), ``indicator``, ``year``
        (int64), ``reference_date``, ``value`` (float64, persons), ``value_type``,
        ``basis`` (``report`` for the report's end-2012 figures), ``as_printed``,
        ``source_title``.
    """
    frames = []
    for indicator, label in PROGRAMMES.items():
        df = data.load(indicator)
        frames.append(df.assign(programme=label))
    out = pd.concat(frames, ignore_index=True)
    if not include_lower_bounds:
        out = out[out["value_type"] != "lower_bound"]
    cols = [
        "programme", "indicator", "year", "reference_date", "value", "value_type", "basis",
        "as_printed", "source_title",
    ]
    return out[cols].reset_index(drop=True)


def mark_report_points(series: pd.DataFrame) -> pd.DataFrame:
    """Duplicate the report's own rows so a line chart can mark them in their own colour.

    Parameters
    ----------
    series : DataFrame
        Rows of :func:`cumulative_series` (or :func:`analysis.data.load`) with ``basis``
        and ``value_type``; lower bounds are dropped (they are not counts).

    Returns
    -------
    DataFrame
        The exact rows with ``shown_as`` = :data:`ALL_COUNTS_LABEL` (one continuous
        line), followed by the rows whose ``basis`` is ``report`` again with ``shown_as``
        = :data:`REPORT_POINT_LABEL`; use ``hue="shown_as"``.
    """
    exact = series[series["value_type"] != "lower_bound"]
    line = exact.assign(shown_as=ALL_COUNTS_LABEL)
    report = exact[exact["basis"] == "report"].assign(shown_as=REPORT_POINT_LABEL)
    return pd.concat([line, report], ignore_index=True)


def check_lower_bounds(series: pd.DataFrame) -> pd.DataFrame:
    """Set each lower bound of a cumulative series beside the exact counts around it.

    A cumulative count never falls, so a bound ("passed 30,000 in 2007") is consistent
    when the next exact count (a later year) is at least the bound.

    Parameters
    ----------
    series : DataFrame
        Rows with ``year``, ``value`` (persons), ``value_type``, ``as_printed``: one
        indicator (e.g. ``data.load("jocv_cumulative")``), or several told apart by a
        ``programme`` column (e.g. :func:`cumulative_series`).

    Returns
    -------
    DataFrame
        One row per lower bound: ``programme`` (``""`` without that column), ``year``,
        ``as_printed``, ``bound_persons``, ``previous_year`` / ``previous_persons`` and
        ``next_year`` / ``next_persons`` (nearest exact counts before and after of the
        same programme; NA/NaN if none), and ``consistent`` (boolean; NA when there is
        no later exact count).
    """
    if "programme" not in series.columns:
        series = series.assign(programme="")
    rows = []
    for programme, group in series.groupby("programme", sort=False):
        exact = group[group["value_type"] != "lower_bound"].sort_values("year")
        bounds = group[group["value_type"] == "lower_bound"].sort_values("year")
        for rec in bounds.itertuples():
            before = exact[exact["year"] < rec.year].tail(1)
            after = exact[exact["year"] > rec.year].head(1)
            rows.append(
                {
                    "programme": programme,
                    "year": rec.year,
                    "as_printed": rec.as_printed,
                    "bound_persons": rec.value,
                    "previous_year": before["year"].iloc[0] if len(before) else pd.NA,
                    "previous_persons": before["value"].iloc[0] if len(before) else np.nan,
                    "next_year": after["year"].iloc[0] if len(after) else pd.NA,
                    "next_persons": after["value"].iloc[0] if len(after) else np.nan,
                    "consistent": (
                        bool(after["value"].iloc[0] >= rec.value) if len(after) else pd.NA
                    ),
                }
            )
    columns = [
        "programme", "year", "as_printed", "bound_persons", "previous_year",
        "previous_persons", "next_year", "next_persons", "consistent",
    ]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype(
        {
            "programme": "str",
            "year": "int64",
            "bound_persons": "float64",
            "previous_year": "Int64",
            "previous_persons": "float64",
            "next_year": "Int64",
            "next_persons": "float64",
            "consistent": "boolean",
        }
    )


def annual_increase(series: pd.DataFrame, start_year: int, end_year: int) -> float:
    """Compute the average yearly increase of a cumulative count between two dated counts.

    Parameters
    ----------
    series : DataFrame
        One indicator's rows with ``year``, ``reference_date`` (ISO date) and ``value``
        (persons), e.g. ``data.load("jocv_cumulative")``.
    start_year, end_year : int
        Calendar years of the two observations (their ``year`` column).

    Returns
    -------
    float
        Persons per year: the difference of the two values divided by the days between
        their reference dates over 365.25.

    Raises
    ------
    ValueError
        If either year has no row, more than one row, or no full reference date (a
        span cannot be measured without one), or if the end does not follow the start.
    """
    points = []
    for year in (start_year, end_year):
        rows = series[series["year"] == year]
        if len(rows) != 1:
            raise ValueError(f"expected one row for {year}, found {len(rows)}")
        ref = str(rows["reference_date"].iloc[0] or "")
        try:
            date = dt.date.fromisoformat(ref)
        except ValueError:
            raise ValueError(f"{year}: reference date {ref!r} is not a full date") from None
        points.append((date, float(rows["value"].iloc[0])))
    (start, low), (end, high) = points
    if end <= start:
        raise ValueError(f"the end {end} does not follow the start {start}")
    return (high - low) / ((end - start).days / 365.25)
