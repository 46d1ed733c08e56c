"""Building one unit of a map pack (runs in a worker process, or in the calling process).

A worker opens its own store connection (:func:`init_worker`) and keeps the rows it last read: the
rows of a whole province serve all the province's kab/kota and kecamatan, and the rows of the nation
serve everything. For each unit (:func:`build_unit`) it

1. takes the rows of the unit's area and checks their fingerprint against the plan's
   (:mod:`kotaku_gis.mappack._data`); a difference means the store changed since the run was planned,
   and the unit fails (the next run plans again);
2. scores the slum locations, compares the period with the baseline and rolls the result up from the
   unit down to the kelurahan (:mod:`kotaku_gis.progress`), screens the period's activities
   (:func:`kotaku_gis.screening.screen`), counts complaints (:func:`kotaku_gis.pengaduan.counts`) and
   facilitators required (:mod:`kotaku_gis.staffing`). This analysis is made once per province for
   the rows held, and a unit below the nation takes its part of it (:func:`_part`): its rows of each
   level of the roll-up, the activities, findings and locations placed in its area. A unit holding
   a location or an activity whose rows lie in two kelurahan (moved between periods), a kab/kota
   without kelurahan (no staffing of its own), or a unit of a province whose analysis fails (a row
   of another unit may be at fault), analyses its own rows;
3. writes its products into a fresh folder ``tmp/<fingerprint>.<pid>`` of the pack's work area: the
   progress map (:mod:`kotaku_gis.maps`, with the pack's shared assets), its PNG, the tables, and
   ``unit.json`` (key figures of the unit and its children, the SHA-256 of every file);
4. renames that folder to ``unit/<fingerprint>``: a unit is there whole or not at all, and a resumed
   run skips every unit already there.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import files, progress, scoring, screening, settings, staffing
from kotaku_gis import wilayah as wil
from kotaku_gis.errors import KotakuError
from kotaku_gis.mappack import _data as data
from kotaku_gis.mappack._common import plain, tp

#: Name of the record of a built unit inside its folder.
RECORD = "unit.json"

#: The key figures of a unit (and of each of its children), in order. Every one is in the summary
#: workbook; the recipe's ``angka_kunci`` picks those shown on the index pages.
FIGURES: tuple[str, ...] = (
    "luas_kumuh_awal_ha",
    "luas_kumuh_akhir_ha",
    "luas_tertangani_ha",
    "persen_pengurangan",
    "lokasi_total",
    "lokasi_awal",
    "lokasi_akhir",
    "lokasi_keluar_kumuh",
    "lokasi_baru",
    "lokasi_belum_dinilai",
    "lokasi_tidak_ditetapkan_lagi",
    "lokasi_berat",
    "lokasi_sedang",
    "lokasi_ringan",
    "nilai_rerata_awal",
    "nilai_rerata_akhir",
    "kegiatan_total",
    "kegiatan_selesai",
    "progres_fisik_rerata",
    "biaya_idr_total",
    "temuan_total",
    *[f"temuan_{s}" for s in screening.STATUSES],
    "kegiatan_bertemuan",
    "pengaduan_total",
    "pengaduan_terbuka",
    "pengaduan_terlambat",
    "kelurahan_kumuh",
    "fasilitator_dibutuhkan",
)

_SENTINEL = "\x00mappack"  # id of the two placeholder locations, see _per_lokasi
_SENTINEL_KODE = "11.01.01.1001"


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to build one unit (picklable)."""

    tingkat: str
    kode: str
    nama: str
    child: str | None
    fingerprint: str
    inputs: dict[str, str]
    periode: str
    baseline: str
    produk: tuple[str, ...]
    tabel: tuple[str, ...]
    progres_sampai: str
    folder_aset: str
    png_dpi: int
    lang: str
    sumber: tuple[str, ...]
    work: str

    @property
    def slug(self) -> str:
        return unit_slug(self.kode)


def unit_slug(kode: str) -> str:
    """Folder and file-name part of a unit: its code, ``nasional`` for the nation."""
    return kode or "nasional"


@dataclass
class Held:
    """What a unit's map takes from the rows a worker holds, worked out once per read
    (:func:`_scored_kumuh`, :func:`_zones`); an empty field: the unit works it out itself."""

    #: The unit's slum locations scored with the 7+1 view.
    scored: pd.DataFrame | None = None
    #: The setback zones of the unit's protected features (None: none), when ``has_sempadan``.
    sempadan: gpd.GeoDataFrame | None = None
    has_sempadan: bool = False


