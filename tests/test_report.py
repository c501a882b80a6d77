"""Tests for analysis.report on the tiny notebooks in tests/fixtures/.

Each notebook execution starts one kernel (about 1 s); there are three here.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.report import (
    NotebookError,
    diff_outputs,
    execute_notebooks,
    notebook_summary,
    notebook_title,
    render_html,
    stale_outputs,
)

FIXTURES = Path(__file__).parent / "fixtures"


def copy_without_outputs(name: str, folder: Path) -> Path:
    """Copy a fixture with its outputs cleared, so any output comes from the test's run."""
    nb = nbformat.read(FIXTURES / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    path = folder / name
    nbformat.write(nb, path)
    return path


def texts(cell: nbformat.NotebookNode) -> str:
    return "".join(out.get("text", "") for out in cell.outputs)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    path = copy_without_outputs("01_overview.ipynb", tmp_path_factory.mktemp("run"))
    lines: list[str] = []
    timings = execute_notebooks([path], progress=lines.append)
    return path, nbformat.read(path, as_version=4), lines, timings


def test_execute_stores_outputs_in_place(executed):
    _path, nb, _lines, _timings = executed
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert texts(code[1]) == "total 25,751,249\n"
    assert any("image/png" in out.get("data", {}) for out in code[2].outputs)
    assert "<table" in code[3].outputs[0].data["text/html"]


def test_execute_uses_a_kernel_of_this_interpreter(executed):
    _path, nb, _lines, _timings = executed
    kernel_python = texts(nb.cells[1]).strip()
    assert Path(kernel_python).resolve() == Path(sys.executable).resolve()


def test_japanese_chart_in_the_kernel_has_no_missing_glyph_warning(executed):
    _path, nb, _lines, _timings = executed
    stderr = [
        out.text for c in nb.cells for out in c.get("outputs", []) if out.get("name") == "stderr"
    ]
    assert not [s for s in stderr if "missing from font" in s]


def test_outputs_are_deterministic(executed):
    _path, nb, _lines, _timings = executed
    counts = [cell.execution_count for cell in nb.cells if cell.cell_type == "code"]
    assert counts == [1, 2, 3, 4]
    assert all("execution" not in cell.metadata for cell in nb.cells)


def test_execute_reports_progress_and_timings(executed):
    path, _nb, lines, timings = executed
    assert len(lines) == 1
    assert re.fullmatch(r"\[1/1\] 01_overview\.ipynb … \d+\.\d s", lines[0])
    assert timings[path] > 0


def test_failing_notebook_names_notebook_and_cell_and_is_left_unchanged(tmp_path):
    path = shutil.copy(FIXTURES / "fails.ipynb", tmp_path)
    before = Path(path).read_bytes()
    with pytest.raises(NotebookError) as caught:
        execute_notebooks([path], progress=lambda _line: None)
    message = str(caught.value)
    assert "fails.ipynb" in message
    assert "cell 3 of 4" in message and "x / 0" in message
    assert "ZeroDivisionError" in message
    assert caught.value.cell_index == 2
    assert Path(path).read_bytes() == before


def test_stale_outputs_lists_only_the_edited_cell(tmp_path):
    # stale.ipynb: cell 2's stored output was edited (41 for 42); cell 4's image was
    # swapped for another PNG and cell 5 prints a fresh memory address: neither is stale
    path = shutil.copy(FIXTURES / "stale.ipynb", tmp_path)
    before = Path(path).read_bytes()
    assert stale_outputs(path) == ["cell 2: print(6 * 7)"]
    assert Path(path).read_bytes() == before


def one_cell(*outputs: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return new_notebook(cells=[new_code_cell("x", outputs=list(outputs))])


def stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return new_output("stream", name=name, text=text)


def image(data: str) -> nbformat.NotebookNode:
    return new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"})


@pytest.mark.parametrize(
    ("committed", "fresh"),
    [
        ((stream("a\nb\n"),), (stream("a\n"), stream("b\n"))),  # chunking varies
        ((stream("w", "stderr"), stream("1\n")), (stream("1\n"),)),  # stderr ignored
        ((image("AAAA"),), (image("BBBB"),)),  # image bytes ignored
        (
            (new_output("execute_result", data={"text/plain": "<object at 0x7f3a2c1b9e50>"}),),
            (new_output("execute_result", data={"text/plain": "<object at 0x7f00dd001122>"}),),
        ),
    ],
    ids=["stdout-chunks", "stderr", "image-bytes", "memory-address"],
)
def test_diff_outputs_ignores_run_to_run_noise(committed, fresh):
    assert diff_outputs(one_cell(*committed), one_cell(*fresh)) == []


@pytest.mark.parametrize(
    ("committed", "fresh"),
    [
        ((stream("41\n"),), (stream("42\n"),)),
        ((image("AAAA"),), ()),  # a chart vanished
        ((), (new_output("error", ename="KeyError", evalue="'x'", traceback=[]),)),
        (
            (new_output("execute_result", data={"text/html": "<td>1</td>"}),),
            (new_output("execute_result", data={"text/html": "<td>2</td>"}),),
        ),
    ],
    ids=["stdout", "image-presence", "error", "html-table"],
)
def test_diff_outputs_reports_real_changes(committed, fresh):
    assert diff_outputs(one_cell(*committed), one_cell(*fresh)) == ["cell 1: x"]


def test_diff_outputs_refuses_different_notebooks():
    with pytest.raises(ValueError, match="not the same notebook"):
        diff_outputs(one_cell(), new_notebook())


def test_render_writes_pages_without_code_and_an_index(tmp_path):
    paths = [FIXTURES / "01_overview.ipynb", FIXTURES / "02_second.ipynb"]
    index = render_html(paths, tmp_path / "report")
    assert index == tmp_path / "report" / "index.html"
    listing = index.read_text(encoding="utf-8")
    assert '<a href="01_overview.html">Fixture overview</a>' in listing
    assert "<strong>exercises</strong> the runner" in listing
    assert '<a href="02_second.html">Second fixture</a>' in listing
    assert listing.index("01_overview.html") < listing.index("02_second.html")

    page = (tmp_path / "report" / "01_overview.html").read_text(encoding="utf-8")
    assert "<title>Fixture overview</title>" in page
    assert 'id="Fixture-overview"' in page  # markdown kept
    assert "total 25,751,249" in page  # text output kept
    assert "data:image/png;base64," in page  # image embedded
    for source in ("import pandas", "rename_axis", "print(f"):
        assert source not in page
    code_cells = re.findall(r'<div class="(jp-Cell jp-CodeCell[^"]*)"', page)
    assert len(code_cells) == 4
    assert all("jp-mod-noInput" in classes for classes in code_cells)
    assert "max-width: 62rem" in page  # readable line length
    favicon = '<link rel="icon" href="data:,">'  # no favicon request (404) from pages or index
    assert favicon in page and favicon in listing


def test_title_and_summary_come_from_the_first_h1_and_paragraph():
    nb = new_notebook(
        cells=[
            new_code_cell("x = 1"),
            new_markdown_cell("## Not a title\n\n# Visas\n\nIssued visas *doubled*\nsince 2000."),
        ]
    )
    assert notebook_title(nb) == "Visas"
    assert notebook_summary(nb) == "Issued visas *doubled* since 2000."
    assert notebook_title(new_notebook()) is None
    assert notebook_summary(new_notebook()) == ""
    two = new_notebook(
        cells=[new_markdown_cell("# T\n\nFirst one, about 7.14 million. Second one.")]
    )
    assert notebook_summary(two) == "First one, about 7.14 million."


def test_render_falls_back_to_the_file_name_without_h1(tmp_path):
    path = tmp_path / "03_untitled.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("Just text.")]), path)
    listing = render_html([path], tmp_path / "out").read_text(encoding="utf-8")
    assert '<a href="03_untitled.html">03_untitled</a><p>Just text.</p>' in listing
