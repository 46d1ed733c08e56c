"""Private helpers of :mod:`kotaku_gis.progress`: its vocabularies and the checks of its input frames."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kotaku_gis import _validate, catalog, i18n, scoring
from kotaku_gis import wilayah as kode_wilayah
from kotaku_gis._wilayah_codes import _LENGTH
from kotaku_gis.errors import UsageError
from kotaku_gis.files import ROW

#: State of a location between the baseline and the current period (``status`` of
#: :func:`progress_lokasi`), in the order they are decided.
STATUS: tuple[str, ...] = (
    "belum_dinilai",  # in the baseline, no assessment in the current period (baseline carried forward)
    "baru",  # not in the baseline, assessed in the current period
    "tetap_kumuh",  # slum at both
    "keluar_kumuh",  # slum at the baseline, tidak kumuh now
    "menjadi_kumuh",  # tidak kumuh at the baseline, slum now
    "tetap_tidak_kumuh",  # tidak kumuh at both
    "tidak_ditetapkan_lagi",  # in the baseline, absent from a later decree (SK Kumuh) of its kab/kota
)

#: Name of the nation in the ``nama`` column of the roll-up.
NAMA_NASIONAL = "Indonesia"

# Columns progress_lokasi needs from kawasan_kumuh, and those rollup needs from its result.
_KUMUH_REQUIRED = ("id_lokasi", "kode_kelurahan", "periode")
_PER_LOKASI_REQUIRED = (
    "kode_kelurahan", "periode", "baseline", "status", "luas_awal_ha", "luas_akhir_ha", "nilai_awal",
    "nilai_akhir", "tingkat_akhir", "klasifikasi_akhir", "kumuh_awal", "kumuh_akhir", "keluar_kumuh",
    "belum_dinilai", "luas_kumuh_awal_ha", "luas_kumuh_akhir_ha", "luas_tertangani_ha",
)  # fmt: skip
_KEGIATAN_REQUIRED = ("id_kegiatan", "kode_kelurahan", "periode", "status")


# -- vocabularies (from the rule and catalogue data, never repeated here) ----------------------------
def _slum_levels() -> tuple[str, ...]:
    """Slum levels from the most severe: ``berat``, ``sedang``, ``ringan`` (those with a letter)."""
    letters = scoring.classification().letters
    return tuple(lv for lv in reversed(scoring.LEVELS) if lv in letters)


def _levels_desc() -> tuple[str, ...]:
    """Every level from the most severe, ``tidak_kumuh`` last."""
    return tuple(reversed(scoring.LEVELS))


def _klasifikasi_codes() -> list[str]:
    return sorted(scoring.classification().priorities)


def _kegiatan_status() -> list[str]:
    return catalog.layer("kegiatan").column("status").codes()


# -- periods and columns ------------------------------------------------------------------------
def normalize_periode(value: Any) -> str:
    """Read a period as the store writes it: ``2024`` or ``2026Q3``.

    Parameters
    ----------
    value : str or int
        A year (``2024``) or a quarter in any of the forms the loader accepts: ``2026Q3``,
        ``2026-Q3``, ``2026 q3``, ``TW3 2026``.

    Returns
    -------
    str
        ``YYYY`` or ``YYYYQn``.

    Raises
    ------
    UsageError
        If ``value`` is not a period (the message says which forms are accepted).

    Examples
    --------
    >>> normalize_periode("2026-Q3"), normalize_periode("TW1 2025"), normalize_periode(2024)
    ('2026Q3', '2025Q1', '2024')
    >>> normalize_periode("Q3/2026")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.UsageError: periode 'Q3/2026' tidak dapat dibaca: tulis tahun (2024) atau triwulan (2026Q3; ...)
    """
    result = _parse_periode(value)
    if result is None:
        raise UsageError(i18n.text("progress.periode_invalid", value=value))
    return result


def _parse_periode(value: Any) -> str | None:
    try:
        return _validate.parse_periode(value)
    except ValueError:
        return None


def _categorical(values: pd.Series, categories: Sequence[str]) -> pd.Categorical:
    """``values`` as a categorical of exactly ``categories`` (others become missing); no re-parsing of
    a column that is already categorical (as :func:`kotaku_gis.scoring.score` returns them)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.set_categories(list(categories)).array
    return pd.Categorical(values.astype(object), categories=list(categories))


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    if ROW in frame.columns:
        return frame[ROW].to_numpy()
    return np.arange(1, len(frame) + 1)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(i18n.text("progress.columns_missing", columns=", ".join(missing), layer=what))


