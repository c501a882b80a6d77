"""Compact fact tables of the figures a report section prints.

Some sections of the report (NGOs, local governments) give a handful of one-off counts
and no series. :func:`fact_table` lists them from :func:`analysis.data.report_figures`
with an English unit and a plain statement of what kind of number each is (exact, a
lower bound, a range, person-times), so a notebook can show and assert them without
re-typing any value.
"""

from __future__ import annotations

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
