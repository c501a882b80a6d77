"""Execute the notebooks from fresh kernels and render them as an HTML report.

- :func:`execute_notebooks` runs notebooks in place, each in a new ``python3`` kernel of
  this interpreter, from one Python process, and stores outputs that only change when
  results change (no timing metadata, sequential execution counts).
- :func:`stale_outputs` re-executes a notebook in memory and lists the cells whose
  committed text outputs no longer match (:func:`diff_outputs` compares two runs).
- :func:`render_html` writes one page per notebook without code, linked in reading order,
  with ``index.html`` first (default folder :data:`DEFAULT_OUTDIR`): the summary notebook
  and a contents list. What a notebook must provide: alt text for every chart
  (:class:`AltTextPreprocessor`); verification cells tagged :data:`CHECKS_TAG`, which the
  report leaves out.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import nbformat
from bs4 import BeautifulSoup, NavigableString, PageElement
from jinja2 import DictLoader
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_notebook
from traitlets import Bool

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
DEFAULT_OUTDIR = Path("build/report")
KERNEL_NAME = "python3"
REPORT_TITLE = (
    "Japan's ties with the world — Diplomatic Bluebook 2013 (外交青書 2013), ch. 4 sec. 1"
)
SUMMARY_STEM = "00_summary"
"""The notebook rendered as the report's first page, ``index.html``."""
INDEX_PAGE = "index.html"
CONTENTS_ID = "contents"
CHECKS_TAG = "checks"
"""Cell tag of the verification cells (asserts of quoted numbers): not in the report."""
IMAGE_MIMES = ("image/png", "image/jpeg")
MIN_ALT_WORDS = 4
CJK_CHARACTERS_PER_WORD = 2
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.。])\s+(?=[A-Z(「])")
_OBJECT_REPR = re.compile(r"<.*>", re.DOTALL)
# Up to whitespace, quotes, angle brackets or Japanese punctuation; trailing .,;:!?) are
# the sentence's, not the URL's.
_BARE_URL = re.compile(r"https?://[^\s<>\"'「」（）。、]+(?<![.,;:!?)\]])")

# nbconvert's lab template plus: alt texts on images (lab's <img> has none, unlike the
# classic template's), the navigation, the contents list, and styles for reading on any
# screen (fonts incl. IPAexGothic for Japanese; images and tables never wider than the
# screen; a readable line length; no favicon request).
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- macro with_alt(img, alt) -%}
{%- if alt is none -%}{{ img }}
{%- else -%}{{ img | replace('<img ', '<img alt="' ~ (alt | escape_html) ~ '" ', 1) }}
{%- endif -%}
{%- endmacro -%}

{%- block data_png scoped -%}
{{ with_alt(super(), output | get_metadata('alt', 'image/png')) }}
{%- endblock data_png -%}

{%- block data_jpg scoped -%}
{{ with_alt(super(), output | get_metadata('alt', 'image/jpeg')) }}
{%- endblock data_jpg -%}

