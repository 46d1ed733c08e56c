"""Screening of activities against the BDI negative list and protected areas (kotaku_gis.screening).

Distances are built with geodesics on the WGS84 ellipsoid (pyproj.Geod) and checked against them.
Places: Pontianak (on the equator), the UTM zone 48/49 border at 108 E, and spots all over Indonesia.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from kotaku_gis import screening
from kotaku_gis.errors import CatalogError, DataError, UsageError

GEOD = Geod(ellps="WGS84")
TOLERANCE = 0.005  # the required accuracy of distances and areas: 0.5 %
PONTIANAK = (109.33, -0.03)


# -- building inputs ------------------------------------------------------------------------------
def kegiatan(*rows: dict, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """Activities; each row a dict with ``geometry`` (default a point in Pontianak far from anything)."""
    base = {"jenis": "drainase", "periode": "2024", "biaya_idr": 100e6}
    records = []
    for i, r in enumerate(rows):
        rec = dict(base, id_kegiatan=f"K{i + 1}", geometry=Point(*PONTIANAK))
        rec.update(r)
        records.append(rec)
    return gpd.GeoDataFrame(records, geometry="geometry", crs=crs)


def kawasan(*rows: dict, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """Protected features; each row a dict with ``geometry`` and ``kategori``."""
    records = [dict({"id_kawasan": f"L{i + 1}", "nama": f"Kawasan {i + 1}"}, **r) for i, r in enumerate(rows)]
    if not records:
        return gpd.GeoDataFrame({"id_kawasan": [], "kategori": []}, geometry=[], crs=crs)
    return gpd.GeoDataFrame(records, geometry="geometry", crs=crs)


def at(lon: float, lat: float, azimuth: float, metres: float) -> Point:
    """The point ``metres`` from (lon, lat) along the geodesic of the given azimuth."""
    x, y, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return Point(x, y)


def geodesic(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2]


def geodesic_area(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def findings(k: gpd.GeoDataFrame, p: gpd.GeoDataFrame | None = None, **kw) -> pd.DataFrame:
    return screening.screen(k, p if p is not None else kawasan(), **kw)


def rules_of(result: pd.DataFrame, id_kegiatan: str = "K1") -> list[tuple[str, str]]:
    """(aturan, status) of one activity's findings."""
    rows = result[result["id_kegiatan"] == id_kegiatan]
    return list(zip(rows["aturan"], rows["status"]))


def meridian_river(lon: float = PONTIANAK[0], **attrs) -> dict:
    """An urban, undiked river 3-20 m deep (setback 15 m) along a meridian across the equator."""
    row = {"kategori": "sungai", "perkotaan": True, "bertanggul": False, "kedalaman_m": 5.0,
           "geometry": LineString([(lon, -0.01), (lon, 0.01)])}
    row.update(attrs)
    return row


def square(lon: float, lat: float, half_m: float) -> Polygon:
    """A square of about 2 x half_m metres centred on (lon, lat)."""
    d = half_m / 110_574.0
    return box(lon - d, lat - d, lon + d, lat + d)


# -- rule data ------------------------------------------------------------------------------------
def test_packaged_rules_and_rates_load():
    rules = screening.load_rules()
    assert [i.aturan for i in rules.items][:6] == ["1", "2", "3", "4", "5", "6"]
    assert {i.aturan for i in rules.items if i.approval == "review"} == {"6", "6a", "6b", "6c"}
    assert rules.setbacks["mata_air"].verified is False
    assert screening.load_kurs().rate("2026Q3") == (16400.0, "2026")
    assert screening.load_kurs().rate(None) is None


@pytest.mark.usefixtures("english")
def test_malformed_rules_file_names_file_and_field(tmp_path):
    bad = tmp_path / "screening.yml"
    text = (screening.RULES_DIR / "screening.yml").read_text(encoding="utf-8")
    bad.write_text(text.replace("above_usd: 2000000", "above_usd: -5"), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"screening\.yml.*\n.*cost\.above_usd"):
        screening.load_rules(bad)
    bad.write_text(text.replace("  garis_pantai:\n", "  pantai_pasir:\n"), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"setbacks\.pantai_pasir: not a kategori"):
        screening.load_rules(bad)
    bad.write_text(text.replace("kedalaman_m: {at_most: 3}", "kedalaman: {at_most: 3}"), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"setbacks\.sungai\.classes\.2\.where\.kedalaman: layer kawasan_lindung has no column"):
        screening.load_rules(bad)
    bad.write_text(text.replace("{aturan: 9f, column:", "{aturan: 9z, column:"), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"thresholds\.1\.aturan: aturan '9z' is not in items"):
        screening.load_rules(bad)
    bad.write_text("kind: bdi_screening\nitems: [\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid YAML"):
        screening.load_rules(bad)


