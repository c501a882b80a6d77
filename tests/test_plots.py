"""Tests for analysis.plots: phone-sized charts, labels that don't collide, alt text, tables."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import logging
import re
import shutil
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis import plots, report
from analysis.residents import REGISTRATION, RESIDENCE, RESTATED

FIXTURES = Path(__file__).parent / "fixtures"
JA_TITLE = "入国外国人は2011年に24 %減少し、2013年に2010年水準を回復して、その後も増え続けた"
JA_YLABEL = "入国外国人数（人／年）"
SOURCE = "Source: 法務省 出入国管理統計; 外交青書2013 第4章第1節"
LONG_SOURCE = (
    "Source: 法務省 出入国管理統計 (MOJ); 日本政府観光局 JNTO 訪日外客数; "
    "外務省『外交青書2013』第4章第1節"
)
YEARS = list(range(2005, 2014))
ENTRANTS = [7.45, 8.11, 9.15, 9.15, 7.58, 9.44, 7.14, 9.17, 11.26]  # millions, rounded


@pytest.fixture(autouse=True)
def _restore_style():
    with mpl.rc_context():
        yield
    plt.close("all")


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def render(fig: Figure) -> None:
    """Draw every artist through Agg, where missing glyphs are reported.

    At the figure's own dpi, so that extents measured afterwards are in its pixels.
    """
    fig.savefig(io.BytesIO(), format="png", dpi=fig.dpi)


def font_problems(draw: Callable[[], object]) -> list[str]:
    """Missing-glyph warnings and font-lookup log messages emitted while ``draw()`` runs.

    matplotlib warns ``Glyph 26085 (...) missing from font(s) DejaVu Sans.`` through
    ``warnings``; font lookups that fail are logged (``findfont: ...``) instead.
    """
    handler = _ListHandler()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            draw()
    finally:
        logger.removeHandler(handler)
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in handler.records]
    return [m for m in messages if ("Glyph" in m and "missing" in m) or "findfont" in m]


def series_df() -> pd.DataFrame:
    return pd.DataFrame({"year": YEARS, "value": np.array(ENTRANTS) * 1e6})


def flows_df() -> pd.DataFrame:
    """Two statistics with long two-language names, ending close together (as in 01)."""
    years = np.arange(2003, 2025)
    moj = np.linspace(5.7, 36.8, len(years)) * 1e6
    jnto = moj * 0.93
    return pd.concat(
        [
            pd.DataFrame(
                {"year": years, "value": moj, "statistic": "MOJ: foreign entrants 入国外国人数"}
            ),
            pd.DataFrame(
                {"year": years, "value": jnto, "statistic": "JNTO: visitor arrivals 訪日外客数"}
            ),
        ]
    )


def forecast_df() -> tuple[pd.Series, pd.DataFrame]:
    history = pd.Series(np.array(ENTRANTS[:6]) * 1e6, index=YEARS[:6])
    mean = np.linspace(9.6e6, 10.5e6, 4)
    width = np.linspace(0.6e6, 1.5e6, 4)
    forecast = pd.DataFrame(
        {
            "mean": mean,
            "lower_80": mean - width,
            "upper_80": mean + width,
            "lower_95": mean - 1.5 * width,
            "upper_95": mean + 1.5 * width,
        },
        index=range(2011, 2015),
    )
    return history, forecast


class ForecastResult:
    """Stands in for the coming forecast result object: only ``summary_frame()``."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def summary_frame(self) -> pd.DataFrame:
        return self.frame


def volunteers() -> pd.Series:
    values = pd.Series(np.arange(47, dtype=float) * 80 + 50, index=list(plots.TILE_GRID))
    values["05"] = np.nan  # Akita: no data
    return values.drop("47")  # Okinawa: missing altogether


def residents_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(y, 1.8 + 0.05 * (y - 2003), REGISTRATION) for y in range(2003, 2012)]
    rows += [(y, 2.0 + 0.04 * (y - 2008), RESTATED) for y in range(2008, 2012)]
    rows += [(y, 2.03 + 0.12 * (y - 2012), RESIDENCE) for y in range(2012, 2025)]
    counts = pd.DataFrame(rows, columns=["year", "value", "basis"])
    shares = pd.DataFrame(
        [(y, 1.4 + 0.03 * (y - 2003), REGISTRATION, "final") for y in (2003, 2004, 2006, 2007)]
        + [(y, 1.6 + 0.1 * (y - 2012), RESIDENCE, "final") for y in range(2012, 2024)]
        + [(2024, 3.04, RESIDENCE, "derived")],
        columns=["year", "share_pct", "basis", "status"],
    )
    return counts, shares


def nationalities() -> pd.DataFrame:
    years = np.arange(2006, 2025)
    growth = {"中国 China": 1.02, "ベトナム Vietnam": 1.18, "韓国 Korea": 0.98,
              "フィリピン Philippines": 1.03, "ブラジル Brazil": 0.97}
    frames = [
        pd.DataFrame({"year": years, "value": 1e5 * 2 * g ** np.arange(len(years)),
                      "nationality": name})
        for name, g in growth.items()
    ]
    tidy = pd.concat(frames, ignore_index=True)
    return tidy[~((tidy["nationality"] == "韓国 Korea") & tidy["year"].isin([2010, 2011]))]


def contributions_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nationality": ["ベトナム Vietnam", "中国 China", "フィリピン Philippines",
                            "ネパール Nepal", "韓国 Korea", "ブラジル Brazil", "その他 Other"],
            "change": [582_000, 200_000, 120_000, 150_000, -120_000, -20_000, 823_000],
        }
    )


def headline_df() -> pd.DataFrame:
    rows = {
        "Foreign entrants (persons a year)": (9_172_146, 2024, 36_780_000),
        "Foreign residents (persons, 31 Dec)": (2_033_656, 2024, 3_768_977),
        "Embassies in Tokyo": (150, 2023, 157),
        "JOCV volunteers abroad (persons)": (2_300, 2023, 1_150),
        "Visa-exempt countries and regions": (61, 2023, 70),
    }
    return pd.DataFrame(
        [(name, 2012, then) for name, (then, _year, _now) in rows.items()]
        + [(name, year, now) for name, (_then, year, now) in rows.items()],
        columns=["indicator", "year", "value"],
    )


