"""Progress maps (kotaku_gis.maps): offline pages opened in a real headless Chromium, coverage
simplification, sizes, the printable PNG/PDF and the ``kotaku-gis map`` command.

The browser is Debian's ``/usr/bin/chromium`` (``bash scripts/setup.sh --test`` installs it; another
one can be named with ``KOTAKU_CHROMIUM``), driven by Playwright with ``executable_path``: no browser
is ever downloaded. Every request the page makes is routed here and any that is not ``data:`` or
``file:`` fails the test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import helpers
import numpy as np
import pandas as pd
import pytest
import shapely
from browser import Page
from shapely.geometry import Polygon

from kotaku_gis import cli, i18n, maps, scoring
from kotaku_gis.errors import UsageError
from kotaku_gis.maps import MapInputs, simplify_coverage

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------------
# Coverage simplification


def _wavy_neighbours() -> list[Polygon]:
    """Three kelurahan-like polygons meeting along densely drawn, wavy shared borders (exactly noded)."""
    xs = np.linspace(0, 0.03, 301)
    border = shapely.LineString([(x, 0.0002 * np.sin(x * 3000) + 0.00005 * np.sin(x * 17000)) for x in xs])
    ys = np.linspace(-0.001, 0.02, 211)
    spine = shapely.LineString([(0.015 + 0.0002 * np.sin(y * 2500), y) for y in ys])
    frame = shapely.box(0, -0.02, 0.03, 0.02).boundary
    faces = shapely.get_parts(shapely.polygonize([shapely.union_all([border, spine, frame])]))
    faces = sorted((f for f in faces if f.area > 1e-6), key=lambda f: (f.centroid.y, f.centroid.x))
    assert len(faces) == 3
    return faces


def _overlap_area(geoms) -> float:
    total = 0.0
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            total += shapely.intersection(geoms[i], geoms[j]).area
    return total


def test_simplification_keeps_shared_borders_shared():
    polys = _wavy_neighbours()
    assert shapely.coverage_is_valid(polys)
    before = sum(shapely.get_num_coordinates(polys))
    out = simplify_coverage(polys, tolerance_m=30, decimals=6)
    assert sum(shapely.get_num_coordinates(out)) < before / 3  # really simplified
    assert shapely.is_valid(out).all()
    assert shapely.coverage_is_valid(out)  # no overlaps, shared edges identical
    assert _overlap_area(out) < 1e-12
    union = shapely.union_all(out)  # no gaps: one polygon, no holes, same area as before
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == pytest.approx(shapely.union_all(polys).area, rel=1e-3)
    for i, j in ((0, 1), (0, 2), (1, 2)):  # each pair still meets along a line
        shared = shapely.intersection(out[i].boundary, out[j].boundary)
        assert shared.length > 0.005

    # what the naive per-polygon simplification does to the same input: gaps and overlaps
    naive = shapely.simplify(np.array(polys, dtype=object), 30 / 111_320, preserve_topology=True)
    assert not shapely.coverage_is_valid(naive)
    assert _overlap_area(naive) > 1e-9 or shapely.union_all(naive).area < shapely.union_all(polys).area * (1 - 1e-6)


def test_simplification_cleans_overlaps_and_slivers_of_published_boundaries():
    # like the source boundaries: neighbours overlap slightly and leave a thin sliver
    a = shapely.box(109.30, -0.05, 109.3101, -0.04)  # overlaps b by 0.0001 degree
    b = shapely.box(109.31, -0.05, 109.32, -0.04)
    # below them a third one that leaves a 3 m sliver, closed at both ends (a gap inside the area)
    c = shapely.union_all([shapely.box(109.30, -0.06, 109.32, -0.05003), shapely.box(109.30, -0.0501, 109.301, -0.05),
                           shapely.box(109.319, -0.0501, 109.32, -0.05)])
    assert len(shapely.union_all([a, b, c]).interiors) == 1
    assert not shapely.coverage_is_valid([a, b, c])
    out = simplify_coverage([a, b, c], tolerance_m=5, gap_width_m=5, decimals=6)
    assert shapely.coverage_is_valid(out)
    assert _overlap_area(out) < 1e-12
    union = shapely.union_all(out)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # the sliver is filled


def test_simplification_drops_small_islands_but_keeps_every_feature():
    main = shapely.box(100, 0, 101, 1)
    islet = shapely.box(101.5, 0.5, 101.501, 0.501)  # about 0.012 km2
    tiny_only = shapely.box(103, 0, 103.001, 0.001)  # a feature made of one small part stays
    out = simplify_coverage([shapely.MultiPolygon([main, islet]), tiny_only], tolerance_m=100, min_part_km2=1,
                            decimals=4)
    assert out[0].geom_type == "Polygon" and out[0].area == pytest.approx(1.0)
    assert not out[1].is_empty


# --------------------------------------------------------------------------------------------------
# Building pages without a browser


def _two_kelurahan_inputs(**kw) -> MapInputs:
    """The two-kelurahan setup of tests/helpers.py, scored, as a kecamatan map."""
    awal = scoring.indikator_7plus1(scoring.score(helpers.kumuh_frame("2024")))
    now = helpers.kumuh_frame("2026Q3")
    for c in helpers.CRITERIA:
        now[c] = 10.0
    now = scoring.indikator_7plus1(scoring.score(now))
    defaults = dict(
        tingkat="kecamatan", kode="61.71.01", periode="2026Q3", baseline="2024", wilayah=helpers.wilayah_frame(),
        kumuh=now, kumuh_awal=awal, kegiatan=helpers.kegiatan_frame(),
        temuan=pd.DataFrame({"id_kegiatan": ["K003"], "aturan": ["7"], "status": ["tidak_layak"],
                             "id_kawasan": [None], "kategori": [None], "jarak_m": [None],
                             "keterangan": ["Butir 7: berdampak negatif"]}),
    )
    defaults.update(kw)
    return MapInputs(**defaults)


def test_page_loads_nothing_from_the_network():
    html = maps.progress_map(_two_kelurahan_inputs()).get_root().render()
    # nothing that loads: no script/link/img element pointing out, no CSS url() pointing out
    # (Leaflet's attribution prefix holds a plain link to its home page, which loads nothing)
    assert not re.search(r"""<(script|img|iframe)[^>]*\ssrc\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""<link[^>]*\shref\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", html)
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "fontawesome", "unpkg"):
        assert cdn not in html
    assert "url(images/" not in html  # Leaflet's CSS images are data: URIs when inlined
    assert "L.Icon.Default" not in html.split("KotakuMap.build")[-1]


