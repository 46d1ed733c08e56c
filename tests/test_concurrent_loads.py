"""Many teams writing at once: 20 kab/kota load their files into one PostGIS store concurrently.

Each load runs in its own process with its own connection, as 20 teams' commands would. All must
succeed, and every kab/kota must hold exactly its own file's rows afterwards (no row lost or replaced
across kab/kota). The throughput is measured by ``scripts/bench_concurrent_loads.py``, not here.
"""

from __future__ import annotations

import multiprocessing as mp

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, box

from kotaku_gis import loader
from kotaku_gis.store import open_store

TEAMS = 20


def kabkota(i: int) -> str:
    return f"61.{i + 1:02d}"


def cell(i: int):
    x, y = 108.0 + 0.1 * (i % 5), -1.0 + 0.1 * (i // 5)
    return box(x, y, x + 0.05, y + 0.05)


def wilayah() -> gpd.GeoDataFrame:
    rows = [("61", "Kalimantan Barat", box(107.5, -1.5, 109.5, 0.5))]
    for i in range(TEAMS):
        k = kabkota(i)
        rows += [(k, f"Kab Uji {i}", cell(i)), (f"{k}.01", f"Kec Uji {i}", cell(i)), (f"{k}.01.2001", f"Desa Uji {i}", cell(i))]
    frame = gpd.GeoDataFrame([r[:2] for r in rows], columns=["kode", "nama"], geometry=[MultiPolygon([r[2]]) for r in rows], crs=4326)
    return frame


def team_file(i: int, folder, n: int = 40, version: int = 1) -> str:
    minx, miny, _, _ = cell(i).bounds
    frame = gpd.GeoDataFrame(
        {
            "id_lokasi": [f"{kabkota(i)}-L{j:03d}" for j in range(n)],
            "kode_kelurahan": f"{kabkota(i)}.01.2001",
            "periode": "2024",
            "luas_ha": [1.0 + j + version for j in range(n)],
            "nilai_kekumuhan": 30.0 + version,
        },
        geometry=[MultiPolygon([box(minx + 0.001 * (j % 40), miny + 0.001 * (j // 40), minx + 0.001 * (j % 40) + 0.0008,
                                    miny + 0.001 * (j // 40) + 0.0008)]) for j in range(n)],
        crs=4326,
    )
    path = folder / f"kumuh_{i:02d}_v{version}.gpkg"
    pyogrio.write_dataframe(frame, path)
    return str(path)


def _load(args: tuple[str, str, str, str | None]) -> tuple[int, int, int]:
    url, path, report_dir, ganti = args
    store = open_store(url)
    try:
        s = loader.load(store, "kawasan_kumuh", path, ganti=ganti, report_dir=report_dir).summary
        return s.added_rows, s.replaced_rows, s.removed_rows
    finally:
        store.close()


@pytest.mark.postgis
def test_twenty_teams_load_at_once_and_each_keeps_exactly_its_rows(postgis_url, tmp_path):
    store = open_store(postgis_url)
    store.init()
    pyogrio.write_dataframe(wilayah(), tmp_path / "wilayah.gpkg")
    loader.load(store, "wilayah", tmp_path / "wilayah.gpkg", report_dir=tmp_path)
    first = [team_file(i, tmp_path, version=1) for i in range(TEAMS)]
    second = [team_file(i, tmp_path, n=30, version=2) for i in range(TEAMS)]
    ctx = mp.get_context("spawn")
    with ctx.Pool(8) as pool:
        # every team's first delivery at once, then every team's correction (fewer rows, whole kab/kota)
        assert pool.map(_load, [(postgis_url, p, str(tmp_path), None) for p in first]) == [(40, 0, 0)] * TEAMS
        assert pool.map(_load, [(postgis_url, p, str(tmp_path), "kabkota") for p in second]) == [(0, 30, 10)] * TEAMS
    rows = store.read("kawasan_kumuh", geometry=False)
    assert len(rows) == TEAMS * 30
    for i in range(TEAMS):
        mine = rows[rows["kode_kelurahan"] == f"{kabkota(i)}.01.2001"].sort_values("id_lokasi")
        assert mine["id_lokasi"].tolist() == [f"{kabkota(i)}-L{j:03d}" for j in range(30)]
        assert mine["luas_ha"].tolist() == [3.0 + j for j in range(30)]  # version 2's values
    assert len(store.loads()) == 1 + 2 * TEAMS
    store.close()
