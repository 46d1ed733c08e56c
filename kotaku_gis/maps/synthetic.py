"""SYNTHETIC map inputs of any size, for tests, benchmarks and examples (seeded, deterministic).

Nothing here is real: the kelurahan are Voronoi cells with wavy borders laid over a box near
Pontianak, and the slum locations, activities, protected areas, findings and roll-up are random.
Every name carries "SINTETIS". The boundaries form a clean coverage with many vertices per border
(like surveyed boundaries), which is what the map's coverage simplification has to handle.

Examples
--------
>>> from kotaku_gis.maps import synthetic_inputs
>>> inp = synthetic_inputs("kabkota", n_kelurahan=12, n_kegiatan=30, n_kecamatan=3)
>>> inp.kode, sorted(inp.wilayah["tingkat"].unique())
('61.71', ['kabkota', 'kecamatan', 'kelurahan', 'provinsi'])
>>> len(inp.kegiatan)
30
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import geodesy, scoring, wilayah
from kotaku_gis.maps._prepare import MapInputs
from kotaku_gis.maps.inputs import map_rollup

#: South-west corner of the synthetic box (near Pontianak) and its size in degrees.
ORIGIN = (109.20, -0.15)
_CRITERIA = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a", "6b", "7a", "7b"]
_JENIS = [
    "jalan_lingkungan",
    "drainase",
    "air_minum",
    "air_limbah",
    "persampahan",
    "proteksi_kebakaran",
    "ruang_terbuka_publik",
    "rehab_bangunan",
    "tanggul_talud",
]


def _wavy(geoms: np.ndarray, step: float, amplitude: float) -> np.ndarray:
    """Borders with many vertices: each edge cut into ``step``-long pieces, and every vertex moved by
    a smooth function of its position, so both copies of a shared border move together."""
    dense = shapely.segmentize(geoms, step)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        dx = amplitude * np.sin(x * 1900.0 + y * 700.0) * np.cos(y * 1300.0)
        dy = amplitude * np.cos(x * 1100.0 - y * 1700.0) * np.sin(x * 900.0)
        return np.column_stack([x + dx, y + dy])

    out = shapely.transform(dense, move)
    # segmentize may place the two copies of a shared vertex one ulp apart: snap them together
    return shapely.make_valid(shapely.set_precision(out, 1e-9))


def synthetic_inputs(
    tingkat: str = "kecamatan",
    *,
    n_kelurahan: int = 8,
    n_kegiatan: int = 40,
    n_kecamatan: int = 2,
    n_kabkota: int = 1,
    size_deg: float | None = None,
    border_step_m: float = 60.0,
    baseline: str | None = "2024",
    periode: str = "2026Q3",
    seed: int = 20261128,
) -> MapInputs:
    """SYNTHETIC inputs of a progress map at level ``tingkat``.

    Parameters
    ----------
    tingkat : {"nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"}
        Level of the unit mapped: the nation, province ``61``, kab/kota ``61.71``, its first
        kecamatan, or that kecamatan's first kelurahan.
    n_kelurahan : int
        Kelurahan in all (spread over the kecamatan and kab/kota).
    n_kegiatan : int
        Activities in all.
    n_kecamatan : int
        Kecamatan per kab/kota.
    n_kabkota : int
        Kab/kota side by side in province 61.
    size_deg : float, optional
        Side of the box holding everything (default: about 1.5 km of kelurahan width).
    border_step_m : float
        Spacing of the vertices along the borders (smaller: more vertices).
    baseline, periode : str
        Baseline and current period; ``baseline=None`` leaves the baseline out.
    seed : int
        Seed of the random generator.

    Returns
    -------
    MapInputs
        With scored slum locations (``kotaku_gis.score`` and ``indikator_7plus1``), a hand-made
        roll-up of the children (:func:`kotaku_gis.maps.inputs.map_rollup`), findings and protected
        areas; ``sumber=["sintetis"]``.
    """
    rng = np.random.default_rng(seed)
    side = size_deg or 0.0135 * np.sqrt(n_kelurahan)
    frame, kel, w = _wilayah(rng, side, n_kelurahan, n_kecamatan, n_kabkota, border_step_m)
    kumuh_awal, kumuh_now = _kumuh(rng, kel, baseline, periode)
    kegiatan = _kegiatan(rng, kel, kumuh_now, n_kegiatan, periode)
    lindung, sempadan = _lindung(frame, side)
    temuan = _temuan(kegiatan, sempadan)

    first_kec = sorted(w.loc[w["tingkat"] == "kecamatan", "kode"])[0]
    unit = {
        "nasional": "",
        "provinsi": "61",
        "kabkota": "61.71",
        "kecamatan": first_kec,
        "kelurahan": sorted(kel.loc[kel["kode"].str.startswith(first_kec + "."), "kode"])[0],
    }[tingkat]
    child = {"nasional": "provinsi", "provinsi": "kabkota", "kabkota": "kecamatan", "kecamatan": "kelurahan", "kelurahan": None}[
        tingkat
    ]
    both = pd.concat([f for f in (kumuh_awal, kumuh_now) if f is not None], ignore_index=True)
    kids = w[w["tingkat"] == (child or tingkat)]
    rollup = map_rollup(both, kegiatan, kids, tingkat, unit, periode, baseline)
    return MapInputs(
        tingkat=tingkat,
        kode=unit,
        periode=periode,
        baseline=baseline,
        wilayah=w,
        rollup=rollup,
        kumuh=kumuh_now,
        kumuh_awal=kumuh_awal,
        kegiatan=kegiatan,
        temuan=temuan,
        lindung=lindung,
        sempadan=sempadan,
        tanggal_data="2026-11-28",
        sumber=["sintetis"],
    )


def _wilayah(
    rng: np.random.Generator, side: float, n_kelurahan: int, n_kecamatan: int, n_kabkota: int, border_step_m: float
) -> tuple[shapely.Polygon, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The box of everything, the kelurahan (wavy Voronoi cells, coded kab/kota by kecamatan from
    the west and south) and every level's boundaries (the kelurahan's unions upwards)."""
    x0, y0 = ORIGIN
    frame = shapely.box(x0, y0, x0 + side, y0 + side)
    pts = rng.uniform([x0, y0], [x0 + side, y0 + side], size=(n_kelurahan, 2))
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame)
    cells = np.array(shapely.get_parts(cells), dtype=object)
    # voronoi cells come in arbitrary order: match each to its seed
    seeds = shapely.points(pts)
    order = [int(np.flatnonzero(shapely.contains(cells, s))[0]) for s in seeds]
    geoms = shapely.intersection(cells[order], frame)
    geoms = _wavy(geoms, border_step_m / 111_320.0, 0.00015)

    kab = np.minimum((pts[:, 0] - x0) / side * n_kabkota, n_kabkota - 1).astype(int)
    kec = np.minimum((pts[:, 1] - y0) / side * n_kecamatan, n_kecamatan - 1).astype(int)
    rows: list[Any] = []
    counter: dict[tuple[int, int], int] = {}
    for i in np.lexsort((pts[:, 0], kec, kab)):
        key = (int(kab[i]), int(kec[i]))
        counter[key] = counter.get(key, 0) + 1
        kode = f"61.{71 + key[0]:02d}.{key[1] + 1:02d}.{1000 + counter[key]}"
        rows.append({"kode": kode, "nama": f"Kelurahan {len(rows) + 1} SINTETIS", "geometry": geoms[i]})
    kel = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    kel["tingkat"] = "kelurahan"
    parents = []
    for level, label in (("kecamatan", "Kecamatan"), ("kabkota", "Kota"), ("provinsi", "Provinsi")):
        codes = wilayah.ancestor_series(kel["kode"], level)
        for n, (code, part) in enumerate(kel.groupby(codes.to_numpy(), sort=True)):
            geom = shapely.union_all(part.geometry.to_numpy())
            parents.append({"kode": code, "nama": f"{label} {n + 1} SINTETIS", "geometry": geom, "tingkat": level})
    w = pd.concat([gpd.GeoDataFrame(parents, crs="EPSG:4326"), kel], ignore_index=True)

    return frame, kel, w


