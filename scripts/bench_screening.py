"""Benchmark: screening 100,000 activities against 20,000 protected polygons and 5,000 km of rivers.

Seeded synthetic data (nothing real): 270 "cities" scattered over Indonesia's extent; activities
(points, short lines, small polygons) clustered around them; protected polygons of realistic
complexity (hundreds to thousands of vertices each, wavy outlines, 1-60 km across), 30 % of them near
a city; 500 meandering river lines of 10 km (vertices every 50 m) starting in cities, with PP 38/2011
class attributes, a few marked cross-border.

It measures, in the same run:

1. **screening end to end on the GeoPackage store**: opening the store, reading the activities
   (``Store.read``) and ``kotaku_gis.screening.screen_store`` (which reads the protected features
   near an activity while the activities are checked, and screens them), as the CLI, in a fresh process (so that its peak memory
   is its own), best of ``--repeat`` runs;
2. **the straightforward geopandas approach** on a random subset of the activities: ``sjoin`` with
   the protected features (activities buffered by the largest limit in degrees), then a per-row loop
   that reprojects each activity and its candidates to the activity's UTM zone and measures the
   distance, then the attribute rules row by row; extrapolated to all activities;
3. **the PostGIS store** (same data, ``Store.read`` + ``screen_store``) when a PostgreSQL server with
   PostGIS can be started the way ``tests/conftest.py`` does; otherwise a note says it was skipped.

Run::

    .venv/bin/python scripts/bench_screening.py            # full size
    .venv/bin/python scripts/bench_screening.py --small    # 10x smaller, for a quick look
    .venv/bin/python scripts/bench_screening.py --store /tmp/kotaku-bench   # keep the GeoPackage, reuse it

Each run prints the load average of the machine: the figures are wall-clock seconds (and the
process's CPU seconds, all threads), and a shared machine slows both.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kotaku_gis import catalog, geodesy, screening
from kotaku_gis.store import open_store
from scripts._bench import peak_rss_mb, postgis_database

SEED = 20260
TARGET_S = 2.0  # kotaku-gis end to end on the GeoPackage (reading included), 2 cores
TARGET_PEER_RATIO = 2.0  # at least this much faster than the PostGIS SQL peer with its parallel workers


# -- synthetic data ------------------------------------------------------------------------------
def make_data(n_activities: int, n_polygons: int, river_km: float, seed: int = SEED) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Seeded synthetic ``kegiatan`` and ``kawasan_lindung`` frames in catalogue form."""
    rng = np.random.default_rng(seed)
    cities = np.c_[rng.uniform(95.5, 140.5, 270), rng.uniform(-10.5, 5.5, 270)]
    kegiatan = _activities(rng, n_activities, cities)
    polygons = _polygons(rng, n_polygons, cities)
    rivers = _rivers(rng, river_km, cities)
    kawasan = pd.concat([polygons, rivers], ignore_index=True)
    return kegiatan, gpd.GeoDataFrame(kawasan, geometry="geometry", crs="EPSG:4326")