@pytest.mark.usefixtures("english")
def test_malformed_exchange_rates_name_file_and_field(tmp_path):
    bad = tmp_path / "kurs.yml"
    bad.write_text("kind: exchange_rates\ncurrency: USD\nsource: x\nrates:\n  - {periode: 2026-3, idr_per_usd: 16000}\n",
                   encoding="utf-8")
    with pytest.raises(CatalogError, match=r"kurs\.yml.*\n.*rates\.0\.periode"):
        screening.load_kurs(bad)
    bad.write_text("kind: exchange_rates\ncurrency: USD\nsource: x\nrates:\n  - {periode: '2024', idr_per_usd: 1}\n"
                   "  - {periode: '2024', idr_per_usd: 2}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="a periode repeats"):
        screening.load_kurs(bad)


def test_quarter_rate_wins_over_its_year(tmp_path):
    own = tmp_path / "kurs.yml"
    own.write_text("kind: exchange_rates\ncurrency: USD\nsource: uji\nrates:\n"
                   "  - {periode: '2026', idr_per_usd: 16000}\n  - {periode: 2026Q3, idr_per_usd: 20000}\n",
                   encoding="utf-8")
    k = kegiatan({"periode": "2026Q3", "biaya_idr": 39e9}, {"periode": "2026Q2", "biaya_idr": 39e9})
    result = findings(k, kurs=own)
    assert rules_of(result, "K1") == []  # 39e9 / 20,000 = USD 1.95 M
    assert rules_of(result, "K2") == [("4", "tidak_layak")]  # 39e9 / 16,000 = USD 2.44 M


# -- setbacks -------------------------------------------------------------------------------------
def test_setbacks_by_kategori_river_class_and_override():
    frame = pd.DataFrame({
        "kategori": ["sungai"] * 8 + ["garis_pantai", "danau_waduk", "mata_air", "taman_nasional", "sungai"],
        "perkotaan": [True, True, True, True, True, False, False, False, None, None, None, None, True],
        "bertanggul": [True, False, False, False, False, True, False, False, None, None, None, None, None],
        "kedalaman_m": [None, 3.0, 3.01, 20.0, 20.5, None, None, None, None, None, None, None, 2.0],
        "luas_das_km2": [None, None, None, None, None, None, 501.0, 500.0, None, None, None, None, None],
        "sempadan_m": [None] * 12 + [None],
    })
    assert screening.setbacks(frame).tolist() == [3, 10, 15, 15, 30, 5, 100, 50, 100, 100, 200, 0, 10]
    frame.loc[11, "sempadan_m"] = 25.0
    assert screening.setbacks(frame).tolist()[11] == 25


def test_unknown_river_attributes_take_the_widest_possible_class():
    frame = pd.DataFrame({
        "kategori": ["sungai"] * 4,
        "perkotaan": [True, True, None, False],
        "bertanggul": [False, None, True, None],
        "kedalaman_m": [None, 2.0, None, None],
        "luas_das_km2": [None, None, None, 100.0],
    })
    # urban undiked, depth unknown -> 30; urban, dike unknown, shallow -> 10; diked, urban unknown -> 5;
    # non-urban small river, dike unknown -> 50
    assert screening.setbacks(frame).tolist() == [30, 10, 5, 50]


# -- attribute rules ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "jenis, aturan",
    [("kampanye_politik", "1"), ("pembebasan_lahan", "2"), ("dana_bergulir", "3"), ("kantor_pemerintah", "5"),
     ("kantor_bkm", "5"), ("pengadaan_berbahaya", "8"), ("penambangan_karang", "9a"), ("pengalihan_sungai", "9d")],
)
def test_activity_type_items(jenis, aturan):
    result = findings(kegiatan({"jenis": jenis}, {"jenis": "drainase"}))
    assert rules_of(result, "K1") == [(aturan, "tidak_layak")]
    assert rules_of(result, "K2") == []
    text = result.loc[0, "keterangan"]
    assert text.startswith(f"Butir {aturan} (") and "jenis kegiatan" in text


def test_written_approval_does_not_lift_attribute_items():
    result = findings(kegiatan({"jenis": "pembebasan_lahan", "persetujuan_tertulis": "SK 1/2024"}))
    assert rules_of(result) == [("2", "tidak_layak")]


