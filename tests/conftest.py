"""Shared fixtures (a writable copy of the data folder, the browser) and clean runs.

Clean runs: before anything is imported, every cache and runtime folder the suite's tools
would create in ``$HOME`` (matplotlib's font cache, IPython's history, Jupyter's runtime
files, fontconfig and other XDG caches) is pointed into pytest's own temporary folder. At
the end, a run that left a new entry in ``/tmp`` or ``$HOME`` fails, naming it.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless_chromium import InstallError, ensure_chromium

from analysis.datadir import data_dir, use_data_dir

_REDIRECTED = (
    "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR",
    "JUPYTER_CONFIG_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
    "XDG_RUNTIME_DIR",
)  # fmt: skip
_WATCHED = (Path("/tmp"), Path.home())


def _entries() -> dict[Path, set[str]]:
    return {folder: set(os.listdir(folder)) for folder in _WATCHED if folder.is_dir()}


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Redirect caches into pytest's temporary folder; remember what /tmp and $HOME held."""
    config.stash[_BEFORE] = _entries()
    # short names: Chromium's socket path (under TMPDIR) must stay under 108 bytes
    root = Path(config._tmp_path_factory.getbasetemp()) / "env"
    for name in _REDIRECTED:
        folder = root / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folder)
    # Temporary files of this process and of every process it starts (kernels, browser,
    # uv) go there too; tempfile caches its folder, so reset it as well.
    tmp = root / "t"
    tmp.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if it left anything new in /tmp or $HOME (pytest's own folder aside)."""
    before = session.config.stash.get(_BEFORE, {})
    left = sorted(
        str(folder / name)
        for folder, names in _entries().items()
        for name in names - before.get(folder, set())
        if not name.startswith("pytest-of-")
    )
    if left:
        session.config.stash[_LEFT] = left
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say what a run left behind."""
    left = config.stash.get(_LEFT, [])
    if left:
        terminalreporter.write_line(
            f"FAILED: the run left files outside pytest's temporary folder: {left}", red=True
        )


_BEFORE = pytest.StashKey[dict[Path, set[str]]]()
_LEFT = pytest.StashKey[list[str]]()


class DataCopy:
    """A copy of the data folder that the loaders read while the test runs.

    Attributes
    ----------
    root : Path
        The copy (``raw/series/*.csv``, ``raw/report_figures.csv``, ``claims.csv`` …).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, relative: str) -> Path:
        """Absolute path of a file of the copy."""
        return self.root / relative

    def rows(self, relative: str) -> list[dict[str, str]]:
        """The records of a CSV file of the copy."""
        with self.path(relative).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def write(self, relative: str, rows: list[dict[str, str]]) -> None:
        """Rewrite a CSV file of the copy (same header as the first record)."""
        with self.path(relative).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def edit(self, relative: str, match: dict[str, str], **values: str) -> int:
        """Set ``values`` on the one record matching ``match``; return its CSV row number."""
        rows = self.rows(relative)
        hits = [i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())]
        assert len(hits) == 1, f"{relative}: {len(hits)} records match {match}"
        rows[hits[0]].update(values)
        self.write(relative, rows)
        return hits[0] + 2

    def drop(self, relative: str, match: dict[str, str]) -> int:
        """Delete the records matching ``match``; return how many."""
        rows = self.rows(relative)
        kept = [r for r in rows if not all(r[k] == v for k, v in match.items())]
        self.write(relative, kept)
        return len(rows) - len(kept)


@pytest.fixture
def data_copy(tmp_path: Path) -> Iterator[DataCopy]:
    """A writable copy of the shipped data, read by every loader inside the test."""
    root = Path(shutil.copytree(data_dir(), tmp_path / "data"))
    with use_data_dir(root):
        yield DataCopy(root)


# --------------------------------------------------------------------------- browser

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--force-device-scale-factor=1",
    # Host names other than 127.0.0.1 resolve to nothing: pages are always seen as they
    # are offline, whatever network the machine has.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)


@pytest.fixture(scope="session")
def browser_home():
    """Throw-away HOME and TMPDIR for the browser, removed after the session.

    Playwright removes the profile it makes, but Chromium also writes
    ``~/.config/chromium/Crash Reports`` and ``~/.cache/dconf`` under the real HOME.
    """
    with tempfile.TemporaryDirectory(prefix="bh-") as home:
        yield Path(home)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_home):
    """Launch Debian's Chromium with :data:`CHROMIUM_ARGS` and :func:`browser_home`."""
    try:
        executable = ensure_chromium()
    except InstallError as err:
        if os.environ.get("CI"):
            pytest.fail(f"cannot install the browser: {err}")
        pytest.skip(f"no browser (fails under CI): {err}")
    env = {
        **os.environ,
        "HOME": str(browser_home),
        "XDG_CONFIG_HOME": str(browser_home / ".config"),
        "XDG_CACHE_HOME": str(browser_home / ".cache"),
        "TMPDIR": str(browser_home),
    }
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": list(CHROMIUM_ARGS),
        "env": env,
    }
