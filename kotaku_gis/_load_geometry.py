"""Private helpers of :mod:`kotaku_gis.loader`: step 2 of a load, the geometry of a file's rows.

Coordinates that are not finite, missing geometry, Z values, the storage CRS, swapped axes and
coordinates outside Indonesia, invalid geometry (repaired) and the geometry type of the layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from kotaku_gis import settings
from kotaku_gis.files import ROW

if TYPE_CHECKING:
    from kotaku_gis.loader import _Batch

_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def normalize_geometry(batch: _Batch, swap_xy: bool) -> None:
    """Check and normalise ``batch.frame``'s geometry in place, recording problems in ``batch``."""
    frame = batch.frame
    if frame.crs is None:
        batch.add("crs_missing")
        return
    frame, broken = _drop_not_finite(batch, frame)
    geoms = frame.geometry.values
    missing = (shapely.is_missing(geoms) | shapely.is_empty(geoms)) & ~broken
    if missing.any() and batch.spec.geometry != "multipolygon_or_point":  # else: placed in its kelurahan
        batch.add("geometry_missing", frame.loc[missing, ROW], "geometry")
    if shapely.has_z(geoms).any():
        batch.add("z_dropped", severity="warning", count=int(shapely.has_z(geoms).sum()))
        frame = frame.set_geometry(shapely.force_2d(geoms), crs=frame.crs)
    if not frame.crs.equals(settings.storage_crs):
        batch.add("reprojected", severity="info", crs=frame.crs.to_string())
        frame = frame.to_crs(settings.storage_crs)
    geoms = frame.geometry.values
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = _check_extent(batch, frame, geoms, ok, swap_xy)
    geoms, invalid = _repair(batch, frame, geoms, ok)
    geoms = _check_type(batch, frame, geoms, ok, invalid)
    batch.frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=settings.storage_crs))


def _drop_not_finite(batch: _Batch, frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """NaN or infinite coordinates: GEOS cannot measure, repair or project them (reported, emptied)."""
    geoms = frame.geometry.values
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    broken = np.zeros(len(geoms), dtype=bool)
    broken[np.unique(owner[~np.isfinite(xy).all(axis=1)])] = True
    if broken.any():
        batch.add("coordinate_not_finite", frame.loc[broken, ROW], "geometry")
        geoms = geoms.copy()
        geoms[broken] = None
        frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index), crs=frame.crs)
    return frame, broken


def _check_extent(batch: _Batch, frame: gpd.GeoDataFrame, geoms: np.ndarray, ok: np.ndarray, swap_xy: bool) -> np.ndarray:
    """Swapped axes and coordinates outside Indonesia, by each feature's bounding box."""
    minlon, minlat, maxlon, maxlat = settings.indonesia_bounds
    b = shapely.bounds(geoms)
    inside = ok & (b[:, 0] >= minlon) & (b[:, 2] <= maxlon) & (b[:, 1] >= minlat) & (b[:, 3] <= maxlat)
    swapped = ok & ~inside & (b[:, 1] >= minlon) & (b[:, 3] <= maxlon) & (b[:, 0] >= minlat) & (b[:, 2] <= maxlat)
    if swapped.any():
        if swap_xy:
            flipped = shapely.transform(geoms[swapped], lambda c: c[:, ::-1])
            geoms = geoms.copy()
            geoms[swapped] = flipped
            batch.add("axes_swapped_fixed", frame.loc[swapped, ROW], "geometry", severity="warning")
        else:
            rows = frame.loc[swapped, ROW]
            xs, ys = b[swapped, 0], b[swapped, 1]
            for row, x, y in zip(rows, xs, ys):
                batch.add(
                    "axes_swapped",
                    [row],
                    "geometry",
                    x=round(float(x), 6),
                    y=round(float(y), 6),
                    all=bool(swapped.sum() == ok.sum()),
                )
    outside = ok & ~inside & ~swapped
    if outside.any():
        for row, (x0, y0, _, _) in zip(frame.loc[outside, ROW], b[outside]):
            batch.add("outside_indonesia", [row], "geometry", x=round(float(x0), 6), y=round(float(y0), 6))
    return geoms


def _repair(batch: _Batch, frame: gpd.GeoDataFrame, geoms: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invalid geometry: repaired and reported."""
    invalid = ok & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        repaired = shapely.make_valid(geoms[invalid])
        geoms = geoms.copy()
        geoms[invalid] = repaired
        for row, reason in zip(frame.loc[invalid, ROW], reasons):
            batch.add("geometry_repaired", [row], "geometry", severity="warning", reason=reason)
    return geoms, invalid


def _check_type(batch: _Batch, frame: gpd.GeoDataFrame, geoms: np.ndarray, ok: np.ndarray, invalid: np.ndarray) -> np.ndarray:
    """The geometry type against the layer's (polygons become multipolygons)."""
    spec = batch.spec
    types = shapely.get_type_id(geoms)
    if spec.geometry in ("multipolygon", "multipolygon_or_point"):
        geoms = _polygonal(geoms, invalid)
        types = shapely.get_type_id(geoms)
        bad = ok & ~np.isin(types, [3, 6] if spec.geometry == "multipolygon" else [0, 3, 6])
        single = types == 3
        if single.any():
            geoms = geoms.copy()
            geoms[single] = shapely.multipolygons(geoms[single], indices=np.arange(int(single.sum())))
    elif spec.geometry == "point":
        bad = ok & (types != 0)
    elif spec.geometry == "linestring":
        bad = ok & (types != 1)
    else:
        geoms = _polygonal_or_single(geoms, invalid)
        types = shapely.get_type_id(geoms)
        bad = ok & (types == 7)
    if bad.any():
        names = shapely.get_type_id(geoms[bad])
        for row, t in zip(frame.loc[bad, ROW], names):
            batch.add(
                "geometry_type", [row], "geometry", found=_TYPE_NAMES.get(int(t), str(t)), expected=spec.geometry, layer=spec.name
            )
    return geoms


def _polygonal(geoms: np.ndarray, repaired: np.ndarray) -> np.ndarray:
    """Keep the polygonal part of repaired features (make_valid may add collapsed lines/points)."""
    out = geoms.copy()
    for i in np.flatnonzero(repaired & (shapely.get_type_id(geoms) == 7)):
        parts = [p for p in shapely.get_parts(geoms[i]) if shapely.get_type_id(p) in (3, 6)]
        if parts:
            out[i] = shapely.union_all(parts)
    return out


def _polygonal_or_single(geoms: np.ndarray, repaired: np.ndarray) -> np.ndarray:
    """For mixed-type layers: reduce a repaired collection to its highest-dimension part."""
    out = geoms.copy()
    for i in np.flatnonzero(repaired & (shapely.get_type_id(geoms) == 7)):
        parts = shapely.get_parts(geoms[i])
        dim = max(shapely.get_dimensions(parts))
        out[i] = shapely.union_all([p for p in parts if shapely.get_dimensions(p) == dim])
    return out
