"""How the follow-up register's issues are found in the monitoring results (pure functions).

Private to :mod:`kotaku_gis.tindak_lanjut`, which re-exports :func:`derive` and the ``from_*``
functions: each turns one kind of monitoring result (screening findings, complaints past their
service time, slum locations without improvement, stalled activities, locations not reassessed)
into findings with :data:`~kotaku_gis._tindak_lanjut_rules.FINDING_COLUMNS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import pengaduan, progress, scoring
from kotaku_gis import wilayah as wil
from kotaku_gis._tindak_lanjut_rules import FINDING_COLUMNS, rules
from kotaku_gis._validate import period_end


# -- derivation (pure) -----------------------------------------------------------------------------------
def _points(frame: gpd.GeoDataFrame | pd.DataFrame) -> list[Any]:
    if not isinstance(frame, gpd.GeoDataFrame) or len(frame) == 0:
        return [None] * len(frame)
    geoms = frame.geometry
    ok = geoms.notna() & ~geoms.is_empty
    out: list[Any] = [None] * len(frame)
    if ok.any():
        reps = geoms[ok].representative_point()
        for i, p in zip(np.flatnonzero(ok.to_numpy()), reps):
            out[i] = p
    return out


def _findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    return frame.sort_values(["jenis", "id_sumber"], kind="stable").reset_index(drop=True)


def from_screening(temuan: pd.DataFrame, kegiatan: gpd.GeoDataFrame) -> pd.DataFrame:
    """Findings from screening: one per activity and status (``tidak_layak``, ``perlu_tinjauan``).

    ``temuan`` is :func:`kotaku_gis.screening.screen`'s result for ``kegiatan`` (each activity once);
    the detail is the activity's negative-list items, sorted.
    """
    rows: list[dict[str, Any]] = []
    if len(temuan) == 0:
        return _findings(rows)
    where = dict(zip(kegiatan["id_kegiatan"], kegiatan["kode_kelurahan"]))
    points = dict(zip(kegiatan["id_kegiatan"], _points(kegiatan)))
    for status in ("tidak_layak", "perlu_tinjauan"):
        hits = temuan[temuan["status"] == status]
        for id_kegiatan, items in hits.groupby("id_kegiatan", sort=True)["aturan"]:
            rows.append({
                "jenis": f"skrining_{status}", "id_sumber": str(id_kegiatan),
                "kode_wilayah": where.get(id_kegiatan), "rincian": ", ".join(sorted(set(map(str, items)))),
                "geometry": points.get(id_kegiatan),
            })  # fmt: skip
    return _findings(rows)


def from_complaints(complaints: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Findings from complaints: each open complaint received by ``as_of`` and past its service time.

    Only the public columns are used (number, area, category, dates, status): never an identity.
    """
    rows = []
    if len(complaints):
        received = pd.to_datetime(complaints["tanggal_diterima"]).dt.date
        c = complaints[(received <= as_of).to_numpy()]
        a = pengaduan.triage(pd.DataFrame(c.drop(columns="geometry", errors="ignore")), as_of=as_of)
        late = (a["status"] != pengaduan.rules().closed) & a["terlambat"].fillna(False).astype(bool)
        points = _points(c)
        for i in np.flatnonzero(late.to_numpy()):
            r = a.iloc[i]
            rows.append(
                {
                    "jenis": "pengaduan_terlambat",
                    "id_sumber": str(r["id_pengaduan"]),
                    "kode_wilayah": r["kode_wilayah"],
                    "rincian": str(r["kategori"]),
                    "geometry": points[i],
                }
            )
    return _findings(rows)


def _window(periods: Sequence[str], periode: str, n: int) -> list[str]:
    """The last ``n`` of ``periods`` ending with ``periode`` (sorted by their end)."""
    order = sorted(set(periods), key=lambda p: (period_end([p])[0], p))
    upto = [p for p in order if period_end([p])[0] <= period_end([periode])[0]]
    return upto[-n:]


def from_slum_locations(kumuh: gpd.GeoDataFrame | pd.DataFrame, periode: str) -> pd.DataFrame:
    """Findings from slum locations: still slum in ``periode`` with a score no lower than
    ``periode_min - 1`` stored periods before (each location present in all of them).

    ``kumuh`` holds rows of ``kawasan_kumuh`` of any periods (scored here when not scored yet).
    """
    n = int(rules().jenis["kumuh_tetap"].periode_min or 2)
    rows: list[dict[str, Any]] = []
    if len(kumuh) == 0:
        return _findings(rows)
    window = _window(kumuh["periode"].astype(str).unique(), periode, n)
    if len(window) < n or window[-1] != periode:
        return _findings(rows)
    k = kumuh[kumuh["periode"].astype(str).isin(window)]
    scored = k if "tingkat_kekumuhan" in k.columns else scoring.score(k)
    slum = set(scoring.classification().letters)
    first = scored[scored["periode"] == window[0]].drop_duplicates("id_lokasi").set_index("id_lokasi")
    last = scored[scored["periode"] == periode].drop_duplicates("id_lokasi")
    seen = scored.groupby("id_lokasi")["periode"].nunique()
    points = _points(last)
    for i, (_, r) in enumerate(last.iterrows()):
        lid = r["id_lokasi"]
        if seen.get(lid, 0) < n or lid not in first.index or r["tingkat_kekumuhan"] not in slum:
            continue
        before, now = float(first.at[lid, "nilai_kekumuhan"]), float(r["nilai_kekumuhan"])
        if now >= before:
            rows.append(
                {
                    "jenis": "kumuh_tetap",
                    "id_sumber": str(lid),
                    "kode_wilayah": r["kode_kelurahan"],
                    "rincian": f"{window[0]} {before:g} -> {periode} {now:g}",
                    "geometry": points[i],
                }
            )
    return _findings(rows)


