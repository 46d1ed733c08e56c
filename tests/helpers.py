"""Small hand-made inputs for the tests (synthetic, around Kota Pontianak)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, box

# Two kelurahan side by side in one kecamatan, 0.01 degrees (about 1.1 km) wide each.
KEL_A = box(109.30, -0.05, 109.31, -0.04)
KEL_B = box(109.31, -0.05, 109.32, -0.04)
KEC = box(109.30, -0.05, 109.32, -0.04)


def wilayah_frame() -> gpd.GeoDataFrame:
    """Province, kabkota, kecamatan and two kelurahan, as a user's boundary file would carry them."""
    return gpd.GeoDataFrame(
        {
            "kode": ["61", "61.71", "61.71.01", "61.71.01.1001", "61.71.01.1002"],
            "nama": ["Kalimantan Barat", "Kota Pontianak", "Pontianak Selatan", "Batulayang", "Parit Tokaya"],
        },
        geometry=[box(108, -2, 111, 1), box(109.2, -0.1, 109.4, 0.05), KEC, KEL_A, KEL_B],
        crs="EPSG:4326",
    )


def kumuh_frame(periode: str = "2024", n: int = 2) -> gpd.GeoDataFrame:
    """Slum locations with all 16 criterion shares, inside KEL_A."""
    rows = []
    for i in range(n):
        row = {
            "id_lokasi": f"L{i + 1:03d}",
            "kode_kelurahan": "61.71.01.1001",
            "nama_kawasan": f"Kawasan {i + 1}",
            "periode": periode,
            "nilai_pertimbangan_lain": 11,
            "legalitas": "legal",
        }
        for c in CRITERIA:
            row[c] = 30.0 + i
        rows.append(row)
    geoms = [box(109.301 + 0.002 * i, -0.049, 109.302 + 0.002 * i, -0.048) for i in range(n)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def kegiatan_frame(periode: str = "2026Q3") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id_kegiatan": ["K001", "K002", "K003"],
            "kode_kelurahan": ["61.71.01.1001", "61.71.01.1001", "61.71.01.1002"],
            "nama": ["Jalan paving RT 03", "Drainase RW 02", "Hidran umum"],
            "jenis": ["jalan_lingkungan", "drainase", "proteksi_kebakaran"],
            "periode": [periode] * 3,
            "status": ["selesai", "pelaksanaan", "rencana"],
            "progres_fisik": [100.0, 45.5, 0.0],
            "biaya_idr": [350_000_000.0, 120_000_000.0, None],
            "dampak_negatif": [False, None, True],
        },
        geometry=[
            shapely.LineString([(109.301, -0.045), (109.305, -0.045)]),
            shapely.Point(109.305, -0.046),
            shapely.Point(109.315, -0.045),
        ],
        crs="EPSG:4326",
    )


CRITERIA = [
    f"kriteria_{c}" for c in ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a", "6b", "7a", "7b"]
]


def as_multi(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["geometry"] = [g if g.geom_type == "MultiPolygon" else MultiPolygon([g]) for g in out.geometry]
    return out


def stored_wilayah() -> gpd.GeoDataFrame:
    """:func:`wilayah_frame` as the store holds it: multipolygons, with ``tingkat`` and ``kode_induk``."""
    frame = as_multi(wilayah_frame())
    frame["tingkat"] = ["provinsi", "kabkota", "kecamatan", "kelurahan", "kelurahan"]
    frame["kode_induk"] = [None, "61", "61.71", "61.71.01", "61.71.01"]
    return frame


def snapshot(store) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """Everything a store holds, to compare before and after a failed operation."""
    out = {}
    for layer in ("wilayah", "kawasan_kumuh", "kegiatan", "kawasan_lindung"):
        frame = store.read(layer)
        out[layer] = pd.DataFrame(frame).assign(geometry=frame.geometry.to_wkb())
    out["loads"] = store.loads()
    return out


def assert_unchanged(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def assert_valid_gpkg(path) -> None:  # type: ignore[no-untyped-def]
    """GDAL's GeoPackage validator (``validate_gpkg.py -k --extra`` from the ``gdal-utils`` test
    dependency, run with this interpreter; it needs no GDAL bindings) finds nothing in ``path``:
    no error and no warning."""
    import importlib.util
    import subprocess
    import sys
    from pathlib import Path

    spec = importlib.util.find_spec("osgeo_utils")
    assert spec is not None and spec.origin, "gdal-utils is missing: run `bash scripts/setup.sh --test`"
    script = Path(spec.origin).parent / "samples" / "validate_gpkg.py"
    result = subprocess.run(
        [sys.executable, str(script), "-k", "--extra", str(path)], capture_output=True, text=True, timeout=300
    )
    findings = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not findings, f"{path}: {findings or f'exit {result.returncode}'}"


def layer_geojson(layer: dict) -> list[dict | None]:
    """The GeoJSON geometries of a map payload's layer (``{"decimals", "geoms"}``, its geometries
    as delta-encoded integers, see kotaku_gis/maps/_encode.py), as the page's script decodes them."""
    from kotaku_gis.maps._encode import decode_geometry

    return [decode_geometry(g, layer["decimals"]) for g in layer["geoms"]]
