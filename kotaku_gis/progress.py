"""Programme progress: slum locations between a baseline and a later period, rolled up by code.

KOTAKU measures its outcome as the reduction of slum area against the SK Kumuh baseline (domain
notes, section 7). This module compares two assessment periods of the ``kawasan_kumuh`` layer, per
location, and sums the result up the Kemendagri hierarchy: kelurahan/desa, kecamatan, kabupaten/kota,
provinsi and the nation. Activities (``kegiatan``) are counted beside it.

Where a location belongs
    Its ``kode_kelurahan`` decides: the roll-up never looks at geometry (the loader has already
    checked that each feature lies in the kelurahan its code names). A location whose code differs
    between the two periods belongs to the kelurahan of the current period.

Periods
    A period is a year (``2024``) or a quarter (``2026Q3``); ``2026-Q3`` and ``TW3 2026`` are read
    as ``2026Q3``. Periods order as their text does, so a year comes before its own quarters
    (``2024`` < ``2024Q1`` < ``2025``). The default baseline is the earliest period stored.

Per location (:func:`progress_lokasi`)
    Each location present in the baseline or the current period gets one row. A location of the
    baseline that has no assessment in the current period is ``belum_dinilai`` (not yet reassessed):
    its baseline state is carried forward, so its baseline slum area still counts as slum area now
    (the reduction is never claimed without an assessment). A location that appears only in the
    current period is ``baru`` (new): its slum area counts now and not at the baseline.

Decrees (SK Kumuh)
    A decree is the complete list of a kab/kota's slum locations for its period (loaded with
    ``kotaku-gis load kawasan_kumuh ... --sk``). A baseline location that a later decree of its
    kab/kota no longer lists has left the slum list: ``tidak_ditetapkan_lagi``, its whole baseline
    slum area handled. A location's identity across decrees is its ``id_lokasi``: where a new decree
    renumbers locations, give the old ids in the new file (a crosswalk column mapped to
    ``id_lokasi``) or they count as dropped and new.

Roll-up (:func:`rollup`, :func:`rollup_all_levels`)
    The additive quantities (areas, counts, sums) are computed once per kelurahan and then summed
    level by level upwards, and the ratios (percentage reduction, area-weighted mean scores, mean
    physical progress) are recomputed from those sums at each level. So every unit's totals are
    the sum of its children's, and the nation's the sum of the provinces', by construction. Every
    unit of the ``wilayah`` layer at the level asked for appears, with zeros where it has no data;
    a unit that has data but is missing from ``wilayah`` appears too (without a name), so that no
    location is ever dropped from a total.

Scoring output (:func:`score_table`)
    The assessment of each row (:func:`kotaku_gis.scoring.score`) with the columns a score table
    carries, as the ``kotaku-gis score`` command writes it.

Examples
--------
>>> import pandas as pd
>>> from kotaku_gis import progress
>>> kumuh = pd.DataFrame({
...     "id_lokasi": ["L1", "L2", "L1", "L2"],
...     "kode_kelurahan": ["61.71.01.1001", "61.71.01.1002"] * 2,
...     "periode": ["2024", "2024", "2026Q3", "2026Q3"],
...     "luas_ha": [10.0, 4.0, 10.0, 3.0],
...     "nilai_kekumuhan": [45.0, 30.0, 12.0, 20.0],
...     "nilai_pertimbangan_lain": 11, "legalitas": "legal"})
>>> per = progress.progress_lokasi(kumuh, "2026Q3")
>>> print(per[["id_lokasi", "baseline", "status", "luas_kumuh_awal_ha", "luas_kumuh_akhir_ha"]].to_string())
  id_lokasi baseline        status  luas_kumuh_awal_ha  luas_kumuh_akhir_ha
0        L1     2024  keluar_kumuh                10.0                  0.0
1        L2     2024   tetap_kumuh                 4.0                  3.0
>>> kec = progress.rollup(per, None, None, "kecamatan")
>>> print(kec[["kode", "luas_kumuh_awal_ha", "luas_kumuh_akhir_ha", "persen_pengurangan"]].to_string())
       kode  luas_kumuh_awal_ha  luas_kumuh_akhir_ha  persen_pengurangan
0  61.71.01                14.0                  3.0           78.571429
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import _validate, catalog, geodesy, i18n, pengaduan, scoring
from kotaku_gis import wilayah as kode_wilayah
from kotaku_gis._progress_frames import (  # noqa: F401  (STATUS, NAMA_NASIONAL, normalize_periode: public here)
    _KUMUH_REQUIRED,
    NAMA_NASIONAL,
    STATUS,
    _by_kelurahan,
    _categorical,
    _kelurahan_codes,
    _klasifikasi_codes,
    _periode_column,
    _require_columns,
    _row_numbers,
    _side_by_side,
    _slum_levels,
    normalize_periode,
)
from kotaku_gis._progress_rollup import _rollup
from kotaku_gis.errors import DataError, Problem, UsageError
from kotaku_gis.files import ROW

#: Columns of the table :func:`score_table` returns (those present in the input; plus geometry).
SCORE_TABLE_COLUMNS: tuple[str, ...] = (
    "id_lokasi",
    "kode_kelurahan",
    "nama_kawasan",
    "periode",
    "luas_ha",
    "aturan_penilaian",
    *scoring.SCORE_COLUMNS,
)


# -- periods -----------------------------------------------------------------------------------------
def resolve_periods(
    available: Iterable[str], periode: Any, baseline: Any = None, *, layer: str = "kawasan_kumuh"
) -> tuple[str, str]:
    """Check a current period and a baseline against the periods stored, and fill the default.

    Parameters
    ----------
    available : iterable of str
        The periods stored (``Store.periods("kawasan_kumuh")``, or those of a frame).
    periode : str
        The current period, in any form :func:`normalize_periode` reads.
    baseline : str, optional
        The baseline period; default the earliest of ``available``.
    layer : str
        Layer named in the problems.

    Returns
    -------
    (str, str)
        ``(periode, baseline)`` normalised.

    Raises
    ------
    UsageError
        A period that cannot be read, or a baseline later than ``periode``.
    DataError
        ``periode`` or ``baseline`` is not among ``available`` (problems
        ``progress_periode_absent`` / ``progress_baseline_absent`` list the periods stored).

    Examples
    --------
    >>> resolve_periods(["2024", "2026Q2", "2026Q3"], "2026-Q3")
    ('2026Q3', '2024')
    >>> resolve_periods(["2024", "2026Q3"], "2026Q3", "2023")
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.DataError: Data ditolak: 1 masalah; tidak ada yang diubah di basis data.
      - Galat: kawasan_kumuh, kolom periode: Periode awal (baseline) 2023 tidak ada di kawasan_kumuh; ...
    """
    stored = sorted({str(p) for p in available})
    current = normalize_periode(periode)
    base = normalize_periode(baseline) if baseline is not None else None
    shown = ", ".join(stored) if stored else i18n.text("progress.none")
    problems = []
    if current not in stored:
        problems.append(
            Problem(
                "progress_periode_absent", layer, None, "periode", params={"periode": current, "available": shown, "layer": layer}
            )
        )
    if base is None:
        base = stored[0] if stored else current
    elif base not in stored and base != current:
        problems.append(
            Problem(
                "progress_baseline_absent", layer, None, "periode", params={"periode": base, "available": shown, "layer": layer}
            )
        )
    if problems:
        raise DataError(problems)
    if base > current:
        raise UsageError(i18n.text("progress.baseline_after", baseline=base, periode=current))
    return current, base


# -- scores ------------------------------------------------------------------------------------------
def kumuh_columns() -> list[str]:
    """The ``kawasan_kumuh`` columns that scoring and progress read: read only these from a store.

    The location, its kelurahan, period and area, and every column an assessment rule set reads
    (criterion shares, total, considerations, legality), in catalogue order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> cols = kumuh_columns()
    >>> cols[:5], "kriteria_7b" in cols, "nama_kawasan" in cols
    (['id_lokasi', 'kode_kelurahan', 'periode', 'luas_ha', 'aturan_penilaian'], True, False)
    """
    used = {*_KUMUH_REQUIRED, "luas_ha", "aturan_penilaian", "nilai_kekumuhan", "legalitas"}
    for rule_id in scoring.rule_sets():
        rs = scoring.rule_set(rule_id)
        used |= {*rs.columns, rs.consideration.column}
    return [c for c in catalog.layer("kawasan_kumuh").column_names if c in used]


def _is_scored(frame: pd.DataFrame) -> bool:
    return all(c in frame.columns for c in ("nilai_kekumuhan", "tingkat_kekumuhan", "klasifikasi"))


def score_table(kumuh: pd.DataFrame, rules: str | scoring.RuleSet | None = None) -> pd.DataFrame:
    """The score table of slum locations: their assessment with the columns a product carries.

    Parameters
    ----------
    kumuh : DataFrame or GeoDataFrame
        Rows of ``kawasan_kumuh``; scored with :func:`kotaku_gis.scoring.score` unless they already
        carry its columns (``tingkat_kekumuhan``...).
    rules : str or RuleSet, optional
        Rule set for rows without ``aturan_penilaian`` (see :func:`kotaku_gis.scoring.score`).

    Returns
    -------
    DataFrame or GeoDataFrame
        The columns of :data:`SCORE_TABLE_COLUMNS` that the rows have, in that order (among them
        ``id_lokasi``, ``periode``, ``nilai_kekumuhan``, ``tingkat_kekumuhan``,
        ``tingkat_pertimbangan``, ``klasifikasi``, ``prioritas``), plus the geometry of a
        GeoDataFrame; rows in the input order.

    Raises
    ------
    DataError, UsageError
        As :func:`kotaku_gis.scoring.score`.

    Examples
    --------
    >>> import pandas as pd
    >>> lokasi = pd.DataFrame({"id_lokasi": ["L1"], "periode": ["2024"], "nilai_kekumuhan": [45.0],
    ...                        "nilai_pertimbangan_lain": [11], "legalitas": ["legal"], "catatan": ["x"]})
    >>> score_table(lokasi).columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['id_lokasi', 'periode', 'aturan_penilaian', 'nilai_kekumuhan', 'sumber_nilai', 'tingkat_kekumuhan',
     'tingkat_pertimbangan', 'klasifikasi', 'prioritas', 'pola_penanganan', 'selisih_nilai']
    >>> print(score_table(lokasi)[["tingkat_kekumuhan", "klasifikasi", "prioritas"]].to_string())
      tingkat_kekumuhan klasifikasi  prioritas
    0            sedang          B1          2
    """
    scored = kumuh if _is_scored(kumuh) else scoring.score(kumuh, rules)
    columns = [c for c in SCORE_TABLE_COLUMNS if c in scored.columns]
    if isinstance(scored, gpd.GeoDataFrame) and scored.geometry.name in scored.columns:
        columns.append(scored.geometry.name)
    return scored[columns]


# -- per location ------------------------------------------------------------------------------------
def progress_lokasi(
    kumuh: pd.DataFrame,
    periode: str,
    baseline: str | None = None,
    *,
    rules: str | scoring.RuleSet | None = None,
    decrees: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each slum location at the baseline and in the current period, and what changed.

    Parameters
    ----------
    kumuh : DataFrame or GeoDataFrame
        Rows of ``kawasan_kumuh`` (any periods; those of ``periode`` and ``baseline`` are used)
        with ``id_lokasi``, ``kode_kelurahan``, ``periode`` and ``luas_ha``. Rows already scored by
        :func:`kotaku_gis.scoring.score` are used as they are; otherwise they are scored here. A
        missing ``luas_ha`` is measured from the geometry of a GeoDataFrame (:mod:`kotaku_gis.geodesy`).
    periode : str
        The current period (``2026Q3``; forms as :func:`normalize_periode`).
    baseline : str, optional
        The baseline period; default the earliest period in ``kumuh``.
    rules : str or RuleSet, optional
        Rule set for unscored rows without ``aturan_penilaian``.
    decrees : DataFrame, optional
        The decrees (SK Kumuh) loaded, with ``kabkota`` and ``periode`` (``Store.decrees()``): a
        decree is the complete list of its kab/kota's slum locations for its period. A baseline
        location that a decree of its kab/kota after the baseline (up to ``periode``) no longer
        lists has left the slum list: ``tidak_ditetapkan_lagi``, its baseline slum area handled.
        Without decrees (or where none applies) a location absent from ``periode`` is
        ``belum_dinilai`` (not reassessed), as in a monitoring period. The rows of every decree
        period in between must be in ``kumuh``.

    Returns
    -------
    DataFrame
        One row per location present in either period, sorted by ``kode_kelurahan`` and
        ``id_lokasi``:

        - ``id_lokasi``, ``kode_kelurahan`` (the current period's, else the baseline's),
          ``nama_kawasan`` (when given), ``periode``, ``baseline``;
        - ``status``: one of :data:`STATUS` (``belum_dinilai``, ``baru``, ``tetap_kumuh``,
          ``keluar_kumuh``, ``menjadi_kumuh``, ``tetap_tidak_kumuh``, ``tidak_ditetapkan_lagi``);
        - ``luas_awal_ha``, ``luas_akhir_ha``: the location's area in each period (empty where it
          was not assessed);
        - ``nilai_awal``, ``nilai_akhir``, ``tingkat_awal``, ``tingkat_akhir``,
          ``klasifikasi_awal``, ``klasifikasi_akhir``, ``prioritas_akhir``: the assessment in each
          period (empty where it was not assessed);
        - ``kumuh_awal``: slum (ringan, sedang or berat) at the baseline; ``kumuh_akhir``: slum now,
          where a ``belum_dinilai`` location keeps its baseline state;
        - ``keluar_kumuh`` (the location left the slum classes: slum at the baseline, assessed
          tidak kumuh now), ``belum_dinilai``, ``tidak_ditetapkan_lagi`` (absent from a later
          decree of its kab/kota: slum at the baseline, no longer slum);
        - ``luas_kumuh_awal_ha``, ``luas_kumuh_akhir_ha``: the area counted as slum in each period
          (0 when not slum; a ``belum_dinilai`` location carries its baseline slum area forward);
        - ``luas_tertangani_ha``: the slum area handled, ``luas_kumuh_awal_ha -
          luas_kumuh_akhir_ha`` where positive, else 0 (a location that left the slum classes
          counts its whole baseline area; a new or grown slum area is not "handled" negatively,
          it shows in the net reduction of the roll-up).

    Raises
    ------
    UsageError
        A period that cannot be read, a baseline later than ``periode``, or missing columns.
    DataError
        ``periode`` or ``baseline`` not among the periods of ``kumuh``; or rows (in either period)
        with an invalid kelurahan code, an unreadable period, no area, a repeated ``id_lokasi``,
        or an assessment :func:`kotaku_gis.scoring.score` refuses. Each problem names the row.

    Examples
    --------
    >>> import pandas as pd
    >>> kumuh = pd.DataFrame({
    ...     "id_lokasi": ["L1", "L2", "L1", "L3"],
    ...     "kode_kelurahan": ["6171011001", "61.71.01.1002", "61.71.01.1001", "61.71.01.1002"],
    ...     "periode": ["2024", "2024", "2026-Q3", "2026Q3"],
    ...     "luas_ha": [10.0, 4.0, 9.0, 2.0],
    ...     "nilai_kekumuhan": [45.0, 30.0, 40.0, 20.0]})
    >>> per = progress_lokasi(kumuh, "2026Q3", "2024")
    >>> print(per[["id_lokasi", "status", "tingkat_awal", "tingkat_akhir", "luas_kumuh_akhir_ha"]].to_string())
      id_lokasi         status tingkat_awal tingkat_akhir  luas_kumuh_akhir_ha
    0        L1    tetap_kumuh       sedang        sedang                  9.0
    1        L2  belum_dinilai       ringan           NaN                  4.0
    2        L3           baru          NaN        ringan                  2.0
    >>> per["luas_tertangani_ha"].tolist()  # L2 not reassessed: its 4 ha still count as slum
    [1.0, 0.0, 0.0]
    """
    frame, periode, baseline, listed = _checked_rows(kumuh, periode, baseline, rules, decrees)

    both = _side_by_side(frame, periode, baseline)

    in_base = (both["_merge"] != "right_only").to_numpy()
    in_cur = (both["_merge"] != "left_only").to_numpy()
    levels = list(scoring.LEVELS)
    slum = list(_slum_levels())
    tingkat_awal = _categorical(both["tingkat_kekumuhan_awal"], levels)
    tingkat_akhir = _categorical(both["tingkat_kekumuhan_akhir"], levels)
    kumuh_awal = np.asarray(tingkat_awal.isin(slum)) & in_base
    kumuh_dinilai = np.asarray(tingkat_akhir.isin(slum)) & in_cur
    dropped = in_base & ~in_cur & _dropped_by_decree(both.index, both["kode_kelurahan_awal"], listed)
    belum = in_base & ~in_cur & ~dropped
    kumuh_akhir = np.where(belum, kumuh_awal, kumuh_dinilai)
    keluar = kumuh_awal & in_cur & ~kumuh_dinilai
    luas_awal = both["luas_ha_awal"].to_numpy(dtype="float64")
    luas_akhir = both["luas_ha_akhir"].to_numpy(dtype="float64")
    luas_kumuh_awal = np.where(kumuh_awal, luas_awal, 0.0)
    luas_kumuh_akhir = np.where(belum, luas_kumuh_awal, np.where(kumuh_dinilai, luas_akhir, 0.0))
    status = np.select(
        [dropped, belum, ~in_base, kumuh_awal & kumuh_akhir, kumuh_awal, kumuh_akhir],
        [STATUS.index("tidak_ditetapkan_lagi"), *range(5)],
        5,
    )  # codes into STATUS

    columns: dict[str, Any] = {
        "id_lokasi": both.index.to_numpy(),
        "kode_kelurahan": np.where(in_cur, both["kode_kelurahan_akhir"], both["kode_kelurahan_awal"]),
    }
    if "nama_kawasan_awal" in both.columns:
        columns["nama_kawasan"] = np.where(in_cur, both["nama_kawasan_akhir"], both["nama_kawasan_awal"])
    columns.update({
        "periode": periode,
        "baseline": baseline,
        "status": pd.Categorical.from_codes(status, categories=list(STATUS)),
        "luas_awal_ha": luas_awal,
        "luas_akhir_ha": luas_akhir,
        "nilai_awal": both["nilai_kekumuhan_awal"].to_numpy(dtype="float64"),
        "nilai_akhir": both["nilai_kekumuhan_akhir"].to_numpy(dtype="float64"),
        "tingkat_awal": tingkat_awal,
        "tingkat_akhir": tingkat_akhir,
        "klasifikasi_awal": _categorical(both["klasifikasi_awal"], _klasifikasi_codes()),
        "klasifikasi_akhir": _categorical(both["klasifikasi_akhir"], _klasifikasi_codes()),
    })  # fmt: skip
    if "prioritas_akhir" in both.columns:
        columns["prioritas_akhir"] = pd.array(both["prioritas_akhir"].to_numpy(), dtype="Int64")
    columns.update({
        "kumuh_awal": kumuh_awal,
        "kumuh_akhir": kumuh_akhir,
        "keluar_kumuh": keluar,
        "belum_dinilai": belum,
        "tidak_ditetapkan_lagi": dropped,
        "luas_kumuh_awal_ha": luas_kumuh_awal,
        "luas_kumuh_akhir_ha": luas_kumuh_akhir,
        "luas_tertangani_ha": np.clip(luas_kumuh_awal - luas_kumuh_akhir, 0.0, None),
    })  # fmt: skip
    out = _by_kelurahan(columns)
    out.attrs.update(periode=periode, baseline=baseline)
    return out


