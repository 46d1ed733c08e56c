"""Validated loading of users' files into a store: read, normalise, validate, report, write.

The pipeline (each step a function over a :class:`_Batch`, pure but for the final write):

1. **map** the user's columns to catalogue columns (a mapping file such as ``wdpa``, ``--kolom
   SRC=DST`` pairs, and case/spacing-insensitive matching of catalogue names);
2. **geometry**: CRS required (or ``--crs``), reprojected to EPSG:4326, Z/M dropped, empty
   geometry refused, swapped latitude/longitude detected (and swapped back only on request),
   coordinates outside Indonesia refused, invalid geometry repaired and reported, geometry type
   checked against the layer;
3. **attributes** typed by the catalogue: codes with or without dots, periods, numbers (a decimal
   comma is accepted), yes/no values, vocabularies (case-insensitive, labels accepted), ranges,
   defaults and derived columns (level and parent from the code, area in hectares);
4. **rows**: complete assessment groups, duplicate keys;
5. **reference** against the ``wilayah`` layer already stored: kelurahan codes exist, parent codes
   agree, names match codes (tolerating spacing and case), features lie in their coded kelurahan
   (a warning: published boundaries are simplified).

Any error rejects the whole load: the report (every problem with file, row, column and fix) and the
rejected rows are written to the report folder, :class:`~kotaku_gis.errors.DataError` is raised and
the store is not touched. Otherwise the rows are written in one transaction, replacing the periods
(or keys) they cover.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import _load_columns, _load_geometry, _load_reference, _mapping, _validate, catalog, files, geodesy, i18n, wilayah
from kotaku_gis.catalog import ColumnSpec, LayerSpec
from kotaku_gis.errors import DataError, Problem, UsageError
from kotaku_gis.files import ROW, Source
from kotaku_gis.store import Store, WritePlan, WriteSummary

#: Levels a load may replace as a whole (``--ganti``): the rows of the file's periods in the areas
#: (at that level) that the file's rows fall in.
REPLACE_LEVELS = ("kelurahan", "kecamatan", "kabkota")

#: What a cell parser returns for a value it cannot read (reported, then left empty).
_UNREADABLE = object()

#: Units of columns that hold rupiah amounts (read as whole amounts: ``350.000`` is 350000).
_MONEY_UNITS = ("IDR", "Rp")


@dataclass
class LoadReport:
    """The outcome of a load: every problem found and what was written.

    ``summary`` is None when the load was rejected (then :func:`load` raised DataError carrying
    the same problems) or when it was a dry run.
    """

    layer: str
    file: str
    rows_read: int
    problems: list[Problem]
    summary: WriteSummary | None = None
    report_path: Path | None = None
    #: what the write will do (or did): rows added, replaced and removed per kab/kota and period
    plan: WritePlan | None = None
    #: the areas whose rows of the file's periods the load replaces as a whole (``ganti``)
    replace_areas: list[str] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The problems as a table (severity, file, row, column, message, fix)."""
        return problems_frame(self.problems, lang)

    def changes(self, lang: str | None = None) -> pd.DataFrame:
        """Rows added, replaced and removed per kab/kota and period: what the load did, or plans to.

        Column names in ``lang`` (``kabkota, periode, baru, diganti, dihapus``).
        """
        changes = self.summary.changes if self.summary is not None else (self.plan.changes if self.plan else None)
        if changes is None:
            return pd.DataFrame()
        return changes.rename(columns={c: i18n.text(f"cli.col_{c}", lang) for c in changes.columns})

    def _repr_html_(self) -> str:
        """Jupyter display: a one-line outcome and the problem table."""
        from kotaku_gis import display

        return display.load_report_html(self)


def problems_frame(problems: Sequence[Problem], lang: str | None = None) -> pd.DataFrame:
    """Problems as a table with the columns users see in a report file."""
    from kotaku_gis import i18n

    cols = ["tingkat", "berkas", "baris", "kolom", "masalah", "perbaikan"]
    rows = [[i18n.text(f"severity.{p.severity}", lang), p.file, p.row, p.column, p.message(lang), p.fix(lang)] for p in problems]
    frame = pd.DataFrame(rows, columns=cols)
    frame["baris"] = frame["baris"].astype("Int64")
    return frame


