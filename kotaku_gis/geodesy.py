"""Areas, lengths and distances in metres, each computed in a metric CRS suited to the place.

Everything is stored in longitude/latitude (EPSG:4326), where lengths are in degrees and mean
nothing. Indonesia spans UTM zones 46 to 54, north and south of the equator (Pontianak sits on it),
so no single projected CRS serves the whole country. Here each feature is measured in the UTM zone
of its own representative point (a point inside the feature): features are grouped by zone and each
group is projected once, so a column of half a million polygons is measured in a few passes.

Edges longer than ``settings.geodesy_max_segment_deg`` (0.05 degree, about 5.5 km) are split
before projecting, so that a long edge keeps the course it has in longitude/latitude rather than
becoming a straight line in UTM (which matters for long, thin features drawn with few vertices).

UTM scales lengths by 0.9996 on a zone's central meridian and by up to about 1.001 at its edges (a
feature that reaches beyond its zone's edge more). That scale factor is divided out at each
feature's centroid, so small features are measured to within about 0.01 % of the geodesic value on
the WGS84 ellipsoid, and features up to tens of kilometres across well within 0.5 %.

A feature north of the equator gets the northern zone (EPSG:326zz), one south of it the southern
zone (EPSG:327zz); the two differ only by a constant false northing, so features that straddle the
equator are measured correctly either way.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from kotaku_gis import geodesy
>>> squares = gpd.GeoSeries([box(109.33, -0.01, 109.34, 0.0)], crs="EPSG:4326")  # near Pontianak
>>> round(float(geodesy.area_ha(squares).iloc[0]), 1)
123.1
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from kotaku_gis import i18n, settings
from kotaku_gis.errors import UsageError

_FrameT = TypeVar("_FrameT", gpd.GeoDataFrame, gpd.GeoSeries)

_WGS84 = CRS.from_epsg(4326)
_K0 = 0.9996  # UTM scale factor on the central meridian
_FALSE_EASTING = 500_000.0
_RADIUS = 6_371_008.8  # mean Earth radius (m): for the scale-factor correction only
_POINT = 0  # shapely type ids
_LINESTRING = 1
_POLYGON = 3
#: Metres per degree of latitude at the equator (the smallest anywhere) and of longitude on the
#: equator (a = 6,378,137 m); pad_degrees applies a safety margin on top.
_M_PER_DEG_LAT_MIN = 110_574.0
_M_PER_DEG_LON_EQ = 111_319.49
_PAD_SAFETY = 0.995


# -- zones -------------------------------------------------------------------------------------------
def utm_epsg(lon: float, lat: float) -> int:
    """The EPSG code of the WGS84 UTM zone that holds a point.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees (WGS84).

    Returns
    -------
    int
        ``326zz`` north of the equator (and on it), ``327zz`` south of it, where ``zz`` is the zone
        number, 1 to 60 (6 degrees of longitude each, zone 1 starting at 180 W). The special zones
        of Norway and Svalbard are not applied.

    Raises
    ------
    UsageError
        If the coordinates are not finite or outside -180..180 / -90..90 (projected coordinates,
        for example).

    Examples
    --------
    >>> utm_epsg(109.34, -0.03)  # Pontianak
    32749
    >>> utm_epsg(95.32, 5.55)  # Banda Aceh
    32646
    >>> utm_epsg(140.72, -2.53)  # Jayapura
    32754
    """
    return int(utm_epsg_array(np.array([lon], dtype=float), np.array([lat], dtype=float), missing="raise")[0])


def utm_epsg_array(lon: ArrayLike, lat: ArrayLike, *, missing: str = "zero") -> np.ndarray:
    """The vectorised form of :func:`utm_epsg`.

    Parameters
    ----------
    lon, lat : array_like of float
        Longitudes and latitudes in degrees (WGS84), of the same shape.
    missing : {"zero", "raise"}
        What a NaN coordinate gives: ``0`` in the result (default; an empty or missing geometry
        has NaN coordinates) or a UsageError.

    Returns
    -------
    numpy.ndarray of int64
        EPSG codes, ``0`` where a coordinate is NaN.

    Raises
    ------
    UsageError
        If a finite coordinate lies outside -180..180 / -90..90, or (with ``missing="raise"``) one
        is NaN.

    Examples
    --------
    >>> utm_epsg_array([106.8, 108.0, 107.99, np.nan], [-6.2, 2.0, 2.0, 0.0]).tolist()
    [32748, 32649, 32648, 0]
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    if x.shape != y.shape:
        raise UsageError(i18n.text("geodesy.shape", a=x.shape, b=y.shape))
    if missing not in ("zero", "raise"):
        raise UsageError(i18n.text("geodesy.missing_option", value=repr(missing)))
    nan = np.isnan(x) | np.isnan(y)
    if missing == "raise" and nan.any():
        raise UsageError(i18n.text("geodesy.coordinate_missing"))
    with np.errstate(invalid="ignore"):
        outside = ~nan & ((np.abs(x) > 180) | (np.abs(y) > 90))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise UsageError(i18n.text("geodesy.not_degrees", x=x.flat[i], y=y.flat[i]))
    zone = np.clip(np.floor((np.where(nan, 0.0, x) + 180.0) / 6.0).astype(np.int64) + 1, 1, 60)
    epsg = np.where(y >= 0, 32600, 32700) + zone
    return np.where(nan, 0, epsg).astype(np.int64)


