"""Command line: ``python -m analysis COMMAND …`` (``--help`` lists the commands).

Adding a command takes one function: decorate it with :func:`command`, give its
arguments with :func:`argument`, and let its docstring explain it (the first line is
the summary in ``--help``, the rest the command's description). It receives the parsed
arguments and returns the exit status::

    @command(argument("outdir", type=Path, help="folder to write the tables to"))
    def data(args: argparse.Namespace) -> int:
        \"\"\"Write every data table as CSV. …\"\"\"
        ...
        return 0

Heavy imports belong inside the function, so that ``--help`` stays fast.

Failures a user can cause -- a folder that cannot be written, a missing extra, data that
break a rule -- raise :class:`CommandError` (or :class:`~analysis.validate.DataValidationError`,
:class:`OSError`); :func:`main` prints one line ``error: …`` and exits 1, with no
traceback. Commands check their output paths *before* long work or output.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """An expected failure of a command: printed as one line, exit status 1."""


def writable_dir(path: Path, *, create: bool = True) -> Path:
    """Make sure files can be written in folder ``path`` (creating it unless told not to).

    With ``create=False`` nothing is made: the nearest existing ancestor must be a
    folder this process may write in, so that the folder can be created later.

    Raises
    ------
    CommandError
        If it exists as a file, cannot be created, or is not writable.
    """
    if path.exists() and not path.is_dir():
        raise CommandError(f"{path} exists and is not a folder")
    if not create:
        ancestor = next(p for p in (path, *path.resolve().parents) if p.exists())
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise CommandError(f"cannot write to {path}: {ancestor} is not a writable folder")
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise CommandError(f"cannot write to {path}: {err.strerror or err}") from None
    return path


def writable_file(path: Path) -> Path:
    """Check that ``path`` can be written (its folder exists and accepts files)."""
    if path.is_dir():
        raise CommandError(f"{path} is a folder, not a file")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"cannot write {path}: the folder {folder} does not exist")
    writable_dir(folder)
    return path


@dataclass(frozen=True)
class Argument:
    """Positional and keyword arguments for :meth:`argparse.ArgumentParser.add_argument`."""

    names: tuple[str, ...]
    options: dict[str, Any]


def argument(*names: str, **options: Any) -> Argument:
    """Describe one command-line argument, exactly as ``parser.add_argument`` takes it."""
    return Argument(names, options)


COMMANDS: dict[str, tuple[Handler, tuple[Argument, ...]]] = {}


def command(*arguments: Argument, name: str | None = None) -> Callable[[Handler], Handler]:
    """Register the decorated function as subcommand ``name`` (default: its own name)."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name or handler.__name__] = (handler, arguments)
        return handler

    return register


def existing_dir(value: str) -> Path:
    """Argparse type: a path that must be an existing directory."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a directory: {value}")
    return path


@command(
    argument(
        "--notebooks",
        type=existing_dir,
        default=Path("notebooks"),
        metavar="DIR",
        help="folder with the NN_topic.ipynb notebooks (default: %(default)s)",
    ),
    argument(
        "--outdir",
        type=Path,
        default=Path("build/report"),
        metavar="DIR",
        help="folder for the HTML pages and index.html (default: %(default)s)",
    ),
)
def report(args: argparse.Namespace) -> int:
    """Execute every notebook and render the HTML report.

    Runs each notebooks/[0-9][0-9]_*.ipynb in file-name order, in place, each from a
    fresh kernel, so the committed outputs are current; then writes one HTML page per
    notebook without code cells or verification cells, with previous/next/contents
    links. The first page, index.html, is 00_summary followed by the contents. Stops at
    the first failing notebook, or the first chart without alt text, naming the
    notebook and the cell (exit status 1).
    """
    try:
        from analysis.report import NOTEBOOK_GLOB, NotebookError, execute_notebooks, render_html
    except ImportError as err:
        raise CommandError(
            f"the report needs the [report] extra ({err.name} is missing): "
            "pip install 'bluebook2013-ties[report]'"
        ) from None

    paths = sorted(args.notebooks.glob(NOTEBOOK_GLOB))
    if not paths:
        raise CommandError(f"no notebooks matching {NOTEBOOK_GLOB} in {args.notebooks}")
    writable_dir(args.outdir, create=False)
    try:
        execute_notebooks(paths)
        index = render_html(paths, args.outdir)
    except NotebookError as err:
        raise CommandError(str(err)) from None
    print(f"wrote {len(paths)} pages and {index}")
    return 0


@command(argument("outdir", type=Path, metavar="OUTDIR", help="folder to write the tables to"))
def data(args: argparse.Namespace) -> int:
    """Export every tidy table as CSV, plus the data dictionary.

    Writes series.csv (every indicator, long), report_figures.csv, volunteers_by_prefecture.csv,
    indicators.csv and prefectures.csv into OUTDIR (created if missing), and datapackage.json
    describing every column (unit, type, meaning) and the sources.
    """
    from analysis.data import export

    for path in export(writable_dir(args.outdir)):
        print(f"wrote {path}")
    return 0


@command(
    argument(
        "--width",
        type=int,
        default=None,
        metavar="COLUMNS",
        help="table width in characters (default: the terminal's)",
    ),
    argument("--csv", type=Path, default=None, metavar="FILE", help="also write the table as CSV"),
)
def claims(args: argparse.Namespace) -> int:
    """Fact-check the report: every quantitative claim and its verdict.

    Checks each claim of the report section against the data at run time and prints
    the verdicts: consistent, consistent-rounded (within the precision the text states),
    inconsistent (with the gap) or not-checkable (with the reason).
    """
    from analysis.claims import check_all, format_table

    if args.width is not None and args.width < 40:
        print("error: --width must be at least 40 columns", file=sys.stderr)
        return 2
    if args.csv is not None:
        writable_file(args.csv)
    table = check_all()
    print(format_table(table, width=args.width))
    if args.csv is not None:
        table.to_csv(args.csv, index=False, encoding="utf-8")
        print(f"wrote {args.csv}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with one subparser per registered command."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Japan's ties with the world (Diplomatic Bluebook 2013, ch. 4 sec. 1): "
        "tools for the data package and its notebooks.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (handler, arguments) in COMMANDS.items():
        doc = inspect.getdoc(handler) or ""
        sub = subparsers.add_parser(
            name,
            help=doc.splitlines()[0] if doc else None,
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for arg in arguments:
            sub.add_argument(*arg.names, **arg.options)
        sub.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``) and run the command; return its status.

    Expected failures print ``error: <one line>`` to stderr and return 1.
    """
    from analysis.validate import DataValidationError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (CommandError, DataValidationError, FileNotFoundError, PermissionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