def test_item_4_investment_value():
    k = kegiatan(
        {"biaya_usd": 2_000_001.0},  # K1 over
        {"biaya_usd": 2_000_000.0},  # K2 equal: passes
        {"biaya_idr": 40e9},  # K3 2024 rate 15,850: USD 2.52 M
        {"biaya_idr": 30e9},  # K4 USD 1.89 M
        {"biaya_idr": None},  # K5 nothing: review
        {"biaya_idr": 1e9, "periode": "1999"},  # K6 no rate for 1999: review
        {"biaya_idr": 40e9, "biaya_usd": 1_900_000.0},  # K7 both: the larger counts
        {"biaya_idr": None, "biaya_usd": 10.0},  # K8 fine
    )
    result = findings(k)
    assert rules_of(result, "K1") == [("4", "tidak_layak")]
    assert rules_of(result, "K2") == []
    assert rules_of(result, "K3") == [("4", "tidak_layak")]
    assert rules_of(result, "K4") == []
    assert rules_of(result, "K5") == [("4", "perlu_tinjauan")]
    assert rules_of(result, "K6") == [("4", "perlu_tinjauan")]
    assert rules_of(result, "K7") == [("4", "tidak_layak")]
    assert rules_of(result, "K8") == []
    text = result.set_index("id_kegiatan")["keterangan"]
    assert "Rp 40.000.000.000 = USD 2.523.659 dengan kurs Rp 15.850 per USD (2024) melebihi USD 2.000.000" in text["K3"]
    assert "USD 2.000.001 melebihi" in text["K1"]
    assert "tidak diisi" in text["K5"] and "1999" in text["K6"]


@pytest.mark.parametrize(
    "jenis, column, over, limit",
    [("reklamasi_lahan", "luas_reklamasi_ha", 50.01, 50.0), ("tampungan_air", "kapasitas_tampungan_m3", 10_001.0, 10_000.0)],
)
def test_items_9e_9f_sizes(jenis, column, over, limit):
    aturan = "9e" if jenis == "reklamasi_lahan" else "9f"
    k = kegiatan({"jenis": jenis, column: over}, {"jenis": jenis, column: limit}, {"jenis": jenis},
                 {"jenis": "drainase"}, {"jenis": "drainase", column: over})
    result = findings(k)
    assert rules_of(result, "K1") == [(aturan, "tidak_layak")]
    assert rules_of(result, "K2") == []  # equal to the limit: "larger than" it is not
    assert rules_of(result, "K3") == [(aturan, "perlu_tinjauan")]  # the size is needed for this type
    assert rules_of(result, "K4") == []  # another type without the size: nothing to check
    assert rules_of(result, "K5") == [(aturan, "tidak_layak")]  # the size counts whatever the type


def test_item_7_negative_impact_flag():
    k = kegiatan({"dampak_negatif": True}, {"dampak_negatif": False}, {"dampak_negatif": None})
    result = findings(k)
    assert rules_of(result, "K1") == [("7", "tidak_layak")]
    assert rules_of(result, "K2") == [] and rules_of(result, "K3") == []
    assert "dampak_negatif = ya" in result.loc[0, "keterangan"]


# -- spatial rules: item 6 ------------------------------------------------------------------------
@pytest.mark.parametrize("kategori, aturan", [("taman_nasional", "6a"), ("cagar_budaya", "6b"), ("hutan_mangrove", "6c")])
def test_inside_a_protected_area(kategori, aturan):
    lon, lat = PONTIANAK
    area = square(lon, lat, 300)
    k = kegiatan({"geometry": Point(lon, lat)}, {"geometry": at(lon, lat, 90, 1500)})
    result = findings(k, kawasan({"kategori": kategori, "geometry": area}))
    assert rules_of(result, "K1") == [(aturan, "tidak_layak")]
    row = result.iloc[0]
    assert row["id_kawasan"] == "L1" and row["kategori"] == kategori and row["jarak_m"] == 0
    assert np.isnan(row["luas_tumpang_m2"])  # a point has no area
    assert "berada di dalam Kawasan 1" in row["keterangan"]
    assert rules_of(result, "K2") == []  # 1.2 km outside: beyond the 1 km warning


def test_river_setback_is_inclusive_on_the_line():
    lon = PONTIANAK[0]
    k = kegiatan(
        {"geometry": at(lon, 0.003, 90, 14.9)},
        {"geometry": at(lon, 0.003, 90, 15.0)},  # exactly on the setback line: inside
        {"geometry": at(lon, -0.003, 270, 15.0)},  # the other bank, south of the equator
        {"geometry": at(lon, 0.003, 90, 15.05)},
    )
    result = findings(k, kawasan(meridian_river()))
    assert rules_of(result, "K1") == [("6a", "tidak_layak")]
    assert rules_of(result, "K2") == [("6a", "tidak_layak")]
    assert rules_of(result, "K3") == [("6a", "tidak_layak")]
    assert rules_of(result, "K4") == []  # rivers give no proximity warning
    got = result.set_index("id_kegiatan")["jarak_m"]
    assert got["K2"] == pytest.approx(15.0, abs=0.01) and got["K3"] == pytest.approx(15.0, abs=0.01)
    assert "di dalam sempadan 15 m" in result.loc[1, "keterangan"]


def test_own_setback_overrides_the_kategori():
    lon = PONTIANAK[0]
    k = kegiatan({"geometry": at(lon, 0.0, 90, 40)}, {"geometry": at(lon, 0.0, 90, 60)})
    result = findings(k, kawasan(meridian_river(sempadan_m=50.0)))
    assert rules_of(result, "K1") == [("6a", "tidak_layak")]
    assert rules_of(result, "K2") == []


