"""Metadata: every table, column, allowed value and indicator, declared once.

This module is the single source of truth about the data:

- :data:`COLUMNS` -- every column of every table: Frictionless type, unit, meaning and
  constraints (allowed values, required, range, pattern);
- the vocabularies of allowed values (:data:`UNITS`, :data:`VALUE_TYPES`,
  :data:`STATUSES`, :data:`BASES`, :data:`SECTIONS`, :data:`COMPONENTS`, and the keys:
  :data:`COUNTRIES`, :data:`STATUSES_OF_RESIDENCE`, prefecture codes);
- :data:`INDICATORS` -- what each series measures, its unit, allowed bases and key
  vocabulary, the file it lives in, and the total its parts must not exceed;
- :data:`TABLES` -- the raw files and their columns.

Two things are generated from it: the validation schema of every raw file
(:func:`analysis.validate.schema`, a pandera schema) and ``data/datapackage.json``, the
Frictionless Data Package that documents and constrains the same files
(:func:`datapackage`; ``make datapackage``; a test checks the committed file is current
and that ``frictionless validate`` accepts it and the exported tables).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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
GOJ_TERMS_URL = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"

# --------------------------------------------------------------------------- vocabularies

UNITS: dict[str, str] = {
    "persons": "people (not thousands)",
    "visas": "visas issued",
    "embassies": "foreign embassies",
    "states": "sovereign states",
    "countries": "countries",
    "countries_and_regions": "countries and regions",
    "percent": "percent (0-100)",
    "affiliations": "sister-city affiliations (提携件数)",
    "local_governments": "local governments (自治体)",
    "projects": "projects (事業, 件)",
    "jpy": "Japanese yen",
    "ngos": "non-governmental organisations",
    "regions": "regions that are not countries (地域)",
}
"""Every unit a value may be in, and what it counts."""

VALUE_TYPES: dict[str, str] = {
    "exact": "the figure is printed as an exact count",
    "rounded": "printed rounded (約…, in thousands or 万 with fewer digits)",
    "lower_bound": "printed as a bound: the true value is more (超, 余り, 以上, 'more than')",
}
"""How precisely a source printed a value."""

STATUSES: dict[str, str] = {
    "final": "the source's final figure",
    "preliminary": "a preliminary figure (速報値) or an estimate (推計値)",
    "derived": "computed from printed figures; the formula column holds the arithmetic",
}
"""Status of a value."""

SECTIONS: dict[str, str] = {
    "overview": "総論 overview",
    "visas": "各論1(1) ビザ visas",
    "residents": "各論1(2) 外国人受入れ foreign residents",
    "ngo": "各論2(1) NGO",
    "embassies": "特集 駐日大使館 embassies in Tokyo",
    "volunteers": "各論2(2) JOCV・SV volunteers",
    "local": "各論3 地方自治体 local governments",
}
"""Section codes of the report."""

COMPONENTS: dict[str, str] = {
    "total": "N of a table cell N（M）: the cumulative count",
    "parenthetical": "M of a table cell N（M）: the count in 2012",
}
"""Parts of a table cell ``N（M）人`` (empty for a plain figure)."""


@dataclass(frozen=True)
class Basis:
    """A statistical basis: what a figure counts, and the years it can exist.

    Attributes
    ----------
    meaning : str
        What is counted, and how it differs from its neighbours.
    first_year, last_year : int or None
        The years the basis exists (a row outside them mixes bases).
    """

    meaning: str
    first_year: int | None = None
    last_year: int | None = None


BASES: dict[str, Basis] = {
    "report": Basis("Printed in the Diplomatic Bluebook 2013 section itself."),
    "moj_entrants": Basis(
        "Ministry of Justice immigration statistics: foreign nationals entering Japan "
        "(新規入国者 + 再入国者; excludes US-forces SOFA personnel)."
    ),
    "moj_new_entrants": Basis(
        "Ministry of Justice: foreign entrants excluding re-entrants (新規入国者)."
    ),
    "jnto_visitor_arrivals": Basis(
        "JNTO visitor arrivals (訪日外客数): excludes foreign residents re-entering, includes "
        "transit passengers and, from 2015, cruise passengers. A different concept from MOJ "
        "entrants: never splice the two."
    ),
    "alien_registration": Basis(
        "Alien registration statistics (外国人登録者数), 31 December; the system ended on "
        "9 July 2012, so the series stops at end-2011.",
        last_year=2011,
    ),
    "residence_statistics": Basis(
        "Residence statistics (在留外国人数 = 中長期在留者 + 特別永住者), 31 December, from 2012.",
        first_year=2012,
    ),
    "residence_statistics_restated": Basis(
        "The ministry's restatement of 2008-2011 registration data on the 在留外国人 basis "
        "(registered foreigners less short-term stays etc.).",
        first_year=2008,
        last_year=2011,
    ),
    "census": Basis("Population census (国勢調査), 1 October."),
    "population_estimate": Basis("Statistics Bureau population estimate (人口推計), 1 October."),
    "mofa_visa_statistics": Basis(
        "MOFA visa issuance statistics (ビザ発給統計), all missions, calendar year."
    ),
    "mofa_protocol": Basis("MOFA count of foreign embassies in Tokyo."),
    "mofa_recognition": Basis("Number of states recognised by Japan (Japan itself excluded)."),
    "mofa_visa_exemption": Basis(
        "Countries and regions covered by Japan's visa exemption measures."
    ),
    "jica_volunteers": Basis(
        "JICA volunteer programme statistics (JOCV: 青年海外協力隊, SV: シニア海外ボランティア)."
    ),
    "clair_sister_cities": Basis(
        "Council of Local Authorities for International Relations (CLAIR, 自治体国際化協会): "
        "sister-city affiliations (姉妹（友好）都市提携) of Japanese local governments."
    ),
    "mofa_ngo_grants": Basis(
        "MOFA Grant Assistance for Japanese NGO Projects (日本NGO連携無償資金協力), by fiscal year."
    ),
    "jpf_members": Basis("Japan Platform (ジャパン・プラットフォーム) member NGOs."),
}
"""Meaning of every value of the ``basis`` column, and the years it exists."""

COUNTRIES: dict[str, str] = {
    "China": "中国 (excluding Taiwan, Hong Kong and Macau where the source separates them)",
    "China_incl_Taiwan": "中国 including 台湾 (MOJ statistics up to 2011)",
    "Taiwan": "台湾",
    "Hong_Kong": "香港",
    "Korea": "韓国 (Republic of Korea alone)",
    "Korea_incl_North": "韓国・朝鮮 (both Koreas counted together)",
    "North_Korea": "朝鮮",
    "Vietnam": "ベトナム",
    "Philippines": "フィリピン",
    "Brazil": "ブラジル",
    "Nepal": "ネパール",
    "Indonesia": "インドネシア",
    "USA": "米国",
    "Thailand": "タイ",
    "Peru": "ペルー",
    "Myanmar": "ミャンマー",
    "India": "インド",
    "Sri_Lanka": "スリランカ",
    "Bangladesh": "バングラデシュ",
    "Pakistan": "パキスタン",
    "Cambodia": "カンボジア",
    "Mongolia": "モンゴル",
    "Malaysia": "マレーシア",
    "Singapore": "シンガポール",
    "Australia": "豪州",
    "Canada": "カナダ",
    "UK": "英国",
    "France": "フランス",
    "Germany": "ドイツ",
    "Italy": "イタリア",
    "Spain": "スペイン",
    "Russia": "ロシア",
    "New_Zealand": "ニュージーランド",
}
"""Country and region keys (English) and their Japanese names: nationalities, markets,
visa recipients, sister-city partners. Keys of different scope are different keys."""

PART_OF: dict[str, str] = {
    "China": "China_incl_Taiwan",
    "Taiwan": "China_incl_Taiwan",
    "Korea": "Korea_incl_North",
    "North_Korea": "Korea_incl_North",
}
"""Keys counted inside a broader key: never summed together with it."""

STATUSES_OF_RESIDENCE: dict[str, str] = {
    "permanent_resident": "永住者",
    "special_permanent_resident": "特別永住者",
    "technical_intern_training": "技能実習 (1号-3号; a status from July 2010)",
    "student": "留学",
    "engineer_humanities_intl": "技術・人文知識・国際業務",
    "long_term_resident": "定住者",
    "spouse_of_japanese": "日本人の配偶者等",
    "spouse_of_permanent_resident": "永住者の配偶者等",
    "dependent": "家族滞在",
    "specified_skilled_worker": "特定技能 (1号+2号; from April 2019)",
    "highly_skilled_professional": "高度専門職",
    "designated_activities": "特定活動",
    "trainee": "研修",
}
"""Status-of-residence keys and their Japanese names."""

STATUS_SINCE: dict[str, int] = {
    "technical_intern_training": 2010,
    "specified_skilled_worker": 2019,
    "highly_skilled_professional": 2015,
}
"""First year-end at which a status of residence existed (技能実習 July 2010, 高度専門職
April 2015, 特定技能 April 2019): before it, nobody held it -- a true zero, not a gap."""

PREF_CODES: tuple[str, ...] = tuple(f"{i:02d}" for i in range(1, 48))
"""JIS X 0401 prefecture codes '01' (Hokkaido) … '47' (Okinawa)."""

KeyKind = Literal["country", "pref_code", "status_of_residence"]

UNKNOWN_KEY = "unknown"
"""Key of the remainder a table cannot place (未定・不詳: prefecture not yet determined)."""

KEY_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "country": tuple(COUNTRIES),
    "pref_code": (*PREF_CODES, UNKNOWN_KEY),
    "status_of_residence": tuple(STATUSES_OF_RESIDENCE),
}
"""Allowed keys of each key kind."""

# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Indicator:
    """Catalogue entry of one indicator of :func:`analysis.data.load`.

    Attributes
    ----------
    name, description, unit, caveats : str
        Identifier, what it measures, unit (a key of :data:`UNITS`), what a user must
        know before using it.
    file : str
        Raw file it lives in: ``data/raw/series/<file>.csv``.
    bases : tuple of str
        Bases its rows may have (keys of :data:`BASES`).
    key : str or None
        Vocabulary of its ``key`` column (:data:`KEY_VOCABULARIES`); None: un-keyed.
    first_year : int
        Earliest plausible year (a row before it is a typo).
    time : {'year', 'fiscal_year'}
        Calendar years, or Japanese fiscal years (年度, April-March, named after the
        year they start) -- never mixed in one file.
    total : str or None
        Un-keyed indicator whose value (same year and basis) the keyed rows may not
        exceed in sum.
    complete_keys : int or None
        When a year has this many keys (besides :data:`UNKNOWN_KEY`), they and the
        unknown remainder, if any, must sum *exactly* to ``total`` (e.g. 47
        prefectures).
    """

    name: str
    description: str
    unit: str
    caveats: str
    file: str
    bases: tuple[str, ...]
    key: KeyKind | None = None
    first_year: int = 1950
    time: Literal["year", "fiscal_year"] = "year"
    total: str | None = None
    complete_keys: int | None = None


_I = Indicator
INDICATORS: tuple[Indicator, ...] = (
    _I(
        "foreign_entrants",
        "Foreign nationals entering Japan in the calendar year (MOJ 外国人入国者数).",
        "persons",
        "Includes re-entrants. The report's 約714万人 (2011), 944万人 (2010) and 約527万人 "
        "(2000) are this series. Not JNTO visitor arrivals.",
        "entrants",
        ("moj_entrants",),
    ),
    _I(
        "foreign_new_entrants",
        "Foreign nationals entering Japan, excluding re-entrants (MOJ 新規入国者数).",
        "persons",
        "2021 is a rounded preliminary figure only.",
        "entrants",
        ("moj_new_entrants",),
    ),
    _I(
        "visitor_arrivals",
        "Visitor arrivals to Japan (JNTO 訪日外客数).",
        "persons",
        "Different concept from MOJ entrants. 1990-2000 come from secondary compilations of "
        "JNTO data.",
        "entrants",
        ("jnto_visitor_arrivals",),
    ),
    _I(
        "visitor_arrivals_by_market",
        "Visitor arrivals to Japan by market (JNTO 訪日外客数, 国・地域別; key = country).",
        "persons",
        "JNTO counts visitors by nationality (the passport's country or region): Korea is "
        "South Korea; China excludes Taiwan and Hong Kong. JNTO estimates (推計値) are "
        "preliminary. Only the markets and years the sources printed.",
        "arrivals_by_market",
        ("jnto_visitor_arrivals",),
        key="country",
        first_year=1964,
        total="visitor_arrivals",
    ),
    _I(
        "registered_foreigners",
        "Registered foreign residents at 31 December (外国人登録者数).",
        "persons",
        "Alien registration ended on 9 July 2012: no value after 2011. Years before 2003 "
        "have gaps.",
        "residents",
        ("alien_registration",),
    ),
    _I(
        "registered_foreigners_share_pct",
        "Registered foreigners as a share of Japan's total population, as printed by MOJ.",
        "percent",
        "The ministry's denominator changed between years (census, 1 October estimate, "
        "1 January estimate); kept as printed, never recomputed.",
        "residents",
        ("alien_registration",),
    ),
    _I(
        "resident_foreigners",
        "Foreign residents at 31 December (在留外国人数: mid-to-long-term + special permanent).",
        "persons",
        "From 2012; 2008-2011 are the ministry's restatement on the new basis. Lower than "
        "registered foreigners for the same year (2011: 2,047,349 vs 2,078,508): do not "
        "splice the two without a level-shift term.",
        "residents",
        ("residence_statistics", "residence_statistics_restated"),
    ),
    _I(
        "resident_foreigners_share_pct",
        "Resident foreigners as a share of the total population, as printed.",
        "percent",
        "Only a few years printed in the sources read.",
        "residents",
        ("residence_statistics",),
    ),
    _I(
        "registered_foreigners_by_nationality",
        "Registered foreign residents at 31 December by nationality (外国人登録者数, "
        "国籍別; key = country).",
        "persons",
        "China includes Taiwan (key China_incl_Taiwan) and Korea both Koreas "
        "(Korea_incl_North) on this basis. Only the nationalities printed by the sources.",
        "residents_by_nationality",
        ("alien_registration",),
        key="country",
        total="registered_foreigners",
    ),
    _I(
        "resident_foreigners_by_nationality",
        "Foreign residents at 31 December by nationality (在留外国人数, 国籍・地域別; "
        "key = country).",
        "persons",
        "From 2012 China excludes Taiwan; 2008-2011 are the ministry's restatement. "
        "Korea (韓国) and Korea_incl_North (韓国・朝鮮) are different keys.",
        "residents_by_nationality",
        ("residence_statistics", "residence_statistics_restated"),
        key="country",
        total="resident_foreigners",
    ),
    _I(
        "registered_foreigners_by_status",
        "Registered foreign residents at 31 December by status of residence (key).",
        "persons",
        "Few years printed; 技能実習 exists as a status from July 2010.",
        "residents_by_status",
        ("alien_registration",),
        key="status_of_residence",
        total="registered_foreigners",
    ),
    _I(
        "resident_foreigners_by_status",
        "Foreign residents at 31 December by status of residence (在留資格別; key).",
        "persons",
        "特定技能 exists from April 2019. Only the statuses printed by the sources.",
        "residents_by_status",
        ("residence_statistics", "residence_statistics_restated"),
        key="status_of_residence",
        total="resident_foreigners",
    ),
    _I(
        "resident_foreigners_by_prefecture",
        "Foreign residents at 31 December by prefecture of residence (key = pref_code).",
        "persons",
        "A year with all 47 prefectures, plus the ministry's unknown-prefecture remainder "
        "(key 'unknown', 未定・不詳), sums to the national total. 2013-2024 come from a "
        "secondary copy of the e-Stat table whose totals equal the ministry's.",
        "residents_by_prefecture",
        ("residence_statistics",),
        key="pref_code",
        total="resident_foreigners",
        complete_keys=47,
    ),
    _I(
        "japan_population",
        "Total population of Japan on 1 October (census years: census; others: estimate).",
        "persons",
        "Estimates are published in thousands (value_type 'rounded'); vintages differ "
        "(pre-census estimates are not revised here).",
        "population",
        ("census", "population_estimate"),
    ),
    _I(
        "prefecture_population",
        "Census population by prefecture on 1 October (key = pref_code), 2010 and 2020.",
        "persons",
        "The 47 prefectures of a census year sum exactly to Japan's census total.",
        "population",
        ("census",),
        key="pref_code",
        total="japan_population",
        complete_keys=47,
    ),
    _I(
        "visa_issuance",
        "Visas issued by all Japanese missions in the calendar year (ビザ発給数).",
        "visas",
        "Issuance falls when visa waivers widen (e.g. Thailand and Malaysia, July 2013), so "
        "it is not a demand indicator on its own.",
        "visas",
        ("mofa_visa_statistics",),
    ),
    _I(
        "visa_issuance_by_country",
        "Visas issued to nationals of one country (key = country).",
        "visas",
        "Only the countries and years that press releases listed; several 2018 and 2023 "
        "values are rounded.",
        "visas",
        ("mofa_visa_statistics",),
        key="country",
        total="visa_issuance",
    ),
    _I(
        "visa_exempt_countries",
        "Countries and regions whose nationals need no visa for short stays.",
        "countries_and_regions",
        "1972 and 1974 count bilateral exemption agreements only (narrower definition).",
        "visas",
        ("mofa_visa_exemption",),
    ),
    _I(
        "embassies_in_tokyo",
        "Foreign embassies in Tokyo (駐日大使館数).",
        "embassies",
        "1980-2012 from the report's table; later years from MOFA and Minato City. MOFA's "
        "155 (2017) and 157 (2022-23) include the EU Delegation; whether the report's 152 "
        "does is not stated.",
        "embassies",
        ("mofa_protocol", "report"),
    ),
    _I(
        "recognised_states",
        "States recognised by Japan, excluding Japan.",
        "states",
        "194 until May 2015, then 195 (Niue). The 2015 value is derived from a print of "
        "'196 including Japan'.",
        "embassies",
        ("mofa_recognition",),
    ),
    _I(
        "jocv_cumulative",
        "JOCV volunteers dispatched since 1965, cumulative (stock at reference_date).",
        "persons",
        "Mixed reference dates (end of year, end of fiscal year, mid-year); some values are "
        "lower bounds (value_type 'lower_bound'). 2012 is the report's 37,532.",
        "volunteers",
        ("jica_volunteers", "report"),
        first_year=1965,
    ),
    _I(
        "sv_cumulative",
        "Senior Volunteers dispatched since 1990, cumulative.",
        "persons",
        "2012 is the report's 5,011 (end-December), which supersedes a secondary source's "
        "4,982 (end-September 2012). Several values are lower bounds.",
        "volunteers",
        ("jica_volunteers", "report"),
        first_year=1990,
    ),
    _I(
        "jocv_cumulative_countries",
        "Countries to which JOCV volunteers have been dispatched, cumulative.",
        "countries",
        "2012 is the report's 88.",
        "volunteers",
        ("jica_volunteers", "report"),
        first_year=1965,
    ),
    _I(
        "sv_cumulative_countries",
        "Countries to which Senior Volunteers have been dispatched, cumulative.",
        "countries",
        "2012 is the report's 70 (end-December), which supersedes a secondary source's 69 "
        "(end-September 2012).",
        "volunteers",
        ("jica_volunteers", "report"),
        first_year=1990,
    ),
    _I(
        "sister_city_affiliations",
        "Sister-city (friendship) affiliations of Japanese local governments (CLAIR).",
        "affiliations",
        "Few years printed.",
        "local",
        ("clair_sister_cities",),
    ),
    _I(
        "sister_city_affiliations_by_country",
        "Sister-city affiliations of Japanese local governments with partners in one "
        "country (CLAIR; key = country).",
        "affiliations",
        "Only some countries and years printed.",
        "local",
        ("clair_sister_cities",),
        key="country",
        total="sister_city_affiliations",
    ),
    _I(
        "sister_city_local_governments",
        "Japanese local governments (prefectures and municipalities) with at least one "
        "sister-city affiliation (CLAIR).",
        "local_governments",
        "One year printed.",
        "local",
        ("clair_sister_cities",),
    ),
    _I(
        "jpf_member_ngos",
        "NGOs taking part in Japan Platform (ジャパン・プラットフォーム).",
        "ngos",
        "One year printed besides the report's 37 at end-2012.",
        "ngo_year",
        ("jpf_members",),
        first_year=2000,
    ),
    _I(
        "ngo_grant_projects",
        "Projects funded by Grant Assistance for Japanese NGO Projects (日本NGO連携無償資金協力) "
        "in the fiscal year.",
        "projects",
        "Fiscal years (April-March); only some years printed. The scheme has this name from "
        "FY2007 (a predecessor from FY2002).",
        "ngo",
        ("mofa_ngo_grants",),
        first_year=2002,
        time="fiscal_year",
    ),
    _I(
        "ngo_grant_amount_jpy",
        "Amount of Grant Assistance for Japanese NGO Projects in the fiscal year, in yen.",
        "jpy",
        "Printed rounded (約…億円); fiscal years, only some printed.",
        "ngo",
        ("mofa_ngo_grants",),
        first_year=2002,
        time="fiscal_year",
    ),
    _I(
        "ngo_grant_ngos",
        "Japanese NGOs that carried out projects funded by Grant Assistance for Japanese "
        "NGO Projects in the fiscal year.",
        "ngos",
        "Fiscal years (April-March); FY2017 and FY2021 only (FY2023's release gives none).",
        "ngo",
        ("mofa_ngo_grants",),
        first_year=2002,
        time="fiscal_year",
    ),
    _I(
        "ngo_grant_countries",
        "Countries where those projects were carried out, in the fiscal year.",
        "countries",
        "Fiscal years (April-March); FY2017 and FY2021 only (FY2023's release gives none).",
        "ngo",
        ("mofa_ngo_grants",),
        first_year=2002,
        time="fiscal_year",
    ),
    _I(
        "ngo_grant_regions",
        "Regions that are not countries (地域) where those projects were carried out.",
        "regions",
        "Fiscal years (April-March); FY2017 and FY2021 only (FY2023's release gives none).",
        "ngo",
        ("mofa_ngo_grants",),
        first_year=2002,
        time="fiscal_year",
    ),
)
"""Every indicator of :func:`analysis.data.load`, in catalogue order."""

INDICATOR_BY_NAME: dict[str, Indicator] = {i.name: i for i in INDICATORS}
"""The same catalogue, by name."""

SERIES_DIR = "raw/series"
"""Folder of the series files, relative to the data folder."""


def series_files() -> dict[str, Literal["year", "fiscal_year"]]:
    """Each series file's stem and its time column (one kind per file, never mixed)."""
    files: dict[str, Literal["year", "fiscal_year"]] = {}
    for ind in INDICATORS:
        if files.setdefault(ind.file, ind.time) != ind.time:
            raise ValueError(f"{ind.file}.csv would mix years and fiscal years ({ind.name})")
    return files


