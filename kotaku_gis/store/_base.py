"""The store interface and the logic both backends share (SQLAlchemy Core over the catalogue)."""

from __future__ import annotations

import contextlib
import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import sqlalchemy as sa

from kotaku_gis import catalog, i18n, settings
from kotaku_gis._boxes import finite_boxes, meeting
from kotaku_gis._version import __version__
from kotaku_gis.errors import StoreError, UsageError
from kotaku_gis.store import _schema
from kotaku_gis.store._frames import _coerce
from kotaku_gis.store._schema import FID, GEOMETRY_COLUMN, SCHEMA_VERSION

#: Columns of the per kab/kota and period table of a write (:attr:`WritePlan.changes`).
CHANGE_COLUMNS = ("kabkota", "periode", "ditambah", "diganti", "dihapus")


@dataclass(frozen=True)
class WriteSummary:
    """What one :meth:`Store.write` did.

    ``rows`` were written: ``added_rows`` new keys and ``replaced_rows`` rows replaced by key;
    ``removed_rows`` stored rows were removed (the areas and periods a load replaces as a whole).
    ``changes`` has the same per kab/kota and period (:data:`CHANGE_COLUMNS`).
    """

    layer: str
    rows: int
    replaced_rows: int
    partitions: tuple[str, ...]
    removed_rows: int = 0
    added_rows: int = 0
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CHANGE_COLUMNS)))


@dataclass(frozen=True)
class WritePlan:
    """What a write of a frame will do (:meth:`Store.plan`)."""

    layer: str
    periods: tuple[str, ...]
    delete_fids: list[int]
    added: int
    replaced: int
    removed: int
    #: per kab/kota and period: rows added, replaced and removed (:data:`CHANGE_COLUMNS`)
    changes: pd.DataFrame
    #: keys of the frame stored in another kab/kota: ``key``, ``stored_area``, ``area``
    conflicts: pd.DataFrame

    @classmethod
    def added_only(cls, layer: str, frame: pd.DataFrame, area_col: str | None) -> WritePlan:
        """The plan of an insert that replaces nothing."""
        changes = _changes(frame, area_col, None, [], pd.DataFrame(), pd.DataFrame())
        return cls(layer, (), [], len(frame), 0, 0, changes, pd.DataFrame(columns=["key", "stored_area", "area"]))


#: Masks personal data in a column of text (a Series in, a Series out).
Redactor = Callable[[pd.Series], pd.Series]