def test_shared_assets_are_written_beside_the_pages(tmp_path):
    m = maps.progress_map(_two_kelurahan_inputs())
    page = maps.save_map(m, tmp_path / "peta" / "kec.html", assets="shared:../aset")
    html = page.read_text(encoding="utf-8")
    assert '<script src="../aset/leaflet/leaflet.js">' in html
    assert 'version="1.9.4"' not in html  # Leaflet itself is not in the page
    for rel in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE", "leaflet/images/layers.png",
                "kotaku/kotaku_map.js", "kotaku/kotaku_map.css", "kotaku/LICENSE"):
        assert (tmp_path / "aset" / rel).is_file(), rel
    inline = maps.save_map(m, tmp_path / "inline.html", assets="inline").stat().st_size
    assert inline - page.stat().st_size > 150_000  # the assets are in the inline page only


def test_import_does_not_import_folium_or_matplotlib():
    code = "import sys, kotaku_gis; print(sorted(m for m in ('folium', 'branca', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(tingkat="kota"), "tingkat"),
        (dict(tingkat="kabkota", kode="61.71.01"), "kecamatan"),
        (dict(tingkat="kecamatan", kode="61.71.09"), "61.71.09"),
    ],
)
def test_bad_requests_are_usage_errors(change, message):
    with pytest.raises(UsageError, match=message):
        maps.progress_map(_two_kelurahan_inputs(**change))


def test_unscored_locations_are_refused():
    with pytest.raises(UsageError, match="score"):
        maps.progress_map(_two_kelurahan_inputs(kumuh=helpers.kumuh_frame("2026Q3")))


def test_unknown_asset_mode_is_a_usage_error():
    with pytest.raises(UsageError, match="shared:"):
        maps.progress_map(_two_kelurahan_inputs(), assets="cdn")


def test_english_page():
    html = maps.progress_map(_two_kelurahan_inputs(), lang="en").get_root().render()
    assert i18n.text("maps.title", "en") in html and i18n.text("maps.title", "id") not in html
    assert "Boundaries: © 2024 Cahya DSN" in html


def test_kabkota_map_of_300_kelurahan_and_1000_activities_stays_small(tmp_path):
    inputs = maps.synthetic_inputs("kabkota", n_kelurahan=300, n_kegiatan=1000, n_kecamatan=15)
    m = maps.progress_map(inputs)
    shared = maps.save_map(m, tmp_path / "kab.html", assets="shared:aset").stat().st_size
    inline = maps.save_map(m, tmp_path / "kab_inline.html", assets="inline").stat().st_size
    assert shared < 1_500_000
    assert inline < 1_500_000


def test_national_map_stays_under_3_mb(tmp_path):
    w = gpd.read_file(REPO / "data" / "batas" / "provinsi.gpkg")  # the real 38 provinces, in the repo
    m = maps.progress_map(MapInputs(tingkat="nasional", kode="", periode="2026Q3", wilayah=w))
    page = maps.save_map(m, tmp_path / "nasional.html")
    assert page.stat().st_size < 3_000_000


