"""Execute the notebooks from fresh kernels and render them as an HTML report.

- :func:`execute_notebooks` runs notebooks in place, each in a new ``python3`` kernel of
  this interpreter, from one Python process, and stores outputs that only change when
  results change (no timing metadata, sequential execution counts).
- :func:`stale_outputs` re-executes a notebook in memory and lists the cells whose
  committed text outputs no longer match (:func:`diff_outputs` compares two runs).
- :func:`render_html` writes one page per notebook without code cells plus an
  ``index.html`` (default folder :data:`DEFAULT_OUTDIR`).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune
from nbformat import NotebookNode

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
DEFAULT_OUTDIR = Path("build/report")
KERNEL_NAME = "python3"
REPORT_TITLE = (
    "Japan's ties with the world — Diplomatic Bluebook 2013 (外交青書 2013), ch. 4 sec. 1"
)

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.。])\s+(?=[A-Z(「])")
# Pages: a readable line length, the same font stack as the index, no favicon request.
_PAGE_HEAD = """<link rel="icon" href="data:,">
<style>
body { font-family: system-ui, "IPAexGothic", "Hiragino Sans", "Noto Sans CJK JP", sans-serif; }
.jp-Notebook { max-width: 62rem; margin: 0 auto; }
.jp-RenderedHTMLCommon table { font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { text-align: left; vertical-align: top; }
</style>
"""


class NotebookError(RuntimeError):
    """A notebook failed to execute; the message names the notebook and the cell.

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
    paths = [Path(p) for p in paths]
    timings = {}
    for number, path in enumerate(paths, start=1):
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        _execute(nb, path, timeout)
        nbformat.write(nb, path)
        timings[path] = time.perf_counter() - start
        progress(f"[{number}/{len(paths)}] {path.name} … {timings[path]:.1f} s")
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


def _index_html(title: str, entries: list[tuple[str, str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(href)}">{html.escape(name)}</a>'
        f"{markdown2html_mistune(summary) if summary else ''}</li>"
        for href, name, summary in entries
    )
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, "IPAexGothic", "Hiragino Sans", "Noto Sans CJK JP", sans-serif;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
h1 {{ font-size: 1.5rem; line-height: 1.3; }}
li {{ margin-bottom: 1rem; }} li p {{ margin: 0.2rem 0 0; color: #444; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<ol>
{items}
</ol>
</body>
</html>
"""


def render_html(
    paths: Iterable[str | Path],
    outdir: str | Path = DEFAULT_OUTDIR,
    *,
    title: str = REPORT_TITLE,
) -> Path:
    """Render notebooks (with their stored outputs) as HTML pages without code cells.

    Parameters
    ----------
    paths : iterable of str or Path
        Notebooks, listed in this order in the index.
    outdir : str or Path
        Folder for ``<notebook stem>.html`` pages and ``index.html``; created if needed.
    title : str
        Heading of the index page.

    Returns
    -------
    Path
        The ``index.html`` written: each page linked under its title (the notebook's
        first H1, else its file name) with its first paragraph as a summary.

    Notes
    -----
    Pages embed their images, so they open offline; only nbconvert's optional
    require.js/MathJax links need a network, and a page renders without them.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    entries = []
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        name = notebook_title(nb) or path.stem
        body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
        page = outdir / f"{path.stem}.html"
        page.write_text(body.replace("</head>", _PAGE_HEAD + "</head>", 1), encoding="utf-8")
        entries.append((page.name, name, notebook_summary(nb)))
    index = outdir / "index.html"
    index.write_text(_index_html(title, entries), encoding="utf-8")
    return index
