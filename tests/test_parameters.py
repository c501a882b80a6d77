"""The forecasting notebooks take their vantage point from papermill parameters.

Each forecasting notebook has one code cell tagged ``parameters`` (``AS_OF = 2012``,
``HORIZON = 12``). Here each is run with papermill from a fresh kernel of this
environment (cwd = notebooks/, output into a temporary folder; the committed notebook is
not touched) with ``AS_OF=2015, HORIZON=5``, and must

- finish without an error (assertions of the 2012 numbers are guarded by
  ``if AS_OF == 2012:``),
- contain papermill's ``injected-parameters`` cell right after the tagged one,
- show different outputs from the committed 2012 run (the parameters are used), and
- forecast 2016–2020 from data that end in 2015 at the latest: a probe cell appended
  to the temporary copy prints the years of each forecast the notebook keeps in
  ``hindsight`` (a dict of ``ForecastResult``, the contract of CONTRIBUTING.md) and the
  last year of ``hindsight_history``.

About 4 s per notebook.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell

from analysis import report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
AS_OF, HORIZON = 2015, 5
FORECASTS = ("01_overview", "02_visas", "03_foreign_residents", "04_embassies")
PROBE = """import json as _json
print(_json.dumps({
    "history_last": int(hindsight_history.index[-1]),
    "forecast_years": {
        k: [int(y) for y in v.summary_frame().index] for k, v in hindsight.items()
    },
}))"""


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


@pytest.fixture(scope="module", params=FORECASTS)
def run(request):
    """Run one forecasting notebook with AS_OF=2015, HORIZON=5; return (committed, run)."""
    source = NOTEBOOK_DIR / f"{request.param}.ipynb"
    if not source.exists():
        pytest.fail(f"{source.relative_to(ROOT)} is missing")
    committed = nbformat.read(source, as_version=4)
    probed = nbformat.from_dict(json.loads(json.dumps(committed)))
    probed.cells.append(new_code_cell(PROBE, metadata={"tags": ["probe"]}))
    with (
        tempfile.TemporaryDirectory(prefix="test-parameters-") as tmp,
        pytest.MonkeyPatch.context() as env,
    ):
        folder = Path(tmp)
        nbformat.write(probed, folder / "input.ipynb")
        # As `make lab`: this venv's python3 kernelspec before any user-level one.
        env.setenv("JUPYTER_PREFER_ENV_PATH", "1")
        executed = papermill.execute_notebook(
            folder / "input.ipynb",
            folder / f"{request.param}.ipynb",
            parameters={"AS_OF": AS_OF, "HORIZON": HORIZON},
            kernel_name=report.KERNEL_NAME,
            cwd=NOTEBOOK_DIR,
            progress_bar=False,
            execution_timeout=600,
        )
    return committed, executed


def test_the_injected_parameters_follow_the_tagged_cell(run):
    _committed, executed = run
    tags = [cell.metadata.get("tags", []) for cell in executed.cells]
    tagged = [i for i, t in enumerate(tags) if "parameters" in t]
    injected = [i for i, t in enumerate(tags) if "injected-parameters" in t]
    assert len(tagged) == 1 and injected == [tagged[0] + 1]
    source = executed.cells[injected[0]].source
    assert f"AS_OF = {AS_OF}" in source and f"HORIZON = {HORIZON}" in source


def test_it_runs_to_the_end_without_errors(run):
    _committed, executed = run
    for index, cell in enumerate(code_cells(executed), start=1):
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert not errors, f"code cell {index}: {errors[0].ename}: {errors[0].evalue}"
    assert code_cells(executed)[-1].outputs, "the probe cell ran"


def test_the_forecast_starts_after_the_new_vantage_point(run):
    _committed, executed = run
    probe = "".join(out.get("text", "") for out in code_cells(executed)[-1].outputs)
    facts = json.loads(probe.strip().splitlines()[-1])
    assert 2012 < facts["history_last"] <= AS_OF, "the models see data to AS_OF, no later"
    assert facts["forecast_years"], "no forecast found"
    for name, years in facts["forecast_years"].items():
        assert years == list(range(AS_OF + 1, AS_OF + HORIZON + 1)), name


def test_the_outputs_change_with_the_parameters(run):
    committed, executed = run
    without = nbformat.from_dict(json.loads(json.dumps(executed)))
    without.cells = [
        cell
        for cell in without.cells
        if not {"injected-parameters", "probe"} & set(cell.metadata.get("tags", []))
    ]
    assert report.diff_outputs(committed, without), "no output depends on AS_OF/HORIZON"
