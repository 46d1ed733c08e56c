#!/usr/bin/env python3
"""Write the sample data of kotaku-gis into ``data/`` (a maintainer script; its outputs are committed).

This is the only part of the project that reads the reference data in the maintainers' reference folder ``shared/data`` beside the repository; everything
else (tests, the demo, notebooks) reads the copies written here. Run it from anywhere::

    python scripts/make_sample_data.py                      # reads shared/data beside the repo, writes data/
    python scripts/make_sample_data.py --shared /path/to/shared/data --out /tmp/data

What it writes (all EPSG:4326; see ``data/README.md`` for sources and licences):

``batas/``
    Real administrative boundaries (MIT, Copyright (c) 2024 Cahya DSN, wilayah_boundaries at
    commit 3c5a7960) in user-file form: columns ``kode`` and ``nama`` only, coordinates rounded to
    6 decimals. The few features that rounding would make invalid are snapped to the same 1e-6
    grid with GEOS (``shapely.set_precision``) instead, which keeps them valid.
``sample/``
    Synthetic slum locations (``kawasan_kumuh``), activities (``kegiatan``), protected areas
    (``kawasan_lindung``) and a WDPA-style file for Kota Pontianak, every synthetic feature labelled
    SINTETIS. The Natural Earth (public domain) coastline and Kapuas main channel are the only real
    geometry in ``kawasan_lindung``.
``sample/salah/``
    Small files that each carry one defect class, for the loader's reports.

Determinism: every random draw comes from ``numpy.random.default_rng(20261128)`` in a fixed order;
GeoPackage timestamps are pinned (GDAL ``OGR_CURRENT_DATE``) and DBF header dates are pinned, so a
re-run writes byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod, Transformer
from shapely import affinity, ops
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

REPO = Path(__file__).resolve().parents[1]
SEED = 20261128
CRS = "EPSG:4326"
#: Local transverse Mercator centred on Pontianak: metres for building the synthetic geometry only
#: (the project itself measures per feature, see kotaku_gis.geodesy).
LOCAL_CRS = "+proj=tmerc +lat_0=0 +lon_0=109.33 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
#: Pinned GeoPackage timestamp (gpkg_contents.last_change) for byte-identical re-runs.
FIXED_DATE = "2026-11-28T00:00:00.000Z"
#: Exchange rate used only to design the "huge rupiah cost" case (rule 4: USD 2 million).
IDR_PER_USD = 16_000
SINTETIS = "SINTETIS"
SUMBER_SINTETIS = "SINTETIS - dibuat oleh scripts/make_sample_data.py (seed 20261128); bukan kawasan lindung resmi"
SUMBER_NE = "Natural Earth 1:10m (domain publik)"

BOUNDARY_SOURCE = "github.com/cahyadsn/wilayah_boundaries, commit 3c5a7960 (MIT, Copyright (c) 2024 Cahya DSN)"

PERIODE_KUMUH = ["2024", "2026Q2", "2026Q3"]
PERIODE_KEGIATAN = ["2026Q2", "2026Q3"]
CRITERIA = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a", "6b", "7a", "7b"]
KCOLS = [f"kriteria_{c}" for c in CRITERIA]
ASPEK = np.array([int(c[0]) for c in CRITERIA])

KUMUH_COLUMNS = [
    "id_lokasi",
    "kode_kelurahan",
    "nama_kawasan",
    "periode",
    "luas_ha",
    "aturan_penilaian",
    *KCOLS,
    "rtp_tersedia",
    "nilai_kekumuhan",
    "nilai_pertimbangan_lain",
    "legalitas",
]
KEGIATAN_COLUMNS = [
    "id_kegiatan",
    "kode_kelurahan",
    "id_lokasi",
    "nama",
    "jenis",
    "periode",
    "status",
    "progres_fisik",
    "biaya_idr",
    "biaya_usd",
    "luas_reklamasi_ha",
    "kapasitas_tampungan_m3",
    "persetujuan_tertulis",
    "dampak_negatif",
]
LINDUNG_COLUMNS = [
    "id_kawasan",
    "nama",
    "kategori",
    "sempadan_m",
    "lintas_negara",
    "kedalaman_m",
    "bertanggul",
    "perkotaan",
    "luas_das_km2",
    "iucn_kat",
    "status_penetapan",
    "sumber",
]

# River centrelines of Kota Pontianak (lon, lat), traced along the kelurahan boundaries of the source
# data that follow the rivers (the boundary between Pontianak Utara and Pontianak Kota/Barat for
# the lower Kapuas Kecil, Pontianak Timur and Pontianak Selatan/Tenggara for the upper one, Pontianak
# Utara and Pontianak Timur for the Landak), with the ends extended just beyond the city. Natural
# Earth's "Kapuas" is the main channel ~25 km further south, so it cannot serve here.
KAPUAS_KECIL = [
    (109.3790, -0.0680),
    (109.3692, -0.0579),
    (109.3676, -0.0556),
    (109.3646, -0.0510),
    (109.3623, -0.0484),
    (109.3605, -0.0466),
    (109.3583, -0.0447),
    (109.3543, -0.0405),
    (109.3525, -0.0383),
    (109.3500, -0.0345),
    (109.3468, -0.0281),
    (109.3455, -0.0253),
    (109.3441, -0.0231),
    (109.3377, -0.0174),
    (109.3354, -0.0153),
    (109.3233, -0.0051),
    (109.3201, -0.0031),
    (109.3127, 0.0000),
    (109.3075, 0.0015),
    (109.3030, 0.0020),
    (109.2990, 0.0020),
    (109.2962, 0.0025),
    (109.2909, 0.0048),
    (109.2872, 0.0059),
    (109.2760, 0.0110),
]
LANDAK = [
    (109.3890, -0.0190),
    (109.3762, -0.0228),
    (109.3730, -0.0217),
    (109.3689, -0.0205),
    (109.3653, -0.0199),
    (109.3604, -0.0199),
    (109.3574, -0.0202),
    (109.3526, -0.0216),
    (109.3496, -0.0220),
    (109.3454, -0.0225),
    (109.3441, -0.0231),
]
# Wholly synthetic lines (not real watercourses at these positions).
PARIT_TOKAYA = [
    (109.3478, -0.0372),
    (109.3440, -0.0420),
    (109.3395, -0.0480),
    (109.3350, -0.0560),
    (109.3320, -0.0650),
    (109.3305, -0.0760),
    (109.3300, -0.0900),
]
PARIT_SUNGAI_JAWI = [(109.3185, -0.0085), (109.3140, -0.0180), (109.3080, -0.0290), (109.3030, -0.0380), (109.2990, -0.0470)]
SUNGAI_LINTAS_NEGARA = [
    (109.3300, -0.0110),
    (109.3312, -0.0020),
    (109.3330, 0.0080),
    (109.3322, 0.0180),
    (109.3345, 0.0280),
    (109.3360, 0.0420),
]
#: Natural Earth features are clipped to this box (lon/lat) around Pontianak.
NE_BOX = (108.95, -0.40, 109.60, 0.30)
#: Natural Earth draws the Kapuas Kecil estuary as coastline up to Pontianak (a 1:10m artefact);
#: the coastline is kept only west of this longitude, where the real sea coast is.
NE_COAST_MAX_LON = 109.20

GANG = [
    "Gg. Mawar",
    "Gg. Melati",
    "Gg. Kenanga",
    "Gg. Purnama",
    "Gg. Sepakat",
    "Gg. Karya",
    "Gg. Usaha Bersama",
    "Gg. Haji Mursyid",
    "Gg. Selat Sumba",
    "Gg. Tanjung Harapan",
    "Gg. Keluarga",
    "Gg. Damai",
    "Gg. Amal",
    "Gg. Family",
    "Gg. Rahayu",
    "Gg. Merdeka",
    "Gg. Sepakat II",
    "Gg. Nusa Indah",
    "Gg. Teratai",
    "Gg. Flamboyan",
]

NAMA_JENIS = {
    "rehab_bangunan": ["Peningkatan kualitas rumah tidak layak huni", "Perbaikan atap dan lantai rumah warga"],
    "jalan_lingkungan": ["Peningkatan jalan lingkungan (rabat beton)", "Pembangunan jalan lingkungan papan ulin"],
    "jembatan": ["Pembangunan jembatan titian", "Perbaikan jembatan lingkungan"],
    "air_minum": ["Sambungan rumah air minum", "Sumur bor dan hidran umum"],
    "drainase": ["Perbaikan saluran drainase lingkungan", "Pembangunan drainase tertutup"],
    "tanggul_talud": ["Pembangunan talud tepian", "Perbaikan tanggul tepian"],
    "air_limbah": ["Pembangunan tangki septik komunal", "Pembangunan MCK++", "Pembangunan IPAL komunal"],
    "persampahan": ["Pengadaan gerobak sampah dan bak komunal", "Pembangunan TPS3R"],
    "proteksi_kebakaran": ["Pemasangan hidran kebakaran", "Pengadaan APAR dan pompa jinjing"],
    "ruang_terbuka_publik": ["Penataan ruang terbuka publik", "Pembangunan taman bermain anak"],
    "tampungan_air": ["Pembangunan kolam retensi", "Pembangunan embung"],
    "bangunan_air_sungai": ["Pembangunan intake air baku"],
    "reklamasi_lahan": ["Reklamasi/pengurukan lahan"],
    "kampanye_politik": ["Panggung kampanye calon legislatif"],
    "pembebasan_lahan": ["Pembelian lahan untuk ruang terbuka"],
    "dana_bergulir": ["Dana bergulir usaha mikro warga"],
    "kantor_pemerintah": ["Rehabilitasi kantor lurah"],
    "kantor_bkm": ["Pembangunan kantor BKM"],
    "pengadaan_berbahaya": ["Pengadaan atap asbes untuk rumah warga"],
    "penambangan_karang": ["Pengambilan karang hidup untuk fondasi (contoh butir 9a)"],
    "pengalihan_sungai": ["Pelurusan alur parit"],
}
#: Cost ranges (juta rupiah) by jenis for ordinary activities: BDI-scale works, 50 juta - 2 miliar.
BIAYA_JUTA = {
    "rehab_bangunan": (50, 400),
    "jalan_lingkungan": (150, 950),
    "jembatan": (120, 800),
    "air_minum": (90, 650),
    "drainase": (100, 900),
    "tanggul_talud": (300, 1900),
    "air_limbah": (150, 1200),
    "persampahan": (60, 450),
    "proteksi_kebakaran": (50, 320),
    "ruang_terbuka_publik": (200, 1500),
    "tampungan_air": (400, 1950),
    "bangunan_air_sungai": (300, 1500),
    "reklamasi_lahan": (500, 2000),
    "kampanye_politik": (50, 150),
    "pembebasan_lahan": (300, 1800),
    "dana_bergulir": (50, 250),
    "kantor_pemerintah": (250, 900),
    "kantor_bkm": (150, 600),
    "pengadaan_berbahaya": (60, 300),
    "penambangan_karang": (50, 200),
    "pengalihan_sungai": (300, 1500),
}
#: The jenis that serve each slum aspect (kegiatan.yml `aspek`), for activities that explain improvements.
JENIS_ASPEK = {
    1: ["rehab_bangunan"],
    2: ["jalan_lingkungan", "jalan_lingkungan", "jembatan"],
    3: ["air_minum"],
    4: ["drainase", "drainase", "tanggul_talud"],
    5: ["air_limbah"],
    6: ["persampahan"],
    7: ["proteksi_kebakaran"],
    8: ["ruang_terbuka_publik"],
}
LINE_JENIS = {"jalan_lingkungan", "jembatan", "drainase", "tanggul_talud", "pengalihan_sungai"}
POLY_JENIS = {"ruang_terbuka_publik", "tampungan_air", "pembebasan_lahan"}

GEOD = Geod(ellps="WGS84")
_TO_M = Transformer.from_crs(CRS, LOCAL_CRS, always_xy=True)
_TO_LL = Transformer.from_crs(LOCAL_CRS, CRS, always_xy=True)


# -- small helpers -----------------------------------------------------------------------------------
def to_m(geom):
    """Lon/lat geometry (or array) -> local metres."""
    return shapely.transform(geom, lambda c: np.column_stack(_TO_M.transform(c[:, 0], c[:, 1])))


def to_ll(geom):
    """Local metres -> lon/lat rounded to 6 decimals (about 0.1 m)."""
    return round6(shapely.transform(geom, lambda c: np.column_stack(_TO_LL.transform(c[:, 0], c[:, 1]))))


def round6(geom):
    return shapely.transform(geom, lambda c: np.round(c, 6))


def area_ha(geom_ll) -> float:
    return abs(GEOD.geometry_area_perimeter(geom_ll)[0]) / 10_000


def label(text: str) -> str:
    return f"{text} ({SINTETIS})"


def write_gpkg(frame: gpd.GeoDataFrame, path: Path, layer: str | None = None) -> None:
    """One-layer GeoPackage, written fresh (byte-identical on re-runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    # no spatial index: these files are small and read whole; it saves ~30 KB per file
    pyogrio.write_dataframe(frame, path, layer=layer or path.stem, driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})


