"""Follow-up register (daftar tindak lanjut): the control cycle's memory of what needs action.

The guideline (chapter V, section 1.4) runs control as a cycle: monitoring, supervision that follows
up the findings, a monev report with recommendations and a workshop that agrees the follow-up, each
level with its coordinator (section 1.4.2). This module keeps the findings from being printed and
forgotten. It is pure (frames in, frames out); reading and writing the store is
:mod:`kotaku_gis.tindak_lanjut_store`.

Where things are kept
    The ``tindak_lanjut`` catalogue layer (``layers/tindak_lanjut.yml``): one row per issue, with its
    kind (``jenis``) and source key, area, responsible level and coordinator, recommendation (by kind,
    from the rules), deadline, status and latest note. Every change goes with a row of the store's
    history table ``tindak_lanjut_riwayat`` (day, time, the name typed, what happened, the note), in
    the same transaction (:meth:`Store.write_with_history <kotaku_gis.store.Store.write_with_history>`).
    The complainants' private table is never read: an item from a complaint carries the complaint's
    public number, area code and category only.

Rules as data (``rules/tindak_lanjut.yml``)
    The status workflow (``dibuka`` -> ``ditindaklanjuti`` -> ``selesai``; ``dieskalasi`` set by
    :func:`~kotaku_gis.tindak_lanjut_store.susun` when a deadline passes), the coordinator and actors
    of each level (1.4.2), and for each kind the level that handles it first, the deadline and the recommendation (id/en).

What is derived (:func:`derive`, pure)
    - ``skrining_tidak_layak`` / ``skrining_perlu_tinjauan``: an activity with screening findings of that
      status (:func:`kotaku_gis.screening.screen`), its negative-list items as the detail;
    - ``pengaduan_terlambat``: an open complaint past its service time (:func:`kotaku_gis.pengaduan.triage`);
    - ``kumuh_tetap``: a slum location whose score has not fallen over the last ``periode_min`` stored
      periods ending with the period;
    - ``kegiatan_macet``: an activity being built (``pelaksanaan``) with the same physical progress in
      its last ``periode_min`` reports;
    - ``kualitas_data``: a kab/kota with slum locations of the baseline not reassessed in the period
      (``belum_dinilai`` in :func:`kotaku_gis.progress.progress_lokasi`). The load log
      (``kotaku_loads``) gives nothing per area: it records the successful loads only (a refused load
      changes nothing, by design) and no load carries a place, so the data's own gaps are what is
      derivable;
    - ``supervisi``: entered by hand (:func:`~kotaku_gis.tindak_lanjut_store.supervisi`), never derived and never closed by data.

Idempotent (:func:`merge`, pure; :func:`~kotaku_gis.tindak_lanjut_store.susun`, the store's side)
    An item's number is its kind's prefix and its source key (``TL-SKT-KGT-6171-012``), so the same
    finding always gets the same number and keeps its history; deriving again changes nothing. An item
    whose finding is gone is closed (``selesai``, event ``selesai_data``: resolved by the data); one
    closed that way whose finding comes back is opened again. An item closed by hand stays closed.
    Deriving an earlier period leaves alone the items last seen in a later one.

Escalation
    An item in ``eskalasi.dari`` past its deadline goes to the next level's coordinator (one level per
    run) with a new deadline.

Examples
--------
>>> from kotaku_gis import tindak_lanjut as tl
>>> tl.coordinator("kecamatan"), tl.allowed_transitions("dibuka")
('camat', ['ditindaklanjuti', 'selesai'])
>>> tl.item_id("skrining_tidak_layak", "KGT-6171-012")
'TL-SKT-KGT-6171-012'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import catalog, i18n, pengaduan, privacy, progress, settings
from kotaku_gis import wilayah as wil
from kotaku_gis._tindak_lanjut_derive import (  # noqa: F401  (public here)
    _findings,
    _points,
    derive,
    from_activities,
    from_complaints,
    from_data_quality,
    from_screening,
    from_slum_locations,
)
from kotaku_gis._tindak_lanjut_rules import (  # noqa: F401  (the public names of the register's rules)
    EVENTS,
    FINDING_COLUMNS,
    LAYER,
    RULES_PATH,
    SYSTEM,
    Bilingual,
    Escalation,
    KindRule,
    LevelRule,
    TindakLanjutRules,
    _label,
    actors,
    allowed_transitions,
    coordinator,
    coordinator_label,
    item_id,
    recommendation,
    rules,
)
from kotaku_gis._validate import is_na, period_end
from kotaku_gis.errors import DataError, Problem, UsageError


# -- the register (pure) --------------------------------------------------------------------------------
@dataclass
class Changes:
    """What :func:`merge` (and so :func:`~kotaku_gis.tindak_lanjut_store.susun`) changed."""

    #: The rows to write (new and changed), layer columns and geometry.
    rows: gpd.GeoDataFrame
    #: The history rows to add (``tindak_lanjut_riwayat`` without ``fid`` and ``waktu``).
    history: list[dict[str, Any]] = field(default_factory=list)
    #: Counts per event (``dibuat``, ``dieskalasi``, ``selesai_data``...).
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self, lang: str | None = None) -> str:
        """The changes in words (one line)."""
        if not self.counts:
            return i18n.text("tindaklanjut.no_change", lang)
        parts = [i18n.text(f"tindaklanjut.event.{k}", lang) + f" {v}" for k, v in sorted(self.counts.items())]
        return i18n.text("tindaklanjut.changes", lang, items=", ".join(parts))


def _responsible(kode: str, tingkat: str) -> tuple[str, str | None]:
    """The level responsible and its area: ``tingkat``, or the code's own level when it is coarser."""
    own = wil.tingkat(kode)
    levels = wil.ROLLUP_LEVELS
    level = tingkat if levels.index(tingkat) <= levels.index(own) else own
    return level, (wil.ancestor(kode, level) if level != "nasional" else None)


