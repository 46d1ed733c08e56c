"""The inputs of a map pack: reading the layers, and fingerprinting the rows that feed each unit.

Used by both sides of :mod:`kotaku_gis.mappack`: the planning process fingerprints every unit from
one read of each layer; a worker building a unit reads the rows of its area again (from its own
store connection) and checks that they still give the planned fingerprint, so a unit is never
built from data other than what its fingerprint names (a load during the run fails the unit, and
the next run rebuilds it).

Fingerprint of the rows of a unit, per layer
    Each row is hashed from its values in a canonical form (numbers as float64, dates as
    datetime64[ns], booleans as 0/1, text as text) and the WKB of its geometry: two 64-bit hashes
    (``pandas.util.hash_pandas_object``, fixed key). The rows of the unit's area are the rows whose
    code (``kode`` of ``wilayah``, ``kode_kelurahan``, ``kode_wilayah`` of ``pengaduan``) is the
    unit's or lies below it; their hashes are sorted and the SHA-256 of the sorted list is the
    fingerprint: independent of row order, and changed by any change of any value of any row of
    the area (or a row added or removed).

Which rows of each layer
    ``wilayah``: all; ``kawasan_kumuh``: the periods that end no later than the period (the monev
    report's trend of slum area runs over all of them), the baseline and the decree (SK Kumuh) periods
    between them (``Store.decrees``: a decree tells which locations left the list);
    ``kegiatan``: the periods that end no later than the period (the roll-up counts each activity as of
    its latest report); ``pengaduan`` and ``tindak_lanjut`` (the follow-up register, in the monev
    report): all; ``kawasan_lindung`` (no code): the features that can reach the unit, i.e.
    whose bounding box, widened by their setback plus the screening's warning distance, meets the
    unit's box (its boundary and its features) widened by the margin the map clips with.

Examples
--------
>>> import pandas as pd
>>> from kotaku_gis.mappack import _data as d
>>> rows = pd.DataFrame({"kode": ["61.71.01", "61.71.02"], "nilai": [1.0, 2.0]})
>>> h = d.row_hashes(rows)
>>> d.digest(h) == d.digest(h[::-1])          # the order of the rows does not matter
True
>>> d.digest(d.row_hashes(rows.assign(nilai=[1.0, 2.5]))) == d.digest(h)
False
"""

from __future__ import annotations

import hashlib
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import catalog, progress
from kotaku_gis import wilayah as wil
from kotaku_gis._validate import period_end, period_end_date  # noqa: F401  (data.period_end_date)

#: Layers that feed a unit, with the column that places a row in an area (``kawasan_lindung`` has
#: none: it is selected by place).
CODED_LAYERS: tuple[str, ...] = ("wilayah", "kawasan_kumuh", "kegiatan", "pengaduan", "tindak_lanjut")
LAYERS: tuple[str, ...] = (*CODED_LAYERS, "kawasan_lindung")

#: The map clips the other layers to the unit's box widened by 5 % of its larger side; a little more
#: is taken here so the fingerprint covers everything the page can show.
WINDOW_PAD_FRACTION = 0.06
WINDOW_PAD_MIN_DEG = 0.001

_EMPTY = hashlib.sha256(b"").hexdigest()


def code_column(layer: str) -> str:
    """The column of ``layer`` that places a row in an area."""
    if layer == "wilayah":
        return "kode"
    return catalog.layer(layer).kode_columns()[0].name