def _activities(rng: np.random.Generator, n: int, cities: np.ndarray) -> gpd.GeoDataFrame:
    city = rng.integers(len(cities), size=n)
    x = cities[city, 0] + rng.normal(0, 0.05, n)
    y = cities[city, 1] + rng.normal(0, 0.05, n)
    kind = rng.choice(3, size=n, p=[0.6, 0.25, 0.15])
    geoms = np.empty(n, dtype=object)
    pts = kind == 0
    geoms[pts] = shapely.points(x[pts], y[pts])
    li = np.flatnonzero(kind == 1)
    nv = rng.integers(2, 7, len(li))
    owner = np.repeat(np.arange(len(li)), nv)
    steps = rng.normal(0, 0.0012, (int(nv.sum()), 2))
    walk = np.cumsum(steps, axis=0)
    walk -= np.repeat(walk[np.cumsum(nv) - nv], nv, axis=0)
    geoms[li] = shapely.linestrings(np.c_[np.repeat(x[li], nv), np.repeat(y[li], nv)] + walk, indices=owner)
    pi = np.flatnonzero(kind == 2)
    half = rng.uniform(0.0001, 0.0008, len(pi))
    geoms[pi] = shapely.box(x[pi] - half, y[pi] - half, x[pi] + half, y[pi] + half)

    jenis_all = [v.code for v in catalog.layer("kegiatan").column("jenis").values or []]
    negative = [j for j in jenis_all if catalog.layer("kegiatan").column("jenis").value(j).aturan]
    ordinary = [j for j in jenis_all if j not in negative]
    rare = {"reklamasi_lahan", "tampungan_air", "bangunan_air_sungai", "tanggul_talud"}
    weight = np.array([0.01 if j in rare else 1.0 for j in ordinary])
    jenis = np.array(ordinary, dtype=object)[rng.choice(len(ordinary), size=n, p=weight / weight.sum())]
    bad = rng.random(n) < 0.01
    jenis[bad] = np.array(negative, dtype=object)[rng.integers(len(negative), size=int(bad.sum()))]
    biaya = rng.lognormal(np.log(3e8), 1.0, n)
    biaya[rng.random(n) < 0.003] = 5e10  # above USD 2 million
    biaya[rng.random(n) < 0.02] = np.nan  # cost missing
    usd = np.full(n, np.nan)
    some = rng.random(n) < 0.1
    usd[some] = np.round(biaya[some] / 16400.0)
    reklamasi = np.where(jenis == "reklamasi_lahan", np.round(rng.uniform(1, 80, n), 1), np.nan)
    tampungan = np.where(jenis == "tampungan_air", np.round(rng.uniform(500, 20000, n)), np.nan)
    approval = np.where(rng.random(n) < 0.01, "SK-INSTANSI-001", None)
    dampak = rng.random(n) < 0.01
    frame = gpd.GeoDataFrame(
        {
            "id_kegiatan": [f"B{i:06d}" for i in range(n)],
            "kode_kelurahan": [f"{11 + c % 80:02d}.{71 + c % 20:02d}.01.{1001 + c % 900}" for c in city],
            "nama": [f"Kegiatan sintetis {i}" for i in range(n)],
            "jenis": jenis,
            "periode": "2026Q3",
            "status": "pelaksanaan",
            "progres_fisik": np.round(rng.uniform(0, 100, n), 1),
            "biaya_idr": biaya,
            "biaya_usd": usd,
            "luas_reklamasi_ha": reklamasi,
            "kapasitas_tampungan_m3": tampungan,
            "persetujuan_tertulis": approval,
            "dampak_negatif": dampak,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    return frame


def _polygons(rng: np.random.Generator, n: int, cities: np.ndarray) -> gpd.GeoDataFrame:
    nv = np.clip(rng.lognormal(np.log(450), 0.7, n), 100, 5000).astype(int)
    near = rng.random(n) < 0.3
    city = cities[rng.integers(len(cities), size=n)]
    cx = np.where(near, city[:, 0] + rng.normal(0, 0.08, n), rng.uniform(95.5, 140.5, n))
    cy = np.where(near, city[:, 1] + rng.normal(0, 0.08, n), rng.uniform(-10.5, 5.5, n))
    # protected areas near cities are small (city forests, heritage sites, mangrove belts); the others
    # range from a few hundred metres to national parks tens of kilometres across
    r = np.where(
        near,
        np.clip(rng.lognormal(np.log(0.004), 0.8, n), 0.001, 0.03),
        np.clip(rng.lognormal(np.log(0.012), 1.0, n), 0.002, 0.3),
    )
    total = int(nv.sum())
    owner = np.repeat(np.arange(n), nv)
    k = np.arange(total) - np.repeat(np.cumsum(nv) - nv, nv)
    angle = 2 * np.pi * k / np.repeat(nv, nv)
    radius = np.ones(total)
    for h in (2, 3, 5, 9, 17, 41):  # a wavy outline: a few harmonics per polygon
        amp = rng.uniform(0, 0.25 / np.sqrt(h), n)
        phase = rng.uniform(0, 2 * np.pi, n)
        radius += np.repeat(amp, nv) * np.sin(h * angle + np.repeat(phase, nv))
    radius += rng.normal(0, 0.01, total)
    radius = np.maximum(radius, 0.2) * np.repeat(r, nv)
    lat = np.repeat(cy, nv)
    x = np.repeat(cx, nv) + radius * np.cos(angle) / np.cos(np.radians(lat))
    y = lat + radius * np.sin(angle)
    geoms = shapely.multipolygons(shapely.polygons(shapely.linearrings(np.c_[x, y], indices=owner)), indices=np.arange(n))
    areas = [v for v in catalog.layer("kawasan_lindung").column("kategori").values or [] if v.bentuk == "area"]
    kategori = np.array([v.code for v in areas], dtype=object)[rng.integers(len(areas), size=n)]
    return gpd.GeoDataFrame(
        {
            "id_kawasan": [f"KL{i:05d}" for i in range(n)],
            "nama": [f"Kawasan lindung sintetis {i}" for i in range(n)],
            "kategori": kategori,
            "sumber": "SINTETIS (scripts/bench_screening.py)",
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


def _rivers(rng: np.random.Generator, total_km: float, cities: np.ndarray) -> gpd.GeoDataFrame:
    n = max(int(total_km / 10), 1)
    nv = 201  # 200 steps of 50 m: 10 km
    city = cities[rng.integers(len(cities), size=n)]
    heading = rng.uniform(0, 2 * np.pi, n)
    turn = heading[:, None] + np.cumsum(rng.normal(0, 0.08, (n, nv - 1)), axis=1)
    lat0 = city[:, 1] + rng.normal(0, 0.03, n)
    dx = np.cos(turn) * 50 / 110_574 / np.cos(np.radians(lat0))[:, None]
    dy = np.sin(turn) * 50 / 110_574
    x = np.c_[np.zeros(n), np.cumsum(dx, axis=1)] + (city[:, 0] + rng.normal(0, 0.03, n))[:, None]
    y = np.c_[np.zeros(n), np.cumsum(dy, axis=1)] + lat0[:, None]
    geoms = shapely.linestrings(np.c_[x.ravel(), y.ravel()], indices=np.repeat(np.arange(n), nv))
    return gpd.GeoDataFrame(
        {
            "id_kawasan": [f"SG{i:04d}" for i in range(n)],
            "nama": [f"Sungai sintetis {i}" for i in range(n)],
            "kategori": "sungai",
            "lintas_negara": rng.random(n) < 0.02,
            "kedalaman_m": np.round(rng.uniform(0.5, 25, n), 1),
            "bertanggul": rng.random(n) < 0.2,
            "perkotaan": rng.random(n) < 0.7,
            "luas_das_km2": np.round(rng.lognormal(np.log(300), 1.0, n)),
            "sumber": "SINTETIS (scripts/bench_screening.py)",
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


# -- the straightforward approach -----------------------------------------------------------------
def straightforward(kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame) -> tuple[pd.DataFrame, float, int]:
    """Screening as one would first write it with geopandas: ``sjoin`` for the activities inside a
    protected feature, then a loop over the activities measuring the distance from each to every
    protected feature in the activity's UTM zone (the protected layer is projected once per zone and
    that time is returned apart, so that it can be counted once per zone when extrapolating), and
    the attribute rules row by row.

    Returns the findings, the seconds spent projecting the protected layer, and the zones projected.
    """
    rules = screening.load_rules()
    setback = screening.setbacks(kawasan).to_numpy()
    values = {v.code: v for v in catalog.layer("kawasan_lindung").column("kategori").values or []}
    aturan = kawasan["kategori"].map(lambda k: values[k].aturan).to_numpy()
    line = kawasan["kategori"].map(lambda k: values[k].bentuk == "garis").to_numpy()
    jenis = catalog.layer("kegiatan").column("jenis")
    rate = screening.load_kurs()
    findings: list[tuple] = []
    inside = gpd.sjoin(kegiatan[["id_kegiatan", "geometry"]], kawasan[["id_kawasan", "geometry"]], predicate="intersects")
    for row in inside.itertuples():
        findings.append((row.id_kegiatan, aturan[row.index_right], row.id_kawasan, 0.0))
    projected: dict[int, gpd.GeoSeries] = {}
    projecting = 0.0
    for _, row in kegiatan.iterrows():
        spec = jenis.value(row["jenis"])  # attribute rules
        if spec.aturan:
            findings.append((row["id_kegiatan"], spec.aturan, None, np.nan))
        kurs = rate.rate(row["periode"])
        usd = (
            row["biaya_usd"]
            if pd.notna(row["biaya_usd"])
            else (row["biaya_idr"] / kurs[0] if pd.notna(row["biaya_idr"]) and kurs else None)
        )
        if usd is None or usd > rules.cost.above_usd:
            findings.append((row["id_kegiatan"], rules.cost.aturan, None, np.nan))
        if row["dampak_negatif"] is True:
            findings.append((row["id_kegiatan"], "7", None, np.nan))
        c = row.geometry.centroid  # the per-row distance loop
        zone = geodesy.utm_epsg(c.x, c.y)
        if zone not in projected:
            t = time.perf_counter()
            projected[zone] = kawasan.geometry.to_crs(zone)
            projecting += time.perf_counter() - t
        act = gpd.GeoSeries([row.geometry], crs="EPSG:4326").to_crs(zone).iloc[0]
        d = projected[zone].distance(act).to_numpy()
        near = ((d <= setback) | ((d <= screening.load_rules().proximity.warning_m) & ~line)) & (d > 0)
        for j in np.flatnonzero(near):
            findings.append((row["id_kegiatan"], aturan[j], kawasan["id_kawasan"].iloc[j], d[j]))
    frame = pd.DataFrame(findings, columns=["id_kegiatan", "aturan", "id_kawasan", "jarak_m"])
    return frame, projecting, len(projected)


# -- measuring ------------------------------------------------------------------------------------
def measure(url: str) -> dict:
    """One end-to-end run on a store: open, read both layers, screen. Returns timings."""
    gc.collect()  # the full collection the imports' objects make due: theirs, not the figure's
    t0 = time.perf_counter()
    c0 = time.process_time()
    store = open_store(url)
    kegiatan = store.read("kegiatan", periode="2026Q3")
    t1 = time.perf_counter()
    # as the CLI: only the features near an activity, read while the activities are checked
    result = screening.screen_store(store, kegiatan)
    t3 = time.perf_counter()
    c3 = time.process_time()
    peak = peak_rss_mb()
    t = time.perf_counter()
    features = len(screening.protected_near(store, kegiatan.bounds))  # the read alone, after (not in the total)
    read_kawasan = time.perf_counter() - t
    store.close()
    return {
        "read_kegiatan_s": t1 - t0,
        "read_kawasan_s": read_kawasan,
        "screen_s": t3 - t1,
        "total_s": t3 - t0,
        "cpu_s": c3 - c0,
        "load": os.getloadavg()[0],
        "activities": len(kegiatan),
        "features": features,
        "findings": len(result),
        "by_status": result["status"].value_counts().to_dict(),
        "peak_rss_mb": peak,
    }


def _measure_in_child(url: str, repeat: int) -> dict:
    """Best of ``repeat`` end-to-end runs, each in a fresh Python process (peak memory its own)."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--measure", url], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["total_s"])
    best["runs_total_s"] = [round(r["total_s"], 2) for r in runs]
    best["loads"] = _load(runs)
    return best


def _load(runs: list[dict]) -> str:
    """The 1-minute load averages seen at the end of the runs, as a range."""
    loads = [r["load"] for r in runs]
    return f"{min(loads):.1f}-{max(loads):.1f}"


def _gpkg_store(folder: Path, small: bool, kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame) -> Path:
    """The GeoPackage store of the benchmark in ``folder``, written unless a complete one is there
    (the data is seeded: the same on every run)."""
    gpkg = folder / f"bench-screening-{'small' if small else 'full'}.gpkg"
    if gpkg.exists():
        print(f"  reusing the GeoPackage store {gpkg}")
        return gpkg
    folder.mkdir(parents=True, exist_ok=True)
    partial = gpkg.with_name(gpkg.stem + ".partial.gpkg")
    partial.unlink(missing_ok=True)
    print(f"  writing the GeoPackage store ... {_write_store(str(partial), kegiatan, kawasan):.1f} s (setup, not timed)")
    os.replace(partial, gpkg)  # complete or absent: a broken run leaves nothing to reuse
    return gpkg


def _write_store(url: str, kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame) -> float:
    t = time.perf_counter()
    store = open_store(url)
    store.init()
    store.write("kawasan_lindung", kawasan, source="bench_screening")
    store.write("kegiatan", kegiatan, source="bench_screening")
    store.close()
    return time.perf_counter() - t


def _postgis(kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame, repeat: int, fast: dict) -> dict | None:
    """The same measurement on a temporary PostGIS server started as tests/conftest.py does, and the
    SQL peer on that server."""
    with postgis_database(ROOT) as url:
        if url is None:
            return None
        print(f"  writing the PostGIS store ... {_write_store(url, kegiatan, kawasan):.1f} s (setup, not timed)")
        pg = _measure_in_child(url, repeat)
        compare_with_peer(url, kegiatan, kawasan, fast, repeat)
        return pg


# -- the PostGIS SQL peer --------------------------------------------------------------------------
#: What a PostGIS expert would write for the inside-or-setback pairs: a GiST-indexed ``ST_DWithin``
#: prefilter in degrees (the reach over 100 km per degree: more than the reach anywhere in Indonesia,
#: where a degree of longitude is at least 109 km), then ``ST_DWithin`` and ``ST_Distance`` on
#: geography (the spheroid), the pairs fetched to the client. ``reach_m`` is each feature's setback
#: (its own ``sempadan_m`` or the rules' width: 0 for an area without one, where only inside counts),
#: loaded once as a lookup table, as it would be kept in a database; 1 cm over counts, as in kotaku-gis.
PEER_SQL = """
SELECT k.id_kegiatan, l.id_kawasan, ST_Distance(k.geom::geography, l.geom::geography) AS jarak_m
FROM kawasan_lindung l
JOIN sempadan s ON s.id_kawasan = l.id_kawasan
JOIN kegiatan k ON ST_DWithin(k.geom, l.geom, s.reach_m / 100000.0 + 1e-6)
WHERE k.periode = '2026Q3'
  AND ST_DWithin(k.geom::geography, l.geom::geography, s.reach_m + 0.01)
"""


def _peer_setup(url: str, kawasan: gpd.GeoDataFrame) -> None:
    """The setback lookup table, and fresh planner statistics (setup, not timed)."""
    import sqlalchemy as sa

    reach = screening.setbacks(kawasan).fillna(0.0)
    frame = pd.DataFrame({"id_kawasan": kawasan["id_kawasan"].to_numpy(), "reach_m": reach.to_numpy(dtype=float)})
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS sempadan")
        conn.exec_driver_sql("CREATE TABLE sempadan (id_kawasan text PRIMARY KEY, reach_m float8 NOT NULL)")
        conn.execute(sa.text("INSERT INTO sempadan VALUES (:id_kawasan, :reach_m)"), frame.to_dict("records"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def peer_measure(url: str, parallel: bool) -> dict:
    """One run of :data:`PEER_SQL`: connect, query, fetch every pair into a DataFrame."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    t0 = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        if not parallel:
            conn.execute("SET max_parallel_workers_per_gather = 0")
        rows = conn.execute(PEER_SQL).fetchall()
        workers = conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]
    pairs = pd.DataFrame(rows, columns=["id_kegiatan", "id_kawasan", "jarak_m"])
    return {"seconds": time.perf_counter() - t0, "pairs": pairs, "workers": int(workers)}


def _peer_best(url: str, parallel: bool, repeat: int) -> dict:
    runs = [peer_measure(url, parallel) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["all_s"] = [round(r["seconds"], 2) for r in runs]
    return best


def geodesic_m(kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """Reference distance of each (activity, feature) pair: the nearest points of the two found in an
    azimuthal equidistant projection centred on the activity (exact for distances from its centre),
    then the ellipsoidal distance between them (``pyproj.Geod.inv`` on WGS 84). 0 where they meet."""
    from pyproj import CRS, Geod, Transformer

    geod = Geod(ellps="WGS84")
    act = dict(zip(kegiatan["id_kegiatan"], kegiatan.geometry.values))
    feat = dict(zip(kawasan["id_kawasan"], kawasan.geometry.values))
    out = np.zeros(len(pairs))
    for i, (ka, kf) in enumerate(zip(pairs["id_kegiatan"], pairs["id_kawasan"])):
        a, f = act[ka], feat[kf]
        if shapely.intersects(a, f):
            continue
        c = a.centroid
        aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m")
        to_local = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
        to_lonlat = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)

        def local(xy: np.ndarray, to_local: Transformer = to_local) -> np.ndarray:
            return np.c_[to_local.transform(xy[:, 0], xy[:, 1])]

        local_a = shapely.transform(a, local)
        local_f = shapely.transform(f, local)
        pa, pf = shapely.ops.nearest_points(local_a, local_f)
        (lon1, lon2), (lat1, lat2) = to_lonlat.transform([pa.x, pf.x], [pa.y, pf.y])
        out[i] = geod.inv(lon1, lat1, lon2, lat2)[2]
    return out


def _kotaku_pairs(kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame) -> pd.DataFrame:
    """kotaku-gis's inside-or-setback pairs: item-6 findings naming a feature, warnings left out."""
    found = screening.screen(kegiatan, kawasan)
    keep = found["aturan"].str.startswith("6") & found["id_kawasan"].notna() & (found["status"] != "peringatan")
    return found.loc[keep.to_numpy(), ["id_kegiatan", "id_kawasan", "jarak_m"]].drop_duplicates(["id_kegiatan", "id_kawasan"])


def compare_with_peer(url: str, kegiatan: gpd.GeoDataFrame, kawasan: gpd.GeoDataFrame, fast: dict, repeat: int) -> None:
    """Time the SQL peer (with PostgreSQL's parallel workers, and in one process), and compare its
    pairs and distances with kotaku-gis's and with the geodesic reference."""
    _peer_setup(url, kawasan)
    par = _peer_best(url, True, repeat)
    one = _peer_best(url, False, repeat)
    print(f"PostGIS SQL peer (GiST ST_DWithin prefilter, ST_DWithin + ST_Distance on geography, pairs fetched), "
          f"best of {repeat}: {par['seconds']:.2f} s with up to {par['workers']} parallel workers per query "
          f"{par['all_s']}, {one['seconds']:.2f} s in one process {one['all_s']}; {len(par['pairs']):,} pairs")  # fmt: skip
    ratio = par["seconds"] / fast["total_s"]
    good = ratio >= TARGET_PEER_RATIO and fast["total_s"] < TARGET_S
    print(f"  kotaku-gis on the GeoPackage (reading included) against the SQL peer: {ratio:.2f}x faster "
          f"({one['seconds'] / fast['total_s']:.2f}x against the peer in one process); target >= {TARGET_PEER_RATIO}x "
          f"and < {TARGET_S} s: {'ok' if good else 'MISSED'}")  # fmt: skip
    mine = _kotaku_pairs(kegiatan[kegiatan["periode"] == "2026Q3"], kawasan)
    a = set(zip(mine["id_kegiatan"], mine["id_kawasan"]))
    b = set(zip(par["pairs"]["id_kegiatan"], par["pairs"]["id_kawasan"]))
    print(f"  pairs: kotaku-gis {len(a):,}, SQL peer {len(b):,}, in both {len(a & b):,} "
          f"({'the same pairs' if a == b else 'DIFFERENT'})")  # fmt: skip
    both = mine.merge(par["pairs"], on=["id_kegiatan", "id_kawasan"], suffixes=("_kg", "_pg"))
    t = time.perf_counter()
    ref = geodesic_m(kegiatan, kawasan, both)
    apart = ref > 0
    far = ref >= 10.0  # relative errors where the 1 cm rounding of jarak_m is below 0.1 %
    for name, col in (("kotaku-gis", "jarak_m_kg"), ("PostGIS geography", "jarak_m_pg")):
        d = both[col].to_numpy(dtype=float)
        err = d[apart] - ref[apart]
        rel = (d[far] - ref[far]) / ref[far] * 100 if far.any() else np.zeros(1)
        zero = int(((d == 0) != ~apart).sum())
        print(f"  {name}: against the geodesic reference on {int(apart.sum()):,} pairs apart: error "
              f"{err.min():+.3f} to {err.max():+.3f} m; {rel.min():+.4f} % to {rel.max():+.4f} % on the "
              f"{int(far.sum()):,} pairs 10 m or more apart; {zero} pairs where it and the reference disagree "
              "on meeting")  # fmt: skip
    print(f"  (geodesic reference computed in {time.perf_counter() - t:.0f} s; kotaku-gis rounds jarak_m to 1 cm)")
    for side, only in (("kotaku-gis only", a - b), ("SQL peer only", b - a)):
        if only:
            extra = pd.DataFrame(sorted(only)[:2000], columns=["id_kegiatan", "id_kawasan"])
            dist = geodesic_m(kegiatan, kawasan, extra)
            reach = screening.setbacks(kawasan).fillna(0.0).set_axis(kawasan["id_kawasan"]).loc[extra["id_kawasan"]].to_numpy()
            print(f"  {side}: {len(only)} pairs; geodesic distance minus setback {np.min(dist - reach):+.3f} to "
                  f"{np.max(dist - reach):+.3f} m (<= 0: within the setback)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="10x smaller data")
    parser.add_argument("--subset", type=int, default=100, help="activities for the straightforward approach")
    parser.add_argument("--repeat", type=int, default=3, help="end-to-end runs (best counts)")
    parser.add_argument("--no-postgis", action="store_true")
    parser.add_argument("--store", metavar="DIR", type=Path, help="keep the GeoPackage store in DIR, reuse it later")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    scale = 10 if args.small else 1
    n_act, n_poly, river_km = 100_000 // scale, 20_000 // scale, 5_000.0 / scale
    print(f"kotaku-gis screening benchmark (seed {SEED}; machine: {os.cpu_count()} cores)")
    t = time.perf_counter()
    kegiatan, kawasan = make_data(n_act, n_poly, river_km)
    vertices = int(shapely.get_num_coordinates(kawasan.geometry.values).sum())
    polys = kawasan["kategori"] != "sungai"
    per_poly = shapely.get_num_coordinates(kawasan.geometry.values[polys.to_numpy()])
    river_len = float(geodesy.length_m(kawasan.geometry[~polys]).sum()) / 1000.0
    print(
        f"data: {len(kegiatan):,} activities, {int(polys.sum()):,} protected polygons "
        f"({int(np.percentile(per_poly, 5))}-{int(np.percentile(per_poly, 95))} vertices, 5-95 %; "
        f"median {int(np.median(per_poly))}), {river_len:,.0f} km of rivers in {int((~polys).sum())} lines; "
        f"{vertices:,} vertices in all ({time.perf_counter() - t:.1f} s to make)"
    )

    with tempfile.TemporaryDirectory(prefix="kotaku-bench-") as temporary:
        gpkg = str(_gpkg_store(args.store or Path(temporary), args.small, kegiatan, kawasan))
        fast = _measure_in_child(gpkg, args.repeat)
        print(
            f"GeoPackage, end to end (best of {args.repeat}: {fast['runs_total_s']} s): {fast['total_s']:.2f} s = "
            f"read kegiatan {fast['read_kegiatan_s']:.2f} + screen {fast['screen_s']:.2f} (the protected features near "
            f"an activity read on a thread meanwhile; that read alone {fast['read_kawasan_s']:.2f}); "
            f"{fast['cpu_s']:.2f} s CPU (all threads); peak memory "
            f"{fast['peak_rss_mb'] / 1024:.2f} GB; {fast['findings']:,} findings {fast['by_status']}; load average "
            f"{fast['loads']} on {os.cpu_count()} cores; target < {TARGET_S} s (full size): "
            f"{'-' if args.small else 'ok' if fast['total_s'] < TARGET_S else 'MISSED'}"
        )

        rng = np.random.default_rng(SEED + 1)
        subset = kegiatan.iloc[np.sort(rng.choice(len(kegiatan), size=min(args.subset, len(kegiatan)), replace=False))]
        t = time.perf_counter()
        naive, projecting, zones = straightforward(subset, kawasan)
        naive_s = time.perf_counter() - t
        per_activity = (naive_s - projecting) / len(subset)
        b = kegiatan.geometry.bounds
        all_zones = len(np.unique(geodesy.utm_epsg_array((b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2)))
        extrapolated = per_activity * len(kegiatan) + projecting / zones * all_zones
        ratio = extrapolated / fast["total_s"]
        print(
            f"straightforward (sjoin + per-row distance loop) on {len(subset)} random activities: {naive_s:.1f} s = "
            f"{per_activity * 1000:.1f} ms per activity + {projecting / zones:.1f} s per UTM zone to project the "
            f"protected layer -> {extrapolated:,.0f} s for {len(kegiatan):,} activities in {all_zones} zones "
            f"({len(naive)} findings on the subset)"
        )
        print(f"speed-up: {ratio:,.0f}x (straightforward, extrapolated / GeoPackage end to end)")
        fast_pairs = screening.screen(subset, kawasan)
        fast_pairs = fast_pairs[fast_pairs["aturan"].str.startswith("6") & fast_pairs["id_kawasan"].notna()]
        a = set(zip(fast_pairs["id_kegiatan"], fast_pairs["id_kawasan"]))
        spatial = naive[naive["id_kawasan"].notna()]
        b = set(zip(spatial["id_kegiatan"], spatial["id_kawasan"]))
        print(
            f"  check: item-6 (activity, protected feature) pairs on the subset: {len(a)} fast, {len(b)} "
            f"straightforward, {len(a & b)} in both"
        )

        pg = None if args.no_postgis else _postgis(kegiatan, kawasan, args.repeat, fast)
        if args.no_postgis:
            print("PostGIS: skipped (--no-postgis)")
        elif pg is not None:
            print(
                f"PostGIS, end to end (best of {args.repeat}: {pg['runs_total_s']} s): {pg['total_s']:.2f} s = "
                f"read kegiatan {pg['read_kegiatan_s']:.2f} + screen {pg['screen_s']:.2f} (reading kawasan_lindung "
                f"meanwhile; alone {pg['read_kawasan_s']:.2f}); {pg['cpu_s']:.2f} s CPU; "
                f"peak memory {pg['peak_rss_mb'] / 1024:.2f} GB; "
                f"{pg['findings']:,} findings; load average {pg['loads']}"
            )
            if pg["findings"] != fast["findings"]:
                print("  WARNING: PostGIS and GeoPackage findings differ in number")
    return 0


if __name__ == "__main__":
    sys.exit(main())
