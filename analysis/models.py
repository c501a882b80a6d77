"""Trend models, with uncertainty, for the report's annual series.

The Bluebook's story is three trends; one function measures each, and two tools
forecast and score forecasts:

- :func:`fit_shock_recovery` -- a one-year shock (foreign entrants in 2011, the year of
  the East Japan earthquake): its size, whether it was temporary or permanent, and
  when the series recovered.
- :func:`fit_breakpoint` -- a turning point in a trend (registered foreign residents
  peaked at end-2008), optionally with a level shift for a change of statistical basis.
- :func:`fit_bounded_growth` -- growth of a count towards a known ceiling (embassies in
  Tokyo towards the number of states Japan recognises).
- :func:`forecast` -- benchmark forecasts with prediction intervals, calibrated by the
  series' own past forecast errors.
- :func:`backtest` -- rolling-origin accuracy (MASE against the naive benchmark) and
  interval coverage of a method.

Conventions shared by every function
------------------------------------
- A *series* is a :class:`pandas.Series` of annual values indexed by integer calendar
  year (the layout of :func:`analysis.data.series`). Years, wherever given (the index,
  ``as_of``, shock and break years, prediction years), must lie in :data:`YEARS`
  (1800-2200): that refuses year-month codes (201201), two-digit years and era years
  (23 for 平成23). Invalid input raises :class:`ValueError` naming the argument, the
  problem and the year: a repeated year, a missing year (gap) where consecutive years
  are needed, NaN or infinite values, non-positive values for a log-scale model, too
  few years. A value of the wrong type (a float year, ``log='no'``, a DataFrame for a
  Series) raises :class:`TypeError` naming the argument.
- Interval levels are percentages (``80``, not ``0.8``), each at least 1 and below 100.
  Prediction intervals are central: ``lower_80``/``upper_80`` (:func:`interval_columns`)
  hold the 10 % and 90 % quantiles of the predictive distribution, ``lower_95``/
  ``upper_95`` the 2.5 % and 97.5 % quantiles, in the series' own units; the point
  forecast is in the column :data:`POINT_COLUMN` (``mean``).
- On a log scale (``log=True``, and always in :func:`fit_shock_recovery`) models are
  fitted to ``log(y)`` and results are transformed back with ``exp``. Quantiles
  transform exactly, but the back-transformed point forecast -- the column named
  ``mean``, kept for a uniform layout -- is the predictive *median* of ``y``, not its
  mean (the mean is higher by a factor ``exp(s**2 / 2)``, ``s`` being the log-scale
  standard deviation). The median is the point forecast that minimises expected
  absolute error, which is what :func:`backtest` scores.
- Results follow the statsmodels idiom: ``summary()`` returns a
  :class:`statsmodels.iolib.summary.Summary` (``print(res.summary())``, ``as_text()``,
  ``as_html()``; it renders in notebooks); ``summary_frame()`` returns the result's
  rows as a DataFrame where it has rows; ``conf_int(level)`` returns intervals of the
  estimates where they are meaningful.
- Fits never print. statsmodels warnings raised inside a fit are caught: an optimiser
  that did not converge, or any other statsmodels warning, is re-issued as a
  :class:`ModelWarning` saying which fit and what it means for the result; perfect
  separation in the logistic model, where the estimates do not exist, is a
  :class:`ValueError`. Too few past errors to calibrate an interval is a
  :class:`CalibrationWarning` (a :class:`ModelWarning`).
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast, overload

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.iolib.summary import Summary
from statsmodels.iolib.table import SimpleTable
from statsmodels.iolib.tableformatting import fmt_2cols, fmt_params
from statsmodels.regression.linear_model import OLS, WLS, RegressionResultsWrapper
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

__all__ = [
    "DEFAULT_LEVELS",
    "MAX_HORIZON",
    "METHODS",
    "MIN_CALIBRATION_ERRORS",
    "MIN_SIMULATIONS",
    "POINT_COLUMN",
    "YEARS",
    "BacktestResult",
    "BoundedGrowthFit",
    "BreakpointFit",
    "CalibrationWarning",
    "ForecastResult",
    "ModelWarning",
    "ShockRecovery",
    "backtest",
    "conformal_errors_needed",
    "fit_bounded_growth",
    "fit_breakpoint",
    "fit_shock_recovery",
    "forecast",
    "interval_columns",
]

Method = Literal["naive", "drift", "linear", "ets_damped"]
Kind = Literal["temporary", "permanent"]

METHODS: dict[str, int] = {"naive": 2, "drift": 3, "linear": 3, "ets_damped": 15}
"""Forecast methods of :func:`forecast` and the fewest years each accepts.

- ``naive`` (2): one change gives the spread of the changes (1 degree of freedom).
- ``drift`` (3): the drift and the spread need two changes (1 degree of freedom).
- ``linear`` (3): intercept, slope and residual variance (1 degree of freedom).
- ``ets_damped`` (15): ETS(A,Ad,N) estimates five parameters (two smoothing weights,
  the damping factor, the initial level and trend) by numerical maximum likelihood.
  On 10-year series it was the least accurate method and its intervals the worst
  calibrated (on 16 simulated random walks with drift, its 80 % intervals covered 38 %
  of outcomes from 10 training years and 43 % from 15; on foreign entrants its
  relative MASE was 1.2, worse than no change). 15 years is three per parameter; its
  intervals still need the calibration of :func:`forecast`.

The minima are what a fit needs; a calibrated interval needs more years still (see
:data:`MIN_CALIBRATION_ERRORS`).
"""

MIN_PRE_SHOCK_YEARS = 5
"""Fewest usable years before a shock for :func:`fit_shock_recovery`."""

DEFAULT_LEVELS: tuple[float, ...] = (80, 95)
"""Default interval levels, in percent."""

POINT_COLUMN = "mean"
"""Name of the point-forecast column of every forecast or prediction table."""

YEARS: tuple[int, int] = (1800, 2200)
"""First and last calendar year accepted wherever a year is given."""

MAX_HORIZON = 100
"""Longest forecast horizon accepted, in years."""

MIN_CALIBRATION_ERRORS = 5
"""Fewest past h-step forecast errors with which :func:`forecast` calibrates horizon h.

With ``n`` exchangeable errors, the ``k``-th smallest is exceeded by a new error with
probability ``1 - k / (n + 1)``; with five, the largest is exceeded with probability
1/6, so fewer say little about an interval's width. (On the real series, coverage
did not change for any minimum from 3 to 6.)
"""

MIN_SIMULATIONS = 99
"""Fewest Monte Carlo draws for :func:`fit_breakpoint` (p-values resolve to 0.01)."""

_MAX_SIMULATIONS = 100_000
_METHOD_NAMES = {
    "naive": "random walk (naive)",
    "drift": "random walk with drift",
    "linear": "linear trend (OLS)",
    "ets_damped": "ETS(A,Ad,N), damped trend",
}
_ORDINARY_COLUMNS = ("lower", "upper")


class ModelWarning(UserWarning):
    """A fit finished but its result needs care (e.g. the optimiser did not converge)."""


class CalibrationWarning(ModelWarning):
    """Too few past forecast errors to calibrate an interval; it is the model's own."""


# --------------------------------------------------------------------------- validation


def _label(series: pd.Series) -> str:
    return f"series {series.name!r}" if isinstance(series.name, str) else "series"


def _gap_message(label: str, years: np.ndarray, jumps: np.ndarray) -> str:
    before, after = int(years[jumps[0]]), int(years[jumps[0] + 1])
    missing = str(before + 1) if after - before == 2 else f"{before + 1}-{after - 1}"
    more = f" and {jumps.size - 1} more gap(s)" if jumps.size > 1 else ""
    last_start = int(years[jumps[-1] + 1])
    return (
        f"{label}: years must be consecutive, but {before} is followed by {after} "
        f"(missing {missing}){more}; select a contiguous span, e.g. the last one: "
        f"series.loc[{last_start}:]"
    )


def _annual(
    series: pd.Series,
    *,
    min_points: int,
    positive: bool = False,
    consecutive: bool = True,
    non_negative: bool = False,
    name: str = "series",
) -> pd.Series:
    """Check an annual series and return it as float64, sorted, indexed by int64 year."""
    if not isinstance(series, pd.Series):
        raise TypeError(
            f"{name} must be a pandas Series indexed by year, got {type(series).__name__}"
        )
    label = _label(series) if name == "series" else name
    if not pd.api.types.is_integer_dtype(series.index.dtype):
        raise ValueError(
            f"{label}: the index must hold integer years, got dtype {series.index.dtype}"
        )
    repeated = series.index[series.index.duplicated()]
    if len(repeated):
        raise ValueError(f"{label}: year {repeated[0]} appears more than once")
    outside = series.index[(series.index < YEARS[0]) | (series.index > YEARS[1])]
    if len(outside):
        raise ValueError(
            f"{label}: year {outside[0]} is outside {YEARS[0]}-{YEARS[1]}; the index must "
            "hold calendar years (not year-month codes such as 201201, nor era years)"
        )
    try:
        values = series.astype("float64")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{label}: values must be numbers ({err})") from None
    values.index = pd.Index(series.index.astype("int64"), name="year")
    values = values.sort_index()
    for year, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"{label}: the value for {year} is {value} (must be finite)")
        if positive and value <= 0:
            raise ValueError(
                f"{label}: the value for {year} is {value:g}; a log-scale model needs "
                "positive values"
            )
        if non_negative and value < 0:
            raise ValueError(f"{label}: the value for {year} is {value:g} (must be >= 0)")
    if len(values) < min_points:
        raise ValueError(f"{label}: needs at least {min_points} years, got {len(values)}")
    if consecutive:
        years = values.index.to_numpy()
        jumps = np.flatnonzero(np.diff(years) != 1)
        if jumps.size:
            raise ValueError(_gap_message(label, years, jumps))
    return values


def _integer(value: object, name: str, low: int, high: int | None = None) -> int:
    """Check an integer argument; TypeError for another type, ValueError out of range."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    out = int(value)
    if out < low or (high is not None and out > high):
        accepted = f"at least {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{name} must be {accepted}, got {out}")
    return out


def _year(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"{name} must be an integer year, got {value!r} ({type(value).__name__})"
        )
    year = int(value)
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(
            f"{name}={year} is not a calendar year in {YEARS[0]}-{YEARS[1]} (a year-month "
            "code such as 201201, or an era year?)"
        )
    return year


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _choice(value: object, name: str, options: Iterable[str]) -> str:
    options = list(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(options)}; got {value!r}")
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; choose from {', '.join(options)}")
    return value


def _check_levels(levels: object, name: str = "levels") -> tuple[float, ...]:
    """Check interval levels: distinct percentages, each at least 1 and below 100."""
    if isinstance(levels, str | bytes) or not isinstance(levels, Iterable):
        raise TypeError(
            f"{name} must be a sequence of percentages, e.g. (80, 95); got {levels!r}"
        )
    out = tuple(levels)
    for lev in out:
        if isinstance(lev, bool) or not isinstance(lev, int | float | np.integer | np.floating):
            raise TypeError(f"{name} must hold numbers (percentages), got {lev!r} in {out!r}")
    if not out:
        raise ValueError(f"{name} is empty; give percentages, e.g. (80, 95)")
    values = tuple(float(lev) for lev in out)
    if any(not math.isfinite(lev) for lev in values):
        raise ValueError(f"{name} must be finite percentages, got {out!r}")
    if any(lev < 1 for lev in values):
        raise ValueError(
            f"{name} are percentages, e.g. 80, not 0.8: got {out!r}; each must be at least "
            "1 and below 100"
        )
    if any(lev >= 100 for lev in values):
        raise ValueError(f"{name} must be below 100 (a 100 % interval is unbounded), got {out!r}")
    if len({f"{lev:g}" for lev in values}) != len(values):
        raise ValueError(
            f"{name} must be distinct (to the 6 significant digits of the column names), "
            f"got {out!r}"
        )
    return values


def _check_level(level: object) -> float:
    """One interval level (``conf_int``): a percentage, at least 1 and below 100."""
    if isinstance(level, bool) or not isinstance(level, int | float | np.integer | np.floating):
        raise TypeError(f"level must be a number (a percentage, e.g. 95), got {level!r}")
    return _check_levels((level,), "level")[0]


def interval_columns(levels: Sequence[float] = DEFAULT_LEVELS) -> list[str]:
    """Name the interval columns of a forecast or prediction table.

    Parameters
    ----------
    levels : sequence of float
        Interval levels in percent (each at least 1 and below 100).

    Returns
    -------
    list of str
        ``lower_<L>``, ``upper_<L>`` for each level ``L`` in order, e.g.
        ``['lower_80', 'upper_80', 'lower_95', 'upper_95']`` for the default levels.
        The point forecast is in :data:`POINT_COLUMN`.
    """
    return [f"{side}_{lev:g}" for lev in _check_levels(levels) for side in ("lower", "upper")]


@functools.lru_cache(maxsize=1024)
def _critical(level: float, df: float | None) -> float:
    """Two-sided critical value: Student t with ``df`` degrees of freedom, else normal."""
    p = 0.5 + level / 200
    return float(stats.norm.ppf(p) if df is None else stats.t.ppf(p, df))


def _half_widths(sd: np.ndarray, df: float | None, levels: Sequence[float]) -> np.ndarray:
    """Half-widths of central intervals, shape (levels, len(sd))."""
    return np.array([_critical(lev, df) * np.asarray(sd, dtype="float64") for lev in levels])


def _interval_frame(
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    levels: Sequence[float],
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """Tabulate the point forecast, then lower/upper bounds per level (rows of ``lower``)."""
    cols: dict[str, np.ndarray] = {POINT_COLUMN: np.asarray(mean, dtype="float64")}
    for i, lev in enumerate(levels):
        cols[f"lower_{lev:g}"] = lower[i]
        cols[f"upper_{lev:g}"] = upper[i]
    return pd.DataFrame(cols, index=index)


def _reissue(caught: list[warnings.WarningMessage], context: str, converged: bool) -> None:
    """Turn warnings caught during a statsmodels fit into explained ModelWarnings."""
    other = sorted(
        {
            f"{w.category.__name__}: {w.message}"
            for w in caught
            if not issubclass(w.category, ConvergenceWarning)
        }
    )
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        warnings.warn(
            f"{context}: the optimiser did not converge; the result uses the best parameters "
            "found, so treat its point forecasts and intervals with caution",
            ModelWarning,
            stacklevel=4,
        )
    for text in other:
        warnings.warn(f"{context}: statsmodels warned {text}", ModelWarning, stacklevel=4)


# --------------------------------------------------------------------------- summaries


def _fmt(value: object) -> str:
    """Format one cell of a summary table."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return ""
        return f"{v:,.0f}" if math.isfinite(v) and abs(v) >= 1e4 else f"{v:.4g}"
    return str(value)


