"""Private helpers of :mod:`kotaku_gis.progress`: the roll-up of locations and activities by code.

Additive quantities are summed per kelurahan, then level by level upwards; ratios are recomputed
from the sums at each level (see :mod:`kotaku_gis.progress`).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import _validate, i18n
from kotaku_gis import wilayah as kode_wilayah
from kotaku_gis._progress_frames import (
    _KEGIATAN_REQUIRED,
    _PER_LOKASI_REQUIRED,
    NAMA_NASIONAL,
    STATUS,
    _categorical,
    _kegiatan_status,
    _kelurahan_codes,
    _klasifikasi_codes,
    _levels_desc,
    _periode_column,
    _require_columns,
    _row_numbers,
    normalize_periode,
    per_distinct,
)
from kotaku_gis._wilayah_codes import _LENGTH
from kotaku_gis.errors import UsageError


def _rollup(
    per_lokasi: pd.DataFrame,
    kegiatan: pd.DataFrame | None,
    wilayah: pd.DataFrame | None,
    kode: str | None,
    *,
    lowest: str,
    only: str | None,
) -> dict[str, pd.DataFrame]:
    levels = kode_wilayah.ROLLUP_LEVELS
    if lowest not in levels:
        raise UsageError(i18n.text("progress.tingkat_invalid", tingkat=lowest, levels=", ".join(levels)))
    scope = _scope(kode)
    scope_level = kode_wilayah.tingkat(scope)
    top = levels.index(scope_level)
    if levels.index(lowest) < top:
        raise UsageError(
            i18n.text(
                "progress.tingkat_above_kode", tingkat=lowest, kode=scope, level=scope_level,
                allowed=", ".join(levels[top:]),
            )
        )  # fmt: skip
    _require_columns(per_lokasi, _PER_LOKASI_REQUIRED, "per_lokasi")
    periode, baseline = _periods_of(per_lokasi)

    sums = _kelurahan_sums(per_lokasi, kegiatan, periode, scope, scope_level)
    names, geometry = _units(wilayah, scope, scope_level)

    # Up from the kelurahan: each level = its own listed units + the sums of the level below.
    by_level: dict[str, pd.DataFrame] = {}
    current = sums
    for i in range(len(levels) - 1, top - 1, -1):
        level = levels[i]
        if i < len(levels) - 1:
            current = current.groupby(_cut(current.index.to_numpy(dtype=object), level), sort=False).sum()
        listed = names.get(level)
        if listed is not None and len(listed):
            current = current.reindex(current.index.union(listed.index), fill_value=0)
        if level == scope_level:  # the area asked for is always there, even without data: one row
            current = current.reindex([scope], fill_value=0)
        by_level[level] = current

    wanted = [only] if only is not None else list(levels[top : levels.index(lowest) + 1])
    out = {}
    for level in wanted:
        out[level] = _finish(by_level[level], level, periode, baseline, names, geometry)
    return out


def _scope(kode: Any) -> str:
    return kode_wilayah.area_code(kode, "progress.kode_invalid")


def _periods_of(per_lokasi: pd.DataFrame) -> tuple[str, str]:
    if len(per_lokasi):
        periode = per_lokasi["periode"].iloc[0]
        baseline = per_lokasi["baseline"].iloc[0]
    else:
        periode = per_lokasi.attrs.get("periode")
        baseline = per_lokasi.attrs.get("baseline")
    if periode is None or baseline is None:
        raise UsageError(i18n.text("progress.columns_missing", columns="periode, baseline", layer="per_lokasi"))
    return normalize_periode(periode), normalize_periode(baseline)


def _in_scope(codes: pd.Series, scope: str, scope_level: str) -> np.ndarray:
    """Which of the normalised ``codes`` lie in the area ``scope`` (of ``scope_level``)."""
    if scope == "":
        return codes.notna().to_numpy()
    return _cut(codes.to_numpy(dtype=object), scope_level) == scope


def _cut(codes: np.ndarray, level: str) -> np.ndarray:
    """The code at ``level`` of each normalised dotted code: :func:`kotaku_gis.wilayah.ancestor_series`
    for codes already normalised (a slice of each distinct code, without parsing them again); None
    where the code is missing or lies above ``level``."""
    length = _LENGTH[level]
    return per_distinct(
        codes, lambda u: np.array([c[:length] if isinstance(c, str) and len(c) >= length else None for c in u], dtype=object)
    )


def _kelurahan_sums(
    per_lokasi: pd.DataFrame, kegiatan: pd.DataFrame | None, periode: str, scope: str, scope_level: str
) -> pd.DataFrame:
    """Every additive quantity per kelurahan code (index), for the locations and activities in scope."""
    report = _validate.Problems("per_lokasi", _row_numbers(per_lokasi))
    codes = _kelurahan_codes(per_lokasi, report)
    report.raise_if_any()
    inside = _in_scope(codes, scope, scope_level)
    lok = per_lokasi.loc[inside]
    key = codes[inside].to_numpy()

    nilai_awal = lok["nilai_awal"].to_numpy(dtype="float64")
    nilai_akhir = lok["nilai_akhir"].to_numpy(dtype="float64")
    luas_awal = lok["luas_awal_ha"].to_numpy(dtype="float64")
    luas_akhir = lok["luas_akhir_ha"].to_numpy(dtype="float64")
    weighed_awal = ~np.isnan(nilai_awal) & ~np.isnan(luas_awal)
    weighed_akhir = ~np.isnan(nilai_akhir) & ~np.isnan(luas_akhir)
    levels = _levels_desc()
    klas_codes = _klasifikasi_codes()
    status = np.asarray(_categorical(lok["status"], list(STATUS)).codes)
    tingkat_akhir = np.asarray(_categorical(lok["tingkat_akhir"], levels).codes)
    klas = np.asarray(_categorical(lok["klasifikasi_akhir"], klas_codes).codes)
    parts: dict[str, Any] = {
        "luas_kumuh_awal_ha": lok["luas_kumuh_awal_ha"].to_numpy(dtype="float64"),
        "luas_kumuh_akhir_ha": lok["luas_kumuh_akhir_ha"].to_numpy(dtype="float64"),
        "luas_tertangani_ha": lok["luas_tertangani_ha"].to_numpy(dtype="float64"),
        "lokasi_total": np.ones(len(lok), dtype="int64"),
        "lokasi_awal": lok["kumuh_awal"].to_numpy(dtype=bool),
        "lokasi_akhir": lok["kumuh_akhir"].to_numpy(dtype=bool),
        "lokasi_keluar_kumuh": lok["keluar_kumuh"].to_numpy(dtype=bool),
        "lokasi_baru": status == STATUS.index("baru"),
        "lokasi_belum_dinilai": lok["belum_dinilai"].to_numpy(dtype=bool),
        "lokasi_tidak_ditetapkan_lagi": _flag(lok, "tidak_ditetapkan_lagi"),
    }
    for i, level in enumerate(levels):  # integer codes of the categoricals: one fast comparison each
        parts[f"lokasi_{level}"] = tingkat_akhir == i
    for i, code in enumerate(klas_codes):
        parts[f"klasifikasi_{code}"] = klas == i
    parts["_nilai_luas_awal"] = np.where(weighed_awal, nilai_awal * luas_awal, 0.0)
    parts["_luas_dinilai_awal"] = np.where(weighed_awal, luas_awal, 0.0)
    parts["_nilai_luas_akhir"] = np.where(weighed_akhir, nilai_akhir * luas_akhir, 0.0)
    parts["_luas_dinilai_akhir"] = np.where(weighed_akhir, luas_akhir, 0.0)
    # counts as int64 from the start (assigning columns of a frame is slow for small frames)
    table = pd.DataFrame({c: v.astype("int64") if v.dtype == bool else v for c, v in parts.items()})
    sums = table.groupby(key, sort=False).sum()

    activities = _kegiatan_sums(kegiatan, periode, scope, scope_level)
    joined = len(activities) > 0
    sums = sums.join(activities, how="outer") if joined else sums.reindex(columns=[*sums.columns, *activities.columns])
    sums = sums.fillna(0)
    ints = [c for c in sums.columns if c.startswith(("lokasi_", "klasifikasi_", "kegiatan_")) or c == "_progres_n"]
    wanted = set(ints)  # a new frame of the columns: faster than assigning or astype for small frames
    sums = pd.DataFrame(
        {c: sums[c].to_numpy().astype("int64") if c in wanted else sums[c].to_numpy() for c in sums.columns}, index=sums.index
    )
    sums.index.name = "kode"
    return sums


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column of a per-location frame; all False in frames made before it existed."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].to_numpy(dtype=bool)


def _kegiatan_sums(kegiatan: pd.DataFrame | None, periode: str, scope: str, scope_level: str) -> pd.DataFrame:
    """Activity counts by status, progress sums and costs per kelurahan code."""
    statuses = _kegiatan_status()
    columns = [f"kegiatan_{s}" for s in statuses] + ["kegiatan_total", "_progres_sum", "_progres_n", "biaya_idr_total"]
    if kegiatan is None or len(kegiatan) == 0:
        return pd.DataFrame(columns=columns, dtype="float64")
    _require_columns(kegiatan, _KEGIATAN_REQUIRED, "kegiatan")
    report = _validate.Problems("kegiatan", _row_numbers(kegiatan))
    codes = _kelurahan_codes(kegiatan, report)
    periods = _periode_column(kegiatan, report)
    status = pd.Series(per_distinct(kegiatan["status"], _status_text), index=kegiatan.index, dtype=object)
    report.add_each(
        "progress_status_unknown", ~status.isin(statuses).to_numpy(), "status",
        value=kegiatan["status"], allowed=", ".join(statuses),
    )  # fmt: skip
    numbers = {}
    for col in ("progres_fisik", "biaya_idr"):
        if col in kegiatan.columns:
            values = pd.to_numeric(kegiatan[col], errors="coerce")
            bad = (values.isna() & kegiatan[col].notna()).to_numpy()
            report.add_each("progress_not_a_number", bad, col, value=kegiatan[col])
            numbers[col] = values.to_numpy(dtype="float64", na_value=np.nan)
        else:
            numbers[col] = np.full(len(kegiatan), np.nan)
    report.raise_if_any()

    frame = pd.DataFrame(
        {
            "id": kegiatan["id_kegiatan"].to_numpy(),
            "kode": codes.to_numpy(),
            "periode": periods.to_numpy(),
            "end": _validate.period_end(periods),
            "status": status.to_numpy(),
            "progres": numbers["progres_fisik"],
            "biaya": numbers["biaya_idr"],
        }
    )
    until = float(_validate.period_end([periode])[0])
    frame = frame[(frame["end"] <= until) & _in_scope(frame["kode"], scope, scope_level)]
    # each activity once, as of its latest report (ties: the period that sorts last, a quarter over its year)
    frame = frame.sort_values(["end", "periode"], kind="stable").drop_duplicates("id", keep="last")
    has_progress = ~np.isnan(frame["progres"].to_numpy())
    parts: dict[str, Any] = {f"kegiatan_{s}": (frame["status"] == s).to_numpy().astype("int64") for s in statuses}
    parts["kegiatan_total"] = np.ones(len(frame), dtype="int64")
    parts["_progres_sum"] = np.where(has_progress, frame["progres"].to_numpy(), 0.0)
    parts["_progres_n"] = has_progress.astype("int64")
    parts["biaya_idr_total"] = np.nan_to_num(frame["biaya"].to_numpy(), nan=0.0)
    return pd.DataFrame(parts).groupby(frame["kode"].to_numpy(), sort=False).sum()[columns]


def _status_text(values: np.ndarray) -> np.ndarray:
    """Statuses as compared with the vocabulary: stripped, lower case; None where not text."""
    return np.array([v.strip().lower() if isinstance(v, str) else None for v in values], dtype=object)


def _units(wilayah: pd.DataFrame | None, scope: str, scope_level: str) -> tuple[dict[str, pd.Series], pd.Series | None]:
    """Listed units per level (kode -> nama) within the scope, and their geometry (or None).

    Every listed unit also lists its ancestors (unnamed unless listed themselves), so that each
    unit of the roll-up has its parent in the level above.
    """
    if wilayah is None or len(wilayah) == 0:
        return {}, None
    _require_columns(wilayah, ("kode",), "wilayah")
    report = _validate.Problems("wilayah", _row_numbers(wilayah))
    codes, invalid = kode_wilayah.normalize_kode_series(wilayah["kode"])
    report.add_each("progress_kode_invalid", invalid.to_numpy(), "kode", value=wilayah["kode"])
    report.raise_if_any()
    inside = _in_scope(codes, scope, scope_level) & codes.notna().to_numpy()
    codes = codes[inside]
    names = wilayah["nama"][inside] if "nama" in wilayah.columns else pd.Series(None, index=codes.index, dtype=object)
    named = pd.Series(names.to_numpy(dtype=object), index=codes.to_numpy()).groupby(level=0, sort=False).first()
    levels = kode_wilayah.ROLLUP_LEVELS
    out: dict[str, pd.Series] = {}
    distinct = named.index.to_numpy(dtype=object)
    for level in levels[levels.index(scope_level) :]:
        at = pd.unique(_cut(distinct, level))
        at = at[pd.notna(at)]
        if level == "nasional":
            out[level] = pd.Series([NAMA_NASIONAL], index=[""], dtype=object)
            continue
        out[level] = named.reindex(pd.Index(at, dtype=object))
    geometry = None
    if isinstance(wilayah, gpd.GeoDataFrame) and wilayah.geometry.name in wilayah.columns:
        geoms = wilayah.geometry[inside]
        geometry = gpd.GeoSeries(geoms.to_numpy(), index=codes.to_numpy(), crs=wilayah.crs)
        geometry = geometry[~geometry.index.duplicated()]
    return out, geometry


def _finish(
    sums: pd.DataFrame,
    level: str,
    periode: str,
    baseline: str,
    names: dict[str, pd.Series],
    geometry: gpd.GeoSeries | None,
) -> pd.DataFrame:
    """The published frame of one level: identity columns, sums, and ratios recomputed from sums."""
    sums = sums.sort_index()
    kode = sums.index.to_numpy(dtype=object)
    if level == "nasional":
        nama = np.array([NAMA_NASIONAL] * len(sums), dtype=object)
        induk = np.array([None] * len(sums), dtype=object)
    else:
        listed = names.get(level)
        nama = listed.reindex(sums.index).to_numpy(dtype=object) if listed is not None else np.full(len(sums), None, dtype=object)
        levels = kode_wilayah.ROLLUP_LEVELS
        induk = _cut(kode, levels[levels.index(level) - 1])
    s = {c: sums[c].to_numpy() for c in sums.columns}
    awal, akhir = s["luas_kumuh_awal_ha"], s["luas_kumuh_akhir_ha"]
    counts = [
        "lokasi_total", "lokasi_awal", "lokasi_akhir", "lokasi_keluar_kumuh", "lokasi_baru", "lokasi_belum_dinilai",
        "lokasi_tidak_ditetapkan_lagi", *(f"lokasi_{lv}" for lv in _levels_desc()),
        *(f"klasifikasi_{code}" for code in _klasifikasi_codes()),
    ]  # fmt: skip
    columns: dict[str, Any] = {
        "kode": kode, "nama": nama, "tingkat": level, "kode_induk": induk, "periode": periode, "baseline": baseline,
        "luas_kumuh_awal_ha": awal, "luas_kumuh_akhir_ha": akhir, "luas_tertangani_ha": s["luas_tertangani_ha"],
        "persen_pengurangan": _ratio(100.0 * (awal - akhir), awal),
        **{c: s[c] for c in counts},
        "nilai_rerata_awal": _ratio(s["_nilai_luas_awal"], s["_luas_dinilai_awal"]),
        "nilai_rerata_akhir": _ratio(s["_nilai_luas_akhir"], s["_luas_dinilai_akhir"]),
        **{f"kegiatan_{st}": s[f"kegiatan_{st}"] for st in _kegiatan_status()},
        "kegiatan_total": s["kegiatan_total"],
        "progres_fisik_rerata": _ratio(s["_progres_sum"], s["_progres_n"]),
        "biaya_idr_total": s["biaya_idr_total"].astype("float64"),
    }  # fmt: skip
    out = pd.DataFrame(columns)  # one frame at once: inserting 50 columns one by one costs more than the sums
    if geometry is not None:
        geoms = geometry.reindex(pd.Index(kode, dtype=object)).to_numpy()
        return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=geometry.crs), crs=geometry.crs)
    return out


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype="float64")
    den = np.asarray(denominator, dtype="float64")
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
