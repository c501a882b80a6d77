"""Time the notebook report against its floor (a script, not a test).

The floor is the same number of notebooks that only import pandas, seaborn and
statsmodels and draw one chart, run by the same runner (one process, a fresh kernel
each). The report is every ``notebooks/NN_*.ipynb``, executed from copies in a temporary
folder (the committed notebooks are not touched) and rendered to HTML.

Run: ``.venv/bin/python benchmarks/bench_report.py`` (or ``make bench``).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.report import NOTEBOOK_GLOB, execute_notebooks, render_html

ROOT = Path(__file__).resolve().parents[1]
FLOOR_CODE = """\
import pandas as pd
import statsmodels.api as sm

from analysis import plots

plots.set_theme()
df = pd.DataFrame({"year": range(2000, 2013), "value": range(13)})
plots.plot_series(df, title="A floor chart rises steadily by one a year", ylabel="Value",
                  source="Source: none (benchmark)")
"""


def floor_notebook() -> nbformat.NotebookNode:
    """Return a notebook that does the minimum every report notebook does."""
    return new_notebook(cells=[new_markdown_cell("# Floor"), new_code_cell(FLOOR_CODE)])


def timed(label: str, paths: list[Path], outdir: Path) -> float:
    """Execute and render ``paths``; print and return the wall-clock seconds."""
    start = time.perf_counter()
    execute_notebooks(paths, progress=lambda line: print(f"  {label} {line}"))
    render_html(paths, outdir)
    return time.perf_counter() - start


def main() -> None:
    """Print the floor, the report time and their ratio."""
    notebooks = sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "floor").mkdir()
        (tmp_path / "report").mkdir()
        floor_paths = []
        for i in range(len(notebooks)):
            path = tmp_path / "floor" / f"{i + 1:02d}_floor.ipynb"
            nbformat.write(floor_notebook(), path)
            floor_paths.append(path)
        report_paths = [Path(shutil.copy(p, tmp_path / "report" / p.name)) for p in notebooks]
        floor = timed("floor", floor_paths, tmp_path / "floor_html")
        full = timed("report", report_paths, tmp_path / "report_html")
    print(f"floor  ({len(floor_paths)} notebooks): {floor:6.1f} s")
    print(f"report ({len(report_paths)} notebooks): {full:6.1f} s")
    print(f"ratio: {full / floor:.2f} x the floor (target: at most 2 x)")


if __name__ == "__main__":
    main()
