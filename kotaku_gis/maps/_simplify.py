"""Boundary simplification for maps: a coverage stays a coverage.

Administrative boundaries are a *coverage*: neighbours share their borders. Simplifying each polygon
on its own (what ``GeoSeries.simplify`` does) moves the two copies of a shared border differently and
opens gaps and overlaps between neighbours. :func:`simplify_coverage` simplifies the shared edges once
(GEOS coverage simplification, ``shapely.coverage_simplify``) so that neighbours still meet exactly.

Published boundaries are not a clean coverage to begin with (``data/README.md``: neighbours overlap
slightly and leave slivers, because the source simplified each polygon by itself). Coverage
simplification assumes a clean coverage, so the input is cleaned first with ``shapely.coverage_clean``
(shapely >= 2.2 with GEOS >= 3.14): overlaps go to the neighbour with the longest shared border,
vertices closer than a snapping distance are merged, and gaps narrower than ``gap_width_m`` are
filled. Wider gaps (real holes, the sea between islands) are kept. With an older shapely the input is
only snapped to a fine grid, and slight overlaps in the input stay slight overlaps.

After simplifying, parts smaller than ``min_part_km2`` (the thousands of tiny islands on a national
map) are dropped, except the largest part of each feature, and coordinates are rounded to
``decimals`` places on a grid (``shapely.set_precision``), which rounds the two copies of a shared
vertex to the same point and so keeps borders shared.

Distances are converted to degrees with 111,320 m per degree (the equator; Indonesia lies within
11 degrees of it, where a degree of longitude is at least 98 % of that). This is a display tolerance,
not a measurement: areas and distances for analysis are computed by :mod:`kotaku_gis.geodesy`.

Examples
--------
>>> import shapely
>>> from kotaku_gis.maps import simplify_coverage
>>> wavy = [(0.001 * i, 0.0002 * (i % 2)) for i in range(11)]          # a zig-zag shared border
>>> north = shapely.Polygon([(0, 0.01), *wavy, (0.01, 0.01)])
>>> south = shapely.Polygon([(0, -0.01), *wavy, (0.01, -0.01)])
>>> a, b = simplify_coverage([north, south], tolerance_m=100, decimals=5)
>>> bool(shapely.get_num_coordinates(a) < shapely.get_num_coordinates(north))
True
>>> shared = shapely.intersection(a, b)                         # still one shared line, no overlap
>>> shared.length > 0.009, shared.area == 0
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from kotaku_gis import i18n
from kotaku_gis.errors import UsageError

#: Metres per degree used to turn the display tolerances into degrees (see the module docstring).
METRES_PER_DEGREE = 111_320.0

_HAS_CLEAN = hasattr(shapely, "coverage_clean")


def _array(geoms: Sequence[BaseGeometry | None] | np.ndarray) -> np.ndarray:
    arr = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    kinds = shapely.get_type_id(arr)
    if np.any((kinds != 3) & (kinds != 6) & (kinds != -1)):
        raise UsageError(i18n.text("maps.error.coverage_types"))
    return arr


def clean_coverage(geoms: Sequence[BaseGeometry | None] | np.ndarray, *, gap_width_m: float = 0.0) -> np.ndarray:
    """Make polygons a valid coverage: no overlaps, shared edges identical, narrow gaps filled.

    Parameters
    ----------
    geoms : sequence of Polygon/MultiPolygon (None allowed)
        The polygons, in lon/lat degrees.
    gap_width_m : float
        Gaps narrower than this (metres) are merged into a neighbour; 0 keeps every gap.

    Returns
    -------
    numpy.ndarray of geometries
        Same length and order as ``geoms``.

    Examples
    --------
    >>> import shapely
    >>> from shapely.geometry import box
    >>> from kotaku_gis.maps._simplify import clean_coverage
    >>> out = clean_coverage([box(0, 0, 0.01, 0.01), box(0.00999, 0, 0.02, 0.01)])  # overlapping
    >>> bool(shapely.coverage_is_valid(out))
    True
    """
    arr = _array(geoms)
    present = ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
    out = arr.copy()
    if not present.any():
        return out
    valid = shapely.make_valid(arr[present])
    valid = np.array([_polygonal(g) for g in valid], dtype=object)
    if _HAS_CLEAN:
        out[present] = shapely.coverage_clean(valid, gap_width=gap_width_m / METRES_PER_DEGREE)
    else:  # pragma: no cover - shapely < 2.2: snap only
        out[present] = shapely.set_precision(valid, 1e-7)
    return out


def _polygonal(g: BaseGeometry) -> BaseGeometry:
    """The polygonal part of what make_valid returned (it may add stray lines or points)."""
    if shapely.get_type_id(g) in (3, 6):
        return g
    parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) == 3]
    return shapely.multipolygons(parts) if parts else shapely.Polygon()


def simplify_coverage(
    geoms: Sequence[BaseGeometry | None] | np.ndarray,
    *,
    tolerance_m: float,
    gap_width_m: float = 0.0,
    min_part_km2: float = 0.0,
    decimals: int = 6,
    clean: bool = True,
) -> np.ndarray:
    """Simplify polygons that tile an area so that neighbours still share their borders.

    Parameters
    ----------
    geoms : sequence of Polygon/MultiPolygon (None allowed)
        Neighbouring polygons in lon/lat degrees (children of one unit, for example).
    tolerance_m : float
        Simplification tolerance in metres (about the square root of the largest triangle area
        removed, Visvalingam-Whyatt); 0 only cleans and rounds.
    gap_width_m : float
        Gaps (slivers) narrower than this are filled while cleaning (see :func:`clean_coverage`).
    min_part_km2 : float
        Parts of a multipolygon smaller than this are dropped, except each feature's largest part.
    decimals : int
        Coordinates are rounded to this many decimal places (5: about 1 m; 3: about 110 m).
    clean : bool
        Clean the coverage first (default). Pass False only for input known to be clean.

    Returns
    -------
    numpy.ndarray of geometries
        Valid polygons, same length and order as ``geoms``; None stays None.

    Raises
    ------
    UsageError
        A geometry is not polygonal, or a parameter is negative.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> from kotaku_gis.maps import simplify_coverage
    >>> out = simplify_coverage([box(0, 0, 1, 1), box(1, 0, 2, 1)], tolerance_m=0, decimals=1)
    >>> [g.area for g in out]
    [1.0, 1.0]
    """
    if tolerance_m < 0 or gap_width_m < 0 or min_part_km2 < 0 or decimals < 0:
        raise UsageError(i18n.text("maps.error.negative"))
    arr = clean_coverage(geoms, gap_width_m=gap_width_m) if clean else _array(geoms)

    def simplify(work: np.ndarray) -> np.ndarray:
        if tolerance_m > 0:
            work = shapely.coverage_simplify(work, tolerance_m / METRES_PER_DEGREE)
        if min_part_km2 > 0:
            work = _drop_small_parts(work, min_part_km2 * 1e6 / METRES_PER_DEGREE**2)
        return work

    return _simplify_present(arr, simplify, decimals)


def _simplify_present(arr: np.ndarray, simplify: Callable[[np.ndarray], np.ndarray], decimals: int) -> np.ndarray:
    """``arr`` with its present (not missing, not empty) geometries simplified then rounded to ``decimals``.

    A feature that rounding would make empty (smaller than the grid) keeps its unrounded geometry.
    """
    present = ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
    out = arr.copy()
    if not present.any():
        return out
    work = simplify(arr[present])
    rounded = shapely.set_precision(work, 10.0 ** (-decimals))
    lost = shapely.is_empty(rounded)
    rounded[lost] = work[lost]
    out[present] = rounded
    return out


def _drop_small_parts(geoms: np.ndarray, min_area_deg2: float) -> np.ndarray:
    out = []
    for g in geoms:
        parts = shapely.get_parts(g)
        if len(parts) <= 1:
            out.append(g)
            continue
        areas = shapely.area(parts)
        keep = areas >= min_area_deg2
        keep[int(np.argmax(areas))] = True
        out.append(shapely.multipolygons(parts[keep]) if keep.sum() > 1 else parts[keep][0])
    return np.array(out, dtype=object)


def simplify_features(geoms: Sequence[BaseGeometry | None] | np.ndarray, *, tolerance_m: float, decimals: int) -> np.ndarray:
    """Simplify and round features that are not a coverage (slum locations, activities, rivers).

    Each feature is simplified by itself, keeping it valid (``preserve_topology``); points are only
    rounded. A feature that rounding would make empty keeps its unrounded geometry.

    Examples
    --------
    >>> import shapely
    >>> from kotaku_gis.maps._simplify import simplify_features
    >>> simplify_features([shapely.Point(109.3333333, -0.0333333)], tolerance_m=5, decimals=5)[0].wkt
    'POINT (109.33333 -0.03333)'
    """
    arr = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)

    def simplify(work: np.ndarray) -> np.ndarray:
        if tolerance_m > 0:
            return shapely.simplify(work, tolerance_m / METRES_PER_DEGREE, preserve_topology=True)
        return work

    return _simplify_present(arr, simplify, decimals)