def test_coastline_setback_100_m_and_spring_radius_200_m():
    lon, lat = PONTIANAK
    coast = {"kategori": "garis_pantai", "geometry": LineString([(lon - 0.01, lat), (lon + 0.01, lat)])}
    spring = {"kategori": "mata_air", "geometry": Point(lon + 0.1, lat)}
    k = kegiatan(
        {"geometry": at(lon, lat, 0, 99)},
        {"geometry": at(lon, lat, 0, 101)},
        {"geometry": at(lon + 0.1, lat, 45, 150)},
        {"geometry": at(lon + 0.1, lat, 45, 250)},
    )
    result = findings(k, kawasan(coast, spring))
    assert rules_of(result, "K1") == [("6c", "tidak_layak")]
    assert rules_of(result, "K2") == []
    assert rules_of(result, "K3") == [("6a", "tidak_layak")]
    assert rules_of(result, "K4") == [("6a", "peringatan")]  # outside the radius, within 1 km


def test_written_approval_moves_item_6_to_review_never_to_fine():
    lon, lat = PONTIANAK
    k = kegiatan({"geometry": Point(lon, lat), "persetujuan_tertulis": "S.123/KSDAE/2024"})
    result = findings(k, kawasan({"kategori": "cagar_alam", "geometry": square(lon, lat, 200)}))
    assert rules_of(result) == [("6a", "perlu_tinjauan")]
    assert "S.123/KSDAE/2024" in result.loc[0, "keterangan"] and "AMDAL" in result.loc[0, "keterangan"]


def test_proximity_warning_within_1_km_inclusive():
    lon, lat = PONTIANAK
    area = box(lon, lat - 0.01, lon + 0.01, lat + 0.01)  # west edge on the meridian lon
    k = kegiatan(
        {"geometry": at(lon, lat, 270, 500)},
        {"geometry": at(lon, lat, 270, 1000)},
        {"geometry": at(lon, lat, 270, 1000.5)},
    )
    result = findings(k, kawasan({"kategori": "hutan_lindung", "geometry": area}))
    assert rules_of(result, "K1") == [("6a", "peringatan")]
    assert rules_of(result, "K2") == [("6a", "peringatan")]
    assert rules_of(result, "K3") == []
    assert result.loc[0, "jarak_m"] == pytest.approx(500, rel=1e-4)
    assert "radius peringatan 1.000 m" in result.loc[0, "keterangan"]
    wider = findings(k, kawasan({"kategori": "hutan_lindung", "geometry": area}), warning_m=2000)
    assert rules_of(wider, "K3") == [("6a", "peringatan")]


def test_touching_edges_count_as_inside():
    lon, lat = PONTIANAK
    protected = box(lon, lat, lon + 0.01, lat + 0.01)
    neighbour = box(lon - 0.001, lat, lon, lat + 0.001)  # shares part of the west edge
    corner = box(lon - 0.001, lat - 0.001, lon, lat)  # touches one corner
    k = kegiatan({"geometry": neighbour}, {"geometry": corner})
    result = findings(k, kawasan({"kategori": "taman_nasional", "geometry": protected}))
    assert rules_of(result, "K1") == [("6a", "tidak_layak")] and rules_of(result, "K2") == [("6a", "tidak_layak")]
    assert (result["jarak_m"] == 0).all() and (result["luas_tumpang_m2"] == 0).all()


def test_line_crossing_a_protected_area_without_a_vertex_inside():
    lon, lat = PONTIANAK
    protected = square(lon, lat, 100)
    crossing = LineString([(lon - 0.01, lat - 0.0001), (lon + 0.01, lat + 0.0001)])
    assert not any(protected.contains(Point(c)) for c in crossing.coords)
    result = findings(kegiatan({"geometry": crossing}), kawasan({"kategori": "rawa", "geometry": protected}))
    assert rules_of(result) == [("6c", "tidak_layak")] and result.loc[0, "jarak_m"] == 0


def test_multi_part_features():
    lon, lat = PONTIANAK
    parts = MultiPolygon([square(lon + 0.05, lat, 100), square(lon, lat, 100)])
    river = MultiLineString([[(lon + 0.2, -0.01), (lon + 0.2, 0.01)], [(lon + 0.3, -0.01), (lon + 0.3, 0.01)]])
    k = kegiatan(
        {"geometry": Point(lon, lat)},  # in the second part
        {"geometry": MultiPoint([(lon - 0.05, lat), (lon + 0.05, lat)])},  # one point in the first part
        {"geometry": at(lon + 0.3, 0.0, 90, 10)},  # 10 m from the second river part
    )
    p = kawasan({"kategori": "taman_nasional", "geometry": parts}, meridian_river(lon + 0.2, geometry=river))
    result = findings(k, p)
    assert rules_of(result, "K1") == [("6a", "tidak_layak")]
    assert rules_of(result, "K2") == [("6a", "tidak_layak")]
    assert rules_of(result, "K3") == [("6a", "tidak_layak")]
    assert result.set_index("id_kegiatan").loc["K3", "jarak_m"] == pytest.approx(10.0, abs=0.01)


