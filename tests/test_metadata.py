"""The data dictionary describes every column the loaders return, and is current."""

import json

import pytest

from analysis import data, metadata


def test_committed_datapackage_is_current():
    committed = json.loads((data.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == metadata.datapackage(), "run `make datapackage` and commit the result"


def test_datapackage_resources_exist_and_headers_match():
    for res in metadata.datapackage()["resources"]:
        path = data.DATA_DIR / res["path"]
        assert path.exists(), res["path"]
        if res["format"] == "csv":
            header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
            assert header == [f["name"] for f in res["schema"]["fields"]]


@pytest.mark.parametrize(
    "frame",
    [
        lambda: data.report_figures(),
        lambda: data.load("foreign_entrants"),
        lambda: data.volunteers_by_prefecture(),
        lambda: data.indicators(),
    ],
    ids=["report_figures", "load", "volunteers_by_prefecture", "indicators"],
)
def test_every_loader_column_is_described(frame):
    undescribed = set(frame().columns) - set(metadata.COLUMNS)
    assert not undescribed


def test_every_indicator_has_a_unit_and_caveats():
    for ind in metadata.INDICATORS:
        assert ind.unit in data.UNITS
        assert ind.caveats and ind.description


def test_columns_with_units_say_so_in_their_name_or_unit_field():
    for name in ("jocv_cumulative_persons", "sv_2012_persons", "year"):
        assert metadata.COLUMNS[name].unit