# -- measures ----------------------------------------------------------------------------------------
def area_m2(geoms: gpd.GeoSeries) -> pd.Series:
    """The area of each feature in square metres.

    Each feature is projected to the UTM zone of its representative point and measured there, with
    the zone's scale factor at the feature's centroid divided out (see the module notes).

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Features with a CRS; not in EPSG:4326 they are reprojected to it first.

    Returns
    -------
    pandas.Series
        Areas in m\\ :sup:`2` (float64, same index); 0 for points, lines and empty geometries, NaN
        for missing ones.

    Raises
    ------
    UsageError
        If ``geoms`` has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gs = gpd.GeoSeries([box(106.80, -6.21, 106.81, -6.20), None], crs="EPSG:4326")
    >>> area_m2(gs).round(-2).tolist()
    [1223900.0, nan]
    """
    return _measure(geoms, "area")


def area_ha(geoms: gpd.GeoSeries) -> pd.Series:
    """The area of each feature in hectares: :func:`area_m2` / 10,000.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Features with a CRS; not in EPSG:4326 they are reprojected to it first.

    Returns
    -------
    pandas.Series
        Areas in hectares (float64, same index).

    Raises
    ------
    UsageError
        If ``geoms`` has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gs = gpd.GeoSeries([box(106.80, -6.21, 106.81, -6.20)], crs="EPSG:4326")
    >>> area_ha(gs).round(1).tolist()
    [122.4]
    """
    return area_m2(geoms) / 10_000.0


def length_m(geoms: gpd.GeoSeries) -> pd.Series:
    """The length of each feature in metres (the perimeter of a polygon).

    Measured like :func:`area_m2`: in the UTM zone of the feature's representative point, with the
    scale factor at its centroid divided out.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Features with a CRS; not in EPSG:4326 they are reprojected to it first.

    Returns
    -------
    pandas.Series
        Lengths in metres (float64, same index); 0 for points and empty geometries, NaN for
        missing ones.

    Raises
    ------
    UsageError
        If ``geoms`` has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> gs = gpd.GeoSeries([LineString([(109.30, -0.05), (109.30, 0.05)])], crs="EPSG:4326")
    >>> length_m(gs).round().tolist()  # 0.1 degree of latitude across the equator
    [11057.0]
    """
    return _measure(geoms, "length")


