"""The house chart theme, the plotting functions every notebook uses, and tables for readers.

House rules, enforced here so notebooks don't have to remember them:

- charts are read on phones: a chart is at most 560 px wide in a notebook
  (:data:`FIGSIZE` at :data:`DPI`) and no text in it is smaller than :data:`MIN_TEXT_PT`
  (the theme sets every font size; long titles, unit labels, axis labels and source lines
  wrap to the width they have);
- the title states the finding; the unit sits in a horizontal label above the y axis
  (no tilted text) and says so when the axis does not start at zero, which counts do by
  default;
- numbers on charts follow one compact rule (:func:`compact_number`, :class:`CompactFormatter`):
  ``3,784``, ``12.3k``, ``31.2M``, ``2.64B``; tables keep every digit (:func:`table`);
- up to :data:`MAX_DIRECT_LABELS` lines are labelled at their ends, never by a legend beside
  the chart; other keys go in a compact legend under the axes;
- events (:data:`EVENTS`) are dotted vertical lines whose labels are packed in rows in a band
  above the data, so that they overlap neither the data, nor each other, nor the title;
- forecasts are dashed with shaded 80 % and 95 % intervals;
- every chart carries a source line, bottom-left (:func:`add_source`), and alt text stating
  its finding (:func:`alt_text`; the title unless ``alt=`` says otherwise), which a notebook
  shows with the image once :func:`set_theme` has run;
- Japanese text renders in IPAexGothic (bundled by :mod:`matplotlib_fontja`), with
  DejaVu Sans as fallback for the few glyphs IPAexGothic lacks.

Call :func:`set_theme` once at the top of a notebook. Every ``plot_*`` function returns
the :class:`~matplotlib.figure.Figure` it drew on. Without ``ax`` that figure is created
with pyplot and at once closed there, so a notebook shows it exactly once, where it is the
cell's last expression (``fig = plot_series(...)`` shows nothing; end the cell with
``fig``). With ``ax=`` (e.g. from ``plt.subplots()``), pyplot shows the figure itself: then
don't also make the returned figure the cell's last expression (end the line with ``;``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import math
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, Protocol
from weakref import WeakKeyDictionary

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic with matplotlib on import)
import numpy as np
import pandas as pd
import seaborn as sns
import seaborn.objects as so
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.container import BarContainer
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FixedLocator, Formatter, FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation, Transform, blended_transform_factory
from pandas.io.formats.style import Styler

from analysis.prefectures import prefectures
from analysis.residents import BASIS_LABELS, BASIS_ORDER, DERIVED

Lang = Literal["en", "ja"]

FONT = "IPAexGothic"
DPI = 100
MAX_WIDTH_PX = 560
"""Widest chart, in pixels at :data:`DPI`: the widest image the HTML report shows unscaled."""
FIGSIZE = (MAX_WIDTH_PX / DPI, 4.2)  # inches; 560 x 420 px at the notebook dpi
MIN_TEXT_PT = 11.0
"""Smallest text any chart may use, in points: with charts at most 560 px wide (5.6 in at
:data:`DPI`), text stays at least 9 px tall on a 390 px phone screen (tests/test_browser.py)."""
TITLE_PT = 13.0
PANEL_TITLE_PT = 12.0
MAX_DIRECT_LABELS = 6
"""Up to this many lines are labelled at their ends; more get a legend under the axes."""
DIRECT_LABEL_WIDTH_PT = 96.0  # a quarter of the chart's width: longer line labels wrap

SOURCE_GID = "source"
NOTE_GID = "note"
SOURCE_COLOR = "#444444"
EVENT_GID = "event"
EVENT_LABEL_GID = "event-label"
DIRECT_LABEL_GID = "direct-label"
VALUE_LABEL_GID = "value-label"
TILE_GID_PREFIX = "tile-"
EVENT_COLOR = "#7f7f7f"
LABEL_COLOR = "#4d4d4d"
HIGHLIGHT_COLOR = "#d55e00"  # vermillion, distinct from the colorblind palette's first blue
POSITIVE_COLOR = "#0072b2"  # blue: contributions that raised the total
NEGATIVE_COLOR = "#e69f00"  # orange: contributions that lowered it (blue/orange: colour-blind safe)
TOTAL_COLOR = "#4d4d4d"
NO_DATA_COLOR = "#e0e0e0"
NO_DATA_HATCH = "///"

THEME_RC: Mapping[str, object] = MappingProxyType(
    {
        # IPAexGothic first; DejaVu Sans fills in glyphs it lacks (matplotlib font fallback).
        "font.family": [FONT, "DejaVu Sans"],
        "figure.figsize": FIGSIZE,
        "figure.dpi": DPI,
        "savefig.dpi": 2 * DPI,
        "figure.constrained_layout.use": True,
        # Every text size in points, none below MIN_TEXT_PT. Relative sizes would fall
        # below it ("small" is 0.83 x font.size): the code here passes points only.
        "font.size": MIN_TEXT_PT,
        "axes.labelsize": MIN_TEXT_PT,
        "xtick.labelsize": MIN_TEXT_PT,
        "ytick.labelsize": MIN_TEXT_PT,
        "legend.fontsize": MIN_TEXT_PT,
        "legend.title_fontsize": MIN_TEXT_PT,
        "figure.labelsize": MIN_TEXT_PT,
        "axes.titlesize": TITLE_PT,  # IPAexGothic has no bold weight
        "figure.titlesize": TITLE_PT,
        "axes.titlelocation": "left",
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
            "not_from_zero": "; axis does not start at zero",
            "change": "Change since {then} (%, log scale)",
            "derived": "hollow: derived (persons ÷ 1 Oct population)",
        },
        "ja": {
            "history": "実績",
            "forecast": "予測（中心）",
            "pi80": "80 %予測区間",
            "pi95": "95 %予測区間",
            "actual": "実績（予測期間）",
            "no_data": "データなし",
            "not_from_zero": "（縦軸は0から始まらない）",
            "change": "{then}年からの変化（%、対数目盛）",
            "derived": "白抜き：推計（人数÷10月1日人口）",
        },
    }
)



def root_figure(artist: Figure | SubFigure | Axes) -> Figure:
    """Return the top-level figure an axes or subfigure belongs to."""
    fig = artist.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise ValueError(f"{type(artist).__name__} is not attached to a figure")
    return fig

def set_theme() -> None:
    """Apply the house style and show figures in notebooks with their alt text.

    Seaborn ``whitegrid``, colorblind palette, Japanese font, every font size at least
    :data:`MIN_TEXT_PT`; figures 5.6 x 4.2 in at 100 dpi (560 x 420 px in a notebook,
    200 dpi when saved) with constrained layout. Tables in notebooks get thousands
    separators (:func:`format_number`).

    In IPython (a notebook kernel), figures are then displayed by :func:`_display_figure`:
    an ``image/png`` output whose metadata carries ``{"alt": alt_text(fig)}`` and whose
    ``text/plain`` is the same alt text. It is registered with the shell's
    ``ipython_display_formatter``, which IPython consults before any per-MIME formatter
    and which the inline backend's activation (``select_figure_formats``) never touches,
    so ``%matplotlib inline`` cannot replace it.

    Idempotent. Safe to call after :func:`seaborn.set_theme`, which resets the font
    family to DejaVu Sans (Japanese text would then draw as missing-glyph boxes).
    """
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", rc=dict(THEME_RC))
    pd.set_option("display.float_format", format_number)
    pd.set_option("display.max_colwidth", None)
    _register_display()


# --- numbers ------------------------------------------------------------------------------

COMPACT_FROM = 10_000
"""Numbers from this magnitude on are written with a suffix (k, M, B); smaller ones in full."""
_SCALES = ((1e9, "B"), (1e6, "M"), (1e3, "k"))


def _scale(magnitude: float) -> tuple[float, str]:
    """Divisor and suffix of the compact rule for numbers of this size (10,000 → 1e3, "k")."""
    if magnitude >= COMPACT_FROM:
        for divisor, suffix in _SCALES:
            if magnitude >= divisor:
                return divisor, suffix
    return 1.0, ""


def _minus(text: str) -> str:
    return text.replace("-", "\N{MINUS SIGN}")


def _significant(value: float) -> str:
    """Three significant digits, but never fewer than the integer digits: 1.35, 12.3, 150."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def compact_number(value: float) -> str:
    """Write a number for a chart label, in the house's one compact rule.

    Below :data:`COMPACT_FROM` (10,000) numbers are written in full, integers and numbers
    from 100 on with thousands separators and no decimals, others to three significant
    digits; from 10,000 on with three significant digits and a suffix: ``k`` thousand,
    ``M`` million, ``B`` billion. Minus is the typographic minus sign; NaN is ``–``.

    Examples
    --------
    >>> [compact_number(v) for v in (3784, 12345, 150_000, 31_190_000, 2.638741e10, 1.3534)]
    ['3,784', '12.3k', '150k', '31.2M', '26.4B', '1.35']
    """
    if not np.isfinite(value):
        return "–"
    magnitude = abs(float(value))
    if magnitude < COMPACT_FROM:
        return _minus(_significant(value) if not float(value).is_integer() else f"{value:,.0f}")
    # Round first, so that 999,999 becomes "1M", not "1,000k".
    divisor, suffix = _scale(float(f"{magnitude:.3g}"))
    return _minus(_significant(value / divisor) + suffix)


