"""Screening inputs and spatial core (private to :mod:`kotaku_gis.screening`): reading and checking the
activity and protected-area frames, then candidate pairs and metres per UTM zone of the activity."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from kotaku_gis import catalog, geodesy, i18n, settings
from kotaku_gis.errors import DataError, Problem, UsageError
from kotaku_gis.files import ROW
from kotaku_gis.rules.screening import ScreeningRules

_T = TypeVar("_T")
_WGS84 = CRS.from_epsg(4326)
_QUAD_SEGS = 16  # buffer arcs: 64 segments per circle, area within 0.2 % of the true circle

# --------------------------------------------------------------------------------------------
# Inputs


class Problems:
    """Problems found in the input frames, with the row numbers users see."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, file: str, rows: np.ndarray, column: str | None, **params: Any) -> None:
        """One problem per row number in ``rows``; array params are taken per row."""
        for k, row in enumerate(rows):
            values = {key: (v[k] if isinstance(v, np.ndarray) else v) for key, v in params.items()}
            values = {key: (v.item() if isinstance(v, np.generic) else v) for key, v in values.items()}
            self.problems.append(Problem(code, file, int(row), column, "error", values))

    def raise_on_errors(self) -> None:
        if self.problems:
            raise DataError(self.problems)


def row_numbers(frame: pd.DataFrame) -> np.ndarray:
    if ROW in frame.columns:
        rows = pd.to_numeric(frame[ROW], errors="coerce").to_numpy(dtype=float)
        if not np.isnan(rows).any():
            return rows.astype(np.int64)
    return np.arange(1, len(frame) + 1, dtype=np.int64)


def _geometries(frame: Any, what: str) -> np.ndarray:
    """The frame's geometries in EPSG:4326 as an array."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UsageError(i18n.text("screening.error.not_a_geoframe", what=what, type=type(frame).__name__))
    geoms = frame.geometry
    if geoms.crs is None:
        raise UsageError(i18n.text("screening.error.no_crs", what=what))
    if not CRS.from_user_input(geoms.crs).equals(_WGS84):
        geoms = geoms.to_crs(_WGS84)
    return np.asarray(geoms.array, dtype=object)


def require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(i18n.text("screening.error.columns_missing", what=what, columns=", ".join(missing)))


def text_values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text column as an object array of stripped strings (None for empty)."""
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame[column]
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # texts already (as the stores give them): each distinct text stripped once
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        return np.array([v.strip() or None for v in distinct] + [None], dtype=object)[codes]
    text = values.astype("string").str.strip()
    text = text.where(text != "", pd.NA)
    out = np.array(text.astype(object), dtype=object)
    out[pd.isna(out)] = None
    return out


def number(frame: pd.DataFrame, column: str, what: str, rows: np.ndarray, report: Problems) -> np.ndarray:
    """A number column as float (NaN for empty); text that is not a number is a problem."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64").to_numpy()
    values = pd.to_numeric(raw, errors="coerce").astype("float64").to_numpy()
    bad = np.isnan(values) & raw.notna().to_numpy()
    if bad.any():
        report.add("screening_not_a_number", what, rows[bad], column, value=raw.to_numpy()[bad].astype(str))
    return values


_TRUE = {"1", "1.0", "true", "t", "ya", "y", "yes"}
_FALSE = {"0", "0.0", "false", "f", "tidak", "no", "n"}


def flag(frame: pd.DataFrame, column: str, what: str, rows: np.ndarray, report: Problems) -> np.ndarray:
    """A yes/no column as float: 1 yes, 0 no, NaN empty; anything else is a problem."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        values = pd.to_numeric(raw.astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isnan(values) & ~np.isin(values, (0.0, 1.0))
    else:
        text = raw.astype("string").str.strip().str.lower()
        yes = text.isin(_TRUE).to_numpy(dtype=bool, na_value=False)
        no = text.isin(_FALSE).to_numpy(dtype=bool, na_value=False)
        values = np.where(yes, 1.0, np.where(no, 0.0, np.nan))
        bad = (text.notna() & (text != "")).to_numpy(dtype=bool, na_value=False) & ~yes & ~no
    if bad.any():
        report.add("screening_not_yes_no", what, rows[bad], column, value=raw.to_numpy()[bad].astype(str))
        values = np.where(bad, np.nan, values)
    return values


