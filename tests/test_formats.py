"""The programme's own files load with one command and a shipped mapping (issue 16).

The specimens in ``tests/data`` (synthetic, see its README) are loaded as the README of the specimen
set says a correct importer must: every expected number there is asserted here, on both stores.
The defects the specimens do not hold (conflicting duplicate keys, unknown names, a plain CSV of RT
rows with a user's mapping, a formula that cannot be computed) come from small fixtures written here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from helpers import assert_unchanged, snapshot

from kotaku_gis import _kml, _lampiran, loader, scoring, wilayah
from kotaku_gis.cli import main
from kotaku_gis.errors import DataError, UsageError
from kotaku_gis.store import open_store

DATA = Path(__file__).parent / "data"
BATAS = Path(__file__).parent.parent / "data" / "batas"


@pytest.fixture
def store(store_url, tmp_path):
    """A store holding Kota Pontianak (61.71), its 6 kecamatan and 29 kelurahan, and its province."""
    s = open_store(store_url)
    s.init()
    kel = gpd.read_file(BATAS / "kelurahan_6171.gpkg")
    kec = gpd.read_file(BATAS / "kecamatan_6171.gpkg")
    kota = gpd.read_file(BATAS / "kabkota.gpkg").query("kode == '61.71'")
    prov = gpd.read_file(BATAS / "provinsi.gpkg").query("kode == '61'")
    path = tmp_path / "wilayah_6171.gpkg"
    pd.concat([prov, kota, kec, kel], ignore_index=True)[["kode", "nama", "geometry"]].to_file(path)
    loader.load(s, "wilayah", path, report_dir=tmp_path / "laporan")
    yield s
    s.close()


def load(store, layer, path, tmp_path, **kwargs):
    return loader.load(store, layer, path, report_dir=tmp_path / "laporan", **kwargs)


def problems(report, code):
    return [p for p in report.problems if p.code == code]


def summary(report):
    (line,) = problems(report, "import_summary")
    return line.params


def rejected(store, layer, path, tmp_path, **kwargs) -> DataError:
    before = snapshot(store)
    with pytest.raises(DataError) as info:
        load(store, layer, path, tmp_path, **kwargs)
    assert_unchanged(before, snapshot(store))
    return info.value


# -- 1. SIM KOTAKU export (KMZ, SchemaData) ---------------------------------------------------------
SIM_LOCATIONS = {  # key: skor_awal, kum_awal, luas_awal (specimen README)
    "61710401-RT001-RW004": (19, "ringan", 0.6), "61710401-RT003-RW004": (39, "sedang", 0.92),
    "61710401-RT002-RW005": (22, "ringan", 0.78), "61710401-RT006-RW005": (25, "ringan", 0.74),
    "61710401-RT001-RW006": (16, "ringan", 0.66), "61710203-RT001-RW001": (20, "ringan", 0.6),
    "61710203-RT002-RW001": (24, "ringan", 0.99), "61710203-RT004-RW002": (16, "ringan", 1.48),
    "61710203-RT001-RW003": (20, "ringan", 1.04), "61710506-RT002-RW001": (42, "sedang", 1.09),
    "61710506-RT003-RW001": (20, "ringan", 0.56), "61710506-RT001-RW002": (32, "ringan", 1.1),
    "61710506-RT005-RW002": (34, "ringan", 1.14),
}  # fmt: skip
SIM_CODES = {"61710401": "61.71.06.1001", "61710203": "61.71.05.1004", "61710506": "61.71.02.1007"}


def test_kml_reader_pairs_schemadata_with_placemarks():
    found = _kml.placemarks(DATA / "simkotaku_kumuh_contoh.kmz")
    assert _kml.layers(found) == ["Admin_Kota Pontianak", "Kumuh_Bansir_Laut", "Kumuh_Mariana", "Kumuh_Tambelan_Sampit"]
    assert sum(p.layer == "Admin_Kota Pontianak" for p in found) == 29
    frame = _kml.read_kml(DATA / "simkotaku_kumuh_contoh.kmz", "kumuh_*")  # patterns ignore case
    assert len(frame) == 15 and frame["Kode_RTRW"].notna().all()
    assert frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert frame.loc[0, "Kode_Kel"] == "61710401" and frame.loc[0, "k4_c_p"] in (None, "")
    with pytest.raises(UsageError, match="Kumuh_Bansir_Laut"):  # several layers and no pattern: named
        _kml.read_kml(DATA / "simkotaku_kumuh_contoh.kmz")
    with pytest.raises(UsageError, match="Admin_Kota Pontianak"):
        _kml.read_kml(DATA / "simkotaku_kumuh_contoh.kmz", "Kumuh_Tidak_Ada")


def test_simkotaku_export_loads_as_its_readme_says(store, tmp_path):
    report = load(store, "kawasan_kumuh", DATA / "simkotaku_kumuh_contoh.kmz", tmp_path, mapping="simkotaku", periode="2020")
    back = store.read("kawasan_kumuh").set_index("id_lokasi")
    # 15 placemarks, 13 distinct keys; split RT merged, exact duplicate dropped: 13 locations, no conflict
    assert report.rows_read == 15 and len(back) == 13
    counts = summary(report)
    assert (counts["read"], counts["loaded"], counts["merged"], counts["duplicates"]) == (15, 13, 1, 1)
    assert not problems(report, "key_conflict")
    assert [p.row for p in problems(report, "piece_merged")] == [9]
    assert [p.row for p in problems(report, "duplicate_dropped")] == [15]
    # area counted once per location: 11.70 ha (every placemark would give 13.25)
    assert back["luas_ha"].sum() == pytest.approx(11.70)
    assert back.loc["61710203-RT002-RW001", "geometry"].geom_type == "MultiPolygon"
    assert len(back.loc["61710203-RT002-RW001", "geometry"].geoms) == 2
    assert set(back["delineasi"]) == {"poligon"}
    # the official score and level kept, and the project's own agree for 15 of 15 rows
    for key, (skor, kum, luas) in SIM_LOCATIONS.items():
        assert back.loc[key, ["nilai_resmi", "tingkat_resmi", "luas_ha"]].tolist() == [skor, kum, luas], key
        assert back.loc[key, "kode_kelurahan"] == SIM_CODES[key[:8]]
    assert counts["agreement"] == "nilai_resmi 15/15; tingkat_resmi 15/15"
    assert not problems(report, "official_disagrees")
    scored = scoring.score(back)
    assert (scored["nilai_kekumuhan"] == back["nilai_resmi"]).all()
    assert scored["tingkat_kekumuhan"].astype(str).value_counts().to_dict() == {"ringan": 11, "sedang": 2}
    # the 02/2016 bands would call 2 ringan tidak kumuh and 2 sedang ringan
    bands = scoring.rule_set("permen_02_2016").total_bands
    old = [next(b.level for b in reversed(bands) if t >= b.min) for t in scored["nilai_kekumuhan"]]
    changed = sorted(zip(scored["tingkat_kekumuhan"].astype(str), old))
    assert [c for c in changed if c[0] != c[1]] == [("ringan", "tidak_kumuh")] * 2 + [("sedang", "ringan")] * 2
    # conversions by name within 61.71: 3 names, 1 not exact (Tambelan Sampit -> Tambelansampit), 0 failed
    assert (counts["converted"], counts["not_exact"], counts["failed"]) == (3, 1, 0)
    (inexact,) = problems(report, "kode_converted")
    assert (inexact.params["value"], inexact.params["nama"], inexact.params["kode"]) == (
        "Tambelan Sampit", "Tambelansampit", "61.71.02.1007")
    # 1 row whose Kode_Kec is another kecamatan's SIM code; 1 empty criterion value; all inside
    (kec,) = problems(report, "kode_prefix_mismatch")
    assert (kec.row, kec.column, kec.params["value"]) == (10, "Kode_Kec", "617101")
    (empty,) = problems(report, "mapping_default_filled")
    assert (empty.params["target"], empty.params["count"]) == ("kriteria_5b", 1)
    assert not problems(report, "location_mismatch")


@pytest.mark.parametrize(("name", "mapping", "periode", "rows"), [
    ("simkotaku_kumuh_contoh.kmz", "simkotaku", "2020", 13),
    ("kumuh_sk_html_contoh.kmz", "simkotaku_html", "2024", 7),
    ("lampiran_sk_contoh.xlsx", "lampiran_sk", "2024", 14),
])  # fmt: skip
def test_the_documented_commands(store_url, store, tmp_path, capsys, name, mapping, periode, rows):
    """The README's command for each programme file, as typed (decrees with --sk)."""
    args = ["--db", store_url, "load", "kawasan_kumuh", str(DATA / name), "--mapping", mapping,
            "--periode", periode, "--laporan", str(tmp_path)] + (["--sk"] if periode == "2024" else [])  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"dimuat {rows};" in out
    assert len(open_store(store_url).read("kawasan_kumuh")) == rows


