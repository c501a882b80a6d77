"""The package works where researchers use it: installed from a built wheel, from any folder.

The sources are copied to a temporary folder and built there (sdist, then the wheel from
it) with this environment's setuptools (no build isolation: nothing is downloaded). The
wheel is installed with ``--no-deps`` into a fresh virtual environment whose dependencies
come from this one (a ``.pth`` line; the editable install here is not visible there), and
every check runs from a folder outside the repository.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")

SCRIPT = """
import json, analysis
from analysis import claims, data, datadir, models
verdicts = claims.check_all()["verdict"].value_counts().to_dict()
print(json.dumps({
    "module": analysis.__file__,
    "data_dir": str(datadir.data_dir()),
    "entrants_2011": data.series("foreign_entrants").loc[2011],
    "indicators": len(data.indicators()),
    "figures": len(data.report_figures()),
    "prefectures": len(data.volunteers_by_prefecture()),
    "verdicts": verdicts,
}))
"""


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300,
        check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, f"{args}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build sdist and wheel from a copy of the sources; install the wheel in a new venv."""
    if not UV.exists():
        pytest.fail(f"uv is not in the environment ({UV}); `make` installs it")
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in ("analysis", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    env = {
        "PATH": "/usr/bin:/bin",
        "UV_CACHE_DIR": str(work / "uv-cache"),
        "HOME": str(work),
        "TMPDIR": str(work),
    }
    run(UV, "build", "--no-build-isolation", "--python", sys.executable, "--out-dir",
        work / "dist", "--quiet", cwd=src, env=env)  # fmt: skip
    wheel = next((work / "dist").glob("*.whl"))
    sdist = next((work / "dist").glob("*.tar.gz"))
    venv = work / "venv"
    run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=work, env=env)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                    cwd=work).strip())  # fmt: skip
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(UV, "pip", "install", "--quiet", "--no-deps", "--python", python, wheel,
        cwd=work, env=env)  # fmt: skip
    outside = work / "elsewhere"
    outside.mkdir()
    return {"wheel": wheel, "sdist": sdist, "python": python, "site": site, "cwd": outside}


def test_the_wheel_and_the_sdist_carry_the_data(installed):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
    with tarfile.open(installed["sdist"]) as sdist:
        members = {Path(*Path(m).parts[1:]).as_posix() for m in sdist.getnames()}
    shipped = [p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*.*")]
    assert shipped and len(shipped) >= 18
    for relative in shipped:
        assert f"analysis/_data/{relative}" in names, relative
        assert f"data/{relative}" in members, relative


def test_loaders_and_fact_check_work_from_outside_the_repo(installed):
    facts = json.loads(run(installed["python"], "-c", SCRIPT, cwd=installed["cwd"]))
    assert facts["module"].startswith(str(installed["site"])), "imported the installed copy"
    assert facts["data_dir"] == str(installed["site"] / "analysis" / "_data")
    assert facts["entrants_2011"] == 7_135_407
    assert facts["figures"] == 245 and facts["prefectures"] == 48
    assert facts["indicators"] >= 25
    assert sum(facts["verdicts"].values()) == 36
    assert "inconsistent" not in facts["verdicts"]


def test_the_command_line_works_from_outside_the_repo(installed):
    out = installed["cwd"] / "tables"
    printed = run(installed["python"], "-m", "analysis", "data", out, cwd=installed["cwd"])
    assert "wrote" in printed
    assert (out / "series.csv").exists() and (out / "datapackage.json").exists()
    table = run(installed["python"], "-m", "analysis", "claims", "--width", "100",
                cwd=installed["cwd"])  # fmt: skip
    assert "36 claims:" in table


def test_a_data_folder_can_be_chosen_by_environment_variable(installed, tmp_path):
    copy = shutil.copytree(ROOT / "data", tmp_path / "mydata")
    entrants = copy / "raw" / "series" / "entrants.csv"
    entrants.write_text(entrants.read_text(encoding="utf-8").replace(",7135407,", ",x,"))
    env = {"PATH": "/usr/bin:/bin", "BLUEBOOK2013_DATA": str(copy), "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [str(installed["python"]), "-m", "analysis", "claims"], cwd=installed["cwd"], env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("error: entrants.csv, row 23: column 'value'")