def _history(item: str, tanggal: dt.date, oleh: str, event: str, old: Any, new: Any, catatan: Any = None) -> dict[str, Any]:
    return {"id_tindak_lanjut": item, "tanggal": tanggal.isoformat(), "oleh": oleh, "peristiwa": event,
            "status_lama": old, "status_baru": new, "catatan": catatan}  # fmt: skip


def _in_scope(codes: pd.Series, scope: str) -> np.ndarray:
    if not scope:
        return np.ones(len(codes), dtype=bool)
    text = codes.astype(str)
    return ((text == scope) | text.str.startswith(scope + ".")).to_numpy()


def _date(value: Any) -> dt.date | None:
    return pengaduan.parse_date(value)


def merge(
    existing: gpd.GeoDataFrame | pd.DataFrame,
    found: pd.DataFrame,
    periode: str,
    tanggal: dt.date,
    *,
    scope: str = "",
    closed_by_data: Sequence[str] = (),
    kinds: Sequence[str] | None = None,
) -> Changes:
    """The register after a derivation: new items, details refreshed, gone findings closed, overdue
    items escalated.

    Parameters
    ----------
    existing : DataFrame
        The stored items (layer rows, with geometry).
    found : DataFrame
        :func:`derive`'s findings (with geometry: None takes the item's area point later).
    periode : str
        The period derived.
    tanggal : date
        The day of the run: opening day of new items, the day deadlines are checked against.
    scope : str
        The area derived (``""``: the nation): only items in it are closed or escalated.
    closed_by_data : list of str
        Numbers of the stored items whose last closing was by the data (they reopen when found again).
    kinds : list of str, optional
        The kinds derived in this run (default all but ``supervisi``): items of other kinds are never
        closed by data.

    Returns
    -------
    Changes

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> found = pd.DataFrame({"jenis": ["kegiatan_macet"], "id_sumber": ["K1"], "kode_wilayah": ["61.71.01.1001"],
    ...                       "rincian": ["40 %"], "geometry": [None]})
    >>> c = merge(pd.DataFrame(), found, "2026Q3", dt.date(2026, 9, 30))
    >>> c.rows[["id_tindak_lanjut", "status", "tingkat", "koordinator", "batas_waktu"]].values.tolist()
    [['TL-KGT-K1', 'dibuka', 'kelurahan', 'lurah', datetime.date(2026, 10, 30)]]
    >>> later = merge(c.rows, found.iloc[:0], "2026Q4", dt.date(2026, 12, 31))
    >>> later.rows["status"].tolist(), later.counts
    (['selesai'], {'selesai_data': 1})
    """
    r = rules()
    kinds = list(kinds) if kinds is not None else [k for k in r.jenis if k != "supervisi"]
    run = _Run(r, periode, tanggal, period_end([periode])[0])
    old = {str(row["id_tindak_lanjut"]): row for row in _records(existing)}
    seen: set[str] = set()
    for f in _records(found):
        item = item_id(f["jenis"], f["id_sumber"])
        seen.add(item)
        cur = old.get(item)
        if cur is None:
            run.open(item, f)
        else:
            run.refresh(item, cur, f, reopen=item in set(closed_by_data))
    for item, cur in old.items():
        if item in seen or item in run.out or cur["jenis"] not in kinds or cur["status"] == r.closed:
            continue
        if _in_scope(pd.Series([cur["kode_wilayah"]]), scope)[0] and not run.later(cur):
            run.close(item, cur)
    for item, cur in old.items():  # escalation: every open item of the scope past its deadline, once per run
        run.escalate(item, run.out.get(item, dict(cur)), scope)
    return run.changes()


