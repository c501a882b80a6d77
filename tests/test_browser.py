"""The HTML report in a real browser: Playwright driving Debian's Chromium (``conftest.py``).

Two reports are rendered with ``analysis.report.render_html`` into a temporary folder and
served by ``http.server`` on 127.0.0.1:

- ``fixtures``: ``tests/fixtures/report/``, a summary and two section notebooks made as
  the notebooks are to be made (charts 560 px wide with alt texts, a ``checks`` cell, a
  wide table, a long URL, Japanese text). Every check must pass on it.
- ``notebooks``: the committed ``notebooks/``, rendered as ``make report`` renders them
  (every chart must carry alt text).

Every page is loaded from the index's links at 1280 px (desktop) and 390 px (a phone);
the committed notebooks' pages are saved as full-page screenshots in
``build/screenshots/{desktop,mobile}/`` for a person to look at. What counts as a fault:

- an uncaught JavaScript exception, a ``console.error``, a failed request, except to
  nbconvert's optional CDN (:data:`OPTIONAL_EXTERNAL_HOSTS`: require.js and MathJax, which
  the pages render without; the browser resolves no host but 127.0.0.1);
- an ``<img>`` that did not load, or whose alt text is not a finding
  (``analysis.report.alt_text_problem``); a page with another number of images than its
  notebook shows (outputs of cells tagged ``checks`` are not shown);
- a page without a ``<nav>`` at its top and bottom linking the previous page, the
  contents and the next page; an internal link that does not answer HTTP 200, or whose
  ``#fragment`` names no element of its page;
- Japanese text not drawn with a CJK font; a page wider than the phone's 390 px; chart
  text under 9 px on the phone: ``analysis.plots.MIN_TEXT_PT`` points at
  ``analysis.plots.DPI``, scaled by the width the page gives the image.

A control page with one fault of each kind proves that each check can fail, and the last
test that the browser leaves nothing behind in /tmp or HOME.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import nbformat
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from analysis.plots import DPI, MIN_TEXT_PT
from analysis.report import (
    CHECKS_TAG,
    CONTENTS_ID,
    IMAGE_MIMES,
    INDEX_PAGE,
    NOTEBOOK_GLOB,
    SUMMARY_STEM,
    alt_text_problem,
    render_html,
)

ROOT = Path(__file__).resolve().parents[1]
REPORTS = {
    "fixtures": sorted((ROOT / "tests" / "fixtures" / "report").glob(NOTEBOOK_GLOB)),
    "notebooks": sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB)),
}
SCREENSHOTS = ROOT / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": PHONE}
MIN_CHART_TEXT_PX = 9.0
# nbconvert's optional require.js and MathJax (the pages render without them).
OPTIONAL_EXTERNAL_HOSTS = {"cdnjs.cloudflare.com"}
CJK_FONTS = ("IPAex", "Noto Sans CJK", "Hiragino")

# Facts about a loaded page. The parent of the first text with Japanese characters is
# marked, for the browser to say which fonts drew it.
PAGE_FACTS = r"""() => {
  const japanese = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
    {acceptNode: n => japanese.test(n.data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
  const japaneseText = walker.nextNode();
  if (japaneseText) japaneseText.parentElement.setAttribute("data-japanese", "");
  return {
    title: document.title,
    scrollWidth: document.documentElement.scrollWidth,
    images: Array.from(document.images, (i, n) => ({
      src: i.currentSrc.startsWith("data:") ? `image ${n + 1}` : i.currentSrc,
      alt: i.getAttribute("alt"), complete: i.complete,
      naturalWidth: i.naturalWidth, width: i.getBoundingClientRect().width})),
    links: Array.from(document.querySelectorAll("a[href]"), a => a.href),
    ids: Array.from(document.querySelectorAll("[id], a[name]"), e => e.id || e.name),
    navs: Array.from(document.querySelectorAll("nav"), n => ({
      label: n.getAttribute("aria-label"),
      links: Array.from(n.querySelectorAll("a[href]"), a => ({rel: a.rel, href: a.href}))})),
    japanese: japaneseText ? japaneseText.data.trim().slice(0, 40) : null,
  };
}"""


def _svg(width: int) -> str:
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='40'/>"
    return "data:image/svg+xml," + quote(svg)


CONTROL_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>control</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
<script src="https://example.org/tracker.js"></script>
</head><body>
<p id="here">A page with one fault of each kind, and no navigation.</p>
<img src="missing.png" alt="A chart that the server does not have">
<img src="{_svg(1200)}" alt="No description has been provided for this image"
     style="max-width: 100%">
<img src="{_svg(100)}" alt="Chart">
<a href="nowhere.html">dead link</a> <a href="#here">live anchor</a>
<a href="#no-such-id">dead anchor</a> <a href="https://example.org/">external</a>
<div style="width: 600px">A block wider than a phone.</div>
<p><span>𪛖</span> (a kanji that no installed font has)</p>
<script>console.error("logged error");</script>
<script>throw new Error("uncaught boom");</script>
</body></html>
"""


def both_reports() -> pytest.MarkDecorator:
    """Parametrize ``report`` over both reports."""
    return pytest.mark.parametrize("report", ["fixtures", "notebooks"])


def reading_order(report: str) -> list[tuple[str, Path | None]]:
    """(page stem, notebook) in reading order: the index (the summary, if any), sections."""
    paths = REPORTS[report]
    summary = next((path for path in paths if path.stem == SUMMARY_STEM), None)
    return [("index", summary)] + [(path.stem, path) for path in paths if path != summary]


def images_shown(path: Path | None) -> int:
    """Image outputs of a notebook outside cells tagged ``checks``: one <img> each."""
    if path is None:
        return 0
    nb = nbformat.read(path, as_version=4)
    return sum(
        1
        for cell in nb.cells
        if CHECKS_TAG not in cell.metadata.get("tags", [])
        for out in cell.get("outputs", [])
        if set(IMAGE_MIMES) & set(out.get("data", {}))
    )


@dataclass
class Visit:
    """What one page load showed and logged."""

    url: str
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, source URL)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (URL, reason)
    facts: dict = field(default_factory=dict)  # PAGE_FACTS
    fonts: dict[str, int] = field(default_factory=dict)  # family -> glyphs, Japanese text

    def is_internal(self, url: str) -> bool:
        """True for a URL from the page's own server (or inline data)."""
        if url.startswith(("data:", "about:", "blob:")):
            return True
        return urlsplit(url)[:2] == urlsplit(self.url)[:2]

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append((response.url, f"HTTP {response.status}"))


def fonts_of(page: Page, selector: str) -> dict[str, int]:
    """Fonts that drew the text of the element ``selector``: family -> glyphs (CDP)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in used}


def load(page: Page, url: str, screenshot: Path | None = None) -> Visit:
    """Open ``url`` in ``page`` (a tab, reused from visit to visit) and return what it showed."""
    visit = Visit(url)
    listeners = {
        "pageerror": lambda error: visit.exceptions.append(error.message),
        "console": visit.on_console,
        "requestfailed": lambda request: visit.failed.append((request.url, request.failure)),
        "response": visit.on_response,
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        visit.facts = page.evaluate(PAGE_FACTS)
        if visit.facts["japanese"]:
            visit.fonts = fonts_of(page, "[data-japanese]")
        if screenshot is not None:
            page.screenshot(path=screenshot, full_page=True)
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return visit


def open_tab(browser: Browser, viewport: dict[str, int]) -> Page:
    """A tab in a fresh context at ``viewport`` (a phone's when it is :data:`PHONE`)."""
    context = browser.new_context(
        viewport=viewport, is_mobile=viewport == PHONE, device_scale_factor=1
    )
    return context.new_page()


# -- checks: each returns the faults found, empty when there are none ----------------------


def page_errors(visit: Visit) -> list[str]:
    """Uncaught exceptions, logged errors, failed requests (but the optional CDN's)."""
    failed_urls = {url for url, _why in visit.failed}
    return (
        [f"uncaught exception: {text}" for text in visit.exceptions]
        + [
            f"console error: {text}"
            for text, source in visit.console_errors
            # the browser also logs each failed request, judged below by its host
            if not (text.startswith("Failed to load resource") and source in failed_urls)
        ]
        + [
            f"failed to load {url}: {why}"
            for url, why in visit.failed
            if visit.is_internal(url) or urlsplit(url).hostname not in OPTIONAL_EXTERNAL_HOSTS
        ]
    )


def broken_images(visit: Visit) -> list[str]:
    return [
        f"{image['src']} did not load"
        for image in visit.facts["images"]
        if not image["complete"] or image["naturalWidth"] == 0
    ]


def alt_problems(visit: Visit) -> list[str]:
    return [
        f"{image['src']}: {problem}"
        for image in visit.facts["images"]
        if (problem := alt_text_problem(image["alt"] or ""))
    ]


def nav_problems(visit: Visit, base: str, previous: str | None, following: str | None) -> list[str]:
    """Compare the page's <nav>s with its neighbours (page stems) in reading order."""
    navs = visit.facts["navs"]
    labels = [nav["label"] for nav in navs]
    problems = []
    if len(navs) != 2 or len(set(labels)) != 2 or not all(labels):
        problems.append(f"wants a <nav> at top and bottom with two aria-labels, has {labels}")
    expected = {
        "prev": previous and f"{base}{previous}.html",
        "next": following and f"{base}{following}.html",
    }
    contents = f"{base}{INDEX_PAGE}#{CONTENTS_ID}"
    for nav in navs:
        rels = {link["rel"]: link["href"] for link in nav["links"] if link["rel"]}
        for rel, href in expected.items():
            if rels.get(rel) != href:
                problems.append(f"{nav['label']}: rel={rel} is {rels.get(rel)}, not {href}")
        if previous and contents not in {link["href"] for link in nav["links"]}:
            problems.append(f"{nav['label']}: no link to {contents}")
    return problems


def broken_links(visit: Visit, loaded: dict[str, Visit], status: Callable[[str], int]) -> list[str]:
    """Links to the report itself that do not answer 200 or miss their #fragment.

    ``loaded`` maps URLs to visits of the pages a fragment may point into.
    """
    problems = []
    for href in dict.fromkeys(visit.facts["links"]):
        if not visit.is_internal(href):
            continue
        target, _, fragment = href.partition("#")
        if (code := status(target)) != 200:
            problems.append(f"{href}: HTTP {code}")
        elif fragment:
            ids = loaded[target].facts["ids"] if target in loaded else []
            # As browsers resolve a fragment (HTML spec): the id as written, else decoded.
            if fragment not in ids and unquote(fragment) not in ids:
                problems.append(f"{href}: no element with id {unquote(fragment)!r}")
    return problems


def tofu(visit: Visit) -> list[str]:
    """Japanese text drawn without a CJK font (as empty boxes, or not at all)."""
    drawn = any(any(cjk in family for cjk in CJK_FONTS) and n for family, n in visit.fonts.items())
    if visit.facts["japanese"] and not drawn:
        return [f"{visit.facts['japanese']!r} drawn with {visit.fonts}"]
    return []


def too_wide(visit: Visit) -> list[str]:
    width = visit.facts["scrollWidth"]
    return [f"{width} px wide, wider than the phone"] if width > PHONE["width"] else []


def illegible_charts(visit: Visit) -> list[str]:
    """Charts whose smallest text (MIN_TEXT_PT at DPI) shows under MIN_CHART_TEXT_PX."""
    problems = []
    for image in visit.facts["images"]:
        if image["naturalWidth"]:
            text_px = image["width"] / image["naturalWidth"] * MIN_TEXT_PT * DPI / 72
            if text_px < MIN_CHART_TEXT_PX:
                problems.append(
                    f"{image['src']}: {image['naturalWidth']} px wide shown at "
                    f"{image['width']:.0f} px, so its {MIN_TEXT_PT:g} pt text is {text_px:.1f} px"
                )
    return problems


def assert_no_faults(check: Callable[[Visit], list[str]], visits: dict[str, Visit]) -> None:
    """Fail, listing each page's faults, if ``check`` finds any on any page."""
    found = [f"{label}: {fault}" for label, visit in visits.items() for fault in check(visit)]
    assert not found, "\n".join(found)


# -- fixtures --------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # http.server's signature
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Path]]:
    """Both reports and the control page, served: (base URL, folder).

    The notebooks are copied first, so the pages and the image counts come from the same
    files even if a notebook is rewritten meanwhile.
    """
    if not REPORTS["notebooks"]:
        pytest.fail("no notebooks/NN_*.ipynb to render")
    with tempfile.TemporaryDirectory(prefix="test-browser-") as tmp:
        root = Path(tmp)
        for report, paths in REPORTS.items():
            (root / "notebooks" / report).mkdir(parents=True)
            copies = [Path(shutil.copy(p, root / "notebooks" / report / p.name)) for p in paths]
            render_html(copies, root / report)
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


