"""Compact fact tables of the figures a report section prints.

Some sections of the report (NGOs, local governments) give a handful of one-off counts
and no series. :func:`fact_table` lists them from :func:`analysis.data.report_figures`
with an English unit and a plain statement of what kind of number each is (exact, a
lower bound, a range, person-times), so a notebook can show and assert them without
re-typing any value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import data, metadata, printed

UNITS_EN: dict[str, str] = {
    "人": "persons",
    "か国": "countries",
    "地域": "regions",
    "件": "items",
    "団体": "organisations",
    "事業": "programmes",
    "回": "times",
    "県": "prefectures",
    "分野": "fields",
    "職種": "job types",
    "歳": "years of age",
    "倍": "ratio",
    "か月": "months",
    "日": "days",
    "円": "yen",
}
"""English name of each counter as :mod:`analysis.japanese` canonicalises it."""

UNIT_WITHOUT_COUNTER: dict[str, str] = {
    "ngos_in_cooperation": "NGOs",
    "ngo_grant_ngos": "NGOs",
    "jpf_ngos": "NGOs",
}
"""Figures printed without a counter whose unit the sentence names (日本のNGOは、400以上;
日本の48のNGO; 37のNGO)."""

FACT_COLUMNS = [
    "figure_id", "subject", "period", "as_printed", "value", "high", "unit", "kind",
    "reads_as", "line",
]


def unit_en(figure_id: str, counter: object) -> str:
    """Name the unit of a printed figure in English, with its counter.

    Parameters
    ----------
    figure_id : str
        The figure (used only when no counter is printed).
    counter : str or None/NaN
        The counter as canonicalised by :func:`analysis.japanese.parse_number`.

    Returns
    -------
    str
        E.g. ``"organisations (団体)"``; ``"NGOs"`` for the bare numbers listed in
        :data:`UNIT_WITHOUT_COUNTER`; ``"(no counter printed)"`` otherwise.

    Raises
    ------
    KeyError
        If the counter has no English name in :data:`UNITS_EN`.
    """
    if isinstance(counter, str) and counter:
        if counter not in UNITS_EN:
            raise KeyError(f"counter {counter!r} of {figure_id!r} has no entry in UNITS_EN")
        return f"{UNITS_EN[counter]} ({counter})"
    return UNIT_WITHOUT_COUNTER.get(figure_id, "(no counter printed)")


def fact_table(
    section: str,
    *,
    figures: pd.DataFrame | None = None,
    include_table_cells: bool = False,
) -> pd.DataFrame:
    """List the figures one section of the report prints, in reading order.

    Parameters
    ----------
    section : str
        A section code of :data:`analysis.metadata.SECTIONS` (``"ngo"``, ``"local"`` …).
    figures : DataFrame, optional
        Report figures (default: :func:`analysis.data.report_figures`).
    include_table_cells : bool
        Keep table cells (the ``total``/``parenthetical`` rows of the prefecture table).

    Returns
    -------
    DataFrame
        One row per figure, ordered by line: ``figure_id``, ``subject``, ``period``,
        ``as_printed``, ``value`` (float64, in ``unit``), ``high`` (float64, NaN unless a
        range), ``unit`` (English, with the counter as printed), ``kind`` (see
        :func:`analysis.printed.figure_kind`), ``reads_as`` (``"≥ 400"``, ``"20–39"``, ``"48"``) and
        ``line`` (1-based line of the report text).

    Raises
    ------
    ValueError
        If the section is unknown (the message lists the known ones).
    """
    if section not in metadata.SECTIONS:
        raise ValueError(f"unknown section {section!r}; known: {', '.join(metadata.SECTIONS)}")
    figures = data.report_figures() if figures is None else figures
    out = figures[figures["section"] == section]
    if not include_table_cells:
        out = out[out["component"].fillna("") == ""]
    out = out.sort_values(["line", "figure_id"], kind="stable").copy()
    out["unit"] = pd.Series(
        [
            unit_en(fid, counter)
            for fid, counter in zip(out["figure_id"], out["unit_as_printed"], strict=True)
        ],
        index=out.index,
        dtype="str",
    )
    parsed = [
        data.parse_figure(text, component)
        for text, component in zip(out["as_printed"], out["component"], strict=True)
    ]
    out["kind"] = pd.Series([printed.figure_kind(p) for p in parsed], index=out.index, dtype="str")
    out["reads_as"] = pd.Series([printed.reads_as(p) for p in parsed], index=out.index, dtype="str")
    return out[FACT_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- NGO grants

"""How a row's note records the counts the source prints beside the projects
("FY2017 (2017年度): 62 Japanese NGOs, 35 countries and 1 region.")."""

NGO_GRANT_COLUMNS = [
    "period", "period_kind", "year", "fiscal_year", "period_year", "projects", "amount_jpy",
    "amount_per_project_jpy", "amount_as_printed", "amount_value_type", "ngos", "countries",
    "regions", "source_url",
]  # fmt: skip


def ngo_grants(
    *,
    figures: pd.DataFrame | None = None,
    projects: pd.DataFrame | None = None,
    amounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Set the report's NGO-grant figures for 2012 beside MOFA's later fiscal-year counts.

    The report counts Grant Assistance for Japanese NGO Projects (日本NGO連携無償資金協力)
    for 2012 as of 31 December (2012年（12月末現在）); MOFA's later figures are per fiscal
    year (年度, April to March). The periods differ, so the rows sit side by side and are
    never joined into one series.

    Parameters
    ----------
    figures : pandas.DataFrame, optional
        Report figures (default :func:`analysis.data.report_figures`).
    projects, amounts : pandas.DataFrame, optional
        Rows of ``ngo_grant_projects`` and ``ngo_grant_amount_jpy`` (default
        :func:`analysis.data.load` of each).

    Returns
    -------
    pandas.DataFrame
        One row per period, the report's first, then fiscal years in order: ``period``
        (label), ``period_kind``, ``year`` (Int64, the report's calendar year; NA for fiscal
        years), ``fiscal_year`` (Int64; NA for the report), ``period_year`` (int64: the
        year a period is named after, 2012 for the report and the first year of a fiscal
        year -- for a chart axis, not for joining the rows), ``projects`` (projects),
        ``amount_jpy`` (yen; NaN where not printed), ``amount_per_project_jpy`` (yen per
        project, average), ``amount_as_printed``, ``amount_value_type`` (``rounded``: the
        amount was printed as 約…億円), ``ngos``, ``countries``, ``regions`` (counts; for
        fiscal years ``ngo_grant_ngos``, ``ngo_grant_countries``, ``ngo_grant_regions``;
        NaN where not printed) and ``source_url`` (empty for the report).

    Raises
    ------
    ValueError
        If a fiscal year has projects but no amount, or the reverse.
    """
    figures = data.report_figures() if figures is None else figures
    projects = data.load("ngo_grant_projects") if projects is None else projects
    amounts = data.load("ngo_grant_amount_jpy") if amounts is None else amounts
    value = figures.set_index("figure_id")["value"]
    report = {
        "period": "2012, as of 31 December (report)",
        "period_kind": "calendar year, as of 31 December",
        "year": 2012,
        "fiscal_year": pd.NA,
        "projects": value["ngo_grant_projects"],
        "amount_jpy": np.nan,
        "amount_as_printed": "",
        "amount_value_type": "",
        "ngos": value["ngo_grant_ngos"],
        "countries": value["ngo_grant_countries"],
        "regions": value["ngo_grant_regions"],
        "source_url": "",
    }
    counts = {
        (key, int(fy)): float(value)
        for key in ("ngos", "countries", "regions")
        for fy, value in data.series(f"ngo_grant_{key}").items()
    }
    by_year = projects.set_index("fiscal_year")
    money = amounts.set_index("fiscal_year")
    if set(by_year.index) != set(money.index):
        raise ValueError(
            f"ngo grants: projects for fiscal years {sorted(by_year.index)} but amounts for "
            f"{sorted(money.index)}"
        )
    rows = [report]
    for fy in sorted(by_year.index):
        rows.append(
            {
                "period": f"FY{fy} (April {fy} – March {fy + 1})",
                "period_kind": "fiscal year (April–March)",
                "year": pd.NA,
                "fiscal_year": int(fy),
                "projects": float(by_year.loc[fy, "value"]),
                "amount_jpy": float(money.loc[fy, "value"]),
                "amount_as_printed": str(money.loc[fy, "as_printed"]),
                "amount_value_type": str(money.loc[fy, "value_type"]),
                **{key: counts.get((key, fy), np.nan) for key in ("ngos", "countries", "regions")},
                "source_url": str(by_year.loc[fy, "source_url"]),
            }
        )
    out = pd.DataFrame(rows)
    out["amount_per_project_jpy"] = out["amount_jpy"] / out["projects"]
    out = out.astype({"year": "Int64", "fiscal_year": "Int64"})
    out["period_year"] = out["year"].fillna(out["fiscal_year"]).astype("int64")
    numeric = ("projects", "amount_jpy", "ngos", "countries", "regions")
    return out.astype(dict.fromkeys(numeric, "float64"))[NGO_GRANT_COLUMNS]