def decree_periods(decrees: pd.DataFrame | None, baseline: str, periode: str) -> list[str]:
    """The decree periods after ``baseline`` up to ``periode``: :func:`progress_lokasi` needs their rows.

    Examples
    --------
    >>> d = pd.DataFrame({"kabkota": ["61.71", "61.71"], "periode": ["2020", "2024"]})
    >>> decree_periods(d, "2020", "2026Q3"), decree_periods(None, "2020", "2024")
    (['2024'], [])
    """
    if decrees is None or decrees.empty:
        return []
    p = decrees["periode"].astype(str)
    return sorted(set(p[(p > baseline) & (p <= periode)]))


def dropped_ids(per_lokasi: pd.DataFrame) -> frozenset[str]:
    """The ids of the baseline locations that a later decree no longer lists (status
    ``tidak_ditetapkan_lagi`` in :func:`progress_lokasi`'s result).

    Examples
    --------
    >>> k = pd.DataFrame({"id_lokasi": ["A", "B", "A"], "kode_kelurahan": "61.71.01.1001",
    ...                   "periode": ["2020", "2020", "2024"], "luas_ha": 1.0, "nilai_kekumuhan": 30.0})
    >>> per = progress_lokasi(k, "2024", "2020", decrees=pd.DataFrame({"kabkota": ["61.71"], "periode": ["2024"]}))
    >>> sorted(dropped_ids(per))
    ['B']
    """
    if per_lokasi.empty or "status" not in per_lokasi.columns:
        return frozenset()
    return frozenset(per_lokasi.loc[per_lokasi["status"] == "tidak_ditetapkan_lagi", "id_lokasi"].astype(str))


