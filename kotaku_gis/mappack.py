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

Which levels and products: the recipe (``kotaku_gis/mappack.yml``, :func:`load_recipe`). The units:
the area of ``kode`` (the nation by default) and the units below it down to ``tingkat``, those with
data (or all, by the recipe), and the ancestors of ``kode`` so the index starts at the nation.

Incremental
    Each unit has a fingerprint (:func:`plan`): the SHA-256 of the rows of its area in every layer
    (hashed deterministically, :mod:`kotaku_gis._mappack_data`), of the protected areas that can
    reach it, of the software (version and every package file), the recipe, the settings, the language,
    the period and the baseline. A unit whose fingerprint was built before is not built again, so a
    run with unchanged inputs builds nothing (and, when the published pack is already this one,
    writes nothing), and a change in one kelurahan rebuilds its kecamatan, kab/kota, provinsi and
    the nation only.

Crash-safe
    Units are built into the work area ``<out>/.kotaku_mappack/`` (one folder per fingerprint,
    renamed into place when complete: a resumed run skips every unit already there); the pack is
    assembled in a staging folder (hard links to the built files) and switched in atomically
    (:mod:`kotaku_gis._mappack_fs`). An interrupted run (an error, Ctrl-C, a kill) leaves the
    previous pack complete and untouched; a run with failed units publishes nothing and says which
    and why. One run at a time per output folder (a lock).

Parallel
    ``workers`` processes (``concurrent.futures.ProcessPoolExecutor``), each with its own store
    connection, or the workers of a Dask distributed cluster (``client=``, :mod:`kotaku_gis._mappack_dask`);
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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kotaku_gis import _mappack_data as data
from kotaku_gis import _mappack_fs as fs
from kotaku_gis import _mappack_html as pages
from kotaku_gis import _mappack_unit as unitmod
from kotaku_gis import files, i18n, progress, settings
from kotaku_gis import wilayah as wil
from kotaku_gis._datafile import read_model
from kotaku_gis._mappack_unit import FIGURES, RECORD, Task, unit_slug
from kotaku_gis._version import __version__
from kotaku_gis.errors import KotakuError, UsageError

#: The packaged recipe.
RECIPE_PATH: Path = Path(__file__).with_name("mappack.yml")

#: Folder of the work area inside the output folder (built units, zips, staging; shared by periods).
WORK_DIR = ".kotaku_mappack"

#: Version of the layout of ``manifest.json``, and the name it gives the pack's kind.
MANIFEST_FORMAT = 1
PACK_NAME = "kotaku-gis mappack"

Tingkat = Literal["nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"]
Produk = Literal["peta", "png", "tabel", "laporan"]

#: How worker processes start: ``fork`` on Linux (fast, and a calling script needs no ``if __name__ ==
#: "__main__"`` guard; each worker still opens its own store connection), ``spawn`` elsewhere.
_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"

#: Settings that change no output (left out of the fingerprints).
_SETTINGS_IGNORED = frozenset({"default_db", "write_batch_rows", "mappack_workers", "mappack_recipe", "mappack_dask_timeout_s",
                               "language"})  # fmt: skip


# -- recipe ------------------------------------------------------------------------------------------
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelSpec(_Model):
    """What the units of one level get."""

    produk: list[Produk] = Field(min_length=1)
    progres_sampai: Tingkat = "kelurahan"


class PngSpec(_Model):
    dpi: int = Field(gt=0, le=600)


class PackRecipe(_Model):
    """The recipe of a map pack (``kotaku_gis/mappack.yml``; its comments explain each field)."""

    tingkat: dict[Tingkat, LevelSpec] = Field(min_length=1)
    tingkat_bawah: Tingkat
    unit: Literal["dengan_data", "semua"] = "dengan_data"
    leluhur: bool = True
    tabel: list[Literal["csv", "xlsx"]] = ["csv", "xlsx"]
    zip: Literal["provinsi", "kabkota", "kecamatan", "kelurahan"] | None = "kabkota"
    folder_aset: str = Field(default="aset", pattern=r"^[A-Za-z0-9_-]+$")
    angka_kunci: list[str] = Field(min_length=1)
    png: PngSpec

    @field_validator("angka_kunci")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from kotaku_gis._workflow import check_figures

        return check_figures(value, FIGURES)

    @model_validator(mode="after")
    def _levels(self) -> PackRecipe:
        if self.tingkat_bawah not in self.tingkat:
            raise ValueError(f"tingkat_bawah {self.tingkat_bawah!r} is not one of the levels under `tingkat`")
        if self.folder_aset == "wilayah" or self.folder_aset == "zip":
            raise ValueError("folder_aset: 'wilayah' and 'zip' are folders of the pack")
        return self


