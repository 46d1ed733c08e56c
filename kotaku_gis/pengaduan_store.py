"""Complaints in the store: register a complaint, change it, read the register, the complainant's
identity (for the handling unit only) and the public register written to files.

The I/O edge of :mod:`kotaku_gis.pengaduan`, which stays pure (frames in, frames out): every rule
(checking, workflow, age and priority, what is published) is there; here the store is read and
written. The complainant's name and contact, and the description as given, go to the store's private
table ``pengaduan_identitas`` in the same transaction as the public row; only :func:`identitas`
reads it.

Examples
--------
>>> import tempfile, os, datetime as dt, kotaku_gis as kg
>>> store = kg.open_store(os.path.join(tempfile.mkdtemp(), "contoh.gpkg")); _ = kg.build_sample_store(store)
>>> saved = add(store, tanggal_diterima="2026-07-01", saluran="telepon", kode_wilayah="61.71.01.1002",
...             kategori="informasi", deskripsi="Jadwal rembug warga?", today=dt.date(2026, 7, 2))
>>> saved.status, read(store, status="diterima")["id_pengaduan"].tolist()[-1] == saved.id_pengaduan
('diterima', True)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa

from kotaku_gis import catalog, files, i18n, privacy, settings
from kotaku_gis import wilayah as wil
from kotaku_gis._pengaduan_input import _UNSET, _Problems, _text, change, new_complaint, parse_date
from kotaku_gis._workflow import with_status
from kotaku_gis.errors import Problem, StoreError, UsageError
from kotaku_gis.pengaduan import LAYER, TEXT_COLUMNS, _scope, register
from kotaku_gis.store import Store


@dataclass(frozen=True)
class Saved:
    """What :func:`add` or :func:`update` stored."""

    id_pengaduan: str
    status: str
    #: Personal data masked in the published texts, by column and kind (``{"deskripsi": {"telepon": 1}}``).
    masked: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Warnings (masked personal data), as problems to show.
    warnings: list[Problem] = field(default_factory=list)


def _location(store: Store, kode: str, p: _Problems) -> Any:
    """The representative point of the area ``kode`` in the stored ``wilayah`` layer."""
    units = store.read("wilayah", kode=kode, columns=["kode"])
    unit = units[units["kode"] == kode]
    if unit.empty or unit.geometry.iloc[0] is None or unit.geometry.iloc[0].is_empty:
        p.add("pengaduan_kode_tidak_ada", "kode_wilayah", value=kode)
        return None
    return unit.geometry.iloc[0].representative_point()


def _next_id(existing: Sequence[str], year: int) -> str:
    """The next free number of ``year``: ``<prefix>-<year>-<sequence of 5 digits>``.

    Examples
    --------
    >>> _next_id(["PGD-2026-00007", "PGD-2025-00100", "lain"], 2026)
    'PGD-2026-00008'
    """
    prefix = f"{settings.pengaduan_id_prefix}-{year}-"
    numbers = [int(m.group(1)) for i in existing if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", str(i)))]
    return f"{prefix}{max(numbers, default=0) + 1:05d}"


def _mask(
    p: _Problems, row: dict[str, Any], names: Sequence[str | None], terms: Sequence[str | None]
) -> dict[str, dict[str, int]]:
    """Mask personal data in the row's published texts, in place; warn about what was masked."""
    masked = {}
    for col in TEXT_COLUMNS:
        if row.get(col) is None:
            continue
        s = privacy.mask(row[col], names=names, terms=terms)
        if s.changed:
            row[col] = s.text
            masked[col] = s.counts
            p.add("pengaduan_disamarkan", col, severity="warning", count=sum(s.counts.values()),
                  kinds=", ".join(s.counts))  # fmt: skip
    return masked


def _frame(row: dict[str, Any], geometry: Any) -> gpd.GeoDataFrame:
    spec = catalog.layer(LAYER)
    data = {c: [row.get(c)] for c in spec.column_names}
    return gpd.GeoDataFrame(data, geometry=[geometry], crs=settings.storage_crs)


