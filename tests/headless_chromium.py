"""Test helper: headless Chromium driven over the DevTools protocol (CDP).

Used by ``tests/test_browser.py``; not part of the package. Only the standard library
and ``websocket-client`` (already in the lock, via jupyter-server) are needed.

- :func:`ensure_chromium` installs Debian's ``chromium`` and the Japanese font
  ``fonts-ipaexfont-gothic`` with apt-get when they are missing (about 15 s with a
  reachable mirror, 420 MB on disk) and returns the browser's path.
- :class:`Chromium` starts one headless browser with a fresh profile in a temporary
  folder, in its own process group, and :meth:`Chromium.close` kills that group and
  removes the profile.
- :meth:`Chromium.visit` opens a URL in a new tab and returns a :class:`Visit`: what the
  page logged (uncaught exceptions, ``console.error`` calls, failed requests), its
  images and links as the browser sees them, and optionally a full-page screenshot.

Host names other than 127.0.0.1 resolve to nothing (``--host-resolver-rules``), so a
page is always seen as it is offline, whatever network the machine has.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import websocket

APT_PACKAGES = ("chromium", "fonts-ipaexfont-gothic")
FONT_FILE = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")

# Flags from the project's ecosystem notes: without the background-networking ones,
# Chromium's own connections are refused by this machine's closed network and logged.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-debugging-port=0",
)


class InstallError(RuntimeError):
    """Chromium or the Japanese font is missing and could not be installed."""


def _missing_packages() -> list[str]:
    missing = []
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        missing.append("chromium")
    if not FONT_FILE.exists():
        missing.append("fonts-ipaexfont-gothic")
    return missing


def ensure_chromium(timeout: float = 600) -> str:
    """Return the path of ``chromium``, installing the Debian packages first if missing.

    Raises
    ------
    InstallError
        When a package is missing and apt-get is unavailable, we are not root, or the
        install fails; the message says which and why.
    """
    missing = _missing_packages()
    if missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise InstallError(
                f"missing {' '.join(missing)}; installing needs root and apt-get "
                f"(apt-get install -y {' '.join(APT_PACKAGES)})"
            )
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        lock = ("-o", "DPkg::Lock::Timeout=120")
        for args in (
            ("apt-get", *lock, "update", "-q"),
            ("apt-get", *lock, "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES),
        ):
            try:
                done = subprocess.run(
                    args, env=env, capture_output=True, text=True, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired as err:
                raise InstallError(f"{' '.join(args)} took more than {timeout} s") from err
            if done.returncode != 0:
                tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
                raise InstallError(f"{' '.join(args)} exited {done.returncode}:\n{tail}")
        if _missing_packages():
            raise InstallError(f"still missing after apt-get install: {_missing_packages()}")
    return shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class Visit:
    """What one page load showed.

    Attributes
    ----------
    url : str
        The page.
    exceptions : list of str
        Uncaught JavaScript exceptions (``Runtime.exceptionThrown``).
    console_errors : list of str
        ``console.error``/``console.assert`` calls and browser log entries of level
        error that are not about a failed network request (those are in ``failed``).
    failed : list of tuple
        ``(url, reason)`` for every request that failed or answered HTTP >= 400.
    images : list of dict
        ``{"src", "complete", "naturalWidth", "naturalHeight"}`` per ``<img>``.
    links : list of str
        Absolute ``href`` of every ``<a href>``.
    ids : set of str
        Every element ``id`` and anchor ``name`` in the page (link targets).
    title : str
        ``document.title``.
    fonts : dict
        With ``fonts_of``: platform font family -> glyphs it drew in that element's
        own text (``CSS.getPlatformFontsForNode``), i.e. which installed fonts really
        rendered the text.
    """

    url: str
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    title: str = ""
    fonts: dict[str, int] = field(default_factory=dict)

    def is_internal(self, url: str) -> bool:
        """True for a URL served from the same origin as the page (or inline data)."""
        if url.startswith(("data:", "blob:", "about:")):
            return True
        page, other = urlsplit(self.url), urlsplit(url)
        return (page.scheme, page.netloc) == (other.scheme, other.netloc)

    @property
    def internal_failures(self) -> list[tuple[str, str]]:
        """Failed requests for the page's own resources."""
        return [(url, why) for url, why in self.failed if self.is_internal(url)]

    @property
    def external_failures(self) -> list[tuple[str, str]]:
        """Failed requests to other hosts (a CDN is unreachable offline)."""
        return [(url, why) for url, why in self.failed if not self.is_internal(url)]


_PAGE_FACTS = """(() => ({
  title: document.title,
  images: Array.from(document.images, i => ({
    src: i.currentSrc.slice(0, 80), complete: i.complete,
    naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight})),
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
  ids: Array.from(document.querySelectorAll('[id], a[name]'), e => e.id || e.name),
}))()"""