def write_shp(
    frame: gpd.GeoDataFrame, path: Path, *, encoding: str | None = None, keep_prj: bool = True, keep_cpg: bool = True
) -> None:
    """A Shapefile with the DBF header date pinned; optionally without its .prj or .cpg."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        path.with_suffix(ext).unlink(missing_ok=True)
    with warnings.catch_warnings():  # GDAL cuts the DBF field names to 10 characters, as users' files have them
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile", encoding=encoding)
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[1:4] = bytes([2026 - 1900, 11, 28])  # date of last update
    if not keep_cpg:
        raw[29] = 0  # no language-driver id either: nothing in the file names its encoding
    dbf.write_bytes(bytes(raw))
    if not keep_prj:
        path.with_suffix(".prj").unlink(missing_ok=True)
    if not keep_cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)


def random_point_in(poly, rng, tries: int = 10_000) -> Point:
    x0, y0, x1, y1 = poly.bounds
    for _ in range(tries):
        p = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if poly.contains(p):
            return p
    raise RuntimeError("no point found inside polygon")


def blob(center: Point, area_m2: float, rng) -> Polygon:
    """An irregular star-shaped polygon of the given area around ``center``."""
    n = int(rng.integers(7, 12))
    step = 2 * math.pi / n
    ang = np.arange(n) * step + rng.uniform(-0.3, 0.3, n) * step + rng.uniform(0, 2 * math.pi)
    rad = rng.uniform(0.75, 1.25, n)
    poly = Polygon(np.column_stack([center.x + rad * np.cos(ang), center.y + rad * np.sin(ang)]))
    return affinity.scale(poly, *(2 * [math.sqrt(area_m2 / poly.area)]), origin=center)


def rect(center: Point, w: float, h: float, angle: float) -> Polygon:
    r = Polygon([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)])
    return affinity.translate(affinity.rotate(r, angle, origin=(0, 0)), center.x, center.y)


def walk(start: Point, rng, segments: int, seg_len: tuple[float, float]) -> LineString:
    """A polyline from ``start``: a few segments with gently changing heading."""
    heading = rng.uniform(0, 2 * math.pi)
    pts = [(start.x, start.y)]
    for _ in range(segments):
        heading += rng.uniform(-0.7, 0.7)
        d = rng.uniform(*seg_len)
        x, y = pts[-1]
        pts.append((x + d * math.cos(heading), y + d * math.sin(heading)))
    return LineString(pts)


def offset_point(line, frac: float, offset: float) -> Point:
    """The point ``offset`` metres left (+) or right (-) of ``line`` at fraction ``frac`` of its length."""
    a = line.interpolate(max(frac - 0.002, 0), normalized=True)
    b = line.interpolate(min(frac + 0.002, 1), normalized=True)
    p = line.interpolate(frac, normalized=True)
    dx, dy = b.x - a.x, b.y - a.y
    n = math.hypot(dx, dy)
    return Point(p.x - dy / n * offset, p.y + dx / n * offset)


def rupiah(rng, lo_juta: float, hi_juta: float) -> float:
    """A cost in rupiah, rounded to 50,000 like real budget lines."""
    return float(round(rng.uniform(lo_juta, hi_juta) * 1_000_000 / 50_000) * 50_000)


# -- slum scoring (Permen PUPR 14/PRT/M/2018, as in docs/domain.md) ------------------------------------
def criterion_score(share: float) -> int:
    if share < 25:
        return 0
    if share <= 50:
        return 1
    if share < 51:
        raise ValueError(f"share {share} lies between the 25-50 and 51-75 bands")
    if share < 76:
        return 3
    return 5


def tingkat(total: float) -> str:
    if total >= 60:
        return "berat"
    if total >= 38:
        return "sedang"
    if total >= 16:
        return "ringan"
    return "tidak_kumuh"


def klasifikasi(total: float, pertimbangan: int, legalitas: str) -> str:
    level = tingkat(total)
    if level == "tidak_kumuh":
        return "-"
    band = 1 if pertimbangan >= 11 else (3 if pertimbangan >= 6 else 5)
    return {"berat": "A", "sedang": "B", "ringan": "C"}[level] + str(band + (legalitas == "ilegal"))


BAND = {0: (0.0, 24.9), 1: (25.0, 50.0), 3: (51.0, 75.9), 5: (76.0, 100.0)}
DOWN = {5: 3, 3: 1, 1: 0, 0: 0}
UP = {0: 1, 1: 3, 3: 5, 5: 5}
#: Pertimbangan-lain totals that can occur (5/1 + 1/3/5 + 5/1), by band.
PERTIMBANGAN = {1: [11, 13, 15], 3: [7, 9], 5: [3, 5]}


def score_vector(total: int, rng) -> np.ndarray:
    combos = [
        (n5, n3, n1) for n5 in range(17) for n3 in range(17 - n5) for n1 in range(17 - n5 - n3) if 5 * n5 + 3 * n3 + n1 == total
    ]
    n5, n3, n1 = combos[int(rng.integers(len(combos)))]
    s = np.array([5] * n5 + [3] * n3 + [1] * n1 + [0] * (16 - n5 - n3 - n1))
    rng.shuffle(s)
    return s


def move_scores(s: np.ndarray, target: int, rng, pool: np.ndarray) -> np.ndarray:
    """Step criteria down (or up) one score class at a time, preferring ``pool``, to hit ``target``."""
    improve = target < s.sum()
    for attempt in range(400):
        allowed = pool if attempt < 200 else np.ones(16, bool)
        out = s.copy()
        while (out.sum() > target) if improve else (out.sum() < target):
            cand = np.flatnonzero(allowed & ((out > 0) if improve else (out < 5)))
            if cand.size == 0:
                break
            i = int(rng.choice(cand))
            out[i] = DOWN[out[i]] if improve else UP[out[i]]
        if out.sum() == target:
            return out
    raise RuntimeError(f"cannot move scores {s.tolist()} to {target}")


def draw_share(score: int, rng) -> float:
    lo, hi = BAND[score]
    return float(round(rng.uniform(lo, hi), 2))


# -- 1. boundaries -------------------------------------------------------------------------------------
def copy_boundaries(shared: Path, out: Path) -> dict[str, dict]:
    """Copy the real boundaries in user-file form; return notes for the report."""
    admin = shared / "admin"
    jobs = [
        ("provinsi", admin / "id_provinsi.gpkg", None),
        ("kabkota", admin / "id_kabkota.gpkg", None),
        ("kecamatan_6171", admin / "kecamatan_sel.gpkg", "61.71."),
        ("kelurahan_6171", admin / "kel_6171_pontianak.gpkg", "61.71."),
    ]
    notes = {}
    for name, src, prefix in jobs:
        g = gpd.read_file(src)
        if prefix:
            g = g[g["kode"].str.startswith(prefix)]
        g = g[["kode", "nama", g.geometry.name]]
        if g.geometry.name != "geometry":
            g = g.rename_geometry("geometry")
        g = g.sort_values("kode").reset_index(drop=True)
        original = g.geometry.values
        rounded = round6(original)
        invalid = ~shapely.is_valid(rounded)
        if invalid.any():  # rounding pinched a ring: snap that feature to the same grid, validly
            rounded[invalid] = shapely.set_precision(original[invalid], 1e-6)
        assert shapely.is_valid(rounded).all()
        g = gpd.GeoDataFrame(g.drop(columns="geometry"), geometry=gpd.GeoSeries(rounded, crs=CRS))
        g["geometry"] = [geom if geom.geom_type == "MultiPolygon" else MultiPolygon([geom]) for geom in g.geometry]
        path = out / "batas" / f"{name}.gpkg"
        write_gpkg(g, path)
        size = path.stat().st_size
        if size > 4 * 1024 * 1024:
            raise RuntimeError(f"{path} is {size / 1e6:.1f} MB: simplify with shapely.coverage_simplify first")
        notes[name] = {
            "features": len(g),
            "snapped": [f"{k} {n}" for k, n in zip(g.loc[invalid, "kode"], g.loc[invalid, "nama"])],
            "bytes": size,
        }
    return notes


def load_kelurahan(out: Path) -> gpd.GeoDataFrame:
    kel = gpd.read_file(out / "batas" / "kelurahan_6171.gpkg")
    kel["geom_m"] = to_m(kel.geometry.values)
    return kel


# -- 2. protected areas --------------------------------------------------------------------------------
@dataclass
class Protected:
    id_kawasan: str
    nama: str
    kategori: str
    geom_m: object
    attrs: dict = field(default_factory=dict)
    sumber: str = SUMBER_SINTETIS
    geom_ll: object = None  # when real geometry is copied as is

    @property
    def aturan(self) -> str:
        return ATURAN[WDPA_KATEGORI.get(self.kategori, self.kategori)]

    def setback(self) -> float:
        """Setback width (m) by docs/domain.md section 5; 0 for areas without one."""
        a = self.attrs
        if a.get("sempadan_m") is not None:
            return float(a["sempadan_m"])
        if self.kategori == "sungai":
            if a.get("bertanggul"):
                return 3.0 if a.get("perkotaan") else 5.0
            if a.get("perkotaan"):
                d = a.get("kedalaman_m")
                return 10.0 if d is not None and d <= 3 else (15.0 if d is None or d <= 20 else 30.0)
            return 100.0 if (a.get("luas_das_km2") or 0) > 500 else 50.0
        return {"garis_pantai": 100.0, "mata_air": 200.0, "danau_waduk": 50.0}.get(self.kategori, 0.0)

    def zone(self):
        """The protected zone in metres: the area itself, widened by its setback."""
        d = self.setback()
        return self.geom_m.buffer(d) if d > 0 else self.geom_m


ATURAN = {
    "taman_nasional": "6a",
    "cagar_alam": "6a",
    "suaka_margasatwa": "6a",
    "kebun_raya": "6a",
    "hutan_konservasi": "6a",
    "hutan_lindung": "6a",
    "kawasan_perlindungan_sungai": "6a",
    "danau_waduk": "6a",
    "mata_air": "6a",
    "sungai": "6a",
    "cagar_budaya": "6b",
    "bangunan_adat_keagamaan": "6b",
    "taman_laut": "6c",
    "pantai_gumuk_pasir": "6c",
    "hutan_mangrove": "6c",
    "rawa": "6c",
    "garis_pantai": "6c",
}


def build_protected(shared: Path, rng) -> tuple[list[Protected], list[Protected]]:
    """The kawasan_lindung features and the WDPA-style features (both with metric geometry)."""
    ne = shared / "physical" / "ne_10m_indonesia.gpkg"
    box = shapely.box(*NE_BOX)
    kapuas = to_m(LineString(KAPUAS_KECIL))
    landak = to_m(LineString(LANDAK))
    feats: list[Protected] = []
    river = {"lintas_negara": False, "bertanggul": False, "perkotaan": True}

    feats.append(
        Protected(
            "KL-6171-01",
            "Sungai Kapuas (Kapuas Kecil) - garis tengah perkiraan",
            "sungai",
            kapuas,
            {**river, "kedalaman_m": 14.0},
            "Garis SINTETIS: ditelusuri dari batas kelurahan wilayah_boundaries yang mengikuti sungai",
        )
    )
    feats.append(
        Protected(
            "KL-6171-02",
            "Sungai Landak - garis tengah perkiraan",
            "sungai",
            landak,
            {**river, "kedalaman_m": 6.0},
            "Garis SINTETIS: ditelusuri dari batas kelurahan wilayah_boundaries yang mengikuti sungai",
        )
    )
    feats.append(
        Protected(
            "KL-6171-03",
            label("Parit Tokaya, sempadan menurut Perda"),
            "sungai",
            to_m(LineString(PARIT_TOKAYA)),
            {**river, "kedalaman_m": 2.0, "sempadan_m": 20.0},
        )
    )
    feats.append(
        Protected(
            "KL-6171-04",
            label("Parit Sungai Jawi bertanggul"),
            "sungai",
            to_m(LineString(PARIT_SUNGAI_JAWI)),
            {**river, "kedalaman_m": 2.5, "bertanggul": True},
        )
    )
    feats.append(
        Protected(
            "KL-6171-05",
            label("Sungai Fiktif Lintas Negara"),
            "sungai",
            to_m(LineString(SUNGAI_LINTAS_NEGARA)),
            {**river, "kedalaman_m": 22.0, "lintas_negara": True},
        )
    )

    # Natural Earth: the Kapuas main channel (south of the city) and the sea coast west of it.
    rivers = gpd.read_file(ne, layer="rivers_lake_centerlines")
    main = rivers.loc[rivers["name"] == "Kapuas", "geometry"].intersection(box)
    main = round6(shapely.line_merge(shapely.union_all(main.values)))
    feats.append(
        Protected(
            "KL-NE-01",
            "Sungai Kapuas, alur utama (Natural Earth 1:10m)",
            "sungai",
            to_m(main),
            {"lintas_negara": False, "bertanggul": False, "perkotaan": False, "luas_das_km2": 98_740.0},
            SUMBER_NE,
            geom_ll=main,
        )
    )
    coast = gpd.read_file(ne, layer="coastline").geometry.intersection(
        shapely.box(NE_BOX[0], NE_BOX[1], NE_COAST_MAX_LON, NE_BOX[3])
    )
    coast = round6(shapely.line_merge(shapely.union_all(coast[~coast.is_empty].values)))
    feats.append(
        Protected(
            "KL-NE-02",
            "Garis pantai Kalimantan Barat sekitar Pontianak (Natural Earth 1:10m)",
            "garis_pantai",
            to_m(coast),
            {},
            SUMBER_NE,
            geom_ll=coast,
        )
    )

    # Areas (all synthetic). Mangrove: both banks of the lower Kapuas Kecil at the west edge (2 parts).
    lower = ops.substring(kapuas, kapuas.length * 0.80, kapuas.length * 0.93)
    strip_l = shapely.buffer(lower, 140, single_sided=True).difference(lower.buffer(25))
    strip_r = shapely.buffer(lower, -110, single_sided=True).difference(lower.buffer(25))
    parts = [p for s in (strip_l, strip_r) for p in shapely.get_parts(s) if p.area > 1_000]
    assert len(parts) == 2
    mangrove = MultiPolygon(parts)
    feats.append(Protected("KL-6171-10", label("Hutan mangrove tepian Kapuas"), "hutan_mangrove", mangrove))
    feats.append(
        Protected(
            "KL-6171-11", label("Rawa gambut Bangkabelitung Darat"), "rawa", blob(to_m(Point(109.3470, -0.0850)), 280_000, rng)
        )
    )
    feats.append(
        Protected(
            "KL-6171-12",
            label("Hutan lindung gambut selatan kota"),
            "hutan_lindung",
            blob(to_m(Point(109.3215, -0.0905)), 650_000, rng),
        )
    )
    feats.append(
        Protected(
            "KL-6171-13",
            label("Kompleks Keraton Kadriah (poligon perkiraan)"),
            "cagar_budaya",
            rect(to_m(Point(109.3497, -0.0262)), 140, 110, 25),
        )
    )
    feats.append(
        Protected(
            "KL-6171-14",
            label("Masjid Jami' Sultan Syarif Abdurrahman (poligon perkiraan)"),
            "bangunan_adat_keagamaan",
            rect(to_m(Point(109.3474, -0.0243)), 55, 55, 30),
        )
    )
    feats.append(
        Protected(
            "KL-6171-15",
            label("Arboretum Sylva (poligon perkiraan)"),
            "kebun_raya",
            blob(to_m(Point(109.3487, -0.0590)), 33_000, rng),
        )
    )
    feats.append(
        Protected(
            "KL-6171-16", label("Kolam retensi Sungaibangkong"), "danau_waduk", blob(to_m(Point(109.3180, -0.0440)), 21_000, rng)
        )
    )
    feats.append(Protected("KL-6171-17", label("Mata air Siantan Hulu"), "mata_air", to_m(Point(109.3660, 0.0080))))
    landak_east = ops.substring(landak, 0.10 * landak.length, 0.35 * landak.length)
    feats.append(
        Protected(
            "KL-6171-18",
            label("Kawasan perlindungan setempat Sungai Landak"),
            "kawasan_perlindungan_sungai",
            shapely.buffer(landak_east, 90, single_sided=True).difference(landak_east.buffer(20)),
        )
    )

    # WDPA-style features (synthetic; ids from 900000001, far from real WDPAIDs).
    wdpa = [
        Protected(
            "900000001",
            label("Taman Wisata Alam Khatulistiwa"),
            "Taman Wisata Alam",
            blob(to_m(Point(109.3160, 0.0410)), 1_500_000, rng),
            {"DESIG_ENG": "Nature Recreation Park", "IUCN_CAT": "V", "STATUS": "Designated"},
        ),
        Protected(
            "900000002",
            label("Cagar Alam Kapuas Hilir"),
            "Cagar Alam",
            blob(to_m(Point(109.2450, -0.0700)), 1_500_000, rng),
            {"DESIG_ENG": "Nature Reserve", "IUCN_CAT": "Ia", "STATUS": "Designated"},
        ),
        Protected(
            "900000003",
            label("Kawasan Konservasi Perairan Daerah Pesisir Kubu Raya"),
            "Kawasan Konservasi Perairan Daerah",
            blob(to_m(Point(109.0700, -0.1200)), 12_000_000, rng),
            {"DESIG_ENG": "Marine Protected Area", "IUCN_CAT": "VI", "STATUS": "Designated"},
        ),
        Protected(
            "900000004",
            label("Suaka Margasatwa Ambawang"),
            "Suaka Margasatwa",
            blob(to_m(Point(109.4350, -0.0500)), 2_000_000, rng),
            {"DESIG_ENG": "Wildlife Reserve", "IUCN_CAT": "IV", "STATUS": "Proposed"},
        ),
    ]
    return feats, wdpa


WDPA_KATEGORI = {
    "Taman Wisata Alam": "hutan_konservasi",
    "Cagar Alam": "cagar_alam",
    "Kawasan Konservasi Perairan Daerah": "taman_laut",
    "Suaka Margasatwa": "suaka_margasatwa",
}


def lindung_frame(feats: list[Protected]) -> gpd.GeoDataFrame:
    rows = []
    for f in feats:
        a = f.attrs
        rows.append(
            {
                "id_kawasan": f.id_kawasan,
                "nama": f.nama,
                "kategori": f.kategori,
                "sempadan_m": a.get("sempadan_m"),
                "lintas_negara": a.get("lintas_negara"),
                "kedalaman_m": a.get("kedalaman_m"),
                "bertanggul": a.get("bertanggul"),
                "perkotaan": a.get("perkotaan"),
                "luas_das_km2": a.get("luas_das_km2"),
                "iucn_kat": None,
                "status_penetapan": None,
                "sumber": f.sumber,
                "geometry": f.geom_ll if f.geom_ll is not None else to_ll(f.geom_m),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)[LINDUNG_COLUMNS + ["geometry"]]
    for col in ("lintas_negara", "bertanggul", "perkotaan"):
        frame[col] = frame[col].astype("boolean")
    for col in ("sempadan_m", "kedalaman_m", "luas_das_km2"):
        frame[col] = frame[col].astype("float64")
    for col in ("iucn_kat", "status_penetapan"):
        frame[col] = frame[col].astype(object)
    return frame


def wdpa_frame(wdpa: list[Protected]) -> gpd.GeoDataFrame:
    rows = [
        {
            "WDPAID": float(f.id_kawasan),
            "NAME": f.nama,
            "DESIG": f.kategori,
            "DESIG_ENG": f.attrs["DESIG_ENG"],
            "IUCN_CAT": f.attrs["IUCN_CAT"],
            "STATUS": f.attrs["STATUS"],
            "ISO3": "IDN",
            "geometry": MultiPolygon([to_ll(f.geom_m)]),
        }
        for f in wdpa
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


# -- 3. slum locations ---------------------------------------------------------------------------------
@dataclass
class Lokasi:
    id_lokasi: str
    kode: str
    kel_nama: str
    cell: str  # baseline klasifikasi cell, e.g. "B3"
    trend: str  # membaik, turun (drops below 16), tetap, memburuk
    geom_m: object = None
    totals: list[int] = field(default_factory=list)
    scores: list[np.ndarray] = field(default_factory=list)
    shares: list[np.ndarray] = field(default_factory=list)
    rtp: list[float] = field(default_factory=list)
    pertimbangan: int = 0
    legalitas: str = "legal"
    improved: list[set] = field(default_factory=list)  # aspects improved by period (index 1, 2)


def design_locations(rng, n: int = 40) -> list[dict]:
    """Baseline cells, totals and trends: every klasifikasi cell, every level edge, every trend."""
    cells = [f"{letter}{digit}" for letter in "ABC" for digit in range(1, 7)]
    letters = rng.choice(list("ABC"), size=n - len(cells), p=[0.12, 0.33, 0.55])
    digits = rng.choice(range(1, 7), size=n - len(cells), p=[0.2, 0.1, 0.3, 0.1, 0.2, 0.1])
    cells += [f"{a}{b}" for a, b in zip(letters, digits)]
    ranges = {"A": (60, 72), "B": (38, 59), "C": (16, 37)}
    edges = {"A": [60], "B": [38, 59], "C": [16, 37]}
    design = []
    for cell in cells:
        lo, hi = ranges[cell[0]]
        design.append({"cell": cell, "T0": int(rng.integers(lo, hi + 1))})
    for letter, values in edges.items():  # level edges at the baseline
        idx = [i for i, d in enumerate(design) if d["cell"][0] == letter]
        for i, v in zip(idx[len(idx) - len(values) :], values):
            design[i]["T0"] = v
    # trends: 7 drop below the tidak-kumuh line (6 ringan, 1 sedang), 2 worsen, 6 unchanged, rest improve
    ringan = [i for i, d in enumerate(design) if d["cell"][0] == "C" and d["T0"] not in (16, 37)]
    sedang = [i for i, d in enumerate(design) if d["cell"][0] == "B" and d["T0"] not in (38, 59)]
    order = list(rng.permutation(ringan))
    for i in order[:6]:
        design[i]["trend"] = "turun"
        design[i]["T0"] = int(rng.integers(17, 29))
    design[int(sedang[0])]["trend"] = "turun"
    design[int(sedang[0])]["T0"] = 40
    design[int(order[6])]["trend"] = "memburuk"
    design[int(order[6])]["T0"] = 35  # ringan -> sedang by 2026Q3
    design[int(sedang[1])]["trend"] = "memburuk"
    rest = [i for i, d in enumerate(design) if "trend" not in d]
    for i in rng.permutation(rest)[:6]:
        design[int(i)]["trend"] = "tetap"
    for d in design:
        d.setdefault("trend", "membaik")
    return design


def targets(T0: int, trend: str, rng, k: int) -> tuple[int, int]:
    if trend == "tetap":
        return T0, T0
    if trend == "memburuk":
        return T0 + int(rng.integers(0, 3)), T0 + (5 if T0 == 35 else int(rng.integers(4, 9)))
    if trend == "turun":
        T1 = max(int(round(T0 * rng.uniform(0.55, 0.8))), 12)
        T2 = 15 if k == 0 else int(rng.integers(6, min(T1, 16)))  # one lands exactly on 15
        return T1, T2
    T1 = max(int(round(T0 * rng.uniform(0.72, 0.95))), 16)  # "membaik" stays kumuh (edge 16 stays 16)
    T2 = max(int(round(T1 * rng.uniform(0.70, 0.97))), 16)
    return T1, T2


def build_locations(kel: gpd.GeoDataFrame, zones_m, rng) -> list[Lokasi]:
    design = design_locations(rng)
    # kelurahan: riverside and old-town kelurahan weigh more; at most 3 locations per kelurahan
    kel_codes = kel["kode"].tolist()
    weights = np.array(
        [
            2.0 if k[:8] in ("61.71.02", "61.71.04") or k in ("61.71.03.1003", "61.71.05.1004", "61.71.01.1002") else 1.0
            for k in kel_codes
        ]
    )
    area = kel["geom_m"].map(lambda g: g.area).to_numpy()
    weights *= np.sqrt(area / area.mean())
    count = dict.fromkeys(kel_codes, 0)
    blocked = zones_m
    placed: list = []
    locs: list[Lokasi] = []
    turun_k = 0
    for i, d in enumerate(design):
        p = weights * np.array([count[k] < 3 for k in kel_codes])
        choice = list(rng.choice(len(kel_codes), size=int((p > 0).sum()), replace=False, p=p / p.sum()))
        geom = None
        for ki in choice:
            kode = kel_codes[ki]
            poly = kel.loc[ki, "geom_m"]
            inner = poly.buffer(-40)
            if inner.is_empty:
                continue
            for _ in range(60):
                target = float(np.clip(rng.lognormal(math.log(40_000), 0.45), 15_000, 110_000))
                c = random_point_in(inner, rng)
                cand = blob(c, target, rng)
                if i == 4:  # one location delineated in two parts
                    c2 = Point(c.x + rng.uniform(250, 320), c.y + rng.uniform(-60, 60))
                    cand = MultiPolygon([cand, blob(c2, target * 0.4, rng)])
                if not poly.buffer(-15).contains(cand) or cand.intersects(blocked):
                    continue
                if any(cand.distance(o) < 40 for o in placed):
                    continue
                geom = cand
                break
            if geom is not None:
                break
        if geom is None:
            raise RuntimeError(f"could not place slum location {i + 1}")
        placed.append(geom)
        count[kode] += 1
        nama = kel.loc[kel["kode"] == kode, "nama"].iloc[0]
        loc = Lokasi(f"KMH-6171-{i + 1:03d}", kode, nama, d["cell"], d["trend"], geom)
        digit = int(d["cell"][1])
        loc.legalitas = "ilegal" if digit % 2 == 0 else "legal"
        loc.pertimbangan = int(rng.choice(PERTIMBANGAN[digit - (digit % 2 == 0)]))
        T1, T2 = targets(d["T0"], d["trend"], rng, turun_k)
        turun_k += d["trend"] == "turun"
        loc.totals = [d["T0"], T1, T2]
        locs.append(loc)
    # pin the pertimbangan band edges (11 = lowest tinggi, 5 = highest rendah, 3 and 15 the extremes)
    for cell, value in (("A1", 11), ("B2", 15), ("C5", 5), ("A6", 3)):
        next(loc for loc in locs if loc.cell == cell).pertimbangan = value
    return locs


def score_locations(locs: list[Lokasi], rng) -> None:
    for loc in locs:
        s0 = score_vector(loc.totals[0], rng)
        loc.scores = [s0]
        loc.improved = [set(), set(), set()]
        focus = np.isin(ASPEK, rng.choice(range(1, 8), size=int(rng.integers(2, 4)), replace=False))
        for p in (1, 2):
            prev = loc.scores[-1]
            pool = focus if loc.trend != "memburuk" else np.ones(16, bool)
            s = prev.copy() if loc.totals[p] == prev.sum() else move_scores(prev, loc.totals[p], rng, pool)
            loc.scores.append(s)
            loc.improved[p] = set(ASPEK[s < prev].tolist())
        # shares: baseline drawn in band; later shares stay (or drift within band) unless the score moved
        sh0 = np.array([draw_share(int(v), rng) for v in s0])
        loc.shares = [sh0]
        for p in (1, 2):
            prev_s, s, prev_sh = loc.scores[p - 1], loc.scores[p], loc.shares[-1]
            sh = prev_sh.copy()
            for j in range(16):
                lo, hi = BAND[int(s[j])]
                if s[j] != prev_s[j]:
                    sh[j] = draw_share(int(s[j]), rng)
                elif loc.trend in ("membaik", "turun"):
                    sh[j] = round(max(lo, sh[j] - rng.uniform(0, 4)), 2)
                elif loc.trend == "memburuk":
                    sh[j] = round(min(hi, sh[j] + rng.uniform(0, 3)), 2)
            loc.shares.append(sh)
        r0 = round(float(rng.uniform(0, 55)), 1)
        if loc.trend in ("membaik", "turun"):
            r1 = round(min(100.0, r0 + float(rng.uniform(0, 15))), 1)
            r2 = round(min(100.0, r1 + float(rng.uniform(0, 20))), 1)
        elif loc.trend == "memburuk":
            r1 = r0
            r2 = round(max(0.0, r0 - float(rng.uniform(0, 8))), 1)
        else:
            r1 = r2 = r0
        loc.rtp = [r0, r1, r2]
        for p in (1, 2):
            if loc.rtp[p] - loc.rtp[p - 1] >= 8:
                loc.improved[p].add(8)


def row_forms(locs: list[Lokasi], rng) -> dict:
    """Which rows carry only the total (per period), both forms, or no area."""
    ids = [loc.id_lokasi for loc in locs]
    return {
        "total_only": {
            0: set(rng.choice(ids, size=10, replace=False)),
            1: set(rng.choice(ids, size=3, replace=False)),
            2: set(rng.choice(ids, size=2, replace=False)),
        },
        "both": set(rng.choice(ids, size=5, replace=False)),
        "no_area": set(rng.choice(ids, size=4, replace=False)),
    }


def pin_edge_shares(locs: list[Lokasi], total_only: set) -> list[str]:
    """Put shares exactly on the band edges (and the observed boundary cases) in baseline rows."""
    wanted = [
        (1, 25.0),
        (1, 50.0),
        (3, 51.0),
        (3, 75.0),
        (5, 76.0),
        (0, 23.04),
        (3, 51.11),
        (3, 75.91),
        (5, 76.56),
        (0, 0.0),
        (5, 100.0),
        (0, 24.99),
    ]
    done = []
    for n, (score, value) in enumerate(wanted):
        for loc in locs[n % 7 :] + locs[: n % 7]:
            if loc.trend == "tetap" or loc.id_lokasi in total_only or loc.id_lokasi in (d.split()[0] for d in done):
                continue
            hits = np.flatnonzero(loc.scores[0] == score)
            if hits.size:
                j = int(hits[n % hits.size])
                loc.shares[0][j] = value
                if loc.scores[1][j] == score:  # the next periods keep a share within the same band
                    loc.shares[1][j] = min(loc.shares[1][j], value)
                    if loc.scores[2][j] == score:
                        loc.shares[2][j] = min(loc.shares[2][j], loc.shares[1][j])
                done.append(f"{loc.id_lokasi} {KCOLS[j]}={value:g}")
                break
    return done


def kumuh_frame(locs: list[Lokasi], forms: dict, rng) -> gpd.GeoDataFrame:
    total_only, both, no_area_locs = forms["total_only"], forms["both"], forms["no_area"]
    rows = []
    for loc in locs:
        geom_ll = to_ll(loc.geom_m)
        if geom_ll.geom_type == "Polygon":
            geom_ll = MultiPolygon([geom_ll])
        luas = round(area_ha(geom_ll), 2)
        for p, periode in enumerate(PERIODE_KUMUH):
            row = {
                "id_lokasi": loc.id_lokasi,
                "kode_kelurahan": loc.kode,
                "nama_kawasan": label(f"Kawasan {loc.kel_nama} {int(loc.id_lokasi[-3:])}"),
                "periode": periode,
                "luas_ha": luas,
                "aturan_penilaian": "permen_14_2018",
                "rtp_tersedia": loc.rtp[p],
                "nilai_kekumuhan": None,
                "nilai_pertimbangan_lain": loc.pertimbangan,
                "legalitas": loc.legalitas,
                "geometry": geom_ll,
            }
            computed = sum(criterion_score(v) for v in loc.shares[p])
            assert computed == loc.totals[p] == loc.scores[p].sum(), (loc.id_lokasi, periode)
            if loc.id_lokasi in total_only[p]:
                row.update(dict.fromkeys(KCOLS))
                row["nilai_kekumuhan"] = float(loc.totals[p])
            else:
                row.update({c: float(v) for c, v in zip(KCOLS, loc.shares[p])})
                if loc.id_lokasi in both and p == 2:
                    row["nilai_kekumuhan"] = float(loc.totals[p])
            if loc.id_lokasi in no_area_locs or rng.random() < 0.06:
                row["luas_ha"] = None
            rows.append(row)
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)[KUMUH_COLUMNS + ["geometry"]]
    for col in KCOLS + ["luas_ha", "rtp_tersedia", "nilai_kekumuhan"]:
        frame[col] = frame[col].astype("float64")
    frame["nilai_pertimbangan_lain"] = frame["nilai_pertimbangan_lain"].astype("int32")
    return frame


# -- 4. activities -------------------------------------------------------------------------------------
@dataclass
class Kegiatan:
    jenis: str
    geom_m: object
    kode: str = ""
    id_lokasi: str | None = None
    nama: str = ""
    biaya_idr: float | None = None
    biaya_usd: float | None = None
    luas_reklamasi_ha: float | None = None
    kapasitas_tampungan_m3: float | None = None
    persetujuan_tertulis: str | None = None
    dampak_negatif: bool | None = False
    #: status and progress per period (None: not reported in that period)
    states: dict = field(default_factory=dict)
    note: str = ""  # what this activity is meant to show (README table)
    id_kegiatan: str = ""  # given in kegiatan_frame, in creation order


def progress_states(rng, kind: str) -> dict:
    """Consistent status/progress for 2026Q2 and 2026Q3 (rencana 0, selesai 100)."""
    if kind == "selesai_q2":
        return {"2026Q2": ("selesai", 100.0), "2026Q3": ("selesai", 100.0)}
    if kind == "selesai_q3":
        return {"2026Q2": ("pelaksanaan", float(rng.integers(25, 90))), "2026Q3": ("selesai", 100.0)}
    if kind == "baru_q3":
        return {"2026Q3": ("rencana", 0.0)} if rng.random() < 0.5 else {"2026Q3": ("pelaksanaan", float(rng.integers(5, 40)))}
    if kind == "rencana":
        q3 = ("rencana", 0.0) if rng.random() < 0.5 else ("pelaksanaan", float(rng.integers(5, 35)))
        return {"2026Q2": ("rencana", 0.0), "2026Q3": q3}
    # "jalan": running in both quarters
    a = float(rng.integers(10, 60))
    b = a + float(rng.integers(15, 45))
    return {"2026Q2": ("pelaksanaan", a), "2026Q3": ("selesai", 100.0) if b >= 100 else ("pelaksanaan", b)}


def activity_geometry(jenis: str, area, rng):
    """Geometry for an ordinary activity inside ``area`` (a slum polygon or a kelurahan part), metres."""
    inner = area.buffer(-8)
    if jenis in LINE_JENIS:
        r = math.sqrt(inner.area / math.pi) if inner.geom_type == "Polygon" else 150.0
        seg = (6.0, 14.0) if jenis == "jembatan" else (min(40.0, 0.3 * r), min(110.0, 0.6 * r))
        n = 2 if jenis == "jembatan" else int(rng.integers(2, 5))
        for attempt in range(400):
            if attempt and attempt % 100 == 0:  # shorter and simpler if it does not fit
                n, seg = max(1, n - 1), (seg[0] * 0.7, seg[1] * 0.7)
            line = walk(random_point_in(inner, rng), rng, n, seg)
            if inner.contains(line):
                return line
        raise RuntimeError("no line fits")
    if jenis in POLY_JENIS:
        for _ in range(200):
            size = rng.uniform(25, 55)
            poly = rect(random_point_in(inner, rng), size, size * rng.uniform(0.6, 1.0), rng.uniform(0, 90))
            if inner.contains(poly):
                return poly
        raise RuntimeError("no polygon fits")
    return random_point_in(inner, rng)


def build_ordinary(locs: list[Lokasi], kel, clear_m, rng) -> list[Kegiatan]:
    """Activities that explain the slum improvements, plus planned ones and a few outside slum areas."""
    acts: list[Kegiatan] = []
    for loc in locs:
        plan = [(a, "selesai_q2") for a in sorted(loc.improved[1])]
        plan = plan[:1] + [(a, "selesai_q3") for a in sorted(loc.improved[2] - loc.improved[1])][:1] + plan[1:]
        plan = plan[:2]  # at most two works explain the changes of one location
        if loc.trend in ("tetap", "memburuk"):
            plan.append((int(rng.integers(1, 8)), "rencana"))
        elif rng.random() < 0.2:
            plan.append((int(rng.integers(1, 9)), "jalan" if rng.random() < 0.4 else "baru_q3"))
        for aspek, kind in plan:
            jenis = str(rng.choice(JENIS_ASPEK[aspek]))
            acts.append(
                Kegiatan(
                    jenis, activity_geometry(jenis, loc.geom_m, rng), loc.kode, loc.id_lokasi, states=progress_states(rng, kind)
                )
            )
    # a few outside the delineated slum areas (no id_lokasi), away from every protected zone
    for _ in range(6):
        ki = int(rng.integers(len(kel)))
        part = kel.loc[ki, "geom_m"].buffer(-60).difference(clear_m)
        if part.is_empty or part.area < 20_000:
            continue
        jenis = str(rng.choice(["drainase", "jalan_lingkungan", "air_minum", "proteksi_kebakaran", "persampahan"]))
        acts.append(
            Kegiatan(
                jenis,
                activity_geometry(jenis, part, rng),
                kel.loc[ki, "kode"],
                None,
                states=progress_states(rng, str(rng.choice(["selesai_q2", "jalan", "rencana"]))),
            )
        )
    return acts


def build_designed(feats: dict[str, Protected], wdpa: list[Protected], kel, clear_m, rng) -> list[Kegiatan]:
    """Activities placed to exercise every BDI negative-list rule (and their non-violating edges)."""
    city = shapely.union_all(kel["geom_m"].values)
    zones = shapely.union_all([f.zone() for f in list(feats.values()) + wdpa])
    acts: list[Kegiatan] = []

    def add(jenis, geom, note, kind="rencana", **kw):
        acts.append(Kegiatan(jenis, geom, states=progress_states(rng, kind), note=note, **kw))

    def clean_spot(jenis, note, kind="rencana", **kw):
        """An ordinary place: inside the city, clear of every protected zone."""
        free = city.buffer(-80).difference(clear_m)
        add(jenis, activity_geometry(jenis, free, rng), note, kind, **kw)

    def ring_spot(feature_geom, dist, others_clear=120.0, length=0.0):
        """A point (or a line of ``length`` m following the ring) ``dist`` m outside ``feature_geom``,
        inside the city and clear of all other zones."""
        ring = feature_geom.buffer(dist, quad_segs=32).exterior
        fracs = rng.permutation(np.linspace(0, 1, 240, endpoint=False))
        for f in fracs:
            start = ring.project(ring.interpolate(float(f), normalized=True))
            g = ops.substring(ring, start, start + length) if length else ring.interpolate(start)
            if city.buffer(-40).contains(g) and g.distance(zones) > min(others_clear, dist - 5):
                return g
        raise RuntimeError("no ring spot")

    # rules by jenis alone: 1, 2, 3, 5, 8, 9a
    clean_spot("kampanye_politik", "item 1 (by jenis)")
    clean_spot("pembebasan_lahan", "item 2 (by jenis)")
    clean_spot("dana_bergulir", "item 3 (by jenis)", "jalan")
    clean_spot("kantor_pemerintah", "item 5 (by jenis)")
    clean_spot("kantor_bkm", "item 5 (by jenis)", "jalan")
    clean_spot("pengadaan_berbahaya", "item 8 (by jenis)")
    clean_spot("penambangan_karang", "item 9a (by jenis)")
    # 9d: changing a river's course (a short cut across a bend of the diked Parit Sungai Jawi: also 6a)
    psj = feats["KL-6171-04"].geom_m
    add(
        "pengalihan_sungai",
        LineString([psj.interpolate(0.40, normalized=True), psj.interpolate(0.55, normalized=True)]),
        "item 9d (by jenis); also 6a: cuts across the diked canal's setback",
    )
    # 4: investment value
    clean_spot("air_limbah", "item 4: biaya_usd 2,450,000 > USD 2 million", biaya_usd=2_450_000.0, biaya_idr=39_200_000_000.0)
    clean_spot(
        "jalan_lingkungan",
        f"item 4: only biaya_idr, 40 billion IDR (> USD 2 million at ~{IDR_PER_USD:,} IDR/USD)",
        biaya_idr=40_000_000_000.0,
    )
    clean_spot("air_limbah", "edge of item 4: biaya_usd exactly 2,000,000 (not a violation)", biaya_usd=2_000_000.0)
    # 9e / 9f with their exact edges
    clean_spot("reklamasi_lahan", "item 9e: reclamation 62.5 ha > 50 ha", luas_reklamasi_ha=62.5)
    clean_spot("reklamasi_lahan", "edge of item 9e: reclamation exactly 50 ha (not a violation)", "jalan", luas_reklamasi_ha=50.0)
    clean_spot("tampungan_air", "item 9f: storage 12,500 m3 > 10,000 m3", kapasitas_tampungan_m3=12_500.0)
    clean_spot(
        "tampungan_air", "edge of item 9f: storage exactly 10,000 m3 (not a violation)", "jalan", kapasitas_tampungan_m3=10_000.0
    )
    # 7: declared negative impact
    clean_spot("persampahan", "item 7: dampak_negatif true", "jalan", dampak_negatif=True)
    # data a rule needs is missing
    clean_spot("proteksi_kebakaran", "missing data: no cost at all (item 4 cannot be judged)", biaya_idr=np.nan)
    clean_spot("tampungan_air", "missing data: no kapasitas_tampungan_m3 (item 9f)")
    clean_spot("reklamasi_lahan", "missing data: no luas_reklamasi_ha (item 9e)")
    clean_spot("air_minum", "missing data: dampak_negatif empty (item 7)", "jalan", dampak_negatif=None)

    # 6b: inside the heritage polygons; one with a written approval (review, not fine)
    keraton, masjid = feats["KL-6171-13"].geom_m, feats["KL-6171-14"].geom_m
    add("rehab_bangunan", keraton.centroid, "item 6b: inside the cultural-heritage polygon")
    add(
        "proteksi_kebakaran",
        masjid.centroid,
        "item 6b with persetujuan_tertulis filled: needs review, not fine",
        "jalan",
        persetujuan_tertulis="BPCB Kalbar 0427/F7.3/KB/2026 (SINTETIS)",
    )
    # 6c: mangrove and swamp
    mangrove, rawa = feats["KL-6171-10"].geom_m, feats["KL-6171-11"].geom_m
    add("air_limbah", mangrove.geoms[0].representative_point(), "item 6c: inside the mangrove")
    rc = rawa.centroid
    add(
        "drainase",
        LineString([(rc.x - 420, rc.y + 40), (rc.x - 150, rc.y + 10), (rc.x, rc.y)]),
        "item 6c: drain running into the swamp",
        "jalan",
    )
    # 6a: protection forest, river setbacks, spring, botanical garden, lake, river protection zone, WDPA park
    hl = feats["KL-6171-12"].geom_m
    inside_hl = hl.intersection(city.buffer(-60))
    add("air_minum", inside_hl.representative_point(), "item 6a: inside the protection forest")
    start = ring_spot(hl, 160)
    near = ops.nearest_points(start, hl.exterior)[1]
    ux, uy = (near.x - start.x) / start.distance(near), (near.y - start.y) / start.distance(near)
    add(
        "jalan_lingkungan",
        LineString([start, (near.x + ux * 60, near.y + uy * 60)]),
        "item 9b: road entering the protection forest (also 6a)",
    )
    start2 = ring_spot(hl, 260)
    near2 = ops.nearest_points(start2, hl.exterior)[1]
    d2 = start2.distance(near2)
    ux, uy = (near2.x - start2.x) / d2, (near2.y - start2.y) / d2
    add(
        "jalan_lingkungan",
        LineString([start2, (near2.x - ux * 30, near2.y - uy * 30)]),
        "edge of item 9b: road ending ~30 m short of the protection forest (proximity only)",
        "jalan",
    )
    kapuas = feats["KL-6171-01"].geom_m
    seg = ops.substring(kapuas, kapuas.length * 0.58, kapuas.length * 0.58 + 220)
    add("tanggul_talud", shapely.offset_curve(seg, -8), "item 6a: revetment in the Kapuas setback (not 9c: not lintas_negara)")
    add("bangunan_air_sungai", offset_point(kapuas, 0.70, 6), "item 6a: intake in the Kapuas setback (not 9c)")
    ln = feats["KL-6171-05"].geom_m
    add("bangunan_air_sungai", offset_point(ln, 0.45, -8), "item 9c: intake on the lintas_negara river (also 6a)")
    pond_c = offset_point(ln, 0.25, 40)
    pond = rect(pond_c, 50, 40, 0)
    add(
        "tampungan_air",
        pond,
        "item 9c: storage pond in the lintas_negara river setback (also 6a)",
        "jalan",
        kapasitas_tampungan_m3=3_000.0,
    )
    tokaya = feats["KL-6171-03"].geom_m
    a, b = offset_point(tokaya, 0.62, 9), offset_point(tokaya, 0.62, -9)
    add("jembatan", LineString([a, b]), "item 6a: footbridge across Parit Tokaya (in its setback)", "selesai_q2")
    add(
        "ruang_terbuka_publik",
        offset_point(tokaya, 0.30, 15).buffer(6, quad_segs=4),
        "item 6a only through sempadan_m 20 (the 2 m depth default would be 10 m)",
    )
    spring = feats["KL-6171-17"].geom_m
    add("air_minum", Point(spring.x + 150, spring.y), "item 6a: 150 m from the spring (200 m radius)")
    add("persampahan", Point(spring.x, spring.y - 260), "proximity: 260 m from the spring (outside the 200 m radius)", "jalan")
    arb = feats["KL-6171-15"].geom_m
    add("ruang_terbuka_publik", rect(arb.centroid, 30, 20, 15), "item 6a: inside the botanical garden (arboretum)")
    lake = feats["KL-6171-16"].geom_m
    add(
        "drainase",
        ops.substring(lake.buffer(30).exterior, 0.05, 0.20, normalized=True),
        "item 6a: drain 30 m from the retention pond (50 m setback)",
        "selesai_q3",
    )
    zone = feats["KL-6171-18"].geom_m
    add("air_limbah", zone.intersection(city.buffer(-40)).representative_point(), "item 6a: inside the river-protection zone")
    twa = next(w for w in wdpa if w.id_kawasan == "900000001").geom_m
    add(
        "persampahan",
        twa.intersection(city.buffer(-50)).representative_point(),
        "item 6a through the WDPA file (Taman Wisata Alam, after the wdpa mapping)",
    )
    # proximity only: 200-900 m from a protected area, outside every zone
    add("air_minum", ring_spot(hl, 300), "proximity: ~300 m from the protection forest", "jalan")
    add("jalan_lingkungan", ring_spot(mangrove, 500, length=120), "proximity: ~500 m from the mangrove")
    add("rehab_bangunan", ring_spot(keraton, 700), "proximity: ~700 m from the cultural heritage", "selesai_q3")
    add("drainase", ring_spot(rawa, 250, length=90), "proximity: ~250 m from the swamp")
    add("proteksi_kebakaran", ring_spot(arb, 850), "proximity: ~850 m from the arboretum", "selesai_q2")
    return acts


def finalize_activities(acts: list[Kegiatan], locs: list[Lokasi], kel, rng) -> None:
    """Kelurahan code from the location, id_lokasi from the nearest slum in it, names and costs."""
    slum = gpd.GeoDataFrame(
        {"id": [loc.id_lokasi for loc in locs], "kode": [loc.kode for loc in locs]}, geometry=[loc.geom_m for loc in locs]
    )
    for k in acts:
        if not k.kode:
            _place(k, kel, slum)
        own = kel.loc[kel["kode"] == k.kode, "geom_m"].iloc[0]
        assert own.distance(k.geom_m) < 1, (k.jenis, k.note, own.distance(k.geom_m))
        _name_and_cost(k, kel.loc[kel["kode"] == k.kode, "nama"].iloc[0], rng)
    # two donor-reported activities carry both currencies
    ordinary = [k for k in acts if not k.note and k.biaya_idr]
    for k in ordinary[3:5]:
        k.biaya_usd = round(k.biaya_idr / IDR_PER_USD, -2)
    # a few rows where the negative-impact flag was left empty
    for k in ordinary[10::17]:
        k.dampak_negatif = None


def _place(k: Kegiatan, kel: gpd.GeoDataFrame, slum: gpd.GeoDataFrame) -> None:
    """The kelurahan of an activity placed without one (the one holding it, else the nearest) and
    its slum location (the nearest in that kelurahan, within 400 m)."""
    probe = k.geom_m.interpolate(0.5, normalized=True) if k.geom_m.geom_type == "LineString" else k.geom_m.representative_point()
    hit = kel[kel["geom_m"].map(lambda g, probe=probe: g.contains(probe))]
    if hit.empty:
        hit = kel.iloc[[int(np.argmin([g.distance(probe) for g in kel["geom_m"]]))]]
    k.kode = hit["kode"].iloc[0]
    near = slum[slum["kode"] == k.kode]
    if not near.empty:
        d = near.distance(k.geom_m)
        if d.min() <= 400:
            k.id_lokasi = near.loc[d.idxmin(), "id"]


def _name_and_cost(k: Kegiatan, kel_nama: str, rng: np.random.Generator) -> None:
    """An activity's name, its cost unless designed without one, and the quantities of items 9e/9f."""
    base = str(rng.choice(NAMA_JENIS[k.jenis]))
    k.nama = label(f"{base}, {rng.choice(GANG)}, {kel_nama}")
    if k.biaya_idr is None and k.biaya_usd is None:
        k.biaya_idr = rupiah(rng, *BIAYA_JUTA[k.jenis])
    elif k.biaya_idr is not None and np.isnan(k.biaya_idr):
        k.biaya_idr = None  # the "no cost at all" case
    if k.jenis == "tampungan_air" and k.kapasitas_tampungan_m3 is None and "missing data" not in k.note:
        k.kapasitas_tampungan_m3 = float(round(rng.uniform(400, 3000), -1))
    if k.jenis == "reklamasi_lahan" and k.luas_reklamasi_ha is None and "missing data" not in k.note:
        k.luas_reklamasi_ha = float(round(rng.uniform(0.5, 5), 2))