def load_recipe(path: str | Path) -> PackRecipe:
    """Read and validate a pack recipe.

    Raises
    ------
    CatalogError
        Missing, not YAML, or not following the schema (the message names the field).

    Examples
    --------
    >>> r = load_recipe(RECIPE_PATH)
    >>> r.tingkat_bawah, r.zip, r.tingkat["kabkota"].produk
    ('kabkota', 'kabkota', ['peta', 'png', 'tabel', 'laporan'])
    """
    return read_model(Path(path), PackRecipe, "map pack recipe")


@cache
def _packaged_recipe() -> PackRecipe:
    return load_recipe(RECIPE_PATH)


def recipe() -> PackRecipe:
    """The recipe in use: ``settings.mappack_recipe`` when set, else the packaged one."""
    custom = getattr(settings, "mappack_recipe", None)
    return load_recipe(custom) if custom else _packaged_recipe()


def _resolve_recipe(r: PackRecipe | str | Path | None) -> PackRecipe:
    if r is None:
        return recipe()
    if isinstance(r, PackRecipe):
        return r
    return load_recipe(r)


# -- plan --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """One unit of a pack: a map, its picture and tables, and a page."""

    tingkat: str
    kode: str
    nama: str
    child: str | None
    fingerprint: str
    inputs: dict[str, str] = field(hash=False, compare=False)

    @property
    def slug(self) -> str:
        return unit_slug(self.kode)


@dataclass
class Plan:
    """What a run builds: the units with their fingerprints (:func:`plan`)."""

    periode: str
    baseline: str
    kode: str
    tingkat: str
    lang: str
    sumber: tuple[str, ...]
    recipe: PackRecipe
    #: Units in build order (the nation, then province by province, each from the top).
    units: list[Unit]
    #: Units left out: (tingkat, kode, nama, reason).
    left_out: list[tuple[str, str, str, str]]
    #: Every unit name known (``""``: the nation).
    names: dict[str, str]
    #: Per layer: rows used and their fingerprint.
    layers: dict[str, dict[str, Any]]
    #: The store's load log (provenance).
    loads: list[dict[str, Any]]
    #: Fingerprint of the software (version and package files).
    software: str
    #: Fingerprint of the whole pack: equal fingerprints, equal packs.
    fingerprint: str

    @property
    def top(self) -> str | None:
        """Code of the unit the index starts from (None when no single unit is on top)."""
        if not self.units:
            return None
        levels = wil.ROLLUP_LEVELS
        best = min(levels.index(u.tingkat) for u in self.units)
        tops = [u.kode for u in self.units if levels.index(u.tingkat) == best]
        return tops[0] if len(tops) == 1 else None


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


@cache
def software_fingerprint() -> str:
    """SHA-256 of the software: its version and every file of the package (code, rule files, map
    recipes, translations, the map's script and vendored assets) and of the layer catalogue.

    Any change to what shapes the products (a new release, an edited rule file such as the
    unverified exchange rates or setbacks, a patched module) rebuilds every unit, so a pack never
    mixes products of two versions of the software. Hashing the package takes about 0.1 s.
    """
    from kotaku_gis import catalog

    tree = fs.sha256_tree(Path(__file__).parent, Path(catalog.catalog_path()))
    return _sha({"version": __version__, "files": tree})


def _settings_snapshot() -> dict[str, Any]:
    """The public settings (plain values), to pass to worker processes and into fingerprints."""
    out: dict[str, Any] = {}
    for name, value in vars(settings).items():
        if name.startswith("_") or callable(value) or isinstance(value, type(settings)):
            continue
        if isinstance(value, (str, int, float, bool, tuple, list, type(None), Path)):
            out[name] = value
    return out


def _settings_fingerprint() -> str:
    return _sha({k: repr(v) for k, v in _settings_snapshot().items() if k not in _SETTINGS_IGNORED})


def _tp(key: str, lang: str | None = None, **params: Any) -> str:
    return i18n.text(f"mappack.{key}", lang, **params)