def distance_m(a: gpd.GeoSeries, b: gpd.GeoSeries | BaseGeometry) -> pd.Series:
    """The shortest distance in metres between the features of ``a`` and ``b``, pair by pair.

    Each pair is measured in the UTM zone of the midpoint of the two features' representative
    points, with the scale factor at that midpoint divided out.

    Parameters
    ----------
    a : geopandas.GeoSeries
        Features with a CRS; not in EPSG:4326 they are reprojected to it first.
    b : geopandas.GeoSeries or shapely geometry
        Features paired with ``a`` by position (same length; the index is not used), each in its
        own CRS; or one geometry, in ``a``'s CRS, measured from every feature of ``a``.

    Returns
    -------
    pandas.Series
        Distances in metres (float64, with ``a``'s index); 0 where the features touch or overlap,
        NaN where either is missing or empty.

    Raises
    ------
    UsageError
        If a series has no CRS or the two differ in length.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> a = gpd.GeoSeries([Point(109.33, -0.01), Point(107.9, 2.0)], crs="EPSG:4326")
    >>> b = gpd.GeoSeries([Point(109.33, 0.01), Point(108.1, 2.0)], crs="EPSG:4326")
    >>> distance_m(a, b).round().tolist()  # across the equator; across the zone 48/49 border
    [2211.0, 22251.0]
    """
    pa, pb, index = _pairs(a, b)
    out = np.full(len(pa), np.nan)
    xa, ya = _point_xy(shapely.point_on_surface(pa))
    xb, yb = _point_xy(shapely.point_on_surface(pb))
    lon = (xa + xb) / 2.0
    lat = (ya + yb) / 2.0
    epsg = utm_epsg_array(lon, lat)
    points = (shapely.get_type_id(pa) == _POINT) & (shapely.get_type_id(pb) == _POINT)
    for code, idx in _groups(epsg):
        transform = _transformer(code).transform
        mid_x, _ = transform(lon[idx], lat[idx])
        both = points[idx]
        if both.any():  # two points: from their coordinates, without building geometries
            p, q = idx[both], both.nonzero()[0]
            ax, ay = transform(xa[p], ya[p])
            bx, by = transform(xb[p], yb[p])
            out[p] = np.hypot(np.asarray(bx) - ax, np.asarray(by) - ay) / _scale(mid_x[q])
        if not both.all():
            rest, q = idx[~both], (~both).nonzero()[0]
            out[rest] = shapely.distance(_project(pa[rest], code), _project(pb[rest], code)) / _scale(mid_x[q])
    return pd.Series(out, index=index, dtype="float64")


def dwithin_m(a: gpd.GeoSeries, b: gpd.GeoSeries | BaseGeometry, distance: float) -> pd.Series:
    """Whether the features of ``a`` and ``b`` lie within ``distance`` metres of each other, pair by pair.

    Parameters
    ----------
    a : geopandas.GeoSeries
        Features with a CRS.
    b : geopandas.GeoSeries or shapely geometry
        Paired with ``a`` as in :func:`distance_m`.
    distance : float
        Distance in metres (0 or more).

    Returns
    -------
    pandas.Series
        Booleans with ``a``'s index; False where either feature is missing or empty.

    Raises
    ------
    UsageError
        If ``distance`` is negative or not a number, or as :func:`distance_m`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> a = gpd.GeoSeries([Point(109.330, -0.02), Point(109.335, -0.02)], crs="EPSG:4326")
    >>> dwithin_m(a, Point(109.331, -0.02), 200).tolist()
    [True, False]
    """
    try:
        limit = float(distance)
    except (TypeError, ValueError):
        raise UsageError(i18n.text("geodesy.distance_number", value=repr(distance))) from None
    if not limit >= 0:
        raise UsageError(i18n.text("geodesy.distance_negative", value=repr(distance)))
    return (distance_m(a, b) <= limit).fillna(False).astype(bool)


def pad_degrees(geoms: ArrayLike, distance_m: ArrayLike) -> np.ndarray:
    """``distance_m`` as an angle around each feature, never shorter than the distance.

    For widening boxes and ``dwithin`` searches in EPSG:4326 before measuring in metres: a degree of
    latitude is at least 110,574 m (at the equator) and a degree of longitude at least 111,319 m x
    cos(latitude), so within the highest latitude the feature and its reach get to, a Euclidean
    step of d degrees spans at least d x the smaller of the two (less a 0.5 % margin).

    Parameters
    ----------
    geoms : array of shapely geometries, or their bounds (array of shape (n, 4))
        Features in longitude/latitude.
    distance_m : float or array
        Metres, one for all or one per feature.

    Returns
    -------
    numpy.ndarray
        Degrees, one per feature.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> pad = pad_degrees(np.array([shapely.Point(109.33, -0.03), shapely.Point(123.6, -10.2)]), 1000.0)
    >>> bool((pad * 110_574 >= 1000).all()), bool(pad[1] > pad[0])  # Kupang: a degree of longitude is shorter
    (True, True)
    """
    given = np.asarray(geoms)
    bounds = given if given.dtype.kind == "f" else shapely.bounds(np.asarray(geoms, dtype=object))
    limit = np.asarray(distance_m, dtype="float64")
    reach = limit / _M_PER_DEG_LAT_MIN / _PAD_SAFETY
    lat = np.minimum(np.maximum(np.abs(bounds[:, 1]), np.abs(bounds[:, 3])) + reach, 89.0)
    per_degree = np.minimum(_M_PER_DEG_LAT_MIN, _M_PER_DEG_LON_EQ * np.cos(np.radians(lat))) * _PAD_SAFETY
    return limit / per_degree