def kegiatan_frame(acts: list[Kegiatan]) -> gpd.GeoDataFrame:
    rows = []
    for i, k in enumerate(acts, start=1):
        k.id_kegiatan = f"KGT-6171-{i:03d}"
        geom = to_ll(k.geom_m)
        for periode in PERIODE_KEGIATAN:
            if periode not in k.states:
                continue
            status, progres = k.states[periode]
            rows.append(
                {
                    "id_kegiatan": k.id_kegiatan,
                    "kode_kelurahan": k.kode,
                    "id_lokasi": k.id_lokasi,
                    "nama": k.nama,
                    "jenis": k.jenis,
                    "periode": periode,
                    "status": status,
                    "progres_fisik": progres,
                    "biaya_idr": k.biaya_idr,
                    "biaya_usd": k.biaya_usd,
                    "luas_reklamasi_ha": k.luas_reklamasi_ha,
                    "kapasitas_tampungan_m3": k.kapasitas_tampungan_m3,
                    "persetujuan_tertulis": k.persetujuan_tertulis,
                    "dampak_negatif": k.dampak_negatif,
                    "geometry": geom,
                }
            )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)[KEGIATAN_COLUMNS + ["geometry"]]
    for col in ("progres_fisik", "biaya_idr", "biaya_usd", "luas_reklamasi_ha", "kapasitas_tampungan_m3"):
        frame[col] = frame[col].astype("float64")
    frame["dampak_negatif"] = frame["dampak_negatif"].astype("boolean")
    frame["id_lokasi"] = frame["id_lokasi"].astype(object)
    frame["persetujuan_tertulis"] = frame["persetujuan_tertulis"].astype(object)
    return frame


