"""Tests for analysis.plots: Japanese glyphs, source lines, forecast bands, events, tiles."""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from analysis import plots

JA_TITLE = "入国外国人は2011年に24 %減少し、2013年に2010年水準を回復"
JA_YLABEL = "入国外国人数（人／年）"
SOURCE = "Source: 法務省 出入国管理統計; 外交青書2013 第4章第1節"
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


def volunteers() -> pd.Series:
    values = pd.Series(np.arange(47, dtype=float) * 10 + 50, index=list(plots.TILE_GRID))
    values["05"] = np.nan  # Akita: no data
    return values.drop("47")  # Okinawa: missing altogether


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
    "forecast": lambda: plots.plot_forecast(
        *forecast_df(),
        actual=pd.Series(np.array(ENTRANTS) * 1e6, index=YEARS),
        title="震災で2011年は予測区間を下回った",
        ylabel=JA_YLABEL,
        source=SOURCE,
        events=("earthquake",),
        lang="ja",
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
    "tiles_ja": lambda: plots.plot_prefecture_tiles(
        volunteers(), title="都道府県別の隊員数", source=SOURCE, cbar_label="隊員数（人）"
    ),
    "tiles_en": lambda: plots.plot_prefecture_tiles(
        volunteers(),
        title="Volunteers by home prefecture",
        source=SOURCE,
        cbar_label="Volunteers (persons)",
        lang="en",
    ),
}


# --- the glyph check can fail -------------------------------------------------------


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
    plots.set_theme()
    assert font_problems(lambda: render(CHARTS[chart]())) == []


# --- theme --------------------------------------------------------------------------


def test_set_theme_is_idempotent_and_sets_size_and_font():
    plots.set_theme()
    first = dict(mpl.rcParams)
    plots.set_theme()
    assert dict(mpl.rcParams) == first
    assert mpl.rcParams["font.family"][0] == "IPAexGothic"
    assert tuple(mpl.rcParams["figure.figsize"]) == plots.FIGSIZE
    assert mpl.rcParams["figure.dpi"] == plots.DPI


# --- source line --------------------------------------------------------------------


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_chart_has_one_source_line_bottom_left(chart):
    plots.set_theme()
    fig = CHARTS[chart]()
    render(fig)
    sources = [t for t in fig.texts if t.get_gid() == plots.SOURCE_GID]
    assert len(sources) == 1
    text = sources[0]
    assert text.get_text() == SOURCE
    x, y = text.get_position()
    assert x < 0.05 and y < 0.05
    assert (text.get_ha(), text.get_va()) == ("left", "bottom")
    assert text.get_fontsize() < mpl.rcParams["font.size"]
    assert to_hex(text.get_color()) == plots.SOURCE_COLOR
    # the axes were moved up: the source line sits below every axes
    source_top = text.get_window_extent().y1
    assert all(ax.get_tightbbox().y0 >= source_top - 1 for ax in fig.axes)


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_charts_are_returned_not_left_open_in_pyplot(chart):
    fig = CHARTS[chart]()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []  # a notebook shows the returned figure exactly once


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


# --- events -------------------------------------------------------------------------


def test_fractional_year():
    assert plots.fractional_year(dt.date(2011, 3, 11)) == pytest.approx(2011.19, abs=0.005)
    assert plots.fractional_year(dt.date(2012, 1, 1)) == 2012
    assert plots.fractional_year(dt.date(2012, 7, 9)) == pytest.approx(2012 + 190 / 366)


def test_events_constant_has_dates_and_both_languages():
    assert plots.EVENTS["lehman"].date == dt.date(2008, 9, 15)
    assert plots.EVENTS["earthquake"].date == dt.date(2011, 3, 11)
    assert plots.EVENTS["registration_reform"].date == dt.date(2012, 7, 9)
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
    assert xs == pytest.approx([2008.71, 2011.19, 2012.52, 2013.50, 2015.37, 2020.19], abs=0.01)
    labels = [t.get_text() for t in ax.texts]
    assert labels == [
        "Lehman shock",
        "Great East Japan Earthquake",
        "Residence-card system",
        "Visa waivers: Thailand, Malaysia",
        "Niue recognised (195 states)",
        "COVID-19 pandemic",
    ]


def test_event_labels_overlap_neither_data_nor_each_other():
    plots.set_theme()
    fig = CHARTS["series"]()
    render(fig)
    ax = fig.axes[0]
    data_line = ax.lines[0]
    points = ax.transData.transform(np.column_stack(data_line.get_data()))
    boxes = [t.get_window_extent() for t in ax.texts]
    assert len(boxes) == len(plots.EVENTS)
    for box in boxes:
        assert not box.count_contains(points), "a label covers a data point"
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)


def test_unknown_event_key_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="lehman"):
        plots.mark_events(plt.subplots()[1], ["tsunami"])


# --- series and bars ----------------------------------------------------------------


def test_series_has_markers_and_thousands_separators():
    fig = plots.plot_series(series_df(), title="t", ylabel="persons", source="s")
    render(fig)
    ax = fig.axes[0]
    assert ax.lines[0].get_marker() == "o"
    assert any("," in label.get_text() for label in ax.get_yticklabels())
    assert ax.get_xlabel() == "Year" and ax.get_ylabel() == "persons"


