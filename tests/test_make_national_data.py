"""scripts/make_national_data.py at a tiny scale: 2 provinces, 3 kab/kota (Kota Pontianak among
them, with its real kelurahan), 60 kelurahan, into a temporary GeoPackage."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from kotaku_gis import catalog, scoring, wilayah
from kotaku_gis.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def _import_script():  # type: ignore[no-untyped-def]
    name = "make_national_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


mnd = _import_script()

CFG = mnd.Config(provinsi=("61", "64"), kabkota=3, kelurahan=60, lokasi=80, kegiatan=60, kawasan_lindung=40, periode=3)
TINY_ARGS = ["--kode-provinsi", "61,64", "--kabkota", "3", "--kelurahan", "60", "--lokasi", "80", "--kegiatan", "60",
             "--kawasan-lindung", "40", "--periode", "3"]


@pytest.fixture(scope="module")
def data():
    return mnd.generate(CFG)


def _kelurahan(data) -> gpd.GeoDataFrame:  # type: ignore[no-untyped-def]
    wil = data.wilayah
    return wil[wil["tingkat"] == "kelurahan"].set_index("kode")


def _synthetic(wil: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return wil[wil["tingkat"].isin(["kecamatan", "kelurahan"]) & ~wil["kode"].str.startswith(mnd.PONTIANAK + ".")]


def test_counts_as_asked(data):
    wil = data.wilayah
    levels = wil["tingkat"].value_counts()
    assert set(wil.loc[wil["tingkat"] == "provinsi", "kode"]) == {"61", "64"}
    kab = wil.loc[wil["tingkat"] == "kabkota", "kode"]
    assert len(kab) == 3 and mnd.PONTIANAK in set(kab)
    assert set(kab.str[:2]) == {"61", "64"}  # at least one per province
    assert levels["kelurahan"] == 60
    assert data.periods == ["2024", "2026Q2", "2026Q3"]
    kumuh = data.kawasan_kumuh
    assert kumuh["id_lokasi"].nunique() == 80
    assert sorted(kumuh["periode"].unique()) == data.periods
    assert (kumuh.groupby("periode").size() <= 80).all()
    keg = data.kegiatan
    assert keg["id_kegiatan"].nunique() == 60
    assert set(keg["periode"]) <= set(data.periods[1:])
    assert len(data.kawasan_lindung) == 40


def test_periods():
    assert mnd.periods(4) == ["2024", "2026Q1", "2026Q2", "2026Q3"]
    assert mnd.periods(5) == ["2024", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert mnd.periods(1) == ["2024"]
    with pytest.raises(mnd.ConfigError):
        mnd.periods(9)  # 2024Q4 would come after an annual 2024 baseline


def test_codes_valid_and_unique(data):
    wil = data.wilayah
    codes, invalid = wilayah.normalize_kode_series(wil["kode"])
    assert not invalid.any()
    assert (codes == wil["kode"]).all()
    assert not wil["kode"].duplicated().any()
    assert (wil["tingkat"] == [wilayah.tingkat(c) for c in wil["kode"]]).all()
    parents = wil["kode_induk"].dropna()
    assert (wil["tingkat"] == "provinsi").sum() == wil["kode_induk"].isna().sum()
    assert parents.isin(set(wil["kode"])).all()
    assert (parents == [wilayah.parent(c) for c in wil.loc[parents.index, "kode"]]).all()
    syn = _synthetic(wil)
    for kab, kec in syn[syn["tingkat"] == "kecamatan"].groupby("kode_induk"):
        assert sorted(kec["kode"].str[-2:].astype(int)) == list(range(1, len(kec) + 1)), kab
    kel = syn[syn["tingkat"] == "kelurahan"]
    for kec, group in kel.groupby("kode_induk"):
        last = group["kode"].str[-4:].astype(int)
        for kind in (1, 2):  # kelurahan 1001.., desa 2001.., each without gaps
            numbers = sorted(last[last // 1000 == kind] - 1000 * kind)
            assert numbers == list(range(1, len(numbers) + 1)), kec
    kota_kel = kel[kel["kode"].str[3:5].astype(int) >= 71]
    assert (kota_kel["kode"].str[9] == "1").all()  # only kelurahan in a kota
    assert syn["nama"].str.endswith(f"({mnd.SINTETIS})").all()
    for layer, frame in data.frames().items():
        key = catalog.layer(layer).key
        assert not frame.duplicated(subset=key).any(), layer
    for frame, column in ((data.kawasan_kumuh, "kode_kelurahan"), (data.kegiatan, "kode_kelurahan")):
        assert frame[column].isin(set(wil.loc[wil["tingkat"] == "kelurahan", "kode"])).all()


def test_kelurahan_nest_in_kecamatan_and_kabkota_as_clean_coverages(data):
    wil = data.wilayah
    geom = wil.set_index("kode").geometry
    syn = _synthetic(wil)
    assert len(syn) > 0
    area = shapely.area(syn.geometry.to_numpy())
    for level in ("kabkota", "kecamatan"):
        parent = geom.loc[[wilayah.ancestor(c, level) for c in syn["kode"]]].to_numpy()
        outside = shapely.area(shapely.difference(syn.geometry.to_numpy(), parent)) / area
        inside = syn["tingkat"].to_numpy() != "kecamatan" if level == "kecamatan" else np.ones(len(syn), bool)
        assert outside[inside].max() < 1e-9, level
    for _, group in syn.groupby("kode_induk"):  # each level covers its parent: no overlaps, no gaps
        parent = geom.loc[group["kode_induk"].iloc[0]]
        assert shapely.coverage_is_valid(group.geometry.to_numpy())
        assert shapely.area(group.geometry.to_numpy()).sum() == pytest.approx(shapely.area(parent), rel=1e-9)
        tree = shapely.STRtree(group.geometry.to_numpy())
        a, b = tree.query(group.geometry.to_numpy(), predicate="overlaps")
        assert not (a != b).any()
    # Kota Pontianak keeps its real (published, slightly overlapping) kecamatan and kelurahan
    real = gpd.read_file(mnd.BATAS / "kelurahan_6171.gpkg")
    mine = wil[wil["kode"].str.startswith(mnd.PONTIANAK + ".") & (wil["tingkat"] == "kelurahan")]
    assert sorted(mine["kode"]) == sorted(real["kode"])
    assert (mine.set_index("kode")["nama"] == real.set_index("kode")["nama"]).all()


def test_sites_inside_their_kelurahan(data):
    kel = _kelurahan(data).geometry
    lok = data.kawasan_kumuh.drop_duplicates("id_lokasi")
    assert shapely.contains(kel.loc[lok["kode_kelurahan"]].to_numpy(), lok.geometry.to_numpy()).all()
    tree = shapely.STRtree(lok.geometry.to_numpy())
    a, b = tree.query(lok.geometry.to_numpy(), predicate="intersects")
    assert (a == b).all()  # slum locations do not overlap
    keg = data.kegiatan.drop_duplicates("id_kegiatan")
    assert shapely.contains(kel.loc[keg["kode_kelurahan"]].to_numpy(), keg.geometry.to_numpy()).all()
    linked = keg.dropna(subset=["id_lokasi"]).merge(lok[["id_lokasi", "kode_kelurahan"]], on="id_lokasi", suffixes=("", "_lok"))
    assert len(linked) == keg["id_lokasi"].notna().sum()
    assert (linked["kode_kelurahan"] == linked["kode_kelurahan_lok"]).all()
    bounds = np.array(mnd.settings.indonesia_bounds)
    for frame in data.frames().values():
        b = frame.total_bounds
        assert (b[:2] >= bounds[:2]).all() and (b[2:] <= bounds[2:]).all()


def test_vocabularies_statuses_and_trends(data):
    keg = data.kegiatan
    assert set(keg["jenis"]) == set(catalog.layer("kegiatan").column("jenis").codes())
    assert set(keg["status"]) == {"rencana", "pelaksanaan", "selesai"}
    assert (keg.loc[keg["status"] == "rencana", "progres_fisik"] == 0).all()
    assert (keg.loc[keg["status"] == "selesai", "progres_fisik"] == 100).all()
    ordered = keg.sort_values(["id_kegiatan", "periode"])
    rank = ordered["status"].map({"rencana": 0, "pelaksanaan": 1, "selesai": 2})
    assert (rank.groupby(ordered["id_kegiatan"]).diff().dropna() >= 0).all()
    assert (ordered.groupby("id_kegiatan")["progres_fisik"].diff().dropna() >= 0).all()
    lin = data.kawasan_lindung
    assert set(lin["kategori"]) <= set(catalog.layer("kawasan_lindung").column("kategori").codes())
    assert {"sungai", "garis_pantai"} <= set(lin["kategori"])
    polys = lin[shapely.get_type_id(lin.geometry.to_numpy()) == 6]
    assert (shapely.get_num_coordinates(polys.geometry.to_numpy()) >= 100).all()
    kumuh = data.kawasan_kumuh
    scored = scoring.score(kumuh.drop(columns="geometry"))
    first = scored.sort_values("periode").drop_duplicates("id_lokasi")
    assert (first["tingkat_kekumuhan"] != "tidak_kumuh").all()  # listed as slums when first assessed
    assert kumuh[scoring.rule_set("permen_14_2018").columns].isna().all(axis=1).any()  # some totals only
    mean = scored.groupby("periode")["nilai_kekumuhan"].mean()
    assert mean.iloc[-1] < mean.iloc[0]
    constant = kumuh.groupby("id_lokasi")[["luas_ha", "legalitas", "nilai_pertimbangan_lain", "kode_kelurahan"]].nunique()
    assert (constant == 1).all().all()


def test_rows_pass_loader_prepare_unchanged(data):
    reference = data.wilayah[["kode", "nama", "tingkat", "geometry"]]
    for layer, frame in data.frames().items():
        problems, changed = mnd.check_layer(layer, frame, reference)
        assert not [p for p in problems if p.severity in ("error", "warning")], (layer, [(p.code, p.params) for p in problems][:5])
        assert changed == {}, layer


def test_deterministic(data):
    again = mnd.generate(CFG)
    for layer, frame in data.frames().items():
        other = again.frames()[layer]
        pd.testing.assert_frame_equal(pd.DataFrame(frame.drop(columns="geometry")), pd.DataFrame(other.drop(columns="geometry")))
        assert shapely.equals_exact(frame.geometry.to_numpy(), other.geometry.to_numpy(), tolerance=0).all(), layer
    different = mnd.generate(mnd.Config(**{**CFG.__dict__, "seed": CFG.seed + 1}))
    assert not shapely.equals(different.kawasan_kumuh.geometry.iloc[0], data.kawasan_kumuh.geometry.iloc[0])


def test_written_to_a_store(data, tmp_path):
    path = tmp_path / "nasional.gpkg"
    mnd.write_store(path, data, CFG.source, log=lambda *a: None)
    store = open_store(path)
    try:
        for layer, frame in data.frames().items():
            stored = store.read(layer)
            assert len(stored) == len(frame), layer
            key = catalog.layer(layer).key
            assert set(map(tuple, stored[key].to_numpy())) == set(map(tuple, frame[key].to_numpy())), layer
        assert store.periods("kawasan_kumuh") == data.periods
        assert set(store.loads()["source"]) == {CFG.source}
    finally:
        store.close()


def test_main_check_write_and_replace(tmp_path, capsys):
    path = tmp_path / "kecil.gpkg"
    assert mnd.main([*TINY_ARGS, "--db", str(path), "--check"]) == 0
    out = capsys.readouterr().out
    assert "check passed" in out and "0 errors" in out
    assert mnd.main([*TINY_ARGS, "--db", str(path)]) == 0  # its own store: replaced without asking
    store = open_store(path)
    try:
        store.write("kawasan_lindung", store.read("kawasan_lindung").head(1), source="milik_orang_lain.gpkg")
    finally:
        store.close()
    with pytest.raises(SystemExit, match="--replace"):
        mnd.main([*TINY_ARGS, "--db", str(path)])
    assert mnd.main([*TINY_ARGS, "--db", str(path), "--replace"]) == 0


def test_impossible_sizes_are_refused():
    with pytest.raises(mnd.ConfigError, match="kelurahan"):
        mnd.generate(mnd.Config(**{**CFG.__dict__, "kelurahan": 30}))  # Pontianak alone has 29
    with pytest.raises(mnd.ConfigError, match="kabkota"):
        mnd.generate(mnd.Config(**{**CFG.__dict__, "kabkota": 1}))  # fewer than the provinces