def test_site_straddling_the_equator():
    lon = PONTIANAK[0]
    site = box(lon, -0.001, lon + 0.002, 0.001)  # about 220 x 220 m across the equator
    protected = box(lon + 0.001, -0.01, lon + 0.01, 0.01)  # covers the east half
    result = findings(kegiatan({"geometry": site}), kawasan({"kategori": "cagar_alam", "geometry": protected}))
    assert rules_of(result) == [("6a", "tidak_layak")]
    expected = geodesic_area(site.intersection(protected))
    assert result.loc[0, "luas_tumpang_m2"] == pytest.approx(expected, rel=TOLERANCE)
    assert result.loc[0, "luas_tumpang_m2"] == pytest.approx(expected, rel=1e-4)


def test_overlap_with_a_setback_zone_is_measured_in_metres():
    lon = PONTIANAK[0]
    # a 20 m tall strip 5-45 m east of a river whose setback is 15 m: 10 m x 20 m inside the setback
    west, east = at(lon, 0.0, 90, 5).x, at(lon, 0.0, 90, 45).x
    half = 10 / 110_574.0
    site = box(west, -half, east, half)
    result = findings(kegiatan({"geometry": site}), kawasan(meridian_river()))
    assert rules_of(result) == [("6a", "tidak_layak")]
    assert result.loc[0, "jarak_m"] == pytest.approx(5.0, abs=0.01)
    assert result.loc[0, "luas_tumpang_m2"] == pytest.approx(10 * 20, rel=TOLERANCE)


def test_sites_in_two_utm_zones():
    border = 108.0  # zones 48 and 49
    protected = box(border + 0.0005, 1.99, border + 0.01, 2.01)
    west = Point(border - 0.0005, 2.0)  # zone 48, 111 m west of the protected edge
    east_site = Point(border + 0.0205, 2.0)  # zone 49, beyond its east edge
    k = kegiatan({"geometry": west}, {"geometry": east_site})
    result = screening.proximity(k, kawasan({"kategori": "hutan_lindung", "geometry": protected}))
    got = result.set_index("id_kegiatan")["jarak_m"]
    assert got["K1"] == pytest.approx(geodesic(west, Point(border + 0.0005, 2.0)), rel=1e-4)
    assert got["K2"] == pytest.approx(geodesic(east_site, Point(border + 0.01, 2.0)), rel=1e-4)
    # a feature across the border, measured from both sides
    straddle = kawasan({"kategori": "mata_air", "geometry": Point(border + 0.004, 2.0)})
    again = screening.proximity(kegiatan({"geometry": Point(border - 0.004, 2.0)}), straddle)
    assert again.loc[0, "jarak_m"] == pytest.approx(geodesic(Point(border - 0.004, 2.0), Point(border + 0.004, 2.0)), rel=1e-4)


def test_distances_match_geodesics_all_over_indonesia():
    rng = np.random.default_rng(7)
    n = 300
    lon = rng.uniform(95.0, 141.0, n)
    lat = rng.uniform(-11.0, 6.0, n)
    lon[:20] = rng.uniform(107.99, 108.01, 20)  # on a zone border
    lat[20:40] = rng.uniform(-0.002, 0.002, 20)  # on the equator
    metres = rng.uniform(1.0, 9_000.0, n)
    x, y, _ = GEOD.fwd(lon, lat, rng.uniform(0, 360, n), metres)
    k = gpd.GeoDataFrame({"id_kegiatan": [f"K{i:03d}" for i in range(n)], "jenis": "drainase"},
                         geometry=shapely.points(lon, lat), crs="EPSG:4326")
    p = gpd.GeoDataFrame({"id_kawasan": [f"L{i:03d}" for i in range(n)], "kategori": "mata_air"},
                         geometry=shapely.points(x, y), crs="EPSG:4326")
    result = screening.proximity(k, p, n=10, radius_m=10_000)
    own = result[result["id_kegiatan"].str[1:] == result["id_kawasan"].str[1:]]  # each to its partner
    assert len(own) == n
    got = own.set_index("id_kegiatan").sort_index()["jarak_m"].to_numpy()
    assert got == pytest.approx(metres, rel=TOLERANCE)
    assert np.abs(got / metres - 1).max() < 1e-4  # in fact far better than required


