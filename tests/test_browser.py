"""The HTML report, opened in a real browser (headless Chromium over the DevTools protocol).

The report is rendered from the committed, executed notebooks with
``analysis.report.render_html`` into a temporary folder (nothing is re-executed), served
by ``http.server`` on 127.0.0.1, and every page is loaded from the index's links at a
desktop (1280 px) and a phone (390 px) width. Screenshots go to ``build/screenshots/``
(``desktop/`` and ``mobile/``, one full-page PNG per page) for a person to look at.

What counts as an error, honestly:

- any uncaught JavaScript exception, any ``console.error``, any browser log entry of
  level error, and any failed load of the report's own resources: all fail the test;
- nbconvert's pages reference require.js and MathJax on cdnjs.cloudflare.com. The
  browser here resolves no host but 127.0.0.1, so a page is always seen as it is offline
  (the report promises that pages open offline); those loads fail, and that is allowed
  only for the hosts in :data:`OPTIONAL_EXTERNAL_HOSTS`. A new external dependency fails
  the test, and so would a script that throws because the CDN is unreachable;
- the ``/favicon.ico`` the browser asks for by itself (no page references one) is
  ignored.

Every ``<img>`` must have loaded (``naturalWidth > 0``) and each notebook page must show
as many images as its notebook has image outputs; every link to the report itself must
answer HTTP 200, and a link with ``#fragment`` must find that id in its target page. The
index's Japanese title must be drawn with a CJK font (IPAex Gothic), not as tofu.
A control page with known faults proves the checks catch each kind of fault.

Chromium and the font come from Debian (``chromium``, ``fonts-ipaexfont-gothic``) and
are installed here with apt-get when missing (about 15 s, as root). If that fails, the
tests fail under CI and are skipped elsewhere, with the reason.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from headless_chromium import Chromium, InstallError, Visit, ensure_chromium

from analysis.report import NOTEBOOK_GLOB, render_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB))
SCREENSHOTS = ROOT / "build" / "screenshots"
PAGES = ["index"] + [p.stem for p in NOTEBOOKS]
# nbconvert's optional require.js and MathJax (the pages render without them).
OPTIONAL_EXTERNAL_HOSTS = {"cdnjs.cloudflare.com"}
WIDTHS = {"desktop": (1280, 900, False), "mobile": (390, 844, True)}

CONTROL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>control</title></head><body>
<p id="here">A page with one fault of each kind.</p>
<img src="missing.png" alt="missing">
<a href="nowhere.html">dead link</a> <a href="#here">live anchor</a>
<a href="#no-such-id">dead anchor</a> <a href="https://example.org/">external</a>
<script>console.error("logged error");</script>
<script>throw new Error("uncaught boom");</script>
</body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # http.server's signature
        pass


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.cache
def http_get(url: str) -> tuple[int, str]:
    """Status and text of a URL on the local report server."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, ""


def page_errors(visit: Visit) -> list[str]:
    """Uncaught exceptions, logged errors and failed loads of the report's own files."""
    return (
        [f"uncaught exception: {text}" for text in visit.exceptions]
        + visit.console_errors
        + [
            f"failed to load {url}: {why}"
            for url, why in visit.internal_failures
            if urlsplit(url).path != "/favicon.ico"
        ]
    )


def broken_images(visit: Visit) -> list[str]:
    return [
        f"{image['src']} (complete={image['complete']}, naturalWidth={image['naturalWidth']})"
        for image in visit.images
        if not image["complete"] or image["naturalWidth"] == 0
    ]


def broken_links(visit: Visit) -> list[str]:
    """Links to the report itself that do not answer 200 or miss their #fragment."""
    problems = []
    for href in dict.fromkeys(visit.links):
        if not visit.is_internal(href):
            continue
        target, _, fragment = href.partition("#")
        status, text = http_get(target)
        if status != 200:
            problems.append(f"{href}: HTTP {status}")
        elif fragment:
            if target == visit.url.partition("#")[0]:
                ids = visit.ids
            else:
                parser = _Ids()
                parser.feed(text)
                ids = parser.ids
            # As browsers resolve a fragment (HTML spec): the id as written, else decoded.
            if fragment not in ids and unquote(fragment) not in ids:
                problems.append(f"{href}: no element with id {unquote(fragment)!r}")
    return problems


def image_outputs(path: Path) -> int:
    """Image outputs of a notebook: each should be one <img> of its page."""
    nb = nbformat.read(path, as_version=4)
    return sum(
        1
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if {"image/png", "image/jpeg"} & set(out.get("data", {}))
    )


