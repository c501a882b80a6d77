"""Tests for analysis.report on the tiny notebooks in tests/fixtures/.

Each notebook execution starts one kernel (about 1 s); there are three here. Rendering
needs no kernel: tests/fixtures/report/ holds a small report with stored outputs, made as
the notebooks are to be made (a summary, charts with alt texts, cells tagged ``checks``).
The reader checks of tables also run on the committed notebooks.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import report
from analysis.report import (
    NBCONVERT_PLACEHOLDER_ALT,
    NOTEBOOK_GLOB,
    AltTextError,
    NotebookError,
    alt_text_problem,
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
    assert "max-width: 46rem" in page  # readable line length
    for html in (page, listing):  # no favicon request (404) from pages or index
        assert soup(html).select_one('link[rel="icon"]')["href"] == "data:,"


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


# -- the report as readers get it: tests/fixtures/report/ ------------------------------------

REPORT_FIXTURES = sorted((FIXTURES / "report").glob("*.ipynb"))  # 00_summary, 01_…, 02_…


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, features="html.parser")


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory) -> dict[str, BeautifulSoup]:
    """{page file name: parsed page} of the fixture report."""
    outdir = tmp_path_factory.mktemp("report")
    render_html(REPORT_FIXTURES, outdir)
    return {page.name: soup(page.read_text(encoding="utf-8")) for page in outdir.iterdir()}


def test_the_summary_notebook_is_the_index_with_a_contents_list(fixture_report):
    assert sorted(fixture_report) == ["01_entrants.html", "02_residents.html", "index.html"]
    index = fixture_report["index.html"]
    assert index.title.string == "Fixture report: Japan's ties at a glance (世界とのつながり)"
    assert len(index.select("main img")) == 1  # the summary's chart
    contents = index.select_one("section.report-contents")
    assert [a["href"] for a in contents.select("li > a")] == [
        "01_entrants.html",
        "02_residents.html",
    ]
    assert [p.get_text() for p in contents.select("li > p")] == [
        "Entrants fell by 2.3 million in 2011 and regained the 2010 level in 2013.",
        "在留外国人数は2012年末に203万人、2013年末に207万人となった。",
    ]


# not "page": pytest-playwright's fixture of that name would make this a browser test
@pytest.mark.parametrize(
    ("name", "previous", "following"),
    [
        ("index.html", None, "01_entrants.html"),
        ("01_entrants.html", "index.html", "02_residents.html"),
        ("02_residents.html", "01_entrants.html", None),
    ],
)
def test_every_page_links_the_previous_and_next_page_and_the_contents(
    fixture_report, name, previous, following
):
    navs = fixture_report[name].select("nav")
    assert [nav["aria-label"] for nav in navs] == ["Report pages (top)", "Report pages (bottom)"]
    assert navs[0].find_next_sibling("main") is not None  # top nav, main, bottom nav
    for nav in navs:
        assert [a["href"] for a in nav.select('a[rel="prev"]')] == ([previous] if previous else [])
        assert [a["href"] for a in nav.select('a[rel="next"]')] == (
            [following] if following else []
        )
        contents = nav.select('a[href="index.html#contents"]')
        assert len(contents) == (0 if name == "index.html" else 1)  # the index holds it
    if following:
        title = fixture_report[following].title.string
        assert title in navs[1].select_one('a[rel="next"]').get_text()  # where it leads


def test_cells_tagged_checks_are_left_out(fixture_report):
    # each notebook asserts its quoted numbers in a cell tagged "checks"; 01_entrants'
    # one also draws a diagnostic chart without alt text, which must not fail the render
    for page in fixture_report.values():
        assert "CHECKS-OUTPUT" not in page.get_text()
    assert len(fixture_report["01_entrants.html"].select("img")) == 1


def test_charts_carry_their_finding_as_alt_text(fixture_report):
    alts = {
        name: [img["alt"] for img in page.select("img")] for name, page in fixture_report.items()
    }
    assert alts == {
        # metadata["image/png"]["alt"] and the same text as text/plain, as the theme will do
        "index.html": [
            "Foreign entrants fell 24 % in 2011 and were back above 2010's level by 2013."
        ],
        # metadata only: text/plain is matplotlib's <Figure size …>
        "01_entrants.html": [
            "Entrants fell by 2.3 million in 2011 and regained the 2010 level in 2013."
        ],
        # text/plain only
        "02_residents.html": ["Foreign residents turned up in 2013 after three years of decline."],
    }


def image_notebook(data: dict, metadata: dict | None = None) -> nbformat.NotebookNode:
    """A notebook whose second cell shows one PNG output with ``data`` beside the image."""
    output = new_output(
        "display_data", data={"image/png": "iVBORw0KGgo=", **data}, metadata=metadata or {}
    )
    return new_notebook(
        cells=[new_markdown_cell("# Chart"), new_code_cell("plot_entrants()", outputs=[output])]
    )


@pytest.mark.parametrize(
    ("data", "metadata", "problem"),
    [
        ({"text/plain": "<Figure size 800x450 with 1 Axes>"}, None, "an object's repr"),
        ({"text/plain": ""}, {"image/png": {"alt": "  "}}, "no alt text"),
        (
            {"text/plain": "<Figure size 800x450 with 1 Axes>"},
            {"image/png": {"alt": "Chart"}},
            "'Chart' has 1 word(s)",
        ),
    ],
    ids=["figure-repr", "blank", "one-word"],
)
def test_an_image_without_usable_alt_text_fails_the_render(tmp_path, data, metadata, problem):
    path = tmp_path / "01_chart.ipynb"
    nbformat.write(image_notebook(data, metadata), path)
    with pytest.raises(AltTextError) as caught:
        render_html([path], tmp_path / "out")
    message = str(caught.value)
    assert message.startswith(f"{path}: cell 2 of 2 (plot_entrants()) shows an image")
    assert problem in message
    assert 'output.metadata["image/png"]["alt"]' in message  # says what to do
    assert (caught.value.path, caught.value.cell_index) == (path, 1)
    assert isinstance(caught.value, NotebookError)


def test_without_require_alt_an_image_keeps_nbconverts_placeholder(tmp_path):
    path = tmp_path / "01_chart.ipynb"
    nbformat.write(image_notebook({"text/plain": "<Figure size 800x450 with 1 Axes>"}), path)
    render_html([path], tmp_path / "out", require_alt=False)
    page = soup((tmp_path / "out" / "01_chart.html").read_text(encoding="utf-8"))
    assert page.select_one("img")["alt"] == NBCONVERT_PLACEHOLDER_ALT


def test_a_jpeg_gets_its_alt_text_too(tmp_path):
    path = tmp_path / "01_photo.ipynb"
    alt = "The embassy district of Tokyo seen from the south."
    photo = new_output("display_data", data={"image/jpeg": "/9j/4AAQ", "text/plain": alt})
    nbformat.write(new_notebook(cells=[new_code_cell("show()", outputs=[photo])]), path)
    render_html([path], tmp_path / "out")
    page = soup((tmp_path / "out" / "01_photo.html").read_text(encoding="utf-8"))
    assert page.select_one('img[src^="data:image/jpeg"]')["alt"] == alt


@pytest.mark.parametrize(
    ("text", "usable"),
    [
        ("Entrants fell 24 % in 2011.", True),
        ("  ", False),
        ("<Figure size 800x450 with 1 Axes>", False),
        ("<seaborn.axisgrid.FacetGrid at 0x7f3a2c1b9e50>", False),
        (NBCONVERT_PLACEHOLDER_ALT, False),
        ("Entrants by year", False),
        ("入国外国人は2011年に24 %減少", True),  # Japanese has no spaces between words
        ("入国者数", False),
    ],
)
def test_alt_text_must_state_a_finding(text, usable):
    assert (alt_text_problem(text) is None) == usable


def test_bare_urls_become_links_and_tables_scroll_in_their_own_box(fixture_report):
    entrants = fixture_report["01_entrants.html"]
    source = "https://www.moj.go.jp/isa/policies/statistics/toukei_ichiran_nyukan.html"
    link = entrants.select_one(f'td a[href="{source}"]')  # a table cell's bare URL
    assert link is not None and link.get_text() == source
    assert entrants.select_one('p a[href^="https://www.e-stat.go.jp/"]') is not None
    for page in fixture_report.values():
        for table in page.select("table"):
            assert "report-table" in table.parent["class"]
    assert len(fixture_report["02_residents.html"].select(".report-table > table")) == 1  # markdown


def test_url_linking_leaves_code_and_punctuation_alone(tmp_path):
    path = tmp_path / "01_links.ipynb"
    printed = new_output(
        "stream", name="stdout", text="See https://example.org/a. And (https://example.org/b).\n"
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Links\n\nRun `curl https://example.org/code` to fetch it."),
            new_code_cell("print(sources)", outputs=[printed]),
        ]
    )
    nbformat.write(nb, path)
    render_html([path], tmp_path / "out")
    page = soup((tmp_path / "out" / "01_links.html").read_text(encoding="utf-8"))
    hrefs = [a["href"] for a in page.select("main a") if not a.get("class")]  # not ¶ anchors
    assert hrefs == ["https://example.org/a", "https://example.org/b"]
    assert "See https://example.org/a. And (https://example.org/b)." in page.get_text()


# -- reader checks of the tables in rendered pages -----------------------------------------

MISSING_VALUES = {"NaN", "nan", "<NA>", "None", "NaT"}


def table_problems(page: BeautifulSoup) -> list[str]:
    """Cells a reader should not see: missing values shown as code prints them."""
    return [
        f"cell {cell.get_text(strip=True)!r} in a table under {heading_before(cell)!r}"
        for cell in page.select("td, th")
        if cell.get_text(strip=True) in MISSING_VALUES
    ]


def code_column_names(page: BeautifulSoup) -> list[str]:
    """Column headers that are names from code.

    The rule: a header with an underscore (``share_pct``, ``as_printed``) is an identifier,
    not words for a reader ("Share (%)", "As printed"). Row labels (``<th>`` in the body)
    are data, and exempt.
    """
    return [
        f"column {th.get_text(strip=True)!r} in a table under {heading_before(th)!r}"
        for th in page.select("thead th")
        if "_" in th.get_text()
    ]


def heading_before(element) -> str:
    heading = element.find_previous(["h1", "h2", "h3"])
    return heading.get_text(strip=True).rstrip("¶") if heading else ""


def test_the_reader_checks_find_missing_values_and_code_names():
    table = soup(
        "<h2>Shares¶</h2><table><thead><tr><th>year</th><th>share_pct</th><th>Share (%)</th>"
        "</tr></thead><tbody><tr><th>a_b</th><td>NaN</td><td>&lt;NA&gt;</td></tr></tbody></table>"
    )
    assert table_problems(table) == [
        "cell 'NaN' in a table under 'Shares'",
        "cell '<NA>' in a table under 'Shares'",
    ]
    assert code_column_names(table) == ["column 'share_pct' in a table under 'Shares'"]


def test_the_fixture_tables_read_well(fixture_report):
    for page in fixture_report.values():
        assert not table_problems(page) and not code_column_names(page)


COMMITTED = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob(NOTEBOOK_GLOB))


@pytest.fixture(scope="module")
def committed_report(tmp_path_factory) -> dict[str, BeautifulSoup]:
    """{page file name: parsed page} of the committed notebooks, rendered as `make report` does."""
    outdir = tmp_path_factory.mktemp("committed")
    render_html(COMMITTED, outdir)
    return {page.name: soup(page.read_text(encoding="utf-8")) for page in outdir.iterdir()}


def test_committed_tables_show_no_missing_values(committed_report):
    found = [
        f"{name}: {p}" for name, page in committed_report.items() for p in table_problems(page)
    ]
    assert not found, "\n".join(found)


def test_committed_tables_have_no_code_column_names(committed_report):
    found = [
        f"{name}: {p}" for name, page in committed_report.items() for p in code_column_names(page)
    ]
    assert not found, "\n".join(found)


def test_the_committed_notebooks_render_with_alt_texts(committed_report):
    images = [img for page in committed_report.values() for img in page.find_all("img")]
    assert len(images) >= 30
    assert all(len(img["alt"].split()) >= 4 for img in images)


def test_links_to_notebooks_point_at_their_pages():
    page = (
        '<html><body><a href="01_overview.ipynb">01</a> <a href="./03_x.ipynb#who">03</a> '
        '<a href="00_summary.ipynb">summary</a> <a href="https://x/01_a.ipynb">remote</a> '
        '<a href="notes.ipynb">other</a></body></html>'
    )
    hrefs = re.findall(r'href="([^"]*)"', report._for_readers(page))
    assert hrefs == [
        "01_overview.html", "03_x.html#who", "index.html", "https://x/01_a.ipynb", "notes.ipynb",
    ]  # fmt: skip