{%- block html_head_css -%}
<link rel="icon" href="data:,">
<style>
:root {
  --report-font: system-ui, "IPAexGothic", "Hiragino Sans", "Noto Sans CJK JP", sans-serif;
  --jp-content-font-family: var(--report-font);
  --jp-ui-font-family: var(--report-font);
  --jp-notebook-padding: 0;
  --jp-cell-padding: 0;
}
body.jp-Notebook {
  box-sizing: border-box; max-width: 46rem; margin: 0 auto; padding: 0 0.75rem 1rem;
  font-family: var(--report-font); line-height: 1.5; overflow-wrap: break-word;
}
.jp-RenderedHTMLCommon { padding-left: 0; padding-right: 0; }
.jp-RenderedHTMLCommon a, .jp-RenderedHTMLCommon code { overflow-wrap: anywhere; }
.jp-RenderedImage img, .jp-RenderedHTMLCommon img { max-width: 100%; height: auto; }
.report-table { max-width: 100%; overflow-x: auto; margin: 0 0 1em; }
.jp-RenderedHTMLCommon .report-table table {
  width: max-content; margin: 0; table-layout: auto;
  font-size: 0.875rem; font-variant-numeric: tabular-nums;
}
.jp-RenderedHTMLCommon .report-table :is(td, th) {
  max-width: 16rem; padding: 0.25em 0.75em 0.25em 0; text-align: left; vertical-align: top;
}
.report-nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; padding: 0.75rem 0; }
.report-nav-top a[rel="next"] { margin-left: auto; }
.report-nav-bottom { flex-direction: column; margin-top: 1.5rem; border-top: 1px solid #ccc; }
.report-contents li { margin-bottom: 0.75rem; }
.report-contents li p { margin: 0.2rem 0 0; color: #444; }
</style>
{%- endblock html_head_css -%}

{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.report.nav_top }}
<main>
{%- endblock body_header -%}

{%- block body_footer -%}
{{ resources.report.contents }}
</main>
{{ resources.report.nav_bottom }}
</body>
{%- endblock body_footer -%}
"""


class NotebookError(RuntimeError):
    """A notebook failed to execute or render; the message names the notebook and the cell.

    Attributes
    ----------
    path : Path
        The notebook.
    cell_index : int or None
        0-based index of the failing cell in ``notebook.cells``, None if no cell started.
    """

    def __init__(self, path: Path, cell_index: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.cell_index = cell_index


class AltTextError(NotebookError):
    """An image to render has no usable alt text (see :func:`alt_text_problem`)."""


class _ThisPythonClient(NotebookClient):
    """Notebook client whose ``python3`` kernel always runs this interpreter.

    Kernelspecs on the search path (e.g. a stale ``~/.local/share/jupyter/kernels/python3``
    or a notebook's own ``kernelspec`` metadata) are ignored: with no kernel directories,
    jupyter_client falls back to ipykernel's native spec, built from ``sys.executable``.
    Its channels are CurveZMQ-encrypted (ipykernel warns on every start otherwise).
    """

    def create_kernel_manager(self) -> KernelManager:
        self.km = self.kernel_manager_class(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[]),
            transport_encryption="auto",
        )
        return self.km


def _first_line(cell: NotebookNode, width: int = 60) -> str:
    lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
    line = lines[0] if lines else "(empty)"
    return line if len(line) <= width else line[: width - 1] + "…"


def _failure_message(path: Path, nb: NotebookNode, index: int | None, err: Exception) -> str:
    detail = (
        f"{err.ename}: {err.evalue}"
        if isinstance(err, CellExecutionError)
        else str(err).strip().splitlines()[0]
    )
    if index is None:
        return f"{path}: failed before any cell ran: {detail}"
    cell = nb.cells[index]
    return (
        f"{path}: cell {index + 1} of {len(nb.cells)} failed "
        f"(In [{cell.get('execution_count') or ' '}]: {_first_line(cell)}): {detail}"
    )


def _execute(nb: NotebookNode, path: Path, timeout: int) -> None:
    """Run ``nb`` (read from ``path``) in a fresh kernel with cwd = the notebook's folder."""
    started: list[int] = []
    client = _ThisPythonClient(
        nb,
        timeout=timeout,
        record_timing=False,
        coalesce_streams=True,
        # Kill the kernel once the last cell is done: every output has arrived by then, and
        # a graceful shutdown of ipykernel 7 now and then stalls for 3.5 s.
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=lambda cell, cell_index: started.append(cell_index),
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        index = started[-1] if started else None
        raise NotebookError(path, index, _failure_message(path, nb, index, err)) from err
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings JupyterLab may have recorded


def execute_notebooks(
    paths: Iterable[str | Path],
    *,
    timeout: int = 600,
    progress: Callable[[str], object] = print,
) -> dict[Path, float]:
    """Execute notebooks in place, each from a fresh kernel, in this one process.

    Parameters
    ----------
    paths : iterable of str or Path
        Notebooks, run in the given order.
    timeout : int
        Seconds one cell may run before the notebook fails.
    progress : callable
        Receives one line per finished notebook: ``"[2/7] 02_visas.ipynb … 4.1 s"``.

    Returns
    -------
    dict
        Wall-clock seconds per notebook (kernel start included).

    Raises
    ------
    NotebookError
        On the first failing notebook, naming it and the failing cell; that notebook's
        file is left unchanged, the ones before it are already written.
    """
    notebooks = [Path(p) for p in paths]
    timings: dict[Path, float] = {}
    for number, path in enumerate(notebooks, start=1):
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        _execute(nb, path, timeout)
        nbformat.write(nb, path)
        timings[path] = time.perf_counter() - start
        progress(f"[{number}/{len(notebooks)}] {path.name} … {timings[path]:.1f} s")
    return timings


def _comparable_outputs(cell: NotebookNode) -> list[tuple[str, str]]:
    """Text outputs of a code cell in a form that is stable from run to run.

    - stdout is compared as one joined text (chunking into stream messages varies);
    - stderr is ignored: warnings name absolute paths and library versions, which differ
      between checkouts and machines without the results changing;
    - images count by presence only: PNG bytes change with matplotlib/FreeType versions
      and anti-aliasing, so byte comparison would flag every notebook on another machine,
      while presence still catches a chart that appeared or vanished;
    - memory addresses (``<Line2D at 0x7f3a…>``) are masked.
    """
    items = []
    stdout = "".join(
        out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout"
    )
    if stdout:
        items.append(("stdout", _ADDRESS.sub("0x…", stdout)))
    for out in cell.outputs:
        if out.output_type == "error":
            items.append(("error", f"{out.ename}: {out.evalue}"))
        elif out.output_type in ("execute_result", "display_data"):
            for mime, value in sorted(out.data.items()):
                shown = (
                    "(present)" if mime.startswith("image/") else _ADDRESS.sub("0x…", str(value))
                )
                items.append((mime, shown))
    return items


def diff_outputs(committed: NotebookNode, fresh: NotebookNode) -> list[str]:
    """List the code cells whose outputs differ between two runs of one notebook.

    What is compared is described in :func:`_comparable_outputs`: stdout, rich text
    outputs and errors; images by presence only; stderr not at all.

    Parameters
    ----------
    committed, fresh : NotebookNode
        The same notebook (same cells) with its committed and its freshly made outputs.

    Returns
    -------
    list of str
        One entry per differing cell, ``"cell 3: print(total)"`` (1-based index among
        all cells and the first line of its source); empty when the outputs match.
    """
    if len(committed.cells) != len(fresh.cells):
        raise ValueError(
            f"not the same notebook: {len(committed.cells)} vs {len(fresh.cells)} cells"
        )
    return [
        f"cell {index + 1}: {_first_line(old)}"
        for index, (old, new) in enumerate(zip(committed.cells, fresh.cells, strict=True))
        if old.cell_type == "code" and _comparable_outputs(old) != _comparable_outputs(new)
    ]


def stale_outputs(path: str | Path, *, timeout: int = 600) -> list[str]:
    """List the code cells whose committed outputs differ from a fresh run.

    The notebook is re-executed in memory from a fresh kernel with cwd = its own folder
    (so relative data paths resolve as in a normal run); the file itself is not modified.

    Parameters
    ----------
    path : str or Path
        A notebook with committed outputs.
    timeout : int
        Seconds one cell may run.

    Returns
    -------
    list of str
        As :func:`diff_outputs`: ``["cell 3: print(total)", ...]``, empty when current.
    """
    path = Path(path)
    committed = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    _execute(fresh, path, timeout)
    return diff_outputs(committed, fresh)


def notebook_title(nb: NotebookNode) -> str | None:
    """Return the text of the notebook's first level-1 Markdown heading, if any."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = _H1.match(line)
                if match:
                    return match.group(1)
    return None


def notebook_summary(nb: NotebookNode) -> str:
    """Return the first sentence of the notebook's first Markdown paragraph (not a heading)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for block in re.split(r"\n\s*\n", cell.source):
                text = " ".join(line.strip() for line in block.strip().splitlines())
                if text and not text.startswith("#"):
                    return _SENTENCE_END.split(text, maxsplit=1)[0]
    return ""


def image_alt_text(output: NotebookNode, mime: str) -> str:
    """Return an image output's alt text: its ``metadata[mime]["alt"]``, else its ``text/plain``.

    Whether the text is usable is :func:`alt_text_problem`'s question.
    """
    alt = output.get("metadata", {}).get(mime, {}).get("alt") or output.get("data", {}).get(
        "text/plain", ""
    )
    return str(alt).strip()


def alt_text_problem(text: str) -> str | None:
    """Say why ``text`` cannot be an image's alt text; None when it can.

    Alt text states the chart's finding in one sentence, so it must have at least
    :data:`MIN_ALT_WORDS` words and be neither nbconvert's placeholder nor an object's repr
    such as matplotlib's ``<Figure size 800x450 with 1 Axes>``. Japanese is written without
    spaces: there, every :data:`CJK_CHARACTERS_PER_WORD` kanji or kana count as a word
    (``入国外国人は2011年に24 %減少`` is a finding; ``入国者数`` is not).
    """
    text = text.strip()
    if not text:
        return "no alt text"
    if text == NBCONVERT_PLACEHOLDER_ALT:
        return "nbconvert's placeholder, not a description"
    if _OBJECT_REPR.fullmatch(text):
        return f"an object's repr {text!r}, not a description"
    words = len(text.split()) + len(_CJK.findall(text)) // CJK_CHARACTERS_PER_WORD
    if words < MIN_ALT_WORDS:
        return f"{text!r} has {words} word(s); a finding needs at least {MIN_ALT_WORDS}"
    return None


def _shown_images(cell: NotebookNode) -> Iterator[tuple[NotebookNode, str]]:
    """(output, mime type) of each image a cell shows in the report."""
    if CHECKS_TAG not in cell.metadata.get("tags", []):
        for output in cell.get("outputs", []):
            for mime in IMAGE_MIMES:
                if mime in output.get("data", {}):
                    yield output, mime


class AltTextPreprocessor(Preprocessor):
    """Set each shown image's ``output.metadata[mime]["alt"]`` from :func:`image_alt_text`.

    Expects ``resources["report"]["path"]``, the notebook file, to name it in errors. Cells
    tagged :data:`CHECKS_TAG` are skipped: they are removed from the page after this runs,
    so cell numbers in messages are still those of the notebook file.
    """

    require = Bool(
        True,
        help="Raise AltTextError for an image without usable alt text; when False, leave "
        "the image as it is (nbconvert then writes its placeholder and logs a warning).",
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Give every shown image its alt text, or raise :class:`AltTextError`."""
        path = resources["report"]["path"]
        for index, cell in enumerate(nb.cells):
            for output, mime in _shown_images(cell):
                alt = image_alt_text(output, mime)
                problem = alt_text_problem(alt)
                if problem is None:
                    output.setdefault("metadata", {}).setdefault(mime, {})["alt"] = alt
                elif self.require:
                    raise AltTextError(
                        path,
                        index,
                        f"{path}: cell {index + 1} of {len(nb.cells)} ({_first_line(cell)}) shows "
                        f"an image without usable alt text: {problem}. Put the chart's finding, "
                        f'one sentence, in output.metadata["{mime}"]["alt"] and text/plain.',
                    )
        return nb, resources


@dataclass(frozen=True)
class Page:
    """One page of the report: file name, title, and one-sentence summary (Markdown)."""

    href: str
    title: str
    summary: str = ""


def nav_html(
    previous: Page | None, following: Page | None, *, where: Literal["top", "bottom"]
) -> str:
    """Links to the previous page, the contents and the next page, as a ``<nav>``.

    Parameters
    ----------
    previous, following : Page or None
        The neighbours in reading order; None at either end.
    where : {"top", "bottom"}
        At the top the links are short; at the bottom, where a reader has finished the
        page and chooses where to go, they carry the pages' titles. The index page (the
        first) has no link to the contents, which it holds itself.

    Returns
    -------
    str
        ``<nav class="report-nav report-nav-top" aria-label="Report pages (top)">…</nav>``;
        the links have ``rel="prev"`` and ``rel="next"``.
    """
    titled = where == "bottom"
    links = []
    if previous is not None:  # all pages but the first, the index, which holds the contents
        text = f"← Previous: {previous.title}" if titled else "← Previous"
        links.append(_link(previous.href, text, rel="prev", title=previous.title))
        links.append(_link(f"{INDEX_PAGE}#{CONTENTS_ID}", "Contents"))
    if following is not None:
        text = f"Next: {following.title} →" if titled else "Next →"
        links.append(_link(following.href, text, rel="next", title=following.title))
    return (
        f'<nav class="report-nav report-nav-{where}" aria-label="Report pages ({where})">'
        f"{''.join(links)}</nav>"
    )


def _link(href: str, text: str, **attributes: str) -> str:
    attrs = "".join(f' {name}="{html.escape(value)}"' for name, value in attributes.items())
    return f'<a href="{html.escape(href)}"{attrs}>{html.escape(text)}</a>'


def contents_html(pages: Iterable[Page]) -> str:
    """Return the index's list of section pages: each title linked, its summary below."""
    items = "\n".join(
        f"<li>{_link(page.href, page.title)}"
        f"{markdown2html_mistune(page.summary) if page.summary else ''}</li>"
        for page in pages
    )
    return (
        f'<section class="report-contents" aria-labelledby="{CONTENTS_ID}">\n'
        f'<h2 id="{CONTENTS_ID}">Contents</h2>\n<ol>\n{items}\n</ol>\n</section>'
    )


def _wrap_tables(soup: BeautifulSoup) -> None:
    """Put every table in its own horizontally scrolling box (the page itself never scrolls)."""
    for table in soup.find_all("table"):
        table.wrap(
            soup.new_tag(
                "div",
                attrs={
                    "class": "report-table",
                    "role": "region",
                    "aria-label": "Table",
                    "tabindex": "0",
                },
            )
        )


def _link_bare_urls(soup: BeautifulSoup) -> None:
    """Make every bare ``http(s)://`` URL in the body text a link.

    Markdown cells already get links from nbconvert; this is for outputs (a table's
    ``source_url`` column, printed text). Text inside links, code, scripts and styles
    is left alone.
    """
    body = soup.body if soup.body is not None else soup
    for text in body.find_all(string=_BARE_URL):
        shown_as_is = text.find_parent(["a", "code", "script", "style"]) is not None
        if type(text) is not NavigableString or shown_as_is:  # not a comment, not code
            continue
        pieces: list[PageElement] = []
        position = 0
        for match in _BARE_URL.finditer(text):
            pieces.append(NavigableString(text[position : match.start()]))
            link = soup.new_tag("a", href=match.group())
            link.string = match.group()
            pieces.append(link)
            position = match.end()
        pieces.append(NavigableString(text[position:]))
        text.replace_with(*pieces)


def _for_readers(page: str) -> str:
    """Post-process an exported page: tables in scroll boxes, bare URLs and notebooks as links."""
    soup = BeautifulSoup(page, features="html.parser")
    _wrap_tables(soup)
    _link_bare_urls(soup)
    _link_pages(soup)
    return str(soup)


_NOTEBOOK_LINK = re.compile(r"^(?:\./)?(?P<stem>[0-9][0-9]_[^/#?]+)\.ipynb(?P<anchor>#.*)?$")


def _link_pages(soup: BeautifulSoup) -> None:
    """Point links to sibling notebooks (``01_overview.ipynb``) at their report pages.

    ``00_summary`` is the report's first page, ``index.html``.
    """
    for link in soup.find_all("a", href=_NOTEBOOK_LINK):
        match = _NOTEBOOK_LINK.match(str(link["href"]))
        if match is None:
            continue
        stem = match["stem"]
        page = INDEX_PAGE if stem == SUMMARY_STEM else f"{stem}.html"
        link["href"] = page + (match["anchor"] or "")


def _exporter(require_alt: bool) -> HTMLExporter:
    """HTML exporter for report pages: no code, alt texts checked, ``checks`` cells dropped.

    Both preprocessors run after nbconvert's own, in this order: alt texts are checked
    while cell numbers are still those of the file, then the cells tagged
    :data:`CHECKS_TAG` go.
    """
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        extra_loaders=[DictLoader({"report.html.j2": _TEMPLATE})],
        template_file="report.html.j2",
    )
    exporter.register_preprocessor(AltTextPreprocessor(require=require_alt), enabled=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={CHECKS_TAG}), enabled=True
    )
    return exporter


def render_html(
    paths: Iterable[str | Path],
    outdir: str | Path = DEFAULT_OUTDIR,
    *,
    title: str = REPORT_TITLE,
    require_alt: bool = True,
) -> Path:
    """Render notebooks (with their stored outputs) as linked HTML pages without code.

    Parameters
    ----------
    paths : iterable of str or Path
        Notebooks in reading order. One named ``00_summary.ipynb`` (:data:`SUMMARY_STEM`)
        becomes the first page, ``index.html``.
    outdir : str or Path
        Folder for ``index.html`` and one ``<notebook stem>.html`` per other notebook;
        created if needed.
    title : str
        Heading of the index page when there is no summary notebook.
    require_alt : bool
        With False, an image without usable alt text is rendered with nbconvert's
        placeholder instead of failing (to preview notebooks not yet given alt texts).

    Returns
    -------
    Path
        The ``index.html`` written: the summary notebook (or just ``title``), then a
        contents list linking each other page under its title (the notebook's first H1,
        else its file name) with the first sentence of its first paragraph.

    Raises
    ------
    AltTextError
        With ``require_alt``, for the first image shown without usable alt text (see
        :func:`alt_text_problem`), naming the notebook and the cell.

    Notes
    -----
    Each page has a ``<nav>`` at its top and bottom linking the previous page, the
    contents and the next page. Cells tagged :data:`CHECKS_TAG` are left out, and so
    is all code. Tables scroll sideways in their own box and bare URLs are links.
    Pages embed their images, so they open offline; only nbconvert's optional
    require.js/MathJax links need a network, and a page renders without them.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    notebooks = {Path(p): nbformat.read(p, as_version=4) for p in paths}
    summary = next((path for path in notebooks if path.stem == SUMMARY_STEM), None)
    index_nb = (
        notebooks.pop(summary) if summary else new_notebook(cells=[new_markdown_cell(f"# {title}")])
    )
    index = Page(INDEX_PAGE, notebook_title(index_nb) or title)
    sections = [
        Page(f"{path.stem}.html", notebook_title(nb) or path.stem, notebook_summary(nb))
        for path, nb in notebooks.items()
    ]
    contents = contents_html(sections)
    exporter = _exporter(require_alt)
    sources = [(summary or outdir / INDEX_PAGE, index_nb), *notebooks.items()]
    reading_order = [None, index, *sections, None]
    for position, (path, nb) in enumerate(sources, start=1):
        previous, page, following = reading_order[position - 1 : position + 2]
        assert page is not None  # the reading order has a page at every source's position
        resources = {
            "metadata": {"name": page.title},
            "report": {
                "path": path,
                "nav_top": nav_html(previous, following, where="top"),
                "nav_bottom": nav_html(previous, following, where="bottom"),
                "contents": contents if page is index else "",
            },
        }
        body, _resources = exporter.from_notebook_node(nb, resources=resources)
        (outdir / page.href).write_text(_for_readers(body), encoding="utf-8")
    return outdir / INDEX_PAGE
