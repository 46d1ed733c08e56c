"""GeoPackage backend: an embedded single-file store that needs no server.

Tables are created from the catalogue through SQLAlchemy on Python's own ``sqlite3`` and registered
as GeoPackage 1.4 feature tables with an R-tree spatial index (the standard triggers, whose
``ST_*`` functions are supplied here), so QGIS and GDAL read and edit the file as any GeoPackage.
Writes go through SQLite transactions: a failed or interrupted load leaves the file as it was.
Reads go through GDAL (pyogrio), as Arrow columns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import socket
import sqlite3
import struct
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import shapely
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from kotaku_gis import catalog, i18n, settings
from kotaku_gis.errors import StoreError
from kotaku_gis.store._base import Store
from kotaku_gis.store._frames import arrow_frame, in_fid_order
from kotaku_gis.store._schema import FID, GEOMETRY_COLUMN
from kotaku_gis.store._schema import GEOMETRY_NAMES as _GEOMETRY_NAMES

_HEADER = struct.Struct("<2sBBi4d")
_SRS_ID = 4326


class GpkgGeometry(sa.types.UserDefinedType[bytes]):
    """A GeoPackage geometry column (declared type = geometry type name, value = GPKG blob)."""

    cache_ok = True

    def __init__(self, name: str = "GEOMETRY"):
        self.name = name

    def get_col_spec(self, **kw: Any) -> str:
        return self.name


def encode(geoms: np.ndarray) -> list[bytes]:
    """Shapely geometries as GeoPackage binary blobs (little-endian header with an XY envelope)."""
    wkb = shapely.to_wkb(geoms, byte_order=1, flavor="iso")
    bounds = shapely.bounds(geoms)
    empty = shapely.is_empty(geoms)
    out = []
    for blob, (minx, miny, maxx, maxy), is_empty in zip(wkb, bounds, empty):
        if is_empty:
            out.append(struct.pack("<2sBBi", b"GP", 0, 0x11, _SRS_ID) + blob)
        else:
            out.append(_HEADER.pack(b"GP", 0, 0x03, _SRS_ID, minx, maxx, miny, maxy) + blob)
    return out


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage blob, or None for null/empty."""
    if blob is None or len(blob) < 8:
        return None
    flags = blob[3]
    if flags & 0x10:
        return None
    order = "<" if flags & 0x01 else ">"
    if (flags >> 1) & 0x07:
        return struct.unpack_from(f"{order}4d", blob, 8)
    minx, miny, maxx, maxy = shapely.bounds(shapely.from_wkb(blob[8:]))
    return (minx, maxx, miny, maxy)


def _register_functions(dbapi_connection: Any) -> None:
    """The SQL functions the GeoPackage R-tree triggers call (GDAL supplies them in its own driver)."""

    def axis(i: int) -> Any:
        def f(blob: bytes | None) -> float | None:
            env = _envelope(blob)
            return None if env is None else env[i]

        return f

    dbapi_connection.create_function("ST_MinX", 1, axis(0), deterministic=True)
    dbapi_connection.create_function("ST_MaxX", 1, axis(1), deterministic=True)
    dbapi_connection.create_function("ST_MinY", 1, axis(2), deterministic=True)
    dbapi_connection.create_function("ST_MaxY", 1, axis(3), deterministic=True)
    dbapi_connection.create_function(
        "ST_IsEmpty", 1, lambda b: None if b is None else int(_envelope(b) is None), deterministic=True
    )


_SRS_ROWS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    (
        "WGS 84 geodetic",
        4326,
        "EPSG",
        4326,
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
        'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,'
        'AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
    ),
]

