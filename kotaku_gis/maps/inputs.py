"""What a progress map shows, read from a store and analysed: the bridge from the store to a map.

:func:`map_inputs` reads the layers of one unit and runs the analyses the map shows (the map itself
computes nothing): :func:`kotaku_gis.score` and :func:`kotaku_gis.indikator_7plus1` on the slum
locations, :func:`kotaku_gis.progress.progress_lokasi` and :func:`kotaku_gis.progress.rollup` for the
children, :func:`kotaku_gis.screening.screen` on the activities, and the setback zones from
:func:`kotaku_gis.screening.setbacks`. :func:`build_map` does that and writes the HTML/PNG/PDF files
(the ``kotaku-gis map`` command).

Which activities
    As the roll-up counts them: each activity once, as of its latest report in a period that ends no
    later than the period mapped (a year ends with its fourth quarter).

The slum level of a child unit
    The roll-up gives each unit the area-weighted mean score of its locations (``nilai_rerata_akhir``,
    ``nilai_rerata_awal``); :func:`rollup_levels` turns those into a level with the rule set's total
    bands (:func:`kotaku_gis.scoring.total_levels`, as :func:`kotaku_gis.score` would), as
    ``tingkat_kekumuhan_akhir`` / ``_awal``. A unit without assessed locations has no level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import geodesy, i18n, scoring, settings
from kotaku_gis._validate import period_end
from kotaku_gis.errors import UsageError
from kotaku_gis.maps._prepare import CLIP_MARGIN, MapInputs, _check_level
from kotaku_gis.maps._recipe import recipes

#: Text in a layer's rows that marks the sample's synthetic data, and the source key it adds.
_SOURCE_MARKS: tuple[tuple[str, str], ...] = (("SINTETIS", "sintetis"), ("Natural Earth", "natural_earth"), ("WDPA", "wdpa"))


def rollup_levels(rollup: pd.DataFrame) -> pd.DataFrame:
    """Add ``tingkat_kekumuhan_akhir`` / ``_awal``: the slum level of each unit's mean score.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.inputs import rollup_levels
    >>> r = rollup_levels(pd.DataFrame({"nilai_rerata_awal": [45.0, None], "nilai_rerata_akhir": [12.0, None]}))
    >>> r[["tingkat_kekumuhan_awal", "tingkat_kekumuhan_akhir"]]
      tingkat_kekumuhan_awal tingkat_kekumuhan_akhir
    0                 sedang             tidak_kumuh
    1                    NaN                     NaN
    """
    out = rollup.copy()
    for src, dst in (("nilai_rerata_awal", "tingkat_kekumuhan_awal"), ("nilai_rerata_akhir", "tingkat_kekumuhan_akhir")):
        levels = pd.Series(None, index=out.index, dtype=object)
        if src in out.columns:
            values = pd.to_numeric(out[src], errors="coerce")
            known = values.notna()
            if known.any():
                levels[known] = scoring.total_levels(values[known].to_numpy(dtype="float64"))
        out[dst] = levels
    return out


def indikator_per_unit(kumuh: pd.DataFrame, tingkat: str, periode: str, baseline: str | None) -> pd.DataFrame:
    """The 7+1 view of each unit: per aspect, the mean condition of its locations weighted by area.

    ``kumuh`` holds scored rows with the 7+1 view (:func:`kotaku_gis.indikator_7plus1`:
    ``kondisi_aspek_1`` .. ``kondisi_aspek_8``) of both periods; each period's locations count with
    their own area (``luas_ha``), those without a value for an aspect are left out of its mean.

    Returns
    -------
    DataFrame
        ``kode`` of the units of level ``tingkat`` and ``kondisi_aspek_<k>`` (the period) and
        ``kondisi_aspek_<k>_awal`` (the baseline).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.inputs import indikator_per_unit
    >>> k = pd.DataFrame({"kode_kelurahan": ["61.71.01.1001", "61.71.01.1002"], "periode": "2026Q3",
    ...                   "luas_ha": [1.0, 3.0], "kondisi_aspek_1": [80.0, 40.0]})
    >>> indikator_per_unit(k, "kecamatan", "2026Q3", None)
           kode  kondisi_aspek_1
    0  61.71.01             50.0
    """
    from kotaku_gis import wilayah

    out: pd.DataFrame | None = None
    cols = [c for c in (f"kondisi_aspek_{k}" for k in range(1, 9)) if c in kumuh.columns]
    for period, suffix in ((periode, ""), (baseline, "_awal")):
        if period is None or not cols or (suffix and period == periode):
            continue
        rows = kumuh[kumuh["periode"].astype(str) == period]
        if len(rows) == 0:
            continue
        key = wilayah.ancestor_series(rows["kode_kelurahan"].astype(str), tingkat).to_numpy()
        weight = pd.to_numeric(rows["luas_ha"], errors="coerce").fillna(0).to_numpy()
        parts = {}
        for c in cols:
            v = pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64")
            known = ~np.isnan(v)
            num = pd.Series(np.where(known, v * weight, 0.0)).groupby(key).sum()
            den = pd.Series(np.where(known, weight, 0.0)).groupby(key).sum()
            parts[c + suffix] = (num / den.where(den > 0)).round(2)
        frame = pd.DataFrame(parts).rename_axis("kode").reset_index()
        out = frame if out is None else out.merge(frame, on="kode", how="outer")
    return out if out is not None else pd.DataFrame({"kode": []})


def map_rollup(
    kumuh: pd.DataFrame,
    kegiatan: pd.DataFrame | None,
    wilayah: pd.DataFrame | None,
    tingkat: str,
    kode: str,
    periode: str,
    baseline: str | None,
    decrees: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The roll-up of the children of a map's unit (one level below ``tingkat``; a kelurahan itself).

    :func:`kotaku_gis.progress.rollup` of the children, with their slum level
    (:func:`rollup_levels`) and, when ``kumuh`` carries the 7+1 view, their area-weighted 7+1
    indicators (:func:`indikator_per_unit`). ``kumuh`` holds the scored rows of both periods (and
    of the ``decrees`` between them, see :func:`kotaku_gis.progress.progress_lokasi`).
    """
    from kotaku_gis import progress

    per = progress.progress_lokasi(kumuh, periode, baseline, decrees=decrees)
    return _rollup_of(per, kumuh, kegiatan, wilayah, tingkat, kode, periode, baseline)


