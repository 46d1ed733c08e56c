"""Facilitator staffing: the 5-per-7 / 5-per-9 arithmetic on its edges, the inputs, and the store."""

from __future__ import annotations

from fractions import Fraction

import geopandas as gpd
import pandas as pd
import pytest
from helpers import as_multi, kumuh_frame, wilayah_frame
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import box

from kotaku_gis import rules, staffing
from kotaku_gis.cli import main
from kotaku_gis.errors import DataError, UsageError
from kotaku_gis.store import open_store

# -- the arithmetic ----------------------------------------------------------------------------------------
# (kelurahan) -> facilitators for the slum part (5 per 7) and the non-slum part (5 per 9), per rounding
EDGES = {
    #  n:  per_bagian (slum, non-slum)   tim (slum, non-slum)   exact shares
    0: ((0, 0), (0, 0), (Fraction(0), Fraction(0))),
    1: ((1, 1), (5, 5), (Fraction(5, 7), Fraction(5, 9))),
    7: ((5, 4), (5, 5), (Fraction(5), Fraction(35, 9))),
    8: ((6, 5), (10, 5), (Fraction(40, 7), Fraction(40, 9))),
    9: ((7, 5), (10, 5), (Fraction(45, 7), Fraction(5))),
    14: ((10, 8), (10, 10), (Fraction(10), Fraction(70, 9))),
    18: ((13, 10), (15, 10), (Fraction(90, 7), Fraction(10))),
}


@pytest.mark.parametrize("n", sorted(EDGES))
def test_edges_each_part_rounded_up(n):
    (slum, non_slum), _, _ = EDGES[n]
    assert staffing.required(n, 0) == staffing.Kebutuhan(slum, 0, slum)
    assert staffing.required(0, n) == staffing.Kebutuhan(0, non_slum, non_slum)
    assert staffing.required(n, n).total == slum + non_slum


@pytest.mark.parametrize("n", sorted(EDGES))
def test_edges_whole_teams(n):
    _, (slum, non_slum), _ = EDGES[n]
    assert staffing.required(n, 0, pembulatan="tim").total == slum
    assert staffing.required(0, n, pembulatan="tim").total == non_slum


@pytest.mark.parametrize("n", sorted(EDGES))
def test_edges_total_rounded_once(n):
    _, _, (slum, non_slum) = EDGES[n]
    k = staffing.required(n, n, pembulatan="total")
    assert (k.kumuh, k.non_kumuh) == (slum, non_slum)
    assert k.total == -(-(slum + non_slum).numerator // (slum + non_slum).denominator)


def test_exactly_7_and_9_are_one_team_and_8_is_one_more():
    assert staffing.required(7, 0).total == 5  # 5 per 7 slum kelurahan
    assert staffing.required(8, 0).total == 6  # one kelurahan more: one facilitator more, rounded up
    assert staffing.required(0, 9).total == 5  # 5 per 9 non-slum kelurahan
    assert staffing.required(0, 8).total == 5  # 40/9 = 4.4 -> 5
    assert staffing.required(0, 7).total == 4  # 35/9 = 3.9 -> 4
    assert staffing.required(7, 9).total == 10
    # the roundings differ where both parts have a remainder
    assert staffing.required(3, 4).total == 6
    assert staffing.required(3, 4, pembulatan="total").total == 5
    assert staffing.required(3, 4, pembulatan="tim").total == 10


def test_ratios_and_rounding_are_rules():
    with rules.override("fasilitator", rasio_kumuh=(4, 6), rasio_non_kumuh=(3, 10)):
        assert staffing.required(7, 11) == staffing.Kebutuhan(5, 4, 9)  # ceil(28/6) + ceil(33/10)
    with rules.override("fasilitator", rasio_kumuh=(4, 6), rasio_non_kumuh=(3, 10), pembulatan="tim"):
        assert staffing.required(7, 11) == staffing.Kebutuhan(8, 6, 14)
        assert staffing.required(7, 11, rasio_kumuh=(5, 7), rasio_non_kumuh=(5, 9), pembulatan="per_bagian").total == 5 + 7


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((-1, 0), {}),
        ((1.5, 0), {}),
        ((True, 0), {}),
        ((1, 0), {"rasio_kumuh": (5, 0)}),
        ((1, 0), {"rasio_kumuh": (5,)}),
        ((1, 0), {"rasio_non_kumuh": "5/9"}),
        ((1, 0), {"pembulatan": "bulat"}),
    ],
)
def test_invalid_input_is_a_usage_error(args, kwargs):
    with pytest.raises(UsageError):
        staffing.required(*args, **kwargs)


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_roundings_bracket_the_exact_need(s, n):
    exact = Fraction(5 * s, 7) + Fraction(5 * n, 9)
    per_bagian, total, tim = (staffing.required(s, n, pembulatan=m).total for m in ("per_bagian", "total", "tim"))
    assert exact <= total <= per_bagian <= tim
    assert total - exact < 1 and per_bagian - exact < 2 and tim - exact < 10
    assert staffing.required(s + 1, n).total >= per_bagian and staffing.required(s, n + 1).total >= per_bagian