# -- 5. screening of the sample (for the README table and the self-check) -------------------------------
JALAN = {"jalan_lingkungan", "jembatan"}
SUMBER_DAYA_AIR = {"tanggul_talud", "tampungan_air", "bangunan_air_sungai", "pengalihan_sungai"}
ATURAN_JENIS = {
    "kampanye_politik": "1",
    "pembebasan_lahan": "2",
    "dana_bergulir": "3",
    "kantor_pemerintah": "5",
    "kantor_bkm": "5",
    "pengadaan_berbahaya": "8",
    "penambangan_karang": "9a",
    "pengalihan_sungai": "9d",
}


def screen(k: Kegiatan, protected: list[Protected]) -> tuple[list[str], str]:
    """The findings this script designed for one activity (an independent, simple reading of the rules)."""
    spatial, nearest = _spatial_findings(k, protected)
    found = sorted({f for f in _attribute_findings(k) + spatial if f}, key=lambda s: (len(s.split("(")[0].rstrip("?")), s))
    return found, nearest


def _attribute_findings(k: Kegiatan) -> list[str]:
    """Items found from the activity's own attributes: jenis, cost, quantities, negative impact."""
    found = []
    if k.jenis in ATURAN_JENIS:
        found.append(ATURAN_JENIS[k.jenis])
    usd = k.biaya_usd if k.biaya_usd is not None else (k.biaya_idr / IDR_PER_USD if k.biaya_idr is not None else None)
    if usd is None:
        found.append("4?")
    elif usd > 2_000_000:
        found.append("4")
    if k.jenis == "reklamasi_lahan":
        found.append("9e?" if k.luas_reklamasi_ha is None else ("9e" if k.luas_reklamasi_ha > 50 else ""))
    if k.jenis == "tampungan_air":
        found.append("9f?" if k.kapasitas_tampungan_m3 is None else ("9f" if k.kapasitas_tampungan_m3 > 10_000 else ""))
    if k.dampak_negatif is True:
        found.append("7")
    elif k.dampak_negatif is None:
        found.append("7?")
    return found