JPF_COLUMNS = ["year", "reference_date", "ngos", "as_printed", "source"]


def jpf_members(
    *, figures: pd.DataFrame | None = None, rows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """List every count of Japan Platform's member NGOs the data hold, the report's included.

    Parameters
    ----------
    figures : pandas.DataFrame, optional
        Report figures (default :func:`analysis.data.report_figures`): ``jpf_ngos``, as of
        31 December 2012.
    rows : pandas.DataFrame, optional
        Rows of ``jpf_member_ngos`` (default :func:`analysis.data.load`).

    Returns
    -------
    pandas.DataFrame
        One row per count, by date: ``year`` (int64), ``reference_date`` (``YYYY-MM-DD``),
        ``ngos`` (float64, member NGOs), ``as_printed``, ``source`` (the row's
        ``source_url``, or ``"report"``). Years without a count are absent.
    """
    figures = data.report_figures() if figures is None else figures
    rows = data.load("jpf_member_ngos") if rows is None else rows
    report = figures.set_index("figure_id").loc["jpf_ngos"]
    out = pd.DataFrame(
        {
            "year": [*rows["year"].astype("int64"), 2012],
            "reference_date": [*rows["reference_date"].astype(str), str(report["period"])],
            "ngos": [*rows["value"].astype("float64"), float(report["value"])],
            "as_printed": [*rows["as_printed"].astype(str), str(report["as_printed"])],
            "source": [*rows["source_url"].astype(str), "report"],
        }
    )
    return out.sort_values("reference_date", kind="stable").reset_index(drop=True)[JPF_COLUMNS]