@dataclass
class _Run:
    """One :func:`merge`: the items changed, their history and the count of each event."""

    r: TindakLanjutRules
    periode: str
    tanggal: dt.date
    this: float
    out: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, item: str, event: str, old: Any, new: Any, catatan: Any = None) -> None:
        self.history.append(_history(item, self.tanggal, SYSTEM, event, old, new, catatan))
        self.counts[event] = self.counts.get(event, 0) + 1

    def later(self, cur: dict[str, Any]) -> bool:
        """Seen in a later period: that derivation judges it."""
        return bool(period_end([str(cur["periode_terakhir"])])[0] > self.this)

    def open(self, item: str, f: dict[str, Any]) -> None:
        rule = self.r.jenis[f["jenis"]]
        kode = wil.normalize_kode(f["kode_wilayah"])
        level, pj = _responsible(kode, rule.tingkat)
        self.out[item] = {
            "id_tindak_lanjut": item, "kode_wilayah": kode, "jenis": f["jenis"], "id_sumber": f["id_sumber"],
            "rincian": f.get("rincian"), "tingkat": level, "kode_penanggung_jawab": pj,
            "koordinator": coordinator(level), "periode": self.periode, "periode_terakhir": self.periode,
            "status": self.r.initial, "tanggal_dibuka": self.tanggal,
            "batas_waktu": self.tanggal + dt.timedelta(days=rule.batas_hari),
            "tanggal_selesai": None, "eskalasi": 0, "catatan": None, "geometry": f.get("geometry"),
        }  # fmt: skip
        self.note(item, "dibuat", None, self.r.initial, f.get("rincian"))

    def refresh(self, item: str, cur: dict[str, Any], f: dict[str, Any], *, reopen: bool) -> None:
        r = self.r
        if self.later(cur):
            return
        row = dict(cur)
        changed = False
        if row["status"] == r.closed:
            if not reopen:
                return  # closed by hand: stays closed
            rule = r.jenis[f["jenis"]]
            level, pj = _responsible(wil.normalize_kode(f["kode_wilayah"]), rule.tingkat)
            row.update(
                status=r.initial,
                tanggal_dibuka=self.tanggal,
                batas_waktu=self.tanggal + dt.timedelta(days=rule.batas_hari),
                tanggal_selesai=None,
                tingkat=level,
                kode_penanggung_jawab=pj,
                koordinator=coordinator(level),
            )
            self.note(item, "dibuka_kembali", r.closed, r.initial, f.get("rincian"))
            changed = True
        if _text(row.get("rincian")) != _text(f.get("rincian")):
            row["rincian"] = f.get("rincian")
            if not changed:
                self.note(item, "rincian", row["status"], row["status"], f.get("rincian"))
            changed = True
        if str(row["periode_terakhir"]) != self.periode:
            row["periode_terakhir"] = self.periode
            changed = True
        if changed:
            self.out[item] = row

    def close(self, item: str, cur: dict[str, Any]) -> None:
        row = dict(cur)
        row.update(status=self.r.closed, tanggal_selesai=self.tanggal)
        self.note(item, "selesai_data", cur["status"], self.r.closed)
        self.out[item] = row

    def escalate(self, item: str, row: dict[str, Any], scope: str) -> None:
        r = self.r
        if row["status"] not in r.eskalasi.dari or row["tingkat"] == "nasional":
            return
        if not _in_scope(pd.Series([row["kode_wilayah"]]), scope)[0]:
            return
        due = _date(row["batas_waktu"])
        if due is None or self.tanggal <= due:
            return
        up = wil.ROLLUP_LEVELS[wil.ROLLUP_LEVELS.index(row["tingkat"]) - 1]
        before = row["status"]
        row.update(
            status=r.escalated,
            tingkat=up,
            koordinator=coordinator(up),
            kode_penanggung_jawab=wil.ancestor(row["kode_wilayah"], up) if up != "nasional" else None,
            batas_waktu=self.tanggal + dt.timedelta(days=r.eskalasi.batas_hari),
            eskalasi=int(row["eskalasi"] or 0) + 1,
        )
        self.note(item, "dieskalasi", before, r.escalated, coordinator(up))
        self.out[item] = row

    def changes(self) -> Changes:
        columns = catalog.layer(LAYER).column_names
        data = {c: [row.get(c) for row in self.out.values()] for c in columns}
        for c in ("tanggal_dibuka", "batas_waktu", "tanggal_selesai"):
            data[c] = [_date(v) for v in data[c]]
        frame = gpd.GeoDataFrame(data, geometry=[row.get("geometry") for row in self.out.values()], crs=settings.storage_crs)
        return Changes(frame.sort_values("id_tindak_lanjut").reset_index(drop=True), self.history, self.counts)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame is None or len(frame) == 0:
        return []
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: (None if not isinstance(v, (list, tuple)) and is_na(v) else v) for k, v in rec.items()})
    return out


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and is_na(value)):
        return None
    text = str(value).strip()
    return text or None