CHARTS: dict[str, Callable[[], Figure]] = {
    "series": lambda: plots.plot_series(
        series_df(),
        title=JA_TITLE,
        ylabel=JA_YLABEL,
        source=SOURCE,
        xlabel="年",
        events=plots.EVENTS,
        lang="ja",
    ),
    "series_hue": lambda: plots.plot_series(
        flows_df(),
        hue="statistic",
        title="Entrants fell 24 % in 2011, grew 3.4-fold 2012–19, and hit a record in 2024",
        ylabel="Persons per year",
        source=LONG_SOURCE,
        events=("lehman", "earthquake", "covid", "covid_border_reopening"),
    ),
    "series_many": lambda: plots.plot_series(
        pd.concat(
            [series_df().assign(value=lambda d, k=k: d["value"] * (1 + k / 10), group=f"Group {k}")
             for k in range(8)]
        ),
        hue="group",
        title="Eight groups: too many to label at the line ends, so the key is under the axes",
        ylabel="Persons per year",
        source=SOURCE,
    ),
    "forecast": lambda: plots.plot_forecast(
        *forecast_df(),
        actual=pd.Series(np.array(ENTRANTS) * 1e6, index=YEARS),
        title="震災で2011年は予測区間を下回った",
        ylabel=JA_YLABEL,
        source=SOURCE,
        events=("earthquake",),
        lang="ja",
    ),
    "forecast_result": lambda: plots.plot_forecast(
        forecast_df()[0],
        ForecastResult(forecast_df()[1]),
        actual=pd.Series(np.array(ENTRANTS) * 1e6, index=YEARS),
        title="2011 fell 28 % below the pre-quake trend; 2012 was back inside its band",
        ylabel="Foreign entrants (persons per year)",
        source=LONG_SOURCE,
        events=("lehman", "earthquake"),
    ),
    "bar_ranking": lambda: plots.plot_bar_ranking(
        pd.DataFrame({"pref": ["東京", "北海道", "沖縄", "鹿児島"], "n": [1493, 1402, 387, 721]}),
        "n",
        "pref",
        title="東京都出身の隊員が最多",
        xlabel="青年海外協力隊 派遣実績（人）",
        source=SOURCE,
        highlight="沖縄",
    ),
    "bar_long_labels": lambda: plots.plot_bar_ranking(
        pd.DataFrame(
            {
                "label": ["All NGOs (400以上, 'said to be')", "NGOs that received the grant",
                          "NGO partnership grant projects, FY2012", "Japan Platform members"],
                "value": [400, 48, 60, 43],
            }
        ),
        "value",
        "label",
        title="The NGO grant reached at most 12 % of Japan's NGOs",
        xlabel="Organisations (count; the top bar is a lower bound)",
        source=LONG_SOURCE,
        highlight="All NGOs (400以上, 'said to be')",
    ),
    "tiles_ja": lambda: plots.plot_prefecture_tiles(
        volunteers(), title="都道府県別の隊員数：東京都が最多", source=SOURCE,
        cbar_label="青年海外協力隊 派遣実績 1965–2012年（人）",
    ),
    "tiles_en": lambda: plots.plot_prefecture_tiles(
        volunteers(),
        title="Volunteers by home prefecture",
        source=SOURCE,
        cbar_label="JOCV volunteers, cumulative 1965–2012 (persons)",
        lang="en",
    ),
    "counts_and_share": lambda: plots.plot_counts_and_share(
        *residents_data(),
        title="The new basis counts 31,159 fewer at end-2011; 3.77 million were counted in 2024",
        ylabel="Foreign residents (millions, 31 Dec)",
        share_title="Share of Japan's total population: filled = printed, hollow = derived",
        share_ylabel="Share (%)",
        source=LONG_SOURCE,
        events=("lehman", "earthquake", "registration_reform"),
    ),
    "small_multiples": lambda: plots.plot_small_multiples(
        nationalities(),
        facet="nationality",
        title="Vietnamese residents grew 23-fold since 2006; Korean and Brazilian fell",
        ylabel="Foreign residents (persons, 31 Dec)",
        source=LONG_SOURCE,
        highlight=(2008, 2012),
        highlight_label="外交青書2013の期間",
        events=("earthquake", "covid"),
    ),
    "contributions": lambda: plots.plot_contributions(
        contributions_df(),
        group="nationality",
        value="change",
        title="Vietnamese residents added 0.58M of the 1.74M rise since 2012",
        xlabel="Change in foreign residents, end-2012 to end-2024 (persons)",
        source=SOURCE,
    ),
    "then_and_now": lambda: plots.plot_then_and_now(
        headline_df(),
        title="Entrants quadrupled and residents rose 85 % since 2012; volunteers halved",
        source=LONG_SOURCE,
    ),
}


def drawn_texts(fig: Figure) -> list[Text]:
    """Every Text artist drawn when the figure renders (tick labels in view, titles, ...).

    Found by watching ``Text.draw`` (annotations draw through it too), so texts that are
    hidden, empty, on an axis turned off, or on ticks outside the view don't count.
    """
    seen: list[Text] = []
    original = Text.draw

    def spy(self, renderer):
        if self.get_visible() and self.get_text().strip():
            seen.append(self)
        return original(self, renderer)

    Text.draw = spy
    try:
        render(fig)
    finally:
        Text.draw = original
    return list(dict.fromkeys(seen))


def too_small(texts: list[Text]) -> list[str]:
    """Texts smaller than MIN_TEXT_PT, as "'text' at 9.0 pt"."""
    return [
        f"{t.get_text()!r} at {t.get_fontsize():.1f} pt"
        for t in texts
        if t.get_fontsize() < plots.MIN_TEXT_PT - 1e-9
    ]


@dataclass
class Drawn:
    """A catalogue chart drawn once: the figure and what drawing it showed."""

    fig: Figure
    texts: list[Text]  # the Text artists drawn
    glyph_problems: list[str]
    left_open: list[int]  # pyplot figure numbers still open after the plot call


_DRAWN: dict[str, Drawn] = {}


def drawn(chart: str) -> Drawn:
    """The catalogue chart, drawn once per session in the house theme (for tests that look)."""
    if chart not in _DRAWN:
        with mpl.rc_context():
            plots.set_theme()
            made: list[Figure] = []
            texts: list[Text] = []
            problems = font_problems(
                lambda: made.append(CHARTS[chart]()) or texts.extend(drawn_texts(made[0]))
            )
            _DRAWN[chart] = Drawn(made[0], texts, problems, plt.get_fignums())
    return _DRAWN[chart]


def side_legends(fig: Figure) -> list[str]:
    """Legends that stand to the right of the axes (eating the chart's width); render first."""
    found = []
    legends = [(ax, ax.get_legend()) for ax in fig.axes] + [(None, leg) for leg in fig.legends]
    for ax, legend in legends:
        if legend is None:
            continue
        box = legend.get_window_extent()
        axes = [ax] if ax is not None else fig.axes
        if all(box.x0 >= a.get_window_extent().x1 - 1 for a in axes):
            found.append(" / ".join(t.get_text() for t in legend.get_texts()))
    return found


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def overlaps(texts: list[Text]) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent()) for t in texts]
    return [
        (a, b)
        for i, (a, box) in enumerate(boxes)
        for b, other in boxes[i + 1 :]
        if box.overlaps(other)
    ]


def labels_of(fig: Figure, gid: str) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_gid() == gid and t.get_visible()]


# --- phone-sized charts: width, text size, no side legends --------------------------------


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_no_text_is_smaller_than_the_minimum(chart):
    texts = drawn(chart).texts
    assert len(texts) > 5
    assert too_small(texts) == []


