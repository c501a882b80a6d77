"""Session fixtures shared by the tests.

Browser: pytest-playwright's fixtures (``browser_type``, ``browser``, ``playwright``)
drive Debian's Chromium, not a downloaded one. :func:`browser_type_launch_args` points
them at it, installed with apt-get when missing (``headless_chromium.ensure_chromium``);
without it the browser tests fail under CI and are skipped elsewhere, with the reason.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from headless_chromium import InstallError, ensure_chromium

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
    with tempfile.TemporaryDirectory(prefix="browser-home-") as home:
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
