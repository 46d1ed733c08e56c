"""Every tunable of kotaku-gis, with its default and meaning.

Change a setting by assigning to it before the call that uses it::

    >>> import kotaku_gis as kg
    >>> kg.settings.language = "en"
    >>> kg.i18n.text("maps.tingkat.kabkota")
    'Regency/City'
    >>> kg.settings.language = "id"

These are runtime options (language, stores, tolerances, batch sizes). The programme's rules (the
BDI negative list and its distances, staffing ratios, complaint service days...) are data in
``kotaku_gis/rules/`` (see :mod:`kotaku_gis.rules`), never settings or constants in code.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Language of everything users read: ``"id"`` (Bahasa Indonesia, default) or ``"en"``.
language: str = os.environ.get("KOTAKU_LANG", "id")

#: Store used when none is given: a GeoPackage path or a ``postgresql+psycopg://`` URL.
#: Taken from the ``KOTAKU_DB`` environment variable, else ``kotaku.gpkg`` in the working folder.
default_db: str = os.environ.get("KOTAKU_DB", "kotaku.gpkg")

#: CRS of everything stored. Distances and areas are never computed in it (see ``geodesy``).
storage_crs: str = "EPSG:4326"

#: Folder of the layer catalogue (one YAML file per layer). None: the catalogue shipped with the
#: package (``layers/`` in a source checkout).
catalog_dir: Path | None = None

#: Lon/lat box that holds Indonesia with a margin (min lon, min lat, max lon, max lat). Used to
#: detect swapped latitude/longitude and coordinates that are not in Indonesia at all.
indonesia_bounds: tuple[float, float, float, float] = (94.0, -11.5, 142.0, 6.5)

#: A feature whose location lies farther than this (metres) outside the kelurahan its code names
#: is reported as a mismatch (a warning: published boundaries are simplified and overlap).
kelurahan_mismatch_tolerance_m: float = 100.0

#: Polygons smaller than this (square metres) are named in the load report as slivers (edge artefacts
#: of overlaying maps, such as 0.007 m2 beside a forest area); they are kept.
sliver_max_m2: float = 1.0

#: A slum location known only by a coordinate (a decree annex) that lies farther than this (metres)
#: from the kelurahan it names is reported and placed in the kelurahan instead (the coordinate is
#: taken as wrong: a flipped latitude sign, a digit typo).
location_point_max_m: float = 1000.0

#: How many rows from the top of a table (CSV, Excel, decree annex) are searched for its header row:
#: title rows above the header are skipped.
header_search_rows: int = 20

#: Encodings tried, in order, for a Shapefile DBF without a .cpg file and for CSV files that are
#: not valid UTF-8 (legacy Indonesian exports are often Windows-1252 or Latin-1).
legacy_encodings: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")

#: How long (seconds) a write waits for another process writing the same store (a GeoPackage
#: takes one writer at a time; PostGIS waits for rows another load holds) before it gives up and
#: names the writer it waited for.
store_lock_timeout_s: float = 30.0

#: Rows of the store written per batch during a load (memory against round trips).
write_batch_rows: int = 5000

#: Connections a PostGIS store reads the attribute rows of one large read on (``Store.read(...,
#: geometry=False)``), each a share of the rows, all in one snapshot of the database: the server
#: writes the rows out on as many cores. 1: one connection.
postgis_read_connections: int = 2

#: Rows the planner must expect for each of those connections before a read is split: every share
#: scans what the whole read scans, so a read of a few rows (one kelurahan of a national table) is
#: faster on one connection.
postgis_rows_per_connection: int = 20_000

#: Threads a GeoPackage store reads one large read on (``Store.read``), each a share of the rows (a
#: range of fids), concatenated in fid order: GDAL reads outside Python's lock, so one share is read
#: while the rows of another become a frame. A read spanning fewer than ``gpkg_read_share_min_fids``
#: fids stays whole, and so does one during which another process commits (it is read again in one:
#: the rows of one moment). 1: no thread. The rows are the same whatever the number.
gpkg_read_threads: int = 2
gpkg_read_share_min_fids: int = 10_000

#: Longest edge (in degrees) that ``geodesy`` projects as it is. Longer edges of a feature are split
#: first, so that an edge keeps the course it has in longitude/latitude (the stored CRS) instead of
#: becoming a straight line in UTM; this matters only for long, thin features such as river setback
#: strips drawn with few vertices. 0.05 degree is about 5.5 km; 0 or None: never split.
geodesy_max_segment_deg: float | None = 0.05

# -- screening of activities (kotaku_gis.screening) --------------------------------------------------
#: Limits are inclusive: a distance equal to a setback (or to the limits above) counts as within it.
#: Distances within this many metres over a limit count as equal, so that an activity drawn exactly
#: on a setback line is inside whatever the rounding (1 cm; coordinates stored to 1e-7 degree are
#: about 1 cm apart anyway).
screening_tolerance_m: float = 0.01

#: Longest edge (degrees) that screening measures as it is: longer edges are split before projecting
#: (see ``geodesy_max_segment_deg``). Finer than for areas because a setback is a few metres: a 5 km
#: edge would bow by up to about 10 cm between its lon/lat and its UTM course; 0.01 degree (1.1 km)
#: keeps that under 1 cm.
screening_max_segment_deg: float = 0.01

#: Threads measuring screening's candidate pairs in metres, UTM zone by zone (shapely, GEOS and PROJ
#: work outside Python's lock); None: as many as the machine has CPUs, 1: no thread. The result is
#: the same whatever the number.
screening_threads: int | None = None

#: ``screening.proximity``: how many of the nearest protected features to report per activity, and
#: how far to look (metres).
screening_nearest_count: int = 3
screening_nearest_radius_m: float = 10_000.0

# -- complaints (kotaku_gis.pengaduan) ---------------------------------------------------------------
#: Level at which published complaints are located and coded: ``kelurahan`` (default), or a coarser
#: level (``kecamatan``, ``kabkota``) where a kelurahan is so small that naming it could point to the
#: complainant. A complaint coded above this level keeps its own code. Never finer than kelurahan:
#: complaints are located at the representative point of their area, never at an address.
pengaduan_tingkat_publikasi: str = "kelurahan"

#: Complaint numbers are made as ``<prefix>-<year received>-<sequence>`` (``PGD-2026-00001``).
pengaduan_id_prefix: str = "PGD"

# -- map packs (kotaku_gis.mappack) -------------------------------------------------------------------
#: Processes building the units of a map pack in parallel (``kotaku-gis mappack --workers``); None:
#: as many as the machine has CPUs. Each process holds the rows of the province it is working on.
mappack_workers: int | None = None

#: Recipe of the map pack (levels and products per level): a YAML file following
#: ``kotaku_gis/mappack/mappack.yml``; None: that packaged file.
mappack_recipe: Path | None = None

#: Seconds to wait for the Dask scheduler of ``kotaku-gis mappack --dask`` (``build_pack(client=
#: "tcp://...")``) before giving up with a clear error.
mappack_dask_timeout_s: float = 20.0
