r"""Numbers, eras and fiscal years in Japanese text.

Numbers
-------
:func:`parse_number` turns one printed figure -- ``約714万人``, ``3万7,532人``,
``約1.4倍近く``, ``20～39歳``, ``1・69%``, ``四万`` -- into a :class:`ParsedNumber`
(value, range end, unit, qualifier). It never guesses: anything it cannot read
completely raises :class:`ValueError` quoting the text.

Accepted numerals are Arabic digits (half- or full-width, thousands separators
``,``/``，`` in groups of three, decimal point ``.``/``．``/``・``) and kanji numerals
(``四万``, ``二十三``, digit-by-digit ``五一`` = 51), grouped by the myriad units
``万`` (10^4), ``億`` (10^8) and ``兆`` (10^12), e.g. ``1億2,806万`` = 128,060,000.
``千`` works as a multiplier after Arabic digits (``5千`` = 5,000) and positionally in
kanji. A group after a myriad unit must be below 10,000 (``1万12,000`` is rejected), a
decimal leading group takes no lower group (``1.5万3000`` is rejected: 15,000 + 3,000 or a
typo?), and a figure must be below 10**16 (``'9' * 400`` is rejected, not read as inf).
:data:`MYRIADS` is the table of myriad units.

A sign may stand directly before the number: ``-``, ``−`` (U+2212), ``－`` (full-width)
and the accounting marks ``▲``/``△`` make it negative (``▲3.2%`` → -3.2, ``−1,156人`` →
-1156), ``+``/``＋`` positive. Between two numbers a dash is a range, like ``～``/``〜``
(``20歳－39歳``, ``20-39``): ``－`` is a minus only where no number precedes it.

Qualifiers
----------
A qualifier is written directly before the number (``約``, ``およそ``, ``延べ``,
``累計``, ``計``) or after the number or counter (``近く``, ``以上``, ``以下``,
``未満``, ``余り``/``余``, ``超``/``超える``/``を超える``/``を超えた``, and the idiom
``N指に余ります``, "more than can be counted on N fingers"). A qualifier separated
from the number by a particle (``累計で3万7,532人``) is not part of the figure.

*Representation* -- ``ParsedNumber.qualifier`` holds canonical forms (``余`` →
``余り``, ``を超える`` → ``超``, ``指に余ります`` → ``余り``): the prefixes in printed
order, then, if there is also a suffix, ``…`` and the suffix. So ``約1.4倍近く`` →
``'約…近く'``, ``約500件`` → ``'約'``, ``400以上`` → ``'以上'``, and ``None`` without
qualifier.

*Approximation rule* -- ``approx`` is True when the printed number is not claimed
to be the quantity itself: an approximation (``約``, ``およそ``, ``近く``) or a strict
bound (``超`` and ``余り`` "more than N", ``未満`` "less than N"), where the true value
cannot equal N. The inclusive bounds ``以上`` (≥ N) and ``以下`` (≤ N) are *not*
approximate: N is a precise limit. The direction of any bound is given by
:attr:`ParsedNumber.bound`. ``延べ`` (person-times), ``累計`` (cumulative) and ``計``
(total) say what was counted, not how precisely: approx stays False.

Counters
--------
:data:`COUNTERS` maps every accepted counter or unit to its canonical form
(``カ国``/``ヵ国``/``ヶ国`` → ``か国``, ``％``/``パーセント`` → ``%``, ``年間`` → ``年``).
``年`` is a duration (``3年``); this module never reads a calendar year as a count
-- :func:`find_figures` skips ``2011年`` and friends.

Figures in running text
-----------------------
:func:`find_figures` finds every figure written with Arabic digits in PDF-extracted
text, joining figures that a line break (even across blank lines) splits, and
skipping calendar dates, ordinals, headings and page furniture (each rule is listed in
its docstring). Lines are numbered by :func:`split_lines`, which every module uses: it
ends a line at every newline and page-break convention (``\r``, ``\f``, NEL, U+2028...),
exactly as :meth:`str.splitlines`. Its cost is linear in the length of the text. Kanji
numerals in running text are *not* scanned (``東北三県`` and ``約半世紀`` are names or phrases,
and telling them from counts would need a dictionary).

Eras and fiscal years
---------------------
:func:`era_to_year` converts 昭和/平成/令和 years to Gregorian calendar years.
A Japanese fiscal year (年度) runs from 1 April to 31 March and is named after the
calendar year in which it starts: FY2012 is 2012-04-01 to 2013-03-31. It is *not*
a calendar year, so fiscal years are typed :data:`FiscalYear` and only
:func:`fiscal_year_of` (from a date) and :func:`parse_fiscal_year` (from ``…年度``)
produce them; :func:`era_to_year` rejects ``年度`` and :func:`parse_fiscal_year`
rejects a bare ``年``.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NewType

import pandas as pd

FiscalYear = NewType("FiscalYear", int)
"""A Japanese fiscal year (年度), 1 April to 31 March, named after its starting year."""

COUNTERS: dict[str, str] = {
    "国・地域": "国・地域",
    "か国": "か国",
    "カ国": "か国",
    "ヵ国": "か国",
    "ヶ国": "か国",
    "ケ国": "か国",
    "箇国": "か国",
    "国": "国",
    "地域": "地域",
    "県": "県",
    "人": "人",
    "名": "名",
    "件": "件",
    "枚": "枚",
    "団体": "団体",
    "事業": "事業",
    "分野": "分野",
    "職種": "職種",
    "回": "回",
    "倍": "倍",
    "円": "円",
    "%": "%",
    "パーセント": "%",
    "歳": "歳",
    "年間": "年",
    "年": "年",
    "か月間": "か月",
    "カ月間": "か月",
    "ヵ月間": "か月",
    "ヶ月間": "か月",
    "か月": "か月",
    "カ月": "か月",
    "ヵ月": "か月",
    "ヶ月": "か月",
    "ケ月": "か月",
    "箇月": "か月",
    "日間": "日",
}
"""Counters and units as printed (after width normalisation) → canonical unit."""

_PREFIX_QUALIFIERS: dict[str, str] = {
    "約": "約",
    "およそ": "およそ",
    "延べ": "延べ",
    "累計": "累計",
    "計": "計",
}
_SUFFIX_QUALIFIERS: dict[str, str] = {
    "近く": "近く",
    "以上": "以上",
    "以下": "以下",
    "未満": "未満",
    "余り": "余り",
    "余": "余り",
    "指に余ります": "余り",
    "指に余る": "余り",
    "を超える": "超",
    "を超えた": "超",
    "を超え": "超",
    "超える": "超",
    "超えた": "超",
    "超え": "超",
    "超": "超",
}
_APPROXIMATE = frozenset({"約", "およそ", "近く", "超", "余り", "未満"})
_BOUNDS: dict[str, str] = {
    "以上": "lower",
    "超": "lower",
    "余り": "lower",
    "以下": "upper",
    "未満": "upper",
}

# One-to-one character normalisation, so that offsets survive it.
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "，": ",",
        "．": ".",
        "（": "(",
        "）": ")",
        "％": "%",
        "～": "~",
        "〜": "~",
    }
)

MYRIADS: dict[str, int] = {"兆": 10**12, "億": 10**8, "万": 10**4}
"""The myriad units (万 10^4, 億 10^8, 兆 10^12) → their value."""

# Every figure must be below 10**16 (1京). 兆 is the largest unit accepted, so 9999兆…
# is the largest well-formed figure; below 10**16 a float64 holds the value to within
# one unit (every integer up to 2**53 ≈ 9.0e15 exactly), and nothing overflows to inf
# ('9' * 400 would).
_LIMIT = Decimal(10) ** 16
# Signs directly before a number: ASCII hyphen-minus, minus sign U+2212, full-width
# hyphen-minus, and the accounting marks ▲ and △ are negative; + and ＋ are positive.
_SIGN = r"[\-−－▲△+＋]"
_NEGATIVE = frozenset("-−－▲△")
# Between two numbers a dash is a range (20歳－39歳, 20-39), never a minus.
_DASH = r"[\-−－]"
_KANJI_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_KANJI_POWERS = {"十": 10, "百": 100, "千": 1000}

_ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_ARABIC_SECTION = re.compile(rf"(?P<int>{_ARABIC})(?:[.・](?P<frac>[0-9]+))?(?P<thousand>千)?")


def _alternation(forms: Iterable[str]) -> str:
    """Regex alternation of literal forms, longest first so that ``か国`` beats ``国``."""
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


_PREFIX = _alternation(_PREFIX_QUALIFIERS)
_SUFFIX = _alternation(_SUFFIX_QUALIFIERS)
_UNIT = _alternation(COUNTERS)


def _figure_pattern(numeral: str, unit: str, space: str = "") -> str:
    """Grammar of one figure: prefixes, sign, number, optional range, 余, counter, suffix.

    ``space`` is what may stand between the parts: nothing in :func:`parse_number`, the
    spaces that PDF extraction inserts (``1,973 万 7 千人``) in :func:`find_figures`. A
    dash range takes no spaces (``20-39``; ``93 -19`` is two numbers, the second negative).
    """
    return (
        rf"(?:(?P<prefix>(?:{_PREFIX})+){space})?"
        rf"(?:(?P<sign>{_SIGN}){space})?"
        rf"(?P<low>{numeral})"
        rf"(?:(?:{space}(?P<low_unit>{unit}))?(?:{space}~{space}|{_DASH})"
        rf"(?P<high_sign>{_SIGN})?(?P<high>{numeral}))?"
        rf"(?:{space}(?P<mid>余(?!り)))?(?:{space}(?P<unit>{unit}))?"
        rf"(?:{space}(?P<suffix>{_SUFFIX}))?"
    )


_NUMBER_RE = re.compile(
    _figure_pattern(r"[0-9,.・〇零一二三四五六七八九十百千万億兆]+", rf"(?:{_UNIT})")
)


@dataclass(frozen=True)
class ParsedNumber:
    """A number as printed in Japanese text.

    Attributes
    ----------
    text : str
        The text it was parsed from, exactly as given.
    value : float
        The number in the unit of ``unit`` (people, cases, countries, times, percent
        points, years of age...); for a range, its low end.
    high : float or None
        Upper end of a range (``2～3`` → 3.0), else None.
    approx : bool
        True if the printed number is an approximation or a strict bound (see the
        module docstring for the rule).
    qualifier : str or None
        Canonical qualifier(s), e.g. ``'約'``, ``'以上'``, ``'約…近く'``.
    unit : str or None
        Canonical counter or unit from :data:`COUNTERS`, or None if none is printed.
    """

    text: str
    value: float
    high: float | None
    approx: bool
    qualifier: str | None
    unit: str | None

    @property
    def is_range(self) -> bool:
        """Whether the figure is a range such as ``20～39歳``."""
        return self.high is not None

    @property
    def bound(self) -> str | None:
        """``'lower'`` for 以上/超/余り, ``'upper'`` for 以下/未満, else None."""
        if self.qualifier is None:
            return None
        return next((d for q, d in _BOUNDS.items() if self.qualifier.endswith(q)), None)


def _normalise(text: str) -> str:
    """Map full-width digits, letters and punctuation to ASCII, one character each."""
    return text.translate(_NORMALISE)


def _section_value(section: str, leading: bool) -> Decimal:
    """Value of the numeral between two myriad units (Arabic or kanji, not mixed)."""
    arabic = _ARABIC_SECTION.fullmatch(section)
    if arabic:
        if arabic["frac"] is not None and not leading:
            raise ValueError(f"a decimal point is only allowed in the leading group, {section!r}")
        number = arabic["int"].replace(",", "")
        if arabic["frac"] is not None:
            number += "." + arabic["frac"]
        return Decimal(number) * (1000 if arabic["thousand"] else 1)
    if section and all(c in _KANJI_DIGITS or c in _KANJI_POWERS for c in section):
        return Decimal(_kanji_section_value(section))
    raise ValueError(f"{section!r} is not a numeral")


def _kanji_section_value(section: str) -> int:
    """Value of a kanji numeral below 10,000: positional (二十三) or digit by digit (五一)."""
    if not any(c in _KANJI_POWERS for c in section):
        return int("".join(str(_KANJI_DIGITS[c]) for c in section))
    total, digit, previous_power = 0, None, 10_000
    for char in section:
        if char in _KANJI_DIGITS:
            if digit is not None:
                raise ValueError(f"two kanji digits in a row in {section!r}")
            digit = _KANJI_DIGITS[char]
            continue
        power = _KANJI_POWERS[char]
        if power >= previous_power or digit == 0:
            raise ValueError(f"malformed kanji numeral {section!r}")
        total += (1 if digit is None else digit) * power
        digit, previous_power = None, power
    return total + (digit or 0)


def _numeral_value(numeral: str) -> Decimal:
    """Value of a numeral with optional myriad units, e.g. ``1億2,806万3,000``.

    A decimal leading group takes no lower group (``1.5万3000`` is malformed), and the
    value must be below 10**16 (see ``_LIMIT``).
    """
    pieces = re.split(r"([兆億万])", numeral)
    groups = list(zip(pieces[0::2], [*pieces[1::2], ""], strict=True))
    if groups[-1][0] == "":
        groups.pop()  # the numeral ends with a myriad unit
    if len(groups) > 1 and re.search(r"[.・]", groups[0][0]):
        raise ValueError(f"a decimal leading group takes no lower group in {numeral!r}")
    total, previous_scale = Decimal(0), None
    for index, (section, myriad) in enumerate(groups):
        scale = MYRIADS.get(myriad, 1)
        if not section:
            raise ValueError(f"no number before {myriad!r} in {numeral!r}")
        if previous_scale is not None and scale >= previous_scale:
            raise ValueError(f"myriad units out of order in {numeral!r}")
        value = _section_value(section, leading=index == 0)
        if index > 0 and value >= 10_000:
            raise ValueError(f"group {section!r} is too large to follow a myriad unit")
        total += value * scale
        previous_scale = scale
    if total >= _LIMIT:
        raise ValueError(f"{numeral!r} is too large: figures must be below 10**16")
    return total


def _signed(sign: str | None, value: Decimal) -> Decimal:
    """Apply a printed sign (``-``, ``−``, ``－``, ``▲``, ``△`` negative; ``+`` positive)."""
    return -value if sign is not None and sign in _NEGATIVE else value


def parse_number(text: str) -> ParsedNumber:
    """Parse one printed Japanese figure.

    Parameters
    ----------
    text : str
        A figure as printed, without line breaks or inner spaces, e.g. ``約714万人``,
        ``3万7,532人``, ``約1.4倍近く``, ``20～39歳``, ``1・69%``, ``150を超える``.

    Returns
    -------
    ParsedNumber
        Value in the printed unit (people, cases, %, times...), range end, canonical
        counter, qualifier and approximation flag.

    Raises
    ------
    ValueError
        If any part of the text is not a number, counter or known qualifier, if the
        numeral is malformed (``1,23``, ``1万12,000``) or a range runs backwards; the
        message quotes the text.

    Examples
    --------
    >>> p = parse_number("約1.4倍近く")
    >>> p.value, p.unit, p.approx, p.qualifier
    (1.4, '倍', True, '約…近く')
    >>> parse_number("1億2,806万人").value
    128060000.0
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {text!r}")
    match = _NUMBER_RE.fullmatch(_normalise(text).strip())
    if match is None:
        raise ValueError(f"cannot parse a number from {text!r}")
    try:
        low = _signed(match["sign"], _numeral_value(match["low"]))
        high = None if match["high"] is None else _signed(
            match["high_sign"], _numeral_value(match["high"])
        )
    except ValueError as err:
        raise ValueError(f"cannot parse a number from {text!r}: {err}") from err
    if high is not None and high < low:
        raise ValueError(f"cannot parse a number from {text!r}: the range runs backwards")
    if match["low_unit"] is not None and match["low_unit"] != match["unit"]:
        raise ValueError(f"cannot parse a number from {text!r}: range ends in different units")
    prefixes = [_PREFIX_QUALIFIERS[p] for p in re.findall(_PREFIX, match["prefix"] or "")]
    suffixes = [_SUFFIX_QUALIFIERS[s] for s in (match["mid"], match["suffix"]) if s is not None]
    if len(set(prefixes)) < len(prefixes) or len(suffixes) > 1:
        raise ValueError(f"cannot parse a number from {text!r}: repeated qualifiers")
    qualifier = "".join(prefixes) + ("…" if prefixes and suffixes else "") + "".join(suffixes)
    return ParsedNumber(
        text=text,
        value=float(low),
        high=None if high is None else float(high),
        approx=any(q in _APPROXIMATE for q in prefixes + suffixes),
        qualifier=qualifier or None,
        unit=None if match["unit"] is None else COUNTERS[match["unit"]],
    )