def test_national_map_draws_the_provinces_figures_only():
    # recipes.yml: the national map draws the choropleth of the provinces, not the points below them
    # (55,000 locations would make a 50 MB page); their counts are in the provinces' popups
    inputs = maps.synthetic_inputs("nasional", n_kelurahan=8, n_kegiatan=40)
    assert maps.recipes().level("nasional").layers == []
    p = maps.prepare(inputs)
    assert (p.kumuh, p.kegiatan, p.temuan, p.lindung, p.sempadan) == (None,) * 5
    assert p.search and all(not key.startswith("lokasi:") for _, key, _ in p.search)
    kegiatan = inputs.kegiatan.drop_duplicates("id_kegiatan")
    assert p.wilayah["kegiatan_total"].sum() == len(kegiatan) > 0
    assert p.wilayah["temuan_total"].sum() == len(inputs.temuan) > 0
    from kotaku_gis.maps.progress_map import payload

    data = payload(p, lang="id")
    layers = data["layers"]
    assert layers["kumuh"] is None and layers["kegiatan"] is None and layers["wilayah"]["rows"]
    assert data["labels"]["search_placeholder"] == "Cari provinsi…"  # the search box says what it finds

    below = maps.prepare(maps.synthetic_inputs("provinsi", n_kelurahan=8, n_kegiatan=40))
    assert below.kumuh is not None and below.kegiatan is not None and below.lindung is not None
    assert below.sempadan is None  # setback zones are a few metres wide: from kab/kota down
    assert set(below.kumuh.geom_type) == {"Point"}


def test_protected_areas_are_simplified_to_the_units_scale():
    # recipes.yml context_m_per_km: a 20 m zig-zag edge stays on the map of a small kab/kota and is
    # smoothed on that of a 220 km kabupaten (where it is far below a pixel)
    def with_zigzag(inputs):
        minx, miny, maxx, maxy = inputs.wilayah.total_bounds
        x = np.linspace(minx, minx + (maxx - minx) * 0.2, 400)
        y = maxy - (maxy - miny) * 0.1 + np.where(np.arange(400) % 2, 20, -20) / 111_320.0
        zone = shapely.Polygon([*zip(x, y), (x[-1], y[0] - 0.001), (x[0], y[0] - 0.001)])
        inputs.lindung = gpd.GeoDataFrame({"id_kawasan": ["Z1"], "kategori": ["hutan_lindung"]}, geometry=[zone], crs="EPSG:4326")
        inputs.sempadan = None
        return maps.prepare(inputs)

    small = with_zigzag(maps.synthetic_inputs("kabkota", n_kelurahan=4, n_kegiatan=4, size_deg=0.03))
    large = with_zigzag(maps.synthetic_inputs("kabkota", n_kelurahan=4, n_kegiatan=4, size_deg=2.0))
    assert shapely.get_num_coordinates(small.lindung.geometry.iloc[0]) > 300
    assert shapely.get_num_coordinates(large.lindung.geometry.iloc[0]) < 20


def test_choropleth_tolerance_grows_with_the_units_size():
    # recipes.yml simplify.m_per_km: an ordinary kelurahan keeps the level's tolerance, a desa of
    # 200 km is drawn at 50 m and loses the islands narrower than that
    s = maps.recipes().level("kelurahan").simplify
    assert s.m_per_km > 0
    for km in (2.0, 5.0, 12.0):
        assert s.tolerance_at(km) == s.tolerance_m
        assert s.min_part_at(km) < 1e-4  # under 100 m²: no real island
    assert s.tolerance_at(200.0) == pytest.approx(200.0 * s.m_per_km)
    assert s.tolerance_at(200.0) > 10 * s.tolerance_m
    assert s.min_part_at(200.0) == pytest.approx((200.0 * s.m_per_km / 1000.0) ** 2)
    # a level without m_per_km keeps its fixed values whatever the size
    fixed = maps.recipes().level("provinsi").simplify
    assert fixed.m_per_km == 0
    assert (fixed.tolerance_at(1500.0), fixed.min_part_at(1500.0)) == (fixed.tolerance_m, fixed.min_part_km2)


def test_recipe_refuses_a_negative_m_per_km(tmp_path):
    from kotaku_gis.errors import CatalogError
    from kotaku_gis.maps._recipe import RECIPES_PATH, load_recipes

    bad = tmp_path / "recipes.yml"
    bad.write_text(RECIPES_PATH.read_text(encoding="utf-8").replace("m_per_km: 0.25}", "m_per_km: -1}", 1), encoding="utf-8")
    with pytest.raises(CatalogError, match="m_per_km"):
        load_recipes(bad)