# -- counting kelurahan and assignments ------------------------------------------------------------------------
def test_slum_and_non_slum_kelurahan_per_kabkota():
    kumuh = pd.DataFrame({"kode_kelurahan": ["61.71.01.1001", "61.71.01.1002", "6172011001", "61.73.01.1001"],
                          "nilai_kekumuhan": [45.0, 10.0, 20.0, None], "tingkat_kekumuhan": ["sedang", "tidak_kumuh", "ringan", None]})  # fmt: skip
    slum = staffing.slum_kelurahan(kumuh)
    assert slum == {"61.71.01.1001", "61.72.01.1001"}
    kel = ["61.71.01.1001", "61.71.01.1002", "61.71.02.1003", "61.72", "6173011001"]
    counts = staffing.kelurahan_counts(kel, slum)
    assert counts.to_dict("list") == {
        "kode": ["61.71", "61.72", "61.73"], "kelurahan_kumuh": [1, 1, 0], "kelurahan_non_kumuh": [2, 0, 1],
    }  # fmt: skip
    assert staffing.kelurahan_counts(kel, slum, kode="61.71")["kode"].tolist() == ["61.71"]
    assert staffing.kelurahan_counts([], []).empty


def test_assignments_from_a_roster_or_counts():
    roster = pd.DataFrame({"Nama": ["A", "B", "C", "D"], "Kode Kelurahan": ["61.71.01.1001", "6171021001", "61.72", "61.72.01"]})
    assert staffing.assignments(roster).to_dict() == {"61.71": 2, "61.72": 2}
    counted = pd.DataFrame({"kode_kabkota": ["61.71", "61.72", "61.71"], "jumlah_fasilitator": ["10", "", "2"]})
    assert staffing.assignments(counted).to_dict() == {"61.71": 12, "61.72": 1}
    bad = pd.DataFrame({"kode_kabkota": ["61.71", "617", "61", None], "jumlah": ["2,5", "1", "-1", "3"]})
    with pytest.raises(DataError) as info:
        staffing.assignments(bad, file="penugasan.csv")
    found = sorted((p.code, p.row, p.column) for p in info.value.problems)
    assert found == [
        ("fasilitator_jumlah_invalid", 2, "jumlah"),
        ("fasilitator_jumlah_invalid", 4, "jumlah"),
        ("fasilitator_kode_invalid", 3, "kode_kabkota"),
        ("fasilitator_kode_invalid", 5, "kode_kabkota"),
        ("fasilitator_kode_provinsi", 4, "kode_kabkota"),
    ]
    with pytest.raises(DataError, match="kolom"):
        staffing.assignments(pd.DataFrame({"nama": ["A"]}))


def test_table_shows_the_shortfall():
    counts = pd.DataFrame({"kode": ["61.71", "61.72", "61.73"], "kelurahan_kumuh": [8, 0, 7], "kelurahan_non_kumuh": [9, 7, 0]})
    t = staffing.table(counts, {"61.71": 9, "61.72": 5, "61.74": 3}, {"61.71": "Kota Pontianak"})
    assert list(t.columns) == list(staffing.COLUMNS)
    t = t.set_index("kode")
    assert t.loc["61.71", ["nama", "kelurahan_total", "fasilitator_kumuh", "fasilitator_non_kumuh", "fasilitator_dibutuhkan"]].tolist() == [
        "Kota Pontianak", 17, 6, 5, 11]  # fmt: skip
    assert t["fasilitator_ditugaskan"].tolist() == [9, 5, 0, 3]  # 61.73: none assigned; 61.74: no kelurahan
    assert t["selisih"].tolist() == [-2, 1, -5, 3]
    assert t["kekurangan"].tolist() == [2, 0, 5, 0]
    unknown = staffing.table(counts)
    assert unknown["fasilitator_ditugaskan"].isna().all() and unknown["kekurangan"].isna().all()
    exact = staffing.table(counts, pembulatan="total").set_index("kode")
    assert exact.loc["61.71", ["fasilitator_kumuh", "fasilitator_non_kumuh", "fasilitator_dibutuhkan"]].tolist() == [5.71, 5.0, 11]