def plan(
    store: Any,
    periode: str,
    *,
    baseline: str | None = None,
    tingkat: str | None = None,
    kode: str | None = None,
    recipe: PackRecipe | str | Path | None = None,
    lang: str | None = None,
    sumber: Sequence[str] = (),
) -> Plan:
    """The units of a pack and their fingerprints, from one read of each layer.

    Parameters
    ----------
    store : Store
        An initialised store.
    periode : str
        The period (``2026Q3``; forms as :func:`kotaku_gis.progress.normalize_periode`).
    baseline : str, optional
        The baseline period; default the earliest stored.
    tingkat : str, optional
        The lowest level of the pack; default the recipe's ``tingkat_bawah``.
    kode : str, optional
        The area of the pack (any code form); default the nation.
    recipe : PackRecipe or path, optional
        Default :func:`recipe`.
    lang : {"id", "en"}, optional
        Language of everything in the pack; default ``settings.language``.
    sumber : list of str
        Extra attribution keys of the maps (``sintetis``, ``wdpa``...; see ``maps/recipes.yml``).

    Returns
    -------
    Plan

    Raises
    ------
    UsageError
        Unknown level or language, a level missing from the recipe, ``tingkat`` above ``kode``.
    DataError
        ``periode`` or ``baseline`` not stored.
    """
    r = _resolve_recipe(recipe)
    lang = lang or settings.language
    i18n.strings(lang)
    periode, baseline = progress.resolve_periods(store.periods("kawasan_kumuh"), periode, baseline)
    scope, lowest, pack_levels = _pack_levels(r, kode, tingkat)

    frames = data.read_layers(store, periode, baseline)
    lindung = store.read("kawasan_lindung")
    codes = {layer: data.normalized_codes(f, layer) for layer, f in frames.items()}
    hashes = {layer: data.row_hashes(f) for layer, f in frames.items()}
    hashes["kawasan_lindung"] = data.row_hashes(lindung)

    w = frames["wilayah"]
    names = {str(k): str(n) for k, n in zip(w["kode"], w["nama"]) if isinstance(k, str)}
    names[""] = progress.NAMA_NASIONAL
    w_level = w["tingkat"].astype(object) if "tingkat" in w.columns else wil.tingkat_series(codes["wilayah"])
    wanted = _wanted(r, scope, pack_levels, codes, w_level)
    mappable = _mappable(wanted, codes["wilayah"], w_level, w)

    common = {
        "software": software_fingerprint(),
        "settings": _settings_fingerprint(),
        "periode": periode,
        "baseline": baseline,
        "lang": lang,
        "sumber": list(sumber),
        "tabel": list(r.tabel),
        "folder_aset": r.folder_aset,
        "png": r.png.model_dump(),
        # a decree changes which locations count as having left the slum list
        "sk": store.decrees()[["kabkota", "periode", "rows"]].astype(str).values.tolist(),
    }
    units, left_out = _units(r, lang, common, wanted, mappable, names, frames, codes, hashes, data.reach_boxes(lindung))
    layer_info = {
        layer: {"baris": len(hashes[layer]), "sha256": data.digest(hashes[layer])}
        for layer in (*data.CODED_LAYERS, "kawasan_lindung")
    }
    loads = _loads(store)
    whole = {
        **common,
        "recipe": r.model_dump(),
        "kode": scope,
        "tingkat": lowest,
        "units": [[u.tingkat, u.kode, u.fingerprint] for u in units],
        "left_out": [list(x[:2]) + [x[3]] for x in left_out],
    }
    return Plan(
        periode=periode, baseline=baseline, kode=scope, tingkat=lowest, lang=lang, sumber=tuple(sumber), recipe=r,
        units=units, left_out=left_out, names=names, layers=layer_info, loads=loads,
        software=common["software"], fingerprint=_sha(whole),
    )  # fmt: skip


def _pack_levels(r: PackRecipe, kode: str | None, tingkat: str | None) -> tuple[str, str, list[str]]:
    """The pack's area (its dotted code; "" for the nation), its lowest level and its levels."""
    try:
        scope = wil.normalize_kode(kode) if kode not in (None, "") else ""
    except ValueError as exc:
        raise UsageError(_tp("error.kode_invalid", kode=kode, reason=str(exc))) from exc
    levels = wil.ROLLUP_LEVELS
    scope_level = wil.tingkat(scope)
    lowest = tingkat or r.tingkat_bawah
    if lowest not in levels:
        raise UsageError(_tp("error.tingkat_invalid", tingkat=lowest, levels=", ".join(levels)))
    if levels.index(lowest) < levels.index(scope_level):
        raise UsageError(_tp("error.tingkat_above_kode", tingkat=lowest, kode=scope, level=scope_level))
    pack_levels = list(levels[levels.index(scope_level) : levels.index(lowest) + 1])
    missing = [lv for lv in pack_levels if lv not in r.tingkat]
    if missing:
        raise UsageError(_tp("error.level_not_in_recipe", levels=", ".join(missing), available=", ".join(r.tingkat)))
    return scope, lowest, pack_levels


def _wanted(
    r: PackRecipe, scope: str, pack_levels: list[str], codes: dict[str, pd.Series], w_level: pd.Series
) -> dict[str, set[str]]:
    """The candidate units per level: those with data (or every listed unit, per the recipe) in the
    pack's area, its ancestors when the recipe wants them, and the area itself."""
    levels = wil.ROLLUP_LEVELS
    scope_level = wil.tingkat(scope)
    wanted: dict[str, set[str]] = {}
    for level in pack_levels:
        if level == "nasional":
            wanted[level] = {""}
            continue
        found = set(codes["wilayah"][(w_level == level).to_numpy()].dropna())
        with_data: set[str] = set()
        for layer in ("kawasan_kumuh", "kegiatan"):
            anc = wil.ancestor_series(codes[layer], level) if len(codes[layer]) else pd.Series([], dtype=object)
            with_data |= set(anc.dropna())
        found = with_data if r.unit == "dengan_data" else (found | with_data)
        wanted[level] = {c for c in found if c == scope or c.startswith(scope + ".")} if scope else found
    if r.leluhur and scope:
        for level in levels[: levels.index(scope_level)]:
            if level in r.tingkat:
                wanted.setdefault(level, set()).add(wil.ancestor(scope, level) or "")
    if scope and scope_level in wanted:
        wanted[scope_level].add(scope)  # the area asked for is always there (when it can be mapped)
    return wanted