def to_metric(gdf: _FrameT, epsg: int | None = None) -> tuple[_FrameT, int]:
    """Reproject a whole frame to one UTM zone, for work on a region (overlays, buffers, joins).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or geopandas.GeoSeries
        Features with a CRS.
    epsg : int, optional
        The CRS to use. By default the UTM zone of the centre of the frame's extent (its bounding
        box in longitude/latitude), which keeps the scale error of a kabkota or a province small;
        for the whole country measure per feature instead (:func:`area_m2`, :func:`distance_m`).

    Returns
    -------
    projected : same type as ``gdf``
        The features in ``EPSG:epsg``.
    epsg : int
        The EPSG code used.

    Raises
    ------
    UsageError
        If ``gdf`` has no CRS, or ``epsg`` is not given and ``gdf`` has no non-empty geometry.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> gs = gpd.GeoSeries([Point(109.30, -0.06), Point(109.40, 0.02)], crs="EPSG:4326")
    >>> projected, epsg = to_metric(gs)
    >>> epsg, projected.crs.to_epsg()
    (32749, 32749)
    """
    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise UsageError(i18n.text("geodesy.not_geo", what="to_metric", type=type(gdf).__name__))
    if gdf.crs is None:
        raise UsageError(i18n.text("geodesy.no_crs", what="to_metric"))
    if epsg is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not np.isfinite([minx, miny, maxx, maxy]).all():
            raise UsageError(i18n.text("geodesy.no_zone"))
        if not CRS.from_user_input(gdf.crs).equals(_WGS84):
            transformer = Transformer.from_crs(gdf.crs, _WGS84, always_xy=True)
            minx, miny, maxx, maxy = transformer.transform_bounds(minx, miny, maxx, maxy)
        epsg = utm_epsg((minx + maxx) / 2.0, (miny + maxy) / 2.0)
    return gdf.to_crs(epsg), int(epsg)


# -- building blocks for pairwise work ---------------------------------------------------------------
def project(geoms: ArrayLike, epsg: int, *, max_segment_deg: float | None = None) -> np.ndarray:
    """Shapely geometries in longitude/latitude projected to one UTM zone, long edges split first.

    The building block for work on many pairs of features (``kotaku_gis.screening``): group the
    pairs by the zone chosen for each, project each group's features once, measure with shapely and
    divide by :func:`scale_factor`.

    Parameters
    ----------
    geoms : array_like of shapely geometries
        In EPSG:4326 (None and empty geometries pass through).
    epsg : int
        The target CRS, normally a UTM zone from :func:`utm_epsg_array`.
    max_segment_deg : float, optional
        Edges longer than this (degrees) are split before projecting, so that they keep the course
        they have in longitude/latitude; default ``settings.geodesy_max_segment_deg``; 0: never split.

    Returns
    -------
    numpy.ndarray of shapely geometries
        The projected geometries, in metres of the projection: divide lengths measured on them by
        :func:`scale_factor` (areas by its square) to get metres on the ground.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> p = project([Point(111.0, 0.0)], 32649)[0]  # on zone 49's central meridian
    >>> round(p.x, 3), round(p.y, 3)
    (500000.0, 0.0)
    """
    arr = np.asarray(geoms, dtype=object)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    step = settings.geodesy_max_segment_deg if max_segment_deg is None else max_segment_deg
    return _project(_densify(arr, step), int(epsg))


def scale_factor(easting: ArrayLike) -> np.ndarray:
    """The UTM point scale factor at the given eastings: projected metres per metre on the ground.

    0.9996 on a zone's central meridian (easting 500,000 m), about 1.0010 at the zone's edge on the
    equator. Divide projected lengths (and areas by its square) by it.

    Parameters
    ----------
    easting : array_like of float
        UTM eastings in metres; NaN gives 1.

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> scale_factor([500_000.0, 833_000.0]).round(5).tolist()
    [0.9996, 1.00097]
    """
    return _scale(np.asarray(easting, dtype=float))


def scale_factor_at(lon: ArrayLike, lat: ArrayLike, epsg: int) -> np.ndarray:
    """The point scale factor of the UTM zone ``epsg`` at longitude/latitude points
    (:func:`scale_factor` of their eastings, projected straight from the coordinates).

    Parameters
    ----------
    lon, lat : array_like of float
        Degrees (EPSG:4326).
    epsg : int
        A UTM zone (:func:`utm_epsg_array`).

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> scale_factor_at([111.0, 114.0], [0.0, 0.0], 32649).round(5).tolist()  # zone 49: 108-114 E
    [0.9996, 1.00097]
    """
    easting, _ = _transformer(int(epsg)).transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return _scale(np.asarray(easting, dtype=float))