# -- worker state ------------------------------------------------------------------------------------
@dataclass
class _State:
    store: Any = None
    scope: str | None = None
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    codes: dict[str, pd.Series] = field(default_factory=dict)
    #: Row hashes of ``frames`` and of ``lindung`` (:func:`kotaku_gis.mappack._data.row_hashes`), once per read.
    hashes: dict[str, np.ndarray] = field(default_factory=dict)
    lindung: gpd.GeoDataFrame | None = None
    boxes: np.ndarray | None = None
    decrees: pd.DataFrame | None = None
    #: (layer, level) -> the code at ``level`` of each row of ``frames[layer]``, once per read.
    ancestors: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    #: ``frames["kawasan_kumuh"]`` scored with the 7+1 view, once per read (:func:`_scored_kumuh`).
    scored: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    #: The setback zone parts of each feature of ``lindung`` made so far
    #: (:func:`kotaku_gis.maps.inputs.zona_sempadan_parts`; ``done`` marks them).
    zones: dict[str, np.ndarray] = field(default_factory=dict)
    #: The analysis of the rows held of the province last asked for (:func:`_province`), once per read.
    province: dict[tuple[str, ...], _Province | None] = field(default_factory=dict)


_STATE = _State()


def init_worker(url: str, options: dict[str, Any]) -> None:
    """Initialiser of a worker process: settings of the parent, own store, exit with the parent."""
    import signal

    for name, value in options.items():
        setattr(settings, name, value)
    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    from kotaku_gis.store import open_store

    reset()  # a forked worker starts without the parent's rows and connection
    _STATE.store = open_store(url)
    parent = os.getppid()

    def watch() -> None:  # a killed parent cannot stop its workers: they stop themselves
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="mappack-parent-watch", daemon=True).start()


def use_store(store: Any) -> None:
    """Build units in this process with ``store`` (no worker processes)."""
    if _STATE.store is not store:
        _STATE.store = store
        reset()


def reset() -> None:
    """Forget the rows kept in this process (the next unit reads again)."""
    _STATE.scope = None
    _STATE.frames = {}
    _STATE.codes = {}
    _STATE.hashes = {}
    _STATE.lindung = None
    _STATE.boxes = None
    _STATE.decrees = None
    _STATE.ancestors = {}
    _STATE.scored = {}
    _STATE.zones = {}
    _STATE.province = {}


def _read_scope(kode: str) -> str:
    """The area read for a unit: the nation for the nation, else the unit's province."""
    return "" if kode == "" else kode[:2]


def _covers(held: str | None, scope: str) -> bool:
    return held is not None and (held == "" or held == scope)


def _hold(task: Task) -> None:
    """Hold the rows of the task's read scope (its province, or the nation), unless held already."""
    scope = _read_scope(task.kode)
    if not _covers(_STATE.scope, scope):
        _STATE.frames = data.read_layers(_STATE.store, task.periode, task.baseline, scope or None)
        _STATE.codes = {layer: data.normalized_codes(f, layer) for layer, f in _STATE.frames.items()}
        _STATE.hashes.update({layer: data.row_hashes(f) for layer, f in _STATE.frames.items()})
        _STATE.ancestors = {}
        _STATE.scored = {}
        _STATE.province = {}
        _STATE.scope = scope
    if _STATE.lindung is None:
        _STATE.lindung = _STATE.store.read("kawasan_lindung")
        _STATE.boxes = data.reach_boxes(_STATE.lindung)
        _STATE.hashes["kawasan_lindung"] = data.row_hashes(_STATE.lindung)


def _in_area(layer: str, kode: str) -> np.ndarray:
    """:func:`kotaku_gis.mappack._data.in_area` of the rows held of ``layer``, each row's code at the
    unit's level cut once per read (not once per unit)."""
    if kode == "":
        return data.in_area(_STATE.codes[layer], kode)
    key = (layer, wil.tingkat(kode))
    if key not in _STATE.ancestors:
        _STATE.ancestors[key] = data.unit_keys(_STATE.codes[layer], key[1]).to_numpy(dtype=object)
    return _STATE.ancestors[key] == kode


def _area(kode: str) -> tuple[dict[str, np.ndarray], dict[str, gpd.GeoDataFrame], np.ndarray]:
    """The rows held that lie in the unit ``kode``: the mask and the rows of each coded layer, and
    the positions of the protected features within reach of the unit's window."""
    assert _STATE.boxes is not None
    masks = {layer: _in_area(layer, kode) for layer in data.CODED_LAYERS}
    area = {layer: _STATE.frames[layer][masks[layer]] for layer in data.CODED_LAYERS}
    bounds = np.vstack([data.row_bounds(area[layer]) for layer in ("wilayah", "kawasan_kumuh", "kegiatan")])
    return masks, area, data.near(_STATE.boxes, data.window(bounds))