def _mappable(wanted: dict[str, set[str]], wil_codes: pd.Series, w_level: pd.Series, w: Any) -> dict[str, set[str]]:
    """Per level, the units that can be mapped: the boundaries of their children (their own for a kelurahan)."""
    has_geom = (w.geometry.notna() & ~w.geometry.is_empty).to_numpy() if len(w) else np.zeros(0, dtype=bool)
    mappable: dict[str, set[str]] = {}
    for level in wanted:
        target = _child(level) or level
        rows = wil_codes[((w_level == target).to_numpy()) & has_geom]
        if level == "nasional":
            mappable[level] = {""} if len(rows) else set()
        else:
            mappable[level] = set(wil.ancestor_series(rows, level).dropna()) if len(rows) else set()
    return mappable


def _units(
    r: PackRecipe, lang: str, common: dict[str, Any], wanted: dict[str, set[str]], mappable: dict[str, set[str]],
    names: dict[str, str], frames: dict[str, Any], codes: dict[str, pd.Series], hashes: dict[str, Any], boxes: Any,
) -> tuple[list[Unit], list[tuple[str, str, str, str]]]:  # fmt: skip
    """The units with their fingerprints (of their rows, the protected areas within reach, the
    software and the recipe), and those left out with the reason."""
    levels = wil.ROLLUP_LEVELS
    units: list[Unit] = []
    left_out: list[tuple[str, str, str, str]] = []
    empty = data.empty_digest()
    for level, codes_at in wanted.items():
        digests = {layer: data.group_digests(codes[layer], hashes[layer], level) for layer in data.CODED_LAYERS}
        windows = _windows(frames, codes, level)
        for kode_u in sorted(codes_at):
            nama = names.get(kode_u, kode_u)
            if kode_u not in mappable[level]:
                child = _child(level)
                reason = _tp("alasan.tanpa_batas", lang, tingkat=i18n.text(f"maps.tingkat.{child or level}", lang))
                left_out.append((level, kode_u, nama, reason))
                continue
            inputs = {layer: digests[layer].get(kode_u, empty) for layer in data.CODED_LAYERS}
            inputs["kawasan_lindung"] = data.digest(hashes["kawasan_lindung"][data.near(boxes, windows.get(kode_u))])
            spec = r.tingkat[level]  # type: ignore[index]
            fp = _sha({**common, "tingkat": level, "kode": kode_u, "level": spec.model_dump(), "inputs": inputs})
            units.append(Unit(level, kode_u, nama, _child(level), fp, inputs))
    units.sort(key=lambda u: (u.kode != "", u.kode[:2], levels.index(u.tingkat), u.kode))
    return units, left_out


def _child(level: str) -> str | None:
    levels = wil.ROLLUP_LEVELS
    i = levels.index(level)
    return levels[i + 1] if i + 1 < len(levels) else None


def _windows(frames: dict[str, Any], codes: dict[str, pd.Series], level: str) -> dict[str, Any]:
    """The map window of every unit of ``level`` (as :func:`_mappack_data.window` of its rows)."""
    parts = []
    for layer in ("wilayah", "kawasan_kumuh", "kegiatan"):
        b = data.row_bounds(frames[layer])
        if len(b) == 0:
            continue
        key = (
            pd.Series("", index=codes[layer].index).where(codes[layer].notna(), None)
            if level == "nasional"
            else wil.ancestor_series(codes[layer], level)
        )
        parts.append(pd.DataFrame({"k": key.to_numpy(dtype=object), "x0": b[:, 0], "y0": b[:, 1], "x1": b[:, 2], "y1": b[:, 3]}))
    if not parts:
        return {}
    allb = pd.concat(parts, ignore_index=True)
    allb = allb[allb["k"].notna()]
    g = allb.groupby("k", sort=False)
    mins = g[["x0", "y0"]].min()
    maxs = g[["x1", "y1"]].max()
    out = {}
    for k in mins.index:
        row = np.array([[mins.at[k, "x0"], mins.at[k, "y0"], maxs.at[k, "x1"], maxs.at[k, "y1"]]], dtype="float64")
        out[str(k)] = data.window(row)
    return out


