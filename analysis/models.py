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
- :func:`forecast` -- benchmark forecasts with prediction intervals.
- :func:`backtest` -- rolling-origin accuracy (MASE) and interval coverage of a method.

Conventions shared by every function
------------------------------------
- A *series* is a :class:`pandas.Series` of annual values indexed by integer calendar
  year (the layout of :func:`analysis.data.series`). Invalid input raises
  :class:`ValueError` naming the problem and the year: a non-integer index, a repeated
  year, a missing year (gap) where consecutive years are needed, NaN or infinite
  values, non-positive values for a log-scale model, too few years. An input that is
  not a Series raises :class:`TypeError`.
- Prediction intervals are central: ``lower_80``/``upper_80`` hold the 10 % and 90 %
  quantiles of the predictive distribution, ``lower_95``/``upper_95`` the 2.5 % and
  97.5 % quantiles, in the series' own units.
- On a log scale (``log=True``, and always in :func:`fit_shock_recovery`) models are
  fitted to ``log(y)`` and results are transformed back with ``exp``. Quantiles
  transform exactly, but the back-transformed point forecast -- the column named
  ``mean``, kept for a uniform layout -- is the predictive *median* of ``y``, not its
  mean (the mean is higher by a factor ``exp(s**2 / 2)``, ``s`` being the log-scale
  standard deviation). The median is the point forecast that minimises expected
  absolute error, which is what :func:`backtest` scores.
- Fits never print. statsmodels warnings raised inside a fit are caught: an optimiser
  that did not converge, or any other statsmodels warning, is re-issued as a
  :class:`ModelWarning` saying which fit and what it means for the result; perfect
  separation in the logistic model, where the estimates do not exist, is a
  :class:`ValueError`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, overload

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import OLS, WLS, RegressionResultsWrapper
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

__all__ = [
    "METHODS",
    "BacktestResult",
    "BoundedGrowthFit",
    "BreakpointFit",
    "ModelWarning",
    "ShockRecovery",
    "backtest",
    "fit_bounded_growth",
    "fit_breakpoint",
    "fit_shock_recovery",
    "forecast",
]

Method = Literal["naive", "drift", "linear", "ets_damped"]
Kind = Literal["temporary", "permanent"]

METHODS: dict[str, int] = {"naive": 2, "drift": 3, "linear": 3, "ets_damped": 10}
"""Forecast methods of :func:`forecast` and the fewest years each needs."""

MIN_PRE_SHOCK_YEARS = 5
"""Fewest usable years before a shock for :func:`fit_shock_recovery`."""

DEFAULT_LEVELS: tuple[float, ...] = (80, 95)


class ModelWarning(UserWarning):
    """A fit finished but its result needs care (e.g. the optimiser did not converge)."""


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
) -> pd.Series:
    """Check an annual series and return it as float64, sorted, indexed by int64 year."""
    if not isinstance(series, pd.Series):
        raise TypeError(
            f"expected a pandas Series indexed by year, got {type(series).__name__}"
        )
    label = _label(series)
    if not pd.api.types.is_integer_dtype(series.index.dtype):
        raise ValueError(
            f"{label}: the index must hold integer years, got dtype {series.index.dtype}"
        )
    repeated = series.index[series.index.duplicated()]
    if len(repeated):
        raise ValueError(f"{label}: year {repeated[0]} appears more than once")
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