# -- helpers -----------------------------------------------------------------------------------------
def _lonlat(geoms: Any, what: str) -> tuple[np.ndarray, pd.Index, Any]:
    """Geometries of a GeoSeries (or a frame's geometry) in EPSG:4326, with its index and name."""
    if isinstance(geoms, gpd.GeoDataFrame):
        geoms = geoms.geometry
    if not isinstance(geoms, gpd.GeoSeries):
        raise UsageError(i18n.text("geodesy.not_geoseries", what=what, type=type(geoms).__name__))
    if geoms.crs is None:
        raise UsageError(i18n.text("geodesy.no_crs", what=what))
    if not CRS.from_user_input(geoms.crs).equals(_WGS84):
        geoms = geoms.to_crs(_WGS84)
    return _densify(np.asarray(geoms.array, dtype=object)), geoms.index, geoms.name


def _densify(arr: np.ndarray, step: float | None = None) -> np.ndarray:
    """Split the edges longer than ``step`` (default ``settings.geodesy_max_segment_deg``; only
    features that have one)."""
    step = settings.geodesy_max_segment_deg if step is None else step
    if not step or len(arr) == 0:
        return arr
    xmin, ymin, xmax, ymax = shapely.bounds(arr).T
    with np.errstate(invalid="ignore"):
        large = np.maximum(xmax - xmin, ymax - ymin) > step
    if not large.any():
        return arr
    # A large extent only says an edge may be long: look at the edges (rebuilding every large
    # feature costs far more than reading its coordinates).
    idx = np.flatnonzero(large)
    coords, owner = shapely.get_coordinates(arr[idx], return_index=True)
    long_edge = np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1])) > step
    long_edge &= owner[1:] == owner[:-1]  # (an edge across two parts of a feature: split for nothing)
    has_long = np.zeros(len(idx), dtype=bool)
    has_long[owner[1:][long_edge]] = True
    if not has_long.any():
        return arr
    idx = idx[has_long]
    arr = arr.copy()
    arr[idx] = shapely.segmentize(arr[idx], step)
    return arr


