#!/usr/bin/env python3
"""Benchmark: progress-map page size and browser load time against a plain folium.GeoJson map.

Two cases:

``kabkota``
    SYNTHETIC kab/kota (``kotaku_gis.maps.synthetic_inputs``): 300 kelurahan with wavy surveyed-looking
    borders in 15 kecamatan, 1,000 activities, the slum locations, findings and protected areas.
``nasional``
    The 38 real province boundaries of ``data/batas/provinsi.gpkg`` (skipped when absent), no
    programme data: the national choropleth's weight.

For each, the same frames are drawn twice:

- **kotaku-gis**: ``kotaku_gis.maps.progress_map`` (coverage-simplified boundaries, rounded
  coordinates, one compact payload, popups built on opening), written inline (one self-contained file)
  and with shared assets (the page alone);
- **plain folium**: ``folium.Map(tiles=None)`` with one ``folium.GeoJson`` per layer carrying every
  column in a ``GeoJsonPopup``, the straightforward approach. Its page loads Leaflet, jQuery,
  Bootstrap and Font Awesome from CDNs; for the load time the browser is served the vendored Leaflet
  for the Leaflet URLs and every other request is aborted (nothing reaches the network).

Load time: headless Chromium (``/usr/bin/chromium`` through Playwright), from navigation until every
choropleth polygon is drawn, median of ``--repeat`` runs (a fresh page each). Prints the figures and
the ratios (plain / kotaku-gis)::

    .venv/bin/python scripts/bench_maps.py [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kotaku_gis import maps  # noqa: E402
from kotaku_gis.maps._assets import ASSETS_DIR  # noqa: E402

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def plain_folium(inputs: maps.MapInputs, path: Path) -> int:
    """The straightforward map of the same frames: folium.GeoJson per layer, all columns in popups."""
    import folium

    p = maps.prepare(inputs)  # only to pick the same children and bounds
    w = inputs.wilayah
    kids = w[w["kode"].isin(p.wilayah["kode"])][["kode", "nama", "geometry"]]
    if inputs.rollup is not None:
        kids = kids.merge(inputs.rollup.drop(columns=["nama"], errors="ignore"), on="kode", how="left")
    west, south, east, north = p.bounds
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=12, tiles=None)
    layers = [
        ("wilayah", kids),
        ("kumuh", inputs.kumuh),
        ("kegiatan", inputs.kegiatan),
        ("lindung", inputs.lindung),
        ("sempadan", inputs.sempadan),
    ]
    for name, frame in layers:
        if frame is None or len(frame) == 0:
            continue
        frame = gpd.GeoDataFrame(frame).copy()
        for c in frame.columns:
            if c != "geometry" and not pd.api.types.is_numeric_dtype(frame[c]):
                frame[c] = frame[c].astype(object).where(frame[c].notna(), None).astype(str)
        fields = [c for c in frame.columns if c != "geometry"]
        folium.GeoJson(frame, name=name, popup=folium.GeoJsonPopup(fields=fields)).add_to(m)
    folium.LayerControl().add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    m.save(str(path))
    return len(kids)


def load_time(page_path: Path, n_polygons: int, selector: str, repeat: int, serve_leaflet: bool) -> float:
    from playwright.sync_api import sync_playwright

    leaflet_js = (ASSETS_DIR / "leaflet" / "leaflet.js").read_bytes()
    leaflet_css = (ASSETS_DIR / "leaflet" / "leaflet.css").read_bytes()

    def route(r):  # type: ignore[no-untyped-def]
        url = r.request.url
        if url.startswith("file:") or url.startswith("data:"):
            return r.continue_()
        if serve_leaflet and "leaflet@" in url and url.endswith("leaflet.js"):
            return r.fulfill(body=leaflet_js, content_type="application/javascript")
        if serve_leaflet and "leaflet@" in url and url.endswith("leaflet.css"):
            return r.fulfill(body=leaflet_css, content_type="text/css")
        return r.abort()

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", route)
            t0 = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_function(f"document.querySelectorAll({selector!r}).length >= {n_polygons}", timeout=60_000)
            times.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    return statistics.median(times)


def case(name: str, inputs: maps.MapInputs, folder: Path, repeat: int) -> dict[str, float]:
    ours_inline = folder / f"{name}_kotaku_inline.html"
    ours_shared = folder / name / f"{name}_kotaku.html"
    plain = folder / f"{name}_folium.html"
    t0 = time.perf_counter()
    m = maps.progress_map(inputs)
    maps.save_map(m, ours_inline)
    build_s = time.perf_counter() - t0
    maps.save_map(m, ours_shared, assets="shared:aset")
    n = plain_folium(inputs, plain)
    out = {
        "children": n,
        "build_s": build_s,
        "inline_bytes": ours_inline.stat().st_size,
        "shared_bytes": ours_shared.stat().st_size,
        "plain_bytes": plain.stat().st_size,
        "ours_load_s": load_time(ours_inline, n, "path.kotaku-wilayah", repeat, serve_leaflet=False),
        # folium draws every GeoJson into the overlay pane; wait for at least the choropleth's paths
        "plain_load_s": load_time(plain, n, ".leaflet-overlay-pane path", repeat, serve_leaflet=True),
    }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="write the pages here (default: a temporary folder)")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_maps_"))
    folder.mkdir(parents=True, exist_ok=True)

    cases = {"kabkota": maps.synthetic_inputs("kabkota", n_kelurahan=300, n_kegiatan=1000, n_kecamatan=15)}
    prov = REPO / "data" / "batas" / "provinsi.gpkg"
    if prov.is_file():
        w = gpd.read_file(prov)
        cases["nasional"] = maps.MapInputs(tingkat="nasional", kode="", periode="2026Q3", wilayah=w)
    for name, inputs in cases.items():
        r = case(name, inputs, folder, args.repeat)
        print(f"{name}: {r['children']} choropleth polygons; page built in {r['build_s']:.2f} s")
        print(
            f"  size  kotaku-gis inline {r['inline_bytes'] / 1e6:.2f} MB, shared-assets page "
            f"{r['shared_bytes'] / 1e6:.2f} MB; plain folium page (without its CDN assets) "
            f"{r['plain_bytes'] / 1e6:.2f} MB; ratio plain/shared {r['plain_bytes'] / r['shared_bytes']:.1f}x"
        )
        print(
            f"  load  kotaku-gis {r['ours_load_s'] * 1000:.0f} ms; plain folium {r['plain_load_s'] * 1000:.0f} ms; "
            f"ratio plain/kotaku-gis {r['plain_load_s'] / r['ours_load_s']:.1f}x (median of {args.repeat})"
        )
    print(f"pages in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