def _table(frame: pd.DataFrame, title: str) -> SimpleTable:
    data = [[_fmt(v) for v in row] for row in frame.itertuples(index=False)]
    stubs = [_fmt(i) for i in frame.index]
    return SimpleTable(
        data, [str(c) for c in frame.columns], stubs, title=title, txt_fmt=fmt_params
    )


def _summary(
    title: str,
    info: Sequence[tuple[str, object]],
    tables: Sequence[tuple[str, pd.DataFrame]] = (),
    notes: Sequence[str] = (),
) -> Summary:
    """Build a statsmodels Summary: two columns of facts, tables, numbered notes."""
    half = (len(info) + 1) // 2
    left = [(k, _fmt(v)) for k, v in info[:half]]
    right = [(k, _fmt(v)) for k, v in info[half:]]
    right += [("", "")] * (len(left) - len(right))
    top = SimpleTable(
        [[v] for _, v in left], None, [f"{k}:" for k, _ in left], title=title,
        txt_fmt=fmt_2cols,
    )
    top.extend_right(
        SimpleTable(
            [[v] for _, v in right], None,
            [f"{'  ' + k + ':' if k else '':<21}" for k, _ in right], txt_fmt=fmt_2cols,
        )
    )
    out = Summary()
    out.tables.append(top)
    out.tables.extend(_table(frame, name) for name, frame in tables)
    if notes:
        out.add_extra_txt(["Notes:", *(f"[{i}] {n}" for i, n in enumerate(notes, 1))])
    return out


def _t_intervals(
    estimates: dict[str, tuple[float, float]], df: float, level: float
) -> pd.DataFrame:
    """Student t intervals ``estimate -/+ t * se``, by estimate name: ``lower``, ``upper``."""
    q = _critical(_check_level(level), df)
    return pd.DataFrame(
        {name: (est - q * se, est + q * se) for name, (est, se) in estimates.items()},
        index=list(_ORDINARY_COLUMNS),
    ).T


def _estimates_table(estimates: dict[str, tuple[float, float]], df: float) -> pd.DataFrame:
    """Estimate, standard error and 95 % interval, by estimate name."""
    table = pd.DataFrame(estimates, index=["estimate", "std_err"]).T
    ci = _t_intervals(estimates, df, 95)
    return table.assign(lower_95=ci["lower"], upper_95=ci["upper"])


# --------------------------------------------------------------------------- random walk


@dataclass(frozen=True)
class _RandomWalk:
    """Random walk (with or without drift) fitted to possibly irregularly spaced years.

    An increment over ``g`` years is ``N(g * drift, g * sigma**2)``; missing years simply
    lengthen an increment, which is the exact likelihood with those years unobserved.
    """

    drift: float
    sigma: float
    span: int  # years from first to last observation (information on the drift)
    df: int
    anchor_year: int
    anchor: float
    with_drift: bool

    def moments(self, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predictive median and standard deviation in ``years`` (modelling scale).

        With drift the variance adds the drift's estimation error: ``sigma**2 * (h +
        h**2 / span)`` at ``h`` years after the anchor (the drift is estimated from
        ``span`` years of increments, so its variance is ``sigma**2 / span``).
        """
        h = (years - self.anchor_year).astype("float64")
        extra = h**2 / self.span if self.with_drift else 0.0
        return self.anchor + self.drift * h, self.sigma * np.sqrt(h + extra)


def _fit_random_walk(years: np.ndarray, z: np.ndarray, *, with_drift: bool) -> _RandomWalk:
    d, g = np.diff(z), np.diff(years).astype("float64")
    span = int(years[-1] - years[0])
    drift = float(d.sum() / span) if with_drift else 0.0
    df = len(d) - int(with_drift)
    sigma = float(np.sqrt(np.sum((d - drift * g) ** 2 / g) / df))
    return _RandomWalk(drift, sigma, span, df, int(years[-1]), float(z[-1]), with_drift)


# --------------------------------------------------------------------------- model paths


def _model_path(
    z: np.ndarray, horizon: int, method: str, levels: Sequence[float], span: str
) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``method`` to ``z`` and forecast ``horizon`` steps, on the modelling scale.

    Returns the point forecasts, shape (horizon,), and the model's own interval
    half-widths, shape (levels, horizon); every method's intervals are symmetric on the
    modelling scale. ``span`` (e.g. ``'1990-2012'``) names the fit in warnings.
    """
    if method in ("naive", "drift"):
        walk = _fit_random_walk(np.arange(len(z)), z, with_drift=method == "drift")
        mean, sd = walk.moments(np.arange(len(z), len(z) + horizon))
        return mean, _half_widths(sd, walk.df, levels)
    if method == "linear":
        t = np.arange(len(z), dtype="float64")
        res = OLS(z, np.column_stack([np.ones_like(t), t])).fit()
        future = np.arange(len(z), len(z) + horizon, dtype="float64")
        pred = res.get_prediction(np.column_stack([np.ones_like(future), future]))
        # se_obs: the prediction (obs_ci) interval, not the narrower mean_ci of the line.
        return np.asarray(pred.predicted_mean), _half_widths(pred.se_obs, res.df_resid, levels)
    return _ets_damped_path(z, horizon, levels, f"ETS(A,Ad,N) fitted to {span}")


def _ets_damped_path(
    z: np.ndarray, horizon: int, levels: Sequence[float], context: str
) -> tuple[np.ndarray, np.ndarray]:
    # ETSModel.get_prediction needs a pandas object; a RangeIndex avoids index warnings.
    model = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(disp=False)
        pred = res.get_prediction(start=len(z), end=len(z) + horizon - 1)
        frames = [pred.summary_frame(alpha=1 - lev / 100) for lev in levels]
    _reissue(caught, context, bool(res.mle_retvals.get("converged", True)))
    mean = frames[0]["mean"].to_numpy()
    return mean, np.array([frame["pi_upper"].to_numpy() - mean for frame in frames])


@dataclass(frozen=True)
class _Rolling:
    """Point forecasts of one method from consecutive origins of one series.

    Origins are positions ``first, first + 1, ...`` in the series (the fit at position
    ``k`` uses ``z[:k + 1]``); ``errors[k - first, h - 1]`` is ``z[k + h]`` minus the
    ``h``-step forecast from ``k``, on the modelling scale (NaN beyond the data).
    """

    first: int
    mean: np.ndarray  # (origins, horizon)
    half: np.ndarray  # (origins, levels, horizon)
    errors: np.ndarray  # (origins, horizon)
    n_warned: int  # origins whose fit emitted a ModelWarning

    def past_errors(self, origin: int, horizon: int) -> list[np.ndarray]:
        """Errors at each horizon ``h`` whose target ``k + h`` is at or before ``origin``."""
        return [
            self.errors[: max(origin - h - self.first + 1, 0), h - 1]
            for h in range(1, horizon + 1)
        ]

    def past_scores(self, origin: int, horizon: int) -> np.ndarray:
        """Pooled scores of the past errors of every horizon, scaled by the model's width.

        ``|error| / half-width`` of the model's own interval at the error's origin and
        horizon, for each level: shape (levels, errors). Errors whose target is after
        ``origin`` are left out, as in :meth:`past_errors`, and so are those of origins
        whose model had no width (a constant history: below 1e-9 of the forecast),
        which say nothing about scale.
        """
        parts = []
        for h in range(1, horizon + 1):
            n = max(origin - h - self.first + 1, 0)
            width = self.half[:n, :, h - 1]  # (errors, levels)
            # an origin whose model had no width (a constant history: zero up to float
            # noise) says nothing about scale: its errors are left out of the pool
            floor = 1e-9 * np.maximum(1.0, np.abs(self.mean[:n, h - 1]))
            keep = (width > floor[:, None]).all(axis=1)
            parts.append((np.abs(self.errors[:n, h - 1])[keep, None] / width[keep]).T)
        return np.concatenate(parts, axis=1) if parts else np.empty((self.half.shape[1], 0))


def _rolling(
    z: np.ndarray,
    years: np.ndarray,
    origins: range,
    horizon: int,
    method: str,
    levels: Sequence[float],
) -> _Rolling:
    """Fit ``method`` at every origin position; ModelWarnings are counted, not shown."""
    means, halves, warned = [], [], 0
    for k in origins:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ModelWarning)
            mean, half = _model_path(
                z[: k + 1], horizon, method, levels, f"{years[0]}-{years[k]}"
            )
        warned += any(issubclass(w.category, ModelWarning) for w in caught)
        for w in caught:  # pass on anything that is not a (counted) ModelWarning
            if not issubclass(w.category, ModelWarning):
                warnings.warn(w.message, w.category, stacklevel=3)
        means.append(mean)
        halves.append(half)
    n_levels = len(levels)
    mean_arr = np.array(means).reshape(len(origins), horizon)
    targets = np.arange(origins.start, origins.stop)[:, None] + np.arange(1, horizon + 1)
    padded = np.concatenate([z, np.full(horizon, np.nan)])
    return _Rolling(
        first=origins.start,
        mean=mean_arr,
        half=np.array(halves).reshape(len(origins), n_levels, horizon),
        errors=padded[targets] - mean_arr,
        n_warned=warned,
    )


def conformal_errors_needed(level: float) -> int:
    """Fewest scores that bound a level-``level`` interval by split conformal prediction.

    With ``n`` exchangeable scores, the ``ceil((n + 1) * level / 100)``-th smallest is a
    valid bound only if that rank is at most ``n``: ``n >= level / (100 - level)``
    (4 errors for 80 %, 19 for 95 %).
    """
    return math.ceil(level / (100 - level) - 1e-9)


def _conformal_bound(scores: np.ndarray, level: float) -> float | None:
    """Return the split-conformal quantile of ``scores`` at ``level`` %, or None if too few."""
    rank = math.ceil((len(scores) + 1) * level / 100 - 1e-9)
    return float(np.sort(scores)[rank - 1]) if 0 < rank <= len(scores) else None


