"""PostGIS backend: PostgreSQL with PostGIS through SQLAlchemy 2 and GeoAlchemy2.

Tables carry the catalogue's keys and checks, typed geometry columns in EPSG:4326 and GiST
indexes (GeoAlchemy2 creates them with the table). Each write is one transaction.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement

from kotaku_gis import catalog
from kotaku_gis.errors import StoreError
from kotaku_gis.store._base import Store
from kotaku_gis.store._schema import GEOMETRY_COLUMN

_GEOMETRY_NAMES = {"point": "POINT", "linestring": "LINESTRING", "multipolygon": "MULTIPOLYGON", "any": "GEOMETRY"}


class PostGISStore(Store):
    """A store in a PostgreSQL database with the PostGIS extension."""

    kind = "PostGIS"

    def __init__(self, url: str):
        engine = sa.create_engine(url, pool_pre_ping=True)
        super().__init__(url, engine)

    def init(self) -> list[str]:
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        except sa.exc.OperationalError as exc:
            raise StoreError(f"{_safe(self.url)}: cannot connect: {exc.orig}") from exc
        return super().init()

    def _geometry_type(self, spec: catalog.LayerSpec) -> sa.types.TypeEngine:
        return Geometry(_GEOMETRY_NAMES[spec.geometry], srid=4326, spatial_index=True)

    def _geometry_values(self, geoms: np.ndarray) -> list[Any]:
        return [WKBElement(b, srid=4326) for b in shapely.to_wkb(np.asarray(geoms), flavor="iso")]

    def _read_frame(self, table, where, columns, bbox, geometry):  # type: ignore[no-untyped-def]
        selected = [table.c[c] for c in columns]
        if geometry:
            selected.append(sa.func.ST_AsBinary(table.c[GEOMETRY_COLUMN]).label("geometry"))
        stmt = sa.select(*selected).order_by(table.c["fid"])
        if where is not None:
            stmt = stmt.where(where)
        if bbox is not None:
            stmt = stmt.where(table.c[GEOMETRY_COLUMN].op("&&")(sa.func.ST_MakeEnvelope(*bbox, 4326)))
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        if geometry:
            frame["geometry"] = gpd.GeoSeries(shapely.from_wkb([bytes(b) for b in frame["geometry"]]), index=frame.index)
        return frame


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)