def vocabulary(values: np.ndarray, spec: catalog.ColumnSpec, what: str, rows: np.ndarray, report: Problems) -> np.ndarray:
    """Positions of the values in the column's vocabulary; -1 (and a problem) for empty or unknown."""
    codes = spec.codes()
    lookup = pd.Index(codes)
    present = ~pd.isna(values)
    position = lookup.get_indexer(np.where(present, values, ""))
    empty = ~present
    unknown = present & (position < 0)
    if empty.any():
        report.add("screening_value_missing", what, rows[empty], spec.name)
    if unknown.any():
        report.add(
            "screening_code_unknown", what, rows[unknown], spec.name, value=values[unknown].astype(str), allowed=", ".join(codes)
        )
    return np.where(present, position, -1)


@dataclass
class Activities:
    frame: pd.DataFrame
    geoms: np.ndarray
    ids: np.ndarray
    periode: np.ndarray
    jenis: np.ndarray  # codes
    jenis_pos: np.ndarray  # position in the vocabulary
    located: np.ndarray  # bool: has a non-empty geometry
    approved: np.ndarray  # bool: persetujuan_tertulis recorded
    approval_ref: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Protected:
    frame: pd.DataFrame
    geoms: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    kategori: np.ndarray  # codes
    kategori_pos: np.ndarray
    aturan: np.ndarray  # the kategori's item
    bentuk: np.ndarray
    setback: np.ndarray  # metres
    lintas_negara: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.ids)


def _coded(
    frame: Any, layer: str, id_column: str, code_column: str, report: Problems
) -> tuple[np.ndarray, np.ndarray, catalog.ColumnSpec, np.ndarray, np.ndarray, np.ndarray]:
    """The geometries, row numbers, vocabulary (catalogue column), ids, codes and code positions of a
    layer's rows; a missing id or an unknown code is reported."""
    geoms = _geometries(frame, layer)
    require(frame, [id_column, code_column], layer)
    rows = row_numbers(frame)
    spec = catalog.layer(layer).column(code_column)
    ids = text_values(frame, id_column)
    missing_id = pd.isna(ids)
    if missing_id.any():
        report.add("screening_value_missing", layer, rows[missing_id], id_column)
    codes = text_values(frame, code_column)
    return geoms, rows, spec, ids, codes, vocabulary(codes, spec, layer, rows, report)


def read_activities(frame: Any, report: Problems) -> Activities:
    geoms, rows, _, ids, jenis, jenis_pos = _coded(frame, "kegiatan", "id_kegiatan", "jenis", report)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ref = text_values(frame, "persetujuan_tertulis")
    approved = ~pd.isna(ref)
    return Activities(frame, geoms, ids, text_values(frame, "periode"), jenis, jenis_pos, located, approved, ref, rows)


def read_protected(frame: Any, rules: ScreeningRules, report: Problems) -> Protected:
    geoms, rows, spec, ids, kategori, pos = _coded(frame, "kawasan_lindung", "id_kawasan", "kategori", report)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        report.add("screening_geometry_missing", "kawasan_lindung", rows[empty], "geometry")
    values = spec.values or []
    aturan = np.array([v.aturan for v in values] + [None], dtype=object)[pos]
    bentuk = np.array([v.bentuk for v in values] + [None], dtype=object)[pos]
    names = text_values(frame, "nama")
    names = np.where(pd.isna(names), ids, names)
    setback = setback_widths(frame, kategori, rules, rows, report)
    lintas = flag(frame, rules.cross_border.column, "kawasan_lindung", rows, report) == 1.0
    return Protected(frame, geoms, ids, names, kategori, pos, aturan, bentuk, setback, lintas)