class Chromium:
    """One headless Chromium with a throw-away profile, driven over CDP.

    Parameters
    ----------
    executable : str
        The browser, e.g. from :func:`ensure_chromium`.
    timeout : float
        Seconds to wait for the browser to start and for any one protocol answer.
    """

    def __init__(self, executable: str, timeout: float = 60) -> None:
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
        self.log = self.profile.parent / f"{self.profile.name}.log"
        self._ids = itertools.count(1)
        self._events: list[dict] = []
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # own process group: close() kills every helper
            )
        try:
            self.ws = websocket.create_connection(
                self._endpoint(), timeout=timeout, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise

    def _endpoint(self) -> str:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"chromium exited {self.proc.returncode}: {self.log.read_text()[-2000:]}"
                )
            lines = port_file.read_text().split() if port_file.exists() else []
            if len(lines) == 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise TimeoutError(f"chromium gave no DevTools port in {self.timeout} s")

    # -- protocol -------------------------------------------------------------------------

    def send(self, method: str, session: str | None = None, **params) -> dict:
        """Call a CDP method and return its result; events received meanwhile are kept."""
        message_id = next(self._ids)
        message = {"id": message_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)
        raise TimeoutError(f"{method}: no answer in {self.timeout} s")

    def _wait_event(self, method: str, session: str, timeout: float) -> None:
        if any(e["method"] == method and e.get("sessionId") == session for e in self._events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                event = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self.ws.settimeout(self.timeout)
            if "method" in event:
                self._events.append(event)
                if event["method"] == method and event.get("sessionId") == session:
                    return
        raise TimeoutError(f"no {method} within {timeout} s")

    # -- pages ----------------------------------------------------------------------------

    def visit(
        self,
        url: str,
        *,
        screenshot: Path | None = None,
        width: int = 1280,
        height: int = 900,
        mobile: bool = False,
        max_height: int = 16000,
        fonts_of: str | None = None,
        timeout: float = 60,
    ) -> Visit:
        """Load ``url`` in a new tab and return what the page showed and logged.

        With ``screenshot``, a full-page PNG (at most ``max_height`` CSS pixels tall) of
        a ``width`` × ``height`` viewport is written there. With ``fonts_of`` (a CSS
        selector), the fonts that drew the first matching element's text are recorded.
        """
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Network", "Log"):
                self.send(f"{domain}.enable", session)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=mobile,
            )
            self._events.clear()
            self.send("Page.navigate", session, url=url)
            self._wait_event("Page.loadEventFired", session, timeout)
            # Web fonts and late layout: wait until fonts are ready, then a quiet moment.
            self.send(
                "Runtime.evaluate",
                session,
                expression="document.fonts.ready.then(() => 1)",
                awaitPromise=True,
            )
            time.sleep(0.3)
            facts = self.send(
                "Runtime.evaluate", session, expression=_PAGE_FACTS, returnByValue=True
            )["result"]["value"]
            visit = Visit(
                url=url,
                images=facts["images"],
                links=facts["links"],
                ids=set(facts["ids"]),
                title=facts["title"],
            )
            if fonts_of is not None:
                self.send("DOM.enable", session)
                self.send("CSS.enable", session)
                root = self.send("DOM.getDocument", session)["root"]["nodeId"]
                node = self.send("DOM.querySelector", session, nodeId=root, selector=fonts_of)
                if node["nodeId"]:
                    used = self.send("CSS.getPlatformFontsForNode", session, nodeId=node["nodeId"])
                    visit.fonts = {f["familyName"]: f["glyphCount"] for f in used["fonts"]}
            if screenshot is not None:
                size = self.send("Page.getLayoutMetrics", session)["cssContentSize"]
                shot = self.send(
                    "Page.captureScreenshot",
                    session,
                    format="png",
                    captureBeyondViewport=True,
                    clip={
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": min(max(size["height"], height), max_height),
                        "scale": 1,
                    },
                )
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            self._collect(visit, session)
            return visit
        finally:
            self.send("Target.closeTarget", targetId=target)

    def _collect(self, visit: Visit, session: str) -> None:
        urls: dict[str, str] = {}
        for event in self._events:
            if event.get("sessionId") != session:
                continue
            method, params = event["method"], event["params"]
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.loadingFailed":
                url = urls.get(params["requestId"], "?")
                visit.failed.append((url, params.get("blockedReason") or params["errorText"]))
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                response = params["response"]
                visit.failed.append((response["url"], f"HTTP {response['status']}"))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details["text"]
                where = f"{details.get('url', '')}:{details['lineNumber']}"
                visit.exceptions.append(f"{text} ({where})")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                args = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
                visit.console_errors.append(f"console.{params['type']}: {' '.join(args)}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                if entry.get("source") != "network":  # network ones are in visit.failed
                    visit.console_errors.append(f"{entry['source']}: {entry['text']}")

    def close(self) -> None:
        """Kill the browser's process group and remove the profile and log."""
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
            except ProcessLookupError:
                pass
        try:  # helpers (zygote, renderers) may outlive the main process briefly
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)
        self.log.unlink(missing_ok=True)
