"""Printed-number semantics: one rounding rule, one qualifier reading, one verdict rule."""

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analysis import data
from analysis.japanese import parse_number
from analysis.printed import (
    Interval,
    figure_kind,
    interval,
    reads_as,
    source_interval,
    source_number,
    value_type_allowed,
    verdict,
)

INF = math.inf


# --------------------------------------------------------------------------- rounding rules


@pytest.mark.parametrize(
    ("printed", "low", "high", "low_closed", "high_closed", "rounded"),
    [
        ("約714万人", 7_135_000, 7_145_000, True, True, True),
        ("944万人", 9_435_000, 9_445_000, True, True, True),
        ("約527万人", 5_265_000, 5_275_000, True, True, True),
        ("約1.4倍近く", 1.35, 1.40, True, True, True),
        ("約1.2倍", 1.15, 1.25, True, True, True),
        ("400以上", 400, INF, True, True, False),
        ("延べ88人", 88, 88, True, True, False),
        ("150を超える", 150, INF, False, True, False),
        ("3万7,532人", 37_532, 37_532, True, True, False),
        ("5,011人", 5_011, 5_011, True, True, False),
        ("約2万7,000件", 26_500, 27_500, True, True, True),
        ("約9,900件", 9_850, 9_950, True, True, True),
        ("約500件", 450, 550, True, True, True),
        ("2～3", 2, 3, True, True, False),
        ("5指に余ります", 5, INF, False, True, False),
        ("1.63%", 1.625, 1.635, True, True, True),
        ("900万人", 8_995_000, 9_005_000, True, True, True),
    ],
)
def test_rounding_interval_of_report_tokens(printed, low, high, low_closed, high_closed, rounded):
    allowed = interval(printed)
    assert allowed.low == pytest.approx(low)
    assert allowed.high == pytest.approx(high)
    assert (allowed.low_closed, allowed.high_closed) == (low_closed, high_closed)
    assert allowed.rounded is rounded
    assert interval(parse_number(printed)) == allowed


@pytest.mark.parametrize(
    ("printed", "observed", "expected"),
    [
        ("約714万人", 7_135_407, "consistent-rounded"),
        ("約714万人", 7_140_000, "consistent"),
        ("約714万人", 7_134_999, "inconsistent"),
        ("約714万人", 7_145_001, "inconsistent"),
        ("944万人", 9_443_696, "consistent-rounded"),
        ("944万人", 9_440_000, "consistent"),
        ("944万人", 9_445_001, "inconsistent"),
        ("約1.4倍近く", 7_135_407 / 5_272_095, "consistent-rounded"),
        ("約1.4倍近く", 1.4, "consistent"),
        ("約1.4倍近く", 1.41, "inconsistent"),
        ("約1.4倍近く", 1.349, "inconsistent"),
        ("約1.2倍", 2_078_508 / 1_686_444, "consistent-rounded"),
        ("約1.2倍", 1.26, "inconsistent"),
        ("400以上", 400, "consistent"),
        ("400以上", 1_000, "consistent"),
        ("400以上", 399, "inconsistent"),
        ("延べ88人", 88, "consistent"),
        ("延べ88人", 87, "inconsistent"),
        ("150を超える", 152, "consistent"),
        ("150を超える", 150, "inconsistent"),
        ("3万7,532人", 37_532, "consistent"),
        ("3万7,532人", 37_533, "inconsistent"),
    ],
)
def test_verdict_of_report_tokens(printed, observed, expected):
    assert verdict(printed, observed) == expected


@pytest.mark.parametrize(
    ("printed", "text"),
    [
        ("約714万人", "7,135,000 ≤ x ≤ 7,145,000"),
        ("約1.4倍近く", "1.35 ≤ x ≤ 1.4"),
        ("150を超える", "x > 150"),
        ("400以上", "x ≥ 400"),
        ("3万7,532人", "x = 37,532"),
        ("10未満", "x < 10"),
    ],
)
def test_interval_text(printed, text):
    assert str(interval(printed)) == text


def test_interval_membership_ignores_float_noise():
    assert 1.35 in Interval(1.35, 1.4)
    assert 1.35 - 1e-12 in Interval(1.35, 1.4)
    assert 150 not in Interval(150, INF, low_closed=False)


@given(st.integers(5_000, 10**11))
@example(7_135_407)
@example(7_145_000)
@example(7_135_000)
def test_any_integer_printed_to_the_man_is_consistent(n):
    man = (n + 5_000) // 10_000  # rounded half up to the 万
    assert verdict(f"約{man}万人", n) == (
        "consistent" if n == man * 10_000 else "consistent-rounded"
    )


@given(st.floats(0.05, 100, allow_nan=False))
def test_any_ratio_printed_to_one_decimal_is_consistent(r):
    printed = Decimal(r).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert verdict(f"約{printed}倍", r) in {"consistent", "consistent-rounded"}


_SUFFIXES = ["", "近く", "以上", "以下", "を超える", "余り", "未満"]


@st.composite
def printed_figures(draw):
    digits = draw(st.integers(1, 10**7))
    decimals = draw(st.integers(0, 3))
    number = f"{Decimal(digits).scaleb(-decimals):f}"
    if decimals == 0 and draw(st.booleans()):
        number = f"{digits:,}"
    if draw(st.booleans()):
        number += "万"
    prefix = draw(st.sampled_from(["", "約"]))
    unit = draw(st.sampled_from(["", "人", "件", "倍", "か国"]))
    return prefix + number + unit + draw(st.sampled_from(_SUFFIXES))