# -- reading -----------------------------------------------------------------------------------------
def read_layers(store: Any, periode: str, baseline: str, kode: str | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The rows of every layer that can feed a unit within ``kode`` (all of them for None/"").

    Every catalogue column and the geometry, as :meth:`Store.read` types them.
    """
    scope = kode or None
    out: dict[str, gpd.GeoDataFrame] = {}
    out["wilayah"] = store.read("wilayah", kode=scope)
    decreed = progress.decree_periods(store.decrees(), baseline, periode)  # rows progress_lokasi needs too
    until_kumuh = period_end([periode])[0]
    trend = [p for p in store.periods("kawasan_kumuh") if period_end([p])[0] <= until_kumuh]  # the report's trend
    out["kawasan_kumuh"] = store.read("kawasan_kumuh", periode=sorted({baseline, periode, *decreed, *trend}), kode=scope)
    kegiatan = store.read("kegiatan", kode=scope)
    until = period_end([periode])[0]
    out["kegiatan"] = kegiatan[period_end(kegiatan["periode"]) <= until].reset_index(drop=True)
    out["pengaduan"] = store.read("pengaduan", kode=scope)
    out["tindak_lanjut"] = store.read("tindak_lanjut", kode=scope)
    return out


def normalized_codes(frame: pd.DataFrame, layer: str) -> pd.Series:
    """The dotted code of each row (None where missing or invalid), indexed like ``frame``."""
    codes = wil.normalize_kode_series(frame[code_column(layer)])[0] if len(frame) else pd.Series([], dtype=object)
    return pd.Series(codes.to_numpy(dtype=object), index=frame.index)


# -- hashing -----------------------------------------------------------------------------------------
def _canonical(values: pd.Series) -> pd.Series:
    """A column in a form that hashes the same whatever dtype the backend gave it."""
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return values.astype("datetime64[ns]")
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return pd.Series(values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan), index=values.index)
    obj = values.astype(object)
    obj = obj.where(obj.notna(), None)
    if pd.api.types.infer_dtype(obj, skipna=True) in ("string", "empty"):
        return obj  # text already (the usual case): no call per value
    return obj.map(lambda v: v if v is None or isinstance(v, str) else str(v))


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """Two 64-bit hashes per row (values, geometry): an ``(n, 2)`` uint64 array.

    Examples
    --------
    >>> import pandas as pd
    >>> row_hashes(pd.DataFrame({"a": [1, 2]})).shape
    (2, 2)
    """
    n = len(frame)
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns else None
    cols = [c for c in frame.columns if c != geometry]
    out = np.zeros((n, 2), dtype=np.uint64)
    if n == 0:
        return out
    if cols:
        canon = pd.DataFrame({c: _canonical(frame[c]).to_numpy() for c in cols}, index=pd.RangeIndex(n))
        out[:, 0] = pd.util.hash_pandas_object(canon, index=False).to_numpy(dtype=np.uint64)
    if geometry is not None:
        wkb = shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))
        out[:, 1] = pd.util.hash_pandas_object(pd.Series(wkb, dtype=object), index=False).to_numpy(dtype=np.uint64)
    return out


def digest(hashes: np.ndarray) -> str:
    """SHA-256 of a set of row hashes (sorted first: the order of the rows does not matter)."""
    if len(hashes) == 0:
        return _EMPTY
    h = np.ascontiguousarray(hashes, dtype=np.uint64)
    order = np.lexsort((h[:, 1], h[:, 0]))
    return hashlib.sha256(np.ascontiguousarray(h[order]).tobytes()).hexdigest()


def group_digests(keys: pd.Series, hashes: np.ndarray) -> dict[str, str]:
    """:func:`digest` of the rows of every unit, ``keys`` giving the unit of each row (its code at
    the level, :func:`kotaku_gis.wilayah.ancestor_series`; None: in none). Code -> digest; units
    without rows are absent: their digest is that of no rows, :func:`empty_digest`."""
    mask = keys.notna().to_numpy()
    if not mask.any():
        return {}
    inv, uniq = pd.factorize(keys.to_numpy(dtype=object)[mask], sort=True)
    h = np.ascontiguousarray(hashes[mask], dtype=np.uint64)
    order = np.lexsort((h[:, 1], h[:, 0], inv))
    h, inv = np.ascontiguousarray(h[order]), inv[order]
    bounds = np.searchsorted(inv, np.arange(len(uniq) + 1))
    buf = h.tobytes()
    width = 16
    return {str(k): hashlib.sha256(buf[bounds[i] * width : bounds[i + 1] * width]).hexdigest() for i, k in enumerate(uniq)}


def empty_digest() -> str:
    """The digest of no rows."""
    return _EMPTY


def unit_keys(codes: pd.Series, level: str) -> pd.Series:
    """The unit of ``level`` each row lies in: its code cut to the level (None above it or invalid).

    Examples
    --------
    >>> import pandas as pd
    >>> unit_keys(pd.Series(["61.71.04.1001", None]), "kabkota").tolist()
    ['61.71', None]
    """
    return wil.ancestor_series(codes, level) if len(codes) else pd.Series([], dtype=object)


def in_area(codes: pd.Series, kode: str) -> np.ndarray:
    """Which codes lie in the unit ``kode`` (every valid code for the nation, ``""``)."""
    if kode == "":
        return codes.notna().to_numpy()
    level = wil.tingkat(kode)
    return (wil.ancestor_series(codes, level) == kode).to_numpy()


# -- place -------------------------------------------------------------------------------------------
def row_bounds(frame: pd.DataFrame) -> np.ndarray:
    """``(n, 4)`` bounds of each row's geometry (NaN where there is none)."""
    if not isinstance(frame, gpd.GeoDataFrame) or len(frame) == 0:
        return np.full((len(frame), 4), np.nan)
    return shapely.bounds(np.asarray(frame.geometry.values, dtype=object))


def window(bounds: np.ndarray) -> tuple[float, float, float, float] | None:
    """The box a unit's map can show: the box of ``bounds`` widened by the map's margin.

    None when no row has a geometry.
    """
    if len(bounds) == 0 or np.isnan(bounds[:, 0]).all():
        return None
    box = [np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1]), np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3])]
    return windows(np.array([box], dtype="float64"))[0]


