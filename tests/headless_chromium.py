"""Test helper: install Debian's Chromium and Japanese font for the browser test.

Playwright drives the browser (see ``conftest.py``); Chromium itself and the font
``fonts-ipaexfont-gothic`` that draws Japanese text come from Debian, and
:func:`ensure_chromium` installs them with apt-get when missing (about 15 s with a
reachable mirror, 420 MB on disk): CI starts from a clean machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

APT_PACKAGES = ("chromium", "fonts-ipaexfont-gothic")
FONT_FILE = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")


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