def _scored_kumuh(mask: np.ndarray) -> pd.DataFrame | None:
    """The rows ``mask`` of the slum locations held, scored with the 7+1 view (what :func:`_maps`
    draws), from the rows held scored once per read: scoring gives each row its own result, with
    categories of a fixed vocabulary. None when that cannot stand for scoring the unit's own rows:
    scoring refuses a row of the read (the unit scores its rows and fails only if the row is its
    own), or the rows are assessed under more than one rule set (the 7+1 columns depend on which
    rule sets a frame holds)."""
    if "kumuh" not in _STATE.scored:
        held = _STATE.frames["kawasan_kumuh"]
        try:
            scored: pd.DataFrame | None = scoring.indikator_7plus1(scoring.score(held)) if len(held) else None
        except KotakuError:
            scored = None
        if scored is not None and len(set(scored["aturan_penilaian"].tolist())) != 1:
            scored = None
        _STATE.scored["kumuh"] = scored
    held_scored = _STATE.scored["kumuh"]
    return None if held_scored is None else held_scored[mask]


def _held(task: Task, near: np.ndarray, lindung: gpd.GeoDataFrame, kumuh_mask: np.ndarray) -> Held:
    """What the unit's map takes from the rows held (nothing when it draws no map)."""
    from kotaku_gis import maps

    if not {"peta", "png"} & set(task.produk):
        return Held()
    held = _zones(near, lindung) if "sempadan" in maps.recipes().level(task.tingkat).layers else Held()
    held.scored = _scored_kumuh(kumuh_mask)
    return held


def _zones(near: np.ndarray, lindung: gpd.GeoDataFrame) -> Held:
    """:func:`kotaku_gis.maps.inputs.zona_sempadan` of ``lindung``, the protected features held at
    positions ``near``, from the zone of each feature made once per process (it depends on that
    feature alone: neighbouring units share their rivers); nothing when a feature's setback cannot
    be worked out (the unit then makes its own zones, and fails as it did)."""
    from kotaku_gis.maps import inputs as map_inputs

    assert _STATE.lindung is not None
    z = _STATE.zones
    if not z:
        n = len(_STATE.lindung)
        z.update(done=np.zeros(n, dtype=bool), has=np.zeros(n, dtype=bool), widths=np.zeros(n))
        z["zones"] = np.full(n, None, dtype=object)
    todo = near[~z["done"][near]]
    if len(todo):
        try:
            has, widths, zones = map_inputs.zona_sempadan_parts(_STATE.lindung.iloc[todo])
        except KotakuError:
            return Held()
        z["has"][todo], z["widths"][todo], z["zones"][todo], z["done"][todo] = has, widths, zones, True
    frame = map_inputs.sempadan_frame(lindung, z["has"][near], z["widths"][near], z["zones"][near])
    return Held(sempadan=frame, has_sempadan=True)


# -- building ----------------------------------------------------------------------------------------
class DataChanged(KotakuError):
    """The rows of a unit are no longer those the run was planned with."""