def _kelurahan_codes(frame: pd.DataFrame, report: _validate.Problems) -> pd.Series:
    """``kode_kelurahan`` normalised to dotted kelurahan codes; anything else is reported."""
    raw = frame["kode_kelurahan"]
    ids, uniques = pd.factorize(np.asarray(raw, dtype=object), use_na_sentinel=False)  # each distinct code once
    distinct = kode_wilayah.normalize_kode_series(pd.Series(uniques, dtype=object))[0].to_numpy(dtype=object)
    length = _LENGTH["kelurahan"]  # a normalised code's length gives its level
    bad = np.array([not isinstance(c, str) or len(c) != length for c in distinct], dtype=bool)[ids]
    report.add_each("progress_kode_invalid", bad, "kode_kelurahan", value=raw)
    return pd.Series(distinct[ids], index=frame.index, name=raw.name, dtype=object)


def per_distinct(values: Any, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``fn`` of the distinct values of ``values``, spread back to every row.

    ``fn`` takes the distinct values (an object array; missing values once, as None or NaN) and
    returns one result per value: string work on 100,000 rows done on their few thousand distinct
    values.

    Examples
    --------
    >>> clean = lambda u: np.array([v.strip().lower() if isinstance(v, str) else "-" for v in u])
    >>> per_distinct(["a ", "B", "a ", None], clean).tolist()
    ['a', 'b', 'a', '-']
    """
    ids, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.asarray(fn(np.asarray(uniques, dtype=object)))[ids]


def _periode_column(frame: pd.DataFrame, report: _validate.Problems) -> pd.Series:
    """The ``periode`` column normalised (each distinct value parsed once); bad values reported."""
    raw = frame["periode"]
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    parsed = np.array([_parse_periode(u) for u in uniques] + [None], dtype=object)
    values = parsed[codes]
    report.add_each("progress_periode_invalid", pd.isna(values), "periode", value=raw)
    return pd.Series(values, index=frame.index, dtype=object)


def _side_by_side(frame: pd.DataFrame, periode: str, baseline: str) -> pd.DataFrame:
    """One row per location: its baseline columns (``_awal``) beside its current ones (``_akhir``),
    and pandas' ``_merge`` indicator of the periods it is in."""
    keep = ["kode_kelurahan", "luas_ha", "nilai_kekumuhan", "tingkat_kekumuhan", "klasifikasi"]
    keep += [c for c in ("prioritas", "nama_kawasan") if c in frame.columns]
    data = pd.DataFrame(frame[["id_lokasi", *keep]])
    is_base = (frame["periode"] == baseline).to_numpy()
    is_cur = (frame["periode"] == periode).to_numpy()
    base = data.loc[is_base].set_index("id_lokasi")
    cur = data.loc[is_cur].set_index("id_lokasi")
    both = base.merge(cur, how="outer", left_index=True, right_index=True, suffixes=("_awal", "_akhir"), indicator=True)
    return both


def _by_kelurahan(columns: dict[str, Any]) -> pd.DataFrame:
    """The per-location frame of ``columns`` (arrays, or one value for every row), its rows sorted by
    ``kode_kelurahan`` then ``id_lokasi``; the frame made once, in that order.

    The order comes from integer ranks of the codes, not from sorting the text columns of a frame
    (which pandas does through Arrow strings, several times slower).
    """
    ids = columns["id_lokasi"]
    order = np.arange(len(ids))
    if not pd.Index(ids, dtype=object).is_monotonic_increasing:  # a merge on the ids gives them sorted
        order = np.argsort(ids, kind="stable")
    kode_rank = pd.factorize(columns["kode_kelurahan"][order], sort=True)[0]
    order = order[np.argsort(kode_rank, kind="stable")]
    return pd.DataFrame({name: value if isinstance(value, str) else value.take(order) for name, value in columns.items()})