def setback_widths(
    frame: pd.DataFrame, kategori: np.ndarray, rules: ScreeningRules, rows: np.ndarray, report: Problems
) -> np.ndarray:
    n = len(frame)
    out = np.zeros(n)
    columns: dict[str, np.ndarray] = {}

    def values(name: str, boolean: bool) -> np.ndarray:
        if name not in columns:
            get = flag if boolean else number
            columns[name] = get(frame, name, "kawasan_lindung", rows, report)
        return columns[name]

    for code, sb in rules.setbacks.items():
        mine = kategori == code
        if not mine.any():
            continue
        if sb.m is not None:
            out[mine] = sb.m
            continue
        widest = np.full(n, -1.0)
        for cls in sb.classes:
            possible = mine.copy()
            for name, cond in cls.where.items():
                v = values(name, isinstance(cond, bool))
                known = ~np.isnan(v)
                match = (v == float(cond)) if isinstance(cond, bool) else cond.contains(v)
                possible &= ~known | match
            widest = np.where(possible, np.maximum(widest, cls.m), widest)
        widest = np.where(mine & (widest < 0), max(c.m for c in sb.classes), widest)
        out[mine] = widest[mine]
    own = number(frame, "sempadan_m", "kawasan_lindung", rows, report)
    negative = own < 0
    if negative.any():
        report.add("screening_negative", "kawasan_lindung", rows[negative], "sempadan_m", value=own[negative])
    return np.where(np.isnan(own) | negative, out, own)


# --------------------------------------------------------------------------------------------
# Spatial core: candidate pairs, then metres per UTM zone of the activity


def _threads() -> int:
    """How many threads the spatial core uses (``settings.screening_threads``; None: the CPUs)."""
    n = settings.screening_threads
    return max(1, int(n) if n is not None else (os.cpu_count() or 1))


def _in_threads(work: Callable[[_T], None], items: Iterable[_T]) -> None:
    """``work`` on each item, on :func:`_threads` threads (in turn when 1). ``work`` writes its
    results to places of its own; the heavy calls in it (shapely, PROJ) release Python's lock."""
    todo = list(items)
    n = min(_threads(), len(todo))
    if n <= 1:
        for item in todo:
            work(item)
        return
    with ThreadPoolExecutor(max_workers=n) as pool:
        for _ in pool.map(work, todo):  # re-raises the first failure
            pass


