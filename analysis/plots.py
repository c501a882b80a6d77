"""The house chart theme and the plotting functions every notebook uses.

House rules, enforced here so notebooks don't have to remember them:

- the title states the finding, axes carry units (callers pass both);
- events (:data:`EVENTS`) are marked as vertical lines at fractional years;
- forecasts are dashed with shaded 80 % and 95 % intervals;
- every chart carries a source line, bottom-left in small grey text (:func:`add_source`);
- Japanese text renders in IPAexGothic (bundled by :mod:`matplotlib_fontja`), with
  DejaVu Sans as fallback for the few glyphs IPAexGothic lacks.

Call :func:`set_theme` once at the top of a notebook. Every ``plot_*`` function
returns the :class:`~matplotlib.figure.Figure` it drew on. Without ``ax`` that figure is
created with pyplot (so the notebook's inline backend renders it) and at once closed
there, so a notebook shows it exactly once, where it is the cell's last expression
(``fig = plot_series(...)`` shows nothing; end the cell with ``fig``), and many charts
don't pile up as open pyplot figures. Save with ``fig.savefig(...)``.
With ``ax=`` from ``plt.subplots()``, pyplot shows the figure itself: then don't also
make the returned figure the cell's last expression (end the line with ``;``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic with matplotlib on import)
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.prefectures import prefectures

Lang = Literal["en", "ja"]

FONT = "IPAexGothic"
FIGSIZE = (8.0, 4.5)  # inches; 800 x 450 px at the notebook dpi
DPI = 100
MIN_TEXT_PT = 11.0
"""Smallest text any chart may use, in points: with charts at most 560 px wide (5.6 in at
:data:`DPI`), text stays at least 9 px tall on a 390 px phone screen (tests/test_browser.py)."""
SOURCE_GID = "source"
SOURCE_FONTSIZE = 9.0  # points: still legible when a page scales the chart down
SOURCE_COLOR = "#444444"
EVENT_GID = "event"
TILE_GID_PREFIX = "tile-"
EVENT_COLOR = "#7f7f7f"
EVENT_FONTSIZE = "x-small"
HIGHLIGHT_COLOR = "#d55e00"  # vermillion, distinct from the colorblind palette's first blue
NO_DATA_COLOR = "#e0e0e0"
NO_DATA_HATCH = "///"
LEGEND_OUTSIDE: Mapping[str, object] = MappingProxyType(
    {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}  # right of the axes, off the data
)

THEME_RC: Mapping[str, object] = MappingProxyType(
    {
        # IPAexGothic first; DejaVu Sans fills in glyphs it lacks (matplotlib font fallback).
        "font.family": [FONT, "DejaVu Sans"],
        "figure.figsize": FIGSIZE,
        "figure.dpi": DPI,
        "savefig.dpi": 2 * DPI,
        "figure.constrained_layout.use": True,
        "axes.titlelocation": "left",
        "axes.titlesize": "large",  # IPAexGothic has no bold weight
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    }
)

_TEXT: Mapping[Lang, Mapping[str, str]] = MappingProxyType(
    {
        "en": {
            "history": "Observed",
            "forecast": "Forecast (central path)",
            "pi80": "80 % interval",
            "pi95": "95 % interval",
            "actual": "Actual outcome",
            "no_data": "No data",
        },
        "ja": {
            "history": "実績",
            "forecast": "予測（中心）",
            "pi80": "80 %予測区間",
            "pi95": "95 %予測区間",
            "actual": "実績（予測期間）",
            "no_data": "データなし",
        },
    }
)

THOUSANDS = FuncFormatter(lambda value, _pos: f"{value:,.10g}")
"""Tick formatter with thousands separators: 7140000 → ``7,140,000``, 2.5 → ``2.5``."""


def set_theme() -> None:
    """Apply the house style: seaborn ``whitegrid``, colorblind palette, Japanese font.

    Idempotent. Safe to call after :func:`seaborn.set_theme`, which resets the font
    family to DejaVu Sans (Japanese text would then draw as missing-glyph boxes).
    Figures default to 8 x 4.5 in at 100 dpi (800 x 450 px in a notebook, 200 dpi when
    saved) with constrained layout.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", rc=dict(THEME_RC))
    # Tables in notebooks: counts with thousands separators (7,140,000 rather than
    # 7140000.0 or 7.14e+06), ratios to four significant digits, text never truncated.
    pd.set_option("display.float_format", format_number)
    pd.set_option("display.max_colwidth", None)