@dataclass
class _Batch(_validate.Problems):
    """The rows of one file on their way into a layer."""

    spec: LayerSpec
    file: str
    frame: gpd.GeoDataFrame
    #: catalogue column -> the column name in the user's file
    origin: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: extra source columns used by checks (parent codes, names), by role
    checks: dict[str, pd.Series] = field(default_factory=dict)
    #: the period given for every row (``--periode``), normalised
    periode: str | None = None
    #: counts for the load report's summary line (see kotaku_gis._mapping)
    tally: _mapping.Tally = field(default_factory=_mapping.Tally)

    def row_numbers(self) -> pd.Series:
        return self.frame[ROW]

    def column_name(self, column: str) -> str:
        return self.origin.get(column, column)


# -- 3. attributes ---------------------------------------------------------------------------------
def _normalize_attributes(batch: _Batch) -> None:
    frame = batch.frame
    for col in batch.spec.columns:
        if col.name not in frame.columns:
            if col.derived is None and col.default is None:
                continue
            frame[col.name] = None
        raw = frame[col.name]
        text = (
            raw.astype("string").str.strip().replace("", pd.NA)
            if raw.dtype == object or pd.api.types.is_string_dtype(raw)
            else raw
        )
        empty = text.isna()
        frame[col.name] = _PARSERS[col.type](batch, col, raw, text)
        if col.values and col.type == "text":
            frame[col.name] = _vocabulary(batch, col, frame[col.name])
        if col.min is not None or col.max is not None:
            _range(batch, col, frame[col.name])
        if col.default is not None:
            empty = frame[col.name].isna()
            if empty.any():
                frame.loc[empty, col.name] = col.default
                batch.add("default_filled", severity="info", column=col.name, count=int(empty.sum()), value=col.default)
        pending = col.name == "kode_kelurahan" and any(n in batch.checks for n in _load_reference.NAME_COLUMNS)
        if col.required and col.derived is None and empty.any() and not pending:
            # values that failed to parse were reported by their parser
            batch.add("value_missing", frame.loc[empty, ROW], col.name)


def _parse_text(batch: _Batch, col: ColumnSpec, raw: pd.Series, text: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(raw):  # numbers typed into a text column (Excel ids)
        return raw.map(lambda v: None if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v))).astype(object)
    return text.astype(object).where(text.notna(), None)


def _parse_kode(batch: _Batch, col: ColumnSpec, raw: pd.Series, text: pd.Series) -> pd.Series:
    codes, invalid = wilayah.normalize_kode_series(raw)
    for i in invalid[invalid].index:
        try:
            wilayah.normalize_kode(raw.loc[i])
            reason = ""
        except ValueError as exc:
            reason = str(exc)
        batch.add("kode_invalid", [batch.frame.loc[i, ROW]], col.name, value=_validate.display_value(raw.loc[i]), reason=reason)
    if col.tingkat is not None:
        levels = wilayah.tingkat_series(codes.fillna(""))
        wrong = codes.notna() & (levels != col.tingkat)
        batch.add_each(
            "kode_level", wrong, col.name, value=codes, found=levels, expected=pd.Series(col.tingkat, index=codes.index)
        )
        codes = codes.where(~wrong)
    return codes.astype(object).where(codes.notna(), None)


def _parse_periode(batch: _Batch, col: ColumnSpec, raw: pd.Series, text: pd.Series) -> pd.Series:
    def parse(v: Any) -> object:
        try:
            return _validate.parse_periode(v)
        except ValueError:
            return _UNREADABLE  # reported below

    values = raw.map(parse)
    bad = values.map(lambda v: v is _UNREADABLE).astype(bool)
    batch.add_each("periode_invalid", bad, col.name, value=raw)
    return values.where(~bad, None).astype(object)