@pytest.fixture(scope="module")
def http_status(playwright) -> Iterator[Callable[[str], int]]:
    """HTTP status of a URL (Playwright's request API), each URL asked once."""
    api = playwright.request.new_context()
    yield functools.cache(lambda url: api.get(url).status)
    api.dispose()


def linked_pages(index: Visit) -> list[str]:
    """The report's pages the index links to, in the order of their first link."""
    pages = (href.partition("#")[0] for href in index.facts["links"] if index.is_internal(href))
    return [url for url in dict.fromkeys(pages) if url.endswith(".html") and url != index.url]


@pytest.fixture(scope="module")
def visits(browser: Browser, site) -> dict[tuple[str, str, str], Visit]:
    """{(report, width, page stem): Visit} for each index and every page it links to."""
    base, _root = site
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    seen = {}
    for kind, viewport in WIDTHS.items():
        tab = open_tab(browser, viewport)
        try:
            for report in REPORTS:
                shots = SCREENSHOTS / kind if report == "notebooks" else None
                index_url = f"{base}/{report}/{INDEX_PAGE}"
                seen[report, kind, "index"] = index = load(
                    tab, index_url, shots and shots / "index.png"
                )
                for url in linked_pages(index):
                    stem = Path(urlsplit(url).path).stem
                    seen[report, kind, stem] = load(tab, url, shots and shots / f"{stem}.png")
        finally:
            tab.context.close()
    return seen