def format_number(value: float) -> str:
    """Format a number for a table: ``7,140,000``, ``1,234``, ``1.353``, ``0.04663``.

    Whole numbers and numbers of 1,000 or more get thousands separators and no
    decimals; smaller ones four significant digits.
    """
    if float(value).is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


@dataclass(frozen=True)
class Event:
    """A dated event to mark on annual charts.

    Attributes
    ----------
    date : datetime.date
        The day the event happened.
    ja, en : str
        Short chart labels in Japanese and English.
    """

    date: dt.date
    ja: str
    en: str

    @property
    def year_fraction(self) -> float:
        """Position on an annual axis, in years (2011-03-11 → 2011.19)."""
        return fractional_year(self.date)

    def label(self, lang: Lang) -> str:
        """Return the label in ``lang`` (``"ja"`` or ``"en"``)."""
        return self.ja if lang == "ja" else self.en


EVENTS: Mapping[str, Event] = MappingProxyType(
    {
        "lehman": Event(dt.date(2008, 9, 15), "リーマン・ショック", "Lehman shock"),
        "earthquake": Event(dt.date(2011, 3, 11), "東日本大震災", "Great East Japan Earthquake"),
        "registration_reform": Event(
            dt.date(2012, 7, 9), "新しい在留管理制度", "Residence-card system"
        ),
        "visa_waivers_2013": Event(
            dt.date(2013, 7, 1), "タイ・マレーシア査証免除", "Visa waivers: Thailand, Malaysia"
        ),
        "niue_recognition": Event(
            dt.date(2015, 5, 15), "ニウエ承認（195か国）", "Niue recognised (195 states)"
        ),
        "covid": Event(dt.date(2020, 3, 11), "新型コロナ", "COVID-19 pandemic"),
    }
)
"""Events the house charts mark, by key: pass keys (or :class:`Event` objects) as ``events``."""


def fractional_year(date: dt.date) -> float:
    """Convert a date to a position on an annual axis, in years.

    January 1 maps to the integer year; 2011-03-11 (day 70 of 365) → 2011.189.
    """
    start = dt.date(date.year, 1, 1)
    days_in_year = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days_in_year


def _resolve_events(events: Iterable[str | Event]) -> list[Event]:
    resolved = []
    for event in events:
        if isinstance(event, Event):
            resolved.append(event)
        elif event in EVENTS:
            resolved.append(EVENTS[event])
        else:
            raise ValueError(f"unknown event {event!r}; known events: {', '.join(EVENTS)}")
    return resolved