def test_same_key_with_different_scores_is_an_error_naming_both_rows(store, tmp_path):
    with zipfile.ZipFile(DATA / "simkotaku_kumuh_contoh.kmz") as zf:
        kml = zf.read("doc.kml").decode("utf-8")
    # the second piece of the split RT (placemark 9) gets another k1_a_p: one location, two assessments
    marker = "<SimpleData name=\"Kode_RTRW\">RT002-RW001</SimpleData>"
    first = kml.index(marker, kml.index("Kumuh_Mariana"))
    second = kml.index(marker, first + 1)
    at = kml.index("<SimpleData name=\"k1_a_p\">", second)
    end = kml.index("</SimpleData>", at)
    kml = kml[:at] + "<SimpleData name=\"k1_a_p\">99" + kml[end:]
    path = tmp_path / "konflik.kml"
    path.write_text(kml, encoding="utf-8")
    error = rejected(store, "kawasan_kumuh", path, tmp_path, mapping="simkotaku", periode="2020")
    (conflict,) = [p for p in error.errors if p.code == "key_conflict"]
    assert (conflict.row, conflict.params["other"]) == (9, 7)
    assert "k1_a_p" in conflict.params["columns"]


def test_unknown_kelurahan_name_is_an_error_naming_the_rows(store, tmp_path):
    with zipfile.ZipFile(DATA / "simkotaku_kumuh_contoh.kmz") as zf:
        kml = zf.read("doc.kml").decode("utf-8")
    kml = kml.replace("<SimpleData name=\"Kelurahan\">Bansir Laut</SimpleData>", "<SimpleData name=\"Kelurahan\">Kampung Entah</SimpleData>")
    kml = kml.replace("<SimpleData name=\"Kelurahan\">Mariana</SimpleData>", "<SimpleData name=\"Kelurahan\">Marianna</SimpleData>")
    path = tmp_path / "nama.kml"
    path.write_text(kml, encoding="utf-8")
    error = rejected(store, "kawasan_kumuh", path, tmp_path, mapping="simkotaku", periode="2020")
    unknown = [p for p in error.errors if p.code == "kode_name_unknown"]
    assert sorted(p.row for p in unknown) == [1, 2, 3, 4, 5] and unknown[0].params["value"] == "Kampung Entah"
    # one letter apart converts, reported as not exact
    report = loader.check(store, "kawasan_kumuh", path, mapping="simkotaku", periode="2020", report_dir=tmp_path)
    spelled = [p for p in report.problems if p.code == "kode_converted" and p.params["value"] == "Marianna"]
    assert spelled and spelled[0].params["how"] == "spelling" and spelled[0].params["kode"] == "61.71.05.1004"