_CELL_RE = re.compile(rf"(?P<total>[^()\s]+)\s*\((?P<part>[^()\s]+)\)\s*(?P<unit>{_UNIT})?")


def parse_count_with_parenthetical(text: str) -> tuple[ParsedNumber, ParsedNumber]:
    """Parse a table cell ``N（M）unit``, e.g. ``1,906（45）人`` or ``219 （9）人``.

    In the report's prefecture table N is the cumulative number of volunteers
    dispatched and M, in parentheses, those dispatched in 2012.

    Parameters
    ----------
    text : str
        The cell as printed; spaces around the parentheses are allowed.

    Returns
    -------
    tuple of ParsedNumber
        ``(total, parenthetical)``. The trailing counter applies to both; the
        ``text`` of both is the whole cell.

    Raises
    ------
    ValueError
        If the text is not of that form or either number does not parse; the
        message quotes the cell.
    """
    match = _CELL_RE.fullmatch(_normalise(text).strip())
    if match is None:
        raise ValueError(f"cannot parse a count with a parenthetical from {text!r}")
    unit = match["unit"] or ""
    try:
        total, part = (parse_number(match[g] + unit) for g in ("total", "part"))
    except ValueError as err:
        raise ValueError(f"cannot parse a count with a parenthetical from {text!r}") from err
    return replace(total, text=text), replace(part, text=text)