def _year(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{what} must be an integer year, got {value!r}")
    return int(value)


def _check_levels(levels: Iterable[float]) -> tuple[float, ...]:
    out = tuple(levels)
    if not out or any(not 0 < lev < 100 for lev in out) or len(set(out)) != len(out):
        raise ValueError(f"levels must be distinct percentages between 0 and 100, got {out}")
    return out


def _bound_columns(levels: Sequence[float]) -> list[str]:
    return [f"{side}_{lev:g}" for lev in levels for side in ("lower", "upper")]


def _quantile(level: float, df: float | None) -> float:
    """Two-sided critical value: Student t with ``df`` degrees of freedom, else normal."""
    p = 0.5 + level / 200
    return float(stats.norm.ppf(p) if df is None else stats.t.ppf(p, df))


def _gaussian_frame(
    mean: np.ndarray, sd: np.ndarray, df: float | None, levels: Sequence[float]
) -> pd.DataFrame:
    cols: dict[str, np.ndarray] = {"mean": mean}
    for lev in levels:
        q = _quantile(lev, df)
        cols[f"lower_{lev:g}"] = mean - q * sd
        cols[f"upper_{lev:g}"] = mean + q * sd
    return pd.DataFrame(cols)


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

    def path(self, years: np.ndarray, levels: Sequence[float]) -> pd.DataFrame:
        h = (years - self.anchor_year).astype("float64")
        extra = h**2 / self.span if self.with_drift else 0.0
        sd = self.sigma * np.sqrt(h + extra)
        return _gaussian_frame(self.anchor + self.drift * h, sd, self.df, levels)


def _fit_random_walk(years: np.ndarray, z: np.ndarray, *, with_drift: bool) -> _RandomWalk:
    d, g = np.diff(z), np.diff(years).astype("float64")
    span = int(years[-1] - years[0])
    drift = float(d.sum() / span) if with_drift else 0.0
    df = len(d) - int(with_drift)
    sigma = float(np.sqrt(np.sum((d - drift * g) ** 2 / g) / df))
    return _RandomWalk(drift, sigma, span, df, int(years[-1]), float(z[-1]), with_drift)


# --------------------------------------------------------------------------- forecast


def _walk_frame(z: np.ndarray, horizon: int, levels: Sequence[float], drift: bool) -> pd.DataFrame:
    years = np.arange(len(z))
    return _fit_random_walk(years, z, with_drift=drift).path(
        np.arange(len(z), len(z) + horizon), levels
    )


def _linear_frame(z: np.ndarray, horizon: int, levels: Sequence[float]) -> pd.DataFrame:
    t = np.arange(len(z), dtype="float64")
    res = OLS(z, np.column_stack([np.ones_like(t), t])).fit()
    future = np.arange(len(z), len(z) + horizon, dtype="float64")
    return _ols_prediction(res, np.column_stack([np.ones_like(future), future]), levels)


def _ols_prediction(
    res: RegressionResultsWrapper, exog: np.ndarray, levels: Sequence[float]
) -> pd.DataFrame:
    """Point prediction and *prediction* intervals (``obs_ci``) of an OLS fit."""
    pred = res.get_prediction(exog)
    cols: dict[str, np.ndarray] = {"mean": np.asarray(pred.predicted_mean)}
    for lev in levels:
        frame = pred.summary_frame(alpha=1 - lev / 100)
        cols[f"lower_{lev:g}"] = frame["obs_ci_lower"].to_numpy()
        cols[f"upper_{lev:g}"] = frame["obs_ci_upper"].to_numpy()
    return pd.DataFrame(cols)


def _ets_damped_frame(
    z: np.ndarray, horizon: int, levels: Sequence[float], context: str
) -> pd.DataFrame:
    # ETSModel.get_prediction needs a pandas object; a RangeIndex avoids index warnings.
    model = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(disp=False)
        pred = res.get_prediction(start=len(z), end=len(z) + horizon - 1)
        frames = {lev: pred.summary_frame(alpha=1 - lev / 100) for lev in levels}
    _reissue(caught, context, bool(res.mle_retvals.get("converged", True)))
    cols: dict[str, np.ndarray] = {"mean": frames[levels[0]]["mean"].to_numpy()}
    for lev, frame in frames.items():
        cols[f"lower_{lev:g}"] = frame["pi_lower"].to_numpy()
        cols[f"upper_{lev:g}"] = frame["pi_upper"].to_numpy()
    return pd.DataFrame(cols)


def forecast(
    series: pd.Series,
    horizon: int,
    method: Method = "drift",
    levels: Sequence[float] = DEFAULT_LEVELS,
    as_of: int | None = None,
    *,
    log: bool = True,
) -> pd.DataFrame:
    """Forecast an annual series, with prediction intervals.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by consecutive integer years (no gaps, no NaN).
    horizon : int
        Number of years to forecast (>= 1).
    method : {'naive', 'drift', 'linear', 'ets_damped'}
        - ``naive``: random walk; every forecast is the last value. Interval width
          from the one-step changes, growing with ``sqrt(h)``; Student t with one
          degree of freedom per change.
        - ``drift``: random walk with drift; the line through the first and last
          values, extended. Intervals include the drift's estimation error
          (``sd_h = s * sqrt(h + h**2 / (n - 1))``); Student t, ``n - 2`` df.
        - ``linear``: ordinary least squares on the year; prediction intervals from
          statsmodels ``obs_ci`` (not the narrower ``mean_ci`` of the fitted line).
        - ``ets_damped``: exponential smoothing with additive errors and a damped
          additive trend, ETS(A,Ad,N), statsmodels ``ETSModel`` fitted by maximum
          likelihood; its analytical (normal) prediction intervals. Needs 10 years.
        Each assumes independent, homoscedastic errors on the modelling scale.
    levels : sequence of float
        Interval coverages in percent; each adds ``lower_<level>``/``upper_<level>``.
    as_of : int, optional
        Forecast from the data up to and including this year only (later values are
        ignored entirely); the forecast covers ``as_of + 1 ... as_of + horizon``.
        Default: the last year.
    log : bool
        Model ``log(y)`` (default; needs positive values): growth is then
        proportional, and intervals are asymmetric and stay positive. The ``mean``
        column is then the predictive median (see the module notes). ``False`` models
        ``y`` itself.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (int64), columns ``mean`` (point forecast, series units)
        then ``lower_<L>``, ``upper_<L>`` for each level ``L`` (by default
        ``lower_80, upper_80, lower_95, upper_95``).

    Raises
    ------
    ValueError
        Invalid series, ``horizon < 1``, unknown method, levels outside (0, 100),
        ``as_of`` outside the series or leaving fewer years than the method needs.

    Warns
    -----
    ModelWarning
        If the ETS optimiser does not converge (the forecast is still returned).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    levels = _check_levels(levels)
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
    z = np.log(values.to_numpy()) if log else values.to_numpy()
    if method == "naive":
        frame = _walk_frame(z, horizon, levels, drift=False)
    elif method == "drift":
        frame = _walk_frame(z, horizon, levels, drift=True)
    elif method == "linear":
        frame = _linear_frame(z, horizon, levels)
    else:
        span = f"{values.index[0]}-{values.index[-1]}"
        frame = _ets_damped_frame(z, horizon, levels, f"ETS(A,Ad,N) fitted to {span}")
    last = int(values.index[-1])
    frame.index = pd.Index(np.arange(last + 1, last + horizon + 1, dtype="int64"), name="year")
    return np.exp(frame) if log else frame


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Rolling-origin evaluation of one forecast method on one series.

    Attributes
    ----------
    method : str
        The forecast method evaluated.
    horizon : int
        Largest forecast horizon, in years.
    min_train : int
        Years in the first training window.
    mase : float
        Mean absolute scaled error over every (origin, horizon) pair in ``errors``:
        ``mean(|actual - mean|) / scale``. Below 1 means smaller errors than the
        in-sample one-step naive forecast.
    coverage_80, coverage_95 : float
        Fraction (0-1) of the actual values inside the 80 % / 95 % prediction
        intervals; ideally close to 0.80 / 0.95.
    scale : float
        The MASE denominator, in series units: the mean absolute one-step change
        ``mean(|y[t] - y[t-1]|)`` over the *whole* series, i.e. the in-sample MAE of
        the one-step naive forecast. It is fixed for all origins and horizons, so
        MASE values of different methods on the same series are comparable.
    errors : pandas.DataFrame
        One row per forecast: ``origin`` (last training year), ``year`` (target),
        ``horizon`` (``year - origin``), ``actual``, ``mean``, ``error``
        (``actual - mean``, series units), ``scaled_error`` (``error / scale``),
        ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95``, ``in_80``, ``in_95``.
    by_horizon : pandas.DataFrame
        Indexed by ``horizon``: ``n``, ``mase``, ``coverage_80``, ``coverage_95``.
    n_not_converged : int
        Origins where the fit emitted a :class:`ModelWarning` (ETS only).
    """

    method: str
    horizon: int
    min_train: int
    mase: float
    coverage_80: float
    coverage_95: float
    scale: float
    errors: pd.DataFrame
    by_horizon: pd.DataFrame
    n_not_converged: int


def _score(errors: pd.DataFrame, scale: float) -> dict[str, float]:
    return {
        "mase": float(errors["error"].abs().mean() / scale),
        "coverage_80": float(errors["in_80"].mean()),
        "coverage_95": float(errors["in_95"].mean()),
    }


def backtest(
    series: pd.Series,
    method: Method,
    *,
    min_train: int = 10,
    horizon: int = 1,
    log: bool = True,
) -> BacktestResult:
    """Rolling-origin (expanding window) evaluation of a :func:`forecast` method.

    From every origin year ``o`` -- the ``min_train``-th year to the second-to-last --
    the method is fitted to the years up to ``o`` and forecasts ``o + 1 ... o +
    horizon``; forecasts beyond the last year are dropped, so short horizons have
    more origins than long ones.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by consecutive integer years.
    method : {'naive', 'drift', 'linear', 'ets_damped'}
        See :func:`forecast`.
    min_train : int
        Years in the first training window (at least what the method needs).
    horizon : int
        Largest horizon, in years.
    log : bool
        Passed to :func:`forecast`. Errors are always measured in series units.

    Returns
    -------
    BacktestResult
        ``mase`` uses a fixed scale: the mean absolute one-step change over the whole
        series (see :class:`BacktestResult`). Consequently the naive method at
        ``horizon=1`` has errors ``y[t] - y[t-1]`` for every target year ``t``, and its
        MASE is the mean ``|y[t] - y[t-1]|`` over the target years divided by the same
        mean over all years: exactly 1 whenever the two means coincide (for example
        when every one-step change has the same size), and in-sample -- evaluated on
        every one-step change of the series -- it is 1 by definition.

    Raises
    ------
    ValueError
        Invalid series, unknown method, ``min_train`` too small for the method or
        leaving no year to forecast, ``horizon < 1``, or a constant series (scale 0).

    Warns
    -----
    ModelWarning
        Once, summarising how many origins did not converge (ETS only).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    if min_train < METHODS[method]:
        raise ValueError(
            f"min_train={min_train} is too small: method {method!r} needs at least "
            f"{METHODS[method]} years"
        )
    values = _annual(series, min_points=min_train + 1, positive=log)
    scale = float(values.diff().abs().mean())
    if scale == 0:
        raise ValueError(f"{_label(series)} is constant: the MASE scale would be 0")
    rows = []
    not_converged = 0
    for origin in values.index[min_train - 1 : -1]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ModelWarning)
            fc = forecast(values, horizon, method, DEFAULT_LEVELS, int(origin), log=log)
        not_converged += any(issubclass(w.category, ModelWarning) for w in caught)
        for w in caught:  # pass on anything that is not a (summarised) ModelWarning
            if not issubclass(w.category, ModelWarning):
                warnings.warn(w.message, w.category, stacklevel=2)
        fc = fc.loc[fc.index <= values.index[-1]]
        rows.append(fc.assign(origin=int(origin), actual=values.loc[fc.index]))
    if not_converged:
        warnings.warn(
            f"backtest of {method!r}: the fit did not converge (or statsmodels warned) at "
            f"{not_converged} of {len(rows)} origins; their forecasts use the best "
            "parameters found",
            ModelWarning,
            stacklevel=2,
        )
    errors = pd.concat(rows).rename_axis("year").reset_index()
    errors["horizon"] = errors["year"] - errors["origin"]
    errors["error"] = errors["actual"] - errors["mean"]
    errors["scaled_error"] = errors["error"] / scale
    for lev in DEFAULT_LEVELS:
        inside = errors["actual"].between(errors[f"lower_{lev:g}"], errors[f"upper_{lev:g}"])
        errors[f"in_{lev:g}"] = inside
    errors = errors[
        [
            "origin", "year", "horizon", "actual", "mean", "error", "scaled_error",
            *_bound_columns(DEFAULT_LEVELS), "in_80", "in_95",
        ]
    ]
    by_horizon = pd.DataFrame(
        {h: {"n": len(grp), **_score(grp, scale)} for h, grp in errors.groupby("horizon")}
    ).T.rename_axis("horizon")
    by_horizon["n"] = by_horizon["n"].astype("int64")
    return BacktestResult(
        method=method,
        horizon=horizon,
        min_train=min_train,
        scale=scale,
        errors=errors,
        by_horizon=by_horizon,
        n_not_converged=not_converged,
        **_score(errors, scale),
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
    raw = [shock_year] if np.ndim(shock_year) == 0 else list(shock_year)
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


def _compare_interventions(years: np.ndarray, z: np.ndarray, shock: int) -> pd.DataFrame:
    """Fit the pulse and the step; one row per kind, effects in percent."""
    rows = {}
    for kind in ("temporary", "permanent"):
        res = _intervention(years, z, shock, kind)
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
    return out


def _counterfactual(pre: pd.Series, after: pd.Series) -> tuple[pd.DataFrame, float]:
    """Random walk with drift on the pre-shock logs, projected over ``after``'s years."""
    walk = _fit_random_walk(pre.index.to_numpy(), np.log(pre.to_numpy()), with_drift=True)
    cf = np.exp(walk.path(after.index.to_numpy(), DEFAULT_LEVELS))
    cf.index = after.index
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
    comparison = _compare_interventions(
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
        Use at most this many years before each shock (default: all).

    Returns
    -------
    ShockRecovery or dict of int to ShockRecovery
        One result for an ``int``; for a sequence, a dict keyed by shock year, in year
        order. Fields and units: :class:`ShockRecovery`.

    Raises
    ------
    ValueError
        Invalid series (gaps, NaN, non-positive values, non-integer years), a shock
        year at either end of the series, shock years closer than two years, or too
        few pre-shock years.

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
    if pre_years is not None and (isinstance(pre_years, bool) or pre_years < MIN_PRE_SHOCK_YEARS):
        raise ValueError(f"pre_years must be at least {MIN_PRE_SHOCK_YEARS}, got {pre_years!r}")
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
    log: bool
    fitted: pd.Series
    profile: pd.DataFrame


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
        Monte Carlo draws for the sup-F p-value.
    seed : int
        Seed of those draws (results are reproducible).

    Returns
    -------
    BreakpointFit
        Fields and units: :class:`BreakpointFit`.

    Raises
    ------
    ValueError
        Invalid series (gaps, NaN, non-integer years, non-positive with ``log``), too
        few years for ``min_segment``, a fixed breakpoint leaving fewer than
        ``min_segment`` years on a side, or ``level_shift_at`` not after the first year.

    Notes
    -----
    Residual autocorrelation, common in annual series, makes every standard error and
    p-value here optimistic; read them as descriptive.
    """
    if isinstance(min_segment, bool) or not isinstance(min_segment, int) or min_segment < 2:
        raise ValueError(f"min_segment must be an integer >= 2, got {min_segment!r}")
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
        cap = _annual(capacity, min_points=1, consecutive=False)
        bad = cap[cap <= 0]
        if len(bad):
            raise ValueError(f"capacity must be positive; it is {bad.iloc[0]:g} in {bad.index[0]}")
        return cap
    if isinstance(capacity, bool) or not isinstance(
        capacity, int | float | np.integer | np.floating
    ):
        raise ValueError(f"capacity must be a number or a Series by year, got {capacity!r}")
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
        yrs = np.array([_year(y, "year") for y in years], dtype="int64")
        cap, carried = _capacity_at(self.capacity, yrs)
        x = np.column_stack([np.ones(len(yrs)), yrs - self.year_ref])
        if model == "logistic":
            eta = x @ np.array(self.params)
            p = _expit(eta)
            var = np.einsum("ij,jk,ik->i", x, self._cov, x) + self.dispersion * (
                1 / (cap * p + 0.5) + 1 / (cap * (1 - p) + 0.5)
            )
            cols: dict[str, np.ndarray] = {"mean": cap * p}
            for lev in levels:
                q = _quantile(lev, self.df_resid)
                cols[f"lower_{lev:g}"] = cap * _expit(eta - q * np.sqrt(var))
                cols[f"upper_{lev:g}"] = cap * _expit(eta + q * np.sqrt(var))
            out = pd.DataFrame(cols)
        elif model == "linear":
            out = _ols_prediction(self._linear, x, levels)
        else:
            raise ValueError(f"model must be 'logistic' or 'linear', got {model!r}")
        out.index = pd.Index(yrs, name="year")
        return out.assign(capacity=cap, capacity_carried=carried)


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
        (>= 3); the series needs at least ``min_train + 1`` years.

    Returns
    -------
    BoundedGrowthFit
        The fit, the comparison with a straight line, and
        :meth:`BoundedGrowthFit.predict`, whose logistic predictions never exceed the
        capacity.

    Raises
    ------
    ValueError
        Invalid series (NaN, negative or fractional counts, non-integer or repeated
        years), too few years, capacity not positive, missing for an observed year or
        below the count, or shares perfectly separated (e.g. all at capacity).
    """
    if isinstance(min_train, bool) or not isinstance(min_train, int) or min_train < 3:
        raise ValueError(f"min_train must be an integer >= 3, got {min_train!r}")
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
