"""Facilitator staffing: facilitators required per kabupaten/kota, against those assigned.

The programme's rule (domain notes, section 1): 5 facilitators per 7 kelurahan in slum areas, 5 per 9
in non-slum areas. Both ratios are rule data (``rasio_kumuh``, ``rasio_non_kumuh`` in
``rules/fasilitator.yml``), and so is the rounding to whole people (``pembulatan``):

==============  ==========================================================  =====  =====  =====
rounding        facilitators required for s slum and n non-slum kelurahan   s=8    n=8    s=8,n=8
==============  ==========================================================  =====  =====  =====
``per_bagian``  ceil(5 s / 7) + ceil(5 n / 9)  (default)                    6      5      11
``total``       ceil(5 s / 7 + 5 n / 9)                                     6      5      11
``tim``         5 ceil(s / 7) + 5 ceil(n / 9)  (whole teams of 5)           10     5      15
==============  ==========================================================  =====  =====  =====

``per_bagian`` is the default: each part is staffed on its own ratio, so adding non-slum kelurahan never
lowers the staff the slum kelurahan need, and a part with no kelurahan needs nobody. It can exceed
``total`` by one (s = 1, n = 1: 1 + 1 = 2 against ceil(0.71 + 0.56) = 2; s = 3, n = 4: 3 + 3 = 6
against ceil(2.14 + 2.22) = 5). Arithmetic is exact (integers, no floating point).

Which kelurahan count
    A kelurahan is *slum* when at least one slum location in it is assessed kumuh (ringan, sedang or
    berat) in the period looked at (:func:`slum_kelurahan`); every other kelurahan of the programme
    is *non-slum*. The programme's kelurahan are those given (a list of codes), by default every
    kelurahan of the ``wilayah`` layer in the kabkota, together with any slum kelurahan missing there.

Facilitators assigned
    A table with one row per facilitator, or per kabkota with a count (:func:`read_assignments`);
    only codes and counts are read from it, never names.

Examples
--------
>>> from kotaku_gis import staffing
>>> staffing.required(7, 0), staffing.required(8, 0), staffing.required(0, 9), staffing.required(0, 0)
(Kebutuhan(kumuh=5, non_kumuh=0, total=5), Kebutuhan(kumuh=6, non_kumuh=0, total=6), \
Kebutuhan(kumuh=0, non_kumuh=5, total=5), Kebutuhan(kumuh=0, non_kumuh=0, total=0))
>>> staffing.required(8, 0, pembulatan="tim").total
10
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kotaku_gis import i18n, progress, scoring, settings
from kotaku_gis import rules as _rules
from kotaku_gis import wilayah as wil
from kotaku_gis.errors import DataError, Problem, UsageError
from kotaku_gis.rules.fasilitator import ROUNDINGS

#: The roundings :func:`required` knows (see the module docstring).
#: Columns of :func:`table`, in order.
COLUMNS: tuple[str, ...] = (
    "kode", "nama", "kelurahan_kumuh", "kelurahan_non_kumuh", "kelurahan_total", "fasilitator_kumuh",
    "fasilitator_non_kumuh", "fasilitator_dibutuhkan", "fasilitator_ditugaskan", "selisih", "kekurangan",
)  # fmt: skip

#: Column names read for the kabkota code of an assignment, in order of preference (any case).
ASSIGNMENT_CODE_COLUMNS: tuple[str, ...] = ("kode_kabkota", "kode_wilayah", "kode_kelurahan", "kode")
#: Column names read for the number of facilitators of an assignment row (absent: 1 per row).
ASSIGNMENT_COUNT_COLUMNS: tuple[str, ...] = ("jumlah_fasilitator", "jumlah")


@dataclass(frozen=True)
class Kebutuhan:
    """Facilitators required: for the slum part, the non-slum part, and in all.

    With the ``total`` rounding the parts are the exact shares (fractions, not rounded) and only the
    total is rounded up; otherwise the parts are whole and add up to the total.
    """

    kumuh: int | Fraction
    non_kumuh: int | Fraction
    total: int


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _ratio(value: Any, name: str) -> tuple[int, int]:
    try:
        people, kelurahan = (int(v) for v in value)
    except (TypeError, ValueError):
        raise UsageError(i18n.text("fasilitator.ratio_invalid", name=name, value=value)) from None
    if people < 0 or kelurahan <= 0:
        raise UsageError(i18n.text("fasilitator.ratio_invalid", name=name, value=value))
    return people, kelurahan


def required(
    kumuh: int,
    non_kumuh: int,
    *,
    rasio_kumuh: tuple[int, int] | None = None,
    rasio_non_kumuh: tuple[int, int] | None = None,
    pembulatan: str | None = None,
) -> Kebutuhan:
    """Facilitators required for ``kumuh`` slum and ``non_kumuh`` non-slum kelurahan.

    Parameters
    ----------
    kumuh, non_kumuh : int
        Numbers of kelurahan (0 or more).
    rasio_kumuh, rasio_non_kumuh : (int, int), optional
        (facilitators, kelurahan); default ``rasio_kumuh`` (5, 7) and ``rasio_non_kumuh`` (5, 9) of
        ``rules/fasilitator.yml``.
    pembulatan : str, optional
        ``per_bagian``, ``total`` or ``tim`` (see the module docstring); default
        ``pembulatan`` of ``rules/fasilitator.yml``.

    Raises
    ------
    UsageError
        A negative or fractional count, a ratio that is not two whole numbers with kelurahan > 0,
        an unknown rounding.

    Examples
    --------
    >>> [required(s, 0).kumuh for s in (0, 1, 7, 8, 9, 14, 15)]
    [0, 1, 5, 6, 7, 10, 11]
    >>> [required(0, n).non_kumuh for n in (0, 1, 7, 8, 9, 10, 18)]
    [0, 1, 4, 5, 5, 6, 10]
    >>> required(3, 4), required(3, 4, pembulatan="total")
    (Kebutuhan(kumuh=3, non_kumuh=3, total=6), Kebutuhan(kumuh=Fraction(15, 7), non_kumuh=Fraction(20, 9), total=5))
    """
    for name, value in (("kumuh", kumuh), ("non_kumuh", non_kumuh)):
        if isinstance(value, bool) or not float(value).is_integer() or value < 0:
            raise UsageError(i18n.text("fasilitator.count_invalid", name=name, value=value))
    s, n = int(kumuh), int(non_kumuh)
    rule = _rules.load("fasilitator")
    fk, kk = _ratio(rasio_kumuh if rasio_kumuh is not None else rule.rasio_kumuh, "rasio_kumuh")
    fn, kn = _ratio(rasio_non_kumuh if rasio_non_kumuh is not None else rule.rasio_non_kumuh, "rasio_non_kumuh")
    mode = pembulatan or rule.pembulatan
    if mode == "per_bagian":
        a, b = _ceil_div(fk * s, kk), _ceil_div(fn * n, kn)
        return Kebutuhan(a, b, a + b)
    if mode == "tim":
        a, b = fk * _ceil_div(s, kk), fn * _ceil_div(n, kn)
        return Kebutuhan(a, b, a + b)
    if mode == "total":
        share_k, share_n = Fraction(fk * s, kk), Fraction(fn * n, kn)
        total = share_k + share_n
        return Kebutuhan(share_k, share_n, _ceil_div(total.numerator, total.denominator))
    raise UsageError(i18n.text("fasilitator.rounding_invalid", value=mode, allowed=", ".join(ROUNDINGS)))


# -- which kelurahan are slum ------------------------------------------------------------------------------
def slum_kelurahan(kumuh: pd.DataFrame) -> set[str]:
    """Codes of the kelurahan with at least one location assessed kumuh (ringan, sedang, berat).

    ``kumuh``: rows of ``kawasan_kumuh`` of one period, scored or not (they are scored with
    :func:`kotaku_gis.scoring.score` when ``tingkat_kekumuhan`` is absent).

    Examples
    --------
    >>> rows = pd.DataFrame({"kode_kelurahan": ["61.71.01.1001", "61.71.01.1002", "61.71.01.1002"],
    ...                      "nilai_kekumuhan": [45.0, 10.0, 12.0]})
    >>> sorted(slum_kelurahan(rows))
    ['61.71.01.1001']
    """
    if len(kumuh) == 0:
        return set()
    scored = kumuh if "tingkat_kekumuhan" in kumuh.columns else scoring.score(kumuh)
    level = scored["tingkat_kekumuhan"].astype(object)
    slum = level.notna() & (level != "tidak_kumuh")
    codes = wil.normalize_kode_series(scored.loc[slum, "kode_kelurahan"])[0].dropna()
    return set(codes)


def kelurahan_counts(kelurahan: Iterable[str], slum: Iterable[str], kode: str | None = None) -> pd.DataFrame:
    """Slum and non-slum kelurahan per kabkota.

    Parameters
    ----------
    kelurahan : iterable of str
        Codes of the programme's kelurahan (any code form; codes above kelurahan level are ignored).
    slum : iterable of str
        Codes of the slum kelurahan (:func:`slum_kelurahan`); those missing from ``kelurahan`` count
        too.
    kode : str, optional
        Only kelurahan within this area.

    Returns
    -------
    DataFrame
        ``kode`` (kabkota), ``kelurahan_kumuh``, ``kelurahan_non_kumuh``, sorted by ``kode``.

    Examples
    --------
    >>> kelurahan_counts(["61.71.01.1001", "61.71.01.1002", "61.72.01.1001"], ["61.71.01.1001"])
        kode  kelurahan_kumuh  kelurahan_non_kumuh
    0  61.71                1                    1
    1  61.72                0                    1
    """
    all_codes = wil.normalize_kode_series(pd.Series(list(kelurahan), dtype=object))[0].dropna()
    slum_codes = set(wil.normalize_kode_series(pd.Series(list(slum), dtype=object))[0].dropna())
    codes = set(all_codes[wil.tingkat_series(all_codes) == "kelurahan"]) | {
        c for c in slum_codes if wil.tingkat(c) == "kelurahan"
    }
    frame = pd.DataFrame({"kelurahan": sorted(codes)})
    if kode:
        scope = wil.normalize_kode(kode)
        frame = frame[wil.ancestor_series(frame["kelurahan"], wil.tingkat(scope)) == scope]
    frame["kode"] = wil.ancestor_series(frame["kelurahan"], "kabkota")
    frame["kelurahan_kumuh"] = frame["kelurahan"].isin(slum_codes).astype(np.int64)
    frame["kelurahan_non_kumuh"] = 1 - frame["kelurahan_kumuh"]
    out = frame.groupby("kode", sort=True)[["kelurahan_kumuh", "kelurahan_non_kumuh"]].sum().reset_index()
    return out.astype({"kelurahan_kumuh": np.int64, "kelurahan_non_kumuh": np.int64})


# -- facilitators assigned ------------------------------------------------------------------------------------
def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(i18n.text("fasilitator.file_missing", path=str(path)))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for encoding in ("utf-8-sig", *settings.legacy_encodings):
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding=encoding,
                                   sep=None, engine="python")  # fmt: skip
            except UnicodeDecodeError:
                continue
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str, keep_default_na=False, na_values=[""])
    raise UsageError(i18n.text("fasilitator.file_type", path=path.name))


def _find_column(frame: pd.DataFrame, names: Iterable[str]) -> str | None:
    lowered = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()): c for c in frame.columns}
    return next((lowered[n] for n in names if n in lowered), None)


def assignments(frame: pd.DataFrame, *, file: str = "penugasan", first_row: int = 2) -> pd.Series:
    """Facilitators assigned per kabkota, from a table of assignments.

    Parameters
    ----------
    frame : DataFrame
        One row per facilitator, or per area with a count: a code column (the first of
        ``kode_kabkota``, ``kode_wilayah``, ``kode_kelurahan``, ``kode``; kabkota level or below, cut
        to its kabkota) and optionally ``jumlah_fasilitator`` or ``jumlah`` (whole, 0 or more; an
        empty cell counts 1). Other columns (names...) are not read.
    file : str
        The file name shown in problems.
    first_row : int
        The row number users see for the first row (2 for a spreadsheet with a header).

    Returns
    -------
    Series
        Kabkota code -> facilitators assigned (int), sorted by code.

    Raises
    ------
    DataError
        No code column; codes that are invalid or above kabkota level; counts that are not whole
        numbers of 0 or more. Each problem names the row and the column.

    Examples
    --------
    >>> roster = pd.DataFrame({"nama": ["A", "B", "C"], "kode_kelurahan": ["6171011001", "61.71.02.1001", "61.72"]})
    >>> assignments(roster).to_dict()
    {'61.71': 2, '61.72': 1}
    """
    code_col = _find_column(frame, ASSIGNMENT_CODE_COLUMNS)
    if code_col is None:
        raise DataError([Problem("fasilitator_kolom_kode", file, params={"columns": ", ".join(ASSIGNMENT_CODE_COLUMNS)})])
    count_col = _find_column(frame, ASSIGNMENT_COUNT_COLUMNS)
    problems: list[Problem] = []
    codes, invalid = wil.normalize_kode_series(frame[code_col])
    rows = np.arange(first_row, first_row + len(frame))
    level = wil.tingkat_series(codes)
    blank = frame[code_col].astype("string").str.strip().fillna("").eq("")
    for i in np.flatnonzero(invalid.to_numpy() | blank.to_numpy()):
        value = "" if blank.iloc[i] else frame[code_col].iloc[i]
        reason = i18n.text("fasilitator.empty") if blank.iloc[i] else _reason(value)
        problems.append(
            Problem("fasilitator_kode_invalid", file, int(rows[i]), str(code_col), params={"value": value, "reason": reason})
        )
    for i in np.flatnonzero((level == "provinsi").to_numpy()):
        problems.append(Problem("fasilitator_kode_provinsi", file, int(rows[i]), str(code_col), params={"value": codes.iloc[i]}))
    if count_col is None:
        count = pd.Series(1, index=frame.index, dtype=np.int64)
    else:
        text = frame[count_col].astype("string").str.strip().replace("", pd.NA)
        number = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        bad = text.notna() & (number.isna() | (number < 0) | (number % 1 != 0))
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(
                Problem("fasilitator_jumlah_invalid", file, int(rows[i]), str(count_col), params={"value": text.iloc[i]})
            )
        count = number.where(text.notna(), 1).fillna(0).astype(np.int64)
    if problems:
        raise DataError(problems)
    kabkota = wil.ancestor_series(codes, "kabkota")
    return count.groupby(kabkota.to_numpy()).sum().astype(np.int64).sort_index()


def _reason(value: Any) -> str:
    try:
        wil.normalize_kode(value)
    except ValueError as exc:
        return str(exc)
    return ""  # pragma: no cover - only invalid codes get here


def read_assignments(path: str | Path) -> pd.Series:
    """:func:`assignments` of a CSV or Excel file (row numbers as the spreadsheet shows them)."""
    path = Path(path)
    return assignments(_read_table(path), file=path.name)


def read_kelurahan(path: str | Path) -> tuple[list[str], set[str] | None]:
    """The programme's kelurahan from a CSV or Excel file: a code column (``kode_kelurahan`` or
    ``kode``) and optionally ``kumuh`` (ya/tidak), which then decides which are slum.

    Returns the codes, and the slum codes (None when the file has no ``kumuh`` column).
    """
    path = Path(path)
    frame = _read_table(path)
    code_col = _find_column(frame, ("kode_kelurahan", "kode"))
    if code_col is None:
        raise DataError([Problem("fasilitator_kolom_kode", path.name, params={"columns": "kode_kelurahan, kode"})])
    codes, invalid = wil.normalize_kode_series(frame[code_col])
    level = wil.tingkat_series(codes)
    problems = [
        Problem("fasilitator_kode_invalid", path.name, int(i) + 2, str(code_col),
                params={"value": frame[code_col].iloc[i], "reason": _reason(frame[code_col].iloc[i]) if invalid.iloc[i]
                        else i18n.text("fasilitator.not_kelurahan")})
        for i in np.flatnonzero((invalid | (codes.notna() & (level != "kelurahan"))).to_numpy())
    ]  # fmt: skip
    slum: set[str] | None = None
    flag_col = _find_column(frame, ("kumuh",))
    if flag_col is not None:
        flags = frame[flag_col].astype("string").str.strip().str.lower()
        yes = flags.isin(["ya", "y", "yes", "1", "true", "benar", "kumuh"])
        no = flags.isin(["tidak", "t", "no", "n", "0", "false", "salah", "non_kumuh", "tidak_kumuh"])
        for i in np.flatnonzero((flags.notna() & ~yes & ~no).to_numpy()):
            problems.append(
                Problem(
                    "fasilitator_kumuh_invalid", path.name, int(i) + 2, str(flag_col), params={"value": frame[flag_col].iloc[i]}
                )
            )
        slum = set(codes[yes.fillna(False).to_numpy() & codes.notna().to_numpy()])
    if problems:
        raise DataError(problems)
    return sorted(set(codes.dropna())), slum


# -- the table -------------------------------------------------------------------------------------------------
def table(
    counts: pd.DataFrame,
    assigned: pd.Series | Mapping[str, int] | None = None,
    names: Mapping[str, str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Facilitators required per kabkota, compared with those assigned.

    Parameters
    ----------
    counts : DataFrame
        ``kode`` (kabkota), ``kelurahan_kumuh``, ``kelurahan_non_kumuh`` (:func:`kelurahan_counts`).
    assigned : Series or mapping, optional
        Kabkota code -> facilitators assigned (:func:`assignments`). A kabkota assigned facilitators
        but without kelurahan gets a row too (nothing required). None: assignments unknown (empty).
    names : mapping, optional
        Kabkota code -> name.
    **options
        ``rasio_kumuh``, ``rasio_non_kumuh``, ``pembulatan``, passed to :func:`required`.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: the kelurahan counts, ``fasilitator_kumuh`` / ``fasilitator_non_kumuh`` /
        ``fasilitator_dibutuhkan`` (:func:`required`; with the ``total`` rounding the parts are exact
        shares rounded to 2 decimals), ``fasilitator_ditugaskan``, ``selisih`` (assigned minus
        required: negative is a shortfall) and ``kekurangan`` (the shortfall, 0 or more).

    Examples
    --------
    >>> c = pd.DataFrame({"kode": ["61.71", "61.72"], "kelurahan_kumuh": [8, 0], "kelurahan_non_kumuh": [9, 7]})
    >>> t = table(c, {"61.71": 9, "61.72": 5})
    >>> t[["kode", "fasilitator_dibutuhkan", "fasilitator_ditugaskan", "selisih", "kekurangan"]]
        kode  fasilitator_dibutuhkan  fasilitator_ditugaskan  selisih  kekurangan
    0  61.71                      11                       9       -2           2
    1  61.72                       4                       5        1           0
    """
    data = counts[["kode", "kelurahan_kumuh", "kelurahan_non_kumuh"]].copy()
    given = pd.Series(dict(assigned) if assigned is not None else {}, dtype="Int64")
    extra = [k for k in given.index if k not in set(data["kode"])]
    if extra:
        data = pd.concat([data, pd.DataFrame({"kode": extra, "kelurahan_kumuh": 0, "kelurahan_non_kumuh": 0})])
    data = data.sort_values("kode").reset_index(drop=True)
    need = [required(int(s), int(n), **options) for s, n in zip(data["kelurahan_kumuh"], data["kelurahan_non_kumuh"])]
    exact = (options.get("pembulatan") or _rules.load("fasilitator").pembulatan) == "total"
    part = (lambda v: round(float(v), 2)) if exact else int
    out = pd.DataFrame({"kode": data["kode"]})
    out["nama"] = data["kode"].map(dict(names or {}))
    out["kelurahan_kumuh"] = data["kelurahan_kumuh"].astype(np.int64)
    out["kelurahan_non_kumuh"] = data["kelurahan_non_kumuh"].astype(np.int64)
    out["kelurahan_total"] = out["kelurahan_kumuh"] + out["kelurahan_non_kumuh"]
    out["fasilitator_kumuh"] = [part(k.kumuh) for k in need]
    out["fasilitator_non_kumuh"] = [part(k.non_kumuh) for k in need]
    out["fasilitator_dibutuhkan"] = np.array([k.total for k in need], dtype=np.int64)
    if assigned is None:
        out["fasilitator_ditugaskan"] = pd.array([pd.NA] * len(out), dtype="Int64")
    else:
        out["fasilitator_ditugaskan"] = data["kode"].map(given).fillna(0).astype("Int64")
    out["selisih"] = (out["fasilitator_ditugaskan"] - out["fasilitator_dibutuhkan"]).astype("Int64")
    out["kekurangan"] = (-out["selisih"]).clip(lower=0).astype("Int64")
    return out[list(COLUMNS)]