def _kumuh(
    rng: np.random.Generator, kel: gpd.GeoDataFrame, baseline: str | None, periode: str
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame]:
    rows, geoms = [], []
    for kode, g in zip(kel["kode"], kel.geometry):
        for j in range(int(rng.integers(0, 3))):
            c = shapely.point_on_surface(g)
            minx, miny, maxx, maxy = g.bounds
            for _ in range(20):
                p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
                if g.contains(p):
                    c = p
                    break
            r = rng.uniform(0.0004, 0.0012)
            shape = shapely.intersection(c.buffer(r, quad_segs=3), g)
            if shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            rows.append(
                {"id_lokasi": f"{kode}-L{j + 1}", "kode_kelurahan": kode, "nama_kawasan": f"Kawasan {kode[-4:]}-{j + 1} SINTETIS"}
            )
            geoms.append(shape)
    base = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    base["luas_ha"] = geodesy.area_ha(base.geometry).round(2).to_numpy()
    n = len(base)
    shares = rng.uniform(15, 95, size=(n, len(_CRITERIA)))
    common = dict(nilai_pertimbangan_lain=rng.integers(3, 16, size=n), legalitas="legal")
    awal = base.assign(periode=baseline or "", rtp_tersedia=rng.uniform(0, 60, size=n), **common)
    for k, c in enumerate(_CRITERIA):
        awal[f"kriteria_{c}"] = shares[:, k].round(2)
    now = base.assign(periode=periode, rtp_tersedia=np.minimum(100, awal["rtp_tersedia"] + rng.uniform(0, 40, size=n)), **common)
    improved = shares * rng.uniform(0.2, 1.0, size=(n, 1))
    for k, c in enumerate(_CRITERIA):
        now[f"kriteria_{c}"] = improved[:, k].round(2)
    now["luas_ha"] = (now["luas_ha"] * rng.uniform(0.3, 1.0, size=n)).round(2)
    scored_now = scoring.indikator_7plus1(scoring.score(now))
    scored_awal = scoring.indikator_7plus1(scoring.score(awal)) if baseline else None
    return scored_awal, scored_now