def pages(visits, report: str, kind: str | None = None) -> dict[str, Visit]:
    """{"desktop 02_visas": Visit} for one report, at one width or both."""
    return {
        f"{width} {stem}": visit
        for (name, width, stem), visit in visits.items()
        if name == report and kind in (None, width)
    }


# -- tests -----------------------------------------------------------------------------------


@both_reports()
def test_the_index_links_every_page_in_reading_order(visits, site, report):
    rendered = sorted(p.stem for p in (site[1] / report).glob("*.html") if p.stem != "index")
    linked = [label.split()[1] for label in pages(visits, report, "desktop")][1:]
    assert linked == [stem for stem, _nb in reading_order(report)][1:] == rendered


@both_reports()
def test_no_javascript_error_and_no_failed_request(visits, report):
    assert_no_faults(page_errors, pages(visits, report))


@both_reports()
def test_every_image_loaded_one_per_chart_shown(visits, report):
    assert_no_faults(broken_images, pages(visits, report))
    counts = {
        stem: (len(visits[report, "desktop", stem].facts["images"]), images_shown(notebook))
        for stem, notebook in reading_order(report)
    }
    assert all(shown == expected for shown, expected in counts.values()), counts


@both_reports()
def test_every_image_has_alt_text_stating_a_finding(visits, report):
    assert_no_faults(alt_problems, pages(visits, report, "desktop"))