def test_codes_are_converted_by_name_never_by_digits():
    ref = pd.DataFrame({
        "kode": ["61.71.01", "61.71.02", "61.71.01.1001", "61.71.02.1001", "61.71.02.1002", "61.72.01.1001"],
        "nama": ["Alpha", "Beta", "Sukamaju", "Sukamaju", "Sokoduwet", "Sukamaju"],
        "tingkat": ["kecamatan", "kecamatan", "kelurahan", "kelurahan", "kelurahan", "kelurahan"],
    })  # fmt: skip
    out = wilayah.kode_from_names(
        pd.Series(["Sukamaju", "SUKAMAJU", "Sukamaju", "Sekoduwet", "Suka Maju"]), ref,
        kecamatan=pd.Series(["Beta", "Alpha", None, "Beta", "Gamma"]), kabkota=pd.Series(["61710101"] * 5),
    )  # fmt: skip
    assert out["kode"].tolist() == ["61.71.02.1001", "61.71.01.1001", None, "61.71.02.1002", None]
    assert out["cara"].tolist() == ["exact", "exact", None, "spelling", None]
    assert out["gagal"].tolist() == [None, None, "ambiguous", None, "ambiguous"]
    assert "61.71.01.1001" in out.at[2, "kandidat"] and "61.72" not in out.at[2, "kandidat"]


