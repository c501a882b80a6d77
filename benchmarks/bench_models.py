"""Time every model of :mod:`analysis.models` on every real series it applies to.

Run from the repository root::

    .venv/bin/python benchmarks/bench_models.py [--repeat N]

Each task is run ``N`` times (default 3) and its fastest time is reported, then the
total of those times. Loading the data is not timed. Forecasts and backtests run with
their defaults, calibrated intervals (a fit at every earlier origin), and also with
``calibrate=False`` to show what the calibration costs; warnings that a short series
has too few past errors to calibrate every horizon are silenced here.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import pandas as pd

from analysis.data import series
from analysis.models import (
    METHODS,
    CalibrationWarning,
    backtest,
    fit_bounded_growth,
    fit_breakpoint,
    fit_shock_recovery,
    forecast,
)


def load() -> dict[str, pd.Series]:
    """Return the modelled series, each cut to a span every model accepts."""
    registered = series("registered_foreigners").loc[2003:]
    resident = series("resident_foreigners")
    states = series("recognised_states")
    embassies = series("embassies_in_tokyo")
    return {
        "foreign_entrants": series("foreign_entrants"),
        "registered_foreigners": registered,
        "resident_foreigners": resident,
        "residents_spliced": pd.concat([registered, resident.loc[2012:]]),
        "embassies_in_tokyo": embassies,
        "capacity": states.reindex(range(embassies.index[0], states.index[-1] + 1))
        .bfill()
        .ffill(),
    }


def tasks(data: dict[str, pd.Series]) -> dict[str, Callable[[], object]]:
    """Name each fit to time, as a zero-argument callable."""
    entrants = data["foreign_entrants"]
    out: dict[str, Callable[[], object]] = {
        "entrants: shock 2009/2011/2020": lambda: fit_shock_recovery(entrants, [2009, 2011, 2020]),
        "entrants: breakpoint (log)": lambda: fit_breakpoint(entrants, log=True),
        "registered: breakpoint": lambda: fit_breakpoint(data["registered_foreigners"]),
        "resident: breakpoint": lambda: fit_breakpoint(data["resident_foreigners"]),
        "resident: shock 2020": lambda: fit_shock_recovery(data["resident_foreigners"], 2020),
        "spliced: breakpoint + level shift": lambda: fit_breakpoint(
            data["residents_spliced"], level_shift_at=2012
        ),
        "embassies: bounded growth + predict": lambda: fit_bounded_growth(
            data["embassies_in_tokyo"], data["capacity"]
        ).predict(range(1980, 2051)),
    }
    for name in ("foreign_entrants", "registered_foreigners", "resident_foreigners"):
        s = data[name]
        for method, needed in METHODS.items():
            if len(s) < needed + 2:
                continue
            for calibrate in (True, False):
                tag = "" if calibrate else ", calibrate=False"
                out[f"{name}: forecast {method}{tag}"] = (
                    lambda s=s, m=method, c=calibrate: forecast(s, 10, m, calibrate=c)
                )
                out[f"{name}: backtest {method} h=3{tag}"] = (
                    lambda s=s, m=method, k=needed, c=calibrate: backtest(
                        s, m, min_train=max(k, 5), horizon=3, calibrate=c
                    )
                )
    return out


def best_time(task: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Time the tasks and print one line each, then the total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per task (best is kept)")
    repeat = parser.parse_args().repeat
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalibrationWarning)
        timings = {name: best_time(task, repeat) for name, task in tasks(load()).items()}
    width = max(map(len, timings))
    for name, seconds in timings.items():
        print(f"{name:<{width}}  {1000 * seconds:8.1f} ms")
    print(f"{'total':<{width}}  {1000 * sum(timings.values()):8.1f} ms ({len(timings)} fits)")


if __name__ == "__main__":
    main()
