"""Checking a published map pack: against its manifest, and by building it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from kotaku_gis.mappack import _fs as fs
from kotaku_gis.mappack._build import build_pack
from kotaku_gis.mappack._common import PACK_NAME
from kotaku_gis.mappack._common import tp as _tp
from kotaku_gis.mappack._publish import read_manifest
from kotaku_gis.mappack._recipe import PackRecipe


def verify_pack(pack: str | Path) -> list[str]:
    """Check a published pack against its manifest: every file present with its SHA-256.

    Returns
    -------
    list of str
        The problems (files missing, changed, or not in the manifest); empty when the pack is whole.
    """
    pack = Path(pack)
    manifest = read_manifest(pack)
    if manifest is None:
        return [_tp("periksa.tanpa_manifest", None, path=pack)]
    problems = []
    listed = manifest.get("berkas", {})
    for rel, entry in listed.items():
        f = pack / rel
        if not f.is_file():
            problems.append(_tp("periksa.hilang", None, path=rel))
        elif fs.sha256_file(f) != entry["sha256"]:
            problems.append(_tp("periksa.berubah", None, path=rel))
    for f in pack.rglob("*"):
        rel = f.relative_to(pack).as_posix()
        if f.is_file() and rel != "manifest.json" and rel not in listed:
            problems.append(_tp("periksa.tak_tercatat", None, path=rel))
    return problems


def rebuild_and_compare(
    store: Any, pack: str | Path, *, workers: int | None = None, client: Any = None, progress: bool | TextIO = False
) -> list[str]:
    """Check a published pack by building it again from ``store`` and comparing every file.

    The pack is rebuilt in a temporary folder with what its manifest names (period, baseline,
    area, lowest level, language, attribution keys, recipe); every file must have the SHA-256 the
    manifest records (products are reproducible: the same data and software give the same bytes;
    the build time and the executor are recorded in ``manifest.json`` only). The files of the
    published pack are checked against its manifest first (:func:`verify_pack`).

    Parameters
    ----------
    store : Store
        The store the pack was built from.
    pack : str or Path
        The published pack (``<out>/<periode>``).
    workers, client
        As :func:`build_pack` (a rebuild on a Dask cluster can check a local build, and the reverse).
    progress : bool or file
        As :func:`build_pack`; default quiet.

    Returns
    -------
    list of str
        The differences, in words (the store's data or the software differing from those named in
        the manifest come first, as they explain the rest); empty when the rebuild is identical.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> store = kg.open_store("kotaku.gpkg")  # doctest: +SKIP
    >>> kg.mappack.rebuild_and_compare(store, "paket_peta/2026Q3")  # doctest: +SKIP
    []

    (tests/test_mappack.py builds, rebuilds and compares the sample's pack.)
    """
    import tempfile

    pack = Path(pack)
    manifest = read_manifest(pack)
    if manifest is None or manifest.get("paket") != PACK_NAME:
        return [_tp("periksa.tanpa_manifest", None, path=pack)]
    lang = manifest.get("bahasa")
    problems = verify_pack(pack)
    with tempfile.TemporaryDirectory(prefix="kotaku-periksa-") as tmp:
        result = build_pack(
            store, tmp, manifest["periode"], baseline=manifest["baseline"], tingkat=manifest["tingkat_bawah"],
            kode=manifest["kode"], recipe=PackRecipe(**manifest["resep"]), lang=lang,
            sumber=manifest.get("sumber", ()), workers=workers, client=client, progress=progress,
        )  # fmt: skip
        if not result.ok:
            return problems + [_tp("periksa.gagal", lang, reason=reason) for reason in result.failed.values()]
        again = read_manifest(result.path) or {}
    causes = []
    before, now = manifest.get("masukan", {}).get("lapisan", {}), again.get("masukan", {}).get("lapisan", {})
    changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    if changed:
        causes.append(_tp("periksa.data_lain", lang, layers=", ".join(changed)))
    if manifest.get("sidik_jari_perangkat_lunak") != again.get("sidik_jari_perangkat_lunak"):
        causes.append(
            _tp("periksa.perangkat_lain", lang, built=manifest.get("perangkat_lunak"), now=again.get("perangkat_lunak"))
        )
    files_a, files_b = manifest.get("berkas", {}), again.get("berkas", {})
    for rel in sorted(set(files_a) | set(files_b)):
        if rel not in files_b:
            problems.append(_tp("periksa.tidak_dibangun", lang, path=rel))
        elif rel not in files_a:
            problems.append(_tp("periksa.tambahan", lang, path=rel))
        elif files_a[rel]["sha256"] != files_b[rel]["sha256"]:
            problems.append(_tp("periksa.beda", lang, path=rel))
    return causes + problems if problems else []
