"""GeoPackage conformance: the store (new, after the demo, migrated from the layout of schema 1) and
every GeoPackage the project writes pass GDAL's ``validate_gpkg.py -k --extra`` with no finding;
the R-tree triggers of GeoPackage 1.4 keep the index right; the migration from schema 1 works on
both backends."""

from __future__ import annotations

import geopandas as gpd
import pytest
import sqlalchemy as sa
from helpers import as_multi, assert_valid_gpkg, kegiatan_frame, wilayah_frame
from shapely.geometry import MultiPolygon, Point

import kotaku_gis as kg
from kotaku_gis import pengaduan_store
from kotaku_gis.cli import main
from kotaku_gis.store import _schema, open_store

#: The R-tree triggers of GeoPackage 1.3 that schema 1 stores carry (as the spec 1.3 gives them).
_TRIGGERS_1_3 = {
    "update1": """CREATE TRIGGER "rtree_{t}_geom_update1" AFTER UPDATE OF "geom" ON "{t}"
WHEN OLD."fid" = NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom"))
BEGIN INSERT OR REPLACE INTO "rtree_{t}_geom" VALUES (NEW."fid", ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"),
ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END""",
    "update3": """CREATE TRIGGER "rtree_{t}_geom_update3" AFTER UPDATE ON "{t}"
WHEN OLD."fid" != NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom"))
BEGIN DELETE FROM "rtree_{t}_geom" WHERE id = OLD."fid"; INSERT OR REPLACE INTO "rtree_{t}_geom" VALUES
(NEW."fid", ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"), ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END""",
}



@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The sample store (GeoPackage), with one complaint."""
    folder = tmp_path_factory.mktemp("demo")
    store = open_store(folder / "contoh.gpkg")
    kg.build_sample_store(store, report_dir=folder / "laporan")
    pengaduan_store.add(store, tanggal_diterima="2026-07-01", saluran="sms", kode_wilayah="61.71.01.1002",
                  kategori="informasi", deskripsi="Kapan pencairan tahap 2?")  # fmt: skip
    store.close()
    return folder / "contoh.gpkg"


def make_schema_1(store) -> None:  # type: ignore[no-untyped-def]
    """Turn a current store into the layout of schema 1: ``kotaku_meta`` keyed by text and, in a
    GeoPackage, the R-tree triggers of GeoPackage 1.3."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE kotaku_meta")
        conn.exec_driver_sql("CREATE TABLE kotaku_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)")
        conn.exec_driver_sql("INSERT INTO kotaku_meta VALUES ('schema_version', '1'), ('catatan', 'tetap')")
        if conn.dialect.name != "sqlite":
            return
        tables = [r[0] for r in conn.exec_driver_sql("SELECT table_name FROM gpkg_geometry_columns")]
        for t in tables:
            for n in ("update5", "update6", "update7"):
                conn.exec_driver_sql(f'DROP TRIGGER "rtree_{t}_geom_{n}"')
            for ddl in _TRIGGERS_1_3.values():
                conn.exec_driver_sql(ddl.format(t=t))


def triggers(store, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        return sorted(r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)))


def test_a_new_store_passes_the_validator(tmp_path):
    store = open_store(tmp_path / "baru.gpkg")
    store.init()
    store.close()
    assert_valid_gpkg(tmp_path / "baru.gpkg")
    assert triggers(store, "wilayah") == [f"rtree_wilayah_geom_{n}" for n in
                                          ("delete", "insert", "update2", "update4", "update5", "update6", "update7")]


def test_the_demo_store_passes_the_validator(demo):
    assert_valid_gpkg(demo)


def test_rtree_triggers_follow_updates_of_geometry_and_fid(tmp_path):
    store = open_store(tmp_path / "k.gpkg")
    store.init()
    store.write("wilayah", _wilayah())
    moved = Point(110.0, 1.0).buffer(0.01)

    def index(fid: int):
        with store.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT minx, maxx, miny, maxy FROM rtree_wilayah_geom WHERE id = ?", (fid,)).one_or_none()

    with store.engine.begin() as conn:
        fid = conn.exec_driver_sql("SELECT fid FROM wilayah WHERE kode = '61.71.01.1001'").scalar()
        blob = store._geometry_values([moved])[0]
        conn.exec_driver_sql("UPDATE wilayah SET geom = ? WHERE fid = ?", (blob, fid))  # update6
    assert index(fid) == pytest.approx((109.99, 110.01, 0.99, 1.01), abs=1e-4)
    with store.engine.begin() as conn:
        empty = store._geometry_values([MultiPolygon()])[0]
        conn.exec_driver_sql("UPDATE wilayah SET geom = ? WHERE fid = ?", (empty, fid))  # update2
    assert index(fid) is None
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE wilayah SET geom = ? WHERE fid = ?", (blob, fid))  # update7
    assert index(fid) is not None
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE wilayah SET fid = 1000 WHERE fid = ?", (fid,))  # update5
    assert index(fid) is None and index(1000) == pytest.approx((109.99, 110.01, 0.99, 1.01), abs=1e-4)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM wilayah WHERE fid = 1000")  # delete
    assert index(1000) is None
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT count(*) FROM wilayah").scalar()
        indexed = conn.exec_driver_sql("SELECT count(*) FROM rtree_wilayah_geom").scalar()
    assert rows == indexed == 4
    store.close()
    assert_valid_gpkg(tmp_path / "k.gpkg")