def test_the_text_size_check_catches_a_small_label():
    plots.set_theme()
    fig = CHARTS["series"]()
    fig.axes[0].annotate("9-pt note", xy=(2008, 5e6), fontsize=9)
    fig.axes[0].text(2008, 5e6, "hidden, never drawn", fontsize=5, visible=False)
    assert too_small(drawn_texts(fig)) == ["'9-pt note' at 9.0 pt"]


def test_the_text_size_check_catches_relative_sizes_below_the_floor():
    plots.set_theme()
    fig = CHARTS["bar_ranking"]()
    fig.axes[0].text(0, 0, "small", fontsize="small")
    assert too_small(drawn_texts(fig)) == ["'small' at 9.2 pt"]


def small_rc_sizes() -> dict[str, float]:
    """rcParams text sizes (in points) below MIN_TEXT_PT."""
    keys = [k for k in mpl.rcParams if re.search(r"(labelsize|titlesize|fontsize|^font\.size)$", k)]
    assert len(keys) >= 9, keys
    points = {
        k: mpl.font_manager.FontProperties(size=mpl.rcParams[k]).get_size_in_points()
        for k in keys
    }
    return {k: v for k, v in points.items() if v < plots.MIN_TEXT_PT}


def test_theme_sets_every_font_size_at_or_above_the_minimum():
    plots.set_theme()
    assert small_rc_sizes() == {}
    mpl.rcParams["xtick.labelsize"] = "small"  # control: the check sees a small setting
    assert small_rc_sizes() == {"xtick.labelsize": pytest.approx(9.17, abs=0.01)}


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_charts_are_at_most_560_px_wide_and_nothing_is_cut_off(chart):
    fig = drawn(chart).fig
    assert fig.get_figwidth() * plots.DPI <= plots.MAX_WIDTH_PX
    width, _height = png_size(plots._figure_png(fig))
    assert width <= plots.MAX_WIDTH_PX
    figure_box = fig.bbox
    for text in drawn(chart).texts:
        box = text.get_window_extent()
        assert box.x0 >= figure_box.x0 - 1 and box.x1 <= figure_box.x1 + 1, text.get_text()
        assert box.y0 >= figure_box.y0 - 1 and box.y1 <= figure_box.y1 + 1, text.get_text()


def test_the_cut_off_check_catches_an_unwrapped_title():
    plots.set_theme()
    fig = CHARTS["series_hue"]()
    title = fig.axes[0].set_title(
        "An unwrapped title far too long to fit the width of a phone chart", loc="left"
    )
    assert title in drawn_texts(fig)
    assert title.get_window_extent().x1 > fig.bbox.x1 + 1


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_no_chart_has_a_legend_beside_the_axes(chart):
    assert side_legends(drawn(chart).fig) == []


def test_the_side_legend_check_catches_a_legend_right_of_the_axes():
    plots.set_theme()
    fig = CHARTS["series_many"]()
    ax = fig.axes[0]
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    render(fig)
    assert side_legends(fig) == [" / ".join(f"Group {k}" for k in range(8))]


# --- titles, unit labels, y axes ----------------------------------------------------------


def test_long_titles_wrap_to_the_figure_width_in_english_and_japanese():
    for chart in ("series", "series_hue"):
        fig = drawn(chart).fig
        title = fig.axes[0]._left_title
        assert "\n" in title.get_text()
        assert title.get_window_extent().x1 <= fig.bbox.x1
        assert title.get_fontsize() == plots.TITLE_PT


def test_wrap_breaks_japanese_between_characters_but_not_before_punctuation():
    text = "入国外国人は2011年に24 %減少し、2013年に2010年水準を回復した。"
    wrapped = plots._wrap(text, 80, plots.MIN_TEXT_PT)
    lines = wrapped.split("\n")
    assert "".join(lines) == text
    assert all(plots._text_width_pt(line, plots.MIN_TEXT_PT) <= 80 for line in lines)
    assert not any(line[0] in "、。%" for line in lines)
    assert "2011" in "".join(line for line in lines if "2011" in line)  # numbers stay whole


def test_wrap_keeps_words_and_explicit_line_breaks():
    wrapped = plots._wrap("Foreign entrants (millions per year)\nsecond line", 100, 11)
    assert wrapped.split("\n")[-1] == "second line"
    assert all(word in wrapped.split() for word in ("Foreign", "entrants", "(millions"))


def test_unit_label_is_horizontal_above_the_axes_under_the_title():
    fig = drawn("series").fig
    ax = fig.axes[0]
    label = ax.yaxis.label
    assert label.get_rotation() == 0
    assert label.get_text() == JA_YLABEL
    unit, title, axes = (x.get_window_extent() for x in (label, ax._left_title, ax))
    assert axes.y1 <= unit.y0 and unit.y1 <= title.y0
    # title and unit start flush with the tick labels, not at the axes' edge
    ticks = ax.yaxis.get_tightbbox()
    assert unit.x0 == pytest.approx(ticks.x0, abs=1) and title.x0 == pytest.approx(ticks.x0, abs=1)


def test_titles_of_bar_charts_start_at_the_left_of_the_bar_labels():
    fig = drawn("contributions").fig
    ax = fig.axes[0]
    assert ax._left_title.get_window_extent().x0 < ax.get_window_extent().x0 - 100


def test_counts_start_at_zero_by_default():
    for chart in ("series", "series_hue", "forecast", "small_multiples"):
        fig = drawn(chart).fig
        assert fig.axes[0].get_ylim()[0] == 0, chart
        assert "zero" not in fig.axes[0].get_ylabel()


def test_an_axis_not_starting_at_zero_says_so():
    plots.set_theme()
    fig = plots.plot_series(series_df(), title="t", ylabel="Persons", source="s", y_zero=False)
    ax = fig.axes[0]
    assert ax.get_ylim()[0] > 0
    assert ax.get_ylabel() == "Persons; axis does not start at zero"
    fig = plots.plot_series(
        series_df(), title="t", ylabel="人数", source="s", y_zero=False, lang="ja"
    )
    assert fig.axes[0].get_ylabel() == "人数（縦軸は0から始まらない）"


def test_opting_out_of_zero_adds_no_note_when_the_axis_includes_zero_anyway():
    df = pd.DataFrame({"year": [2000, 2001, 2002], "value": [-1.0, 2.0, 3.0]})
    fig = plots.plot_series(df, title="t", ylabel="Change", source="s", y_zero=False)
    assert fig.axes[0].get_ylabel() == "Change"


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(3784, "3,784"), (3784.0, "3,784"), (12_345, "12.3k"), (150_000, "150k"),
     (999_999, "1M"), (31_190_000, "31.2M"), (2.638741e10, "26.4B"), (1.3534, "1.35"),
     (0.0466, "0.0466"), (1234.5678, "1,235"), (-24.44, "−24.4"), (-350_000, "−350k"),
     (0.0, "0"), (float("nan"), "–")],
)
def test_compact_number(value, text):
    assert plots.compact_number(value) == text


