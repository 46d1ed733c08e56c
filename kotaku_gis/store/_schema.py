"""Store schema derived from the layer catalogue, and its versions.

Every layer becomes one table named after the layer, with an integer ``fid`` primary key, the
catalogue's columns, a unique constraint on the layer key, NOT NULL on required columns, range
checks and a geometry column ``geom`` in EPSG:4326. Three bookkeeping tables go beside them:
``kotaku_meta`` (schema version), ``kotaku_loads`` (provenance of every load) and ``kotaku_sk``
(the decrees: which kab/kota and period a complete list of slum locations was loaded for).

One private table goes beside them too: ``pengaduan_identitas``, the identity and contact of each
complainant (and the description as given, before personal data was masked), kept apart from the
``pengaduan`` layer. It is not a catalogue layer, so ``Store.read``, ``export``, maps and published
registers cannot reach it; in a GeoPackage it is not registered in ``gpkg_contents`` either, so GIS
software does not list it. Only :mod:`kotaku_gis.pengaduan` reads and writes it.

Versions
--------
``SCHEMA_VERSION`` counts incompatible layouts; ``MIGRATIONS[v]`` upgrades a store from version
``v`` to ``v + 1``. Columns added to the catalogue are added to existing tables by ``Store.init``
without a version step (an additive change keeps every row), and so are indexes (the index on the
period column of a partitioned layer, which makes reading a few periods of a national layer and
listing its periods fast; a store without it works, only slower).

=======  ============================================================================================
version  layout
=======  ============================================================================================
1        first release: ``kotaku_meta`` keyed by its text ``key``; GeoPackage 1.3 R-tree triggers
2        slum locations may be points or kelurahan markers: the geometry column of a
         ``multipolygon_or_point`` layer takes any geometry type
3        ``kotaku_meta`` with an integer ``fid`` primary key (GeoPackage Req 119: an attributes
         table has an INTEGER PRIMARY KEY) and ``key`` UNIQUE; the R-tree triggers of GeoPackage
         1.4 (``update5``/``update6``/``update7`` instead of ``update1``/``update3``, Req 75).
         The store passes GDAL's ``validate_gpkg.py -k --extra`` with no finding.
=======  ============================================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from kotaku_gis import catalog

#: Layout version written to ``kotaku_meta``; a store of a newer version is refused.
SCHEMA_VERSION = 3


def _point_locations(conn: sa.Connection) -> None:
    """1 -> 2: layers of kind ``multipolygon_or_point`` (``kawasan_kumuh``: slum locations known only
    as a point or by their kelurahan) take any geometry type instead of MultiPolygon only."""
    inspector = sa.inspect(conn)
    for name in catalog.layer_names():
        if catalog.layer(name).geometry != "multipolygon_or_point" or not inspector.has_table(name):
            continue
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f'ALTER TABLE "{name}" ALTER COLUMN {GEOMETRY_COLUMN} TYPE geometry(Geometry, 4326)')
        else:
            conn.exec_driver_sql("UPDATE gpkg_geometry_columns SET geometry_type_name = 'GEOMETRY' WHERE table_name = ?", (name,))


GEOMETRY_COLUMN = "geom"

#: The geometry type name each catalogue geometry kind is declared with (both backends).
GEOMETRY_NAMES: dict[str, str] = {
    "point": "POINT",
    "linestring": "LINESTRING",
    "multipolygon": "MULTIPOLYGON",
    "multipolygon_or_point": "GEOMETRY",
    "any": "GEOMETRY",
}
FID = "fid"

_SQL_TYPES: dict[str, Any] = {
    "text": sa.Text,
    "kode": sa.Text,
    "periode": sa.Text,
    "integer": sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
    "float": sa.Double,
    "boolean": sa.Boolean,
    "date": sa.Date,
}


def layer_table(metadata: sa.MetaData, spec: catalog.LayerSpec, geometry_type: sa.types.TypeEngine) -> sa.Table:
    """The table of one catalogue layer, with ``geometry_type`` for its ``geom`` column."""
    columns: list[Any] = [sa.Column(FID, sa.Integer, primary_key=True, autoincrement=True)]
    for col in spec.columns:
        columns.append(sa.Column(col.name, _SQL_TYPES[col.type], nullable=not col.required, comment=col.description.en))
    columns.append(sa.Column(GEOMETRY_COLUMN, geometry_type, nullable=False))
    table = sa.Table(spec.name, metadata, *columns, comment=spec.title.en)
    table.append_constraint(sa.UniqueConstraint(*spec.key, name=f"{spec.name}_key"))
    if spec.partition is not None:  # reads of a few periods, and the list of periods, go through it
        sa.Index(partition_index(spec.name), table.c[spec.partition])
    for col in spec.columns:
        if col.min is not None:
            table.append_constraint(sa.CheckConstraint(table.c[col.name] >= col.min, name=f"{spec.name}_{col.name}_min"))
        if col.max is not None:
            table.append_constraint(sa.CheckConstraint(table.c[col.name] <= col.max, name=f"{spec.name}_{col.name}_max"))
    return table


def partition_index(layer: str) -> str:
    """Name of the index on the period column of a partitioned layer."""
    return f"{layer}_periode"


def meta_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The bookkeeping tables: ``kotaku_meta`` and ``kotaku_loads``."""
    meta = sa.Table(
        "kotaku_meta",
        metadata,
        sa.Column(FID, sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    loads = sa.Table(
        "kotaku_loads",
        metadata,
        sa.Column(FID, sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("partitions", sa.Text, nullable=False, comment="periods replaced, or 'key' for keyed layers"),
        sa.Column("source", sa.Text, nullable=False, comment="file name as given"),
        sa.Column("sha256", sa.Text, nullable=False, comment="fingerprint of the source file"),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("replaced_rows", sa.Integer, nullable=False),
        sa.Column("loaded_at", sa.Text, nullable=False, comment="UTC, ISO 8601"),
        sa.Column("software", sa.Text, nullable=False),
    )
    return meta, loads


def decree_table(metadata: sa.MetaData) -> sa.Table:
    """``kotaku_sk``: each decree (SK Kumuh) loaded, one row per layer, kab/kota and period."""
    return sa.Table(
        "kotaku_sk",
        metadata,
        sa.Column(FID, sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("kabkota", sa.Text, nullable=False, comment="Kemendagri code of the kab/kota"),
        sa.Column("periode", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False, comment="locations the decree lists"),
        sa.Column("source", sa.Text, nullable=False, comment="file name as given"),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("loaded_at", sa.Text, nullable=False, comment="UTC, ISO 8601"),
        sa.UniqueConstraint("layer", "kabkota", "periode", name="kotaku_sk_key"),
        comment="Decrees (SK Kumuh): complete lists of slum locations per kab/kota and period",
    )


#: Name of the private table of complainants' identities (see the module docstring).
IDENTITY_TABLE = "pengaduan_identitas"


def identity_table(metadata: sa.MetaData) -> sa.Table:
    """The private table ``pengaduan_identitas``: one row per complaint that has an identity."""
    return sa.Table(
        IDENTITY_TABLE,
        metadata,
        sa.Column("id_pengaduan", sa.Text, primary_key=True),
        sa.Column("nama", sa.Text, comment="complainant's name (never published)"),
        sa.Column("kontak", sa.Text, comment="phone, e-mail or address to reply to (never published)"),
        sa.Column("deskripsi_asli", sa.Text, comment="description as given, when masking changed it (never published)"),
        sa.Column("dicatat_pada", sa.Text, nullable=False, comment="UTC, ISO 8601"),
        comment="Identity of complainants: private, never published",
    )


#: Name of the history table of the follow-up register (see the module docstring).
HISTORY_TABLE = "tindak_lanjut_riwayat"


def history_table(metadata: sa.MetaData) -> sa.Table:
    """The table ``tindak_lanjut_riwayat``: one row per change of a follow-up item."""
    return sa.Table(
        HISTORY_TABLE,
        metadata,
        sa.Column(FID, sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id_tindak_lanjut", sa.Text, nullable=False),
        sa.Column("tanggal", sa.Text, nullable=False, comment="day of the change (ISO 8601 date)"),
        sa.Column("waktu", sa.Text, nullable=False, comment="when it was recorded (UTC, ISO 8601)"),
        sa.Column("oleh", sa.Text, nullable=False, comment="name typed by whoever made the change"),
        sa.Column("peristiwa", sa.Text, nullable=False, comment="what happened (kotaku_gis.tindak_lanjut.EVENTS)"),
        sa.Column("status_lama", sa.Text),
        sa.Column("status_baru", sa.Text),
        sa.Column("catatan", sa.Text, comment="note (personal data masked)"),
        comment="History of the follow-up register",
    )


def _meta_and_rtree(conn: sa.Connection) -> None:
    """2 -> 3: rebuild ``kotaku_meta`` with an integer primary key (keeping its rows) and,
    in a GeoPackage, replace the R-tree triggers of GeoPackage 1.3 by those of 1.4."""
    meta, _ = meta_tables(sa.MetaData())
    rows = [dict(r) for r in conn.execute(sa.text("SELECT key, value FROM kotaku_meta")).mappings()]
    conn.exec_driver_sql("DROP TABLE kotaku_meta")
    meta.create(conn)
    if rows:
        conn.execute(sa.insert(meta), rows)
    if conn.dialect.name == "sqlite":
        from kotaku_gis.store import gpkg  # the backend module imports this one

        gpkg.upgrade_rtree_triggers(conn)


#: Upgrades from version ``v`` to ``v + 1``, each run in the transaction of ``Store.init``.
MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _point_locations, 2: _meta_and_rtree}
