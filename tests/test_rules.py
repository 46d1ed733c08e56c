"""kotaku_gis.rules: every packaged rule file loads under its schema; a bad file is refused naming the
file and the field; overrides are scoped; the programme values a newcomer edits live in YAML."""

from __future__ import annotations

import pytest
import yaml

from kotaku_gis import rules
from kotaku_gis.errors import CatalogError, KotakuError


@pytest.mark.parametrize("topic", [t for t in rules.topics() if t != "scoring"])
def test_every_packaged_rule_file_loads_under_its_schema(topic):
    r = rules.load(topic)
    assert isinstance(r, rules.schema(topic))
    assert r is rules.load(topic)  # read once per process


def test_scoring_rule_sets_need_a_path():
    with pytest.raises(KotakuError):
        rules.load("scoring")
    r = rules.load("scoring", rules.RULES_DIR / "permen_14_2018.yml")
    assert isinstance(r, rules.schema("scoring"))


def test_unknown_topic_is_refused():
    with pytest.raises(KotakuError, match="pengadua"):
        rules.load("pengadua")


def test_a_bad_rule_file_names_the_file_and_the_field(tmp_path):
    data = yaml.safe_load((rules.RULES_DIR / "pengaduan.yml").read_text(encoding="utf-8"))
    data["batas_layanan_hari"] = "dua minggu"
    bad = tmp_path / "pengaduan_draf.yml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        rules.load("pengaduan", bad)
    assert "pengaduan_draf.yml" in str(err.value)
    assert "batas_layanan_hari" in str(err.value)


def test_an_edited_copy_changes_the_value_read(tmp_path):
    data = yaml.safe_load((rules.RULES_DIR / "screening.yml").read_text(encoding="utf-8"))
    data["road"]["end_m"] = 75.0
    edited = tmp_path / "screening.yml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert rules.load("screening", edited).road.end_m == 75.0
    assert rules.load("screening").road.end_m == 50.0


def test_override_is_validated_and_undone():
    before = rules.load("fasilitator")
    with rules.override("fasilitator", pembulatan="tim") as r:
        assert rules.load("fasilitator") is r
        assert r.pembulatan == "tim"
    assert rules.load("fasilitator") is before
    with pytest.raises(ValueError), rules.override("pengaduan", batas_layanan_hari="x"):
        pass
    assert rules.load("pengaduan").batas_layanan_hari == 14
