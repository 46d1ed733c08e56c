"""Slum assessment: share and total bands, both rule sets, classification matrix, bad input."""

from __future__ import annotations

import math
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from kotaku_gis import catalog, i18n, scoring
from kotaku_gis.errors import CatalogError, DataError, UsageError

R18 = scoring.rule_set("permen_14_2018")
R16 = scoring.rule_set("permen_02_2016")
COLS18 = R18.columns
COLS16 = R16.columns


def rows18(*shares: dict[str, float], **extra: object) -> pd.DataFrame:
    """Rows with every 2018 criterion at 0 % except those given."""
    return pd.DataFrame([{**{c: 0.0 for c in COLS18}, **s, **extra} for s in shares])


def totals(values: list[float], **columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"nilai_kekumuhan": values, **columns})


def codes(exc: pytest.ExceptionInfo[DataError]) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.column) for p in exc.value.errors]


# --------------------------------------------------------------------------------------------
# Rule data


def test_both_rule_sets_are_packaged_with_their_shape():
    assert scoring.rule_sets() == ["permen_02_2016", "permen_14_2018"]
    assert scoring.default_rule_set().id == "permen_14_2018"
    assert (len(R18.criteria), R18.max_total, len(R18.aspects)) == (16, 80, 7)
    assert (len(R16.criteria), R16.max_total, len(R16.aspects)) == (19, 95, 7)
    assert [len(a.criteria) for a in R16.aspects] == [3, 2, 2, 5, 2, 3, 2]
    assert all(c.startswith("kriteria16_") for c in COLS16)
    assert all(c.name.id and c.name.en for c in R18.criteria + R16.criteria)


def test_2018_criteria_are_the_layer_columns():
    spec = catalog.layer("kawasan_kumuh")
    assert spec.complete_one_of["kriteria"] == COLS18
    for c in R18.criteria:
        assert spec.column(c.column).unit == "%"


def test_classification_marks_only_the_ilegal_priorities_unverified():
    k = scoring.classification()
    assert len(k.priorities) == 18
    for code, entry in k.priorities.items():
        assert entry.verified == (int(code[1]) % 2 == 1), code
    assert k.legalities == ("legal", "ilegal")