@pytest.mark.parametrize(
    ("ticks", "texts"),
    [([0, 1e7, 2e7, 3e7], ["0", "10M", "20M", "30M"]),
     ([0, 5e5, 1e6, 1.5e6], ["0", "0.5M", "1.0M", "1.5M"]),
     ([0, 2500, 5000, 7500], ["0", "2,500", "5,000", "7,500"]),
     ([0, 5000, 10000, 15000], ["0", "5k", "10k", "15k"]),
     ([0, 0.5, 1.0], ["0", "0.5", "1.0"]),
     ([-2e5, 0, 2e5], ["−200k", "0", "200k"])],
)
def test_compact_ticks_share_one_suffix_and_precision(ticks, texts):
    assert plots.CompactFormatter().format_ticks(ticks) == texts


def test_compact_ticks_on_a_log_axis_are_written_one_by_one():
    _fig, ax = plt.subplots()
    ax.set_yscale("log")
    formatter = plots.CompactFormatter()
    ax.yaxis.set_major_formatter(formatter)
    assert formatter.format_ticks([1e4, 1e6, 1e8]) == ["10k", "1M", "100M"]


def test_charts_use_compact_ticks():
    fig = drawn("series_hue").fig
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert "0" in ticks and all(t == "0" or t.endswith("M") for t in ticks)


@pytest.mark.parametrize(
    ("value", "text"),
    [(7140000.0, "7,140,000"), (2.638741e10, "26,387,410,000"), (1.3534, "1.353"),
     (0.0466, "0.0466"), (1234.5678, "1,235"), (-24.44, "−24.44"), (0.0, "0")],
)
def test_format_number_for_tables(value, text):
    assert plots.format_number(value) == text


# --- direct labels ------------------------------------------------------------------------


def test_few_lines_are_labelled_at_their_ends_without_a_legend():
    fig = drawn("series_hue").fig
    ax = fig.axes[0]
    assert ax.get_legend() is None
    labels = labels_of(fig, plots.DIRECT_LABEL_GID)
    assert ["".join(t.get_text().split()) for t in labels] == [
        "MOJ:foreignentrants入国外国人数", "JNTO:visitorarrivals訪日外客数"
    ]
    assert all(t.xy[0] == 2024 for t in labels)  # at each line's last point
    colors = [to_hex(line.get_color()) for line in ax.lines if line.get_gid() is None][:2]
    assert [to_hex(t.get_color()) for t in labels] == colors
    assert overlaps(labels) == []  # the two lines end 7 % apart: labels were nudged


def test_direct_labels_keep_clear_of_event_labels_and_the_title():
    for chart in ("series", "series_hue", "counts_and_share", "small_multiples", "forecast"):
        fig = drawn(chart).fig
        texts = (
            labels_of(fig, plots.DIRECT_LABEL_GID) + labels_of(fig, plots.EVENT_LABEL_GID)
            + [ax._left_title for ax in fig.axes if ax._left_title.get_text()]
            + [ax.yaxis.label for ax in fig.axes if ax.yaxis.label.get_text()]
        )
        assert overlaps(texts) == [], chart


def test_a_line_without_values_gets_no_end_label():
    df = pd.concat([series_df().assign(kind="a"), series_df().assign(kind="b", value=np.nan)])
    fig = plots.plot_series(df, hue="kind", title="t", ylabel="p", source="s")
    assert [t.get_text() for t in labels_of(fig, plots.DIRECT_LABEL_GID)] == ["a"]


def test_many_lines_get_a_compact_legend_under_the_axes():
    fig = drawn("series_many").fig
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert len(legend.get_texts()) == 8
    assert legend.get_window_extent().y1 <= ax.xaxis.get_tightbbox().y0
    assert legend._ncols == 4  # as many columns as fit the width
    assert labels_of(fig, plots.DIRECT_LABEL_GID) == []


def test_spread_moves_overlapping_labels_apart_symmetrically():
    centres = plots._spread([10, 11, 50], [10, 10, 10], low=-100, high=100, gap=2)
    assert centres[1] - centres[0] == pytest.approx(12)
    assert (centres[0] + centres[1]) / 2 == pytest.approx(10.5)
    assert centres[2] == 50


def test_spread_keeps_labels_inside_the_room_it_has():
    centres = plots._spread([95, 96, 97], [10, 10, 10], low=0, high=100, gap=2)
    assert centres.max() + 5 <= 100
    assert np.all(np.diff(np.sort(centres)) >= 12 - 1e-9)
    centres = plots._spread([1, 2], [10, 10], low=0, high=100, gap=2)
    assert centres.min() - 5 >= 0


# --- events -------------------------------------------------------------------------------


def test_fractional_year():
    assert plots.fractional_year(dt.date(2011, 3, 11)) == pytest.approx(2011.19, abs=0.005)
    assert plots.fractional_year(dt.date(2012, 1, 1)) == 2012
    assert plots.fractional_year(dt.date(2012, 7, 9)) == pytest.approx(2012 + 190 / 366)


def test_events_constant_has_dates_and_both_languages():
    assert plots.EVENTS["lehman"].date == dt.date(2008, 9, 15)
    assert plots.EVENTS["earthquake"].date == dt.date(2011, 3, 11)
    assert plots.EVENTS["registration_reform"].date == dt.date(2012, 7, 9)
    assert plots.EVENTS["specified_skilled_worker"].date == dt.date(2019, 4, 1)
    assert plots.EVENTS["specified_skilled_worker"].ja == "特定技能 創設"
    assert plots.EVENTS["covid_border_reopening"].date == dt.date(2022, 10, 11)
    assert plots.EVENTS["covid_border_reopening"].ja == "水際措置緩和"
    assert plots.EVENTS["technical_intern_status"].date == dt.date(2010, 7, 1)
    assert plots.EVENTS["highly_skilled_professional"].date == dt.date(2015, 4, 1)
    for event in plots.EVENTS.values():
        assert event.ja and event.en and event.label("ja") != event.label("en")


def test_event_lines_sit_at_fractional_years():
    fig = plots.plot_series(
        series_df(), title="t", ylabel="persons", source="s", events=("earthquake",)
    )
    lines = [ln for ln in fig.axes[0].lines if ln.get_gid() == plots.EVENT_GID]
    assert len(lines) == 1
    assert lines[0].get_xdata()[0] == pytest.approx(2011.19, abs=0.005)


def test_all_events_are_marked_in_date_order_with_chosen_language():
    fig = plots.plot_series(series_df(), title="t", ylabel="p", source="s", events=plots.EVENTS)
    ax = fig.axes[0]
    xs = [ln.get_xdata()[0] for ln in ax.lines if ln.get_gid() == plots.EVENT_GID]
    expected = sorted(plots.fractional_year(e.date) for e in plots.EVENTS.values())
    assert xs == pytest.approx(expected)
    labels = [t.get_text() for t in labels_of(fig, plots.EVENT_LABEL_GID)]
    assert labels == [e.en for e in sorted(plots.EVENTS.values(), key=lambda e: e.date)]


