"""The notebooks: essays that narrate, numbers that are verified, a fresh top-to-bottom run.

The rules are those of CONTRIBUTING.md ("Notebooks"). All notebooks are executed once per
session (one process, a fresh kernel each) from copies in a temporary folder, and the fresh
outputs are compared with the committed ones.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob(report.NOTEBOOK_GLOB))
IDS = [p.stem for p in NOTEBOOKS]
SECTIONS = {
    "00_summary", "01_overview", "02_visas", "03_foreign_residents", "04_embassies",
    "05_ngos", "06_volunteers", "07_local_governments", "08_fact_check",
}  # fmt: skip
FORECASTING = {"01_overview", "02_visas", "03_foreign_residents", "04_embassies"}
# Statistical terms a reader should not meet before the closing Method section.
JARGON = re.compile(
    r"\b(AIC|Akaike|MASE|sup-F|quasi-binomial|GLM|likelihood|Lerman|Monte Carlo|ETS|OLS|"
    r"heteroskedastic|t-statistic|conformal|dispersion|p-value|Weibull)\b"
)
METHOD_HEADING = re.compile(r"^##\s+.*(Method|Appendix)", re.IGNORECASE)
# A number as written in prose: 7,135,407 / 36.8 / 24 (with its scale word, if any).
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.,])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?P<scale>\s*(?:万|億|million|billion|thousand))?"
)
NOT_A_QUANTITY_AFTER = re.compile(r"\s*(?:年|月|日|st\b|nd\b|rd\b|th\b|s\b|–\d{2}\b)")
SCALES = {"万": 1e4, "億": 1e8, "thousand": 1e3, "million": 1e6, "billion": 1e9}


def cells(nb, kind):
    return [c for c in nb.cells if c.cell_type == kind]


def tags(cell):
    return set(cell.metadata.get("tags", []))


def check_cells(nb):
    return [c for c in cells(nb, "code") if "checks" in tags(c)]


def prose_numbers(markdown: str) -> list[tuple[str, set[float]]]:
    """Numbers a markdown text quotes: each as written, with the values it may stand for.

    Left out: link targets, inline code, headings' list numbers, ordered-list markers,
    calendar years (a bare 1900-2100), dates (2012年, 7月), ordinals (1st, 第2) and decades.
    """
    text = re.sub(r"\]\([^)]*\)", "]", markdown)  # link targets
    text = re.sub(r"`[^`]*`", "", text)  # inline code
    text = re.sub(r"(?m)^\s*(?:\d+[.)]|#+\s*\d+\.)\s", "", text)  # list markers, "## 1."
    found = []
    for match in NUMBER.finditer(text):
        if NOT_A_QUANTITY_AFTER.match(
            text, match.end("frac") if match["frac"] else match.end("int")
        ):
            continue
        if text[: match.start()].endswith("第"):
            continue
        value = float(
            match["int"].replace(",", "") + (f".{match['frac']}" if match["frac"] else "")
        )
        if match["frac"] is None and "," not in match["int"] and 1900 <= value <= 2100:
            continue  # a calendar year
        values = {value}
        scale = (match["scale"] or "").strip()
        if scale:
            values.add(round(value * SCALES[scale], 6))
        found.append((match[0].strip(), values))
    return found


def literals(source: str) -> set[float]:
    """Every number written in code: numeric constants and numbers inside strings."""
    out: set[float] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            if not isinstance(node.value, bool):
                out.add(round(float(node.value), 6))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for number in re.findall(r"\d[\d,]*(?:\.\d+)?", node.value):
                out.add(round(float(number.replace(",", "")), 6))
    return out


def test_the_notebooks_are_there():
    assert {p.stem for p in NOTEBOOKS} == SECTIONS


@pytest.fixture(scope="session")
def fresh(tmp_path_factory):
    """Execute a copy of a notebook the first time a test asks for it; keep the result.

    Notebooks run one by one, each in a fresh kernel of this one process, so selecting
    tests of one notebook (``-k 03_foreign_residents``) runs that notebook only.
    """
    folder = tmp_path_factory.mktemp("notebooks")
    done: dict[str, nbformat.NotebookNode] = {}

    def run(stem: str) -> nbformat.NotebookNode:
        if stem not in done:
            copy = Path(shutil.copy(ROOT / "notebooks" / f"{stem}.ipynb", folder / f"{stem}.ipynb"))
            report.execute_notebooks([copy], progress=lambda line: None)
            done[stem] = nbformat.read(copy, as_version=4)
        return done[stem]

    return run


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=IDS)
def notebook(request):
    return request.param.stem, nbformat.read(request.param, as_version=4)


# --------------------------------------------------------------------------- structure


def test_first_screen_states_the_findings_with_numbers_and_links(notebook):
    _, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "cell 1: H1 title"
    findings, _, sources = first.source.partition("**Sources")
    assert sources, "cell 1 names its sources under **Sources**"
    assert len(prose_numbers(findings)) >= 3, "the first screen states findings with numbers"
    assert "agrees with the official series" not in findings
    assert re.search(r"\]\(https?://", sources), "sources are links"
    targets = re.findall(r"\]\(([^)]*)\)", sources)
    assert all(t.startswith(("http://", "https://")) for t in targets), "links, not paths"
    assert "data/raw/" not in re.sub(r"\]\([^)]*\)", "]", sources), "sources, not file paths"


def test_second_cell_imports_and_sets_the_theme(notebook):
    _, nb = notebook
    second = cells(nb, "code")[0].source
    assert "import" in second and "set_theme()" in second


def test_forecasting_notebooks_take_the_hindsight_vantage_as_a_parameter(notebook):
    stem, nb = notebook
    tagged = [c for c in cells(nb, "code") if "parameters" in tags(c)]
    if stem in FORECASTING:
        assert len(tagged) == 1 and "AS_OF" in tagged[0].source and "HORIZON" in tagged[0].source
        assert any("hindsight" in c.source for c in cells(nb, "code"))
        text = "\n".join(c.source for c in cells(nb, "markdown"))
        assert "2030" in text, "the story ends with a forecast to 2030"
    else:
        assert not tagged


def test_no_logic_is_defined_in_notebooks(notebook):
    """Functions, lambdas and classes belong in analysis/, not in notebooks."""
    _, nb = notebook
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            defined = [
                type(node).__name__
                for node in ast.walk(ast.parse(cell.source))
                if isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
                )
            ]
            assert not defined, f"cell {index} defines {defined}"


def test_statistical_terms_only_in_the_method_section(notebook):
    stem, nb = notebook
    in_method = False
    for cell in cells(nb, "markdown"):
        for line in cell.source.splitlines():
            if line.startswith("## "):
                in_method = bool(METHOD_HEADING.match(line))
            if not in_method:
                assert not JARGON.search(line), f"{stem}: jargon before ## Method: {line!r}"
    headings = [
        line
        for c in cells(nb, "markdown")
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    if stem in FORECASTING:
        assert METHOD_HEADING.match(headings[-1]), "a closing ## Method section"


# --------------------------------------------------------------------------- verification


def test_checks_are_kept_out_of_the_readers_way(notebook):
    stem, nb = notebook
    checks = check_cells(nb)
    assert checks, f"{stem}: no cell tagged 'checks'"
    for cell in checks:
        assert "assert " in cell.source
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), "collapsed in Lab"
    visible = [c for c in cells(nb, "code") if "checks" not in tags(c)]
    assert not [c.source[:60] for c in visible if re.search(r"^\s*assert ", c.source, re.M)]


def test_every_number_in_the_prose_is_asserted(notebook):
    """Each number the markdown quotes appears as a literal in a checks cell."""
    stem, nb = notebook
    known = set().union(*(literals(c.source) for c in check_cells(nb)))
    missing = [
        written
        for cell in cells(nb, "markdown")
        for written, values in prose_numbers(cell.source)
        if not values & known
    ]
    assert not missing, f"{stem}: numbers quoted in prose but asserted nowhere: {missing}"


def test_the_number_reader_itself():
    found = dict(prose_numbers(
        "Entrants rose from 9.2 million in 2012 to 36,870,148 in 2024 (約714万人; 24 %). "
        "[MOJ 2023](https://x/2023/12.html), `code 5`, 2012年7月, 1990s, 第3.\n1. item"
    ))  # fmt: skip
    assert found == {
        "9.2 million": {9.2, 9_200_000.0},
        "36,870,148": {36_870_148.0},
        "714万": {714.0, 7_140_000.0},
        "24": {24.0},
    }
    assert literals("assert x == 9.2 and y == 36_870_148 and s == '714万'") == {
        9.2, 36_870_148.0, 714.0,
    }  # fmt: skip


# --------------------------------------------------------------------------- a fresh run


@pytest.mark.parametrize("stem", IDS)
def test_runs_top_to_bottom_without_errors_or_warnings(fresh, stem):
    for index, cell in enumerate(cells(fresh(stem), "code"), start=1):
        for out in cell.outputs:
            assert out.output_type != "error", f"code cell {index}: {out.ename}: {out.evalue}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Glyph" not in out.text, f"code cell {index}: missing glyph: {out.text}"
                assert "Warning" not in out.text, f"code cell {index}: warning: {out.text}"


@pytest.mark.parametrize("stem", IDS)
def test_every_chart_has_alt_text_stating_its_finding(fresh, stem):
    images = [
        out
        for cell in cells(fresh(stem), "code")
        for out in cell.outputs
        if out.output_type in {"display_data", "execute_result"} and "image/png" in out.data
    ]
    assert images, f"{stem}: every notebook has at least one chart"
    for out in images:
        alt = out.metadata.get("image/png", {}).get("alt", "")
        assert report.alt_text_problem(alt) is None, f"{stem}: alt text {alt!r}"
        assert out.data.get("text/plain") == alt


@pytest.mark.parametrize("stem", IDS)
def test_tables_show_no_missing_value_markers(fresh, stem):
    for cell in cells(fresh(stem), "code"):
        for out in cell.outputs:
            html = out.get("data", {}).get("text/html", "")
            assert not re.search(r">\s*(NaN|nan|&lt;NA&gt;|None)\s*<", html), cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_are_current(fresh, path):
    """Committed outputs must come from `make report`; a stale notebook fails here."""
    committed = nbformat.read(path, as_version=4)
    stale = report.diff_outputs(committed, fresh(path.stem))
    assert not stale, f"{path.name}: stale outputs in {stale}; run `make report`"
