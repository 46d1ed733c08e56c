"""Bad files and bad stores: one line naming the file (row, column) and the fix, exit status 1, the
store unchanged. Each class on both stores, through the command line as users meet it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely
import sqlalchemy as sa
from helpers import assert_unchanged, kegiatan_frame, snapshot, wilayah_frame

from kotaku_gis import cli, files, loader, settings
from kotaku_gis.errors import DataError
from kotaku_gis.store import _schema, open_store


@pytest.fixture
def store(store_url, tmp_path):
    s = open_store(store_url)
    s.init()
    path = tmp_path / "wilayah.gpkg"
    pyogrio.write_dataframe(wilayah_frame(), path)
    loader.load(s, "wilayah", path, report_dir=tmp_path)
    yield s
    s.close()


def refused(store, store_url, tmp_path, capsys, path, *extra: str, layer: str = "kegiatan") -> str:
    """Load ``path`` with the CLI: exit status 1, nothing changed; the message (stderr)."""
    before = snapshot(store)
    argv = ["--db", store_url, "load", layer, str(path), "--laporan", str(tmp_path / "laporan"), *extra]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "penggunaan salah" not in err
    assert_unchanged(before, snapshot(store))
    return err


def kegiatan_csv(tmp_path, name="k.csv", above: str = "") -> Path:
    frame = pd.DataFrame(kegiatan_frame().drop(columns="geometry"))
    frame["lon"], frame["lat"] = [109.301, 109.305, 109.315], [-0.045, -0.046, -0.045]
    path = tmp_path / name
    path.write_text(above + frame.to_csv(index=False), encoding="utf-8")
    return path


# -- geometry that cannot be measured -----------------------------------------------------------------
def test_nan_coordinates_name_the_row(store, store_url, tmp_path, capsys):
    frame = kegiatan_frame()
    frame.loc[1, "geometry"] = shapely.LineString([(109.305, -0.046), (float("nan"), -0.046)])
    path = tmp_path / "nan.gpkg"
    pyogrio.write_dataframe(frame, path)
    err = refused(store, store_url, tmp_path, capsys, path)
    assert "nan.gpkg, baris 2, kolom geometry" in err and "NaN" in err


def test_infinite_coordinates_in_a_table_name_the_row(store, store_url, tmp_path, capsys):
    path = kegiatan_csv(tmp_path)
    path.write_text(path.read_text().replace("109.305", "inf"), encoding="utf-8")
    err = refused(store, store_url, tmp_path, capsys, path)
    assert "k.csv, baris 3, kolom lon" in err


# -- empty, truncated and damaged files ---------------------------------------------------------------
FORMATS = [".csv", ".xlsx", ".gpkg", ".geojson", ".kml", ".kmz", ".zip", ".shp"]


def a_good_file(tmp_path, suffix: str) -> Path:
    frame = kegiatan_frame()
    if suffix in (".zip", ".shp"):  # one geometry type per Shapefile
        frame["geometry"] = frame.geometry.representative_point()
    path = tmp_path / f"k{suffix}"
    if suffix == ".csv":
        return kegiatan_csv(tmp_path)
    if suffix == ".xlsx":
        table = pd.read_csv(kegiatan_csv(tmp_path, "k0.csv"))
        table.to_excel(path, index=False)
        return path
    if suffix == ".kmz":
        pyogrio.write_dataframe(frame, tmp_path / "doc.kml", driver="KML")
        with zipfile.ZipFile(path, "w") as zf:
            zf.write(tmp_path / "doc.kml", "doc.kml")
        return path
    if suffix == ".zip":
        pyogrio.write_dataframe(frame, tmp_path / "k.shp")
        with zipfile.ZipFile(path, "w") as zf:
            for part in tmp_path.glob("k.*"):
                if part.suffix != ".zip":
                    zf.write(part, part.name)
        return path
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".kml": "KML", ".shp": "ESRI Shapefile"}[suffix]
    pyogrio.write_dataframe(frame, path, driver=driver)
    return path


@pytest.mark.parametrize("suffix", FORMATS)
def test_an_empty_file_of_every_format(store, store_url, tmp_path, capsys, suffix):
    path = tmp_path / f"kosong{suffix}"
    path.write_bytes(b"")
    err = refused(store, store_url, tmp_path, capsys, path)
    assert f"kosong{suffix}" in err and "kosong (0 bait)" in err and "Perbaikan" in err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".gpkg", ".geojson", ".kml", ".kmz", ".zip"])
def test_a_truncated_file_of_every_format(store, store_url, tmp_path, capsys, suffix):
    good = a_good_file(tmp_path, suffix)
    data = good.read_bytes()
    cut = tmp_path / f"potong{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    err = refused(store, store_url, tmp_path, capsys, cut)
    assert f"potong{suffix}" in err and "Perbaikan" in err
    assert len(err.strip().splitlines()) <= 3  # the head line and the problem, never GDAL's wall of text


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_a_shapefile_missing_a_part_says_which(store, store_url, tmp_path, capsys, part):
    path = a_good_file(tmp_path, ".shp")
    path.with_suffix(part).unlink()
    err = refused(store, store_url, tmp_path, capsys, path)
    assert f"Bagian Shapefile {part} tidak ada" in err


def test_a_header_only_file_is_no_load(store, store_url, tmp_path, capsys):
    path = tmp_path / "kepala.csv"
    path.write_text("id_kegiatan,kode_kelurahan,nama,jenis,periode,status,lon,lat\n", encoding="utf-8")
    err = refused(store, store_url, tmp_path, capsys, path)
    assert "tidak berisi satu baris data pun" in err
    assert store.loads()["layer"].tolist() == ["wilayah"]  # not recorded as a load


# -- tables with title rows ----------------------------------------------------------------------------
def test_title_rows_above_the_header_are_skipped(store, tmp_path):
    path = kegiatan_csv(tmp_path, above="LAMPIRAN KEGIATAN KOTA PONTIANAK\nTahun 2026,,,\n\n")
    report = loader.load(store, "kegiatan", path, report_dir=tmp_path)
    assert report.summary.rows == 3
    [note] = [p for p in report.problems if p.code == "header_row_found"]
    assert note.params == {"row": 4, "skipped": 3}
    problem_rows = store.read("kegiatan").sort_values("id_kegiatan")
    assert problem_rows["id_kegiatan"].tolist() == ["K001", "K002", "K003"]


def test_title_rows_in_a_workbook_and_row_numbers_as_excel_shows_them(store, tmp_path):
    table = pd.read_csv(kegiatan_csv(tmp_path), dtype=str)
    table.loc[1, "progres_fisik"] = "empat puluh"
    path = tmp_path / "k.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["DAFTAR KEGIATAN"]]).to_excel(writer, header=False, index=False)
        table.to_excel(writer, startrow=2, index=False)
    with pytest.raises(DataError) as caught:
        loader.load(store, "kegiatan", path, report_dir=tmp_path)
    [problem] = caught.value.errors
    assert (problem.row, problem.column) == (5, "progres_fisik")  # header on line 3, K002 on line 5


def test_a_table_whose_header_cannot_be_found_says_which_row_looked_like_it(store, store_url, tmp_path, capsys):
    path = tmp_path / "tanpa.csv"
    path.write_text("Judul\nid_kegiatan,nama,x,y\nK1,Jalan,109.3,-0.04\n", encoding="utf-8")
    err = refused(store, store_url, tmp_path, capsys, path)
    assert "baris 2 tampaknya kepala kolom: id_kegiatan, nama, x, y" in err


# -- mappings and numbers ------------------------------------------------------------------------------
def test_a_mapping_naming_a_column_the_file_lacks_names_its_line(store, store_url, tmp_path, capsys):
    mapping = tmp_path / "kota.yml"
    mapping.write_text("layer: kegiatan\ncolumns:\n  id_kegiatan: id_kegiatan\n  BIAYA_RP: biaya_idr\n", encoding="utf-8")
    err = refused(store, store_url, tmp_path, capsys, kegiatan_csv(tmp_path), "--mapping", str(mapping))
    assert "kota.yml, baris 4, kolom BIAYA_RP" in err and "k.csv" in err


def test_constants_fill_every_row_and_defaults_fill_empty_cells(store, tmp_path):
    path = kegiatan_csv(tmp_path)
    mapping = tmp_path / "kota.yml"
    mapping.write_text("layer: kegiatan\ncolumns: {}\ndefaults:\n  biaya_idr: 1000\n"
                       "constants:\n  persetujuan_tertulis: SK-1/2026\n", encoding="utf-8")
    report = loader.load(store, "kegiatan", path, mapping=mapping, report_dir=tmp_path)
    assert [p.params["count"] for p in report.problems if p.code == "mapping_default_filled"] == [1]
    rows = store.read("kegiatan").set_index("id_kegiatan")
    assert rows["biaya_idr"].to_dict() == {"K001": 350_000_000.0, "K002": 120_000_000.0, "K003": 1000.0}
    assert set(rows["persetujuan_tertulis"]) == {"SK-1/2026"}


def test_a_constant_for_a_column_the_file_has_is_a_usage_error(store, store_url, tmp_path, capsys):
    mapping = tmp_path / "kota.yml"
    mapping.write_text("layer: kegiatan\ncolumns: {}\nconstants:\n  nama: Jalan\n", encoding="utf-8")
    argv = ["--db", store_url, "load", "kegiatan", str(kegiatan_csv(tmp_path)), "--mapping", str(mapping)]
    assert cli.main(argv) == 2
    assert "kota.yml, baris 4" in capsys.readouterr().err


def test_an_ambiguous_number_names_row_column_and_both_readings(store, store_url, tmp_path, capsys):
    path = kegiatan_csv(tmp_path)
    frame = pd.read_csv(path, dtype=str)
    frame["progres_fisik"] = ["12.500", "45.5", "0"]  # 45.5 shows the English notation: 12.5 then
    frame["kapasitas_tampungan_m3"] = ["1.250", "", ""]  # alone and ambiguous
    frame.to_csv(path, index=False)
    err = refused(store, store_url, tmp_path, capsys, path)
    assert "k.csv, baris 2, kolom kapasitas_tampungan_m3" in err and "1250" in err and "1.25" in err
    assert "progres_fisik" not in err


def test_rupiah_in_indonesian_notation_are_never_divided_by_a_thousand(store, tmp_path):
    path = kegiatan_csv(tmp_path)
    frame = pd.read_csv(path, dtype=str)
    frame["biaya_idr"] = ["350.000", "Rp 1.250.000,50", "75.000,-"]
    frame.to_csv(path, index=False)
    report = loader.load(store, "kegiatan", path, report_dir=tmp_path)
    assert any(p.code == "number_notation" for p in report.problems)
    biaya = store.read("kegiatan").set_index("id_kegiatan")["biaya_idr"].to_dict()
    assert biaya == {"K001": 350_000.0, "K002": 1_250_000.5, "K003": 75_000.0}


def test_columns_the_catalogue_lacks_that_hold_data_are_warned(store, tmp_path):
    path = kegiatan_csv(tmp_path)
    frame = pd.read_csv(path, dtype=str).drop(columns="progres_fisik")
    frame["progres_keuangan"] = ["10", "20", "30"]
    frame["catatan_lapangan"] = ["baik", "baik", "ditunda"]
    frame.to_csv(path, index=False)
    report = loader.load(store, "kegiatan", path, report_dir=tmp_path)
    [warning] = [p for p in report.warnings if p.code == "column_not_loaded"]
    assert warning.column == "progres_keuangan" and "--kolom progres_keuangan=progres_fisik" in warning.fix()
    assert any(p.code == "columns_ignored" and "catatan_lapangan" in p.message() for p in report.problems)


# -- stores that cannot be written ---------------------------------------------------------------------
@contextlib.contextmanager
def read_only_copy(path: Path):
    """A copy of a GeoPackage the process cannot write (a read-only mount when run as root)."""
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
        yield path
        return
    mount = path.parent / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=True)
    try:
        shutil.copy(path, mount / path.name)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / path.name
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_geopackage_says_so(tmp_path, capsys):
    db = tmp_path / "k.gpkg"
    assert cli.main(["--db", str(db), "load", "wilayah", str(_wilayah_file(tmp_path))]) == 0
    capsys.readouterr()
    with read_only_copy(db) as ro:
        before = ro.read_bytes()
        argv = ["--db", str(ro), "load", "kegiatan", str(kegiatan_csv(tmp_path)), "--laporan", str(tmp_path)]
        assert cli.main(argv) == 1
        err = capsys.readouterr().err
        assert "hanya-baca" in err and "Traceback" not in err
        assert ro.read_bytes() == before


def _wilayah_file(tmp_path) -> Path:
    path = tmp_path / "wilayah.gpkg"
    pyogrio.write_dataframe(wilayah_frame(), path)
    return path


def test_a_store_of_a_newer_schema_gets_one_message_everywhere(store, store_url, tmp_path, capsys):
    with store.engine.begin() as conn:
        conn.execute(sa.update(store.meta).values(value=str(_schema.SCHEMA_VERSION + 1)))
    messages = set()
    for argv in (["layers"], ["load", "kegiatan", str(kegiatan_csv(tmp_path))], ["init"]):
        assert cli.main(["--db", store_url, *argv]) == 1
        messages.add(capsys.readouterr().err)
    [message] = messages
    assert "lebih baru" in message and "perbarui kotaku-gis" in message


def test_a_locked_store_waits_then_names_the_writer(store, store_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(settings, "store_lock_timeout_s", 1.0)
    path = kegiatan_csv(tmp_path)
    loader.load(store, "kegiatan", path, report_dir=tmp_path)
    holder = open_store(store_url)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:  # another load, in the middle of its transaction
        table = holder.tables["kegiatan"]
        with holder._write_transaction("write kegiatan from kota_lain.gpkg") as conn:
            conn.execute(sa.delete(table).where(table.c.id_kegiatan == "K001"))
            holding.set()
            release.wait(30)
            raise RuntimeError("rolled back")  # changes nothing

    worker = threading.Thread(target=_run, args=(hold,))
    worker.start()
    try:
        assert holding.wait(30)
        err = refused(store, store_url, tmp_path, capsys, path)
        assert "sedang ditulis oleh proses lain" in err and "kota_lain.gpkg" in err
    finally:
        release.set()
        worker.join()
        holder.close()


def _run(fn) -> None:
    with contextlib.suppress(RuntimeError):
        fn()


def test_unreadable_is_one_problem_with_the_fix(tmp_path):
    path = tmp_path / "rusak.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(DataError) as caught:
        files.read_vector(path)
    [problem] = caught.value.problems
    assert problem.code == "file_corrupt" and problem.file == "rusak.gpkg"


def test_a_csv_in_no_utf8_nor_cp1252_is_read_as_latin1(tmp_path):
    """Bytes Windows-1252 leaves undefined (0x81) fall back to Latin-1 (``settings.legacy_encodings``)."""
    path = tmp_path / "lama.csv"
    path.write_bytes("id_kegiatan,nama,lon,lat\nK1,Jalan Gang Mawar \u00e9,109.30,-0.04\n".encode("latin-1") + b"K2,Gang \x81,109.31,-0.04\n")
    source = files.read_vector(path)
    assert source.frame["nama"].tolist()[1] == "Gang \x81"
    assert [p.params for p in source.notes if p.code == "encoding_guessed"] == [{"encoding": "latin-1"}]


def test_formula_safe_csv_of_every_kind_of_column(tmp_path):
    """A CSV's text cells are made formula-safe whatever the column's dtype (object, Arrow strings,
    categories), and every other cell is written as it is: numbers, missing values, booleans, dates
    and timestamps in object columns, texts mixed with numbers."""
    import datetime as dt

    import numpy as np

    frame = pd.DataFrame({
        "oi": pd.Series([1, None, 3], dtype=object), "ci": pd.Categorical([1, None, 3]),
        "ots": pd.Series([pd.Timestamp("2026-01-01"), None, pd.Timestamp("2026-01-02")], dtype=object),
        "s": ["=x", None, "ok"], "ps": pd.array(["-1+2", None, "a"], dtype="string[pyarrow]"),
        "cs": pd.Categorical(["@a", "b", None]), "of": pd.Series([1.5, np.nan, 2.0], dtype=object),
        "b": pd.Series([True, None, False], dtype=object), "mix": pd.Series(["=a", 1, None], dtype=object),
        "d": pd.Series([dt.date(2026, 1, 1), None, dt.date(2026, 2, 1)], dtype=object),
        "=kolom": pd.Series([None, None, None], dtype=object),
    })  # fmt: skip
    before = frame.copy()
    path = files.write_table(frame, tmp_path / "t.csv")
    assert path.read_bytes().decode("utf-8").split("\r\n") == [
        "oi,ci,ots,s,ps,cs,of,b,mix,d,'=kolom",
        "1.0,1.0,2026-01-01,'=x,'-1+2,'@a,1.5,True,'=a,2026-01-01,",
        ",,,,,b,,,1,,",
        "3.0,3.0,2026-01-02,ok,a,,2.0,False,,2026-02-01,",
        "",
    ]
    pd.testing.assert_frame_equal(frame, before)  # the frame itself is left as it was