# -- 2. decree export with HTML descriptions ---------------------------------------------------------
def test_html_description_export_loads(store, tmp_path):
    report = load(store, "kawasan_kumuh", DATA / "kumuh_sk_html_contoh.kmz", tmp_path, mapping="simkotaku_html", periode="2024")
    back = store.read("kawasan_kumuh").set_index("id_lokasi")
    assert len(back) == 7 and not problems(report, "duplicate_dropped")
    assert back["tingkat_resmi"].value_counts().to_dict() == {"ringan": 5, "sedang": 2}
    assert back["luas_ha"].sum() == pytest.approx(5.9888, abs=1e-4)
    from kotaku_gis import geodesy

    assert np.allclose(back["luas_ha"], geodesy.area_ha(back.geometry), atol=0.001)  # luas_awal = polygon area
    parts = back.geometry.map(lambda g: len(g.geoms))
    holes = back.geometry.map(lambda g: sum(len(p.interiors) for p in g.geoms))
    assert (parts == 2).sum() == 1 and (holes > 0).sum() == 1
    assert (back.geometry.bounds["miny"] > 0).sum() == 2  # Batulayang lies north of the equator
    assert set(back.loc[back.geometry.bounds["miny"] > 0, "kode_kelurahan"]) == {"61.71.04.1004"}
    assert {k[:8]: c for k, c in back["kode_kelurahan"].items()} == {
        "61710203": "61.71.05.1004", "61710401": "61.71.06.1001", "61710602": "61.71.04.1004", "61710503": "61.71.02.1006"}
    counts = summary(report)
    assert (counts["converted"], counts["not_exact"], counts["failed"]) == (4, 1, 0)
    assert [p.params["nama"] for p in problems(report, "kode_converted")] == ["Dalambugis"]
    assert counts["agreement"] == "tingkat_resmi 7/7"


def test_html_table_reader():
    fields = _kml.html_fields("<table><tr><td>Mariana</td></tr><tr><td><table>"
                              "<tr><td>FID</td><td>0</td></tr><tr bgcolor='#D4E4F3'><td>Basis</td><td>61710203-RT003-RW001</td></tr>"
                              "</table></td></tr></table>")  # fmt: skip
    assert fields == {"FID": "0", "Basis": "61710203-RT003-RW001"}
    assert _kml.html_fields("<b>judul saja</b>") == {}


# -- 3. SK annex workbook ----------------------------------------------------------------------------
ANNEX = {  # row: kemendagri code, tingkat, klasifikasi, prioritas (specimen README)
    4: ("61.71.02.1007", "sedang", "B1", 2), 5: ("61.71.02.1007", "ringan", "C1", 3),
    6: ("61.71.02.1006", "sedang", "B4", 5), 7: ("61.71.02.1006", "ringan", "C3", 6),
    8: ("61.71.02.1005", "berat", "A1", 1), 10: ("61.71.06.1001", "ringan", "C3", 6),
    11: ("61.71.06.1001", "ringan", "C5", 9), 12: ("61.71.06.1004", "sedang", "B4", 5),
    13: ("61.71.01.1002", "ringan", "C5", 9), 15: ("61.71.03.1001", "ringan", "C3", 6),
    16: ("61.71.03.1004", "ringan", "C3", 6), 17: ("61.71.03.1004", "sedang", "B2", 2),
    18: ("61.71.03.1002", "ringan", "C5", 9), 19: ("61.71.03.1003", "ringan", "C3", 6),
}  # fmt: skip


@pytest.mark.parametrize("name", ["lampiran_sk_contoh.xlsx", "lampiran_sk_contoh_nilai.xlsx"])
def test_annex_reader_reads_the_sheet_as_laid_out(name):
    frame, notes = _lampiran.read_annex(DATA / name)
    assert {"Koordinat Lintang", "Koordinat Bujur", "Kekumuhan Tingkat", "Pertimbangan Lainnya Nilai",
            "Pola Penanganan Berdasarkan Tipologi"} <= set(frame.columns)  # fmt: skip
    rows = frame.set_index("_baris")
    assert rows.loc[7, "Nama Kawasan"] == "Kawasan Tepian Seroja" and rows.loc[7, "No."] == 1  # merged down
    assert rows.loc[4, "Klasifikasi"] == "B1" and int(rows.loc[18, "Prioritas"]) == 9
    assert rows.loc[9, "No."] == "TOTAL LUASAN KUMUH"
    computed = [p for p in notes if p.code == "annex_formulas_computed"]
    assert bool(computed) == (name == "lampiran_sk_contoh.xlsx")
    assert rows.loc[21, "Luasan Kumuh (Ha)"] == pytest.approx(31.32, abs=0.005)  # the sheet's own total