_CORE_DDL = [
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
    description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
    identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
    (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
    srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
    definition TEXT NOT NULL, scope TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
]

_RTREE_TABLE_DDL = 'CREATE VIRTUAL TABLE "rtree_{t}_{c}" USING rtree(id, minx, maxx, miny, maxy)'

#: The R-tree triggers of GeoPackage 1.4 (Annex F.3): ``update5`` replaces 1.3's ``update3`` (it
#: fires on an update of any column that changes the row id), ``update6`` and ``update7`` replace
#: 1.3's ``update1`` (a non-empty geometry replaced by another one, and a null or empty geometry
#: replaced by a non-empty one). ``{t}`` table, ``{c}`` geometry column, ``{i}`` integer primary key.
_RTREE_TRIGGERS = {
    "insert": """CREATE TRIGGER "rtree_{t}_{c}_insert" AFTER INSERT ON "{t}"
WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END""",
    "update2": """CREATE TRIGGER "rtree_{t}_{c}_update2" AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}"; END""",
    "update4": """CREATE TRIGGER "rtree_{t}_{c}_update4" AFTER UPDATE ON "{t}"
WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id IN (OLD."{i}", NEW."{i}"); END""",
    "update5": """CREATE TRIGGER "rtree_{t}_{c}_update5" AFTER UPDATE ON "{t}"
WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}"; INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES
(NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END""",
    "update6": """CREATE TRIGGER "rtree_{t}_{c}_update6" AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
AND (OLD."{c}" NOTNULL AND NOT ST_IsEmpty(OLD."{c}"))
BEGIN UPDATE "rtree_{t}_{c}" SET minx = ST_MinX(NEW."{c}"), maxx = ST_MaxX(NEW."{c}"),
miny = ST_MinY(NEW."{c}"), maxy = ST_MaxY(NEW."{c}") WHERE id = NEW."{i}"; END""",
    "update7": """CREATE TRIGGER "rtree_{t}_{c}_update7" AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
AND (OLD."{c}" ISNULL OR ST_IsEmpty(OLD."{c}"))
BEGIN INSERT INTO "rtree_{t}_{c}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END""",
    "delete": """CREATE TRIGGER "rtree_{t}_{c}_delete" AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL
BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}"; END""",
}

#: Triggers of GeoPackage 1.3 that 1.4 no longer has (dropped by the schema 1 -> 2 migration).
_RTREE_TRIGGERS_1_3 = ("update1", "update3")


def create_rtree_triggers(conn: sa.Connection, table: str) -> None:
    """Create the GeoPackage 1.4 R-tree triggers of ``table`` (its ``geom`` column)."""
    for ddl in _RTREE_TRIGGERS.values():
        conn.exec_driver_sql(ddl.format(t=table, c=GEOMETRY_COLUMN, i=FID))


def upgrade_rtree_triggers(conn: sa.Connection) -> None:
    """Replace the R-tree triggers of every indexed table by those of GeoPackage 1.4 (the index
    itself stays as it is: its rows do not change)."""
    tables = [
        row[0] for row in conn.exec_driver_sql("SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")
    ]
    for table in tables:
        for name in (*_RTREE_TRIGGERS_1_3, *_RTREE_TRIGGERS):
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "rtree_{table}_{GEOMETRY_COLUMN}_{name}"')
        create_rtree_triggers(conn, table)


class GeoPackageStore(Store):
    """A store in one GeoPackage file (created on :meth:`init`)."""

    kind = "GeoPackage"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        engine = sa.create_engine(f"sqlite:///{self.path}", poolclass=sa.pool.NullPool)

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN: DDL is transactional too
            _register_functions(dbapi_connection)
            dbapi_connection.execute(f"PRAGMA busy_timeout = {int(settings.store_lock_timeout_s * 1000)}")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            # a write takes the file's write lock at once (waiting for another writer up to the
            # busy timeout), so that it can say who it waits for instead of failing half-way
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("kotaku_write") else "BEGIN")

        super().__init__(str(self.path), engine)

    def exists(self) -> bool:
        return self.path.is_file() and super().exists()

    @property
    def _holder_path(self) -> Path:
        """A note beside the file naming the process that writes it (GeoPackage has no such record)."""
        return self.path.with_name(self.path.name + ".penulis")

    @contextlib.contextmanager
    def _write_transaction(self, what: str) -> Iterator[sa.Connection]:
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise StoreError(i18n.text("store.read_only", store=self.display_url))
        with self.engine.connect() as conn:
            conn.info["kotaku_write"] = True
            try:
                transaction = conn.begin()
            except sa.exc.OperationalError as exc:
                raise self._translate(exc) from exc
            note = {"pid": os.getpid(), "user": getpass.getuser(), "host": socket.gethostname(), "what": what,
                    "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")}  # fmt: skip
            with contextlib.suppress(OSError):
                self._holder_path.write_text(json.dumps(note), encoding="utf-8")
            try:
                with transaction:
                    yield conn
            except sa.exc.OperationalError as exc:
                raise self._translate(exc) from exc
            finally:
                with contextlib.suppress(OSError):
                    self._holder_path.unlink()

    def _translate(self, exc: sa.exc.OperationalError) -> Exception:
        """A locked or read-only file as a clear error; anything else as it is."""
        text = str(exc.orig)
        if "readonly" in text or "read-only" in text:
            return StoreError(i18n.text("store.read_only", store=self.display_url))
        if "locked" in text or "busy" in text:
            try:
                note = json.loads(self._holder_path.read_text(encoding="utf-8"))
                holder = i18n.text("store.holder", **note)
            except (OSError, ValueError, KeyError):
                holder = i18n.text("store.holder_unknown")
            return StoreError(
                i18n.text("store.locked", store=self.display_url, holder=holder, seconds=settings.store_lock_timeout_s)
            )
        return exc

    def init(self) -> list[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._write_transaction("init") as conn:
            conn.exec_driver_sql("PRAGMA application_id = 1196444487")  # 'GPKG'
            conn.exec_driver_sql("PRAGMA user_version = 10400")  # GeoPackage 1.4.0
            for ddl in _CORE_DDL:
                conn.exec_driver_sql(ddl)
            conn.exec_driver_sql(
                "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization,"
                " organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)",
                _SRS_ROWS,
            )
        return super().init()

    def _geometry_type(self, spec: catalog.LayerSpec) -> sa.types.TypeEngine:
        return GpkgGeometry(_GEOMETRY_NAMES[spec.geometry])

    def _geometry_values(self, geoms: np.ndarray) -> list[Any]:
        return encode(np.asarray(geoms))

    def _after_create(self, conn: sa.Connection, table: sa.Table, spec: catalog.LayerSpec | None) -> None:
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if spec is None:
            conn.exec_driver_sql(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
                " VALUES (?, 'attributes', ?, ?, ?)",
                (table.name, table.name, table.comment or "", now),
            )
            return
        conn.exec_driver_sql(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id)"
            " VALUES (?, 'features', ?, ?, ?, ?)",
            (table.name, table.name, spec.title.id, now, _SRS_ID),
        )
        conn.exec_driver_sql(
            "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
            (table.name, GEOMETRY_COLUMN, _GEOMETRY_NAMES[spec.geometry], _SRS_ID),
        )
        conn.exec_driver_sql(_RTREE_TABLE_DDL.format(t=table.name, c=GEOMETRY_COLUMN))
        create_rtree_triggers(conn, table.name)
        conn.exec_driver_sql(
            "INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index',"
            " 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            (table.name, GEOMETRY_COLUMN),
        )

    def _feature_boxes(self, table: sa.Table) -> tuple[np.ndarray, np.ndarray]:
        # the R-tree's boxes (32-bit floats, rounded outwards: never smaller than the feature's)
        sql = f'SELECT id, minx, miny, maxx, maxy FROM "rtree_{table.name}_{GEOMETRY_COLUMN}"'
        with self.engine.connect() as conn:
            rows = np.array(conn.exec_driver_sql(sql).cursor.fetchall(), dtype="float64").reshape(-1, 5)  # plain tuples
        return rows[:, 0].astype(np.int64), rows[:, 1:]

    def _read_frame(self, table, where, columns, bbox, geometry):  # type: ignore[no-untyped-def]
        sql_where = None
        if where is not None:
            sql_where = str(where.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        with contextlib.closing(sqlite3.connect(self.path, isolation_level=None)) as watch:
            # the version before the fids are counted: a commit after it (rows beyond the counted
            # fids, say) makes the shares be read again in one
            version = watch.execute("PRAGMA data_version").fetchall()
            shares = self._fid_shares(watch, table.name, sql_where)
            if len(shares) > 1:
                with ThreadPoolExecutor(max_workers=len(shares)) as pool:
                    parts = list(pool.map(lambda share: self._read_share(table.name, share, columns, bbox, geometry), shares))
                # another connection committed while the shares were read: they may not be of one
                # moment, so read again in one
                if watch.execute("PRAGMA data_version").fetchall() == version:
                    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return self._read_share(table.name, sql_where, columns, bbox, geometry)

    def _fid_shares(self, conn: sqlite3.Connection, layer: str, sql_where: str | None) -> list[str | None]:
        """``sql_where`` split into ``settings.gpkg_read_threads`` shares of consecutive fids (the
        span of the matching fids cut evenly), or kept whole for a read spanning fewer than
        ``settings.gpkg_read_share_min_fids`` fids."""
        n = max(1, settings.gpkg_read_threads)
        if n == 1:
            return [sql_where]
        where = f" WHERE {sql_where}" if sql_where else ""
        # fetchall: the statement done, no lock on the file kept while the shares are read
        low, high = conn.execute(f'SELECT min({FID}), max({FID}) FROM "{layer}"{where}').fetchall()[0]
        if low is None or high - low + 1 < max(settings.gpkg_read_share_min_fids, n):
            return [sql_where]
        cuts = [low + (high - low + 1) * k // n for k in range(n + 1)]
        within = f"({sql_where}) AND " if sql_where else ""
        return [f"{within}{FID} >= {a} AND {FID} < {b}" for a, b in zip(cuts[:-1], cuts[1:])]

    def _read_share(self, layer: str, sql_where: str | None, columns: list[str], bbox: Any, geometry: bool) -> pd.DataFrame:
        """The rows of ``layer`` matching ``sql_where`` and ``bbox`` in fid order: GDAL's Arrow stream
        (4-6x faster than feature by feature; GDAL reads outside Python's lock), texts made Python
        strings once per distinct value (:func:`arrow_frame`), geometries from WKB."""
        meta, arrow = pyogrio.read_arrow(
            self.path, layer=layer, columns=columns, where=sql_where, bbox=bbox, read_geometry=geometry, return_fids=True
        )
        arrow = in_fid_order(arrow, meta["fid_column"])
        if not geometry:
            return arrow_frame(arrow)
        name = meta["geometry_name"] or "wkb_geometry"
        frame = arrow_frame(arrow.drop_columns([name]))
        frame["geometry"] = shapely.from_wkb(arrow.column(name).to_numpy(zero_copy_only=False))
        return frame
