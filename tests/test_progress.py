"""Progress between two periods and its roll-up by Kemendagri code (pure functions, no store)."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from helpers import kumuh_frame
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from shapely.geometry import box

from kotaku_gis import progress, scoring, settings
from kotaku_gis.errors import DataError, UsageError
from kotaku_gis.progress import (
    normalize_periode,
    progress_lokasi,
    resolve_periods,
    rollup,
    rollup_all_levels,
)


def lokasi(rows: list[tuple]) -> pd.DataFrame:
    """(id_lokasi, kode_kelurahan, periode, luas_ha, nilai_kekumuhan) rows, totals only."""
    frame = pd.DataFrame(rows, columns=["id_lokasi", "kode_kelurahan", "periode", "luas_ha", "nilai_kekumuhan"])
    frame["nilai_pertimbangan_lain"] = 11
    frame["legalitas"] = "legal"
    return frame


KEL1, KEL2, KEL3 = "61.71.01.1001", "61.71.01.1002", "61.72.02.2001"

SAMPLE = lokasi(
    [
        ("L1", KEL1, "2024", 10.0, 45.0),  # sedang -> tidak kumuh: left the slum classes
        ("L1", KEL1, "2026Q3", 10.0, 12.0),
        ("L2", KEL1, "2024", 4.0, 30.0),  # ringan -> ringan, smaller
        ("L2", KEL1, "2026Q3", 3.0, 20.0),
        ("L3", KEL2, "2024", 6.0, 65.0),  # berat, not reassessed: carried forward
        ("L4", KEL2, "2026Q3", 2.0, 40.0),  # new
        ("L5", KEL3, "2024", 5.0, 10.0),  # tidak kumuh -> sedang
        ("L5", KEL3, "2026Q3", 5.0, 40.0),
        ("L6", KEL3, "2024", 1.0, 5.0),  # tidak kumuh at both
        ("L6", KEL3, "2026Q3", 1.0, 8.0),
        ("L7", KEL3, "2026Q2", 7.0, 70.0),  # a period in between: ignored
    ]
)


# -- periods -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2026Q3", "2026-Q3", "2026 q3", "TW3 2026", "tw 3-2026", " 2026Q3 "])
def test_period_forms(text):
    assert normalize_periode(text) == "2026Q3"


@pytest.mark.parametrize("text", ["2026Q5", "Q3 2026", "26Q3", "2026/3", "", "semester 1 2026"])
def test_unreadable_period_is_a_usage_error(text):
    with pytest.raises(UsageError, match="tidak dapat dibaca"):
        normalize_periode(text)


def test_unreadable_period_in_english(monkeypatch):
    monkeypatch.setattr(settings, "language", "en")
    with pytest.raises(UsageError, match="cannot be read"):
        progress_lokasi(SAMPLE, "2026-X3")


def test_default_baseline_is_the_earliest_period():
    assert resolve_periods(["2026Q3", "2024", "2026Q2"], "2026Q3") == ("2026Q3", "2024")
    per = progress_lokasi(SAMPLE, "2026Q3")
    assert set(per["baseline"]) == {"2024"} and set(per["periode"]) == {"2026Q3"}
    # a year sorts before its own quarters
    assert resolve_periods(["2024Q1", "2024"], "2024Q1") == ("2024Q1", "2024")


def test_missing_period_and_baseline_are_data_errors_naming_the_stored_periods():
    with pytest.raises(DataError) as info:
        progress_lokasi(SAMPLE, "2027", "2023")
    codes = {p.code for p in info.value.problems}
    assert codes == {"progress_periode_absent", "progress_baseline_absent"}
    text = str(info.value)
    assert "2023" in text and "2027" in text and "2024, 2026Q2, 2026Q3" in text
    assert all(p.column == "periode" for p in info.value.problems)


def test_baseline_after_the_period_is_a_usage_error():
    with pytest.raises(UsageError, match="sesudah"):
        progress_lokasi(SAMPLE, "2024", "2026Q3")


def test_same_baseline_and_period_changes_nothing():
    per = progress_lokasi(SAMPLE, "2024", "2024")
    assert (per["luas_kumuh_awal_ha"] == per["luas_kumuh_akhir_ha"]).all()
    assert set(per["status"]) <= {"tetap_kumuh", "tetap_tidak_kumuh"}


# -- per location ------------------------------------------------------------------------------------
def test_per_location_states_and_areas():
    per = progress_lokasi(SAMPLE, "2026Q3", "2024").set_index("id_lokasi")
    assert per["status"].astype(str).to_dict() == {
        "L1": "keluar_kumuh",
        "L2": "tetap_kumuh",
        "L3": "belum_dinilai",
        "L4": "baru",
        "L5": "menjadi_kumuh",
        "L6": "tetap_tidak_kumuh",
    }
    assert per["luas_kumuh_awal_ha"].to_dict() == {"L1": 10, "L2": 4, "L3": 6, "L4": 0, "L5": 0, "L6": 0}
    # L3 not reassessed: its baseline slum area is carried forward
    assert per["luas_kumuh_akhir_ha"].to_dict() == {"L1": 0, "L2": 3, "L3": 6, "L4": 2, "L5": 5, "L6": 0}
    assert per["luas_tertangani_ha"].to_dict() == {"L1": 10, "L2": 1, "L3": 0, "L4": 0, "L5": 0, "L6": 0}
    assert per.loc["L3", "kumuh_akhir"] and per.loc["L3", "belum_dinilai"] and pd.isna(per.loc["L3", "tingkat_akhir"])
    assert per["keluar_kumuh"].sum() == 1 and per.loc["L1", "keluar_kumuh"]
    assert per.loc["L1", "tingkat_awal"] == "sedang" and per.loc["L1", "tingkat_akhir"] == "tidak_kumuh"
    assert per.loc["L2", "klasifikasi_akhir"] == "C1" and per.loc["L2", "prioritas_akhir"] == 3
    assert "L7" not in per.index


def test_already_scored_rows_are_used_as_they_are():
    scored = scoring.score(SAMPLE)
    pd.testing.assert_frame_equal(progress_lokasi(scored, "2026Q3"), progress_lokasi(SAMPLE, "2026Q3"))


def test_criteria_rows_are_scored():
    base, now = kumuh_frame("2024", n=2), kumuh_frame("2026Q3", n=2)
    now.loc[0, [c for c in now.columns if c.startswith("kriteria_")]] = 10.0  # every criterion -> 0
    frame = pd.concat([base, now], ignore_index=True)
    frame["luas_ha"] = 1.5
    per = progress_lokasi(frame, "2026Q3").set_index("id_lokasi")
    assert per["tingkat_awal"].tolist() == ["ringan", "ringan"]
    assert per["status"].astype(str).tolist() == ["keluar_kumuh", "tetap_kumuh"]


def test_area_is_measured_from_geometry_when_missing():
    frame = gpd.GeoDataFrame(
        lokasi([("L1", KEL1, "2024", None, 45.0)]),
        geometry=[box(109.30, -0.05, 109.31, -0.04)],
        crs="EPSG:4326",
    )
    per = progress_lokasi(frame, "2024")
    assert per.loc[0, "luas_awal_ha"] == pytest.approx(123.1, abs=0.2)


def test_bad_rows_are_named():
    frame = SAMPLE.copy()
    frame.loc[1, "kode_kelurahan"] = "61.71.01"  # a kecamatan, not a kelurahan
    frame.loc[3, "luas_ha"] = None  # no geometry to measure it
    frame.loc[7, "id_lokasi"] = "L4"  # L4 twice in 2026Q3 (rows 6 and 8)
    with pytest.raises(DataError) as info:
        progress_lokasi(frame, "2026Q3")
    found = {(p.code, p.row, p.column) for p in info.value.problems}
    assert found == {
        ("progress_kode_invalid", 2, "kode_kelurahan"),
        ("progress_luas_missing", 4, "luas_ha"),
        ("progress_lokasi_duplicate", 6, "id_lokasi"),
        ("progress_lokasi_duplicate", 8, "id_lokasi"),
    }
    assert "61.71.01" in str(info.value)


def test_missing_columns_are_a_usage_error():
    with pytest.raises(UsageError, match="kode_kelurahan"):
        progress_lokasi(SAMPLE.drop(columns="kode_kelurahan"), "2026Q3")


# -- roll-up -----------------------------------------------------------------------------------------
WILAYAH = pd.DataFrame(
    {
        "kode": ["61", "61.71", "61.71.01", KEL1, KEL2, "61.71.01.1003", "61.72", "61.73"],
        "nama": ["Kalimantan Barat", "Kota Pontianak", "Pontianak Selatan", "Satu", "Dua", "Tiga", "Kota Singkawang", "Kota Baru"],
    }
)
KEGIATAN = pd.DataFrame(
    {
        "id_kegiatan": ["K1", "K1", "K2", "K3", "K4", "K5"],
        "kode_kelurahan": [KEL1, KEL1, KEL1, KEL2, KEL3, KEL3],
        "periode": ["2026Q2", "2026Q3", "2025", "2026Q3", "2027", "2026"],
        "status": ["pelaksanaan", "selesai", "selesai", "rencana", "rencana", "Pelaksanaan"],
        "progres_fisik": [50.0, 100.0, 100.0, None, 0.0, 40.0],
        "biaya_idr": [1e9, 1.2e9, 3e8, 5e8, 9e9, 1e8],
    }
)


def test_units_with_no_data_appear_with_zeros_and_names():
    per = progress_lokasi(SAMPLE, "2026Q3")
    kel = rollup(per, KEGIATAN, WILAYAH, "kelurahan", kode="61.71").set_index("kode")
    assert kel.index.tolist() == [KEL1, KEL2, "61.71.01.1003"]
    assert kel.loc["61.71.01.1003", ["luas_kumuh_awal_ha", "lokasi_total", "kegiatan_total"]].tolist() == [0, 0, 0]
    assert np.isnan(kel.loc["61.71.01.1003", "persen_pengurangan"])
    assert kel.loc[KEL1, "nama"] == "Satu" and kel.loc[KEL1, "kode_induk"] == "61.71.01"
    kab = rollup(per, KEGIATAN, WILAYAH, "kabkota").set_index("kode")
    # 61.72 has data (KEL3) and a name; 61.73 only a name
    assert kab.index.tolist() == ["61.71", "61.72", "61.73"]
    assert kab.loc["61.72", "nama"] == "Kota Singkawang" and kab.loc["61.72", "lokasi_total"] == 2
    assert kab.loc["61.73", "lokasi_total"] == 0


def test_units_missing_from_wilayah_still_count():
    per = progress_lokasi(SAMPLE, "2026Q3")
    only_kel1 = WILAYAH[WILAYAH["kode"] == KEL1]
    kel = rollup(per, None, only_kel1, "kelurahan").set_index("kode")
    assert kel.index.tolist() == [KEL1, KEL2, KEL3]
    assert kel.loc[KEL1, "nama"] == "Satu" and pd.isna(kel.loc[KEL3, "nama"])
    nasional = rollup(per, None, only_kel1, "nasional")
    assert nasional["luas_kumuh_awal_ha"].item() == per["luas_kumuh_awal_ha"].sum() == 20.0


def test_national_totals_and_ratios():
    per = progress_lokasi(SAMPLE, "2026Q3")
    row = rollup(per, KEGIATAN, WILAYAH, "nasional").iloc[0]
    assert (row["kode"], row["nama"], row["tingkat"]) == ("", "Indonesia", "nasional")
    assert row["luas_kumuh_awal_ha"] == 20.0 and row["luas_kumuh_akhir_ha"] == 16.0
    assert row["luas_tertangani_ha"] == 11.0
    assert row["persen_pengurangan"] == pytest.approx(20.0)
    assert (row["lokasi_total"], row["lokasi_awal"], row["lokasi_akhir"]) == (6, 3, 4)
    assert (row["lokasi_keluar_kumuh"], row["lokasi_baru"], row["lokasi_belum_dinilai"]) == (1, 1, 1)
    assert [row[f"lokasi_{lv}"] for lv in ("berat", "sedang", "ringan", "tidak_kumuh")] == [0, 2, 1, 2]
    assert row["klasifikasi_B1"] == 2 and row["klasifikasi_C1"] == 1
    # area-weighted: baseline L1 L2 L3 L5 L6; now L1 L2 L4 L5 L6
    assert row["nilai_rerata_awal"] == pytest.approx((45 * 10 + 30 * 4 + 65 * 6 + 10 * 5 + 5 * 1) / 26)
    assert row["nilai_rerata_akhir"] == pytest.approx((12 * 10 + 20 * 3 + 40 * 2 + 40 * 5 + 8 * 1) / 21)


def test_activities_count_once_as_of_their_latest_report():
    per = progress_lokasi(SAMPLE, "2026Q3")
    row = rollup(per, KEGIATAN, None, "nasional").iloc[0]
    # K1 as of 2026Q3 (selesai), K2 (2025, selesai), K3 (rencana), K5 (year 2026 ends after 2026Q3: out),
    # K4 (2027: out)
    assert (row["kegiatan_rencana"], row["kegiatan_pelaksanaan"], row["kegiatan_selesai"]) == (1, 0, 2)
    assert row["kegiatan_total"] == 3
    assert row["progres_fisik_rerata"] == pytest.approx(100.0)  # K3 reports none
    assert row["biaya_idr_total"] == pytest.approx(1.2e9 + 3e8 + 5e8)
    yearly = rollup(progress_lokasi(SAMPLE, "2026Q3"), KEGIATAN.assign(periode="2026"), None, "nasional")
    assert yearly["kegiatan_total"].item() == 0


def test_bad_activity_rows_are_named():
    bad = KEGIATAN.astype(object)
    bad.loc[2, "status"] = "batal"
    bad.loc[3, "progres_fisik"] = "separuh"
    bad.loc[4, "periode"] = "2026Q7"
    with pytest.raises(DataError) as info:
        rollup(progress_lokasi(SAMPLE, "2026Q3"), bad, None, "nasional")
    found = {(p.code, p.row, p.column) for p in info.value.problems}
    assert found == {
        ("progress_status_unknown", 3, "status"),
        ("progress_not_a_number", 4, "progres_fisik"),
        ("progress_periode_invalid", 5, "periode"),
    }


def test_level_arguments():
    per = progress_lokasi(SAMPLE, "2026Q3")
    with pytest.raises(UsageError, match="desa"):
        rollup(per, None, None, "desa")
    with pytest.raises(UsageError, match="kabkota, kecamatan, kelurahan"):
        rollup(per, None, None, "provinsi", kode="6171")
    with pytest.raises(UsageError, match="tidak sah"):
        rollup(per, None, None, "kelurahan", kode="61.7")
    assert rollup(per, None, None, "kabkota", kode="6171")["kode"].tolist() == ["61.71"]


def test_the_area_asked_for_is_always_there():
    per = progress_lokasi(SAMPLE, "2026Q3")
    levels = rollup_all_levels(per, KEGIATAN, WILAYAH, kode="11")  # no data, no boundaries
    assert {name: len(frame) for name, frame in levels.items()} == {"provinsi": 1, "kabkota": 0, "kecamatan": 0, "kelurahan": 0}
    assert levels["provinsi"][["kode", "lokasi_total", "kegiatan_total"]].iloc[0].tolist() == ["11", 0, 0]


def test_all_levels_from_the_area_down():
    per = progress_lokasi(SAMPLE, "2026Q3")
    levels = rollup_all_levels(per, KEGIATAN, WILAYAH)
    assert list(levels) == ["nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"]
    assert list(rollup_all_levels(per, None, None, kode="61.71", tingkat="kecamatan")) == ["kabkota", "kecamatan"]
    for name, frame in levels.items():
        pd.testing.assert_frame_equal(frame, rollup(per, KEGIATAN, WILAYAH, name))


def test_boundaries_give_a_geodataframe():
    per = progress_lokasi(SAMPLE, "2026Q3")
    wil = gpd.GeoDataFrame(WILAYAH, geometry=[box(i, 0, i + 1, 1) for i in range(len(WILAYAH))], crs="EPSG:4326")
    kel = rollup(per, None, wil, "kelurahan")
    assert isinstance(kel, gpd.GeoDataFrame) and kel.crs == "EPSG:4326"
    assert kel.set_index("kode").geometry.isna().to_dict() == {KEL1: False, KEL2: False, "61.71.01.1003": False, KEL3: True}


def test_score_table_keeps_geometry():
    frame = kumuh_frame("2024", n=2)
    table = progress.score_table(frame)
    assert isinstance(table, gpd.GeoDataFrame)
    assert {"id_lokasi", "periode", "nilai_kekumuhan", "tingkat_kekumuhan", "tingkat_pertimbangan", "klasifikasi",
            "prioritas"} <= set(table.columns)  # fmt: skip
    assert "kriteria_1a" not in table.columns and table["nilai_kekumuhan"].tolist() == [16.0, 16.0]


# -- the roll-up invariant over random hierarchies ---------------------------------------------------
ADDITIVE_FLOAT = ["luas_kumuh_awal_ha", "luas_kumuh_akhir_ha", "luas_tertangani_ha", "biaya_idr_total"]


def additive_int(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(("lokasi_", "klasifikasi_", "kegiatan_"))]


KELURAHAN_PARTS = st.tuples(
    st.sampled_from(["11", "61", "94"]),
    st.sampled_from(["01", "02", "71"]),
    st.sampled_from(["01", "02", "03"]),
    st.sampled_from(["1001", "1002", "2001", "3001"]),
).map(".".join)

AREA = st.floats(0.01, 500, allow_nan=False)
SCORE = st.floats(0, 80, allow_nan=False)
PERIODS = ["2024", "2025Q4", "2026", "2026Q3"]


@st.composite
def programmes(draw):
    """Random kelurahan codes (and so hierarchies), locations over two periods, activities, boundaries."""
    codes = draw(st.lists(KELURAHAN_PARTS, min_size=1, max_size=12, unique=True))
    index = st.integers(0, len(codes) - 1)
    rows = []
    for i, (k0, k1, when, a0, a1, s0, s1) in enumerate(
        draw(st.lists(st.tuples(index, index, st.sampled_from(["both", "base", "now"]), AREA, AREA, SCORE, SCORE), max_size=25))
    ):
        if when in ("both", "base"):
            rows.append((f"L{i}", codes[k0], "2024", a0, s0))
        if when in ("both", "now"):
            rows.append((f"L{i}", codes[k1], "2026Q3", a1, s1))
    if not any(r[2] == "2024" for r in rows):
        rows.append(("LB", codes[0], "2024", 1.0, 20.0))
    if not any(r[2] == "2026Q3" for r in rows):
        rows.append(("LN", codes[-1], "2026Q3", 1.0, 70.0))
    kumuh = lokasi(rows)
    kumuh["nilai_pertimbangan_lain"] = draw(st.lists(st.integers(3, 15), min_size=len(kumuh), max_size=len(kumuh)))
    kumuh["legalitas"] = draw(st.lists(st.sampled_from(["legal", "ilegal"]), min_size=len(kumuh), max_size=len(kumuh)))
    activities = draw(
        st.lists(
            st.tuples(st.integers(0, 8), index, st.sampled_from(PERIODS), st.sampled_from(["rencana", "pelaksanaan", "selesai"]),
                      st.one_of(st.none(), st.floats(0, 100)), st.one_of(st.none(), st.floats(0, 1e10))),
            max_size=20,
        )
    )  # fmt: skip
    kegiatan = pd.DataFrame(
        [(f"K{a}", codes[k], p, s, g, b) for a, k, p, s, g, b in activities],
        columns=["id_kegiatan", "kode_kelurahan", "periode", "status", "progres_fisik", "biaya_idr"],
    )
    kegiatan = kegiatan.drop_duplicates(["id_kegiatan", "periode"])
    ancestors = {c[:n] for c in codes for n in (2, 5, 8, 13)}
    extra = ["11.99", "61.02.09", "94.71.01.2009", "52"]  # units without any data
    listed = draw(st.lists(st.sampled_from(sorted(ancestors) + extra), unique=True))
    wilayah = pd.DataFrame({"kode": listed, "nama": [f"W {c}" for c in listed]}, dtype=object)
    return kumuh, kegiatan, wilayah


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_every_level_is_the_sum_of_its_children(programme):
    kumuh, kegiatan, wilayah = programme
    per = progress_lokasi(kumuh, "2026Q3", "2024")
    levels = rollup_all_levels(per, kegiatan, wilayah)
    names = list(levels)
    assert names == ["nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"]
    for parent_level, child_level in itertools.pairwise(names):
        parent = levels[parent_level].set_index("kode")
        child = levels[child_level]
        assert child["kode_induk"].isin(parent.index).all(), f"{child_level} without a parent"
        ints = additive_int(parent)
        summed = child.groupby("kode_induk")[ints + ADDITIVE_FLOAT].sum().reindex(parent.index, fill_value=0)
        pd.testing.assert_frame_equal(summed[ints], parent[ints], check_dtype=False, check_names=False)
        np.testing.assert_allclose(
            summed[ADDITIVE_FLOAT].to_numpy(), parent[ADDITIVE_FLOAT].to_numpy(), rtol=1e-9, atol=1e-6
        )
        # ratios are recomputed from the sums at every level
        for frame in (parent.reset_index(), child):
            awal, akhir = frame["luas_kumuh_awal_ha"], frame["luas_kumuh_akhir_ha"]
            expected = np.where(awal > 0, 100 * (awal - akhir) / awal.where(awal > 0), np.nan)
            np.testing.assert_allclose(frame["persen_pengurangan"], expected, rtol=1e-9)
    # the nation against the locations and activities directly
    nation = levels["nasional"].iloc[0]
    assert nation["lokasi_total"] == len(per)
    assert nation["luas_kumuh_awal_ha"] == pytest.approx(per["luas_kumuh_awal_ha"].sum())
    assert nation["luas_kumuh_akhir_ha"] == pytest.approx(per["luas_kumuh_akhir_ha"].sum())
    assert nation["lokasi_awal"] == per["kumuh_awal"].sum() and nation["lokasi_akhir"] == per["kumuh_akhir"].sum()
    counted = kegiatan[kegiatan["periode"].isin(["2024", "2025Q4", "2026Q3"])]
    assert nation["kegiatan_total"] == counted["id_kegiatan"].nunique()
    base = per[per["luas_awal_ha"].notna()]
    assert nation["nilai_rerata_awal"] == pytest.approx(
        (base["nilai_awal"] * base["luas_awal_ha"]).sum() / base["luas_awal_ha"].sum()
    )
    # the current levels and the not-reassessed partition the locations, at every level
    for frame in levels.values():
        parts = frame[["lokasi_berat", "lokasi_sedang", "lokasi_ringan", "lokasi_tidak_kumuh", "lokasi_belum_dinilai"]]
        assert (parts.sum(axis=1) == frame["lokasi_total"]).all()
    # every listed unit appears at its level
    kel = set(levels["kelurahan"]["kode"])
    assert set(wilayah.loc[wilayah["kode"].str.len() == 13, "kode"]) <= kel
    assert set(per["kode_kelurahan"]) <= kel


def test_numeric_location_ids_keep_their_type():
    """An id column of integers comes back as integers (the review found them turned into objects)."""
    kumuh = pd.DataFrame({
        "id_lokasi": [1, 2, 1, 3], "kode_kelurahan": ["61.71.01.1001", "61.71.01.1002", "61.71.01.1001", "61.71.01.1002"],
        "periode": ["2024", "2024", "2026Q3", "2026Q3"], "luas_ha": [10.0, 4.0, 9.0, 2.0],
        "nilai_kekumuhan": [45.0, 30.0, 40.0, 20.0],
    })  # fmt: skip
    per = progress.progress_lokasi(kumuh, "2026Q3", "2024")
    assert per["id_lokasi"].dtype == "int64" and per["id_lokasi"].tolist() == [1, 2, 3]