def _kegiatan(rng: np.random.Generator, kel: gpd.GeoDataFrame, kumuh: gpd.GeoDataFrame, n: int, periode: str) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    anchors = kumuh if len(kumuh) else kel
    for i in range(n):
        a = anchors.iloc[int(rng.integers(0, len(anchors)))]
        c = shapely.point_on_surface(a.geometry)
        x, y = c.x + rng.normal(0, 0.0005), c.y + rng.normal(0, 0.0005)
        status = str(rng.choice(["rencana", "pelaksanaan", "selesai"], p=[0.25, 0.35, 0.4]))
        progres = {"rencana": 0.0, "selesai": 100.0}.get(status, float(rng.integers(5, 95)))
        jenis = str(rng.choice(_JENIS))
        if i % 97 == 13:
            jenis = "pembebasan_lahan"  # a negative-list type (rule 2), for findings
        geom = shapely.Point(x, y)
        if jenis in ("jalan_lingkungan", "drainase") and i % 3 == 0:
            geom = shapely.LineString([(x, y), (x + rng.normal(0, 0.001), y + rng.normal(0, 0.001))])
        kode = a["kode_kelurahan"] if "kode_kelurahan" in anchors.columns else a["kode"]
        rows.append(
            {
                "id_kegiatan": f"K{i + 1:05d}",
                "kode_kelurahan": kode,
                "id_lokasi": a.get("id_lokasi"),
                "nama": f"Kegiatan {i + 1} SINTETIS",
                "jenis": jenis,
                "periode": periode,
                "status": status,
                "progres_fisik": progres,
                "biaya_idr": float(rng.integers(50, 900)) * 1e6,
            }
        )
        geoms.append(geom)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def _lindung(frame: shapely.Polygon, side: float) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    minx, miny, maxx, maxy = frame.bounds
    river = shapely.LineString([(minx, miny + side * 0.45), (minx + side * 0.4, miny + side * 0.55), (maxx, miny + side * 0.5)])
    river = shapely.segmentize(river, side / 40)
    mangrove = shapely.box(maxx - side * 0.15, miny, maxx, miny + side * 0.12)
    lindung = gpd.GeoDataFrame(
        {
            "id_kawasan": ["SIN-S1", "SIN-M1"],
            "nama": ["Sungai SINTETIS", "Mangrove SINTETIS"],
            "kategori": ["sungai", "hutan_mangrove"],
            "sumber": ["SINTETIS", "SINTETIS"],
        },
        geometry=[river, mangrove],
        crs="EPSG:4326",
    )
    sempadan = gpd.GeoDataFrame(
        {"id_kawasan": ["SIN-S1"], "nama": ["Sungai SINTETIS"], "kategori": ["sungai"], "sempadan_m": [15.0]},
        geometry=[river.buffer(15 / 111_320.0 * 8)],
        crs="EPSG:4326",
    )
    return lindung, sempadan


def _temuan(kegiatan: gpd.GeoDataFrame, sempadan: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = []
    zone = sempadan.geometry.iloc[0]
    for r in kegiatan.itertuples():
        if r.geometry.intersects(zone):
            rows.append(
                {
                    "id_kegiatan": r.id_kegiatan,
                    "aturan": "6a",
                    "status": "tinjau",
                    "id_kawasan": "SIN-S1",
                    "kategori": "sungai",
                    "jarak_m": 0.0,
                    "keterangan": "Di dalam sempadan sungai (SINTETIS)",
                }
            )
        if r.jenis == "pembebasan_lahan":
            rows.append(
                {
                    "id_kegiatan": r.id_kegiatan,
                    "aturan": "2",
                    "status": "dilarang",
                    "id_kawasan": None,
                    "kategori": None,
                    "jarak_m": None,
                    "keterangan": "Pembebasan lahan (SINTETIS)",
                }
            )
    cols = ["id_kegiatan", "aturan", "status", "id_kawasan", "kategori", "jarak_m", "keterangan"]
    return pd.DataFrame(rows, columns=cols)
