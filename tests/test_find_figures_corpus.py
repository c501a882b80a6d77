"""Recall and precision of find_figures on real government texts it was not developed on.

The corpus, its sources, licence, annotation guide and matching rule are described in
tests/corpus/README.md. A returned figure is correct when its (line, value) equals an
expected one (ranges by their low end), counted as multisets.
"""

import csv
import itertools
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.japanese import find_figures, split_lines

CORPUS = Path(__file__).parent / "corpus"
MANIFEST_COLUMNS = ["id", "split", "source_url", "title", "publisher", "licence"]
THRESHOLD = 0.90


def _manifest() -> list[dict[str, str]]:
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


MANIFEST = _manifest()
IDS = {split: [r["id"] for r in MANIFEST if r["split"] == split] for split in ("dev", "heldout")}
Key = tuple[int, float]


def _text(text_id: str) -> str:
    return (CORPUS / "texts" / f"{text_id}.txt").read_text(encoding="utf-8")


def _expected(text_id: str) -> Counter[Key]:
    with (CORPUS / "expected" / f"{text_id}.csv").open(encoding="utf-8", newline="") as f:
        return Counter((int(r["line"]), round(float(r["value"]), 6)) for r in csv.DictReader(f))


def _keys(figures: pd.DataFrame) -> Counter[Key]:
    return Counter(
        (int(line), round(float(value), 6))
        for line, value in zip(figures["line"], figures["value"], strict=True)
    )


def _score(found: dict[str, Counter[Key]], split: str) -> tuple[int, int, int]:
    """(hits, expected, returned) over the texts of a split."""
    hits = expected = returned = 0
    for text_id in IDS[split]:
        truth = _expected(text_id)
        hits += (truth & found[text_id]).total()
        expected += truth.total()
        returned += found[text_id].total()
    return hits, expected, returned


def _report(found: dict[str, Counter[Key]], split: str, label: str) -> tuple[float, float]:
    hits, expected, returned = _score(found, split)
    recall, precision = hits / expected, hits / returned
    print(
        f"{label} {split}: recall {recall:.3f} ({hits}/{expected}), "
        f"precision {precision:.3f} ({hits}/{returned})"
    )
    for text_id in IDS[split]:
        truth = _expected(text_id)
        missed, spurious = truth - found[text_id], found[text_id] - truth
        if missed or spurious:
            print(f"  {text_id}: missed {sorted(missed)}, spurious {sorted(spurious)}")
    return recall, precision


# --- the corpus itself ----------------------------------------------------------------------


def test_manifest_describes_every_text_once():
    assert list(MANIFEST[0]) == MANIFEST_COLUMNS
    ids = [r["id"] for r in MANIFEST]
    assert len(ids) == len(set(ids))
    assert {p.stem for p in (CORPUS / "texts").glob("*.txt")} == set(ids)
    assert {p.stem for p in (CORPUS / "expected").glob("*.csv")} == set(ids)
    assert len(IDS["dev"]) >= 6 and len(IDS["heldout"]) >= 5
    for row in MANIFEST:
        assert row["split"] in IDS, row
        assert row["id"].startswith(row["split"] + "_"), row
        assert row["source_url"].startswith("http"), row
        assert row["title"] and row["publisher"], row
        assert "Government of Japan Standard Terms of Use" in row["licence"], row


@pytest.mark.parametrize("text_id", [r["id"] for r in MANIFEST])
def test_annotations_point_at_their_lines(text_id):
    """Every annotated figure is printed on its line (spaces and line breaks aside)."""
    lines = split_lines(_text(text_id))
    with (CORPUS / "expected" / f"{text_id}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows, text_id
    for row in rows:
        line = int(row["line"])
        assert 1 <= line <= len(lines), row
        following = "".join(lines[line - 1 :]).replace(" ", "")
        assert row["as_printed"].replace(" ", "") in following, row


# --- recall and precision -------------------------------------------------------------------


@pytest.fixture(scope="module")
def found() -> dict[str, Counter[Key]]:
    return {r["id"]: _keys(find_figures(_text(r["id"]))) for r in MANIFEST}


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_recall_and_precision(found, split):
    recall, precision = _report(found, split, "as published")
    assert recall >= THRESHOLD, f"{split} recall {recall:.3f}"
    assert precision >= THRESHOLD, f"{split} precision {precision:.3f}"


# --- the same texts with other line breaks ---------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\f", "\u2028", "\x85"])
def test_other_line_breaks_give_the_same_figures_on_the_same_lines(found, newline):
    """CR-only, CRLF, page-break (pdftotext), U+2028 and NEL variants of every text."""
    for row in MANIFEST:
        variant = newline.join(split_lines(_text(row["id"])))
        assert _keys(find_figures(variant)) == found[row["id"]], (row["id"], repr(newline))


def _wrap(line: str, width: int) -> list[str]:
    """Cut a line every ``width`` characters like a PDF layout: never inside a digit run."""
    pieces, start = [], 0
    while len(line) - start > width:
        cut = start + width
        while cut > start + 1 and line[cut - 1].isdigit() and line[cut].isdigit():
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    return [*pieces, line[start:]]


@pytest.mark.parametrize("width", [9, 17, 31])
def test_hard_line_breaks_inside_figures(width):
    """Every text re-wrapped like PDF extraction, breaks falling inside figures
    (約527 | 万人, 1,973 万 | 7 千人, (- | 1,156人)); lines are mapped back to the original
    ones and scored against the same annotations."""
    found: dict[str, Counter[Key]] = {}
    breaks_inside = 0
    for row in MANIFEST:
        wrapped, origin = [], []
        for number, line in enumerate(split_lines(_text(row["id"])), start=1):
            pieces = _wrap(line, width)
            wrapped += pieces
            origin += [number] * len(pieces)
            breaks_inside += sum(
                1 for a, b in itertools.pairwise(pieces) if a and b and a[-1].isdigit()
            )
        figures = find_figures("\n".join(wrapped))
        found[row["id"]] = Counter(
            (origin[line - 1], value) for line, value in _keys(figures).elements()
        )
    assert breaks_inside >= 15  # the variant does break figures (16 at width 31)
    for split in IDS:
        recall, precision = _report(found, split, f"wrapped at {width}")
        assert recall >= THRESHOLD, f"{split} recall {recall:.3f}"
        assert precision >= THRESHOLD, f"{split} precision {precision:.3f}"