def _spatial_findings(k: Kegiatan, protected: list[Protected]) -> tuple[list[str], str]:
    """Items found from the protected features whose zone the activity meets, and the nearest
    other zone within 1 km (metres and id) as the proximity note."""
    found = []
    nearest, nearest_id = math.inf, ""
    for f in protected:
        zone = f.zone()
        if k.geom_m.intersects(zone):
            tag = f.aturan + ("(tinjau)" if k.persetujuan_tertulis else "")
            found.append(tag)
            if k.jenis in JALAN and f.kategori not in ("sungai", "garis_pantai", "mata_air") and k.geom_m.intersects(f.geom_m):
                found.append("9b")
            if k.jenis in SUMBER_DAYA_AIR and f.kategori == "sungai" and f.attrs.get("lintas_negara"):
                found.append("9c")
        elif k.geom_m.distance(zone) < nearest:
            nearest, nearest_id = k.geom_m.distance(zone), f.id_kawasan
    return found, (f"{nearest:.0f} ({nearest_id})" if nearest <= 1000 else "")


# -- 6. files with one defect each ----------------------------------------------------------------------
def write_bad_files(out: Path, keg: gpd.GeoDataFrame, kumuh: gpd.GeoDataFrame, kel: gpd.GeoDataFrame) -> list[tuple]:
    folder = out / "sample" / "salah"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # four clean point activities of 2026Q3 in four kelurahan, with few columns (as users send them)
    q3 = keg[(keg["periode"] == "2026Q3") & (keg.geom_type == "Point") & keg["nama"].str.len().lt(90)]
    ordinary = q3[q3["jenis"].isin(["air_minum", "air_limbah", "persampahan", "proteksi_kebakaran", "rehab_bangunan"])]
    base = ordinary.drop_duplicates("kode_kelurahan").head(4).reset_index(drop=True)
    cols = ["id_kegiatan", "kode_kelurahan", "nama", "jenis", "periode", "status", "progres_fisik", "biaya_idr"]
    base = base[cols + ["geometry"]].copy()
    base["id_kegiatan"] = [f"UJI-{i:02d}" for i in range(1, len(base) + 1)]
    files: list[tuple] = []

    def gpkg(name, frame, defect, expect):
        write_gpkg(frame, folder / name)
        files.append((name, defect, expect))

    f = base.copy()
    f["geometry"] = shapely.transform(f.geometry.values, lambda c: c[:, ::-1])
    gpkg(
        "kegiatan_koordinat_tertukar.gpkg",
        f,
        "every point written (lat, lon) instead of (lon, lat)",
        "error axes_swapped on every row (all rows: the whole file is probably swapped); loads with --tukar-koordinat (warning axes_swapped_fixed)",
    )

    write_shp(base, folder / "kegiatan_tanpa_prj.shp", keep_prj=False)
    files.append(
        (
            "kegiatan_tanpa_prj.shp (+ .shx .dbf .cpg)",
            "Shapefile without its .prj file (unknown CRS)",
            "error crs_missing; loads with --crs EPSG:4326 (info column_mapped for the DBF names cut to 10 characters)",
        )
    )

    csv = pd.DataFrame(base.drop(columns="geometry"))
    csv.insert(len(cols), "lon", base.geometry.x.round(6))
    csv.insert(len(cols) + 1, "lat", base.geometry.y.round(6))
    csv.to_csv(folder / "kegiatan_kolom_lon_lat.csv", index=False, lineterminator="\n")
    files.append(
        (
            "kegiatan_kolom_lon_lat.csv",
            "no defect: CSV with lon/lat columns",
            "loads; info lonlat_assumed_wgs84 (lon/lat columns are WGS 84)",
        )
    )

    lines = keg[
        (keg["periode"] == "2026Q3") & (keg.geom_type == "LineString") & keg["jenis"].isin(["jalan_lingkungan", "drainase"])
    ]
    lines = lines[lines["id_lokasi"].notna()].head(3)
    wkt = pd.DataFrame(lines[cols].copy())
    wkt["id_kegiatan"] = [f"UJI-W{i}" for i in range(1, len(wkt) + 1)]
    wkt["wkt"] = lines.geometry.to_wkt(rounding_precision=6).values
    wkt.to_csv(folder / "kegiatan_kolom_wkt.csv", index=False, lineterminator="\n")
    files.append(
        (
            "kegiatan_kolom_wkt.csv",
            "CSV with a WKT column (lines); WKT carries no CRS",
            "error crs_missing without --crs; with --crs EPSG:4326 it loads cleanly",
        )
    )

    cp = base.copy()
    cp["nama"] = [
        "Sumur bor Kampung Bédjo (SINTETIS)",
        "MCK Gang Niño (SINTETIS)",
        "Hidran Gg. Café Señor (SINTETIS)",
        "Gerobak sampah Kampung Crème (SINTETIS)",
    ][: len(cp)]
    write_shp(cp, folder / "kegiatan_dbf_cp1252_tanpa_cpg.shp", encoding="cp1252", keep_cpg=False)
    files.append(
        (
            "kegiatan_dbf_cp1252_tanpa_cpg.shp (+ .shx .dbf .prj)",
            "DBF in Windows-1252 (é, ñ, è) without a .cpg file (and no language-driver byte)",
            'loads; info encoding_guessed cp1252; names read "Kampung Bédjo" (no mojibake)',
        )
    )

    f = base.copy()
    f.loc[1, "jenis"] = "pavingisasi"
    gpkg(
        "kegiatan_jenis_tidak_dikenal.gpkg",
        f,
        'row 2: jenis "pavingisasi" is not in the vocabulary',
        "error vocab_unknown (row 2, column jenis) listing the allowed jenis",
    )

    f = base.copy()
    f.loc[2, ["status", "progres_fisik"]] = ["selesai", 120.0]
    gpkg(
        "kegiatan_progres_120.gpkg",
        f,
        "row 3: progres_fisik 120 (outside 0-100 %)",
        "error out_of_range (row 3, column progres_fisik)",
    )

    f = base.copy()
    f.loc[3, "id_kegiatan"] = f.loc[0, "id_kegiatan"]
    gpkg(
        "kegiatan_id_ganda.gpkg",
        f,
        "row 4 repeats the id_kegiatan + periode of row 1",
        "error duplicate_key (row 4, pointing to row 1)",
    )

    f = base.copy()
    f.loc[1, "kode_kelurahan"] = "61.71.09.1001"
    gpkg(
        "kegiatan_kode_tidak_ada.gpkg",
        f,
        "row 2: code 61.71.09.1001 (Kota Pontianak has no kecamatan 09)",
        "error kode_unknown (row 2, column kode_kelurahan)",
    )

    f = base.copy()
    f["kode_kelurahan"] = f["kode_kelurahan"].str.replace(".", "", regex=False)
    gpkg(
        "kegiatan_kode_tanpa_titik.gpkg",
        f,
        "no defect: codes without dots (e.g. " + f["kode_kelurahan"].iloc[0] + ")",
        "loads; codes normalised to the dotted form",
    )

    f = base.copy()
    f["geometry"] = shapely.force_3d(f.geometry.values, 4.5)
    gpkg("kegiatan_koordinat_z.gpkg", f, "points with Z coordinates (Z = 4.5 m)", "warning z_dropped; loads in 2D")

    f = base.copy()
    f.loc[2, "geometry"] = Point()
    gpkg("kegiatan_geometri_kosong.gpkg", f, "row 3: empty geometry (POINT EMPTY)", "error geometry_missing (row 3)")

    f = base.copy()
    far = kel.set_index("kode")
    code = f.loc[0, "kode_kelurahan"]
    target = max(far.index, key=lambda c: far.loc[c, "geometry"].distance(far.loc[code, "geometry"]))
    f.loc[0, "geometry"] = round6(far.loc[target, "geometry"].representative_point())
    gpkg(
        "kegiatan_lokasi_tidak_sesuai_kode.gpkg",
        f,
        f"row 1: point in {far.loc[target, 'nama']} ({target}), coded {code} ({far.loc[code, 'nama']})",
        "warning location_mismatch (distance and the kelurahan the point lies in); loads",
    )

    f = base.copy()
    names = kel.set_index("kode")["nama"]
    typed = {
        "Paritmayor": "PARIT  MAYOR",
        "Banjar Serasan": "banjar serasan",
        "Saigon": "SAIGON ",
        "Tanjung Hulu": "Tanjunghulu",
        "Tanjung Hilir": "TANJUNG  HILIR",
        "Dalambugis": "Dalam Bugis",
        "Tambelansampit": "Tambelan Sampit",
        "Pallima": "PAL LIMA",
        "Sungaijawi Dalam": "Sungai Jawi Dalam",
        "Sungaijawi Luar": "SUNGAI JAWI  LUAR",
        "Sungaibeliung": "Sungai Beliung",
        "Siantan Hulu": "siantan hulu",
        "Siantan Tengah": "SIANTAN  TENGAH",
        "Siantan Hilir": "siantan   hilir",
        "Batulayang": "Batu Layang",
        "Sungaibangkong": "Sungai Bangkong",
        "Daratsekip": "Darat Sekip",
        "Tengah": " tengah",
        "Mariana": "MARIANA",
        "Sungaijawi": "Sungai Jawi",
        "Bansir Laut": "BANSIRLAUT",
        "Bansir Darat": "bansir  darat",
        "Bangkabelitung Laut": "Bangka Belitung Laut",
        "Bangkabelitung Darat": "BANGKA BELITUNG DARAT",
        "Benuamelayu Laut": "Benua Melayu LAUT",
        "Benuamelayu Darat": "benua melayu darat",
        "Parittokaya": "Parit Tokaya",
        "Kotabaru": "KOTABARU",
        "Akcaya": "akcaya",
    }
    f.insert(1, "nama_kelurahan", [typed[names[c]] for c in f["kode_kelurahan"]])
    f = f.drop(columns="kode_kelurahan")
    gpkg(
        "kegiatan_nama_kelurahan_ejaan.gpkg",
        f,
        "no kode_kelurahan column; nama_kelurahan typed with other spacing/case: "
        + ", ".join(f'"{v}"' for v in f["nama_kelurahan"]),
        "loads; info kode_from_name on every row (code filled from the matching name)",
    )

    k = kumuh[kumuh["periode"] == "2026Q3"].head(3).copy().reset_index(drop=True)
    k["id_lokasi"] = [f"UJI-K{i}" for i in range(1, 4)]
    poly = shapely.get_geometry(k.loc[0, "geometry"], 0)
    x0, y0, x1, y1 = poly.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = (x1 - x0) / 4, (y1 - y0) / 4
    k.loc[0, "geometry"] = MultiPolygon(
        [round6(Polygon([(cx - dx, cy - dy), (cx + dx, cy + dy), (cx + dx, cy - dy), (cx - dx, cy + dy)]))]
    )
    k.loc[0, "luas_ha"] = None
    gpkg(
        "kawasan_kumuh_poligon_bowtie.gpkg",
        k,
        "row 1: bow-tie polygon (self-intersecting ring)",
        "warning geometry_repaired (Self-intersection), repaired with make_valid; loads",
    )

    k = kumuh[(kumuh["periode"] == "2026Q3") & kumuh["kriteria_1a"].notna()].head(3).copy().reset_index(drop=True)
    k["id_lokasi"] = [f"UJI-L{i}" for i in range(1, 4)]
    k.loc[1, ["kriteria_4b", "kriteria_7a"]] = np.nan
    k.loc[1, "nilai_kekumuhan"] = np.nan
    gpkg(
        "kawasan_kumuh_kriteria_tidak_lengkap.gpkg",
        k,
        "row 2: two of the 16 criteria empty and no nilai_kekumuhan",
        "error incomplete_group (row 2: kriteria_4b, kriteria_7a)",
    )
    return files


