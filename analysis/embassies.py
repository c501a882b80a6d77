"""Embassies in Tokyo (特集 駐日大使館): counts, the recognised-states ceiling, changes.

:func:`analysis.models.fit_bounded_growth` models the count under a ceiling. This module
prepares its inputs and reads the series the way the report's claims need:

- :func:`embassy_table` -- every known count with its source and whether the EU
  Delegation is counted.
- :func:`align_capacity` -- the ceiling (states recognised by Japan) for each year, with
  every value that was not given for that year marked as carried forward or assumed
  back, and optionally only what was known at a vantage year.
- :func:`changes_between` -- the change between consecutive known years, per year.
- :func:`forecast_counts` -- the three forecasts a reader can weigh, made with what was
  known at a vantage year: the bounded (logistic) curve, the straight line and the
  no-change forecast, each as a :class:`CountForecast` (a
  :class:`analysis.models.ForecastResult`).
- :func:`no_change_forecast` -- the no-change forecast of a count printed in irregular
  years, with intervals from its past changes.
- :func:`one_step_errors` -- each printed count forecast from the counts before it, by
  each of the three models (the only out-of-sample test irregular years allow).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.iolib.summary import Summary
from statsmodels.iolib.table import SimpleTable

from analysis import data
from analysis.models import DEFAULT_LEVELS, POINT_COLUMN, ForecastResult, fit_bounded_growth

__all__ = [
    "CAPACITY_STATUSES",
    "MODELS",
    "MODEL_LABELS",
    "CountForecast",
    "align_capacity",
    "changes_between",
    "embassy_table",
    "forecast_counts",
    "no_change_forecast",
    "one_step_errors",
]

CAPACITY_STATUSES = ("given", "carried_forward", "assumed_back")
"""How a year's capacity was obtained: given for that year; the last earlier value carried
forward; or the first known value assumed to hold in earlier years."""

_EU_COUNTED = "Counts the Delegation of the European Union"


def embassy_table() -> pd.DataFrame:
    """Return every known count of embassies in Tokyo, with its source and EU caveat.

    Returns
    -------
    pandas.DataFrame
        One row per year, sorted: ``year`` (int64), ``embassies`` (int64, embassies),
        ``reference_date`` (str, may be empty), ``basis`` (``report`` for the report's
        table 駐日大使館数, ``mofa_protocol`` for later counts), ``eu_delegation``
        (``counted`` where the source counts the Delegation of the European Union among
        the embassies, else ``not stated``), ``as_printed``, ``source_title``.

    Notes
    -----
    Source: 外務省『外交青書2013』第4章第1節 特集 (1980-2012) and MOFA / Minato City
    (2014-2023); see :func:`analysis.data.load`. MOFA's 155 (2017) and 157 (2022-23)
    count the EU Delegation; the report does not say whether its 152 does.
    """
    df = data.load("embassies_in_tokyo")
    counted = df["note"].str.contains(_EU_COUNTED, regex=False)
    return pd.DataFrame(
        {
            "year": df["year"].astype("int64"),
            "embassies": df["value"].round().astype("int64"),
            "reference_date": df["reference_date"],
            "basis": df["basis"],
            "eu_delegation": np.where(counted, "counted", "not stated"),
            "as_printed": df["as_printed"],
            "source_title": df["source_title"],
        }
    ).reset_index(drop=True)


def align_capacity(
    counts: pd.Series,
    capacity: pd.Series,
    years: Iterable[int] | None = None,
    *,
    as_of: int | None = None,
    assume_before: bool = True,
) -> pd.DataFrame:
    """Set each year's count beside the ceiling in force, marking how the ceiling was found.

    Parameters
    ----------
    counts : pandas.Series
        Embassies by year (integer index).
    capacity : pandas.Series
        States recognised by Japan, by year (integer index), as given by the sources.
    years : iterable of int, optional
        Years to include besides those of ``counts`` (e.g. forecast years).
    as_of : int, optional
        Use only the capacity values given up to this year (what was known then); later
        values are ignored and the last known one is carried forward.
    assume_before : bool
        For years before the first known capacity, assume that value held (marked
        ``assumed_back``). If False, such years raise ValueError.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (int64, sorted): ``embassies`` (float64; NaN where no count),
        ``capacity_states`` (float64, states), ``capacity_status`` (one of
        :data:`CAPACITY_STATUSES`), ``share_pct`` (``100 * embassies / capacity``,
        percent).

    Raises
    ------
    ValueError
        If ``as_of`` leaves no capacity value, or a year precedes the first known
        capacity and ``assume_before`` is False.
    """
    known = capacity.sort_index()
    if as_of is not None:
        known = known.loc[:as_of]
    if known.empty:
        raise ValueError(f"no capacity value is known as of {as_of}")
    extra = [] if years is None else [int(y) for y in years]
    index = pd.Index(sorted({*map(int, counts.index), *extra}), dtype="int64", name="year")
    pos = np.searchsorted(known.index.to_numpy(), index.to_numpy(), side="right") - 1
    before = pos < 0
    if before.any() and not assume_before:
        raise ValueError(
            f"no capacity is known for {int(index[before][0])} or earlier (first known: "
            f"{int(known.index[0])}); pass assume_before=True to assume "
            f"{known.iloc[0]:g} held then"
        )
    safe = np.where(before, 0, pos)
    given = ~before & (known.index.to_numpy()[safe] == index.to_numpy())
    status = np.where(before, "assumed_back", np.where(given, "given", "carried_forward"))
    out = pd.DataFrame(
        {
            "embassies": counts.reindex(index).astype("float64").to_numpy(),
            "capacity_states": known.to_numpy()[safe].astype("float64"),
            "capacity_status": status,
        },
        index=index,
    )
    out["share_pct"] = 100 * out["embassies"] / out["capacity_states"]
    return out


def changes_between(counts: pd.Series) -> pd.DataFrame:
    """Return the change between each pair of consecutive known years.

    Parameters
    ----------
    counts : pandas.Series
        A count by year; years may be irregular (1980, 1990, 2000, 2010, 2012, ...).

    Returns
    -------
    pandas.DataFrame
        One row per consecutive pair: ``from_year``, ``to_year`` (int64), ``span_years``
        (int64, years), ``start``, ``end``, ``change`` (float64, in the count's unit),
        ``per_year`` (``change / span_years``, units per year).

    Raises
    ------
    ValueError
        If fewer than two years are given or a year repeats.
    """
    values = counts.dropna().sort_index()
    if values.index.has_duplicates:
        raise ValueError(f"year {values.index[values.index.duplicated()][0]} appears twice")
    if len(values) < 2:
        raise ValueError(f"needs at least two years, got {len(values)}")
    years = values.index.to_numpy().astype("int64")
    out = pd.DataFrame(
        {
            "from_year": years[:-1],
            "to_year": years[1:],
            "span_years": np.diff(years),
            "start": values.to_numpy()[:-1].astype("float64"),
            "end": values.to_numpy()[1:].astype("float64"),
        }
    )
    out["change"] = out["end"] - out["start"]
    out["per_year"] = out["change"] / out["span_years"]
    return out


# --------------------------------------------------------------------------- forecasts

MODELS: tuple[str, ...] = ("bounded", "line", "no_change")
"""Keys of :func:`forecast_counts`: the logistic curve under the ceiling, the straight
line, and the no-change forecast."""

MODEL_LABELS: dict[str, str] = {
    "bounded": "Bounded curve",
    "line": "Straight line",
    "no_change": "No change",
}
"""Short labels of :data:`MODELS` for charts and tables."""

_MODEL_NAMES = {
    "bounded": "logistic share of the recognised states (quasi-binomial GLM)",
    "line": "straight line (OLS on the year)",
    "no_change": "no change (random walk on irregular years)",
}
_METHOD_OF = {"bounded": "logistic", "line": "linear", "no_change": "naive"}


@dataclass(frozen=True, eq=False)
class CountForecast(ForecastResult):
    """A :class:`~analysis.models.ForecastResult` of a count printed in irregular years.

    :func:`analysis.models.forecast` needs consecutive years; the embassy counts have
    them only 2022-23. This result carries the forecasts of :func:`forecast_counts` in
    the same layout, so ``summary_frame()`` and ``compare(actual)`` work as for any
    forecast. ``origin`` is the vantage year (``as_of``), which may come after the last
    printed count; ``training`` spans the printed counts used. Intervals are the
    models' own (``calibrate`` is False: too few past errors exist to calibrate them).

    Attributes
    ----------
    model : str
        One of :data:`MODELS`; ``method`` holds ``logistic``, ``linear`` or ``naive``.
    """

    model: str = ""

    def summary(self) -> Summary:
        """Summarise the forecast: model, vantage year, the counts used, the path by year."""
        info = [
            ["Model", _MODEL_NAMES.get(self.model, self.model)],
            ["Counts used", f"{self.training[0]}-{self.training[1]}"],
            ["Vantage year", str(self.origin)],
            ["Levels (%)", ", ".join(f"{lev:g}" for lev in self.levels)],
        ]
        frame = self._frame
        rows = [[f"{v:,.1f}" for v in row] for row in frame.itertuples(index=False)]
        out = Summary()
        out.tables.append(SimpleTable([[v] for _, v in info], None, [k for k, _ in info],
                                      title=f"Forecast of a count: {MODEL_LABELS.get(self.model)}"))
        out.tables.append(SimpleTable(rows, list(frame.columns), [str(y) for y in frame.index]))
        out.add_extra_txt(["Intervals are the model's own (not calibrated)."])
        return out


def _capacity_known(
    states: pd.Series, history: pd.Series, years: Sequence[int], as_of: int
) -> pd.Series:
    """Return the ceiling in every year of ``history`` and ``years``, as known at ``as_of``.

    Before the first known value, and at a vantage year before it, the first known
    value is assumed (:func:`align_capacity`'s ``assumed_back``).
    """
    first = int(states.dropna().index.min())
    aligned = align_capacity(history, states, years, as_of=max(as_of, first))
    return aligned["capacity_states"]


def no_change_forecast(
    history: pd.Series,
    years: Iterable[int],
    levels: Sequence[float] = DEFAULT_LEVELS,
    ceiling: pd.Series | None = None,
) -> pd.DataFrame:
    """Forecast that a count stays at its last printed value, with intervals.

    The count is treated as a random walk observed in irregular years: a change over
    ``g`` years has variance ``g * sigma**2``, and ``sigma**2`` is estimated as the mean
    of ``change**2 / g`` over consecutive printed years (no drift: the benchmark assumes
    nothing about the direction). At ``h`` years after the last count the interval is
    ``last -/+ t * sigma * sqrt(h)``, Student t with one degree of freedom per change.

    Parameters
    ----------
    history : pandas.Series
        Counts by year (irregular years allowed, at least two).
    years : iterable of int
        Years to forecast, each after the last count.
    levels : sequence of float
        Interval levels, in percent.
    ceiling : pandas.Series, optional
        An upper limit by year (e.g. recognised states): interval ends above it are cut
        to it, since no count can exceed it.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``: ``mean`` (the last count), ``lower_<L>``, ``upper_<L>``
        per level (the count's unit).

    Raises
    ------
    ValueError
        If fewer than two counts are given, or a year is not after the last count.
    """
    values = history.dropna().sort_index()
    if len(values) < 2:
        raise ValueError(f"no-change forecast: needs at least two counts, got {len(values)}")
    yrs = np.array([int(y) for y in years], dtype="int64")
    last_year = int(values.index[-1])
    if (yrs <= last_year).any():
        raise ValueError(
            f"no-change forecast: year {int(yrs[yrs <= last_year][0])} is not after the last "
            f"count ({last_year})"
        )
    changes = np.diff(values.to_numpy(dtype="float64"))
    spans = np.diff(values.index.to_numpy().astype("float64"))
    sigma = float(np.sqrt(np.mean(changes**2 / spans)))
    sd = sigma * np.sqrt(yrs - last_year)
    last = float(values.iloc[-1])
    cols: dict[str, np.ndarray] = {POINT_COLUMN: np.full(len(yrs), last)}
    cap = None if ceiling is None else ceiling.reindex(yrs).to_numpy(dtype="float64")
    for lev in levels:
        half = float(stats.t.ppf(0.5 + lev / 200, len(changes))) * sd
        upper = last + half
        if cap is not None:
            upper = np.where(np.isnan(cap), upper, np.minimum(upper, cap))
        cols[f"lower_{lev:g}"] = last - half
        cols[f"upper_{lev:g}"] = upper
    return pd.DataFrame(cols, index=pd.Index(yrs, name="year"))


def _as_result(
    model: str, frame: pd.DataFrame, history: pd.Series, as_of: int, levels: tuple[float, ...]
) -> CountForecast:
    years = frame.index.to_numpy()
    calibration = pd.DataFrame(
        {
            "year": years,
            "n_errors": pd.array([pd.NA] * len(years), dtype="Int64"),
            "calibrated": np.zeros(len(years), dtype=bool),
        },
        index=pd.Index(np.arange(1, len(years) + 1), name="horizon"),
    )
    path = frame[[POINT_COLUMN, *[f"{s}_{lev:g}" for lev in levels for s in ("lower", "upper")]]]
    path = path.astype("float64")
    return CountForecast(
        method=_METHOD_OF[model],
        origin=int(as_of),
        training=(int(history.index[0]), int(history.index[-1])),
        horizon=len(years),
        levels=levels,
        log=False,
        calibrate=False,
        series_name=history.name if isinstance(history.name, str) else None,
        calibration=calibration,
        analytic=path.copy(),
        _frame=path,
        model=model,
    )


def forecast_counts(
    counts: pd.Series,
    states: pd.Series,
    *,
    as_of: int,
    horizon: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
) -> dict[str, CountForecast]:
    """Forecast the embassy count from a vantage year with three models.

    Only what was known at ``as_of`` is used: the counts printed up to it and the
    ceiling (states recognised by Japan) known then, carried forward.

    - ``bounded``: :func:`analysis.models.fit_bounded_growth`, a logistic curve for the
      share of recognised states with an embassy; it never passes the ceiling.
    - ``line``: the straight line fitted by the same call (it ignores the ceiling).
    - ``no_change``: :func:`no_change_forecast`, the last count, cut at the ceiling.

    Parameters
    ----------
    counts : pandas.Series
        Embassies by year (irregular years; at least four up to ``as_of``).
    states : pandas.Series
        States recognised by Japan, by year, as given by the sources.
    as_of : int
        The vantage year.
    horizon : int
        Years forecast: ``as_of + 1 ... as_of + horizon``.
    levels : sequence of float
        Interval levels, in percent.

    Returns
    -------
    dict of str to CountForecast
        Keyed by :data:`MODELS`, in that order; each forecasts ``as_of + 1 ... as_of +
        horizon``.

    Raises
    ------
    ValueError
        If fewer than four counts are known at ``as_of`` or ``horizon`` is below 1.
    """
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    history = counts.dropna().sort_index().loc[:as_of]
    if len(history) < 4:
        raise ValueError(
            f"forecast_counts: {len(history)} counts are known at {as_of}; at least 4 needed"
        )
    years = list(range(as_of + 1, as_of + horizon + 1))
    levels = tuple(float(lev) for lev in levels)
    ceiling = _capacity_known(states, history, years, as_of)
    fit = fit_bounded_growth(history, ceiling, min_train=3)
    frames = {
        "bounded": fit.predict(years, levels, "logistic"),
        "line": fit.predict(years, levels, "linear"),
        "no_change": no_change_forecast(history, years, levels, ceiling),
    }
    return {model: _as_result(model, frames[model], history, as_of, levels) for model in MODELS}


def one_step_errors(counts: pd.Series, states: pd.Series, *, first: int = 5) -> pd.DataFrame:
    """Forecast each printed count from the counts before it, with each model.

    The only out-of-sample test irregular years allow: from each printed year (the
    vantage year) every model of :func:`forecast_counts` forecasts the next printed
    year, knowing only the counts and the ceiling known then.

    Parameters
    ----------
    counts : pandas.Series
        Embassies by year (irregular years).
    states : pandas.Series
        States recognised by Japan, by year.
    first : int
        Counts in the first training window (at least 4; 5 = the report's table).

    Returns
    -------
    pandas.DataFrame
        One row per target year and model (:data:`MODELS` order): ``origin`` (the
        vantage year), ``year`` (the target), ``span_years``, ``model``, ``forecast``,
        ``actual``, ``error`` (``actual - forecast``, embassies; negative = too high).

    Raises
    ------
    ValueError
        If ``first`` is below 4 or leaves no count to forecast.
    """
    values = counts.dropna().sort_index()
    if first < 4 or first >= len(values):
        raise ValueError(
            f"one_step_errors: first={first} must be at least 4 and below the {len(values)} "
            "counts"
        )
    years = values.index.to_numpy().astype("int64")
    rows = []
    for k in range(first, len(values)):
        origin, target = int(years[k - 1]), int(years[k])
        forecasts = forecast_counts(values, states, as_of=origin, horizon=target - origin)
        for model, result in forecasts.items():
            predicted = float(result.summary_frame().loc[target, POINT_COLUMN])
            rows.append(
                {
                    "origin": origin,
                    "year": target,
                    "span_years": target - origin,
                    "model": model,
                    "forecast": predicted,
                    "actual": float(values.iloc[k]),
                    "error": float(values.iloc[k]) - predicted,
                }
            )
    return pd.DataFrame(rows)