def test_event_labels_overlap_neither_data_nor_each_other_nor_the_title():
    fig = drawn("series").fig
    ax = fig.axes[0]
    data_line = ax.lines[0]
    points = ax.transData.transform(np.column_stack(data_line.get_data()))
    labels = labels_of(fig, plots.EVENT_LABEL_GID)
    assert len(labels) == len(plots.EVENTS)
    for label in labels:
        assert not label.get_window_extent().count_contains(points), "a label covers a point"
    assert overlaps([*labels, ax._left_title, ax.yaxis.label]) == []
    rows = {round(label.xyann[1]) for label in labels}
    assert len(rows) < len(labels), "labels that fit side by side share a row"


def test_unknown_event_key_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"'tsunami'.*lehman.*covid_border_reopening"):
        plots.mark_events(plt.subplots()[1], ["tsunami"])


# --- japanese text ------------------------------------------------------------------------


def test_glyph_check_flags_japanese_in_the_default_font():
    mpl.rcParams["font.family"] = ["DejaVu Sans"]
    fig = Figure()
    fig.add_subplot().set_title("日本の入国者数")
    problems = font_problems(lambda: render(fig))
    assert problems, "the check must catch boxes drawn for 日本の入国者数 in DejaVu Sans"
    assert any("missing from font(s) DejaVu Sans" in p for p in problems)


def test_seaborn_set_theme_breaks_japanese_and_set_theme_repairs_it():
    plots.set_theme()
    sns.set_theme()  # resets font.family to sans-serif → DejaVu Sans
    broken = font_problems(lambda: render(CHARTS["series"]()))
    plots.set_theme()
    repaired = font_problems(lambda: render(CHARTS["series"]()))
    assert broken
    assert repaired == []


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_japanese_text_renders_without_missing_glyphs(chart):
    assert drawn(chart).glyph_problems == []


def test_set_theme_is_idempotent_and_sets_size_and_font():
    plots.set_theme()
    first = dict(mpl.rcParams)
    plots.set_theme()
    assert dict(mpl.rcParams) == first
    assert mpl.rcParams["font.family"][0] == "IPAexGothic"
    assert tuple(mpl.rcParams["figure.figsize"]) == plots.FIGSIZE
    assert mpl.rcParams["figure.dpi"] == plots.DPI


# --- source line, returned figures, signatures --------------------------------------------


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_chart_has_one_source_line_bottom_left(chart):
    fig = drawn(chart).fig
    sources = [t for t in fig.texts if t.get_gid() == plots.SOURCE_GID]
    assert len(sources) == 1
    text = sources[0]
    assert " ".join(text.get_text().split()).replace(" ", "") in {
        SOURCE.replace(" ", ""), LONG_SOURCE.replace(" ", "")
    }
    x, y = text.get_position()
    assert x < 0.05 and y < 0.05
    assert (text.get_ha(), text.get_va()) == ("left", "bottom")
    assert text.get_fontsize() == plots.MIN_TEXT_PT
    assert to_hex(text.get_color()) == plots.SOURCE_COLOR
    # the axes were moved up: the source line sits below every axes
    source_top = text.get_window_extent().y1
    assert all(ax.get_tightbbox().y0 >= source_top - 1 for ax in fig.axes)


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_charts_are_returned_not_left_open_in_pyplot(chart):
    assert isinstance(drawn(chart).fig, Figure)
    assert drawn(chart).left_open == []  # a notebook shows the returned figure exactly once


def test_add_source_twice_stacks_distinct_sources_in_one_artist():
    fig, (left, right) = plt.subplots(1, 2, layout="constrained")
    plots.add_source(left, "Source: A")
    plots.add_source(right, "Source: B")
    plots.add_source(right, "Source: B")
    sources = [t for t in fig.texts if t.get_gid() == plots.SOURCE_GID]
    assert [t.get_text() for t in sources] == ["Source: A\nSource: B"]


def test_add_source_refuses_an_empty_source():
    with pytest.raises(ValueError, match="source"):
        plots.add_source(Figure(), "  ")


PLOT_FUNCTIONS = sorted(name for name in dir(plots) if name.startswith("plot_"))


@pytest.mark.parametrize("name", PLOT_FUNCTIONS)
def test_every_plot_function_takes_alt_and_ax(name):
    parameters = inspect.signature(getattr(plots, name)).parameters
    assert parameters["alt"].default is None
    assert parameters["ax"].default is None


def test_every_plot_function_has_a_chart_in_the_catalogue():
    used = {re.search(r"plots\.(plot_\w+)", inspect.getsource(f)).group(1) for f in CHARTS.values()}
    assert used == set(PLOT_FUNCTIONS)


# --- alt text -----------------------------------------------------------------------------


def test_alt_text_defaults_to_the_title_and_can_be_given():
    fig = plots.plot_series(series_df(), title="Entrants\nfell in 2011", ylabel="p", source="s")
    assert plots.alt_text(fig) == "Entrants fell in 2011"
    fig = plots.plot_series(
        series_df(), title="t", ylabel="p", source="s", alt="Line chart: entrants fell in 2011."
    )
    assert plots.alt_text(fig) == "Line chart: entrants fell in 2011."


def test_alt_text_of_a_composed_figure_joins_its_charts_and_can_be_replaced():
    fig, (left, right) = plt.subplots(1, 2)
    plots.plot_series(series_df(), title="Left finding", ylabel="p", source="s", ax=left)
    plots.plot_bar_ranking(
        pd.DataFrame({"n": [2, 1], "l": ["a", "b"]}), "n", "l", title="Right finding",
        xlabel="x", source="s", ax=right,
    )
    assert plots.alt_text(fig) == "Left finding; Right finding"
    plots.set_alt_text(fig, "Two charts: both findings.")
    assert plots.alt_text(fig) == "Two charts: both findings."


def test_alt_text_of_a_figure_drawn_otherwise_is_its_titles():
    fig, ax = plt.subplots()
    assert plots.alt_text(fig) == "Chart"
    ax.set_title("A title")
    assert plots.alt_text(fig) == "A title"


def test_alt_text_is_required():
    with pytest.raises(ValueError, match="alt text"):
        plots.plot_series(series_df(), title=" ", ylabel="p", source="s")


def _outputs_by_cell(nb) -> dict[str, list]:
    return {cell.id: cell.outputs for cell in nb.cells if cell.cell_type == "code"}


@pytest.fixture(scope="module")
def executed_alt_notebook(tmp_path_factory):
    """tests/fixtures/alt_text.ipynb executed once, in one kernel (nbclient)."""
    folder = tmp_path_factory.mktemp("alt")
    path = Path(shutil.copy(FIXTURES / "alt_text.ipynb", folder / "alt_text.ipynb"))
    report.execute_notebooks([path], progress=lambda line: None)
    return _outputs_by_cell(nbformat.read(path, as_version=4))