@pytest.mark.parametrize("name", ["lampiran_sk_contoh.xlsx", "lampiran_sk_contoh_nilai.xlsx"])
def test_annex_workbook_loads_as_its_readme_says(store, tmp_path, name):
    report = load(store, "kawasan_kumuh", DATA / name, tmp_path, mapping="lampiran_sk", periode="2024")
    back = store.read("kawasan_kumuh")
    assert len(back) == 14 and back["nama_kawasan"].nunique() == 3
    assert back["luas_ha"].sum() == pytest.approx(31.3194, abs=1e-4)  # not the sheet's rounded 31.32
    assert back["tingkat_resmi"].value_counts().to_dict() == {"ringan": 9, "sedang": 4, "berat": 1}
    assert back["legalitas"].value_counts().to_dict() == {"legal": 11, "ilegal": 3}
    counts = summary(report)
    assert counts["agreement"] == "tingkat_resmi 14/14; klasifikasi_resmi 14/14; prioritas_resmi 14/14"
    assert counts["skipped"] == 9  # 3 sub-totals, the total, 5 signature rows
    by_row = back.assign(row=back["id_lokasi"].str.rsplit("-", n=1).str[-1].astype(int)).set_index("row")
    for row, (kode, tingkat, klas, prio) in ANNEX.items():
        assert by_row.loc[row, ["kode_kelurahan", "tingkat_resmi", "klasifikasi_resmi", "prioritas_resmi"]].tolist() == [
            kode, tingkat, klas, prio], row
    # two locations on the same RT/RW of one kelurahan stay two
    assert (back["kode_kelurahan"] == "61.71.02.1006").sum() == 2
    # a lingkungan name takes the kelurahan holding its coordinate, in the named kecamatan
    (lingkungan,) = problems(report, "kode_from_point")
    assert (lingkungan.row, lingkungan.params["value"], lingkungan.params["kode"]) == (18, "Kampung Teratai Ujung", "61.71.03.1002")
    # wrong coordinates: warnings, and the location falls back to its kelurahan
    far = {p.row: p.params["distance"] for p in problems(report, "point_far")}
    assert sorted(far) == [12, 16]
    assert far[12] == pytest.approx(14_500, abs=100) and far[16] == pytest.approx(32_000, abs=100)
    assert by_row.loc[[12, 16], "delineasi"].tolist() == ["kelurahan", "kelurahan"]
    assert (by_row.drop(index=[12, 16])["delineasi"] == "titik").all()
    assert set(back.geometry.geom_type) == {"Point"}
    kel = store.read("wilayah").set_index("kode")
    for row in (12, 16):  # the marker lies in the kelurahan
        assert kel.geometry.loc[by_row.loc[row, "kode_kelurahan"]].contains(by_row.loc[row, "geometry"])
    assert not [p for p in report.problems if p.severity == "error"]