# --------------------------------------------------------------------------- columns

FieldType = Literal["string", "integer", "number", "boolean"]


@dataclass(frozen=True)
class Column:
    """One column: Frictionless type, meaning, unit and constraints.

    Attributes
    ----------
    name : str
        Column name (carries the unit where it has one: ``*_persons``, ``*_pct``).
    type : {'string', 'integer', 'number', 'boolean'}
        Frictionless field type.
    description, unit : str
        Meaning; unit (empty if none).
    enum : tuple of str or None
        Allowed values (an empty cell is allowed unless ``required``).
    required : bool
        The cell may not be empty.
    minimum, maximum : float or None
        Inclusive range of a number.
    pattern : str or None
        Regular expression a non-empty text cell must match in full.
    """

    name: str
    type: FieldType
    description: str
    unit: str = ""
    enum: tuple[str, ...] | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


_DATE = r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?"
_URL = r"https?://\S+"
_FORMULA = r"[0-9.+\-*/() ]+"

_C = Column
COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        _C("indicator", "string", "Indicator name; see analysis.data.indicators().",
           enum=tuple(i.name for i in INDICATORS), required=True),
        _C("key", "string", "Sub-series key: a country (English), a JIS X 0401 pref_code or "
           "a status of residence, per the indicator; empty if none.",
           enum=tuple(sorted({k for v in KEY_VOCABULARIES.values() for k in v}))),
        _C("year", "integer", "Calendar year of the observation (never a fiscal year).", "year",
           required=True, minimum=1900, maximum=2100),
        _C("fiscal_year", "integer", "Japanese fiscal year (年度, 1 April-31 March), named "
           "after the calendar year it starts in (never a calendar year).", "fiscal year",
           required=True, minimum=1900, maximum=2100),
        _C("reference_date", "string", "Date the figure refers to (YYYY-MM-DD or YYYY-MM) "
           "where the source states it; in the row's year (fiscal year).", pattern=_DATE),
        _C("value", "number", "The figure as a number, in the row's unit.", required=True),
        _C("unit", "string", "Unit of value; see analysis.metadata.UNITS.",
           enum=tuple(UNITS), required=True),
        _C("value_type", "string", "exact; rounded (printed rounded, e.g. 約, or in "
           "thousands); lower_bound (the source says 'more than').",
           enum=tuple(VALUE_TYPES), required=True),
        _C("basis", "string", "Statistical basis of the figure; see analysis.metadata.BASES.",
           enum=tuple(BASES), required=True),
        _C("status", "string", "final, preliminary (速報値/推計値) or derived (the formula "
           "column gives the arithmetic).", enum=tuple(STATUSES), required=True),
        _C("as_printed", "string", "The figure exactly as the source printed it.",
           required=True),
        _C("formula", "string", "For derived rows: the arithmetic on printed figures that "
           "gives value (numbers and + - * / only); empty otherwise.", pattern=_FORMULA),
        _C("source_title", "string", "Title of the source document or page.", required=True),
        _C("source_url", "string", "Address of the source.", required=True, pattern=_URL),
        _C("note", "string", "Why this row was chosen, and caveats (this project's words).",
           required=True),
        _C("figure_id", "string", "Stable identifier of a figure printed in the report.",
           required=True, pattern=r"[a-z0-9_]+"),
        _C("section", "string", "Report section code; see analysis.metadata.SECTIONS.",
           enum=tuple(SECTIONS), required=True),
        _C("section_ja", "string", "Report section heading in Japanese.", required=True),
        _C("subject", "string", "What the figure measures (English).", required=True),
        _C("period", "string", "Period or date the figure refers to, as the report states it."),
        _C("line", "integer", "1-based line of data/raw/bluebook2013_ch4_s1.txt where the "
           "figure starts.", required=True, minimum=1),
        _C("component", "string", "For table cells 'N（M）人': total (N, cumulative) or "
           "parenthetical (M, in 2012); empty otherwise.", enum=tuple(COMPONENTS)),
        _C("high", "number", "Upper end of a printed range (2～3 → 3); empty otherwise."),
        _C("unit_as_printed", "string", "Counter or unit as printed (人, 件, か国, 倍, …)."),
        _C("approx", "boolean", "True when the report marks the figure as approximate "
           "(約, 近く, 余り, …)."),
        _C("qualifier", "string", "Qualifier words as printed (約, 以上, 延べ, …)."),
        _C("pref_code", "string", "JIS X 0401 prefecture code '01'-'47'; empty for その他.",
           enum=PREF_CODES),
        _C("pref_name_ja", "string", "Prefecture name in Japanese (東京都)."),
        _C("pref_short_ja", "string", "Prefecture name without 都/府/県 (東京; 北海道 whole)."),
        _C("pref_name_en", "string", "Prefecture name in English (Tokyo)."),
        _C("region_en", "string", "One of the eight regions (Hokkaido … Kyushu-Okinawa)."),
        _C("jocv_cumulative_persons", "integer", "JOCV volunteers from the prefecture, "
           "cumulative 1965 to 31 Dec 2012.", "persons", minimum=0),
        _C("jocv_2012_persons", "integer", "JOCV volunteers from the prefecture dispatched "
           "in 2012.", "persons", minimum=0),
        _C("sv_cumulative_persons", "integer", "Senior Volunteers from the prefecture, "
           "cumulative 1990 to 31 Dec 2012.", "persons", minimum=0),
        _C("sv_2012_persons", "integer", "Senior Volunteers from the prefecture dispatched "
           "in 2012.", "persons", minimum=0),
        _C("jocv_as_printed", "string", "The JOCV cell as printed (1,906（45）人)."),
        _C("sv_as_printed", "string", "The SV cell as printed (219 （9）人)."),
        _C("description", "string", "What the indicator measures."),
        _C("caveats", "string", "What a user must know before using the indicator."),
        _C("first_year", "integer", "First year with a value.", "year"),
        _C("last_year", "integer", "Last year with a value.", "year"),
        _C("n_values", "integer", "Number of rows (years and keys) with a value.", minimum=0),
        _C("bases", "string", "Statistical bases present, ';'-separated."),
        _C("time", "string", "Time column of the indicator: year or fiscal_year.",
           enum=("year", "fiscal_year")),
        _C("claim_id", "string", "Stable identifier of a claim of the report.", required=True,
           pattern=r"[a-z0-9_]+"),
        _C("claim", "string", "The claim in English.", required=True),
        _C("checked_against", "string", "What the claim is checked against: indicator:NAME, "
           "figure:ID, table:NAME; ';'-separated.", required=True),
        _C("computation", "string", "The check in words.", required=True),
        _C("check", "string", "Name of the check function in analysis.claims.", required=True,
           pattern=r"[a-z_]+"),
        _C("arguments", "string", "Arguments of the check as a JSON object.", required=True),
    )
}  # fmt: skip
"""Every column of every table, described once."""