@pytest.mark.parametrize(
    ("cell", "alt"),
    [
        ("returned-figure", "Entrants rose fourfold"),
        ("after-matplotlib-inline", "Entrants rose fourfold"),
        ("pyplot-figure-with-ax", "Tokyo sent the most volunteers"),
        ("explicit-alt", "Bar chart: Tokyo first, Okinawa last."),
    ],
)
def test_notebooks_show_figures_with_alt_text(executed_alt_notebook, cell, alt):
    outputs = [o for o in executed_alt_notebook[cell] if "image/png" in o.get("data", {})]
    assert len(outputs) == 1, executed_alt_notebook[cell]
    output = outputs[0]
    assert output.metadata["image/png"] == {"alt": alt}
    assert output.data["text/plain"] == alt
    import base64

    width, _height = png_size(base64.b64decode(output.data["image/png"]))
    assert width <= plots.MAX_WIDTH_PX


def test_the_alt_text_check_sees_the_inline_backends_own_output(executed_alt_notebook):
    """Control: without set_theme's formatter, the inline backend shows <Figure size ...>."""
    outputs = executed_alt_notebook["without-theme"]
    assert any(o.get("data", {}).get("text/plain", "").startswith("<Figure size") for o in outputs)
    assert all("alt" not in o.get("metadata", {}).get("image/png", {}) for o in outputs)


# --- forecast -----------------------------------------------------------------------------


def test_forecast_has_two_bands_a_dashed_mean_and_actual_points():
    fig = drawn("forecast").fig
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    by_label = {line.get_label(): line for line in ax.lines}
    assert by_label["予測（中心）"].get_linestyle() == "--"
    assert by_label["実績"].get_linestyle() == "-"
    # the forecast starts at the last observation, so the lines join
    assert by_label["予測（中心）"].get_xdata()[0] == 2010
    # actual outcomes only after the origin, as points
    actual = by_label["実績（予測期間）"]
    assert list(actual.get_xdata()) == [2011, 2012, 2013]
    assert actual.get_linestyle() == "None"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["実績", "予測（中心）", "80 %予測区間", "95 %予測区間", "実績（予測期間）"]


def test_forecast_legend_sits_under_the_axes():
    fig = drawn("forecast_result").fig
    ax = fig.axes[0]
    assert ax.get_legend().get_window_extent().y1 <= ax.xaxis.get_tightbbox().y0


def test_forecast_95_band_is_wider_than_80_band():
    fig = CHARTS["forecast"]()
    band95, band80 = (c for c in fig.axes[0].collections if isinstance(c, PolyCollection))
    height = [np.ptp(c.get_paths()[0].vertices[:, 1]) for c in (band95, band80)]
    assert height[0] > height[1]


def test_forecast_accepts_an_object_with_summary_frame():
    history, forecast = forecast_df()
    from_frame = plots.plot_forecast(history, forecast, title="t", ylabel="p", source="s")
    from_result = plots.plot_forecast(
        history, ForecastResult(forecast), title="t", ylabel="p", source="s"
    )
    paths = [
        [c.get_paths()[0].vertices for c in fig.axes[0].collections]
        for fig in (from_frame, from_result)
    ]
    for a, b in zip(*paths, strict=True):
        np.testing.assert_array_equal(a, b)


def test_forecast_without_interval_columns_is_refused():
    history, forecast = forecast_df()
    with pytest.raises(ValueError, match="lower_95"):
        plots.plot_forecast(
            history, forecast.drop(columns="lower_95"), title="t", ylabel="p", source="s"
        )
    with pytest.raises(ValueError, match="lower_95"):
        plots.plot_forecast(
            history, ForecastResult(forecast.drop(columns="lower_95")), title="t", ylabel="p",
            source="s",
        )
    with pytest.raises(TypeError, match="summary_frame"):
        plots.plot_forecast(history, [1, 2], title="t", ylabel="p", source="s")


# --- series and bars ----------------------------------------------------------------------


def test_series_has_markers_and_compact_ticks():
    plots.set_theme()
    fig = plots.plot_series(series_df(), title="t", ylabel="persons", source="s")
    render(fig)
    ax = fig.axes[0]
    assert ax.lines[0].get_marker() == "o"
    assert any(label.get_text().endswith("M") for label in ax.get_yticklabels())
    assert ax.get_xlabel() == "Year" and ax.get_ylabel() == "persons"


def test_series_refuses_duplicates():
    df = pd.concat([series_df().assign(kind="a"), series_df().assign(kind="b")])
    with pytest.raises(ValueError, match="several rows"):
        plots.plot_series(df, title="t", ylabel="p", source="s")


def test_series_breaks_its_line_at_missing_years():
    """Gaps stay gaps: no segment is drawn across a missing year."""
    df = pd.DataFrame({"year": [2000, 2001, 2004, 2005], "value": [1.0, 2.0, 3.0, 4.0]})
    fig = plots.plot_series(df, title="t", ylabel="p", source="s")
    line = fig.axes[0].lines[0]
    xs, ys = line.get_data()
    assert list(xs) == [2000, 2001, 2002, 2003, 2004, 2005]
    assert np.isnan(ys[2]) and np.isnan(ys[3])


def test_bar_ranking_puts_the_largest_on_top_and_highlights():
    fig = drawn("bar_ranking").fig
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["東京", "北海道", "鹿児島", "沖縄"]
    colors = {to_hex(bar.get_facecolor()) for bar in ax.patches}
    assert plots.HIGHLIGHT_COLOR in colors and len(colors) == 2
    assert "1,493" in [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    "chart", ["bar_ranking", "bar_long_labels", "contributions", "then_and_now"]
)
def test_value_labels_fit_inside_the_axes(chart):
    fig = drawn(chart).fig
    ax = fig.axes[0]
    box = ax.get_window_extent()
    for label in labels_of(fig, plots.VALUE_LABEL_GID):
        extent = label.get_window_extent()
        assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, label.get_text()


def test_long_bar_labels_wrap():
    fig = drawn("bar_long_labels").fig
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("\n" in label for label in labels)
    assert all(
        plots._text_width_pt(line, plots.MIN_TEXT_PT) <= 0.4 * plots.FIGSIZE[0] * 72 + 1
        for label in labels for line in label.split("\n") if " " in line
    )


# --- contributions ------------------------------------------------------------------------


