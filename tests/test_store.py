"""Store operations, each on both backends (GeoPackage and PostGIS) through ``store_url``."""

from __future__ import annotations

import shutil
import urllib.parse

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
import shapely.affinity
import sqlalchemy as sa
from helpers import as_multi, assert_unchanged, kegiatan_frame, kumuh_frame, snapshot, stored_wilayah, wilayah_frame

from kotaku_gis import catalog, settings
from kotaku_gis.errors import StoreError, UsageError
from kotaku_gis.store import GeoPackageStore, PostGISStore, _schema, open_store
from kotaku_gis.testing import assert_layer_equal


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    s.init()
    yield s
    s.close()


@pytest.mark.usefixtures("english")
def test_open_store_picks_backend(tmp_path):
    assert isinstance(open_store(tmp_path / "a.gpkg"), GeoPackageStore)
    assert isinstance(open_store("postgresql://u@localhost/db"), PostGISStore)
    with pytest.raises(UsageError, match="must end in .gpkg"):
        open_store(tmp_path / "a.sqlite")
    with pytest.raises(UsageError, match="not supported"):
        open_store("mysql://u@localhost/db")


def test_init_creates_every_catalogue_layer_and_is_idempotent(store):
    summary = store.layers()
    assert sorted(summary["layer"]) == sorted(catalog.layer_names())
    assert summary["rows"].tolist() == [0] * len(catalog.layer_names())
    assert store.schema_version() == _schema.SCHEMA_VERSION
    assert store.init() == []


def test_uninitialised_store_is_refused(store_url):
    s = open_store(store_url)
    with pytest.raises(StoreError, match="kotaku-gis init"):
        s.read("wilayah")


def test_round_trip_keeps_values_types_and_geometry(store):
    frame = kegiatan_frame()
    store.write("kegiatan", frame, source="uji.gpkg", sha256="abc")
    back = store.read("kegiatan")
    expected = frame.reindex(columns=catalog.layer("kegiatan").column_names + ["geometry"])
    for col in catalog.layer("kegiatan").columns:
        if col.type == "float":
            expected[col.name] = expected[col.name].astype("float64")
        elif col.type == "boolean":
            expected[col.name] = expected[col.name].astype("boolean")
        else:
            expected[col.name] = expected[col.name].astype(object).where(expected[col.name].notna(), None)
    assert_layer_equal(back, expected, key=["id_kegiatan"])
    assert back.crs == "EPSG:4326"
    assert back["dampak_negatif"].dtype == "boolean"
    assert back["progres_fisik"].dtype == "float64"


def test_integer_column_round_trip(store):
    frame = kumuh_frame()
    store.write("kawasan_kumuh", as_multi(frame))
    back = store.read("kawasan_kumuh")
    assert back["nilai_pertimbangan_lain"].dtype == "Int64"
    assert back["nilai_pertimbangan_lain"].tolist() == [11, 11]


def test_writing_upserts_by_key_and_keeps_every_other_row(store):
    store.write("kawasan_kumuh", as_multi(kumuh_frame("2024", n=3)))
    store.write("kawasan_kumuh", as_multi(kumuh_frame("2026Q3", n=2)))
    summary = store.write("kawasan_kumuh", as_multi(kumuh_frame("2026Q3", n=1)))
    assert (summary.replaced_rows, summary.added_rows, summary.removed_rows) == (1, 0, 0)
    assert summary.partitions == ("2026Q3",)
    back = store.read("kawasan_kumuh")
    assert back.groupby("periode").size().to_dict() == {"2024": 3, "2026Q3": 2}
    assert store.periods("kawasan_kumuh") == ["2024", "2026Q3"]