# -- spatial rules: 9b and 9c ---------------------------------------------------------------------
def test_item_9b_roads_into_protected_areas():
    lon, lat = PONTIANAK
    area = box(lon, lat - 0.01, lon + 0.01, lat + 0.01)  # west edge on lon
    road = "jalan_lingkungan"
    k = kegiatan(
        {"jenis": road, "geometry": LineString([(lon - 0.003, lat), (lon + 0.001, lat)])},  # enters
        {"jenis": road, "geometry": LineString([(at(lon, lat, 270, 40).x, lat), (lon - 0.005, lat)])},  # ends 40 m off
        {"jenis": road, "geometry": LineString([(at(lon, lat, 270, 60).x, lat), (lon - 0.005, lat)])},  # ends 60 m off
        {"jenis": road, "geometry": LineString([(at(lon, lat, 270, 30).x, lat - 0.02), (at(lon, lat, 270, 30).x, lat + 0.02)])},
        {"jenis": "drainase", "geometry": LineString([(lon - 0.003, lat), (lon + 0.001, lat)])},  # not a road
        {"jenis": "jembatan", "geometry": LineString([(lon - 0.003, lat), (lon, lat)])},  # touches the edge
    )
    result = findings(k, kawasan({"kategori": "hutan_lindung", "geometry": area}))
    assert rules_of(result, "K1") == [("6a", "tidak_layak"), ("9b", "tidak_layak")]
    assert rules_of(result, "K2") == [("6a", "peringatan"), ("9b", "tidak_layak")]
    assert rules_of(result, "K3") == [("6a", "peringatan")]
    assert rules_of(result, "K4") == [("6a", "peringatan")]  # passes 30 m away, but its ends are far
    assert rules_of(result, "K5") == [("6a", "tidak_layak")]
    assert rules_of(result, "K6") == [("6a", "tidak_layak"), ("9b", "tidak_layak")]
    by_end = result[(result["id_kegiatan"] == "K2") & (result["aturan"] == "9b")].iloc[0]
    assert by_end["jarak_m"] == pytest.approx(40, abs=0.01)
    assert "ujung jalan berjarak 40,0 m" in by_end["keterangan"]
    closer = findings(k, kawasan({"kategori": "hutan_lindung", "geometry": area}), road_end_m=70)
    assert ("9b", "tidak_layak") in rules_of(closer, "K3")


def test_item_9b_is_not_lifted_by_approval_and_ignores_rivers():
    lon, lat = PONTIANAK
    area = square(lon, lat, 100)
    road = LineString([(lon - 0.01, lat), (lon + 0.01, lat)])
    k = kegiatan({"jenis": "jalan_lingkungan", "geometry": road, "persetujuan_tertulis": "SK-9"},
                 {"jenis": "jembatan", "geometry": LineString([(lon + 0.2 - 0.001, 0.0), (lon + 0.2 + 0.001, 0.0)])})
    result = findings(k, kawasan({"kategori": "taman_nasional", "geometry": area}, meridian_river(lon + 0.2)))
    assert rules_of(result, "K1") == [("6a", "perlu_tinjauan"), ("9b", "tidak_layak")]
    assert rules_of(result, "K2") == [("6a", "tidak_layak")]  # a footbridge over a river: 6a, not 9b


def test_item_9c_water_works_on_cross_border_rivers():
    lon = PONTIANAK[0]
    near = at(lon, 0.0, 90, 12)
    k = kegiatan({"jenis": "tanggul_talud", "geometry": near}, {"jenis": "drainase", "geometry": near},
                 {"jenis": "bangunan_air_sungai", "geometry": at(lon, 0.0, 90, 20)})
    crossing = findings(k, kawasan(meridian_river(lintas_negara=True)))
    assert rules_of(crossing, "K1") == [("6a", "tidak_layak"), ("9c", "tidak_layak")]
    assert rules_of(crossing, "K2") == [("6a", "tidak_layak")]  # not water-resource works
    assert rules_of(crossing, "K3") == []  # outside the 15 m setback
    assert "sungai lintas negara" in crossing.iloc[1]["keterangan"]
    domestic = findings(k, kawasan(meridian_river(lintas_negara=False)))
    assert rules_of(domestic, "K1") == [("6a", "tidak_layak")]


# -- inputs ---------------------------------------------------------------------------------------
def test_protected_layer_in_another_crs_is_reprojected():
    lon, lat = PONTIANAK
    p = kawasan({"kategori": "hutan_lindung", "geometry": box(lon, lat - 0.01, lon + 0.01, lat + 0.01)},
                meridian_river(lon - 0.02))
    k = kegiatan({"geometry": at(lon, lat, 270, 300)}, {"geometry": at(lon - 0.02, 0.0, 90, 10)})
    plain = findings(k, p)
    utm = findings(k.to_crs("EPSG:32749"), p.to_crs("EPSG:32749"))
    pd.testing.assert_frame_equal(plain.drop(columns="jarak_m"), utm.drop(columns="jarak_m"))
    assert utm["jarak_m"].to_numpy() == pytest.approx(plain["jarak_m"].to_numpy(), abs=0.01)