def from_activities(kegiatan: gpd.GeoDataFrame | pd.DataFrame, periode: str) -> pd.DataFrame:
    """Findings from activities: being built (``pelaksanaan``) in ``periode`` with the same physical
    progress in their last ``periode_min`` reports up to it."""
    n = int(rules().jenis["kegiatan_macet"].periode_min or 2)
    rows: list[dict[str, Any]] = []
    if len(kegiatan) == 0:
        return _findings(rows)
    ends = period_end(kegiatan["periode"].astype(str))
    k = kegiatan[ends <= period_end([periode])[0]].assign(_end=ends[ends <= period_end([periode])[0]])
    k = k.sort_values(["id_kegiatan", "_end"], kind="stable")
    now = k[k["periode"].astype(str) == periode]
    points = dict(zip(now["id_kegiatan"], _points(now)))
    for kid, reports in k.groupby("id_kegiatan", sort=True):
        last = reports.tail(n)
        if len(last) < n or str(last["periode"].iloc[-1]) != periode or last["status"].iloc[-1] != "pelaksanaan":
            continue
        values = pd.to_numeric(last["progres_fisik"], errors="coerce")
        if values.notna().all() and (values == values.iloc[0]).all():
            rows.append({"jenis": "kegiatan_macet", "id_sumber": str(kid), "kode_wilayah": last["kode_kelurahan"].iloc[-1],
                         "rincian": f"{values.iloc[0]:g} % ({', '.join(last['periode'].astype(str))})",
                         "geometry": points.get(kid)})  # fmt: skip
    return _findings(rows)


def from_data_quality(per_lokasi: pd.DataFrame) -> pd.DataFrame:
    """Findings from the data's own gaps: per kab/kota, the slum locations of the baseline not
    reassessed in the period (``belum_dinilai`` of :func:`kotaku_gis.progress.progress_lokasi`)."""
    rows: list[dict[str, Any]] = []
    if len(per_lokasi):
        gaps = per_lokasi[per_lokasi["belum_dinilai"].fillna(False).astype(bool)]
        kab = wil.ancestor_series(gaps["kode_kelurahan"].astype(str), "kabkota")
        for code, ids in gaps.groupby(kab.to_numpy(), sort=True)["id_lokasi"]:
            listed = sorted(map(str, ids))
            rows.append(
                {
                    "jenis": "kualitas_data",
                    "id_sumber": str(code),
                    "kode_wilayah": str(code),
                    "rincian": f"belum_dinilai {len(listed)}: {', '.join(listed)}",
                    "geometry": None,
                }
            )
    return _findings(rows)


def derive(
    kumuh: pd.DataFrame,
    kegiatan: pd.DataFrame,
    temuan: pd.DataFrame,
    complaints: pd.DataFrame,
    periode: str,
    baseline: str,
    as_of: dt.date,
    *,
    data_quality: bool = True,
    decrees: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every finding of one period (:data:`FINDING_COLUMNS`), sorted by kind and source key.

    Parameters
    ----------
    kumuh : DataFrame
        ``kawasan_kumuh`` rows of the stored periods up to ``periode`` (the baseline among them).
    kegiatan : DataFrame
        ``kegiatan`` rows of the periods up to ``periode``.
    temuan : DataFrame
        :func:`kotaku_gis.screening.screen` of the activities as of the period (each once, as
        :func:`kotaku_gis.maps.inputs.latest_kegiatan` takes them).
    complaints : DataFrame
        ``pengaduan`` rows (public columns).
    periode, baseline : str
        The period derived and its baseline.
    as_of : date
        The day complaints are aged to.
    data_quality : bool
        Derive ``kualitas_data`` (per kab/kota: only when the rows cover whole kab/kota).
    decrees : DataFrame, optional
        The decrees (SK Kumuh, :meth:`Store.decrees`): a location absent from a decreed list left it,
        it is not "not reassessed" (as :func:`kotaku_gis.progress.progress_lokasi` reads them).

    Examples
    --------
    >>> import pandas as pd, datetime as dt
    >>> keg = pd.DataFrame({"id_kegiatan": ["K1", "K1"], "kode_kelurahan": "61.71.01.1001",
    ...                     "periode": ["2026Q2", "2026Q3"], "status": "pelaksanaan", "progres_fisik": [40.0, 40.0]})
    >>> f = derive(pd.DataFrame(), keg, pd.DataFrame(), pd.DataFrame(), "2026Q3", "2026Q2", dt.date(2026, 9, 30))
    >>> f[["jenis", "id_sumber", "rincian"]].values.tolist()
    [['kegiatan_macet', 'K1', '40 % (2026Q2, 2026Q3)']]
    """
    from kotaku_gis.maps.inputs import latest_kegiatan

    parts = [from_screening(temuan, latest_kegiatan(kegiatan, periode) if len(kegiatan) else kegiatan)]
    parts.append(from_complaints(complaints, as_of))
    parts.append(from_slum_locations(kumuh, periode))
    parts.append(from_activities(kegiatan, periode))
    if data_quality and len(kumuh) and baseline != periode:
        parts.append(from_data_quality(progress.progress_lokasi(kumuh, periode, baseline, decrees=decrees)))
    frames = [p for p in parts if len(p)]
    if not frames:
        return _findings([])
    return pd.concat(frames, ignore_index=True).sort_values(["jenis", "id_sumber"], kind="stable").reset_index(drop=True)
