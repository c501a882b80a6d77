from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.japanese import find_figures, parse_count_with_parenthetical, parse_number

ROOT = Path(__file__).parents[1]
REPORT = ROOT / "data" / "raw" / "bluebook2013_ch4_s1.txt"
GROUND_TRUTH = ROOT / "data" / "raw" / "report_figures.csv"
PREFECTURE_TABLE = range(440, 583)  # lines 440-582: 48 rows (47 prefectures + その他)


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return find_figures(REPORT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ground_truth() -> pd.DataFrame:
    """The curated figures, with values computed from their printed text."""
    truth = pd.read_csv(GROUND_TRUTH, dtype={"line": "int64", "component": "str"})

    def value(row: pd.Series) -> float:
        if pd.isna(row["component"]):
            return parse_number(row["as_printed"]).value
        total, part = parse_count_with_parenthetical(row["as_printed"])
        return {"total": total, "parenthetical": part}[row["component"]].value

    return truth.assign(value=truth.apply(value, axis=1))


# --- a synthetic text: exact output ---------------------------------------------------------


def test_synthetic_text_exact_frame():
    text = (
        "2011年に約714\n"  # 1: figure split before 万, year skipped
        "万人が入国し、第3回会合には延べ\n"  # 2: ordinal skipped, qualifier before a break
        "\n"
        "88人が参加した（12月）。\n"  # 4: date skipped
        "（1）北海道 JOCV 1,906（45）人\n"  # 5: list number skipped, table cell
        "対象は20～39歳、400\n"  # 6: range; 400 continues after a blank line
        "\n"
        "以上の団体、2\n"  # 8
        "～3か国。\n"  # 9
    )
    expected = pd.DataFrame(
        {
            "as_printed": pd.Series(
                [
                    "約714万人",
                    "延べ88人",
                    "1,906（45）人",
                    "1,906（45）人",
                    "20～39歳",
                    "400以上",
                    "2～3か国",
                ],
                dtype="str",
            ),
            "value": [7_140_000.0, 88.0, 1906.0, 45.0, 20.0, 400.0, 2.0],
            "high": [np.nan, np.nan, np.nan, np.nan, 39.0, np.nan, 3.0],
            "unit": pd.Series(["人", "人", "人", "人", "歳", None, "か国"], dtype="str"),
            "approx": [True, False, False, False, False, False, False],
            "qualifier": pd.Series(["約", "延べ", None, None, None, "以上", None], dtype="str"),
            "line": pd.Series([1, 2, 5, 5, 6, 6, 8], dtype="int64"),
            "component": pd.Series(
                [None, None, "total", "parenthetical", None, None, None], dtype="str"
            ),
        }
    )
    pd.testing.assert_frame_equal(find_figures(text), expected)


def test_empty_text_gives_an_empty_typed_frame():
    got = find_figures("2011年12月、第1回。\n（注１）")
    assert got.empty
    assert got.columns.tolist() == [
        "as_printed", "value", "high", "unit", "approx", "qualifier", "line", "component"
    ]  # fmt: skip
    assert got.dtypes.astype(str).tolist() == [
        "str", "float64", "float64", "str", "bool", "str", "int64", "str"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("1980年 102\n1990年 109", ["102", "109"]),  # a break between digits separates
        ("1．150を超える駐日大使館", ["150を超える"]),  # heading number, then a figure
        ("\t 1\t 日本社会の国際化、3県", ["3県"]),  # tab-indented section number
        ("（右から 3 番目）（11 月 21 日、東京）", []),  # spaced ordinal and date
        ("集計期間：2012年1月1日～12月31日", []),  # a date range is not a range
        ("平成24年度、2012年度、2005年以降、2000\n年", []),
        ("第\n４\n章", []),
        ("225外交青書 2013", []),
        ("年3回ずつ、2回目、3年間", ["3回", "3年間"]),
        ("東北三県、約半世紀", []),  # kanji numerals are not scanned
        ("約\n1,000件", ["約1,000件"]),
        ("５指に余ります", ["５指に余ります"]),
    ],
)
def test_what_is_and_is_not_a_figure(text, printed):
    assert find_figures(text)["as_printed"].tolist() == printed


def test_malformed_figures_raise_with_line_and_text():
    with pytest.raises(ValueError, match=r"line 2: .*'約1万12,000人'"):
        find_figures("ビザ\n約1万12,000人")