# -- from the store, on both backends ---------------------------------------------------------------------------
def stored_wilayah() -> gpd.GeoDataFrame:
    frame = wilayah_frame()
    extra = gpd.GeoDataFrame(
        {"kode": ["61.71.01.1003", "61.72", "61.72.01", "61.72.01.1001"],
         "nama": ["Kelurahan C", "Kota Singkawang", "Singkawang Barat", "Kelurahan D"]},
        geometry=[box(109.32, -0.05, 109.33, -0.04), box(108.9, 0.8, 109.1, 1.0), box(108.9, 0.8, 109.0, 0.9),
                  box(108.9, 0.8, 108.95, 0.85)],
        crs="EPSG:4326",
    )  # fmt: skip
    frame = as_multi(pd.concat([frame, extra], ignore_index=True))
    frame["tingkat"] = frame["kode"].map(lambda k: {2: "provinsi", 5: "kabkota", 8: "kecamatan", 13: "kelurahan"}[len(k)])
    frame["kode_induk"] = frame["kode"].map(lambda k: k.rsplit(".", 1)[0] if "." in k else None)
    return frame


def test_from_store_and_cli(store_url, tmp_path, capsys):
    store = open_store(store_url)
    store.init()
    store.write("wilayah", stored_wilayah())
    store.write("kawasan_kumuh", as_multi(kumuh_frame("2024")))  # slum locations in 61.71.01.1001
    not_slum = as_multi(kumuh_frame("2026Q3"))
    for c in [c for c in not_slum.columns if c.startswith("kriteria_")]:
        not_slum[c] = 0.0  # reassessed: no longer kumuh
    store.write("kawasan_kumuh", not_slum)
    penugasan = tmp_path / "penugasan.csv"
    penugasan.write_text("nama,kode_kelurahan\nFaskel A,61.71.01.1001\nFaskel B,61.71.01.1002\nFaskel C,61.72.01.1001\n",
                         encoding="utf-8")  # fmt: skip

    early = staffing.from_store(store, periode="2024", penugasan=penugasan).set_index("kode")
    assert early.loc["61.71", ["kelurahan_kumuh", "kelurahan_non_kumuh", "fasilitator_dibutuhkan", "fasilitator_ditugaskan"]].tolist() == [
        1, 2, 1 + 2, 2]  # fmt: skip  # ceil(5/7) + ceil(10/9)
    assert early.loc["61.71", "nama"] == "Kota Pontianak"
    assert early.loc["61.72", ["kelurahan_kumuh", "kelurahan_non_kumuh", "fasilitator_dibutuhkan", "kekurangan"]].tolist() == [0, 1, 1, 0]
    latest = staffing.from_store(store).set_index("kode")  # 2026Q3: nothing kumuh any more
    assert latest.loc["61.71", ["kelurahan_kumuh", "kelurahan_non_kumuh"]].tolist() == [0, 3]
    scoped = staffing.from_store(store, periode="2024", kode="61.72", penugasan=penugasan)
    assert scoped["kode"].tolist() == ["61.72"] and scoped["fasilitator_ditugaskan"].tolist() == [1]
    with pytest.raises(UsageError, match="2025"):
        staffing.from_store(store, periode="2025")
    # a file of the programme's kelurahan, with their slum status
    daftar = tmp_path / "kelurahan.csv"
    daftar.write_text("kode_kelurahan,kumuh\n6171011001,ya\n6171011002,ya\n6171011003,tidak\n", encoding="utf-8")
    listed = staffing.from_store(store, kelurahan=daftar).set_index("kode")
    assert listed.index.tolist() == ["61.71"]
    assert listed.loc["61.71", ["kelurahan_kumuh", "kelurahan_non_kumuh", "fasilitator_dibutuhkan"]].tolist() == [2, 1, 2 + 1]
    store.close()

    out = tmp_path / "fasilitator.xlsx"
    assert main(["--db", store_url, "fasilitator", "--out", str(out), "--periode", "2024", "--penugasan", str(penugasan)]) == 0
    printed = capsys.readouterr().out
    assert "2 kab/kota: 1 kelurahan kumuh, 3 non-kumuh; dibutuhkan 4 fasilitator" in printed
    assert "ditugaskan 3, kekurangan 1" in printed
    table = pd.read_excel(out)
    assert "nama" in table.columns and "Faskel A" not in table.to_string()  # names in the roster are never read
    bad = tmp_path / "salah.csv"
    bad.write_text("kode_kabkota,jumlah\n61.71,dua\n", encoding="utf-8")
    assert main(["--db", store_url, "fasilitator", "--out", str(out), "--penugasan", str(bad)]) == 1
    assert "salah.csv, baris 2, kolom jumlah" in capsys.readouterr().err
    assert main(["--db", store_url, "fasilitator", "--out", str(tmp_path / "x.gpkg")]) == 2
