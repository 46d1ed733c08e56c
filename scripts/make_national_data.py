#!/usr/bin/env python3
"""Write a national synthetic KOTAKU data set (SINTETIS) into a store, seeded and reproducible.

What it makes (default sizes; every count is an option)
-------------------------------------------------------
``wilayah``
    The 38 real provinces and 271 of the 514 real kabupaten/kota (MIT, ``data/batas/``; all but a
    few of the 98 kota, about 43 % of the kabupaten, at least one per province, always Kota
    Pontianak), with **synthetic** kecamatan and 11,067 kelurahan/desa inside each real kab/kota
    polygon: Voronoi cells of seeded points (denser around a synthetic town centre) clipped to the
    kab/kota, then again to each kecamatan, so that kelurahan nest in kecamatan and both form clean
    coverages (no overlaps, no gaps). Codes are valid Kemendagri codes (kecamatan ``01..nn``,
    kelurahan ``1001..``, desa ``2001..``; only kelurahan in a kota), names are invented and marked
    ``(SINTETIS)``. Kota Pontianak (61.71) keeps its real kecamatan and kelurahan
    (``data/batas/kecamatan_6171.gpkg``, ``kelurahan_6171.gpkg``), which, as published, overlap
    slightly and do not nest exactly.
``kawasan_kumuh``
    55,000 slum locations (about three quarters of the kelurahan hold some; more in kota), small
    star-shaped polygons (0.02-12 ha, median 0.45 ha, about 33,000 ha in all: within the
    24,000-38,000 ha of the SK baselines) inside their kelurahan, not overlapping, 2 % in two parts; assessed in a baseline
    period ``2024`` and the quarters up to ``2026Q3`` (``--periode`` periods in all, default 4:
    2024, 2026Q1, 2026Q2, 2026Q3). Rows carry the 16 criterion shares, or only the total (10 % of
    the baseline rows, 3 % later, as SK annexes give them), some both (consistent). Trends per
    location: improving (62 %), leaving the slum classes (12 %), unchanged (18 %), worsening (8 %);
    3 % of the locations appear after the baseline and 4 % are not reassessed in the last period.
``kegiatan``
    50,000 activities, 85 % at a slum location (``id_lokasi``, sited in it, mostly of the aspect
    that location improves on most), as points, lines or polygons inside their kelurahan, every ``jenis``
    (negative-list ones rare) and every ``status``, reported in each quarter from their start,
    moving rencana -> pelaksanaan -> selesai with their physical progress.
``kawasan_lindung``
    20,000 protected features: 82.5 % polygons of every area ``kategori`` (100-2,500 vertices,
    wavy outlines; 12 % of them small and near the programme's towns on purpose, the others clear
    of every slum location and activity, the coastal kategori on the coast), 14 % meandering river
    lines with PP 38/2011 attributes (30 % starting in a town), 2.5 % stretches of the provinces'
    real outer boundary as ``garis_pantai`` (mostly coast; also the few land borders with
    neighbouring countries), 1 % springs (``mata_air`` points, in slum kelurahan).

Everything but the province and kab/kota boundaries (and Pontianak's) is invented: names carry
``SINTETIS``, ``sumber`` says so, and every write is logged with the source
``SINTETIS scripts/make_national_data.py seed=<seed>``.

The frames are made directly in catalogue form and written with ``Store.write`` (each layer, or
each period of a partitioned layer, in one transaction). ``--check`` first runs a random sample of
each layer through ``kotaku_gis.loader.prepare`` (with the generated ``wilayah`` as the reference)
and stops on any error, or on any value ``prepare`` would have changed.

Determinism: every draw comes from ``numpy.random.default_rng`` seeded from ``--seed`` (one child
seed per layer, so changing one layer's size leaves the others as they were); the same options give
the same rows on every run (the store's own timestamps differ).

Run::

    .venv/bin/python scripts/make_national_data.py                     # build/nasional.gpkg
    .venv/bin/python scripts/make_national_data.py --check --periode 5
    .venv/bin/python scripts/make_national_data.py --db postgresql+psycopg://user@host/db
    .venv/bin/python scripts/make_national_data.py --provinsi 61,64 --kabkota 3 --kelurahan 60 \\
        --lokasi 80 --kegiatan 60 --kawasan-lindung 40 --db /tmp/kecil.gpkg

An existing target is replaced only when everything in it was written by this script (its load log
says so), or with ``--replace``.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kotaku_gis import catalog, geodesy, loader, scoring, settings, wilayah
from kotaku_gis.files import ROW, Source
from kotaku_gis.store import Store, open_store
from scripts._bench import peak_rss_mb


def _sample_script():  # type: ignore[no-untyped-def]
    """scripts/make_sample_data.py as a module (activity names, cost ranges, shapes by jenis)."""
    name = "make_sample_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("make_sample_data.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_SAMPLE = _sample_script()

SEED = 20261201
CRS = settings.storage_crs
BATAS = REPO / "data" / "batas"
DEFAULT_DB = REPO / "build" / "nasional.gpkg"
SINTETIS = _SAMPLE.SINTETIS
SOURCE_TAG = "SINTETIS scripts/make_national_data.py"
PONTIANAK = "61.71"
BASELINE = "2024"
#: Share of kota among the chosen kab/kota (98 of 514 are kota; KOTAKU covers nearly all of them).
KOTA_SHARE = 0.34
MIN_KELURAHAN = 3
#: Metres per degree of latitude, and of longitude at the equator (WGS 84, rounded): only for
#: shaping synthetic features; every reported area or length is measured by kotaku_gis.geodesy.
M_LAT = 110_574.0
M_LON = 111_320.0
LAYERS = ("wilayah", "kawasan_lindung", "kawasan_kumuh", "kegiatan")

#: Trends of a slum location over the periods.
TRENDS = ("membaik", "tuntas", "tetap", "memburuk")
TREND_P = (0.62, 0.12, 0.18, 0.08)
#: nilai_pertimbangan_lain: only the values three considerations can add up to (5/1 + 1/3/5 + 5/1).
PERTIMBANGAN = np.array([3, 5, 7, 9, 11, 13, 15])
PERTIMBANGAN_P = np.array([0.08, 0.14, 0.2, 0.2, 0.18, 0.12, 0.08])

# Parts of the invented place names (common Indonesian toponym patterns, combined at random).
_AWAL = [
    "Suka",
    "Sido",
    "Mekar",
    "Karang",
    "Wono",
    "Jati",
    "Tegal",
    "Sumber",
    "Banjar",
    "Purwo",
    "Tirta",
    "Giri",
    "Harja",
    "Kerta",
    "Marga",
    "Bina",
    "Tunas",
    "Cinta",
    "Mulia",
    "Sri",
]
_AKHIR = [
    "maju",
    "mulyo",
    "jaya",
    "makmur",
    "rejo",
    "sari",
    "harjo",
    "asih",
    "raya",
    "agung",
    "mukti",
    "rahayu",
    "luhur",
    "asri",
    "damai",
    "mekar",
    "wangi",
    "tani",
    "karya",
    "sentosa",
    "bakti",
    "mulya",
]
_TEMPAT = [
    "Sungai",
    "Tanjung",
    "Kampung",
    "Bukit",
    "Pasir",
    "Teluk",
    "Batu",
    "Air",
    "Padang",
    "Pulau",
    "Lubuk",
    "Kebun",
    "Rawa",
    "Tanah",
    "Bandar",
    "Muara",
    "Labuhan",
    "Simpang",
    "Parit",
    "Koto",
    "Talang",
    "Ujung",
]
_SIFAT = [
    "Jaya",
    "Raya",
    "Putih",
    "Merah",
    "Besar",
    "Kecil",
    "Panjang",
    "Baru",
    "Lama",
    "Indah",
    "Permai",
    "Harapan",
    "Makmur",
    "Sejahtera",
    "Lestari",
    "Emas",
    "Gading",
    "Hijau",
    "Tinggi",
    "Dalam",
    "Kuning",
    "Mulia",
    "Sari",
    "Bening",
]
_ARAH = ["Utara", "Selatan", "Timur", "Barat", "Tengah", "Hilir", "Hulu", "Ilir", "Ulu", "Satu", "Dua"]


def label(text: str) -> str:
    return _SAMPLE.label(text)


def unlabel(text: str) -> str:
    return text.removesuffix(f" ({SINTETIS})")


# -- configuration ---------------------------------------------------------------------------------
class ConfigError(ValueError):
    """Sizes or options that cannot be generated."""


@dataclass(frozen=True)
class Config:
    """What to generate. ``provinsi``: a number of provinces (chosen at random, all 38 by default)
    or their codes."""

    provinsi: int | tuple[str, ...] = 38
    kabkota: int = 271
    kelurahan: int = 11_067
    lokasi: int = 55_000
    kegiatan: int = 50_000
    kawasan_lindung: int = 20_000
    periode: int = 4
    periode_akhir: str = "2026Q3"
    seed: int = SEED
    batas: Path = BATAS

    @property
    def source(self) -> str:
        return f"{SOURCE_TAG} seed={self.seed}"


def periods(n: int, last: str = "2026Q3") -> list[str]:
    """The baseline ``2024`` and the ``n - 1`` quarters up to ``last``: 4 -> 2024, 2026Q1..2026Q3."""
    year, q = int(last[:4]), int(last[-1])
    quarters = []
    while len(quarters) < n - 1:
        quarters.append(f"{year}Q{q}")
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    if n < 1 or (quarters and int(quarters[-1][:4]) <= int(BASELINE)):
        raise ConfigError(f"{n} periods: the baseline {BASELINE} and at most the quarters after it up to {last}")
    return [BASELINE] + quarters[::-1]


@dataclass
class Data:
    """The generated layers (catalogue form) and what the generator knows about them."""

    wilayah: gpd.GeoDataFrame
    kawasan_kumuh: gpd.GeoDataFrame
    kegiatan: gpd.GeoDataFrame
    kawasan_lindung: gpd.GeoDataFrame
    periods: list[str]
    seconds: dict[str, float] = field(default_factory=dict)

    def frames(self) -> dict[str, gpd.GeoDataFrame]:
        return {name: getattr(self, name) for name in LAYERS}


# -- geometry helpers ------------------------------------------------------------------------------
def as_multipolygon(geom) -> shapely.MultiPolygon:  # type: ignore[no-untyped-def]
    """The polygonal part of ``geom`` as a MultiPolygon (an overlay may add touching lines/points)."""
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    if not polys:
        raise RuntimeError(f"no polygonal part in {shapely.get_type_id(geom)}")
    return shapely.MultiPolygon(polys)


def triangles(geom) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Constrained Delaunay triangles of a polygon: (n, 3, 2) corners and area weights."""
    tris = shapely.get_parts(shapely.constrained_delaunay_triangles(geom))
    corners = shapely.get_coordinates(shapely.get_exterior_ring(tris)).reshape(len(tris), 4, 2)[:, :3]
    a, b, c = corners[:, 0], corners[:, 1], corners[:, 2]
    area = 0.5 * np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    return corners, area / area.sum()