def add(
    store: Store,
    *,
    tanggal_diterima: Any,
    saluran: Any,
    kode_wilayah: Any,
    kategori: Any,
    deskripsi: Any,
    nama: str | None = None,
    kontak: str | None = None,
    id_pengaduan: str | None = None,
    today: dt.date | None = None,
) -> Saved:
    """Register a new complaint (status ``diterima``), its identity kept apart.

    Parameters
    ----------
    store : Store
        An initialised store with the ``wilayah`` boundaries of the area (the complaint is located
        at its representative point).
    tanggal_diterima, saluran, kode_wilayah, kategori, deskripsi
        As :func:`kotaku_gis.pengaduan.new_complaint`.
    nama, kontak : str, optional
        The complainant's name and contact (phone, e-mail or address); both may be left out
        (anonymous complaints). Stored in the private table only, and masked wherever they appear
        in the description.
    id_pengaduan : str, optional
        The complaint's number; default the next ``PGD-<year>-<nnnnn>`` of its year of receipt.
    today : date, optional
        The day of the entry (default today): dates after it are refused.

    Returns
    -------
    Saved
        The number given, and what personal data was masked in the description.

    Raises
    ------
    DataError
        Invalid values, an area not in ``wilayah``, or a number already in use; nothing is stored.
    """
    today = today or dt.date.today()
    row, problems = new_complaint(
        tanggal_diterima=tanggal_diterima, saluran=saluran, kode_wilayah=kode_wilayah, kategori=kategori,
        deskripsi=deskripsi, id_pengaduan=id_pengaduan, today=today,
    )  # fmt: skip
    p = _Problems(id_pengaduan or LAYER)
    p.items = problems
    geometry = _location(store, row["kode_wilayah"], p) if row["kode_wilayah"] else None
    p.raise_errors()
    original = row["deskripsi"]
    masked = _mask(p, row, [nama], [kontak])
    identity = {
        "nama": _text(nama),
        "kontak": _text(kontak),
        "deskripsi_asli": original if "deskripsi" in masked else None,
    }
    existing = store.read(LAYER, columns=["id_pengaduan"], geometry=False)["id_pengaduan"].tolist()
    auto = row["id_pengaduan"] is None
    if not auto and row["id_pengaduan"] in existing:
        p.add("pengaduan_id_ada", "id_pengaduan", id=row["id_pengaduan"])
        p.raise_errors()
    for _attempt in range(3):
        if auto:
            row["id_pengaduan"] = _next_id(existing, row["tanggal_diterima"].year)
        try:
            _save(store, row, geometry, identity, insert=True, source="pengaduan add")
            break
        except sa.exc.IntegrityError:  # the number was taken meanwhile (another user)
            if not auto:
                p.add("pengaduan_id_ada", "id_pengaduan", id=row["id_pengaduan"])
                p.raise_errors()
            existing = existing + [row["id_pengaduan"]]
    else:  # pragma: no cover - three collisions in a row
        raise StoreError(i18n.text("pengaduan.no_free_id", layer=LAYER))
    warnings = [Problem(q.code, row["id_pengaduan"], None, q.column, q.severity, q.params) for q in p.warnings]
    return Saved(row["id_pengaduan"], row["status"], masked, warnings)


def _save(
    store: Store, row: dict[str, Any], geometry: Any, identity: dict[str, Any] | None, *, insert: bool, source: str
) -> None:
    store.write(LAYER, _frame(row, geometry), source=source, insert_only=insert,
                extra=store.identity_writer(row["id_pengaduan"], identity))  # fmt: skip


def _stored(store: Store, id_pengaduan: str) -> tuple[dict[str, Any], Any]:
    frame = store.read(LAYER)
    hit = frame[frame["id_pengaduan"] == id_pengaduan]
    if hit.empty:
        raise UsageError(i18n.text("pengaduan.unknown_id", id=id_pengaduan))
    record = hit.iloc[0]
    row = {c: record[c] for c in catalog.layer(LAYER).column_names}
    for col in ("tanggal_diterima", "tanggal_selesai"):
        row[col] = parse_date(row[col])
    for col in TEXT_COLUMNS:
        row[col] = _text(row[col])
    return row, record.geometry