def build_unit(task: Task) -> dict[str, Any]:
    """Build one unit into ``<work>/unit/<fingerprint>`` and return its record.

    Returns the record of the unit already there when another process built it first.
    """
    t0 = time.perf_counter()
    work = Path(task.work)
    final = work / "unit" / task.fingerprint
    if (final / RECORD).is_file():
        return json.loads((final / RECORD).read_text(encoding="utf-8"))
    _hold(task)
    masks, area, near = _area(task.kode)
    assert _STATE.lindung is not None
    lindung = _STATE.lindung.iloc[near]
    # the rows' hashes were taken once per read (a row's hash does not depend on the other rows)
    found = {layer: data.digest(_STATE.hashes[layer][masks[layer]]) for layer in data.CODED_LAYERS}
    found["kawasan_lindung"] = data.digest(_STATE.hashes["kawasan_lindung"][near])
    changed = sorted(k for k in task.inputs if found.get(k) != task.inputs[k])
    if changed:
        raise DataChanged(tp("error.data_changed", task.lang, layers=", ".join(changed)))

    tmp = work / "tmp" / f"{task.fingerprint}.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        lindung = lindung.reset_index(drop=True)
        record = _products(task, area, lindung, tmp, _held(task, near, lindung, masks["kawasan_kumuh"]))
        record["detik"] = round(time.perf_counter() - t0, 3)
        (tmp / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(tmp, final)  # atomic: the unit is there whole or not at all
        except OSError:
            if not (final / RECORD).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # built meanwhile by another process
            return json.loads((final / RECORD).read_text(encoding="utf-8"))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return record


def safe_build_unit(task: Task) -> tuple[str, Any, float]:
    """:func:`build_unit` in a worker: ``("ok", record, seconds)`` or ``("gagal", reason, seconds)``
    (an error of one unit is a result, never an exception that could break the pool)."""
    t0 = time.perf_counter()
    try:
        return "ok", build_unit(task), time.perf_counter() - t0
    except KotakuError as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return "gagal", text, time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001
        return "gagal", f"{type(exc).__name__}: {exc}", time.perf_counter() - t0


@dataclass
class Analysis:
    """What the products of a unit show, computed once (the pack's products and the monev report)."""

    #: The roll-up from the unit down, with complaint counts and staffing (``kotaku-gis progress``).
    levels: dict[str, pd.DataFrame]
    #: Each activity once, as of its latest report up to the period.
    now: gpd.GeoDataFrame
    #: Screening findings of ``now`` (:func:`kotaku_gis.screening.screen`).
    temuan: pd.DataFrame
    #: The unit's and its children's rows with the findings counted (:data:`FIGURES`).
    per_level: dict[str, pd.DataFrame]
    #: Each slum location at the baseline and now (:func:`kotaku_gis.progress.progress_lokasi`).
    per_lokasi: pd.DataFrame


def analyse(
    area: dict[str, gpd.GeoDataFrame],
    lindung: gpd.GeoDataFrame,
    *,
    tingkat: str,
    kode: str,
    child: str | None,
    periode: str,
    baseline: str,
    lowest: str,
    lang: str,
    decrees: pd.DataFrame | None = None,
) -> Analysis:
    """Score, compare, roll up, screen and count the rows of one unit's area (see the module docstring)."""
    w = area["wilayah"]
    kumuh = area["kawasan_kumuh"]
    kegiatan = area["kegiatan"]
    per = _per_lokasi(kumuh, periode, baseline, decrees)
    keg_cols = [
        c for c in ("id_kegiatan", "kode_kelurahan", "periode", "status", "progres_fisik", "biaya_idr") if c in kegiatan.columns
    ]
    units = pd.DataFrame(w[["kode", "nama"]])
    levels = progress.report(per, pd.DataFrame(kegiatan[keg_cols]), units, periode=periode, tingkat=lowest, kode=kode,
                             complaints=area["pengaduan"], staff=_staff(kode, periode, area, kumuh))  # fmt: skip
    from kotaku_gis.maps.inputs import latest_kegiatan

    now = latest_kegiatan(kegiatan, periode)  # each activity once, as of its latest report
    temuan = _screen(now, lindung, lang)
    wanted = [lv for lv in (tingkat, child) if lv is not None]
    per_level = {lv: _figures(levels[lv], lv, now, temuan) for lv in wanted}
    return Analysis(levels, now, temuan, per_level, per)


# -- a unit's part of its province's analysis -----------------------------------------------------------
@dataclass
class _Province:
    """The analysis of the rows held of one province, down to the kelurahan, for each of its units to
    take its part of (:func:`_part`): a unit's figures are its rows of the province's roll-up, its
    activities and findings those placed in its area."""

    analysis: Analysis
    #: Slum locations and activities whose rows lie in more than one kelurahan: a unit holding any of
    #: them analyses its own rows (its own view of such an entity can differ from the province's).
    moved_lokasi: frozenset[Any]
    moved_kegiatan: frozenset[Any]
    #: The kab/kota with staffing of their own (a kelurahan to count), read off the province's roll-up:
    #: a kab/kota without one has no staffing columns in its own analysis, where the province's
    #: roll-up gives it zeros (``progress.attach``), so it analyses its own rows.
    staffed: frozenset[str]
    #: (frame, level) -> the code at ``level`` of each row of a frame of ``analysis``, once.
    keys: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)


def _analysis(task: Task, area: dict[str, gpd.GeoDataFrame], lindung: gpd.GeoDataFrame, lowest: str) -> Analysis:
    """The unit's :class:`Analysis`: its part of its province's (:func:`_part`), else its own."""
    province = _province(task) if task.kode else None
    part = _part(province, task, area, lowest) if province is not None else None
    if part is not None:
        return part
    return analyse(area, lindung, tingkat=task.tingkat, kode=task.kode, child=task.child, periode=task.periode,
                   baseline=task.baseline, lowest=lowest, lang=task.lang, decrees=_decrees())  # fmt: skip


def _province(task: Task) -> _Province | None:
    """The analysis of the rows held of the unit's province (one province kept at a time); None when
    it fails (a row of another unit may be at fault: each unit then analyses its own rows and fails
    only if the row is its own)."""
    kode = task.kode[:2]
    key = (kode, task.periode, task.baseline, task.lang)
    if key not in _STATE.province:
        _STATE.province = {key: _analyse_province(kode, task)}
    return _STATE.province[key]