# --- lines ----------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    r"""Split a text into lines, the one way this package numbers lines.

    Every newline and page-break convention ends a line, exactly as in
    :meth:`str.splitlines`: ``\n``, ``\r\n``, a lone ``\r`` (old Mac and some PDF
    tools), ``\v``, ``\f`` (the page break pdftotext writes between pages), the file,
    group and record separators ``\x1c``-``\x1e``, NEL ``\x85``, and the Unicode line
    and paragraph separators U+2028 and U+2029. Line ``n`` (1-based) of a text is
    ``split_lines(text)[n - 1]``; a final line break does not start an empty line.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        The lines, without their line breaks.

    Raises
    ------
    TypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> split_lines("約527\r万人\f225外交青書\u20282013\n")
    ['約527', '万人', '225外交青書', '2013']
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {text!r}")
    return text.splitlines()


# --- find_figures -----------------------------------------------------------------------

_SPACE = r"[ \t\u3000]*"  # spaces PDF extraction puts inside figures: 1,973 万 7 千人
_FIGURE_NUMERAL = (
    rf"{_ARABIC}(?:[.・][0-9]+)?(?:{_SPACE}千)?"
    rf"(?:{_SPACE}[兆億万](?:{_SPACE}{_ARABIC}(?:{_SPACE}千)?)?)*"
)
# In running text 2011年 is a calendar year, so 年 is a counter there only in a duration:
# 3年間, 45年ぶり, 4年連続, 10年以上.
_DURATION_YEAR = r"年(?=ぶり|振り|連続|以上|以下|未満|超|余|近く)"
_FIGURE_UNIT = rf"(?:{_alternation(c for c in COUNTERS if c != '年')}|{_DURATION_YEAR})"
_FIGURE_RE = re.compile(_figure_pattern(_FIGURE_NUMERAL, _FIGURE_UNIT, _SPACE))
_CELL_FIGURE_RE = re.compile(rf"{_FIGURE_NUMERAL}[ \t]*\({_FIGURE_NUMERAL}\)[ \t]*{_FIGURE_UNIT}")
# After a figure: a date (2012年, 12月, 21 日, 9時; not 3年間, 5日間, 3時間), an ordinal
# (2回目, 3 番目, 11位), an anniversary (40周年), a native counter (1つ) or a designation
# (1号, 5表, 1-1図).
_NOT_A_COUNT_AFTER = re.compile(rf"{_SPACE}(?:年|月|日(?!間)|時(?!間)|目|番|位|周年|つ|号|表|図)")
# Before a figure: 第 (ordinal, also 第 3, 第1-1図), or 表/図/注 (designations: 表1, 図-2,
# 注3, and 第9表-1, whose -1 follows 表).
_NOT_A_COUNT_BEFORE = frozenset("第表図注")
_LATIN = re.compile(r"[A-Za-z]")
# Latin letters and Hangul: a number next to them belongs to English or Korean text.
_FOREIGN_AFTER = re.compile(rf"{_SPACE}[A-Za-z\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_YEAR_LIKE = re.compile(r"(?:19|20)[0-9]{2}")
# What may follow a line's leading number when it continues a figure or a date, so that
# the number is not a heading: digits, myriads, 千, %, a range, 年/月/日, a counter or a
# qualifier -- a one-character counter only if it does not start a longer word (2 国籍・
# 地域別 is a heading, 3 カ月連続 is not).
_CONTINUES = (
    rf"(?:[0-9０-９万億兆千%％~～〜\-−－.．,，年月日時番位]"
    rf"|{_alternation(c for c in COUNTERS if len(c) > 1)}|{_SUFFIX}"
    rf"|(?:{_alternation(c for c in COUNTERS if len(c) == 1)})(?![\u4e00-\u9fff]))"
)
# Line-level furniture, matched on the raw line, never reported.
_FURNITURE = (
    re.compile(r"^[ \t]*\t[ \t]*[0-9０-９]+(?=[ \t]*\t)"),  # "\t 1\t 日本社会の…": section number
    re.compile(r"^[ \t\u3000]*[（(][0-9０-９]+[）)]"),  # "（1）ビザ": list number
    re.compile(r"^[ \t\u3000]*[0-9０-９]+．"),  # "1．150を超える…": heading number
    re.compile(r"^[ \t\u3000]*[0-9０-９]{1,2}\.(?![0-9０-９])"),  # "1. 事業開始": heading
    re.compile(r"^[ \t\u3000]*[0-9０-９]{1,2}[)）]"),  # "1) 在留期間": list number
    re.compile(r"[（(]注[0-9０-９]+[）)]"),  # "（注１）": note marker
    re.compile(r"^[ \t]*[0-9０-９]+(?=外交青書)"),  # "225外交青書 2013": page number
    re.compile(r"外交青書[ \t　]*[0-9０-９]+"),  # the title 外交青書 2013
)
# Text-level masks, matched on the joined, normalised text: things with digits that are
# never figures. Every quantifier is bounded or anchored, so masking stays linear.
_TOKEN_MASKS = (
    re.compile(r"(?:https?|ftp)://[!-~]+|www\.[!-~]+"),  # URLs
    re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"),  # e-mail
    # telephone numbers (03-3216-1905, 0120(123)456): Japanese numbers start with 0
    re.compile(r"(?<![0-9])0[0-9]{1,4}[\-−－(][0-9]{1,4}[\-−－)][0-9]{3,4}(?![0-9])"),
    # dates in digits: 2013-07-01, 2015/05/22, 2013/7, 2013.7.1
    re.compile(
        r"(?<![0-9])(?:19|20)[0-9]{2}(?:(?:[\-/][0-9]{1,2}){1,2}|(?:\.[0-9]{1,2}){2})(?![0-9])"
    ),
    re.compile(r"(?<![0-9])[0-9]{1,2}:[0-9]{2}(?![0-9])"),  # times of day: 9:30
    re.compile(r"(?:\.{3,}|…+|‥+|・{3,})[ \t]*[0-9]{1,4}(?![0-9])"),  # contents: "…… 12"
    # page references: 12ページ, 1~2,6ページ, 12頁, p.12, pp. 3-5
    re.compile(
        r"(?<![0-9])(?:[0-9]{1,4}(?:[~\-−－][0-9]{1,4})?[,、]){0,9}"
        r"[0-9]{1,4}(?:[~\-−－][0-9]{1,4})?[ \t]*(?:ページ|頁)"
    ),
    re.compile(r"(?<![A-Za-z])[pP]{1,2}\.[ \t]*[0-9]{1,4}(?:[~\-][0-9]{1,4})?"),
    # list numbers and note references in parentheses, (1) or 数次ビザ(1) -- but not the
    # parenthetical of a table cell, 1,906（45）人 / 219 （9）人
    re.compile(r"(?<![0-9])(?<![0-9][ \t])\([0-9]{1,2}\)"),
    re.compile(r"(?<![0-9A-Za-z.,])[0-9]{1,2}\.(?![0-9])"),  # an item's heading: 1.日本外交
    re.compile(r"[*※][0-9]{1,2}(?![0-9])"),  # note references: ※1, *2
)
# "1 在留外国人数", "２　調査の方法": a heading number, then a space and a title -- only
# where a block starts (see _starts_block); a line that continues a sentence is a PDF
# wrap, and its leading number belongs to the sentence ("主要\n20 市場").
_HEADING_NUMBER = re.compile(
    rf"^[ \t\u3000]*[0-9０-９]{{1,2}}(?=[ \t\u3000]+(?!{_CONTINUES}))"
)
# How a line ends when the next one may start a block: a sentence end, a closing bracket,
# or a digit (a contents entry's page number, a table row).
_BLOCK_END = re.compile(r"[。．.!?！？)）」』】\]0-9０-９][ \t\u3000]*$")
# One alternation per set, searched once per line: ten searches per line were half the time.
_LINE_MASKS = re.compile("|".join(f"(?:{p.pattern})" for p in _FURNITURE))
_BLOCK_LINE_MASKS = re.compile(f"{_LINE_MASKS.pattern}|(?:{_HEADING_NUMBER.pattern})")
_DIGIT = re.compile(r"[0-9０-９]")
_SPACES = re.compile(r"[ \t\u3000]+")
_MASK = "\u25a0"  # stands in for masked characters, matched by no pattern

_COLUMNS = ("as_printed", "value", "high", "unit", "approx", "qualifier", "line", "component")


def _mask(text: str, patterns: Iterable[re.Pattern[str]], on: str | None = None) -> str:
    """Blank out every match of ``patterns`` (searched in ``on``, default ``text``)."""
    spans = [m.span() for pattern in patterns for m in pattern.finditer(on or text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _join_lines(text: str) -> tuple[str, str, list[int], list[int]]:
    """Join lines so that a figure split by line breaks reads as one.

    Returns the joined raw text, the same text normalised with line furniture masked
    (equal length), and two parallel lists: the offset where each piece of the joined
    text starts and the 1-based line it comes from (lines as :func:`split_lines` counts
    them). Edge whitespace and blank lines are dropped; a break between two digits
    (separate table rows) becomes a newline. A heading number (``1 在留外国人数``) is
    masked only on a line that starts a block: the first line, one after a blank line, or
    one after a line ending a sentence, a bracket or a number.
    """
    raw: list[str] = []
    masked: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    length = 0
    previous = ""  # the previous line, "" if blank or none
    for number, line in enumerate(split_lines(text), start=1):
        start = len(line) - len(line.lstrip())
        end = len(line.rstrip())
        if start >= end:
            previous = ""
            continue
        piece = _normalise(line)[start:end]
        if _DIGIT.search(line) is not None:  # all furniture has a digit
            starts_block = not previous or _BLOCK_END.search(previous) is not None
            furniture = _BLOCK_LINE_MASKS if starts_block else _LINE_MASKS
            piece = _mask(_normalise(line), [furniture], on=line)[start:end]
        previous = line
        if masked and "0" <= masked[-1][-1] <= "9" and "0" <= piece[0] <= "9":
            raw.append("\n")
            masked.append("\n")
            starts.append(length)
            lines.append(number)
            length += 1
        raw.append(line[start:end])
        masked.append(piece)
        starts.append(length)
        lines.append(number)
        length += end - start
    return "".join(raw), "".join(masked), starts, lines


def _preceding(masked: str, position: int) -> str:
    """Return the character before ``position``, spaces skipped (at most 8 looked at)."""
    before = masked[max(0, position - 8) : position].rstrip(" \t\u3000")
    return before[-1] if before else ""


def _figure_span(masked: str, match: re.Match[str]) -> int | None:
    """Where the figure matched by ``match`` starts, or None if it is not a count.

    Applies the rules of :func:`find_figures` that need the text around the match: the
    sign, ordinals and designations, dates, years, and numbers in foreign words.
    """
    start = match.start()
    if match["sign"] is not None:
        sign_at = match.start("sign")
        before = masked[sign_at - 1] if sign_at else ""
        spaced = match.start("low") > match.end("sign")
        if before.isdigit() or _LATIN.fullmatch(before) or (spaced and before != "("):
            if match["prefix"] is not None or _LATIN.fullmatch(before):
                return None  # 約- 3 is garbled; COVID-19 is a name
            start = match.start("low")  # a hyphen, not a sign: 93 -19 stays
    number_end = match.end("high") if match["high"] is not None else match.end("low")
    qualified = any(
        match[group] is not None and match.start(group) == number_end
        for group in ("mid", "unit", "suffix")
    )
    if match["prefix"] is None and _LATIN.fullmatch(masked[start - 1] if start else ""):
        if not qualified:
            return None  # G20, FY2012: a name, unless a counter follows (NGO17団体)
    if _preceding(masked, start) in _NOT_A_COUNT_BEFORE:
        return None
    if _NOT_A_COUNT_AFTER.match(masked, match.end()) is not None:
        return None
    bare = all(match[g] is None for g in ("prefix", "sign", "high", "mid", "unit", "suffix"))
    if bare and _FOREIGN_AFTER.match(masked, match.end()) is not None:
        return None  # 7.14 million, 316KB
    if bare and _YEAR_LIKE.fullmatch(match["low"]):
        return None  # 改訂2014: a calendar year (counts print a separator: 2,014人)
    return start


def find_figures(text: str) -> pd.DataFrame:
    r"""Find every figure written with Arabic digits in running Japanese text.

    A figure is a number with its sign, qualifiers and counter, e.g. ``約527万人``,
    ``400以上``, ``▲3.2%`` or ``(-  1,156人)`` (read as -1,156), possibly split over lines
    (also across blank lines) and with the spaces PDF extraction inserts
    (``1,973 万 7 千人``). Lines are numbered by :func:`split_lines`, so ``\r``, ``\f``
    (page breaks), NEL and U+2028 end lines as ``\n`` does.

    Not reported, each by its own rule:

    - calendar years and dates: ``2011年``, ``12月末``, ``11 月 21 日``, ``2012年度``,
      ``9時``, ``9:30``, ``2013-07-01``, ``2015/05/22``, and a bare four-digit number
      from 1900 to 2099 with no separator, sign, qualifier or counter (``改訂2014``;
      counts of that size print a separator, ``2,014人``);
    - ordinals and designations: ``第56回``, ``第 10 表``, ``第9表-1``, ``2回目``,
      ``3 番目``, ``11位``, ``技能実習1号``, ``5表``, ``表1``, ``図-2``, ``注3``;
    - anniversaries ``40周年`` and the native counter ``つ`` (``柱の1つ``);
    - heading and list numbers: at the start of a line ``1．``, ``1.``, ``(1)``,
      ``（１）``, ``1)``, a tab-indented ``1``, and a one- or two-digit number followed
      by a space and a title (``1 在留外国人数``, ``2 国籍・地域別``) on a line that
      starts a block (the first line, or one after a blank line or a line ending in
      ``。``, a closing bracket or a digit; a line continuing a sentence is a PDF wrap,
      ``主要\n20 市場``) -- and not when what follows continues a figure or date
      (``3 か国``, ``12 月``); anywhere, a
      parenthesised one- or two-digit number (``数次ビザ(1)``, an item's ``(2)``), an
      item heading ``1.`` after a non-alphanumeric character, note markers (``（注１）``,
      ``※1``); circled numbers (``①``) and kana markers (``ア``) have no Arabic digit;
    - page numbers and furniture: contents leaders (``……… 12``), ``12ページ``,
      ``1~2,6ページ``, ``12頁``, ``p.12``, ``225外交青書 2013``;
    - telephone numbers (``03-3216-1905``), URLs, e-mail addresses;
    - numbers in foreign words: followed (after spaces) by a Latin letter or Hangul
      (``7.14 million``, ``[PDF:316KB]``, ``5 years``), or preceded by a Latin letter,
      also through a hyphen (``G20``, ``COVID-19``), unless a counter or qualifier follows
      the number directly (``NGO17団体`` is 17 団体).

    Signs: ``-``, ``−``, ``－``, ``▲`` and ``△`` directly before a number make it
    negative, ``+``/``＋`` positive; spaces may separate a sign from its number only
    inside an opening parenthesis (``(-  1,156人)``). A dash after a digit or a Latin
    letter is a hyphen, not a sign. Between two numbers a dash is a range (``20-39歳``,
    ``20歳－39歳``), as are ``～``/``〜`` with or without spaces. Kanji numerals are not
    scanned. Two table rows of figures are kept apart because a line break between two
    digits is a separator, never a continuation. ``2～3の国`` is reported as ``2～3``:
    a counter must follow the number (spaces allowed).

    Parameters
    ----------
    text : str
        The text, lines separated by any line break (see :func:`split_lines`).

    Returns
    -------
    pandas.DataFrame
        One row per figure, in reading order, with columns ``as_printed`` (str: the
        figure with line breaks removed, inner spaces kept), ``value`` and ``high``
        (float64, in the printed unit, signed; ``high`` NaN unless a range), ``unit``
        (str), ``approx`` (bool), ``qualifier`` (str), ``line`` (int64, 1-based line
        where the figure starts) and ``component`` (str). A table cell ``N（M）unit``
        gives two rows with the whole cell as ``as_printed``: ``component='total'`` (N)
        then ``'parenthetical'`` (M); ``component`` is missing for all other figures.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    ValueError
        If something that looks like a figure is malformed (``1万12,000``, a range that
        runs backwards, a figure of 10**16 or more); the message gives the line and
        quotes the figure. Figures are never guessed.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_figures expects a str, got {type(text).__name__}: {text!r:.80}")
    raw, masked, starts, lines = _join_lines(text)
    masked = _mask(masked, _TOKEN_MASKS)
    spans = [(m.start(), m.end(), True) for m in _CELL_FIGURE_RE.finditer(masked)]
    uncelled = _CELL_FIGURE_RE.sub(lambda m: _MASK * len(m[0]), masked)
    for match in _FIGURE_RE.finditer(uncelled):
        start = _figure_span(uncelled, match)
        if start is not None:
            spans.append((start, match.end(), False))
    rows: list[tuple[str, ParsedNumber, int, str | None]] = []  # printed, parsed, line, component
    for start, end, is_cell in sorted(spans):
        printed, line = raw[start:end], lines[bisect_right(starts, start) - 1]
        try:
            if is_cell:
                total, part = parse_count_with_parenthetical(printed)
                rows += [(printed, total, line, "total"), (printed, part, line, "parenthetical")]
            else:
                compact = _SPACES.sub("", printed)
                parsed = parse_number(compact)
                if compact != printed:
                    parsed = replace(parsed, text=printed)
                rows.append((printed, parsed, line, None))
        except ValueError as err:
            raise ValueError(f"line {line}: {err}") from err
    return pd.DataFrame(
        {
            "as_printed": pd.Series([r[0] for r in rows], dtype="str"),
            "value": pd.Series([r[1].value for r in rows], dtype="float64"),
            "high": pd.Series([r[1].high for r in rows], dtype="float64"),
            "unit": pd.Series([r[1].unit for r in rows], dtype="str"),
            "approx": pd.Series([r[1].approx for r in rows], dtype="bool"),
            "qualifier": pd.Series([r[1].qualifier for r in rows], dtype="str"),
            "line": pd.Series([r[2] for r in rows], dtype="int64"),
            "component": pd.Series([r[3] for r in rows], dtype="str"),
        },
        columns=list(_COLUMNS),
    )


# --- eras and fiscal years ----------------------------------------------------------------

# era → (Gregorian year of its first year 元年, its last year or None if current)
_ERAS: dict[str, tuple[int, int | None]] = {
    "昭和": (1926, 64),
    "平成": (1989, 31),
    "令和": (2019, None),
}
_ERA_LETTERS = {"S": "昭和", "H": "平成", "R": "令和"}
_ERA_RE = re.compile(
    r"(?P<era>昭和|平成|令和|[SHRshr])(?P<year>元|[0-9]+|[〇一二三四五六七八九十]+)年?"
)


def era_to_year(text: str) -> int:
    """Convert a Japanese era year to a Gregorian calendar year.

    Parameters
    ----------
    text : str
        ``平成23年``, ``平成元年``, ``昭和60年``, ``令和5年``, ``平成二十三年``,
        ``平成２３年`` or the letter forms ``H23``, ``S60``, ``R5``; the trailing
        ``年`` is optional.

    Returns
    -------
    int
        The calendar year (平成23年 → 2011).

    Raises
    ------
    ValueError
        If the text is not an era year, names a year the era did not have (昭和 1-64,
        平成 1-31, 令和 from 1), or is a fiscal year (``…年度``: use
        :func:`parse_fiscal_year`); the message quotes the text.
    """
    normal = _normalise(text).strip()
    if normal.endswith("年度"):
        raise ValueError(
            f"{text!r} is a fiscal year (年度), not a calendar year; use parse_fiscal_year"
        )
    match = _ERA_RE.fullmatch(normal)
    if match is None:
        raise ValueError(f"cannot parse a Japanese era year from {text!r}")
    era = _ERA_LETTERS.get(match["era"].upper(), match["era"])
    try:
        year = 1 if match["year"] == "元" else int(_numeral_value(match["year"]))
    except ValueError as err:
        raise ValueError(f"cannot parse a Japanese era year from {text!r}: {err}") from err
    first, last = _ERAS[era]
    if year < 1 or (last is not None and year > last):
        span = f"1 to {last}" if last is not None else "from 1"
        raise ValueError(f"{text!r} does not exist: {era} years run {span}")
    return first + year - 1


def fiscal_year_of(date: dt.date) -> FiscalYear:
    """Japanese fiscal year (年度) containing a date.

    Parameters
    ----------
    date : datetime.date
        A date (``datetime.datetime`` and ``pandas.Timestamp`` also work).

    Returns
    -------
    FiscalYear
        The fiscal year, which starts on 1 April: 2012-03-31 → 2011,
        2012-04-01 → 2012.

    Raises
    ------
    TypeError
        If ``date`` is not a date (a bare year is ambiguous: calendar or fiscal?).
    """
    if not isinstance(date, dt.date):
        raise TypeError(f"expected a datetime.date, got {date!r}")
    return FiscalYear(date.year if date.month >= 4 else date.year - 1)


def parse_fiscal_year(text: str) -> FiscalYear:
    """Parse a printed fiscal year, ``2012年度`` or ``平成24年度``.

    Parameters
    ----------
    text : str
        A fiscal year ending in ``年度``, Gregorian (half- or full-width digits) or
        era-based.

    Returns
    -------
    FiscalYear
        The fiscal year, named after the calendar year in which it starts
        (平成24年度 → 2012, i.e. 2012-04-01 to 2013-03-31).

    Raises
    ------
    ValueError
        If the text does not end in ``年度`` (``2012年`` is a calendar year) or its
        year does not parse; the message quotes the text.
    """
    normal = _normalise(text).strip()
    if not normal.endswith("年度"):
        raise ValueError(
            f"{text!r} is not a fiscal year (expected '…年度', e.g. '2012年度'); "
            "a calendar year is not a fiscal year"
        )
    body = normal.removesuffix("度")
    if re.fullmatch(r"[0-9]{4}年", body):
        return FiscalYear(int(body[:-1]))
    try:
        return FiscalYear(era_to_year(body))
    except ValueError as err:
        raise ValueError(f"cannot parse a fiscal year from {text!r}: {err}") from err
