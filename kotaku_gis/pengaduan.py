"""Complaints register (pengaduan masyarakat): intake, status workflow, ageing, priority, counts per
area and safe publication.

Complaints reach the programme by phone, SMS, e-mail, website or in person; a unit under the PMU
handles them, and each complaint is published with its follow-up and any sanction, without any risk
to the person who complained (domain notes, section 7). Here:

Where things are kept
    The ``pengaduan`` catalogue layer (``layers/pengaduan.yml``) holds the public part: number, date
    received, channel, area code, category, description, status, follow-up, sanction, date closed.
    Its location is the representative point of the coded area (a kelurahan, or an area above it),
    never an address. The complainant's name and contact, and the description as given, go to the
    store's private table ``pengaduan_identitas`` in the same transaction; it is not a catalogue layer,
    so :meth:`Store.read <kotaku_gis.store.Store.read>`, ``kotaku-gis export``, maps and the published
    register cannot reach it. Only :func:`kotaku_gis.pengaduan_store.identitas` reads it, for the
    handling unit. This module is pure (frames in, frames out); reading and writing the store is
    :mod:`kotaku_gis.pengaduan_store`.

Personal data in published text
    ``deskripsi``, ``tindak_lanjut`` and ``sanksi`` are published, so phone numbers, e-mail addresses,
    NIK and other long numbers in them are masked on every write (:mod:`kotaku_gis.privacy`), as are
    the complainant's own name and contact where they appear; :func:`register` masks them again.

Status workflow
    ``diterima`` -> ``diverifikasi`` -> ``ditindaklanjuti`` -> ``selesai`` (``diverifikasi`` may also
    close a complaint found unfounded). The allowed changes and what each status needs are data
    (``rules/pengaduan.yml``); any other change is refused with a
    :class:`~kotaku_gis.errors.DataError` naming the allowed ones.

Age and priority (:func:`triage`)
    The age of a complaint is the days from its receipt to its closing (or to ``as_of`` while it is
    open), against the service time ``batas_layanan_hari`` of ``rules/pengaduan.yml``. An open complaint's
    priority is its category's weight plus points for its age (``rules/pengaduan.yml``).

Counts per area (:func:`counts`, :func:`counts_all_levels`)
    Per unit of any level, keyed by ``kode`` for merging into progress tables and map popups.

Examples
--------
>>> import datetime as dt, pandas as pd
>>> from kotaku_gis import pengaduan
>>> pengaduan.allowed_transitions("diterima"), pengaduan.allowed_transitions("selesai")
(['diverifikasi'], [])
>>> rows = pd.DataFrame({"id_pengaduan": ["PGD-2026-00001", "PGD-2026-00002"],
...                      "kode_wilayah": ["61.71.01.1001", "61.71.02.1003"],
...                      "kategori": ["penyimpangan_dana", "informasi"],
...                      "status": ["diverifikasi", "selesai"],
...                      "tanggal_diterima": ["2026-06-01", "2026-06-20"],
...                      "tanggal_selesai": [None, "2026-06-25"]})
>>> a = pengaduan.triage(rows, as_of=dt.date(2026, 7, 1))
>>> a[["id_pengaduan", "umur_hari", "terlambat", "prioritas"]]
     id_pengaduan  umur_hari  terlambat prioritas
0  PGD-2026-00001         30       True    tinggi
1  PGD-2026-00002          5      False      None
>>> pengaduan.counts(rows, "kabkota", as_of=dt.date(2026, 7, 1))[["kode", "pengaduan_total", "pengaduan_terbuka"]]
    kode  pengaduan_total  pengaduan_terbuka
0  61.71                2                  1
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import catalog, i18n, privacy, settings
from kotaku_gis import rules as _rules
from kotaku_gis import wilayah as wil
from kotaku_gis._pengaduan_input import change, new_complaint, parse_date  # noqa: F401  (public here)
from kotaku_gis.errors import UsageError
from kotaku_gis.rules.pengaduan import LAYER, AgeBand, PengaduanRules, PriorityLevel, PriorityRules  # noqa: F401

#: The rule file read by default.
RULES_PATH: Path = _rules.RULES_DIR / "pengaduan.yml"

#: Columns of the published register (:func:`register`), in order. Nothing else is ever published.
PUBLIC_COLUMNS: tuple[str, ...] = (
    "id_pengaduan", "tanggal_diterima", "saluran", "kode_wilayah", "nama_wilayah", "kategori",
    "deskripsi", "status", "tindak_lanjut", "sanksi", "tanggal_selesai", "umur_hari", "terlambat",
    "prioritas",
)  # fmt: skip

#: Columns :func:`triage` adds.
ASSESS_COLUMNS: tuple[str, ...] = ("umur_hari", "batas_hari", "sisa_hari", "terlambat", "nilai_prioritas", "prioritas")

#: The free-text columns that are published: personal data in them is masked on every write.
TEXT_COLUMNS: tuple[str, ...] = ("deskripsi", "tindak_lanjut", "sanksi")


# -- rules ---------------------------------------------------------------------------------------------
def rules(path: Path | None = None) -> PengaduanRules:
    """The complaint rules (validated; a malformed file raises :class:`~kotaku_gis.errors.CatalogError`).

    The packaged ``rules/pengaduan.yml``, or ``path``: :func:`kotaku_gis.rules.load` of ``"pengaduan"``.

    Examples
    --------
    >>> from kotaku_gis import pengaduan
    >>> pengaduan.rules().closed, pengaduan.rules().batas_layanan_hari
    ('selesai', 14)
    """
    return _rules.load("pengaduan", path)


def allowed_transitions(status: str) -> list[str]:
    """The statuses a complaint of ``status`` may move to (besides keeping its status).

    Examples
    --------
    >>> allowed_transitions("diverifikasi")
    ['ditindaklanjuti', 'selesai']
    """
    return list(rules().transitions[status])


def statuses() -> list[str]:
    """The statuses in workflow order (the vocabulary of ``status`` in the catalogue)."""
    return catalog.layer(LAYER).column("status").codes()


def priority_levels() -> list[str]:
    """The priority levels from the highest (``tinggi``, ``sedang``, ``rendah``)."""
    return [level.code for level in rules().prioritas.tingkat]


# -- age, priority, counts ----------------------------------------------------------------------------
def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.map(parse_date), errors="coerce")


def triage(frame: pd.DataFrame, as_of: dt.date | None = None, batas_hari: int | None = None) -> pd.DataFrame:
    """Age and priority of each complaint.

    Parameters
    ----------
    frame : DataFrame
        Complaints with ``kategori``, ``status``, ``tanggal_diterima`` and ``tanggal_selesai`` (dates
        or text).
    as_of : date, optional
        The day ages are counted to (default today).
    batas_hari : int, optional
        The service time in days (default ``batas_layanan_hari`` of the rules).

    Returns
    -------
    DataFrame
        ``frame`` with: ``umur_hari`` (days from receipt to closing, or to ``as_of`` while open),
        ``batas_hari``, ``sisa_hari`` (days left, negative when overdue; empty once closed),
        ``terlambat`` (the age is beyond the service time: overdue now, or closed late),
        ``nilai_prioritas`` and ``prioritas`` (open complaints only: category weight + age points,
        and its level; ``rules/pengaduan.yml``).
    """
    r = rules()
    as_of = as_of or dt.date.today()
    limit = int(r.batas_layanan_hari if batas_hari is None else batas_hari)
    out = frame.copy()
    received = _dates(out["tanggal_diterima"]) if len(out) else pd.Series([], dtype="datetime64[ns]")
    closed_on = _dates(out["tanggal_selesai"]) if len(out) and "tanggal_selesai" in out else pd.Series(pd.NaT, index=out.index)
    is_open = (out["status"] != r.closed).to_numpy() if len(out) else np.array([], dtype=bool)
    end = closed_on.where(~pd.Series(is_open, index=out.index), pd.Timestamp(as_of))
    end = end.fillna(pd.Timestamp(as_of))
    age = (end - received).dt.days
    out["umur_hari"] = age.astype("Int64")
    out["batas_hari"] = limit
    out["sisa_hari"] = (limit - age).where(is_open).astype("Int64")
    out["terlambat"] = (age > limit).astype("boolean").where(age.notna())
    fraction = age / limit if limit > 0 else pd.Series(np.inf, index=out.index)
    points = pd.Series(0, index=out.index)
    for band in sorted(r.prioritas.umur, key=lambda b: b.min_fraksi):
        points = points.where(~(fraction >= band.min_fraksi), band.poin)
    weight = out["kategori"].map(r.prioritas.bobot_kategori).fillna(0)
    score = (weight + points).where(is_open)
    out["nilai_prioritas"] = score.astype("Int64")
    level = pd.Series(None, index=out.index, dtype=object)
    for tier in reversed(r.prioritas.tingkat):  # lowest first: higher bands overwrite
        level = level.where(~(score >= tier.min), tier.code)
    out["prioritas"] = level.where(is_open, None)
    return out


#: Deprecated name of :func:`triage` (``scoring.assess`` is another thing); kept for existing callers.
assess = triage


def count_columns() -> list[str]:
    """The count columns of :func:`counts`, in order.

    Examples
    --------
    >>> count_columns()[:3]
    ['pengaduan_total', 'pengaduan_diterima', 'pengaduan_diverifikasi']
    """
    return (
        ["pengaduan_total"]
        + [f"pengaduan_{s}" for s in statuses()]
        + ["pengaduan_terbuka", "pengaduan_terlambat"]
        + [f"pengaduan_prioritas_{level}" for level in priority_levels()]
    )


def _indicators(frame: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    a = triage(frame, as_of)
    closed = rules().closed
    data = {"pengaduan_total": np.ones(len(a), dtype=np.int64)}
    for s in statuses():
        data[f"pengaduan_{s}"] = (a["status"] == s).to_numpy(dtype=np.int64)
    is_open = (a["status"] != closed).to_numpy()
    data["pengaduan_terbuka"] = is_open.astype(np.int64)
    data["pengaduan_terlambat"] = (is_open & a["terlambat"].fillna(False).to_numpy(dtype=bool)).astype(np.int64)
    for level in priority_levels():
        data[f"pengaduan_prioritas_{level}"] = (a["prioritas"] == level).to_numpy(dtype=np.int64)
    return pd.DataFrame(data, index=a.index)


def _scope(kode: Any) -> str:
    return wil.area_code(kode, "pengaduan.kode_invalid")


def counts(
    frame: pd.DataFrame,
    tingkat: str,
    kode: str | None = None,
    *,
    wilayah: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Complaint counts and statuses per unit of one level, to merge on ``kode``.

    Parameters
    ----------
    frame : DataFrame
        Complaints (``store.read("pengaduan")`` or :func:`kotaku_gis.pengaduan_store.read`): ``kode_wilayah``, ``kategori``,
        ``status``, ``tanggal_diterima``, ``tanggal_selesai``.
    tingkat : str
        ``nasional``, ``provinsi``, ``kabkota``, ``kecamatan`` or ``kelurahan``.
    kode : str, optional
        Only units within this area (any code form). Default: the whole country.
    wilayah : DataFrame, optional
        Rows of the ``wilayah`` layer (``kode``): every unit of the level within the area is listed,
        with zeros where it has no complaint. None: only the units with complaints.
    as_of : date, optional
        The day ages are counted to (default today).

    Returns
    -------
    DataFrame
        One row per unit, sorted by ``kode`` (``""`` for the nation), with integer columns
        (:func:`count_columns`): ``pengaduan_total``; ``pengaduan_<status>`` for each status
        (``diterima``, ``diverifikasi``, ``ditindaklanjuti``, ``selesai``); ``pengaduan_terbuka``
        (not closed); ``pengaduan_terlambat`` (open and beyond the service time);
        ``pengaduan_prioritas_<level>`` (open complaints by priority: ``tinggi``, ``sedang``,
        ``rendah``). Columns carry the ``pengaduan_`` prefix so that they merge into progress tables
        without clashing (``progress_frame.merge(c, on="kode", how="left")``, then fill 0).

        A complaint counts in the unit of its ``kode_wilayah`` and in every unit above it. A
        complaint coded above ``tingkat`` (about a whole kabkota, say) counts in no unit of that level,
        so a unit's counts are at least the sum of its children's, and equal to it when every
        complaint is coded at kelurahan level.

    Examples
    --------
    >>> rows = pd.DataFrame({"kode_wilayah": ["61.71.01.1001", "61.71.01.1001", "61.71"],
    ...                      "kategori": "informasi", "status": ["diterima", "selesai", "diterima"],
    ...                      "tanggal_diterima": "2026-06-01", "tanggal_selesai": [None, "2026-06-02", None]})
    >>> units = pd.DataFrame({"kode": ["61.71.01.1001", "61.71.01.1002"]})
    >>> c = counts(rows, "kelurahan", wilayah=units, as_of=dt.date(2026, 6, 10))
    >>> print(c[["kode", "pengaduan_total", "pengaduan_selesai", "pengaduan_terbuka"]].to_string())
                kode  pengaduan_total  pengaduan_selesai  pengaduan_terbuka
    0  61.71.01.1001                2                  1                  1
    1  61.71.01.1002                0                  0                  0
    >>> counts(rows, "kabkota", as_of=dt.date(2026, 6, 10))["pengaduan_total"].tolist()
    [3]
    """
    levels = wil.ROLLUP_LEVELS
    if tingkat not in levels:
        raise UsageError(i18n.text("pengaduan.tingkat_invalid", tingkat=tingkat, levels=", ".join(levels)))
    scope = _scope(kode)
    scope_level = wil.tingkat(scope)
    if levels.index(tingkat) < levels.index(scope_level):
        raise UsageError(
            i18n.text("pengaduan.tingkat_above_kode", tingkat=tingkat, kode=scope,
                      allowed=", ".join(levels[levels.index(scope_level):]))
        )  # fmt: skip
    columns = count_columns()
    codes = wil.normalize_kode_series(frame["kode_wilayah"])[0] if len(frame) else pd.Series([], dtype=object)
    keep = codes.notna()
    if scope:
        keep &= wil.ancestor_series(codes, scope_level) == scope
    units = wil.ancestor_series(codes, tingkat)
    keep &= units.notna()
    rows = frame[keep.to_numpy()]
    if len(rows):
        sums = _indicators(rows, as_of).groupby(units[keep].to_numpy()).sum()
    else:
        sums = pd.DataFrame(columns=columns, dtype=np.int64)
    listed: list[str] = []
    if wilayah is not None and len(wilayah):
        wcodes = wil.normalize_kode_series(wilayah["kode"])[0].dropna()
        wcodes = wcodes[wil.tingkat_series(wcodes) == tingkat]
        if scope:
            wcodes = wcodes[wil.ancestor_series(wcodes, scope_level) == scope]
        listed = sorted(set(wcodes))
    if tingkat == "nasional":
        listed = [""]
    index = sorted(set(sums.index) | set(listed))
    sums = sums.reindex(index, fill_value=0)[columns].astype(np.int64)
    out = sums.rename_axis("kode").reset_index()
    return out


