"""Screening on threads (settings.screening_threads) finds exactly what it finds in one thread.

Seeded synthetic activities and protected features spread over several UTM zones (north and south of
the equator), so that several zones are measured at once.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from kotaku_gis import screening, settings


def _data(seed: int = 7) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    towns = np.c_[rng.uniform(100.0, 125.0, 12), rng.uniform(-6.0, 3.0, 12)]
    n = 1500
    town = towns[rng.integers(len(towns), size=n)]
    x, y = town[:, 0] + rng.normal(0, 0.02, n), town[:, 1] + rng.normal(0, 0.02, n)
    geoms = np.array(shapely.points(x, y), dtype=object)
    lines = rng.random(n) < 0.3
    geoms[lines] = shapely.linestrings(np.c_[x[lines], y[lines], x[lines] + 0.002, y[lines] + 0.001].reshape(-1, 2, 2))
    boxes = rng.random(n) < 0.15
    geoms[boxes] = shapely.box(x[boxes] - 0.0005, y[boxes] - 0.0005, x[boxes] + 0.0005, y[boxes] + 0.0005)
    jenis = np.where(lines, "jalan_lingkungan", np.where(rng.random(n) < 0.3, "tampungan_air", "drainase"))
    kegiatan = gpd.GeoDataFrame(
        {"id_kegiatan": [f"K{i:04d}" for i in range(n)], "jenis": jenis, "periode": "2024", "biaya_idr": 1e8},
        geometry=geoms,
        crs="EPSG:4326",
    )
    m = 120
    centre = towns[rng.integers(len(towns), size=m)] + rng.normal(0, 0.02, (m, 2))
    areas = shapely.buffer(shapely.points(centre[: m // 2]), rng.uniform(0.002, 0.01, m // 2), quad_segs=32)
    rivers = shapely.linestrings(
        np.stack([centre[m // 2 :], centre[m // 2 :] + rng.normal(0, 0.02, (m // 2, 2))], axis=1)
    )
    kawasan = gpd.GeoDataFrame(
        {
            "id_kawasan": [f"L{i:03d}" for i in range(m)],
            "kategori": ["hutan_lindung"] * (m // 2) + ["sungai"] * (m // 2),
            "perkotaan": [None] * (m // 2) + list(rng.random(m // 2) < 0.5),
            "lintas_negara": [None] * (m // 2) + list(rng.random(m // 2) < 0.2),
        },
        geometry=np.r_[areas, rivers],
        crs="EPSG:4326",
    )
    return kegiatan, kawasan


@pytest.mark.parametrize("threads", [2, 5])
def test_threads_find_what_one_thread_finds(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    kegiatan, kawasan = _data()
    monkeypatch.setattr(settings, "screening_threads", 1)
    alone = screening.screen(kegiatan, kawasan)
    near_alone = screening.proximity(kegiatan, kawasan)
    assert alone["id_kawasan"].notna().sum() > 100  # the data gives spatial findings to compare
    monkeypatch.setattr(settings, "screening_threads", threads)
    pd.testing.assert_frame_equal(screening.screen(kegiatan, kawasan), alone)
    pd.testing.assert_frame_equal(screening.proximity(kegiatan, kawasan), near_alone)


def test_distances_through_each_features_index_equal_shapely_distance() -> None:
    """The spatial core measures each activity against a feature's prepared edges (after a prepared
    ``intersects``); that is shapely.distance for every kind of pair: inside, in a hole, touching,
    crossing without a vertex inside, a feature inside a polygonal activity, multi-part, a
    collection, and invalid polygons (a bow-tie; parts or holes that overlap, a hole outside its
    shell: a prepared polygon counts the crossings of all its rings, and only from its second
    question on), each feature asked about many activities."""
    from kotaku_gis import _screening_input as core

    wkt = [
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))",  # with a hole
        "MULTIPOLYGON (((20 0, 24 0, 24 4, 20 4, 20 0)), ((30 0, 34 0, 34 4, 30 4, 30 0)))",
        "LINESTRING (0 20, 10 20, 10 30)",
        "MULTILINESTRING ((40 0, 40 10), (45 0, 45 10))",
        "POINT (15 15)",
        "MULTIPOINT ((50 50), (52 52))",
        "GEOMETRYCOLLECTION (POINT (60 60), LINESTRING (61 60, 65 60))",
        "POLYGON ((70 0, 72 2, 72 0, 70 2, 70 0))",  # bow-tie
        "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((5 5, 15 5, 15 15, 5 15, 5 5)))",  # parts overlap
        "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((2 2, 8 2, 8 8, 2 8, 2 2)))",  # a part in a part
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 6 2, 6 6, 2 6, 2 2), (4 4, 8 4, 8 8, 4 8, 4 4))",  # holes overlap
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (20 0, 30 0, 30 10, 20 10, 20 0))",  # a hole outside its shell
    ]
    features = shapely.from_wkt(np.array(wkt, dtype=object))
    activities = shapely.from_wkt(
        np.array(
            [
                "POINT (2 2)", "POINT (5 5)", "POINT (10 5)", "POINT (12 3)", "LINESTRING (-1 5, 11 5)",
                "POLYGON ((14 14, 16 14, 16 16, 14 16, 14 14))", "POLYGON ((-5 15, 15 15, 15 35, -5 35, -5 15))",
                "MULTIPOINT ((25 2), (22 2))", "LINESTRING (38 5, 47 5)", "POINT (51 51)", "POINT (63 61)",
                "POINT (71 0.5)", "POINT (71 1)", "POINT (100 100)", "LINESTRING (2 2, 3 3)", "POINT (7 7)",
                "POINT (5 4.5)", "POINT (25 5)", "POINT (3 3)", "POLYGON ((3 3, 4 3, 4 4, 3 4, 3 3))",
            ],
            dtype=object,
        )
    )
    ai, fj = (g.ravel() for g in np.meshgrid(np.arange(len(activities)), np.arange(len(features))))
    expected = shapely.distance(activities[ai], features[fj])
    found = core._distance(activities[ai], features, core._edges(features), fj)
    np.testing.assert_allclose(found, expected, rtol=1e-12, atol=1e-9)
    assert (found == 0).sum() == (expected == 0).sum() >= 40


def test_features_with_crowded_boxes_are_filtered_to_the_same_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidate pairs come from each feature's widened box; a feature whose box holds many
    activities (a long diagonal coastline here) is filtered by a prepared dwithin first. Filtering
    every feature or none finds the same as the default."""
    from kotaku_gis import _screening_input as core

    kegiatan, kawasan = _data()
    rng = np.random.default_rng(7)  # the towns of _data(7), which the coastline runs through
    towns = np.c_[rng.uniform(100.0, 125.0, 12), rng.uniform(-6.0, 3.0, 12)]
    coast = shapely.segmentize(shapely.linestrings(towns[np.argsort(towns[:, 0])]), 0.01)
    kawasan = pd.concat(
        [kawasan, gpd.GeoDataFrame({"id_kawasan": ["P1"], "kategori": ["garis_pantai"]}, geometry=[coast], crs="EPSG:4326")],
        ignore_index=True,
    )
    default = screening.screen(kegiatan, kawasan), screening.proximity(kegiatan, kawasan)
    assert (default[0]["id_kawasan"] == "P1").sum() > 0 and (default[1]["id_kawasan"] == "P1").sum() > 10
    for prepare_pairs in (0, 10**9):
        monkeypatch.setattr(core, "_PREPARE_PAIRS", prepare_pairs)
        pd.testing.assert_frame_equal(screening.screen(kegiatan, kawasan), default[0])
        pd.testing.assert_frame_equal(screening.proximity(kegiatan, kawasan), default[1])
