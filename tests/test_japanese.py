import dataclasses
import datetime as dt
import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.japanese import (
    COUNTERS,
    MYRIADS,
    ParsedNumber,
    era_to_year,
    fiscal_year_of,
    parse_count_with_parenthetical,
    parse_fiscal_year,
    parse_number,
    split_lines,
)

# (text, value, high, unit, approx, qualifier): tokens printed in the report, then
# forms in the reference style (white papers, statistics releases).
TOKENS = [
    ("約714万人", 7_140_000, None, "人", True, "約"),
    ("944万人", 9_440_000, None, "人", False, None),
    ("約527万人", 5_270_000, None, "人", True, "約"),
    ("約1.4倍近く", 1.4, None, "倍", True, "約…近く"),
    ("約208万人", 2_080_000, None, "人", True, "約"),
    ("約169万人", 1_690_000, None, "人", True, "約"),
    ("約1.2倍", 1.2, None, "倍", True, "約"),
    ("61", 61, None, None, False, None),
    ("約9,900件", 9_900, None, "件", True, "約"),
    ("約2万7,000件", 27_000, None, "件", True, "約"),
    ("約500件", 500, None, "件", True, "約"),
    ("約1万1,000件", 11_000, None, "件", True, "約"),
    ("約1,300件", 1_300, None, "件", True, "約"),
    ("約1,000件", 1_000, None, "件", True, "約"),
    ("400以上", 400, None, None, False, "以上"),
    ("28か国", 28, None, "か国", False, None),
    ("1地域", 1, None, "地域", False, None),
    ("78件", 78, None, "件", False, None),
    ("5団体", 5, None, "団体", False, None),
    ("17団体", 17, None, "団体", False, None),
    ("4事業", 4, None, "事業", False, None),
    ("3回", 3, None, "回", False, None),
    ("延べ88人", 88, None, "人", False, "延べ"),
    ("150を超える", 150, None, None, True, "超"),
    ("194か国", 194, None, "か国", False, None),
    ("2～3", 2, 3, None, False, None),
    ("5指に余ります", 5, None, None, True, "余り"),
    ("20～39歳", 20, 39, "歳", False, None),
    ("3万7,532人", 37_532, None, "人", False, None),
    ("8分野", 8, None, "分野", False, None),
    ("184職種", 184, None, "職種", False, None),
    ("40～69歳", 40, 69, "歳", False, None),
    ("5,011人", 5_011, None, "人", False, None),
    ("2,018人", 2_018, None, "人", False, None),
    ("3県", 3, None, "県", False, None),
    # reference style
    ("1億2,806万人", 128_060_000, None, "人", False, None),
    ("527万2,095人", 5_272_095, None, "人", False, None),
    ("1・69%", 1.69, None, "%", False, None),
    ("1.74パーセント", 1.74, None, "%", False, None),
    ("２３．５％", 23.5, None, "%", False, None),
    ("１，９０６人", 1_906, None, "人", False, None),
    ("五一", 51, None, None, False, None),
    ("四万", 40_000, None, None, False, None),
    ("二十三", 23, None, None, False, None),
    ("十", 10, None, None, False, None),
    ("百二十人", 120, None, "人", False, None),
    ("三千五百", 3_500, None, None, False, None),
    ("一億二千八百六万人", 128_060_000, None, "人", False, None),
    ("5千人", 5_000, None, "人", False, None),
    ("1.5万人", 15_000, None, "人", False, None),
    ("28カ国", 28, None, "か国", False, None),
    ("5ヵ国", 5, None, "か国", False, None),
    ("12ヶ国", 12, None, "か国", False, None),
    ("7国・地域", 7, None, "国・地域", False, None),
    ("200余人", 200, None, "人", True, "余り"),
    ("1万人余り", 10_000, None, "人", True, "余り"),
    ("3万人超", 30_000, None, "人", True, "超"),
    ("3万人を超えた", 30_000, None, "人", True, "超"),
    ("10%未満", 10, None, "%", True, "未満"),
    ("65歳以上", 65, None, "歳", False, "以上"),
    ("100件以下", 100, None, "件", False, "以下"),
    ("およそ3,000枚", 3_000, None, "枚", True, "およそ"),
    ("累計3万人", 30_000, None, "人", False, "累計"),
    ("計5名", 5, None, "名", False, "計"),
    ("約2〜3か国", 2, 3, "か国", True, "約"),
    ("1万~2万人", 10_000, 20_000, "人", False, None),
    ("20歳－39歳", 20, 39, "歳", False, None),
    ("10年間", 10, None, "年", False, None),
    ("延べ約1万人以上", 10_000, None, "人", True, "延べ約…以上"),
    ("3か月", 3, None, "か月", False, None),
    ("15カ月", 15, None, "か月", False, None),
    ("6ヶ月間", 6, None, "か月", False, None),
    ("5日間", 5, None, "日", False, None),
    # signs: minus (ASCII, U+2212, full-width), the accounting marks ▲ and △, plus
    ("▲3.2%", -3.2, None, "%", False, None),
    ("△2億", -200_000_000, None, None, False, None),
    ("−1,156人", -1_156, None, "人", False, None),
    ("-1,156人", -1_156, None, "人", False, None),
    ("－5人", -5, None, "人", False, None),
    ("+60,275人", 60_275, None, "人", False, None),
    ("＋3", 3, None, None, False, None),
    ("約-3%", -3, None, "%", True, "約"),
    ("-3～-1%", -3, -1, "%", False, None),
    # a dash between two numbers is a range, whichever dash
    ("20-39歳", 20, 39, "歳", False, None),
    ("20−39歳", 20, 39, "歳", False, None),
    ("2－3か国", 2, 3, "か国", False, None),
]


