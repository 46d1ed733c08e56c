"""The validated loader: every bad-input class gives a clear message and leaves the store unchanged.

Every test runs on both backends through ``store_url``.
"""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from helpers import CRITERIA, KEL_A, assert_unchanged, kegiatan_frame, kumuh_frame, snapshot, wilayah_frame
from shapely.geometry import LineString, Point, Polygon, box

from kotaku_gis import loader, settings
from kotaku_gis.errors import DataError, UsageError
from kotaku_gis.store import open_store


@pytest.fixture
def store(store_url, tmp_path):
    """A store holding the test boundaries, loaded through the loader itself."""
    s = open_store(store_url)
    s.init()
    path = tmp_path / "wilayah.gpkg"
    wilayah_frame().to_file(path)
    loader.load(s, "wilayah", path, report_dir=tmp_path / "laporan")
    yield s
    s.close()


def rejected(store, layer, path, tmp_path, **kwargs) -> DataError:
    """Load ``path``, expect a rejection, and check the store did not change."""
    before = snapshot(store)
    with pytest.raises(DataError) as info:
        loader.load(store, layer, path, report_dir=tmp_path / "laporan", **kwargs)
    assert_unchanged(before, snapshot(store))
    return info.value


def codes(error: DataError) -> set[str]:
    return {p.code for p in error.errors}


def write(frame: gpd.GeoDataFrame, path, **kwargs):  # type: ignore[no-untyped-def]
    pyogrio.write_dataframe(frame, path, **kwargs)
    return path


# -- boundaries and derived columns ------------------------------------------------------------------
def test_wilayah_load_derives_level_and_parent(store):
    back = store.read("wilayah").set_index("kode")
    assert back.loc["61.71.01.1001", ["tingkat", "kode_induk"]].tolist() == ["kelurahan", "61.71.01"]
    assert back.loc["61", "tingkat"] == "provinsi"
    assert pd.isna(back.loc["61", "kode_induk"])


def test_wilayah_level_that_contradicts_the_code_is_refused(store, tmp_path):
    frame = wilayah_frame()
    frame["tingkat"] = ["provinsi", "kabkota", "kelurahan", "kelurahan", "kelurahan"]
    error = rejected(store, "wilayah", write(frame, tmp_path / "w.gpkg"), tmp_path)
    [problem] = error.errors
    assert (problem.code, problem.row, problem.column) == ("derived_conflict", 3, "tingkat")
    assert "kecamatan" in problem.message()


