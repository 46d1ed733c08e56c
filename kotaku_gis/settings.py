"""Every tunable of kotaku-gis, with its default and meaning.

Change a setting by assigning to it before the call that uses it::

    >>> import kotaku_gis as kg
    >>> kg.settings.language = "en"

Values marked *unverified* in the programme's domain notes are settings (or rule data), never
constants in code.
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

#: Encodings tried, in order, for a Shapefile DBF without a .cpg file and for CSV files that are
#: not valid UTF-8 (legacy Indonesian exports are often Windows-1252 or Latin-1).
legacy_encodings: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")

#: Rows of the store written per batch during a load (memory against round trips).
write_batch_rows: int = 5000

#: Longest edge (in degrees) that ``geodesy`` projects as it is. Longer edges of a feature are split
#: first, so that an edge keeps the course it has in longitude/latitude (the stored CRS) instead of
#: becoming a straight line in UTM; this matters only for long, thin features such as river setback
#: strips drawn with few vertices. 0.05 degree is about 5.5 km; 0 or None: never split.
geodesy_max_segment_deg: float | None = 0.05