def uniform_points(tri: tuple[np.ndarray, np.ndarray], n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points uniformly distributed over the triangulated polygon, (n, 2)."""
    corners, weight = tri
    idx = rng.choice(len(weight), size=n, p=weight)
    r1 = np.sqrt(rng.random(n))
    r2 = rng.random(n)
    c = corners[idx]
    return (1 - r1)[:, None] * c[:, 0] + (r1 * (1 - r2))[:, None] * c[:, 1] + (r1 * r2)[:, None] * c[:, 2]


def seed_points(geom, tri, n: int, rng: np.random.Generator, centre: np.ndarray, sigma: float, p_centre: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    """``n`` points inside ``geom``: a share ``p_centre`` drawn around ``centre`` (normal, ``sigma``
    degrees; kept when inside), the rest uniform."""
    want = int(rng.binomial(n, p_centre))
    near = np.empty((0, 2))
    for _ in range(3):
        if len(near) >= want:
            break
        cand = centre + rng.normal(0, sigma, (max(32, 8 * want), 2))
        near = np.vstack([near, cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]])
    near = near[:want]
    return np.vstack([near, uniform_points(tri, n - len(near), rng)])


def voronoi_cells(points: np.ndarray, clip) -> list[shapely.MultiPolygon]:  # type: ignore[no-untyped-def]
    """Voronoi cells of ``points`` (in their order) clipped to ``clip``: a clean coverage of it."""
    if len(points) == 1:
        return [as_multipolygon(clip)]
    x0, y0, x1, y1 = shapely.bounds(clip)
    frame = shapely.box(x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True))
    if len(cells) != len(points):
        raise RuntimeError(f"{len(points)} seed points gave {len(cells)} Voronoi cells (duplicate points?)")
    return [as_multipolygon(g) for g in shapely.intersection(cells, clip)]


def points_in(geoms: np.ndarray, rng: np.random.Generator, tries: int = 200) -> np.ndarray:
    """One random point inside each of ``geoms`` (rejection in the bounding box), (n, 2)."""
    n = len(geoms)
    out = np.full((n, 2), np.nan)
    b = shapely.bounds(geoms)
    todo = np.arange(n)
    for _ in range(tries):
        if not len(todo):
            break
        x = rng.uniform(b[todo, 0], b[todo, 2])
        y = rng.uniform(b[todo, 1], b[todo, 3])
        ok = shapely.contains_xy(geoms[todo], x, y)
        out[todo[ok]] = np.c_[x[ok], y[ok]]
        todo = todo[~ok]
    if len(todo):  # slivers and archipelagos: a point surely inside
        out[todo] = shapely.get_coordinates(shapely.point_on_surface(geoms[todo]))
    return out


def _metres_to_degrees(cy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Degrees per metre in x and y at latitude ``cy``."""
    return 1.0 / (M_LON * np.cos(np.radians(cy))), np.full(len(cy), 1.0 / M_LAT)


def star_polygons(
    cx: np.ndarray, cy: np.ndarray, area_m2: np.ndarray, rng: np.random.Generator, nv: np.ndarray | None = None, wave: float = 0.0
) -> np.ndarray:
    """Irregular star-shaped polygons (always simple: one vertex per angle step) of about ``area_m2``
    square metres around the centres, with ``nv`` vertices each (default 8-16); ``wave`` gives
    natural-looking outlines from a few harmonics instead of random radii."""
    n = len(cx)
    nv = rng.integers(8, 17, n) if nv is None else nv
    owner = np.repeat(np.arange(n), nv)
    k = np.arange(int(nv.sum())) - np.repeat(np.cumsum(nv) - nv, nv)
    step = 2 * np.pi / nv[owner]
    angle = k * step + rng.uniform(-0.3, 0.3, len(k)) * step + np.repeat(rng.uniform(0, 2 * np.pi, n), nv)
    radius = rng.uniform(0.75, 1.25, len(k)) if not wave else 1 + rng.normal(0, 0.01, len(k))
    if wave:
        for h in (2, 3, 5, 9, 17, 41):
            amp = rng.uniform(0, wave / np.sqrt(h), n)
            phase = rng.uniform(0, 2 * np.pi, n)
            radius += np.repeat(amp, nv) * np.sin(h * angle + np.repeat(phase, nv))
        radius = np.maximum(radius, 0.2)
    ux, uy = radius * np.cos(angle), radius * np.sin(angle)
    unit = shapely.polygons(shapely.linearrings(np.c_[ux, uy], indices=owner))
    scale = np.sqrt(area_m2 / shapely.area(unit))
    dx, dy = _metres_to_degrees(cy)
    x = cx[owner] + ux * (scale * dx)[owner]
    y = cy[owner] + uy * (scale * dy)[owner]
    return shapely.polygons(shapely.linearrings(np.c_[x, y], indices=owner))


def walks(
    x0: np.ndarray,
    y0: np.ndarray,
    segments: np.ndarray,
    length: tuple[np.ndarray, np.ndarray],
    turn: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Polylines from the starts: ``segments`` segments each of ``length`` metres (lo, hi per line)."""
    n = len(x0)
    nv = segments + 1
    owner = np.repeat(np.arange(n), nv)
    first = np.cumsum(nv) - nv
    heading = np.repeat(rng.uniform(0, 2 * np.pi, n), nv) + _group_cumsum(rng.uniform(-turn, turn, len(owner)), first, nv)
    seg = rng.uniform(np.repeat(length[0], nv), np.repeat(length[1], nv))
    seg[first] = 0.0
    dx, dy = _metres_to_degrees(y0)
    x = np.repeat(x0, nv) + _group_cumsum(seg * np.cos(heading) * np.repeat(dx, nv), first, nv)
    y = np.repeat(y0, nv) + _group_cumsum(seg * np.sin(heading) * np.repeat(dy, nv), first, nv)
    return shapely.linestrings(np.c_[x, y], indices=owner)


def _group_cumsum(values: np.ndarray, first: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    before = np.r_[0.0, total][first]
    return total - np.repeat(before, sizes)


def rectangles(cx: np.ndarray, cy: np.ndarray, w: np.ndarray, h: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotated rectangles of ``w`` x ``h`` metres around the centres."""
    sx = np.array([-0.5, 0.5, 0.5, -0.5])
    sy = np.array([-0.5, -0.5, 0.5, 0.5])
    lx = sx[None, :] * w[:, None]
    ly = sy[None, :] * h[:, None]
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    dx, dy = _metres_to_degrees(cy)
    x = cx[:, None] + (lx * c - ly * s) * dx[:, None]
    y = cy[:, None] + (lx * s + ly * c) * dy[:, None]
    return shapely.polygons(np.stack([x, y], axis=-1))


# -- names -----------------------------------------------------------------------------------------
class Names:
    """Invented place names, unique within one kab/kota (call :meth:`reset` for the next)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def reset(self) -> None:
        self.used = set()

    def __call__(self) -> str:
        rng = self.rng
        for attempt in range(1000):
            if rng.random() < 0.45:
                name = _AWAL[rng.integers(len(_AWAL))] + _AKHIR[rng.integers(len(_AKHIR))]
            else:
                name = f"{_TEMPAT[rng.integers(len(_TEMPAT))]} {_SIFAT[rng.integers(len(_SIFAT))]}"
            if rng.random() < 0.25 or attempt > 50:
                name += f" {_ARAH[rng.integers(len(_ARAH))]}"
            if attempt > 200:
                name += f" {attempt}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")


# -- 1. wilayah ------------------------------------------------------------------------------------
def read_batas(folder: Path) -> dict[str, gpd.GeoDataFrame]:
    """The real boundaries of ``data/batas`` (kode, nama, geometry; EPSG:4326)."""
    out = {}
    for name in ("provinsi", "kabkota", "kecamatan_6171", "kelurahan_6171"):
        frame = gpd.read_file(folder / f"{name}.gpkg")
        out[name] = frame[["kode", "nama", "geometry"]].sort_values("kode", ignore_index=True)
    return out


def choose_kabkota(cfg: Config, batas: dict[str, gpd.GeoDataFrame], rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """The provinces and the programme's kab/kota: one per province first (a kota where there is
    one; Kota Pontianak for Kalimantan Barat), then kota up to ``KOTA_SHARE``, then kabupaten."""
    all_prov = batas["provinsi"]["kode"].tolist()
    if isinstance(cfg.provinsi, int):
        if not 1 <= cfg.provinsi <= len(all_prov):
            raise ConfigError(f"provinsi: 1..{len(all_prov)}, not {cfg.provinsi}")
        prov = sorted(rng.choice(all_prov, cfg.provinsi, replace=False).tolist()) if cfg.provinsi < len(all_prov) else all_prov
    else:
        unknown = sorted(set(cfg.provinsi) - set(all_prov))
        if unknown:
            raise ConfigError(f"unknown province codes: {unknown}")
        prov = sorted(set(cfg.provinsi))
    kab = batas["kabkota"]
    kab = kab[kab["kode"].str[:2].isin(prov)]
    codes = kab["kode"].to_numpy()
    if not len(prov) <= cfg.kabkota <= len(codes):
        raise ConfigError(f"kabkota: {len(prov)}..{len(codes)} for these {len(prov)} provinces, not {cfg.kabkota}")
    is_kota = np.array([int(c[3:5]) >= 71 for c in codes])
    chosen: list[str] = []
    for p in prov:
        mine = np.flatnonzero(np.char.startswith(codes.astype(str), p + "."))
        kota = mine[is_kota[mine]]
        if p == PONTIANAK[:2]:
            chosen.append(PONTIANAK)
        else:
            pool = kota if len(kota) else mine
            chosen.append(str(codes[pool[rng.integers(len(pool))]]))
    rest = cfg.kabkota - len(chosen)
    left = np.array([c not in chosen for c in codes])
    kota_left = codes[left & is_kota]
    kab_left = codes[left & ~is_kota]
    n_kota = min(len(kota_left), max(0, round(cfg.kabkota * KOTA_SHARE) - sum(int(c[3:5]) >= 71 for c in chosen)), rest)
    n_kab = rest - n_kota
    if n_kab > len(kab_left):
        n_kota, n_kab = n_kota + n_kab - len(kab_left), len(kab_left)
    chosen += rng.choice(kota_left, n_kota, replace=False).tolist() if n_kota else []
    chosen += rng.choice(kab_left, n_kab, replace=False).tolist() if n_kab else []
    return prov, sorted(chosen)


def kelurahan_counts(kabkota: Sequence[str], total: int, rng: np.random.Generator, n_pontianak: int) -> dict[str, int]:
    """Kelurahan per kab/kota: Pontianak its real number, the others at least ``MIN_KELURAHAN``,
    kota about 1.4 times as many as kabupaten."""
    fixed = {PONTIANAK: n_pontianak} if PONTIANAK in kabkota else {}
    others = [k for k in kabkota if k not in fixed]
    free = total - sum(fixed.values()) - MIN_KELURAHAN * len(others)
    if free < 0 or (not others and free):
        raise ConfigError(
            f"kelurahan: {total} cannot be shared out over {len(kabkota)} kab/kota "
            f"(at least {MIN_KELURAHAN} each, {n_pontianak} in Kota Pontianak)"
        )
    weight = np.array([1.4 if int(k[3:5]) >= 71 else 1.0 for k in others]) * rng.lognormal(0, 0.45, len(others))
    extra = rng.multinomial(free, weight / weight.sum()) if others else []
    return {**fixed, **{k: MIN_KELURAHAN + int(e) for k, e in zip(others, extra)}}


def subdivide(kode: str, geom, n_kel: int, rng: np.random.Generator, names: Names) -> list[dict]:  # type: ignore[no-untyped-def]
    """Synthetic kecamatan and kelurahan/desa covering one kab/kota polygon."""
    kota = int(kode[3:5]) >= 71
    names.reset()
    tri = triangles(geom)
    centre = uniform_points(tri, 1, rng)[0]  # the (synthetic) town centre
    size = math.sqrt(shapely.area(geom))
    sigma = size * (0.35 if kota else 0.12)
    p_centre = 0.4 if kota else 0.6
    n_kec = int(np.clip(round(n_kel / rng.uniform(4, 9)), 1, min(n_kel, 99)))
    seeds = seed_points(geom, tri, n_kec, rng, centre, sigma, p_centre)
    kec_geoms = voronoi_cells(seeds, geom)
    d = np.hypot(*(seeds - centre).T)
    weight = 1 + 3 * np.exp(-((d / (2 * sigma)) ** 2))
    per_kec = 1 + rng.multinomial(n_kel - n_kec, weight / weight.sum())
    share_kelurahan = 1.0 if kota else rng.uniform(0.25, 0.7)
    rows = []
    for i, (kg, m) in enumerate(zip(kec_geoms, per_kec), start=1):
        kec = f"{kode}.{i:02d}"
        rows.append({"kode": kec, "nama": label(names()), "geometry": kg})
        pts = seed_points(kg, triangles(kg), int(m), rng, centre, sigma, p_centre)
        kinds = np.where(rng.random(int(m)) < share_kelurahan, 1, 2)
        number = {1: 1000, 2: 2000}
        for cell, kind in zip(voronoi_cells(pts, kg), kinds):
            number[kind] += 1
            rows.append({"kode": f"{kec}.{number[kind]}", "nama": label(names()), "geometry": cell})
    return rows


def build_wilayah(cfg: Config, batas: dict[str, gpd.GeoDataFrame], rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Provinces, chosen kab/kota, kecamatan and kelurahan in catalogue form."""
    prov, kab = choose_kabkota(cfg, batas, rng)
    counts = kelurahan_counts(kab, cfg.kelurahan, rng, len(batas["kelurahan_6171"]))
    kab_frame = batas["kabkota"].set_index("kode")
    names = Names(rng)
    rows: list[dict] = []
    for p in prov:
        r = batas["provinsi"].set_index("kode").loc[p]
        rows.append({"kode": p, "nama": r["nama"], "geometry": as_multipolygon(r["geometry"])})
    for k in kab:
        rows.append({"kode": k, "nama": kab_frame.at[k, "nama"], "geometry": as_multipolygon(kab_frame.at[k, "geometry"])})
        if k == PONTIANAK:
            for name in ("kecamatan_6171", "kelurahan_6171"):
                rows += [
                    {"kode": r.kode, "nama": r.nama, "geometry": as_multipolygon(r.geometry)} for r in batas[name].itertuples()
                ]
        else:
            rows += subdivide(k, kab_frame.at[k, "geometry"], counts[k], rng, names)
    frame = pd.DataFrame(rows).sort_values("kode", ignore_index=True)
    frame.insert(2, "tingkat", [wilayah.tingkat(c) for c in frame["kode"]])
    frame.insert(3, "kode_induk", [wilayah.parent(c) if len(c) > 2 else None for c in frame["kode"]])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


# -- 2. kawasan_kumuh --------------------------------------------------------------------------------
def _criterion_scores(shares: np.ndarray) -> np.ndarray:
    """0/1/3/5 per share by the rule set's bands (read from the rule data, as the project scores)."""
    bands = scoring.rule_set("permen_14_2018").share_bands
    mins = np.array([b.min for b in bands])
    values = np.array([b.score for b in bands])
    return values[np.clip(np.searchsorted(mins, shares, side="right") - 1, 0, None)]


@dataclass
class Lokasi:
    """The slum locations (one entry per location) that the activities are placed at."""

    id_lokasi: np.ndarray
    kel: np.ndarray  # index into the kelurahan arrays
    geometry: np.ndarray
    best_aspect: np.ndarray  # the aspect (1-7) that improves most over the periods


def place_locations(
    kel_geoms: np.ndarray, kel_idx: np.ndarray, area_m2: np.ndarray, rng: np.random.Generator, rounds: int = 60
) -> np.ndarray:
    """Star-shaped polygons of ``area_m2`` inside their kelurahan, not overlapping one another."""
    n = len(kel_idx)
    geoms = np.empty(n, dtype=object)
    area = area_m2.astype(float).copy()
    todo = np.arange(n)
    for attempt in range(rounds):
        if not len(todo):
            break
        if attempt and attempt % 6 == 0:
            area[todo] *= 0.6  # hard to fit: smaller
        centre = points_in(kel_geoms[kel_idx[todo]], rng)
        cand = star_polygons(centre[:, 0], centre[:, 1], area[todo], rng)
        ok = shapely.contains(kel_geoms[kel_idx[todo]], cand)
        geoms[todo[ok]] = cand[ok]
        todo = todo[~ok]
        placed = np.flatnonzero(np.not_equal(geoms, None))
        tree = shapely.STRtree(geoms[placed])
        a, b = tree.query(geoms[placed], predicate="intersects")
        clash = a < b  # the later one of each overlapping pair is placed again
        redo = np.unique(placed[b[clash]])
        geoms[redo] = None
        todo = np.union1d(todo, redo)
    if len(todo):
        raise RuntimeError(f"{len(todo)} slum locations could not be placed inside their kelurahan")
    return geoms


def build_kumuh(cfg: Config, wil: gpd.GeoDataFrame, pers: list[str], rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, Lokasi]:
    kel = wil[wil["tingkat"] == "kelurahan"].reset_index(drop=True)
    kel_geoms = kel.geometry.to_numpy()
    shapely.prepare(kel_geoms)
    kel_ha = geodesy.area_ha(kel.geometry).to_numpy()
    is_kota = kel["kode"].str.slice(3, 5).astype(int).to_numpy() >= 71
    n = cfg.lokasi
    P = len(pers)

    # which kelurahan hold slum locations, and how many
    slum = rng.random(len(kel)) < np.where(is_kota, 0.85, 0.68)
    slum_idx = np.flatnonzero(slum)
    if len(slum_idx) > n:
        slum_idx = np.sort(rng.choice(slum_idx, n, replace=False))
    if not len(slum_idx) and n:
        slum_idx = np.sort(rng.choice(len(kel), min(n, len(kel)), replace=False))
    # more in kota, fewer in small kelurahan (full ones are hard to fill without overlaps)
    w = np.where(is_kota[slum_idx], 1.5, 1.0) * np.clip(kel_ha[slum_idx] / 60.0, 0.1, 1.0)
    per_kel = 1 + rng.multinomial(n - len(slum_idx), w / w.sum()) if n else np.zeros(0, int)
    kel_of = np.repeat(slum_idx, per_kel)

    # size: lognormal, median 0.45 ha; together at most a sixth of their kelurahan
    ha = np.clip(rng.lognormal(np.log(0.45), 0.8, n), 0.05, 12.0)
    ha = np.minimum(ha, kel_ha[kel_of] / (6.0 * np.repeat(per_kel, per_kel)))
    two_parts = rng.random(n) < 0.02
    part_kel = np.r_[kel_of, kel_of[two_parts]]
    part_m2 = np.r_[np.where(two_parts, 0.6, 1.0) * ha, 0.4 * ha[two_parts]] * 10_000
    parts = place_locations(kel_geoms, part_kel, part_m2, rng)
    owner = np.r_[np.arange(n), np.flatnonzero(two_parts)]
    order = np.argsort(owner, kind="stable")
    geoms = shapely.multipolygons(parts[order], indices=owner[order])
    luas = geodesy.area_ha(gpd.GeoSeries(geoms, crs=CRS)).round(4).to_numpy()

    # ids and names: KMH-<kabkota>-<number within the kab/kota>
    kode = kel["kode"].to_numpy()[kel_of]
    kab4 = np.char.replace(np.array([k[:5] for k in kode]), ".", "")
    seq = pd.Series(kab4).groupby(kab4).cumcount().to_numpy() + 1
    ids = np.array([f"KMH-{k}-{s:04d}" for k, s in zip(kab4, seq)], dtype=object)
    kel_names = kel["nama"].map(unlabel).to_numpy()[kel_of]
    nama = np.array([label(f"Kawasan {nm} {s}") for nm, s in zip(kel_names, seq)], dtype=object)

    # the assessment: shares at the baseline, then a trend per location
    criteria = scoring.rule_set("permen_14_2018").columns
    aspects = np.array([int(c.split("_")[1][0]) for c in criteria])
    g = rng.beta(3.5, 2.4, n)
    shares = np.clip(g[:, None] + rng.normal(0, 0.22, (n, len(criteria))), 0, 1) * 100
    low = rng.random(shares.shape) < 0.08
    shares[low] = rng.uniform(0, 10, int(low.sum()))
    for _ in range(len(criteria)):  # every baseline location is a slum (total >= 16)
        total = _criterion_scores(np.round(shares, 2)).sum(axis=1)
        short = np.flatnonzero(total < 16)
        if not len(short):
            break
        zero = _criterion_scores(np.round(shares[short], 2)) == 0
        pick = np.argmax(np.where(zero, rng.random(zero.shape), -1), axis=1)
        shares[short, pick] = rng.uniform(30, 50, len(short))
    trend = rng.choice(len(TRENDS), n, p=TREND_P)
    series = [shares.copy()]
    rtp = [np.round(rng.uniform(0, 70, n), 1)]
    for t in range(1, P):
        weight = 1.5 if t == 1 else 1.0  # the baseline lies further back than one quarter
        s = series[-1].copy()
        m = trend == 0
        active = rng.random(s.shape) < 0.35
        s[m] *= np.where(active[m], (1 - rng.uniform(0.03, 0.18, s.shape)[m]) ** weight, 1.0)
        m = trend == 1
        s[m] *= rng.uniform(0.5, 0.8, s.shape)[m] ** weight
        m = trend == 3
        active = rng.random(s.shape) < 0.3
        s[m] = 100 - (100 - s[m]) * np.where(active[m], 1 - rng.uniform(0.1, 0.4, s.shape)[m], 1.0)
        series.append(s)
        better = np.isin(trend, (0, 1))
        rtp.append(np.round(np.minimum(100, rtp[-1] + np.where(better, rng.uniform(0, 12, n), 0)), 1))
    series = np.round(np.stack(series), 2)
    rtp = np.stack(rtp)
    gain = series[0] - series[-1]
    per_aspect = np.stack([gain[:, aspects == a].sum(axis=1) for a in range(1, 8)], axis=1)
    best_aspect = 1 + np.argmax(per_aspect + rng.random(per_aspect.shape) * 1e-6, axis=1)
    pertimbangan = rng.choice(PERTIMBANGAN, n, p=PERTIMBANGAN_P)
    legalitas = np.where(rng.random(n) < 0.85, "legal", "ilegal").astype(object)

    first = np.zeros(n, dtype=int)
    last = np.full(n, P - 1)
    if P > 1:
        new = rng.random(n) < 0.03
        first[new] = rng.integers(1, P, int(new.sum()))
        gone = (rng.random(n) < 0.04) & (first <= P - 2)
        last[gone] = P - 2

    frames = []
    for p, periode in enumerate(pers):
        rows = np.flatnonzero((first <= p) & (last >= p))
        since = p - first[rows]  # a location found after the baseline starts from its own first assessment
        s = series[since, rows]
        total = _criterion_scores(s).sum(axis=1).astype(float)
        only_total = rng.random(len(rows)) < (0.10 if p == 0 else 0.03)
        both = ~only_total & (rng.random(len(rows)) < 0.02)
        crit = pd.DataFrame(np.where(only_total[:, None], np.nan, s), columns=criteria)
        frame = pd.DataFrame(
            {
                "id_lokasi": ids[rows],
                "kode_kelurahan": kode[rows],
                "nama_kawasan": nama[rows],
                "periode": periode,
                "luas_ha": luas[rows],
                "aturan_penilaian": "permen_14_2018",
            }
        )
        frame = pd.concat([frame, crit], axis=1)
        frame["rtp_tersedia"] = rtp[since, rows]
        frame["nilai_kekumuhan"] = np.where(only_total | both, total, np.nan)
        frame["nilai_pertimbangan_lain"] = pertimbangan[rows].astype("int64")
        frame["legalitas"] = legalitas[rows]
        frame["geometry"] = geoms[rows]
        frames.append(frame)
    columns = catalog.layer("kawasan_kumuh").column_names
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=CRS)
    out = out[[c for c in columns if c in out.columns] + ["geometry"]]
    return out, Lokasi(ids, kel_of, geoms, best_aspect)


