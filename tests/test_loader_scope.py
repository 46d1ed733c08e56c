"""What a load replaces: one store fed by several kab/kota teams, decrees as complete lists.

Two synthetic kab/kota of Kalimantan Barat (61.71 and 61.72, boxes far apart), two kelurahan each.
Every test runs on both stores.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from helpers import assert_unchanged, snapshot
from shapely.geometry import MultiPolygon, box

from kotaku_gis import cli, i18n, loader, maps, progress
from kotaku_gis.errors import DataError
from kotaku_gis.store import open_store

ORIGIN = {"61.71": (109.30, -0.05), "61.72": (108.95, 0.90)}


def kelurahan(kab: str, i: int) -> str:
    return f"{kab}.01.100{i}"


def kel_box(kab: str, i: int):
    x, y = ORIGIN[kab]
    return box(x + 0.01 * (i - 1), y, x + 0.01 * i, y + 0.01)


def wilayah() -> gpd.GeoDataFrame:
    rows = [("61", "Kalimantan Barat", box(108, -2, 111, 2))]
    for kab, name in (("61.71", "Kota Pontianak"), ("61.72", "Kota Singkawang")):
        x, y = ORIGIN[kab]
        rows += [(kab, name, box(x, y, x + 0.02, y + 0.01)), (f"{kab}.01", f"Kecamatan {name[5:]}", box(x, y, x + 0.02, y + 0.01))]
        rows += [(kelurahan(kab, i), f"Kel {kab} {i}", kel_box(kab, i)) for i in (1, 2)]
    frame = gpd.GeoDataFrame([r[:2] for r in rows], columns=["kode", "nama"], geometry=[r[2] for r in rows], crs=4326)
    frame["geometry"] = [MultiPolygon([g]) for g in frame.geometry]
    return frame


def kumuh(kab: str, kel: int, ids: list[str], periode: str | None, luas: list[float] | None = None,
          nilai: list[float] | None = None) -> gpd.GeoDataFrame:
    """Slum locations of one kelurahan, as a team's file: total score and official area."""
    x, y = ORIGIN[kab]
    n = len(ids)
    frame = gpd.GeoDataFrame(
        {
            "id_lokasi": ids,
            "kode_kelurahan": kelurahan(kab, kel),
            "luas_ha": luas or [1.0] * n,
            "nilai_kekumuhan": nilai or [40.0] * n,
            "nilai_pertimbangan_lain": 11,
            "legalitas": "legal",
        },
        geometry=[box(x + 0.01 * (kel - 1) + 0.001 * (j + 1), y + 0.002, x + 0.01 * (kel - 1) + 0.001 * (j + 1) + 0.0008,
                      y + 0.0028) for j in range(n)],
        crs=4326,
    )
    if periode is not None:
        frame["periode"] = periode
    return frame


def write(frame: gpd.GeoDataFrame, path) -> str:
    pyogrio.write_dataframe(frame, path)
    return str(path)


def content_hash(store, kab: str) -> str:
    """A hash of every row (values and geometry) that kab/kota ``kab`` has in kawasan_kumuh."""
    rows = store.read("kawasan_kumuh", kode=kab).sort_values(["id_lokasi", "periode"])
    text = pd.DataFrame(rows.drop(columns="geometry")).to_csv(index=False) + "".join(rows.geometry.to_wkt())
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def store(store_url, tmp_path):
    s = open_store(store_url)
    s.init()
    loader.load(s, "wilayah", write(wilayah(), tmp_path / "wilayah.gpkg"), report_dir=tmp_path)
    yield s
    s.close()


def load(store, frame, tmp_path, name, **kw):
    return loader.load(store, "kawasan_kumuh", write(frame, tmp_path / name), report_dir=tmp_path / "laporan", **kw)


def test_a_load_never_touches_another_kabkotas_rows(store, tmp_path):
    load(store, kumuh("61.71", 1, ["PTK-1", "PTK-2", "PTK-3"], "2024"), tmp_path, "ptk.gpkg")
    load(store, kumuh("61.72", 1, ["SKW-1", "SKW-2"], "2024"), tmp_path, "skw.gpkg")
    before = content_hash(store, "61.72")
    # Pontianak's correction: fewer rows, other values, the whole kab/kota replaced
    report = load(store, kumuh("61.71", 2, ["PTK-9"], "2024", nilai=[20.0]), tmp_path, "ptk2.gpkg", ganti="kabkota")
    assert (report.summary.added_rows, report.summary.replaced_rows, report.summary.removed_rows) == (1, 0, 3)
    assert content_hash(store, "61.72") == before
    assert sorted(store.read("kawasan_kumuh")["id_lokasi"]) == ["PTK-9", "SKW-1", "SKW-2"]