def overdue(frame: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Whether each item is open and past its deadline on ``as_of``."""
    if len(frame) == 0:
        return pd.Series([], dtype=bool)
    due = pd.to_datetime(frame["batas_waktu"])
    return ((frame["status"] != rules().closed) & (due < pd.Timestamp(as_of))).astype(bool)


#: Keys of :func:`counts`, in order.
COUNT_KEYS: tuple[str, ...] = ("total", "dibuka", "ditindaklanjuti", "dieskalasi", "selesai", "terlambat", "pernah_dieskalasi")


def counts(frame: pd.DataFrame, as_of: dt.date) -> dict[str, int]:
    """Items by status, those overdue on ``as_of``, and those ever escalated.

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> f = pd.DataFrame({"status": ["dibuka", "selesai"], "batas_waktu": ["2026-09-01", "2026-09-01"], "eskalasi": [1, 0]})
    >>> counts(f, dt.date(2026, 9, 30))
    {'total': 2, 'dibuka': 1, 'ditindaklanjuti': 0, 'dieskalasi': 0, 'selesai': 1, 'terlambat': 1, 'pernah_dieskalasi': 1}
    """
    out = {"total": int(len(frame))}
    for s in ("dibuka", "ditindaklanjuti", "dieskalasi", "selesai"):
        out[s] = int((frame["status"] == s).sum()) if len(frame) else 0
    out["terlambat"] = int(overdue(frame, as_of).sum())
    out["pernah_dieskalasi"] = int((pd.to_numeric(frame["eskalasi"]).fillna(0) > 0).sum()) if len(frame) else 0
    return out


#: Columns of :func:`table`, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "id_tindak_lanjut", "jenis", "id_sumber", "kode_wilayah", "rincian", "tingkat", "kode_penanggung_jawab",
    "koordinator", "rekomendasi", "periode", "periode_terakhir", "status", "tanggal_dibuka", "batas_waktu",
    "tanggal_selesai", "terlambat", "eskalasi", "catatan",
)  # fmt: skip


def table(frame: pd.DataFrame, as_of: dt.date, lang: str | None = None) -> pd.DataFrame:
    """The register as people read it: kinds, levels, coordinators and statuses in words, the
    recommendation of each kind, dates as ``YYYY-MM-DD``, ``terlambat`` on ``as_of``; sorted by number."""
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).copy()
    if len(out) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLE_COLUMNS})
    late = overdue(out, as_of)
    out["rekomendasi"] = out["jenis"].map(lambda j: recommendation(j, lang))
    out["terlambat"] = late.to_numpy()
    for col in ("jenis", "tingkat", "koordinator", "status"):
        out[col] = out[col].map(lambda v, c=col: _label(c, v, lang))
    for col in ("tanggal_dibuka", "batas_waktu", "tanggal_selesai"):
        d = pd.to_datetime(out[col])
        out[col] = d.dt.strftime("%Y-%m-%d").astype(object).where(d.notna(), None)
    out["eskalasi"] = pd.to_numeric(out["eskalasi"]).astype("Int64")
    return out[list(TABLE_COLUMNS)].sort_values("id_tindak_lanjut", kind="stable").reset_index(drop=True)


# -- one item, placing items, supervision (pure; the store's side is kotaku_gis.tindak_lanjut_store) ------
#: An area code as given (any form) in dotted form, ``""`` for none (a UsageError for a bad one).
_scope = pengaduan._scope


def item(frame: pd.DataFrame, id_tindak_lanjut: str) -> dict[str, Any]:
    """The item ``id_tindak_lanjut`` of the register ``frame`` as a record (missing values None).

    Raises
    ------
    UsageError
        No item has this number.
    """
    hit = frame[frame["id_tindak_lanjut"] == id_tindak_lanjut]
    if hit.empty:
        raise UsageError(i18n.text("tindaklanjut.unknown_id", id=id_tindak_lanjut))
    return _records(hit)[0]


def closed_ids(existing: pd.DataFrame) -> list[str]:
    """The numbers of the closed items of the register ``existing``."""
    return existing[existing["status"] == rules().closed]["id_tindak_lanjut"].tolist() if len(existing) else []


def closed_by_data(history: pd.DataFrame) -> list[str]:
    """The items whose last event in ``history`` (oldest first) closed them by the data (``selesai_data``)."""
    if not len(history):
        return []
    last = history.groupby("id_tindak_lanjut").tail(1)
    return sorted(last.loc[last["peristiwa"] == "selesai_data", "id_tindak_lanjut"])


def _unplaced(rows: gpd.GeoDataFrame) -> pd.Series:
    return rows.geometry.isna() | rows.geometry.is_empty if len(rows) else pd.Series([], dtype=bool)


def areas_to_place(rows: gpd.GeoDataFrame) -> list[str]:
    """The province codes whose ``wilayah`` :func:`place` needs for ``rows`` (none when all have a point)."""
    missing = _unplaced(rows)
    return sorted({c.split(".")[0] for c in rows.loc[missing, "kode_wilayah"].astype(str)}) if missing.any() else []


def place(rows: gpd.GeoDataFrame, wilayah: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give items without a point the representative point of their area (or of the nearest area above).

    ``wilayah``: the areas of the provinces :func:`areas_to_place` names (``kode``, geometry).

    Raises
    ------
    DataError
        An item with no area of its code or above it in ``wilayah``.
    """
    missing = _unplaced(rows)
    if not missing.any():
        return rows
    wanted = set()
    for c in rows.loc[missing, "kode_wilayah"].astype(str):
        k: str | None = c
        while k:
            wanted.add(k)
            k = wil.parent(k)
    w = wilayah[wilayah["kode"].isin(wanted) & wilayah.geometry.notna()]
    points = dict(zip(w["kode"], gpd.GeoSeries(w.geometry, crs=settings.storage_crs).representative_point()))
    out = rows.copy()
    geoms = list(out.geometry)
    for i in np.flatnonzero(missing.to_numpy()):
        k = str(out["kode_wilayah"].iloc[i])
        while k and k not in points:
            k = wil.parent(k) or ""
        if not k:
            params = {"kode": out["kode_wilayah"].iloc[i], "id": out["id_tindak_lanjut"].iloc[i]}
            raise DataError([Problem("tindaklanjut_tanpa_lokasi", LAYER, None, "kode_wilayah", params=params)])
        geoms[i] = points[k]
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=settings.storage_crs))


