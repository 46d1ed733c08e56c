"""The embedded sample: Kota Pontianak boundaries, synthetic slum locations, activities and
protected areas, loaded through the same validated pipeline users' files go through.

The list of files is data (``data/demo.yml``); the files themselves are in ``data/`` (see its
README for sources, licences and which parts are synthetic).
"""

from __future__ import annotations

from pathlib import Path

from kotaku_gis import i18n, loader
from kotaku_gis._datafile import load_yaml
from kotaku_gis.errors import UsageError
from kotaku_gis.store import Store

#: The area of the sample's map pack (``kotaku-gis demo``): Kota Pontianak, with its kecamatan.
PACK_KODE = "61.71"


def data_dir() -> Path:
    """The folder of the sample data (``data/`` of a source checkout, or the packaged copy)."""
    packaged = Path(__file__).with_name("_data")
    if packaged.is_dir():
        return packaged
    folder = Path(__file__).resolve().parent.parent / "data"
    if not folder.is_dir():
        raise UsageError(i18n.text("demo.no_data", folder=folder))
    return folder


def build_sample_store(store: Store, report_dir: str | Path | None = None) -> list[loader.LoadReport]:
    """Initialise ``store`` and load every file of the sample recipe into it.

    Loading again replaces the same periods and keys, so the sample store can be rebuilt in place.

    Examples
    --------
    >>> import tempfile, os
    >>> from kotaku_gis.store import open_store
    >>> folder = tempfile.mkdtemp()
    >>> store = open_store(os.path.join(folder, "contoh.gpkg"))
    >>> reports = build_sample_store(store, report_dir=folder)
    >>> sorted(store.periods("kawasan_kumuh"))
    ['2024', '2026Q2', '2026Q3']
    """
    folder = data_dir()
    with open(folder / "demo.yml", encoding="utf-8") as f:
        recipe = load_yaml(f)
    store.init()
    reports = []
    for step in recipe["loads"]:
        reports.append(
            loader.load(
                store,
                step["layer"],
                folder / step["file"],
                mapping=step.get("mapping"),
                report_dir=report_dir,
            )
        )
    return reports
