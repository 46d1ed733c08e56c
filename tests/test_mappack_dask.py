"""Map packs built on a Dask distributed cluster (``build_pack(client=...)``, ``mappack --dask``):
a LocalCluster of 2 worker processes on loopback. The pack is the local build's, file for file.

The sample (Kota Pontianak) from a GeoPackage, and a synthetic province
(``scripts/make_national_data.py`` at a tiny scale) from PostGIS.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from _repro import expect_identical

import kotaku_gis as kg
from kotaku_gis import mappack, settings
from kotaku_gis.errors import UsageError
from kotaku_gis.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PERIODE = "2026Q3"


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def _files(pack: Path) -> dict[str, str]:
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    return {rel: e["sha256"] for rel, e in manifest["berkas"].items()}


def test_the_sample_pack_on_dask_is_the_local_pack(client, tmp_path, capsys):
    """``kotaku-gis mappack --dask <scheduler>`` builds the units on the cluster's workers."""
    from kotaku_gis import cli

    store = open_store(tmp_path / "contoh.gpkg")
    kg.build_sample_store(store, report_dir=tmp_path / "laporan")
    local = kg.build_pack(store, tmp_path / "lokal", PERIODE, kode="61.71", tingkat="kecamatan", workers=1, progress=False)
    address = client.scheduler.address
    assert cli.main(["--db", str(tmp_path / "contoh.gpkg"), "mappack", "--out", str(tmp_path / "dask"), "--periode", PERIODE,
                     "--kode", "61.71", "--tingkat", "kecamatan", "--dask", address]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert f"Membangun 9 dari 9 wilayah periode {PERIODE} di klaster Dask {address} (2 pekerja)" in err
    pack = tmp_path / "dask" / PERIODE
    mine, theirs = _files(pack), _files(local.path)
    assert local.ok and mine.keys() == theirs.keys()
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pelaksana"] == {"jenis": "dask", "penjadwal": address, "pekerja": 2}
    assert mappack.verify_pack(pack) == []
    # each worker opened its own connection to the store (by its absolute path)
    opened = client.run(lambda: __import__("kotaku_gis.mappack._dask", fromlist=["_URL"])._URL)
    assert sorted(opened.values()) == [[str((tmp_path / "contoh.gpkg").resolve())]] * 2
    # the next run on the cluster finds nothing to do
    assert kg.build_pack(store, tmp_path / "dask", PERIODE, kode="61.71", tingkat="kecamatan", client=client,
                         progress=False).unchanged  # fmt: skip
    store.close()
    expect_identical(sorted(rel for rel in mine if mine[rel] != theirs[rel]))  # the local build's files


def _national_data_script():  # type: ignore[no-untyped-def]
    name = "make_national_data"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[name] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


def test_a_synthetic_province_from_postgis_rebuilt_on_dask_matches_the_local_build(client, postgis_url, tmp_path):
    """A local build checked by a rebuild on the cluster (``rebuild_and_compare(client=)``), each
    worker reading the PostGIS store through its own connection."""
    mnd = _national_data_script()
    cfg = mnd.Config(provinsi=("64",), kabkota=2, kelurahan=40, lokasi=60, kegiatan=50, kawasan_lindung=30, periode=3)
    mnd.write_store(postgis_url, mnd.generate(cfg), source="test_mappack_dask", log=lambda *a: None)
    store = open_store(postgis_url)
    local = kg.build_pack(store, tmp_path / "paket", PERIODE, workers=1, progress=False)
    assert local.ok and len(local.built) == 4  # nasional, 64 and its 2 kab/kota
    problems = mappack.rebuild_and_compare(store, local.path, client=client)
    store.close()
    expect_identical([line.split(": ")[0] for line in problems])


def test_a_scheduler_that_does_not_answer_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "mappack_dask_timeout_s", 1.0)
    store = open_store(tmp_path / "contoh.gpkg")
    kg.build_sample_store(store, report_dir=tmp_path / "laporan")
    with pytest.raises(UsageError, match="tcp://127.0.0.1:9"):
        kg.build_pack(store, tmp_path / "paket", PERIODE, kode="61.71", tingkat="kabkota", client="tcp://127.0.0.1:9",
                      progress=False)  # fmt: skip
    assert not (tmp_path / "paket" / PERIODE).exists()
    store.close()