def _layer_row(row: dict[str, Any], geometry: Any) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {c: [row.get(c)] for c in catalog.layer(LAYER).column_names}, geometry=[geometry], crs=settings.storage_crs
    )


def change(
    row: dict[str, Any], *, oleh: str, status: str | None = None, catatan: str | None = None, tanggal: dt.date
) -> tuple[dict[str, Any], gpd.GeoDataFrame, dict[str, Any]]:
    """Move the item ``row`` (:func:`item`) along the workflow or add a note, by ``oleh`` on ``tanggal``.

    ``status`` None keeps the status (to add a note); a status may only move along ``transitions``
    of the rules; closing sets ``tanggal_selesai`` to ``tanggal``. Personal data in the note is masked.

    Returns
    -------
    tuple
        The changed record, its layer row (a one-row GeoDataFrame) and its history event.

    Raises
    ------
    DataError
        No name, a change the workflow does not allow, or neither a status nor a note.
    """
    row = dict(row)
    id_tindak_lanjut = row["id_tindak_lanjut"]
    r = rules()
    problems: list[Problem] = []
    who = _text(oleh)
    if who is None:
        problems.append(Problem("tindaklanjut_oleh", id_tindak_lanjut, None, "--oleh"))
    new = row["status"] if status is None or not str(status).strip() else str(status).strip().lower()
    if new != row["status"] and new not in r.transitions.get(row["status"], []):
        allowed = r.transitions.get(row["status"], [])
        problems.append(
            Problem(
                "tindaklanjut_transisi",
                id_tindak_lanjut,
                None,
                "--status",
                params={"old": row["status"], "new": new, "allowed": ", ".join(allowed) or i18n.text("pengaduan.none")},
            )
        )
    text = privacy.redact(_text(catatan))
    if new == row["status"] and text is None:
        problems.append(Problem("tindaklanjut_kosong", id_tindak_lanjut, None, "--catatan"))
    if problems:
        raise DataError(problems)
    old = row["status"]
    row["status"] = new
    if text is not None:
        row["catatan"] = text
    if new == r.closed and old != r.closed:
        row["tanggal_selesai"] = tanggal
    event = _history(id_tindak_lanjut, tanggal, str(who), "diperbarui", old, new, text)
    return row, _layer_row(row, row["geometry"]), event