def _decree_lists(
    kumuh: pd.DataFrame, periods: pd.Series, decrees: pd.DataFrame | None, baseline: str, periode: str
) -> dict[str, set[str]]:
    """kab/kota -> the ids its latest decree after the baseline (up to ``periode``) lists."""
    if decrees is None or decrees.empty:
        return {}
    applicable = decrees[(decrees["periode"].astype(str) > baseline) & (decrees["periode"].astype(str) <= periode)]
    latest = applicable.sort_values("periode").groupby("kabkota")["periode"].last()
    if latest.empty:
        return {}
    kab = kode_wilayah.ancestor_series(kumuh["kode_kelurahan"], "kabkota")
    out = {}
    for kabkota, p in latest.items():
        rows = (kab == kabkota).to_numpy() & (periods == p).to_numpy()
        out[str(kabkota)] = set(kumuh.loc[rows, "id_lokasi"].astype(str))
    return out


def _dropped_by_decree(ids: pd.Index, kode: pd.Series, listed: dict[str, set[str]]) -> np.ndarray:
    """Whether each location's kab/kota has a later decree that does not list it."""
    if not listed:
        return np.zeros(len(ids), dtype=bool)
    kab = kode_wilayah.ancestor_series(kode, "kabkota").to_numpy(dtype=object)
    return np.array([k in listed and str(i) not in listed[k] for i, k in zip(ids, kab)], dtype=bool)


