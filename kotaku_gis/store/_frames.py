"""Frames from what the backends read: Arrow tables made pandas frames once, in the catalogue's types."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kotaku_gis import catalog


def arrow_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of attribute columns as a DataFrame, text as Python strings (object, None
    where missing), the form :func:`_coerce` gives them.

    Each text column is dictionary-encoded first, so that each distinct text becomes one Python
    string shared by its rows (a period or a kelurahan code repeats over thousands of rows): faster
    than a string per row, and lighter.

    Examples
    --------
    >>> frame = arrow_frame(pa.table({"periode": ["2024", None, "2024"], "luas_ha": [1.0, 2.0, None]}))
    >>> frame["periode"].tolist(), frame["periode"].dtype, frame["luas_ha"].tolist()[:2]
    (['2024', None, '2024'], dtype('O'), [1.0, 2.0])
    """
    columns: dict[str, Any] = {}
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            encoded = pc.dictionary_encode(column.combine_chunks())
            texts = np.append(encoded.dictionary.to_numpy(zero_copy_only=False), np.array([None], dtype=object))
            positions = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
            columns[name] = pd.Series(texts[positions], dtype=object)
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def in_fid_order(table: pa.Table, fid: str) -> pa.Table:
    """``table`` in the order of its ``fid`` column, which is dropped: rows in the order they were
    stored on both backends (an index lookup of a few periods gives them period by period; sorting
    here is cheaper than asking the database to sort them).

    Examples
    --------
    >>> in_fid_order(pa.table({"fid": [3, 1, 2], "kode": ["c", "a", "b"]}), "fid").column("kode").to_pylist()
    ['a', 'b', 'c']
    """
    fids = table.column(fid)
    if len(fids) > 1 and not pc.all(pc.less(fids[:-1], fids[1:])).as_py():
        table = table.take(pc.sort_indices(fids))
    return table.drop_columns([fid])


def _coerce(frame: pd.DataFrame, spec: catalog.LayerSpec, columns: list[str]) -> pd.DataFrame:
    """Give every column its catalogue dtype, whatever the backend returned (columns already of
    their dtype are kept as they are, without a copy); ``columns`` in order, then ``geometry``."""
    wanted = [*columns, *(["geometry"] if "geometry" in frame.columns else [])]
    out = frame.set_axis(pd.RangeIndex(len(frame)))
    if list(out.columns) != wanted:
        out = out.reindex(columns=wanted)
    for name in columns:
        values = _coerce_column(out[name], spec.column(name).type)
        if values is not None:
            out[name] = values
    return out


def _coerce_column(values: pd.Series, kind: str) -> pd.Series | None:
    """``values`` in the dtype of the catalogue column type ``kind``; None when they already are."""
    if kind in ("text", "kode", "periode"):  # Python strings, None where missing
        if values.dtype == object:  # as the backends give them (see Store._read_frame)
            return None
        return values.astype(object).where(values.notna(), None)
    if kind == "integer":
        return None if values.dtype == "Int64" else pd.to_numeric(values).astype("Int64")
    if kind == "float":
        return None if values.dtype == np.float64 else pd.to_numeric(values).astype("float64")
    if kind == "boolean":
        if values.dtype == "boolean":
            return None
        if values.dtype == bool:
            return values.astype("boolean")
        return values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)).astype("boolean")
    if kind == "date":
        return pd.to_datetime(values)
    return None