def test_malformed_rule_file_names_file_and_field(tmp_path):
    path = tmp_path / "permen_14_2018.yml"
    shutil.copy(scoring.RULES_DIR / "permen_14_2018.yml", path)
    path.write_text(path.read_text(encoding="utf-8").replace("unit: ha", "unit: hektar", 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"permen_14_2018\.yml[\s\S]*aspects\.0\.criteria\.1\.unit"):
        scoring.load_rule_set(path)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("max_total: 80", "max_total: 85", "max_total"),
        ("{min: 51, score: 3}", "{min: 51, score: 0}", "share_bands"),
        ("{min: 38, level: sedang}", "{min: 38, level: ringan}", "total_bands"),
        ("{min: 6, level: sedang}", "{min: 12, level: sedang}", "consideration.bands"),
        ("column: kriteria_1b", "column: kriteria_1a", "columns repeat"),
        ("legal_reference:", "legal_ref:", "legal_ref"),
    ],
)
@pytest.mark.usefixtures("english")
def test_inconsistent_rule_file_is_refused(tmp_path, old, new, field):
    path = tmp_path / "draft.yml"
    text = (scoring.RULES_DIR / "permen_14_2018.yml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"draft\.yml[\s\S]*{field}"):
        scoring.load_rule_set(path)


def test_unknown_rules_argument_is_a_usage_error():
    with pytest.raises(UsageError, match="permen_99"):
        scoring.score(totals([20.0]), rules="permen_99")
    with pytest.raises(UsageError):
        scoring.rule_set("permen_99")


def test_every_problem_code_has_both_languages():
    used = {
        "scoring_rule_unknown", "scoring_not_a_number", "scoring_share_out_of_range",
        "scoring_percent_out_of_range", "scoring_criteria_incomplete", "scoring_criteria_ignored",
        "scoring_no_assessment", "scoring_total_out_of_range", "scoring_total_disagrees",
        "scoring_pertimbangan_out_of_range", "scoring_legalitas_unknown",
    }  # fmt: skip
    for lang in ("id", "en"):
        keys = i18n.strings(lang)
        for code in used:
            assert f"problem.{code}.message" in keys and f"problem.{code}.fix" in keys, (lang, code)


# --------------------------------------------------------------------------------------------
# Criterion scores: every band edge, and the observed cases (domain notes and published profiles)

SHARE_CASES = [
    (0, 0), (23.04, 0), (24.99, 0), (25, 1), (25.81, 1), (50, 1), (50.01, 1), (50.5, 1), (50.67, 1),
    (50.99, 1), (51, 3), (51.11, 3), (75, 3), (75.5, 3), (75.91, 3), (75.99, 3), (76, 5), (76.29, 5),
    (76.56, 5), (100, 5),
]  # fmt: skip


@pytest.mark.parametrize(("share", "expected"), SHARE_CASES)
@pytest.mark.parametrize("rs", [R18, R16], ids=lambda r: r.id)
def test_share_band_edges(rs, share, expected):
    frame = pd.DataFrame({c: [share] for c in rs.columns})
    out = scoring.score_criteria(frame, rs.id)
    assert all(out[f"skor_{c.id}"].iloc[0] == expected for c in rs.criteria)
    assert out["nilai_kriteria"].iloc[0] == expected * len(rs.criteria)


# Published East Java slum profiles (kawanku.pkpjatim.id, Permen 14/2018), criterion shares in
# 1a..7b order with the published total and level. They pin the reading of the share edges:
# Mergosono's 50.67 % scores 1 (else its total would be 28), Kedungmaling's 73.74/76.29 score 3/5.
PUBLISHED = {
    "Sumbermulyo": ([26, 0, 26, 12.82, 77.56, 90, 0, 0, 0, 80.52, 16.67, 26.67, 100, 100, 100, 100], 38, "sedang"),
    "Kebonsari": ([100, 0, 44.74, 0, 3.13, 43.18, 0, 0, 0, 100, 54.55, 54.55, 100, 100, 0, 100], 33, "ringan"),
    "Mangunharjo": ([9.38, 0, 4.69, 0, 0, 0, 0, 0, 0, 100, 31.51, 26.03, 0, 0, 100, 100], 17, "ringan"),
    "Wungu": ([0, 0, 0, 25, 75, 2.38, 0, 0, 0, 0, 16.67, 16.67, 100, 100, 100, 100], 24, "ringan"),
    "Citrodiwangsan": ([12, 0, 48, 0, 92.86, 96, 0, 0, 50, 50, 2, 0, 0, 0, 100, 100], 23, "ringan"),
    "Kebunan": ([42, 0, 48, 0, 0, 41.38, 0, 0, 14.22, 9.98, 0, 27.59, 100, 100, 0, 0], 14, "tidak_kumuh"),
    "Kedungmaling RT011": ([11.76, 0, 14.71, 0, 26.55, 46.34, 46.34, 73.74, 76.29, 23.71, 0, 100, 0, 0, 100, 100], 26, "ringan"),
    "Kedungmaling RT020": ([7.84, 0, 19.61, 0, 52.5, 100, 0, 47, 80.72, 19.28, 1.69, 91.53, 0, 0, 100, 100], 29, "ringan"),
    "Menturus": ([22.58, 0, 25.81, 0, 91.43, 28.13, 28.13, 0, 0, 44.44, 15.63, 15.63, 100, 100, 0, 0], 19, "ringan"),
    # Mergosono's 4a is published as -13.64 % (scored 0); shares below 0 are refused here, so 0.
    "Mergosono": ([40.66, 0, 43.96, 13.33, 50.67, 27.47, 34.07, 0, 0, 63.11, 8.79, 52.75, 100, 0, 100, 100], 26, "ringan"),
}  # fmt: skip


def test_published_profiles_give_their_published_totals():
    frame = pd.DataFrame([dict(zip(COLS18, s)) for s, _, _ in PUBLISHED.values()], index=list(PUBLISHED))
    out = scoring.score(frame)
    assert out["nilai_kekumuhan"].tolist() == [t for _, t, _ in PUBLISHED.values()]
    assert out["tingkat_kekumuhan"].tolist() == [lv for _, _, lv in PUBLISHED.values()]
    assert (out["sumber_nilai"] == "kriteria").all()


def test_published_negative_share_is_refused():
    shares = dict(zip(COLS18, PUBLISHED["Mergosono"][0]))
    shares["kriteria_4a"] = -13.64
    with pytest.raises(DataError) as exc:
        scoring.score(pd.DataFrame([shares]))
    assert codes(exc) == [("scoring_share_out_of_range", 1, "kriteria_4a")]


def test_aspect_and_criterion_scores():
    out = scoring.score_criteria(pd.DataFrame([dict(zip(COLS18, PUBLISHED["Sumbermulyo"][0]))]))
    assert [out[f"skor_aspek_{n}"].iloc[0] for n in range(1, 8)] == [2, 5, 5, 5, 1, 10, 10]
    assert out["skor_2b"].iloc[0] == 5 and out["nilai_kriteria"].iloc[0] == 38


def test_missing_shares_leave_scores_empty():
    frame = rows18({"kriteria_2b": np.nan})
    out = scoring.score_criteria(frame)
    assert pd.isna(out["skor_2b"].iloc[0]) and pd.isna(out["skor_aspek_2"].iloc[0])
    assert out["skor_aspek_1"].iloc[0] == 0 and pd.isna(out["nilai_kriteria"].iloc[0])
    absent = scoring.score_criteria(pd.DataFrame({"nilai_kekumuhan": [10.0]}))
    assert absent["nilai_kriteria"].isna().all()


def test_old_rule_scores_its_19_criteria():
    frame = pd.DataFrame([{c: 100.0 for c in COLS16}, {**{c: 30.0 for c in COLS16}, "kriteria16_4d": 60.0}])
    out = scoring.score_criteria(frame, "permen_02_2016")
    assert out["nilai_kriteria"].tolist() == [95, 18 * 1 + 3]
    assert out["skor_aspek_4"].tolist() == [25, 4 * 1 + 3]
    frame["aturan_penilaian"] = "permen_02_2016"
    scored = scoring.score(frame)
    assert scored["nilai_kekumuhan"].tolist() == [95, 21]
    assert scored["tingkat_kekumuhan"].tolist() == ["berat", "ringan"]


# --------------------------------------------------------------------------------------------
# Totals and levels

TOTAL_CASES_2018 = [
    (0, "tidak_kumuh"), (15, "tidak_kumuh"), (15.99, "tidak_kumuh"), (16, "ringan"), (37, "ringan"),
    (37.5, "ringan"), (38, "sedang"), (59, "sedang"), (59.5, "sedang"), (60, "berat"), (80, "berat"),
]  # fmt: skip
TOTAL_CASES_2016 = [
    (0, "tidak_kumuh"), (18, "tidak_kumuh"), (18.5, "tidak_kumuh"), (19, "ringan"), (44, "ringan"),
    (45, "sedang"), (70, "sedang"), (70.5, "sedang"), (71, "berat"), (95, "berat"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "level"), TOTAL_CASES_2018)
def test_total_band_edges_2018(total, level):
    out = scoring.score(totals([total]))
    assert out["tingkat_kekumuhan"].iloc[0] == level
    assert out["sumber_nilai"].iloc[0] == "total" and out["nilai_kekumuhan"].iloc[0] == total


@pytest.mark.parametrize(("total", "level"), TOTAL_CASES_2016)
def test_total_band_edges_2016(total, level):
    by_column = scoring.score(totals([total], aturan_penilaian=["permen_02_2016"]))
    by_argument = scoring.score(totals([total]), rules="permen_02_2016")
    assert by_column["tingkat_kekumuhan"].iloc[0] == by_argument["tingkat_kekumuhan"].iloc[0] == level


def test_each_row_follows_its_own_rule_set():
    frame = totals([40.0, 40.0, 40.0, 40.0], aturan_penilaian=["permen_02_2016", None, "", " permen_14_2018 "])
    out = scoring.score(frame, rules="permen_02_2016")
    # 40: ringan under 2016 (19-44), sedang under 2018 (38-59); empty cells take the rules argument
    assert out["tingkat_kekumuhan"].tolist() == ["ringan", "ringan", "ringan", "sedang"]
    assert out["aturan_penilaian"].tolist() == ["permen_02_2016"] * 3 + ["permen_14_2018"]


@pytest.mark.parametrize(("value", "level"), [(1, "rendah"), (2, "rendah"), (3, "rendah"), (5, "rendah"), (5.5, "rendah"), (6, "sedang"),
                                              (10, "sedang"), (11, "tinggi"), (15, "tinggi")])  # fmt: skip
def test_consideration_band_edges(value, level):
    out = scoring.score(totals([20.0], nilai_pertimbangan_lain=[value]))
    assert out["tingkat_pertimbangan"].iloc[0] == level


# --------------------------------------------------------------------------------------------
# Classification, priority, handling

LEVEL_TOTAL = {"berat": 70.0, "sedang": 45.0, "ringan": 20.0}
CONSIDERATION_VALUE = {"tinggi": 12, "sedang": 8, "rendah": 4}
MATRIX = [  # level, consideration, legality -> code, priority (written out independently of the data)
    ("berat", "tinggi", "legal", "A1", 1), ("berat", "tinggi", "ilegal", "A2", 1),
    ("sedang", "tinggi", "legal", "B1", 2), ("sedang", "tinggi", "ilegal", "B2", 2),
    ("ringan", "tinggi", "legal", "C1", 3), ("ringan", "tinggi", "ilegal", "C2", 3),
    ("berat", "sedang", "legal", "A3", 4), ("berat", "sedang", "ilegal", "A4", 4),
    ("sedang", "sedang", "legal", "B3", 5), ("sedang", "sedang", "ilegal", "B4", 5),
    ("ringan", "sedang", "legal", "C3", 6), ("ringan", "sedang", "ilegal", "C4", 6),
    ("berat", "rendah", "legal", "A5", 7), ("berat", "rendah", "ilegal", "A6", 7),
    ("sedang", "rendah", "legal", "B5", 8), ("sedang", "rendah", "ilegal", "B6", 8),
    ("ringan", "rendah", "legal", "C5", 9), ("ringan", "rendah", "ilegal", "C6", 9),
]  # fmt: skip


@pytest.mark.parametrize(("level", "consideration", "legality", "code", "priority"), MATRIX)
def test_every_cell_of_the_matrix(level, consideration, legality, code, priority):
    frame = totals([LEVEL_TOTAL[level]], nilai_pertimbangan_lain=[CONSIDERATION_VALUE[consideration]],
                   legalitas=[legality])  # fmt: skip
    row = scoring.score(frame).iloc[0]
    assert (row["tingkat_kekumuhan"], row["tingkat_pertimbangan"]) == (level, consideration)
    assert (row["klasifikasi"], row["prioritas"]) == (code, priority)
    handling = {"ringan": "pemugaran", "sedang": "peremajaan", "berat": "pemukiman_kembali"}[level]
    assert row["pola_penanganan"] == (handling if legality == "legal" else "pemukiman_kembali")


@pytest.mark.parametrize(
    ("level", "consideration", "code", "priority"),
    [("sedang", "tinggi", "B1", 2), ("ringan", "sedang", "C3", 6), ("ringan", "rendah", "C5", 9)],
)
def test_published_sk_annex_checks(level, consideration, code, priority):
    """"Kumuh Sedang, Tinggi, Legal" -> B1/2; "Ringan, Sedang, Legal" -> C3/6; "Ringan, Rendah, Legal" -> C5/9."""
    frame = totals([LEVEL_TOTAL[level]], nilai_pertimbangan_lain=[CONSIDERATION_VALUE[consideration]],
                   legalitas=["legal"])  # fmt: skip
    out = scoring.score(frame)
    assert (out["klasifikasi"].iloc[0], out["prioritas"].iloc[0]) == (code, priority)
    assert scoring.classification().code(level, consideration, "legal") == code


def test_no_code_without_level_consideration_or_legality():
    frame = totals([10.0, 45.0, 45.0, 70.0], nilai_pertimbangan_lain=[12, None, 12, 12],
                   legalitas=["legal", "legal", None, None])  # fmt: skip
    out = scoring.score(frame)
    assert out["klasifikasi"].isna().all() and out["prioritas"].isna().all()
    assert pd.isna(out["tingkat_pertimbangan"].iloc[1])
    # pattern without legality only where both legalities agree (berat); none for tidak_kumuh
    assert out["pola_penanganan"].isna().tolist() == [True, False, True, False]
    assert out["pola_penanganan"].iloc[3] == "pemukiman_kembali"


def test_legality_is_read_case_insensitively():
    out = scoring.score(totals([45.0, 45.0], nilai_pertimbangan_lain=[12, 12], legalitas=[" Legal", "ILEGAL"]))
    assert out["klasifikasi"].tolist() == ["B1", "B2"]


# --------------------------------------------------------------------------------------------
# Totals against criteria


def test_totals_only_rows_and_criteria_rows_side_by_side():
    frame = pd.concat([rows18({"kriteria_1a": 100.0}), totals([50.0])], ignore_index=True)
    out = scoring.score(frame)
    assert out["sumber_nilai"].tolist() == ["kriteria", "total"]
    assert out["nilai_kekumuhan"].tolist() == [5.0, 50.0]
    assert out["selisih_nilai"].isna().all()


def test_disagreeing_total_is_a_warning_and_the_criteria_win():
    frame = rows18({"kriteria_1a": 100.0, "nilai_kekumuhan": 7.0}, {"kriteria_1a": 100.0, "nilai_kekumuhan": 5.0})
    frame["_baris"] = [4, 5]  # row numbers as the loader keeps them
    result = scoring.assess(frame)
    assert result.frame["nilai_kekumuhan"].tolist() == [5.0, 5.0]
    assert result.frame["selisih_nilai"].iloc[0] == 2.0 and pd.isna(result.frame["selisih_nilai"].iloc[1])
    [warning] = result.warnings
    assert (warning.code, warning.row, warning.column, warning.severity) == (
        "scoring_total_disagrees", 4, "nilai_kekumuhan", "warning")  # fmt: skip
    assert warning.params == {"given": 7, "computed": 5, "rule": "permen_14_2018"}
    assert "7" in warning.message("en") and "5" in warning.message("id")
    pd.testing.assert_frame_equal(scoring.score(frame), result.frame)


def test_partial_criteria_with_a_total_use_the_total_with_a_warning():
    frame = pd.DataFrame({"kriteria_1a": [80.0], "kriteria_2a": [10.0], "nilai_kekumuhan": [33.0]})
    result = scoring.assess(frame)
    assert result.frame["sumber_nilai"].iloc[0] == "total" and result.frame["nilai_kekumuhan"].iloc[0] == 33
    [warning] = result.warnings
    assert warning.code == "scoring_criteria_ignored"
    assert warning.params["missing"].startswith("1b, 1c, 2b, 3a")


def test_input_is_not_modified_and_geometry_is_kept():
    frame = gpd.GeoDataFrame(totals([61.0, 20.0], legalitas=["legal", "ilegal"], nilai_pertimbangan_lain=[3, 15]),
                             geometry=[box(109.3, -0.05, 109.31, -0.04)] * 2, crs="EPSG:4326")  # fmt: skip
    before = frame.copy()
    out = scoring.score(frame)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == frame.crs and out.geometry.equals(frame.geometry)
    assert out["klasifikasi"].tolist() == ["A5", "C2"]
    pd.testing.assert_frame_equal(frame, before)
    assert set(scoring.SCORE_COLUMNS) <= set(out.columns)
    assert isinstance(scoring.indikator_7plus1(frame), gpd.GeoDataFrame)


# --------------------------------------------------------------------------------------------
# Bad input: DataError naming row and column


@pytest.mark.parametrize("share", [-0.01, 100.01, 250.0])
def test_share_out_of_range(share):
    frame = rows18({"kriteria_3b": share})
    frame["_baris"] = [17]
    with pytest.raises(DataError) as exc:
        scoring.score(frame)
    assert codes(exc) == [("scoring_share_out_of_range", 17, "kriteria_3b")]
    assert exc.value.errors[0].params["criterion"] == "3b"
    with pytest.raises(DataError):
        scoring.score_criteria(frame)
    with pytest.raises(DataError):
        scoring.indikator_7plus1(frame)


def test_share_that_is_not_a_number():
    frame = rows18({}).astype({"kriteria_1a": object})
    frame.loc[0, "kriteria_1a"] = "tiga puluh"
    with pytest.raises(DataError) as exc:
        scoring.score(frame)
    assert codes(exc) == [("scoring_not_a_number", 1, "kriteria_1a")]


def test_partial_criteria_without_total_name_each_missing_criterion():
    frame = pd.concat([totals([20.0]), rows18({"kriteria_2b": np.nan, "kriteria_7a": np.nan})], ignore_index=True)
    with pytest.raises(DataError) as exc:
        scoring.score(frame)
    assert codes(exc) == [
        ("scoring_criteria_incomplete", 2, "kriteria_2b"),
        ("scoring_criteria_incomplete", 2, "kriteria_7a"),
    ]
    assert exc.value.errors[0].params == {"criterion": "2b", "filled": 14, "total": 16, "rule": "permen_14_2018"}
    assert "2b" in str(exc.value)


def test_row_without_any_assessment():
    with pytest.raises(DataError) as exc:
        scoring.score(pd.DataFrame({"nilai_kekumuhan": [20.0, None], "legalitas": ["legal", "legal"]}))
    assert codes(exc) == [("scoring_no_assessment", 2, "nilai_kekumuhan")]


def test_unknown_legality():
    with pytest.raises(DataError) as exc:
        scoring.score(totals([20.0, 20.0], legalitas=["legal", "sertifikat"]))
    assert codes(exc) == [("scoring_legalitas_unknown", 2, "legalitas")]
    assert exc.value.errors[0].params["value"] == "sertifikat"


def test_unknown_rule_id_in_a_row():
    with pytest.raises(DataError) as exc:
        scoring.score(totals([20.0, 20.0], aturan_penilaian=["permen_14_2018", "permen_14_2019"]))
    assert codes(exc) == [("scoring_rule_unknown", 2, "aturan_penilaian")]
    with pytest.raises(DataError):
        scoring.indikator_7plus1(totals([20.0], aturan_penilaian=["sni_2020"]))


@pytest.mark.parametrize(
    ("rule", "value", "ok"),
    [("permen_14_2018", 80, True), ("permen_14_2018", 80.5, False), ("permen_14_2018", 95, False),
     ("permen_14_2018", -1, False), ("permen_02_2016", 95, True), ("permen_02_2016", 81, True),
     ("permen_02_2016", 95.5, False), ("permen_02_2016", -0.5, False)],
)  # fmt: skip
def test_total_outside_the_range_of_its_rule(rule, value, ok):
    frame = totals([value], aturan_penilaian=[rule])
    if ok:
        assert scoring.score(frame)["tingkat_kekumuhan"].iloc[0] == "berat"
        return
    with pytest.raises(DataError) as exc:
        scoring.score(frame)
    assert codes(exc) == [("scoring_total_out_of_range", 1, "nilai_kekumuhan")]
    assert exc.value.errors[0].params["max"] == (80 if rule == "permen_14_2018" else 95)


@pytest.mark.parametrize("value", [16, 0])
def test_consideration_out_of_range(value):
    with pytest.raises(DataError) as exc:
        scoring.score(totals([20.0], nilai_pertimbangan_lain=[value]))
    assert codes(exc) == [("scoring_pertimbangan_out_of_range", 1, "nilai_pertimbangan_lain")]


def test_every_error_is_reported_at_once_with_warnings_kept():
    frame = pd.DataFrame({
        "kriteria_1a": [100.0, 150.0, np.nan],
        "nilai_kekumuhan": [90.0, 20.0, np.nan],
        "legalitas": ["legal", "x", "legal"],
    })  # fmt: skip
    with pytest.raises(DataError) as exc:
        scoring.score(frame)
    assert codes(exc) == [
        ("scoring_total_out_of_range", 1, "nilai_kekumuhan"),
        ("scoring_share_out_of_range", 2, "kriteria_1a"),
        ("scoring_legalitas_unknown", 2, "legalitas"),
        ("scoring_no_assessment", 3, "nilai_kekumuhan"),
    ]
    assert {p.code for p in exc.value.problems if p.severity == "warning"} == {"scoring_criteria_ignored"}


# --------------------------------------------------------------------------------------------
# 7+1 view


def test_7plus1_matches_the_published_aspect_means():
    frame = pd.DataFrame([dict(zip(COLS18, PUBLISHED[k][0])) for k in ("Sumbermulyo", "Kedungmaling RT011")])
    frame["rtp_tersedia"] = [25.0, np.nan]
    out = scoring.indikator_7plus1(frame)
    # "Rata-rata kondisi" as published: Sumbermulyo 17.33/45.19/45/26.84/21.67/100/100 %
    assert out.loc[0, [f"kondisi_aspek_{n}" for n in range(1, 8)]].round(2).tolist() == [
        17.33, 45.19, 45.0, 26.84, 21.67, 100.0, 100.0]  # fmt: skip
    assert round(out.loc[1, "kondisi_aspek_4"], 2) == 57.91
    assert out["kondisi_aspek_8"].iloc[0] == 75.0 and pd.isna(out["kondisi_aspek_8"].iloc[1])


def test_7plus1_needs_every_criterion_of_the_aspect_and_checks_open_space():
    out = scoring.indikator_7plus1(rows18({"kriteria_1a": np.nan}))
    assert pd.isna(out["kondisi_aspek_1"].iloc[0]) and out["kondisi_aspek_2"].iloc[0] == 0
    with pytest.raises(DataError) as exc:
        scoring.indikator_7plus1(rows18({}, rtp_tersedia=120.0))
    assert codes(exc) == [("scoring_percent_out_of_range", 1, "rtp_tersedia")]


# --------------------------------------------------------------------------------------------
# Properties


def reference_score(share: float) -> int:
    """The adopted reading, written independently: bands on the whole-percent part of the share."""
    whole = math.floor(share)
    return 0 if whole < 25 else 1 if whole <= 50 else 3 if whole <= 75 else 5


share = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(share, min_size=16, max_size=16))
def test_total_is_the_sum_of_aspect_scores_and_matches_the_reference(shares):
    out = scoring.score_criteria(pd.DataFrame([dict(zip(COLS18, shares))]))
    aspects = sum(int(out[f"skor_aspek_{n}"].iloc[0]) for n in range(1, 8))
    assert out["nilai_kriteria"].iloc[0] == aspects == sum(reference_score(s) for s in shares)
    assert 0 <= aspects <= R18.max_total