@pytest.mark.parametrize(("text", "value", "high", "unit", "approx", "qualifier"), TOKENS)
def test_tokens(text, value, high, unit, approx, qualifier):
    parsed = parse_number(text)
    assert parsed == ParsedNumber(
        text, float(value), None if high is None else float(high), approx, qualifier, unit
    )
    assert parsed.is_range is (high is not None)


def test_parsed_number_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_number("約714万人").value = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "bound"),
    [("400以上", "lower"), ("150を超える", "lower"), ("5指に余ります", "lower"),
     ("100件以下", "upper"), ("10%未満", "upper"), ("約1.4倍近く", None), ("延べ88人", None),
     ("944万人", None)],
)  # fmt: skip
def test_bound_direction(text, bound):
    assert parse_number(text).bound == bound


def test_inclusive_bounds_are_exact_strict_bounds_approximate():
    assert not parse_number("400以上").approx
    assert not parse_number("400以下").approx
    assert parse_number("400超").approx
    assert parse_number("400未満").approx


def test_counter_variants_are_normalised():
    assert {COUNTERS[c] for c in ("か国", "カ国", "ヵ国", "ヶ国", "ケ国")} == {"か国"}
    assert {COUNTERS[c] for c in ("%", "パーセント")} == {"%"}
    assert parse_number("3％").unit == "%"


@pytest.mark.parametrize(
    ("cell", "total", "part"),
    [("1,906（45）人", 1906, 45), ("219 （9）人", 219, 9), ("352（11）人", 352, 11),
     ("3,784（105）人", 3784, 105), ("2 （0）人", 2, 0), ("1，906 (45) 人", 1906, 45)],
)  # fmt: skip
def test_count_with_parenthetical(cell, total, part):
    got_total, got_part = parse_count_with_parenthetical(cell)
    assert (got_total.value, got_part.value) == (total, part)
    assert got_total.unit == got_part.unit == "人"
    assert got_total.text == got_part.text == cell


