"""Shared fixtures: a writable copy of the data folder, and an editor for its CSV files."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.datadir import data_dir, use_data_dir


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
