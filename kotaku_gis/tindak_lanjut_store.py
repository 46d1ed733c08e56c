"""The follow-up register in the store: derive and store it (:func:`susun`), change an item, register a
supervision finding, read the register and its history.

The I/O edge of :mod:`kotaku_gis.tindak_lanjut`, which stays pure (frames in, frames out): deriving,
merging, the workflow and escalation are there; here the store is read and written. Every change goes
with a row of the history table ``tindak_lanjut_riwayat`` in the same transaction
(:meth:`Store.write_with_history <kotaku_gis.store.Store.write_with_history>`).

Examples
--------
>>> import tempfile, os, datetime as dt, kotaku_gis as kg
>>> store = kg.open_store(os.path.join(tempfile.mkdtemp(), "contoh.gpkg")); _ = kg.build_sample_store(store)
>>> done = susun(store, "2026Q3", "61.71", tanggal=dt.date(2026, 9, 30))
>>> again = susun(store, "2026Q3", "61.71", tanggal=dt.date(2026, 9, 30))
>>> done.changes.counts["dibuat"] == len(done.found), again.changes.counts
(True, {})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from kotaku_gis import pengaduan_store, progress, screening
from kotaku_gis import tindak_lanjut as tl
from kotaku_gis import wilayah as wil
from kotaku_gis._validate import period_end
from kotaku_gis._workflow import with_status
from kotaku_gis.maps.inputs import latest_kegiatan
from kotaku_gis.store import Store
from kotaku_gis.tindak_lanjut import LAYER


def read(store: Store, *, kode: str | None = None, status: str | Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """The items stored (``kode``: in this area or below; ``status``: only these)."""
    return with_status(store.read(LAYER, kode=kode), status)


def history(store: Store, id_tindak_lanjut: str | None = None) -> pd.DataFrame:
    """The history of the register (of one item when given), oldest first."""
    return store.history(id_tindak_lanjut)


def _place(store: Store, rows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """:func:`kotaku_gis.tindak_lanjut.place` with the areas it needs read from the store."""
    top = tl.areas_to_place(rows)
    if not top:
        return rows
    return tl.place(rows, pd.concat([store.read("wilayah", kode=t, columns=["kode"]) for t in top], ignore_index=True))


@dataclass(frozen=True)
class Susun:
    """What :func:`susun` did."""

    periode: str
    kode: str
    tanggal: dt.date
    found: pd.DataFrame
    changes: tl.Changes


def susun(store: Store, periode: str, kode: str | None = None, *, tanggal: dt.date | None = None) -> Susun:
    """Derive the register of ``periode`` from the monitoring results and store it (idempotent).

    Parameters
    ----------
    store : Store
        An initialised store.
    periode : str
        The monitoring period (a stored period of ``kawasan_kumuh``).
    kode : str, optional
        Only this area (any code form); default the nation. ``kualitas_data`` is derived per kab/kota,
        so only for an area of kab/kota level or above.
    tanggal : date, optional
        The day of the run (default today): opening day of new items, the day complaints are aged to
        and deadlines checked against.

    Returns
    -------
    Susun
        The findings and the changes stored (:meth:`kotaku_gis.tindak_lanjut.Changes.summary`).
    """
    tanggal = tanggal or dt.date.today()
    scope = tl._scope(kode)
    stored = store.periods("kawasan_kumuh")
    periode, baseline = progress.resolve_periods(stored, periode, None)
    upto = [p for p in stored if period_end([p])[0] <= period_end([periode])[0]]
    kumuh = store.read("kawasan_kumuh", periode=upto, kode=scope or None)
    kegiatan = store.read("kegiatan", kode=scope or None)
    kegiatan = kegiatan[period_end(kegiatan["periode"].astype(str)) <= period_end([periode])[0]].reset_index(drop=True)
    now = latest_kegiatan(kegiatan, periode)
    temuan = pd.DataFrame()
    if len(now):
        temuan = screening.screen_store(store, now)
    complaints = pengaduan_store.read(store, kode=scope or None)
    coarse = wil.ROLLUP_LEVELS.index(wil.tingkat(scope)) <= wil.ROLLUP_LEVELS.index("kabkota")
    found = tl.derive(
        kumuh, kegiatan, temuan, complaints, periode, baseline, tanggal, data_quality=coarse, decrees=store.decrees()
    )
    kinds = [k for k in tl.rules().jenis if k != "supervisi" and (coarse or k != "kualitas_data")]
    existing = read(store)
    closed = tl.closed_ids(existing)
    by_data = tl.closed_by_data(store.history(closed)) if closed else []
    changes = tl.merge(existing, found, periode, tanggal, scope=scope, closed_by_data=by_data, kinds=kinds)
    if len(changes.rows) or changes.history:
        store.write_with_history(LAYER, _place(store, changes.rows), changes.history, source=f"tindaklanjut susun {periode}")
    return Susun(periode, scope, tanggal, found, changes)


def update(
    store: Store,
    id_tindak_lanjut: str,
    *,
    oleh: str,
    status: str | None = None,
    catatan: str | None = None,
    tanggal: dt.date | None = None,
) -> dict[str, Any]:
    """Move an item along the workflow or add a note, recording who did it (:func:`kotaku_gis.tindak_lanjut.change`).

    ``oleh`` is the name of whoever makes the change (required: the history names them); ``tanggal``
    defaults to today.

    Raises
    ------
    UsageError
        No item has this number.
    DataError
        No name, a change the workflow does not allow, or neither a status nor a note; nothing is stored.
    """
    row = tl.item(read(store), id_tindak_lanjut)
    row, frame, event = tl.change(row, oleh=oleh, status=status, catatan=catatan, tanggal=tanggal or dt.date.today())
    store.write_with_history(LAYER, frame, [event], source="tindaklanjut update")
    return row


def supervisi(
    store: Store,
    kode: str,
    temuan: str,
    *,
    oleh: str,
    periode: str,
    tanggal: dt.date | None = None,
    tingkat: str | None = None,
) -> str:
    """Register the finding of a supervision visit (entered by hand). Returns its number.

    See :func:`kotaku_gis.tindak_lanjut.supervision` (``tanggal`` defaults to today).
    """
    tanggal = tanggal or dt.date.today()
    number, frame, event = tl.supervision(read(store), kode, temuan, oleh=oleh, periode=periode, tanggal=tanggal, tingkat=tingkat)
    store.write_with_history(LAYER, _place(store, frame), [event], source="tindaklanjut supervisi")
    return number
