"""The plan of a map pack: its units and their fingerprints, from one read of each layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kotaku_gis import i18n, progress, settings
from kotaku_gis import wilayah as wil
from kotaku_gis._version import __version__
from kotaku_gis.errors import KotakuError, UsageError
from kotaku_gis.mappack import _data as data
from kotaku_gis.mappack import _fs as fs
from kotaku_gis.mappack._common import plain
from kotaku_gis.mappack._common import sha as _sha
from kotaku_gis.mappack._common import tp as _tp
from kotaku_gis.mappack._recipe import PackRecipe, resolve_recipe
from kotaku_gis.mappack._unit import unit_slug

#: The layers whose rows make a unit's map window.
_WINDOW_LAYERS = ("wilayah", "kawasan_kumuh", "kegiatan")

#: Settings that change no output (left out of the fingerprints).
_SETTINGS_IGNORED = frozenset({"default_db", "write_batch_rows", "mappack_workers", "mappack_recipe", "mappack_dask_timeout_s",
                               "language"})  # fmt: skip


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


@cache
def software_fingerprint() -> str:
    """SHA-256 of the software: its version and every file of the package (code, rule files, map
    recipes, translations, the map's script and vendored assets) and of the layer catalogue.

    Any change to what shapes the products (a new release, an edited rule file such as the
    unverified exchange rates or setbacks, a patched module) rebuilds every unit, so a pack never
    mixes products of two versions of the software. Hashing the package takes about 0.1 s.
    """
    from kotaku_gis import catalog

    tree = fs.sha256_tree(Path(__file__).parents[1], Path(catalog.catalog_path()))
    return _sha({"version": __version__, "files": tree})


def settings_snapshot() -> dict[str, Any]:
    """The public settings (plain values), to pass to worker processes and into fingerprints."""
    out: dict[str, Any] = {}
    for name, value in vars(settings).items():
        if name.startswith("_") or callable(value) or isinstance(value, type(settings)):
            continue
        if isinstance(value, (str, int, float, bool, tuple, list, type(None), Path)):
            out[name] = value
    return out


def _settings_fingerprint() -> str:
    return _sha({k: repr(v) for k, v in settings_snapshot().items() if k not in _SETTINGS_IGNORED})


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
    r = resolve_recipe(recipe)
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
    bounds = {layer: data.row_bounds(frames[layer]) for layer in _WINDOW_LAYERS}
    for level, codes_at in wanted.items():
        keys = {layer: data.unit_keys(codes[layer], level) for layer in data.CODED_LAYERS}
        digests = {layer: data.group_digests(keys[layer], hashes[layer]) for layer in data.CODED_LAYERS}
        windows = _windows(bounds, keys)
        todo = sorted(codes_at)
        reach = dict(zip(todo, data.near_all(boxes, [windows.get(k) for k in todo])))
        for kode_u in todo:
            nama = names.get(kode_u, kode_u)
            if kode_u not in mappable[level]:
                child = _child(level)
                reason = _tp("alasan.tanpa_batas", lang, tingkat=i18n.text(f"maps.tingkat.{child or level}", lang))
                left_out.append((level, kode_u, nama, reason))
                continue
            inputs = {layer: digests[layer].get(kode_u, empty) for layer in data.CODED_LAYERS}
            inputs["kawasan_lindung"] = data.digest(hashes["kawasan_lindung"][reach[kode_u]])
            spec = r.tingkat[level]  # type: ignore[index]
            fp = _sha({**common, "tingkat": level, "kode": kode_u, "level": spec.model_dump(), "inputs": inputs})
            units.append(Unit(level, kode_u, nama, _child(level), fp, inputs))
    units.sort(key=lambda u: (u.kode != "", u.kode[:2], levels.index(u.tingkat), u.kode))
    return units, left_out


def _child(level: str) -> str | None:
    levels = wil.ROLLUP_LEVELS
    i = levels.index(level)
    return levels[i + 1] if i + 1 < len(levels) else None


def _windows(bounds: dict[str, np.ndarray], keys: dict[str, pd.Series]) -> dict[str, Any]:
    """The map window of every unit (as :func:`kotaku_gis.mappack._data.window` of its rows), from
    the bounds of every row (:data:`_WINDOW_LAYERS`) and the unit each row lies in."""
    parts = []
    for layer, b in bounds.items():
        if len(b) == 0:
            continue
        key = keys[layer].to_numpy(dtype=object)
        parts.append(pd.DataFrame({"k": key, "x0": b[:, 0], "y0": b[:, 1], "x1": b[:, 2], "y1": b[:, 3]}))
    if not parts:
        return {}
    allb = pd.concat(parts, ignore_index=True)
    allb = allb[allb["k"].notna()]
    g = allb.groupby("k", sort=False)
    mins = g[["x0", "y0"]].min()
    maxs = g[["x1", "y1"]].max()
    boxes = np.column_stack([mins["x0"], mins["y0"], maxs["x1"], maxs["y1"]]).astype("float64")
    return dict(zip(mins.index.astype(str), data.windows(boxes)))


def _loads(store: Any) -> list[dict[str, Any]]:
    try:
        log = store.loads()
    except KotakuError:  # pragma: no cover
        return []
    keep = [c for c in ("layer", "partitions", "source", "sha256", "rows", "loaded_at", "software") if c in log.columns]
    return [{k: plain(v) for k, v in row.items()} for row in log[keep].to_dict("records")]
