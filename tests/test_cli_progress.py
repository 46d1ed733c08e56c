"""The `score` and `progress` commands on both stores: outputs by extension, read back; bad input."""

from __future__ import annotations

import pandas as pd
import pyogrio
import pytest
from helpers import CRITERIA, kegiatan_frame, kumuh_frame, wilayah_frame
from shapely.geometry import box

from kotaku_gis import loader
from kotaku_gis.cli import main
from kotaku_gis.store import open_store

KEL_A, KEL_B = "61.71.01.1001", "61.71.01.1002"


def _kumuh(periode: str):
    """L001, L002 in KEL_A (ringan at the baseline; L001 tidak kumuh in 2026Q3), L003 in KEL_B (2024 only)."""
    frame = kumuh_frame(periode, n=3)
    frame.loc[2, "kode_kelurahan"] = KEL_B
    frame.loc[2, "geometry"] = box(109.312, -0.049, 109.313, -0.048)
    if periode == "2026Q3":
        frame.loc[0, CRITERIA] = 10.0
        frame = frame.iloc[:2]
    return frame


@pytest.fixture
def db(store_url, tmp_path):
    """A store with boundaries, slum locations in 2024 and 2026Q3 and activities in 2026Q3."""
    store = open_store(store_url)
    store.init()
    for layer, name, frame in [
        ("wilayah", "wilayah", wilayah_frame()),
        ("kawasan_kumuh", "kumuh_2024", _kumuh("2024")),
        ("kawasan_kumuh", "kumuh_2026q3", _kumuh("2026Q3")),
        ("kegiatan", "kegiatan", kegiatan_frame("2026Q3")),
    ]:
        path = tmp_path / f"{name}.gpkg"
        frame.to_file(path)
        loader.load(store, layer, path, report_dir=tmp_path / "laporan")
    store.close()
    return ["--db", store_url]


# -- score ---------------------------------------------------------------------------------------------
def test_score_all_periods_to_csv(db, tmp_path, capsys):
    out = tmp_path / "nilai.csv"
    assert main(db + ["score", "--out", str(out)]) == 0
    assert "5 lokasi dinilai (periode 2024, 2026Q3)" in capsys.readouterr().out
    table = pd.read_csv(out, dtype={"periode": str})
    for column in ["id_lokasi", "periode", "nilai_kekumuhan", "tingkat_kekumuhan", "tingkat_pertimbangan",
                   "klasifikasi", "prioritas"]:  # fmt: skip
        assert column in table.columns
    assert "wkt" not in table.columns and "kriteria_1a" not in table.columns
    row = table.set_index(["id_lokasi", "periode"])
    assert row.loc[("L001", "2024"), ["nilai_kekumuhan", "tingkat_kekumuhan", "klasifikasi", "prioritas"]].tolist() == [
        16.0, "ringan", "C1", 3,
    ]  # fmt: skip
    assert row.loc[("L001", "2026Q3"), "tingkat_kekumuhan"] == "tidak_kumuh"
    assert pd.isna(row.loc[("L001", "2026Q3"), "klasifikasi"])


def test_score_one_period_to_xlsx_and_gpkg(db, tmp_path):
    xlsx = tmp_path / "nilai.xlsx"
    assert main(db + ["score", "--periode", "TW3 2026", "--out", str(xlsx)]) == 0
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert list(sheets) == ["penilaian"]
    assert sheets["penilaian"]["id_lokasi"].tolist() == ["L001", "L002"]
    gpkg = tmp_path / "nilai.gpkg"
    assert main(db + ["score", "--periode", "2026Q3", "--out", str(gpkg)]) == 0
    back = pyogrio.read_dataframe(gpkg, layer="penilaian")
    assert back.geometry.notna().all() and back.crs == "EPSG:4326"
    assert sorted(back["tingkat_kekumuhan"]) == ["ringan", "tidak_kumuh"]


def test_score_bad_period(db, tmp_path, capsys):
    out = tmp_path / "nilai.csv"
    assert main(db + ["score", "--periode", "2026Q5", "--out", str(out)]) == 2
    assert "tidak dapat dibaca" in capsys.readouterr().err
    assert main(db + ["score", "--periode", "2025", "--out", str(out)]) == 1
    assert "periode tersimpan: 2024, 2026Q3" in capsys.readouterr().err
    assert not out.exists()


