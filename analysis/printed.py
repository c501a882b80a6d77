"""What a printed figure says: its value, its rounding, its qualifiers -- one rule each.

Every part of the package that compares a printed figure with data uses this module:
the data checks (``value`` against ``as_printed`` in every raw file), the fact-check
(:mod:`analysis.claims`), the visa programme rates (:mod:`analysis.visas`) and the fact
tables (:mod:`analysis.facts`).

Rounding
--------
:func:`interval` returns the :class:`Interval` of true values a printed figure allows.
A figure is *rounded* to the place value of its last written digit (its *step*) when

- it carries ``約``/``およそ``/``近く`` (or ``about``): trailing zeros are **not**
  significant, so ``約714万`` has step 1万 (713.5万-714.5万), ``約2万7,000件`` step
  1,000, ``約1.4倍`` step 0.1; ``約700万`` allows 650万-750万, the widest reading, so
  that no figure is called wrong for a precision it may not claim;
- it ends in a myriad unit or is printed in thousands without ``約`` (``944万人``,
  ``127,486 (千人)``, ``7.14 million``): the writer chose to print 10,000s (1,000s,
  millions), so it is read as rounded to them; the digits written are significant;
- it has decimals (``1.63%``): rounded to its last decimal.

Anything else (``3万7,532人``, ``152``, ``2,217,426``) is exact. The interval is the
printed value ± half a step, closed at both ends. Qualifiers then shape it: ``近く``
("nearly") is approached from below (``約1.4倍近く`` allows 1.35-1.40); ``以上``/``以下``
are inclusive bounds; ``超``/``を超える``/``余り``/``over``/``more than`` and ``未満`` are
strict bounds whose printed value is the open end; ``延べ``, ``累計``, ``計`` say what was
counted, not how precisely. A range (``2～3``) allows both ends and all between.

Verdicts
--------
:func:`verdict` places an observed value against that interval: ``consistent``,
``consistent-rounded`` (inside, the figure rounded, the value not equal to it) or
``inconsistent``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from analysis.japanese import MYRIADS, ParsedNumber, parse_number

__all__ = [
    "Interval",
    "figure_kind",
    "format_figure",
    "interval",
    "reads_as",
    "source_interval",
    "source_number",
    "value_type_allowed",
    "verdict",
]

_INF = math.inf
_ROUNDING_QUALIFIERS = ("約", "およそ", "近く")
_NUMERAL = re.compile(r"[0-9][0-9,.・千万億兆]*")


@dataclass(frozen=True)
class Interval:
    """The true values a printed figure allows.

    Attributes
    ----------
    low, high : float
        Ends of the interval (``-inf``/``inf`` for a one-sided bound).
    low_closed, high_closed : bool
        Whether each end belongs to the interval.
    rounded : bool
        Whether the figure is printed rounded, so that a value inside the interval but
        not equal to the printed value is ``consistent-rounded``.
    rule : str
        The reading applied, in words (e.g. ``約: rounded to the nearest 10,000``).
    """

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True
    rounded: bool = False
    rule: str = "exact figure"
    printed: float = math.nan

    def __contains__(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (to 1e-9 relative, for float noise)."""
        x = float(value)
        if math.isnan(x):
            return False
        tol = 1e-9 * max(1.0, abs(x))
        above = x >= self.low - tol if self.low_closed else x > self.low + tol
        below = x <= self.high + tol if self.high_closed else x < self.high - tol
        return above and below

    @property
    def bound(self) -> str | None:
        """``'lower'`` (no upper end), ``'upper'`` (no lower end) or None."""
        if self.high == _INF:
            return "lower"
        if self.low == -_INF:
            return "upper"
        return None

    def __str__(self) -> str:
        """Human-readable form, e.g. ``7,135,000 ≤ x ≤ 7,145,000`` or ``x > 150``."""
        lo, hi = format_figure(self.low), format_figure(self.high)
        if self.low == -_INF:
            return f"x {'≤' if self.high_closed else '<'} {hi}"
        if self.high == _INF:
            return f"x {'≥' if self.low_closed else '>'} {lo}"
        if self.low == self.high:
            return f"x = {lo}"
        return f"{lo} {'≤' if self.low_closed else '<'} x {'≤' if self.high_closed else '<'} {hi}"