@both_reports()
def test_every_page_links_previous_next_and_contents(visits, site, report):
    base = f"{site[0]}/{report}/"
    order = [None, *(stem for stem, _nb in reading_order(report)), None]
    found = [
        f"{stem}: {problem}"
        for previous, stem, following in zip(order, order[1:], order[2:], strict=False)
        for problem in nav_problems(visits[report, "desktop", stem], base, previous, following)
    ]
    assert not found, "\n".join(found)


@both_reports()
def test_every_internal_link_and_anchor_resolves(visits, http_status, report):
    desktop = pages(visits, report, "desktop")
    assert all(visit.facts["title"] for visit in desktop.values())
    loaded = {visit.url: visit for visit in desktop.values()}
    assert_no_faults(functools.partial(broken_links, loaded=loaded, status=http_status), desktop)


@both_reports()
def test_japanese_text_is_drawn_with_a_cjk_font(visits, report):
    desktop = pages(visits, report, "desktop")
    assert any(visit.facts["japanese"] for visit in desktop.values())
    assert_no_faults(tofu, desktop)


@both_reports()
def test_pages_fit_a_phone_without_sideways_scrolling(visits, report):
    assert_no_faults(too_wide, pages(visits, report, "mobile"))


@both_reports()
def test_chart_text_is_legible_on_a_phone(visits, report):
    assert_no_faults(illegible_charts, pages(visits, report, "mobile"))