@given(printed_figures())
@example("約1.4倍近く")
@example("150を超える")
def test_interval_contains_the_printed_value(printed):
    parsed = parse_number(printed)
    allowed = interval(parsed)
    strict = (parsed.qualifier or "").endswith(("超", "余り", "未満"))
    assert (parsed.value in allowed) is not strict
    if strict:
        assert parsed.value in (allowed.low, allowed.high)
    if (parsed.qualifier or "").endswith("近く"):
        assert allowed.high == parsed.value and allowed.high_closed
        assert allowed.low < parsed.value
    if (parsed.qualifier or "") == "約":
        assert allowed.low < parsed.value < allowed.high
        assert parsed.value - allowed.low == pytest.approx(allowed.high - parsed.value)


@given(printed_figures(), st.floats(1e-6, 10.0), st.booleans())
def test_a_value_outside_the_interval_is_never_consistent(printed, offset, below):
    allowed = interval(printed)
    edge = allowed.low if below else allowed.high
    if math.isinf(edge):
        return
    observed = edge - offset * max(1.0, abs(edge)) if below else edge + offset * max(1.0, abs(edge))
    assert verdict(printed, observed) == "inconsistent"


@given(printed_figures(), st.floats(0.0, 1.0))
def test_a_value_inside_the_interval_is_consistent(printed, t):
    allowed = interval(printed)
    if math.isinf(allowed.low) or math.isinf(allowed.high):
        return
    observed = allowed.low + t * (allowed.high - allowed.low)
    if observed in allowed:  # open ends excluded
        assert verdict(printed, observed) in {"consistent", "consistent-rounded"}



# --------------------------------------------------------------------------- sources' prints


@pytest.mark.parametrize(
    ("printed", "value", "low", "high", "rounded"),
    [
        ("2,217,426", 2_217_426, 2_217_426, 2_217_426, False),
        ("168 万 6,444 人", 1_686_444, 1_686_444, 1_686_444, False),
        ("a)117,060", 117_060, 117_060, 117_060, False),
        ("127,486 (千人)", 127_486_000, 127_485_500, 127_486_500, True),
        ("117,060 (1,000)", 117_060_000, 117_059_500, 117_060_500, True),
        ("16.3 (万人)", 163_000, 162_500, 163_500, True),
        ("520.000", 520_000, 520_000, 520_000, False),
        ("155 countries", 155, 155, 155, False),
        ("7.14 million", 7_140_000, 7_135_000, 7_145_000, True),
        ("over 20,000", 20_000, 20_000, INF, False),
        ("61の国と地域", 61, 61, 61, False),
        ("累計で3,817名", 3_817, 3_817, 3_817, False),
        ("派遣人数累計1000人突破", 1_000, 1_000, INF, False),
        ("約50.7億円", 5_070_000_000, 5_065_000_000, 5_075_000_000, True),
        ("約1,036万人", 10_360_000, 10_355_000, 10_365_000, True),
    ],
)
def test_source_prints(printed, value, low, high, rounded):
    allowed = source_interval(printed)
    assert source_number(printed) == value == allowed.printed
    assert (allowed.low, allowed.high, allowed.rounded) == (
        pytest.approx(low),
        pytest.approx(high),
        rounded,
    )


@pytest.mark.parametrize(
    "printed", ["", "abc", "1万と2万", "3 million 4", "12 (百人)", "約 and 5万"]
)
def test_unreadable_source_prints_are_refused(printed):
    with pytest.raises(ValueError, match="cannot read"):
        source_interval(printed)


@pytest.mark.parametrize(
    ("printed", "value_type", "allowed"),
    [
        ("2,217,426", "exact", True),
        ("24万5900人", "rounded", True),  # JNTO estimates: exact-looking, rounded to 100
        ("2,217,426", "lower_bound", False),
        ("約714万人", "exact", False),
        ("約714万人", "rounded", True),
        ("1.63%", "exact", False),
        ("over 20,000", "lower_bound", True),
        ("over 20,000", "exact", False),
    ],
)
def test_value_type_claims_no_more_than_the_print(printed, value_type, allowed):
    assert value_type_allowed(source_interval(printed), value_type) is allowed


@pytest.mark.parametrize(
    ("printed", "kind", "plain"),
    [
        ("400以上", "lower bound (以上)", "≥ 400"),
        ("150を超える", "lower bound (超)", "> 150"),
        ("10未満", "upper bound (未満)", "< 10"),
        ("延べ88人", "person-times (延べ)", "88"),
        ("約9,900件", "approximate (約)", "≈ 9,900"),
        ("20～39歳", "range", "20–39"),
        ("48", "exact", "48"),
    ],
)
def test_kind_and_plain_reading(printed, kind, plain):
    parsed = parse_number(printed)
    assert figure_kind(parsed) == kind
    assert reads_as(parsed) == plain


def test_every_report_figure_goes_through_the_one_rule():
    """Each of the 245 figures: its interval holds its value (the open end of a strict
    bound excepted), and the kind agrees with the interval's shape."""
    figures = data.report_figures()
    assert len(figures) == 245
    for rec in figures.itertuples(index=False):
        parsed = data.parse_figure(rec.as_printed, rec.component)
        allowed = interval(parsed)
        kind = figure_kind(parsed)
        assert allowed.printed == rec.value, rec.figure_id
        if kind.startswith("lower bound"):
            assert allowed.bound == "lower", rec.figure_id
        elif kind == "range":
            assert (allowed.low, allowed.high) == (rec.value, rec.high), rec.figure_id
        else:
            assert rec.value in allowed, rec.figure_id
            assert allowed.rounded or not rec.approx, rec.figure_id  # 約 is always rounded