def _loads(store: Any) -> list[dict[str, Any]]:
    try:
        log = store.loads()
    except KotakuError:  # pragma: no cover
        return []
    keep = [c for c in ("layer", "partitions", "source", "sha256", "rows", "loaded_at", "software") if c in log.columns]
    return [{k: unitmod._plain(v) for k, v in row.items()} for row in log[keep].to_dict("records")]


# -- result ------------------------------------------------------------------------------------------
@dataclass
class PackResult:
    """What :func:`build_pack` did."""

    plan: Plan
    #: The pack's folder (``<out>/<periode>``) and its index.
    path: Path
    index: Path
    #: Whether this run published a new pack; whether the published pack was already this one.
    published: bool = False
    unchanged: bool = False
    built: list[str] = field(default_factory=list)
    #: Units taken as built: unchanged since an earlier run, or built by an interrupted run.
    skipped: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    #: Units that failed, with the reason.
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and (self.published or self.unchanged)

    def summary(self, lang: str | None = None) -> str:
        """The end-of-run summary, in words."""
        lang = lang or self.plan.lang
        p = self.plan
        names = {u.kode: u for u in p.units}
        lines = [
            _tp(
                "ringkasan.kepala", lang, periode=p.periode, baseline=p.baseline, units=len(p.units),
                built=len(self.built), skipped=len(self.skipped), resumed=len(self.resumed), failed=len(self.failed),
            )
        ]  # fmt: skip
        for _tingkat, kode, nama, reason in p.left_out:
            lines.append("  " + _tp("ringkasan.tidak_dipetakan", lang, kode=kode or "-", nama=nama, alasan=reason))
        for kode, reason in self.failed.items():
            u = names.get(kode)
            lines.append("  " + _tp("ringkasan.gagal", lang, kode=kode or "-", nama=u.nama if u else kode, alasan=reason))
        if self.unchanged:
            lines.append(_tp("ringkasan.tidak_berubah", lang, path=self.index))
        elif self.published:
            lines.append(_tp("ringkasan.terbit", lang, path=self.index, seconds=_seconds(self.seconds, lang)))
        else:
            lines.append(_tp("ringkasan.tidak_terbit", lang, path=self.path))
        return "\n".join(lines)


def _seconds(value: float, lang: str) -> str:
    if value >= 90:
        m, s = divmod(round(value), 60)
        return _tp("waktu.menit", lang, m=m, s=s)
    text = f"{value:.1f}"
    return _tp("waktu.detik", lang, s=text.replace(".", ",") if lang == "id" else text)