# --- the report -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "printed", "value", "unit", "approx", "qualifier"),
    [
        (13, "約527万人", 5_270_000, "人", True, "約"),  # 約527 | 万人）
        (232, "400以上", 400, None, False, "以上"),  # 400 | blank | 以上
        (170, "約1,000件", 1_000, "件", True, "約"),  # 約 | 1,000件
        (142, "約9,900件", 9_900, "件", True, "約"),  # 約9,900 | 件
        (254, "2～3", 2, None, False, None),  # 2 | ～3の国
        (420, "184職種", 184, "職種", False, None),  # （184 | 職種）
        (14, "約1.4倍近く", 1.4, "倍", True, "約…近く"),
        (267, "5指に余ります", 5, None, True, "余り"),
    ],
)
def test_broken_and_qualified_figures(figures, line, printed, value, unit, approx, qualifier):
    row = figures[(figures["line"] == line) & (figures["as_printed"] == printed)]
    assert len(row) == 1, figures[figures["line"] == line]
    got = row.iloc[0]
    assert (got["value"], got["approx"]) == (value, approx)
    assert (None if pd.isna(got["unit"]) else got["unit"]) == unit
    assert (None if pd.isna(got["qualifier"]) else got["qualifier"]) == qualifier


@pytest.mark.parametrize(
    "line",
    [
        10,  # 2011年
        93,  # （2012年度）
        120, 227, 635,  # \t 1\t section numbers
        122, 197, 229, 407,  # （1） list numbers
        225, 226,  # （注１） and 12月末 / 10月１日
        258, 271,  # 2． 3． headings
        263,  # 2回目
        268,  # 第2の故郷
        280,  # （11 月）
        358, 361, 363,  # 第56回, 第67回, 第3委員会
        413,  # 1965年
        437,  # 3 番目, 11 月 21 日
        438,  # 2012年1月1日～12月31日
        584,  # 2012年中
        587, 589, 591, 592, 593,  # page furniture and chapter marker
        666,  # 8 月 24 日
    ],
)  # fmt: skip
def test_lines_without_figures(figures, line):
    assert figures[figures["line"] == line].empty, figures[figures["line"] == line]


def test_no_years_dates_or_ordinals(figures):
    years = {1965, 1980, 1990, 2000, 2005, 2008, 2009, 2010, 2011, 2012, 2013}
    assert not set(figures["value"]) & years
    assert not set(figures["value"]) & {56, 67, 225}  # 第56回, 第67回, page 225
    assert figures.loc[figures["line"] == 250, "as_printed"].tolist() == ["150を超える"]


def test_prefecture_table(figures):
    table = figures[figures["component"].notna()]
    assert len(table) == 192  # 48 rows x (JOCV, SV) x (total, parenthetical)
    assert set(table["line"]) <= set(PREFECTURE_TABLE)
    assert (table.groupby("line").size() == 2).all()
    assert (table["unit"] == "人").all()
    totals = table[table["component"] == "total"]["value"].to_numpy()
    parts = table[table["component"] == "parenthetical"]["value"].to_numpy()
    assert (totals >= parts).all()
    # the table's cumulative totals add up to the figures printed in the text
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    jocv = table["line"].map(lambda n: " JOCV " in lines[n - 1])
    assert jocv.sum() == 96
    is_total = table["component"] == "total"
    assert table.loc[jocv & is_total, "value"].sum() == 37_532  # 3万7,532人, line 416
    assert table.loc[~jocv & is_total, "value"].sum() == 5_011  # 5,011人, line 428


def test_no_figure_is_reported_twice(figures):
    assert not figures.duplicated(["line", "as_printed", "component", "value"]).any()


# --- against the curated ground truth -------------------------------------------------------


def _keys(frame: pd.DataFrame, columns: list[str]) -> Counter:
    return Counter(frame[columns].itertuples(index=False, name=None))


def test_recall_and_precision_against_ground_truth(figures, ground_truth):
    """Match on (line, value), counting duplicates (line 254 has 2か国 and 2～3)."""
    truth, found = _keys(ground_truth, ["line", "value"]), _keys(figures, ["line", "value"])
    hits = sum((truth & found).values())
    recall, precision = hits / truth.total(), hits / found.total()
    missed, spurious = sorted((truth - found).elements()), sorted((found - truth).elements())
    print(f"recall {recall:.3f} ({hits}/{truth.total()}), missed: {missed}")
    print(f"precision {precision:.3f} ({hits}/{found.total()}), spurious: {spurious}")
    # Both are 1.0 today; any regression or ground-truth change is a difference to review.
    assert recall == 1.0, f"missed (line, value): {missed}"
    assert precision == 1.0, f"spurious (line, value): {spurious}"


def test_printed_text_and_component_agree_with_ground_truth(figures, ground_truth):
    columns = ["line", "as_printed", "component"]
    truth = _keys(ground_truth.fillna({"component": ""}), columns)
    found = _keys(figures.fillna({"component": ""}), columns)
    assert truth == found, {"missed": truth - found, "spurious": found - truth}