def _analyse_province(kode: str, task: Task) -> _Province | None:
    masks, area, near = _area(kode)
    assert _STATE.lindung is not None
    lindung = _STATE.lindung.iloc[near].reset_index(drop=True)
    lokasi = _moved(area["kawasan_kumuh"]["id_lokasi"], _STATE.codes["kawasan_kumuh"][masks["kawasan_kumuh"]])
    kegiatan = _moved(area["kegiatan"]["id_kegiatan"], _STATE.codes["kegiatan"][masks["kegiatan"]])
    if lokasi is None or kegiatan is None:
        return None
    try:
        a = analyse(area, lindung, tingkat="provinsi", kode=kode, child=None, periode=task.periode,
                    baseline=task.baseline, lowest="kelurahan", lang=task.lang, decrees=_decrees())  # fmt: skip
    except Exception:  # noqa: BLE001  (any error: each unit's own analysis fails, or not, as it would alone)
        return None
    kabkota = a.levels.get("kabkota", pd.DataFrame())
    staffed = frozenset(kabkota.loc[kabkota["kelurahan_total"] > 0, "kode"]) if "kelurahan_total" in kabkota else frozenset()
    return _Province(a, lokasi, kegiatan, staffed)


def _moved(ids: pd.Series, codes: pd.Series) -> frozenset[Any] | None:
    """The ids whose rows lie in more than one kelurahan (or in none); None when an id is missing."""
    if ids.isna().any():
        return None
    both = pd.DataFrame({"id": ids.to_numpy(dtype=object), "kode": codes.to_numpy(dtype=object)})
    places = both.groupby("id", sort=False)["kode"].nunique(dropna=False)
    return frozenset(places.index[(places != 1).to_numpy()].tolist() + both.loc[both["kode"].isna(), "id"].tolist())


def _part(p: _Province, task: Task, area: dict[str, gpd.GeoDataFrame], lowest: str) -> Analysis | None:
    """The unit's part of its province's analysis ``p``: the rows of each level from the unit's down to
    ``lowest`` that lie in the unit, the activities, findings and locations placed in its area. None
    when the unit holds a location or an activity whose rows lie in more than one kelurahan, or when
    it is a kab/kota without staffing of its own (:attr:`_Province.staffed`). (A provinsi unit's rows
    are its province's: its staffing is the same either way.)"""
    if p.moved_lokasi and not p.moved_lokasi.isdisjoint(area["kawasan_kumuh"]["id_lokasi"].tolist()):
        return None
    if p.moved_kegiatan and not p.moved_kegiatan.isdisjoint(area["kegiatan"]["id_kegiatan"].tolist()):
        return None
    if task.tingkat == "kabkota" and task.kode not in p.staffed:
        return None
    a = p.analysis
    order = wil.ROLLUP_LEVELS
    top, bottom = order.index(task.tingkat), order.index(lowest)
    levels = {
        lv: _rows_in(p, f"levels.{lv}", frame, frame["kode"], task)
        for lv, frame in a.levels.items()
        if top <= order.index(lv) <= bottom
    }
    now = _rows_in(p, "now", a.now, a.now["kode_kelurahan"], task)
    place = dict(zip(a.now["id_kegiatan"].tolist(), a.now["kode_kelurahan"].tolist()))
    temuan = _rows_in(p, "temuan", a.temuan, a.temuan["id_kegiatan"].map(place), task)
    per_lokasi = _rows_in(p, "per_lokasi", a.per_lokasi, a.per_lokasi["kode_kelurahan"], task)
    per_lokasi.attrs.update(a.per_lokasi.attrs)
    wanted = [lv for lv in (task.tingkat, task.child) if lv is not None]
    per_level = {lv: _figures(levels[lv], lv, now, temuan) for lv in wanted}
    return Analysis(levels, now, temuan, per_level, per_lokasi)


def _rows_in(p: _Province, name: str, frame: pd.DataFrame, codes: pd.Series, task: Task) -> Any:
    """The rows of ``frame`` (``name`` of the province's analysis ``p``) whose code (``codes``) lies in
    the unit; each row's code at the unit's level cut once per province."""
    key = (name, task.tingkat)
    if key not in p.keys:
        normalized = wil.normalize_kode_series(codes)[0] if len(codes) else pd.Series([], dtype=object)
        p.keys[key] = data.unit_keys(normalized, task.tingkat).to_numpy(dtype=object)
    return frame[p.keys[key] == task.kode].reset_index(drop=True)


