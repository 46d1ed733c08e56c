"""``kotaku-gis screen`` on both stores: the same frames, loaded through the loader into a GeoPackage
and into PostGIS, give exactly the findings ``screening.screen`` gives on the frames themselves."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from helpers import wilayah_frame
from shapely.geometry import LineString, Point, box

from kotaku_gis import files, loader, screening
from kotaku_gis.cli import main
from kotaku_gis.store import open_store

KEL_A, KEL_B = "61.71.01.1001", "61.71.01.1002"  # 109.30-109.31 and 109.31-109.32 E, 0.05-0.04 S


def kawasan_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id_kawasan": ["KL-HL", "KL-SG", "KL-MA", "KL-CB"],
            "nama": ["Hutan lindung uji", "Sungai uji", "Mata air uji", "Keraton uji"],
            "kategori": ["hutan_lindung", "sungai", "mata_air", "cagar_budaya"],
            "perkotaan": [None, True, None, None],
            "bertanggul": [None, False, None, None],
            "kedalaman_m": [None, 5.0, None, None],
            "lintas_negara": [None, True, None, None],
        },
        geometry=[
            box(109.305, -0.048, 109.308, -0.045),
            LineString([(109.315, -0.05), (109.315, -0.04)]),
            Point(109.318, -0.042),
            box(109.3015, -0.0425, 109.3025, -0.0415),
        ],
        crs="EPSG:4326",
    )


def kegiatan_frame() -> gpd.GeoDataFrame:
    rows = [
        ("K001", KEL_A, "rehab_bangunan", "2026Q3", Point(109.306, -0.046), 1e8, None),  # inside the forest
        ("K002", KEL_A, "jalan_lingkungan", "2026Q3", LineString([(109.3047, -0.046), (109.301, -0.046)]), 2e8, None),
        ("K003", KEL_B, "tanggul_talud", "2026Q3", Point(109.3151, -0.045), 3e8, None),  # 11 m from the river
        ("K004", KEL_B, "air_minum", "2026Q3", Point(109.3189, -0.042), 1e8, None),  # 100 m from the spring
        ("K005", KEL_A, "ruang_terbuka_publik", "2026Q3", box(109.3020, -0.0420, 109.3030, -0.0410), 1e8, "SK-7/2026"),
        ("K006", KEL_B, "pembebasan_lahan", "2026Q3", Point(109.3190, -0.0490), 1e8, None),
        ("K007", KEL_B, "drainase", "2026Q3", Point(109.3195, -0.0490), None, None),  # no cost
        ("K008", KEL_B, "drainase", "2026Q3", Point(109.3199, -0.0495), 1e8, None),  # a warning only
        ("K009", KEL_A, "rehab_bangunan", "2026Q2", Point(109.306, -0.046), 1e8, None),  # another period
    ]
    return gpd.GeoDataFrame(
        {
            "id_kegiatan": [r[0] for r in rows],
            "kode_kelurahan": [r[1] for r in rows],
            "nama": [f"Kegiatan {r[0]}" for r in rows],
            "jenis": [r[2] for r in rows],
            "periode": [r[3] for r in rows],
            "status": "pelaksanaan",
            "biaya_idr": [r[5] for r in rows],
            "persetujuan_tertulis": [r[6] for r in rows],
        },
        geometry=[r[4] for r in rows],
        crs="EPSG:4326",
    )


@pytest.fixture
def loaded(store_url, tmp_path):
    """The store at ``store_url`` with the test frames loaded through the validating loader."""
    store = open_store(store_url)
    store.init()
    for layer, frame in (("wilayah", wilayah_frame()), ("kawasan_lindung", kawasan_frame()), ("kegiatan", kegiatan_frame())):
        path = tmp_path / f"{layer}.gpkg"
        frame.to_file(path)
        report = loader.load(store, layer, path, report_dir=tmp_path / "laporan")
        assert not report.errors
    store.close()
    return store_url


def expected(periode: str | None = "2026Q3", **kw) -> pd.DataFrame:
    k = kegiatan_frame()
    if periode is not None:
        k = k[k["periode"] == periode]
    return screening.screen(k, kawasan_frame(), **kw)


def test_screen_writes_the_same_findings_as_the_python_function(loaded, tmp_path, capsys):
    out = tmp_path / "temuan.csv"
    assert main(["--db", loaded, "screen", "--periode", "2026Q3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    want = expected()
    assert f"8 kegiatan disaring: {len(want)} temuan pada 8 kegiatan" in printed
    assert "tidak layak: " in printed and "perlu tinjauan: " in printed
    reference = files.write_table(want, tmp_path / "harapan.csv")
    assert out.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")  # identical, byte for byte
    got = pd.read_csv(out, dtype={"aturan": str})
    assert list(got.columns) == list(screening.COLUMNS)
    found = set(zip(got["id_kegiatan"], got["aturan"], got["id_kawasan"].fillna("-"), got["status"]))
    assert ("K001", "6a", "KL-HL", "tidak_layak") in found
    assert {("K002", "9b", "KL-HL", "tidak_layak"), ("K002", "6a", "KL-HL", "peringatan")} <= found
    assert {("K003", "6a", "KL-SG", "tidak_layak"), ("K003", "9c", "KL-SG", "tidak_layak")} <= found
    assert ("K004", "6a", "KL-MA", "tidak_layak") in found
    assert ("K005", "6b", "KL-CB", "perlu_tinjauan") in found
    assert {("K006", "2", "-", "tidak_layak"), ("K007", "4", "-", "perlu_tinjauan")} <= found
    assert set(got[got["id_kegiatan"] == "K008"]["status"]) == {"peringatan"}
    assert "K009" not in set(got["id_kegiatan"])  # another period
    overlap = got[(got["id_kegiatan"] == "K005") & (got["aturan"] == "6b")]["luas_tumpang_m2"].iloc[0]
    assert overlap == pytest.approx(0.0005 * 111_319.5 * 0.0005 * 110_574.3, rel=1e-3)  # near the equator


def test_screen_to_geopackage_and_excel_with_filters(loaded, tmp_path, capsys):
    gpkg = tmp_path / "temuan.gpkg"
    assert main(["--db", loaded, "screen", "--kode", KEL_B, "--out", str(gpkg)]) == 0
    frame = pyogrio.read_dataframe(gpkg, layer="temuan")
    assert set(frame["id_kegiatan"]) == {"K003", "K004", "K006", "K007", "K008"}
    assert frame.crs == "EPSG:4326" and not frame.geometry.isna().any()
    want = expected(periode=None)
    want = want[want["id_kegiatan"].isin(["K003", "K004", "K006", "K007", "K008"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.DataFrame(frame.drop(columns="geometry")), want, check_dtype=False)

    xlsx = tmp_path / "temuan.xlsx"
    assert main(["--db", loaded, "--lang", "en", "screen", "--periode", "2026Q2", "--peringatan", "50",
                 "--out", str(xlsx)]) == 0
    sheet = pd.read_excel(xlsx, sheet_name="temuan", dtype={"aturan": str})
    assert list(zip(sheet["id_kegiatan"], sheet["aturan"])) == [("K009", "6a")]
    assert sheet.loc[0, "keterangan"].startswith("Item 6a (") and "1 activities screened" in capsys.readouterr().out


def test_screen_usage_errors_and_an_empty_period(loaded, tmp_path, capsys):
    assert main(["--db", loaded, "screen", "--out", str(tmp_path / "temuan.txt")]) == 2
    assert "tidak didukung" in capsys.readouterr().err
    assert main(["--db", loaded, "screen", "--periode", "2026Q3", "--peringatan", "-5",
                 "--out", str(tmp_path / "t.csv")]) == 2
    empty = tmp_path / "kosong.csv"
    assert main(["--db", loaded, "screen", "--periode", "2020", "--out", str(empty)]) == 0
    assert "0 kegiatan disaring: 0 temuan" in capsys.readouterr().out
    assert pd.read_csv(empty).columns.tolist() == list(screening.COLUMNS)


def test_only_the_protected_features_within_reach_are_read(store_url, tmp_path):
    # screening.protected_near: a bbox read through the store's spatial index, widened by the largest
    # reach of any feature (its own setback included), so the findings are those of the whole layer
    extra = gpd.GeoDataFrame(
        {"id_kawasan": ["KL-JAUH", "KL-LEBAR"], "nama": ["Jauh uji", "Sempadan lebar uji"],
         "kategori": ["hutan_lindung", "hutan_lindung"], "sempadan_m": [None, 3000.0]},
        geometry=[box(109.50, -0.05, 109.51, -0.04), box(109.345, -0.05, 109.35, -0.04)],  # 20 km and 2.8 km east
        crs="EPSG:4326",
    )
    store = open_store(store_url)
    store.init()
    frames = (("wilayah", wilayah_frame()), ("kawasan_lindung", pd.concat([kawasan_frame(), extra], ignore_index=True)),
              ("kegiatan", kegiatan_frame()))
    for layer, frame in frames:
        frame.to_file(tmp_path / f"{layer}.gpkg")
        assert not loader.load(store, layer, tmp_path / f"{layer}.gpkg", report_dir=tmp_path / "laporan").errors
    try:
        kegiatan = store.read("kegiatan", periode="2026Q3")
        near = screening.protected_near(store, kegiatan.total_bounds)
        assert set(near["id_kawasan"]) == {"KL-HL", "KL-SG", "KL-MA", "KL-CB", "KL-LEBAR"}
        found = screening.screen(kegiatan, near)
        pd.testing.assert_frame_equal(found, screening.screen(kegiatan, store.read("kawasan_lindung")))
        assert ("K008", "6a", "tidak_layak") in set(zip(found["id_kegiatan"], found["aturan"], found["status"]))
        assert len(screening.protected_near(store, kegiatan.iloc[0:0].total_bounds)) == 0
        assert len(screening.protected_near(store, None)) == 0
    finally:
        store.close()
