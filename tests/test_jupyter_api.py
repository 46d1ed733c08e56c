"""The Python API as used from Jupyter: ``kg.connect``, ``kg.check`` and how objects display."""

from __future__ import annotations

import pyogrio
import pytest
import shapely
from helpers import assert_unchanged, kegiatan_frame, snapshot, wilayah_frame

import kotaku_gis as kg
from kotaku_gis import display
from kotaku_gis.errors import DataError, Problem
from kotaku_gis.loader import LoadReport


@pytest.fixture
def store(gpkg_url, tmp_path):
    s = kg.connect(gpkg_url)
    s.init()
    path = tmp_path / "wilayah.gpkg"
    wilayah_frame().to_file(path)
    kg.load(s, "wilayah", path, report_dir=tmp_path / "laporan")
    yield s
    s.close()


def test_connect_is_open_store():
    assert kg.connect is kg.open_store
    assert "connect" in kg.__all__ and "check" in kg.__all__


def test_check_returns_the_report_of_a_rejected_file_and_changes_nothing(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[1, "kode_kelurahan"] = "61.71.09.1001"  # no such kelurahan
    path = tmp_path / "kegiatan.gpkg"
    pyogrio.write_dataframe(frame, path)
    before = snapshot(store)

    report = kg.check(store, "kegiatan", path, report_dir=tmp_path / "laporan")

    assert_unchanged(before, snapshot(store))
    assert report.summary is None and report.rows_read == 3
    assert [(p.code, p.row, p.column) for p in report.errors] == [("kode_unknown", 2, "kode_kelurahan")]
    assert report.report_path is not None and report.report_path.is_file()
    table = report.to_frame()
    assert table.loc[0, "baris"] == 2 and table.loc[0, "kolom"] == "kode_kelurahan"
    # the same problems as the exception a dry run raises
    with pytest.raises(DataError) as info:
        kg.load(store, "kegiatan", path, dry_run=True, report_dir=tmp_path / "laporan")
    assert info.value.problems == report.problems


def test_check_of_a_clean_file_equals_a_dry_run_and_stores_nothing(store, tmp_path):
    path = tmp_path / "kegiatan.gpkg"
    pyogrio.write_dataframe(kegiatan_frame(), path)
    report = kg.check(store, "kegiatan", path, report_dir=tmp_path / "laporan")
    dry = kg.load(store, "kegiatan", path, dry_run=True, report_dir=tmp_path / "laporan")
    assert not report.errors and report.summary is None
    assert report.problems == dry.problems
    assert len(store.read("kegiatan")) == 0


def test_check_passes_options_through(store, tmp_path):
    frame = kegiatan_frame()
    frame["geometry"] = shapely.transform(frame.geometry.values, lambda c: c[:, ::-1])  # (lat, lon)
    frame = frame.rename(columns={"kode_kelurahan": "KD_KEL"})
    path = tmp_path / "kegiatan.gpkg"
    pyogrio.write_dataframe(frame, path)
    laporan = tmp_path / "laporan"
    assert {p.code for p in kg.check(store, "kegiatan", path, report_dir=laporan).errors} == {"column_missing"}
    mapped = kg.check(store, "kegiatan", path, columns={"KD_KEL": "kode_kelurahan"}, report_dir=laporan)
    assert {p.code for p in mapped.errors} == {"axes_swapped"}
    fixed = kg.check(store, "kegiatan", path, swap_xy=True, columns={"KD_KEL": "kode_kelurahan"},
                     report_dir=tmp_path / "laporan")
    assert not fixed.errors
    assert {p.code for p in fixed.warnings} == {"axes_swapped_fixed"}


def test_load_report_html_says_what_happened(store, tmp_path):
    path = tmp_path / "kegiatan.gpkg"
    pyogrio.write_dataframe(kegiatan_frame(), path)
    checked = kg.check(store, "kegiatan", path, report_dir=tmp_path / "laporan")
    assert "uji saja" in checked._repr_html_()
    loaded = kg.load(store, "kegiatan", path, report_dir=tmp_path / "laporan")
    html = display.load_report_html(loaded, lang="en")
    assert "Loaded: 3 new rows, 0 replaced, 0 removed (2026Q3)." in html
    assert "<td>61.71</td>" in html  # the rows per kab/kota and period


def test_load_report_html_escapes_what_users_typed():
    problem = Problem("vocab_unknown", "<b>kota</b>.csv", 2, "jenis", "error",
                      {"value": "<script>x</script>", "allowed": "a, b"})
    html = display.load_report_html(LoadReport("kegiatan", "<b>kota</b>.csv", 2, [problem]), lang="en")
    assert "<script>" not in html and "<b>kota</b>" not in html
    assert "Rejected" in html and "&lt;script&gt;" in html


def test_store_display_never_shows_a_password(tmp_path):
    store = kg.connect("postgresql://budi:rahasia@127.0.0.1:1/kotaku")
    assert "rahasia" not in repr(store)
    assert "rahasia" not in store.display_url and "budi" in store.display_url
    html = store._repr_html_()  # cannot connect: says so without raising, and without the URL's secret
    assert "rahasia" not in html and "PostGIS" in html


def test_store_display_lists_the_layers(store, gpkg_url):
    html = store._repr_html_()
    assert "GeoPackage" in html and "wilayah" in html and "<table" in html
    assert repr(store) == f"<GeoPackageStore {gpkg_url}>"


def test_store_display_of_an_uninitialised_store(tmp_path):
    html = display.store_html(kg.connect(tmp_path / "baru.gpkg"), lang="en")
    assert "Not initialised" in html