# -- progress ----------------------------------------------------------------------------------------
class _Progress:
    """A progress bar with the time remaining on a terminal; plain lines otherwise."""

    def __init__(self, total: int, stream: TextIO | None, lang: str):
        self.total = total
        self.stream = stream
        self.lang = lang
        self.done = 0
        self.t0 = time.monotonic()
        self.tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())

    def line(self, text: str) -> None:
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def step(self, unit: Unit, status: str, seconds: float | None) -> None:
        self.done += 1
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.t0
        remaining = elapsed / self.done * (self.total - self.done)
        eta = _seconds(remaining, self.lang)
        label = f"{unit.kode or unit.nama} {unit.nama}" if unit.kode else unit.nama
        took = f" ({_seconds(seconds, self.lang)})" if seconds is not None else ""
        state = _tp(f"status.{status}", self.lang)
        if self.tty:
            width = 24
            full = int(width * self.done / max(self.total, 1))
            bar = "█" * full + "░" * (width - full)
            pct = 100 * self.done // max(self.total, 1)
            text = f"\r\x1b[K{bar} {self.done}/{self.total} {pct:3d} % · {state} {label}{took} · " + _tp(
                "sisa", self.lang, eta=eta
            )
            self.stream.write(text + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(f"[{self.done}/{self.total}] {state}: {label}{took}; " + _tp("sisa", self.lang, eta=eta) + "\n")
        self.stream.flush()


# -- building ----------------------------------------------------------------------------------------
def build_pack(
    store: Any,
    out: str | Path,
    periode: str,
    *,
    baseline: str | None = None,
    tingkat: str | None = None,
    kode: str | None = None,
    workers: int | None = None,
    recipe: PackRecipe | str | Path | None = None,
    lang: str | None = None,
    sumber: Sequence[str] = (),
    paksa: bool = False,
    progress: bool | TextIO = True,
    client: Any = None,
) -> PackResult:
    """Build (or bring up to date) the map pack of a period in ``<out>/<periode>``.

    Parameters
    ----------
    store : Store
        The store (workers open their own connection to ``store.url``).
    out : str or Path
        Folder of the packs (one subfolder per period, and the work area ``.kotaku_mappack``).
    periode, baseline, tingkat, kode, recipe, lang, sumber
        As :func:`plan`.
    workers : int, optional
        Processes building units in parallel; default ``settings.mappack_workers`` (None: the
        number of CPUs). 1 builds in this process.
    paksa : bool
        Build every unit again, even those already built (when the work area is not trusted, say:
        any change of data, software, recipe or settings already rebuilds what it affects).
    progress : bool or file
        Progress and phase lines: True for stderr, False for none, or a stream.
    client : dask.distributed.Client or str, optional
        Build the units on a Dask cluster (a client, or the scheduler's address such as
        ``"tcp://10.0.0.5:8786"``) instead of local processes (``workers`` is then ignored); see
        :mod:`kotaku_gis._mappack_dask` (the work area and a GeoPackage store must be on a file
        system the workers share). Needs ``pip install kotaku-gis[dask]``. The pack is the same as
        a local build's, file for file.

    Returns
    -------
    PackResult
        ``published``/``unchanged``, the units built, skipped and failed; ``summary()`` in words.

    Raises
    ------
    UsageError
        Bad arguments; another run is working on ``out``.
    DataError
        ``periode`` or ``baseline`` not stored.
    KeyboardInterrupt
        Ctrl-C: the workers are stopped, the previous pack is untouched, built units are kept.
    """
    t0 = time.monotonic()
    out = Path(out)
    stream: TextIO | None = sys.stderr if progress is True else (None if progress is False else progress)
    work = out / WORK_DIR
    lock = fs.Lock(work / "kunci")
    if not lock.acquire():
        raise UsageError(_tp("error.sibuk", lang, path=out))
    with lock:
        p = plan(store, periode, baseline=baseline, tingkat=tingkat, kode=kode, recipe=recipe, lang=lang, sumber=sumber)
        target = out / p.periode
        trash = work / f"lama-{p.periode}"
        fs.recover(target, trash)
        result = PackResult(plan=p, path=target, index=target / "index.html")
        published = read_manifest(target)
        if target.exists() and (not target.is_dir() or (any(target.iterdir()) and (published or {}).get("paket") != PACK_NAME)):
            raise UsageError(_tp("error.bukan_paket", p.lang, path=target))  # never replace a folder of the user's
        if paksa:
            for u in p.units:
                fs.remove_tree(work / "unit" / u.fingerprint)
        elif published is not None and published.get("sidik_jari_paket") == p.fingerprint and not _missing(target, published):
            result.unchanged = True
            result.skipped = [u.kode for u in p.units]
            result.seconds = time.monotonic() - t0
            return result
        if not p.units:
            raise UsageError(_tp("error.tanpa_unit", p.lang, kode=p.kode or "Indonesia"))
        fs.remove_tree(work / "tmp")
        for old in work.glob("staging-*"):
            fs.remove_tree(old)
        from kotaku_gis.maps import write_assets

        write_assets(work / p.recipe.folder_aset)  # the maps built in work/tmp/<unit>/ link ../../<aset>
        before = {u["sidik_jari"] for u in (published or {}).get("unit", [])}
        todo: list[Unit] = []
        records: dict[str, dict[str, Any]] = {}
        for u in p.units:
            rec_path = work / "unit" / u.fingerprint / RECORD
            if rec_path.is_file():
                records[u.kode] = json.loads(rec_path.read_text(encoding="utf-8"))
                (result.skipped if u.fingerprint in before else result.resumed).append(u.kode)
            else:
                todo.append(u)
        bar = _Progress(len(todo), stream, p.lang)
        tasks = [_task(p, u, work) for u in todo]
        if client is not None and todo:
            built, failed, executor = _run_dask(client, tasks, {u.kode: u for u in todo}, store, bar, p)
        else:
            n = _workers(workers, len(todo))
            if todo:
                bar.line(_tp("mulai", p.lang, units=len(todo), total=len(p.units), workers=n, periode=p.periode))
            built, failed = _run(tasks, {u.kode: u for u in todo}, store, n, bar)
            executor = {"jenis": "proses", "pekerja": n}
        records.update(built)
        result.built = [u.kode for u in todo if u.kode in built]
        result.failed = failed
        if failed:
            result.seconds = time.monotonic() - t0
            return result
        bar.line(_tp("menyusun", p.lang, path=target))
        _assemble(p, records, work, target, trash, executor)
        result.published = True
        _collect_garbage(out, work, p.periode)
        result.seconds = time.monotonic() - t0
        return result


def _workers(workers: int | None, todo: int) -> int:
    n = workers if workers is not None else getattr(settings, "mappack_workers", None)
    if n is None:
        n = os.cpu_count() or 1
    if n < 1:
        raise UsageError(_tp("error.workers", n=n))
    return max(1, min(int(n), todo or 1))


def _task(p: Plan, u: Unit, work: Path) -> Task:
    spec = p.recipe.tingkat[u.tingkat]  # type: ignore[index]
    return Task(
        tingkat=u.tingkat, kode=u.kode, nama=u.nama, child=u.child, fingerprint=u.fingerprint, inputs=dict(u.inputs),
        periode=p.periode, baseline=p.baseline, produk=tuple(spec.produk),
        tabel=tuple(p.recipe.tabel), progres_sampai=spec.progres_sampai, folder_aset=p.recipe.folder_aset,
        png_dpi=p.recipe.png.dpi, lang=p.lang, sumber=p.sumber, work=str(work.absolute()),
    )  # fmt: skip


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KotakuError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _run(
    tasks: list[Task], units: dict[str, Unit], store: Any, workers: int, bar: _Progress
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    built: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    if not tasks:
        return built, failed
    if workers <= 1:
        unitmod.use_store(store)
        try:
            for t in tasks:
                t1 = time.monotonic()
                try:
                    built[t.kode] = unitmod.build_unit(t)
                    bar.step(units[t.kode], "dibuat", time.monotonic() - t1)
                except Exception as exc:  # noqa: BLE001 - one unit failing never stops the others
                    failed[t.kode] = _reason(exc)
                    bar.step(units[t.kode], "gagal", time.monotonic() - t1)
        finally:
            unitmod.reset()
        return built, failed
    ctx = multiprocessing.get_context(_START_METHOD)
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=unitmod.init_worker,
        initargs=(store.url, _settings_snapshot()),
    )  # fmt: skip
    try:
        futures = {executor.submit(unitmod.safe_build_unit, t): t for t in tasks}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                t = futures[f]
                try:
                    status, value, seconds = f.result()
                except Exception as exc:  # noqa: BLE001 - a worker died (killed, out of memory)
                    status, value, seconds = "gagal", _tp("error.pekerja", None, reason=_reason(exc)), None
                if status == "ok":
                    built[t.kode] = value
                    bar.step(units[t.kode], "dibuat", seconds)
                else:
                    failed[t.kode] = value
                    bar.step(units[t.kode], "gagal", seconds)
    except BaseException:
        for proc in list(getattr(executor, "_processes", {}).values()):
            proc.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    return built, failed


def _run_dask(
    client: Any, tasks: list[Task], units: dict[str, Unit], store: Any, bar: _Progress, p: Plan
) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, Any]]:
    """:func:`_run` on a Dask cluster (:mod:`kotaku_gis._mappack_dask`); also the executor for the
    manifest."""
    from kotaku_gis import _mappack_dask as cluster

    client, opened = cluster.connect(client)
    built: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}

    def done(t: Task, outcome: tuple[str, Any, float | None]) -> None:
        status, value, seconds = outcome
        (built if status == "ok" else failed)[t.kode] = value
        bar.step(units[t.kode], "dibuat" if status == "ok" else "gagal", seconds)

    try:
        n = cluster.n_workers(client)
        where = cluster.address(client)
        bar.line(_tp("mulai_dask", p.lang, units=len(tasks), total=len(p.units), periode=p.periode, address=where, workers=n))
        cluster.run(client, tasks, store.url, _settings_snapshot(), done)
    finally:
        if opened:
            client.close()
    return built, failed, {"jenis": "dask", "penjadwal": where, "pekerja": n}