@pytest.mark.parametrize(
    "bad",
    ["約x万人", "", "   ", "約", "万人", "1,23", "1..2", "1.5.2", "3～2", "1万12,000", "億1万",
     "1万億", "1万2.5", "一二十", "十百", "〇十", "約約5", "20歳～39", "5千3百", "3割", "2011年度",
     "第3回", "2回目", "NGO", "12 人", "1,906（45）人",
     # a decimal leading group takes no lower group; figures must be below 10**16
     "1.5万3000", "1.5億2万人", "2・5万300", "9" * 400, "10000兆", "1" + "0" * 16, "1億" * 3,
     # a sign stands directly before the number, once; a dash alone is no number
     "--3", "+-3", "3-", "- 3", "▲▲3", "-", "3~-"],
)  # fmt: skip
def test_bad_numbers_raise_quoting_the_text(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        parse_number(bad)


@pytest.mark.parametrize("bad", ["1,906人", "1,906（x）人", "（45）人", "1,906（45）（3）人"])
def test_bad_cells_raise_quoting_the_text(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        parse_count_with_parenthetical(bad)


def test_parse_number_rejects_non_strings():
    with pytest.raises(TypeError, match="1906"):
        parse_number(1906)  # type: ignore[arg-type]


def test_largest_figure_is_just_below_ten_quadrillion():
    # float64 holds it to within one unit (its spacing is 2 between 2**53 and 2**54)
    largest = 9_999_999_999_999_999
    for text in ("9999兆9999億9999万9999", "9,999,999,999,999,999"):
        assert abs(int(parse_number(text).value) - largest) <= 1
    with pytest.raises(ValueError, match="below 10\\*\\*16"):
        parse_number("10,000,000,000,000,000")


def test_myriads_are_public():
    assert MYRIADS == {"兆": 10**12, "億": 10**8, "万": 10**4}


# --- split_lines ---------------------------------------------------------------------------

# every line break str.splitlines knows: LF, CRLF, CR, VT, FF (page break), FS, GS, RS, NEL,
# LINE SEPARATOR, PARAGRAPH SEPARATOR
LINE_BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("newline", LINE_BREAKS)
def test_split_lines_ends_a_line_at_every_convention(newline):
    text = f"約527{newline}万人{newline}{newline}225外交青書{newline}"
    assert split_lines(text) == ["約527", "万人", "", "225外交青書"]


def test_split_lines_is_str_splitlines():
    text = "a\r\nb\rc\fd\u2028e\x85f\n\ng"
    assert split_lines(text) == text.splitlines() == ["a", "b", "c", "d", "e", "f", "", "g"]
    assert split_lines("") == []
    assert split_lines("x\n") == ["x"]


@pytest.mark.parametrize("bad", [b"a\nb", None, 3, ["a"]])
def test_split_lines_rejects_non_strings(bad):
    with pytest.raises(TypeError, match="expected a str"):
        split_lines(bad)  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")
_MYRIADS = sorted(((value, name) for name, value in MYRIADS.items()), reverse=True)
_KANJI = "〇一二三四五六七八九"


def _myriad_notation(n: int, group) -> str:
    """Write n as 1億2,806万3,000 (or in kanji), formatting each group with ``group``."""
    parts = []
    for scale, name in _MYRIADS:
        if n >= scale:
            parts.append(group(n // scale) + name)
            n %= scale
    if n or not parts:
        parts.append(group(n))
    return "".join(parts)


def _kanji_group(n: int) -> str:
    """Positional kanji for 0 <= n; 一 is dropped before 十/百/千 (千五百, not 一千五百)."""
    if n == 0:
        return "〇"
    out = ""
    for power, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, power)
        if digit:
            out += ("" if digit == 1 else _KANJI[digit]) + name
    return out + (_KANJI[n] if n else "")


integers = st.integers(min_value=0, max_value=10**12)


@given(integers)
def test_integers_round_trip_in_every_notation(n):
    notations = [
        str(n),
        f"{n:,}",
        f"{n:,}".translate(_FULL_WIDTH),
        _myriad_notation(n, lambda g: f"{g:,}"),
        _myriad_notation(n, lambda g: f"{g:,}".translate(_FULL_WIDTH)),
        _myriad_notation(n, lambda g: _kanji_group(g) if g < 10**4 else f"{g:,}"),
    ]
    for text in notations:
        assert parse_number(text).value == n, text
        assert parse_number(text + "人").value == n, text


@given(integers, integers, st.sampled_from(["～", "〜", "~", "－", "-", "−"]))
def test_ranges_keep_low_below_high(a, b, separator):
    low, high = sorted((a, b))
    parsed = parse_number(f"{low:,}{separator}{high:,}人")
    assert (parsed.value, parsed.high, parsed.unit) == (low, high, "人")
    assert parsed.value <= parsed.high
    if low < high:
        with pytest.raises(ValueError, match="runs backwards"):
            parse_number(f"{high:,}{separator}{low:,}人")


@given(
    integers,
    st.sampled_from([*COUNTERS, ""]),
    st.sampled_from(["", "近く", "以上", "以下", "未満", "余り", "超", "を超える"]),
)
def test_yaku_always_sets_approx(n, counter, suffix):
    parsed = parse_number(f"約{n:,}{counter}{suffix}")
    assert parsed.approx
    assert parsed.qualifier.startswith("約")
    assert parsed.value == n


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_decimals_round_trip(d):
    for point in (".", "・", "．"):
        assert math.isclose(parse_number(f"{d:f}".replace(".", point) + "%").value, float(d))


SIGNS = {"-": -1, "−": -1, "－": -1, "▲": -1, "△": -1, "+": 1, "＋": 1, "": 1}


@given(integers, st.sampled_from(sorted(SIGNS)), st.sampled_from(["", "人", "%", "か国"]))
def test_signs_round_trip(n, sign, counter):
    for text in (f"{sign}{n:,}{counter}", f"{sign}{_myriad_notation(n, str)}{counter}"):
        assert parse_number(text).value == SIGNS[sign] * n, text


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["～", "~", "－", "-"]),
)
def test_signed_ranges_round_trip(a, b, separator):
    low, high = sorted((a, b))

    def signed(n: int) -> str:
        return f"{'▲' if n < 0 else ''}{abs(n):,}"

    parsed = parse_number(f"{signed(low)}{separator}{signed(high)}%")
    assert (parsed.value, parsed.high) == (low, high)


@given(st.integers(min_value=10**16, max_value=10**40))
def test_too_large_integers_raise(n):
    for text in (str(n), f"{n:,}", f"{n // 10**12}兆"):
        with pytest.raises(ValueError, match="below 10"):
            parse_number(text)


_NUMBERISH = st.text(
    alphabet=st.sampled_from(list("0123456789０１９,.・，．万億兆千十百一二〇約超以上余り人か国%～~-−－▲△+")),
    max_size=30,
)


@given(st.one_of(_NUMBERISH, st.text(max_size=30)))
def test_parse_number_returns_a_finite_value_or_raises_value_error(text):
    """Arbitrary text: a ParsedNumber with finite values below 10**16, or ValueError."""
    try:
        parsed = parse_number(text)
    except ValueError as err:
        assert repr(text) in str(err)
        return
    for value in (parsed.value, parsed.high if parsed.high is not None else 0.0):
        assert math.isfinite(value) and abs(value) < 10**16


# --- eras and fiscal years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [("平成23年", 2011), ("平成元年", 1989), ("昭和60年", 1985), ("令和5年", 2023), ("H23", 2011),
     ("Ｈ２３", 2011), ("h23", 2011), ("S60", 1985), ("R5", 2023), ("平成２３年", 2011),
     ("平成二十三年", 2011), ("平成25年", 2013), ("昭和元年", 1926), ("昭和64年", 1989),
     ("平成31年", 2019), ("令和元年", 2019), ("平成23", 2011)],
)  # fmt: skip
def test_era_to_year(text, year):
    assert era_to_year(text) == year