# -- 7. documentation ----------------------------------------------------------------------------------
MIT = """MIT License

Copyright (c) 2024 Cahya DSN

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def md_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def write_readmes(
    out: Path, notes: dict, edge_rows: list[str], designed: list[list], bad: list[tuple], kumuh_table: str, counts: dict
) -> None:
    (out / "batas" / "LICENSE").write_text(MIT, encoding="utf-8")
    snapped = "; ".join(f"{k}: {', '.join(v['snapped'])}" for k, v in notes.items() if v["snapped"]) or "none"
    sizes = md_table(
        ["file", "features", "size"],
        [[f"`batas/{k}.gpkg`", v["features"], f"{v['bytes'] / 1e6:.2f} MB"] for k, v in notes.items()],
    )
    text = f"""# Sample data of kotaku-gis

Everything here is written by `python scripts/make_sample_data.py` (seed `{SEED}`, numpy
`default_rng`); do not edit the files by hand, change the script and run it again (it reads the
maintainer's reference data in `shared/data` (beside the repository), which nothing else in the project may read, and
writes byte-identical files on every run). All layers are EPSG:4326 GeoPackages with one layer each,
named after the file. `demo.yml` lists the order in which `kotaku-gis demo` loads them.

## batas/ - real administrative boundaries (MIT licence)