def _linear_cap(past: Sequence[np.ndarray]) -> np.ndarray:
    """Return the widest the pooled bound may reach at each horizon ``h``.

    That is the largest past error at any horizon ``k``, grown linearly to ``h``
    (``max |e_k| * h / k``).
    A random walk's error grows like ``sqrt(h)``, one with an uncertain drift like ``h``;
    linear growth from the largest error seen is the widest the past can support. It
    keeps the pooled bound finite when an early model had almost no width (a nearly
    constant history), whose scores would otherwise be huge.
    """
    horizon = len(past)
    largest = [(k, float(np.max(np.abs(e)))) for k, e in enumerate(past, start=1) if len(e)]
    steps = np.arange(1, horizon + 1, dtype=float)
    if not largest:
        return np.full(horizon, np.inf)
    return np.max([size * steps / k for k, size in largest], axis=0)


def _calibrate(
    half: np.ndarray,
    past: Sequence[np.ndarray],
    scores: np.ndarray,
    levels: Sequence[float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Widen the model's intervals with the series' own past forecast errors.

    Two calibrations; each side of an interval takes the widest of them and the model's
    own half-width (never narrower than the model):

    - **per horizon**: for horizon ``h`` with at least :data:`MIN_CALIBRATION_ERRORS`
      past errors ``e`` (modelling scale), the empirical quantiles of ``e`` at ``p =
      1/2 -/+ L/200`` (Weibull plotting position, ``numpy.quantile(method='weibull')``:
      the ``k``-th smallest of ``n`` errors is the ``k / (n + 1)`` quantile; beyond the
      smallest or largest error it stays at that error);
    - **pooled, for the tails**: a level whose bound needs more errors than
      :data:`MIN_CALIBRATION_ERRORS` (:func:`conformal_errors_needed`: the 95 % level
      needs 19, more than a horizon holds early in a short series) also reaches the
      split-conformal bound of the past errors of *all* horizons pooled, each divided
      by the model's own half-width at its origin and horizon (normalised conformal
      scores), times the model's half-width here -- but never beyond the largest past
      error grown linearly to the horizon (:func:`_linear_cap`). Absolute errors are
      pooled, so a past fall also widens the upper side: with a few dozen annual errors
      the two tails cannot be told apart.

    Finally a higher level's interval is made to contain every lower level's, and each
    side is made monotone in the horizon (at least as wide as at the previous horizon):
    uncertainty does not fall with the horizon, and a narrower band further out is
    sampling noise of a few errors.

    Returns the lower and upper offsets from the point forecast, shape (levels,
    horizon), and whether each horizon was calibrated (had enough errors of its own).
    """
    lower, upper = -half.copy(), half.copy()
    ok = np.array([len(e) >= MIN_CALIBRATION_ERRORS for e in past], dtype=bool)
    p = 0.5 + np.asarray(levels) / 200
    for j in np.flatnonzero(ok):
        q = np.quantile(np.asarray(past[int(j)]), np.concatenate([1 - p, p]), method="weibull")
        lower[:, j] = np.minimum(lower[:, j], q[: len(p)])
        upper[:, j] = np.maximum(upper[:, j], q[len(p) :])
    cap = _linear_cap(past)
    for i, level in enumerate(levels):
        if conformal_errors_needed(level) <= MIN_CALIBRATION_ERRORS:
            continue
        bound = _conformal_bound(scores[i], level)
        if bound is not None:
            width = np.minimum(bound * half[i], cap)
            lower[i] = np.minimum(lower[i], -width)
            upper[i] = np.maximum(upper[i], width)
    # a higher level's interval contains a lower level's (calibrations of two levels
    # from a few errors can cross), then each side is monotone in the horizon
    order = np.argsort(levels)
    lower[order] = np.minimum.accumulate(lower[order], axis=0)
    upper[order] = np.maximum.accumulate(upper[order], axis=0)
    return np.minimum.accumulate(lower, axis=1), np.maximum.accumulate(upper, axis=1), ok


# --------------------------------------------------------------------------- forecast


def _back(x: np.ndarray, log: bool) -> np.ndarray:
    return np.exp(x) if log else x


def _outcomes(values: object, name: str) -> pd.Series:
    """Observed values by year for :meth:`ForecastResult.compare` (NaN = unknown)."""
    if not isinstance(values, pd.Series):
        raise TypeError(
            f"{name} must be a pandas Series indexed by year, got {type(values).__name__}"
        )
    return _annual(values.dropna(), min_points=0, consecutive=False, name=name)


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """A forecast of an annual series with prediction intervals (from :func:`forecast`).

    Attributes
    ----------
    method : str
        The forecast method (a key of :data:`METHODS`).
    origin : int
        The last year of data used; the forecast covers ``origin + 1 ... origin +
        horizon``.
    training : tuple of int
        First and last year of data used.
    horizon : int
        Years forecast.
    levels : tuple of float
        Interval levels, in percent.
    log : bool
        Whether the model was fitted to ``log(y)`` (``mean`` is then the median).
    calibrate : bool
        Whether calibration by past forecast errors was requested.
    series_name : str or None
        Name of the series forecast.
    calibration : pandas.DataFrame
        Indexed by ``horizon`` (1 ... ``horizon``): ``year`` (target), ``n_errors``
        (past forecast errors at that horizon whose target year is at or before the
        origin; ``<NA>`` when calibration was not requested) and ``calibrated``
        (bool: at least :data:`MIN_CALIBRATION_ERRORS` errors, so the interval
        reaches at least their empirical quantiles).
    analytic : pandas.DataFrame
        The model's own intervals, before calibration, in the layout of
        :meth:`summary_frame`.
    """

    method: str
    origin: int
    training: tuple[int, int]
    horizon: int
    levels: tuple[float, ...]
    log: bool
    calibrate: bool
    series_name: str | None
    calibration: pd.DataFrame = field(repr=False)
    analytic: pd.DataFrame = field(repr=False)
    _frame: pd.DataFrame = field(repr=False)

    def summary_frame(self) -> pd.DataFrame:
        """Return the forecast path.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year`` (int64): :data:`POINT_COLUMN` (``mean``, the point
            forecast in series units; the median if ``log``), then the columns of
            :func:`interval_columns` for :attr:`levels` (series units).
        """
        return self._frame.copy()

    def conf_int(self, level: float = 95) -> pd.DataFrame:
        """Return the prediction interval at one of the forecast's levels.

        Parameters
        ----------
        level : float
            One of :attr:`levels`, in percent.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year``: ``lower``, ``upper`` (series units).
        """
        lev = _check_level(level)
        if lev not in self.levels:
            raise ValueError(
                f"level={level!r} is not among the forecast's levels {self.levels}; "
                f"forecast again with levels=(..., {level!r})"
            )
        cols = interval_columns([lev])
        return self._frame[cols].set_axis(list(_ORDINARY_COLUMNS), axis=1)

    def compare(
        self, actual: pd.Series, *, lower_bounds: pd.Series | None = None
    ) -> pd.DataFrame:
        """Set the forecast beside the outcomes and say which fell inside its intervals.

        Parameters
        ----------
        actual : pandas.Series
            Observed values by year (series units); NaN means unknown.
        lower_bounds : pandas.Series, optional
            Years known only as "more than" a value (series units), e.g. visas issued
            in 2023. A year with an observed value uses the value.

        Returns
        -------
        pandas.DataFrame
            The forecast years that have an outcome or a lower bound, indexed by
            ``year``: the columns of :meth:`summary_frame`, ``actual`` (the value, or
            the bound), ``lower_bound`` (bool: ``actual`` is only a bound), ``error``
            (``actual - mean``; NaN for bounds), ``error_pct`` (percent of ``mean``),
            and ``in_<L>`` per level (``boolean``: inside the interval, ends included;
            for a bound, False if the bound is already above the upper end, otherwise
            unknown, ``<NA>``).
        """
        known = _outcomes(actual, "actual")
        bounds = (
            pd.Series(dtype="float64")
            if lower_bounds is None
            else _outcomes(lower_bounds, "lower_bounds")
        )
        frame = self._frame
        out = frame.loc[frame.index.isin(known.index) | frame.index.isin(bounds.index)].copy()
        is_bound = ~out.index.isin(known.index)
        out["actual"] = np.where(
            is_bound, bounds.reindex(out.index).to_numpy(), known.reindex(out.index).to_numpy()
        )
        out["lower_bound"] = is_bound
        out["error"] = (out["actual"] - out[POINT_COLUMN]).where(~is_bound)
        out["error_pct"] = 100 * out["error"] / out[POINT_COLUMN]
        for lev in self.levels:
            lo, hi = out[f"lower_{lev:g}"], out[f"upper_{lev:g}"]
            inside = pd.Series(out["actual"].between(lo, hi), dtype="boolean")
            inside[is_bound] = pd.NA
            inside[is_bound & (out["actual"] > hi).to_numpy()] = False
            out[f"in_{lev:g}"] = inside
        return out

    def summary(self) -> Summary:
        """Summarise the forecast: method, data, calibration, and the path by year."""
        cal = self.calibration
        calibrated = cal.index[cal["calibrated"]]
        if not self.calibrate:
            how = "model's own"
        elif len(calibrated) == len(cal):
            how = "calibrated, all horizons"
        elif len(calibrated):
            how = f"calibrated, {len(calibrated)} of {len(cal)} horizons"
        else:
            how = "model's own (too few errors)"
        info = [
            ("Series", self.series_name or ""),
            ("Method", self.method),
            ("Model", _METHOD_NAMES[self.method]),
            ("Scale", "log (mean = median)" if self.log else "series units"),
            ("Training years", f"{self.training[0]}-{self.training[1]}"),
            ("Origin", self.origin),
            ("Horizon (years)", self.horizon),
            ("Levels (%)", ", ".join(f"{lev:g}" for lev in self.levels)),
            ("Intervals", how),
            ("Errors needed", MIN_CALIBRATION_ERRORS if self.calibrate else ""),
        ]
        path = self._frame.assign(
            n_errors=cal["n_errors"].to_numpy(), calibrated=cal["calibrated"].to_numpy()
        )
        notes = [
            "Intervals are central prediction intervals in series units.",
            "Calibrated intervals reach at least the empirical quantiles of the series' "
            "own past forecast errors at the same horizon (targets up to the origin); "
            "they are never narrower than the model's own.",
        ]
        if self.log:
            notes.append("On the log scale 'mean' is the predictive median.")
        return _summary(
            f"Forecast: {_METHOD_NAMES[self.method]}", info, [("by year", path)], notes
        )


def _check_horizon(horizon: object) -> int:
    return _integer(horizon, "horizon", 1, MAX_HORIZON)


def _calibration_frame(
    years: np.ndarray, n_errors: np.ndarray | None, ok: np.ndarray
) -> pd.DataFrame:
    horizon = np.arange(1, len(years) + 1)
    return pd.DataFrame(
        {
            "year": years,
            "n_errors": pd.array(n_errors if n_errors is not None else [pd.NA] * len(years),
                                 dtype="Int64"),
            "calibrated": ok,
        },
        index=pd.Index(horizon, name="horizon"),
    )


def _warn_uncalibrated(method: str, origin: int, n_errors: np.ndarray, ok: np.ndarray) -> None:
    short = ", ".join(f"h={h}: {n_errors[h - 1]}" for h in np.flatnonzero(~ok) + 1)
    warnings.warn(
        f"forecast of {method!r} from {origin}: too few past forecast errors to calibrate "
        f"the intervals at some horizons (past errors {short}; at least "
        f"{MIN_CALIBRATION_ERRORS} needed at each); those horizons keep the model's own "
        "intervals, which under-cover on short annual series",
        CalibrationWarning,
        stacklevel=3,
    )


def _warn_not_converged(context: str, n_warned: int, n_fits: int) -> None:
    warnings.warn(
        f"{context}: the fit did not converge (or statsmodels warned) at {n_warned} of "
        f"{n_fits} origins; their forecasts use the best parameters found",
        ModelWarning,
        stacklevel=3,
    )


def forecast(
    series: pd.Series,
    horizon: int,
    method: Method = "drift",
    levels: Sequence[float] = DEFAULT_LEVELS,
    as_of: int | None = None,
    *,
    log: bool = True,
    calibrate: bool = True,
) -> ForecastResult:
    """Forecast an annual series, with prediction intervals.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by consecutive integer years (no gaps, no NaN).
    horizon : int
        Number of years to forecast (1 to :data:`MAX_HORIZON`).
    method : {'naive', 'drift', 'linear', 'ets_damped'}
        - ``naive``: random walk; every forecast is the last value. Interval width
          from the one-step changes, growing with ``sqrt(h)``; Student t with one
          degree of freedom per change.
        - ``drift`` (default): random walk with drift; the line through the first and
          last values, extended. Intervals include the drift's estimation error
          (``sd_h = s * sqrt(h + h**2 / (n - 1))``); Student t, ``n - 2`` df.
        - ``linear``: ordinary least squares on the year; prediction intervals from
          statsmodels ``obs_ci`` (not the narrower ``mean_ci`` of the fitted line).
        - ``ets_damped``: exponential smoothing with additive errors and a damped
          additive trend, ETS(A,Ad,N), statsmodels ``ETSModel`` fitted by maximum
          likelihood; its analytical (normal) prediction intervals.
        Each assumes independent, homoscedastic errors on the modelling scale. The
        fewest years each accepts: :data:`METHODS`.
    levels : sequence of float
        Interval levels in percent, e.g. ``(80, 95)``; each at least 1 and below 100
        (``0.8`` is refused: it would be a 0.8 % interval). Each adds the columns
        ``lower_<L>``/``upper_<L>``.
    as_of : int, optional
        Forecast from the data up to and including this year only (later values are
        ignored entirely); the forecast covers ``as_of + 1 ... as_of + horizon``.
        Default: the last year.
    log : bool
        Model ``log(y)`` (default; needs positive values): growth is then
        proportional, and intervals are asymmetric and stay positive. The ``mean``
        column is then the predictive median (see the module notes). ``False`` models
        ``y`` itself.
    calibrate : bool
        Widen the intervals with the series' own past forecast errors (default).
        ``False`` gives the model's own (analytic) intervals.

    Returns
    -------
    ForecastResult
        ``summary_frame()`` is the path: indexed by ``year`` (int64), columns ``mean``
        (point forecast, series units) then ``lower_<L>``, ``upper_<L>`` for each level
        ``L``; ``calibration`` says which horizons were calibrated and with how many
        errors; ``analytic`` holds the model's own intervals; ``compare(actual)`` scores
        the forecast against outcomes; ``summary()`` prints it all.

    Raises
    ------
    TypeError
        An argument of the wrong type (naming it): a non-Series, a float year or
        horizon, a non-bool ``log`` or ``calibrate``, non-numeric levels.
    ValueError
        Invalid series, ``horizon`` outside 1-100, unknown method, levels below 1 or
        not below 100, ``as_of`` outside the series or leaving fewer years than the
        method needs.

    Warns
    -----
    CalibrationWarning
        If some horizon has fewer than :data:`MIN_CALIBRATION_ERRORS` past errors; its
        interval is then the model's own (the warning gives the counts).
    ModelWarning
        If the ETS optimiser does not converge (the forecast is still returned).

    Notes
    -----
    Analytic Gaussian intervals under-cover badly on short annual series: the models
    ignore that the trend itself changes. Calibration (conformal in spirit) uses the
    errors this method made on this series before: the method is refitted at every
    earlier origin with at least the years it needs, and for each horizon ``h`` the
    ``h``-step errors whose *target* year is at or before the forecast origin (so
    nothing after the origin is used) are collected on the modelling scale. Where there
    are at least :data:`MIN_CALIBRATION_ERRORS`, each side of the interval reaches at
    least the errors' empirical quantile at that side's probability (Weibull plotting
    position; beyond the smallest or largest error it stays at that error); it is
    never narrower than the model's own, and never narrower than at a shorter horizon.

    Measured in rolling-origin backtests (horizons 1-5, training from 10 years,
    drift on logs): resident foreigners, 80/95 % intervals covered 60/88 % of outcomes
    analytically and 76/88 % calibrated; foreign entrants 47/63 % and 50/66 %. Regime
    changes without precedent in the series' own past -- for entrants the 2013-19
    tourism boom and the 2020-22 pandemic collapse -- stay largely outside the
    intervals: calibration can only widen them by errors already seen.
    """
    method = cast(Method, _choice(method, "method", METHODS))
    horizon = _check_horizon(horizon)
    levels = _check_levels(levels)
    log = _flag(log, "log")
    calibrate = _flag(calibrate, "calibrate")
    values = _annual(series, min_points=METHODS[method], positive=log)
    if as_of is not None:
        as_of = _year(as_of, "as_of")
        first, last = int(values.index[0]), int(values.index[-1])
        if not first <= as_of <= last:
            raise ValueError(f"as_of={as_of} is outside the series' years {first}-{last}")
        values = values.loc[:as_of]
        if len(values) < METHODS[method]:
            raise ValueError(
                f"as_of={as_of} leaves {len(values)} years; method {method!r} needs "
                f"at least {METHODS[method]}"
            )
    years = values.index.to_numpy()
    z = np.log(values.to_numpy()) if log else values.to_numpy()
    origin = len(z) - 1
    mean, half = _model_path(z, horizon, method, levels, f"{years[0]}-{years[-1]}")
    if calibrate:
        roll = _rolling(z, years, range(METHODS[method] - 1, origin), horizon, method, levels)
        if roll.n_warned:
            _warn_not_converged(
                f"calibration of {method!r} at earlier origins", roll.n_warned, len(roll.mean)
            )
        past = roll.past_errors(origin, horizon)
        lower, upper, ok = _calibrate(half, past, roll.past_scores(origin, horizon), levels)
        n_errors = np.array([len(e) for e in past])
        if not ok.all():
            _warn_uncalibrated(method, int(years[-1]), n_errors, ok)
    else:
        lower, upper, ok, n_errors = -half, half, np.zeros(horizon, dtype=bool), None
    index = pd.Index(np.arange(years[-1] + 1, years[-1] + horizon + 1, dtype="int64"),
                     name="year")
    return ForecastResult(
        method=method,
        origin=int(years[-1]),
        training=(int(years[0]), int(years[-1])),
        horizon=horizon,
        levels=levels,
        log=log,
        calibrate=calibrate,
        series_name=series.name if isinstance(series.name, str) else None,
        calibration=_calibration_frame(index.to_numpy(), n_errors, ok),
        analytic=_interval_frame(
            _back(mean, log), _back(mean - half, log), _back(mean + half, log), levels, index
        ),
        _frame=_interval_frame(
            _back(mean, log), _back(mean + lower, log), _back(mean + upper, log), levels, index
        ),
    )


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Rolling-origin evaluation of one forecast method on one series.

    Every score compares the method with the naive no-change forecast (the last
    training value) on the same (origin, horizon) pairs.

    Attributes
    ----------
    method : str
        The forecast method evaluated.
    horizon : int
        Largest forecast horizon, in years.
    min_train : int
        Years in the first training window.
    log : bool
        Whether the method modelled ``log(y)``.
    calibrate : bool
        Whether the intervals were calibrated (at each origin with only the errors
        whose targets are at or before it).
    series_name : str or None
        Name of the series.
    errors : pandas.DataFrame
        One row per forecast: ``origin`` (last training year), ``year`` (target),
        ``horizon`` (``year - origin``), ``actual``, ``mean``, ``error`` (``actual -
        mean``, series units), ``scale`` (the MASE scale at that origin: mean absolute
        one-step change of the training years, series units), ``scaled_error``
        (``error / scale``), ``naive_scaled_error`` (the naive forecast's error over
        the same scale), ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95``,
        ``in_80``, ``in_95`` (bool: inside, ends included), ``calibrated`` (bool: the
        interval was calibrated; False where fewer than
        :data:`MIN_CALIBRATION_ERRORS` past errors existed, or with
        ``calibrate=False``).
    n_not_converged : int
        Origins whose fit emitted a :class:`ModelWarning` (ETS only), counting those
        fitted only to calibrate.
    """

    method: str
    horizon: int
    min_train: int
    log: bool
    calibrate: bool
    series_name: str | None
    errors: pd.DataFrame = field(repr=False)
    n_not_converged: int
    _scores: pd.DataFrame = field(repr=False)

    @property
    def mase(self) -> float:
        """Mean absolute scaled error over every forecast (0 is perfect)."""
        return float(self._scores.loc["all", "mase"])

    @property
    def naive_mase(self) -> float:
        """MASE of the naive no-change forecast on the same (origin, horizon) pairs."""
        return float(self._scores.loc["all", "naive_mase"])

    @property
    def relative_mase(self) -> float:
        """``mase / naive_mase``: below 1 means better than no change."""
        return float(self._scores.loc["all", "relative_mase"])

    @property
    def coverage_80(self) -> float:
        """Fraction (0-1) of outcomes inside the 80 % intervals."""
        return float(self._scores.loc["all", "coverage_80"])

    @property
    def coverage_95(self) -> float:
        """Fraction (0-1) of outcomes inside the 95 % intervals."""
        return float(self._scores.loc["all", "coverage_95"])

    def summary_frame(self) -> pd.DataFrame:
        """Return the scores by horizon and overall.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``horizon`` (1 ... :attr:`horizon`, then ``'all'``): ``n``
            (forecasts), ``mase`` (mean of ``|scaled_error|``), ``naive_mase`` (the
            same for the naive forecast), ``relative_mase`` (``mase / naive_mase``;
            NaN if the naive errors are all 0), ``coverage_80``, ``coverage_95``
            (fractions 0-1; ideally 0.80 and 0.95), ``calibrated_share`` (fraction of
            the intervals that were calibrated).
        """
        return self._scores.copy()

    def summary(self) -> Summary:
        """Summarise the backtest: settings, then the scores by horizon."""
        errors = self.errors
        info = [
            ("Series", self.series_name or ""),
            ("Method", self.method),
            ("Scale", "log" if self.log else "series units"),
            ("Intervals", "calibrated" if self.calibrate else "model's own"),
            ("Training from (years)", self.min_train),
            ("Origins", f"{errors['origin'].min()}-{errors['origin'].max()}"),
            ("Horizons (years)", f"1-{self.horizon}"),
            ("Forecasts", len(errors)),
            ("MASE", self.mase),
            ("Relative MASE", self.relative_mase),
        ]
        notes = [
            "MASE: mean absolute error over the mean absolute one-step change of the "
            "training years at each origin (the in-sample naive error).",
            "Relative MASE: the method's MASE over the naive no-change forecast's, on "
            "the same (origin, horizon) pairs; below 1 beats no change.",
            "Coverage: fraction of outcomes inside the 80 % and 95 % prediction "
            "intervals (nominal 0.80 and 0.95).",
        ]
        return _summary(
            f"Rolling-origin backtest: {_METHOD_NAMES[self.method]}",
            info,
            [("by horizon", self._scores)],
            notes,
        )


def _origin_scales(values: np.ndarray) -> np.ndarray:
    """MASE scale at each origin position ``k >= 1``: mean ``|y[t] - y[t-1]|``, t <= k.

    Element ``k`` belongs to the origin at position ``k`` (element 0, with no change
    yet, is NaN).
    """
    change = np.abs(np.diff(values))
    return np.concatenate([[np.nan], np.cumsum(change) / np.arange(1, len(values))])


def _check_scales(values: pd.Series, scales: np.ndarray, first: int) -> None:
    zero = np.flatnonzero(scales[first:] == 0)
    if not zero.size:
        return
    label = _label(values)
    moving = np.flatnonzero(scales > 0)
    if not moving.size:
        raise ValueError(f"{label} is constant: the MASE scale would be 0")
    year = int(values.index[first + zero[0]])
    raise ValueError(
        f"{label}: the training years {values.index[0]}-{year} are constant, so the "
        f"MASE scale at origin {year} would be 0; use min_train >= {moving[0] + 1}"
    )


def _scores(errors: pd.DataFrame) -> pd.DataFrame:
    """MASE, naive MASE, relative MASE and coverage by horizon, then over all rows."""
    per_row = {
        "mase": errors["scaled_error"].abs().to_numpy(),
        "naive_mase": errors["naive_scaled_error"].abs().to_numpy(),
        "coverage_80": errors["in_80"].to_numpy(dtype="float64"),
        "coverage_95": errors["in_95"].to_numpy(dtype="float64"),
        "calibrated_share": errors["calibrated"].to_numpy(dtype="float64"),
    }
    horizons, group, n = np.unique(
        errors["horizon"].to_numpy(), return_inverse=True, return_counts=True
    )
    cols = {"n": np.append(n, len(errors))}
    for name, values in per_row.items():
        cols[name] = np.append(np.bincount(group, weights=values) / n, values.mean())
    ratio = np.full(len(n) + 1, np.nan)
    np.divide(cols["mase"], cols["naive_mase"], out=ratio, where=cols["naive_mase"] > 0)
    out = pd.DataFrame(
        cols, index=pd.Index([*horizons.tolist(), "all"], dtype="object", name="horizon")
    )
    out.insert(3, "relative_mase", ratio)
    return out


def _backtest_rows(
    y: np.ndarray,
    z: np.ndarray,
    k: int,
    steps: int,
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    ok: np.ndarray,
    log: bool,
) -> dict[str, np.ndarray]:
    """Tabulate the ``steps`` forecasts from origin position ``k``, in series units.

    ``naive`` is the naive method's point forecast, the last training value taken
    through the same transform as ``mean``: for the naive method the two are equal.
    """
    out = {
        "origin_pos": np.full(steps, k),
        "horizon": np.arange(1, steps + 1),
        "actual": y[k + 1 : k + 1 + steps],
        POINT_COLUMN: _back(mean[:steps], log),
        "naive": np.full(steps, _back(z[k], log)),
        "calibrated": ok[:steps],
    }
    for i, lev in enumerate(DEFAULT_LEVELS):
        out[f"lower_{lev:g}"] = _back(mean[:steps] + lower[i, :steps], log)
        out[f"upper_{lev:g}"] = _back(mean[:steps] + upper[i, :steps], log)
    return out


def backtest(
    series: pd.Series,
    method: Method,
    *,
    min_train: int = 10,
    horizon: int = 1,
    log: bool = True,
    calibrate: bool = True,
) -> BacktestResult:
    """Rolling-origin (expanding window) evaluation of a :func:`forecast` method.

    From every origin year ``o`` -- the ``min_train``-th year to the second-to-last --
    the method is fitted to the years up to ``o`` and forecasts ``o + 1 ... o +
    horizon``; forecasts beyond the last year are dropped, so short horizons have
    more origins than long ones. The naive no-change forecast (the value of ``o``) is
    scored beside it on the same pairs.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by consecutive integer years.
    method : {'naive', 'drift', 'linear', 'ets_damped'}
        See :func:`forecast`.
    min_train : int
        Years in the first training window (at least what the method needs,
        :data:`METHODS`; the series needs at least ``min_train + 1`` years).
    horizon : int
        Largest horizon, in years (1 to :data:`MAX_HORIZON`).
    log : bool
        Passed to :func:`forecast`. Errors are always measured in series units.
    calibrate : bool
        Evaluate the calibrated intervals of :func:`forecast` (default), nested: the
        calibration at each origin uses only errors whose target year is at or before
        that origin, from fits at every earlier origin with the years the method
        needs (including origins before ``min_train``). ``False`` evaluates the
        model's own intervals.

    Returns
    -------
    BacktestResult
        ``summary_frame()``: MASE, naive MASE, relative MASE and coverage by horizon
        and overall; ``errors``: one row per forecast.

    Raises
    ------
    TypeError
        An argument of the wrong type (naming it).
    ValueError
        Invalid series, unknown method, ``min_train`` too small for the method or
        leaving no year to forecast, ``horizon`` outside 1-100, or training years
        that are constant at an origin (the MASE scale would be 0).

    Warns
    -----
    ModelWarning
        Once, summarising how many origins did not converge (ETS only).
    CalibrationWarning
        Once, saying how many forecasts had too few past errors to be calibrated.

    Notes
    -----
    MASE (Hyndman and Koehler 2006) divides each absolute error by a scale: here the
    mean absolute one-step change of the *training* years at that origin (the
    in-sample error of the naive method), so a score uses no data after its origin
    and the method and the naive benchmark share each denominator. The naive method's
    relative MASE is exactly 1.
    """
    method = cast(Method, _choice(method, "method", METHODS))
    min_train = _integer(min_train, "min_train", 1)
    if min_train < METHODS[method]:
        raise ValueError(
            f"min_train={min_train} is too small: method {method!r} needs at least "
            f"{METHODS[method]} years"
        )
    horizon = _check_horizon(horizon)
    log = _flag(log, "log")
    calibrate = _flag(calibrate, "calibrate")
    values = _annual(series, min_points=min_train + 1, positive=log)
    y = values.to_numpy()
    scales = _origin_scales(y)
    _check_scales(values, scales, min_train - 1)
    z = np.log(y) if log else y
    years = values.index.to_numpy()
    first = METHODS[method] - 1 if calibrate else min_train - 1
    roll = _rolling(z, years, range(first, len(y) - 1), horizon, method, DEFAULT_LEVELS)
    if roll.n_warned:
        _warn_not_converged(f"backtest of {method!r}", roll.n_warned, len(roll.mean))
    rows = []
    for k in range(min_train - 1, len(y) - 1):
        half = roll.half[k - first]
        if calibrate:
            lower, upper, ok = _calibrate(
                half, roll.past_errors(k, horizon), roll.past_scores(k, horizon), DEFAULT_LEVELS
            )
        else:
            lower, upper, ok = -half, half, np.zeros(horizon, dtype=bool)
        steps = min(horizon, len(y) - 1 - k)
        rows.append(
            _backtest_rows(y, z, k, steps, roll.mean[k - first], lower, upper, ok, log)
        )
    errors = pd.DataFrame({name: np.concatenate([r[name] for r in rows]) for name in rows[0]})
    errors = errors.assign(
        year=years[errors["origin_pos"] + errors["horizon"]],
        origin=years[errors["origin_pos"]],
        scale=scales[errors["origin_pos"]],
    )
    errors["error"] = errors["actual"] - errors[POINT_COLUMN]
    errors["scaled_error"] = errors["error"] / errors["scale"]
    errors["naive_scaled_error"] = (errors["actual"] - errors["naive"]) / errors["scale"]
    for lev in DEFAULT_LEVELS:
        inside = errors["actual"].between(errors[f"lower_{lev:g}"], errors[f"upper_{lev:g}"])
        errors[f"in_{lev:g}"] = inside
    errors = errors[
        [
            "origin", "year", "horizon", "actual", POINT_COLUMN, "error", "scale",
            "scaled_error", "naive_scaled_error", *interval_columns(DEFAULT_LEVELS),
            "in_80", "in_95", "calibrated",
        ]
    ]
    uncalibrated = int((~errors["calibrated"]).sum())
    if calibrate and uncalibrated:
        warnings.warn(
            f"backtest of {method!r}: {uncalibrated} of {len(errors)} forecasts had fewer "
            f"than {MIN_CALIBRATION_ERRORS} past errors at their horizon; their intervals "
            "are the model's own (column 'calibrated' is False)",
            CalibrationWarning,
            stacklevel=2,
        )
    return BacktestResult(
        method=method,
        horizon=horizon,
        min_train=min_train,
        log=log,
        calibrate=calibrate,
        series_name=series.name if isinstance(series.name, str) else None,
        errors=errors,
        n_not_converged=roll.n_warned,
        _scores=_scores(errors),
    )


# --------------------------------------------------------------------------- shocks


@dataclass(frozen=True, eq=False)
class ShockRecovery:
    """A one-year shock to an annual series, and the series' recovery from it.

    Attributes
    ----------
    shock_year : int
        The year of the shock.
    kind : {'temporary', 'permanent'}
        The intervention with the lower AIC: ``temporary`` is a one-year pulse (the
        series returns to its path the next year), ``permanent`` a level shift (the
        path continues from the shifted level).
    effect_pct : float
        The shock's effect under ``kind``, in percent (``100 * (exp(delta) - 1)``,
        ``delta`` the log-scale intervention coefficient). For a pulse it is the shock
        year's value relative to the geometric mean of the years either side; for a
        level shift, the shock year's growth minus the usual (drift) growth.
    effect_ci : tuple of float
        95 % confidence interval of ``effect_pct`` (Student t), in percent.
    effect_pvalue : float
        Two-sided p-value of ``delta = 0`` under ``kind``.
    observed_change_pct : float
        ``100 * (y[shock] / y[shock - 1] - 1)``: the plain year-on-year change, no model.
    comparison : pandas.DataFrame
        Both interventions, indexed by kind: ``effect_pct``, ``ci_lower``,
        ``ci_upper`` (percent), ``aic``, ``akaike_weight`` (relative likelihood, sums
        to 1), ``pvalue``.
    pre_level : float
        The value of ``shock_year - 1`` (series units).
    drift_pct : float
        Pre-shock annual growth of the counterfactual, percent per year.
    counterfactual : pandas.DataFrame
        Indexed by year from ``shock_year`` to the last year: ``actual``, ``mean``
        (median path of the pre-shock random walk with drift), ``lower_80``,
        ``upper_80``, ``lower_95``, ``upper_95`` (prediction intervals), all in series
        units; ``gap_pct``: ``100 * (actual / mean - 1)``.
    recovered_level_year : int or None
        First year ``>= shock_year + 1`` in which the series is back at or above
        ``pre_level`` (at or below it after a positive shock); None if not yet.
    recovered_trend_year : int or None
        First year ``>= shock_year + 1`` in which the series is back inside the
        counterfactual's 95 % prediction interval -- or beyond it on the far side:
        at or above ``lower_95`` after a fall, at or below ``upper_95`` after a
        rise; None if not yet.
    shortfall : float
        Sum of ``actual - mean`` of the counterfactual over ``shortfall_years``
        (series units; negative when the series fell short).
    shortfall_years : tuple of int
        First and last year summed: the shock year to the year before
        ``recovered_trend_year``, or to the last year if the series has not recovered.
    other_shocks : tuple of int
        Other shock years inside this shock's window, treated as missing observations.
    window : tuple of int
        First and last year used by the intervention model.
    """

    shock_year: int
    kind: Kind
    effect_pct: float
    effect_ci: tuple[float, float]
    effect_pvalue: float
    observed_change_pct: float
    comparison: pd.DataFrame
    pre_level: float
    drift_pct: float
    counterfactual: pd.DataFrame
    recovered_level_year: int | None
    recovered_trend_year: int | None
    shortfall: float
    shortfall_years: tuple[int, int]
    other_shocks: tuple[int, ...]
    window: tuple[int, int]
    _effect: tuple[float, float, float] = field(repr=False)  # delta, its se, df (log scale)

    def conf_int(self, level: float = 95) -> pd.DataFrame:
        """Return the confidence interval of the shock's effect under :attr:`kind`.

        Parameters
        ----------
        level : float
            Confidence level in percent (at least 1, below 100).

        Returns
        -------
        pandas.DataFrame
            One row, ``effect_pct``: ``lower``, ``upper`` in percent (Student t on the
            log scale, transformed with ``100 * (exp(x) - 1)``). At 95 it is
            :attr:`effect_ci`.
        """
        delta, se, df = self._effect
        return 100 * np.expm1(_t_intervals({"effect_pct": (delta, se)}, df, level))

    def summary(self) -> Summary:
        """Summarise the shock, the recovery and the pulse-or-step comparison."""
        info = [
            ("Shock year", self.shock_year),
            ("Kind", self.kind),
            ("Effect (%)", self.effect_pct),
            ("95 % CI (%)", f"{self.effect_ci[0]:.4g} to {self.effect_ci[1]:.4g}"),
            ("p-value", f"{self.effect_pvalue:.2g}"),
            ("Observed change (%)", self.observed_change_pct),
            ("Pre-shock level", self.pre_level),
            ("Pre-shock drift (%/yr)", self.drift_pct),
            ("Level regained", self.recovered_level_year or "not yet"),
            ("Back on trend", self.recovered_trend_year or "not yet"),
            ("Shortfall", self.shortfall),
            ("Shortfall years", f"{self.shortfall_years[0]}-{self.shortfall_years[1]}"),
            ("Window", f"{self.window[0]}-{self.window[1]}"),
            ("Other shocks", ", ".join(map(str, self.other_shocks)) or "none"),
        ]
        notes = [
            "Intervention model on log increments (random walk with drift): 'temporary' "
            "is a one-year pulse, 'permanent' a level shift; AIC chooses.",
            "Recovery and shortfall are measured against a random walk with drift fitted "
            "to the pre-shock years only (series units).",
        ]
        return _summary(
            f"Shock recovery: {self.shock_year}",
            info,
            [("pulse or step", self.comparison)],
            notes,
        )


def _intervention(
    years: np.ndarray, z: np.ndarray, shock: int, kind: Kind
) -> RegressionResultsWrapper:
    """WLS fit of log increments: drift plus a pulse or step at ``shock``."""
    d, g, end = np.diff(z), np.diff(years).astype("float64"), years[1:]
    x = (end == shock).astype("float64")
    if kind == "temporary":
        x -= end == shock + 1
    return WLS(d, np.column_stack([g, x]), weights=1 / g).fit()


def _shock_years(shock_year: int | Sequence[int], years: pd.Index) -> list[int]:
    raw = [shock_year] if np.ndim(shock_year) == 0 else list(cast(Iterable[int], shock_year))
    shocks = sorted(_year(s, "shock_year") for s in raw)
    if not shocks:
        raise ValueError("shock_year is empty: give at least one year")
    for a, b in itertools.pairwise(shocks):
        if b - a < 2:
            raise ValueError(
                f"shock years {a} and {b} are {'the same' if a == b else 'adjacent'}: the "
                "years either side of a shock are needed to tell a one-year pulse from "
                "a level shift"
            )
    first, last = int(years[0]), int(years[-1])
    for s in shocks:
        if not first < s < last:
            raise ValueError(
                f"shock year {s} needs the years before and after it in the series "
                f"({first}-{last})"
            )
    return shocks


def _first_year(years: pd.Index, ok: np.ndarray) -> int | None:
    hits = years[ok]
    return int(hits[0]) if len(hits) else None


def _compare_interventions(
    years: np.ndarray, z: np.ndarray, shock: int
) -> tuple[pd.DataFrame, dict[str, tuple[float, float, float]]]:
    """Fit the pulse and the step; one row per kind, effects in percent.

    Also returns, by kind, the log-scale effect, its standard error and residual df.
    """
    rows, effects = {}, {}
    for kind in ("temporary", "permanent"):
        res = _intervention(years, z, shock, kind)
        effects[kind] = (float(res.params[1]), float(res.bse[1]), float(res.df_resid))
        lo, hi = res.conf_int(alpha=0.05)[1]
        rows[kind] = {
            "effect_pct": 100 * math.expm1(res.params[1]),
            "ci_lower": 100 * math.expm1(lo),
            "ci_upper": 100 * math.expm1(hi),
            "aic": res.aic,
            "pvalue": res.pvalues[1],
        }
    out = pd.DataFrame(rows).T.rename_axis("kind")
    weight = np.exp(-(out["aic"] - out["aic"].min()) / 2)
    out.insert(4, "akaike_weight", weight / weight.sum())
    return out, effects


def _counterfactual(pre: pd.Series, after: pd.Series) -> tuple[pd.DataFrame, float]:
    """Random walk with drift on the pre-shock logs, projected over ``after``'s years."""
    walk = _fit_random_walk(pre.index.to_numpy(), np.log(pre.to_numpy()), with_drift=True)
    mean, sd = walk.moments(after.index.to_numpy())
    half = _half_widths(sd, walk.df, DEFAULT_LEVELS)
    cf = _interval_frame(
        np.exp(mean), np.exp(mean - half), np.exp(mean + half), DEFAULT_LEVELS, after.index
    )
    cf.insert(0, "actual", after.to_numpy())
    cf["gap_pct"] = 100 * (cf["actual"] / cf["mean"] - 1)
    return cf, walk.drift


def _recovery_years(
    cf: pd.DataFrame, pre_level: float, fell: bool
) -> tuple[int | None, int | None]:
    """First years after the shock back at the pre-shock level / back on trend."""
    later = cf.index > cf.index[0]
    level_ok = cf["actual"] >= pre_level if fell else cf["actual"] <= pre_level
    trend_ok = cf["actual"] >= cf["lower_95"] if fell else cf["actual"] <= cf["upper_95"]
    return (
        _first_year(cf.index, (level_ok & later).to_numpy()),
        _first_year(cf.index, (trend_ok & later).to_numpy()),
    )


def _one_shock(
    values: pd.Series, shock: int, others: list[int], pre_years: int | None
) -> ShockRecovery:
    start = int(values.index[0])
    if pre_years is not None:
        start = max(start, shock - pre_years)
    inside = tuple(s for s in others if start <= s <= shock + 1)
    window = values.loc[start : shock + 1].drop(list(inside))
    pre = window.loc[: shock - 1]
    if len(pre) < MIN_PRE_SHOCK_YEARS:
        raise ValueError(
            f"shock year {shock}: only {len(pre)} usable years before it (other shock "
            f"years excluded); needs at least {MIN_PRE_SHOCK_YEARS}"
        )
    comparison, effects = _compare_interventions(
        window.index.to_numpy(), np.log(window.to_numpy()), shock
    )
    aic = comparison["aic"]
    kind: Kind = "temporary" if aic["temporary"] <= aic["permanent"] else "permanent"
    best = comparison.loc[kind]
    cf, drift = _counterfactual(pre, values.loc[shock:])
    pre_level = float(values.loc[shock - 1])
    level_year, trend_year = _recovery_years(cf, pre_level, fell=best["effect_pct"] <= 0)
    last = int(cf.index[-1]) if trend_year is None else trend_year - 1
    gap = cf.loc[shock:last]
    return ShockRecovery(
        shock_year=shock,
        kind=kind,
        effect_pct=float(best["effect_pct"]),
        effect_ci=(float(best["ci_lower"]), float(best["ci_upper"])),
        effect_pvalue=float(best["pvalue"]),
        observed_change_pct=100 * (float(values.loc[shock]) / pre_level - 1),
        comparison=comparison,
        pre_level=pre_level,
        drift_pct=100 * math.expm1(drift),
        counterfactual=cf,
        recovered_level_year=level_year,
        recovered_trend_year=trend_year,
        shortfall=float((gap["actual"] - gap["mean"]).sum()),
        shortfall_years=(shock, last),
        other_shocks=inside,
        window=(start, shock + 1),
        _effect=effects[kind],
    )


@overload
def fit_shock_recovery(
    series: pd.Series, shock_year: int, *, pre_years: int | None = None
) -> ShockRecovery: ...
@overload
def fit_shock_recovery(
    series: pd.Series, shock_year: Sequence[int], *, pre_years: int | None = None
) -> dict[int, ShockRecovery]: ...
def fit_shock_recovery(
    series: pd.Series, shock_year: int | Sequence[int], *, pre_years: int | None = None
) -> ShockRecovery | dict[int, ShockRecovery]:
    """Estimate one-year shocks as interventions, and measure the recovery from each.

    The model works on ``z = log(y)`` as a random walk with drift (a series whose
    year-on-year growth fluctuates around a constant rate). For a shock in year ``T``
    two interventions are fitted to the log increments ``z[t] - z[t-1]`` by weighted
    least squares (Box-Tiao intervention analysis):

    - ``temporary`` (one-year pulse): ``z[T]`` is displaced by ``delta`` and the series
      is back on its path in ``T + 1`` -- ``delta`` enters the increment into ``T``
      with +1 and the increment into ``T + 1`` with -1;
    - ``permanent`` (level shift): the increment into ``T`` carries ``delta`` and the
      path continues from the shifted level.

    Both have the same parameters (drift, ``delta``, variance) and data, so AIC picks
    the better likelihood; what separates them is whether ``T + 1`` rebounds. The
    model is fitted to the years from the window start (``T - pre_years``, default the
    first year) to ``T + 1``: later years, including later shocks, do not affect it.

    The *counterfactual* is a random walk with drift on log values fitted to the
    pre-shock years only (before ``T``), forecast from ``T - 1`` to the last year with
    80 % / 95 % prediction intervals; recovery and shortfall are measured against it.

    Several shocks: pass a list. Each shock is analysed in turn; the other shock years
    inside its window are treated as missing observations (in the random-walk
    likelihood a missing year merges two increments, which is equivalent to a pulse
    dummy for that year), so they affect neither the drift, the variance, nor the
    effect. Shock years must be at least two years apart.

    Parameters
    ----------
    series : pandas.Series
        Positive annual values indexed by consecutive integer years (no gaps).
    shock_year : int or sequence of int
        The shock year(s). Each needs the year before and the year after it, and at
        least five usable years before it.
    pre_years : int, optional
        Use at most this many years before each shock (default: all; at least
        ``MIN_PRE_SHOCK_YEARS``, 5).

    Returns
    -------
    ShockRecovery or dict of int to ShockRecovery
        One result for an ``int``; for a sequence, a dict keyed by shock year, in year
        order. Fields and units: :class:`ShockRecovery`.

    Raises
    ------
    TypeError
        A shock year or ``pre_years`` that is not an integer.
    ValueError
        Invalid series (gaps, NaN, non-positive values, non-integer years), a shock
        year at either end of the series or outside :data:`YEARS`, shock years closer
        than two years, too few pre-shock years, or ``pre_years`` below 5.

    Notes
    -----
    Assumptions: log growth rates are independent and normal with constant variance
    outside the shock years; the shock is a one-year pulse or a permanent step, not a
    gradual recovery (a partial rebound in ``T + 1`` lies between the two, and the
    Akaike weights in ``comparison`` show how clear the choice is). A multi-year
    disruption such as 2020-2022 fits neither well; inspect ``counterfactual``.
    """
    values = _annual(series, min_points=MIN_PRE_SHOCK_YEARS + 2, positive=True)
    shocks = _shock_years(shock_year, values.index)
    if pre_years is not None:
        pre_years = _integer(pre_years, "pre_years", MIN_PRE_SHOCK_YEARS)
    results = {s: _one_shock(values, s, [o for o in shocks if o != s], pre_years) for s in shocks}
    return results[shocks[0]] if np.ndim(shock_year) == 0 else results


# --------------------------------------------------------------------------- breakpoint


@dataclass(frozen=True, eq=False)
class BreakpointFit:
    """A continuous piecewise-linear trend with one breakpoint.

    Attributes
    ----------
    breakpoint : int
        The year where the slope changes (the trend is continuous there).
    ci : tuple of int or None
        95 % profile-likelihood interval for the breakpoint, as the first and last
        candidate years inside it; None when the breakpoint was fixed.
    slope_before, slope_after : float
        Trend slope up to / from the breakpoint, in series units per year (log units
        per year if ``log``: multiply by 100 for approximately percent per year).
    slope_before_se, slope_after_se : float
        Their standard errors, conditional on the breakpoint (they ignore its
        estimation, so are somewhat too small when it was estimated).
    level_shift : float or None
        Estimated jump at ``level_shift_at`` (series units, log units if ``log``), or
        None; ``level_shift_se`` its standard error.
    f_stat : float
        F statistic of the broken trend against one straight trend (1 numerator df).
    pvalue : float
        p-value of that test. With an estimated breakpoint it is a Monte Carlo sup-F
        p-value (the largest F over all candidates, compared with its simulated
        distribution under a straight trend with normal errors): valid despite the
        search. With a fixed breakpoint it is the ordinary F-test p-value.
    pvalue_naive : float
        The ordinary F-test p-value at the chosen breakpoint; too small (anti-
        conservative) when the breakpoint was chosen by searching.
    sigma : float
        Residual standard deviation (series units, or log units).
    df_resid : int
        Residual degrees of freedom of the broken-trend fit.
    log : bool
        Whether the model was fitted to ``log(y)``.
    fitted : pandas.Series
        Fitted trend by year, in series units.
    profile : pandas.DataFrame
        By candidate year: ``ssr`` (residual sum of squares), ``f_stat``, ``in_ci``.
        Empty when the breakpoint was fixed.
    """

    breakpoint: int
    ci: tuple[int, int] | None
    slope_before: float
    slope_before_se: float
    slope_after: float
    slope_after_se: float
    level_shift: float | None
    level_shift_se: float | None
    f_stat: float
    pvalue: float
    pvalue_naive: float
    sigma: float
    df_resid: int
    log: bool
    fitted: pd.Series
    profile: pd.DataFrame

    def _estimates(self) -> dict[str, tuple[float, float]]:
        out = {
            "slope_before": (self.slope_before, self.slope_before_se),
            "slope_after": (self.slope_after, self.slope_after_se),
        }
        if self.level_shift is not None and self.level_shift_se is not None:
            out["level_shift"] = (self.level_shift, self.level_shift_se)
        return out

    def conf_int(self, level: float = 95) -> pd.DataFrame:
        """Return confidence intervals of the slopes (and the level shift, if fitted).

        Parameters
        ----------
        level : float
            Confidence level in percent (at least 1, below 100).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``slope_before``, ``slope_after`` (series units per year, or log
            units per year) and, if fitted, ``level_shift`` (series or log units):
            ``lower``, ``upper`` (Student t, :attr:`df_resid` df; conditional on the
            breakpoint, so somewhat too narrow when it was estimated).
        """
        return _t_intervals(self._estimates(), self.df_resid, level)

    def summary(self) -> Summary:
        """Summarise the broken-stick fit: breakpoint, test, and the estimates."""
        estimated = self.ci is not None
        info = [
            ("Breakpoint", self.breakpoint),
            ("95 % interval", f"{self.ci[0]}-{self.ci[1]}" if self.ci else "fixed"),
            ("Years", f"{self.fitted.index[0]}-{self.fitted.index[-1]}"),
            ("Scale", "log" if self.log else "series units"),
            ("F (break vs straight)", self.f_stat),
            ("p-value" + (" (sup-F)" if estimated else ""), f"{self.pvalue:.3g}"),
            ("Naive p-value", f"{self.pvalue_naive:.3g}"),
            ("Residual sd", self.sigma),
            ("Df residuals", self.df_resid),
        ]
        notes = [
            "Continuous piecewise-linear trend; slopes in series units per year (log "
            "units per year on the log scale).",
            "Standard errors are conditional on the breakpoint and ignore residual "
            "autocorrelation: read them as descriptive.",
        ]
        return _summary(
            "Broken-stick trend",
            info,
            [("estimates", _estimates_table(self._estimates(), self.df_resid))],
            notes,
        )


def _hinge(t: np.ndarray, at: float) -> np.ndarray:
    return np.maximum(t - at, 0.0)


def _residual_maker(x: np.ndarray) -> np.ndarray:
    """``I - X (X'X)^-1 X'``: maps data to least-squares residuals."""
    q, _ = np.linalg.qr(x)
    return np.eye(len(x)) - q @ q.T


def _f_stats(ssr0: np.ndarray, ssr1: np.ndarray, df1: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (ssr0 - ssr1) / (ssr1 / df1)
    return np.where(ssr1 > 0, f, np.inf)


def _sup_f_pvalue(
    base: np.ndarray, t: np.ndarray, candidates: np.ndarray, observed: float, n_sim: int, seed: int
) -> float:
    """Monte Carlo p-value of the sup-F statistic under the straight-trend null.

    The F statistic depends on the data only through least-squares residuals, so with
    normal errors its null distribution is free of the trend's coefficients and of the
    error variance: simulating standard normal noise is exact up to Monte Carlo error.
    """
    noise = np.random.default_rng(seed).standard_normal((len(t), n_sim))
    ssr0 = np.sum((_residual_maker(base) @ noise) ** 2, axis=0)
    df1 = len(t) - base.shape[1] - 1
    sup = np.full(n_sim, -np.inf)
    for c in candidates:
        alt = np.column_stack([base, _hinge(t, c)])
        ssr1 = np.sum((_residual_maker(alt) @ noise) ** 2, axis=0)
        sup = np.maximum(sup, _f_stats(ssr0, ssr1, df1))
    return float((1 + np.sum(sup >= observed)) / (n_sim + 1))


def _ssr(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum((_residual_maker(x) @ y) ** 2))


def _straight_design(years: np.ndarray, level_shift_at: int | None) -> np.ndarray:
    """Intercept, year (offset from the first) and, optionally, the basis-change step."""
    t = (years - years[0]).astype("float64")
    columns = [np.ones_like(t), t]
    if level_shift_at is not None:
        level_shift_at = _year(level_shift_at, "level_shift_at")
        if not years[0] < level_shift_at <= years[-1]:
            raise ValueError(
                f"level_shift_at={level_shift_at} must be after the first year and at most "
                f"the last ({years[0]}-{years[-1]})"
            )
        columns.append((years >= level_shift_at).astype("float64"))
    return np.column_stack(columns)


def _candidate_years(years: np.ndarray, min_segment: int, fixed: int | None) -> np.ndarray:
    candidates = years[min_segment : len(years) - min_segment]
    if fixed is None:
        return candidates
    fixed = _year(fixed, "breakpoint")
    if fixed not in candidates:
        raise ValueError(
            f"breakpoint={fixed} must leave at least {min_segment} years on each side: "
            f"choose from {candidates[0]}-{candidates[-1]}"
        )
    return np.array([fixed])


def fit_breakpoint(
    series: pd.Series,
    *,
    breakpoint: int | None = None,
    level_shift_at: int | None = None,
    min_segment: int = 3,
    log: bool = False,
    n_sim: int = 999,
    seed: int = 0,
) -> BreakpointFit:
    """Fit a continuous piecewise-linear (broken-stick) trend with one breakpoint.

    Model: ``y[t] = a + b1 * t + b2 * max(t - tau, 0) [+ c * 1(t >= level_shift_at)] +
    e[t]``, errors independent ``N(0, s**2)``; slope ``b1`` before ``tau`` and ``b1 +
    b2`` after. ``tau`` is searched over the integer years that leave at least
    ``min_segment`` years strictly on each side, minimising the residual sum of squares
    (maximum likelihood).

    The interval ``ci`` is by profile likelihood (Lerman's F criterion, Appl. Statist.
    1980): the candidate years whose residual sum of squares satisfies
    ``SSR(tau) <= SSR_min * (1 + F(0.95; 1, n - p) / (n - p))``, ``p`` being the number
    of coefficients; reported as the first and last such year.

    The test against one straight trend: the naive F test at the chosen ``tau`` is
    anti-conservative, because ``tau`` was picked to make F large. ``pvalue`` is
    therefore a Monte Carlo sup-F test (Andrews 1993): the largest F over the same
    candidates, against its null distribution simulated with ``n_sim`` draws of
    normal noise (exact for normal errors, up to Monte Carlo error, resolution
    ``1 / (n_sim + 1)``). Both p-values are reported.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by consecutive integer years (select a contiguous span
        first if the source has gaps, e.g. ``series.loc[2003:]``).
    breakpoint : int, optional
        Fix the breakpoint at this year instead of estimating it (``ci`` is then
        None and ``pvalue`` is the ordinary F test).
    level_shift_at : int, optional
        Add a step dummy equal to 1 from this year on: a change of statistical basis
        (for foreign residents, 2012: the registration reform of 9 July 2012 puts
        year-end 2012 onward on the new basis). The shift is in both the broken and
        the straight-trend model, so the test is about the slope only.
    min_segment : int
        Fewest years strictly before and strictly after the breakpoint (>= 2).
    log : bool
        Fit ``log(y)`` (slopes become log growth rates). Default: ``y`` itself.
    n_sim : int
        Monte Carlo draws for the sup-F p-value, :data:`MIN_SIMULATIONS` (99) to
        100,000.
    seed : int
        Seed of those draws (a non-negative integer; results are reproducible).

    Returns
    -------
    BreakpointFit
        Fields and units: :class:`BreakpointFit`.

    Raises
    ------
    TypeError
        An argument of the wrong type (naming it), e.g. a float year or ``log='no'``.
    ValueError
        Invalid series (gaps, NaN, non-integer years, non-positive with ``log``), too
        few years for ``min_segment``, a fixed breakpoint leaving fewer than
        ``min_segment`` years on a side, ``level_shift_at`` not after the first year,
        ``n_sim`` or ``seed`` out of range.

    Notes
    -----
    Residual autocorrelation, common in annual series, makes every standard error and
    p-value here optimistic; read them as descriptive.
    """
    min_segment = _integer(min_segment, "min_segment", 2)
    log = _flag(log, "log")
    n_sim = _integer(n_sim, "n_sim", MIN_SIMULATIONS, _MAX_SIMULATIONS)
    seed = _integer(seed, "seed", 0)
    needed = 2 * min_segment + 1 + (level_shift_at is not None)
    values = _annual(series, min_points=needed, positive=log)
    years = values.index.to_numpy()
    t = (years - years[0]).astype("float64")  # hinge positions are offsets from here
    y = np.log(values.to_numpy()) if log else values.to_numpy()
    base = _straight_design(years, level_shift_at)
    candidates = _candidate_years(years, min_segment, breakpoint)
    df1 = len(y) - base.shape[1] - 1
    ssr0 = _ssr(base, y)
    ssr = np.array([_ssr(np.column_stack([base, _hinge(t, c - years[0])]), y) for c in candidates])
    best = int(np.argmin(ssr))
    tau = int(candidates[best])
    f_all = _f_stats(np.full(len(ssr), ssr0), ssr, df1)
    pvalue_naive = float(stats.f.sf(f_all[best], 1, df1))
    res = OLS(y, np.column_stack([base, _hinge(t, tau - years[0])])).fit()
    after = np.zeros(len(res.params))
    after[[1, -1]] = 1.0  # slope after = b1 + b2
    in_ci = ssr <= ssr[best] * (1 + stats.f.ppf(0.95, 1, df1) / df1)
    profile = pd.DataFrame(
        {"ssr": ssr, "f_stat": f_all, "in_ci": in_ci},
        index=pd.Index(candidates.astype("int64"), name="year"),
    )
    estimated = breakpoint is None
    shift = level_shift_at is not None
    return BreakpointFit(
        breakpoint=tau,
        ci=(int(candidates[in_ci][0]), int(candidates[in_ci][-1])) if estimated else None,
        slope_before=float(res.params[1]),
        slope_before_se=float(res.bse[1]),
        slope_after=float(after @ res.params),
        slope_after_se=float(np.sqrt(after @ res.cov_params() @ after)),
        level_shift=float(res.params[2]) if shift else None,
        level_shift_se=float(res.bse[2]) if shift else None,
        f_stat=float(f_all[best]),
        pvalue=(
            _sup_f_pvalue(base, t, candidates - years[0], f_all[best], n_sim, seed)
            if estimated
            else pvalue_naive
        ),
        pvalue_naive=pvalue_naive,
        sigma=float(np.sqrt(res.scale)),
        df_resid=int(df1),
        log=log,
        fitted=pd.Series(
            np.exp(res.fittedvalues) if log else res.fittedvalues,
            index=values.index,
            name=values.name,
        ),
        profile=profile if estimated else profile.iloc[:0],
    )


# --------------------------------------------------------------------------- bounded growth


def _capacity_series(capacity: float | pd.Series) -> float | pd.Series:
    if isinstance(capacity, pd.Series):
        cap = _annual(capacity, min_points=1, consecutive=False, name="capacity")
        bad = cap[cap <= 0]
        if len(bad):
            raise ValueError(f"capacity must be positive; it is {bad.iloc[0]:g} in {bad.index[0]}")
        return cap
    if isinstance(capacity, bool) or not isinstance(
        capacity, int | float | np.integer | np.floating
    ):
        raise TypeError(f"capacity must be a number or a Series by year, got {capacity!r}")
    if not (math.isfinite(capacity) and capacity > 0):
        raise ValueError(f"capacity must be positive and finite, got {capacity!r}")
    return float(capacity)


def _capacity_at(
    capacity: float | pd.Series, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Capacity in each year: the last known value at or before it (carried forward).

    Returns the capacities and a flag per year, True where the value was carried from
    an earlier year rather than given for that year (never for a scalar capacity).
    """
    if not isinstance(capacity, pd.Series):
        return np.full(len(years), capacity), np.zeros(len(years), dtype=bool)
    pos = np.searchsorted(capacity.index.to_numpy(), years, side="right") - 1
    if np.any(pos < 0):
        first = int(years[pos < 0][0])
        raise ValueError(
            f"capacity has no value for {first} or earlier (first given: "
            f"{capacity.index[0]}); give capacity for every year to be modelled, e.g. "
            "extend it back explicitly with capacity.reindex(years).bfill()"
        )
    given = capacity.index.to_numpy()[pos] == years
    return capacity.to_numpy()[pos], ~given


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


@dataclass(frozen=True, eq=False)
class BoundedGrowthFit:
    """Logistic (binomial GLM) trend of a count under a known ceiling, plus a linear rival.

    The share ``p[t] = count[t] / capacity[t]`` follows ``logit(p[t]) = a + b * (t -
    year_ref)``; the count's mean is ``capacity[t] * p[t]``, which can approach but
    never exceed the capacity.

    Attributes
    ----------
    params : tuple of float
        ``(a, b)``: logit of the share at ``year_ref``, and the change of the logit per
        year (``b > 0``: the share is rising).
    params_se : tuple of float
        Their standard errors (quasi-binomial: scaled by ``dispersion``).
    year_ref : float
        Centring year of the model (mean observed year).
    dispersion : float
        Pearson estimate of the dispersion ``phi`` (variance relative to binomial).
        Below 1 means smoother than binomial sampling; it scales all intervals.
    df_resid : int
        Residual degrees of freedom (Student t intervals).
    capacity : float or pandas.Series
        The capacity as given (a constant, or values by year from which
        :meth:`predict` carries the last known value forward).
    fitted : pandas.DataFrame
        By observed year: ``actual``, ``capacity`` (used), ``logistic``, ``linear``
        (fitted values, series units).
    comparison : pandas.DataFrame
        Indexed by model (``logistic``, ``linear``): ``mae_oos`` and ``rmse_oos``
        (rolling-origin one-step-ahead errors: fit to the first ``k`` observed years,
        predict the next observed year, for ``k = min_train ... n - 1``; series
        units), ``n_oos``, ``rmse_in_sample``.
    linear_exceeds_capacity : int or None
        First year in which the fitted straight line exceeds the last known capacity
        (None if the line is flat or falling): where a linear trend stops making sense.
    """

    params: tuple[float, float]
    params_se: tuple[float, float]
    year_ref: float
    dispersion: float
    df_resid: int
    capacity: float | pd.Series
    fitted: pd.DataFrame
    comparison: pd.DataFrame
    linear_exceeds_capacity: int | None
    _cov: np.ndarray = field(repr=False)
    _linear: RegressionResultsWrapper = field(repr=False)

    def predict(
        self,
        years: Iterable[int],
        levels: Sequence[float] = DEFAULT_LEVELS,
        model: Literal["logistic", "linear"] = "logistic",
    ) -> pd.DataFrame:
        """Predict the count, with prediction intervals, for any years.

        Capacity in a year is the last known value at or before it; after the last
        year for which capacity was given it is carried forward unchanged (flagged in
        ``capacity_carried``). Years before the first known capacity raise ValueError.

        Parameters
        ----------
        years : iterable of int
            Calendar years (past or future).
        levels : sequence of float
            Interval coverages in percent.
        model : {'logistic', 'linear'}
            ``logistic`` (default): mean ``capacity * expit(eta)``; the interval is
            built on the logit scale from the variance of ``eta`` plus the
            dispersion-scaled variance of an empirical logit,
            ``phi * (1 / (c p + 1/2) + 1 / (c (1 - p) + 1/2))``, with Student t
            quantiles, then transformed back: every value lies within
            ``[0, capacity]``. ``linear``: the straight-line rival with OLS prediction
            intervals; it ignores the capacity and can exceed it.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year``: ``mean``, ``lower_<L>``/``upper_<L>`` per level (series
            units), ``capacity``, ``capacity_carried`` (bool).
        """
        levels = _check_levels(levels)
        model = cast(Literal["logistic", "linear"], _choice(model, "model", ("logistic", "linear")))
        if isinstance(years, str | bytes) or not isinstance(years, Iterable):
            raise TypeError(f"years must be an iterable of integer years, got {years!r}")
        yrs = np.array([_year(y, "years") for y in years], dtype="int64")
        cap, carried = _capacity_at(self.capacity, yrs)
        x = np.column_stack([np.ones(len(yrs)), yrs - self.year_ref])
        index = pd.Index(yrs, name="year")
        if model == "logistic":
            eta = x @ np.array(self.params)
            p = _expit(eta)
            var = np.einsum("ij,jk,ik->i", x, self._cov, x) + self.dispersion * (
                1 / (cap * p + 0.5) + 1 / (cap * (1 - p) + 0.5)
            )
            half = _half_widths(np.sqrt(var), self.df_resid, levels)
            out = _interval_frame(
                cap * p, cap * _expit(eta - half), cap * _expit(eta + half), levels, index
            )
        else:
            pred = self._linear.get_prediction(x)
            mean = np.asarray(pred.predicted_mean)
            half = _half_widths(pred.se_obs, self._linear.df_resid, levels)
            out = _interval_frame(mean, mean - half, mean + half, levels, index)
        return out.assign(capacity=cap, capacity_carried=carried)

    def summary_frame(
        self,
        years: Iterable[int] | None = None,
        levels: Sequence[float] = DEFAULT_LEVELS,
        model: Literal["logistic", "linear"] = "logistic",
    ) -> pd.DataFrame:
        """Return the prediction table with the observed counts beside it.

        Parameters
        ----------
        years : iterable of int, optional
            Calendar years; default: the observed years.
        levels, model
            As in :meth:`predict`.

        Returns
        -------
        pandas.DataFrame
            :meth:`predict`'s table with an ``actual`` column (the observed count,
            NaN in years without one).
        """
        pred = self.predict(self.fitted.index if years is None else years, levels, model)
        return pred.assign(actual=self.fitted["actual"].reindex(pred.index).to_numpy())

    def _estimates(self) -> dict[str, tuple[float, float]]:
        return {
            "a": (self.params[0], self.params_se[0]),
            "b": (self.params[1], self.params_se[1]),
        }

    def conf_int(self, level: float = 95) -> pd.DataFrame:
        """Return confidence intervals of the logistic parameters.

        Parameters
        ----------
        level : float
            Confidence level in percent (at least 1, below 100).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``a`` (logit of the share at :attr:`year_ref`) and ``b`` (change
            of the logit per year): ``lower``, ``upper`` (Student t, :attr:`df_resid`
            df, quasi-binomial standard errors).
        """
        return _t_intervals(self._estimates(), self.df_resid, level)

    def summary(self) -> Summary:
        """Summarise the bounded-growth fit and its comparison with a straight line."""
        last_cap = (
            self.capacity.iloc[-1] if isinstance(self.capacity, pd.Series) else self.capacity
        )
        years = self.fitted.index
        info = [
            ("Years", f"{years[0]}-{years[-1]} ({len(years)} observed)"),
            ("Capacity (last known)", last_cap),
            ("Centring year", f"{self.year_ref:.1f}"),
            ("Dispersion", self.dispersion),
            ("Df residuals", self.df_resid),
            ("Line exceeds capacity", self.linear_exceeds_capacity or "never"),
        ]
        notes = [
            "logit(count / capacity) = a + b * (year - centring year); quasi-binomial "
            "GLM, dispersion estimated (Pearson).",
            "Comparison: rolling-origin one-step errors (series units) against an OLS "
            "straight line.",
        ]
        return _summary(
            "Bounded growth (logistic share of a ceiling)",
            info,
            [
                ("estimates", _estimates_table(self._estimates(), self.df_resid)),
                ("logistic vs linear", self.comparison),
            ],
            notes,
        )


def _logistic_fit(
    years: np.ndarray, counts: np.ndarray, cap: np.ndarray, ref: float
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Quasi-binomial GLM, logit link; returns params, covariance, dispersion, df."""
    x = np.column_stack([np.ones(len(years)), years - ref])
    # Shares with the capacity as variance weights: the same fit as a (count, failures)
    # endog, but with the latter statsmodels' scale="X2" ignores the number of trials
    # (0.15: a dispersion ~capacity times too small), so intervals would be far too narrow.
    model = GLM(counts / cap, x, family=families.Binomial(), var_weights=cap)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(scale="X2")
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        raise ValueError(
            f"the shares count/capacity in {years[0]}-{years[-1]} are perfectly separated "
            "(e.g. all at 0 or at capacity); the logistic trend has no finite estimate"
        )
    _reissue(caught, f"logistic GLM fitted to {years[0]}-{years[-1]}", bool(res.converged))
    return np.asarray(res.params), np.asarray(res.cov_params()), float(res.scale), int(
        res.df_resid
    )


def _linear_fit(years: np.ndarray, counts: np.ndarray, ref: float) -> RegressionResultsWrapper:
    return OLS(counts, np.column_stack([np.ones(len(years)), years - ref])).fit()


def _one_step_errors(
    years: np.ndarray, counts: np.ndarray, cap: np.ndarray, min_train: int
) -> pd.DataFrame:
    rows = []
    for k in range(min_train, len(years)):
        ref = float(years[:k].mean())
        params, _, _, _ = _logistic_fit(years[:k], counts[:k], cap[:k], ref)
        lin = _linear_fit(years[:k], counts[:k], ref).params
        x = np.array([1.0, years[k] - ref])
        rows.append(
            {
                "logistic": counts[k] - cap[k] * _expit(x @ params),
                "linear": counts[k] - x @ lin,
            }
        )
    return pd.DataFrame(rows)


def fit_bounded_growth(
    series: pd.Series, capacity: float | pd.Series, *, min_train: int = 5
) -> BoundedGrowthFit:
    """Fit the growth of a count bounded by a known, possibly time-varying, capacity.

    Model: a binomial GLM with logit link (statsmodels ``GLM``) on the share
    ``count / capacity`` with trials equal to the capacity, and a linear trend in the
    year; a logistic curve whose ceiling is the capacity. The dispersion is estimated
    (quasi-binomial, Pearson chi-squared): the counts are not binomial draws, so
    their scatter around the curve sets the interval widths. It is compared with an
    ordinary least-squares straight line by rolling-origin out-of-sample error (AIC
    cannot compare a quasi-likelihood with a normal likelihood).

    Parameters
    ----------
    series : pandas.Series
        Non-negative whole-number counts indexed by integer year; years may be
        irregular (e.g. 1980, 1990, 2000, 2010, 2012, ...), but not repeated.
    capacity : float or pandas.Series
        The ceiling: a number, or a Series by year (e.g. states recognised by Japan:
        194 in 2012, 195 from 2015). A year's capacity is the last value given at or
        before it -- carried forward, explicitly, including into the future. Every
        observed year must have a capacity (none is invented for earlier years: extend
        the Series yourself if you accept an assumption such as 194 before 2012).
    min_train : int
        Observed years in the first training window of the out-of-sample comparison
        (an integer >= 3); the series needs at least ``min_train + 1`` years.

    Returns
    -------
    BoundedGrowthFit
        The fit, the comparison with a straight line, and
        :meth:`BoundedGrowthFit.predict`, whose logistic predictions never exceed the
        capacity.

    Raises
    ------
    TypeError
        A non-Series, a capacity that is neither a number nor a Series, or a
        non-integer ``min_train``.
    ValueError
        Invalid series (NaN, negative or fractional counts, non-integer or repeated
        years), too few years, capacity not positive, missing for an observed year or
        below the count, ``min_train`` below 3, or shares perfectly separated (e.g. all
        at capacity).
    """
    min_train = _integer(min_train, "min_train", 3)
    values = _annual(series, min_points=min_train + 1, consecutive=False, non_negative=True)
    fractional = values[values != np.round(values)]
    if len(fractional):
        raise ValueError(
            f"{_label(series)}: the value for {fractional.index[0]} is "
            f"{fractional.iloc[0]:g}, not a whole-number count"
        )
    known = _capacity_series(capacity)
    years, counts = values.index.to_numpy(), values.to_numpy()
    cap, _ = _capacity_at(known, years)
    over = np.flatnonzero(counts > cap)
    if over.size:
        i = over[0]
        raise ValueError(
            f"{_label(series)}: the count {counts[i]:g} in {years[i]} is above the "
            f"capacity {cap[i]:g}"
        )
    ref = float(years.mean())
    params, cov, phi, df = _logistic_fit(years, counts, cap, ref)
    linear = _linear_fit(years, counts, ref)
    x = np.column_stack([np.ones(len(years)), years - ref])
    fitted = pd.DataFrame(
        {
            "actual": counts,
            "capacity": cap,
            "logistic": cap * _expit(x @ params),
            "linear": np.asarray(linear.fittedvalues),
        },
        index=values.index,
    )
    oos = _one_step_errors(years, counts, cap, min_train)
    comparison = pd.DataFrame(
        {
            "mae_oos": oos.abs().mean(),
            "rmse_oos": np.sqrt((oos**2).mean()),
            "n_oos": len(oos),
            "rmse_in_sample": [
                float(np.sqrt(np.mean((fitted["actual"] - fitted[m]) ** 2)))
                for m in ("logistic", "linear")
            ],
        }
    ).rename_axis("model")
    a, b = linear.params
    last_cap = known.iloc[-1] if isinstance(known, pd.Series) else known
    crossing = None if b <= 0 else math.floor(ref + (last_cap - a) / b) + 1
    return BoundedGrowthFit(
        params=(float(params[0]), float(params[1])),
        params_se=(float(np.sqrt(cov[0, 0])), float(np.sqrt(cov[1, 1]))),
        year_ref=ref,
        dispersion=phi,
        df_resid=df,
        capacity=known,
        fitted=fitted,
        comparison=comparison,
        linear_exceeds_capacity=crossing,
        _cov=cov,
        _linear=linear,
    )