def test_replacing_an_area_removes_its_rows_of_the_files_periods_only(store):
    store.write("kawasan_kumuh", as_multi(kumuh_frame("2024", n=3)))
    store.write("kawasan_kumuh", as_multi(kumuh_frame("2026Q3", n=2)))
    plan = store.plan("kawasan_kumuh", as_multi(kumuh_frame("2026Q3", n=1)), replace_areas=["61.71"])
    summary = store.write("kawasan_kumuh", as_multi(kumuh_frame("2026Q3", n=1)), replace_areas=["61.71"])
    assert (summary.replaced_rows, summary.added_rows, summary.removed_rows) == (1, 0, 1)
    assert (plan.replaced, plan.added, plan.removed) == (1, 0, 1)
    assert summary.changes.to_dict("records") == [
        {"kabkota": "61.71", "periode": "2026Q3", "ditambah": 0, "diganti": 1, "dihapus": 1}
    ]
    back = store.read("kawasan_kumuh")
    assert back.groupby("periode").size().to_dict() == {"2024": 3, "2026Q3": 1}


def test_a_key_stored_in_another_kabkota_is_refused(store):
    store.write("kawasan_kumuh", as_multi(kumuh_frame("2024", n=1)))
    other = as_multi(kumuh_frame("2024", n=1)).assign(kode_kelurahan="73.07.01.1001")
    assert store.plan("kawasan_kumuh", other).conflicts["stored_area"].tolist() == ["61.71"]
    with pytest.raises(StoreError, match="another kab/kota"):
        store.write("kawasan_kumuh", other)
    assert store.read("kawasan_kumuh")["kode_kelurahan"].tolist() == ["61.71.01.1001"]


def test_keyed_layer_replaces_rows_with_the_same_key(store):
    store.write("wilayah", stored_wilayah())
    renamed = stored_wilayah().iloc[[3]].copy()
    renamed["nama"] = "Batu Layang"
    summary = store.write("wilayah", renamed)
    assert summary.replaced_rows == 1
    back = store.read("wilayah")
    assert len(back) == 5
    assert back.set_index("kode").at["61.71.01.1001", "nama"] == "Batu Layang"


def test_read_filters(store):
    store.write("wilayah", stored_wilayah())
    store.write("kegiatan", kegiatan_frame("2026Q2"))
    store.write("kegiatan", kegiatan_frame("2026Q3"))
    assert len(store.read("kegiatan", periode="2026Q2")) == 3
    assert len(store.read("kegiatan", periode=["2026Q2", "2026Q3"])) == 6
    assert sorted(store.read("kegiatan", kode="6171011002")["id_kegiatan"]) == ["K003", "K003"]
    assert len(store.read("wilayah", kode="61.71")) == 4  # the kabkota and everything below it
    assert store.read("wilayah", tingkat="kelurahan")["kode"].tolist() == ["61.71.01.1001", "61.71.01.1002"]
    near_b = store.read("kegiatan", bbox=(109.312, -0.05, 109.32, -0.04), periode="2026Q3")
    assert near_b["id_kegiatan"].tolist() == ["K003"]
    attrs = store.read("kegiatan", columns=["id_kegiatan", "status"], geometry=False)
    assert list(attrs.columns) == ["id_kegiatan", "status"]
    assert not isinstance(attrs, gpd.GeoDataFrame)
    with pytest.raises(UsageError):
        store.read("wilayah", periode="2024")
    with pytest.raises(UsageError):
        store.read("kegiatan", columns=["tidak_ada"])


def test_read_without_geometry_gives_the_attributes_of_the_read_with_it(store):
    """Attributes read without geometry come by another path (GeoPackage: GDAL's Arrow stream;
    PostGIS: COPY as CSV parsed by Arrow): the same rows, order, values and types as the read
    with geometry, the empty text apart from NULL, missing booleans, numbers and integers kept."""
    store.write("wilayah", stored_wilayah())
    kegiatan = kegiatan_frame("2026Q3")
    kegiatan["nama"] = ["Jalan", "Drainase", "Hidran umum; \"pojok\", RT 1\nRW 2"]
    kegiatan["persetujuan_tertulis"] = ["", None, "SK/1"]
    store.write("kegiatan", kegiatan)
    kumuh = kumuh_frame("2024", n=3)
    kumuh["prioritas_resmi"] = pd.array([2, None, 1], dtype="Int64")
    store.write("kawasan_kumuh", kumuh)
    for layer in ("kegiatan", "kawasan_kumuh", "wilayah"):
        whole = pd.DataFrame(store.read(layer)).drop(columns="geometry")
        attrs = store.read(layer, geometry=False)
        pd.testing.assert_frame_equal(attrs, whole, obj=layer)
    approval = store.read("kegiatan", columns=["persetujuan_tertulis"], geometry=False)["persetujuan_tertulis"]
    assert approval.tolist() == ["", None, "SK/1"]