def test_unknown_kategori_and_jenis_are_data_errors_naming_row_and_column():
    p = kawasan({"kategori": "taman_kota", "geometry": Point(*PONTIANAK)},
                {"kategori": "rawa", "geometry": None})
    p["_baris"] = [7, 8]
    k = kegiatan({"jenis": "jalan_tol"})
    with pytest.raises(DataError) as info:
        findings(k, p)
    where = {(q.file, q.row, q.column, q.code) for q in info.value.problems}
    assert ("kawasan_lindung", 7, "kategori", "screening_code_unknown") in where
    assert ("kawasan_lindung", 8, "geometry", "screening_geometry_missing") in where
    assert ("kegiatan", 1, "jenis", "screening_code_unknown") in where
    assert "kawasan_lindung, baris 7, kolom kategori" in str(info.value)


def test_bad_numbers_and_flags_are_data_errors():
    k = kegiatan({"biaya_idr": "seratus juta"}, {"dampak_negatif": "mungkin"}, {"biaya_usd": -5.0})
    with pytest.raises(DataError) as info:
        findings(k)
    assert {(q.row, q.column, q.code) for q in info.value.problems} == {
        (1, "biaya_idr", "screening_not_a_number"),
        (2, "dampak_negatif", "screening_not_yes_no"),
        (3, "biaya_usd", "screening_negative"),
    }


def test_activities_without_geometry_are_screened_on_their_attributes():
    lon, lat = PONTIANAK
    k = kegiatan({"geometry": None, "jenis": "dana_bergulir"}, {"geometry": Point(lon, lat)})
    k.loc[1, "geometry"] = shapely.Point()  # empty
    result = findings(k, kawasan({"kategori": "taman_nasional", "geometry": square(lon, lat, 100)}))
    assert rules_of(result, "K1") == [("3", "tidak_layak"), ("6", "perlu_tinjauan")]
    assert rules_of(result, "K2") == [("6", "perlu_tinjauan")]
    assert "tidak dapat diperiksa" in result.iloc[-1]["keterangan"]


def test_mixed_geometry_types_in_both_layers():
    lon, lat = PONTIANAK
    k = kegiatan(
        {"geometry": Point(lon, lat)},
        {"geometry": LineString([(lon, lat), (lon + 0.001, lat)])},
        {"geometry": square(lon, lat, 20)},
        {"geometry": shapely.GeometryCollection([Point(lon + 0.5, lat), Point(lon, lat)])},
    )
    p = kawasan({"kategori": "taman_nasional", "geometry": square(lon, lat, 300)},
                {"kategori": "mata_air", "geometry": Point(lon + 0.001, lat)},
                meridian_river(lon + 0.0005, geometry=LineString([(lon + 0.0005, lat - 0.01), (lon + 0.0005, lat + 0.01)])))
    result = findings(k, p)
    for i in range(1, 5):
        got = set(rules_of(result, f"K{i}"))
        assert ("6a", "tidak_layak") in got, i
    assert result["id_kawasan"].nunique() == 3


def test_usage_errors():
    k = kegiatan({})
    with pytest.raises(UsageError, match="GeoDataFrame"):
        screening.screen(pd.DataFrame(k.drop(columns="geometry")), kawasan())
    with pytest.raises(UsageError, match="CRS"):
        screening.screen(k.set_crs(None, allow_override=True), kawasan())
    with pytest.raises(UsageError, match="id_kegiatan"):
        screening.screen(k.drop(columns="id_kegiatan"), kawasan())
    with pytest.raises(UsageError, match="warning_m"):
        screening.screen(k, kawasan(), warning_m=-1)
    with pytest.raises(UsageError):
        screening.screen(k, kawasan(), lang="fr")
    with pytest.raises(UsageError, match="n harus"):
        screening.proximity(k, kawasan(), n=0)


def test_result_shape_language_and_geometry():
    lon, lat = PONTIANAK
    k = kegiatan({"jenis": "kantor_bkm"}, {"geometry": Point(lon + 1, lat)})
    result = findings(k)
    assert tuple(result.columns) == screening.COLUMNS
    assert list(result["id_kegiatan"]) == ["K1"]  # no finding, no row
    en = findings(k, lang="en")
    assert en.loc[0, "keterangan"].startswith("Item 5 (government or BKM/LKM office building)")
    geo = findings(k, geometry=True)
    assert isinstance(geo, gpd.GeoDataFrame) and geo.crs == "EPSG:4326" and geo.geometry.iloc[0] == Point(*PONTIANAK)
    empty = findings(kegiatan({"geometry": Point(lon + 1, lat)}))
    assert len(empty) == 0 and tuple(empty.columns) == screening.COLUMNS


def test_findings_are_sorted_by_activity_item_and_distance():
    lon, lat = PONTIANAK
    k = kegiatan({"id_kegiatan": "B", "jenis": "dana_bergulir", "geometry": Point(lon + 1, lat)},
                 {"id_kegiatan": "A", "geometry": Point(lon, lat)})
    p = kawasan({"kategori": "rawa", "geometry": square(lon + 0.005, lat, 50)},
                {"kategori": "hutan_lindung", "geometry": square(lon + 0.003, lat, 50)},
                {"kategori": "cagar_alam", "geometry": square(lon, lat, 50)})
    result = findings(k, p)
    assert list(zip(result["id_kegiatan"], result["aturan"], result["id_kawasan"].fillna("-"))) == [
        ("A", "6a", "L3"), ("A", "6a", "L2"), ("A", "6c", "L1"), ("B", "3", "-")]