class CompactFormatter(Formatter):
    """Axis tick labels in the compact rule, with one suffix and one precision per axis.

    Ticks 0, 10M, 20M, 30M read ``0, 10M, 20M, 30M``; 0, 0.5M, 1M read ``0, 0.5M, 1.0M``;
    ticks below 10,000 keep their thousands separators (``2,500``). On a log axis each tick
    is written on its own (``10k``, ``1M``). The unit belongs in the axis label.
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        """Format one value (used for single values, e.g. a cursor read-out)."""
        return compact_number(x)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """Format all ticks of the axis with the suffix of the largest one."""
        ticks = np.asarray(values, dtype=float)
        if isinstance(self.axis, Axis) and self.axis.get_scale() == "log":
            return [compact_number(v) for v in ticks]
        finite = np.abs(ticks[np.isfinite(ticks)])
        divisor, suffix = _scale(finite.max() if finite.size else 0.0)
        scaled = ticks / divisor
        tolerance = 1e-9 * max(1.0, float(np.nanmax(np.abs(scaled), initial=0.0)))
        decimals = next(
            (d for d in range(4) if np.allclose(scaled, np.round(scaled, d), atol=tolerance)), 3
        )
        return [
            "0" if v == 0 else _minus(f"{v:,.{decimals}f}{suffix}") for v in scaled
        ]


def format_number(value: float) -> str:
    """Format a number for a table: ``7,140,000``, ``1,234``, ``1.353``, ``0.04663``.

    Whole numbers and numbers of 1,000 or more get thousands separators and no
    decimals; smaller ones four significant digits. Charts use :func:`compact_number`.
    """
    if float(value).is_integer() or abs(value) >= 1000:
        return _minus(f"{value:,.0f}")
    return _minus(f"{value:.4g}")


def _value_formatter(value_format: str | None) -> Callable[[float], str]:
    return compact_number if value_format is None else value_format.format


# --- text that fits -----------------------------------------------------------------------

_NO_LINE_START = frozenset("、。，．・：；？！）」』】〕〉》’”,.;:!?)]}%％ー")
_NO_LINE_END = frozenset("（「『【〔〈《‘“([{")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _break_units(text: str) -> list[str]:
    """Split one line of text into the pieces a wrapped line may break between.

    Words of narrow characters stay whole and keep the space that ends them; each wide
    (CJK) character is a piece of its own; closing punctuation sticks to the piece before
    it and opening brackets to the piece after (the basic Japanese rules, 禁則処理).
    """
    units: list[str] = []
    for char in text:
        previous = units[-1][-1] if units else ""
        joins = bool(units) and (
            char.isspace()
            or char in _NO_LINE_START
            or previous in _NO_LINE_END
            or not (previous.isspace() or _is_wide(previous) or _is_wide(char))
        )
        if joins:
            units[-1] += char
        else:
            units.append(char)
    return units


def _text_width_pt(text: str, size: float) -> float:
    """Width of one line of text in points, in the theme's font (slightly generous)."""
    prop = FontProperties(family=mpl.rcParams["font.family"], size=size)
    width, _height, _descent = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width


def _wrap(text: str, width_pt: float, size: float) -> str:
    """Wrap text to ``width_pt`` points at ``size``; existing line breaks are kept.

    A word longer than the width gets a line of its own (and overflows it).
    """
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in _break_units(paragraph):
            if line.strip() and _text_width_pt((line + unit).rstrip(), size) > width_pt:
                lines.append(line.rstrip())
                line = unit.lstrip()
            else:
                line += unit
        lines.append(line.rstrip())
    return "\n".join(lines)


def _points(fig: Figure, pixels: float) -> float:
    return pixels * 72 / fig.dpi


def _layout(fig: Figure) -> None:
    """Run the layout engine so that axes positions and text sizes are final."""
    fig.draw_without_rendering()


# --- events -------------------------------------------------------------------------------


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
        "technical_intern_status": Event(
            dt.date(2010, 7, 1), "在留資格「技能実習」創設", "Technical intern status created"
        ),
        "earthquake": Event(dt.date(2011, 3, 11), "東日本大震災", "Great East Japan Earthquake"),
        "registration_reform": Event(
            dt.date(2012, 7, 9), "新しい在留管理制度", "Residence-card system"
        ),
        "visa_waivers_2013": Event(
            dt.date(2013, 7, 1), "タイ・マレーシア査証免除", "Visa waivers: Thailand, Malaysia"
        ),
        "highly_skilled_professional": Event(
            dt.date(2015, 4, 1), "高度専門職 創設", "Highly Skilled Professional status"
        ),
        "niue_recognition": Event(
            dt.date(2015, 5, 15), "ニウエ承認（195か国）", "Niue recognised (195 states)"
        ),
        "specified_skilled_worker": Event(
            dt.date(2019, 4, 1), "特定技能 創設", "Specified Skilled Worker status"
        ),
        "covid": Event(dt.date(2020, 3, 11), "新型コロナ", "COVID-19 pandemic"),
        "covid_border_reopening": Event(
            dt.date(2022, 10, 11), "水際措置緩和", "Border measures eased"
        ),
    }
)
"""Events the house charts mark, by key: pass keys (or :class:`Event` objects) as ``events``.

Dates: Lehman Brothers' bankruptcy filing; the amended Immigration Control Act creating
the 技能実習 status (in force 2010-07-01); the earthquake; the residence-card system
replacing alien registration; visa waivers for Thailand and Malaysia; the 高度専門職
status (in force 2015-04-01); Japan's recognition of Niue; the 特定技能 status (in force
2019-04-01); the WHO's pandemic declaration; the end of the arrival cap and return of
visa-free short stays (2022-10-11)."""


def fractional_year(date: dt.date) -> float:
    """Convert a date to a position on an annual axis, in years.

    January 1 maps to the integer year; 2011-03-11 (day 70 of 365) → 2011.189.
    """
    start = dt.date(date.year, 1, 1)
    days_in_year = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days_in_year


def _resolve_events(events: Iterable[str | Event]) -> list[Event]:
    """Events by key or as given, in date order; an unknown key names the known ones."""
    resolved = []
    for event in events:
        if isinstance(event, Event):
            resolved.append(event)
        elif event in EVENTS:
            resolved.append(EVENTS[event])
        else:
            raise ValueError(f"unknown event {event!r}; known events: {', '.join(EVENTS)}")
    return sorted(resolved, key=lambda event: event.date)


def mark_events(
    ax: Axes,
    events: Iterable[str | Event] = tuple(EVENTS),
    *,
    lang: Lang = "en",
    labels: bool = True,
) -> list[Line2D]:
    """Draw each event as a dotted vertical line, labelled in a band above the data.

    Parameters
    ----------
    ax : Axes
        An axes whose x axis is in years (annual data, e.g. ``2011``), already drawn.
    events : iterable of str or Event
        Keys of :data:`EVENTS` (default: all of them) or :class:`Event` objects.
    lang : {"en", "ja"}
        Language of the labels.
    labels : bool
        Write the labels (False: lines only, e.g. on all but the first of several panels).

    Returns
    -------
    list of Line2D
        The event lines (``gid="event"``), at the events' fractional years, in date order.

    Raises
    ------
    ValueError
        For an unknown key, naming the known ones.

    Notes
    -----
    Labels are placed by :func:`_top_labels`: beside their line, packed in as few rows as
    keep them apart, in a band added above the data. Plot all data, titles and labels
    outside the axes before calling this: the placement is measured on the final layout.
    """
    resolved = _resolve_events(events)
    lines = _event_lines(ax, resolved)
    if labels and resolved:
        _layout(root_figure(ax))
        _top_labels(ax, _event_items(resolved, lang))
    return lines


def _event_lines(ax: Axes, events: Sequence[Event]) -> list[Line2D]:
    return [
        ax.axvline(
            event.year_fraction, color=EVENT_COLOR, linestyle=":", linewidth=1.2, gid=EVENT_GID
        )
        for event in events
    ]


def _event_items(events: Sequence[Event], lang: Lang) -> list[tuple[float, str]]:
    return [(event.year_fraction, event.label(lang)) for event in events]


_TOP_LABEL_OFFSET_PT = 3.0
_TOP_LABEL_GAP_PT = 6.0
_TOP_LABEL_ROW_PT = 1.45 * MIN_TEXT_PT


def _assign_rows(spans: Sequence[tuple[float, float]], gap: float) -> list[int]:
    """First-fit rows for horizontal spans so that spans in one row are ``gap`` apart."""
    rows: list[list[tuple[float, float]]] = []
    assigned = []
    for start, end in spans:
        for index, row in enumerate(rows):
            if all(end + gap <= a or start >= b + gap for a, b in row):
                row.append((start, end))
                assigned.append(index)
                break
        else:
            rows.append([(start, end)])
            assigned.append(len(rows) - 1)
    return assigned