@dataclass(frozen=True)
class Table:
    """A raw table in the data folder.

    Attributes
    ----------
    name : str
        Resource name.
    path : str
        Path relative to the data folder.
    title : str
        One-line description.
    columns : tuple of str
        The exact header, in order (each described in :data:`COLUMNS`).
    primary_key : tuple of str
        Columns that identify a row.
    """

    name: str
    path: str
    title: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...] = field(default=())


def series_columns(time: Literal["year", "fiscal_year"] = "year") -> tuple[str, ...]:
    """Header of a series file whose time column is ``time``."""
    return (
        "indicator", "key", time, "reference_date", "value", "unit", "value_type", "basis",
        "status", "as_printed", "formula", "source_title", "source_url", "note",
    )  # fmt: skip


def _series_table(stem: str, time: Literal["year", "fiscal_year"]) -> Table:
    names = ", ".join(i.name for i in INDICATORS if i.file == stem)
    return Table(
        f"series_{stem}",
        f"{SERIES_DIR}/{stem}.csv",
        f"Official series, one chosen row per indicator, key and {time.replace('_', ' ')}: "
        f"{names}",
        series_columns(time),
        ("indicator", "key", time),
    )


TABLES: dict[str, Table] = {
    **{t.name: t for t in (_series_table(s, k) for s, k in series_files().items())},
    "report_figures": Table(
        "report_figures",
        "raw/report_figures.csv",
        "Every figure printed in the report section: where it is and what it measures "
        "(values are computed from the text by analysis.data.report_figures)",
        ("figure_id", "section", "section_ja", "subject", "period", "line", "as_printed",
         "component"),
        ("figure_id",),
    ),
    "claims": Table(
        "claims",
        "claims.csv",
        "Every quantitative claim of the report section and how analysis.claims checks it",
        ("claim_id", "section", "claim", "as_printed", "line", "checked_against",
         "computation", "check", "arguments"),
        ("claim_id",),
    ),
}  # fmt: skip
"""The raw tables and their columns."""