def candidates(acts: Activities, prot: Protected, limit_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(activity, feature) position pairs that may lie within each feature's ``limit_m``, sorted.

    One STRtree over the activities, queried with the box of every usable feature widened by its
    limit in degrees (:func:`kotaku_gis.geodesy.pad_degrees`, never shorter than the limit). Most
    features stop there, as the distances measured next (:func:`measure_pairs`) index each feature
    once; a feature whose box holds more than ``_PREPARE_PAIRS`` activities (a coastline along a
    whole island, say) has its pairs kept only within its limit in degrees, by a prepared
    ``dwithin``: its index pays for itself.
    """
    located = np.flatnonzero(acts.located)
    usable = np.flatnonzero(~(shapely.is_missing(prot.geoms) | shapely.is_empty(prot.geoms)) & (limit_m >= 0))
    if len(located) == 0 or len(usable) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    b = shapely.bounds(prot.geoms[usable])
    pad = geodesy.pad_degrees(b, limit_m[usable])
    widened = np.c_[b[:, 0] - pad, b[:, 1] - pad, b[:, 2] + pad, b[:, 3] + pad]
    tree = shapely.STRtree(acts.geoms[located])
    fj, ti = tree.query(shapely.linestrings(widened.reshape(-1, 2, 2)))  # envelopes: each box as its diagonal
    crowded = np.bincount(fj, minlength=len(usable))[fj] > _PREPARE_PAIRS
    if crowded.any():
        features = prot.geoms[usable[fj[crowded]]]
        shapely.prepare(features)
        keep = np.ones(len(fj), dtype=bool)
        keep[crowded] = shapely.dwithin(features, acts.geoms[located[ti[crowded]]], pad[fj[crowded]])
        shapely.destroy_prepared(features)
        fj, ti = fj[keep], ti[keep]
    ai, fj = located[ti], usable[fj]
    order = np.lexsort((fj, ai))
    return ai[order].astype(np.int64), fj[order].astype(np.int64)


_PREPARE_PAIRS = 256  # activities in a feature's widened box above which candidates() prepares it


def _zones(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The UTM zone (EPSG code) of each geometry's bounding-box centre, and the UTM scale factor there."""
    b = shapely.bounds(geoms)
    lon, lat = (b[:, 0] + b[:, 2]) / 2.0, (b[:, 1] + b[:, 3]) / 2.0
    epsg = geodesy.utm_epsg_array(lon, lat)
    k = np.ones(len(geoms))
    for code, idx in _groups(epsg):
        k[idx] = geodesy.scale_factor_at(lon[idx], lat[idx], code)
    return epsg, k


def _groups(codes: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(code, positions) for each code present but 0."""
    order = np.argsort(codes, kind="stable")
    values, starts = np.unique(codes[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    for v, s, e in zip(values, starts, ends):
        if v != 0:
            yield int(v), order[s:e]


@dataclass
class PairMeasures:
    """Metric measures of (activity, feature) pairs."""

    ai: np.ndarray
    fj: np.ndarray
    distance: np.ndarray
    end_distance: np.ndarray  # NaN where not measured
    overlap: np.ndarray  # NaN where not measured


def measure_pairs(
    acts: Activities,
    prot: Protected,
    ai: np.ndarray,
    fj: np.ndarray,
    *,
    ends_within: np.ndarray | None = None,
    overlap_within: np.ndarray | None = None,
) -> PairMeasures:
    """Distances (m) of the pairs, each in the UTM zone of its activity.

    ``ends_within`` (metres per pair, NaN: skip): for pairs closer than it, also the distance of the
    activity's ends (:func:`_ends`). ``overlap_within`` (metres per pair, NaN: skip): for polygonal
    activities closer than it, the area (m2) of the activity within that distance of the feature.
    """
    n = len(ai)
    distance = np.full(n, np.nan)
    end_distance = np.full(n, np.nan)
    overlap = np.full(n, np.nan)
    if n == 0:
        return PairMeasures(ai, fj, distance, end_distance, overlap)
    tol = settings.screening_tolerance_m
    step = settings.screening_max_segment_deg
    epsg, k = _zones(acts.geoms[np.unique(ai)])
    zone_of = np.zeros(len(acts), np.int64)
    scale = np.ones(len(acts))
    zone_of[np.unique(ai)] = epsg
    scale[np.unique(ai)] = k
    polygonal = shapely.get_dimensions(acts.geoms) == 2

    def zone(group: tuple[int, np.ndarray]) -> None:
        code, idx = group
        ua, ia = np.unique(ai[idx], return_inverse=True)
        uf, jf = np.unique(fj[idx], return_inverse=True)
        pa = geodesy.project(acts.geoms[ua], code, max_segment_deg=step)
        pf = geodesy.project(prot.geoms[uf], code, max_segment_deg=step)
        edges = _edges(pf)
        kk = scale[ai[idx]]
        d = _distance(pa[ia], pf, edges, jf) / kk
        distance[idx] = d
        if ends_within is not None:
            want = d <= ends_within[idx] + tol
            if want.any():
                sel = idx[want]
                ends = geodesy.project(_ends(acts.geoms[ai[sel]]), code, max_segment_deg=step)
                end_distance[sel] = _distance(ends, pf, edges, jf[want]) / kk[want]
        if overlap_within is not None:
            want = polygonal[ai[idx]] & (d <= overlap_within[idx] + tol)
            if want.any():
                overlap[idx[want]] = _overlap(pa[ia[want]], pf[jf[want]], overlap_within[idx[want]], kk[want])

    # each zone writes its own pairs; the largest zones first, so that the threads end together
    _in_threads(zone, sorted(_groups(zone_of[ai]), key=lambda g: -len(g[1])))
    return PairMeasures(ai, fj, distance, end_distance, overlap)


def _edges(features: np.ndarray) -> np.ndarray:
    """What the distance to each feature is measured to outside it, prepared (indexed by GEOS):
    the boundary of a polygon, a line or point itself; None for a feature measured in full, a
    collection or an invalid polygon of several rings.

    A prepared polygon tells inside from outside by counting the crossings of all its rings at once,
    where ``shapely.distance`` looks at each part and hole: the same for a valid polygon, not for
    parts or holes that overlap. A polygon of one ring is the same either way, so only those of
    several rings (holes, parts) are checked.
    """
    kind = shapely.get_type_id(features)
    out = np.full(len(features), None, dtype=object)
    polygons = np.flatnonzero((kind == 3) | (kind == 6))
    rings = shapely.boundary(features[polygons])
    several = shapely.get_num_geometries(rings) > 1  # (a single ring's boundary is a LineString: 1)
    several[several] = ~shapely.is_valid(features[polygons[several]])
    out[polygons[~several]] = rings[~several]
    simple = np.isin(kind, (0, 1, 2, 4, 5))
    out[simple] = features[simple]
    shapely.prepare(features)
    shapely.prepare(out)
    return out


def _distance(geoms: np.ndarray, features: np.ndarray, edges: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """``shapely.distance(geoms, features[pick])`` (to about 1e-9 of a unit), each feature indexed
    once (:func:`_edges`).

    Apart the distance is that of the feature's edges (a closed set's nearest point to what is
    outside it lies on its boundary), found through the edges' index; meeting, it is 0. A feature
    compared with many activities is walked once instead of once per activity.
    """
    out = np.zeros(len(geoms))
    edge = edges[pick]
    whole = pd.isna(edge)
    if whole.any():
        out[whole] = shapely.distance(geoms[whole], features[pick[whole]])
    rest = np.flatnonzero(~whole)
    apart = rest[~shapely.intersects(features[pick[rest]], geoms[rest])]
    out[apart] = shapely.length(shapely.shortest_line(edge[apart], geoms[apart]))
    return out


def _ends(geoms: np.ndarray) -> np.ndarray:
    """Where each road ends: the end points of a line (none for a closed one), a point itself, and
    the whole of a polygon (a road drawn as an area can end anywhere in it)."""
    out = geoms.copy()
    lines = np.isin(shapely.get_type_id(geoms), (1, 2, 5))
    if lines.any():
        out[lines] = shapely.boundary(geoms[lines])
    return out


def _overlap(pa: np.ndarray, pf: np.ndarray, within_m: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Area (m2) of each projected activity within ``within_m`` metres of its projected feature.

    Geometry is expected valid (the loader repairs it); an overlay that fails on invalid input is
    retried with the inputs repaired.
    """
    try:
        return _overlap_area(pa, pf, within_m * k) / k**2
    except shapely.errors.GEOSException:
        return _overlap_area(_valid(pa), _valid(pf), within_m * k) / k**2


def _overlap_area(pa: np.ndarray, pf: np.ndarray, reach: np.ndarray) -> np.ndarray:
    out = np.empty(len(pa))
    plain = reach <= 0
    if plain.any():
        out[plain] = shapely.area(shapely.intersection(pa[plain], pf[plain]))
    grow = ~plain
    if grow.any():
        # buffer only the part of the feature that can reach the activity
        b = shapely.bounds(pa[grow])
        margin = reach[grow] + 1.0
        window = shapely.box(b[:, 0] - margin, b[:, 1] - margin, b[:, 2] + margin, b[:, 3] + margin)
        local = shapely.intersection(pf[grow], window)
        zone = shapely.buffer(local, reach[grow], quad_segs=_QUAD_SEGS)
        out[grow] = shapely.area(shapely.intersection(pa[grow], zone))
    return out


def _valid(geoms: np.ndarray) -> np.ndarray:
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms
