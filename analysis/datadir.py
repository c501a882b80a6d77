"""Where the package finds its data, installed or in a checkout.

The raw files live in the repository's top-level ``data/`` folder (the design card's
layout). A built wheel carries the same files inside the package, as
``analysis/_data/`` (``pyproject.toml`` maps ``data/`` there), so the loaders work from
any folder after ``pip install``. :func:`data_dir` picks, in this order:

1. a folder given with :func:`use_data_dir` (a context manager, e.g. to check a
   modified copy of the data without touching the shipped files);
2. the folder named by the environment variable :data:`DATA_ENV`
   (``BLUEBOOK2013_DATA=/path/to/data``);
3. the copy inside the installed package (``analysis/_data``);
4. the checkout's ``data/`` folder next to ``analysis/`` (an editable install).

Whichever it is, the folder must hold ``raw/series/`` (the loaders say so if not).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

DATA_ENV = "BLUEBOOK2013_DATA"
"""Environment variable that points the package at another data folder."""

_override: list[Path] = []


def _packaged() -> Path | None:
    """Return the data folder shipped inside the installed package (a wheel install)."""
    packaged = resources.files("analysis").joinpath("_data")
    return Path(str(packaged)) if packaged.is_dir() else None


def data_dir() -> Path:
    """Return the data folder the loaders read (see the module docstring for the order).

    Returns
    -------
    pathlib.Path
        A folder with ``raw/`` (and ``datapackage.json``).

    Raises
    ------
    FileNotFoundError
        If the folder named by :data:`DATA_ENV` or :func:`use_data_dir` does not exist,
        or no data folder can be found at all.
    """
    if _override:
        chosen, how = _override[-1], "use_data_dir()"
    elif os.environ.get(DATA_ENV):
        chosen, how = Path(os.environ[DATA_ENV]), f"${DATA_ENV}"
    else:
        packaged = _packaged()
        checkout = Path(__file__).resolve().parents[1] / "data"
        chosen = packaged or checkout
        how = "the installed package" if packaged else "the checkout"
    if not chosen.is_dir():
        raise FileNotFoundError(f"data folder {chosen} (from {how}) does not exist")
    return chosen


@contextmanager
def use_data_dir(path: str | Path) -> Iterator[Path]:
    """Make the loaders read ``path`` instead of the shipped data, inside a ``with`` block.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder laid out like the project's ``data/`` (``raw/series/*.csv`` …).

    Yields
    ------
    pathlib.Path
        The folder, resolved.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from analysis import data
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     copy = shutil.copytree(data_dir(), f"{tmp}/data")
    ...     with use_data_dir(copy):
    ...         data.load("foreign_entrants")
    """
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"use_data_dir: {folder} is not a folder")
    _override.append(folder)
    try:
        yield folder
    finally:
        _override.pop()


def fingerprint(paths: Iterable[Path]) -> str:
    """Digest of the names and bytes of ``paths``: caches keyed on it see every edit.

    Modification times are not enough (two edits within the file system's time
    resolution, or a copy that keeps the time), so the content itself is hashed; the
    raw files are small (well under a megabyte in all).
    """
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()