def counts_all_levels(
    frame: pd.DataFrame,
    kode: str | None = None,
    *,
    wilayah: pd.DataFrame | None = None,
    tingkat: str = "kelurahan",
    as_of: dt.date | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`counts` at every level from the area of ``kode`` (or the nation) down to ``tingkat``.

    Examples
    --------
    >>> rows = pd.DataFrame({"kode_wilayah": ["61.71.01.1001"], "kategori": "saran", "status": "diterima",
    ...                      "tanggal_diterima": "2026-06-01", "tanggal_selesai": None})
    >>> {k: len(v) for k, v in counts_all_levels(rows, "61.71").items()}
    {'kabkota': 1, 'kecamatan': 1, 'kelurahan': 1}
    """
    levels = wil.ROLLUP_LEVELS
    top = levels.index(wil.tingkat(_scope(kode)))
    if tingkat not in levels:
        raise UsageError(i18n.text("pengaduan.tingkat_invalid", tingkat=tingkat, levels=", ".join(levels)))
    return {level: counts(frame, level, kode, wilayah=wilayah, as_of=as_of) for level in levels[top : levels.index(tingkat) + 1]}


# -- publication ----------------------------------------------------------------------------------------
def register(
    frame: pd.DataFrame,
    wilayah: gpd.GeoDataFrame | pd.DataFrame | None = None,
    *,
    as_of: dt.date | None = None,
    tingkat: str | None = None,
) -> gpd.GeoDataFrame:
    """The public register: exactly :data:`PUBLIC_COLUMNS`, located at area level.

    Parameters
    ----------
    frame : DataFrame
        Complaints as stored (:func:`kotaku_gis.pengaduan_store.read`).
    wilayah : GeoDataFrame, optional
        The ``wilayah`` layer (``kode``, ``nama``, geometry): names and locations of the areas. A
        complaint whose area is missing is located at its stored point when that is at the level
        published, else left without a location.
    as_of : date, optional
        The day ages are counted to (default today).
    tingkat : str, optional
        The level complaints are published at (default ``settings.pengaduan_tingkat_publikasi``):
        codes finer than it are cut to it, and the location is the representative point of that
        area. Never finer than ``kelurahan``.

    Returns
    -------
    GeoDataFrame
        One row per complaint, oldest first, in EPSG:4326; dates as ``YYYY-MM-DD`` text. The texts
        are screened again for personal data. No identity or contact column exists in it.
    """
    tingkat = tingkat or settings.pengaduan_tingkat_publikasi
    if tingkat not in wil.LEVELS:
        raise UsageError(i18n.text("pengaduan.tingkat_invalid", tingkat=tingkat, levels=", ".join(wil.LEVELS)))
    a = triage(frame, as_of).reset_index(drop=True)
    codes = wil.normalize_kode_series(a["kode_wilayah"])[0] if len(a) else pd.Series([], dtype=object)
    cut = wil.ancestor_series(codes, tingkat)
    published = cut.where(cut.notna(), codes)  # coded above the level: its own code
    names: dict[str, str] = {}
    points: dict[str, Any] = {}
    if wilayah is not None and len(wilayah):
        w = wilayah.drop_duplicates("kode")
        names = dict(zip(w["kode"], w["nama"])) if "nama" in w else {}
        if isinstance(w, gpd.GeoDataFrame):
            ok = w.geometry.notna() & ~w.geometry.is_empty
            points = dict(zip(w.loc[ok, "kode"], w.loc[ok].geometry.representative_point()))
    stored = a.geometry if isinstance(a, gpd.GeoDataFrame) else pd.Series(None, index=a.index)
    geometry = [
        points.get(k, stored.iloc[i] if k == c else None) if isinstance(k, str) else None
        for i, (k, c) in enumerate(zip(published, codes))
    ]
    out = pd.DataFrame(index=a.index)
    out["id_pengaduan"] = a["id_pengaduan"]
    out["tanggal_diterima"] = _iso(a["tanggal_diterima"])
    out["saluran"] = a["saluran"]
    out["kode_wilayah"] = published
    out["nama_wilayah"] = published.map(names)
    out["kategori"] = a["kategori"]
    for col in TEXT_COLUMNS:
        out[col] = privacy.redact_series(a[col]) if col in a else None
    out["status"] = a["status"]
    out["tanggal_selesai"] = _iso(a["tanggal_selesai"]) if "tanggal_selesai" in a else None
    out["umur_hari"] = a["umur_hari"]
    out["terlambat"] = a["terlambat"]
    out["prioritas"] = a["prioritas"]
    out = out[list(PUBLIC_COLUMNS)]
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, index=out.index, crs=settings.storage_crs))
    order = result.sort_values(["tanggal_diterima", "id_pengaduan"], kind="stable").index
    return result.loc[order].reset_index(drop=True)


def _iso(values: pd.Series) -> pd.Series:
    dates = _dates(values)
    return dates.dt.strftime("%Y-%m-%d").astype(object).where(dates.notna(), None)