def supervision(
    existing: pd.DataFrame, kode: str, temuan: str, *, oleh: str, periode: str, tanggal: dt.date, tingkat: str | None = None
) -> tuple[str, gpd.GeoDataFrame, dict[str, Any]]:
    """A new item for the finding of a supervision visit (entered by hand), numbered after ``existing``.

    The item is ``TL-SPV-<year>-<nnnn>`` (the next of the visit's year), handled first at ``tingkat``
    (default the rule's ``supervisi.tingkat``), never closed by data.

    Returns
    -------
    tuple
        Its number, its layer row (without a point: :func:`place` gives it one) and its history event.

    Raises
    ------
    DataError
        No area code, finding or name.
    """
    code = _scope(kode)
    if not code or _text(temuan) is None or _text(oleh) is None:
        raise DataError([Problem("tindaklanjut_supervisi", LAYER, None, None if code else "--kode")])
    rule = rules().jenis["supervisi"]
    periode = progress.normalize_periode(periode)
    prefix = f"{rule.awalan}-{tanggal.year}-"
    taken = [
        int(i[len(prefix) :])
        for i in existing["id_tindak_lanjut"].astype(str)
        if i.startswith(prefix) and i[len(prefix) :].isdigit()
    ]
    source = f"{tanggal.year}-{max(taken, default=0) + 1:04d}"
    number = item_id("supervisi", source)
    level, pj = _responsible(code, tingkat or rule.tingkat)
    row = {"id_tindak_lanjut": number, "kode_wilayah": code, "jenis": "supervisi", "id_sumber": source,
           "rincian": privacy.redact(_text(temuan)), "tingkat": level, "kode_penanggung_jawab": pj,
           "koordinator": coordinator(level), "periode": periode, "periode_terakhir": periode,
           "status": rules().initial, "tanggal_dibuka": tanggal, "batas_waktu": tanggal + dt.timedelta(days=rule.batas_hari),
           "tanggal_selesai": None, "eskalasi": 0, "catatan": None}  # fmt: skip
    event = _history(number, tanggal, str(_text(oleh)), "dibuat", None, row["status"], row["rincian"])
    return number, _layer_row(row, None), event
