"""Geometries of a map page as quantized, delta-encoded integers (as TopoJSON encodes its arcs).

A map page sends its layers' coordinates already rounded to the level's ``decimals``
(``recipes.yml``). Written as GeoJSON decimals a vertex costs about 22 characters
(``[117.123456,-1.123456],``); here every coordinate sequence (a polygon's ring, a line, a point) is
written as integers in units of ``10**-decimals`` degree, the first position absolute and each
next one the difference from the one before, in one flat list::

    [x0, y0, x1 - x0, y1 - y0, x2 - x1, y2 - y1, ...]

Neighbouring vertices of a simplified boundary lie a few metres apart, so a difference has 2 to 4
digits instead of 10 or 11: the same coordinates in about a third of the bytes. The lists nest as
GeoJSON's ``coordinates`` do, one level less (a Point is ``[x, y]``, a MultiPoint a list of those,
a LineString one list, a Polygon a list of rings, a MultiPolygon a list of those), under the same
``type``; a GeometryCollection keeps its ``geometries``, each encoded so. Missing and empty
geometries are ``None``.

The page's script (``assets/kotaku/kotaku_map.js``, ``decode``) turns them back into GeoJSON by a
cumulative sum divided by ``10**decimals``: integer sums are exact, and dividing an integer by a
power of ten gives the double nearest to the rounded coordinate, as Python's
:func:`decode_geometry` does here.

Examples
--------
>>> from shapely import LineString
>>> line = encode_geometries([LineString([(117.123456, -1.123456), (117.123501, -1.123399)])], 6)[0]
>>> line
{'type': 'LineString', 'coordinates': [117123456, -1123456, 45, 57]}
>>> decode_geometry(line, 6)
{'type': 'LineString', 'coordinates': [[117.123456, -1.123456], [117.123501, -1.123399]]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

#: GeoJSON type names by shapely type id (LinearRing is written as a LineString, as GeoJSON has no ring).
_TYPES = {0: "Point", 1: "LineString", 2: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}
_COLLECTION = 7
_POLYGON = 3


def encode_geometries(geoms: Sequence[Any] | np.ndarray, decimals: int) -> list[dict[str, Any] | None]:
    """Geometries as quantized, delta-encoded GeoJSON-like objects (see the module's text).

    Vectorised: the coordinates of all geometries are rounded and differenced in one numpy pass;
    Python only slices the result per ring, part and geometry.

    Parameters
    ----------
    geoms : sequence of shapely geometries or None
        The geometries, in degrees (missing and empty ones become ``None``).
    decimals : int
        Decimal places kept: coordinates are written in units of ``10**-decimals`` degree.

    Returns
    -------
    list of dict or None
        One entry per geometry: ``{"type": ..., "coordinates": ...}`` (integers), or for a
        collection ``{"type": "GeometryCollection", "geometries": [...]}``.

    Examples
    --------
    >>> from shapely import Point, Polygon
    >>> square = Polygon([(10, -1), (10.5, -1), (10.5, -0.5), (10, -1)])
    >>> point, polygon, missing = encode_geometries([Point(10.25, -0.75), square, None], 2)
    >>> point, missing
    ({'type': 'Point', 'coordinates': [1025, -75]}, None)
    >>> polygon
    {'type': 'Polygon', 'coordinates': [[1000, -100, 50, 0, 0, 50, -50, -50]]}
    """
    arr = np.asarray(geoms, dtype=object).reshape(-1)
    out: list[dict[str, Any] | None] = [None] * len(arr)
    shown = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    kind = np.full(len(arr), -1)
    kind[shown] = shapely.get_type_id(arr[shown])
    for i in np.flatnonzero(kind == _COLLECTION):  # rare: members encoded one collection at a time
        members = [g for g in encode_geometries(shapely.get_parts(arr[i]), decimals) if g is not None]
        out[i] = {"type": "GeometryCollection", "geometries": members}
    simple = np.flatnonzero(shown & (kind != _COLLECTION))
    if len(simple) == 0:
        return out
    parts, owner = shapely.get_parts(arr[simple], return_index=True)
    solid = ~shapely.is_empty(parts)  # a multi-geometry may hold an empty part: left out, as GeoJSON has no empty position
    parts, owner = parts[solid], owner[solid]
    polygon = shapely.get_type_id(parts) == _POLYGON
    # the coordinate sequences in order: a polygon's rings (exterior first), else the part itself
    rings, ring_part = shapely.get_rings(parts[polygon], return_index=True)
    seqs = np.concatenate([rings, parts[~polygon]])
    seq_part = np.concatenate([np.flatnonzero(polygon)[ring_part], np.flatnonzero(~polygon)])
    order = np.argsort(seq_part, kind="stable")
    seqs, seq_part = seqs[order], seq_part[order]
    xy, seq_of = shapely.get_coordinates(seqs, return_index=True)
    q = np.rint(xy * 10.0**decimals).astype(np.int64)
    first = np.ones(len(q), dtype=bool)
    first[1:] = seq_of[1:] != seq_of[:-1]
    delta = q.copy()
    delta[1:] -= q[:-1]
    delta[first] = q[first]
    flat = delta.ravel().tolist()
    ends = 2 * np.cumsum(np.bincount(seq_of, minlength=len(seqs)))
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    lists = [flat[a:b] for a, b in zip(starts, ends.tolist())]
    # rings grouped into their polygon, parts into their geometry
    part_coords: list[Any] = [[] if p else None for p in polygon.tolist()]
    for s, p in zip(lists, seq_part.tolist()):
        if polygon[p]:
            part_coords[p].append(s)
        else:
            part_coords[p] = s
    by_geom: list[list[Any]] = [[] for _ in simple]
    for c, o in zip(part_coords, owner.tolist()):
        by_geom[o].append(c)
    for i, k, c in zip(simple.tolist(), kind[simple].tolist(), by_geom):
        out[i] = {"type": _TYPES[k], "coordinates": c if k >= 4 else c[0]}
    return out


#: How many list levels above the coordinate sequences each type has.
_DEPTH = {"Point": 0, "LineString": 0, "MultiPoint": 1, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}


def decode_geometry(encoded: dict[str, Any] | None, decimals: int) -> dict[str, Any] | None:
    """A GeoJSON geometry from one entry of :func:`encode_geometries` (as the page's script decodes it).

    Examples
    --------
    >>> decode_geometry({"type": "MultiPoint", "coordinates": [[1025, -75], [1000, -100]]}, 2)
    {'type': 'MultiPoint', 'coordinates': [[10.25, -0.75], [10.0, -1.0]]}
    """
    if encoded is None:
        return None
    kind = encoded["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [decode_geometry(g, decimals) for g in encoded["geometries"]]}
    scale = 10**decimals

    def positions(seq: list[int]) -> list[list[float]]:
        xy = np.cumsum(np.asarray(seq, dtype=np.int64).reshape(-1, 2), axis=0)
        return [[int(x) / scale, int(y) / scale] for x, y in xy]

    def nest(c: Any, depth: int) -> Any:
        return [nest(s, depth - 1) for s in c] if depth else positions(c)

    coords = nest(encoded["coordinates"], _DEPTH[kind])
    if kind == "Point":
        coords = coords[0]
    elif kind == "MultiPoint":
        coords = [p[0] for p in coords]
    return {"type": kind, "coordinates": coords}
