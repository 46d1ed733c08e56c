"""Assembling and publishing a map pack: the built units linked into a staging folder with the shared
assets, zips, pages, summary workbook and manifest, then switched in atomically."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kotaku_gis import files
from kotaku_gis import wilayah as wil
from kotaku_gis._version import __version__
from kotaku_gis.mappack import _data as data
from kotaku_gis.mappack import _fs as fs
from kotaku_gis.mappack import _html as pages
from kotaku_gis.mappack._common import MANIFEST_FORMAT, PACK_NAME
from kotaku_gis.mappack._common import sha as _sha
from kotaku_gis.mappack._plan import Plan, Unit
from kotaku_gis.mappack._unit import FIGURES, RECORD, unit_slug


def _ascii_slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_") or "wilayah"


def zip_name(kode: str, nama: str) -> str:
    """File name of the zip of a unit.

    Examples
    --------
    >>> zip_name("61.71", "Kota Pontianak")
    '61.71_Kota_Pontianak.zip'
    """
    return f"{unit_slug(kode)}_{_ascii_slug(nama)}.zip"


def _descendants(kode: str, codes: Sequence[str]) -> list[str]:
    """The unit ``kode`` and the units below it among the sorted ``codes`` (a range of them: the codes
    starting with ``kode + "."`` sort between ``kode + "."`` and ``kode + "/"``).

    Examples
    --------
    >>> _descendants("61.71", ["61", "61.71", "61.71.01", "61.71.01.1001", "61.710", "62"])
    ['61.71', '61.71.01', '61.71.01.1001']
    """
    if kode == "":
        return list(codes)
    return [kode, *codes[bisect.bisect_left(codes, kode + ".") : bisect.bisect_left(codes, kode + "/")]]


@dataclass
class _Staging:
    """The staging folder of a pack and the manifest entry of every file put in it."""

    root: Path
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def put(self, rel: str, text: str) -> None:
        b = text.encode("utf-8")
        fs.write_bytes(self.root / rel, b)
        self.files[rel] = {"sha256": fs.sha256_bytes(b), "bytes": len(b)}

    def link(self, src: Path, rel: str, entry: dict[str, Any] | None = None) -> None:
        """Hard-link ``src`` as ``rel``; its manifest entry is ``entry`` when known, else hashed."""
        fs.link_or_copy(src, self.root / rel)
        if entry is None:
            self.record(rel)
        else:
            self.files[rel] = entry

    def record(self, rel: str) -> None:
        """Enter the file ``rel``, written in place, in the manifest."""
        path = self.root / rel
        self.files[rel] = {"sha256": fs.sha256_file(path), "bytes": path.stat().st_size}


def assemble(
    p: Plan, records: dict[str, dict[str, Any]], work: Path, target: Path, trash: Path, executor: dict[str, Any]
) -> None:
    """Assemble the pack of ``p`` from the built units' ``records`` in a staging folder of ``work``
    and switch it in as ``target`` (the previous pack goes to ``trash`` for the moment of the switch)."""
    st = _Staging(work / f"staging-{p.periode}")
    fs.remove_tree(st.root)
    st.root.mkdir(parents=True)
    unit_entries = _link_units(st, p, records, work)
    asset_hash = _add_assets(st, p)
    readme_text = pages.readme(p.lang, periode=p.periode, baseline=p.baseline, version=__version__,
                               folder_aset=p.recipe.folder_aset, top=p.names.get(p.top or "", ""))  # fmt: skip
    st.put("README.txt", readme_text)
    summary_rel = f"ringkasan_{p.periode}.xlsx"
    zips: dict[str, str] = {}
    for u, (cached, key) in _zips(st, p, records, work, readme_text, asset_hash):
        zips[u.kode] = f"zip/{zip_name(u.kode, u.nama)}"
        st.link(cached, zips[u.kode])
        unit_entries[u.kode].update(zip=zips[u.kode], zip_kunci=key)
    view = pages.View(p.periode, p.baseline, p.lang, __version__, records, p.names, list(p.recipe.angka_kunci), zips=zips,
                      extras=[("berkas.ringkasan", summary_rel), ("berkas.readme", "README.txt"),
                              ("berkas.manifest", "manifest.json")])  # fmt: skip
    for u in p.units:
        st.put(pages.unit_page(u.kode), pages.render_unit(view, u.kode))
    st.put("index.html", pages.render_root(view, p.top if p.top is not None else next(iter(view.records))))
    files.write_table(_summary_sheets(p, records), st.root / summary_rel, when=data.period_end_date(p.periode).to_pydatetime())
    st.record(summary_rel)
    manifest = _manifest(p, executor, list(unit_entries.values()), st.files)
    fs.write_text(st.root / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    fs.publish(st.root, target, trash)


def _link_units(st: _Staging, p: Plan, records: dict[str, dict[str, Any]], work: Path) -> dict[str, dict[str, Any]]:
    """Link every unit's built files into the staging folder; the units' manifest entries by code."""
    entries = {}
    for u in p.units:
        rec = records[u.kode]
        folder = pages.unit_dir(u.kode)
        for name, entry in rec["berkas"].items():
            st.link(work / "unit" / u.fingerprint / name, f"{folder}/{name}", entry)
        entries[u.kode] = {
            "tingkat": u.tingkat, "kode": u.kode, "nama": u.nama, "sidik_jari": u.fingerprint,
            "masukan": u.inputs, "folder": folder, "berkas": sorted(rec["berkas"]),
        }  # fmt: skip
    return entries


def _add_assets(st: _Staging, p: Plan) -> dict[str, str]:
    """Write the shared assets (Leaflet, the map script) once for all maps; their SHA-256 by path."""
    from kotaku_gis.maps import write_assets

    aset = st.root / p.recipe.folder_aset
    write_assets(aset)
    hashes = {}
    for f in sorted(x for x in aset.rglob("*") if x.is_file()):
        rel = f.relative_to(st.root).as_posix()
        hashes[rel] = fs.sha256_file(f)
        st.files[rel] = {"sha256": hashes[rel], "bytes": f.stat().st_size}
    return hashes


def _zips(
    st: _Staging, p: Plan, records: dict[str, dict[str, Any]], work: Path, readme_text: str, asset_hash: dict[str, str]
) -> list[tuple[Unit, tuple[Path, str]]]:  # fmt: skip
    """The zips of the units of the recipe's ``zip`` level (:func:`_zip`), made on threads (reading
    and compressing the files leave Python's lock); each unit with its zip in the work area and key."""
    from concurrent.futures import ThreadPoolExecutor

    from kotaku_gis import settings

    codes = sorted(x.kode for x in p.units)
    by_kode = {x.kode: x for x in p.units}
    chosen = [u for u in p.units if u.tingkat == p.recipe.zip]
    threads = settings.mappack_workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(chosen)))) as pool:
        made = pool.map(lambda u: _zip(st, p, u, _descendants(u.kode, codes), by_kode, records, work, readme_text, asset_hash),
                        chosen)  # fmt: skip
        return list(zip(chosen, made))