class Store(ABC):
    """A kotaku-gis store: one table per catalogue layer plus bookkeeping.

    Open one with :func:`kotaku_gis.store.open_store`. Every write is one transaction: it either
    lands whole or leaves the store exactly as it was.
    """

    #: Backend name shown to users ("GeoPackage", "PostGIS").
    kind: str = ""

    #: How the columns the catalogue marks ``redact`` are masked before they are stored. The store
    #: knows no rules of the programme: importing :mod:`kotaku_gis` installs
    #: :func:`kotaku_gis.privacy.redact_series` here (:meth:`use_redactor`). With none installed, a
    #: write of such a column is refused rather than stored unmasked.
    redactor: Redactor | None = None

    @classmethod
    def use_redactor(cls, redactor: Redactor) -> None:
        """Mask the ``redact`` columns of every write with ``redactor`` (see :attr:`redactor`)."""
        Store.redactor = staticmethod(redactor)

    def __init__(self, url: str, engine: sa.Engine):
        self.url = url
        self.engine = engine
        self.metadata = sa.MetaData()
        self.tables: dict[str, sa.Table] = {
            name: _schema.layer_table(self.metadata, catalog.layer(name), self._geometry_type(catalog.layer(name)))
            for name in catalog.layer_names()
        }
        self.meta, self.load_log = _schema.meta_tables(self.metadata)
        #: Decrees (SK Kumuh): which kab/kota a complete list of slum locations was loaded for.
        self.sk = _schema.decree_table(self.metadata)
        #: Private table of complainants' identities: no catalogue layer, never read by ``read``.
        self.identitas = _schema.identity_table(self.metadata)
        #: History of the follow-up register (``tindak_lanjut``): written with its rows only.
        self.riwayat = _schema.history_table(self.metadata)
        self._checked = False

    # -- complainants' identities (private: never a layer, never read by ``read``) ------------------
    def identity(self, key: str) -> dict[str, Any] | None:
        """The identity row stored for complaint ``key`` in the private table, or None.

        For the complaint-handling unit only (:func:`kotaku_gis.pengaduan_store.identitas`).
        """
        self._require_current()
        table = self.identitas
        with self.engine.connect() as conn:
            hit = conn.execute(sa.select(table).where(table.c.id_pengaduan == key)).mappings().first()
        return dict(hit) if hit is not None else None

    def erase_identity(self, key: str) -> bool:
        """Erase the identity stored for complaint ``key``; whether there was one."""
        self._require_current()
        table = self.identitas
        with self.engine.begin() as conn:
            return bool(conn.execute(sa.delete(table).where(table.c.id_pengaduan == key)).rowcount)

    def identity_writer(self, key: str, identity: dict[str, Any] | None) -> Callable[[sa.Connection], None]:
        """A function storing ``identity`` for complaint ``key``, for :meth:`write`'s ``extra`` (so that
        it is stored with the complaint or not at all). An identity of only empty values stores nothing."""
        table = self.identitas

        def write_identity(conn: sa.Connection) -> None:
            if identity is None or not any(v is not None for v in identity.values()):
                return
            conn.execute(sa.delete(table).where(table.c.id_pengaduan == key))
            conn.execute(sa.insert(table).values(
                id_pengaduan=key, dicatat_pada=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **identity,
            ))  # fmt: skip

        return write_identity

    # -- backend hooks ---------------------------------------------------------------------------
    @abstractmethod
    def _geometry_type(self, spec: catalog.LayerSpec) -> sa.types.TypeEngine:
        """Column type of the ``geom`` column of a layer."""

    @abstractmethod
    def _geometry_values(self, geoms: np.ndarray) -> list[Any]:
        """Shapely geometries as values the backend binds for ``geom``."""

    def _after_create(self, conn: sa.Connection, table: sa.Table, spec: catalog.LayerSpec | None) -> None:  # noqa: B027
        """Backend bookkeeping after a table is created (GeoPackage registration); none by default."""

    @abstractmethod
    def _read_frame(
        self,
        table: sa.Table,
        where: sa.ColumnElement[bool] | None,
        columns: list[str],
        bbox: tuple[float, float, float, float] | None,
        geometry: bool,
    ) -> pd.DataFrame:
        """Rows matching ``where`` and ``bbox``: ``columns`` plus shapely ``geometry`` if asked.

        Text columns come as Arrow strings (``str``), or as Python strings with None where missing
        (object dtype, kept as they are: :func:`kotaku_gis.store._frames.arrow_frame` makes them so).
        """

    # -- schema ----------------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the store has been initialised."""
        return sa.inspect(self.engine).has_table("kotaku_meta")

    def schema_version(self) -> int | None:
        """The layout version recorded in the store, or None for an uninitialised store."""
        if not self.exists():
            return None
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(self.meta.c.value).where(self.meta.c.key == "schema_version")).scalar()
        return int(value) if value is not None else None

    def init(self) -> list[str]:
        """Create the store, or bring an existing one up to date. Returns what was done.

        Creates missing layer tables, adds columns that the catalogue gained since the store was
        made, and runs the migrations between the recorded and the current schema version, all in
        one transaction.
        """
        done: list[str] = []
        self._checked = False
        with self._write_transaction("init") as conn:
            inspector = sa.inspect(conn)
            existing = set(inspector.get_table_names())
            version = None
            if "kotaku_meta" in existing:
                value = conn.execute(sa.select(self.meta.c.value).where(self.meta.c.key == "schema_version")).scalar()
                version = int(value) if value is not None else 0
                if version > SCHEMA_VERSION:
                    raise self._newer(version)
                for v in range(version, SCHEMA_VERSION):
                    _schema.MIGRATIONS[v](conn)
                    done.append(f"migrated schema {v} -> {v + 1}")
            for table in (self.meta, self.load_log, self.sk):
                if table.name not in existing:
                    table.create(conn)
                    self._after_create(conn, table, None)
            if self.identitas.name not in existing:  # private: not registered for GIS software
                self.identitas.create(conn)
            if self.riwayat.name not in existing:
                self.riwayat.create(conn)
                self._after_create(conn, self.riwayat, None)
                done.append(f"created {self.riwayat.name}")
            for name, table in self.tables.items():
                if name not in existing:
                    table.create(conn)
                    self._after_create(conn, table, catalog.layer(name))
                    done.append(f"created {name}")
                    continue
                have = {c["name"] for c in inspector.get_columns(name)}
                for col in table.columns:
                    if col.name not in have:
                        ddl = sa.schema.CreateColumn(col).compile(dialect=conn.dialect)
                        conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD COLUMN {ddl}')
                        done.append(f"added {name}.{col.name}")
                indexes = {i["name"] for i in inspector.get_indexes(name)}
                for index in table.indexes:
                    if index.name not in indexes:
                        index.create(conn)
                        done.append(f"indexed {name}.{', '.join(c.name for c in index.columns)}")
            if version != SCHEMA_VERSION:
                conn.execute(sa.delete(self.meta).where(self.meta.c.key == "schema_version"))
                conn.execute(sa.insert(self.meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        return done

    def _require_current(self) -> None:
        """Refuse to work on a store that is missing, older or newer than this release (checked once)."""
        if self._checked:
            return
        version = self.schema_version()
        if version is None:
            raise StoreError(i18n.text("store.not_initialised", store=self.display_url))
        if version > SCHEMA_VERSION:
            raise self._newer(version)
        if version < SCHEMA_VERSION:
            raise self._older(f"schema {version} < {SCHEMA_VERSION}")
        stored = self._stored_columns()
        for name in [*self.tables, self.identitas.name, self.sk.name, self.riwayat.name]:
            if name not in stored:
                raise self._older(f"table {name} is missing")
        for name, table in self.tables.items():
            missing = [c.name for c in table.columns if c.name not in stored[name]]
            if missing:
                raise self._older(f"table {name} lacks {', '.join(missing)}")
        self._checked = True

    def _stored_columns(self) -> dict[str, set[str]]:
        """The column names of each table in the store (SQLAlchemy's inspector; a backend may ask
        its catalogue in one query instead)."""
        inspector = sa.inspect(self.engine)
        columns = inspector.get_multi_columns(filter_names=inspector.get_table_names())
        return {name: {c["name"] for c in found} for (_, name), found in columns.items()}

    def _newer(self, version: int) -> StoreError:
        return StoreError(i18n.text("store.newer_schema", store=self.display_url, version=version, known=SCHEMA_VERSION))

    def _older(self, what: str) -> StoreError:
        return StoreError(i18n.text("store.older_schema", store=self.display_url, what=what))

    # -- writing ---------------------------------------------------------------------------------
    def plan(self, layer: str, frame: pd.DataFrame, *, replace_areas: Sequence[str] | None = None) -> WritePlan:
        """What :meth:`write` would do with ``frame``, without writing anything.

        Parameters and rules as :meth:`write`. The plan lists every row the write would add,
        replace and remove, per kab/kota and period, and the keys that are stored in another
        kab/kota (which :meth:`write` refuses).
        """
        self._require_current()
        with self.engine.connect() as conn:
            return self._plan(conn, catalog.layer(layer), frame, replace_areas)

    def write(
        self,
        layer: str,
        frame: gpd.GeoDataFrame,
        *,
        source: str = "<frame>",
        sha256: str = "",
        insert_only: bool = False,
        replace_areas: Sequence[str] | None = None,
        decree: bool = False,
        extra: Callable[[sa.Connection], None] | None = None,
    ) -> WriteSummary:
        """Write validated rows of ``layer`` in one transaction.

        A stored row whose key is in ``frame`` is replaced; every other row stays. With
        ``replace_areas`` (Kemendagri codes of kelurahan, kecamatan or kab/kota), the stored rows of
        the periods in ``frame`` whose kelurahan lies in one of those areas are removed as well, and
        no others: a load never removes or changes a row outside the areas it names. A key that is
        stored in another kab/kota than the row that would replace it is refused
        (:class:`~kotaku_gis.errors.StoreError`), so one team's file never overwrites another's rows.

        ``frame`` must already be normalised by :mod:`kotaku_gis.loader` (catalogue columns,
        EPSG:4326, valid geometry); the store checks only what its constraints check. Columns the
        catalogue marks ``redact`` have their personal data masked (:attr:`redactor`).

        ``decree`` records ``frame`` as the complete decree (SK Kumuh) list of slum locations of each
        kab/kota it covers, for each of its periods (:meth:`decrees`); combine it with
        ``replace_areas`` naming those kab/kota.

        ``insert_only`` replaces nothing: a row whose key is already stored violates the key and
        the write is rolled back (``sqlalchemy.exc.IntegrityError``). ``extra`` is called with the
        connection inside the same transaction, after the rows are written (for what must be
        stored with them or not at all, such as a complainant's identity).
        """
        self._require_current()
        spec = catalog.layer(layer)
        table = self.tables[layer]
        records = self._records(spec, frame)
        area_col = _area_column(spec)
        areas = sorted({_kabkota(c) for c in [*frame[area_col], *(replace_areas or ())]}) if area_col else []
        with self._write_transaction(f"write {layer} from {source}") as conn:
            self._lock_areas(conn, layer, areas)
            plan = WritePlan.added_only(layer, frame, area_col) if insert_only else self._plan(conn, spec, frame, replace_areas)
            if not plan.conflicts.empty:
                first = plan.conflicts.iloc[0]
                raise StoreError(i18n.text("store.other_area", layer=layer, key=" / ".join(map(str, first["key"])),
                                           stored=first["stored_area"], area=first["area"]))  # fmt: skip
            for chunk in _chunks(plan.delete_fids, 900):  # SQLite's bound-parameter limit
                conn.execute(sa.delete(table).where(table.c[FID].in_(chunk)))
            for chunk in _chunks(records, settings.write_batch_rows):
                self._insert(conn, table, chunk)
            if extra is not None:
                extra(conn)
            now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            if decree:
                self._record_decree(conn, spec, frame, source, sha256, now)
            conn.execute(sa.insert(self.load_log).values(
                layer=layer, partitions=",".join(plan.periods) or "key", source=source, sha256=sha256,
                rows=len(records), replaced_rows=plan.replaced, loaded_at=now, software=f"kotaku-gis {__version__}",
            ))  # fmt: skip
        return WriteSummary(layer, len(records), plan.replaced, plan.periods or ("key",), plan.removed, plan.added, plan.changes)

    def _records(self, spec: catalog.LayerSpec, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
        """The rows as the backend binds them: catalogue columns, masked personal data, geometry."""
        if frame.crs is None or not frame.crs.equals(settings.storage_crs):
            raise StoreError(i18n.text("store.crs", layer=spec.name, crs=settings.storage_crs, got=frame.crs))
        unknown = set(frame.columns) - set(spec.column_names) - {frame.geometry.name}
        if unknown:
            raise StoreError(i18n.text("store.unknown_columns", layer=spec.name, columns=sorted(unknown)))
        redacted = [c.name for c in spec.columns if c.redact and c.name in frame.columns]
        if redacted:
            if self.redactor is None:
                raise StoreError(i18n.text("store.no_redactor", layer=spec.name, columns=redacted))  # fmt: skip
            frame = frame.assign(**{name: self.redactor(frame[name]) for name in redacted})
        records = _records(frame, spec)
        for rec, g in zip(records, self._geometry_values(frame.geometry.values)):
            rec[GEOMETRY_COLUMN] = g
        return records

    def _plan(
        self, conn: sa.Connection, spec: catalog.LayerSpec, frame: pd.DataFrame, replace_areas: Sequence[str] | None
    ) -> WritePlan:
        """The rows a write replaces and removes (see :meth:`write`), read in ``conn``."""
        area_col, period_col = _area_column(spec), spec.partition
        if replace_areas and (period_col is None or area_col is None):
            raise UsageError(i18n.text("store.replace_areas", layer=spec.name))
        periods = tuple(sorted({str(v) for v in frame[period_col].dropna()})) if period_col else ()
        matched = self._same_key_rows(conn, spec, frame, periods)
        replaced = set(matched[FID].astype(int))
        removed = pd.DataFrame(columns=[FID, area_col or "", period_col or ""])
        if replace_areas:
            removed = self._rows_in_areas(conn, spec, replace_areas, periods)
            removed = removed[~removed[FID].astype(int).isin(replaced)]
        return WritePlan(
            layer=spec.name,
            periods=periods,
            delete_fids=sorted(replaced | set(removed[FID].astype(int))),
            added=len(frame) - len(matched),
            replaced=len(matched),
            removed=len(removed),
            changes=_changes(frame, area_col, period_col, list(spec.key), matched, removed),
            conflicts=_key_conflicts(matched, list(spec.key), area_col),
        )

    def _same_key_rows(
        self, conn: sa.Connection, spec: catalog.LayerSpec, frame: pd.DataFrame, periods: tuple[str, ...]
    ) -> pd.DataFrame:
        """The stored rows with a key of ``frame`` (fid, key, stored area as ``<area>_stored``, area in the frame)."""
        table, key, area_col = self.tables[spec.name], list(spec.key), _area_column(spec)
        wanted = [table.c[FID], *(table.c[k] for k in key)]
        extra = [area_col] if area_col and area_col not in key else []
        wanted += [table.c[c] for c in extra]
        names = [c.name for c in wanted]
        parts = []
        for chunk in _chunks(sorted({str(v) for v in frame[key[0]].dropna()}), 900):  # SQLite's parameter limit
            stmt = sa.select(*wanted).where(table.c[key[0]].in_(chunk))
            if spec.partition and spec.partition in key:
                stmt = stmt.where(table.c[spec.partition].in_(periods))
            parts.append(pd.DataFrame(conn.execute(stmt).fetchall(), columns=names))
        stored = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=names)
        new = pd.DataFrame(frame[[*key, *extra]]).astype(object)
        for k in key:
            new[k], stored[k] = new[k].map(str), stored[k].map(str)
        matched = stored.merge(new, on=key, how="inner", suffixes=("_stored", ""))
        if area_col in key:  # wilayah: the area is the key itself
            matched[f"{area_col}_stored"] = matched[area_col]
        return matched

    def _rows_in_areas(
        self, conn: sa.Connection, spec: catalog.LayerSpec, areas: Sequence[str], periods: tuple[str, ...]
    ) -> pd.DataFrame:
        """The stored rows of ``periods`` whose kelurahan lies in one of ``areas`` (fid, area, period)."""
        table, area_col, period_col = self.tables[spec.name], _area_column(spec), spec.partition
        assert area_col is not None and period_col is not None
        column = table.c[area_col]
        parts = []
        for chunk in _chunks(sorted(set(areas)), 200):
            inside = sa.or_(*[sa.or_(column == a, column.like(f"{a}.%")) for a in chunk])
            stmt = sa.select(table.c[FID], column, table.c[period_col]).where(table.c[period_col].in_(periods), inside)
            parts.append(pd.DataFrame(conn.execute(stmt).fetchall(), columns=[FID, area_col, period_col]))
        return pd.concat(parts, ignore_index=True)

    def _record_decree(
        self, conn: sa.Connection, spec: catalog.LayerSpec, frame: pd.DataFrame, source: str, sha256: str, now: str
    ) -> None:
        area_col, period_col = _area_column(spec), spec.partition
        if area_col is None or period_col is None:
            raise UsageError(i18n.text("store.decree", layer=spec.name))
        counts = (
            pd.DataFrame({"kabkota": frame[area_col].map(_kabkota), "periode": frame[period_col]})
            .value_counts()
            .sort_index()
            .reset_index(name="rows")
        )
        for row in counts.itertuples(index=False):
            conn.execute(
                sa.delete(self.sk).where(
                    self.sk.c.layer == spec.name, self.sk.c.kabkota == row.kabkota, self.sk.c.periode == row.periode
                )
            )
            conn.execute(
                sa.insert(self.sk).values(
                    layer=spec.name,
                    kabkota=row.kabkota,
                    periode=row.periode,
                    rows=int(row.rows),
                    source=source,
                    sha256=sha256,
                    loaded_at=now,
                )
            )

    def decrees(self, layer: str = "kawasan_kumuh") -> pd.DataFrame:
        """The decrees (SK Kumuh) recorded: ``kabkota``, ``periode``, ``rows``, ``source``, ``loaded_at``.

        A decree is the complete list of a kab/kota's slum locations for its period: a location
        of an earlier period absent from it has left the slum list (see :mod:`kotaku_gis.progress`).
        """
        self._require_current()
        cols = ["kabkota", "periode", "rows", "source", "loaded_at"]
        stmt = (
            sa.select(*(self.sk.c[c] for c in cols))
            .where(self.sk.c.layer == layer)
            .order_by(self.sk.c.kabkota, self.sk.c.periode)
        )
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(stmt).fetchall(), columns=cols)

    @contextlib.contextmanager
    def _write_transaction(self, what: str) -> Iterator[sa.Connection]:
        """A write transaction; backends turn lock waits and read-only files into clear errors."""
        with self.engine.begin() as conn:
            yield conn

    def write_with_history(
        self, layer: str, frame: gpd.GeoDataFrame, history: Sequence[dict[str, Any]], *, source: str
    ) -> WriteSummary | None:
        """Write rows of a register layer and their history (``tindak_lanjut_riwayat``) in one transaction.

        ``frame`` replaces the stored rows with the same key (as :meth:`write`); ``history`` rows carry
        the columns of :func:`kotaku_gis.store._schema.history_table` except ``fid``, ``waktu`` (set
        here, UTC). Nothing is written when both are empty (returns None).

        Examples
        --------
        >>> import tempfile, os, geopandas as gpd
        >>> from kotaku_gis.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "contoh.gpkg")); _ = store.init()
        >>> empty = gpd.GeoDataFrame({"id_tindak_lanjut": []}, geometry=[], crs="EPSG:4326")
        >>> store.write_with_history("tindak_lanjut", empty, [], source="contoh") is None
        True
        """
        if len(frame) == 0 and not history:
            return None
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        rows = [{**h, "waktu": now} for h in history]

        def add_history(conn: sa.Connection) -> None:
            if rows:
                conn.execute(sa.insert(self.riwayat), rows)

        return self.write(layer, frame, source=source, extra=add_history)

    def history(self, id_tindak_lanjut: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The history of the follow-up register, oldest first (only these items when given)."""
        self._require_current()
        table = self.riwayat
        stmt = sa.select(table).order_by(table.c[FID])
        if id_tindak_lanjut is not None:
            wanted = [id_tindak_lanjut] if isinstance(id_tindak_lanjut, str) else list(id_tindak_lanjut)
            stmt = stmt.where(table.c.id_tindak_lanjut.in_(wanted))
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            return pd.DataFrame(result.mappings().all(), columns=[c.name for c in table.columns])

    def _lock_areas(self, conn: sa.Connection, layer: str, areas: Sequence[str]) -> None:  # noqa: B027
        """Make writes that touch the same areas of ``layer`` wait for each other (backend hook).

        A GeoPackage has one writer at a time anyway; PostGIS takes a lock per kab/kota, so loads of
        different kab/kota run side by side while two loads of one kab/kota never plan on rows the
        other is changing.
        """

    def _insert(self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """Insert one batch (a seam the tests use to interrupt a load half-way)."""
        conn.execute(sa.insert(table), rows)

    # -- reading ---------------------------------------------------------------------------------
    def read(
        self,
        layer: str,
        *,
        periode: str | Sequence[str] | None = None,
        kode: str | None = None,
        tingkat: str | Sequence[str] | None = None,
        bbox: Sequence[float] | np.ndarray | None = None,
        columns: Sequence[str] | None = None,
        geometry: bool = True,
    ) -> gpd.GeoDataFrame | pd.DataFrame:
        """Rows of ``layer`` as a GeoDataFrame in EPSG:4326, typed by the catalogue.

        Parameters
        ----------
        layer : str
            Catalogue layer name.
        periode : str or list of str, optional
            Only these periods (partitioned layers).
        kode : str, optional
            Only features in the area with this Kemendagri code (dotted or not): the area itself and
            everything below it for ``wilayah``; features whose ``kode_kelurahan`` lies in it for
            the other layers.
        tingkat : str or list of str, optional
            Only these levels (``wilayah``).
        bbox : tuple or array of shape (n, 4), optional
            (min lon, min lat, max lon, max lat): only features whose bounding box meets it; several
            boxes (one per row): only features whose bounding box meets one of them (the boxes of
            the layer's features, from the spatial index, are matched here, and only those rows
            read). Rows that are not finite are left out.
        columns : list of str, optional
            Attribute columns to return (default all).
        geometry : bool
            False returns a plain DataFrame without geometry (faster).
        """
        self._require_current()
        spec = catalog.layer(layer)
        table = self.tables[layer]
        cols = list(columns) if columns is not None else spec.column_names
        for c in cols:
            spec.column(c)
        conditions: list[sa.ColumnElement[bool]] = []
        if periode is not None:
            if spec.partition is None:
                raise UsageError(i18n.text("store.no_periods", layer=repr(layer)))
            values = [periode] if isinstance(periode, str) else list(periode)
            conditions.append(sa.column(spec.partition).in_(values))
        if kode is not None:
            from kotaku_gis import wilayah

            try:
                code = wilayah.normalize_kode(kode)
            except ValueError as exc:
                raise UsageError(i18n.text("maps.error.kode", kode=repr(kode), error=exc)) from exc
            # unqualified columns: the same condition serves SQL run by GDAL and by SQLAlchemy
            column = sa.column("kode" if layer == "wilayah" else spec.kode_columns()[0].name, sa.Text)
            conditions.append(sa.or_(column == code, column.like(f"{code}.%")))
        if tingkat is not None:
            if "tingkat" not in spec.column_names:
                raise UsageError(i18n.text("store.no_tingkat", layer=repr(layer)))
            values = [tingkat] if isinstance(tingkat, str) else list(tingkat)
            conditions.append(sa.column("tingkat").in_(values))
        bbox = self._box_condition(table, bbox, conditions)
        where = sa.and_(*conditions) if conditions else None
        frame = self._read_frame(table, where, cols, bbox, geometry)
        frame = _coerce(frame, spec, cols)
        if geometry:
            return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.storage_crs)
        return frame

    def _box_condition(
        self, table: sa.Table, bbox: Sequence[float] | np.ndarray | None, conditions: list[sa.ColumnElement[bool]]
    ) -> tuple[float, float, float, float] | None:
        """The one box the backend reads by, or None; several boxes become a condition on the fids
        of the features whose box meets one of them (appended to ``conditions``)."""
        if bbox is None:
            return None
        boxes = finite_boxes(bbox)
        if len(boxes) == 1:
            west, south, east, north = (float(v) for v in boxes[0])
            return west, south, east, north
        found: list[int] = []  # no finite box: no feature
        if len(boxes):
            fids, bounds = self._feature_boxes(table)
            known = np.isfinite(bounds).all(axis=1)
            fids, bounds = fids[known], bounds[known]
            # the fids written into the SQL (PostgreSQL takes at most 65,535 parameters)
            found = np.unique(fids[meeting(bounds, boxes)]).tolist()
        wanted: sa.BindParameter[list[int]] = sa.bindparam("box_fids", found, expanding=True, literal_execute=True)
        conditions.append(sa.column(FID, sa.Integer).in_(wanted))
        return None

    @abstractmethod
    def _feature_boxes(self, table: sa.Table) -> tuple[np.ndarray, np.ndarray]:
        """The fid and bounding box (n, 4: min lon, min lat, max lon, max lat) of each feature of
        ``table`` with a geometry, from the spatial index where the backend keeps them."""

    def periods(self, layer: str) -> list[str]:
        """The periods stored for a partitioned layer, sorted."""
        self._require_current()
        spec = catalog.layer(layer)
        if spec.partition is None:
            return []
        table = self.tables[layer]
        column = table.c[spec.partition]
        # one index seek per period (the period index), not a scan of every row: the next period
        # after the one found, until there is none
        found = sa.select(sa.func.min(column).label("v")).cte("found", recursive=True)
        found = found.union_all(
            sa.select(sa.select(sa.func.min(column)).where(column > found.c.v).scalar_subquery()).where(found.c.v.is_not(None))
        )
        with self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(found.c.v).where(found.c.v.is_not(None))).scalars())

    def layers(self) -> pd.DataFrame:
        """What is stored: one row per catalogue layer with its row count, periods and last load."""
        self._require_current()
        rows = []
        with self.engine.connect() as conn:
            for name, table in self.tables.items():
                spec = catalog.layer(name)
                count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                periods = ""
                if spec.partition:
                    col = table.c[spec.partition]
                    stmt = sa.select(col, sa.func.count()).group_by(col).order_by(col)
                    periods = ", ".join(f"{p} ({n})" for p, n in conn.execute(stmt))
                last = conn.execute(
                    sa.select(self.load_log.c.loaded_at, self.load_log.c.source)
                    .where(self.load_log.c.layer == name)
                    .order_by(self.load_log.c[FID].desc())
                    .limit(1)
                ).first()
                rows.append(
                    {
                        "layer": name,
                        "rows": int(count or 0),
                        "periods": periods,
                        "last_load": last[0] if last else None,
                        "last_source": last[1] if last else None,
                    }
                )
        return pd.DataFrame(rows)

    def loads(self) -> pd.DataFrame:
        """The provenance log: every load with its source file, fingerprint and time."""
        self._require_current()
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(self.load_log).order_by(self.load_log.c[FID]))
            return pd.DataFrame(result.mappings().all(), columns=[c.name for c in self.load_log.columns])

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def display_url(self) -> str:
        """The location without a password, for messages and displays."""
        if "://" not in self.url:
            return self.url
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display_url}>"

    def _repr_html_(self) -> str:
        """Jupyter display: backend, location (no password) and what each layer holds."""
        from kotaku_gis import display

        return display.store_html(self)


def _area_column(spec: catalog.LayerSpec) -> str | None:
    """The column that places a row in an area: ``kode`` of wilayah, else the kelurahan code."""
    if spec.name == "wilayah":
        return "kode"
    kel = [c.name for c in spec.kode_columns() if c.tingkat == "kelurahan"]
    return kel[0] if kel else None


def _kabkota(code: Any) -> str:
    """The kab/kota part of a dotted code (the code itself above kab/kota; ``-`` without one)."""
    if code is None or (isinstance(code, float) and np.isnan(code)):
        return "-"
    return str(code)[:5]


def _key_conflicts(matched: pd.DataFrame, key: list[str], area_col: str | None) -> pd.DataFrame:
    """Keys of the frame stored in another kab/kota than the frame's row: ``key``, ``stored_area``, ``area``."""
    if area_col is None or matched.empty:
        return pd.DataFrame(columns=["key", "stored_area", "area"])
    stored_area = matched[f"{area_col}_stored"].map(_kabkota)
    area = matched[area_col].map(_kabkota)
    clash = (stored_area != area).to_numpy()
    return pd.DataFrame({
        "key": [tuple(r) for r in matched.loc[clash, key].itertuples(index=False)],
        "stored_area": stored_area[clash].to_numpy(),
        "area": area[clash].to_numpy(),
    })  # fmt: skip


def _changes(
    frame: pd.DataFrame,
    area_col: str | None,
    period_col: str | None,
    key: list[str],
    matched: pd.DataFrame,
    removed: pd.DataFrame,
) -> pd.DataFrame:
    """Rows added, replaced and removed per kab/kota and period."""
    n = len(frame)
    kab = frame[area_col].map(_kabkota) if area_col else pd.Series("-", index=frame.index)
    per = frame[period_col].astype(object).fillna("-") if period_col else pd.Series("-", index=frame.index)
    replaced = pd.Series(False, index=frame.index)
    if len(matched) and key:
        keys = pd.MultiIndex.from_frame(pd.DataFrame(frame[key]).astype(object).map(str))
        hit = pd.MultiIndex.from_frame(matched[key])
        replaced = pd.Series(keys.isin(hit), index=frame.index)
    rows = pd.DataFrame({"kabkota": kab.to_numpy(), "periode": per.to_numpy(), "diganti": replaced.to_numpy().astype(int)})
    rows["ditambah"] = 1 - rows["diganti"]
    rows["dihapus"] = 0
    if len(removed) and area_col and period_col:
        rows = pd.concat([rows, pd.DataFrame({
            "kabkota": removed[area_col].map(_kabkota).to_numpy(), "periode": removed[period_col].to_numpy(),
            "diganti": 0, "ditambah": 0, "dihapus": 1,
        })], ignore_index=True)  # fmt: skip
    if not n and rows.empty:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    out = rows.groupby(["kabkota", "periode"], as_index=False)[["ditambah", "diganti", "dihapus"]].sum()
    return out[list(CHANGE_COLUMNS)].sort_values(["kabkota", "periode"], ignore_index=True)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _records(frame: pd.DataFrame, spec: catalog.LayerSpec) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (None for missing), in catalogue columns."""
    cols = [c.name for c in spec.columns if c.name in frame.columns]
    data = pd.DataFrame(frame[cols]).astype(object)
    data = data.where(pd.notna(data), None)
    records = data.to_dict("records")
    for rec in records:
        for k, v in rec.items():
            if isinstance(v, np.generic):
                rec[k] = v.item()
    return records