def test_two_kelurahan_files_of_one_period_both_stay(store, tmp_path):
    load(store, kumuh("61.71", 1, [f"A{i}" for i in range(24)], "2024"), tmp_path, "kel1.gpkg")
    load(store, kumuh("61.71", 2, [f"B{i}" for i in range(21)], "2024"), tmp_path, "kel2.gpkg")
    assert len(store.read("kawasan_kumuh", periode="2024")) == 45
    # with --ganti kelurahan, a corrected file of kelurahan 2 replaces kelurahan 2 only
    load(store, kumuh("61.71", 2, ["B0"], "2024"), tmp_path, "kel2b.gpkg", ganti="kelurahan")
    counts = store.read("kawasan_kumuh").groupby("kode_kelurahan").size().to_dict()
    assert counts == {"61.71.01.1001": 24, "61.71.01.1002": 1}


def test_ganti_kabkota_removes_only_that_kabkotas_rows_of_that_period(store, tmp_path):
    load(store, kumuh("61.71", 1, ["P1", "P2"], "2024"), tmp_path, "a.gpkg")
    load(store, kumuh("61.71", 1, ["P1", "P2"], "2026Q3"), tmp_path, "b.gpkg")
    load(store, kumuh("61.72", 1, ["S1"], "2024"), tmp_path, "c.gpkg")
    report = load(store, kumuh("61.71", 1, ["P3"], "2024"), tmp_path, "d.gpkg", ganti="kabkota")
    assert report.summary.changes.to_dict("records") == [
        {"kabkota": "61.71", "periode": "2024", "ditambah": 1, "diganti": 0, "dihapus": 2}
    ]
    rows = store.read("kawasan_kumuh")
    assert sorted(zip(rows["id_lokasi"], rows["periode"])) == [
        ("P1", "2026Q3"), ("P2", "2026Q3"), ("P3", "2024"), ("S1", "2024")
    ]


def test_uji_prints_the_plan_and_writes_nothing(store, store_url, tmp_path, capsys):
    load(store, kumuh("61.71", 1, ["P1", "P2", "P3"], "2024"), tmp_path, "a.gpkg")
    before = snapshot(store)
    path = write(kumuh("61.71", 1, ["P1", "P4"], None), tmp_path / "b.gpkg")
    argv = ["--db", store_url, "load", "kawasan_kumuh", path, "--periode", "2024", "--ganti", "kabkota", "--uji",
            "--laporan", str(tmp_path / "laporan")]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "rencana: 1 baris baru, 1 diganti, 2 dihapus" in out
    assert "baris periode 2024 di kabkota 61.71 diganti seluruhnya" in out
    assert "61.71" in out.split(i18n.text("cli.changes"))[1]
    assert_unchanged(before, snapshot(store))


def test_a_key_of_another_kabkota_is_refused_naming_the_row(store, tmp_path):
    load(store, kumuh("61.72", 1, ["L-01"], "2024"), tmp_path, "skw.gpkg")
    before = snapshot(store)
    with pytest.raises(DataError) as caught:
        load(store, kumuh("61.71", 1, ["L-00", "L-01"], "2024"), tmp_path, "ptk.gpkg")
    [problem] = caught.value.errors
    assert (problem.code, problem.row, problem.column) == ("key_other_area", 2, "id_lokasi")
    assert "61.72" in problem.message()
    assert_unchanged(before, snapshot(store))


def test_periode_option_sets_and_checks_the_period(store, tmp_path):
    report = load(store, kumuh("61.71", 1, ["P1", "P2"], None), tmp_path, "a.gpkg", periode="2024")
    assert report.summary.partitions == ("2024",)
    with pytest.raises(DataError) as caught:
        load(store, kumuh("61.71", 1, ["P1"], "2025"), tmp_path, "b.gpkg", periode="2024")
    assert [(p.code, p.row) for p in caught.value.errors] == [("periode_disagrees", 1)]


# -- decrees -----------------------------------------------------------------------------------------
SK_2020 = {"L1": (10.0, 45.0), "L2": (20.0, 50.0), "L3": (5.0, 30.0), "L4": (8.0, 25.0), "L5": (3.0, 40.0)}
SK_2024 = {"L2": (20.0, 30.0), "L3": (5.0, 28.0), "L6": (2.5, 35.0), "L7": (4.0, 20.0)}  # L1, L4, L5 dropped


def decree(items: dict[str, tuple[float, float]]) -> gpd.GeoDataFrame:
    ids = list(items)
    one = kumuh("61.71", 1, ids[:2], None, [items[i][0] for i in ids[:2]], [items[i][1] for i in ids[:2]])
    two = kumuh("61.71", 2, ids[2:], None, [items[i][0] for i in ids[2:]], [items[i][1] for i in ids[2:]])
    return pd.concat([one, two], ignore_index=True)