def _parse_number(batch: _Batch, col: ColumnSpec, raw: pd.Series, text: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
    else:
        kind: _validate.NumberKind = "money" if col.unit in _MONEY_UNITS else ("integer" if col.type == "integer" else "float")
        reading = _validate.read_numbers(raw, kind=kind, low=col.min, high=col.max)
        values = reading.values
        batch.add_each("number_invalid", reading.invalid, col.name, value=raw)
        for i, (indonesian, english) in reading.readings.items():
            batch.add(
                "number_ambiguous",
                [batch.frame.at[i, ROW]],
                col.name,
                value=raw.loc[i],
                indonesian=_validate.display_value(indonesian),
                english=_validate.display_value(english),
            )
        if reading.resolved:
            notation = i18n.text(f"load.notation_{reading.notation or kind}")
            batch.add("number_notation", severity="info", column=col.name, count=reading.resolved, notation=notation)
        if reading.mixed:
            batch.add("number_mixed_notation", severity="warning", column=col.name)
    if col.type == "integer":
        fractional = values.notna() & (values != values.round())
        batch.add_each("integer_invalid", fractional, col.name, value=values)
        return values.where(~fractional).round().astype("Int64")
    return values


def _parse_boolean(batch: _Batch, col: ColumnSpec, raw: pd.Series, text: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype("boolean")

    def parse(v: Any) -> object:
        try:
            return _validate.parse_boolean(v)
        except ValueError:
            return _UNREADABLE

    values = raw.map(parse)
    bad = values.map(lambda v: v is _UNREADABLE).astype(bool)
    batch.add_each("boolean_invalid", bad, col.name, value=raw)
    return values.where(~bad, None).astype("boolean")


def _parse_date(batch: _Batch, col: ColumnSpec, raw: pd.Series, text: pd.Series) -> pd.Series:
    values = pd.to_datetime(raw, errors="coerce", dayfirst=True)
    bad = raw.notna() & values.isna()
    batch.add_each("date_invalid", bad, col.name, value=raw)
    return values.dt.date


_PARSERS = {
    "text": _parse_text,
    "kode": _parse_kode,
    "periode": _parse_periode,
    "integer": _parse_number,
    "float": _parse_number,
    "boolean": _parse_boolean,
    "date": _parse_date,
}


def _vocab_key(value: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", value.lower())


def _vocabulary(batch: _Batch, col: ColumnSpec, values: pd.Series) -> pd.Series:
    known: dict[str, str] = {}
    for v in col.values or []:
        for alias in (v.code, v.id, v.en):
            known.setdefault(_vocab_key(alias), v.code)
    codes = set(col.codes())
    present = values.dropna()
    exact = present.isin(codes)
    unknown_values = present[~exact].unique()
    translate = {}
    for value in unknown_values:
        code = known.get(_vocab_key(str(value)))
        if code is None:
            continue
        translate[value] = code
        batch.add("vocab_normalized", severity="info", column=col.name, value=value, code=code)
    values = values.map(lambda v: translate.get(v, v))
    bad = values.notna() & ~values.isin(codes)
    batch.add_each("vocab_unknown", bad, col.name, value=values, allowed=pd.Series(", ".join(col.codes()), index=values.index))
    return values.where(~bad, None)


def _bound(value: float | None, infinite: str) -> str:
    return infinite if value is None else str(_validate.display_value(value))


def _range(batch: _Batch, col: ColumnSpec, values: pd.Series) -> None:
    numbers = pd.to_numeric(values, errors="coerce")
    low = col.min if col.min is not None else -np.inf
    high = col.max if col.max is not None else np.inf
    bad = numbers.notna() & ((numbers < low) | (numbers > high))
    shown = pd.Series(
        f"{_bound(col.min, '-∞')}–{_bound(col.max, '∞')} {col.unit or ''}".strip(),
        index=values.index,
    )
    batch.add_each("out_of_range", bad, col.name, value=numbers, range=shown)


# -- derived columns ---------------------------------------------------------------------------------
def _derive(batch: _Batch) -> None:
    frame = batch.frame
    for col in batch.spec.columns:
        if col.derived is None or col.derived == "delineasi":  # delineasi: see _mapping.locate
            continue
        given = frame[col.name] if col.name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        if col.derived == "area_ha":
            empty = given.isna()
            polygonal = shapely.get_dimensions(frame.geometry.values) == 2
            todo = empty & polygonal
            if todo.any():
                frame.loc[todo, col.name] = geodesy.area_ha(frame.geometry[todo]).round(4).values
                batch.add("area_computed", severity="info", column=col.name, count=int(todo.sum()))
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("float64")
            continue
        codes = frame["kode"]
        valid = codes.notna()
        if col.derived == "tingkat_from_kode":
            expected = wilayah.tingkat_series(codes.fillna("")).where(valid, None)
        else:  # induk_from_kode
            expected = codes.fillna("").map(lambda c: wilayah.parent(c) if c else None)
        conflict = valid & given.notna() & (given.astype(object) != expected.astype(object))
        batch.add_each("derived_conflict", conflict, col.name, value=given, expected=expected)
        frame[col.name] = expected.astype(object).where(expected.notna(), None)


# -- 4. rows -----------------------------------------------------------------------------------------
def _check_rows(batch: _Batch, keys: bool = True) -> None:
    if batch.spec.complete_one_of:
        _check_complete(batch)
    if keys:
        _check_keys(batch)


def _check_complete(batch: _Batch) -> None:
    """Each row holds one of the layer's complete groups of columns."""
    frame, groups = batch.frame, batch.spec.complete_one_of or {}
    complete = pd.Series(False, index=frame.index)
    for cols in groups.values():
        present = [c for c in cols if c in frame.columns]
        if len(present) == len(cols):
            complete |= frame[cols].notna().all(axis=1)
    for i in complete[~complete].index:
        best = max(groups.values(), key=lambda cols: sum(c in frame.columns and pd.notna(frame.at[i, c]) for c in cols))
        missing = [c for c in best if c not in frame.columns or pd.isna(frame.at[i, c])]
        alternatives = " / ".join(", ".join(cols) if len(cols) < 4 else f"{len(cols)} {name}" for name, cols in groups.items())
        batch.add("incomplete_group", [frame.at[i, ROW]], None, missing=", ".join(missing), groups=alternatives)


def _check_keys(batch: _Batch) -> None:
    """No two rows share the layer's key (every repeat after the first is reported)."""
    frame, spec = batch.frame, batch.spec
    key = [k for k in spec.key if k in frame.columns]
    if len(key) != len(spec.key):
        return
    dup = frame.duplicated(subset=key, keep=False) & frame[key].notna().all(axis=1)
    if dup.any():
        first = frame[dup].groupby(key, sort=False)[ROW].transform("min")
        for i in frame[dup].index:
            if frame.at[i, ROW] != first.loc[i]:
                batch.add(
                    "duplicate_key",
                    [frame.at[i, ROW]],
                    key[0],
                    key=" / ".join(str(frame.at[i, k]) for k in key),
                    other=int(first.loc[i]),
                )


def _check_assessment(batch: _Batch) -> None:
    """Score the rows by their rule set: totals beyond the rule's maximum, disagreeing totals..."""
    from kotaku_gis import scoring

    clean = batch.frame[~batch.frame[ROW].isin(batch.error_rows())]
    try:
        result = scoring.assess(clean, file=batch.file)
    except DataError as exc:
        batch.problems.extend(exc.problems)
        return
    batch.problems.extend(result.problems)
    _mapping.agreement(batch, result.frame)


_VALIDATORS = {"penilaian_kekumuhan": _check_assessment}


# -- periods given for the whole file ----------------------------------------------------------------
def _periode_option(spec: LayerSpec, periode: str | None) -> str | None:
    """``--periode`` normalised; a layer without periods or an unreadable period is a usage error."""
    if periode is None:
        return None
    if spec.partition is None:
        raise UsageError(i18n.text("load.periode_no_periods", layer=spec.name))
    try:
        return _validate.parse_periode(periode)
    except ValueError:
        raise UsageError(i18n.text("load.periode_option_invalid", value=periode)) from None


def _check_periode(batch: _Batch) -> None:
    """With ``--periode``: the file's own period column must agree; its empty cells take the period."""
    col = batch.spec.partition
    if batch.periode is None or col is None or col not in batch.origin:
        return
    values = batch.frame[col]
    other = values.notna() & (values != batch.periode)
    batch.add_each("periode_disagrees", other, col, value=values, periode=pd.Series(batch.periode, index=values.index))
    empty = values.isna()
    if empty.any():
        batch.frame.loc[empty, col] = batch.periode
        batch.add("periode_set", severity="info", column=col, periode=batch.periode, count=int(empty.sum()))


def _replace_areas(spec: LayerSpec, rows: pd.DataFrame, ganti: str | None) -> list[str] | None:
    """The areas at level ``ganti`` that the rows fall in (``--ganti``)."""
    if ganti is None:
        return None
    if ganti not in REPLACE_LEVELS:
        raise UsageError(i18n.text("load.ganti_invalid", value=ganti, levels=", ".join(REPLACE_LEVELS)))
    kel = [c.name for c in spec.kode_columns() if c.tingkat == "kelurahan"]
    if spec.partition is None or not kel:
        raise UsageError(i18n.text("load.ganti_keyed", layer=spec.name))
    return sorted(set(wilayah.ancestor_series(rows[kel[0]], ganti).dropna()))


def _conflicts(batch_file: str, spec: LayerSpec, rows: gpd.GeoDataFrame, plan: WritePlan) -> list[Problem]:
    """A problem per row whose key is stored in another kab/kota (a load never changes those rows)."""
    if plan.conflicts.empty:
        return []
    key = list(spec.key)
    where = dict(zip(plan.conflicts["key"], plan.conflicts["stored_area"]))
    problems = []
    for row in rows[[*key, ROW]].itertuples(index=False):
        k = tuple(str(v) for v in row[:-1])
        if k in where:
            problems.append(
                Problem("key_other_area", batch_file, int(row[-1]), key[0], "error", {"key": " / ".join(k), "stored": where[k]})
            )
    return problems


# -- the pipeline ------------------------------------------------------------------------------------
def prepare(
    layer: str,
    source: Source,
    *,
    reference: gpd.GeoDataFrame | None = None,
    mapping: catalog.Mapping | None = None,
    columns: dict[str, str] | None = None,
    swap_xy: bool = False,
    periode: str | None = None,
    kode: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Normalise and validate a file's rows for ``layer`` without touching any store.

    Parameters
    ----------
    layer : str
        Catalogue layer.
    source : Source
        The file as read by :func:`kotaku_gis.files.read_vector`.
    reference : GeoDataFrame, optional
        The stored ``wilayah`` layer (``kode``, ``nama``, ``tingkat``, geometry) for the
        reference checks; None skips them.
    mapping, columns, swap_xy, periode, kode
        See :func:`load`.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        The rows in catalogue form (with the ``_baris`` row numbers) and every problem found.

    Examples
    --------
    >>> import tempfile, os
    >>> from kotaku_gis.files import read_vector
    >>> p = os.path.join(tempfile.mkdtemp(), "wilayah.csv")
    >>> _ = open(p, "w").write('kode,nama,wkt\\n6171,Kota Pontianak,"POLYGON((109.3 -0.1,109.4 -0.1,109.4 0,109.3 -0.1))"\\n')
    >>> rows, problems = prepare("wilayah", read_vector(p, crs="EPSG:4326"))
    >>> rows[["kode", "tingkat", "kode_induk"]].values.tolist()
    [['61.71', 'kabkota', '61']]
    """
    spec = catalog.layer(layer)
    batch = _Batch(spec, source.name, source.frame.copy(), problems=list(source.notes), periode=_periode_option(spec, periode))
    if batch.frame.empty:  # a header and no rows is not a load
        batch.add("file_no_rows", layer=spec.name)
        return batch.frame, batch.problems
    _mapping.before_columns(batch, mapping, reference)
    if batch.has_errors and batch.frame.empty:
        return batch.frame, batch.problems
    _load_columns.map_columns(batch, mapping, columns or {})
    if batch.has_errors:
        return batch.frame, batch.problems
    _load_geometry.normalize_geometry(batch, swap_xy)
    if batch.frame.crs is None:
        return batch.frame, batch.problems
    _mapping.slivers(batch)
    _normalize_attributes(batch)
    _check_periode(batch)
    _derive(batch)
    _mapping.place(batch, mapping, reference, kode)
    _mapping.locate(batch, reference)
    merge = mapping is not None and mapping.merge_pieces
    _check_rows(batch, keys=not merge)
    for name in spec.validators:
        _VALIDATORS[name](batch)
    if merge:
        _mapping.merge_pieces(batch)
    _load_reference.check_reference(batch, reference)
    _mapping.setback_report(batch)
    _mapping.summary(batch, len(batch.frame))
    keep = [c for c in spec.column_names if c in batch.frame.columns] + [ROW, "geometry"]
    return batch.frame[keep], batch.problems


def load(
    store: Store,
    layer: str,
    path: str | Path,
    *,
    crs: str | None = None,
    mapping: str | Path | None = None,
    columns: dict[str, str] | None = None,
    source_layer: str | None = None,
    swap_xy: bool = False,
    periode: str | None = None,
    ganti: str | None = None,
    sk: bool = False,
    report_dir: str | Path | None = None,
    dry_run: bool = False,
    kode: str | None = None,
) -> LoadReport:
    """Load a user's file into ``layer`` of ``store``, all or nothing.

    What a load replaces: a stored row whose key is in the file (``id_lokasi`` and ``periode`` of
    ``kawasan_kumuh``, ``kode`` of ``wilayah``...) is replaced, and every other row stays, so files
    of several kelurahan, kab/kota or teams load one after the other. ``ganti`` also removes the
    stored rows of the file's periods in the areas (at that level) that the file's rows fall in,
    and nowhere else. A key stored in another kab/kota is refused. The report's ``plan`` (and the
    summary after writing) says what was added, replaced and removed per kab/kota and period.

    Parameters
    ----------
    store : Store
        An initialised store.
    layer : str
        Catalogue layer (``wilayah``, ``kawasan_kumuh``, ``kegiatan``, ``kawasan_lindung``).
    path : str or Path
        GeoPackage, Shapefile (also zipped), GeoJSON, KML/KMZ, CSV or Excel file.
    crs : str, optional
        CRS of a file that declares none (``EPSG:4326``, ``EPSG:32749``...).
    mapping : str or Path, optional
        A column mapping from ``layers/mappings`` (``wdpa``) or a YAML file of the same form.
    columns : dict, optional
        ``{column in the file: catalogue column}`` pairs (``--kolom SRC=DST``).
    source_layer : str, optional
        Layer inside a multi-layer file.
    swap_xy : bool
        Swap back coordinates detected as latitude/longitude swapped (reported as warnings).
    periode : str, optional
        The period of every row of a file without a period column (``--periode``); a file whose
        period column says otherwise is refused.
    ganti : {"kelurahan", "kecamatan", "kabkota"}, optional
        Also remove the stored rows of the file's periods in the file's areas at this level
        (``--ganti``): for a file that is the complete list of those areas.
    sk : bool
        The file is the decree (SK Kumuh) of the kab/kota it covers: the complete list of their slum
        locations for its period (``--sk``). Recorded in the store (:meth:`Store.decrees`) and implies
        ``ganti="kabkota"``; :mod:`kotaku_gis.progress` then counts a location of an earlier period
        that the decree no longer lists as having left the slum list.
    report_dir : str or Path, optional
        Where the report and the rejected rows go when there are problems (default ``./laporan``).
    dry_run : bool
        Validate and plan only (``--uji``); write nothing.
    kode : str, optional
        Keep only the features that lie in this area (a Kemendagri code of the stored ``wilayah``)
        or within their setback of it; the others are skipped and counted (``--kode``).

    Returns
    -------
    LoadReport

    Raises
    ------
    DataError
        When any row has an error; the store is unchanged.
    UsageError
        An unknown layer, mapping or column, a ``ganti`` level that does not exist, or ``sk`` with
        another ``ganti`` than ``kabkota``.

    See Also
    --------
    check : the same validation, returning the report (errors included) instead of raising.
    """
    if sk and ganti not in (None, "kabkota"):
        raise UsageError(i18n.text("load.sk_ganti", ganti=ganti))
    report, rows, path = _check_file(
        store, layer, path, crs=crs, mapping=mapping, columns=columns, source_layer=source_layer,
        swap_xy=swap_xy, report_dir=report_dir, periode=periode, ganti="kabkota" if sk else ganti, kode=kode,
    )  # fmt: skip
    if report.errors:
        raise DataError(report.problems, str(report.report_path))
    if not dry_run:
        report.summary = store.write(
            layer, rows.drop(columns=[ROW]), source=path.name, sha256=_sha256(path),
            replace_areas=report.replace_areas, decree=sk,
        )  # fmt: skip
    return report


def check(
    store: Store,
    layer: str,
    path: str | Path,
    *,
    crs: str | None = None,
    mapping: str | Path | None = None,
    columns: dict[str, str] | None = None,
    source_layer: str | None = None,
    swap_xy: bool = False,
    periode: str | None = None,
    ganti: str | None = None,
    report_dir: str | Path | None = None,
    kode: str | None = None,
) -> LoadReport:
    """Validate a user's file for ``layer`` and return the report; nothing is stored.

    The same checks and plan as :func:`load` with ``dry_run=True`` (parameters as there), but a
    file with errors returns its report instead of raising :class:`~kotaku_gis.errors.DataError`,
    so that the problems can be looked at as a table (``check(...).to_frame()``) in a notebook.
    The report files are written as by :func:`load` when there are problems.

    Raises
    ------
    UsageError
        An unknown layer, mapping or column, or a file that cannot be read.
    """
    return _check_file(
        store, layer, path, crs=crs, mapping=mapping, columns=columns, source_layer=source_layer,
        swap_xy=swap_xy, report_dir=report_dir, periode=periode, ganti=ganti, kode=kode,
    )[0]  # fmt: skip


def _check_file(
    store: Store,
    layer: str,
    path: str | Path,
    *,
    crs: str | None,
    mapping: str | Path | None,
    columns: dict[str, str] | None,
    source_layer: str | None,
    swap_xy: bool,
    report_dir: str | Path | None,
    periode: str | None,
    ganti: str | None,
    kode: str | None = None,
) -> tuple[LoadReport, gpd.GeoDataFrame, Path]:
    """Read, validate and plan a file; the report (files written when there are problems) and the rows."""
    path = Path(path)
    spec = catalog.layer(layer)
    if spec.managed_by:  # written by its own command (workflow, private data), never from a file
        raise UsageError(i18n.text("catalog.managed_layer", layer=layer, command=spec.managed_by))
    if ganti is not None and ganti not in REPLACE_LEVELS:
        raise UsageError(i18n.text("load.ganti_invalid", value=ganti, levels=", ".join(REPLACE_LEVELS)))
    map_spec = catalog.mapping(mapping) if mapping is not None else None
    if source_layer is None and map_spec is not None and path.suffix.lower() in (".kml", ".kmz"):
        source_layer = map_spec.source_layer  # the pattern names KML layers; a Shapefile is one layer
    source = files.read_vector(path, layer=source_layer, crs=crs, table=map_spec.table if map_spec else None)
    reference = None
    if any(c.tingkat for c in spec.kode_columns()) or spec.name == "wilayah" or kode or (map_spec and map_spec.urban_from_place):
        reference = store.read("wilayah", columns=["kode", "nama", "tingkat"], geometry=spec.name != "wilayah")
    rows, problems = prepare(
        layer,
        source,
        reference=reference,
        mapping=map_spec,
        columns=columns,
        swap_xy=swap_xy,
        periode=periode,
        kode=kode,
    )
    report = LoadReport(layer, path.name, len(source.frame), problems)
    if not report.errors:
        report.replace_areas = _replace_areas(spec, rows, ganti)
        report.plan = store.plan(layer, rows.drop(columns=[ROW]), replace_areas=report.replace_areas)
        report.problems.extend(_conflicts(path.name, spec, rows, report.plan))
    if report.problems:
        report.report_path = _write_report(report, source, report_dir)
    return report, rows, path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file():
                digest.update(p.read_bytes())
        return digest.hexdigest()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_report(report: LoadReport, source: Source, report_dir: str | Path | None) -> Path:
    folder = Path(report_dir) if report_dir is not None else Path.cwd() / "laporan"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{source.path.stem}_{report.layer}"
    table = report.to_frame()
    path = files.write_table(table, folder / f"{stem}_laporan.csv")
    rejected_rows = sorted({p.row for p in report.errors if p.row is not None})
    if rejected_rows:
        frame = source.frame[source.frame[ROW].isin(rejected_rows)].copy()
        messages: dict[int, list[str]] = {}
        for p in report.errors:
            if p.row is not None:
                messages.setdefault(p.row, []).append(p.message())
        frame.insert(0, "masalah", frame[ROW].map(lambda r: " | ".join(messages.get(r, []))))
        frame = frame.rename(columns={ROW: "baris"})
        if (~(frame.geometry.isna() | frame.geometry.is_empty)).any() and frame.crs is not None:
            files.write_table({"ditolak": frame}, folder / f"{stem}_ditolak.gpkg")
        files.write_table(pd.DataFrame(frame.drop(columns="geometry")), folder / f"{stem}_ditolak.csv")
    return path