Source: {BOUNDARY_SOURCE}; codes follow Kepmendagri 300.2.2-2138/2025. Full licence text:
[`batas/LICENSE`](batas/LICENSE). The source stores latitude first; the reference copy was
converted to (lon, lat) and invalid rings were repaired with `make_valid`.

{sizes}

Changes made here: only the columns `kode` and `nama` are kept; coordinates are rounded to 6
decimals (about 0.1 m). Where rounding alone would have left an invalid ring, that feature was
snapped to the same 1e-6 grid with GEOS (`shapely.set_precision`), which drops collapsed slivers
(relative area change below 4e-6): {snapped}. Nothing is simplified (provinsi and kabkota stay under
4 MB as they are). The source simplified each polygon on its own, so neighbours overlap slightly and
leave slivers and gaps (1-2.5 % against the kab/kota polygon); the kecamatan polygons of Kota
Pontianak are much coarser than its kelurahan polygons.

## sample/ - synthetic data for Kota Pontianak (SINTETIS)

**Not real data.** Slum locations, activities, scores, costs and protected areas are invented by the
script to exercise the system; they are labelled `SINTETIS` in `nama_kawasan`, `nama` or `sumber`.
**The protected areas are not real protected areas** and must not be used for any decision: the
heritage and arboretum polygons only sit near the real places (Keraton Kadriah, Masjid Jami' Sultan
Syarif Abdurrahman, Arboretum Sylva Untan) to make the demo readable, and their outlines are invented.

