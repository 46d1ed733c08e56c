"""Benchmark: many kab/kota teams loading into one PostGIS store at the same time.

20 synthetic kab/kota (one kecamatan, one desa each) each deliver a file of slum locations
(``--rows`` rows) for one period. The files are loaded one after the other (the straightforward
way: one process, one load at a time), then all at once (``--processes`` processes, each with its
own connection, as 20 teams' commands would run; the processes are started and have imported
kotaku-gis before the clock starts, as the sequential run has). The script checks that every kab/kota holds
exactly its own file's rows after the concurrent run, and prints the throughput of both and their
ratio. Synthetic data made here; a throw-away PostGIS server is started the way the tests start it.

    .venv/bin/python scripts/bench_concurrent_loads.py [--teams 20] [--rows 500] [--processes 4]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import MultiPolygon, box

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import postgis_database  # noqa: E402

from kotaku_gis import loader  # noqa: E402
from kotaku_gis.store import open_store  # noqa: E402


def kabkota(i: int) -> str:
    return f"61.{i + 1:02d}"


def cell(i: int) -> tuple[float, float]:
    return 108.0 + 0.1 * (i % 5), -1.0 + 0.1 * (i // 5)


def wilayah(teams: int) -> gpd.GeoDataFrame:
    rows = [("61", "Kalimantan Barat", box(107.5, -1.5, 109.5, 1.5))]
    for i in range(teams):
        x, y = cell(i)
        shape = box(x, y, x + 0.05, y + 0.05)
        rows += [(kabkota(i), f"Kab Uji {i}", shape), (f"{kabkota(i)}.01", f"Kec Uji {i}", shape),
                 (f"{kabkota(i)}.01.2001", f"Desa Uji {i}", shape)]  # fmt: skip
    return gpd.GeoDataFrame([r[:2] for r in rows], columns=["kode", "nama"],
                            geometry=[MultiPolygon([r[2]]) for r in rows], crs=4326)  # fmt: skip


def team_file(i: int, rows: int, folder: Path) -> Path:
    x, y = cell(i)
    side = int(rows**0.5) + 1
    step = 0.045 / side
    frame = gpd.GeoDataFrame(
        {"id_lokasi": [f"{kabkota(i)}-L{j:05d}" for j in range(rows)], "kode_kelurahan": f"{kabkota(i)}.01.2001",
         "periode": "2024", "luas_ha": 1.0, "nilai_kekumuhan": 30.0},
        geometry=[MultiPolygon([box(x + step * (j % side), y + step * (j // side), x + step * (j % side) + step * 0.8,
                                    y + step * (j // side) + step * 0.8)]) for j in range(rows)],
        crs=4326,
    )  # fmt: skip
    path = folder / f"kumuh_{i:02d}.gpkg"
    pyogrio.write_dataframe(frame, path)
    return path


def load_one(args: tuple[str, str, str]) -> int:
    url, path, reports = args
    store = open_store(url)
    try:
        return loader.load(store, "kawasan_kumuh", path, ganti="kabkota", report_dir=reports).summary.rows
    finally:
        store.close()


def warm(_: int) -> None:
    """Nothing: the processes exist and have imported kotaku-gis (as the sequential run has)."""


def fresh(url: str, folder: Path, teams: int) -> None:
    store = open_store(url)
    store.init()
    with store.engine.begin() as conn:
        conn.execute(store.tables["kawasan_kumuh"].delete())
    if len(store.read("wilayah", geometry=False, columns=["kode"])) == 0:
        pyogrio.write_dataframe(wilayah(teams), folder / "wilayah.gpkg")
        loader.load(store, "wilayah", folder / "wilayah.gpkg", report_dir=folder)
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--rows", type=int, default=500, help="slum locations per team's file")
    parser.add_argument("--processes", type=int, default=min(8, max(2, (os.cpu_count() or 2) * 2)))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_loads_") as tmp, postgis_database(ROOT) as url:
        if url is None:
            return 1
        folder = Path(tmp)
        files = [team_file(i, args.rows, folder) for i in range(args.teams)]
        jobs = [(url, str(p), str(folder / "laporan")) for p in files]
        total = args.teams * args.rows

        fresh(url, folder, args.teams)
        t0 = time.perf_counter()
        for job in jobs:
            load_one(job)
        sequential = time.perf_counter() - t0

        fresh(url, folder, args.teams)
        with mp.get_context("spawn").Pool(args.processes) as pool:
            pool.map(warm, range(args.processes))  # started and imported, as the teams' own processes are
            t0 = time.perf_counter()
            counts = pool.map(load_one, jobs)
            concurrent = time.perf_counter() - t0

        store = open_store(url)
        rows = store.read("kawasan_kumuh", geometry=False, columns=["id_lokasi", "kode_kelurahan"])
        store.close()
        exact = all(
            sorted(rows.loc[rows["kode_kelurahan"] == f"{kabkota(i)}.01.2001", "id_lokasi"])
            == [f"{kabkota(i)}-L{j:05d}" for j in range(args.rows)]
            for i in range(args.teams)
        )
        print(f"{args.teams} teams x {args.rows} rows = {total:,} rows into one PostGIS store "
              f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        print(f"  one after the other: {sequential:.1f} s ({total / sequential:,.0f} rows/s)")
        print(f"  {args.processes} at once:        {concurrent:.1f} s ({total / concurrent:,.0f} rows/s); "
              f"all succeeded: {counts == [args.rows] * args.teams}; every kab/kota exactly its rows: {exact}")  # fmt: skip
        print(f"  ratio (one after the other / at once): {sequential / concurrent:.2f}x")
        return 0 if exact and counts == [args.rows] * args.teams else 1


if __name__ == "__main__":
    sys.exit(main())