def _kelurahan_page(tmp_path, size_deg: float, name: str) -> tuple[maps.Prepared, Path, MapInputs]:
    inputs = maps.synthetic_inputs("kelurahan", n_kelurahan=4, n_kegiatan=20, n_kecamatan=1, size_deg=size_deg, border_step_m=20)
    prepared = maps.prepare(inputs)
    page = maps.save_map(maps.progress_map(prepared), tmp_path / name, assets="shared:aset")
    return prepared, page, inputs


def _at_fixed_tolerance(inputs: MapInputs) -> shapely.Geometry:
    s = maps.recipes().level("kelurahan").simplify
    unit = inputs.wilayah[inputs.wilayah["kode"] == inputs.kode].geometry.to_numpy()
    return simplify_coverage(unit, tolerance_m=s.tolerance_m, gap_width_m=s.gap_width_m,
                             min_part_km2=s.min_part_km2, decimals=s.decimals)[0]


def test_a_huge_kelurahans_page_stays_under_300_kb_and_a_small_one_keeps_its_detail(tmp_path):
    # a kelurahan of about 100 km with densely drawn wavy borders (22,000 vertices): at the level's
    # fixed 3 m its boundary is 290 KB of GeoJSON, and it was sent twice (a 600 KB page)
    big, page, inputs = _kelurahan_page(tmp_path, 1.8, "besar.html")
    assert len(shapely.to_geojson(_at_fixed_tolerance(inputs))) > 250_000
    assert page.stat().st_size < 300_000  # the page without the shared assets (issue #19)
    again = maps.save_map(maps.progress_map(maps.prepare(inputs)), tmp_path / "besar2.html", assets="shared:aset")
    assert again.read_bytes() == page.read_bytes()  # same data, same bytes
    # a kelurahan of 1.7 km keeps exactly the vertices the level's own tolerance keeps
    small, _, small_inputs = _kelurahan_page(tmp_path, 0.03, "kecil.html")
    kept = shapely.get_num_coordinates(small.wilayah.geometry.iloc[0])
    assert kept == shapely.get_num_coordinates(_at_fixed_tolerance(small_inputs)) > 150


def test_a_kelurahans_outline_is_sent_once(tmp_path):
    # a kelurahan map colours the unit itself: its outline is the choropleth's polygon, not a copy
    from kotaku_gis.maps.progress_map import payload

    kel = payload(maps.prepare(maps.synthetic_inputs("kelurahan", n_kelurahan=6, n_kegiatan=10, n_kecamatan=1)))
    assert kel["layers"]["batas"] == "wilayah" and len(kel["layers"]["wilayah"]["geoms"]) == 1
    prepared = maps.prepare(maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=10, n_kecamatan=1))
    (outline,) = helpers.layer_geojson(payload(prepared)["layers"]["batas"])
    assert outline["type"] in ("Polygon", "MultiPolygon")
    assert shapely.equals_exact(shapely.geometry.shape(outline), prepared.batas, tolerance=0)


def test_static_png_and_pdf(tmp_path):
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=20)
    png = maps.static_map(inputs, tmp_path / "peta.png", dpi=60)
    pdf = maps.static_map(inputs, tmp_path / "peta.pdf", mode="penurunan", lang="en")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-" and b"Slum Upgrading Progress" in pdf.read_bytes()
    with pytest.raises(UsageError, match=".svg"):
        maps.static_map(inputs, tmp_path / "peta.svg")


def test_static_map_leaves_out_labels_that_would_cover_it(tmp_path, monkeypatch):
    import matplotlib.figure
    import matplotlib.text

    texts: list[str] = []
    save = matplotlib.figure.Figure.savefig

    def record(fig, *args, **kwargs):  # the words on the figure, then the real savefig
        texts[:] = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", record)
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=120)
    ids = inputs.kegiatan["id_kegiatan"].drop_duplicates().tolist()
    note = i18n.text("maps.legend.temuan_tabel")
    for chosen, labelled in ((ids[:3], True), (ids, False)):
        inputs.temuan = pd.DataFrame({"id_kegiatan": chosen, "aturan": "QX7", "status": "tidak_layak", "id_kawasan": None,
                                      "kategori": None, "jarak_m": None, "keterangan": "SINTETIS"})
        maps.static_map(inputs, tmp_path / "peta.pdf")  # a PDF keeps the legend's words (a PNG pastes its picture)
        assert texts.count("QX7") == (len(chosen) if labelled else 0)
        assert any(note in " ".join(t.split()) for t in texts) is not labelled  # (wrapped in the legend)
        assert not any("degree" in t for t in texts)  # no axis names (geopandas gives them from the CRS)
    from PIL import Image  # the long legend entry of the unlabelled findings is wrapped within the page

    png = np.asarray(Image.open(maps.static_map(inputs, tmp_path / "peta.png", dpi=60)).convert("L"))
    assert (png[:, -4:] == 255).all()