# -- proximity report -----------------------------------------------------------------------------
def test_proximity_report_nearest_first_within_radius():
    lon, lat = PONTIANAK
    k = kegiatan({"geometry": Point(lon, lat)}, {"geometry": Point(lon + 1, lat)})
    p = kawasan(
        {"kategori": "cagar_alam", "geometry": at(lon, lat, 90, 2000).buffer(0.001)},
        {"kategori": "rawa", "geometry": square(lon, lat, 50)},
        {"kategori": "mata_air", "geometry": at(lon, lat, 0, 500)},
        {"kategori": "taman_nasional", "geometry": at(lon, lat, 0, 20_000).buffer(0.001)},
        meridian_river(lon + 0.01),
    )
    report = screening.proximity(k, p, n=3)
    assert list(report["id_kawasan"]) == ["L2", "L3", "L1"]
    assert list(report["peringkat"]) == [1, 2, 3]
    assert list(report["dalam_sempadan"]) == [True, False, False]
    assert report.loc[1, "jarak_m"] == pytest.approx(500, rel=1e-4)
    only_areas = screening.proximity(k, p, n=5, bentuk=["area"], radius_m=25_000)
    assert list(only_areas["id_kawasan"]) == ["L2", "L1", "L4"]
    assert tuple(report.columns) == screening.PROXIMITY_COLUMNS


def _near_and_far() -> tuple[gpd.GeoDataFrame, float]:
    """Three protected features: L1 near Pontianak, L3 (a river) by a point ``east``, and L2 between
    the two, out of reach of both; and ``east``."""
    lon, lat = PONTIANAK
    east = lon + 0.5
    layer = kawasan(
        {"kategori": "hutan_lindung", "geometry": square(at(lon, lat, 90, 600).x, lat, 50), "sumber": "uji"},
        {"kategori": "hutan_lindung", "geometry": square(lon + 0.25, lat, 500), "sumber": "uji"},
        dict(meridian_river(east + 0.0001), sumber="uji"),
    )
    return layer, east


def test_protected_near_reads_only_the_features_near_an_activity(store_url):
    # one box per activity: a feature between two activities far apart (inside their joint box, out of
    # reach of both) is not read; the findings are those against the whole layer
    from kotaku_gis.store import open_store

    layer, east = _near_and_far()
    k = kegiatan({}, {"geometry": Point(east, 0.0)})
    store = open_store(store_url)
    store.init()
    try:
        store.write("kawasan_lindung", layer)
        each = screening.protected_near(store, k.bounds)
        assert sorted(each["id_kawasan"]) == ["L1", "L3"]
        assert sorted(screening.protected_near(store, k.total_bounds)["id_kawasan"]) == ["L1", "L2", "L3"]
        found = screening.screen(k, each)
        pd.testing.assert_frame_equal(found, screening.screen(k, store.read("kawasan_lindung")))
        assert set(found["id_kawasan"].dropna()) == {"L1", "L3"}
        assert len(screening.protected_near(store, k.iloc[0:0].bounds)) == 0
    finally:
        store.close()


def test_screen_store_reads_the_features_near_each_activity_meanwhile(store_url):
    """screen_store gives what screen gives against protected_near (features read on a thread while
    the activities are checked), on both backends: activities in another CRS, one without geometry,
    with geometry; the problems of the activities are raised as screen raises them."""
    from kotaku_gis.store import open_store

    layer, east = _near_and_far()
    k = kegiatan({}, {"geometry": Point(east, 0.0), "jenis": "jalan_lingkungan"}, {"geometry": None})
    store = open_store(store_url)
    store.init()
    try:
        store.write("kawasan_lindung", layer)
        expected = screening.screen(k, screening.protected_near(store, k.bounds), lang="en", geometry=True)
        assert set(expected["id_kawasan"].dropna()) == {"L1", "L3"} and "6" in set(expected["aturan"])
        found = screening.screen_store(store, k, lang="en", geometry=True)
        pd.testing.assert_frame_equal(found, expected)
        utm = screening.screen_store(store, k.to_crs(32749), lang="en")
        pd.testing.assert_frame_equal(utm, screening.screen(k.to_crs(32749), store.read("kawasan_lindung"), lang="en"))
        with pytest.raises(DataError) as info:
            screening.screen_store(store, kegiatan({"biaya_idr": "seratus juta"}))
        assert {(q.row, q.column, q.code) for q in info.value.problems} == {(1, "biaya_idr", "screening_not_a_number")}
        with pytest.raises(UsageError):
            screening.screen_store(store, pd.DataFrame({"id_kegiatan": ["K1"]}))
    finally:
        store.close()
