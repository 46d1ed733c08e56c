"""Checking complaint input (private to :mod:`kotaku_gis.pengaduan`): a new complaint's row, a change of
status, follow-up, sanction or closing date; pure functions, no store."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from kotaku_gis import catalog, i18n
from kotaku_gis import rules as _rules
from kotaku_gis import wilayah as wil
from kotaku_gis.errors import DataError, Problem
from kotaku_gis.rules.pengaduan import LAYER, PengaduanRules

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def rules() -> PengaduanRules:
    return _rules.load("pengaduan")


# -- checks ------------------------------------------------------------------------------------
class _Problems:
    """The problems of one complaint (the "file" of a Problem is the complaint's number)."""

    def __init__(self, where: str):
        self.where = where
        self.items: list[Problem] = []

    def add(self, code: str, column: str | None = None, severity: str = "error", **params: Any) -> None:
        self.items.append(Problem(code, self.where, None, column, severity, params))  # type: ignore[arg-type]

    def raise_errors(self) -> None:
        if any(p.severity == "error" for p in self.items):
            raise DataError(self.items)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity != "error"]


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a timestamp or text (``2026-07-01``, ``01/07/2026``, ``01-07-2026``).

    Day-first as Indonesian forms write it. Returns None for a missing value; raises ValueError for
    text that is not a date.

    Examples
    --------
    >>> parse_date("01/07/2026"), parse_date("2026-07-01"), parse_date(None)
    (datetime.date(2026, 7, 1), datetime.date(2026, 7, 1), None)
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _date(p: _Problems, column: str, value: Any, today: dt.date) -> dt.date | None:
    try:
        day = parse_date(value)
    except ValueError:
        p.add("pengaduan_tanggal_invalid", column, value=value)
        return None
    if day is not None and day > today:
        p.add("pengaduan_tanggal_depan", column, value=day.isoformat(), today=today.isoformat())
    return day