@pytest.mark.parametrize("dpi", [60, 100])
def test_png_blocks_are_those_drawn_on_the_page(tmp_path, monkeypatch, dpi):
    """A PNG pastes its legend, title and foot, each drawn once per process (maps.static._block_image):
    the picture is the one drawing them on the page gives, to within anti-aliasing."""
    from PIL import Image

    from kotaku_gis.maps import static

    def drawn_on_the_page(fig, blocks, path, metadata):
        for items in blocks.values():
            static._draw_items(fig, items, lambda x, y: (x, y))
        fig.savefig(path, format="png", dpi=fig.dpi)

    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=20)
    pasted = np.asarray(Image.open(maps.static_map(inputs, tmp_path / "a.png", dpi=dpi)).convert("L"), dtype=int)
    monkeypatch.setattr(static, "_save_png", drawn_on_the_page)
    drawn = np.asarray(Image.open(maps.static_map(inputs, tmp_path / "b.png", dpi=dpi)).convert("L"), dtype=int)
    assert pasted.shape == drawn.shape
    height, width = drawn.shape
    legend = (slice(round(0.11 * height), None), slice(round(0.73 * width), None))
    head, foot = (slice(0, round(0.15 * height)), slice(None)), (slice(round(0.94 * height), None), slice(None))
    for box in (legend, head, foot):
        ink_pasted, ink_drawn = (pasted[box] < 160).sum(), (drawn[box] < 160).sum()
        assert ink_drawn > 100 and abs(ink_pasted - ink_drawn) < 0.1 * ink_drawn
    assert (np.abs(pasted - drawn) > 96).mean() < 0.01


# --------------------------------------------------------------------------------------------------
# In a real browser


def _open(browser, tmp_path, inputs, name="peta.html", **kw) -> tuple[Page, maps.Prepared]:
    prepared = maps.prepare(inputs)
    page = maps.save_map(maps.progress_map(prepared, **kw), tmp_path / name)
    return Page(browser, page), prepared


def _check_page(p: Page, prepared: maps.Prepared, lang: str = "id"):
    n = len(prepared.wilayah)
    assert p.count("path.kotaku-wilayah") == n  # one drawn polygon per child
    assert p.page.locator(".kotaku-title h1").inner_text() == i18n.text("maps.title", lang)
    assert prepared.inputs.periode in p.page.locator(".kotaku-sub").inner_text()
    legend = p.page.locator(".kotaku-legend").inner_text()
    assert i18n.text("maps.legend.title", lang) in legend
    assert p.count(".leaflet-control-layers") == 1 and p.count(".leaflet-control-scale") == 1
    assert "Cahya DSN" in p.page.locator(".leaflet-control-attribution").inner_text()


def _search_opens_chart(p: Page, name: str) -> int:
    p.page.fill(".kotaku-search input", name)
    p.page.press(".kotaku-search input", "Enter")
    p.page.wait_for_selector(".leaflet-popup svg.kotaku-chart")
    assert name in p.page.locator(".leaflet-popup").inner_text()
    return p.count(".leaflet-popup svg.kotaku-chart rect")


@pytest.mark.parametrize("tingkat, children", [("kabkota", 4), ("kecamatan", 5), ("kelurahan", 1)])
def test_synthetic_maps_in_chromium(browser, tmp_path, tingkat, children):
    inputs = maps.synthetic_inputs(tingkat, n_kelurahan=20, n_kegiatan=60, n_kecamatan=4)
    p, prepared = _open(browser, tmp_path, inputs)
    try:
        _check_page(p, prepared)
        assert tingkat == "kecamatan" or len(prepared.wilayah) == children
        # a child's popup opens (through the search box) with its 7+1 chart, baseline bars included
        first = prepared.wilayah.sort_values("kode").iloc[0]
        assert _search_opens_chart(p, first["nama"]) >= 9
        # the other choropleth: the legend follows
        label = p.page.locator(".leaflet-control-layers-base label").nth(1)
        label.click()
        legend = p.page.locator(".kotaku-legend").inner_text()
        assert i18n.text("maps.legend.above", "id", min=100) in legend
        assert p.count("path.kotaku-wilayah") == len(prepared.wilayah)
        p.check_clean()
    finally:
        p.close()


def test_click_on_a_child_opens_its_popup(browser, tmp_path):
    inputs = _two_kelurahan_inputs()
    p, prepared = _open(browser, tmp_path, inputs)
    try:
        _check_page(p, prepared)
        # switch every overlay off in the layer control, then click inside the second kelurahan
        boxes = p.page.locator(".leaflet-control-layers-overlays input")
        for i in range(boxes.count()):
            boxes.nth(i).uncheck()
        target = prepared.wilayah.set_index("kode").geometry["61.71.01.1002"]
        point = shapely.point_on_surface(target)
        xy = p.page.evaluate(f"KotakuMap.last.map.latLngToContainerPoint([{point.y}, {point.x}])")
        box = p.page.locator(".folium-map").bounding_box()
        p.page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
        popup = p.page.wait_for_selector(".leaflet-popup")
        text = popup.inner_text()
        assert "Parit Tokaya" in text and "61.71.01.1002" in text
        assert "1 (0 selesai, 0 pelaksanaan, 1 rencana)" in text  # its activity, counted by status
        assert "1 temuan pada 1 kegiatan" in text
        p.check_clean()
    finally:
        p.close()


