"""PostGIS backend: PostgreSQL with PostGIS through SQLAlchemy 2 and GeoAlchemy2.

Tables carry the catalogue's keys and checks, typed geometry columns in EPSG:4326 and GiST
indexes (GeoAlchemy2 creates them with the table). Each write is one transaction.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import socket
from collections.abc import Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import shapely
import sqlalchemy as sa
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement

from kotaku_gis import catalog, i18n, settings
from kotaku_gis.errors import StoreError
from kotaku_gis.store._base import Store
from kotaku_gis.store._frames import arrow_frame, in_fid_order
from kotaku_gis.store._schema import FID, GEOMETRY_COLUMN
from kotaku_gis.store._schema import GEOMETRY_NAMES as _GEOMETRY_NAMES


class PostGISStore(Store):
    """A store in a PostgreSQL database with the PostGIS extension."""

    kind = "PostGIS"

    def __init__(self, url: str):
        engine = sa.create_engine(url, pool_pre_ping=True)
        super().__init__(url, engine)

    @contextlib.contextmanager
    def _write_transaction(self, what: str) -> Iterator[sa.Connection]:
        # other writers show in pg_stat_activity under this name, so a waiting load can say who they are
        name = f"kotaku-gis: {what} ({getpass.getuser()}@{socket.gethostname()} pid {os.getpid()})"[:63]
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.text("SELECT set_config('application_name', :n, true), set_config('lock_timeout', :t, true)"),
                    {"n": name, "t": f"{int(settings.store_lock_timeout_s * 1000)}ms"},
                )
                yield conn
        except sa.exc.DBAPIError as exc:
            raise self._translate(exc) from exc

    def _lock_areas(self, conn: sa.Connection, layer: str, areas: Sequence[str]) -> None:
        for area in sorted(areas):  # always in the same order: two loads never wait for each other in a circle
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"kotaku:{layer}:{area}"})

    def _translate(self, exc: sa.exc.DBAPIError) -> Exception:
        """A lock wait that timed out, or a store the user may not write, as a clear error."""
        state = getattr(exc.orig, "sqlstate", None)
        if state in ("25006", "42501"):  # read-only transaction, insufficient privilege
            return StoreError(i18n.text("store.read_only", store=self.display_url))
        if state == "55P03":  # lock not available
            with self.engine.connect() as conn:
                others = conn.execute(
                    sa.text(
                        "SELECT application_name, xact_start FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        " AND datname = current_database() AND xact_start IS NOT NULL ORDER BY xact_start"
                    )
                ).fetchall()
            holder = "; ".join(
                f"{name or '?'} ({i18n.text('store.since', since=start.isoformat(timespec='seconds'))})" for name, start in others
            ) or i18n.text("store.holder_unknown")
            return StoreError(
                i18n.text("store.locked", store=self.display_url, holder=holder, seconds=settings.store_lock_timeout_s)
            )
        return exc

    def init(self) -> list[str]:
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        except sa.exc.OperationalError as exc:
            raise StoreError(i18n.text("store.cannot_connect", store=_safe(self.url), error=exc.orig)) from exc
        return super().init()

    def _stored_columns(self) -> dict[str, set[str]]:
        # one query of the catalogue (the inspector asks four, for types and defaults too), for the
        # tables the inspector lists: those the search path shows (pg_table_is_visible), which is
        # how the store's statements find them
        sql = (
            "SELECT c.relname, a.attname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
            " WHERE pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> 'pg_catalog'::regnamespace"
            " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
        )
        stored: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for table, column in conn.exec_driver_sql(sql):
                stored.setdefault(table, set()).add(column)
        return stored

    def _geometry_type(self, spec: catalog.LayerSpec) -> sa.types.TypeEngine:
        return Geometry(_GEOMETRY_NAMES[spec.geometry], srid=4326, spatial_index=True)

    def _geometry_values(self, geoms: np.ndarray) -> list[Any]:
        return [WKBElement(b, srid=4326) for b in shapely.to_wkb(np.asarray(geoms), flavor="iso")]

    def _feature_boxes(self, table: sa.Table) -> tuple[np.ndarray, np.ndarray]:
        box = sa.func.Box2D(table.c[GEOMETRY_COLUMN])  # the box kept with each geometry
        stmt = sa.select(table.c[FID], sa.func.ST_XMin(box), sa.func.ST_YMin(box), sa.func.ST_XMax(box),
                         sa.func.ST_YMax(box)).where(table.c[GEOMETRY_COLUMN].is_not(None))  # fmt: skip
        with self.engine.connect() as conn:
            rows = np.array(conn.execute(stmt).cursor.fetchall(), dtype="float64").reshape(-1, 5)  # plain tuples
        return rows[:, 0].astype(np.int64), rows[:, 1:]

    def _read_frame(self, table, where, columns, bbox, geometry):  # type: ignore[no-untyped-def]
        selected = [table.c[c] for c in columns]
        if geometry:
            selected.append(sa.func.ST_AsBinary(table.c[GEOMETRY_COLUMN]).label("geometry"))
        stmt = sa.select(*selected)
        if where is not None:
            stmt = stmt.where(where)
        if bbox is not None:
            stmt = stmt.where(table.c[GEOMETRY_COLUMN].op("&&")(sa.func.ST_MakeEnvelope(*map(float, bbox), 4326)))
        if not geometry:  # in fid order, sorted here (the server would sort 100,000 wide rows on disk)
            stmt = stmt.add_columns(table.c[FID])
            n = self._connections(stmt)
            shares = [stmt] if n == 1 else [stmt.where(sa.func.mod(table.c[FID], n) == k) for k in range(n)]
            return arrow_frame(in_fid_order(self._copy_tables(shares, table.name, columns), FID))
        stmt = stmt.order_by(table.c[FID])
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            # the driver's plain tuples: SQLAlchemy's Row objects cost pandas a failed attribute
            # lookup each (half of a 100,000-row read)
            frame = pd.DataFrame(result.cursor.fetchall(), columns=list(result.keys()))
        frame["geometry"] = gpd.GeoSeries(shapely.from_wkb([None if b is None else bytes(b) for b in frame["geometry"]]),
                                          index=frame.index)  # fmt: skip
        return frame

    def _connections(self, stmt: sa.Select) -> int:
        """How many connections to read the rows of ``stmt`` on: ``settings.postgis_read_connections``,
        fewer when the planner expects fewer than ``settings.postgis_rows_per_connection`` rows for
        each. Each share scans what the whole read scans: a few rows picked from a large table are read
        faster on one connection."""
        most = max(1, settings.postgis_read_connections)
        if most == 1:
            return 1
        with self.engine.connect() as conn:
            plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {self._sql(stmt)}").scalar_one()
        rows = float(plan[0]["Plan"]["Plan Rows"])
        return int(min(most, max(1, rows // max(1, settings.postgis_rows_per_connection))))

    def _sql(self, stmt: sa.Select) -> str:
        """``stmt`` as SQL text with its values written in (for ``COPY`` and ``EXPLAIN``)."""
        return str(stmt.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))

    def _copy_tables(self, shares: list[sa.Select], layer: str, columns: list[str]) -> pa.Table:
        """The rows of the statements ``shares`` (:meth:`_copy_table`), each on its own connection and
        thread, all in the snapshot of the first: the rows of one moment of the database however
        many loads commit meanwhile (``pg_export_snapshot``)."""
        if len(shares) == 1:
            with self.engine.connect() as conn:
                return self._copy_table(conn, shares[0], layer, columns)
        from concurrent.futures import ThreadPoolExecutor

        def connect() -> Any:  # a transaction that keeps one snapshot (SQLAlchemy resets the level after)
            return self.engine.connect().execution_options(isolation_level="REPEATABLE READ")

        def in_snapshot(stmt: sa.Select, snapshot: str) -> pa.Table:
            with connect() as conn:
                conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # the transaction's first statement
                return self._copy_table(conn, stmt, layer, columns)

        with connect() as first, ThreadPoolExecutor(max_workers=len(shares) - 1) as pool:
            snapshot = first.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()  # valid while `first` is open
            others = [pool.submit(in_snapshot, stmt, snapshot) for stmt in shares[1:]]
            tables = [self._copy_table(first, shares[0], layer, columns)] + [f.result() for f in others]
        return pa.concat_tables(tables)

    def _copy_table(self, conn: sa.Connection, stmt: sa.Select, layer: str, columns: list[str]) -> pa.Table:
        """Attribute rows (``columns`` and ``fid``) through ``COPY (SELECT ...) TO STDOUT`` as CSV, parsed
        by Arrow's CSV reader into typed columns: 3-5x faster than fetching rows as Python tuples. NULL and the empty text
        stay apart (CSV writes NULL unquoted, an empty text quoted). (Geometry is fetched as binary
        instead: as hex text in CSV it is slower.)"""
        sql = self._sql(stmt)
        buffer = io.BytesIO()
        with (
            conn.connection.driver_connection.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        spec = catalog.layer(layer)
        parsed = pa_csv.read_csv(
            buffer,
            convert_options=pa_csv.ConvertOptions(
                column_types={FID: pa.int64(), **{c: _ARROW_TYPES[spec.column(c).type]() for c in columns}},
                strings_can_be_null=True, quoted_strings_can_be_null=False, true_values=["t"], false_values=["f"],
            ),
        )  # fmt: skip
        return parsed


#: Arrow type of each catalogue column type, as ``COPY ... CSV`` writes it (dates as text: the
#: store's reader types them).
_ARROW_TYPES = {
    "text": pa.string, "kode": pa.string, "periode": pa.string, "date": pa.string,
    "integer": pa.int64, "float": pa.float64, "boolean": pa.bool_,
}  # fmt: skip


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)
