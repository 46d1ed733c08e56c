"""Stores: one interface, two backends chosen by URL.

- a GeoPackage file path (``kotaku.gpkg``, the default; embedded, no server);
- ``postgresql+psycopg://user@host:port/db`` (PostGIS).

Examples
--------
>>> import tempfile, os
>>> from kotaku_gis.store import open_store
>>> path = os.path.join(tempfile.mkdtemp(), "contoh.gpkg")
>>> store = open_store(path)
>>> _ = store.init()
>>> store.layers()["rows"].tolist()
[0, 0, 0, 0, 0, 0]
"""

from __future__ import annotations

from pathlib import Path

from kotaku_gis import i18n, settings
from kotaku_gis.errors import UsageError
from kotaku_gis.store._base import Store, WritePlan, WriteSummary
from kotaku_gis.store.gpkg import GeoPackageStore
from kotaku_gis.store.postgis import PostGISStore

__all__ = ["Store", "WritePlan", "WriteSummary", "GeoPackageStore", "PostGISStore", "open_store"]


def open_store(url: str | Path | None = None) -> Store:
    """Open the store at ``url`` (default: ``settings.default_db``).

    Parameters
    ----------
    url : str or Path, optional
        A GeoPackage path (``.gpkg``) or a ``postgresql://`` / ``postgresql+psycopg://`` URL.
    """
    target = str(url if url is not None else settings.default_db)
    if target.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        if target.startswith("postgres://"):
            target = "postgresql://" + target[len("postgres://") :]
        if target.startswith("postgresql://"):
            target = "postgresql+psycopg://" + target[len("postgresql://") :]
        return PostGISStore(target)
    if "://" in target:
        raise UsageError(i18n.text("store.not_supported", store=repr(target)))
    if not target.lower().endswith(".gpkg"):
        raise UsageError(i18n.text("store.gpkg_suffix", store=repr(target)))
    return GeoPackageStore(target)