@pytest.mark.parametrize("tingkat", ["kelurahan", "kecamatan"])
def test_the_units_outline_is_drawn(browser, tmp_path, tingkat):
    # a kelurahan page draws its outline from the choropleth's polygon (sent once): the same path
    inputs = maps.synthetic_inputs(tingkat, n_kelurahan=6, n_kegiatan=10, n_kecamatan=1)
    p, prepared = _open(browser, tmp_path, inputs)
    try:
        assert p.count("path.kotaku-batas") == 1
        outline = p.page.locator("path.kotaku-batas").get_attribute("d")
        assert outline and len(outline) > 100
        shapes = p.page.locator("path.kotaku-wilayah").evaluate_all("ps => ps.map(p => p.getAttribute('d'))")
        assert (outline in shapes) == (tingkat == "kelurahan")
        # the outline switches off and on with its entry in the layer control
        entry = p.page.locator(".leaflet-control-layers-overlays label", has_text=prepared.nama)
        entry.locator("input").uncheck()
        assert p.count("path.kotaku-batas") == 0
        entry.locator("input").check()
        assert p.count("path.kotaku-batas") == 1
        p.check_clean()
    finally:
        p.close()


def test_findings_are_ringed_and_labelled_with_their_rule(browser, tmp_path):
    p, prepared = _open(browser, tmp_path, _two_kelurahan_inputs())
    try:
        assert p.count("path.kotaku-temuan") == 1
        assert p.page.locator(".kotaku-rule").all_inner_texts() == ["7"]
        p.page.locator("path.kotaku-temuan").dispatch_event("click")
        popup = p.page.wait_for_selector(".leaflet-popup")
        assert "Butir 7" in popup.inner_text() and "Hidran umum" in popup.inner_text()
        p.check_clean()
    finally:
        p.close()


def test_finding_labels_show_when_few_are_in_view(browser, tmp_path):
    # recipes.yml finding.max_labels: a province's 1,700 labels would cover its map
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=120)
    ids = inputs.kegiatan["id_kegiatan"].drop_duplicates().tolist()
    inputs.temuan = pd.DataFrame({"id_kegiatan": ids, "aturan": "7", "status": "tidak_layak", "id_kawasan": None,
                                  "kategori": None, "jarak_m": None, "keterangan": "SINTETIS"})
    assert len(ids) > maps.recipes().finding.max_labels
    p, _ = _open(browser, tmp_path, inputs)
    hidden = "KotakuMap.last.map.getContainer().classList.contains('kotaku-rules-hidden')"
    try:
        assert p.count("path.kotaku-temuan") == len(ids)
        assert p.page.evaluate(hidden)
        assert p.page.locator(".kotaku-rule").first.is_hidden()
        assert i18n.text("maps.legend.temuan_zoom") in p.page.locator(".kotaku-legend").inner_text()
        p.page.evaluate("(() => { const m = KotakuMap.last; const r = m.layers.temuan.getLayers()[0];"
                        " m.map.setView(r.getLatLng(), 19, {animate: false}); })()")
        assert not p.page.evaluate(hidden)
        assert p.page.locator(".kotaku-rule").first.is_visible()
        p.check_clean()
    finally:
        p.close()


def test_english_map_in_chromium(browser, tmp_path):
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=15)
    p, prepared = _open(browser, tmp_path, inputs, lang="en", tiles=True)
    try:
        _check_page(p, prepared, lang="en")
        assert "Legend" in p.page.locator(".kotaku-legend").inner_text()
        # the base tiles are offered as a layer that starts switched off: nothing was requested
        overlays = p.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any("OpenStreetMap" in o for o in overlays)
        assert "OpenStreetMap contributors" in p.page.locator(".leaflet-control-attribution").inner_text()
        assert p.count(".leaflet-tile") == 0
        p.check_clean()
    finally:
        p.close()


def test_shared_asset_pages_in_chromium(browser, tmp_path):
    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=6, n_kegiatan=15)
    prepared = maps.prepare(inputs)
    page = maps.save_map(maps.progress_map(prepared, assets="shared:aset"), tmp_path / "a" / "peta.html",
                         assets="shared:../aset")
    p = Page(browser, page)
    try:
        _check_page(p, prepared)
        p.check_clean()
    finally:
        p.close()