def _vocabulary(p: _Problems, column: str, value: Any) -> str | None:
    """The code of ``value`` in the catalogue vocabulary of ``column`` (codes or labels, any case)."""
    spec = catalog.layer(LAYER).column(column)
    if value is None or str(value).strip() == "":
        p.add("pengaduan_kosong", column)
        return None
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    for v in spec.values or []:
        if key in (v.code, re.sub(r"[\s\-]+", "_", v.id.lower()), re.sub(r"[\s\-]+", "_", v.en.lower())):
            return v.code
    p.add("pengaduan_nilai_tidak_dikenal", column, value=value, allowed=", ".join(spec.codes()))
    return None


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def new_complaint(
    *,
    tanggal_diterima: Any,
    saluran: Any,
    kode_wilayah: Any,
    kategori: Any,
    deskripsi: Any,
    id_pengaduan: str | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Validate a new complaint: its row for the layer (status ``diterima``) and the problems found.

    Vocabulary values may be given as codes or labels in any case. Nothing is masked here: the
    row's texts are as given (see :func:`add`).

    Examples
    --------
    >>> row, problems = new_complaint(tanggal_diterima="01/07/2026", saluran="SMS", kode_wilayah="6171011001",
    ...                               kategori="Penyimpangan dana", deskripsi="Dana BDI dipotong",
    ...                               today=dt.date(2026, 7, 2))
    >>> row["saluran"], row["kode_wilayah"], row["kategori"], row["status"], problems
    ('sms', '61.71.01.1001', 'penyimpangan_dana', 'diterima', [])
    >>> _, problems = new_complaint(tanggal_diterima="2026-08-01", saluran="fax", kode_wilayah="617101001",
    ...                             kategori="informasi", deskripsi=" ", today=dt.date(2026, 7, 2))
    >>> [(p.code, p.column) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    [('pengaduan_tanggal_depan', 'tanggal_diterima'), ('pengaduan_nilai_tidak_dikenal', 'saluran'),
     ('pengaduan_kode_invalid', 'kode_wilayah'), ('pengaduan_kosong', 'deskripsi')]
    """
    today = today or dt.date.today()
    p = _Problems(id_pengaduan or LAYER)
    row: dict[str, Any] = {"id_pengaduan": _text(id_pengaduan)}
    row["tanggal_diterima"] = _date(p, "tanggal_diterima", tanggal_diterima, today)
    if row["tanggal_diterima"] is None and not p.items:
        p.add("pengaduan_kosong", "tanggal_diterima")
    row["saluran"] = _vocabulary(p, "saluran", saluran)
    row["kode_wilayah"] = None
    if _text(kode_wilayah) is None:
        p.add("pengaduan_kosong", "kode_wilayah")
    else:
        try:
            row["kode_wilayah"] = wil.normalize_kode(kode_wilayah)
        except ValueError as exc:
            p.add("pengaduan_kode_invalid", "kode_wilayah", value=kode_wilayah, reason=str(exc))
    row["kategori"] = _vocabulary(p, "kategori", kategori)
    row["deskripsi"] = _text(deskripsi)
    if row["deskripsi"] is None:
        p.add("pengaduan_kosong", "deskripsi")
    row.update(status=rules().initial, tindak_lanjut=None, sanksi=None, tanggal_selesai=None)
    return row, p.items


_UNSET: Any = object()


def change(
    current: dict[str, Any],
    *,
    status: Any = None,
    tindak_lanjut: Any = _UNSET,
    sanksi: Any = _UNSET,
    tanggal_selesai: Any = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """A complaint's row after a change of status, follow-up, sanction or closing date.

    ``status`` None keeps the status; a status may only move along ``rules/pengaduan.yml``
    (``transitions``), and must then carry what that status ``requires``. Moving to the closing
    status sets ``tanggal_selesai`` to ``today`` unless it is given; only a closed complaint has one.
    ``tindak_lanjut`` / ``sanksi`` left out keep their value; ``""`` clears them.

    Returns
    -------
    (dict, list of Problem)
        The new row, and the problems (errors mean the change must not be stored).

    Examples
    --------
    >>> row = {"id_pengaduan": "PGD-2026-00001", "status": "diterima", "tanggal_diterima": dt.date(2026, 6, 1),
    ...        "tindak_lanjut": None, "sanksi": None, "tanggal_selesai": None}
    >>> _, problems = change(row, status="selesai", today=dt.date(2026, 7, 1))
    >>> [(p.code, p.params["allowed"]) for p in problems]
    [('pengaduan_transisi', 'diverifikasi')]
    >>> new, problems = change(row, status="diverifikasi", today=dt.date(2026, 7, 1))
    >>> new["status"], problems
    ('diverifikasi', [])
    """
    today = today or dt.date.today()
    r = rules()
    p = _Problems(str(current.get("id_pengaduan") or LAYER))
    row = dict(current)
    _change_status(p, r, row, status)
    for col, value in (("tindak_lanjut", tindak_lanjut), ("sanksi", sanksi)):
        if value is not _UNSET:
            row[col] = _text(value)
    _change_closing(p, r, row, _date(p, "tanggal_selesai", tanggal_selesai, today), today)
    if not any(q.code == "pengaduan_transisi" for q in p.items):
        for col in r.requires.get(row["status"], []):
            if row.get(col) is None:
                p.add("pengaduan_wajib", col, status=row["status"], field=col)
    return row, p.items


def _change_status(p: _Problems, r: PengaduanRules, row: dict[str, Any], status: Any) -> None:
    """Set the new status of ``row`` (None or blank: kept), reporting a move the workflow does not allow."""
    old = row["status"]
    new = old if status is None or str(status).strip() == "" else _vocabulary(p, "status", status)
    if new is not None and new != old and new not in r.transitions.get(old, []):
        allowed = r.transitions.get(old, [])
        p.add("pengaduan_transisi", "status", old=old, new=new,
              allowed=", ".join(allowed) if allowed else i18n.text("pengaduan.none"))  # fmt: skip
    if new is not None:
        row["status"] = new


def _change_closing(p: _Problems, r: PengaduanRules, row: dict[str, Any], closing: dt.date | None, today: dt.date) -> None:
    """Set the closing date of ``row``: ``closing``, else ``today`` on closing; only a closed complaint has one."""
    if closing is not None:
        row["tanggal_selesai"] = closing
    if row["status"] == r.closed:
        if row.get("tanggal_selesai") is None:
            row["tanggal_selesai"] = today
        received = parse_date(row.get("tanggal_diterima"))
        if received is not None and row["tanggal_selesai"] < received:
            p.add("pengaduan_tanggal_sebelum", "tanggal_selesai",
                  value=row["tanggal_selesai"].isoformat(), diterima=received.isoformat())  # fmt: skip
    elif closing is not None:
        p.add("pengaduan_selesai_terbuka", "tanggal_selesai", closed=r.closed, status=row["status"])
