"""Helpers for testing code that works with kotaku-gis layers (like ``geopandas.testing``)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely


def assert_layer_equal(
    left: gpd.GeoDataFrame | pd.DataFrame,
    right: gpd.GeoDataFrame | pd.DataFrame,
    *,
    key: Sequence[str] | None = None,
    tolerance: float = 1e-9,
) -> None:
    """Assert two layer frames hold the same rows, whatever their order and backend.

    Rows are sorted by ``key`` (default: all attribute columns), attribute columns are compared
    with pandas' tester (dtypes included), and geometries with ``shapely.equals_exact`` within
    ``tolerance`` degrees.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> a = gpd.GeoDataFrame({"kode": ["61", "62"]}, geometry=[shapely.Point(1, 2), shapely.Point(3, 4)], crs=4326)
    >>> assert_layer_equal(a, a.iloc[::-1])
    """
    if list(left.columns) != list(right.columns):
        raise AssertionError(f"columns differ: {list(left.columns)} != {list(right.columns)}")
    geometry = left.geometry.name if isinstance(left, gpd.GeoDataFrame) else None
    attributes = [c for c in left.columns if c != geometry]
    order = list(key) if key is not None else attributes
    a = left.sort_values(order, kind="stable").reset_index(drop=True)
    b = right.sort_values(order, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.DataFrame(a[attributes]), pd.DataFrame(b[attributes]), check_dtype=True)
    if geometry is not None:
        if a.crs != b.crs:
            raise AssertionError(f"CRS differ: {a.crs} != {b.crs}")
        same = shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=tolerance)
        if not same.all():
            rows = list(a.index[~same][:5])
            raise AssertionError(f"geometries differ in sorted rows {rows}")
