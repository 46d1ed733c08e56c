"""Map geometries as quantized, delta-encoded integers (kotaku_gis/maps/_encode.py) and their
decoding by the page's script (kotaku_map.js) in a real Chromium."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from browser import Page
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, box, shape

from kotaku_gis import maps
from kotaku_gis.maps._encode import decode_geometry, encode_geometries
from kotaku_gis.maps.progress_map import payload

# holes, multi-parts, lines and points, west and south of 0 (negative coordinates) and east of it
HOLED = Polygon(
    [(-70.123456, -33.5), (-70.0, -33.5), (-70.0, -33.4), (-70.123456, -33.4)],
    [[(-70.1, -33.48), (-70.05, -33.48), (-70.05, -33.42)], [(-70.04, -33.45), (-70.02, -33.45), (-70.02, -33.43)]],
)
SHAPES = [
    HOLED,
    MultiPolygon([HOLED, box(117.123456, -1.123456, 117.2, -1.0)]),
    LineString([(109.333333, -0.033333), (109.333334, -0.033331), (109.3, 0.000001)]),
    MultiLineString([[(-1.5, 0.25), (-1.25, -0.25)], [(3.0, 4.0), (3.000001, 4.000002), (2.999999, 3.999999)]]),
    Point(-122.419416, 37.774929),
    MultiPoint([(0.000001, -0.000001), (-179.999999, 89.999999)]),
    None,
    Polygon(),
    shapely.GeometryCollection([Point(1, 2), LineString([(0, 0), (1, 1)])]),
]


def _rounded(geoms, decimals):
    return [g if g is None else shapely.set_precision(g, 10.0**-decimals) for g in geoms]


@pytest.mark.parametrize("decimals", [0, 3, 6])
def test_round_trip_gives_back_the_rounded_coordinates_exactly(decimals):
    source = _rounded(SHAPES, decimals)
    encoded = encode_geometries(source, decimals)
    assert len(encoded) == len(source)
    for g, e in zip(source, encoded):
        if g is None or g.is_empty:
            assert e is None
            continue
        back = shape(decode_geometry(json.loads(json.dumps(e)), decimals))  # through JSON, as the page gets it
        assert back.geom_type == g.geom_type
        assert shapely.equals_exact(back, g, tolerance=0)  # same parts, rings, order and values
        assert np.array_equal(shapely.get_coordinates(back), shapely.get_coordinates(g))
        assert len(list(_integers(e))) == 2 * shapely.get_num_coordinates(g)


def test_unrounded_coordinates_come_back_rounded_to_the_decimals():
    line = LineString([(117.1234564, -1.1234567), (117.12349, -1.12)])
    (e,) = encode_geometries([line], 6)
    back = np.array(decode_geometry(e, 6)["coordinates"])
    assert np.abs(back - shapely.get_coordinates(line)).max() < 0.5e-6
    assert back.tolist() == [[117.123456, -1.123457], [117.12349, -1.12]]


def test_each_sequence_starts_absolute_and_then_steps():
    # a polygon's rings are separate sequences: each starts with its absolute position
    square = Polygon([(-1, -1), (-0.99, -1), (-0.99, -0.99), (-1, -1)], [[(-0.998, -0.998), (-0.992, -0.998), (-0.995, -0.992)]])
    (e,) = encode_geometries([square], 3)
    assert e == {
        "type": "Polygon",
        "coordinates": [[-1000, -1000, 10, 0, 0, 10, -10, -10], [-998, -998, 6, 0, -3, 6, -3, -6]],
    }
    (m,) = encode_geometries([MultiPoint([(1, 2), (3, 4)])], 1)
    assert m == {"type": "MultiPoint", "coordinates": [[10, 20], [30, 40]]}


def test_encoding_is_reproducible_and_smaller_than_geojson():
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=12, n_kegiatan=30, n_kecamatan=1, border_step_m=20)
    p = maps.prepare(inputs)
    geoms = p.wilayah.geometry.to_numpy()
    first = json.dumps(encode_geometries(geoms, 5), separators=(",", ":"))
    assert first == json.dumps(encode_geometries(geoms.copy(), 5), separators=(",", ":"))
    geojson = sum(len(shapely.to_geojson(g)) for g in geoms)
    assert len(first) < 0.5 * geojson  # the same coordinates in less than half the characters


def test_every_payload_layer_decodes_to_the_prepared_geometries():
    p = maps.prepare(maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=20, n_kecamatan=1))
    layers = payload(p)["layers"]
    frames = {"wilayah": p.wilayah, "kumuh": p.kumuh, "kegiatan": p.kegiatan, "lindung": p.lindung, "sempadan": p.sempadan}
    rec = p.recipe
    for kind, frame in frames.items():
        layer = layers[kind]
        assert layer["decimals"] == (rec.simplify.decimals if kind == "wilayah" else rec.features.decimals)
        got = [shape(g) for g in _decoded(layer)]
        assert len(got) == len(frame) > 0
        assert all(shapely.equals_exact(a, b, tolerance=0) for a, b in zip(got, frame.geometry)), kind
    (outline,) = _decoded(layers["batas"])
    assert shapely.equals_exact(shape(outline), p.batas, tolerance=0)
    anchors = [decode_geometry({"type": "Point", "coordinates": a}, rec.features.decimals) for a in layers["kegiatan"]["anchors"]]
    assert [shape(a) for a in anchors] == list(p.kegiatan["anchor"])


def _decoded(layer):
    return [decode_geometry(g, layer["decimals"]) for g in layer["geoms"]]


def _integers(value):
    if isinstance(value, dict):
        yield from _integers(value.get("coordinates", value.get("geometries")))
    elif isinstance(value, list):
        for v in value:
            yield from _integers(v)
    else:
        assert isinstance(value, int)
        yield value


# -- in a real browser ---------------------------------------------------------------------------------
#: [row, west, south, east, north] of each feature Leaflet drew for a layer (the choropleth shown for "wilayah")
DRAWN = """kind => {
  const m = KotakuMap.last, out = [];
  (kind === "wilayah" ? m.modeLayers[m.mode] : m.layers[kind]).eachLayer(l => {
    const b = l.getLatLng ? L.latLngBounds([l.getLatLng()]) : l.getBounds();
    out.push([l.feature.properties._i, b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  });
  return out;
}"""


def _varied_inputs():
    """A kecamatan map whose protected areas hold holes, multipolygons, lines and points."""
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=20, n_kecamatan=1)
    minx, miny, maxx, maxy = inputs.wilayah[inputs.wilayah["kode"].str.count(r"\.") == 3].total_bounds
    w, h = maxx - minx, maxy - miny
    holed = box(minx + 0.1 * w, miny + 0.1 * h, minx + 0.4 * w, miny + 0.4 * h).difference(
        box(minx + 0.2 * w, miny + 0.2 * h, minx + 0.3 * w, miny + 0.3 * h)
    )
    multi = MultiPolygon(
        [shapely.affinity.translate(holed, 0.5 * w), box(minx + 0.6 * w, miny + 0.6 * h, minx + 0.7 * w, miny + 0.7 * h)]
    )
    river = LineString([(minx, miny + 0.8 * h), (minx + 0.33 * w, miny + 0.85 * h), (maxx, miny + 0.75 * h)])
    well = Point(minx + 0.5 * w, miny + 0.5 * h)
    inputs.lindung = gpd.GeoDataFrame(
        {
            "id_kawasan": ["L1", "L2", "L3", "L4"],
            "nama": ["Berlubang", "Dua bagian", "Sungai", "Mata air"],
            "kategori": ["hutan_mangrove", "hutan_mangrove", "sungai", "sungai"],
            "sumber": ["SINTETIS"] * 4,
        },
        geometry=[holed, multi, river, well],
        crs="EPSG:4326",
    )
    return inputs


def test_the_page_draws_the_decoded_geometries_of_every_layer(browser, tmp_path):
    p = maps.prepare(_varied_inputs())
    assert set(p.lindung.geom_type) == {"Polygon", "MultiPolygon", "LineString", "Point"}
    assert any(len(g.interiors) for g in p.lindung.geometry if g.geom_type == "Polygon")
    page = Page(browser, maps.save_map(maps.progress_map(p), tmp_path / "peta.html"))
    try:
        frames = {"wilayah": p.wilayah, "kumuh": p.kumuh, "kegiatan": p.kegiatan, "lindung": p.lindung, "sempadan": p.sempadan}
        decoded = page.page.evaluate("KotakuMap.last.geoms")
        assert set(decoded) == {*frames, "batas"}
        for kind, frame in frames.items():
            half = 0.5 * 10.0 ** -(p.recipe.simplify.decimals if kind == "wilayah" else p.recipe.features.decimals)
            got = [shape(g) for g in decoded[kind]]
            assert len(got) == len(frame) > 0
            for a, b in zip(got, frame.geometry):
                assert a.geom_type == b.geom_type, kind
                assert shapely.equals_exact(a, b, tolerance=half), kind
            # what Leaflet drew: each feature's bounds (a marker's position) are its source's
            drawn = page.page.evaluate(DRAWN, kind)
            assert sorted(d[0] for d in drawn) == list(range(len(frame))), kind
            for i, *bounds in drawn:
                assert np.allclose(bounds, shapely.bounds(frame.geometry.iloc[i]), rtol=0, atol=half), (kind, i)
        (outline,) = decoded["batas"]
        half = 0.5 * 10.0**-p.recipe.simplify.decimals
        assert shapely.equals_exact(shape(outline), p.batas, tolerance=half)
        # the findings' rings stand on the activities' anchors
        rings = page.page.evaluate("KotakuMap.last.layers.temuan.getLayers().map(r => [r.getLatLng().lng, r.getLatLng().lat])")
        ringed = [isinstance(r, str) and r != "" for r in p.kegiatan["aturan"]]
        anchors = shapely.get_coordinates(p.kegiatan["anchor"].to_numpy()[ringed])
        assert len(rings) == len(anchors) > 0
        half = 0.5 * 10.0**-p.recipe.features.decimals
        assert np.allclose(sorted(rings), sorted(anchors.tolist()), rtol=0, atol=half)
        page.check_clean()
    finally:
        page.close()