def test_contributions_colour_rises_and_falls_and_add_the_total():
    fig = drawn("contributions").fig
    ax = fig.axes[0]
    bars = [p for p in ax.patches]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "その他 Other" and labels[-1] == "Total"
    widths = [bar.get_width() for bar in bars]
    assert widths[-1] == pytest.approx(sum(widths[:-1])) == pytest.approx(1_735_000)
    colors = [to_hex(bar.get_facecolor()) for bar in bars]
    assert colors[-1] == plots.TOTAL_COLOR
    assert {c for c, w in zip(colors[:-1], widths[:-1], strict=True) if w < 0} == {
        plots.NEGATIVE_COLOR
    }
    assert {c for c, w in zip(colors[:-1], widths[:-1], strict=True) if w > 0} == {
        plots.POSITIVE_COLOR
    }
    texts = [t.get_text() for t in labels_of(fig, plots.VALUE_LABEL_GID)]
    assert texts[0] == "+823k" and "−120k" in texts and texts[-1] == "+1.74M"
    total_bar = bars[-1].get_y()
    assert all(bar.get_y() + bar.get_height() < total_bar for bar in bars[:-1])


def test_contributions_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError, match=r"add up to 1\.735e\+06, not the total 2e\+06"):
        plots.plot_contributions(
            contributions_df(), group="nationality", value="change", title="t", xlabel="x",
            source="s", total=2_000_000,
        )
    plots.plot_contributions(
        contributions_df(), group="nationality", value="change", title="t", xlabel="x",
        source="s", total=1_735_000,
    )


# --- then and now -------------------------------------------------------------------------


def test_then_and_now_rows_show_both_values_and_the_change_on_one_log_scale():
    fig = drawn("then_and_now").fig
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    texts = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert "Foreign entrants (persons a year): 9.17M → 36.8M (2024)" in texts
    changes = [t.get_text() for t in labels_of(fig, plots.VALUE_LABEL_GID)]
    assert changes == ["+301 %", "+85 %", "+4.7 %", "−50 %", "+15 %"]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["−50 %", "0 %", "+100 %", "+300 %", "+700 %"]
    assert overlaps([t for t in ax.texts]) == []


def test_then_and_now_refuses_an_indicator_without_the_reference_year():
    df = headline_df()
    df = df[~((df["indicator"] == "Embassies in Tokyo") & (df["year"] == 2012))]
    with pytest.raises(ValueError, match="'Embassies in Tokyo' needs a value in 2012"):
        plots.plot_then_and_now(df, title="t", source="s")


# --- small multiples ----------------------------------------------------------------------


def test_small_multiples_draw_one_panel_per_group_largest_last_value_first():
    fig = drawn("small_multiples").fig
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["ベトナム Vietnam", "フィリピン Philippines", "中国 China", "韓国 Korea",
                      "ブラジル Brazil"]
    ends = {t.axes.get_title(loc="left"): t.get_text()
            for t in labels_of(fig, plots.DIRECT_LABEL_GID)}
    assert ends == {"ベトナム Vietnam": "3.93M", "フィリピン Philippines": "340k",
                    "中国 China": "286k", "韓国 Korea": "139k", "ブラジル Brazil": "116k"}
    assert len({ax.get_ylim() for ax in fig.axes}) == 1  # shared y
    assert fig.get_suptitle().replace("\n", " ").startswith("Vietnamese residents grew")
    assert len([t for t in fig.texts if t.get_gid() == plots.SOURCE_GID]) == 1
    # event lines in every panel, named once in a key under the panels, above the source
    assert all(
        sum(ln.get_gid() == plots.EVENT_GID for ln in ax.lines) == 2 for ax in fig.axes
    )
    assert labels_of(fig, plots.EVENT_LABEL_GID) == []
    (key,) = [t for t in fig.texts if t.get_gid() == plots.NOTE_GID]
    assert " ".join(key.get_text().split()) == (
        "Dotted lines: 2011 Great East Japan Earthquake; 2020 COVID-19 pandemic. "
        "Shaded: 2008–2012 外交青書2013の期間."
    )
    source = next(t for t in fig.texts if t.get_gid() == plots.SOURCE_GID)
    assert source.get_window_extent().y1 <= key.get_window_extent().y0
    assert key.get_window_extent().y1 <= min(ax.get_tightbbox().y0 for ax in fig.axes)


def test_small_multiples_highlight_the_reference_years_and_break_lines_at_gaps():
    fig = drawn("small_multiples").fig
    korea = fig.axes[3]
    highlighted = [ln for ln in korea.lines if to_hex(ln.get_color()) == plots.HIGHLIGHT_COLOR]
    assert len(highlighted) == 1
    xs, ys = highlighted[0].get_data()
    assert list(xs) == [2008, 2009, 2010, 2011, 2012]
    assert np.isnan(ys[2]) and np.isnan(ys[3])  # 2010-11 missing for Korea: a gap
    segments = [ln for ln in korea.lines if ln.get_gid() is None and ln not in highlighted]
    assert any(np.max(ln.get_xdata()) == 2009 for ln in segments if len(ln.get_xdata()) > 1)


def test_small_multiples_free_y_and_an_ax_slot():
    fig, (left, right) = plt.subplots(1, 2, figsize=(5.6, 4))
    plots.plot_small_multiples(
        nationalities(), facet="nationality", title="t", ylabel="p", source="s",
        sharey=False, cols=1, ax=right,
    )
    assert left in fig.axes and right not in fig.axes
    panels = fig.subfigs[0].axes
    assert len(panels) == 5
    assert not panels[0].get_shared_y_axes().joined(panels[0], panels[1])
    assert panels[0].get_ylim()[1] > 10 * panels[2].get_ylim()[1]  # Vietnam vs China


def test_small_multiples_key_in_japanese():
    fig = plots.plot_small_multiples(
        nationalities(), facet="nationality", title="t", ylabel="人", source="s",
        events=("earthquake",), lang="ja",
    )
    (key,) = [t for t in fig.texts if t.get_gid() == plots.NOTE_GID]
    assert key.get_text() == "点線：2011年 東日本大震災。"


def test_small_multiples_refuse_an_order_that_misses_groups():
    with pytest.raises(ValueError, match="does not list the groups"):
        plots.plot_small_multiples(
            nationalities(), facet="nationality", title="t", ylabel="p", source="s",
            order=["中国 China"],
        )


# --- counts and share (moved from analysis.residents) -------------------------------------


def residents_frame(rows, **extra):
    df = pd.DataFrame(rows, columns=["year", "value", "basis"])
    for column, value in extra.items():
        df[column] = value
    return df


