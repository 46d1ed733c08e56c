"""Screening on threads (settings.screening_threads) finds exactly what it finds in one thread.

Seeded synthetic activities and protected features spread over several UTM zones (north and south of
the equator), so that the candidate search is cut into parts and several zones are measured at once.
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