def _area_ha(frame: pd.DataFrame, report: _validate.Problems) -> np.ndarray:
    """``luas_ha`` as numbers; empty values measured from the geometry where there is one."""
    n = len(frame)
    if "luas_ha" in frame.columns:
        luas = pd.to_numeric(frame["luas_ha"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    else:
        luas = np.full(n, np.nan)
    missing = np.isnan(luas)
    if missing.any() and isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
        pos = np.flatnonzero(missing)
        geoms = frame.geometry.iloc[pos]
        ok = (geoms.notna() & ~geoms.is_empty).to_numpy()
        if ok.any():
            luas[pos[ok]] = geodesy.area_ha(geoms[ok]).to_numpy()
        missing = np.isnan(luas)
    raw = frame["luas_ha"] if "luas_ha" in frame.columns else np.full(n, None)
    report.add_each("progress_luas_missing", missing | (luas < 0), "luas_ha", value=raw)
    return luas


# -- roll-up -----------------------------------------------------------------------------------------
def rollup(
    per_lokasi: pd.DataFrame,
    kegiatan: pd.DataFrame | None,
    wilayah: pd.DataFrame | None,
    tingkat: str,
    kode: str | None = None,
) -> pd.DataFrame:
    """Progress totals of every unit at one level, summed by Kemendagri code.

    Parameters
    ----------
    per_lokasi : DataFrame
        What :func:`progress_lokasi` returns.
    kegiatan : DataFrame, optional
        Rows of the ``kegiatan`` layer (``id_kegiatan``, ``kode_kelurahan``, ``periode``,
        ``status``; ``progres_fisik`` and ``biaya_idr`` when present). Each activity counts once, as
        of its latest row in a period that ends no later than the current period of ``per_lokasi``
        (a year ends with its fourth quarter). None: no activities.
    wilayah : DataFrame or GeoDataFrame, optional
        Rows of the ``wilayah`` layer (``kode``, ``nama``): the units listed (with zeros where
        there is no data) and their names. With geometry, the result is a GeoDataFrame carrying
        each unit's boundary. None: only the units that have data, unnamed.
    tingkat : str
        ``nasional``, ``provinsi``, ``kabkota``, ``kecamatan`` or ``kelurahan``.
    kode : str, optional
        Only the units within this area (any code form); its level must be at or above
        ``tingkat``. Default: the whole country.

    Returns
    -------
    DataFrame or GeoDataFrame
        One row per unit, sorted by ``kode`` (at the level of ``kode`` itself: that one area, with
        zeros if it has no data), with:

        - ``kode`` (``""`` for the nation), ``nama`` (``Indonesia`` for the nation), ``tingkat``,
          ``kode_induk`` (the parent's code; ``""`` for a provinsi, empty for the nation),
          ``periode``, ``baseline``;
        - ``luas_kumuh_awal_ha``, ``luas_kumuh_akhir_ha``, ``luas_tertangani_ha`` (sums of
          :func:`progress_lokasi`), ``persen_pengurangan`` = 100 x (awal - akhir) / awal, the net
          reduction (negative when slum area grew; empty where awal is 0);
        - ``lokasi_total`` (locations in either period), ``lokasi_awal`` / ``lokasi_akhir`` (slum
          locations at the baseline / now, ``belum_dinilai`` ones at their baseline state),
          ``lokasi_keluar_kumuh``, ``lokasi_baru``, ``lokasi_belum_dinilai``,
          ``lokasi_tidak_ditetapkan_lagi`` (left the slum list with a later decree);
        - ``lokasi_berat``, ``lokasi_sedang``, ``lokasi_ringan``, ``lokasi_tidak_kumuh``: locations by
          their level in the current period (these, ``lokasi_belum_dinilai`` and
          ``lokasi_tidak_ditetapkan_lagi`` add up to ``lokasi_total``); ``klasifikasi_A1`` ..
          ``klasifikasi_C6``: by current classification;
        - ``nilai_rerata_awal``, ``nilai_rerata_akhir``: mean score weighted by location area, over
          the locations assessed in that period;
        - ``kegiatan_rencana``, ``kegiatan_pelaksanaan``, ``kegiatan_selesai``, ``kegiatan_total``,
          ``progres_fisik_rerata`` (mean over activities that report it), ``biaya_idr_total``.

        Counts are integers; every additive column of a unit equals the sum over its children.

    Raises
    ------
    UsageError
        An unknown level, ``kode`` below ``tingkat``, an invalid ``kode``, missing columns.
    DataError
        Rows of ``per_lokasi`` or ``kegiatan`` with invalid kelurahan codes; activities with an
        unknown status, an unreadable period or a progress/cost that is not a number.

    Examples
    --------
    >>> import pandas as pd
    >>> kumuh = pd.DataFrame({"id_lokasi": ["L1", "L2", "L1", "L2"],
    ...                       "kode_kelurahan": ["61.71.01.1001", "61.72.01.1001"] * 2,
    ...                       "periode": ["2024", "2024", "2026Q3", "2026Q3"],
    ...                       "luas_ha": [10.0, 4.0, 10.0, 4.0], "nilai_kekumuhan": [45.0, 30.0, 12.0, 30.0]})
    >>> kegiatan = pd.DataFrame({"id_kegiatan": ["K1", "K1", "K2"], "kode_kelurahan": "61.71.01.1001",
    ...                          "periode": ["2026Q2", "2026Q3", "2026Q3"], "status": ["pelaksanaan", "selesai", "rencana"],
    ...                          "progres_fisik": [60.0, 100.0, 0.0], "biaya_idr": [5e8, 5e8, 2e8]})
    >>> wil = pd.DataFrame({"kode": ["61", "61.71", "61.72", "61.73"],
    ...                     "nama": ["Kalimantan Barat", "Kota Pontianak", "Kota Singkawang", "Kota Baru"]})
    >>> per = progress_lokasi(kumuh, "2026Q3")
    >>> kab = rollup(per, kegiatan, wil, "kabkota", kode="61")
    >>> print(kab[["kode", "nama", "luas_kumuh_akhir_ha", "lokasi_keluar_kumuh", "kegiatan_selesai"]].to_string())
        kode             nama  luas_kumuh_akhir_ha  lokasi_keluar_kumuh  kegiatan_selesai
    0  61.71   Kota Pontianak                  0.0                    1                 1
    1  61.72  Kota Singkawang                  4.0                    0                 0
    2  61.73        Kota Baru                  0.0                    0                 0
    >>> kab["biaya_idr_total"].tolist()  # K1 once (its latest report), K2
    [700000000.0, 0.0, 0.0]
    >>> rollup(per, kegiatan, wil, "nasional")[["kode", "nama", "luas_kumuh_awal_ha", "persen_pengurangan"]]
      kode       nama  luas_kumuh_awal_ha  persen_pengurangan
    0       Indonesia                14.0           71.428571
    """
    return _rollup(per_lokasi, kegiatan, wilayah, kode, lowest=tingkat, only=tingkat)[tingkat]


def rollup_all_levels(
    per_lokasi: pd.DataFrame,
    kegiatan: pd.DataFrame | None,
    wilayah: pd.DataFrame | None,
    kode: str | None = None,
    *,
    tingkat: str = "kelurahan",
) -> dict[str, pd.DataFrame]:
    """:func:`rollup` at every level, from the area of ``kode`` (or the nation) down to ``tingkat``.

    The kelurahan sums are computed once and summed upwards, so the frames agree with each other
    exactly: each unit's additive columns are the sum of its children's in the next frame.

    Parameters
    ----------
    per_lokasi, kegiatan, wilayah, kode
        As :func:`rollup`.
    tingkat : str
        The finest level returned (default ``kelurahan``).

    Returns
    -------
    dict of str to DataFrame
        Level name -> the :func:`rollup` frame of that level, from the top level down (for an
        Excel file with one sheet per level).

    Raises
    ------
    UsageError, DataError
        As :func:`rollup`.

    Examples
    --------
    >>> import pandas as pd
    >>> kumuh = pd.DataFrame({"id_lokasi": ["L1", "L2"], "kode_kelurahan": ["61.71.01.1001", "61.71.02.1001"],
    ...                       "periode": "2024", "luas_ha": [10.0, 4.0], "nilai_kekumuhan": [45.0, 30.0]})
    >>> levels = rollup_all_levels(progress_lokasi(kumuh, "2024"), None, None, kode="61.71")
    >>> {name: len(frame) for name, frame in levels.items()}
    {'kabkota': 1, 'kecamatan': 2, 'kelurahan': 2}
    >>> float(levels["kabkota"]["luas_kumuh_awal_ha"].sum()), float(levels["kecamatan"]["luas_kumuh_awal_ha"].sum())
    (14.0, 14.0)
    """
    return _rollup(per_lokasi, kegiatan, wilayah, kode, lowest=tingkat, only=None)


# -- other per-unit figures (complaints, staffing) -------------------------------------------------
def sum_up(table: pd.DataFrame, levels: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Sum an additive per-unit table (``kode`` plus numeric columns) up to each level of ``levels``.

    Units whose code lies below a level are added into their ancestor at that level; units above it
    are left out of it.

    Examples
    --------
    >>> t = pd.DataFrame({"kode": ["61.71", "61.72"], "fasilitator_dibutuhkan": [11, 4]})
    >>> sum_up(t, ["nasional", "provinsi"])["provinsi"]
      kode  fasilitator_dibutuhkan
    0   61                      15
    """
    numeric = [c for c in table.columns if c != "kode" and pd.api.types.is_numeric_dtype(table[c])]
    own = kode_wilayah.tingkat_series(table["kode"])
    out = {}
    for level in levels:
        rank = kode_wilayah.ROLLUP_LEVELS.index(level)
        below = own.map(lambda t, rank=rank: kode_wilayah.ROLLUP_LEVELS.index(t) >= rank)
        rows = table[below.to_numpy()]
        keys = kode_wilayah.ancestor_series(rows["kode"], level)
        out[level] = rows[numeric].groupby(keys.to_numpy()).sum().rename_axis("kode").reset_index()
    return out


def attach(frames: Mapping[str, pd.DataFrame], extras: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add per-unit columns (complaint counts, facilitator staffing) to roll-up tables, by ``kode``.

    Parameters
    ----------
    frames : mapping
        Level -> roll-up table (:func:`rollup_all_levels`).
    extras : mapping
        Level -> table with ``kode`` and the columns to add (e.g. ``pengaduan.counts_all_levels``,
        or :func:`sum_up` of ``staffing.table``). Count columns of units without a row become 0.

    Examples
    --------
    >>> frames = {"kabkota": pd.DataFrame({"kode": ["61.71", "61.72"], "lokasi_akhir": [3, 0]})}
    >>> attach(frames, {"kabkota": pd.DataFrame({"kode": ["61.71"], "pengaduan_total": [2]})})["kabkota"]
        kode  lokasi_akhir  pengaduan_total
    0  61.71             3                2
    1  61.72             0                0
    """
    out = {}
    for level, frame in frames.items():
        extra = extras.get(level)
        if extra is None:
            out[level] = frame
            continue
        columns = ["kode"] + [c for c in extra.columns if c not in frame.columns]
        merged = frame.merge(extra[columns], on="kode", how="left")
        for c in columns[1:]:
            if pd.api.types.is_integer_dtype(extra[c]):
                merged[c] = merged[c].fillna(0).astype(extra[c].dtype)
        out[level] = merged
    return out


# -- the progress report ---------------------------------------------------------------------------
#: Levels that carry facilitator staffing (staffing is decided per kab/kota: below it there is none).
STAFFING_LEVELS: tuple[str, ...] = ("nasional", "provinsi", "kabkota")


def report(
    per_lokasi: pd.DataFrame,
    kegiatan: pd.DataFrame | None,
    units: pd.DataFrame | None,
    *,
    periode: str,
    tingkat: str,
    kode: str | None = None,
    complaints: pd.DataFrame | None = None,
    staff: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The progress report: the roll-up of every level with complaint counts and facilitator staffing.

    ``kotaku-gis progress`` writes it and every map pack tabulates it; both build it here.

    As-of date
        The end of ``periode`` (``2026Q3`` -> 2026-09-30, ``2024`` -> 2024-12-31): complaints
        received by that day are counted, and aged (``pengaduan_terlambat``) as of that day, so the
        report of a period does not change from one day to the next.

    Parameters
    ----------
    per_lokasi : DataFrame
        :func:`progress_lokasi`'s table.
    kegiatan, units : DataFrame, optional
        As :func:`rollup_all_levels` takes them.
    periode : str
        The current period (normalised).
    tingkat : str
        The lowest level of the report.
    kode : str, optional
        The area reported (None or ``""``: the nation).
    complaints : DataFrame, optional
        Complaints as stored (``kode_wilayah``, ``kategori``, ``status``, ``tanggal_diterima``,
        ``tanggal_selesai``); None: no complaint columns.
    staff : DataFrame, optional
        Staffing per kab/kota (``kode`` and additive numeric columns, e.g. from
        ``staffing.table``): summed up to the levels of :data:`STAFFING_LEVELS` in the report.

    Returns
    -------
    dict
        Level -> table, from the area of ``kode`` down to ``tingkat``.

    Examples
    --------
    >>> kumuh = pd.DataFrame({"id_lokasi": ["L1"], "kode_kelurahan": ["61.71.01.1001"], "periode": ["2026Q3"],
    ...     "luas_ha": [4.0], "nilai_kekumuhan": [30.0], "nilai_pertimbangan_lain": 11, "legalitas": "legal"})
    >>> complaints = pd.DataFrame({"kode_wilayah": ["61.71.01.1001"] * 2, "kategori": "saran", "status": "diterima",
    ...     "tanggal_diterima": ["2026-06-01", "2026-10-02"], "tanggal_selesai": None})
    >>> levels = report(progress_lokasi(kumuh, "2026Q3"), None, None, periode="2026Q3", tingkat="kabkota",
    ...                 kode="61.71", complaints=complaints)
    >>> int(levels["kabkota"]["pengaduan_total"].iloc[0])  # received by 2026-09-30
    1
    """
    frames = rollup_all_levels(per_lokasi, kegiatan, units, kode=kode, tingkat=tingkat)
    end = _validate.period_end_date(periode)
    if complaints is not None:
        received = pd.DataFrame(complaints.drop(columns="geometry", errors="ignore"))
        if len(received):
            received = received[(pd.to_datetime(received["tanggal_diterima"]) <= end).to_numpy()]
        frames = attach(frames, pengaduan.counts_all_levels(received, kode or None, tingkat=tingkat, as_of=end.date()))
    upper = [level for level in frames if level in STAFFING_LEVELS]
    if staff is not None and len(staff) and upper:
        frames = attach(frames, sum_up(staff, upper))
    return frames


def _checked_rows(
    kumuh: pd.DataFrame, periode: str, baseline: str | None, rules: str | scoring.RuleSet | None,
    decrees: pd.DataFrame | None,
) -> tuple[pd.DataFrame, str, str, dict[str, set[str]]]:  # fmt: skip
    """The rows of the two periods of :func:`progress_lokasi`, checked (each problem names its row) and
    scored; the periods resolved; the decrees' lists of locations."""
    _require_columns(kumuh, _KUMUH_REQUIRED, "kawasan_kumuh")
    rows_all = _row_numbers(kumuh)
    report = _validate.Problems("kawasan_kumuh", rows_all)
    periods = _periode_column(kumuh, report)
    report.raise_if_any()
    periode, baseline = resolve_periods(periods.unique(), periode, baseline)
    used = periods.isin([periode, baseline]).to_numpy()

    listed = _decree_lists(kumuh, periods, decrees, baseline, periode)
    frame = kumuh.loc[used].copy()
    frame[ROW] = rows_all[used]
    # object columns as they come (pandas would otherwise copy every text into an Arrow string)
    frame["periode"] = pd.Series(periods[used].to_numpy(), index=frame.index, dtype=object)
    report = _validate.Problems("kawasan_kumuh", frame[ROW].to_numpy())
    frame["kode_kelurahan"] = pd.Series(_kelurahan_codes(frame, report).to_numpy(), index=frame.index, dtype=object)
    frame["luas_ha"] = _area_ha(frame, report)
    dup = frame.duplicated(["id_lokasi", "periode"], keep=False).to_numpy()
    report.add_each(
        "progress_lokasi_duplicate", dup, "id_lokasi",
        id=frame["id_lokasi"], periode=frame["periode"],
    )  # fmt: skip
    report.raise_if_any()
    if not _is_scored(frame):
        frame = scoring.score(frame, rules)

    return frame, periode, baseline, listed