def _wilayah() -> gpd.GeoDataFrame:
    frame = as_multi(wilayah_frame())
    frame["tingkat"] = ["provinsi", "kabkota", "kecamatan", "kelurahan", "kelurahan"]
    frame["kode_induk"] = [None, "61", "61.71", "61.71.01", "61.71.01"]
    return frame


def test_a_schema_1_store_is_migrated_keeping_its_rows(store_url, tmp_path):
    store = open_store(store_url)
    store.init()
    store.write("wilayah", _wilayah())
    store.write("kegiatan", kegiatan_frame())
    make_schema_1(store)
    store.close()

    store = open_store(store_url)
    assert store.schema_version() == 1
    with pytest.raises(kg.StoreError, match="kotaku-gis init"):
        store.read("wilayah")
    assert store.init() == [f"migrated schema {v} -> {v + 1}" for v in range(1, _schema.SCHEMA_VERSION)]
    assert store.schema_version() == _schema.SCHEMA_VERSION
    assert len(store.read("wilayah")) == 5 and len(store.read("kegiatan")) == 3
    with store.engine.connect() as conn:
        meta = dict(conn.execute(sa.select(store.meta.c.key, store.meta.c.value)).all())
        pk = sa.inspect(conn).get_pk_constraint("kotaku_meta")["constrained_columns"]
    assert meta == {"schema_version": str(_schema.SCHEMA_VERSION), "catatan": "tetap"}
    assert pk == ["fid"]
    assert store.init() == []
    # the store still takes writes (the key stays unique)
    store.write("kegiatan", kegiatan_frame())
    if store.kind == "GeoPackage":
        assert not any(t.endswith(("update1", "update3")) for t in triggers(store, "kegiatan"))
        with store.engine.connect() as conn:
            n = conn.exec_driver_sql("SELECT count(*) FROM rtree_kegiatan_geom").scalar()
        assert n == 3
        store.close()
        assert_valid_gpkg(store.path)
    store.close()


def test_every_geopackage_the_cli_writes_passes_the_validator(demo, tmp_path):
    db = ["--db", str(demo)]
    outputs = {
        "export": (["export", "kawasan_kumuh"], "kumuh.gpkg"),
        "export_wilayah": (["export", "wilayah", "--tingkat", "kelurahan"], "wilayah.gpkg"),
        "score": (["score", "--periode", "2026Q3", "--out"], "nilai.gpkg"),
        "progress": (["progress", "--tingkat", "kecamatan", "--kode", "61.71", "--periode", "2026Q3", "--out"], "progres.gpkg"),
        "screen": (["screen", "--periode", "2026Q3", "--out"], "temuan.gpkg"),
        "pengaduan": (["pengaduan", "publish", "--out", str(tmp_path / "register.csv"), "--peta"], "register.gpkg"),
    }
    for name, (args, file) in outputs.items():
        assert main(db + args + [str(tmp_path / file)]) == 0, name
        assert_valid_gpkg(tmp_path / file)


def test_the_rejected_rows_of_a_load_pass_the_validator(tmp_path):
    store = open_store(tmp_path / "k.gpkg")
    store.init()
    store.write("wilayah", _wilayah())
    bad = kegiatan_frame()
    bad.loc[0, "kode_kelurahan"] = "61.71.09.9999"  # unknown kelurahan
    bad.to_file(tmp_path / "kegiatan.gpkg")
    report = kg.check(store, "kegiatan", tmp_path / "kegiatan.gpkg", report_dir=tmp_path / "laporan")
    assert report.errors
    rejected = tmp_path / "laporan" / "kegiatan_kegiatan_ditolak.gpkg"
    assert rejected.is_file()
    assert_valid_gpkg(rejected)
    store.close()