# -- from a store -------------------------------------------------------------------------------------------------
def from_store(
    store: Any,
    *,
    periode: str | None = None,
    kode: str | None = None,
    kelurahan: str | Path | None = None,
    penugasan: str | Path | None = None,
    **options: Any,
) -> pd.DataFrame:
    """:func:`table` for the kabkota of a store.

    Parameters
    ----------
    store : Store
        An initialised store.
    periode : str, optional
        The ``kawasan_kumuh`` period that decides which kelurahan are slum; default the latest stored
        (by the order of the period texts). Without any stored period no kelurahan is slum.
    kode : str, optional
        Only the kabkota within this area (any code form; a kelurahan or kecamatan code gives its
        part of the kabkota).
    kelurahan : path, optional
        The programme's kelurahan (:func:`read_kelurahan`); default every kelurahan of the
        ``wilayah`` layer. When the file has a ``kumuh`` column it decides which are slum.
    penugasan : path, optional
        Facilitators assigned (:func:`read_assignments`); None leaves them unknown.
    **options
        ``rasio_kumuh``, ``rasio_non_kumuh``, ``pembulatan`` (see :func:`required`).
    """
    scope = wil.normalize_kode(kode) if kode else None
    periods = store.periods("kawasan_kumuh")
    if periode is not None and periode not in periods:
        raise UsageError(i18n.text("fasilitator.periode_absent", periode=periode,
                                   available=", ".join(periods) or i18n.text("pengaduan.none")))  # fmt: skip
    periode = periode or (periods[-1] if periods else None)
    slum: set[str] = set()
    if periode is not None:
        slum = slum_kelurahan(
            store.read("kawasan_kumuh", periode=periode, kode=scope, geometry=False, columns=progress.kumuh_columns())
        )
    if kelurahan is not None:
        codes, flagged = read_kelurahan(kelurahan)
        if flagged is not None:
            slum = flagged
    else:
        codes = store.read("wilayah", kode=scope, tingkat="kelurahan", columns=["kode"], geometry=False)["kode"].tolist()
    counts = kelurahan_counts(codes, slum, kode=scope)
    assigned = read_assignments(penugasan) if penugasan is not None else None
    if assigned is not None and scope:
        level = "kabkota" if wil.tingkat(scope) != "provinsi" else "provinsi"
        assigned = assigned[wil.ancestor_series(pd.Series(assigned.index), level).to_numpy() == wil.ancestor(scope, level)]
    units = store.read("wilayah", kode=wil.ancestor(scope, "provinsi") if scope else None, tingkat="kabkota",
                       columns=["kode", "nama"], geometry=False)  # fmt: skip
    return table(counts, assigned, dict(zip(units["kode"], units["nama"])), **options)
