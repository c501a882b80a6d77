"""The data dictionary: generated from analysis.metadata, current, and accepted by Frictionless."""

import json

import pytest
from frictionless import validate

from analysis import data, metadata
from analysis.datadir import data_dir


def test_committed_datapackage_is_current():
    committed = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == metadata.datapackage(), "run `make datapackage` and commit the result"


def test_the_reference_validator_accepts_the_data_folder():
    """`frictionless validate data/datapackage.json`: every file against its schema."""
    report = validate(str(data_dir() / "datapackage.json"))
    errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.valid, errors[:10]


def test_the_reference_validator_accepts_an_export(tmp_path):
    data.export(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert len(report.tasks) == len(data.tidy_tables())


def test_the_reference_validator_catches_what_the_schema_declares(tmp_path):
    """A constraint in metadata reaches the descriptor: a bad unit fails Frictionless too."""
    data.export(tmp_path)
    series = tmp_path / "series.csv"
    series.write_text(series.read_text(encoding="utf-8").replace(",persons,", ",people,", 1))
    report = validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert report.flatten(["fieldName", "type"])[0] == ["unit", "constraint-error"]


def test_every_series_file_is_a_resource_with_its_primary_key():
    resources = {r["path"]: r for r in metadata.datapackage()["resources"]}
    for stem, time in metadata.series_files().items():
        res = resources[f"raw/series/{stem}.csv"]
        assert res["schema"]["primaryKey"] == ["indicator", "key", time]
        header = (data_dir() / res["path"]).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [f["name"] for f in res["schema"]["fields"]]


@pytest.mark.parametrize(
    "frame",
    [
        lambda: data.report_figures(),
        lambda: data.load("foreign_entrants"),
        lambda: data.load("ngo_grant_projects"),
        lambda: data.volunteers_by_prefecture(),
        lambda: data.indicators(),
    ],
    ids=["report_figures", "load", "load_fiscal", "volunteers_by_prefecture", "indicators"],
)
def test_every_loader_column_is_described(frame):
    assert not set(frame().columns) - set(metadata.COLUMNS)


def test_every_indicator_is_fully_described():
    for ind in metadata.INDICATORS:
        assert ind.unit in metadata.UNITS
        assert ind.caveats and ind.description
        assert set(ind.bases) <= set(metadata.BASES)
        assert ind.total is None or ind.total in metadata.INDICATOR_BY_NAME


def test_allowed_values_are_declared_once():
    """The enum constraints of the descriptor are the metadata vocabularies themselves."""
    fields = {
        f["name"]: f
        for r in metadata.datapackage()["resources"]
        if r["name"] == "series_entrants"
        for f in r["schema"]["fields"]
    }
    assert fields["unit"]["constraints"]["enum"] == list(metadata.UNITS)
    assert fields["status"]["constraints"]["enum"] == list(metadata.STATUSES)
    assert fields["basis"]["constraints"]["enum"] == list(metadata.BASES)


def test_columns_with_units_say_so_in_their_name_or_unit_field():
    for name in ("jocv_cumulative_persons", "sv_2012_persons", "year", "fiscal_year"):
        assert metadata.COLUMNS[name].unit


def test_export_refuses_undescribed_columns():
    with pytest.raises(KeyError, match="mystery_column"):
        metadata.export_datapackage({"t": ["year", "mystery_column"]})