def test_undotted_codes_are_accepted_and_stored_dotted(store, tmp_path):
    frame = kegiatan_frame()
    frame["kode_kelurahan"] = ["6171011001", "6171011001", "6171011002"]
    report = loader.load(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    assert report.summary.rows == 3
    assert sorted(store.read("kegiatan")["kode_kelurahan"]) == ["61.71.01.1001", "61.71.01.1001", "61.71.01.1002"]


def test_invalid_code_is_refused_with_row_and_column(store, tmp_path):
    frame = kegiatan_frame()
    frame["kode_kelurahan"] = ["61.71.01.1001", "617101001", "61.71.01"]
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    found = {(p.code, p.row, p.column) for p in error.errors}
    assert found == {("kode_invalid", 2, "kode_kelurahan"), ("kode_level", 3, "kode_kelurahan")}
    assert "BPS" in next(p for p in error.errors if p.code == "kode_invalid").fix()


def test_kelurahan_code_must_exist_in_wilayah(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[1, "kode_kelurahan"] = "61.71.09.1001"
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    [problem] = error.errors
    assert (problem.code, problem.row, problem.column) == ("kode_unknown", 2, "kode_kelurahan")
    assert "61.71.09.1001" in str(problem)


def test_code_outside_loaded_boundaries_is_a_warning(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[0, "kode_kelurahan"] = "32.73.01.1001"  # Bandung: its kelurahan are not loaded
    frame.loc[0, "geometry"] = Point(107.6, -6.9)
    report = loader.load(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    assert [p.code for p in report.warnings] == ["kode_unchecked"]
    assert "32.73" in report.warnings[0].message()


def test_parent_codes_beside_the_kelurahan_code_must_agree(store, tmp_path):
    frame = kegiatan_frame()
    frame["kode_kecamatan"] = ["61.71.01", "61.71.02", "6171.01"]
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    found = {(p.code, p.row, p.column) for p in error.errors}
    assert ("parent_mismatch", 2, "kode_kecamatan") in found


def test_location_outside_coded_kelurahan_is_a_warning_not_a_rejection(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[2, "geometry"] = Point(109.305, -0.045)  # coded 1002 but lies 550 m inside 1001
    report = loader.load(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    [warning] = report.warnings
    assert (warning.code, warning.row) == ("location_mismatch", 3)
    assert "61.71.01.1001" in warning.message()  # names where it actually lies
    assert report.summary.rows == 3


def test_names_tolerate_spacing_and_case_and_fill_missing_codes(store, tmp_path):
    frame = kegiatan_frame()
    frame["nama_kelurahan"] = ["BATU LAYANG", "batu-layang", "Parit Tokaya"]
    frame.loc[0, "kode_kelurahan"] = None
    report = loader.load(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    assert not report.warnings
    assert [p.code for p in report.problems if p.code == "kode_from_name"] == ["kode_from_name"]
    assert store.read("kegiatan").set_index("id_kegiatan").at["K001", "kode_kelurahan"] == "61.71.01.1001"


def test_name_that_contradicts_the_code_is_a_warning(store, tmp_path):
    frame = kegiatan_frame()
    frame["nama_kelurahan"] = ["Batulayang", "Parit Tokaya", "Parit Tokaya"]
    report = loader.load(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    assert [(p.code, p.row) for p in report.warnings] == [("name_mismatch", 2)]


# -- geometry ----------------------------------------------------------------------------------------
def test_file_without_crs_is_refused_unless_crs_given(store, tmp_path):
    shp = tmp_path / "tanpa_prj.shp"
    write(kegiatan_frame().iloc[[1, 2]], shp)
    shp.with_suffix(".prj").unlink()
    error = rejected(store, "kegiatan", shp, tmp_path)
    assert codes(error) == {"crs_missing"}
    assert "--crs" in error.errors[0].fix()
    report = loader.load(store, "kegiatan", shp, crs="EPSG:4326", report_dir=tmp_path)
    assert report.summary.rows == 2


def test_other_crs_is_reprojected(store, tmp_path):
    path = write(kegiatan_frame().to_crs(32749), tmp_path / "utm.gpkg")
    report = loader.load(store, "kegiatan", path, report_dir=tmp_path)
    assert "reprojected" in {p.code for p in report.problems}
    back = store.read("kegiatan").set_index("id_kegiatan")
    assert back.geometry.loc["K002"].distance(Point(109.305, -0.046)) < 1e-7


def test_swapped_coordinates_are_detected_and_fixed_only_on_request(store, tmp_path):
    frame = kegiatan_frame()
    frame["geometry"] = shapely.transform(frame.geometry.values, lambda c: c[:, ::-1])
    path = write(frame, tmp_path / "tertukar.gpkg")
    error = rejected(store, "kegiatan", path, tmp_path)
    assert codes(error) == {"axes_swapped"}
    assert sorted(p.row for p in error.errors) == [1, 2, 3]
    assert "--tukar-koordinat" in error.errors[0].fix()
    report = loader.load(store, "kegiatan", path, swap_xy=True, report_dir=tmp_path)
    assert {p.code for p in report.warnings} == {"axes_swapped_fixed"}
    back = store.read("kegiatan").set_index("id_kegiatan")
    assert back.geometry.loc["K002"].equals_exact(Point(109.305, -0.046), 1e-9)


def test_coordinates_outside_indonesia_are_refused(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[1, "geometry"] = Point(2.35, 48.85)
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    assert {(p.code, p.row) for p in error.errors} == {("outside_indonesia", 2)}


def test_invalid_geometry_is_repaired_and_reported(store, tmp_path):
    frame = kumuh_frame(n=1)
    bowtie = Polygon([(109.301, -0.049), (109.303, -0.047), (109.303, -0.049), (109.301, -0.047)])
    frame["geometry"] = [bowtie]
    report = loader.load(store, "kawasan_kumuh", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    [warning] = report.warnings
    assert warning.code == "geometry_repaired" and "Self-intersection" in warning.message()
    geom = store.read("kawasan_kumuh").geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    assert geom.area == pytest.approx(2 * 0.001 * 0.001, rel=1e-6)  # two triangles


def test_z_coordinates_are_dropped_and_reported(store, tmp_path):
    frame = kegiatan_frame()
    frame["geometry"] = shapely.force_3d(frame.geometry.values, 12.0)
    report = loader.load(store, "kegiatan", write(frame, tmp_path / "z.gpkg"), report_dir=tmp_path)
    assert [p.code for p in report.warnings] == ["z_dropped"]
    assert not store.read("kegiatan").has_z.any()


def test_empty_geometry_is_refused(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[0, "geometry"] = Point()
    frame.loc[2, "geometry"] = None
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    assert {(p.code, p.row) for p in error.errors} == {("geometry_missing", 1), ("geometry_missing", 3)}


def test_wrong_geometry_type_is_refused(store, tmp_path):
    # slum locations are polygons, or points when not delineated (tests/test_formats.py); never lines
    frame = kumuh_frame(n=2)
    frame.loc[1, "geometry"] = LineString([(109.305, -0.045), (109.306, -0.046)])
    error = rejected(store, "kawasan_kumuh", write(frame, tmp_path / "k.gpkg", geometry_type="Unknown"), tmp_path)
    assert {(p.code, p.row) for p in error.errors} == {("geometry_type", 2)}


def test_slum_area_is_computed_in_hectares_when_absent(store, tmp_path):
    frame = kumuh_frame(n=2)
    frame.loc[0, "luas_ha"] = 1.5
    loader.load(store, "kawasan_kumuh", write(frame, tmp_path / "k.gpkg"), report_dir=tmp_path)
    back = store.read("kawasan_kumuh").set_index("id_lokasi")
    assert back.at["L001", "luas_ha"] == 1.5  # a given area is kept as given
    # 0.001 x 0.001 degrees on the equator: about 111.3 m x 110.6 m
    assert back.at["L002", "luas_ha"] == pytest.approx(1.2308, rel=0.005)


# -- attributes --------------------------------------------------------------------------------------
def test_values_out_of_range_are_refused(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[0, "progres_fisik"] = 120.0
    frame.loc[1, "biaya_idr"] = -5.0
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    assert {(p.code, p.row, p.column) for p in error.errors} == {
        ("out_of_range", 1, "progres_fisik"), ("out_of_range", 2, "biaya_idr")}
    assert "0–100 %" in error.errors[0].message()


def test_unknown_vocabulary_value_is_refused_and_labels_are_accepted(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[0, "jenis"] = "Jalan Lingkungan"  # the label, not the code: accepted
    frame.loc[1, "status"] = "SELESAI"  # case: accepted
    frame.loc[2, "jenis"] = "jalan tol"
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    [problem] = error.errors
    assert (problem.code, problem.row, problem.column) == ("vocab_unknown", 3, "jenis")
    assert "jalan_lingkungan" in problem.fix()
    frame.loc[2, "jenis"] = "proteksi_kebakaran"
    loader.load(store, "kegiatan", write(frame, tmp_path / "k2.gpkg"), report_dir=tmp_path)
    back = store.read("kegiatan").set_index("id_kegiatan")
    assert back.at["K001", "jenis"] == "jalan_lingkungan" and back.at["K002", "status"] == "selesai"


def test_duplicate_keys_are_refused(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[2, "id_kegiatan"] = "K001"
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    [problem] = error.errors
    assert (problem.code, problem.row, problem.params["other"]) == ("duplicate_key", 3, 1)


def test_missing_required_column_is_refused_and_can_be_mapped(store, tmp_path):
    frame = kegiatan_frame().rename(columns={"kode_kelurahan": "KD_KEL"})
    path = write(frame, tmp_path / "k.gpkg")
    error = rejected(store, "kegiatan", path, tmp_path)
    assert codes(error) == {"column_missing"}
    assert "--kolom" in error.errors[0].fix()
    report = loader.load(store, "kegiatan", path, columns={"KD_KEL": "kode_kelurahan"}, report_dir=tmp_path)
    assert report.summary.rows == 3


def test_bad_numbers_booleans_and_periods_are_refused(store, tmp_path):
    frame = pd.DataFrame(kegiatan_frame().drop(columns="geometry")).astype(str)
    frame["lon"] = ["109,301", "109.305", "109.315"]  # a decimal comma is fine
    frame["lat"] = ["-0.045", "-0.046", "-0.045"]
    frame["progres_fisik"] = ["100", "empat puluh", "0"]
    frame["dampak_negatif"] = ["tidak", "mungkin", "ya"]
    frame["periode"] = ["2026Q3", "2026 Q3", "Q3-2026"]
    frame["biaya_idr"] = ["350000000", "", ""]
    path = tmp_path / "k.csv"
    frame.to_csv(path, index=False)
    error = rejected(store, "kegiatan", path, tmp_path)
    assert {(p.code, p.row, p.column) for p in error.errors} == {
        ("number_invalid", 3, "progres_fisik"),
        ("boolean_invalid", 3, "dampak_negatif"),
        ("periode_invalid", 4, "periode"),
    }


def test_incomplete_assessment_names_the_missing_criteria(store, tmp_path):
    frame = kumuh_frame(n=3)
    frame.loc[0, ["kriteria_2b", "kriteria_7a"]] = None
    frame.loc[1, CRITERIA] = None
    frame.loc[1, "nilai_kekumuhan"] = 42.0  # total only: fine
    error = rejected(store, "kawasan_kumuh", write(frame, tmp_path / "k.gpkg"), tmp_path)
    [problem] = error.errors
    assert (problem.code, problem.row) == ("incomplete_group", 1)
    assert "kriteria_2b, kriteria_7a" in problem.message()


def test_report_and_rejected_rows_are_written(store, tmp_path):
    frame = kegiatan_frame()
    frame.loc[1, "progres_fisik"] = 150.0
    error = rejected(store, "kegiatan", write(frame, tmp_path / "masuk.gpkg"), tmp_path)
    report = pd.read_csv(error.report_path)
    assert report.columns.tolist() == ["tingkat", "berkas", "baris", "kolom", "masalah", "perbaikan"]
    assert report.loc[0, ["berkas", "baris", "kolom"]].tolist() == ["masuk.gpkg", 2, "progres_fisik"]
    rows = pd.read_csv(tmp_path / "laporan" / "masuk_kegiatan_ditolak.csv")
    assert rows["id_kegiatan"].tolist() == ["K002"] and "150" in rows.loc[0, "masalah"]
    assert len(gpd.read_file(tmp_path / "laporan" / "masuk_kegiatan_ditolak.gpkg")) == 1


def test_messages_in_english(store, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "language", "en")
    frame = kegiatan_frame()
    frame.loc[0, "progres_fisik"] = 120.0
    error = rejected(store, "kegiatan", write(frame, tmp_path / "k.gpkg"), tmp_path)
    assert "outside the range" in str(error) and "row 1" in str(error)


# -- formats -----------------------------------------------------------------------------------------
def test_zipped_shapefile_with_legacy_encoding(store, tmp_path):
    frame = kegiatan_frame().iloc[[1, 2]].reset_index(drop=True)  # points only: one type per Shapefile
    frame.loc[0, "nama"] = "Jalan Kampung Bédjo – Señor"
    folder = tmp_path / "shp"
    folder.mkdir()
    write(frame, folder / "kegiatan.shp", encoding="cp1252")
    (folder / "kegiatan.cpg").unlink(missing_ok=True)
    archive = tmp_path / "kegiatan.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    report = loader.load(store, "kegiatan", archive, report_dir=tmp_path)
    assert "encoding_guessed" in {p.code for p in report.problems}
    assert store.read("kegiatan").set_index("id_kegiatan").at["K002", "nama"] == "Jalan Kampung Bédjo – Señor"


@pytest.mark.parametrize("suffix", [".geojson", ".kml", ".kmz", ".xlsx", "_wkt.csv"])
def test_every_format_loads_the_same_rows(store, tmp_path, suffix):
    frame = kegiatan_frame()
    path = tmp_path / f"kegiatan{suffix}"
    if suffix in (".geojson", ".kml"):
        write(frame, path, driver="GeoJSON" if suffix == ".geojson" else "LIBKML")
    elif suffix == ".kmz":
        write(frame, path, driver="LIBKML")
    else:
        table = pd.DataFrame(frame.drop(columns="geometry"))
        table["wkt"] = frame.geometry.to_wkt()
        if suffix == ".xlsx":
            table = table.drop(columns="wkt")
            table["bujur"] = [109.301, 109.305, 109.315]
            table["lintang"] = [-0.045, -0.046, -0.045]
            table = table.iloc[1:]
            table.to_excel(path, index=False)
        else:
            table.to_csv(path, index=False)
    kwargs = {"crs": "EPSG:4326"} if suffix.endswith(".csv") else {}
    report = loader.load(store, "kegiatan", path, report_dir=tmp_path, **kwargs)
    back = store.read("kegiatan").set_index("id_kegiatan")
    expected = frame.set_index("id_kegiatan").loc[back.index]
    assert report.summary.rows == len(back)
    assert back["jenis"].tolist() == expected["jenis"].tolist()
    assert back["progres_fisik"].tolist() == expected["progres_fisik"].tolist()
    assert all(a.equals_exact(b, 1e-9) for a, b in zip(back.geometry, expected.geometry) if a.geom_type == "Point")


def test_wdpa_file_through_the_mapping(store, tmp_path):
    wdpa = gpd.GeoDataFrame(
        {"WDPAID": [555001, 555002], "NAME": ["Mangrove Uji", "Tahura Uji"],
         "DESIG": ["Taman Wisata Alam Laut", "Taman Hutan Raya"], "IUCN_CAT": ["V", "II"],
         "STATUS": ["Designated", "Designated"], "REP_AREA": [1.2, 3.4]},
        geometry=[box(109.30, -0.05, 109.301, -0.049), box(109.31, -0.05, 109.311, -0.049)],
        crs="EPSG:4326",
    )
    loader.load(store, "kawasan_lindung", write(wdpa, tmp_path / "wdpa.gpkg"), mapping="wdpa", report_dir=tmp_path)
    back = store.read("kawasan_lindung").set_index("id_kawasan")
    assert back.loc["555001", ["kategori", "sumber", "iucn_kat"]].tolist() == ["taman_laut", "WDPA", "V"]
    assert back.at["555002", "kategori"] == "hutan_konservasi"
    with pytest.raises(UsageError, match="wdpa"):
        loader.load(store, "kawasan_lindung", tmp_path / "wdpa.gpkg", mapping="tidak_ada")


@pytest.mark.usefixtures("english")
def test_unknown_layer_and_missing_file_are_usage_errors(store, tmp_path):
    with pytest.raises(UsageError, match="kawasan_kumuh"):
        loader.load(store, "jalan", tmp_path / "x.gpkg")
    with pytest.raises(UsageError, match="not found"):
        loader.load(store, "kegiatan", tmp_path / "tidak_ada.gpkg")


def test_reloading_upserts_by_key_and_ganti_replaces_the_files_areas(store, tmp_path):
    loader.load(store, "kegiatan", write(kegiatan_frame("2026Q2"), tmp_path / "q2.gpkg"), report_dir=tmp_path)
    loader.load(store, "kegiatan", write(kegiatan_frame("2026Q3"), tmp_path / "q3.gpkg"), report_dir=tmp_path)
    fewer = kegiatan_frame("2026Q3").iloc[:1]
    report = loader.load(store, "kegiatan", write(fewer, tmp_path / "q3b.gpkg"), report_dir=tmp_path)
    assert (report.summary.added_rows, report.summary.replaced_rows, report.summary.removed_rows) == (0, 1, 0)
    assert store.read("kegiatan").groupby("periode").size().to_dict() == {"2026Q2": 3, "2026Q3": 3}
    report = loader.load(store, "kegiatan", write(fewer, tmp_path / "q3b.gpkg"), ganti="kabkota", report_dir=tmp_path)
    assert (report.summary.added_rows, report.summary.replaced_rows, report.summary.removed_rows) == (0, 1, 2)
    assert store.read("kegiatan").groupby("periode").size().to_dict() == {"2026Q2": 3, "2026Q3": 1}


def test_dry_run_writes_nothing(store, tmp_path):
    before = snapshot(store)
    report = loader.load(store, "kegiatan", write(kegiatan_frame(), tmp_path / "k.gpkg"), dry_run=True, report_dir=tmp_path)
    assert report.summary is None
    assert_unchanged(before, snapshot(store))


def test_prepare_is_pure_and_keeps_kel_a_geometry():
    from kotaku_gis.files import Source

    frame = kegiatan_frame()
    frame["_baris"] = [1, 2, 3]
    rows, problems = loader.prepare("kegiatan", Source(__import__("pathlib").Path("x.gpkg"), frame))
    assert not [p for p in problems if p.severity == "error"]
    assert rows.geometry.iloc[1].within(KEL_A)


def test_boundaries_whose_parent_is_not_loaded_are_a_warning(store_url, tmp_path):
    s = open_store(store_url)
    s.init()
    kelurahan = wilayah_frame().iloc[[3, 4]]
    report = loader.load(s, "wilayah", write(kelurahan, tmp_path / "kel.gpkg"), report_dir=tmp_path)
    [warning] = report.warnings
    assert warning.code == "parent_absent" and "61.71.01" in warning.message()
    assert report.summary.rows == 2
    s.close()


def test_codes_cannot_be_checked_before_boundaries_are_loaded(store_url, tmp_path):
    s = open_store(store_url)
    s.init()
    report = loader.load(s, "kegiatan", write(kegiatan_frame(), tmp_path / "k.gpkg"), report_dir=tmp_path)
    assert [p.code for p in report.warnings] == ["kode_unchecked"]
    assert "61.71" in report.warnings[0].message()
    s.close()


def test_assessment_is_checked_against_its_rule_set(store, tmp_path):
    frame = kumuh_frame(n=2)
    frame.loc[0, CRITERIA] = None
    frame.loc[0, "nilai_kekumuhan"] = 85.0  # above the 80 of Permen 14/2018
    frame.loc[1, "nilai_kekumuhan"] = 70.0  # the criteria say 16: reported, criteria win
    error = rejected(store, "kawasan_kumuh", write(frame, tmp_path / "k.gpkg"), tmp_path)
    assert {(p.code, p.row) for p in error.errors} == {("scoring_total_out_of_range", 1)}
    assert ("scoring_total_disagrees", 2) in {(p.code, p.row) for p in error.problems}