# -- 3. kegiatan -------------------------------------------------------------------------------------
def build_kegiatan(
    cfg: Config, wil: gpd.GeoDataFrame, lok: Lokasi, pers: list[str], rng: np.random.Generator
) -> gpd.GeoDataFrame:
    kel = wil[wil["tingkat"] == "kelurahan"].reset_index(drop=True)
    kel_geoms = kel.geometry.to_numpy()
    shapely.prepare(kel_geoms)
    n = cfg.kegiatan
    values = catalog.layer("kegiatan").column("jenis").values or []

    # where: 85 % at a slum location (sited in it), the others anywhere in a kelurahan
    at_loc = rng.random(n) < 0.85
    loc = rng.integers(0, len(lok.id_lokasi), n)
    kel_idx = np.where(at_loc, lok.kel[loc], rng.integers(0, len(kel), n))
    # in this order: each draws from ``rng`` in turn (the same seed, the same activities)
    jenis = _kegiatan_jenis(values, np.where(at_loc, lok.best_aspect[loc], 0), at_loc, rng)
    geoms = _kegiatan_sites(jenis, kel_geoms[kel_idx], lok.geometry[loc], at_loc, rng)
    attributes = _kegiatan_attributes(values, jenis, rng)
    kode = kel["kode"].to_numpy()[kel_idx]
    kab4 = np.char.replace(np.array([k[:5] for k in kode]), ".", "")
    seq = pd.Series(kab4).groupby(kab4).cumcount().to_numpy() + 1
    ids = np.array([f"KGT-{k}-{s:05d}" for k, s in zip(kab4, seq)], dtype=object)
    id_lokasi = np.where(at_loc, lok.id_lokasi[loc], None).astype(object)

    attributes |= {"id_kegiatan": ids, "kode_kelurahan": kode, "id_lokasi": id_lokasi, "geometry": geoms}
    out = pd.concat(_kegiatan_reports(attributes, pers, rng), ignore_index=True)
    out["dampak_negatif"] = out["dampak_negatif"].astype("boolean")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)


