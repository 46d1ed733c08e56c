"""kotaku_gis.testing.assert_layer_equal: passes on the same rows in any order, fails on any difference."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from kotaku_gis.testing import assert_layer_equal


@pytest.fixture
def layer():
    return gpd.GeoDataFrame(
        {"kode": ["61.71", "61.72"], "nilai": [1.5, 2.0]},
        geometry=[shapely.box(109.3, -0.1, 109.4, 0.0), shapely.Point(108.9, 0.9)],
        crs="EPSG:4326",
    )


def test_same_rows_in_another_order_pass(layer):
    assert_layer_equal(layer, layer.iloc[::-1])
    assert_layer_equal(layer, layer.iloc[::-1], key=["kode"])


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.assign(nilai=[1.5, 2.5]), "nilai"),
        (lambda f: f.assign(nilai=f["nilai"].astype("float32")), "dtype"),
        (lambda f: f[["nilai", "kode", "geometry"]], "columns differ"),
        (lambda f: f.set_geometry(f.geometry.translate(1e-6)), "geometries differ"),
        (lambda f: f.to_crs(3857), "CRS differ"),
    ],
)
def test_any_difference_fails(layer, change, message):
    with pytest.raises(AssertionError, match=message):
        assert_layer_equal(layer, change(layer.copy()))


def test_tolerance_allows_small_geometry_differences(layer):
    moved = layer.set_geometry(layer.geometry.translate(1e-10))
    assert_layer_equal(layer, moved)
    with pytest.raises(AssertionError):
        assert_layer_equal(layer, moved, tolerance=0.0)
