"""Quarterly map packs (paket peta): every level's maps, pictures and tables in one folder that works
offline, built in batch, incrementally and crash-safe.

:func:`build_pack` writes ``<out>/<periode>/``::

    index.html                      navigable from the nation down: pictures and key figures per unit
    wilayah/<kode>/index.html       one page per unit (``wilayah/nasional/`` for the nation)
    wilayah/<kode>/peta_<kode>.html the progress map (kotaku_gis.maps), offline, shared assets
    wilayah/<kode>/peta_<kode>.png  its picture
    wilayah/<kode>/progres_<kode>.csv|.xlsx   progress roll-up (xlsx: one sheet per level down)
    wilayah/<kode>/temuan_<kode>.csv|.xlsx    screening findings of the period's activities
    aset/                           Leaflet and the map script, once for all maps
    ringkasan_<periode>.xlsx        key figures of every unit, one sheet per level
    zip/<kode>_<nama>.zip           one per kab/kota, for sending to its team
    README.txt                      how to open the pack without internet (Bahasa Indonesia by default)
    manifest.json                   period, baseline, build time and executor, software, input
                                    fingerprints, SHA-256 of every file

Which levels and products: the recipe (``kotaku_gis/mappack/mappack.yml``, :func:`load_recipe`). The units:
the area of ``kode`` (the nation by default) and the units below it down to ``tingkat``, those with
data (or all, by the recipe), and the ancestors of ``kode`` so the index starts at the nation.

Incremental
    Each unit has a fingerprint (:func:`plan`): the SHA-256 of the rows of its area in every layer
    (hashed deterministically, :mod:`kotaku_gis.mappack._data`), of the protected areas that can
    reach it, of the software (version and every package file), the recipe, the settings, the language,
    the period and the baseline. A unit whose fingerprint was built before is not built again, so a
    run with unchanged inputs builds nothing (and, when the published pack is already this one,
    writes nothing), and a change in one kelurahan rebuilds its kecamatan, kab/kota, provinsi and
    the nation only.

Crash-safe
    Units are built into the work area ``<out>/.kotaku_mappack/`` (one folder per fingerprint,
    renamed into place when complete: a resumed run skips every unit already there); the pack is
    assembled in a staging folder (hard links to the built files) and switched in atomically
    (:mod:`kotaku_gis.mappack._fs`). An interrupted run (an error, Ctrl-C, a kill) leaves the
    previous pack complete and untouched; a run with failed units publishes nothing and says which
    and why. One run at a time per output folder (a lock).

Parallel
    ``workers`` processes (``concurrent.futures.ProcessPoolExecutor``), each with its own store
    connection, or the workers of a Dask distributed cluster (``client=``, :mod:`kotaku_gis.mappack._dask`);
    a progress bar with the time remaining on stderr (plain lines when stderr is not a terminal).

Reproducible
    The same data and software give the same bytes: every date inside a product comes from the data
    (the end of the period), map pages' element ids derive from what they draw
    (:func:`kotaku_gis.maps._folium.stable_ids`), zips carry fixed dates; the build time and the
    executor (local processes or a Dask cluster) are recorded in ``manifest.json`` only. Anyone can
    check a published pack by rebuilding it (:func:`rebuild_and_compare`, ``kotaku-gis mappack
    --periksa``), and a cluster build against a local one.

Examples
--------
>>> import tempfile, pathlib
>>> import kotaku_gis as kg
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> store = kg.open_store(folder / "contoh.gpkg")
>>> _ = kg.build_sample_store(store, report_dir=folder)
>>> result = kg.build_pack(store, folder / "paket", "2026Q3", kode="61.71", progress=False)
>>> result.published, [u.kode for u in result.plan.units][:3]
(True, ['', '61', '61.71'])
>>> (folder / "paket" / "2026Q3" / "index.html").is_file()
True
>>> kg.build_pack(store, folder / "paket", "2026Q3", kode="61.71", progress=False).unchanged
True

Inside
    ``_recipe`` (the recipe and its schema), ``_plan`` (units and fingerprints), ``_build`` (running
    the units, locally or on Dask: ``_dask``), ``_unit`` (one unit, in a worker), ``_publish``
    (assembling, manifest, atomic switch: ``_fs``), ``_html`` (index pages, README), ``_verify``
    (checking a pack), ``_data`` (reading and row hashing).
"""

from kotaku_gis.mappack._build import PackResult, build_pack
from kotaku_gis.mappack._common import MANIFEST_FORMAT, PACK_NAME, WORK_DIR
from kotaku_gis.mappack._plan import Plan, Unit, plan, software_fingerprint
from kotaku_gis.mappack._publish import read_manifest, zip_name
from kotaku_gis.mappack._recipe import RECIPE_PATH, LevelSpec, PackRecipe, PngSpec, load_recipe, recipe
from kotaku_gis.mappack._verify import rebuild_and_compare, verify_pack

__all__ = [
    "MANIFEST_FORMAT",
    "PACK_NAME",
    "RECIPE_PATH",
    "WORK_DIR",
    "LevelSpec",
    "PackRecipe",
    "PackResult",
    "Plan",
    "PngSpec",
    "Unit",
    "build_pack",
    "load_recipe",
    "plan",
    "read_manifest",
    "rebuild_and_compare",
    "recipe",
    "software_fingerprint",
    "verify_pack",
    "zip_name",
]