def test_annex_formula_that_cannot_be_computed_names_the_cell(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAMPIRAN"])
    ws.append(["No.", "kel_Nama", "Nilai", "Tingkat"])
    ws.append([1, "Mariana", 40, '=VLOOKUP(C3,Z1:Z9,1)'])
    wb.save(tmp_path / "rumus.xlsx")
    with pytest.raises(DataError) as info:
        _lampiran.read_annex(tmp_path / "rumus.xlsx")
    (p,) = info.value.errors
    assert (p.code, p.row, p.column) == ("annex_formula_unsupported", 3, "D3")


def test_coordinates_in_decimal_and_dms():
    assert _lampiran.coordinate("0°01'54.6\"S") == pytest.approx(-0.031833, abs=1e-6)
    assert _lampiran.coordinate("109°20'30\" BT") == pytest.approx(109.341667, abs=1e-6)
    assert _lampiran.coordinate("0,0345") == pytest.approx(0.0345)
    assert _lampiran.coordinate("LU 0° 3' 0\"") == pytest.approx(0.05)
    assert _lampiran.coordinate("dekat masjid") is None


def test_plain_csv_of_rt_rows_with_a_users_mapping(store, tmp_path):
    """A kabupaten's table of RT rows: per-criterion scores (...-NUMERIK), no geometry, desa by name,
    loaded with a mapping written by the user (the README's example)."""
    criteria = ["1A", "1B", "1C", "2A", "2B", "3A", "3B", "4A", "4B", "4C", "5A", "5B", "6A", "6B", "7A", "7B"]
    rows = []
    for i, (desa, kec) in enumerate([("Bansir Laut", "Pontianak Tenggara"), ("Mariana", "Pontianak Kota"),
                                     ("Dalam Bugis", "Pontianak Timur")]):  # fmt: skip
        row = {"NO": i + 1, "KECAMATAN": kec, "DESA": desa, "RT": f"00{i + 1}", "RW": "002"}
        row.update({f"{c}-NUMERIK": [0, 1, 3, 5][(i + j) % 4] for j, c in enumerate(criteria)})
        row["Bobot Kumuh"] = sum(row[f"{c}-NUMERIK"] for c in criteria)
        row["LUAS (HA)"] = "1,25"
        rows.append(row)
    pd.DataFrame(rows).to_csv(tmp_path / "rt_kumuh.csv", sep=";", index=False)
    mapping = tmp_path / "rt_numerik.yml"
    mapping.write_text(EXAMPLE_RT_MAPPING, encoding="utf-8")
    report = load(store, "kawasan_kumuh", tmp_path / "rt_kumuh.csv", tmp_path, mapping=mapping, periode="2023")
    back = store.read("kawasan_kumuh").set_index("id_lokasi")
    assert sorted(back.index) == ["Bansir Laut-RT001-RW002", "Dalam Bugis-RT003-RW002", "Mariana-RT002-RW002"]
    assert back["kode_kelurahan"].tolist() == ["61.71.06.1001", "61.71.05.1004", "61.71.02.1006"]
    assert set(back["delineasi"]) == {"kelurahan"} and (back["luas_ha"] == 1.25).all()
    assert problems(report, "located_by_kelurahan")[0].params["count"] == 3
    assert back["nilai_kekumuhan"].tolist() == [r["Bobot Kumuh"] for r in rows]


def _readme_rt_mapping() -> str:
    """The README's example of a user's mapping for a table of RT rows (so the README stays true)."""
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml", text.index("(`rt_numerik.yml`")) + len("```yaml\n")
    return text[start:text.index("```", start)]


EXAMPLE_RT_MAPPING = _readme_rt_mapping()


# -- 4. KLHK forest areas ----------------------------------------------------------------------------
def test_klhk_forest_areas_load_protected_functions_only(store, tmp_path):
    report = load(store, "kawasan_lindung", DATA / "klhk_kawasan_hutan_contoh.geojson", tmp_path, mapping="klhk_kawasan_hutan")
    back = store.read("kawasan_lindung")
    assert report.rows_read == 11 and len(back) == 6
    assert back["kategori"].value_counts().to_dict() == {
        "hutan_lindung": 2, "suaka_margasatwa": 2, "hutan_konservasi": 1, "cagar_alam": 1}
    counts = summary(report)
    assert counts["skipped"] == 5
    assert counts["skipped_detail"] == "FUNGSIKWS=1003: 1; FUNGSIKWS=1004: 1; FUNGSIKWS=1005: 1; FUNGSIKWS=1007: 1; FUNGSIKWS=5003: 1"
    assert [p.row for p in problems(report, "geometry_repaired")] == [2]  # repaired, not dropped
    (sliver,) = problems(report, "sliver")
    assert sliver.row == 6 and float(sliver.params["m2"]) == pytest.approx(0.007, abs=0.001)
    assert back["id_kawasan"].is_unique and back["id_kawasan"].str.startswith("KLHK-").all()
    assert back.geometry.is_valid.all()
    ha = back.set_index("id_kawasan").geometry
    # loading again gives the same ids (made from function and geometry): nothing added
    again = load(store, "kawasan_lindung", DATA / "klhk_kawasan_hutan_contoh.geojson", tmp_path, mapping="klhk_kawasan_hutan")
    assert sorted(store.read("kawasan_lindung")["id_kawasan"]) == sorted(ha.index)
    assert again.summary.added_rows == 0
    # only the cagar alam reaches into Kota Pontianak (Batulayang)
    kota = store.read("wilayah").query("tingkat == 'kelurahan'").union_all()
    inside = back[back.intersects(kota)]
    assert inside["kategori"].tolist() == ["cagar_alam"]


# -- 5. RBI rivers -----------------------------------------------------------------------------------
def test_rbi_rivers_load_with_generated_ids_and_setbacks(store, tmp_path):
    report = load(store, "kawasan_lindung", DATA / "rbi_sungai_ln_25k_contoh.geojson", tmp_path, mapping="rbi_sungai")
    back = store.read("kawasan_lindung")
    assert len(back) == 9 and (back["kategori"] == "sungai").all() and back["id_kawasan"].is_unique
    assert (back["nama"] == "Sungai tanpa nama (RBI)").sum() == 7
    assert back["lebar_m"].notna().sum() == 1 and back["lebar_m"].max() == 45  # width only where WMAX has it
    setbacks = {p.params["m"]: p.params["count"] for p in problems(report, "setback_given")}
    assert setbacks == {30: 6, 100: 3}  # urban in the kota (widest urban class), unknown outside


def test_rbi_rivers_with_kode_keep_the_area_and_its_setback(store, store_url, tmp_path):
    report = load(store, "kawasan_lindung", DATA / "rbi_sungai_ln_25k_contoh.geojson", tmp_path, mapping="rbi_sungai", kode="61.71")
    back = store.read("kawasan_lindung")
    assert len(back) == 6 and back["perkotaan"].all()
    (outside,) = problems(report, "rows_outside_area")
    assert outside.params["count"] == 3 and outside.params["baris"] == "7, 8, 9"
    assert summary(report)["skipped_detail"] == "--kode 61.71: 3"
    assert {p.params["m"]: p.params["count"] for p in problems(report, "setback_given")} == {30: 6}


def test_rbi_kode_through_the_command_line(store_url, store, tmp_path, capsys):
    code = main(["--db", store_url, "load", "kawasan_lindung", str(DATA / "rbi_sungai_ln_25k_contoh.geojson"),
                 "--mapping", "rbi_sungai", "--kode", "61.71", "--laporan", str(tmp_path)])  # fmt: skip
    assert code == 0
    assert "dilewati 3 (--kode 61.71: 3)" in capsys.readouterr().out
    assert len(open_store(store_url).read("kawasan_lindung")) == 6


# -- 6. WDPA filters ---------------------------------------------------------------------------------
def test_wdpa_rows_filtered_by_status_and_marine(store, tmp_path):
    square = shapely.box(109.30, -0.05, 109.301, -0.049)
    wdpa = gpd.GeoDataFrame(
        {"WDPAID": [1, 2, 3, 4], "NAME": ["A", "B", "C", "D"], "DESIG": ["Cagar Alam"] * 4, "IUCN_CAT": ["Ia"] * 4,
         "STATUS": ["Designated", "Not Reported", "Proposed", "Designated"], "MARINE": ["0", "0", "1", "2"]},
        geometry=[shapely.affinity.translate(square, 0.01 * i) for i in range(4)], crs="EPSG:4326",
    )  # fmt: skip
    wdpa.to_file(tmp_path / "wdpa.gpkg")
    report = load(store, "kawasan_lindung", tmp_path / "wdpa.gpkg", tmp_path, mapping="wdpa")
    assert sorted(store.read("kawasan_lindung")["id_kawasan"]) == ["1", "3"]
    assert summary(report)["skipped_detail"] == "MARINE=2: 1; STATUS=not reported: 1"


# -- store: slum locations as points ---------------------------------------------------------------
def test_a_store_of_the_previous_schema_takes_point_locations_after_init(store_url, tmp_path):
    store = open_store(store_url)
    store.init()
    with store.engine.begin() as conn:  # as the previous release made it: MultiPolygon only, schema 1
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE kawasan_kumuh ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326)")
        else:
            conn.exec_driver_sql("UPDATE gpkg_geometry_columns SET geometry_type_name = 'MULTIPOLYGON' WHERE table_name = 'kawasan_kumuh'")
        conn.execute(sa.update(store.meta).where(store.meta.c.key == "schema_version").values(value="1"))
    store.close()
    store = open_store(store_url)
    assert "migrated schema 1 -> 2" in store.init()
    kel = gpd.read_file(BATAS / "kelurahan_6171.gpkg")
    kec = gpd.read_file(BATAS / "kecamatan_6171.gpkg")
    pd.concat([kec, kel], ignore_index=True).to_file(tmp_path / "kel.gpkg")
    loader.load(store, "wilayah", tmp_path / "kel.gpkg", report_dir=tmp_path)
    loader.load(store, "kawasan_kumuh", DATA / "lampiran_sk_contoh_nilai.xlsx", mapping="lampiran_sk", periode="2024", report_dir=tmp_path)
    assert len(store.read("kawasan_kumuh")) == 14
    store.close()


def test_point_locations_count_in_progress_and_show_as_markers(store, tmp_path):
    """Annex locations (points, kelurahan markers) beside delineated ones: in every figure and on the map."""
    from kotaku_gis import progress
    from kotaku_gis.maps._prepare import prepare
    from kotaku_gis.maps.inputs import build_map, map_inputs
    from kotaku_gis.maps.progress_map import payload

    load(store, "kawasan_kumuh", DATA / "lampiran_sk_contoh_nilai.xlsx", tmp_path, mapping="lampiran_sk", periode="2024")
    load(store, "kawasan_kumuh", DATA / "kumuh_sk_html_contoh.kmz", tmp_path, mapping="simkotaku_html", periode="2024")
    kumuh = store.read("kawasan_kumuh", periode="2024")
    assert kumuh.geometry.geom_type.value_counts().to_dict() == {"Point": 14, "MultiPolygon": 7}
    per_lokasi = progress.progress_lokasi(kumuh, "2024")
    kota = progress.rollup(per_lokasi, None, store.read("wilayah", columns=["kode", "nama"], geometry=False), "kabkota", "61.71")
    assert len(per_lokasi) == 21
    luas = [c for c in kota.columns if c.startswith("luas") and kota[c].notna().any()]
    assert any(kota[c].iloc[0] == pytest.approx(31.3194 + 5.9888, abs=1e-3) for c in luas), kota.iloc[0].to_dict()
    prepared = prepare(map_inputs(store, "kabkota", "61.71", "2024"))
    drawn = payload(prepared)["layers"]["kumuh"]
    assert drawn is not None
    written = build_map(store, "kabkota", "61.71", "2024", [tmp_path / "peta.html", tmp_path / "peta.png"])
    assert all(p.stat().st_size > 0 for p in written)
    kinds = prepared.kumuh.geometry.geom_type
    assert (kinds == "Point").sum() == 14 and kinds.isin(["Polygon", "MultiPolygon"]).sum() == 7  # markers and areas


@pytest.mark.parametrize("content", [b"", b"<kml><Document><Placemark>", b"PK\x03\x04 terpotong"])
@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_empty_and_damaged_kml_get_the_damaged_file_message(store, tmp_path, content, suffix):
    path = tmp_path / f"rusak{suffix}"
    path.write_bytes(content)
    error = rejected(store, "kawasan_kumuh", path, tmp_path, mapping="simkotaku", periode="2020")
    assert [p.code for p in error.errors] == ["file_empty" if not content else "file_corrupt"]


def test_simkotaku_export_as_shapefile_loads_with_the_same_mapping(store, tmp_path):
    """SIM KOTAKU also exports Shapefiles: the same columns, read by GDAL; the KML layer pattern
    of the mapping does not apply to them."""
    frame = _kml.read_kml(DATA / "simkotaku_kumuh_contoh.kmz", "Kumuh_*").drop(columns=[_kml.LAYER])
    frame.to_file(tmp_path / "kumuh_pontianak.shp", encoding="utf-8")
    report = load(store, "kawasan_kumuh", tmp_path / "kumuh_pontianak.shp", tmp_path, mapping="simkotaku", periode="2020")
    back = store.read("kawasan_kumuh")
    assert len(back) == 13 and back["luas_ha"].sum() == pytest.approx(11.70)
    assert summary(report)["agreement"] == "nilai_resmi 15/15; tingkat_resmi 15/15"