@pytest.fixture(scope="module")
def chromium():
    try:
        executable = ensure_chromium()
    except InstallError as err:
        if os.environ.get("CI"):
            pytest.fail(f"cannot install the browser: {err}")
        pytest.skip(f"no browser (fails under CI): {err}")
    browser = Chromium(executable)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def site():
    """Report rendered from the committed notebooks plus a control page, served locally.

    The notebooks are copied first, so the pages and the image counts come from the same
    files even if a notebook is rewritten meanwhile.
    """
    if not NOTEBOOKS:
        pytest.fail("no notebooks/NN_*.ipynb to render")
    with tempfile.TemporaryDirectory(prefix="test-browser-") as tmp:
        root = Path(tmp)
        (root / "notebooks").mkdir()
        copies = [Path(shutil.copy(p, root / "notebooks" / p.name)) for p in NOTEBOOKS]
        render_html(copies, root / "report")
        (root / "control").mkdir()
        (root / "control" / "broken.html").write_text(CONTROL_PAGE, encoding="utf-8")
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", root
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)
            http_get.cache_clear()


@pytest.fixture(scope="module")
def visits(chromium, site):
    """{(width name, page): Visit} for the index and every page it links to."""
    base, _root = site
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    seen: dict[tuple[str, str], Visit] = {}
    for kind, (width, height, mobile) in WIDTHS.items():
        index = chromium.visit(
            f"{base}/report/index.html",
            screenshot=SCREENSHOTS / kind / "index.png",
            width=width,
            height=height,
            mobile=mobile,
            fonts_of="h1",
        )
        seen[kind, "index"] = index
        for href in dict.fromkeys(h.partition("#")[0] for h in index.links):
            if index.is_internal(href) and href.endswith(".html"):
                stem = Path(urlsplit(href).path).stem
                seen[kind, stem] = chromium.visit(
                    href,
                    screenshot=SCREENSHOTS / kind / f"{stem}.png",
                    width=width,
                    height=height,
                    mobile=mobile,
                )
    return seen


def test_the_index_links_every_page_and_nothing_else(visits, site):
    _base, root = site
    linked = sorted(stem for kind, stem in visits if kind == "desktop" and stem != "index")
    rendered = sorted(p.stem for p in (root / "report").glob("*.html") if p.stem != "index")
    assert linked == rendered == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("kind", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_no_javascript_error_and_no_missing_resource(visits, page, kind):
    visit = visits[kind, page]
    assert not page_errors(visit), f"{page}: {page_errors(visit)}"
    external_hosts = {urlsplit(url).hostname for url, _why in visit.external_failures}
    assert external_hosts <= OPTIONAL_EXTERNAL_HOSTS, visit.external_failures


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loaded(visits, site, page):
    visit = visits["desktop", page]
    assert not broken_images(visit)
    if page != "index":
        expected = image_outputs(site[1] / "notebooks" / f"{page}.ipynb")
        assert len(visit.images) == expected, f"{page}: {len(visit.images)} of {expected} charts"


@pytest.mark.parametrize("page", PAGES)
def test_every_internal_link_resolves(visits, page):
    visit = visits["desktop", page]
    assert visit.title, f"{page} has no <title>"
    assert not broken_links(visit)


def test_the_japanese_title_is_drawn_with_a_cjk_font(visits):
    fonts = visits["desktop", "index"].fonts
    assert "外交青書" in visits["desktop", "index"].title
    assert any("IPAex" in family and glyphs > 0 for family, glyphs in fonts.items()), fonts


def test_screenshots_are_saved(visits):
    for kind, page in visits:
        shot = SCREENSHOTS / kind / f"{page}.png"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot


def test_the_checks_catch_each_kind_of_fault(chromium, site):
    """Control page: an exception, a console.error, a 404 image, a dead link and anchor."""
    base, _root = site
    visit = chromium.visit(f"{base}/control/broken.html")
    errors = page_errors(visit)
    assert any("uncaught boom" in e for e in errors), errors
    assert any("logged error" in e for e in errors), errors
    assert any("missing.png" in e and "404" in e for e in errors), errors
    assert len(broken_images(visit)) == 1
    links = broken_links(visit)
    assert len(links) == 2, links
    assert any("nowhere.html: HTTP 404" in p for p in links)
    assert any("no-such-id" in p for p in links)
