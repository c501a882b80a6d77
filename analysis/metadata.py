"""Metadata: every table, column and indicator described once, with units and sources.

This module is the single place where columns are documented (unit, dtype, meaning).
``data/datapackage.json`` -- a Frictionless Data Package descriptor -- is generated
from it by :func:`datapackage` (``make datapackage``), and a test checks that the
committed file is current and that every column a loader returns is described here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPORT_TITLE = "外交青書2013（平成25年版）第4章第1節 世界とのつながりを深める日本社会と日本人"
REPORT_TITLE_EN = (
    "Diplomatic Bluebook 2013, Chapter 4, Section 1: "
    "Japanese society and Japanese people deepening ties with the world"
)
REPORT_PUBLISHER = "外務省 (Ministry of Foreign Affairs of Japan)"
REPORT_URL = "https://www.mofa.go.jp/mofaj/gaiko/bluebook/2013/html/01.html"
REPORT_NOTE = (
    "Text extracted from the PDF edition (page 225 holds the prefecture table). The address is "
    "the HTML edition's opening page (foreword); the section's own page address was not "
    "verified, so cite the edition, chapter and section."
)
REPORT_LICENCE = (
    "MOFA website terms of use (compatible with the Government of Japan Standard Terms of "
    "Use 2.0 / CC BY 4.0): reuse with attribution"
)

BASES: dict[str, str] = {
    "report": "Printed in the Diplomatic Bluebook 2013 section itself.",
    "moj_entrants": (
        "Ministry of Justice immigration statistics: foreign nationals entering Japan "
        "(新規入国者 + 再入国者; excludes US-forces SOFA personnel)."
    ),
    "moj_new_entrants": "Ministry of Justice: foreign entrants excluding re-entrants (新規入国者).",
    "jnto_visitor_arrivals": (
        "JNTO visitor arrivals (訪日外客数): excludes foreign residents re-entering, includes "
        "transit passengers and, from 2015, cruise passengers. A different concept from MOJ "
        "entrants: never splice the two."
    ),
    "alien_registration": (
        "Alien registration statistics (外国人登録者数), 31 December; the system ended on "
        "9 July 2012, so the series stops at end-2011."
    ),
    "residence_statistics": (
        "Residence statistics (在留外国人数 = 中長期在留者 + 特別永住者), 31 December, from 2012."
    ),
    "residence_statistics_restated": (
        "The ministry's restatement of 2008-2011 registration data on the 在留外国人 basis "
        "(registered foreigners less short-term stays etc.)."
    ),
    "census": "Population census (国勢調査), 1 October.",
    "population_estimate": "Statistics Bureau population estimate (人口推計), 1 October.",
    "mofa_visa_statistics": (
        "MOFA visa issuance statistics (ビザ発給統計), all missions, calendar year."
    ),
    "mofa_protocol": "MOFA count of foreign embassies in Tokyo.",
    "mofa_recognition": "Number of states recognised by Japan (Japan itself excluded).",
    "mofa_visa_exemption": "Countries and regions covered by Japan's visa exemption measures.",
    "jica_volunteers": (
        "JICA volunteer programme statistics (JOCV: 青年海外協力隊, SV: シニア海外ボランティア)."
    ),
}
"""Meaning of every value of the ``basis`` column."""


@dataclass(frozen=True)
class Indicator:
    """Catalogue entry of one indicator of :func:`analysis.data.load`."""

    name: str
    description: str
    unit: str
    caveats: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "foreign_entrants",
        "Foreign nationals entering Japan in the calendar year (MOJ 外国人入国者数).",
        "persons",
        "Includes re-entrants. The report's 約714万人 (2011), 944万人 (2010) and 約527万人 "
        "(2000) are this series. Not JNTO visitor arrivals.",
    ),
    Indicator(
        "foreign_new_entrants",
        "Foreign nationals entering Japan, excluding re-entrants (MOJ 新規入国者数).",
        "persons",
        "2021 is a rounded preliminary figure only.",
    ),
    Indicator(
        "visitor_arrivals",
        "Visitor arrivals to Japan (JNTO 訪日外客数).",
        "persons",
        "Different concept from MOJ entrants. 1990-2000 come from secondary compilations of "
        "JNTO data; 2021-2024 are JNTO estimates (推計値).",
    ),
    Indicator(
        "registered_foreigners",
        "Registered foreign residents at 31 December (外国人登録者数).",
        "persons",
        "Alien registration ended on 9 July 2012: no value after 2011. Years before 2003 "
        "have gaps (1986-87, 1991-92, 1996, 2002 were not found).",
    ),
    Indicator(
        "registered_foreigners_share_pct",
        "Registered foreigners as a share of Japan's total population, as printed by MOJ.",
        "percent",
        "The ministry's denominator changed between years (census, 1 October estimate, "
        "1 January estimate); kept as printed, never recomputed.",
    ),
    Indicator(
        "resident_foreigners",
        "Foreign residents at 31 December (在留外国人数: mid-to-long-term + special permanent).",
        "persons",
        "From 2012; 2008-2011 are the ministry's restatement on the new basis. Lower than "
        "registered foreigners for the same year (2011: 2,047,349 vs 2,078,508): do not "
        "splice the two without a level-shift term.",
    ),
    Indicator(
        "resident_foreigners_share_pct",
        "Resident foreigners as a share of the total population, as printed.",
        "percent",
        "Only three years printed in the sources read.",
    ),
    Indicator(
        "japan_population",
        "Total population of Japan on 1 October (census years: census; others: estimate).",
        "persons",
        "Estimates are published in thousands (value_type 'rounded'); vintages differ "
        "(pre-census estimates are not revised here).",
    ),
    Indicator(
        "prefecture_population_2010",
        "2010 census population by prefecture (key = pref_code).",
        "persons",
        "Only 11 of 47 prefectures were found in a readable source; the rest are gaps.",
    ),
    Indicator(
        "visa_issuance",
        "Visas issued by all Japanese missions in the calendar year (ビザ発給数).",
        "visas",
        "Known for 2009-2024 and a few 1970s-80s points; 1985-2008 are gaps. Issuance falls "
        "when visa waivers widen (e.g. Thailand and Malaysia, July 2013), so it is not a "
        "demand indicator on its own.",
    ),
    Indicator(
        "visa_issuance_by_country",
        "Visas issued to nationals of one country (key = country, English).",
        "visas",
        "Only the countries and years that press releases listed; several 2018 and 2023 "
        "values are rounded.",
    ),
    Indicator(
        "embassies_in_tokyo",
        "Foreign embassies in Tokyo (駐日大使館数).",
        "embassies",
        "1980-2012 from the report's table; later years from MOFA and Minato City. MOFA's "
        "155 (2017) and 157 (2022-23) include the EU Delegation; whether the report's 152 "
        "does is not stated.",
    ),
    Indicator(
        "recognised_states",
        "States recognised by Japan, excluding Japan.",
        "states",
        "194 until May 2015, then 195 (Niue). The 2015 value is derived from a print of "
        "'196 including Japan'.",
    ),
    Indicator(
        "visa_exempt_countries",
        "Countries and regions whose nationals need no visa for short stays.",
        "countries_and_regions",
        "1972 and 1974 count bilateral exemption agreements only (narrower definition).",
    ),
    Indicator(
        "jocv_cumulative",
        "JOCV volunteers dispatched since 1965, cumulative (stock at reference_date).",
        "persons",
        "Mixed reference dates (end of year, end of fiscal year, mid-year); some values are "
        "lower bounds (value_type 'lower_bound'). 2012 is the report's 37,532.",
    ),
    Indicator(
        "sv_cumulative",
        "Senior Volunteers dispatched since 1990, cumulative.",
        "persons",
        "2012 is the report's 5,011 (end-December), which supersedes a secondary source's "
        "4,982 (end-September 2012). Several values are lower bounds.",
    ),
    Indicator(
        "jocv_cumulative_countries",
        "Countries to which JOCV volunteers have been dispatched, cumulative.",
        "countries",
        "2012 is the report's 88.",
    ),
    Indicator(
        "sv_cumulative_countries",
        "Countries to which Senior Volunteers have been dispatched, cumulative.",
        "countries",
        "2012 is the report's 70 (end-December), which supersedes a secondary source's 69 "
        "(end-September 2012).",
    ),
)


@dataclass(frozen=True)
class Column:
    """Description of one column: name, Frictionless type, unit and meaning."""

    name: str
    type: str
    description: str
    unit: str = ""


_C = Column
COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        _C("indicator", "string", "Indicator name; see analysis.data.indicators()."),
        _C("key", "string", "Sub-series key: pref_code or country (English); empty if none."),
        _C("year", "integer", "Calendar year of the observation (never a fiscal year).", "year"),
        _C(
            "reference_date",
            "string",
            "Date the figure refers to (YYYY-MM-DD or YYYY-MM) where the source states it.",
        ),
        _C("value", "number", "The figure as a number, in the row's unit."),
        _C(
            "unit",
            "string",
            "Unit of value: persons, visas, embassies, states, countries, "
            "countries_and_regions, percent.",
        ),
        _C(
            "value_type",
            "string",
            "exact; rounded (printed rounded, e.g. 約, or in thousands); lower_bound "
            "(the source says 'more than').",
        ),
        _C("basis", "string", "Statistical basis of the figure; see analysis.metadata.BASES."),
        _C(
            "status",
            "string",
            "final, preliminary (速報値/推計値) or derived (with arithmetic in note).",
        ),
        _C("as_printed", "string", "The figure exactly as the source printed it."),
        _C("source_title", "string", "Title of the source document or page."),
        _C("source_url", "string", "Address of the source."),
        _C("note", "string", "Why this row was chosen, and caveats (this project's words)."),
        _C("figure_id", "string", "Stable identifier of a figure printed in the report."),
        _C("section", "string", "Report section code: overview, visas, residents, ngo, "
           "embassies, volunteers, local."),
        _C("section_ja", "string", "Report section heading in Japanese."),
        _C("subject", "string", "What the figure measures (English)."),
        _C("period", "string", "Period or date the figure refers to, as the report states it."),
        _C("line", "integer", "1-based line of data/raw/bluebook2013_ch4_s1.txt where the "
           "figure starts."),
        _C(
            "component",
            "string",
            "For table cells 'N（M）人': total (N, cumulative) or parenthetical (M, in 2012); "
            "empty otherwise.",
        ),
        _C("high", "number", "Upper end of a printed range (2～3 → 3); empty otherwise."),
        _C("unit_as_printed", "string", "Counter or unit as printed (人, 件, か国, 倍, …)."),
        _C(
            "approx",
            "boolean",
            "True when the report marks the figure as approximate (約, 近く, 余り, …).",
        ),
        _C("qualifier", "string", "Qualifier words as printed (約, 以上, 延べ, …)."),
        _C("pref_code", "string", "JIS X 0401 prefecture code '01'-'47'; empty for その他."),
        _C("pref_name_ja", "string", "Prefecture name in Japanese (東京都)."),
        _C("pref_short_ja", "string", "Prefecture name without 都/府/県 (東京; 北海道 whole)."),
        _C("pref_name_en", "string", "Prefecture name in English (Tokyo)."),
        _C("region_en", "string", "One of the eight regions (Hokkaido … Kyushu-Okinawa)."),
        _C("jocv_cumulative_persons", "integer", "JOCV volunteers from the prefecture, "
           "cumulative 1965 to 31 Dec 2012.", "persons"),
        _C("jocv_2012_persons", "integer", "JOCV volunteers from the prefecture dispatched "
           "in 2012.", "persons"),
        _C("sv_cumulative_persons", "integer", "Senior Volunteers from the prefecture, "
           "cumulative 1990 to 31 Dec 2012.", "persons"),
        _C("sv_2012_persons", "integer", "Senior Volunteers from the prefecture dispatched "
           "in 2012.", "persons"),
        _C("jocv_as_printed", "string", "The JOCV cell as printed (1,906（45）人)."),
        _C("sv_as_printed", "string", "The SV cell as printed (219 （9）人)."),
        _C("description", "string", "What the indicator measures."),
        _C("caveats", "string", "What a user must know before using the indicator."),
        _C("first_year", "integer", "First year with a value.", "year"),
        _C("last_year", "integer", "Last year with a value.", "year"),
        _C("n_values", "integer", "Number of rows (years and keys) with a value."),
        _C("bases", "string", "Statistical bases present, ';'-separated."),
    )
}
"""Every column of every table, described once."""

TABLES: dict[str, dict[str, object]] = {
    "official_series": {
        "path": "raw/official_series.csv",
        "title": "Official annual series behind the report, one chosen row per indicator, "
        "key and year",
        "columns": [
            "indicator", "key", "year", "reference_date", "value", "unit", "value_type",
            "basis", "status", "as_printed", "source_title", "source_url", "note",
        ],
        "primaryKey": ["indicator", "key", "year"],
    },
    "report_figures": {
        "path": "raw/report_figures.csv",
        "title": "Every figure printed in the report section: where it is and what it "
        "measures (values are computed from the text by analysis.data.report_figures)",
        "columns": [
            "figure_id", "section", "section_ja", "subject", "period", "line", "as_printed",
            "component",
        ],
        "primaryKey": ["figure_id"],
    },
}
"""The raw tables in ``data/raw/`` and their columns."""


def _field(name: str) -> dict[str, str]:
    col = COLUMNS[name]
    field = {"name": col.name, "type": col.type, "description": col.description}
    if col.unit:
        field["unit"] = col.unit
    return field


def datapackage() -> dict[str, object]:
    """Build the Frictionless Data Package descriptor of ``data/``.

    Returns
    -------
    dict
        JSON-serialisable descriptor with resources, schemas and sources.
    """
    resources = [
        {
            "name": name,
            "path": table["path"],
            "title": table["title"],
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [_field(c) for c in table["columns"]],  # type: ignore[union-attr]
                "primaryKey": table["primaryKey"],
            },
        }
        for name, table in TABLES.items()
    ]
    resources.append(
        {
            "name": "report_text",
            "path": "raw/bluebook2013_ch4_s1.txt",
            "title": REPORT_TITLE,
            "format": "txt",
            "encoding": "utf-8",
            "description": REPORT_NOTE,
            "sources": [{"title": REPORT_TITLE, "path": REPORT_URL}],
            "licenses": [{"title": REPORT_LICENCE}],
        }
    )
    return {
        "name": "bluebook2013-ties",
        "title": REPORT_TITLE_EN,
        "description": (
            "Figures printed in the Diplomatic Bluebook 2013, ch. 4 sec. 1, and the official "
            "annual series behind them. Each official row names its source URL and the figure "
            "as printed; see the indicators' caveats in analysis.metadata."
        ),
        "licenses": [
            {"title": "Code: MIT. Data: as licensed by each source (see source_url)."}
        ],
        "sources": [
            {"title": REPORT_TITLE, "path": REPORT_URL, "publisher": REPORT_PUBLISHER}
        ],
        "resources": resources,
        "bases": BASES,
        "indicators": [
            {"name": i.name, "description": i.description, "unit": i.unit, "caveats": i.caveats}
            for i in INDICATORS
        ],
    }


def export_datapackage(tables: dict[str, list[str]]) -> dict[str, object]:
    """Describe exported tidy tables (``<name>.csv`` with the given columns).

    Parameters
    ----------
    tables : dict of str to list of str
        Table name to its columns, in file order.

    Returns
    -------
    dict
        A Frictionless Data Package descriptor; every field comes from :data:`COLUMNS`.

    Raises
    ------
    KeyError
        If a column is not described in :data:`COLUMNS` (the message names it).
    """
    for name, columns in tables.items():
        missing = [c for c in columns if c not in COLUMNS]
        if missing:
            raise KeyError(f"table {name!r}: columns {missing} are not described in COLUMNS")
    base = datapackage()
    return {
        "name": f"{base['name']}-tidy",
        "title": base["title"],
        "description": "Tidy tables exported by `python -m analysis data`.",
        "licenses": base["licenses"],
        "sources": base["sources"],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {"fields": [_field(c) for c in columns]},
            }
            for name, columns in tables.items()
        ],
        "bases": base["bases"],
        "indicators": base["indicators"],
    }


def write_export_datapackage(path: Path, tables: dict[str, list[str]]) -> None:
    """Write :func:`export_datapackage` for ``tables`` to ``path`` (UTF-8 JSON)."""
    text = json.dumps(export_datapackage(tables), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def write_datapackage(path: Path) -> None:
    """Write :func:`datapackage` to ``path`` as pretty-printed UTF-8 JSON."""
    text = json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