# -- assembling and publishing -----------------------------------------------------------------------
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
    return sorted(c for c in codes if c == kode or (kode == "" or c.startswith(kode + ".")))


def _assemble(
    p: Plan, records: dict[str, dict[str, Any]], work: Path, target: Path, trash: Path, executor: dict[str, Any]
) -> None:
    from kotaku_gis.maps import write_assets

    staging = work / f"staging-{p.periode}"
    fs.remove_tree(staging)
    staging.mkdir(parents=True)
    manifest_files: dict[str, dict[str, Any]] = {}
    unit_entries = []
    # units' files: hard links to the built files
    for u in p.units:
        rec = records[u.kode]
        folder = pages.unit_dir(u.kode)
        for name, entry in rec["berkas"].items():
            fs.link_or_copy(work / "unit" / u.fingerprint / name, staging / folder / name)
            manifest_files[f"{folder}/{name}"] = entry
        unit_entries.append({
            "tingkat": u.tingkat, "kode": u.kode, "nama": u.nama, "sidik_jari": u.fingerprint,
            "masukan": u.inputs, "folder": folder, "berkas": sorted(rec["berkas"]),
        })  # fmt: skip
    # shared assets
    aset = staging / p.recipe.folder_aset
    write_assets(aset)
    asset_files = sorted(x for x in aset.rglob("*") if x.is_file())
    asset_hash = {f.relative_to(staging).as_posix(): fs.sha256_file(f) for f in asset_files}
    for rel, h in asset_hash.items():
        manifest_files[rel] = {"sha256": h, "bytes": (staging / rel).stat().st_size}

    def put(rel: str, text: str) -> None:
        b = text.encode("utf-8")
        fs.write_bytes(staging / rel, b)
        manifest_files[rel] = {"sha256": fs.sha256_bytes(b), "bytes": len(b)}

    readme_text = pages.readme(p.lang, periode=p.periode, baseline=p.baseline, version=__version__,
                               folder_aset=p.recipe.folder_aset, top=p.names.get(p.top or "", ""))  # fmt: skip
    put("README.txt", readme_text)
    summary_rel = f"ringkasan_{p.periode}.xlsx"
    # zips, one per unit of the recipe's zip level
    zips: dict[str, str] = {}
    zip_keys: dict[str, str] = {}
    zip_units = [u for u in p.units if u.tingkat == p.recipe.zip]
    codes = [u.kode for u in p.units]
    view_all = pages.View(p.periode, p.baseline, p.lang, __version__, records, p.names, list(p.recipe.angka_kunci))
    for u in zip_units:
        name = zip_name(u.kode, u.nama)
        rel = f"zip/{name}"
        zips[u.kode] = rel
        members = _descendants(u.kode, codes)
        sub = {k: records[k] for k in members}
        view = pages.View(p.periode, p.baseline, p.lang, __version__, sub, p.names, list(p.recipe.angka_kunci),
                          extras=[("berkas.readme", "README.txt")])  # fmt: skip
        root = name[: -len(".zip")]
        entries: list[tuple[str, Path | bytes]] = [(f"{root}/index.html", pages.render_root(view, u.kode).encode("utf-8"))]
        entries.append((f"{root}/README.txt", readme_text.encode("utf-8")))
        hashes = []
        for k in members:
            uu = next(x for x in p.units if x.kode == k)
            folder = pages.unit_dir(k)
            entries.append((f"{root}/{folder}/index.html", pages.render_unit(view, k).encode("utf-8")))
            for fname, entry in records[k]["berkas"].items():
                entries.append((f"{root}/{folder}/{fname}", work / "unit" / uu.fingerprint / fname))
                hashes.append((f"{folder}/{fname}", entry["sha256"]))
        for rel_a, h in asset_hash.items():
            entries.append((f"{root}/{rel_a}", staging / rel_a))
            hashes.append((rel_a, h))
        key = _sha({
            "entries": sorted(hashes),
            "texts": sorted((n, fs.sha256_bytes(s)) for n, s in entries if isinstance(s, bytes)),
        })  # fmt: skip
        cached = work / "zip" / f"{key}.zip"
        if not cached.is_file():
            fs.write_zip(cached, entries)
        fs.link_or_copy(cached, staging / rel)
        manifest_files[rel] = {"sha256": fs.sha256_file(cached), "bytes": cached.stat().st_size}
        zip_keys[u.kode] = key
    view_all.zips = zips
    view_all.extras = [("berkas.ringkasan", summary_rel), ("berkas.readme", "README.txt"), ("berkas.manifest", "manifest.json")]
    # pages
    for u in p.units:
        put(pages.unit_page(u.kode), pages.render_unit(view_all, u.kode))
    top = p.top
    if top is not None:
        put("index.html", pages.render_root(view_all, top))
    else:
        put("index.html", _root_without_top(view_all, p))
    # summary workbook: one sheet per level
    sheets = {}
    for level in wil.ROLLUP_LEVELS:
        rows = [{"kode": u.kode, "nama": u.nama, "kode_induk": wil.parent(u.kode) if u.kode else None, **records[u.kode]["angka"]}
                for u in p.units if u.tingkat == level]  # fmt: skip
        if rows:
            sheets[level] = pd.DataFrame(rows, columns=["kode", "nama", "kode_induk", *FIGURES])
    files.write_table(sheets, staging / summary_rel, when=data.period_end_date(p.periode).to_pydatetime())
    manifest_files[summary_rel] = {
        "sha256": fs.sha256_file(staging / summary_rel),
        "bytes": (staging / summary_rel).stat().st_size,
    }
    for e in unit_entries:
        if e["kode"] in zip_keys:
            e["zip"] = zips[e["kode"]]
            e["zip_kunci"] = zip_keys[e["kode"]]
    manifest = {
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
    fs.write_text(staging / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    fs.publish(staging, target, trash)


def _root_without_top(view: pages.View, p: Plan) -> str:
    """Root page when no single unit is on top: the contents only."""
    first = next(iter(view.records))
    text = pages.render_root(view, first)
    return text


def read_manifest(pack: str | Path) -> dict[str, Any] | None:
    """The ``manifest.json`` of a published pack, or None."""
    path = Path(pack) / "manifest.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _missing(pack: Path, manifest: dict[str, Any]) -> list[str]:
    return [
        rel
        for rel, e in manifest.get("berkas", {}).items()
        if not (pack / rel).is_file() or (pack / rel).stat().st_size != e.get("bytes")
    ]


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


def _collect_garbage(out: Path, work: Path, periode: str) -> None:
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
