"""Benchmark: score and roll up a national-size programme, reading it from a GeoPackage store.

What it does
------------
1. Builds a synthetic national data set (seeded; nothing real in it): 34 provinces, 271
   kabupaten/kota, their kecamatan and 11,067 kelurahan/desa; about 5 slum locations per kelurahan
   assessed in 8 periods (about 440,000 ``kawasan_kumuh`` rows: 16 criterion shares, or only the
   total as many SK annexes give it; some locations not reassessed, some new); about 20,000
   activities reported over the last 4 periods. It writes them into a GeoPackage store through
   ``Store.write`` (untimed set-up; kept with ``--store`` for later runs).
2. **Timed**, in a fresh Python process so that the peak memory is that of the job alone: open the
   store, read the ``kawasan_kumuh`` rows of the latest period and the baseline (the earliest) with
   only the columns scoring and progress read and no geometry (``Store.read(..., columns=
   progress.kumuh_columns(), geometry=False)``), score them (``scoring.score``), compare the periods
   per location (``progress.progress_lokasi``), read the columns of ``kegiatan`` and ``wilayah`` the
   roll-up needs, and roll up to all five levels (``progress.rollup_all_levels``). Prints the wall
   time with its parts, and the peak resident memory of that process (``VmHWM``, which includes the
   interpreter and the imported libraries). Then the same job with the old full read (every column
   and the geometry of the same rows), for the ratio; both give the same national totals (checked).
   Then both again on a PostGIS copy of the store (a throw-away server started as the tests start
   theirs; ``--no-postgis`` to skip), with the ratio PostGIS / GeoPackage.
   What the figure holds: from opening the store to the last roll-up frame, in a process that has
   imported ``kotaku_gis`` and the store's driver already (the interpreter's start and the imports
   are not in it; their time is printed beside it: kotaku_gis brings the GeoPackage's drivers,
   sqlite3 and GDAL, while SQLAlchemy imports PostgreSQL's, psycopg, only when the first engine is
   made, 0.1 s that would otherwise count against PostGIS alone). It does hold what the first use
   of the package costs any command: reading the catalogue and rule files (YAML), the store's first
   connection and its schema check.
   Wall time and the CPU time of the process are both printed: on a shared machine the wall time
   of a busy minute is up to 2-3x the CPU time.
3. The straightforward approach on a subset (the rows of a few provinces), in this run: a per-row
   Python loop scoring each row from the same rule data, dictionaries per location, and per-unit
   filtering for the roll-up (one boolean mask over the frame per unit). The vectorised functions
   run on the same in-memory subset; the ratio is straightforward time / vectorised time. Both give
   the same national totals (checked).

Usage::

    python scripts/bench_scoring.py                      # temporary store, removed afterwards
    python scripts/bench_scoring.py --store /tmp/bench.gpkg   # build once, reuse on later runs
    python scripts/bench_scoring.py --store /tmp/bench.gpkg --no-postgis

Targets on the CI machine (2 cores): < 1.0 s including reading, < 600 MB peak, PostGIS within 1.5x
of the GeoPackage (``TARGET_*`` below; each line says ``ok`` or ``MISSED``). The load average of the
machine is printed before and after: on a shared machine the figures are those of a busy one.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scripts._bench import peak_rss_mb, postgis_database

N_KELURAHAN = 11_067
N_KABKOTA = 271
PROVINSI = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51",
            "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "94"]  # fmt: skip
PERIODS = ["2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025"]
N_KEGIATAN = 20_000
SEED = 20240611
TARGET_S = 1.0  # score + progress + roll-up from the GeoPackage store, 2 cores
TARGET_MB = 600  # peak resident memory of that process
TARGET_PG_RATIO = 1.5  # the same from PostGIS, against the GeoPackage


# -- synthetic data ------------------------------------------------------------------------------------
def make_codes(rng: np.random.Generator) -> pd.DataFrame:
    """Provinces, kabkota, kecamatan and kelurahan codes with names (the ``wilayah`` rows)."""
    kab_per_prov = rng.multinomial(N_KABKOTA - len(PROVINSI), np.full(len(PROVINSI), 1 / len(PROVINSI))) + 1
    kabkota = []
    for prov, n in zip(PROVINSI, kab_per_prov):
        n_kota = max(1, n // 4)
        parts = [f"{i:02d}" for i in range(1, n - n_kota + 1)] + [f"{71 + i:02d}" for i in range(n_kota)]
        kabkota += [f"{prov}.{p}" for p in parts]
    kec_per_kab = rng.integers(3, 11, len(kabkota))
    kecamatan = [f"{kab}.{i:02d}" for kab, n in zip(kabkota, kec_per_kab) for i in range(1, n + 1)]
    kel_per_kec = rng.multinomial(N_KELURAHAN - len(kecamatan), np.full(len(kecamatan), 1 / len(kecamatan))) + 1
    kelurahan = [f"{kec}.{(1 if i % 3 else 2)}{i:03d}" for kec, n in zip(kecamatan, kel_per_kec) for i in range(1, n + 1)]
    codes = PROVINSI + kabkota + kecamatan + kelurahan
    return pd.DataFrame({"kode": codes, "nama": [f"Wilayah {c}" for c in codes]})


def make_kumuh(rng: np.random.Generator, kelurahan: np.ndarray, criteria: list[str]) -> pd.DataFrame:
    """About 5 locations per kelurahan, one row per location per period, improving over time."""
    n_loc = rng.integers(1, 10, len(kelurahan))  # 1..9, mean 5
    kel = np.repeat(kelurahan, n_loc)
    n = len(kel)
    ids = np.array([f"KMH-{i:06d}" for i in range(n)], dtype=object)
    first = np.where(rng.random(n) < 0.03, rng.integers(1, len(PERIODS), n), 0)  # 3 % appear later ("baru")
    last = np.where(rng.random(n) < 0.05, len(PERIODS) - 2, len(PERIODS) - 1)  # 5 % not reassessed at the end
    luas = np.round(rng.gamma(2.0, 2.5, n) + 0.2, 3)
    base_share = rng.uniform(10, 95, (n, len(criteria)))
    improve = rng.uniform(0.0, 9.0, n)
    pertimbangan = rng.integers(3, 16, n)
    legal = np.where(rng.random(n) < 0.85, "legal", "ilegal").astype(object)
    totals_only = rng.random(n) < 0.3  # baseline from an SK annex that gives only the total
    frames = []
    for p, periode in enumerate(PERIODS):
        rows = np.flatnonzero((first <= p) & (last >= p))
        shares = np.clip(base_share[rows] - improve[rows, None] * p + rng.normal(0, 3, (len(rows), len(criteria))), 0, 100)
        shares = np.round(shares, 2)
        frame = pd.DataFrame(shares, columns=criteria)
        frame.insert(0, "id_lokasi", ids[rows])
        frame.insert(1, "kode_kelurahan", kel[rows])
        frame.insert(2, "periode", periode)
        frame.insert(3, "luas_ha", luas[rows])
        frame["aturan_penilaian"] = "permen_14_2018"
        frame["nilai_pertimbangan_lain"] = pertimbangan[rows]
        frame["legalitas"] = legal[rows]
        if p == 0:  # totals-only rows: criteria empty, the total given (as the SK annex states it)
            only = totals_only[rows]
            frame.loc[only, "nilai_kekumuhan"] = rng.integers(16, 75, int(only.sum())).astype(float)
            frame.loc[only, criteria] = np.nan
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def make_kegiatan(rng: np.random.Generator, kelurahan: np.ndarray) -> pd.DataFrame:
    """Activities reported over the last 4 periods, moving from rencana to selesai."""
    kel = rng.choice(kelurahan, N_KEGIATAN)
    start = rng.integers(len(PERIODS) - 4, len(PERIODS), N_KEGIATAN)
    biaya = np.round(rng.uniform(5e7, 2e9, N_KEGIATAN), -5)
    frames = []
    for p in range(len(PERIODS) - 4, len(PERIODS)):
        rows = np.flatnonzero(start <= p)
        age = p - start[rows]
        status = np.array(["rencana", "pelaksanaan", "selesai", "selesai"], dtype=object)[np.minimum(age, 3)]
        progres = np.select([age == 0, age == 1], [0.0, 50.0], 100.0)
        columns = {
            "id_kegiatan": [f"KGT-{i:06d}" for i in rows],
            "kode_kelurahan": kel[rows],
            "nama": "Kegiatan sintetis",
            "jenis": "jalan_lingkungan",
            "periode": PERIODS[p],
            "status": status,
            "progres_fisik": progres,
            "biaya_idr": biaya[rows],
        }
        frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True)


def squares(n: int, rng: np.random.Generator, size: float):  # type: ignore[no-untyped-def]
    import shapely

    lon = rng.uniform(96, 140, n)
    lat = rng.uniform(-10, 5, n)
    polys = shapely.box(lon, lat, lon + size, lat + size)
    return shapely.multipolygons(polys.reshape(-1, 1).tolist()) if n else polys


def build_store(path: Path) -> dict[str, int]:
    import geopandas as gpd

    from kotaku_gis import scoring
    from kotaku_gis.store import open_store

    rng = np.random.default_rng(SEED)
    criteria = scoring.rule_set("permen_14_2018").columns
    wil = make_codes(rng)
    kelurahan = wil["kode"][wil["kode"].str.len() == 13].to_numpy()
    kumuh = make_kumuh(rng, kelurahan, criteria)
    kegiatan = make_kegiatan(rng, kelurahan)
    store = open_store(path)
    store.init()
    t0 = time.perf_counter()
    levels = np.select([wil["kode"].str.len() == n for n in (2, 5, 8)], ["provinsi", "kabkota", "kecamatan"], "kelurahan")
    wil["tingkat"] = levels
    wil["kode_induk"] = wil["kode"].str.rsplit(".", n=1).str[0].where(wil["kode"].str.len() > 2)
    store.write("wilayah", gpd.GeoDataFrame(wil, geometry=squares(len(wil), rng, 0.01), crs="EPSG:4326"))
    for periode, part in kumuh.groupby("periode", sort=True):
        store.write("kawasan_kumuh", gpd.GeoDataFrame(part, geometry=squares(len(part), rng, 0.001), crs="EPSG:4326"))
        print(f"  kawasan_kumuh {periode}: {len(part):,} rows written", flush=True)
    points = gpd.points_from_xy(rng.uniform(96, 140, len(kegiatan)), rng.uniform(-10, 5, len(kegiatan)))
    store.write("kegiatan", gpd.GeoDataFrame(kegiatan, geometry=points, crs="EPSG:4326"))
    store.close()
    print(f"  store written in {time.perf_counter() - t0:.0f} s: {path}", flush=True)
    return {"wilayah": len(wil), "kelurahan": len(kelurahan), "kawasan_kumuh": len(kumuh), "kegiatan": len(kegiatan),
            "lokasi": int(kumuh["id_lokasi"].nunique())}  # fmt: skip


# -- the timed job (run in a child process) ------------------------------------------------------------
KEGIATAN_COLUMNS = ["id_kegiatan", "kode_kelurahan", "periode", "status", "progres_fisik", "biaya_idr"]


def timed_job(url: str, full: bool) -> dict[str, float]:
    """Score, progress and roll-up of the nation. ``full``: the old way, every column and the
    geometry of the same rows; otherwise only the columns the analyses read, without geometry."""
    rss_start = peak_rss_mb()
    t_import = time.perf_counter()
    import kotaku_gis as kg  # imports are not part of the figure (printed apart)

    if "://" in url:  # and the store's driver: psycopg, which SQLAlchemy imports when the engine is made
        sa.create_engine(url).dispose()  # (the GeoPackage's sqlite3 and GDAL come with kotaku_gis)
    gc.collect()  # the full collection the imports' objects make due: theirs, not the figure's
    import_s = time.perf_counter() - t_import

    rss_imported = peak_rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    store = kg.open_store(url)
    periods = store.periods("kawasan_kumuh")
    periode, baseline = periods[-1], periods[0]
    only = {} if full else {"geometry": False}
    kumuh = store.read("kawasan_kumuh", periode=[baseline, periode], **only,
                       **({} if full else {"columns": kg.progress.kumuh_columns()}))  # fmt: skip
    t_read = time.perf_counter()
    scored = kg.score(kumuh)
    t_score = time.perf_counter()
    per = kg.progress_lokasi(scored, periode, baseline)
    t_progress = time.perf_counter()
    kegiatan = store.read("kegiatan", **only, **({} if full else {"columns": KEGIATAN_COLUMNS}))
    wilayah = store.read("wilayah", **only, **({} if full else {"columns": ["kode", "nama"]}))
    t_read2 = time.perf_counter()
    levels = kg.rollup_all_levels(per, kegiatan, wilayah)
    t1 = time.perf_counter()
    c1 = time.process_time()
    store.close()
    nation = levels["nasional"].iloc[0]
    return {
        "rows": len(kumuh),
        "columns": kumuh.shape[1],
        "seconds": t1 - t0,
        "cpu_s": c1 - c0,
        "import_s": import_s,
        "read_kumuh_s": t_read - t0,
        "score_s": t_score - t_read,
        "progress_s": t_progress - t_score,
        "read_other_s": t_read2 - t_progress,
        "rollup_s": t1 - t_read2,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_imports_mb": rss_imported,
        "rss_start_mb": rss_start,
        "units": {k: len(v) for k, v in levels.items()},
        "luas_awal": float(nation["luas_kumuh_awal_ha"]),
        "luas_akhir": float(nation["luas_kumuh_akhir_ha"]),
        "persen": float(nation["persen_pengurangan"]),
    }


def _run_job(url: str, full: bool) -> dict:
    cmd = [sys.executable, __file__, "--job", url] + (["--full"] if full else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def best_of(url: str, repeat: int) -> tuple[dict, dict]:
    """Best of ``repeat`` runs of :func:`timed_job`, each in a fresh process (its own peak memory),
    the column-only job and the old full read taking turns (so that a busy machine slows both alike)."""
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(repeat):
        for full in (False, True):
            runs[full].append(_run_job(url, full))
    out = []
    for full in (False, True):
        best = min(runs[full], key=lambda r: r["seconds"])
        best["all_s"] = [r["seconds"] for r in runs[full]]
        best["all_cpu_s"] = [r["cpu_s"] for r in runs[full]]
        out.append(best)
    return out[0], out[1]


def report(kind: str, new: dict, old: dict) -> None:
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    median = float(np.median(new["all_s"]))
    print(f"{kind}: score + progress + roll-up, national ({new['rows']:,} kawasan_kumuh rows of the period and the "
          f"baseline, {new['columns']} columns, no geometry), best of {len(new['all_s'])} fresh processes:")  # fmt: skip
    print(f"  total          {new['seconds']:.2f} s   (target < {TARGET_S} s: {ok(new['seconds'] < TARGET_S)}); "
          f"CPU time of the process {new['cpu_s']:.2f} s (best {min(new['all_cpu_s']):.2f} s)")  # fmt: skip
    print(f"    read kumuh   {new['read_kumuh_s']:.2f} s")
    print(f"    score        {new['score_s']:.2f} s")
    print(f"    progress     {new['progress_s']:.2f} s   (per location, latest period against the earliest)")
    print(f"    read kegiatan + wilayah {new['read_other_s']:.2f} s")
    print(f"    roll-up      {new['rollup_s']:.2f} s   (5 levels)")
    print("  all runs       " + ", ".join(f"{s:.2f}" for s in new["all_s"]) + f" s (median {median:.2f} s); "
          f"import kotaku_gis and the store's driver {new['import_s']:.2f} s before the figure (not in it)")  # fmt: skip
    print(f"  peak memory    {new['peak_rss_mb']:,.0f} MB resident (process total; {new['rss_after_imports_mb']:,.0f} MB "
          f"after imports)   (target < {TARGET_MB} MB: {ok(new['peak_rss_mb'] < TARGET_MB)})")  # fmt: skip
    print(f"  the old full read (every column and the geometry of the same rows; runs taking turns with the above): "
          f"{old['seconds']:.2f} s (reading kumuh {old['read_kumuh_s']:.2f} s), peak {old['peak_rss_mb']:,.0f} MB: "
          f"{old['seconds'] / new['seconds']:.1f}x slower, "
          f"{old['peak_rss_mb'] / new['peak_rss_mb']:.1f}x the memory")  # fmt: skip
    for key in ("luas_awal", "luas_akhir"):
        assert math.isclose(new[key], old[key], rel_tol=1e-12), (key, new[key], old[key])


# -- the straightforward approach ----------------------------------------------------------------------
def naive_pipeline(kumuh: pd.DataFrame, kegiatan: pd.DataFrame, wil: pd.DataFrame, periode: str, baseline: str) -> dict:
    """Per-row scoring loop, per-location dictionaries, per-unit filtering: what one writes first."""
    from kotaku_gis import scoring

    rs = scoring.rule_set("permen_14_2018")
    klas = scoring.classification()
    share_bands = [(b.min, b.score) for b in rs.share_bands]
    total_bands = [(b.min, b.level) for b in rs.total_bands]
    cons_bands = [(b.min, b.level) for b in rs.consideration.bands]

    def band(value, bands):  # type: ignore[no-untyped-def]
        found = None
        for lo, what in bands:
            if value >= lo:
                found = what
        return found

    scored = []
    for row in kumuh.to_dict("records"):
        shares = [row[c] for c in rs.columns]
        given = all(pd.notna(s) for s in shares)  # every criterion given, else the total
        total = float(sum(band(s, share_bands) for s in shares)) if given else row["nilai_kekumuhan"]
        level = band(total, total_bands)
        cons = band(row["nilai_pertimbangan_lain"], cons_bands)
        code = klas.code(level, cons, row["legalitas"]) if level in klas.letters else None
        scored.append({"id": row["id_lokasi"], "kode": row["kode_kelurahan"], "periode": row["periode"],
                       "luas": row["luas_ha"], "nilai": total, "tingkat": level, "klasifikasi": code})  # fmt: skip
    base = {r["id"]: r for r in scored if r["periode"] == baseline}
    cur = {r["id"]: r for r in scored if r["periode"] == periode}
    per = []
    for lid in sorted(set(base) | set(cur)):
        b, c = base.get(lid), cur.get(lid)
        kumuh_awal = b is not None and b["tingkat"] != "tidak_kumuh"
        if c is None:
            kumuh_akhir, luas_akhir = kumuh_awal, (b["luas"] if kumuh_awal else 0.0)
        else:
            kumuh_akhir = c["tingkat"] != "tidak_kumuh"
            luas_akhir = c["luas"] if kumuh_akhir else 0.0
        luas_awal = b["luas"] if kumuh_awal else 0.0
        per.append({"kode": (c or b)["kode"], "awal": luas_awal, "akhir": luas_akhir,
                    "keluar": kumuh_awal and c is not None and not kumuh_akhir})  # fmt: skip
    per_df = pd.DataFrame(per)
    keg = kegiatan[kegiatan["periode"] <= periode].sort_values("periode").drop_duplicates("id_kegiatan", keep="last")
    totals = {}
    for kode in [""] + sorted(wil["kode"]):  # one filter per unit
        mask = per_df["kode"].str.startswith(kode)
        kmask = keg["kode_kelurahan"].str.startswith(kode)
        awal, akhir = per_df.loc[mask, "awal"].sum(), per_df.loc[mask, "akhir"].sum()
        totals[kode] = {
            "luas_kumuh_awal_ha": awal,
            "luas_kumuh_akhir_ha": akhir,
            "persen_pengurangan": 100 * (awal - akhir) / awal if awal else float("nan"),
            "lokasi_keluar_kumuh": int(per_df.loc[mask, "keluar"].sum()),
            "kegiatan_selesai": int((keg.loc[kmask, "status"] == "selesai").sum()),
            "biaya_idr_total": keg.loc[kmask, "biaya_idr"].sum(),
        }
    return totals


def vectorised_pipeline(kumuh: pd.DataFrame, kegiatan: pd.DataFrame, wil: pd.DataFrame, periode: str, baseline: str):  # type: ignore[no-untyped-def]
    import kotaku_gis as kg

    per = kg.progress_lokasi(kg.score(kumuh), periode, baseline)
    return kg.rollup_all_levels(per, kegiatan, wil)


def compare_on_subset(path: str, n_provinces: int) -> dict[str, float]:
    from kotaku_gis.store import open_store

    store = open_store(path)
    periods = store.periods("kawasan_kumuh")
    provinces = PROVINSI[:n_provinces]
    kumuh = store.read("kawasan_kumuh", periode=[periods[0], periods[-1]], geometry=False)
    kumuh = kumuh[kumuh["kode_kelurahan"].str.slice(0, 2).isin(provinces)].reset_index(drop=True)
    kegiatan = store.read("kegiatan", geometry=False)
    kegiatan = kegiatan[kegiatan["kode_kelurahan"].str.slice(0, 2).isin(provinces)].reset_index(drop=True)
    wil = store.read("wilayah", columns=["kode", "nama"], geometry=False)
    wil = wil[wil["kode"].str.slice(0, 2).isin(provinces)].reset_index(drop=True)
    store.close()
    args = (kumuh, kegiatan, wil, periods[-1], periods[0])

    def best(fn, repeat):  # type: ignore[no-untyped-def]
        times, result = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = fn(*args)
            times.append(time.perf_counter() - t0)
        return min(times), result

    vec_s, levels = best(vectorised_pipeline, 5)
    naive_s, totals = best(naive_pipeline, 1)
    # both approaches must agree
    vec = pd.concat(levels.values()).set_index("kode")
    for kode, t in totals.items():
        for column, value in t.items():
            got = vec.loc[kode, column]
            assert (math.isnan(value) and math.isnan(got)) or math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-6), (
                kode, column, got, value,
            )  # fmt: skip
    units = sum(len(v) for v in levels.values())
    return {"rows": len(kumuh), "units": units, "vectorised_s": vec_s, "naive_s": naive_s, "ratio": naive_s / vec_s}


# -- main ----------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="GeoPackage to build (if missing) and benchmark; default a temporary one")
    parser.add_argument("--subset-provinces", type=int, default=3, help="provinces in the straightforward-approach subset")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (each in a fresh process); the best is reported")
    parser.add_argument("--no-postgis", action="store_true", help="GeoPackage only")
    parser.add_argument("--job", help=argparse.SUPPRESS)  # internal: run the timed job on this store
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)  # internal: the old full read
    args = parser.parse_args(argv)
    if args.job:
        print(json.dumps(timed_job(args.job, args.full)))
        return 0

    tmp = None
    path = args.store
    if path is None:
        tmp = tempfile.TemporaryDirectory(prefix="kotaku-bench-")
        path = Path(tmp.name) / "bench.gpkg"
    try:
        if not path.exists():
            print(f"Building the synthetic national store (seed {SEED}) ...", flush=True)
            sizes = build_store(path)
            print("  " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()), flush=True)
        else:
            from kotaku_gis.store import open_store

            store = open_store(path)
            store.init()  # an older store gains the tables and columns of this release (untimed)
            store.close()
        print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
              "(1, 5, 15 min) before the runs")  # fmt: skip
        gpkg, gpkg_full = best_of(str(path), args.repeat)
        report("GeoPackage", gpkg, gpkg_full)
        print(f"  units          {gpkg['units']}")
        print(
            f"  nation         slum area {gpkg['luas_awal']:,.0f} ha -> {gpkg['luas_akhir']:,.0f} ha "
            f"({gpkg['persen']:.1f} % less)"
        )
        if not args.no_postgis:
            with postgis_database(REPO) as url:
                if url is not None:
                    print(f"  copying the store to PostGIS ... {copy_to(str(path), url):.0f} s (setup, not timed)", flush=True)
                    pg, pg_full = best_of(url, args.repeat)
                    report("PostGIS", pg, pg_full)
                    ratio = pg["seconds"] / gpkg["seconds"]
                    print(f"  PostGIS / GeoPackage: {ratio:.2f}x (target <= {TARGET_PG_RATIO}x: "
                          f"{'ok' if ratio <= TARGET_PG_RATIO else 'MISSED'})")  # fmt: skip
                    assert math.isclose(pg["luas_akhir"], gpkg["luas_akhir"], rel_tol=1e-12)
        cmp = compare_on_subset(str(path), args.subset_provinces)
        print()
        print(f"Straightforward approach (per-row loop scoring, per-unit filtering) on a subset: "
              f"{args.subset_provinces} provinces, {cmp['rows']:,} rows (2 periods), {cmp['units']:,} units; "
              "same totals as the vectorised run:")  # fmt: skip
        print(f"  straightforward {cmp['naive_s']:.2f} s, vectorised {cmp['vectorised_s']:.3f} s: ratio {cmp['ratio']:.0f}x")
        print(f"machine: load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} after the runs")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


def copy_to(source: str, url: str) -> float:
    """Copy every layer of the benchmark store into another store (each layer, or period, one write)."""
    from kotaku_gis.store import open_store

    t0 = time.perf_counter()
    src, dst = open_store(source), open_store(url)
    dst.init()
    dst.write("wilayah", src.read("wilayah"))
    for periode in src.periods("kawasan_kumuh"):
        dst.write("kawasan_kumuh", src.read("kawasan_kumuh", periode=periode))
    dst.write("kegiatan", src.read("kegiatan"))
    # what autovacuum does to a store some time after its loads (statistics, visibility map, hint
    # bits), done here so that it does not run during the first timed runs
    with dst.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    src.close()
    dst.close()
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