def _zip(
    st: _Staging, p: Plan, u: Unit, members: list[str], by_kode: dict[str, Unit], records: dict[str, dict[str, Any]],
    work: Path, readme_text: str, asset_hash: dict[str, str],
) -> tuple[Path, str]:  # fmt: skip
    """The zip of unit ``u`` for its team (its pages, its and its descendants' files, the assets),
    built once per content (cached in the work area by a key of what it holds): the cached zip and
    that key."""
    name = zip_name(u.kode, u.nama)
    view = pages.View(p.periode, p.baseline, p.lang, __version__, {k: records[k] for k in members}, p.names,
                      list(p.recipe.angka_kunci), extras=[("berkas.readme", "README.txt")])  # fmt: skip
    root = name[: -len(".zip")]
    entries: list[tuple[str, Path | bytes]] = [(f"{root}/index.html", pages.render_root(view, u.kode).encode("utf-8"))]
    entries.append((f"{root}/README.txt", readme_text.encode("utf-8")))
    hashes = []
    for k in members:
        folder = pages.unit_dir(k)
        entries.append((f"{root}/{folder}/index.html", pages.render_unit(view, k).encode("utf-8")))
        for fname, entry in records[k]["berkas"].items():
            entries.append((f"{root}/{folder}/{fname}", work / "unit" / by_kode[k].fingerprint / fname))
            hashes.append((f"{folder}/{fname}", entry["sha256"]))
    for rel_a, h in asset_hash.items():
        entries.append((f"{root}/{rel_a}", st.root / rel_a))
        hashes.append((rel_a, h))
    key = _sha({
        "entries": sorted(hashes),
        "texts": sorted((n, fs.sha256_bytes(s)) for n, s in entries if isinstance(s, bytes)),
    })  # fmt: skip
    cached = work / "zip" / f"{key}.zip"
    if not cached.is_file():
        fs.write_zip(cached, entries)
    return cached, key