def format_figure(x: float) -> str:
    """``7,135,407``; ``1.3534``; ``inf`` -- integers with separators, else 4 decimals."""
    if math.isinf(x) or math.isnan(x):
        return str(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def _parsed(printed: str | ParsedNumber) -> ParsedNumber:
    return parse_number(printed) if isinstance(printed, str) else printed


def _written_step(numeral: str) -> tuple[Decimal, int]:
    """Place value of the last written digit of an Arabic numeral, and its decimals."""
    scale = Decimal(1)
    if numeral[-1] in MYRIADS:
        scale, numeral = Decimal(MYRIADS[numeral[-1]]), numeral[:-1]
    group = re.split("[万億兆]", numeral)[-1]
    if group.endswith("千"):
        scale, group = scale * 1000, group[:-1]
    decimals = len(re.split("[.・]", group)[1]) if re.search("[.・]", group) else 0
    return scale.scaleb(-decimals), decimals


def _trailing_zero_step(value: float) -> Decimal:
    """10**k for the k trailing zeros of an integer value (1 for 0)."""
    n, k = round(abs(value)), 0
    while n and n % 10 == 0:
        n, k = n // 10, k + 1
    return Decimal(10) ** k


def _rounding(
    low: Decimal, high: Decimal, step: Decimal, decimals: int, approx: bool, qualifier: str
) -> Interval:
    """Build the interval of a figure from its value(s), written step and qualifier."""
    if approx and decimals == 0:
        step = max(step, _trailing_zero_step(float(high)))
    rounded = approx or decimals > 0 or step > 1
    pad = step / 2 if rounded else Decimal(0)
    unit = format_figure(float(step))
    if not rounded:
        rule = "exact figure"
    elif approx:
        rule = f"{qualifier.split('…')[0]}: rounded to the nearest {unit}"
    elif decimals:
        rule = f"printed to {decimals} decimal(s): read as rounded to {unit}"
    else:
        rule = f"printed in units of {unit} without 約: read as rounded to them"
    value = float(low)
    base = Interval(float(low - pad), float(high + pad), True, True, rounded, rule, value)
    if qualifier.endswith("近く"):
        nearly = f"{rule}; 近く: nearly, from below"
        return Interval(base.low, float(high), True, True, rounded, nearly, value)
    bounds = {
        "以上": Interval(base.low, _INF, True, True, rounded, "以上: at least", value),
        "超": Interval(value, _INF, False, True, False, "を超える/超: more than", value),
        "余り": Interval(value, _INF, False, True, False, "余り: more than", value),
        "以下": Interval(-_INF, base.high, True, True, rounded, "以下: at most", value),
        "未満": Interval(-_INF, float(high), True, False, False, "未満: less than", value),
    }
    return next((v for k, v in bounds.items() if qualifier.endswith(k)), base)


def interval(printed: str | ParsedNumber) -> Interval:
    """Return the interval of true values a printed Japanese figure allows.

    Parameters
    ----------
    printed : str or ParsedNumber
        A figure as printed (``約714万人``, ``944万人``, ``約1.4倍近く``, ``400以上``,
        ``150を超える``, ``3万7,532人``), or its :func:`~analysis.japanese.parse_number`.

    Returns
    -------
    Interval
        Ends, whether each is included, whether the figure is rounded, and the rule
        applied in words (the rules of the module docstring).

    Raises
    ------
    ValueError
        If the text is not a figure :func:`~analysis.japanese.parse_number` can read.

    Examples
    --------
    >>> str(interval("約714万人"))
    '7,135,000 ≤ x ≤ 7,145,000'
    >>> str(interval("約1.4倍近く"))
    '1.35 ≤ x ≤ 1.4'
    >>> str(interval("150を超える"))
    'x > 150'
    """
    parsed = _parsed(printed)
    qualifier = parsed.qualifier or ""
    top = parsed.value if parsed.high is None else parsed.high
    numerals = _NUMERAL.findall(unicodedata.normalize("NFKC", parsed.text))
    step, decimals = _written_step(numerals[-1]) if numerals else (Decimal(1), 0)
    approx = any(q in qualifier for q in _ROUNDING_QUALIFIERS)
    return _rounding(
        Decimal(repr(parsed.value)), Decimal(repr(top)), step, decimals, approx, qualifier
    )


def verdict(printed: str | ParsedNumber, observed: float) -> str:
    """Verdict of a printed figure against one observed value.

    Parameters
    ----------
    printed : str or ParsedNumber
        The figure as printed, e.g. ``約714万人``.
    observed : float
        The value in the data, in the same unit (persons, not 万).

    Returns
    -------
    str
        ``inconsistent`` if ``observed`` is outside :func:`interval`;
        ``consistent-rounded`` if inside, the figure is rounded and the value differs
        from the printed one; else ``consistent``.
    """
    parsed = _parsed(printed)
    allowed = interval(parsed)
    if observed not in allowed:
        return "inconsistent"
    if allowed.rounded and not math.isclose(observed, parsed.value, rel_tol=1e-12):
        return "consistent-rounded"
    return "consistent"


# --------------------------------------------------------------------------- source prints

_TABLE_UNIT = re.compile(r"\((?P<unit>1,000|千|万|百万)人?\)$")
_TABLE_SCALE = {"1,000": 1000, "千": 1000, "万": 10**4, "百万": 10**6}
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_FOOTNOTE = re.compile(r"^[a-z]\)")
_ENGLISH = re.compile(
    r"^(?P<qual>over |more than |about |approximately |around |nearly )?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?: ?(?P<scale>million|billion|thousand))?"
    r"(?: [A-Za-z][A-Za-z ()-]*)?$",
    re.IGNORECASE,
)
_SCALE_WORDS = re.compile(r"(?i)mill|bill|thousand|\bmil\b|百|万|億|千|兆")
_ENGLISH_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_ENGLISH_QUALIFIER = {
    "over": "超",
    "more than": "超",
    "about": "約",
    "approximately": "約",
    "around": "約",
    "nearly": "約…近く",
}


def source_interval(as_printed: str) -> Interval:
    """Return the interval a figure as printed by a *source* allows, by the same rules.

    Sources print more forms than the report: spaces inside a figure (``168 万 6,444
    人``), a table footnote mark (``a)117,060``), a table's unit in parentheses
    (``127,486 (千人)``, ``117,060 (1,000)``, ``16.3 (万人)`` = 163,000 to the thousand),
    a dot as thousands separator (``520.000``: groups of exactly three digits), English
    (``155 countries``, ``over 20,000``, ``7.14 million``), a figure inside words
    (``61の国と地域``). Each is read into the rounding rules of :func:`interval`.

    Parameters
    ----------
    as_printed : str
        The figure as printed.

    Returns
    -------
    Interval
        As :func:`interval`; ``low`` (or the open end of a bound) is the printed value.

    Raises
    ------
    ValueError
        If no figure can be read; the message quotes the text.
    """
    text = re.sub(r"\s+", "", _FOOTNOTE.sub("", as_printed.strip()))
    table_unit = _TABLE_UNIT.search(text)
    if table_unit:
        core = text[: table_unit.start()]
        numeral = re.fullmatch(r"\d{1,3}(?:,\d{3})*(?:\.(\d+))?|\d+(?:\.(\d+))?", core)
        if numeral is None:
            raise ValueError(f"cannot read a figure in a table unit from {as_printed!r}")
        decimals = len(numeral[1] or numeral[2] or "")
        scale = Decimal(_TABLE_SCALE[table_unit["unit"]])
        value = Decimal(core.replace(",", "")) * scale
        return _rounding(value, value, scale.scaleb(-decimals), decimals, False, "")
    if _DOT_THOUSANDS.fullmatch(text):
        value = Decimal(text.replace(".", ""))
        return _rounding(value, value, Decimal(1), 0, False, "")
    try:
        return interval(text)
    except ValueError:
        pass
    english = _ENGLISH.fullmatch(" ".join(as_printed.split()))
    if english is None:
        return _single_number(as_printed)
    number = english["num"].replace(",", "")
    decimals = len(number.split(".")[1]) if "." in number else 0
    scale = Decimal(_ENGLISH_SCALE[english["scale"].lower()]) if english["scale"] else Decimal(1)
    value = Decimal(number) * scale
    qualifier = _ENGLISH_QUALIFIER.get((english["qual"] or "").strip().lower(), "")
    step = scale.scaleb(-decimals)
    return _rounding(value, value, step, decimals, "約" in qualifier, qualifier)


def _single_number(as_printed: str) -> Interval:
    """Read a figure inside words (``61の国と地域``, ``累計で3,817名``, ``累計1000人突破``).

    Read only when the text holds exactly one number and no word of scale (万, 億,
    千, million …), so nothing is guessed; ``突破`` ("passed") makes it a strict
    lower bound.
    """
    numbers = re.findall(r"\d[\d,.]*", unicodedata.normalize("NFKC", as_printed))
    if len(numbers) != 1 or _SCALE_WORDS.search(as_printed):
        raise ValueError(f"cannot read a figure from {as_printed!r}")
    value = Decimal(numbers[0].rstrip(".,").replace(",", ""))
    return _rounding(value, value, Decimal(1), 0, False, "超" if "突破" in as_printed else "")


def source_number(as_printed: str) -> float:
    """Return the number a source printed, in its unit (``127,486 (千人)`` → 127,486,000).

    See :func:`source_interval` for the forms read.
    """
    return source_interval(as_printed).printed


def value_type_allowed(allowed: Interval, value_type: str) -> bool:
    """Whether a row's ``value_type`` claims no more than its print shows.

    A lower bound must be recorded as ``lower_bound``; a rounded print as
    ``rounded``; a print that looks exact may be recorded ``exact`` or ``rounded``
    (a source may say elsewhere that its figures are rounded, e.g. JNTO's estimates
    to the hundred: ``24万5900人``), never as a bound.
    """
    if allowed.bound == "lower":
        return value_type == "lower_bound"
    if allowed.rounded:
        return value_type == "rounded"
    return value_type in ("exact", "rounded")


# --------------------------------------------------------------------------- kinds


def figure_kind(parsed: ParsedNumber) -> str:
    """Say what kind of number a printed figure is.

    Returns
    -------
    str
        ``"range"``, ``"lower bound (以上)"``, ``"upper bound (未満)"``,
        ``"person-times (延べ)"``, ``"approximate (約)"`` or ``"exact"``.
    """
    qualifier = parsed.qualifier or ""
    if parsed.high is not None:
        return "range"
    if parsed.bound is not None:
        mark = qualifier.split("…")[-1]
        return f"{parsed.bound} bound ({mark})"
    if "延べ" in qualifier:
        return "person-times (延べ)"
    if parsed.approx or qualifier:
        return f"approximate ({qualifier})" if qualifier else "approximate"
    return "exact"


def reads_as(parsed: ParsedNumber) -> str:
    """Write a printed figure as plain mathematics: ``≥ 400``, ``20–39``, ``≈ 9,900``."""
    number = f"{parsed.value:,.10g}"
    kind = figure_kind(parsed)
    if kind == "range":
        return f"{number}–{parsed.high:,.10g}"
    allowed = interval(parsed)
    if allowed.bound == "lower":
        return f"≥ {number}" if allowed.low_closed else f"> {number}"
    if allowed.bound == "upper":
        return f"≤ {number}" if allowed.high_closed else f"< {number}"
    if kind.startswith("approximate"):
        return f"≈ {number}"
    return number