def test_plot_counts_and_share_draws_bars_gaps_and_source():
    plots.set_theme()
    both = residents_frame(
        [(2009, 100.0, REGISTRATION), (2010, 110.0, REGISTRATION), (2011, 105.0, REGISTRATION),
         (2010, 104.0, RESTATED), (2011, 100.0, RESTATED), (2012, 98.0, RESIDENCE),
         (2013, 101.0, RESIDENCE)]
    )
    shares = residents_frame(
        [(2009, 1.0, REGISTRATION), (2011, 1.2, REGISTRATION), (2012, 1.1, RESIDENCE)],
        status="final",
    ).rename(columns={"value": "share_pct"})
    shares.loc[2, "status"] = "derived"
    fig = plots.plot_counts_and_share(
        both, shares, title="t", ylabel="persons", share_title="s", share_ylabel="%",
        source="Source: test", events=("earthquake",),
    )
    assert isinstance(fig, Figure)
    top, bottom = fig.axes[:2]
    assert len(top.patches) == len(both)
    widths = sorted({round(p.get_width(), 6) for p in top.patches})
    assert widths == [0.4, 0.8]  # two bases side by side in 2010 and 2011
    line = bottom.lines[0]
    assert np.isnan(np.asarray(line.get_ydata(), dtype=float)).sum() == 1  # 2010 gap kept
    assert [t.get_text() for t in fig.texts if t.get_gid() == plots.SOURCE_GID] == [
        "Source: test"
    ]
    assert sum(1 for ln in bottom.lines if ln.get_gid() == plots.EVENT_GID) == 1
    assert [t.axes for t in labels_of(fig, plots.EVENT_LABEL_GID)] == [top]
    assert top.get_ylim()[0] == 0 and bottom.get_ylim()[0] == 0
    assert bottom.get_ylim()[1] >= 1.2 * 1.05  # zero-based, with room above the data
    legend = bottom.get_legend()
    assert legend.get_window_extent().y1 <= bottom.xaxis.get_tightbbox().y0


def test_plot_counts_and_share_splits_a_given_ax_and_refuses_unknown_events():
    plots.set_theme()
    counts, shares = residents_data()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.2, 7))
    plots.plot_counts_and_share(
        counts, shares, title="t", ylabel="p", share_title="s", share_ylabel="%",
        source="s", ax=right,
    )
    assert left in fig.axes and right not in fig.axes and len(fig.axes) == 3
    with pytest.raises(ValueError, match="unknown event 'tsunami'; known events: lehman"):
        plots.plot_counts_and_share(
            counts, shares, title="t", ylabel="p", share_title="s", share_ylabel="%",
            source="s", events=("tsunami",),
        )


def test_plot_counts_and_share_refuses_unknown_bases():
    counts, shares = residents_data()
    with pytest.raises(ValueError, match="counts: unknown basis"):
        plots.plot_counts_and_share(
            counts.assign(basis="census"), shares, title="t", ylabel="p", share_title="s",
            share_ylabel="%", source="s",
        )


# --- prefecture tiles ---------------------------------------------------------------------


def tiles(fig: Figure) -> dict[str, object]:
    return {
        p.get_gid().removeprefix(plots.TILE_GID_PREFIX): p
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith(plots.TILE_GID_PREFIX)
    }


def test_tile_map_has_47_tiles_hokkaido_top_right_okinawa_bottom_left():
    fig = drawn("tiles_ja").fig
    placed = tiles(fig)
    assert sorted(placed) == [f"{i:02d}" for i in range(1, 48)]
    xs = {code: patch.get_x() for code, patch in placed.items()}
    ys = {code: patch.get_y() for code, patch in placed.items()}
    assert xs["01"] == max(xs.values()) and ys["01"] == max(ys.values())
    assert xs["47"] == min(xs.values()) and ys["47"] == min(ys.values())
    assert len({(xs[c], ys[c]) for c in placed}) == 47  # no two tiles share a square


def test_tile_map_draws_nan_and_missing_as_hatched_no_data_with_legend():
    fig = drawn("tiles_ja").fig
    placed = tiles(fig)
    for code in ("05", "47"):  # NaN, and absent from the index
        assert placed[code].get_hatch() == plots.NO_DATA_HATCH
        assert to_hex(placed[code].get_facecolor()) == plots.NO_DATA_COLOR
    assert placed["13"].get_hatch() is None
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["データなし"]
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "東京\n1,010" in labels and "秋田\n–" in labels and "鹿児島\n3,650" in labels


def test_tile_map_in_english_tags_tiles_with_codes_and_without_gaps_has_no_legend():
    values = pd.Series(12_345.0, index=list(plots.TILE_GRID))
    fig = plots.plot_prefecture_tiles(values, title="t", source="s", cbar_label="c", lang="en")
    assert "13\n12.3k" in [t.get_text() for t in fig.axes[0].texts]
    assert fig.axes[0].get_legend() is None


@pytest.mark.parametrize("chart", ["tiles_ja", "tiles_en"])
def test_tile_labels_stay_on_their_tiles(chart):
    fig = drawn(chart).fig
    ax = fig.axes[0]
    boxes = {code: patch.get_window_extent() for code, patch in tiles(fig).items()}
    for text in ax.texts:
        extent = text.get_window_extent()
        hits = [code for code, box in boxes.items() if box.overlaps(extent)]
        assert len(hits) == 1, (text.get_text(), hits)


@pytest.mark.parametrize("index", [[13, 1], ["13", "48"]])
def test_tile_map_refuses_unknown_codes(index):
    with pytest.raises(ValueError, match="unknown pref_code"):
        plots.plot_prefecture_tiles(
            pd.Series([1.0, 2.0], index=index), title="t", source="s", cbar_label="c"
        )


# --- tables -------------------------------------------------------------------------------


def reader_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nationality": pd.Series(["中国", "ベトナム", None], dtype="str"),
            "year": [2012, 2024, 2024],
            "persons": [652_595.0, np.nan, 3_768_977.0],
            "count": pd.array([1, pd.NA, 3], dtype="Int64"),
            "share_pct": [0.51, 1.2345, np.nan],
            "note": pd.array(["a", pd.NA, "c"], dtype="object"),
        }
    )


def test_table_shows_missing_values_as_a_dash_never_nan():
    html = plots.table(reader_table()).to_html()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells, html
    for bad in ("nan", "NaN", "<NA>", "&lt;NA&gt;", "None"):
        assert bad not in cells, bad
    assert cells.count("–") == 5


def test_table_formats_numbers_years_and_percentages():
    labels = {"persons": "Persons", "share_pct": "Share"}
    html = plots.table(reader_table(), labels=labels).to_html()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert "652,595" in cells and "3,768,977" in cells
    assert "2024" in cells and "2,024" not in cells
    assert "0.5 %" in cells and "1.2 %" in cells
    assert ">Persons<" in html and ">Share<" in html and ">persons<" not in html
    decimals2 = plots.table(reader_table(), pct_decimals=2).to_html()
    assert "1.23 %" in decimals2


def test_table_aligns_numbers_right_and_text_left_and_hides_a_plain_index():
    styler = plots.table(reader_table())
    html = styler.to_html()
    assert "text-align: right" in html and "text-align: left" in html
    ctx = styler._compute().ctx
    assert ("text-align", "right") in ctx[(0, 2)]  # persons
    assert ("text-align", "left") in ctx[(0, 0)]  # nationality
    assert 'class="row_heading' not in html  # RangeIndex hidden
    named = plots.table(
        reader_table().set_index("nationality"), labels={"nationality": "Nationality"}
    )
    shown = named.to_html()
    assert "row_heading" in shown and ">Nationality<" in shown


def test_table_takes_explicit_formats():
    html = plots.table(reader_table(), formats={"persons": "{:.2e}"}).to_html()
    assert "6.53e+05" in html