def _top_labels(ax: Axes, items: Sequence[tuple[float, str]]) -> list[Annotation]:
    """Label vertical marks at x (data units) in rows of a band added above the data.

    Each label sits beside its mark, to the right where it fits, else to the left where
    it fits, else inside the axes as near as it can; it goes in the first row where it
    keeps :data:`_TOP_LABEL_GAP_PT` from the other labels. The top of the y axis is
    raised by the band's height, so labels overlap neither the data nor each other, and
    stay inside the axes, under the title. Measured on the current layout: run
    :func:`_layout` first.
    """
    fig = root_figure(ax)
    box = ax.get_window_extent()
    width_pt, height_pt = _points(fig, box.width), _points(fig, box.height)
    left, right = ax.get_xlim()
    spans, offsets = [], []
    for x, text in items:
        x_pt = (x - left) / (right - left) * width_pt
        needed = _text_width_pt(text, MIN_TEXT_PT) + 2
        room_right = width_pt - x_pt - _TOP_LABEL_OFFSET_PT
        room_left = x_pt - _TOP_LABEL_OFFSET_PT
        to_right = needed <= room_right or (needed > room_left and room_right >= room_left)
        start = x_pt + _TOP_LABEL_OFFSET_PT if to_right else x_pt - _TOP_LABEL_OFFSET_PT - needed
        start = min(max(start, 0.0), max(width_pt - needed, 0.0))  # fits neither side: inside
        spans.append((start, start + needed))
        offsets.append(start - x_pt)
    rows = _assign_rows(spans, _TOP_LABEL_GAP_PT)
    band = min(0.6, ((max(rows) + 1) * _TOP_LABEL_ROW_PT + 4) / height_pt)
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, top + (top - bottom) * band / (1 - band))
    transform = ax.get_xaxis_transform()  # x in data units (years), y in axes fraction
    return [
        ax.annotate(
            text,
            xy=(x, 1),
            xycoords=transform,
            xytext=(offset, -(2 + (row + 0.5) * _TOP_LABEL_ROW_PT)),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=MIN_TEXT_PT,
            color=LABEL_COLOR,
            gid=EVENT_LABEL_GID,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
        for (x, text), offset, row in zip(items, offsets, rows, strict=True)
    ]


# --- labels at line ends, legends under the axes, room for value labels -------------------


def _spread(
    centers: Sequence[float], heights: Sequence[float], low: float, high: float, gap: float
) -> np.ndarray:
    """Move label centres as little as possible so that no two labels overlap.

    Labels that would overlap are stacked (``gap`` apart) into a cluster centred on where
    its labels want to be; clusters merge until none overlaps the next, and each stays
    within ``[low, high]`` where there is room (else it starts at ``low``).

    Parameters
    ----------
    centers, heights : sequence of float
        Wanted centres and heights of the labels, in one unit (e.g. points).
    low, high : float
        The room the labels have.
    gap : float
        Space between two labels.

    Returns
    -------
    numpy.ndarray
        The new centres, in the order given.
    """
    wanted = np.asarray(centers, dtype=float)
    size = np.asarray(heights, dtype=float)
    clusters = [[int(i)] for i in np.argsort(wanted, kind="stable")]

    def place(members: list[int]) -> tuple[float, np.ndarray]:
        offsets = np.concatenate([[0.0], np.cumsum(size[members][:-1] + gap)]) + size[members] / 2
        total = size[members].sum() + gap * (len(members) - 1)
        start = float(np.mean(wanted[members] - offsets))
        start = max(low, min(start, high - total))
        return start + total, start + offsets

    merged = True
    while merged:
        merged = False
        for k in range(len(clusters) - 1):
            top, _ = place(clusters[k])
            next_start = place(clusters[k + 1])[1][0] - size[clusters[k + 1][0]] / 2
            if next_start < top + gap - 1e-9:
                clusters[k] = clusters[k] + clusters.pop(k + 1)
                merged = True
                break
    placed = np.empty_like(wanted)
    for members in clusters:
        placed[members] = place(members)[1]
    return placed


def _end_labels(
    ax: Axes, items: Iterable[tuple[str, float, float, object]]
) -> list[Annotation]:
    """Write each text just right of its point (x, y, in data units), in the given colour.

    Positions are settled later by :func:`_spread_labels`, once the layout is final.
    """
    return [
        ax.annotate(
            text,
            xy=(x, y),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=MIN_TEXT_PT,
            color=color,
            gid=DIRECT_LABEL_GID,
            annotation_clip=False,
        )
        for text, x, y, color in items
    ]


def _spread_labels(ax: Axes, labels: Sequence[Annotation], *, top: float | None = None) -> None:
    """Nudge labels vertically until none overlaps another, between the x axis and ``top``.

    ``top`` (data units) keeps them under the band of event labels; the axes top if None.
    Measured on the current layout: run :func:`_layout` first.
    """
    if not labels:
        return
    fig = root_figure(ax)
    box = ax.get_window_extent()
    anchors = [ax.transData.transform(label.xy)[1] for label in labels]
    heights = [label.get_window_extent().height for label in labels]
    high = box.y1 if top is None else ax.transData.transform((0, top))[1]
    centres = _spread(anchors, heights, box.y0, high, gap=2 * fig.dpi / 72)
    for label, anchor, centre in zip(labels, anchors, centres, strict=True):
        label.xyann = (label.xyann[0], _points(fig, centre - anchor))


def _legend_below(ax: Axes, handles: Sequence[Artist]) -> Legend:
    """Put a frameless legend under the x axis (its tick labels and label), left-aligned.

    As many columns as fit between the axes' left edge and the figure's right edge.
    Measured on the current layout (:func:`_headings` runs it).
    """
    fig = root_figure(ax)
    ticks = ax.xaxis.get_tightbbox()
    bottom = ticks.y0 if ticks is not None else ax.get_window_extent().y0
    drop = _points(fig, ax.get_window_extent().y0 - bottom) + 4
    widest = max(_text_width_pt(str(h.get_label()), MIN_TEXT_PT) for h in handles)
    column = widest + 3.8 * MIN_TEXT_PT
    room = _points(fig, fig.bbox.x1 - ax.get_window_extent().x0) + 1.2 * MIN_TEXT_PT - 6
    ncols = max(1, min(len(handles), int(room // column)))
    anchor = ax.transAxes + ScaledTranslation(0, -drop / 72, fig.dpi_scale_trans)
    return ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=anchor,
        ncols=ncols,
        borderaxespad=0,
        borderpad=0,
        handlelength=1.6,
        handletextpad=0.8,
        columnspacing=1.2,
    )


def _room_for_labels(ax: Axes, texts: Sequence[Text]) -> None:
    """Widen the x limits until every text anchored in the data fits inside the axes."""
    fig = root_figure(ax)
    scale = ax.xaxis.get_transform()
    for _ in range(3):
        _layout(fig)
        box = ax.get_window_extent()
        extents = [text.get_window_extent() for text in texts]
        over_right = max([extent.x1 - box.x1 for extent in extents], default=0.0)
        over_left = max([box.x0 - extent.x0 for extent in extents], default=0.0)
        if over_right < 1 and over_left < 1:
            return
        low, high = scale.transform(np.asarray(ax.get_xlim(), dtype=float))
        per_pixel = (high - low) / box.width
        low -= max(over_left, 0) * 1.1 * per_pixel
        high += max(over_right, 0) * 1.1 * per_pixel
        ax.set_xlim(*scale.inverted().transform(np.array([low, high])))


# --- the frame of every chart: title, unit, axes, source, alt text ------------------------

_UNIT_GAP_PT = 5.0


def _left_edge(ax: Axes) -> float:
    """Return the left edge of the y tick labels in pixels (the axes' own if none show)."""
    edge = ax.get_window_extent().x0
    ticks = ax.yaxis.get_tightbbox() if ax.axison and ax.yaxis.get_visible() else None
    return edge if ticks is None else min(edge, ticks.x0)


def _headings(
    ax: Axes,
    *,
    title: str,
    unit: str,
    title_size: float = TITLE_PT,
    legend: Sequence[Artist] = (),
) -> None:
    """Set the title (the finding) over the unit label over the axes, all labels wrapped.

    The unit is the y axis label, set horizontal just above the axes, so it reads without
    tilting a phone; the title sits above it. Both start flush with the y tick labels
    (not the axes' edge, which long bar labels push far right) and wrap at the figure's
    right edge. Widths come from the layout, so call this after everything that changes
    the axes' left edge. A ``legend`` (handles) goes under the axes (:func:`_legend_below`).
    """
    fig = root_figure(ax)
    ax.set_ylabel("")
    _layout(fig)
    if legend:
        _legend_below(ax, legend)
    left = _left_edge(ax)
    width = _points(fig, fig.bbox.x1 - left) - 8
    if left - fig.bbox.x0 <= 8:
        # First column: tick labels start at the figure's edge, however wide they get later
        # (event bands change the ticks), so anchor there.
        anchor: Transform = blended_transform_factory(fig.transFigure, ax.transAxes)
        x = (left - fig.bbox.x0) / fig.bbox.width
    else:
        anchor = ax.transAxes + ScaledTranslation(
            -_points(fig, ax.get_window_extent().x0 - left) / 72, 0, fig.dpi_scale_trans
        )
        x = 0.0
    ax.set_xlabel(_wrap(ax.get_xlabel(), _points(fig, ax.get_window_extent().width), MIN_TEXT_PT))
    label = ax.set_ylabel(
        _wrap(unit, width, MIN_TEXT_PT),
        rotation=0,
        ha="left",
        va="bottom",
        rotation_mode="anchor",
    )
    ax.yaxis.set_label_coords(
        x, 1, transform=anchor + ScaledTranslation(0, _UNIT_GAP_PT / 72, fig.dpi_scale_trans)
    )
    unit_pt = _points(fig, label.get_window_extent().height) if unit else 0.0
    heading = ax.set_title(
        _wrap(title, width, title_size),
        loc="left",
        fontsize=title_size,
        pad=_UNIT_GAP_PT + unit_pt + 6,
    )
    heading.set_x(x)
    # titleOffsetTrans is set by Axes.__init__ but missing from matplotlib's type stubs
    heading.set_transform(anchor + ax.titleOffsetTrans)  # type: ignore[attr-defined]


def _y_range(ax: Axes, *, zero: bool, unit: str, lang: Lang) -> str:
    """Start the y axis at zero if asked (counts); return the unit label, with a note if not.

    With ``zero`` the axis includes 0 (bottom at 0 for non-negative data). Whenever the
    axis ends up not including zero, the returned label says so.
    """
    if zero:
        low, high = ax.dataLim.intervaly
        bottom, top = ax.get_ylim()
        _, margin = ax.margins() or (0.0, 0.0)
        if low >= 0:  # the usual margin above the data, measured from zero
            bottom, top = 0.0, max(top, high * (1 + margin))
        elif high <= 0:
            bottom, top = min(bottom, low * (1 + margin)), 0.0
        ax.set_ylim(bottom, top)
    ax.yaxis.set_major_formatter(CompactFormatter())
    bottom, top = ax.get_ylim()
    return unit + _TEXT[lang]["not_from_zero"] if bottom > 0 or top < 0 else unit


def add_source(fig_or_ax: Figure | SubFigure | Axes, source: str) -> Text:
    """Write the source line bottom-left under the chart, wrapped to the figure's width.

    Parameters
    ----------
    fig_or_ax : Figure, SubFigure or Axes
        The chart; the line goes at the bottom of its root figure.
    source : str
        E.g. ``"Source: 法務省 出入国管理統計; 外交青書2013 第4章第1節"``.

    Returns
    -------
    Text
        The figure's single source text artist (``gid="source"``), grey, at
        :data:`MIN_TEXT_PT`. Calling again with a different source (several panels in one
        figure) adds it on a new line.

    Notes
    -----
    With constrained layout (the house default) the axes are moved up to make room.
    """
    if not source.strip():
        raise ValueError("every chart needs a source line; got an empty source")
    fig = root_figure(fig_or_ax)
    sources = _SOURCES.setdefault(fig, [])
    if source not in sources:
        sources.append(source)
    width = _points(fig, fig.bbox.width) * 0.98 - 4
    wrapped = "\n".join(_wrap(line, width, MIN_TEXT_PT) for line in sources)
    existing = [text for text in fig.texts if text.get_gid() == SOURCE_GID]
    if existing:
        text = existing[0]
        text.set_text(wrapped)
    else:
        text = fig.text(
            0.01,
            0.01,
            wrapped,
            ha="left",
            va="bottom",
            fontsize=MIN_TEXT_PT,
            color=SOURCE_COLOR,
            gid=SOURCE_GID,
        )
    _reserve_bottom(fig)
    return text


def _add_note(fig: Figure, note: str) -> Text:
    """Write a note under the chart, just above the source line (e.g. a key to its lines)."""
    width = _points(fig, fig.bbox.width) * 0.98 - 4
    text = fig.text(
        0.01,
        0.01,
        _wrap(note, width, MIN_TEXT_PT),
        ha="left",
        va="bottom",
        fontsize=MIN_TEXT_PT,
        color=LABEL_COLOR,
        gid=NOTE_GID,
    )
    _reserve_bottom(fig)
    return text


_SOURCES: WeakKeyDictionary[Figure, list[str]] = WeakKeyDictionary()


def _reserve_bottom(fig: Figure) -> None:
    """Stack the source line (bottom) and notes above it; keep the axes above them all.

    Heights are measured, so any font and number of lines fits (constrained layout only).
    """
    top = 0.01  # figure fraction
    for gid in (SOURCE_GID, NOTE_GID):
        for text in (t for t in fig.texts if t.get_gid() == gid):
            text.set_y(top)
            top = text.get_window_extent().y1 / fig.bbox.height + 0.008
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, top, 1, 1 - top))


def _new_figure(figsize: tuple[float, float]) -> Figure:
    """Make a constrained-layout figure with pyplot (for the inline backend), then close it."""
    fig = plt.figure(figsize=figsize, dpi=DPI, layout="constrained")
    plt.close(fig)  # not auto-shown: displayed once, as the returned value
    return fig


def _figure_axes(
    ax: Axes | None, figsize: tuple[float, float] = FIGSIZE
) -> tuple[Figure, Axes]:
    if ax is None:
        fig = _new_figure(figsize)
        return fig, fig.add_subplot()
    return root_figure(ax), ax


def _annual_x(ax: Axes, xlabel: str) -> None:
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; has {list(df.columns)}")


def _refuse_duplicates(df: pd.DataFrame, keys: list[str]) -> None:
    duplicated = df.duplicated(keys)
    if duplicated.any():
        raise ValueError(
            f"several rows per {keys}: {df.loc[duplicated, keys].head(3).to_dict('records')}"
        )


# --- alt text and notebook display --------------------------------------------------------

_ALT_TEXT: WeakKeyDictionary[Figure, list[str]] = WeakKeyDictionary()


def _record_alt(fig: Figure, alt: str | None, title: str) -> None:
    """Remember the alt text of a chart drawn on ``fig`` (``alt``, else the title)."""
    text = " ".join((title if alt is None else alt).split())
    if not text:
        raise ValueError("a chart needs alt text stating its finding; got an empty title/alt")
    texts = _ALT_TEXT.setdefault(fig, [])
    if text not in texts:
        texts.append(text)


def set_alt_text(fig: Figure, text: str) -> None:
    """Replace the alt text of a figure, e.g. one composed of several charts.

    Parameters
    ----------
    fig : Figure
        The figure as shown (its root figure is used).
    text : str
        One sentence stating what the figure shows.
    """
    _ALT_TEXT[root_figure(fig)] = []
    _record_alt(root_figure(fig), text, "")


def alt_text(fig: Figure) -> str:
    """Return the alt text of a figure: what its charts' ``alt`` (by default titles) say.

    Parameters
    ----------
    fig : Figure
        A figure drawn by the ``plot_*`` functions (or given alt text with
        :func:`set_alt_text`).

    Returns
    -------
    str
        The recorded texts joined by ``"; "`` (several charts in one figure). For a
        figure drawn otherwise, its titles; ``"Chart"`` if it has none.
    """
    fig = root_figure(fig)
    recorded = _ALT_TEXT.get(fig)
    if recorded:
        return "; ".join(recorded)
    titles = [fig.get_suptitle()] + [
        ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center", "right")
    ]
    found = [" ".join(t.split()) for t in titles if t.strip()]
    return "; ".join(found) if found else "Chart"


def _figure_png(fig: Figure) -> bytes:
    """Render the figure as a PNG at :data:`DPI`, exactly its size (no tight bounding box)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches=None)
    return buffer.getvalue()


def _display_figure(fig: Figure) -> None:
    """Show a figure in IPython: PNG with ``{"alt": ...}`` metadata, alt text as text/plain."""
    from IPython.display import publish_display_data

    text = alt_text(fig)
    publish_display_data(
        data={
            "image/png": base64.b64encode(_figure_png(fig)).decode("ascii"),
            "text/plain": text,
        },
        metadata={"image/png": {"alt": text}},
    )


def _register_display() -> None:
    """Show figures with :func:`_display_figure` in this IPython shell, if there is one."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python without IPython: nothing to register
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.ipython_display_formatter.for_type(Figure, _display_figure)


# --- line charts --------------------------------------------------------------------------


def _full_years(values: pd.Series) -> pd.Series:
    """Reindex a series indexed by year to every year in its span (gaps become NaN)."""
    years = values.index.astype("int64")
    return values.set_axis(years).reindex(range(years.min(), years.max() + 1)).astype(float)


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
    y_zero: bool = True,
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw annual series as lines with markers, one line per ``hue`` value.

    A year missing inside a series breaks its line: gaps are shown as gaps, never
    bridged. Up to :data:`MAX_DIRECT_LABELS` lines are labelled at their last points
    (nudged apart where they would overlap); more get a legend under the axes.

    Parameters
    ----------
    df : DataFrame
        Long format: one row per (``x``, ``hue``) pair.
    x, y : str
        Columns for the year and the value.
    hue : str, optional
        Column that splits the data into several lines; its values label the lines.
    title : str
        The finding, e.g. "Entrants fell 24 % in 2011 and regained the 2010 level in 2013".
    ylabel : str
        Quantity and unit, e.g. "Foreign entrants (persons per year)"; shown above the axis.
    source : str
        Source line (see :func:`add_source`).
    xlabel : str
        Label of the year axis.
    events : iterable of str or Event
        Events to mark (keys of :data:`EVENTS`); none by default.
    lang : {"en", "ja"}
        Language of the event labels and of the axis note.
    y_zero : bool
        Start the y axis at zero (default). With False the axis fits the data and the unit
        label says that it does not start at zero.
    alt : str, optional
        Alt text stating the finding; default the title.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
    """
    _require(df, [x, y] + ([] if hue is None else [hue]), "df")
    _refuse_duplicates(df, [x] if hue is None else [x, hue])
    resolved = _resolve_events(events)
    fig, ax = _figure_axes(ax)
    groups = [("", df)] if hue is None else list(df.groupby(hue, sort=False))
    lines, ends = [], []
    for color, (name, group) in zip(sns.color_palette(n_colors=len(groups)), groups, strict=True):
        full = _full_years(group.set_index(x)[y])
        (line,) = ax.plot(full.index, full.to_numpy(), marker="o", color=color, label=str(name))
        lines.append(line)
        last = full.last_valid_index()
        if last is not None:  # a group without values has no end to label
            label = _wrap(str(name), DIRECT_LABEL_WIDTH_PT, MIN_TEXT_PT)
            ends.append((label, last, full[last], color))
    _event_lines(ax, resolved)
    _annual_x(ax, xlabel)
    unit = _y_range(ax, zero=y_zero, unit=ylabel, lang=lang)
    add_source(fig, source)
    direct = hue is not None and len(groups) <= MAX_DIRECT_LABELS
    labels = _end_labels(ax, ends) if direct else []
    legend = lines if hue is not None and not direct else []
    _headings(ax, title=title, unit=unit, legend=legend)
    _finish_labels(ax, resolved, lang, labels)
    _record_alt(fig, alt, title)
    return fig


def _finish_labels(
    ax: Axes, events: Sequence[Event], lang: Lang, end_labels: Sequence[Annotation] = ()
) -> None:
    """Once the frame is set: event labels in a band above the data, then line-end labels."""
    _layout(root_figure(ax))
    data_top = ax.get_ylim()[1]
    if events:
        _top_labels(ax, _event_items(events, lang))
    _spread_labels(ax, end_labels, top=data_top)


FORECAST_COLUMNS = ("mean", "lower_80", "upper_80", "lower_95", "upper_95")


class HasSummaryFrame(Protocol):
    """A forecast result: ``summary_frame()`` returns a frame of :data:`FORECAST_COLUMNS`."""

    def summary_frame(self) -> pd.DataFrame:
        """Forecast by year: mean and the 80 % and 95 % interval bounds."""


def _forecast_frame(forecast: pd.DataFrame | HasSummaryFrame) -> pd.DataFrame:
    """Return the forecast as a frame of :data:`FORECAST_COLUMNS` (from a frame or a result)."""
    if isinstance(forecast, pd.DataFrame):
        frame = forecast
    elif callable(getattr(forecast, "summary_frame", None)):
        frame = forecast.summary_frame()
    else:
        raise TypeError(
            f"forecast must be a DataFrame or have a summary_frame() method; got "
            f"{type(forecast).__name__}"
        )
    missing = [column for column in FORECAST_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"forecast lacks columns {missing}; expected {list(FORECAST_COLUMNS)}")
    return frame


def _anchor_forecast(history: pd.Series, forecast: pd.DataFrame) -> pd.DataFrame:
    """Start the forecast at the last observation so line and bands join the history."""
    origin = history.index[-1]
    if origin in forecast.index:
        return forecast
    anchor = pd.DataFrame(
        {column: [history.iloc[-1]] for column in FORECAST_COLUMNS}, index=[origin]
    )
    return pd.concat([anchor, forecast[list(FORECAST_COLUMNS)]])


def plot_forecast(
    history: pd.Series,
    forecast: pd.DataFrame | HasSummaryFrame,
    *,
    actual: pd.Series | None = None,
    title: str,
    ylabel: str,
    source: str,
    xlabel: str = "Year",
    events: Iterable[str | Event] = (),
    lang: Lang = "en",
    y_zero: bool = True,
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw observed history (solid) and a forecast (dashed) with 80 % and 95 % bands.

    The key (observed, forecast, bands, actual outcomes) is a compact legend under the
    axes, never beside them.

    Parameters
    ----------
    history : Series
        Observed values indexed by year.
    forecast : DataFrame or object with ``summary_frame()``
        Indexed by year, columns ``mean, lower_80, upper_80, lower_95, upper_95``
        (same unit as ``history``), or a forecast result whose ``summary_frame()``
        returns such a frame.
    actual : Series, optional
        Outcomes observed after the forecast origin, drawn as black diamonds; years up to
        the last year of ``history`` are ignored.
    title, ylabel, source, xlabel, events, lang, y_zero, alt, ax
        As in :func:`plot_series`; ``lang`` also sets the legend language.

    Returns
    -------
    Figure
    """
    text = _TEXT[lang]
    resolved = _resolve_events(events)
    history = history.sort_index()
    fc = _anchor_forecast(history, _forecast_frame(forecast).sort_index())
    fig, ax = _figure_axes(ax)
    color = sns.color_palette()[0]
    observed = ax.plot(
        history.index, history.to_numpy(), marker="o", color=color, label=text["history"]
    )
    band95 = ax.fill_between(
        fc.index, fc["lower_95"], fc["upper_95"], color=color, alpha=0.15, linewidth=0,
        label=text["pi95"],
    )
    band80 = ax.fill_between(
        fc.index, fc["lower_80"], fc["upper_80"], color=color, alpha=0.3, linewidth=0,
        label=text["pi80"],
    )
    mean = ax.plot(fc.index, fc["mean"], linestyle="--", color=color, label=text["forecast"])
    handles = [*observed, *mean, band80, band95]
    if actual is not None:
        after = actual[actual.index > history.index[-1]]
        handles += ax.plot(
            after.index, after.to_numpy(), linestyle="none", marker="D", color="black",
            label=text["actual"], zorder=3,
        )
    _event_lines(ax, resolved)
    _annual_x(ax, xlabel)
    unit = _y_range(ax, zero=y_zero, unit=ylabel, lang=lang)
    add_source(fig, source)
    _headings(ax, title=title, unit=unit, legend=handles)
    _finish_labels(ax, resolved, lang)
    _record_alt(fig, alt, title)
    return fig


def _split_axes(ax: Axes, height_ratios: Sequence[float]) -> tuple[Axes, ...]:
    """Replace ``ax`` by a column of axes sharing x, in the same slot of its figure."""
    spec = ax.get_subplotspec()
    if spec is None:
        raise ValueError("ax must come from a grid (plt.subplots, fig.add_subplot)")
    fig = ax.get_figure(root=False)
    if fig is None:
        raise ValueError("ax is not attached to a figure")
    grid = spec.subgridspec(len(height_ratios), 1, height_ratios=height_ratios)
    ax.remove()
    first = fig.add_subplot(grid[0])
    return (first, *(fig.add_subplot(grid[i], sharex=first) for i in range(1, len(height_ratios))))


def plot_counts_and_share(
    counts: pd.DataFrame,
    shares: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    share_title: str,
    share_ylabel: str,
    source: str,
    events: Iterable[str | Event] = (),
    labels: Mapping[str, str] | None = None,
    xlabel: str = "Year (31 December)",
    lang: Lang = "en",
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw counts as bars by basis (top) over shares of the population (bottom).

    Missing years stay visible: a year without a count has no bar, and share lines break
    where a year is missing. Both y axes start at zero. The bases are named in one legend
    under the bottom panel.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``year``, ``value`` (in the unit of ``ylabel``, e.g. millions of persons),
        ``basis`` (one of :data:`analysis.residents.BASIS_ORDER`). A year with several
        bases gets bars side by side.
    shares : pandas.DataFrame
        ``year``, ``basis``, ``share_pct`` (percent), ``status``; rows with status
        ``derived`` are drawn with hollow markers, printed ones filled
        (:func:`analysis.residents.share_of_population`).
    title, share_title : str
        The findings of the top and the bottom panel.
    ylabel, share_ylabel : str
        Quantities and units of the two panels.
    source : str
        Source line (:func:`add_source`).
    events : iterable of str or Event
        Keys of :data:`EVENTS` or Event objects; labelled on the top panel, drawn as
        lines on both.
    labels : mapping, optional
        Legend labels by basis (default :data:`analysis.residents.BASIS_LABELS`).
    xlabel : str
        Label of the year axis.
    lang : {"en", "ja"}
        Language of the event labels and the legend note on derived shares.
    alt : str, optional
        Alt text; default the title.
    ax : Axes, optional
        A slot of a grid to draw into; it is split into the two panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(counts, ("year", "value", "basis"), "counts")
    _require(shares, ("year", "basis", "share_pct", "status"), "shares")
    for df, what in ((counts, "counts"), (shares, "shares")):
        unknown = sorted(set(df["basis"]) - set(BASIS_ORDER))
        if unknown:
            raise ValueError(f"{what}: unknown basis {unknown}; expected one of {BASIS_ORDER}")
    resolved = _resolve_events(events)
    labels = {**BASIS_LABELS, **(labels or {})}
    colors = dict(zip(BASIS_ORDER, sns.color_palette(n_colors=len(BASIS_ORDER)), strict=True))
    if ax is None:
        fig = _new_figure((FIGSIZE[0], 6.6))
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    else:
        fig = root_figure(ax)
        top, bottom = _split_axes(ax, (3, 2))
    rank = counts["basis"].map({basis: i for i, basis in enumerate(BASIS_ORDER)})
    bars = counts.assign(rank=rank).sort_values(["year", "rank"])
    slot = bars.groupby("year").cumcount().to_numpy()
    per_year = bars.groupby("year")["year"].transform("size").to_numpy()
    width = 0.8 / per_year
    x = bars["year"].to_numpy() + (slot - (per_year - 1) / 2) * width
    for basis in BASIS_ORDER:
        mask = (bars["basis"] == basis).to_numpy()
        if mask.any():
            top.bar(
                x[mask], bars["value"].to_numpy()[mask], width=width[mask], color=colors[basis]
            )
    top.grid(axis="x", visible=False)
    handles: list[Artist] = []
    for basis in BASIS_ORDER:
        rows = shares[shares["basis"] == basis].sort_values("year")
        if rows.empty and not (counts["basis"] == basis).any():
            continue
        handles.append(Patch(color=colors[basis], label=labels[basis]))
        if rows.empty:
            continue
        line = _full_years(rows.set_index("year")["share_pct"])
        bottom.plot(line.index, line.to_numpy(), color=colors[basis], linewidth=1.5)
        derived = (rows["status"] == DERIVED).to_numpy()
        years, shown = rows["year"].to_numpy(dtype="int64"), rows["share_pct"].to_numpy()
        bottom.plot(years[~derived], shown[~derived], "o", color=colors[basis])
        bottom.plot(
            years[derived], shown[derived], "o", color=colors[basis], markerfacecolor="white"
        )
    if (shares["status"] == DERIVED).any():
        handles.append(
            Line2D(
                [], [], color="grey", marker="o", markerfacecolor="white", linestyle="none",
                label=_TEXT[lang]["derived"],
            )
        )
    for panel in (top, bottom):
        _event_lines(panel, resolved)
    _annual_x(bottom, xlabel)
    top_unit = _y_range(top, zero=True, unit=ylabel, lang=lang)
    bottom_unit = _y_range(bottom, zero=True, unit=share_ylabel, lang=lang)
    add_source(fig, source)
    _headings(bottom, title=share_title, unit=bottom_unit, title_size=PANEL_TITLE_PT,
              legend=handles)
    _headings(top, title=title, unit=top_unit)
    _finish_labels(top, resolved, lang)
    _record_alt(fig, alt, title)
    return fig


_KEY: Mapping[Lang, Mapping[str, str]] = MappingProxyType(
    {
        "en": {"events": "Dotted lines: {}.", "join": "; ", "event": "{year} {label}",
               "range": "Shaded: {start}–{end} {label}."},
        "ja": {"events": "点線：{}。", "join": "、", "event": "{year}年 {label}",
               "range": "網掛け：{start}–{end}年 {label}。"},
    }
)


def _multiples_key(
    events: Sequence[Event], highlight: tuple[int, int] | None, label: str | None, lang: Lang
) -> str:
    """Write the key under small multiples: which dotted line is which event, what is shaded."""
    words = _KEY[lang]
    parts = []
    if events:
        named = [words["event"].format(year=e.date.year, label=e.label(lang)) for e in events]
        parts.append(words["events"].format(words["join"].join(named)))
    if highlight is not None and label:
        parts.append(words["range"].format(start=highlight[0], end=highlight[1], label=label))
    return " ".join(parts)


def _seaborn_objects_theme() -> dict[str, object]:
    """Return the current rcParams for the keys seaborn.objects themes (else it uses its own)."""
    return {key: mpl.rcParams[key] for key in so.Plot.config.theme}


def plot_small_multiples(
    df: pd.DataFrame,
    x: str = "year",
    y: str = "value",
    facet: str = "group",
    *,
    title: str,
    ylabel: str,
    source: str,
    xlabel: str = "Year",
    cols: int = 2,
    sharey: bool = True,
    order: Sequence[str] | None = None,
    highlight: tuple[int, int] | None = None,
    highlight_label: str | None = None,
    events: Iterable[str | Event] = (),
    lang: Lang = "en",
    y_zero: bool = True,
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw one small annual line chart per group (tidy data), drawn with seaborn.objects.

    Each panel is titled with its group and labelled with its last value; panels wrap
    into ``cols`` columns (two read well at 560 px). A missing year breaks a line.

    Parameters
    ----------
    df : DataFrame
        Tidy: one row per (``facet``, ``x``).
    x, y, facet : str
        Columns for the year, the value and the group (nationality, market, region).
    title : str
        The finding, for the whole figure.
    ylabel : str
        Quantity and unit, said once for all panels (left edge).
    source : str
        Source line (see :func:`add_source`).
    xlabel : str
        Label of the year axis, under the bottom panel of each column.
    cols : int
        Panels per row.
    sharey : bool
        One y scale for all panels (default; compares levels) or one per panel (compares
        shapes; then say so in the title or unit).
    order : sequence of str, optional
        Panel order; default by last value, largest first.
    highlight : (int, int), optional
        A reference range of years, e.g. ``(2008, 2012)``: shaded in every panel and the
        line drawn over it in the accent colour.
    highlight_label : str, optional
        What the range is, for the key under the panels.
    events : iterable of str or Event
        Events (keys of :data:`EVENTS`), dotted lines in every panel. Their labels would
        crowd narrow panels (and, with a shared y axis, squeeze all of them), so a key
        under the panels names them with their years.
    lang, y_zero, alt
        As in :func:`plot_series`.
    ax : Axes, optional
        A slot of a grid to draw into (the panels are drawn in a subfigure there).

    Returns
    -------
    Figure
        The root figure.
    """
    _require(df, (x, y, facet), "df")
    _refuse_duplicates(df, [facet, x])
    resolved = _resolve_events(events)
    data = df[[facet, x, y]].dropna(subset=[y]).astype({x: "int64"}).sort_values([facet, x])
    data[facet] = data[facet].astype(str)
    last = data.groupby(facet, sort=False)[y].last()
    order = list(last.sort_values(ascending=False).index if order is None else order)
    if sorted(order) != sorted(last.index):
        raise ValueError(f"order {order} does not list the groups {sorted(last.index)}")
    # A line breaks where a year is missing: each run of consecutive years is its own line.
    data["run"] = data.groupby(facet)[x].diff().ne(1).cumsum()
    rows = math.ceil(len(order) / cols)
    if ax is None:
        fig = _new_figure((FIGSIZE[0], 1.9 * rows + 1.9))
        target: Figure | SubFigure = fig
    else:
        fig = root_figure(ax)
        spec = ax.get_subplotspec()
        if spec is None:
            raise ValueError("ax must come from a grid (plt.subplots, fig.add_subplot)")
        target = fig.add_subfigure(spec)
        ax.remove()
    color = sns.color_palette()[0]
    plot = (
        so.Plot(data, x=x, y=y)
        .add(so.Line(color=color, linewidth=1.8), group="run")
        .add(so.Dot(color=color, pointsize=3.5))
        .facet(col=facet, wrap=cols, order=order)
        .share(x=True, y=sharey)
        .label(x=xlabel, y="", title=str)
        .theme(_seaborn_objects_theme())
        .on(target)
    )
    with warnings.catch_warnings():
        # seaborn 0.13.2 passes copy= to pandas.concat, deprecated in pandas 3.
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)
        plot.plot()
    panels = list(target.axes)
    groups = {name: data[data[facet] == name] for name in order}
    end_labels, notes = [], set()  # notes: "" or "; axis does not start at zero"
    for panel, name in zip(panels, order, strict=True):
        group = groups[name]
        panel.set_title(name, loc="left", fontsize=PANEL_TITLE_PT)
        panel.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        panel.yaxis.set_major_locator(MaxNLocator(nbins=4))
        if highlight is not None:
            start, end = highlight
            panel.axvspan(start, end, color=HIGHLIGHT_COLOR, alpha=0.08, linewidth=0)
            inside = _full_years(group.set_index(x)[y]).loc[start:end]
            panel.plot(inside.index, inside.to_numpy(), color=HIGHLIGHT_COLOR, linewidth=2.4)
        notes.add(_y_range(panel, zero=y_zero, unit="", lang=lang))
        end = group.iloc[-1]
        end_labels.append(
            (panel, _end_labels(panel, [(compact_number(end[y]), end[x], end[y], color)]))
        )
        _event_lines(panel, resolved)
    unit = ylabel + max(notes, key=len)  # the note if any panel leaves out zero
    target.supylabel(_wrap(unit, _points(fig, target.bbox.height) * 0.7, MIN_TEXT_PT))
    add_source(fig, source)
    key = _multiples_key(resolved, highlight, highlight_label, lang)
    if key:
        _add_note(fig, key)
    target.suptitle(
        _wrap(title, _points(fig, target.bbox.width) - 10, TITLE_PT),
        x=0.01,
        ha="left",
        fontsize=TITLE_PT,
    )
    _layout(fig)
    for panel, labels in end_labels:
        _spread_labels(panel, labels)
    _record_alt(fig, alt, title)
    return fig


# --- bars ---------------------------------------------------------------------------------

_BAR_LABEL_SHARE = 0.4  # bar labels wrap to this share of the chart's width


def _bar_figsize(labels: Sequence[str]) -> tuple[float, float]:
    """Figure size for horizontal bars: each bar as tall as its (wrapped) label needs."""
    lines = sum(max(1, label.count("\n") + 1) for label in labels)
    bars_pt = lines * MIN_TEXT_PT * 1.25 + len(labels) * 9
    return FIGSIZE[0], max(FIGSIZE[1], bars_pt / 72 + 2.1)


def _finish_bars(
    fig: Figure,
    ax: Axes,
    bars: BarContainer,
    labels: list[str],
    *,
    xlabel: str,
    source: str,
    title: str,
    alt: str | None,
) -> Figure:
    """Label horizontal bars at their ends and finish the chart the house way."""
    texts = ax.bar_label(bars, labels=labels, padding=3, fontsize=MIN_TEXT_PT, gid=VALUE_LABEL_GID)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(CompactFormatter())
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.set_xlabel(xlabel)
    add_source(fig, source)
    _headings(ax, title=title, unit="")
    _room_for_labels(ax, texts)
    _record_alt(fig, alt, title)
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
    value_format: str | None = None,
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw horizontal bars ranked from the largest value (top) down, values at bar ends.

    Parameters
    ----------
    df : DataFrame
        One row per bar.
    value, label : str
        Columns for the bar length and the bar label (Japanese labels are fine; long
        labels wrap).
    title : str
        The finding.
    xlabel : str
        Quantity and unit, e.g. "JOCV volunteers dispatched (persons, 1965–2012)".
    source : str
        Source line (see :func:`add_source`).
    highlight : str or iterable of str, optional
        Label(s) drawn in the accent colour.
    value_format : str, optional
        Format of the value printed at each bar end (e.g. ``"{:.1f}"``); default
        :func:`compact_number`.
    alt : str, optional
        Alt text; default the title.
    ax : Axes, optional
        Draw into this axes; by default a new figure as tall as the bars need.

    Returns
    -------
    Figure
    """
    _require(df, (value, label), "df")
    ranked = df.sort_values(value, ascending=False)
    highlighted = (
        {highlight} if isinstance(highlight, str) else set(() if highlight is None else highlight)
    )
    names = ranked[label].astype(str).tolist()
    wrapped = [
        _wrap(name, _BAR_LABEL_SHARE * FIGSIZE[0] * 72, MIN_TEXT_PT) for name in names
    ]
    fig, ax = _figure_axes(ax, figsize=_bar_figsize(wrapped))
    base = sns.color_palette()[0]
    colors = [HIGHLIGHT_COLOR if name in highlighted else base for name in names]
    positions = np.arange(len(ranked))
    bars = ax.barh(positions, ranked[value].to_numpy(), color=colors)
    ax.set_yticks(positions, wrapped)
    ax.set_ylim(len(ranked) - 0.5, -0.5)  # largest on top
    fmt = _value_formatter(value_format)
    labels = [fmt(v) for v in ranked[value]]
    return _finish_bars(fig, ax, bars, labels, xlabel=xlabel, source=source, title=title, alt=alt)


def _signed(value: float, fmt: Callable[[float], str]) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def plot_contributions(
    df: pd.DataFrame,
    group: str = "group",
    value: str = "value",
    *,
    title: str,
    xlabel: str,
    source: str,
    total: float | None = None,
    total_label: str = "Total",
    value_format: str | None = None,
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw each group's contribution to a change as a bar, and the total change below.

    For "who drove the change" charts: bars to the right (blue) raised the total, bars to
    the left (orange) lowered it; the largest rise is on top. Every bar is labelled with
    its signed value; the total is a separate grey bar under a rule.

    Parameters
    ----------
    df : DataFrame
        One row per group: ``group`` and its contribution ``value`` (e.g. the change in
        residents of one nationality between two years). Include an "Other" row so that
        the contributions add up to the change.
    group, value : str
        Columns of the group label and the contribution.
    title : str
        The finding, e.g. "Vietnam added 0.5M of the 1.7M rise in residents since 2012".
    xlabel : str
        What changed, between which years, in which unit.
    source : str
        Source line (see :func:`add_source`).
    total : float, optional
        The change the contributions must add up to (e.g. from the national series); if
        given and they don't (to 1e-6 relative), a ValueError says by how much. Default:
        their sum.
    total_label : str
        Label of the total bar.
    value_format : str, optional
        Format of the labels (e.g. ``"{:.1f}"``); default :func:`compact_number`; a plus
        sign is added to rises.
    alt : str, optional
        Alt text; default the title.
    ax : Axes, optional
        Draw into this axes.

    Returns
    -------
    Figure
    """
    _require(df, (group, value), "df")
    _refuse_duplicates(df, [group])
    parts = df.sort_values(value, ascending=False)
    summed = float(parts[value].sum())
    if total is not None and not math.isclose(summed, total, rel_tol=1e-6, abs_tol=1e-9):
        raise ValueError(
            f"contributions add up to {summed:,.6g}, not the total {total:,.6g} "
            f"(difference {total - summed:,.6g}); add an 'Other' row"
        )
    names = [*parts[group].astype(str), total_label]
    values = np.append(parts[value].to_numpy(dtype=float), summed)
    wrapped = [_wrap(name, _BAR_LABEL_SHARE * FIGSIZE[0] * 72, MIN_TEXT_PT) for name in names]
    fig, ax = _figure_axes(ax, figsize=_bar_figsize(wrapped))
    positions = np.append(np.arange(len(parts)), len(parts) + 0.4)
    colors = [POSITIVE_COLOR if v >= 0 else NEGATIVE_COLOR for v in values[:-1]] + [TOTAL_COLOR]
    bars = ax.barh(positions, values, color=colors, height=0.7)
    ax.set_yticks(positions, wrapped)
    ax.set_ylim(positions[-1] + 0.6, -0.6)
    ax.axhline(len(parts) - 0.3, color=TOTAL_COLOR, linewidth=0.8)
    ax.axvline(0, color="#333333", linewidth=0.9)
    fmt = _value_formatter(value_format)
    labels = [_signed(v, fmt) for v in values]
    return _finish_bars(fig, ax, bars, labels, xlabel=xlabel, source=source, title=title, alt=alt)


# --- then and now -------------------------------------------------------------------------


def _percent_change(ratio: float) -> str:
    """``+301 %``, ``+4.7 %``, ``−50 %``, ``0 %`` for ratios 4.01, 1.047, 0.5, 1."""
    pct = 100 * (ratio - 1)
    if round(pct, 1) == 0:
        return "0 %"
    digits = 0 if abs(pct) >= 10 else 1
    return _minus(f"{pct:+.{digits}f} %")


def _then_now_rows(
    df: pd.DataFrame, indicator: str, x: str, y: str, then: int
) -> list[tuple[str, float, int, float]]:
    """List (indicator, value in ``then``, latest year, value then) per indicator, in order."""
    rows = []
    for name, group in df.dropna(subset=[y]).groupby(indicator, sort=False):
        values = group.set_index(x)[y]
        later = values[values.index > then]
        if then not in values.index or later.empty:
            raise ValueError(
                f"indicator {name!r} needs a value in {then} and one after it; has years "
                f"{sorted(int(year) for year in values.index)}"
            )
        year = int(later.index.max())
        start, end = float(values[then]), float(later[year])
        if start <= 0 or end <= 0:
            raise ValueError(
                f"indicator {name!r}: a change as a ratio needs positive values; got "
                f"{start} in {then} and {end} in {year}"
            )
        rows.append((str(name), start, year, end))
    return rows


def plot_then_and_now(
    df: pd.DataFrame,
    indicator: str = "indicator",
    x: str = "year",
    y: str = "value",
    *,
    then: int = 2012,
    title: str,
    source: str,
    xlabel: str | None = None,
    lang: Lang = "en",
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Compare headline indicators in ``then`` and their latest year, one row each.

    Indicators in different units share one honest scale: the change since ``then`` as a
    ratio on a log axis, so that halving (−50 %) and doubling (+100 %) lie equally far
    from "no change"; ticks read as percent changes. Each row shows a hollow dot at no
    change, a filled dot at the latest value, the percent change beside it, and above it
    the indicator's name with both values and the latest year (e.g. "Foreign entrants:
    9.17M → 36.8M (2024)"). The axis spans at least −50 % to +100 %, so small changes
    look small.

    Parameters
    ----------
    df : DataFrame
        Tidy: ``indicator``, ``x`` (year), ``y`` (value); one row per indicator and year.
    indicator, x, y : str
        Column names.
    then : int
        The reference year (2012: the year the report describes).
    title : str
        The finding.
    source : str
        Source line (see :func:`add_source`).
    xlabel : str, optional
        Axis label; default "Change since 2012 (%, log scale)" in ``lang``.
    lang : {"en", "ja"}
        Language of the default axis label.
    alt : str, optional
        Alt text; default the title.
    ax : Axes, optional
        Draw into this axes.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        If an indicator lacks a value in ``then`` or after it, or has a non-positive value.
    """
    _require(df, (indicator, x, y), "df")
    _refuse_duplicates(df, [indicator, x])
    rows = _then_now_rows(df, indicator, x, y, then)
    names = [
        _wrap(f"{name}: {compact_number(a)} → {compact_number(b)} ({year})",
              FIGSIZE[0] * 72 - 30, MIN_TEXT_PT)
        for name, a, year, b in rows
    ]
    lines = max(name.count("\n") + 1 for name in names)
    row_pt = lines * MIN_TEXT_PT * 1.25 + 30
    fig, ax = _figure_axes(ax, figsize=(FIGSIZE[0], len(rows) * row_pt / 72 + 2.2))
    color = sns.color_palette()[0]
    ratios = np.array([b / a for _name, a, _year, b in rows])
    ax.set_xscale("log", base=2)
    ax.axvline(1, color=EVENT_COLOR, linewidth=1, zorder=0)
    name_transform = blended_transform_factory(ax.transAxes, ax.transData)
    change_labels = []
    for i, (name, ratio) in enumerate(zip(names, ratios, strict=True)):
        ax.plot([1, ratio], [-i, -i], color="#9e9e9e", linewidth=2, zorder=1)
        ax.plot([1], [-i], "o", markerfacecolor="white", markeredgecolor=LABEL_COLOR,
                markersize=8, zorder=2)
        ax.plot([ratio], [-i], "o", color=color, markersize=8, zorder=3)
        change_labels.append(
            ax.annotate(
                _percent_change(ratio), xy=(ratio, -i), xytext=(8 if ratio >= 1 else -8, 0),
                textcoords="offset points", ha="left" if ratio >= 1 else "right", va="center",
                fontsize=MIN_TEXT_PT, color=color, gid=VALUE_LABEL_GID,
            )
        )
        ax.annotate(
            name, xy=(0, -i), xycoords=name_transform, xytext=(0, 9), textcoords="offset points",
            ha="left", va="bottom", fontsize=MIN_TEXT_PT, color="#222222",
        )
    low = 2.0 ** min(-1, math.floor(math.log2(ratios.min())))
    high = 2.0 ** max(1, math.ceil(math.log2(ratios.max())))
    ticks = 2.0 ** np.arange(math.log2(low), math.log2(high) + 1)
    ax.xaxis.set_major_locator(FixedLocator(ticks.tolist()))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda ratio, _pos: _percent_change(ratio)))
    ax.xaxis.set_minor_locator(FixedLocator([]))
    ax.set_xlim(low / 1.15, high * 1.15)
    ax.set_yticks([])
    ax.set_ylim(-len(rows) + 0.45, (lines * MIN_TEXT_PT * 1.25 + 14) / row_pt)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(_TEXT[lang]["change"].format(then=then) if xlabel is None else xlabel)
    add_source(fig, source)
    _headings(ax, title=title, unit="")
    _room_for_labels(ax, change_labels)
    _record_alt(fig, alt, title)
    return fig


# --- prefecture tile map ------------------------------------------------------------------

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
        "47": (1, 9),
    }
)
"""Tile-map (column, row) by JIS X 0401 code, row 0 at the top: Hokkaido top right,
Okinawa bottom left, under Kagoshima. Twelve columns: at 560 px a tile is 33 pt wide,
room for a three-character name or a value like ``3,784`` at :data:`MIN_TEXT_PT`. Names
come from :func:`analysis.prefectures.prefectures`."""


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