def _products(
    task: Task, area: dict[str, gpd.GeoDataFrame], lindung: gpd.GeoDataFrame, out: Path, held: Held | None = None
) -> dict[str, Any]:
    slug = task.slug
    w = area["wilayah"]
    kumuh = area["kawasan_kumuh"]
    names = dict(zip(w["kode"].astype(str), w["nama"]))
    lowest = _deeper(task.progres_sampai, task.child or task.tingkat, task.tingkat)
    a = _analysis(task, area, lindung, lowest)
    levels, now, temuan, per_level = a.levels, a.now, a.temuan, a.per_level
    own = per_level[task.tingkat].iloc[0]
    children = per_level[task.child] if task.child else None

    written: list[str] = []
    if "tabel" in task.produk:
        written += _tables(task, levels, now, temuan, names, out)
    if "peta" in task.produk or "png" in task.produk:
        written += _maps(task, area, kumuh, now, temuan, lindung, levels, out, progress.dropped_ids(a.per_lokasi), held)
    if "laporan" in task.produk:
        written += _report(task, area, a, names, out)

    return {
        "tingkat": task.tingkat,
        "kode": task.kode,
        "nama": task.nama,
        "sidik_jari": task.fingerprint,
        "masukan": dict(task.inputs),
        "periode": task.periode,
        "baseline": task.baseline,
        "angka": _plain_row(own),
        "anak": {
            "tingkat": task.child,
            "baris": [_plain_row(r) | {"kode": r["kode"], "nama": plain(r["nama"])} for _, r in children.iterrows()]
            if children is not None
            else [],
        },
        "berkas": {name: _file_entry(out / name) for name in sorted(written)},
        "slug": slug,
    }


def _deeper(*levels: str) -> str:
    order = wil.ROLLUP_LEVELS
    return max(levels, key=order.index)


def _decrees() -> pd.DataFrame:
    """The decrees (SK Kumuh) of the store this process builds from (read once)."""
    if _STATE.decrees is None:
        _STATE.decrees = _STATE.store.decrees()
    return _STATE.decrees