# -- progress ------------------------------------------------------------------------------------------
def test_progress_to_csv(db, tmp_path, capsys):
    out = tmp_path / "progres.csv"
    assert main(db + ["progress", "--tingkat", "kecamatan", "--periode", "2026Q3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Progres 2024 -> 2026Q3, 1 wilayah tingkat kecamatan" in text
    table = pd.read_csv(out, dtype={"kode": str, "kode_induk": str, "periode": str, "baseline": str})
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["kode"], row["nama"], row["kode_induk"], row["baseline"]) == ("61.71.01", "Pontianak Selatan", "61.71", "2024")
    areas = _areas(db)
    assert row["luas_kumuh_awal_ha"] == pytest.approx(areas["L001"] + areas["L002"] + areas["L003"])
    # L001 left, L003 carried forward (not reassessed)
    assert row["luas_kumuh_akhir_ha"] == pytest.approx(areas["L002"] + areas["L003"])
    assert row["luas_tertangani_ha"] == pytest.approx(areas["L001"])
    assert (row["lokasi_awal"], row["lokasi_akhir"], row["lokasi_keluar_kumuh"], row["lokasi_belum_dinilai"]) == (3, 2, 1, 1)
    assert (row["kegiatan_rencana"], row["kegiatan_pelaksanaan"], row["kegiatan_selesai"]) == (1, 1, 1)
    assert row["biaya_idr_total"] == pytest.approx(470_000_000)


def _areas(db) -> dict[str, float]:
    store = open_store(db[1])
    frame = store.read("kawasan_kumuh", periode="2024", geometry=False)
    store.close()
    return dict(zip(frame["id_lokasi"], frame["luas_ha"]))


def test_progress_to_xlsx_one_sheet_per_level(db, tmp_path):
    out = tmp_path / "progres.xlsx"
    args = ["progress", "--tingkat", "kelurahan", "--kode", "6171", "--periode", "2026-Q3", "--baseline", "2024"]
    assert main(db + args + ["--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, dtype={"kode": str, "kode_induk": str})
    assert list(sheets) == ["kabkota", "kecamatan", "kelurahan"]
    kel = sheets["kelurahan"].set_index("kode")
    assert kel.index.tolist() == [KEL_A, KEL_B]
    assert kel.loc[KEL_B, "lokasi_belum_dinilai"] == 1 and kel.loc[KEL_A, "lokasi_keluar_kumuh"] == 1
    for parent, child in [("kabkota", "kecamatan"), ("kecamatan", "kelurahan")]:
        for column in ["luas_kumuh_awal_ha", "luas_kumuh_akhir_ha", "lokasi_total", "kegiatan_total", "biaya_idr_total"]:
            assert sheets[parent][column].sum() == pytest.approx(sheets[child][column].sum()), (parent, column)


def test_progress_to_gpkg_with_boundaries(db, tmp_path):
    out = tmp_path / "progres.gpkg"
    assert main(db + ["progress", "--tingkat", "kelurahan", "--kode", "61.71.01", "--periode", "2026Q3", "--out", str(out)]) == 0
    assert [name for name, _ in pyogrio.list_layers(out)] == ["kecamatan", "kelurahan"]
    kel = pyogrio.read_dataframe(out, layer="kelurahan")
    assert kel["kode"].tolist() == [KEL_A, KEL_B] and kel.geometry.notna().all()
    assert kel["nama"].tolist() == ["Batulayang", "Parit Tokaya"]


def test_progress_national(db, tmp_path):
    out = tmp_path / "nasional.csv"
    assert main(db + ["progress", "--tingkat", "nasional", "--periode", "2026Q3", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["nama"].tolist() == ["Indonesia"] and table["lokasi_total"].tolist() == [3]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--periode", "2026Q5"], 2, "tidak dapat dibaca"),
        (["--periode", "2026Q3", "--baseline", "sebelum"], 2, "tidak dapat dibaca"),
        (["--periode", "2026Q3", "--baseline", "2023"], 1, "Periode awal (baseline) 2023 tidak ada di kawasan_kumuh"),
        (["--periode", "2027"], 1, "Periode 2027 tidak ada"),
        (["--periode", "2024", "--baseline", "2026Q3"], 2, "sesudah"),
        (["--periode", "2026Q3", "--tingkat", "provinsi", "--kode", "61.71"], 2, "kabkota, kecamatan, kelurahan"),
        (["--periode", "2026Q3", "--kode", "61.7"], 2, "61.7"),
    ],
)
def test_progress_bad_input_writes_nothing(db, tmp_path, capsys, args, code, message):
    out = tmp_path / "progres.xlsx"
    if "--tingkat" not in args:
        args = args + ["--tingkat", "kelurahan"]
    assert main(db + ["progress", *args, "--out", str(out)]) == code
    assert message in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".progres*"))


def test_progress_errors_in_english(db, tmp_path, capsys):
    out = tmp_path / "progres.csv"
    assert main(db + ["--lang", "en", "progress", "--tingkat", "kelurahan", "--periode", "2026Q3", "--baseline", "2023",
                      "--out", str(out)]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "Baseline period 2023 is not in kawasan_kumuh; stored periods: 2024, 2026Q3" in err
    assert not out.exists()


def test_progress_on_an_empty_store(gpkg_url, tmp_path, capsys):
    assert main(["--db", gpkg_url, "init"]) == 0
    out = tmp_path / "progres.csv"
    assert main(["--db", gpkg_url, "progress", "--tingkat", "kelurahan", "--periode", "2026Q3", "--out", str(out)]) == 1
    assert "periode tersimpan: (tidak ada)" in capsys.readouterr().err
    assert not out.exists()


def test_progress_tables_carry_complaints_and_staffing(db, tmp_path):
    from kotaku_gis import pengaduan_store

    store = open_store(db[1])
    for kode in (KEL_A, KEL_A, KEL_B):
        pengaduan_store.add(store, tanggal_diterima="2026-08-01", saluran="sms", kode_wilayah=kode,
                      kategori="kualitas_pekerjaan", deskripsi="Saluran drainase retak")
    store.close()
    out = tmp_path / "progres.xlsx"
    assert main(db + ["progress", "--tingkat", "kelurahan", "--kode", "61.71", "--periode", "2026Q3", "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, dtype={"kode": str})
    kel = sheets["kelurahan"].set_index("kode")
    assert kel.loc[[KEL_A, KEL_B], "pengaduan_total"].tolist() == [2, 1]
    assert sheets["kabkota"].loc[0, "pengaduan_total"] == 3  # totals equal the sum of the children
    # 2 kelurahan: KEL_A still slum in 2026Q3 -> ceil(5/7) + ceil(5/9) = 2 facilitators
    assert sheets["kabkota"].loc[0, "fasilitator_dibutuhkan"] == 2
    assert "fasilitator_kekurangan" in sheets["kabkota"].columns