def _rollup_of(
    per: pd.DataFrame, kumuh: pd.DataFrame, kegiatan: pd.DataFrame | None, wilayah: pd.DataFrame | None,
    tingkat: str, kode: str, periode: str, baseline: str | None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`map_rollup` from the per-location comparison already made."""
    from kotaku_gis import progress

    child = recipes().level(tingkat).child or tingkat
    units = None
    if wilayah is not None:
        units = pd.DataFrame(wilayah[["kode", "nama"]])
    rollup = rollup_levels(progress.rollup(per, kegiatan, units, child, kode=kode or None))
    view = indikator_per_unit(kumuh, child, periode, baseline)
    if len(view):
        rollup = rollup.merge(view, on="kode", how="left")
    return rollup


def latest_kegiatan(kegiatan: gpd.GeoDataFrame, periode: str) -> gpd.GeoDataFrame:
    """Each activity once, as of its latest report in a period ending no later than ``periode``."""
    if len(kegiatan) == 0:
        return kegiatan
    end = period_end(kegiatan["periode"])
    until = period_end([periode])[0]
    k = kegiatan.assign(_end=end)[end <= until]
    k = k.sort_values(["_end", "periode"], kind="stable").drop_duplicates("id_kegiatan", keep="last")
    return k.drop(columns="_end").reset_index(drop=True)


def zona_sempadan(lindung: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    """Setback zones: each feature's setback (:func:`kotaku_gis.screening.setbacks`) as a polygon.

    A line (river, coastline) or point (spring) becomes the strip or disc within its setback; an
    area becomes the ring around it. Buffers are made in the UTM zone of each feature
    (:func:`kotaku_gis.geodesy.utm_epsg_array`), for display; screening measures distances itself.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from kotaku_gis.maps.inputs import zona_sempadan
    >>> sungai = gpd.GeoDataFrame({"id_kawasan": ["S1"], "nama": ["Sungai"], "kategori": ["sungai"],
    ...     "perkotaan": [True], "bertanggul": [False], "kedalaman_m": [2.0]},
    ...     geometry=[LineString([(109.30, -0.03), (109.32, -0.03)])], crs="EPSG:4326")
    >>> z = zona_sempadan(sungai)
    >>> float(z["sempadan_m"].iloc[0]), round(float(z.geometry.iloc[0].bounds[3] + 0.03) * 111_320)
    (10.0, 10)
    """
    if lindung is None or len(lindung) == 0:
        return None
    return sempadan_frame(lindung, *zona_sempadan_parts(lindung))


def zona_sempadan_parts(lindung: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The parts of :func:`zona_sempadan`, one per feature: whether it has a zone, its setback
    (metres) and its zone (None without one). A feature's parts depend on that feature alone: the
    map pack makes each feature's once and takes a unit's from them (:func:`sempadan_frame`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> lindung = gpd.GeoDataFrame({"kategori": ["sungai", "sungai"], "kedalaman_m": [2.0, 2.0],
    ...     "perkotaan": [True, True], "bertanggul": [False, False]},
    ...     geometry=[LineString([(109.30, -0.03), (109.32, -0.03)]), Point()], crs="EPSG:4326")
    >>> has, widths, zones = zona_sempadan_parts(lindung)
    >>> has.tolist(), widths.tolist(), zones[1] is None
    ([True, False], [10.0, 10.0], True)
    """
    from kotaku_gis import screening

    width = screening.setbacks(lindung)
    has = (width > 0).to_numpy() & ~lindung.geometry.is_empty.to_numpy() & lindung.geometry.notna().to_numpy()
    zones = np.full(len(lindung), None, dtype=object)
    if not has.any():
        return has, width.to_numpy(), zones
    src = lindung[has]
    geoms = np.asarray(src.geometry.to_numpy(), dtype=object)
    rep = shapely.point_on_surface(geoms)
    epsg = geodesy.utm_epsg_array(shapely.get_x(rep), shapely.get_y(rep))
    out = np.empty(len(geoms), dtype=object)
    widths = width[has].to_numpy()
    for code in np.unique(epsg):
        idx = np.flatnonzero(epsg == code)
        part = gpd.GeoSeries(geoms[idx], crs=settings.storage_crs).to_crs(int(code))
        zone = part.buffer(widths[idx], quad_segs=8)
        polygonal = part.geom_type.str.contains("Polygon").to_numpy()
        if polygonal.any():
            zone[polygonal] = zone[polygonal].difference(part[polygonal])
        out[idx] = zone.to_crs(settings.storage_crs).to_numpy()
    zones[has] = out
    return has, width.to_numpy(), zones


def sempadan_frame(lindung: gpd.GeoDataFrame, has: np.ndarray, widths: np.ndarray, zones: np.ndarray) -> gpd.GeoDataFrame | None:
    """:func:`zona_sempadan` of ``lindung`` from the parts of its features (:func:`zona_sempadan_parts`)."""
    if not has.any():
        return None
    src = lindung[has]
    cols = [c for c in ("id_kawasan", "nama", "kategori") if c in src.columns]
    frame = pd.DataFrame(src[cols]).reset_index(drop=True)
    frame["sempadan_m"] = widths[has]
    return gpd.GeoDataFrame(frame, geometry=list(zones[has]), crs=settings.storage_crs)


def source_keys(*frames: pd.DataFrame | None) -> list[str]:
    """Attribution keys called for by the rows shown (synthetic data, Natural Earth, WDPA)."""
    found: list[str] = []
    for frame in frames:
        if frame is None or len(frame) == 0:
            continue
        for col, dtype in frame.dtypes.items():
            if col == "geometry" or not pd.api.types.is_object_dtype(dtype) and not pd.api.types.is_string_dtype(dtype):
                continue
            # one string per column, rows joined by a character no mark holds: one search per mark
            values = frame[col].to_numpy(dtype=object)
            text = "\x00".join(v if isinstance(v, str) else str(v) for v in values[~pd.isna(values)])
            for mark, key in _SOURCE_MARKS:
                if key not in found and mark in text:
                    found.append(key)
        if "iucn_kat" in frame.columns and frame["iucn_kat"].notna().any() and "wdpa" not in found:
            found.append("wdpa")
    return found


def _data_date(store: Any) -> str | None:
    try:
        loads = store.loads()
    except Exception:  # pragma: no cover - a store without a load log
        return None
    if len(loads) == 0 or "loaded_at" not in loads.columns:
        return None
    return str(loads["loaded_at"].dropna().max())[:10]


def _unit_boundaries(store: Any, tingkat: str, code: str) -> gpd.GeoDataFrame:
    """The boundaries a unit's map needs: its own, its children's, and its kelurahan when the map
    names them (the search box, the kelurahan names in the popups of what is drawn)."""
    level = recipes().level(tingkat)
    child = level.child
    named = level.search_kelurahan or bool({"kumuh", "kegiatan"} & set(level.layers))
    levels: set[str] = {child or "kelurahan", "kelurahan"} if named else {child or "kelurahan"}
    if code:
        levels.add(tingkat)
    w = store.read("wilayah", kode=code or None, tingkat=sorted(levels))
    if code and not (w["kode"] == code).any():
        raise UsageError(i18n.text("maps.error.no_unit", kode=code))
    return w


def map_inputs(
    store: Any,
    tingkat: str,
    kode: str | None,
    periode: str,
    baseline: str | None = None,
) -> MapInputs:
    """Read and analyse what the progress map of one unit shows.

    The boundaries of the unit and its children (and its kelurahan when the map names or searches
    them), the slum locations of the period and the baseline (scored, with the 7+1 view), the
    activities as of the period, their progress roll-up, and their screening against the protected
    features within reach (:func:`kotaku_gis.screening.protected_near`).

    Parameters
    ----------
    store : Store
        An open store (:func:`kotaku_gis.open_store`).
    tingkat : {"nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"}
        Level of the unit.
    kode : str or None
        Its Kemendagri code (None or ``""`` for nasional).
    periode : str
        The period mapped (as :func:`kotaku_gis.progress.normalize_periode` reads it).
    baseline : str, optional
        Baseline period; default the earliest slum-location period stored.

    Returns
    -------
    MapInputs

    Raises
    ------
    UsageError
        Unknown level or a code of another level; no boundaries for the unit or its children.
    DataError
        A period not stored, or data the analyses refuse (problems name the row and column).
    """
    from kotaku_gis import progress, screening

    code = _check_level(tingkat, kode or "")
    level = recipes().level(tingkat)
    child = level.child
    periode, baseline = progress.resolve_periods(store.periods("kawasan_kumuh"), periode, baseline)
    w = _unit_boundaries(store, tingkat, code)
    decrees = store.decrees()
    periods = sorted({baseline, periode, *progress.decree_periods(decrees, baseline, periode)})
    kumuh = store.read("kawasan_kumuh", periode=periods, kode=code or None)
    scored = scoring.indikator_7plus1(scoring.score(kumuh)) if len(kumuh) else kumuh
    now = scored[scored["periode"] == periode] if len(scored) else None
    awal = scored[scored["periode"] == baseline] if len(scored) and baseline != periode else None

    kegiatan_all = store.read("kegiatan", kode=code or None)
    kegiatan = latest_kegiatan(kegiatan_all, periode)

    kids = w[w["tingkat"] == (child or tingkat)]
    per = progress.progress_lokasi(scored, periode, baseline, decrees=decrees) if len(scored) else None
    rollup = _rollup_of(per, scored, kegiatan_all, kids, tingkat, code, periode, baseline) if per is not None else None
    dropped = progress.dropped_ids(per) if per is not None else frozenset()

    # the protected features the map can show (the unit's box and the margin it draws) and those that
    # can give its activities a finding (screening.protected_near)
    west, south, east, north = w.total_bounds if len(w) else (np.nan,) * 4
    margin = max(east - west, north - south) * CLIP_MARGIN
    lindung = screening.protected_near(store, (west - margin, south - margin, east + margin, north + margin))
    temuan = screening.screen(kegiatan, lindung) if len(kegiatan) else None
    sempadan = zona_sempadan(lindung) if "sempadan" in level.layers else None
    return MapInputs(
        tingkat=tingkat,
        kode=code,
        periode=periode,
        baseline=baseline if baseline != periode else None,
        wilayah=w,
        rollup=rollup,
        kumuh=now,
        kumuh_awal=awal,
        kegiatan=kegiatan,
        temuan=temuan,
        lindung=lindung,
        sempadan=sempadan,
        tanggal_data=_data_date(store),
        lokasi_tidak_ditetapkan=dropped,
        sumber=source_keys(kumuh, kegiatan, lindung),
    )


def build_map(
    store: Any,
    tingkat: str,
    kode: str | None,
    periode: str,
    outputs: list[str | Path],
    *,
    baseline: str | None = None,
    lang: str | None = None,
    assets: str = "inline",
    tiles: bool = False,
    mode: str | None = None,
) -> list[Path]:
    """Read, analyse and write the progress map of one unit to each of ``outputs``.

    Parameters
    ----------
    outputs : list of str or Path
        Files to write; the suffix chooses: ``.html`` (the offline page), ``.png``, ``.pdf``.
    store, tingkat, kode, periode, baseline
        As :func:`map_inputs`.
    lang, assets, tiles, mode
        As :func:`kotaku_gis.maps.progress_map` (``assets`` and ``tiles`` for HTML only).

    Returns
    -------
    list of Path
        The files written.
    """
    from kotaku_gis.maps._prepare import prepare
    from kotaku_gis.maps.progress_map import progress_map, save_map
    from kotaku_gis.maps.static import static_map

    paths = [Path(o) for o in outputs]
    for p in paths:
        if p.suffix.lower() not in (".html", ".htm", ".png", ".pdf"):
            raise UsageError(i18n.text("maps.error.bad_format", suffix=p.suffix or "(none)"))
    inputs = map_inputs(store, tingkat, kode, periode, baseline)
    prepared = prepare(inputs)
    written = []
    for p in paths:
        if p.suffix.lower() in (".html", ".htm"):
            m = progress_map(prepared, lang=lang, tiles=tiles, assets=assets, mode=mode)
            written.append(save_map(m, p, assets=assets))
        else:
            written.append(static_map(prepared, p, lang=lang, mode=mode))
    return written