@settings(max_examples=200, deadline=None)
@given(st.lists(share, min_size=16, max_size=16), st.integers(0, 15), st.floats(0, 100, allow_nan=False))
def test_scores_and_levels_are_monotone_in_the_shares(shares, j, increase):
    low = dict(zip(COLS18, shares))
    high = {**low, COLS18[j]: min(100.0, low[COLS18[j]] + increase)}
    out = scoring.score(pd.DataFrame([low, high]))
    assert out["nilai_kekumuhan"].iloc[0] <= out["nilai_kekumuhan"].iloc[1]
    rank = {lv: i for i, lv in enumerate(scoring.LEVELS)}
    assert rank[out["tingkat_kekumuhan"].iloc[0]] <= rank[out["tingkat_kekumuhan"].iloc[1]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 95, allow_nan=False), min_size=1, max_size=30))
def test_level_is_monotone_in_the_total(values):
    out = scoring.score(totals(sorted(values), aturan_penilaian=["permen_02_2016"] * len(values)))
    rank = out["tingkat_kekumuhan"].map({lv: i for i, lv in enumerate(scoring.LEVELS)}).astype(int)
    assert rank.is_monotonic_increasing


# --------------------------------------------------------------------------------------------
# Many rows at once (speed is measured by scripts/bench_scoring.py, never in tests)