def update(
    store: Store,
    id_pengaduan: str,
    *,
    status: str | None = None,
    tindak_lanjut: Any = _UNSET,
    sanksi: Any = _UNSET,
    tanggal_selesai: Any = None,
    today: dt.date | None = None,
) -> Saved:
    """Change a complaint's status, follow-up, sanction or closing date (see :func:`kotaku_gis.pengaduan.change`).

    The follow-up and the sanction are published: personal data in them is masked, including the
    complainant's name and contact where they appear.

    Raises
    ------
    UsageError
        No complaint has this number.
    DataError
        A change the workflow does not allow, or a status without what it requires; nothing is stored.
    """
    today = today or dt.date.today()
    current, geometry = _stored(store, id_pengaduan)
    row, problems = change(
        current, status=status, tindak_lanjut=tindak_lanjut, sanksi=sanksi, tanggal_selesai=tanggal_selesai, today=today
    )
    p = _Problems(id_pengaduan)
    p.items = problems
    p.raise_errors()
    who = identitas(store, id_pengaduan) or {}
    texts = {c: row[c] for c in ("tindak_lanjut", "sanksi")}
    masked = _mask(p, texts, [who.get("nama")], [who.get("kontak")])
    row.update(texts)
    _save(store, row, geometry, None, insert=False, source="pengaduan update")
    return Saved(id_pengaduan, row["status"], masked, [q for q in p.warnings])


def read(store: Store, *, kode: str | None = None, status: str | Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """The complaints stored (public columns only: there are no others in the layer).

    ``kode``: only complaints coded in this area or below it; ``status``: only these statuses.
    """
    return with_status(store.read(LAYER, kode=kode), status)


def identitas(store: Store, id_pengaduan: str) -> dict[str, Any] | None:
    """The complainant's identity, for the handling unit only: name, contact, description as given.

    Never write this into a table, map or file that leaves the unit. None when the complaint was
    anonymous (or its identity was erased).
    """
    return store.identity(id_pengaduan)


def hapus_identitas(store: Store, id_pengaduan: str) -> bool:
    """Erase a complainant's identity (when the case no longer needs it). Returns whether one was stored."""
    return store.erase_identity(id_pengaduan)


@dataclass(frozen=True)
class Publication:
    """What :func:`publish` wrote."""

    paths: list[Path]
    rows: int


def publish(
    store: Store,
    out: str | Path,
    peta: str | Path | None = None,
    *,
    kode: str | None = None,
    as_of: dt.date | None = None,
    tingkat: str | None = None,
) -> Publication:
    """Write the public register: a table (``out``: .csv or .xlsx) and a map layer (``peta``: .gpkg
    or .geojson), both from :func:`kotaku_gis.pengaduan.register` (``kode``: only complaints in this area; ``as_of`` and
    ``tingkat`` as there).

    Only :data:`PUBLIC_COLUMNS` are written: the private identity table is never read.
    """
    out_path = Path(out)
    if out_path.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(i18n.text("pengaduan.out_suffix", path=out_path.name))
    if peta is not None and Path(peta).suffix.lower() not in (".gpkg", ".geojson"):
        raise UsageError(i18n.text("pengaduan.peta_suffix", path=Path(peta).name))
    tingkat = tingkat or settings.pengaduan_tingkat_publikasi
    scope = _scope(kode)
    frame = read(store, kode=scope or None)
    # the areas complaints are published at: those within the scope, or the one holding it
    area = wil.ancestor(scope, tingkat) if scope and tingkat in wil.LEVELS else None
    units = store.read("wilayah", kode=area or scope or None, columns=["kode", "nama"])
    table = register(frame, units, as_of=as_of, tingkat=tingkat)
    written = [files.write_table(pd.DataFrame(table.drop(columns="geometry")), out_path)]
    if peta is not None:
        peta_path = Path(peta)
        layer = table[table.geometry.notna()]
        written.append(files.write_table({LAYER: layer} if peta_path.suffix.lower() == ".gpkg" else layer, peta_path))
    return Publication(written, len(table))
