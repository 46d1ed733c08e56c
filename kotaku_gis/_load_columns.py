"""Private helpers of :mod:`kotaku_gis.loader`: step 1 of a load, the columns of a file.

A file's columns are renamed to the catalogue's, by a mapping (``catalog.Mapping``), by the user's
``--kolom`` options and by the catalogue's aliases; the columns left over are reported.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from kotaku_gis import _validate, catalog, i18n
from kotaku_gis._load_reference import CHECK_COLUMNS, NAME_COLUMNS
from kotaku_gis.catalog import LayerSpec
from kotaku_gis.errors import Problem, UsageError
from kotaku_gis.files import ROW

if TYPE_CHECKING:
    from kotaku_gis.loader import _Batch


def _name_key(name: object) -> str:
    """A column name as compared: lower case, runs of spaces and dashes as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def map_columns(batch: _Batch, mapping: catalog.Mapping | None, columns: dict[str, str]) -> None:
    spec = batch.spec
    rename = _mapping_renames(batch, mapping) if mapping is not None else {}
    rename.update(_option_renames(batch, columns))
    rename.update(_automatic_renames(batch, set(rename), set(rename.values())))
    frame = batch.frame.rename(columns=rename)
    batch.origin = {dst: src for src, dst in rename.items()}
    if mapping is not None:
        frame = _apply_mapping(batch, mapping, frame)
    wanted = set(spec.column_names) | set(CHECK_COLUMNS) | set(NAME_COLUMNS)
    ignored = [c for c in frame.columns if c not in wanted and c not in (ROW, "geometry")]
    _report_ignored(batch, frame, ignored, set(frame.columns))
    for role in list(CHECK_COLUMNS) + list(NAME_COLUMNS):
        if role in frame.columns:
            batch.checks[role] = frame.pop(role)
    batch.frame = frame.drop(columns=ignored)
    missing = [c.name for c in spec.columns if c.required and c.name not in batch.frame.columns]
    if "kode_kelurahan" in missing and any(n in batch.checks for n in NAME_COLUMNS):
        missing.remove("kode_kelurahan")  # filled from the kelurahan name in the reference step
        batch.frame["kode_kelurahan"] = None
    if spec.partition in missing and batch.periode is not None:  # set by --periode
        missing.remove(spec.partition)
        batch.frame[spec.partition] = batch.periode
        batch.add("periode_set", severity="info", column=None, periode=batch.periode, count=len(batch.frame))
    for col in missing:
        batch.add("column_missing", column=None, target=col)


def _targets(spec: LayerSpec) -> set[str]:
    return set(spec.column_names) | set(CHECK_COLUMNS) | set(NAME_COLUMNS)


def _mapping_renames(batch: _Batch, mapping: catalog.Mapping) -> dict[str, str]:
    """Source -> catalogue column from a mapping file; a source column the file lacks is an error."""
    if mapping.layer != batch.spec.name:
        raise UsageError(i18n.text("load.mapping_layer", mapping=mapping.name, layer=mapping.layer, wanted=batch.spec.name))
    present = {_name_key(c): c for c in batch.frame.columns if c not in (ROW, "geometry")}
    rename: dict[str, str] = {}
    for src, dst in mapping.columns.items():
        line = mapping.line(src)
        if dst not in _targets(batch.spec):
            raise UsageError(
                i18n.text(
                    "load.mapping_target",
                    mapping=mapping.name,
                    line=line,
                    target=dst,
                    layer=batch.spec.name,
                    known=", ".join(batch.spec.column_names),
                )
            )
        found = src if src in batch.frame.columns else present.get(_name_key(src))
        if found is None:
            batch.problems.append(
                Problem(
                    "mapping_source_missing",
                    mapping.name,
                    line,
                    src,
                    "error",
                    {"column": src, "file": batch.file, "have": ", ".join(map(str, present.values()))},
                )
            )
            continue
        rename[found] = dst
    return rename


def _option_renames(batch: _Batch, columns: dict[str, str]) -> dict[str, str]:
    """``--kolom SRC=DST`` pairs; an unknown source or target column is a usage error."""
    rename = {}
    for src, dst in columns.items():
        if src not in batch.frame.columns:
            have = ", ".join(str(c) for c in batch.frame.columns if c not in (ROW, "geometry"))
            raise UsageError(i18n.text("load.kolom_source", file=batch.file, src=src, dst=dst, have=have))
        if dst not in CHECK_COLUMNS and dst not in NAME_COLUMNS:
            batch.spec.column(dst)  # raises UsageError naming the layer's columns
        rename[src] = dst
    return rename


def _automatic_renames(batch: _Batch, taken: set[str], targets: set[str]) -> dict[str, str]:
    """Catalogue names matched ignoring case and spacing, and DBF names cut to 10 characters."""
    wanted = _targets(batch.spec)
    rename = {}
    for col in batch.frame.columns:
        if col in taken or col in (ROW, "geometry"):
            continue
        key = _name_key(col)
        if key not in wanted and len(key) == 10:  # DBF field names are cut to 10 characters
            longer = [w for w in wanted if w.startswith(key) and w not in targets]
            key = longer[0] if len(longer) == 1 else key
        if key in wanted and key not in targets:
            if key != col:
                batch.add("column_mapped", severity="info", column=None, source=col, target=key)
            rename[col] = key
            targets.add(key)
    return rename


def _apply_mapping(batch: _Batch, mapping: catalog.Mapping, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A mapping's value tables, ``constants`` (every row) and ``defaults`` (empty cells)."""
    for col, table in mapping.values.items():
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v, t=table: t.get(str(v).strip(), v) if isinstance(v, str) else v)
    for col, value in mapping.constants.items():
        if col in frame.columns:
            raise UsageError(
                i18n.text(
                    "load.mapping_constant_conflict",
                    mapping=mapping.name,
                    line=mapping.line(col, "constants"),
                    column=col,
                    file=batch.file,
                )
            )
        frame[col] = value
    for col, value in mapping.defaults.items():
        frame[col] = frame[col].astype(object) if col in frame.columns else None
        empty = frame[col].map(_validate.is_missing)
        if empty.any():
            frame[col] = frame[col].astype(object)  # a text column (pandas "str") takes a number too
            frame.loc[empty, col] = value
            batch.add(
                "mapping_default_filled",
                severity="info",
                column=None,
                target=col,
                value=value,
                count=int(empty.sum()),
                mapping=mapping.name,
            )
    return frame


def _report_ignored(batch: _Batch, frame: pd.DataFrame, ignored: list[str], present: set[str]) -> None:
    """Columns not loaded: a warning with the mapping that keeps each one that looks like data."""
    free = [c for c in batch.spec.column_names if c not in present]
    plain = []
    for col in ignored:
        values = frame[col].dropna()
        numeric = len(values) > 0 and not _validate.read_numbers(values).invalid.any()
        if numeric or re.match(r"^(k|kriteria)_?\d", _name_key(col)):
            guess = difflib.get_close_matches(_name_key(col), free, n=1, cutoff=0.5)
            batch.add(
                "column_not_loaded",
                severity="warning",
                column=col,
                name=col,
                layer=batch.spec.name,
                suggestion=f"--kolom {col}={guess[0] if guess else '<kolom>'}",
            )
        else:
            plain.append(col)
    if plain:
        batch.add("columns_ignored", severity="info", layer=batch.spec.name, columns=", ".join(map(str, plain)))