def _pairs(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    pa, index, _ = _lonlat(a, "a")
    if isinstance(b, BaseGeometry):
        crs = a.crs if not isinstance(a, gpd.GeoDataFrame) else a.geometry.crs
        b = gpd.GeoSeries([b] * len(pa), crs=crs)
    pb, _, _ = _lonlat(b, "b")
    if len(pa) != len(pb):
        raise UsageError(i18n.text("geodesy.lengths", a=len(pa), b=len(pb)))
    return pa, pb, index


def _groups(epsg: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(EPSG code, positions) for each zone present; code 0 (no location) is skipped."""
    order = np.argsort(epsg, kind="stable")
    codes, starts = np.unique(epsg[order], return_index=True)
    bounds = list(starts) + [len(order)]
    for i, code in enumerate(codes):
        if code != 0:
            yield int(code), order[bounds[i] : bounds[i + 1]]


def _measure(geoms: Any, kind: str) -> pd.Series:
    """Area (``kind="area"``) or length of each feature, in its own UTM zone, scale factor removed."""
    arr, index, name = _lonlat(geoms, "geoms")
    out = np.full(len(arr), np.nan)
    epsg = _feature_zones(arr)
    kinds = shapely.get_type_id(arr)
    one_ring = (kinds == _POLYGON) & (shapely.get_num_interior_rings(arr) == 0)
    simple = (one_ring | (kinds == _LINESTRING) if kind == "length" else one_ring) & (epsg > 0)
    if simple.any():
        fast = np.flatnonzero(simple)
        out[fast] = _measure_simple(arr[fast], epsg[fast], kind)
    for code, idx in _groups(np.where(simple, 0, epsg)):
        projected = _project(arr[idx], code)
        k = _scale(_point_xy(shapely.centroid(projected))[0])
        out[idx] = shapely.area(projected) / k**2 if kind == "area" else shapely.length(projected) / k
    dimension = 2 if kind == "area" else 1
    present = ~shapely.is_missing(arr)
    out[present & (shapely.is_empty(arr) | (shapely.get_dimensions(arr) < dimension))] = 0.0
    return pd.Series(out, index=index, name=name, dtype="float64")


def _measure_simple(part: np.ndarray, epsg: np.ndarray, kind: str) -> np.ndarray:
    """:func:`_measure` for polygons without holes and single lines, from their coordinates.

    The coordinates of all features are taken at once, each zone's share is projected in one call,
    and areas (shoelace formula), lengths and centroids are summed per feature: the same result as
    projecting the geometries, without building new ones.
    """
    m = len(part)
    counts = shapely.get_num_coordinates(part)
    coords = shapely.get_coordinates(part)
    total = len(coords)
    if total == 0:
        return np.zeros(m)
    # Lay the features out zone by zone (each feature's vertices stay together and in order) and
    # project each zone's run of coordinates in one call.
    order = np.argsort(epsg, kind="stable")
    run = counts[order]
    run_first = np.cumsum(run) - run
    perm = np.repeat(np.cumsum(counts)[order] - run - run_first, run) + np.arange(total)
    zone_codes, zone_first = np.unique(epsg[order], return_index=True)
    bounds = np.append(run_first, total)[np.append(zone_first, m)]
    x = coords[perm, 0]
    y = coords[perm, 1]
    for i, code in enumerate(zone_codes):
        lo, hi = bounds[i], bounds[i + 1]
        x[lo:hi], y[lo:hi] = _transformer(int(code)).transform(x[lo:hi], y[lo:hi])
    owner = np.repeat(order, run)  # the feature (position in part) of each vertex
    # Vertices relative to their feature's first one, for precision.
    first = np.minimum(run_first, total - 1)
    x0 = x[first]
    dx = x - np.repeat(x0, run)
    dy = y - np.repeat(y[first], run)
    same = owner[1:] == owner[:-1]  # consecutive vertices of one feature: a segment
    label = owner[:-1]
    x1, x2, y1, y2 = dx[:-1], dx[1:], dy[:-1], dy[1:]
    result = np.empty(m)
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind == "area":
            cross = (x1 * y2 - x2 * y1) * same
            twice = np.bincount(label, cross, minlength=m)[order]
            centre = np.bincount(label, (x1 + x2) * cross, minlength=m)[order] / (3.0 * twice)
            result[order] = np.abs(twice) / 2.0 / _scale(x0 + centre) ** 2
        else:
            seg = np.hypot(x2 - x1, y2 - y1) * same
            length = np.bincount(label, seg, minlength=m)[order]
            centre = np.bincount(label, seg * (x1 + x2) / 2.0, minlength=m)[order] / length
            result[order] = length / _scale(x0 + centre)
    return result


def _feature_zones(arr: np.ndarray) -> np.ndarray:
    """EPSG code of the UTM zone of each feature's representative point (0: missing or empty)."""
    x, y = _point_xy(shapely.point_on_surface(arr))
    return utm_epsg_array(x, y)


def _point_xy(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of points; NaN for missing and empty ones."""
    x = np.full(len(points), np.nan)
    y = np.full(len(points), np.nan)
    ok = ~(shapely.is_missing(points) | shapely.is_empty(points))
    x[ok] = shapely.get_x(points[ok])
    y[ok] = shapely.get_y(points[ok])
    return x, y


@lru_cache(maxsize=64)
def _transformer(epsg: int) -> Transformer:
    """Longitude/latitude to ``epsg``. A WGS84 UTM zone (326zz, 327zz) uses PROJ's ``algo=auto``
    transverse Mercator: Evenden/Snyder where it is within 0.1 mm of Poder/Engsager (PROJ's
    default), which is everywhere a zone is used here, in half the time."""
    hemisphere, zone = divmod(int(epsg), 100)
    if hemisphere in (326, 327) and 1 <= zone <= 60:
        south = " +south" if hemisphere == 327 else ""
        return Transformer.from_pipeline(
            "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad"
            f" +step +proj=utm +zone={zone}{south} +ellps=WGS84 +algo=auto"
        )
    return Transformer.from_crs(_WGS84, CRS.from_epsg(epsg), always_xy=True)


def _project(arr: np.ndarray, epsg: int) -> np.ndarray:
    return shapely.transform(arr, _transformer(epsg).transform, interleaved=False)


def _scale(easting: np.ndarray) -> np.ndarray:
    """UTM point scale factor at the given eastings (NaN easting: 1)."""
    x = (np.nan_to_num(np.asarray(easting, dtype=float), nan=_FALSE_EASTING) - _FALSE_EASTING) / _K0
    r = (x / _RADIUS) ** 2
    return _K0 * (1.0 + r / 2.0 + r**2 / 24.0)