def test_series_with_hue_draws_one_line_per_group_and_refuses_duplicates():
    df = pd.concat([series_df().assign(kind="a"), series_df().assign(kind="b")])
    fig = plots.plot_series(df, hue="kind", title="t", ylabel="p", source="s")
    assert len(fig.axes[0].get_legend().get_texts()) == 2
    with pytest.raises(ValueError, match="several rows"):
        plots.plot_series(df, title="t", ylabel="p", source="s")


def test_bar_ranking_puts_the_largest_on_top_and_highlights():
    fig = CHARTS["bar_ranking"]()
    ax = fig.axes[0]
    render(fig)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["東京", "北海道", "鹿児島", "沖縄"]
    colors = {to_hex(bar.get_facecolor()) for bar in ax.patches}
    assert plots.HIGHLIGHT_COLOR in colors and len(colors) == 2
    assert "1,493" in [t.get_text() for t in ax.texts]


# --- forecast -----------------------------------------------------------------------


def test_forecast_has_two_bands_a_dashed_mean_and_actual_points():
    fig = CHARTS["forecast"]()
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


def test_forecast_95_band_is_wider_than_80_band():
    fig = CHARTS["forecast"]()
    band95, band80 = (c for c in fig.axes[0].collections if isinstance(c, PolyCollection))
    height = [np.ptp(c.get_paths()[0].vertices[:, 1]) for c in (band95, band80)]
    assert height[0] > height[1]


def test_forecast_without_interval_columns_is_refused():
    history, forecast = forecast_df()
    with pytest.raises(ValueError, match="lower_95"):
        plots.plot_forecast(
            history, forecast.drop(columns="lower_95"), title="t", ylabel="p", source="s"
        )


# --- prefecture tiles ---------------------------------------------------------------


def tiles(fig: Figure) -> dict[str, object]:
    return {
        p.get_gid().removeprefix(plots.TILE_GID_PREFIX): p
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith(plots.TILE_GID_PREFIX)
    }


def test_tile_map_has_47_tiles_hokkaido_top_right_okinawa_bottom_left():
    fig = CHARTS["tiles_ja"]()
    drawn = tiles(fig)
    assert sorted(drawn) == [f"{i:02d}" for i in range(1, 48)]
    xs = {code: patch.get_x() for code, patch in drawn.items()}
    ys = {code: patch.get_y() for code, patch in drawn.items()}
    assert xs["01"] == max(xs.values()) and ys["01"] == max(ys.values())
    assert xs["47"] == min(xs.values()) and ys["47"] == min(ys.values())
    assert len({(xs[c], ys[c]) for c in drawn}) == 47  # no two tiles share a square


def test_tile_map_draws_nan_and_missing_as_hatched_no_data_with_legend():
    fig = CHARTS["tiles_ja"]()
    drawn = tiles(fig)
    for code in ("05", "47"):  # NaN, and absent from the index
        assert drawn[code].get_hatch() == plots.NO_DATA_HATCH
        assert to_hex(drawn[code].get_facecolor()) == plots.NO_DATA_COLOR
    assert drawn["13"].get_hatch() is None
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["データなし"]
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "東京\n170" in labels and "秋田\n–" in labels


def test_tile_map_in_english_and_without_gaps_has_no_legend():
    values = pd.Series(1.0, index=list(plots.TILE_GRID))
    fig = plots.plot_prefecture_tiles(values, title="t", source="s", cbar_label="c", lang="en")
    assert "Tokyo\n1" in [t.get_text() for t in fig.axes[0].texts]
    assert fig.axes[0].get_legend() is None


@pytest.mark.parametrize("index", [[13, 1], ["13", "48"]])
def test_tile_map_refuses_unknown_codes(index):
    with pytest.raises(ValueError, match="unknown pref_code"):
        plots.plot_prefecture_tiles(
            pd.Series([1.0, 2.0], index=index), title="t", source="s", cbar_label="c"
        )


def test_series_breaks_its_line_at_missing_years():
    """Gaps stay gaps: no segment is drawn across a missing year."""
    df = pd.DataFrame({"year": [2000, 2001, 2004, 2005], "value": [1.0, 2.0, 3.0, 4.0]})
    fig = plots.plot_series(df, title="t", ylabel="p", source="s")
    line = fig.axes[0].lines[0]
    xs, ys = line.get_data()
    assert list(xs) == [2000, 2001, 2002, 2003, 2004, 2005]
    assert np.isnan(ys[2]) and np.isnan(ys[3])


@pytest.mark.parametrize(
    ("value", "text"),
    [(7140000.0, "7,140,000"), (2.638741e10, "26,387,410,000"), (1.3534, "1.353"),
     (0.0466, "0.0466"), (1234.5678, "1,235"), (-24.44, "-24.44"), (0.0, "0")],
)
def test_format_number(value, text):
    assert plots.format_number(value) == text


def test_theme_formats_tables_for_reading():
    plots.set_theme()
    shown = pd.DataFrame({"persons": [7140000.0], "ratio": [1.3534]}).to_string()
    assert "7,140,000" in shown and "1.353" in shown and "e+" not in shown