@pytest.mark.parametrize(
    "bad",
    ["平成32年", "H32", "昭和65年", "平成0年", "令和0年", "大正3年", "2011年", "平成", "平成x年"],
)
def test_impossible_era_years_raise(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        era_to_year(bad)


def test_era_to_year_refuses_fiscal_years():
    with pytest.raises(ValueError, match="parse_fiscal_year"):
        era_to_year("平成24年度")


@pytest.mark.parametrize(
    ("date", "fiscal_year"),
    [(dt.date(2012, 3, 31), 2011), (dt.date(2012, 4, 1), 2012), (dt.date(2012, 12, 31), 2012),
     (dt.date(2013, 1, 1), 2012), (dt.datetime(2013, 3, 31, 23, 59), 2012),
     (pd.Timestamp("2013-04-01"), 2013)],
)  # fmt: skip
def test_fiscal_year_of(date, fiscal_year):
    assert fiscal_year_of(date) == fiscal_year


def test_fiscal_year_of_refuses_a_bare_year():
    with pytest.raises(TypeError, match="2012"):
        fiscal_year_of(2012)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "fiscal_year"),
    [("2012年度", 2012), ("２０１２年度", 2012), ("平成24年度", 2012), ("平成元年度", 1989),
     ("H24年度", 2012)],
)  # fmt: skip
def test_parse_fiscal_year(text, fiscal_year):
    assert parse_fiscal_year(text) == fiscal_year


@pytest.mark.parametrize("bad", ["2012年", "2012", "平成24年", "平成32年度", "24年度", "年度"])
def test_parse_fiscal_year_refuses_calendar_years_and_bad_years(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        parse_fiscal_year(bad)