def _summary_sheets(p: Plan, records: dict[str, dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """The summary workbook: the key figures of every unit, one sheet per level."""
    sheets = {}
    for level in wil.ROLLUP_LEVELS:
        rows = [{"kode": u.kode, "nama": u.nama, "kode_induk": wil.parent(u.kode) if u.kode else None, **records[u.kode]["angka"]}
                for u in p.units if u.tingkat == level]  # fmt: skip
        if rows:
            sheets[level] = pd.DataFrame(rows, columns=["kode", "nama", "kode_induk", *FIGURES])
    return sheets


def _manifest(
    p: Plan, executor: dict[str, Any], unit_entries: list[dict[str, Any]], manifest_files: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """``manifest.json``: what the pack is, what it was built from and by, and every file's SHA-256."""
    return {
        "format": MANIFEST_FORMAT,
        "paket": PACK_NAME,
        "periode": p.periode,
        "baseline": p.baseline,
        "dibuat": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "pelaksana": executor,
        "perangkat_lunak": f"kotaku-gis {__version__}",
        "sidik_jari_perangkat_lunak": p.software,
        "sidik_jari_paket": p.fingerprint,
        "bahasa": p.lang,
        "kode": p.kode,
        "tingkat_bawah": p.tingkat,
        "sumber": list(p.sumber),
        "resep": p.recipe.model_dump(),
        "masukan": {"lapisan": p.layers, "riwayat_muat": p.loads},
        "unit": unit_entries,
        "tidak_dipetakan": [{"tingkat": t, "kode": k, "nama": n, "alasan": a} for t, k, n, a in p.left_out],
        "berkas": dict(sorted(manifest_files.items())),
    }


def read_manifest(pack: str | Path) -> dict[str, Any] | None:
    """The ``manifest.json`` of a published pack, or None."""
    path = Path(pack) / "manifest.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def missing(pack: Path, manifest: dict[str, Any]) -> list[str]:
    return [
        rel
        for rel, e in manifest.get("berkas", {}).items()
        if not (pack / rel).is_file() or (pack / rel).stat().st_size != e.get("bytes")
    ]


def collect_garbage(out: Path, work: Path, periode: str) -> None:
    """Remove the built units of ``periode`` and the zips that no published pack in ``out`` refers
    to (units of other periods are kept: a run of another period may resume from them)."""
    keep_units: set[str] = set()
    keep_zips: set[str] = set()
    for m in out.glob("*/manifest.json"):
        manifest = read_manifest(m.parent)
        for u in (manifest or {}).get("unit", []):
            keep_units.add(u.get("sidik_jari", ""))
            if u.get("zip_kunci"):
                keep_zips.add(u["zip_kunci"])
    for d in (work / "unit").glob("*"):
        if d.name in keep_units:
            continue
        try:
            rec = json.loads((d / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rec = {"periode": periode}
        if rec.get("periode") == periode:
            fs.remove_tree(d)
    for z in (work / "zip").glob("*.zip"):
        if z.stem not in keep_zips:
            z.unlink(missing_ok=True)
