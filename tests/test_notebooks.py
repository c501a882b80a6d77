"""The notebooks: structure, no logic in them, and a fresh top-to-bottom run.

All notebooks are executed once per session (one process, a fresh kernel each), from
copies in a temporary folder, and the fresh outputs are compared with the committed ones.
"""

import ast
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob(report.NOTEBOOK_GLOB))
FORECASTING = {"01_overview", "02_visas", "03_foreign_residents", "04_embassies"}
IDS = [p.stem for p in NOTEBOOKS]


def test_the_notebooks_are_there():
    stems = {p.stem for p in NOTEBOOKS}
    assert FORECASTING <= stems
    assert {"05_ngos", "06_volunteers", "07_local_governments"} <= stems


@pytest.fixture(scope="session")
def fresh(tmp_path_factory):
    """Execute copies of all notebooks once; return {stem: executed notebook}."""
    folder = tmp_path_factory.mktemp("notebooks")
    copies = [Path(shutil.copy(p, folder / p.name)) for p in NOTEBOOKS]
    report.execute_notebooks(copies, progress=lambda line: None)
    return {p.stem: nbformat.read(p, as_version=4) for p in copies}


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "cell 1: H1 title"
    assert "Sources" in first.source, "cell 1 names the sources"
    second = code_cells(nb)[0].source
    assert "import" in second and "set_theme()" in second, "cell 2: imports and the theme"
    if path.stem in FORECASTING:
        tagged = [c for c in code_cells(nb) if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and "AS_OF" in tagged[0].source and "HORIZON" in tagged[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_logic_defined_in_notebooks(path):
    """Functions, lambdas and classes belong in analysis/, not in notebooks."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defined = [
            type(node).__name__
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
        ]
        assert not defined, f"cell {index} defines {defined}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_quoting_notebook_asserts_its_numbers(path):
    nb = nbformat.read(path, as_version=4)
    asserts = sum(cell.source.count("assert ") for cell in code_cells(nb))
    assert asserts >= 3


@pytest.mark.parametrize("stem", IDS)
def test_runs_top_to_bottom_without_errors_or_warnings(fresh, stem):
    for index, cell in enumerate(code_cells(fresh[stem]), start=1):
        for out in cell.outputs:
            assert out.output_type != "error", f"code cell {index}: {out.ename}: {out.evalue}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Glyph" not in out.text, f"code cell {index}: missing glyph: {out.text}"
                assert "Warning" not in out.text, f"code cell {index}: warning: {out.text}"


@pytest.mark.parametrize("stem", IDS)
def test_every_chart_is_drawn(fresh, stem):
    images = sum(
        1
        for cell in code_cells(fresh[stem])
        for out in cell.outputs
        if out.output_type in {"display_data", "execute_result"} and "image/png" in out.data
    )
    if stem not in {"05_ngos", "07_local_governments", "08_fact_check"}:
        assert images >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_are_current(fresh, path):
    """Committed outputs must come from `make report`; a stale notebook fails here."""
    committed = nbformat.read(path, as_version=4)
    stale = report.diff_outputs(committed, fresh[path.stem])
    assert not stale, f"{path.name}: stale outputs in {stale}; run `make report`"