def test_read_by_many_boxes(store):
    # one box per row (e.g. per activity): the features whose box meets one of them, read through the
    # store's spatial index (GeoPackage R-tree, PostGIS box); rows that are not finite are left out
    store.write("wilayah", stored_wilayah())
    store.write("kegiatan", kegiatan_frame("2026Q3"))
    everything = store.read("kegiatan")
    boxes = everything.bounds.to_numpy()
    one = store.read("kegiatan", bbox=(109.312, -0.05, 109.32, -0.04))
    far = [100.0, 10.0, 100.1, 10.1]
    nan = [float("nan")] * 4
    many = store.read("kegiatan", bbox=[(109.312, -0.05, 109.32, -0.04), far, nan])
    pd.testing.assert_frame_equal(many, one)
    pd.testing.assert_frame_equal(store.read("kegiatan", bbox=boxes), everything)  # all, in stored order
    picked = store.read("kegiatan", bbox=boxes[[2, 0]], geometry=False)
    assert picked["id_kegiatan"].tolist() == everything["id_kegiatan"].iloc[[0, 2]].tolist()
    assert len(store.read("kegiatan", bbox=[far, far])) == 0
    assert len(store.read("kegiatan", bbox=[nan, nan])) == 0


def _many_kegiatan(n: int = 60) -> gpd.GeoDataFrame:
    """``n`` activities in two periods, some with a value missing."""
    frame = pd.concat([kegiatan_frame(p) for p in ("2026Q2", "2026Q3")] * (n // 6), ignore_index=True)
    frame["id_kegiatan"] = [f"K{i:03d}" for i in range(len(frame))]
    frame["progres_fisik"] = [float(i) for i in range(len(frame))]
    frame["geometry"] = [shapely.affinity.translate(g, xoff=0.001 * i) for i, g in enumerate(frame.geometry)]
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _reads(store) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """The reads a large read may split: all, by period, by one box, by a box per row, attributes only."""
    boxes = _many_kegiatan().bounds.to_numpy()[::3]
    return {
        "all": store.read("kegiatan"),
        "periode": store.read("kegiatan", periode="2026Q3"),
        "box": store.read("kegiatan", bbox=(109.2995, -0.05, 109.3305, -0.04)),
        "boxes": store.read("kegiatan", bbox=boxes),
        "attributes": store.read("kegiatan", periode="2026Q2", geometry=False),
    }


@pytest.mark.parametrize("threads", [2, 3])
def test_read_in_shares_on_threads_gives_the_same_frame_on_both_backends(store, tmp_path, monkeypatch, threads):
    """A GeoPackage read in fid shares on threads (settings.gpkg_read_threads) gives the frame of one
    read, rows in stored order; and each read gives the same frame on both backends."""
    store.write("kegiatan", _many_kegiatan())
    monkeypatch.setattr(settings, "gpkg_read_share_min_fids", 1)
    monkeypatch.setattr(settings, "gpkg_read_threads", threads)
    shared = _reads(store)
    monkeypatch.setattr(settings, "gpkg_read_threads", 1)
    whole = _reads(store)
    reference = open_store(tmp_path / "rujukan.gpkg")  # the other backend, or a GeoPackage again
    reference.init()
    reference.write("kegiatan", _many_kegiatan())
    monkeypatch.setattr(settings, "gpkg_read_threads", threads)
    other = _reads(reference)
    reference.close()
    assert len(whole["all"]) == 60 and 20 <= len(whole["boxes"]) < 60 and len(whole["periode"]) == 30
    for name in whole:
        pd.testing.assert_frame_equal(shared[name], whole[name], obj=name)
        pd.testing.assert_frame_equal(other[name], whole[name], obj=name)


def test_gpkg_read_in_shares_is_of_one_moment(tmp_path, monkeypatch):
    """When another process commits while the shares of a GeoPackage read are read, the read is done
    again in one: never rows of two moments."""
    store = open_store(tmp_path / "a.gpkg")
    store.init()
    store.write("kegiatan", _many_kegiatan())
    monkeypatch.setattr(settings, "gpkg_read_share_min_fids", 1)
    monkeypatch.setattr(settings, "gpkg_read_threads", 2)
    read_share = GeoPackageStore._read_share
    shares = []

    def commit_after_first(self, layer, sql_where, *args):  # type: ignore[no-untyped-def]
        shares.append(sql_where)
        frame = read_share(self, layer, sql_where, *args)
        if len(shares) == 1:  # another process commits after the first share is read
            with store.engine.begin() as other:  # a connection of its own
                other.exec_driver_sql("UPDATE kegiatan SET progres_fisik = 42.5")
        return frame

    monkeypatch.setattr(GeoPackageStore, "_read_share", commit_after_first)
    with pytest.MonkeyPatch.context() as serial:  # the shares one after the other: the commit falls between
        import kotaku_gis.store.gpkg as gpkg

        serial.setattr(gpkg, "ThreadPoolExecutor", _Serial)
        frame = store.read("kegiatan")
    assert len(shares) == 3 and "fid >=" in shares[0] and shares[2] is None  # two shares, then all again
    assert len(frame) == 60 and (frame["progres_fisik"] == 42.5).all()
    store.close()


def test_gpkg_read_in_shares_sees_rows_committed_after_its_fids_were_counted(tmp_path, monkeypatch):
    """Another process adds rows after a read has counted the fids it splits into shares: the read is
    done again in one and returns them too (the shares alone would cover only the fids counted)."""
    store = open_store(tmp_path / "a.gpkg")
    store.init()
    store.write("wilayah", stored_wilayah())
    store.write("kegiatan", _many_kegiatan())
    monkeypatch.setattr(settings, "gpkg_read_share_min_fids", 1)
    monkeypatch.setattr(settings, "gpkg_read_threads", 2)
    fid_shares = GeoPackageStore._fid_shares

    def commit_after_counting(self, conn, layer, sql_where):  # type: ignore[no-untyped-def]
        shares = fid_shares(self, conn, layer, sql_where)
        if layer == "kegiatan" and len(shares) > 1:
            monkeypatch.setattr(GeoPackageStore, "_fid_shares", fid_shares)  # once
            open_store(store.url).write("kegiatan", kegiatan_frame("2026Q4"))
        return shares

    monkeypatch.setattr(GeoPackageStore, "_fid_shares", commit_after_counting)
    frame = store.read("kegiatan")
    assert len(frame) == 60 + 3 and (frame["periode"] == "2026Q4").sum() == 3
    store.close()


class _Serial:
    """A stand-in pool running the tasks one after the other, in order (for a deterministic test)."""

    def __init__(self, max_workers: int):
        pass

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return False

    def map(self, fn, items):  # type: ignore[no-untyped-def]
        return [fn(item) for item in items]


def test_layers_summary_and_provenance(store):
    store.write("kegiatan", kegiatan_frame("2026Q2"), source="a.shp", sha256="1" * 64)
    store.write("kegiatan", kegiatan_frame("2026Q3"), source="b.shp", sha256="2" * 64)
    summary = store.layers().set_index("layer")
    assert summary.at["kegiatan", "rows"] == 6
    assert summary.at["kegiatan", "periods"] == "2026Q2 (3), 2026Q3 (3)"
    assert summary.at["kegiatan", "last_source"] == "b.shp"
    loads = store.loads()
    assert loads["source"].tolist() == ["a.shp", "b.shp"]
    assert loads["partitions"].tolist() == ["2026Q2", "2026Q3"]
    assert loads["software"].str.startswith("kotaku-gis").all()


def test_constraint_violation_rolls_back_the_whole_write(store):
    store.write("kegiatan", kegiatan_frame("2026Q2"))
    before = snapshot(store)
    bad = kegiatan_frame("2026Q2")
    bad.loc[2, "id_kegiatan"] = "K001"  # duplicate key: only the database notices
    with pytest.raises(sa.exc.IntegrityError):
        store.write("kegiatan", bad)
    assert_unchanged(before, snapshot(store))


def test_interrupted_write_leaves_the_store_as_it_was(store, monkeypatch):
    store.write("kegiatan", kegiatan_frame("2026Q3"))
    before = snapshot(store)
    monkeypatch.setattr(settings, "write_batch_rows", 1)
    calls = {"n": 0}
    original = type(store)._insert

    def interrupted(self, conn, table, rows):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C half-way through the load
        original(self, conn, table, rows)

    monkeypatch.setattr(type(store), "_insert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.write("kegiatan", kegiatan_frame("2026Q3"))
    monkeypatch.undo()
    assert_unchanged(before, snapshot(store))


def test_rows_must_be_in_the_storage_crs(store):
    frame = kegiatan_frame().to_crs(32749)
    with pytest.raises(StoreError, match="EPSG:4326"):
        store.write("kegiatan", frame)


def test_newer_schema_version_is_refused(store):
    with store.engine.begin() as conn:
        conn.execute(sa.update(store.meta).values(value=str(_schema.SCHEMA_VERSION + 1)))
    # one message, whatever the command: upgrade kotaku-gis (never `init`, which cannot help)
    for call in (store.init, lambda: store.read("wilayah"), store.layers):
        with pytest.raises(StoreError, match="lebih baru") as caught:
            call()
        assert "perbarui kotaku-gis" in str(caught.value) and "jangan jalankan `kotaku-gis init`" in str(caught.value)


def test_columns_added_to_the_catalogue_are_migrated_keeping_rows(store_url, tmp_path, monkeypatch):
    # a store made by an older release whose catalogue lacked kegiatan.dampak_negatif
    old = tmp_path / "layers"
    shutil.copytree(catalog.catalog_path(), old)
    text = (old / "kegiatan.yml").read_text(encoding="utf-8")
    start = text.index("  - {name: dampak_negatif")
    (old / "kegiatan.yml").write_text(text[:start] + text[text.index("style:"):], encoding="utf-8")
    monkeypatch.setattr(settings, "catalog_dir", old)
    older = open_store(store_url)
    older.init()
    older.write("kegiatan", kegiatan_frame().drop(columns="dampak_negatif"))
    older.close()
    monkeypatch.setattr(settings, "catalog_dir", None)

    current = open_store(store_url)
    with pytest.raises(StoreError, match="kotaku-gis init"):
        current.read("kegiatan")
    assert current.init() == ["added kegiatan.dampak_negatif"]
    back = current.read("kegiatan")
    assert len(back) == 3
    assert back["dampak_negatif"].isna().all()
    current.close()


def test_geopackage_is_readable_by_gdal_with_a_spatial_index(tmp_path):
    store = open_store(tmp_path / "k.gpkg")
    store.init()
    store.write("wilayah", stored_wilayah())
    info = pyogrio.read_info(tmp_path / "k.gpkg", layer="wilayah")
    assert info["features"] == 5
    assert info["geometry_type"] == "MultiPolygon"
    assert info["crs"] == "EPSG:4326"
    assert {"kode", "nama", "tingkat", "kode_induk"} <= set(info["fields"])
    layers = sorted(name for name, _ in pyogrio.list_layers(tmp_path / "k.gpkg"))
    assert layers == sorted(catalog.layer_names() + ["kotaku_loads", "kotaku_meta", "kotaku_sk", "tindak_lanjut_riwayat"])
    with store.engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM rtree_wilayah_geom").scalar()
        env = conn.exec_driver_sql(
            "SELECT minx, maxx, miny, maxy FROM rtree_wilayah_geom r JOIN wilayah w ON r.id = w.fid WHERE w.kode = '61.71.01.1001'"
        ).one()
    assert n == 5
    # the R-tree holds 32-bit floats rounded outwards: the box must still contain the feature
    assert env == pytest.approx((109.30, 109.31, -0.05, -0.04), abs=1e-4)
    assert env[0] <= 109.30 and env[1] >= 109.31 and env[2] <= -0.05 and env[3] >= -0.04
    # the index follows deletions too
    store.write("wilayah", stored_wilayah().iloc[[3]])
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM rtree_wilayah_geom").scalar() == 5
    frame = gpd.read_file(tmp_path / "k.gpkg", layer="wilayah")
    assert shapely.equals_exact(frame.set_index("kode").geometry.loc["61.71.01.1002"], as_multi(wilayah_frame()).geometry.iloc[4], 1e-12)


def test_postgis_has_keys_constraints_and_gist_indexes(postgis_url):
    store = open_store(postgis_url)
    store.init()
    inspector = sa.inspect(store.engine)
    for layer in catalog.layer_names():
        spec = catalog.layer(layer)
        uniques = inspector.get_unique_constraints(layer)
        assert [u["column_names"] for u in uniques] == [spec.key]
        indexes = pd.read_sql(
            sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = :t"), store.engine, params={"t": layer}
        )["indexdef"]
        assert indexes.str.contains("USING gist (geom)", regex=False).any(), indexes.tolist()
    checks = {c["name"] for c in inspector.get_check_constraints("kegiatan")}
    assert {"kegiatan_progres_fisik_min", "kegiatan_progres_fisik_max"} <= checks
    with store.engine.connect() as conn:
        gtype = conn.execute(sa.text("SELECT type FROM geometry_columns WHERE f_table_name = 'wilayah'")).scalar()
    assert gtype == "MULTIPOLYGON"
    store.close()


_KILLED_LOAD = """
import sys, time
sys.path.insert(0, {tests!r})
from helpers import kegiatan_frame
from kotaku_gis import settings
from kotaku_gis.store import open_store

settings.write_batch_rows = 1
store = open_store({url!r})
original = type(store)._insert
def slow(self, conn, table, rows):
    original(self, conn, table, rows)
    print("batch written", flush=True)
    time.sleep(60)
type(store)._insert = slow
store.write("kegiatan", kegiatan_frame("2026Q3"))
"""


def test_killed_load_leaves_the_store_as_it_was(store, tmp_path):
    """A load killed (SIGKILL) half-way: the store still holds exactly the previous rows."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    store.write("kegiatan", kegiatan_frame("2026Q3").iloc[:1])
    before = snapshot(store)
    script = _KILLED_LOAD.format(tests=str(Path(__file__).parent), url=store.url)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "batch written"  # the old rows are deleted by now
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    after = open_store(store.url)
    assert_unchanged(before, snapshot(after))
    after.close()


@pytest.mark.parametrize("connections", [2, 3])
def test_postgis_reads_attributes_in_shares_of_one_snapshot(postgis_url, monkeypatch, connections):
    """A PostGIS read without geometry is copied in shares on several connections
    (settings.postgis_read_connections): the same rows in fid order as on one, and every share sees
    the database of the same moment, even when a load commits while the shares are read."""
    from kotaku_gis.store import postgis

    store = open_store(postgis_url)
    store.init()
    store.write("wilayah", stored_wilayah())
    for periode in ("2026Q2", "2026Q3"):
        store.write("kegiatan", kegiatan_frame(periode))
    monkeypatch.setattr(settings, "postgis_read_connections", 1)
    whole = store.read("kegiatan", columns=["id_kegiatan", "periode", "progres_fisik"], geometry=False)
    monkeypatch.setattr(settings, "postgis_read_connections", connections)
    monkeypatch.setattr(settings, "postgis_rows_per_connection", 1)  # six rows are split too
    copy_share = postgis.PostGISStore._copy_table
    engine = sa.create_engine(postgis_url)

    def commit_between(self, conn, stmt, layer, columns):  # another process commits before a share is read
        with engine.begin() as other:
            other.exec_driver_sql("UPDATE kegiatan SET progres_fisik = 42.5")
        return copy_share(self, conn, stmt, layer, columns)

    monkeypatch.setattr(postgis.PostGISStore, "_copy_table", commit_between)
    shared = store.read("kegiatan", columns=["id_kegiatan", "periode", "progres_fisik"], geometry=False)
    assert len(whole) == 6 and (whole["progres_fisik"] != 42.5).all()
    pd.testing.assert_frame_equal(shared, whole)  # the shares' snapshot is that of before the commits
    engine.dispose()
    store.close()


def test_postgis_reads_few_rows_on_one_connection(postgis_url, monkeypatch):
    """A read the planner expects to return fewer than settings.postgis_rows_per_connection rows per
    connection is not split (each share would scan the whole table); a large one is."""
    from kotaku_gis.store import postgis

    store = open_store(postgis_url)
    store.init()
    store.write("wilayah", stored_wilayah())
    for periode in ("2026Q2", "2026Q3"):
        store.write("kegiatan", kegiatan_frame(periode))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE kegiatan")  # the planner knows the table's six rows
    shares: list[int] = []
    copy_share = postgis.PostGISStore._copy_table

    def counted(self, conn, stmt, layer, columns):
        shares.append(1)
        return copy_share(self, conn, stmt, layer, columns)

    monkeypatch.setattr(postgis.PostGISStore, "_copy_table", counted)
    monkeypatch.setattr(settings, "postgis_read_connections", 2)
    for rows_per_connection, expected in ((4, 1), (3, 2), (1, 2)):
        monkeypatch.setattr(settings, "postgis_rows_per_connection", rows_per_connection)
        shares.clear()
        frame = store.read("kegiatan", columns=["id_kegiatan"], geometry=False)
        assert len(frame) == 6 and len(shares) == expected, rows_per_connection
    store.close()


def test_a_store_missing_a_table_or_a_column_is_sent_to_init(store_url):
    """The schema check (one catalogue query on PostgreSQL) finds a table or a column an older
    release did not make, on both backends, and says to run ``kotaku-gis init``, which adds it."""
    store = open_store(store_url)
    store.init()
    with store.engine.begin() as conn:  # a release before SK decrees were kept
        conn.exec_driver_sql(f'DROP TABLE "{store.sk.name}"')
        if store.kind == "GeoPackage":
            conn.exec_driver_sql(f"DELETE FROM gpkg_contents WHERE table_name = '{store.sk.name}'")
    store.close()
    for gap, name in (("table", store.sk.name), ("column", "dampak_negatif")):
        store = open_store(store_url)
        with pytest.raises(StoreError, match="kotaku-gis init") as caught:
            store.read("wilayah")
        assert name in str(caught.value), gap
        store.init()
        assert store.read("wilayah").empty
        with store.engine.begin() as conn:  # a release before kegiatan.dampak_negatif
            conn.exec_driver_sql('ALTER TABLE "kegiatan" DROP COLUMN "dampak_negatif"')
        store.close()


@pytest.mark.parametrize("schema", ["postgres", "Kotaku-2024"])
def test_the_schema_check_finds_the_tables_the_search_path_shows(postgis_url, schema):
    """PostgreSQL: the store's tables are those the search path shows, as its statements find them:
    a store made in public stays usable when the user gains a schema of its own (the default search
    path is "$user", public), and a store can live in a schema of any name (here set by the URL)."""
    if schema == "postgres":  # the test server's user
        url = postgis_url
        made = open_store(url)
        made.init()
        with made.engine.begin() as conn:
            conn.exec_driver_sql('CREATE SCHEMA "postgres"')
        made.close()
    else:
        engine = sa.create_engine(postgis_url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine.dispose()
        url = f"{postgis_url}?options=" + urllib.parse.quote(f'-csearch_path="{schema}",public')
        made = open_store(url)
        made.init()
        made.close()
    store = open_store(url)
    store.write("wilayah", stored_wilayah())
    assert len(store.read("wilayah")) == len(stored_wilayah())
    store.close()