def test_scores_many_rows_consistently():
    rng = np.random.default_rng(0)
    n = 200_000
    frame = pd.DataFrame({c: rng.uniform(0, 100, n) for c in COLS18})
    frame["nilai_pertimbangan_lain"] = rng.integers(3, 16, n)
    frame["legalitas"] = np.where(rng.random(n) < 0.8, "legal", "ilegal")
    out = scoring.score(frame)
    assert out["klasifikasi"].notna().sum() == (out["tingkat_kekumuhan"] != "tidak_kumuh").sum()


_MAX_TOTAL = scoring.default_rule_set().max_total


@given(st.lists(st.one_of(st.floats(min_value=0.0, max_value=_MAX_TOTAL), st.just(float("nan"))), min_size=1, max_size=30))
@settings(max_examples=60, deadline=None)
def test_total_levels_are_the_levels_score_gives(totals):
    """The roll-up levels a unit's mean score (never outside 0..max) by the bands without building a
    frame: the same level as scoring a row holding only that total, band edges included."""
    rs = scoring.default_rule_set()
    edges = [b.min for b in rs.total_bands]
    values = np.array([*totals, *edges, *(np.nextafter(e, -1.0) for e in edges if e > 0)], dtype="float64")
    known = ~np.isnan(values)
    scored = scoring.score(pd.DataFrame({"nilai_kekumuhan": values[known]}))["tingkat_kekumuhan"].astype(object)
    got = scoring.total_levels(values)
    assert got[known].tolist() == scored.tolist()
    assert all(isinstance(v, float) and math.isnan(v) for v in got[~known])
