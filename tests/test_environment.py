"""The pinned environment is described once and kept in step everywhere."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins_from_requirements_in():
    pins = {}
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def pins_from_environment_yml():
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s*-\s*([A-Za-z0-9_.-]+)\s*(==|=)\s*([\w.]+)\s*$", line)
        if m and m.group(1) != "python":
            pins[m.group(1).lower()] = m.group(3)
    return pins


def test_environment_yml_matches_requirements_in():
    assert pins_from_environment_yml() == pins_from_requirements_in()


def test_every_top_level_pin_is_in_the_lock():
    lock = (ROOT / "requirements.txt").read_text().lower()
    for name, version in pins_from_requirements_in().items():
        assert f"\n{name}=={version}\n" in lock, name


def test_lock_pins_every_package_exactly():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            assert re.fullmatch(r"[a-z0-9_.\-\[\]]+==[\w.+]+", line.lower()), line


def test_environment_yml_python_matches_makefile_python():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()
