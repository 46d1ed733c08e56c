"""Tests of kotaku_gis.geodesy against geodesic references on the WGS84 ellipsoid (pyproj.Geod)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box

from kotaku_gis import _boxes, geodesy
from kotaku_gis._boxes import finite_boxes, meeting
from kotaku_gis.errors import UsageError

GEOD = Geod(ellps="WGS84")
TOLERANCE = 0.005  # 0.5 %: the requirement anywhere in Indonesia

# Places that stress the method: on the equator, on zone borders (96, 102, 108, 114, 120, 126,
# 132, 138 E), on zone edges far from their central meridian, and the country's corners.
PLACES = {
    "pontianak_equator": (109.33, 0.0),
    "border_47_48_north": (102.0, 1.5),
    "border_48_49_south": (108.0, -6.8),
    "border_50_51": (120.0, -8.5),
    "edge_of_zone_54": (140.99, -2.6),
    "sabang": (95.3, 5.9),
    "rote": (123.0, -10.8),
    "merauke": (140.4, -8.5),
}


def geodesic_area(geom: Polygon | MultiPolygon) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def geodesic_length(geom: LineString | Polygon) -> float:
    return GEOD.geometry_length(geom)


def series(*geoms: object, crs: str | None = "EPSG:4326") -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=crs)


def square(lon: float, lat: float, size: float) -> Polygon:
    return box(lon - size / 2, lat - size / 2, lon + size / 2, lat + size / 2)


# -- zones -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (109.34, -0.03, 32749),  # Pontianak, just south
        (109.34, 0.03, 32649),  # just north
        (109.34, 0.0, 32649),  # on the equator: north
        (95.32, 5.55, 32646),  # Banda Aceh
        (98.67, 3.59, 32647),  # Medan
        (106.83, -6.2, 32748),  # Jakarta
        (107.9999, -6.9, 32748),
        (108.0, -6.9, 32749),  # zone border: the eastern zone
        (140.72, -2.53, 32754),  # Jayapura
        (180.0, 0.0, 32660),
        (-180.0, -1.0, 32701),
    ],
)
def test_utm_epsg(lon: float, lat: float, epsg: int) -> None:
    assert geodesy.utm_epsg(lon, lat) == epsg


@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=20))
def test_utm_epsg_array_agrees_with_scalar(points: list[tuple[float, float]]) -> None:
    lon, lat = np.array(points).T
    assert geodesy.utm_epsg_array(lon, lat).tolist() == [geodesy.utm_epsg(x, y) for x, y in points]


def test_utm_epsg_rejects_projected_coordinates() -> None:
    with pytest.raises(UsageError, match="EPSG:4326"):
        geodesy.utm_epsg(500_000.0, 9_990_000.0)
    with pytest.raises(UsageError):
        geodesy.utm_epsg(float("nan"), 0.0)
    with pytest.raises(UsageError):
        geodesy.utm_epsg_array([109.0, 200.0], [0.0, 0.0])
    assert geodesy.utm_epsg_array([np.nan], [0.0]).tolist() == [0]


# -- areas -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("size", [0.001, 0.01, 0.1, 0.5])  # about 110 m to 55 km across
def test_area_matches_geodesic_everywhere(place: str, size: float) -> None:
    lon, lat = PLACES[place]
    geom = square(lon, lat, size)
    got = geodesy.area_m2(series(geom)).iloc[0]
    assert got == pytest.approx(geodesic_area(geom), rel=TOLERANCE)


@pytest.mark.parametrize("place", sorted(PLACES))
def test_area_of_small_features_is_near_exact(place: str) -> None:
    """The scale-factor correction makes kelurahan-sized features exact to about 0.01 %."""
    lon, lat = PLACES[place]
    geoms = [square(lon + dx, lat, 0.01) for dx in (-0.02, 0.0, 0.02)]
    got = geodesy.area_m2(series(*geoms))
    for geom, value in zip(geoms, got):
        assert value == pytest.approx(geodesic_area(geom), rel=1e-4)


def test_area_of_features_straddling_the_equator_and_a_zone_border() -> None:
    geoms = [
        box(109.2, -0.3, 109.5, 0.3),  # Pontianak, across the equator
        box(107.7, -0.2, 108.3, 0.2),  # across the equator and the 48/49 border
        Polygon([(107.9, -0.1), (108.4, -0.05), (108.1, 0.3)]),
    ]
    got = geodesy.area_m2(series(*geoms))
    for geom, value in zip(geoms, got):
        assert value == pytest.approx(geodesic_area(geom), rel=TOLERANCE)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(95.0, 141.0),
    st.floats(-11.0, 6.0),
    st.floats(0.0005, 0.3),
    st.floats(0.0005, 0.3),
    st.integers(3, 12),
)
def test_area_matches_geodesic_for_random_polygons(lon: float, lat: float, w: float, h: float, n: int) -> None:
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    geom = Polygon(np.column_stack([lon + w * np.cos(angles), lat + h * np.sin(angles)]))
    got = geodesy.area_m2(series(geom)).iloc[0]
    assert got == pytest.approx(geodesic_area(geom), rel=TOLERANCE)


def test_area_of_long_thin_slivers_with_few_vertices() -> None:
    """Long edges are split first, so they keep their longitude/latitude course in UTM."""
    sliver = Polygon([(95.0005, 0.0), (94.99975, 0.2165), (94.99975, -0.2165)])  # 55 m x 48 km
    strip = box(119.0, -8.6, 119.6, -8.5996)  # a 44 m wide, 66 km long east-west strip
    got = geodesy.area_m2(series(sliver, strip))
    assert got.iloc[0] == pytest.approx(geodesic_area(sliver), rel=1e-3)
    assert got.iloc[1] == pytest.approx(geodesic_area(strip), rel=1e-3)


def test_area_of_holes_multipolygons_and_collections() -> None:
    outer = box(109.30, -0.05, 109.32, -0.03)
    hole = box(109.305, -0.045, 109.31, -0.04)
    with_hole = Polygon(outer.exterior.coords, [hole.exterior.coords])
    multi = MultiPolygon([box(109.30, -0.05, 109.31, -0.04), box(109.40, 0.02, 109.41, 0.03)])
    clockwise = Polygon(list(outer.exterior.coords)[::-1])
    collection = GeometryCollection([outer, Point(109.0, 0.0)])
    got = geodesy.area_m2(series(with_hole, multi, clockwise, collection, outer))
    expected = [geodesic_area(outer) - geodesic_area(hole), geodesic_area(multi), geodesic_area(outer), geodesic_area(outer), geodesic_area(outer)]
    np.testing.assert_allclose(got, expected, rtol=1e-4)


def test_simple_and_general_paths_agree() -> None:
    """Plain polygons take the coordinate path, MultiPolygons the geometry path: same results."""
    rng = np.random.default_rng(1)
    lon = rng.uniform(95, 141, 300)
    lat = rng.uniform(-11, 6, 300)
    plain = [square(x, y, s) for x, y, s in zip(lon, lat, rng.uniform(0.001, 0.2, 300))]
    multi = [MultiPolygon([p]) for p in plain]
    np.testing.assert_allclose(geodesy.area_m2(series(*plain)), geodesy.area_m2(series(*multi)), rtol=1e-9)
    np.testing.assert_allclose(geodesy.length_m(series(*plain)), geodesy.length_m(series(*multi)), rtol=1e-7)


def test_area_of_points_lines_empty_and_missing() -> None:
    got = geodesy.area_m2(series(Point(109.3, 0.0), LineString([(109.3, 0.0), (109.4, 0.1)]), Polygon(), None))
    assert got.iloc[:3].tolist() == [0.0, 0.0, 0.0]
    assert np.isnan(got.iloc[3])


def test_area_keeps_index_and_name_and_area_ha() -> None:
    gs = gpd.GeoSeries([square(109.33, 0.0, 0.01), square(120.0, -8.5, 0.01)], index=["x", "y"], crs="EPSG:4326", name="g")
    m2 = geodesy.area_m2(gs)
    ha = geodesy.area_ha(gs)
    assert list(m2.index) == ["x", "y"] and m2.name == "g" and m2.dtype == np.float64
    np.testing.assert_allclose(ha, m2 / 10_000)
    assert ha["x"] == pytest.approx(123.1, abs=0.1)


def test_area_accepts_other_crs_and_frames() -> None:
    geom = square(109.33, -0.2, 0.05)
    expected = geodesic_area(geom)
    projected = series(geom).to_crs("EPSG:23835")  # DGN95 / UTM zone 49S... or any other CRS
    assert geodesy.area_m2(projected).iloc[0] == pytest.approx(expected, rel=1e-4)
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[geom], crs="EPSG:4326")
    assert geodesy.area_m2(frame).iloc[0] == pytest.approx(expected, rel=1e-4)


@pytest.mark.usefixtures("english")
def test_missing_crs_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no CRS"):
        geodesy.area_m2(series(square(109.33, 0.0, 0.01), crs=None))
    with pytest.raises(UsageError, match="no CRS"):
        geodesy.length_m(series(square(109.33, 0.0, 0.01), crs=None))
    with pytest.raises(UsageError, match="no CRS"):
        geodesy.distance_m(series(Point(109, 0)), series(Point(109, 0), crs=None))
    with pytest.raises(UsageError, match="GeoSeries"):
        geodesy.area_m2([square(109.33, 0.0, 0.01)])  # type: ignore[arg-type]


def test_area_of_an_empty_series() -> None:
    got = geodesy.area_m2(gpd.GeoSeries([], crs="EPSG:4326"))
    assert len(got) == 0


# -- lengths -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("place", sorted(PLACES))
def test_length_matches_geodesic(place: str) -> None:
    lon, lat = PLACES[place]
    geoms = [
        LineString([(lon - 0.05, lat - 0.05), (lon + 0.05, lat + 0.05)]),
        LineString([(lon - 0.3, lat), (lon, lat + 0.2), (lon + 0.3, lat - 0.1)]),
        square(lon, lat, 0.02),  # the perimeter
    ]
    got = geodesy.length_m(series(*geoms))
    for geom, value in zip(geoms, got):
        assert value == pytest.approx(geodesic_length(geom), rel=TOLERANCE)
    assert got.iloc[0] == pytest.approx(geodesic_length(geoms[0]), rel=1e-4)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(-0.2, 0.2), st.floats(-0.2, 0.2)), min_size=2, max_size=8), st.floats(95, 141), st.floats(-11, 6))
def test_length_matches_geodesic_for_random_lines(offsets: list[tuple[float, float]], lon: float, lat: float) -> None:
    line = LineString([(lon + dx, lat + dy) for dx, dy in offsets])
    expected = geodesic_length(line)
    got = geodesy.length_m(series(line)).iloc[0]
    assert got == pytest.approx(expected, rel=TOLERANCE, abs=1e-6)


def test_length_of_points_empty_missing_and_multilines() -> None:
    multi = shapely.MultiLineString([[(109.3, 0.0), (109.3, 0.1)], [(109.4, 0.0), (109.4, -0.1)]])
    got = geodesy.length_m(series(Point(109.3, 0.0), LineString(), None, multi))
    assert got.iloc[:2].tolist() == [0.0, 0.0]
    assert np.isnan(got.iloc[2])
    assert got.iloc[3] == pytest.approx(geodesic_length(multi), rel=1e-4)


# -- distances ---------------------------------------------------------------------------------------
def geodesic_distance(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Point(109.33, -0.01), Point(109.33, 0.01)),  # across the equator
        (Point(107.95, -6.9), Point(108.05, -6.9)),  # across the 48/49 border
        (Point(101.5, 1.0), Point(102.5, 1.2)),  # across 47/48, about 110 km
        (Point(140.9, -2.5), Point(140.95, -2.55)),  # edge of zone 54
        (Point(120.0, -8.5), Point(120.0, -8.5)),
    ],
)
def test_distance_between_points_matches_geodesic(a: Point, b: Point) -> None:
    got = geodesy.distance_m(series(a), series(b)).iloc[0]
    assert got == pytest.approx(geodesic_distance(a, b), rel=1e-3, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(95, 141), st.floats(-11, 6), st.floats(-0.5, 0.5), st.floats(-0.5, 0.5))
def test_distance_matches_geodesic_for_random_pairs(lon: float, lat: float, dx: float, dy: float) -> None:
    a, b = Point(lon, lat), Point(lon + dx, lat + dy)
    got = geodesy.distance_m(series(a), series(b)).iloc[0]
    assert got == pytest.approx(geodesic_distance(a, b), rel=TOLERANCE, abs=1e-6)


def test_distance_from_polygons_and_broadcast_geometry() -> None:
    kel = box(109.30, -0.05, 109.31, -0.04)
    inside = Point(109.305, -0.045)
    east = Point(109.32, -0.045)  # 0.01 degree east of the edge
    got = geodesy.distance_m(series(inside, east, None, Point()), kel)
    assert got.iloc[0] == 0.0
    assert got.iloc[1] == pytest.approx(geodesic_distance(Point(109.31, -0.045), east), rel=1e-3)
    assert np.isnan(got.iloc[2]) and np.isnan(got.iloc[3])


def test_distance_pairs_by_position_with_a_index() -> None:
    a = gpd.GeoSeries([Point(109.30, 0.0), Point(120.0, -8.5)], index=[10, 20], crs="EPSG:4326")
    b = gpd.GeoSeries([Point(120.0, -8.49), Point(109.30, 0.01)], index=[20, 10], crs="EPSG:4326")
    got = geodesy.distance_m(a, b)
    assert list(got.index) == [10, 20]
    assert got.iloc[0] > 1_000_000  # position 0 of a with position 0 of b


@pytest.mark.usefixtures("english")
def test_distance_checks_lengths_and_crs() -> None:
    with pytest.raises(UsageError, match="differ in length"):
        geodesy.distance_m(series(Point(109, 0)), series(Point(109, 0), Point(109, 1)))
    b = series(Point(109.3, 0.01)).to_crs("EPSG:32749")  # each series is taken in its own CRS
    assert geodesy.distance_m(series(Point(109.3, 0.0)), b).iloc[0] == pytest.approx(1105.8, abs=0.5)


@pytest.mark.usefixtures("english")
def test_dwithin_m() -> None:
    a = series(Point(109.330, -0.02), Point(109.335, -0.02), None)
    got = geodesy.dwithin_m(a, Point(109.331, -0.02), 200)
    assert got.tolist() == [True, False, False]
    assert got.dtype == bool
    with pytest.raises(UsageError, match="0 or more"):
        geodesy.dwithin_m(a, Point(109.331, -0.02), -1)
    with pytest.raises(UsageError, match="number"):
        geodesy.dwithin_m(a, Point(109.331, -0.02), "far")  # type: ignore[arg-type]


# -- to_metric ---------------------------------------------------------------------------------------
def test_to_metric_picks_the_zone_of_the_centre() -> None:
    frame = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[Point(109.30, -0.06), Point(109.40, 0.02)], crs="EPSG:4326")
    projected, epsg = geodesy.to_metric(frame)
    assert epsg == 32749 and projected.crs.to_epsg() == 32749
    assert isinstance(projected, gpd.GeoDataFrame) and projected["n"].tolist() == [1, 2]
    distance = projected.geometry.iloc[0].distance(projected.geometry.iloc[1])
    assert distance == pytest.approx(geodesic_distance(Point(109.30, -0.06), Point(109.40, 0.02)), rel=1e-3)


@pytest.mark.usefixtures("english")
def test_to_metric_with_epsg_other_crs_and_errors() -> None:
    gs = series(Point(106.8, -6.2)).to_crs("EPSG:3857")
    projected, epsg = geodesy.to_metric(gs)
    assert epsg == 32748 and projected.crs.to_epsg() == 32748
    projected, epsg = geodesy.to_metric(gs, epsg=32749)
    assert epsg == 32749
    with pytest.raises(UsageError, match="no CRS"):
        geodesy.to_metric(series(Point(106.8, -6.2), crs=None))
    with pytest.raises(UsageError, match="pass epsg"):
        geodesy.to_metric(gpd.GeoSeries([], crs="EPSG:4326"))


def test_vectorised_over_many_zones() -> None:
    """A frame spread over every zone of Indonesia: each feature exact to 0.01 %."""
    rng = np.random.default_rng(7)
    lon = rng.uniform(94.5, 141.5, 2000)
    lat = rng.uniform(-11, 6, 2000)
    geoms = [square(x, y, 0.005) for x, y in zip(lon, lat)]
    got = geodesy.area_m2(series(*geoms))
    expected = [geodesic_area(g) for g in geoms]
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    assert pd.Series(geodesy.utm_epsg_array(lon, lat)).nunique() >= 16


def test_finite_boxes_one_or_many_and_not_finite_left_out():
    """One helper makes a box, a list of boxes or frame.bounds an (n, 4) array of finite boxes (used
    by screening.protected_near and Store.read(bbox=...))."""
    nan, inf = float("nan"), float("inf")
    assert finite_boxes((1, 2, 3, 4)).tolist() == [[1.0, 2.0, 3.0, 4.0]]
    bounds = pd.DataFrame([[1, 2, 3, 4], [nan] * 4, [0, 0, inf, 1], [5, 6, 7, 8]], columns=["minx", "miny", "maxx", "maxy"])
    out = finite_boxes(bounds)
    assert out.dtype == np.float64 and out.tolist() == [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    assert finite_boxes(None).shape == (0, 4)
    assert finite_boxes([nan] * 4).shape == (0, 4)
    assert finite_boxes(np.empty((0, 4))).shape == (0, 4)


def test_scale_factor_at_is_the_scale_factor_of_the_projected_points():
    """scale_factor_at projects the coordinates straight: the same numbers, bit for bit, as projecting
    points and reading their eastings (screening's zones rely on it)."""
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(108.0, 114.0, 500), rng.uniform(-8.0, 4.0, 500)
    through_points = geodesy.scale_factor(shapely.get_x(geodesy.project(shapely.points(lon, lat), 32749, max_segment_deg=0)))
    assert np.array_equal(geodesy.scale_factor_at(lon, lat, 32749), through_points)
    assert geodesy.scale_factor_at([111.0], [0.0], 32749)[0] == pytest.approx(0.9996)


def _brute_meeting(boxes: np.ndarray, queries: np.ndarray) -> np.ndarray:
    q, b = queries[None, :, :], boxes[:, None, :]
    return ((q[..., 0] <= b[..., 2]) & (q[..., 2] >= b[..., 0]) & (q[..., 1] <= b[..., 3]) & (q[..., 3] >= b[..., 1])).any(axis=1)


@pytest.mark.parametrize("slice_", [7, _boxes._SLICE])
def test_boxes_meeting_queries_exactly_as_comparing_every_pair(monkeypatch, slice_):
    """Store.read(bbox=[...many boxes]) picks the features whose box meets one of the boxes: grouped
    queries give exactly what comparing every box with every query gives, touching included, with
    points (boxes of no size), boxes sharing edges, one box over everything, in small slices too."""
    monkeypatch.setattr(_boxes, "_SLICE", slice_)
    rng = np.random.default_rng(5)

    def some(n: int, extent: float, size: float) -> np.ndarray:
        x, y = rng.uniform(0, extent, n), rng.uniform(0, extent, n)
        w = rng.exponential(size, n) * (rng.random(n) < 0.7)  # 30 % points
        h = rng.exponential(size, n) * (rng.random(n) < 0.7)
        return np.c_[x, y, x + w, y + h]

    for case in range(120):
        boxes = some(int(rng.integers(1, 200)), 10.0, float(rng.choice([0.01, 0.3, 3.0])))
        queries = some(int(rng.integers(1, 400)), float(rng.choice([1.0, 10.0])), float(rng.choice([0.0, 0.05, 0.5])))
        if case % 3 == 0:  # on a grid: shared edges and corners
            boxes, queries = np.round(boxes), np.round(queries)
        if case % 10 == 0:
            boxes[0] = (-1.0, -1.0, 20.0, 20.0)
        np.testing.assert_array_equal(meeting(boxes, queries), _brute_meeting(boxes, queries), err_msg=f"case {case}")
    assert meeting(np.empty((0, 4)), np.ones((3, 4))).shape == (0,)
    assert not meeting(np.ones((2, 4)), np.empty((0, 4))).any()


def test_utm_projection_within_a_tenth_of_a_millimetre_of_the_exact_transverse_mercator():
    """geodesy.project (and every measure) uses PROJ's algo=auto transverse Mercator for a UTM zone:
    within 0.1 mm of PROJ's exact EPSG:326zz/327zz transformation, up to 4.5 degrees beyond the
    central meridian (a feature reaching past its activity's zone), and exactly 500,000 m east on
    the central meridian."""
    from pyproj import Transformer

    rng = np.random.default_rng(3)
    for epsg in (32646, 32649, 32749, 32754):
        central = (epsg % 100) * 6 - 183
        lon, lat = central + rng.uniform(-4.5, 4.5, 2000), rng.uniform(-11.0, 6.0, 2000)
        exact = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
        projected = geodesy.project(shapely.points(lon, lat), epsg)
        fast = shapely.get_x(projected), shapely.get_y(projected)
        assert np.abs(np.subtract(fast, exact)).max() < 1e-4, epsg
    on_meridian = geodesy.project([Point(111.0, -3.0)], 32749)[0]
    assert on_meridian.x == pytest.approx(500_000.0, abs=1e-6)