# --------------------------------------------------------------------------- data package

_LICENSES = [
    {"name": "MIT", "title": "Code: MIT licence", "path": "https://opensource.org/license/mit"},
    {
        "name": "CC-BY-4.0",
        "title": "Data: as licensed by each source (see source_url); Japanese government "
        "statistics under the Government of Japan Standard Terms of Use / Public Data "
        "License 1.0, compatible with CC BY 4.0",
        "path": GOJ_TERMS_URL,
    },
]


def field_descriptor(name: str) -> dict[str, object]:
    """Frictionless field descriptor of column ``name`` (type, meaning, unit, constraints)."""
    col = COLUMNS[name]
    out: dict[str, object] = {"name": col.name, "type": col.type, "description": col.description}
    if col.unit:
        out["unit"] = col.unit
    constraints: dict[str, object] = {}
    if col.required:
        constraints["required"] = True
    if col.enum is not None:
        constraints["enum"] = list(col.enum)
    if col.minimum is not None:
        constraints["minimum"] = col.minimum
    if col.maximum is not None:
        constraints["maximum"] = col.maximum
    if col.pattern is not None:
        constraints["pattern"] = col.pattern
    if constraints:
        out["constraints"] = constraints
    return out


def _schema(columns: tuple[str, ...] | list[str], primary_key: tuple[str, ...] = ()) -> dict:
    schema: dict[str, object] = {"fields": [field_descriptor(c) for c in columns]}
    if primary_key:
        schema["primaryKey"] = list(primary_key)
    return schema