# --------------------------------------------------------------------------------------------------
# The command line, on the sample store


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from kotaku_gis import build_sample_store, open_store

    folder = tmp_path_factory.mktemp("sample")
    path = folder / "contoh.gpkg"
    store = open_store(str(path))
    build_sample_store(store, report_dir=folder)
    store.close()
    return path


@pytest.mark.parametrize("tingkat, kode", [("kabkota", "61.71"), ("kelurahan", "61.71.04.1001"), ("nasional", None)])
def test_cli_map_of_the_sample(browser, sample_store, tmp_path, capsys, tingkat, kode):
    html, png = tmp_path / "peta.html", tmp_path / "peta.png"
    argv = ["--db", str(sample_store), "map", "--tingkat", tingkat, "--periode", "2026Q3",
            "--out", str(html), "--out", str(png)]
    if kode:
        argv[5:5] = ["--kode", kode]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert str(html) in out and str(png) in out
    assert png.read_bytes()[:4] == b"\x89PNG"
    p = Page(browser, html)
    try:
        n = p.page.evaluate("KotakuMap.last.D.layers.wilayah.rows.length")
        assert p.count("path.kotaku-wilayah") == n >= 1
        assert "SINTETIS" in p.page.locator(".leaflet-control-attribution").inner_text()
        p.check_clean()
    finally:
        p.close()


def test_cli_map_in_english_with_lang_after_the_command(sample_store, tmp_path, capsys):
    html = tmp_path / "kec.html"
    argv = ["--db", str(sample_store), "map", "--tingkat", "kecamatan", "--kode", "61.71.04",
            "--periode", "2026Q3", "--out", str(html), "--lang", "en"]
    try:
        assert cli.main(argv) == 0
    finally:
        from kotaku_gis import settings

        settings.language = "id"
    assert "Map of" in capsys.readouterr().out
    assert i18n.text("maps.title", "en") in html.read_text(encoding="utf-8")


def test_cli_map_refuses_a_bad_output(sample_store, tmp_path, capsys):
    argv = ["--db", str(sample_store), "map", "--tingkat", "kabkota", "--kode", "61.71", "--periode", "2026Q3",
            "--out", str(tmp_path / "peta.svg")]
    assert cli.main(argv) == 2
    assert ".svg" in capsys.readouterr().err