def _per_lokasi(kumuh: pd.DataFrame, periode: str, baseline: str, decrees: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`progress.progress_lokasi` of the rows of one area.

    ``progress_lokasi`` checks the periods against those of its input; an area may lack one of
    them (no assessment yet at the baseline, say). Two placeholder locations, one per period, make
    both periods present; they are dropped from the result (each location's row depends on that
    location's rows only).
    """
    cols = [c for c in progress.kumuh_columns() if c in kumuh.columns]
    rows = pd.DataFrame(kumuh[cols])
    sentinel = pd.DataFrame({
        "id_lokasi": [_SENTINEL, _SENTINEL], "kode_kelurahan": _SENTINEL_KODE, "periode": [baseline, periode],
        "luas_ha": 0.0, "nilai_kekumuhan": 0.0,
    })  # fmt: skip
    if baseline == periode:
        sentinel = sentinel.iloc[:1]
    both = pd.concat([rows, sentinel], ignore_index=True) if len(rows) else sentinel
    per = progress.progress_lokasi(both, periode, baseline, decrees=decrees)
    out = per[per["id_lokasi"] != _SENTINEL].reset_index(drop=True)
    out.attrs.update(per.attrs)
    return out


def _screen(kegiatan: gpd.GeoDataFrame, lindung: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    if len(kegiatan) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in screening.COLUMNS})
    return screening.screen(kegiatan, lindung, lang=lang)


def _child_codes(codes: pd.Series, level: str) -> pd.Series:
    if level == "nasional":
        return pd.Series("", index=codes.index, dtype=object)
    return wil.ancestor_series(codes, level)


#: Staffing columns carried by the pack's tables (``staffing.table`` without the assignments, which
#: the store does not hold).
_STAFF_COLUMNS = ("kelurahan_kumuh", "kelurahan_non_kumuh", "kelurahan_total", "fasilitator_kumuh",
                  "fasilitator_non_kumuh", "fasilitator_dibutuhkan")  # fmt: skip


def _staff(kode: str, periode: str, area: dict[str, gpd.GeoDataFrame], kumuh: pd.DataFrame) -> pd.DataFrame | None:
    """Facilitator staffing per kab/kota for :func:`kotaku_gis.progress.report`: from the kelurahan
    of ``wilayah`` and the slum kelurahan of the period (None when the unit is below kab/kota)."""
    if wil.tingkat(kode or "") not in progress.STAFFING_LEVELS:
        return None
    w = area["wilayah"]
    kelurahan = w.loc[(w["tingkat"] == "kelurahan").to_numpy(), "kode"].astype(str).tolist() if "tingkat" in w.columns else []
    now = kumuh[(kumuh["periode"] == periode).to_numpy()]
    slum = staffing.slum_kelurahan(pd.DataFrame(now.drop(columns="geometry", errors="ignore")))
    counts = staffing.kelurahan_counts(kelurahan, slum, kode=kode or None)
    if len(counts) == 0:
        return None
    return staffing.table(counts)[["kode", *_STAFF_COLUMNS]]


def _figures(frame: pd.DataFrame, level: str, now: pd.DataFrame, temuan: pd.DataFrame) -> pd.DataFrame:
    """The roll-up of one level with the screening findings of each unit's activities."""
    out = pd.DataFrame(frame.drop(columns=[c for c in ("geometry",) if c in frame.columns]))
    where = (
        pd.Series(now["kode_kelurahan"].to_numpy(), index=now["id_kegiatan"].to_numpy()) if len(now) else pd.Series(dtype=object)
    )
    where = where[~where.index.duplicated()]
    units = _child_codes(temuan["id_kegiatan"].map(where), level).to_numpy(dtype=object) if len(temuan) else np.zeros(0, object)
    codes = out["kode"].astype(str).tolist()  # the columns at once: assigning them one by one is slow for small frames
    new = {name: np.array([c.get(k, 0) for k in codes], dtype=np.int64) for name, c in _finding_counts(units, temuan).items()}
    if set(new).isdisjoint(out.columns):
        return pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
    for name, values in new.items():
        out[name] = values
    return out


def _finding_counts(units: np.ndarray, temuan: pd.DataFrame) -> dict[str, Counter[Any]]:
    """Per unit (``units``: the unit of each finding's activity, missing where it has none): the
    findings, those of each status, and the activities with a finding (Counters: fast for the few
    rows of a unit)."""
    placed = ~pd.isna(units)
    units = units[placed]
    status = temuan["status"].to_numpy()[placed] if len(temuan) else np.zeros(0, object)
    ids = temuan["id_kegiatan"].to_numpy(dtype=object)[placed] if len(temuan) else np.zeros(0, object)
    found = {"temuan_total": Counter(units.tolist())}
    found |= {f"temuan_{s}": Counter(units[status == s].tolist()) for s in screening.STATUSES}
    pairs = {(u, i) for u, i in zip(units.tolist(), ids.tolist()) if not pd.isna(i)}
    found["kegiatan_bertemuan"] = Counter(u for u, _ in pairs)
    return found


def _tables(
    task: Task,
    levels: dict[str, pd.DataFrame],
    now: pd.DataFrame,
    temuan: pd.DataFrame,
    names: dict[str, Any],
    out: Path,
) -> list[str]:
    slug = task.slug
    frames = {level: pd.DataFrame(f.drop(columns=[c for c in ("geometry",) if c in f.columns])) for level, f in levels.items()}
    table = frames[task.child] if task.child else frames[task.tingkat]
    detail = temuan.copy()
    if len(now):
        info = pd.DataFrame(now[[c for c in ("id_kegiatan", "kode_kelurahan", "nama", "jenis") if c in now.columns]])
        info = info.drop_duplicates("id_kegiatan").rename(columns={"nama": "nama_kegiatan"})
        detail = detail.merge(info, on="id_kegiatan", how="left")
        detail["nama_kelurahan"] = detail["kode_kelurahan"].map(names)
    return _write_tables(task, out, f"progres_{slug}", table, frames) + _write_tables(
        task, out, f"temuan_{slug}", detail, {"temuan": detail}
    )


def _write_tables(task: Task, out: Path, stem: str, table: pd.DataFrame, sheets: dict[str, pd.DataFrame]) -> list[str]:
    """``<stem>.<format>`` in each of the recipe's table formats: ``table`` as CSV, ``sheets`` as a
    workbook dated by the end of the period (the data's date, never the build's); the names written."""
    when = data.period_end_date(task.periode).to_pydatetime()
    written = []
    for fmt in task.tabel:
        path = out / f"{stem}.{fmt}"
        if fmt == "csv":
            files.write_table(table, path)
        else:
            files.write_table(sheets, path, when=when)
        written.append(path.name)
    return written


# -- monev report and follow-up register --------------------------------------------------------------
def _report(task: Task, area: dict[str, gpd.GeoDataFrame], a: Analysis, names: dict[str, Any], out: Path) -> list[str]:
    """The monev report of the unit (:mod:`kotaku_gis.monev`, DOCX and PDF, with the unit's map picture)
    and the follow-up register of its area (:func:`kotaku_gis.tindak_lanjut.table`, as of the period's end)."""
    from kotaku_gis import monev, tindak_lanjut

    slug = task.slug
    register = pd.DataFrame(area["tindak_lanjut"].drop(columns="geometry", errors="ignore"))
    end = data.period_end_date(task.periode).date()
    table = tindak_lanjut.table(register, end, task.lang)
    written = _write_tables(task, out, f"tindaklanjut_{slug}", table, {"tindak_lanjut": table})
    png = out / f"peta_{slug}.png"
    inputs = monev.Inputs(
        tingkat=task.tingkat, kode=task.kode, nama=task.nama, periode=task.periode, baseline=task.baseline,
        own=a.per_level[task.tingkat].iloc[0], children=a.per_level.get(task.child) if task.child else None,
        child=task.child, kumuh=pd.DataFrame(area["kawasan_kumuh"].drop(columns="geometry", errors="ignore")),
        kegiatan=a.now, temuan=a.temuan, register=register, names={str(k): str(v) for k, v in names.items()},
        peta=png if png.is_file() else None, decrees=_decrees(),
    )  # fmt: skip
    work = out / ".laporan"
    work.mkdir(exist_ok=True)
    try:
        doc = monev.content(inputs, work, task.lang)
        for suffix in ("docx", "pdf"):
            monev.write(doc, [out / f"laporan_{slug}.{suffix}"])
            written.append(f"laporan_{slug}.{suffix}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return written


# -- maps --------------------------------------------------------------------------------------------
def _maps(
    task: Task,
    area: dict[str, gpd.GeoDataFrame],
    kumuh: gpd.GeoDataFrame,
    now: gpd.GeoDataFrame,
    temuan: pd.DataFrame,
    lindung: gpd.GeoDataFrame,
    levels: dict[str, pd.DataFrame],
    out: Path,
    dropped: frozenset[str],
    held: Held | None = None,
) -> list[str]:
    """The progress map (HTML, with the pack's shared assets) and its picture (PNG), drawn by
    :mod:`kotaku_gis.maps` from frames already read and analysed here; ``dropped``: the locations a
    later decree no longer lists; ``held``: what was worked out already for the rows held."""
    from kotaku_gis import maps
    from kotaku_gis.maps import MapInputs, prepare, progress_map, save_map, static_map
    from kotaku_gis.maps import inputs as map_inputs

    recipe = maps.recipes().level(task.tingkat)
    w_map = area["wilayah"]  # every level of the area: prepare() picks the children, names and search entries
    children = levels[task.child] if task.child else levels[task.tingkat]
    children = pd.DataFrame(children.drop(columns=[c for c in ("geometry",) if c in children.columns]))
    scored, sempadan = _scored_and_zones(held or Held(), kumuh, lindung, "sempadan" in recipe.layers)
    has_baseline = task.baseline != task.periode
    sources = list(task.sumber)
    sources += [s for s in map_inputs.source_keys(kumuh, now, lindung) if s not in sources]
    inputs = MapInputs(
        tingkat=task.tingkat,
        kode=task.kode,
        periode=task.periode,
        wilayah=w_map,
        baseline=task.baseline if has_baseline else None,
        rollup=map_inputs.rollup_levels(children),
        kumuh=scored[scored["periode"] == task.periode].reset_index(drop=True) if len(scored) else None,
        kumuh_awal=scored[scored["periode"] == task.baseline].reset_index(drop=True) if len(scored) and has_baseline else None,
        lokasi_tidak_ditetapkan=dropped,
        kegiatan=now if len(now) else None,
        temuan=temuan if len(temuan) else None,
        lindung=lindung if len(lindung) else None,
        sempadan=sempadan,
        nama=task.nama,
        tanggal_data=str(data.period_end_date(task.periode).date()),
        sumber=sources,
    )
    prepared = prepare(inputs)
    written = []
    if "peta" in task.produk:
        page = out / f"peta_{task.slug}.html"
        save_map(progress_map(prepared, lang=task.lang, assets=f"shared:../../{task.folder_aset}"), page)
        written.append(page.name)
    if "png" in task.produk:
        png = out / f"peta_{task.slug}.png"
        tmp = out / f".peta_{task.slug}.tmp.png"
        static_map(prepared, tmp, lang=task.lang, dpi=task.png_dpi)
        os.replace(tmp, png)
        written.append(png.name)
    return written


def _scored_and_zones(
    held: Held, kumuh: pd.DataFrame, lindung: gpd.GeoDataFrame, zones: bool
) -> tuple[pd.DataFrame, gpd.GeoDataFrame | None]:
    """The map's slum locations scored with the 7+1 view and, when ``zones``, the setback zones of
    its protected features: those ``held`` has, else made here."""
    from kotaku_gis.maps import inputs as map_inputs

    scored = held.scored
    if scored is None:
        scored = scoring.indikator_7plus1(scoring.score(kumuh)) if len(kumuh) else kumuh
    if not zones or not len(lindung):
        return scored, None
    return scored, held.sempadan if held.has_sempadan else map_inputs.zona_sempadan(lindung)


# -- records -----------------------------------------------------------------------------------------
def _plain_row(row: pd.Series) -> dict[str, Any]:
    return {name: plain(row[name]) if name in row.index else None for name in FIGURES}


def _file_entry(path: Path) -> dict[str, Any]:
    from kotaku_gis.mappack._fs import sha256_file

    return {"sha256": sha256_file(path), "bytes": path.stat().st_size}