def _common() -> dict[str, object]:
    return {
        "licenses": _LICENSES,
        "sources": [
            {"title": REPORT_TITLE, "path": REPORT_URL, "publisher": REPORT_PUBLISHER}
        ],
        "bases": {k: b.meaning for k, b in BASES.items()},
        "units": UNITS,
        "keys": {"country": COUNTRIES, "status_of_residence": STATUSES_OF_RESIDENCE},
        "indicators": [
            {
                "name": i.name,
                "description": i.description,
                "unit": i.unit,
                "time": i.time,
                "key": i.key or "",
                "bases": list(i.bases),
                "caveats": i.caveats,
            }
            for i in INDICATORS
        ],
    }


def datapackage() -> dict[str, object]:
    """Build the Frictionless Data Package descriptor of the data folder.

    Returns
    -------
    dict
        JSON-serialisable descriptor: one resource per raw table (schemas with
        constraints, primary keys), the report text, licences and sources.
    """
    resources: list[dict[str, object]] = [
        {
            "name": t.name,
            "path": t.path,
            "title": t.title,
            "format": "csv",
            "encoding": "utf-8",
            "schema": _schema(t.columns, t.primary_key),
        }
        for t in TABLES.values()
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
            "licenses": [{"name": "MOFA-terms", "title": REPORT_LICENCE, "path": REPORT_URL}],
        }
    )
    return {
        "name": "bluebook2013-ties",
        "title": REPORT_TITLE_EN,
        "description": (
            "Figures printed in the Diplomatic Bluebook 2013, ch. 4 sec. 1, and the official "
            "annual series behind them. Each official row names its source URL and the figure "
            "as printed; see the indicators' caveats."
        ),
        **_common(),
        "resources": resources,
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
    return {
        "name": "bluebook2013-ties-tidy",
        "title": REPORT_TITLE_EN,
        "description": "Tidy tables exported by `python -m analysis data`.",
        **_common(),
        "resources": [
            {
                "name": re.sub(r"[^a-z0-9_-]", "_", name.lower()),
                "path": f"{name}.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": _schema(columns),
            }
            for name, columns in tables.items()
        ],
    }


def write_json(path: Path, descriptor: dict[str, object]) -> None:
    """Write a descriptor to ``path`` as pretty-printed UTF-8 JSON."""
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