def windows(bounds: np.ndarray) -> list[tuple[float, float, float, float] | None]:
    """:func:`window` of each row of ``bounds`` (one box per unit), at once.

    Examples
    --------
    >>> import numpy as np
    >>> windows(np.array([[100.0, 0.0, 101.0, 1.0], [np.nan] * 4]))[1] is None
    True
    >>> windows(np.array([[100.0, 0.0, 101.0, 1.0]]))[0] == window(np.array([[100.0, 0.0, 101.0, 1.0]]))
    True
    """
    west, south, east, north = (bounds[:, i] for i in range(4))
    pad = np.maximum(east - west, north - south) * WINDOW_PAD_FRACTION + WINDOW_PAD_MIN_DEG
    out = np.column_stack([west - pad, south - pad, east + pad, north + pad])
    return [None if np.isnan(row[0]) else (float(row[0]), float(row[1]), float(row[2]), float(row[3])) for row in out]


def reach_boxes(lindung: pd.DataFrame) -> np.ndarray:
    """``(n, 4)`` box of each protected feature widened by how far it can matter to an activity
    (:func:`kotaku_gis.screening.reach_m`, as an angle by :func:`kotaku_gis.geodesy.pad_degrees`).
    """
    from kotaku_gis import geodesy, screening

    if len(lindung) == 0:
        return np.zeros((0, 4))
    boxes = row_bounds(lindung).copy()
    reach = np.nan_to_num(screening.reach_m(lindung).to_numpy(dtype="float64"), nan=0.0)
    deg = geodesy.pad_degrees(np.asarray(lindung.geometry.to_numpy(), dtype=object), reach)
    boxes[:, 0] -= deg
    boxes[:, 1] -= deg
    boxes[:, 2] += deg
    boxes[:, 3] += deg
    return boxes


def near_all(boxes: np.ndarray, wins: list[tuple[float, float, float, float] | None]) -> list[np.ndarray]:
    """:func:`near` for many boxes at once, through an STR-tree of ``boxes`` (the same positions,
    in order: a box meets another when they share a point, edges included).

    Examples
    --------
    >>> import numpy as np
    >>> boxes = np.array([[0.0, 0.0, 1.0, 1.0], [2.0, 2.0, 3.0, 3.0], [np.nan] * 4])
    >>> [a.tolist() for a in near_all(boxes, [(1.0, 1.0, 2.0, 2.0), None, (5.0, 5.0, 6.0, 6.0)])]
    [[0, 1], [], []]
    """
    out = [np.zeros(0, dtype=np.int64) for _ in wins]
    valid = ~np.isnan(boxes).any(axis=1) if len(boxes) else np.zeros(0, dtype=bool)
    asked = [i for i, w in enumerate(wins) if w is not None]
    if not valid.any() or not asked:
        return out
    pos = np.flatnonzero(valid)
    tree = shapely.STRtree(shapely.box(*boxes[valid].T))
    src, hit = tree.query(shapely.box(*np.array([wins[i] for i in asked], dtype="float64").T))  # envelopes meet
    order = np.lexsort((hit, src))
    src, hit = src[order], pos[hit[order]]
    cuts = np.searchsorted(src, np.arange(len(asked) + 1))
    for j, i in enumerate(asked):
        out[i] = hit[cuts[j] : cuts[j + 1]].astype(np.int64)
    return out


def near(boxes: np.ndarray, box: tuple[float, float, float, float] | None) -> np.ndarray:
    """Positions of the boxes that meet ``box`` (none for None)."""
    if box is None or len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    west, south, east, north = box
    hit = (boxes[:, 0] <= east) & (boxes[:, 2] >= west) & (boxes[:, 1] <= north) & (boxes[:, 3] >= south)
    return np.flatnonzero(hit)