def test_screenshots_are_saved(visits):
    for kind in WIDTHS:
        for stem, _notebook in reading_order("notebooks"):
            shot = SCREENSHOTS / kind / f"{stem}.png"
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot


def test_the_checks_catch_each_kind_of_fault(browser, site, http_status):
    base, _root = site
    tab = open_tab(browser, PHONE)
    try:
        visit = load(tab, f"{base}/control/broken.html")
    finally:
        tab.context.close()
    errors = page_errors(visit)
    for fault in ("uncaught boom", "logged error", "missing.png: HTTP 404", "example.org"):
        assert any(fault in error for error in errors), (fault, errors)
    assert not any("cdnjs" in error for error in errors), errors
    assert len(broken_images(visit)) == 1
    alt = alt_problems(visit)
    assert len(alt) == 2 and "placeholder" in alt[0] and "'Chart' has 1 word" in alt[1], alt
    assert nav_problems(visit, f"{base}/control/", "previous", "next")
    links = broken_links(visit, {visit.url: visit}, http_status)
    assert len(links) == 2 and "nowhere.html: HTTP 404" in links[0] and "no-such-id" in links[1]
    assert tofu(visit)
    assert too_wide(visit)
    assert len(illegible_charts(visit)) == 1


# What a browser run may leave: Chromium's and Playwright's profiles, singleton sockets,
# crash reports and artifacts, the NSS database (~/.pki), dconf and fontconfig caches.
# Other names are ignored: /tmp and HOME are shared with other processes.
BROWSER_TRACE = re.compile(r"chrom|playwright|pki|dconf|fontconfig", re.IGNORECASE)


def browser_traces() -> set[Path]:
    """Browser-made entries in /tmp, in HOME, and in HOME's .config, .cache, .local/share."""
    home = Path.home()
    folders = [Path(tempfile.gettempdir()), home, home / ".config", home / ".cache"]
    folders.append(home / ".local" / "share")
    return {
        entry
        for folder in folders
        if folder.is_dir()
        for entry in folder.iterdir()
        if BROWSER_TRACE.search(entry.name)
    }


def test_the_browser_leaves_nothing_in_tmp_or_home(
    browser_type, browser_type_launch_args, browser_home, site
):
    before = browser_traces()
    browser = browser_type.launch(**browser_type_launch_args)
    try:
        browser.new_page().goto(f"{site[0]}/fixtures/{INDEX_PAGE}")
    finally:
        browser.close()
    assert browser_traces() - before == set()
    # what Chromium writes to HOME went to the throw-away one, removed after the session
    assert (browser_home / ".config" / "chromium").is_dir()