def _kegiatan_jenis(values: list[Any], aspect: np.ndarray, at_loc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The jenis of each activity: the aspect its location (``aspect``, 0 for none) improves on most
    (70 %), else any ordinary work; 1.5 % on the negative list; every jenis at least once."""
    n = len(aspect)
    codes = np.array([v.code for v in values], dtype=object)
    negative = np.array([v.aturan is not None for v in values])
    rare = np.isin(codes, ["reklamasi_lahan", "tampungan_air", "bangunan_air_sungai", "tanggul_talud"])
    weight = np.where(negative, 0.0, np.where(rare, 0.1, 1.0))
    by_aspect = {a: codes[[v.aspek == a for v in values]] for a in range(1, 9)}
    jenis = codes[rng.choice(len(codes), n, p=weight / weight.sum())]
    fits = at_loc & (rng.random(n) < 0.7)
    for a in range(1, 8):
        m = fits & (aspect == a)
        pool = [c for c in by_aspect[a] if not rare[codes == c][0]] or list(by_aspect[a])
        if m.any() and pool:
            jenis[m] = np.array(pool, dtype=object)[rng.integers(len(pool), size=int(m.sum()))]
    bad = rng.random(n) < 0.015
    jenis[bad] = codes[negative][rng.integers(int(negative.sum()), size=int(bad.sum()))]
    if n >= len(codes):  # every jenis at least once
        jenis[rng.choice(n, len(codes), replace=False)] = codes

    return jenis


def _kegiatan_sites(
    jenis: np.ndarray, kel_geoms: np.ndarray, lokasi: np.ndarray, at_loc: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Each activity's site: an anchor inside its slum location (``lokasi``, where ``at_loc``) or its
    kelurahan, then a line or a rectangle by jenis that stays inside the kelurahan (else the point)."""
    n = len(jenis)
    anchor = points_in(kel_geoms, rng)
    if at_loc.any():
        anchor[at_loc] = points_in(lokasi[at_loc], rng)
    geoms = shapely.points(anchor)
    line = np.isin(jenis, list(_SAMPLE.LINE_JENIS))
    poly = np.isin(jenis, list(_SAMPLE.POLY_JENIS))
    todo = np.flatnonzero(line | poly)
    scale = np.ones(n)
    for _ in range(6):
        if not len(todo):
            break
        li = todo[line[todo]]
        short = jenis[li] == "jembatan"
        seg = rng.integers(2, 5, len(li))
        seg[short] = 1
        lo = np.where(short, 6.0, 20.0) * scale[li]
        hi = np.where(short, 14.0, 90.0) * scale[li]
        cand = np.empty(n, dtype=object)
        if len(li):
            cand[li] = walks(anchor[li, 0], anchor[li, 1], seg, (lo, hi), 0.7, rng)
        pi = todo[poly[todo]]
        if len(pi):
            side = np.sqrt(rng.uniform(150, 2500, len(pi))) * scale[pi]
            ratio = rng.uniform(0.5, 2.0, len(pi))
            cand[pi] = rectangles(anchor[pi, 0], anchor[pi, 1], side * ratio, side / ratio, rng.uniform(0, np.pi, len(pi)))
        ok = shapely.contains(kel_geoms[todo], cand[todo].astype(object))
        geoms[todo[ok]] = cand[todo[ok]]
        todo = todo[~ok]
        scale[todo] *= 0.5
    # what does not fit stays a point at its anchor (inside by construction)
    return geoms


def _kegiatan_attributes(values: list[Any], jenis: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """Name, cost and the negative-list attributes of each activity, by jenis."""
    n = len(jenis)
    juta = np.array([_SAMPLE.BIAYA_JUTA.get(j, (50, 1000)) for j in jenis], dtype=float)
    biaya = np.round(rng.uniform(juta[:, 0], juta[:, 1]) * 1_000_000 / 50_000) * 50_000
    huge = rng.random(n) < 0.002
    biaya[huge] = 40_000_000_000.0  # above USD 2 million
    biaya[rng.random(n) < 0.02] = np.nan
    usd = np.where(rng.random(n) < 0.05, np.round(biaya / _SAMPLE.IDR_PER_USD), np.nan)
    reklamasi = np.where(jenis == "reklamasi_lahan", np.round(rng.uniform(1, 80, n), 1), np.nan)
    reklamasi[rng.random(n) < 0.1] = np.nan
    tampungan = np.where(jenis == "tampungan_air", np.round(rng.uniform(500, 20_000, n), -1), np.nan)
    tampungan[rng.random(n) < 0.1] = np.nan
    approval = np.where(rng.random(n) < 0.01, "SINTETIS/REKOMENDASI/2026", None).astype(object)
    u = rng.random(n)
    dampak = pd.array(np.where(u < 0.01, True, False), dtype="boolean")
    dampak[u > 0.97] = pd.NA
    base = {v.code: _SAMPLE.NAMA_JENIS.get(v.code, [v.id]) for v in values}
    nama = np.array([label(base[j][int(k) % len(base[j])]) for j, k in zip(jenis, rng.integers(0, 6, n))], dtype=object)
    return {
        "nama": nama, "jenis": jenis, "biaya_idr": biaya, "biaya_usd": usd, "luas_reklamasi_ha": reklamasi,
        "kapasitas_tampungan_m3": tampungan, "persetujuan_tertulis": approval, "dampak_negatif": dampak,
    }  # fmt: skip


#: The columns of ``kegiatan`` after ``progres_fisik``, in the catalogue's order.
_KEGIATAN_AFTER_PROGRESS = ("biaya_idr", "biaya_usd", "luas_reklamasi_ha", "kapasitas_tampungan_m3",
                            "persetujuan_tertulis", "dampak_negatif", "geometry")  # fmt: skip


def _kegiatan_reports(attributes: dict[str, Any], pers: list[str], rng: np.random.Generator) -> list[pd.DataFrame]:
    """The rows of each period: every activity reported in every quarter from its start (the
    baseline year alone if there is no quarter), its status and physical progress moving on."""
    n = len(attributes["jenis"])
    report = pers[1:] or pers
    R = len(report)
    start = rng.choice(R, n, p=np.arange(R, 0, -1) / (R * (R + 1) / 2))
    state = rng.choice(3, n, p=[0.5, 0.35, 0.15])  # 0 rencana, 1 pelaksanaan, 2 selesai
    progres = np.where(state == 1, np.round(rng.uniform(5, 60, n)), np.where(state == 2, 100.0, 0.0))
    if n >= 3:  # every status at least once, in the last period
        force = rng.choice(n, 3, replace=False)
        start[force], state[force] = R - 1, [0, 1, 2]
        progres[force] = [0.0, 50.0, 100.0]
    status_names = np.array(["rencana", "pelaksanaan", "selesai"], dtype=object)
    frames = []
    for r, periode in enumerate(report):
        if r:
            moving = start < r
            go = moving & (state == 0) & (rng.random(n) < 0.6)
            run = moving & (state == 1)
            progres = np.where(run, progres + np.round(rng.uniform(10, 50, n)), progres)
            done = run & (progres >= 100)
            state = np.where(go, 1, np.where(done, 2, state))
            progres = np.where(go, np.round(rng.uniform(5, 40, n)), np.where(done, 100.0, progres))
        rows = np.flatnonzero(start <= r)
        frames.append(
            pd.DataFrame(
                {c: attributes[c][rows] for c in ("id_kegiatan", "kode_kelurahan", "id_lokasi", "nama", "jenis")}
                | {"periode": periode, "status": status_names[state[rows]], "progres_fisik": progres[rows].astype(float)}
                | {c: attributes[c][rows] for c in _KEGIATAN_AFTER_PROGRESS}
            )
        )
    return frames


# -- 4. kawasan_lindung --------------------------------------------------------------------------------
#: Relative frequency and median radius (km) of each area kategori; a kategori added to the
#: catalogue later gets (3, 1.0).
KATEGORI_AREA = {
    "hutan_lindung": (20, 4.0),
    "hutan_konservasi": (10, 3.0),
    "taman_nasional": (3, 15.0),
    "cagar_alam": (6, 3.0),
    "suaka_margasatwa": (5, 5.0),
    "kebun_raya": (1, 0.6),
    "kawasan_perlindungan_sungai": (10, 1.5),
    "danau_waduk": (6, 1.0),
    "cagar_budaya": (6, 0.15),
    "bangunan_adat_keagamaan": (8, 0.06),
    "taman_laut": (4, 6.0),
    "pantai_gumuk_pasir": (3, 1.0),
    "hutan_mangrove": (10, 1.2),
    "rawa": (8, 2.0),
}
COASTAL = {"taman_laut", "pantai_gumuk_pasir", "hutan_mangrove"}
IUCN = {"taman_nasional": "II", "cagar_alam": "Ia", "suaka_margasatwa": "IV", "hutan_konservasi": "V", "taman_laut": "VI"}
#: Share of the protected polygons placed near the programme's towns on purpose (the others keep
#: clear of every slum location and activity), and of the rivers that start in a town.
NEAR_TOWN = 0.12
RIVER_TOWN = 0.3
#: Provinces with rivers that cross a national border (Malaysia, Papua New Guinea, Timor-Leste).
LINTAS_NEGARA_PROV = {"53", "61", "64", "65", "91", "93", "95"}


def coast_lines(prov: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` stretches (2-30 km) of the provinces' outer boundary: the real coastline (and, where
    the provinces meet a neighbouring country, that border)."""
    if n == 0:
        return np.empty(0, dtype=object)
    outline = shapely.union_all(prov.geometry.to_numpy())
    rings = shapely.get_exterior_ring(shapely.get_parts(outline))
    length = shapely.length(rings)
    rings, length = rings[length > 0.05], length[length > 0.05]
    ring = rng.choice(len(rings), n, p=length / length.sum())
    span = rng.uniform(2, 30, n) / 111.0
    out = np.empty(n, dtype=object)
    for i, (r, s) in enumerate(zip(ring, span)):
        s = min(s, 0.8 * length[r])
        a = rng.uniform(0, length[r] - s)
        out[i] = shapely.ops.substring(rings[r], a, a + s)
    return out


def land_points(prov: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random points on land (inside a province chosen by its area) and their province codes."""
    geoms = prov.geometry.to_numpy()
    shapely.prepare(geoms)
    area = shapely.area(geoms)
    which = rng.choice(len(geoms), n, p=area / area.sum())
    return points_in(geoms[which], rng, tries=2000), prov["kode"].to_numpy()[which]


def build_lindung(
    cfg: Config, wil: gpd.GeoDataFrame, lok: Lokasi, sites: np.ndarray, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Protected polygons, rivers, coast lines and springs. ``sites``: the slum locations and
    activities, which only the polygons placed near the towns on purpose may reach."""
    n = cfg.kawasan_lindung
    n_river = round(0.14 * n)
    n_coast = round(0.025 * n)
    n_spring = round(0.01 * n)
    n_poly = n - n_river - n_coast - n_spring
    prov = wil[wil["tingkat"] == "provinsi"].reset_index(drop=True)
    kel = wil[wil["tingkat"] == "kelurahan"].reset_index(drop=True)
    shapely.prepare(kel.geometry.to_numpy())
    slum_kel = np.unique(lok.kel) if len(lok.kel) else np.arange(len(kel))
    # in this order: each draws from ``rng`` in turn (the same seed, the same features)
    frames = [
        _lindung_polygons(n_poly, prov, kel, slum_kel, sites, rng),
        _lindung_rivers(n_river, prov, kel, slum_kel, rng),
        _lindung_coast(cfg, n_coast, prov, rng),
        _lindung_springs(n_spring, kel, slum_kel, rng),
    ]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "id_kawasan", [f"KL-{i:05d}" for i in range(1, len(out) + 1)])
    out["sumber"] = out["sumber"].fillna(
        f"SINTETIS - scripts/make_national_data.py (seed {cfg.seed}); bukan kawasan lindung resmi"
    )
    columns = catalog.layer("kawasan_lindung").column_names
    for c in columns:
        if c not in out.columns:
            out[c] = None
    for c in ("lintas_negara", "bertanggul", "perkotaan"):
        out[c] = out[c].astype("boolean")
    for c in ("sempadan_m", "kedalaman_m", "luas_das_km2"):
        out[c] = out[c].astype("float64")
    return gpd.GeoDataFrame(out[columns + ["geometry"]], geometry="geometry", crs=CRS)


def _lindung_polygons(
    n_poly: int,
    prov: gpd.GeoDataFrame,
    kel: gpd.GeoDataFrame,
    slum_kel: np.ndarray,
    sites: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """``n_poly`` protected areas: some small ones near the programme's kelurahan on purpose (the
    screening findings), coastal kategori on the coast, the rest on land away from every slum location
    and activity (``sites``)."""
    kel_geoms = kel.geometry.to_numpy()
    values = [v for v in catalog.layer("kawasan_lindung").column("kategori").values or [] if v.bentuk == "area"]
    kat_codes = np.array([v.code for v in values], dtype=object)
    freq = np.array([KATEGORI_AREA.get(c, (3, 1.0))[0] for c in kat_codes], dtype=float)
    kategori = kat_codes[rng.choice(len(kat_codes), n_poly, p=freq / freq.sum())]
    median_km = np.array([KATEGORI_AREA.get(c, (3, 1.0))[1] for c in kategori])
    radius_m = np.clip(rng.lognormal(np.log(median_km * 1000), 0.7), 30, 60_000)
    near = rng.random(n_poly) < NEAR_TOWN
    coastal = np.isin(kategori, list(COASTAL)) & ~near
    coast_pool = coast_lines(prov, max(50, int(coastal.sum()) // 4), rng)

    def centres(idx: np.ndarray) -> np.ndarray:
        out, _ = land_points(prov, len(idx), rng)
        on_coast = coastal[idx]
        if on_coast.any():
            pick = coast_pool[rng.integers(len(coast_pool), size=int(on_coast.sum()))]
            out[on_coast] = shapely.get_coordinates(shapely.line_interpolate_point(pick, rng.random(len(pick)), normalized=True))
        return out

    centre = centres(np.arange(n_poly))
    if near.any():  # city forests, heritage sites, mangrove belts: small, a kilometre or so from a slum kelurahan
        k = slum_kel[rng.integers(len(slum_kel), size=int(near.sum()))]
        spot = points_in(kel_geoms[k], rng)
        dx, dy = _metres_to_degrees(spot[:, 1])
        shift = rng.normal(0, 1000, spot.shape)
        centre[near] = spot + np.c_[shift[:, 0] * dx, shift[:, 1] * dy]
        radius_m[near] = np.clip(rng.lognormal(np.log(250), 0.7, int(near.sum())), 30, 1000)
    nv = np.clip(rng.lognormal(np.log(350), 0.6, n_poly), 100, 2500).astype(int)
    area_m2 = np.pi * radius_m**2
    polys = _place_polygons(centre, area_m2, nv, near, sites, centres, rng)
    poly_frame = pd.DataFrame(
        {
            "nama": [label(f"{catalog.layer('kawasan_lindung').column('kategori').value(k).id} {_place(rng)}") for k in kategori],
            "kategori": kategori,
            "iucn_kat": [IUCN.get(k) for k in kategori],
            "status_penetapan": np.where(rng.random(n_poly) < 0.92, "Designated", "Proposed"),
            "geometry": shapely.multipolygons(polys, indices=np.arange(n_poly)) if n_poly else polys,
        }
    )
    return poly_frame


def _place_polygons(
    centre: np.ndarray,
    area_m2: np.ndarray,
    nv: np.ndarray,
    near: np.ndarray,
    sites: np.ndarray,
    centres: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """Star polygons around ``centre`` that stay inside Indonesia's extent and clear of ``sites``
    (unless ``near`` a town on purpose): a polygon that meets a site moves (``centres``), one that
    keeps failing shrinks; the last round takes what fits the extent."""
    n_poly = len(centre)
    minlon, minlat, maxlon, maxlat = settings.indonesia_bounds
    polys = np.empty(n_poly, dtype=object)
    tree = shapely.STRtree(sites)
    todo = np.arange(n_poly)
    rounds = 12
    for r in range(rounds):
        if not len(todo):
            break
        cand = star_polygons(centre[todo, 0], centre[todo, 1], area_m2[todo], rng, nv=nv[todo], wave=0.25)
        b = shapely.bounds(cand)
        ok = (b[:, 0] >= minlon) & (b[:, 2] <= maxlon) & (b[:, 1] >= minlat) & (b[:, 3] <= maxlat)
        clash = np.zeros(len(todo), bool)
        if r < rounds - 1:  # the last round takes what fits the extent
            clash[np.unique(tree.query(cand, predicate="intersects")[0])] = True
            clash &= ~near[todo]
        take = ok & ~clash
        polys[todo[take]] = cand[take]
        moved = todo[clash & ok]
        centre[moved] = centres(moved)
        todo = todo[~take]
        if r >= 3:
            area_m2[todo] *= 0.5
    if len(todo):
        raise RuntimeError(f"{len(todo)} protected polygons do not fit inside {settings.indonesia_bounds}")
    return polys


def _lindung_rivers(
    n_river: int, prov: gpd.GeoDataFrame, kel: gpd.GeoDataFrame, slum_kel: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """``n_river`` rivers: meandering lines of 3-80 km, vertices every 100 m; some start in a town."""
    kel_geoms = kel.geometry.to_numpy()
    minlon, minlat, maxlon, maxlat = settings.indonesia_bounds
    town = rng.random(n_river) < RIVER_TOWN
    start, start_prov = land_points(prov, n_river, rng)
    if town.any():
        k = slum_kel[rng.integers(len(slum_kel), size=int(town.sum()))]
        start[town] = points_in(kel_geoms[k], rng)
        start_prov[town] = kel["kode"].to_numpy()[k].astype("U2")
    km = np.clip(rng.lognormal(np.log(15), 0.7, n_river), 3, 80)
    seg = np.maximum((km * 10).astype(int), 2)
    rivers = np.empty(n_river, dtype=object)
    todo = np.arange(n_river)
    for _ in range(10):
        if not len(todo):
            break
        cand = walks(start[todo, 0], start[todo, 1], seg[todo], (np.full(len(todo), 90.0), np.full(len(todo), 110.0)), 0.25, rng)
        b = shapely.bounds(cand)
        ok = (b[:, 0] >= minlon) & (b[:, 2] <= maxlon) & (b[:, 1] >= minlat) & (b[:, 3] <= maxlat) & shapely.is_simple(cand)
        rivers[todo[ok]] = cand[ok]
        todo = todo[~ok]
        seg[todo] = np.maximum(seg[todo] // 2, 2)
    if len(todo):
        raise RuntimeError(f"{len(todo)} river lines do not fit")
    depth = np.round(rng.uniform(0.5, 25, n_river), 1)
    depth[rng.random(n_river) < 0.1] = np.nan
    das = np.round(rng.lognormal(np.log(300), 1.2, n_river))
    das[rng.random(n_river) < 0.15] = np.nan
    sempadan = np.where(rng.random(n_river) < 0.03, np.round(rng.uniform(5, 50, n_river)), np.nan)
    cross = np.isin(start_prov, list(LINTAS_NEGARA_PROV)) & (rng.random(n_river) < 0.08)
    river_frame = pd.DataFrame(
        {
            "nama": [label(f"Sungai {_place(rng)}") for _ in range(n_river)],
            "kategori": "sungai",
            "sempadan_m": sempadan,
            "lintas_negara": pd.array(cross, dtype="boolean"),
            "kedalaman_m": depth,
            "bertanggul": pd.array(rng.random(n_river) < 0.15, dtype="boolean"),
            "perkotaan": pd.array(town | (rng.random(n_river) < 0.1), dtype="boolean"),
            "luas_das_km2": das,
            "geometry": rivers,
        }
    )

    return river_frame


def _lindung_coast(cfg: Config, n_coast: int, prov: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``n_coast`` coast lines along the provinces' outer edges."""
    coast = coast_lines(prov, n_coast, rng)
    coast_frame = pd.DataFrame(
        {
            "nama": [label(f"Garis pantai {_place(rng)}") for _ in range(n_coast)],
            "kategori": "garis_pantai",
            "sumber": f"Garis: batas luar provinsi ({_SAMPLE.BOUNDARY_SOURCE}); nama SINTETIS (seed {cfg.seed})",
            "geometry": coast,
        }
    )
    return coast_frame


def _lindung_springs(n_spring: int, kel: gpd.GeoDataFrame, slum_kel: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """``n_spring`` springs in the programme's kelurahan."""
    kel_geoms = kel.geometry.to_numpy()
    k = slum_kel[rng.integers(len(slum_kel), size=n_spring)] if n_spring else np.zeros(0, int)
    spring_frame = pd.DataFrame(
        {
            "nama": [label(f"Mata air {_place(rng)}") for _ in range(n_spring)],
            "kategori": "mata_air",
            "perkotaan": pd.array(np.ones(n_spring, bool), dtype="boolean"),
            "geometry": shapely.points(points_in(kel_geoms[k], rng)) if n_spring else np.empty(0, dtype=object),
        }
    )
    return spring_frame


def _place(rng: np.random.Generator) -> str:
    return f"{_TEMPAT[rng.integers(len(_TEMPAT))]} {_SIFAT[rng.integers(len(_SIFAT))]}"


# -- the whole set -----------------------------------------------------------------------------------
def generate(cfg: Config = Config(), log=None) -> Data:  # type: ignore[no-untyped-def]
    """Make every layer for ``cfg`` (nothing is written)."""
    say = log or (lambda *a: None)
    pers = periods(cfg.periode, cfg.periode_akhir)
    small = {k: getattr(cfg, k) for k in ("kelurahan", "lokasi", "kegiatan", "kawasan_lindung") if getattr(cfg, k) < 1}
    if small:
        raise ConfigError(f"counts must be at least 1: {small}")
    rng_wil, rng_kumuh, rng_keg, rng_lindung = (np.random.default_rng(s) for s in np.random.SeedSequence(cfg.seed).spawn(4))
    seconds = {}
    t = time.perf_counter()
    wil = build_wilayah(cfg, read_batas(cfg.batas), rng_wil)
    seconds["wilayah"] = time.perf_counter() - t
    say(f"  wilayah         {len(wil):>9,} rows  {seconds['wilayah']:6.1f} s")
    t = time.perf_counter()
    kumuh, lok = build_kumuh(cfg, wil, pers, rng_kumuh)
    seconds["kawasan_kumuh"] = time.perf_counter() - t
    say(f"  kawasan_kumuh   {len(kumuh):>9,} rows  {seconds['kawasan_kumuh']:6.1f} s")
    t = time.perf_counter()
    keg = build_kegiatan(cfg, wil, lok, pers, rng_keg)
    seconds["kegiatan"] = time.perf_counter() - t
    say(f"  kegiatan        {len(keg):>9,} rows  {seconds['kegiatan']:6.1f} s")
    t = time.perf_counter()
    sites = np.r_[lok.geometry, keg.drop_duplicates("id_kegiatan").geometry.to_numpy()]
    lindung = build_lindung(cfg, wil, lok, sites, rng_lindung)
    seconds["kawasan_lindung"] = time.perf_counter() - t
    say(f"  kawasan_lindung {len(lindung):>9,} rows  {seconds['kawasan_lindung']:6.1f} s")
    return Data(wil, kumuh, keg, lindung, pers, seconds)


# -- checking through the loader ---------------------------------------------------------------------
def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality treating every kind of missing value as equal."""
    a, b = a.astype(object).to_numpy(), b.astype(object).to_numpy()
    na_a, na_b = pd.isna(a), pd.isna(b)
    eq = np.array([x == y if not (p or q) else p and q for x, y, p, q in zip(a, b, na_a, na_b)], dtype=bool)
    return eq


def check_layer(layer: str, frame: gpd.GeoDataFrame, reference: gpd.GeoDataFrame | None) -> tuple[list, dict[str, int]]:
    """Run ``frame`` through ``loader.prepare``; return its problems and, per column, the number of
    rows whose value ``prepare`` changed (geometry included)."""
    src = frame.reset_index(drop=True).copy()
    src[ROW] = np.arange(1, len(src) + 1)
    rows, problems = loader.prepare(layer, Source(Path(f"{layer}_sintetis"), src), reference=reference)
    changed: dict[str, int] = {}
    if not any(p.severity == "error" for p in problems):
        rows = rows.sort_values(ROW).reset_index(drop=True)
        for c in catalog.layer(layer).column_names:
            if c in src.columns:
                n = int((~_same(src[c], rows[c])).sum())
                if n:
                    changed[c] = n
        geom_diff = int((~shapely.equals_exact(src.geometry.to_numpy(), rows.geometry.to_numpy(), tolerance=0)).sum())
        if geom_diff:
            changed["geometry"] = geom_diff
    return problems, changed


def check(data: Data, rows: int, seed: int, log=print) -> bool:  # type: ignore[no-untyped-def]
    """``prepare`` on a random sample of ``rows`` rows of each layer (all when fewer). True when
    there is no error and ``prepare`` would change nothing."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(5)[4])
    wil = data.wilayah
    reference = wil[["kode", "nama", "tingkat", "geometry"]]
    ok = True
    for layer, frame in data.frames().items():
        if layer == "wilayah":  # some of every level
            parts = [
                g.iloc[np.sort(rng.choice(len(g), min(len(g), max(1, rows // 4)), replace=False))]
                for _, g in frame.groupby("tingkat", sort=True)
            ]
            sample = pd.concat(parts)
        else:
            sample = frame.iloc[np.sort(rng.choice(len(frame), min(len(frame), rows), replace=False))]
        t = time.perf_counter()
        problems, changed = check_layer(layer, sample, reference)
        count = pd.Series([f"{p.severity}:{p.code}" for p in problems]).value_counts().to_dict() if problems else {}
        errors = [p for p in problems if p.severity == "error"]
        ok &= not errors and not changed
        log(
            f"  {layer:<16}{len(sample):>6} rows through loader.prepare ({time.perf_counter() - t:.1f} s): "
            f"{len(errors)} errors; problems {count or 'none'}; changed by prepare {changed or 'nothing'}"
        )
        for p in errors[:10]:
            log(f"      row {p.row} {p.column}: {p.message('en')}")
    return ok


# -- writing -----------------------------------------------------------------------------------------
def _made_here(store: Store) -> bool:
    """Whether everything in the store was written by this script (or it is empty)."""
    loads = store.loads()
    return bool(loads.empty or loads["source"].astype(str).str.startswith(SOURCE_TAG).all())


def write_store(url: str | Path, data: Data, source: str, replace: bool = False, log=print) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Write every layer through ``Store.write`` (each layer, or each period, one transaction)."""
    url = str(url)
    is_gpkg = "://" not in url
    if is_gpkg and Path(url).exists():
        if not replace and not _gpkg_made_here(Path(url)):
            raise SystemExit(f"{url} exists and holds data not made by this script: use --replace to overwrite it")
        Path(url).unlink()
    store = open_store(url)
    store.init()
    seconds = {}
    try:
        if not is_gpkg:
            stored = store.layers().set_index("layer")["rows"]
            if stored.loc[list(LAYERS)].sum() and not replace and not _made_here(store):
                raise SystemExit(f"{url} holds data not made by this script: use --replace to replace its layers")
            import sqlalchemy as sa

            with store.engine.begin() as conn:
                for layer in LAYERS:
                    conn.execute(sa.delete(store.tables[layer]))
        for layer, frame in data.frames().items():
            t = time.perf_counter()
            spec = catalog.layer(layer)
            if spec.partition:
                for _, part in frame.groupby(spec.partition, sort=True):
                    store.write(layer, part, source=source)
            else:
                store.write(layer, frame, source=source)
            seconds[layer] = time.perf_counter() - t
            log(f"  {layer:<16}{len(frame):>9,} rows written  {seconds[layer]:6.1f} s")
    finally:
        store.close()
    return seconds


def _gpkg_made_here(path: Path) -> bool:
    """Whether the GeoPackage's load log names only this script."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            sources = [r[0] for r in conn.execute("SELECT DISTINCT source FROM kotaku_loads")]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return all(str(s).startswith(SOURCE_TAG) for s in sources)


# -- report ------------------------------------------------------------------------------------------
def summary(data: Data) -> list[str]:
    wil, kumuh, keg, lin = data.wilayah, data.kawasan_kumuh, data.kegiatan, data.kawasan_lindung
    levels = wil["tingkat"].value_counts()
    kel = wil[wil["tingkat"] == "kelurahan"]["kode"]
    kab = wil[wil["tingkat"] == "kabkota"]["kode"]
    kota = int((kab.str.slice(3, 5).astype(int) >= 71).sum())
    lines = [
        (
            f"wilayah: {levels.get('provinsi', 0)} provinsi, {levels.get('kabkota', 0)} kabkota ({kota} kota, "
            f"{len(kab) - kota} kabupaten), {levels.get('kecamatan', 0):,} kecamatan, {len(kel):,} kelurahan/desa "
            f"({int((kel.str[9] == '1').sum()):,} kelurahan, {int((kel.str[9] == '2').sum()):,} desa)"
        ),
    ]
    scored = scoring.score(kumuh.drop(columns="geometry"))
    per = scored.groupby("periode", observed=True)
    base = kumuh[kumuh["periode"] == data.periods[0]]
    lines.append(
        f"kawasan_kumuh: {kumuh['id_lokasi'].nunique():,} locations in {kumuh['kode_kelurahan'].nunique():,} "
        f"kelurahan, {len(kumuh):,} rows; baseline area {base['luas_ha'].sum():,.0f} ha"
    )
    for periode, g in per:
        lv = g["tingkat_kekumuhan"].value_counts()
        lines.append(
            f"  {periode}: {len(g):,} rows ({int(g[scoring.rule_set('permen_14_2018').columns[0]].isna().sum()):,} "
            f"total only), mean score {g['nilai_kekumuhan'].mean():.1f}; berat {lv.get('berat', 0):,}, "
            f"sedang {lv.get('sedang', 0):,}, ringan {lv.get('ringan', 0):,}, tidak kumuh {lv.get('tidak_kumuh', 0):,}"
        )
    kinds = (
        pd.Series(shapely.get_type_id(keg.drop_duplicates("id_kegiatan").geometry.to_numpy()))
        .map({0: "points", 1: "lines", 3: "polygons"})
        .value_counts()
    )
    lines.append(
        f"kegiatan: {keg['id_kegiatan'].nunique():,} activities, {len(keg):,} rows in "
        f"{keg['periode'].nunique()} periods; {', '.join(f'{v:,} {k}' for k, v in kinds.items())}; "
        f"{keg['jenis'].nunique()} jenis; status (last period) "
        + ", ".join(f"{k} {v:,}" for k, v in keg[keg["periode"] == keg["periode"].max()]["status"].value_counts().items())
    )
    vertices = int(shapely.get_num_coordinates(lin.geometry.to_numpy()).sum())
    polys = lin[shapely.get_type_id(lin.geometry.to_numpy()) == 6]
    nv = shapely.get_num_coordinates(polys.geometry.to_numpy())
    lines.append(
        f"kawasan_lindung: {len(lin):,} features ({len(polys):,} polygons of {int(np.percentile(nv, 5)) if len(nv) else 0}-"
        f"{int(np.percentile(nv, 95)) if len(nv) else 0} vertices (5-95 %), "
        f"{int((lin['kategori'] == 'sungai').sum()):,} rivers, {int((lin['kategori'] == 'garis_pantai').sum()):,} "
        f"coast lines, {int((lin['kategori'] == 'mata_air').sum()):,} springs; {vertices:,} vertices; "
        f"{lin['kategori'].nunique()} kategori)"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    d = Config()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", default=str(DEFAULT_DB), help=f"GeoPackage path or PostGIS URL (default {DEFAULT_DB.relative_to(REPO)})"
    )
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument(
        "--periode",
        type=int,
        default=d.periode,
        help="periods: the 2024 baseline and the quarters up to --periode-akhir (default 4)",
    )
    parser.add_argument("--periode-akhir", default=d.periode_akhir, help="last quarter (default 2026Q3)")
    parser.add_argument(
        "--provinsi", type=int, default=d.provinsi, help="number of provinces, chosen at random (default 38: all)"
    )
    parser.add_argument("--kode-provinsi", help="these provinces instead, e.g. 61,64")
    parser.add_argument("--kabkota", type=int, default=d.kabkota)
    parser.add_argument("--kelurahan", type=int, default=d.kelurahan)
    parser.add_argument("--lokasi", type=int, default=d.lokasi, help="slum locations")
    parser.add_argument("--kegiatan", type=int, default=d.kegiatan, help="activities")
    parser.add_argument("--kawasan-lindung", type=int, default=d.kawasan_lindung, help="protected features")
    parser.add_argument(
        "--check", action="store_true", help="first run a sample of each layer through loader.prepare; stop on any error"
    )
    parser.add_argument("--check-rows", type=int, default=2000, help="rows per layer for --check (default 2000)")
    parser.add_argument("--replace", action="store_true", help="overwrite a target that holds other data")
    args = parser.parse_args(argv)
    prov = tuple(p.strip() for p in args.kode_provinsi.split(",")) if args.kode_provinsi else args.provinsi
    try:
        cfg = Config(
            prov,
            args.kabkota,
            args.kelurahan,
            args.lokasi,
            args.kegiatan,
            args.kawasan_lindung,
            args.periode,
            args.periode_akhir,
            args.seed,
        )
        pers = periods(cfg.periode, cfg.periode_akhir)
    except ConfigError as exc:
        parser.error(str(exc))
    t0 = time.perf_counter()
    print(f"National synthetic data set ({SINTETIS}), seed {cfg.seed}, periods {', '.join(pers)}")
    try:
        data = generate(cfg, log=print)
    except ConfigError as exc:
        parser.error(str(exc))
    t_gen = time.perf_counter() - t0
    if args.check:
        t = time.perf_counter()
        print("Check:")
        if not check(data, args.check_rows, cfg.seed):
            print("Check FAILED: nothing written")
            return 1
        print(f"  check passed in {time.perf_counter() - t:.1f} s")
    print(f"Writing {args.db}:")
    t = time.perf_counter()
    write_store(args.db, data, cfg.source, replace=args.replace)
    t_write = time.perf_counter() - t
    print("Counts:")
    for line in summary(data):
        print(f"  {line}")
    size = ""
    if "://" not in args.db:
        size = f"; {Path(args.db).stat().st_size / 1e6:,.0f} MB"
    print(
        f"Done in {time.perf_counter() - t0:.0f} s (generating {t_gen:.0f} s, writing {t_write:.0f} s){size}; "
        f"peak memory {peak_rss_mb():,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