def test_names_with_dollar_signs_are_drawn_as_text(tmp_path):
    """A name like ``=Z$$`` or ``Rp $5`` is text, never maths markup (matplotlib would refuse it)."""
    import dataclasses

    inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=4, n_kegiatan=6)
    w = inputs.wilayah.copy()
    w["nama"] = [f"=Z$$ {i}" if i % 2 else f"Rp $5 {i} $x^{{2" for i in range(len(w))]  # even counts: mathtext
    inputs = dataclasses.replace(inputs, wilayah=w, nama="$Kecamatan$ $")
    png = maps.static_map(inputs, tmp_path / "peta.png")
    pdf = maps.static_map(inputs, tmp_path / "peta.pdf")
    assert png.stat().st_size > 10_000 and pdf.stat().st_size > 1_000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Rp $5 0 $x^{2" in text


def test_setback_zones_from_each_features_parts_are_those_made_of_the_features_alone():
    """The map pack makes the zone parts of each protected feature once (zona_sempadan_parts) and
    builds a unit's zones from those of its features (sempadan_frame): they must be what
    zona_sempadan makes of the unit's features alone."""
    from shapely.geometry import LineString, Point, Polygon

    from kotaku_gis.maps import inputs as map_inputs

    lindung = gpd.GeoDataFrame(
        {
            "id_kawasan": ["S1", "P1", "H1", "E1", "S2"],
            "nama": ["Sungai", "Mata air", "Danau", "Kosong", "Sungai 2"],
            "kategori": ["sungai", "mata_air", "danau_waduk", "sungai", "sungai"],
            "perkotaan": [True, None, None, True, False],
            "bertanggul": [False, None, None, False, True],
            "kedalaman_m": [2.0, None, None, 2.0, 4.0],
        },
        geometry=[LineString([(109.30, -0.03), (109.32, -0.03)]), Point(109.31, -0.02),
                  Polygon([(109.3, 0.0), (109.31, 0.0), (109.31, 0.01)]), Point(), LineString([(120.0, 1.0), (120.1, 1.0)])],
        crs="EPSG:4326",
    )  # fmt: skip
    has, widths, zones = map_inputs.zona_sempadan_parts(lindung)
    assert has.tolist() == [True, True, True, False, True]
    for near in ([0, 1, 2, 3, 4], [1, 3], [0, 4], [3], [4, 2]):
        unit = lindung.iloc[near].reset_index(drop=True)
        alone = map_inputs.zona_sempadan(unit)
        built = map_inputs.sempadan_frame(unit, has[near], widths[near], zones[near])
        if alone is None:
            assert built is None and not has[near].any()
            continue
        pd.testing.assert_frame_equal(built, alone)
        assert shapely.to_wkb(built.geometry.to_numpy()).tolist() == shapely.to_wkb(alone.geometry.to_numpy()).tolist()


def test_static_plot_draws_each_geometry_in_its_colour_and_leaves_holes_open():
    """maps.static._plot (the picture's layers without geopandas' plot): a polygon whose hole turns
    the same way as its outer ring still shows the hole; parts of a multi-geometry, lines and points
    take the colour of their row; empty and missing geometries are skipped."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from shapely.geometry import LineString, MultiPolygon, Point, Polygon

    from kotaku_gis.maps import static

    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    holed = Polygon(square, [[(1, 1), (3, 1), (3, 3), (1, 3)]])  # both rings counter-clockwise
    assert holed.interiors[0].is_ccw and holed.exterior.is_ccw
    twins = MultiPolygon([Polygon([(6, 0), (8, 0), (8, 2), (6, 2)]), Polygon([(6, 6), (8, 6), (8, 8), (6, 8)])])
    geoms = [holed, twins, None, Polygon(), LineString([(0, 9), (5, 9)]), Point(9, 9)]
    colours = ["#ff0000", "#0000ff", "#00ff00", "#00ff00", "#000000", "#ff00ff"]
    fig = Figure(figsize=(1, 1), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    static._plot(ax, geoms, color=colours, linewidth=3, markersize=40, zorder=1)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3]

    def at(x: float, y: float) -> tuple[int, ...]:
        return tuple(int(v) for v in pixels[round(100 - y * 10), round(x * 10)])

    assert at(0.5, 0.5) == (255, 0, 0) and at(2, 2) == (255, 255, 255)  # the hole stays open
    assert at(7, 1) == at(7, 7) == (0, 0, 255)  # both parts in their row's colour
    assert at(2.5, 9) == (0, 0, 0) and at(9, 9) == (255, 0, 255)
    assert (pixels == (0, 255, 0)).all(axis=2).sum() == 0  # nothing drawn for the empty rows


def test_a_map_saved_again_gives_the_same_page(tmp_path):
    """Saving one map object twice, or in the other asset mode and back, writes the page a fresh map
    writes: the payload once (each render used to add another copy of it under new element ids)."""
    m = maps.progress_map(maps.synthetic_inputs("kabkota", n_kelurahan=6, n_kegiatan=10))
    once = maps.save_map(maps.progress_map(maps.synthetic_inputs("kabkota", n_kelurahan=6, n_kegiatan=10)), tmp_path / "f.html")
    first = maps.save_map(m, tmp_path / "a.html").read_bytes()
    shared = maps.save_map(m, tmp_path / "s.html", assets="shared:aset").read_text(encoding="utf-8")
    again = maps.save_map(m, tmp_path / "b.html", assets="inline").read_bytes()
    assert first == again == once.read_bytes()
    assert shared.count("window.KotakuMap.build(") == 1


def test_two_maps_changed_the_same_way_after_saving_give_the_same_page(tmp_path):
    """An element added to a map after it was saved gets an id from its place, not a random one."""
    import folium

    pages = []
    for name in ("a", "b"):
        m = maps.progress_map(maps.synthetic_inputs("kabkota", n_kelurahan=6, n_kegiatan=10))
        maps.save_map(m, tmp_path / f"{name}0.html")
        folium.Marker([0.0, 109.3]).add_to(m)
        pages.append(maps.save_map(m, tmp_path / f"{name}1.html").read_bytes())
    assert pages[0] == pages[1]


def test_a_picture_is_a_png_any_reader_takes_with_its_pixels_resolution_and_texts():
    """``maps._png`` writes the pictures itself (unfiltered rows, which Pillow cannot write): Pillow
    verifies every chunk's CRC and reads back the same pixels, the resolution and the texts, a
    title outside Latin-1 included (an ``iTXt`` chunk)."""
    import io

    import numpy as np
    from PIL import Image

    from kotaku_gis.maps._png import png_bytes

    rgb = np.random.default_rng(3).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    data = png_bytes(np.asarray(np.dstack([rgb, rgb[..., :1]]))[..., :3], dpi=300,
                     text={"Title": "Peta progres: Kelurahan Ā—Ő", "Software": "kotaku-gis"})  # fmt: skip
    Image.open(io.BytesIO(data)).verify()
    im = Image.open(io.BytesIO(data))
    assert im.mode == "RGB" and im.size == (53, 37)
    assert (np.asarray(im) == rgb).all()
    assert im.text == {"Title": "Peta progres: Kelurahan Ā—Ő", "Software": "kotaku-gis"}
    assert tuple(round(d) for d in im.info["dpi"]) == (300, 300)
    with pytest.raises(ValueError, match="uint8"):
        png_bytes(rgb.astype(np.float32), dpi=300, text={})
