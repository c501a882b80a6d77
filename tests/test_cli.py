"""Tests for ``python -m analysis``: help, argument errors, and ``report`` end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.__main__ import COMMANDS, main

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_without_outputs(name: str, folder: Path, as_name: str | None = None) -> Path:
    nb = nbformat.read(FIXTURES / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    path = folder / (as_name or name)
    nbformat.write(nb, path)
    return path


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "usage: python -m analysis" in result.stdout
    assert "report" in result.stdout
    assert "Execute every notebook and render the HTML report." in result.stdout


def test_report_help_explains_its_options(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["report", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "--notebooks DIR" in out and "--outdir DIR" in out
    assert "build/report" in out and "fresh kernel" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: COMMAND"),
        (["report", "--notebooks", "no/such/dir"], "not a directory: no/such/dir"),
        (["report", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_subcommand_fails_from_the_shell():
    result = run("bogus")
    assert result.returncode == 2
    assert "invalid choice: 'bogus'" in result.stderr


def test_every_command_has_a_docstring_summary():
    for name, (handler, _arguments) in COMMANDS.items():
        assert handler.__doc__, f"command {name} needs a docstring for --help"


def test_report_without_notebooks_fails_clearly(tmp_path, capsys):
    assert main(["report", "--notebooks", str(tmp_path)]) == 1
    assert "no notebooks matching [0-9][0-9]_*.ipynb" in capsys.readouterr().err


def test_report_end_to_end_with_default_folders(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("02_second.ipynb", "01_overview.ipynb"):
        copy_without_outputs(name, notebooks)
    # not NN_*.ipynb, so not run (it would fail the command if it were)
    copy_without_outputs("fails.ipynb", notebooks, as_name="scratch.ipynb")

    result = run("report", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert [re.sub(r"… \d+\.\d s$", "…", line) for line in progress] == [
        "[1/2] 01_overview.ipynb …",
        "[2/2] 02_second.ipynb …",
    ]
    executed = nbformat.read(notebooks / "02_second.ipynb", as_version=4)
    assert executed.cells[1].outputs[0].text == "second\n"
    report = tmp_path / "build" / "report"
    listing = (report / "index.html").read_text(encoding="utf-8")
    assert '<a href="01_overview.html">Fixture overview</a>' in listing
    assert '<a href="02_second.html">Second fixture</a>' in listing
    assert sorted(p.name for p in report.iterdir()) == [
        "01_overview.html",
        "02_second.html",
        "index.html",
    ]


def test_report_failure_names_the_notebook_and_cell(tmp_path):
    copy_without_outputs("fails.ipynb", tmp_path, as_name="01_fails.ipynb")
    result = run("report", "--notebooks", str(tmp_path), "--outdir", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "01_fails.ipynb: cell 3 of 4 failed" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    assert not (tmp_path / "out").exists()


def test_data_exports_every_table(tmp_path):
    result = run("data", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(
        [
            "datapackage.json",
            "fiscal_series.csv",
            "indicators.csv",
            "prefectures.csv",
            "report_figures.csv",
            "series.csv",
            "volunteers_by_prefecture.csv",
        ]
    )
    assert "wrote" in result.stdout


def test_data_refuses_a_file_as_outdir(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("x")
    assert main(["data", str(target)]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err


def test_data_needs_an_outdir(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["data"])
    assert caught.value.code == 2
    assert "OUTDIR" in capsys.readouterr().err


def test_claims_prints_every_verdict(tmp_path):
    result = run("claims", "--width", "120", "--csv", str(tmp_path / "claims.csv"))
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ claims: \d+ consistent, \d+ consistent-rounded", result.stdout)
    assert "entrants" in result.stdout
    table = (tmp_path / "claims.csv").read_text(encoding="utf-8")
    assert table.startswith("claim_id,")


def test_claims_rejects_a_silly_width(capsys):
    assert main(["claims", "--width", "10"]) == 2
    assert "--width must be at least 40" in capsys.readouterr().err


# --------------------------------------------------------------------------- expected failures


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["data", "/proc/no/such/dir"], "error: cannot write to /proc/no/such/dir"),
        (["data", "/dev/null"], "error: /dev/null exists and is not a folder"),
        (["claims", "--csv", "/no/such/dir/c.csv"],
         "error: cannot write /no/such/dir/c.csv: the folder /no/such/dir does not exist"),
        (["claims", "--csv", "/"], "error: / is a folder, not a file"),
        (["report", "--notebooks", ".", "--outdir", "/proc/x"], "error: "),
    ],
)  # fmt: skip
def test_expected_failures_are_one_line_without_traceback(argv, message, tmp_path):
    result = run(*argv, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == "", "nothing printed before the failure"


def test_bad_data_fail_in_one_line(data_copy, capsys):
    data_copy.edit("raw/series/entrants.csv", {"indicator": "foreign_entrants", "year": "2011"},
                   value="12O")  # fmt: skip
    assert main(["claims"]) == 1
    out = capsys.readouterr()
    assert out.err == (
        "error: entrants.csv, row 23: column 'value' should be a number, got '12O'\n"
    )
    assert out.out == ""
