"""kotaku-gis: GIS-based monitoring information system (SIM berbasis GIS) for Indonesia's KOTAKU
slum-upgrading programme (Program Kota Tanpa Kumuh, Kementerian PUPR).

The public API::

    >>> import kotaku_gis as kg
    >>> store = kg.open_store("kotaku.gpkg")               # or "postgresql+psycopg://..."
    >>> report = kg.load(store, "kawasan_kumuh", "lokasi.shp")  # doctest: +SKIP
    >>> kg.check(store, "kegiatan", "kegiatan.csv").to_frame()  # doctest: +SKIP
    >>> kumuh = store.read("kawasan_kumuh", periode="2026Q3", kode="61.71")  # doctest: +SKIP

Every tunable is in :mod:`kotaku_gis.settings`; every error comes from :mod:`kotaku_gis.errors`.
"""

from kotaku_gis import (
    catalog,
    errors,
    geodesy,
    i18n,
    mappack,
    maps,
    monev,
    pengaduan,
    pengaduan_store,
    privacy,
    progress,
    scoring,
    screening,
    settings,
    staffing,
    tindak_lanjut,
    tindak_lanjut_store,
    wilayah,
)
from kotaku_gis._version import __version__
from kotaku_gis.demo import build_sample_store
from kotaku_gis.errors import CatalogError, DataError, KotakuError, Problem, StoreError, UsageError
from kotaku_gis.files import read_vector, write_table
from kotaku_gis.loader import LoadReport, check, load, prepare
from kotaku_gis.mappack import build_pack
from kotaku_gis.maps import progress_map, save_map, static_map
from kotaku_gis.monev import laporan
from kotaku_gis.progress import progress_lokasi, rollup, rollup_all_levels, score_table
from kotaku_gis.scoring import assess, indikator_7plus1, score
from kotaku_gis.screening import proximity, screen, screen_store
from kotaku_gis.store import Store, open_store

# The store masks the personal data of the columns the catalogue marks `redact` with the programme's
# rules, which it does not import itself (the store depends on no domain module).
Store.use_redactor(privacy.redact_series)

#: The same as :func:`open_store` (``kg.connect(url)`` reads well in notebooks).
connect = open_store

__all__ = [
    "__version__",
    "build_sample_store",
    "catalog",
    "errors",
    "geodesy",
    "i18n",
    "scoring",
    "settings",
    "wilayah",
    "CatalogError",
    "DataError",
    "KotakuError",
    "Problem",
    "StoreError",
    "UsageError",
    "LoadReport",
    "load",
    "check",
    "prepare",
    "assess",
    "indikator_7plus1",
    "score",
    "progress",
    "progress_lokasi",
    "rollup",
    "rollup_all_levels",
    "score_table",
    "screening",
    "screen",
    "screen_store",
    "proximity",
    "read_vector",
    "write_table",
    "pengaduan",
    "pengaduan_store",
    "privacy",
    "staffing",
    "maps",
    "progress_map",
    "save_map",
    "static_map",
    "mappack",
    "build_pack",
    "monev",
    "laporan",
    "tindak_lanjut",
    "tindak_lanjut_store",
    "Store",
    "open_store",
    "connect",
]