def _draw_tile(ax: Axes, code: str, label: str, color: tuple | None) -> None:
    """Draw one prefecture square with its label; ``color=None`` means no data."""
    col, row = TILE_GRID[code]
    x, y = col, -row
    no_data = color is None
    ax.add_patch(
        Rectangle(
            (x - 0.47, y - 0.47),
            0.94,
            0.94,
            facecolor=NO_DATA_COLOR if no_data else color,
            edgecolor="#9e9e9e" if no_data else "none",
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
        fontsize=MIN_TEXT_PT,
        color="black" if color is None else _text_color(color),
        linespacing=1.0,
    )


def _tiles_figsize(title: str, source: str) -> tuple[float, float]:
    """Width 5.6 in; height for 10 rows of 12-per-width tiles, the title and the source."""
    width_pt = FIGSIZE[0] * 72 - 10
    title_lines = _wrap(title, width_pt, TITLE_PT).count("\n") + 1
    source_lines = _wrap(source, width_pt, MIN_TEXT_PT).count("\n") + 1
    return FIGSIZE[0], 4.75 + 0.23 * title_lines + 0.19 * source_lines


def plot_prefecture_tiles(
    values: pd.Series,
    *,
    title: str,
    source: str,
    cbar_label: str,
    lang: Lang = "ja",
    cmap: str = "viridis",
    value_format: str | None = None,
    alt: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a tile-grid map of Japan: one square per prefecture, coloured by value.

    Each tile carries two lines at :data:`MIN_TEXT_PT`: a tag and the value. The tag is
    the short Japanese name (東京, 鹿児島) with ``lang="ja"``; with ``lang="en"`` it is
    the JIS code (``13``), since English names do not fit a 33 pt tile at a legible size
    (put codes and names in a table under the chart). The colour bar and the "no data"
    key sit in the empty sea at the top left.

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
        Language of the tags (see above) and the legend note.
    cmap : str
        Matplotlib colormap name.
    value_format : str, optional
        Format of the value on each tile (e.g. ``"{:.1f}"``); default
        :func:`compact_number`.
    alt : str, optional
        Alt text; default the title.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
        Tiles are :class:`~matplotlib.patches.Rectangle` patches with ``gid="tile-13"`` etc.
    """
    data = _prefecture_values(values)
    tags = (
        prefectures().set_index("pref_code")["pref_short_ja"]
        if lang == "ja"
        else pd.Series(list(TILE_GRID), index=list(TILE_GRID))
    )
    fig, ax = _figure_axes(ax, figsize=_tiles_figsize(title, source))
    colormap = mpl.colormaps[cmap]
    norm = Normalize(vmin=data.min(), vmax=data.max())
    fmt = _value_formatter(value_format)
    for code, value in data.items():
        color = None if np.isnan(value) else colormap(norm(value))
        _draw_tile(ax, code, f"{tags[code]}\n{'–' if color is None else fmt(value)}", color)
    cols = [col for col, _row in TILE_GRID.values()]
    ax.set_xlim(min(cols) - 0.5, max(cols) + 0.5)
    ax.set_ylim(-max(row for _col, row in TILE_GRID.values()) - 0.5, 0.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    # The sea north-west of Honshu (columns left of Tohoku, rows 0-3) is empty.
    cax = ax.inset_axes((0.02, 0.88, 0.55, 0.03))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=colormap), cax=cax, orientation="horizontal")
    bar.set_label(_wrap(cbar_label, 0.75 * FIGSIZE[0] * 72, MIN_TEXT_PT), loc="left")
    cax.xaxis.set_label_position("top")
    cax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    cax.xaxis.set_major_formatter(CompactFormatter())
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
            bbox_to_anchor=(0.0, 0.79),
            borderaxespad=0,
        )
    add_source(fig, source)
    _headings(ax, title=title, unit="")
    _record_alt(fig, alt, title)
    return fig


# --- tables -------------------------------------------------------------------------------

NA_TEXT = "–"


def _is_year(name: object) -> bool:
    text = str(name)
    return text == "year" or text.endswith("_year") or text.startswith("year_")


def _column_format(
    column: pd.Series, name: object, pct_decimals: int
) -> Callable[[Any], str] | None:
    """Choose a column's format: years plain, ``_pct`` in percent, numbers with separators."""
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return None
    if _is_year(name):
        return lambda value: f"{value:.0f}"
    if str(name).endswith("_pct"):
        return lambda value: f"{value:,.{pct_decimals}f} %"
    return format_number


def table(
    df: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str | Callable[[object], str]] | None = None,
    *,
    pct_decimals: int = 1,
    hide_index: bool | None = None,
    caption: str | None = None,
) -> Styler:
    """Style a table for readers: human labels, separators, missing values as "–".

    Default formats by column: ``year`` and ``*_year`` as plain years (``2012``);
    ``*_pct`` in percent with ``pct_decimals`` decimals (``54.3 %``); other numbers with
    :func:`format_number` (``7,140,000``, ``1.353``); text as is. Missing values (NaN,
    ``<NA>``, None) read "–". Numbers are right-aligned (header too), text left-aligned.

    Parameters
    ----------
    df : DataFrame
        The table, with the house's column names (units in the names).
    labels : mapping, optional
        Column (and index level) name → label, e.g. ``{"share_pct": "Share of population"}``.
    formats : mapping, optional
        Column → format string (``"{:.2f}"``) or function, overriding the defaults.
    pct_decimals : int
        Decimals of percentages.
    hide_index : bool, optional
        Hide the index; default: hidden when it is an unnamed 0..n-1 range, shown (with
        its label) otherwise.
    caption : str, optional
        A caption over the table.

    Returns
    -------
    pandas.io.formats.style.Styler
        Show it as a notebook cell's last expression; ``.to_html()`` for a page.
    """
    labels = dict(labels or {})
    if hide_index is None:
        hide_index = isinstance(df.index, pd.RangeIndex) and df.index.name is None and (
            df.index.start == 0 and df.index.step == 1
        )
    shown = df.rename_axis(index=[labels.get(n, n) for n in df.index.names])
    formatters: dict[object, Callable[[Any], str] | str | None] = {
        column: _column_format(df[column], column, pct_decimals) for column in df.columns
    }
    formatters.update(formats or {})
    numeric = [
        column
        for column in df.columns
        if pd.api.types.is_numeric_dtype(df[column]) and not pd.api.types.is_bool_dtype(df[column])
    ]
    text = [column for column in df.columns if column not in numeric]
    styler = (
        shown.style.format(formatters, na_rep=NA_TEXT)
        .set_properties(subset=numeric, **{"text-align": "right"})
        .set_properties(subset=text, **{"text-align": "left"})
        .set_table_styles(
            {column: [{"selector": "th", "props": "text-align: right"}] for column in numeric},
            overwrite=False,
        )
        .relabel_index([labels.get(column, column) for column in df.columns], axis="columns")
    )
    if hide_index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    # a stable id (pandas draws a random one): the same table renders the same HTML, so a
    # notebook's committed outputs stay current
    digest = hashlib.sha1(df.to_csv().encode() + repr(sorted(labels.items())).encode())
    return styler.set_uuid(f"t{digest.hexdigest()[:10]}")
