"""The layer catalogue: schema validation and what the code reads from it."""

from __future__ import annotations

import shutil

import pytest

from kotaku_gis import catalog, settings
from kotaku_gis.errors import CatalogError, UsageError


def test_every_layer_of_the_brief_is_declared():
    assert sorted(catalog.layer_names()) == ["kawasan_kumuh", "kawasan_lindung", "kegiatan", "pengaduan", "tindak_lanjut", "wilayah"]
    assert catalog.layer("wilayah").key == ["kode"]
    assert catalog.layer("kawasan_kumuh").partition == "periode"
    assert catalog.layer("kegiatan").geometry == "any"


def test_every_column_and_value_has_both_languages():
    for name in catalog.layer_names():
        spec = catalog.layer(name)
        assert spec.title.id and spec.title.en and spec.description.id and spec.description.en
        for col in spec.columns:
            assert col.description.id and col.description.en, (name, col.name)
            for value in col.values or []:
                assert value.id and value.en, (name, col.name, value.code)


def test_vocabularies_cover_the_negative_list():
    jenis = catalog.layer("kegiatan").column("jenis")
    by_rule = {v.aturan for v in jenis.values if v.aturan}
    assert by_rule == {"1", "2", "3", "5", "8", "9a", "9d"}
    assert {v.aspek for v in jenis.values if v.aspek} == set(range(1, 9))  # the 7+1 indicators
    kategori = catalog.layer("kawasan_lindung").column("kategori")
    assert {v.aturan for v in kategori.values} == {"6a", "6b", "6c"}
    assert {"sungai", "garis_pantai"} <= set(kategori.codes())
    assert kategori.value("sungai").bentuk == "garis"


def test_malformed_catalogue_file_is_a_clear_error(tmp_path, monkeypatch):
    folder = tmp_path / "layers"
    shutil.copytree(catalog.catalog_path(), folder)
    text = (folder / "kegiatan.yml").read_text(encoding="utf-8")
    (folder / "kegiatan.yml").write_text(text.replace("type: float", "type: angka", 1), encoding="utf-8")
    monkeypatch.setattr(settings, "catalog_dir", folder)
    with pytest.raises(CatalogError, match=r"kegiatan.yml.*\n.*columns\.\d+\.type"):
        catalog.layer("kegiatan")


def test_catalogue_refuses_unknown_vocabulary_attributes(tmp_path, monkeypatch):
    folder = tmp_path / "layers"
    shutil.copytree(catalog.catalog_path(), folder)
    text = (folder / "kegiatan.yml").read_text(encoding="utf-8")
    (folder / "kegiatan.yml").write_text(text.replace("aspek: 1}", "aspek: 1, warna: merah}", 1), encoding="utf-8")
    monkeypatch.setattr(settings, "catalog_dir", folder)
    with pytest.raises(CatalogError, match="warna"):
        catalog.layer("kegiatan")


def test_unknown_layer_lists_the_known_ones():
    with pytest.raises(UsageError, match="kawasan_kumuh, kawasan_lindung, kegiatan, pengaduan, tindak_lanjut, wilayah"):
        catalog.layer("jalan")


def test_mappings_target_catalogue_columns():
    wdpa = catalog.mapping("wdpa")
    spec = catalog.layer(wdpa.layer)
    assert set(wdpa.columns.values()) <= set(spec.column_names)
    assert set(wdpa.values["kategori"].values()) <= set(spec.column("kategori").codes())