| file | content |
|---|---|
| `sample/kawasan_kumuh.gpkg` | {counts["lokasi"]} slum locations x periods 2024 (baseline), 2026Q2, 2026Q3 = {counts["kumuh_rows"]} rows |
| `sample/kegiatan.gpkg` | {counts["kegiatan"]} activities (points, lines, polygons) in 2026Q2/2026Q3 = {counts["kegiatan_rows"]} rows |
| `sample/kawasan_lindung.gpkg` | {counts["lindung"]} protected features (areas, river/coast lines, a spring point) |
| `sample/wdpa_contoh.gpkg` | {counts["wdpa"]} WDPA-style polygons (`WDPAID`, `NAME`, `DESIG`, `DESIG_ENG`, `IUCN_CAT`, `STATUS`, `ISO3`); load with `--mapping wdpa` |
| `sample/salah/` | files with one defect each, see [`sample/salah/README.md`](sample/salah/README.md) |

### kawasan_kumuh

Polygons inside their kelurahan, {counts["ha_min"]:.1f}-{counts["ha_max"]:.1f} ha each, not overlapping (one location, `KMH-6171-005`,
is delineated in two parts). The same `id_lokasi` and geometry in every period. Most rows carry the 16
criterion shares; 10 baseline rows (and 3 + 2 later rows) carry only `nilai_kekumuhan`, as SK annexes
do; 5 rows of 2026Q3 carry both (consistent). `luas_ha` is the geodesic area, left empty on some rows
(computed on load). `nilai_pertimbangan_lain` takes only the values the three considerations can add
up to (3, 5, 7, 9, 11, 13, 15) and, like `legalitas`, stays the same over time. Trends: most
locations improve, 7 fall below the tidak-kumuh line (one exactly to 15), 6 are unchanged (one
more keeps the total 16 while its shares improve) and 2 worsen (one from ringan to sedang). Shares lie on the band edges in these baseline rows:
{", ".join(edge_rows)}. No share lies strictly between 50 and 51 (the regulation leaves that gap
undefined). Totals, levels and classification per period, computed from the shares (or the total):

{kumuh_table}

### kegiatan

Ordinary activities explain the score changes: a criterion that improves by 2026Q2 has a `selesai`
activity of its aspect at that location, one that improves by 2026Q3 an activity `pelaksanaan` in
2026Q2 and `selesai` in 2026Q3; unchanged locations have planned ones. `progres_fisik` is 0 for
`rencana`, 100 for `selesai`. Costs are rupiah rounded to 50,000 (50 juta - 2 miliar for ordinary
works). The activities below were placed to exercise the BDI negative list (numbers as in
docs/domain.md section 4); "findings" is this script's own simple reading of the rules (setbacks as in
domain.md section 5: rivers 10/15/30 m by depth in urban areas, 3 m when diked, the `sempadan_m`
override first; spring 200 m; lake 50 m; coast 100 m; `?` = data missing; `(tinjau)` = written approval
given); the last column is the closest protected zone (setback included) that the activity is not in,
when within 1 km, as distance in metres and `id_kawasan`:

{md_table(["id_kegiatan", "jenis", "intended case", "findings", "nearest other zone: m (id)"], designed)}

Every other activity is outside every protected zone and setback.

### kawasan_lindung

Synthetic unless marked otherwise (`sumber`): the Kapuas Kecil and Landak centrelines (real rivers,
geometry traced from the kelurahan boundaries that follow them, `perkotaan` true, `bertanggul` false,
depths 14 m and 6 m: 15 m setback), a diked canal (3 m), a canal with a `sempadan_m` override (20 m
instead of 10 m), a fictitious river marked `lintas_negara` (depth 22 m: 30 m setback), a two-part
mangrove polygon, swamp, protection forest, cultural heritage, religious building, botanical garden,
retention pond (`danau_waduk`), a spring point and a river-protection zone. Real: the Kapuas main
channel south of the city and the sea coast (Natural Earth 1:10m, public domain, clipped to
{NE_BOX[0]}-{NE_BOX[2]} E, {NE_BOX[1]}-{NE_BOX[3]} N; the coastline only west of {NE_COAST_MAX_LON} E,
because Natural Earth draws the Kapuas Kecil estuary as coastline up to Pontianak). Natural Earth is
coarse: good for a regional map, not for parcel-level decisions. The Kapuas catchment
(`luas_das_km2` 98,740) is an approximate published figure. Not present (no sense in Pontianak):
taman_nasional, pantai_gumuk_pasir; taman_laut, cagar_alam, suaka_margasatwa and hutan_konservasi
come from `wdpa_contoh.gpkg` through the `wdpa` mapping.

### wdpa_contoh

Four synthetic polygons in the shape of a WDPA download (WDPAID as a number, from 900000001, far from
real ids): Taman Wisata Alam (reaches into northern Batulayang), Cagar Alam, Kawasan Konservasi
Perairan Daerah (offshore) and a `Proposed` Suaka Margasatwa; every `DESIG` is in
`layers/mappings/wdpa.yml`.

## Licences and attribution

- Boundaries: MIT, "Copyright (c) 2024 Cahya DSN", github.com/cahyadsn/wilayah_boundaries (commit
  3c5a7960); licence text in `batas/LICENSE`. Keep the notice with any copy.
- Natural Earth: public domain (naturalearthdata.com); attribution appreciated, not required.
- Everything else in `sample/`: synthetic, generated by `python scripts/make_sample_data.py`
  (seed {SEED}); MIT, like the project's code.
"""
    (out / "README.md").write_text(text, encoding="utf-8")
    salah = (
        """# Files with one defect each (SINTETIS)

Small files, each with exactly one defect class (or, where marked, a format that must load cleanly),
to demonstrate and test the loader's reports. Written by `python scripts/make_sample_data.py`; the rows
are copies of synthetic sample rows (ids `UJI-...`). Load them into a store that already holds the
Kota Pontianak boundaries (the reference checks need them; the store `kotaku-gis demo` builds has
them), e.g. `kotaku-gis load kegiatan data/sample/salah/kegiatan_id_ganda.gpkg` (layer `kawasan_kumuh`
for the `kawasan_kumuh_*` files). Problem codes are those of `kotaku_gis.loader` at the time of writing.

"""
        + md_table(["file", "defect", "what the loader should say"], [[f"`{a}`", b, c] for a, b, c in bad])
        + "\n"
    )
    (out / "sample" / "salah" / "README.md").write_text(salah, encoding="utf-8")


# -- 8. checks and tables --------------------------------------------------------------------------------
def kumuh_summary(path: Path) -> tuple[pd.DataFrame, str]:
    """Read the written file back and compute totals, levels and classification per row."""
    k = gpd.read_file(path)
    has = k[KCOLS].notna().all(axis=1)
    k["total"] = k["nilai_kekumuhan"]
    k.loc[has, "total"] = k.loc[has, KCOLS].apply(lambda r: sum(criterion_score(v) for v in r), axis=1)
    both = has & k["nilai_kekumuhan"].notna()
    assert (k.loc[both, "total"] == k.loc[both, "nilai_kekumuhan"]).all()
    k["tingkat"] = k["total"].map(tingkat)
    k["klasifikasi"] = [klasifikasi(t, p, leg) for t, p, leg in zip(k["total"], k["nilai_pertimbangan_lain"], k["legalitas"])]
    k["sumber_nilai"] = np.where(has, "kriteria", "total")
    levels = ["berat", "sedang", "ringan", "tidak_kumuh"]
    cells = [f"{a}{d}" for a in "ABC" for d in range(1, 7)] + ["-"]
    rows = []
    for periode, g in k.groupby("periode", sort=True):
        lv = g["tingkat"].value_counts()
        kl = g["klasifikasi"].value_counts()
        rows.append(
            [
                periode,
                len(g),
                int((g["sumber_nilai"] == "kriteria").sum()),
                int((g["sumber_nilai"] == "total").sum()),
                f"{g['total'].min():g}-{g['total'].max():g}",
                round(g["total"].mean(), 1),
                *[int(lv.get(level, 0)) for level in levels],
                " ".join(f"{c}:{kl[c]}" for c in cells if c in kl),
            ]
        )
    table = md_table(
        [
            "periode",
            "rows",
            "by shares",
            "total only",
            "total range",
            "mean",
            "berat",
            "sedang",
            "ringan",
            "tidak kumuh",
            "klasifikasi (count)",
        ],
        rows,
    )
    return k, table


def sha256(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- main ------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared" / "data",
        help="reference data folder (default: shared/data beside the repository)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "data", help="output folder (default: data/ of the repository)")
    args = parser.parse_args(argv)
    if not (args.shared / "admin" / "kel_6171_pontianak.gpkg").exists():
        parser.error(f"{args.shared}: not the reference data folder (admin/kel_6171_pontianak.gpkg missing)")
    out: Path = args.out
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    rng = np.random.default_rng(SEED)

    notes = copy_boundaries(args.shared, out)
    kel = load_kelurahan(out)

    feats, wdpa = build_protected(args.shared, rng)
    all_protected = feats + wdpa
    by_id = {f.id_kawasan: f for f in feats}
    # where ordinary things may go: clear of every zone by a margin (rivers 60 m, areas 150 m, spring 350 m)
    margin = {"sungai": 60, "garis_pantai": 150, "mata_air": 350}
    clear_m = shapely.union_all(
        [f.geom_m.buffer(margin.get(f.kategori, 150) + (f.setback() if f.kategori != "sungai" else 0)) for f in all_protected]
    )
    locs = build_locations(kel, clear_m, rng)
    score_locations(locs, rng)
    forms = row_forms(locs, rng)
    edge_rows = pin_edge_shares(locs, forms["total_only"][0])

    sample = out / "sample"
    kumuh = kumuh_frame(locs, forms, rng)
    write_gpkg(kumuh, sample / "kawasan_kumuh.gpkg")
    write_gpkg(lindung_frame(feats), sample / "kawasan_lindung.gpkg")
    write_gpkg(wdpa_frame(wdpa), sample / "wdpa_contoh.gpkg")

    slum_union = shapely.union_all([loc.geom_m for loc in locs])
    acts = build_ordinary(locs, kel, shapely.union_all([clear_m, slum_union.buffer(30)]), rng)
    designed = build_designed(by_id, wdpa, kel, shapely.union_all([clear_m, slum_union.buffer(30)]), rng)
    acts += designed
    finalize_activities(acts, locs, kel, rng)
    keg = kegiatan_frame(acts)
    write_gpkg(keg, sample / "kegiatan.gpkg")

    # self-check of the screening design: ordinary activities find nothing, designed ones what they say
    designed_rows = []
    for k in acts:
        found, near = screen(k, all_protected)
        if not k.note:
            spatial = [f for f in found if f[0] in "69" and f != "4"]
            assert not spatial, (k.id_kegiatan, k.jenis, found)
        else:
            designed_rows.append([k.id_kegiatan, k.jenis, k.note, ", ".join(found) or "-", near or "-"])

    bad = write_bad_files(out, keg, kumuh, kel)
    summary, table = kumuh_summary(sample / "kawasan_kumuh.gpkg")
    counts = {
        "lokasi": len(locs),
        "kumuh_rows": len(kumuh),
        "kegiatan": len(acts),
        "kegiatan_rows": len(keg),
        "lindung": len(feats),
        "wdpa": len(wdpa),
        "ha_min": min(area_ha(to_ll(loc.geom_m)) for loc in locs),
        "ha_max": max(area_ha(to_ll(loc.geom_m)) for loc in locs),
    }
    write_readmes(out, notes, edge_rows, designed_rows, bad, table, counts)

    print(table)
    print()
    print(md_table(["id_kegiatan", "jenis", "intended case", "findings", "nearest other zone: m (id)"], designed_rows))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"\n{len(sha256(out))} files, {total / 1e6:.2f} MB in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
