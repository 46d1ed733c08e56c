"""Maps of kotaku-gis: progress maps per level as offline web pages and as PNG/PDF for printing.

One builder per map type; today the progress map (peta kemajuan) of a unit and its children:

:func:`progress_map`
    A folium map (shows inline in Jupyter) of :class:`MapInputs`; :func:`save_map` writes it as one
    self-contained HTML file, or with the web assets in a shared folder.
:func:`static_map`
    The same map as PNG or PDF (title, legend, scale bar, north arrow, source note).
:func:`map_inputs`
    Reads what a map shows from a store and runs the analyses (scoring, progress roll-up,
    screening) on it; :func:`build_map` does that and writes the files (the ``kotaku-gis map``
    command).
:func:`simplify_coverage`
    Boundary simplification that keeps neighbours' shared borders shared.

The recipes per level (what is drawn, simplification tolerances, colours not in the layer
catalogue) are data: ``kotaku_gis/maps/recipes.yml``. Every string users read comes from
``kotaku_gis/i18n/<lang>/maps.yml``. folium and matplotlib are imported only when a map is made.

Examples
--------
>>> import tempfile, pathlib
>>> from kotaku_gis import maps
>>> inputs = maps.synthetic_inputs("kecamatan", n_kelurahan=5, n_kegiatan=12)
>>> m = maps.progress_map(inputs)                      # a folium map, Bahasa Indonesia
>>> page = maps.save_map(m, pathlib.Path(tempfile.mkdtemp()) / "peta.html")
>>> page.stat().st_size < 400_000
True
"""

from __future__ import annotations

from kotaku_gis.maps._assets import write_assets
from kotaku_gis.maps._prepare import MapInputs, Prepared, prepare
from kotaku_gis.maps._recipe import TINGKAT, Recipes, load_recipes, recipes
from kotaku_gis.maps._simplify import clean_coverage, simplify_coverage
from kotaku_gis.maps.inputs import build_map, map_inputs
from kotaku_gis.maps.progress_map import payload, progress_map, save_map
from kotaku_gis.maps.static import static_map
from kotaku_gis.maps.synthetic import synthetic_inputs

__all__ = [
    "TINGKAT",
    "MapInputs",
    "Prepared",
    "Recipes",
    "build_map",
    "clean_coverage",
    "load_recipes",
    "map_inputs",
    "payload",
    "prepare",
    "progress_map",
    "recipes",
    "save_map",
    "simplify_coverage",
    "static_map",
    "synthetic_inputs",
    "write_assets",
]