def test_two_decrees_give_the_decrees_own_totals_at_every_level(store, store_url, tmp_path, capsys):
    load(store, decree(SK_2020), tmp_path, "sk2020.gpkg", periode="2020", sk=True)
    load(store, kumuh("61.72", 1, ["S1"], "2020"), tmp_path, "skw.gpkg")  # another kab/kota, no decree
    report = load(store, decree(SK_2024), tmp_path, "sk2024.gpkg", periode="2024", sk=True)
    assert report.replace_areas == ["61.71"]
    assert store.decrees()[["kabkota", "periode", "rows"]].values.tolist() == [["61.71", "2020", 5], ["61.71", "2024", 4]]

    out = tmp_path / "progres.xlsx"
    argv = ["--db", store_url, "progress", "--tingkat", "kelurahan", "--kode", "61.71", "--periode", "2024",
            "--baseline", "2020", "--out", str(out)]
    assert cli.main(argv) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    total_2020 = sum(a for a, _ in SK_2020.values())  # a decree lists slum locations (scores 20-50: 14/2018 bands)
    total_2024 = sum(a for a, _ in SK_2024.values())
    assert len(sheets) == 3  # kabkota, kecamatan, kelurahan
    for name, sheet in sheets.items():
        assert sheet["luas_kumuh_awal_ha"].sum() == pytest.approx(total_2020), name
        assert sheet["luas_kumuh_akhir_ha"].sum() == pytest.approx(total_2024), name
        assert sheet["lokasi_tidak_ditetapkan_lagi"].sum() == 3, name
        assert sheet["lokasi_belum_dinilai"].sum() == 0, name

    # the nation and the province too, through the Python API (the other kab/kota counts as it is)
    decrees = store.decrees()
    rows = store.read("kawasan_kumuh", periode=["2020", "2024"], geometry=False, columns=progress.kumuh_columns())
    per = progress.progress_lokasi(rows, "2024", "2020", decrees=decrees)
    levels = progress.rollup_all_levels(per, None, None, tingkat="kabkota")
    s1 = 1.0
    for level in ("nasional", "provinsi"):
        assert levels[level]["luas_kumuh_awal_ha"].sum() == pytest.approx(total_2020 + s1)
        assert levels[level]["luas_kumuh_akhir_ha"].sum() == pytest.approx(total_2024 + s1)  # S1 carried forward
    by_id = per.set_index("id_lokasi")["status"].astype(str).to_dict()
    assert by_id == {"L1": "tidak_ditetapkan_lagi", "L2": "tetap_kumuh", "L3": "tetap_kumuh",
                     "L4": "tidak_ditetapkan_lagi", "L5": "tidak_ditetapkan_lagi", "L6": "baru",
                     "L7": "baru", "S1": "belum_dinilai"}

    # a monitoring period after the decree: not reassessed is belum_dinilai, dropped stays dropped
    load(store, kumuh("61.71", 1, ["L2"], "2026Q3", [20.0], [10.0]), tmp_path, "tw3.gpkg")
    rows = store.read("kawasan_kumuh", geometry=False, columns=progress.kumuh_columns())
    per = progress.progress_lokasi(rows, "2026Q3", "2020", decrees=decrees).set_index("id_lokasi")
    assert per.loc["L1", "status"] == "tidak_ditetapkan_lagi" and per.loc["L3", "status"] == "belum_dinilai"
    assert per.loc["L2", "status"] == "keluar_kumuh"


def test_without_sk_a_location_missing_from_a_later_file_is_not_reassessed(store, tmp_path):
    load(store, decree(SK_2020), tmp_path, "sk2020.gpkg", periode="2020")
    load(store, decree(SK_2024), tmp_path, "sk2024.gpkg", periode="2024")
    rows = store.read("kawasan_kumuh", geometry=False, columns=progress.kumuh_columns())
    per = progress.progress_lokasi(rows, "2024", "2020", decrees=store.decrees()).set_index("id_lokasi")
    assert per.loc["L1", "status"] == "belum_dinilai"


def test_the_map_legend_has_every_class_of_location(store, tmp_path, browser):
    from browser import Page

    load(store, decree(SK_2020), tmp_path, "sk2020.gpkg", periode="2020", sk=True)
    load(store, decree(SK_2024), tmp_path, "sk2024.gpkg", periode="2024", sk=True)
    load(store, kumuh("61.71", 1, ["L2"], "2026Q3", [20.0], [30.0]), tmp_path, "tw3.gpkg")
    inputs = maps.map_inputs(store, "kabkota", "61.71", "2026Q3", baseline="2020")
    assert inputs.lokasi_tidak_ditetapkan == {"L1", "L4", "L5"}
    prepared = maps.prepare(inputs)
    classes = prepared.kumuh.set_index("id_lokasi")["tingkat_kekumuhan"].to_dict()
    assert classes["L1"] == "tidak_ditetapkan_lagi" and classes["L3"] == "belum_dinilai"
    page = maps.save_map(maps.progress_map(prepared), tmp_path / "peta.html")
    p = Page(browser, page)
    try:
        legend = p.page.locator(".kotaku-legend").inner_text()
        for key in ("belum_dinilai", "tidak_ditetapkan_lagi"):
            assert i18n.text(f"maps.kelas_lokasi.{key}") in legend
        p.check_clean()
    finally:
        p.close()