def mark_events(
    ax: Axes, events: Iterable[str | Event] = tuple(EVENTS), *, lang: Lang = "en"
) -> list[Line2D]:
    """Draw each event as a dotted vertical line with a short horizontal label.

    Parameters
    ----------
    ax : Axes
        An axes whose x axis is in years (annual data, e.g. ``2011``), already drawn.
    events : iterable of str or Event
        Keys of :data:`EVENTS` (default: all of them) or :class:`Event` objects.
    lang : {"en", "ja"}
        Language of the labels.

    Returns
    -------
    list of Line2D
        The event lines (``gid="event"``), at the events' fractional years.

    Notes
    -----
    The top of the y axis is raised to leave a band free of data, and each label gets
    its own row in that band (earliest event on top), beside its line: to the right,
    or to the left for events in the right third of the axes. Labels therefore overlap
    neither the data nor each other. Plot all data before calling this.
    """
    resolved = sorted(_resolve_events(events), key=lambda event: event.date)
    if not resolved:
        return []
    row_pt = 1.8 * FontProperties(size=EVENT_FONTSIZE).get_size_in_points()
    axes_pt = ax.get_position().height * ax.get_figure(root=True).get_figheight() * 72
    band = min(0.5, 1.25 * len(resolved) * row_pt / axes_pt)  # 1.25: layout shrinks the axes
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, top + (top - bottom) * band / (1 - band))
    lines = [
        ax.axvline(
            event.year_fraction, color=EVENT_COLOR, linestyle=":", linewidth=1.2, gid=EVENT_GID
        )
        for event in resolved
    ]
    left, right = ax.get_xlim()
    transform = ax.get_xaxis_transform()  # x in data units (years), y in axes fraction
    for row, event in enumerate(resolved):
        x = event.year_fraction
        to_left = (x - left) / (right - left) > 2 / 3
        ax.annotate(
            event.label(lang),
            xy=(x, 1),
            xycoords=transform,
            xytext=(-3 if to_left else 3, -(row + 0.5) * row_pt),
            textcoords="offset points",
            ha="right" if to_left else "left",
            va="center",
            fontsize=EVENT_FONTSIZE,
            color="#4d4d4d",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    return lines


def add_source(fig_or_ax: Figure | Axes, source: str) -> Text:
    """Write the source line bottom-left under the chart, in small grey text.

    Parameters
    ----------
    fig_or_ax : Figure or Axes
        The chart; the line goes at the bottom of its (root) figure.
    source : str
        E.g. ``"Source: 法務省 出入国管理統計; 外交青書2013 第4章第1節"``.

    Returns
    -------
    Text
        The figure's single source text artist (``gid="source"``). Calling again with a
        different source (several panels in one figure) adds it on a new line.

    Notes
    -----
    With constrained layout (the house default) the axes are moved up to make room.
    """
    if not source.strip():
        raise ValueError("every chart needs a source line; got an empty source")
    fig = fig_or_ax.get_figure(root=True)
    existing = [text for text in fig.texts if text.get_gid() == SOURCE_GID]
    if existing:
        text = existing[0]
        lines = text.get_text().split("\n")
        if source not in lines:
            text.set_text("\n".join([*lines, source]))
    else:
        text = fig.text(
            0.01,
            0.01,
            source,
            ha="left",
            va="bottom",
            fontsize=SOURCE_FONTSIZE,
            color=SOURCE_COLOR,
            gid=SOURCE_GID,
        )
    _reserve_bottom(fig, text)
    return text


def _reserve_bottom(fig: Figure, text: Text) -> None:
    """Keep constrained layout's axes above the source line (measured, so any font fits)."""
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        bottom = text.get_window_extent().y1 / fig.bbox.height + 0.01  # figure fraction
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def _figure_axes(
    ax: Axes | None, figsize: tuple[float, float] | None = None
) -> tuple[Figure, Axes]:
    if ax is None:
        fig = plt.figure(figsize=figsize, layout="constrained")
        plt.close(fig)  # not auto-shown: displayed once, as the returned value
        return fig, fig.add_subplot()
    return ax.get_figure(root=True), ax


def _annual_axes(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(THOUSANDS)


def plot_series(
    df: pd.DataFrame,
    x: str = "year",
    y: str = "value",
    hue: str | None = None,
    *,
    title: str,
    ylabel: str,
    source: str,
    xlabel: str = "Year",
    events: Iterable[str | Event] = (),
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw annual series as lines with markers, one line per ``hue`` value.

    A year missing inside a series breaks its line: gaps are shown as gaps, never
    bridged.

    Parameters
    ----------
    df : DataFrame
        Long format: one row per (``x``, ``hue``) pair.
    x, y : str
        Columns for the year and the value.
    hue : str, optional
        Column that splits the data into several lines (legend outside right).
    title : str
        The finding, e.g. "Entrants fell 24 % in 2011 and regained the 2010 level in 2013".
    ylabel : str
        Quantity and unit, e.g. "Foreign entrants (persons per year)".
    source : str
        Source line (see :func:`add_source`).
    xlabel : str
        Label of the year axis.
    events : iterable of str or Event
        Events to mark (keys of :data:`EVENTS`); none by default.
    lang : {"en", "ja"}
        Language of the event labels.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
    """
    keys = [x] if hue is None else [x, hue]
    duplicated = df.duplicated(keys)
    if duplicated.any():
        raise ValueError(
            f"several rows per {keys}: {df.loc[duplicated, keys].head(3).to_dict('records')}"
        )
    fig, ax = _figure_axes(ax)
    groups = [("", df)] if hue is None else list(df.groupby(hue, sort=False))
    for color, (name, group) in zip(sns.color_palette(n_colors=len(groups)), groups, strict=True):
        years = group[x].astype("int64")
        # Reindex to every year so that missing years break the line (gaps stay gaps).
        full = group.set_index(years)[y].reindex(range(years.min(), years.max() + 1))
        ax.plot(
            full.index, full.to_numpy(dtype=float), marker="o", color=color,
            label=str(name) if hue is not None else None,
        )
    _annual_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    if hue is not None:
        ax.legend(title=hue, **LEGEND_OUTSIDE)
    mark_events(ax, events, lang=lang)
    add_source(fig, source)
    return fig


FORECAST_COLUMNS = ("mean", "lower_80", "upper_80", "lower_95", "upper_95")


def _anchor_forecast(history: pd.Series, forecast: pd.DataFrame) -> pd.DataFrame:
    """Start the forecast at the last observation so line and bands join the history."""
    origin = history.index[-1]
    if origin in forecast.index:
        return forecast
    anchor = pd.DataFrame(
        {column: [history.iloc[-1]] for column in FORECAST_COLUMNS}, index=[origin]
    )
    return pd.concat([anchor, forecast])


def plot_forecast(
    history: pd.Series,
    forecast: pd.DataFrame,
    *,
    actual: pd.Series | None = None,
    title: str,
    ylabel: str,
    source: str,
    xlabel: str = "Year",
    events: Iterable[str | Event] = (),
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw observed history (solid) and a forecast (dashed) with 80 % and 95 % bands.

    Parameters
    ----------
    history : Series
        Observed values indexed by year.
    forecast : DataFrame
        Indexed by year, columns ``mean, lower_80, upper_80, lower_95, upper_95``
        (same unit as ``history``).
    actual : Series, optional
        Outcomes observed after the forecast origin, drawn as black diamonds; years up to
        the last year of ``history`` are ignored.
    title, ylabel, source, xlabel, events, lang, ax
        As in :func:`plot_series`; ``lang`` also sets the legend language.

    Returns
    -------
    Figure
    """
    missing = [column for column in FORECAST_COLUMNS if column not in forecast.columns]
    if missing:
        raise ValueError(f"forecast lacks columns {missing}; expected {list(FORECAST_COLUMNS)}")
    text = _TEXT[lang]
    history = history.sort_index()
    fc = _anchor_forecast(history, forecast.sort_index())
    fig, ax = _figure_axes(ax)
    color = sns.color_palette()[0]
    observed = ax.plot(
        history.index, history.to_numpy(), marker="o", color=color, label=text["history"]
    )
    band95 = ax.fill_between(
        fc.index,
        fc["lower_95"],
        fc["upper_95"],
        color=color,
        alpha=0.15,
        linewidth=0,
        label=text["pi95"],
    )
    band80 = ax.fill_between(
        fc.index,
        fc["lower_80"],
        fc["upper_80"],
        color=color,
        alpha=0.3,
        linewidth=0,
        label=text["pi80"],
    )
    mean = ax.plot(fc.index, fc["mean"], linestyle="--", color=color, label=text["forecast"])
    handles = [*observed, *mean, band80, band95]
    if actual is not None:
        after = actual[actual.index > history.index[-1]]
        handles += ax.plot(
            after.index,
            after.to_numpy(),
            linestyle="none",
            marker="D",
            color="black",
            label=text["actual"],
            zorder=3,
        )
    _annual_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend(handles=handles, **LEGEND_OUTSIDE)
    mark_events(ax, events, lang=lang)
    add_source(fig, source)
    return fig


def plot_bar_ranking(
    df: pd.DataFrame,
    value: str,
    label: str,
    *,
    title: str,
    xlabel: str,
    source: str,
    highlight: str | Iterable[str] | None = None,
    value_format: str = "{:,.0f}",
    ax: Axes | None = None,
) -> Figure:
    """Draw horizontal bars ranked from the largest value (top) down, values at bar ends.

    Parameters
    ----------
    df : DataFrame
        One row per bar.
    value, label : str
        Columns for the bar length and the bar label (Japanese labels are fine).
    title : str
        The finding.
    xlabel : str
        Quantity and unit, e.g. "JOCV volunteers dispatched (persons, 1965–2012)".
    source : str
        Source line (see :func:`add_source`).
    highlight : str or iterable of str, optional
        Label(s) drawn in the accent colour.
    value_format : str
        Format of the value printed at each bar end.
    ax : Axes, optional
        Draw into this axes; by default a new figure about 0.28 in per bar tall.

    Returns
    -------
    Figure
    """
    ranked = df.sort_values(value, ascending=False)
    highlighted = (
        {highlight} if isinstance(highlight, str) else set(() if highlight is None else highlight)
    )
    labels = ranked[label].astype(str).tolist()
    fig, ax = _figure_axes(ax, figsize=(FIGSIZE[0], max(FIGSIZE[1], 0.28 * len(ranked) + 1.2)))
    base = sns.color_palette()[0]
    colors = [HIGHLIGHT_COLOR if name in highlighted else base for name in labels]
    positions = np.arange(len(ranked))
    bars = ax.barh(positions, ranked[value].to_numpy(), color=colors)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.bar_label(
        bars, labels=[value_format.format(v) for v in ranked[value]], padding=3, fontsize="small"
    )
    ax.margins(x=0.12)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    add_source(fig, source)
    return fig


TILE_GRID: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "01": (12, 0),
        "02": (12, 1),
        "03": (12, 2),
        "04": (12, 3),
        "05": (11, 2),
        "06": (11, 3),
        "07": (12, 4),
        "08": (12, 6),
        "09": (12, 5),
        "10": (11, 5),
        "11": (11, 6),
        "12": (12, 7),
        "13": (11, 7),
        "14": (11, 8),
        "15": (11, 4),
        "16": (10, 4),
        "17": (9, 4),
        "18": (8, 4),
        "19": (10, 6),
        "20": (10, 5),
        "21": (9, 5),
        "22": (10, 7),
        "23": (9, 6),
        "24": (8, 6),
        "25": (8, 5),
        "26": (7, 5),
        "27": (6, 6),
        "28": (6, 5),
        "29": (7, 6),
        "30": (6, 7),
        "31": (5, 4),
        "32": (4, 4),
        "33": (5, 5),
        "34": (4, 5),
        "35": (3, 5),
        "36": (5, 7),
        "37": (5, 6),
        "38": (4, 6),
        "39": (4, 7),
        "40": (3, 6),
        "41": (2, 6),
        "42": (1, 6),
        "43": (2, 7),
        "44": (3, 7),
        "45": (3, 8),
        "46": (2, 8),
        "47": (0, 9),
    }
)
"""Tile-map (column, row) by JIS X 0401 code, row 0 at the top: Hokkaido top right,
Okinawa bottom left. Names come from :func:`analysis.prefectures.prefectures`."""


def _prefecture_values(values: pd.Series) -> pd.Series:
    """Reindex ``values`` to the 47 codes in JIS order, refusing codes that aren't ours."""
    unknown = sorted({repr(code) for code in values.index if code not in TILE_GRID})
    if unknown:
        raise ValueError(
            f"unknown pref_code(s) {', '.join(unknown[:5])}; expected strings '01'..'47'"
        )
    duplicated = values.index[values.index.duplicated()]
    if len(duplicated):
        raise ValueError(f"duplicate pref_code(s) {sorted(set(duplicated))}")
    data = values.reindex(list(TILE_GRID)).astype(float)
    if data.isna().all():
        raise ValueError("no prefecture has a value")
    return data


def _text_color(rgba: tuple[float, float, float, float]) -> str:
    red, green, blue, _alpha = rgba
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5 else "black"


def _draw_tile(ax: Axes, code: str, label: str, color: tuple | None, fontsize: float) -> None:
    """Draw one prefecture square with its label; ``color=None`` means no data."""
    col, row = TILE_GRID[code]
    x, y = col, -row
    no_data = color is None
    ax.add_patch(
        Rectangle(
            (x - 0.46, y - 0.46),
            0.92,
            0.92,
            facecolor=NO_DATA_COLOR if no_data else color,
            edgecolor="#9e9e9e" if no_data else "white",
            hatch=NO_DATA_HATCH if no_data else None,
            linewidth=0.8,
            gid=f"{TILE_GID_PREFIX}{code}",
        )
    )
    ax.text(
        x,
        y,
        label,
        ha="center",
        va="center",
        fontsize=fontsize,
        color="black" if no_data else _text_color(color),
        linespacing=1.1,
    )


def plot_prefecture_tiles(
    values: pd.Series,
    *,
    title: str,
    source: str,
    cbar_label: str,
    lang: Lang = "ja",
    cmap: str = "viridis",
    value_format: str = "{:,.0f}",
    ax: Axes | None = None,
) -> Figure:
    """Draw a tile-grid map of Japan: one square per prefecture, coloured by value.

    Parameters
    ----------
    values : Series
        Indexed by JIS X 0401 ``pref_code`` strings ``'01'``..``'47'``; prefectures
        missing from the index or NaN are drawn grey and hatched ("no data", with a
        legend note).
    title : str
        The finding.
    source : str
        Source line (see :func:`add_source`).
    cbar_label : str
        Quantity and unit shown on the colour bar.
    lang : {"ja", "en"}
        Language of the tile labels (short names: 東京 / Tokyo) and the legend note.
    cmap : str
        Matplotlib colormap name.
    value_format : str
        Format of the value printed under each name.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
        Tiles are :class:`~matplotlib.patches.Rectangle` patches with ``gid="tile-13"`` etc.
    """
    data = _prefecture_values(values)
    names = prefectures().set_index("pref_code")[
        "pref_short_ja" if lang == "ja" else "pref_name_en"
    ]
    fig, ax = _figure_axes(ax, figsize=(FIGSIZE[0], 6.0))
    colormap = mpl.colormaps[cmap]
    norm = Normalize(vmin=data.min(), vmax=data.max())
    fontsize = 9.0 if lang == "ja" else 6.5  # points: legible at 100 dpi; 鹿児島/"Kagoshima" fit
    for code, value in data.items():
        color = None if np.isnan(value) else colormap(norm(value))
        text = "–" if color is None else value_format.format(value)
        _draw_tile(ax, code, f"{names[code]}\n{text}", color, fontsize)
    ax.set_xlim(-0.6, max(col for col, _row in TILE_GRID.values()) + 0.6)
    ax.set_ylim(-max(row for _col, row in TILE_GRID.values()) - 0.6, 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    fig.colorbar(
        ScalarMappable(norm=norm, cmap=colormap),
        ax=ax,
        shrink=0.6,
        label=cbar_label,
        format=THOUSANDS,
    )
    if data.isna().any():
        ax.legend(
            handles=[
                Patch(
                    facecolor=NO_DATA_COLOR,
                    edgecolor="#9e9e9e",
                    hatch=NO_DATA_HATCH,
                    label=_TEXT[lang]["no_data"],
                )
            ],
            loc="upper left",
        )
    add_source(fig, source)
    return fig
