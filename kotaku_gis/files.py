"""Reading users' files and writing products, by file extension.

Reading
-------
:func:`read_vector` turns any supported file into a :class:`Source`: a GeoDataFrame with every
attribute as it is in the file (CSV and Excel as text, so codes keep their leading zeros), the
file's CRS (or None), the 1-based row numbers users see, and notes on what was assumed.

=====================  =====================================================================
extension              how
=====================  =====================================================================
.gpkg                  GDAL (pyogrio); a file with several layers needs ``layer=``
.shp, .zip             GDAL; a zip holding one Shapefile; DBF text without a ``.cpg`` file
                       is decoded as UTF-8 when valid, else Windows-1252 (legacy exports)
.geojson, .json        GDAL (EPSG:4326 by the GeoJSON standard)
.kml, .kmz             an XML parser (:mod:`kotaku_gis._kml`): each placemark with its ``SchemaData``
                       attributes or the HTML table of its description, in document order; ``layer``
                       may be a pattern (``Kumuh_*``) selecting several layers (EPSG:4326 by the KML
                       standard)
.csv, .xlsx            pandas; geometry from a WKT column (``wkt``, ``geometry``, ``geom``) or
                       from longitude/latitude columns (``lon``/``lng``/``longitude``/``bujur``
                       and ``lat``/``latitude``/``lintang``), which are WGS 84 by definition
=====================  =====================================================================

Row numbers: the feature number in vector files; the spreadsheet line for CSV and Excel (the
header is line 1, so the first data row is 2).

Writing
-------
:func:`write_table` writes a (Geo)DataFrame as CSV, XLSX (one sheet per frame), GeoPackage or GeoJSON.
It is the one writer of every table users open (exports, screening findings, progress, the public
complaints register, staffing, load reports, the map pack's tables and summary workbook):

* formula-safe (OWASP "CSV injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading apostrophe (:func:`formula_safe`), so Excel and LibreOffice
  show it as text instead of running it; column names too. Numbers stay numbers (negative ones
  included), and so does text that is a plain number (``-12.5``). In XLSX every text cell is
  written as a string cell, never as a formula.
* reproducible: the same frames give the same bytes. An XLSX file's document properties
  (created/modified) are ``when`` (default :data:`FIXED_TIME`, never the time of the run) and its
  zip entries carry that date too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from kotaku_gis import _kml, i18n, settings
from kotaku_gis._validate import read_numbers
from kotaku_gis.catalog import TableSpec
from kotaku_gis.errors import DataError, Problem, UsageError

VECTOR_SUFFIXES = (".gpkg", ".shp", ".zip", ".geojson", ".json", ".kml", ".kmz", ".gdb", ".fgb")
TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")

_LON_NAMES = ("lon", "lng", "long", "longitude", "bujur", "x_lon")
_LAT_NAMES = ("lat", "latitude", "lintang", "y_lat")
_WKT_NAMES = ("wkt", "geometry", "geom", "geometri")
ROW = "_baris"  # column holding the user-visible row number


@dataclass
class Source:
    """A file as read, before any normalisation."""

    path: Path
    frame: gpd.GeoDataFrame
    #: Problems found while reading (encoding guessed, CRS assumed...): infos and warnings.
    notes: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def read_vector(path: str | Path, *, layer: str | None = None, crs: str | None = None, table: TableSpec | None = None) -> Source:
    """Read a user's file of any supported format.

    Parameters
    ----------
    path : str or Path
        The file.
    layer : str, optional
        Layer name inside a multi-layer file (GeoPackage, FileGDB).
    crs : str, optional
        CRS to assume when the file has none (``--crs``); ignored when the file declares one.
    table : TableSpec, optional
        For CSV/XLSX: the layout and coordinate columns a mapping declares
        (:func:`kotaku_gis._lampiran.read_sheet`).

    Returns
    -------
    Source
        ``frame`` has the file's columns, a ``_baris`` column of row numbers and the geometry in the
        file's CRS (``frame.crs`` is None when neither the file nor ``crs`` gives one).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "titik.csv")
    >>> _ = open(p, "w").write("kode,lon,lat\\n61.71.01.1001,109.33,-0.03\\n")
    >>> src = read_vector(p)
    >>> src.frame[["kode", "_baris"]].values.tolist(), str(src.frame.crs)
    ([['61.71.01.1001', 2]], 'EPSG:4326')
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(i18n.text("files.not_found", path=path))
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES and table is not None:
        from kotaku_gis import _lampiran

        source = _lampiran.read_sheet(path, table)
    elif suffix in TABLE_SUFFIXES:
        source = _read_table(path, crs)
    elif suffix in (".kml", ".kmz") and (kml := _read_kml(path, layer)) is not None:
        kml[ROW] = range(1, len(kml) + 1)
        source = Source(path, kml)
    elif suffix in VECTOR_SUFFIXES or path.is_dir():
        source = _read_gdal(path, layer)
        if source.frame.crs is None and crs is not None:
            source.frame = source.frame.set_crs(crs)
    else:
        known = ", ".join(VECTOR_SUFFIXES + TABLE_SUFFIXES)
        raise UsageError(i18n.text("files.unsupported", path=path.name, suffix=repr(suffix), known=known))
    return source


def _read_kml(path: Path, layer: str | None) -> gpd.GeoDataFrame | None:
    """Placemarks read by :mod:`kotaku_gis._kml`; empty, truncated and damaged files refused as the others."""
    if path.is_file() and path.stat().st_size == 0:
        raise _unreadable(path)
    try:
        return _kml.read_kml(path, layer)
    except (ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise _unreadable(path, exc) from exc


def _gdal_path(path: Path) -> tuple[str, str | None]:
    """The path GDAL should open, and the name to show for it."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            shps = [n for n in zf.namelist() if n.lower().endswith(".shp")]
            others = [n for n in zf.namelist() if n.lower().endswith((".gpkg", ".geojson", ".kml"))]
        inner = shps or others
        if len(inner) != 1:
            raise UsageError(i18n.text("files.zip_contents", path=path.name, found=inner or "-"))
        return f"/vsizip/{path}/{inner[0]}", inner[0]
    return str(path), None


_KINDS = {
    ".gpkg": "GeoPackage", ".shp": "Shapefile", ".zip": "zip", ".geojson": "GeoJSON", ".json": "GeoJSON",
    ".kml": "KML", ".kmz": "KMZ", ".csv": "CSV", ".xlsx": "Excel", ".xls": "Excel", ".fgb": "FlatGeobuf",
}  # fmt: skip


def _unreadable(path: Path, exc: BaseException | None = None) -> DataError:
    """A file that cannot be read: empty, truncated or damaged (one line, with the fix)."""
    kind = _KINDS.get(path.suffix.lower(), path.suffix or "?")
    if path.is_file() and path.stat().st_size == 0:
        return DataError([Problem("file_empty", path.name, params={"kind": kind})])
    detail = " ".join(str(exc).split())[:300] if exc is not None else ""
    return DataError([Problem("file_corrupt", path.name, params={"kind": kind, "detail": detail})])


def _shapefile_parts(path: Path, inner: str | None) -> None:
    """A Shapefile without its .shx or .dbf is named as such (GDAL's own messages do not say it)."""
    if inner is not None:
        with zipfile.ZipFile(path) as zf:
            names = {n.lower() for n in zf.namelist()}
        stem = inner.rsplit(".", 1)[0].lower()
        have = {ext for ext in (".shx", ".dbf", ".prj") if stem + ext in names}
    else:
        siblings = {p.name.lower() for p in path.parent.glob(path.stem + ".*")}
        have = {ext for ext in (".shx", ".dbf", ".prj") if (path.stem + ext).lower() in siblings}
    missing = [ext for ext in (".shx", ".dbf") if ext not in have]
    if missing:
        more = "" if ".prj" in have else "; .prj membawa CRS"
        raise DataError([Problem("shapefile_part_missing", path.name, params={"part": " ".join(missing), "more": more})])


def _read_gdal(path: Path, layer: str | None) -> Source:
    if path.is_file() and path.stat().st_size == 0:
        raise _unreadable(path)
    try:
        gdal_path, inner = _gdal_path(path)
    except zipfile.BadZipFile as exc:
        raise _unreadable(path, exc) from exc
    if gdal_path.lower().endswith(".shp"):
        _shapefile_parts(path, inner)
    notes: list[Problem] = []
    try:
        layers = pyogrio.list_layers(gdal_path)
    except Exception as exc:  # GDAL's own error types differ between versions
        raise _unreadable(path, exc) from exc
    if len(layers) == 0:
        raise _unreadable(path)
    if layer is None:
        if len(layers) > 1:
            names = ", ".join(str(n) for n in layers[:, 0])
            raise UsageError(i18n.text("files.several_layers", path=path.name, names=names))
        layer = str(layers[0, 0])
    elif layer not in set(layers[:, 0]):
        raise UsageError(i18n.text("files.no_layer", path=path.name, layer=repr(layer), names=", ".join(map(str, layers[:, 0]))))

    encoding = None
    is_shapefile = gdal_path.lower().endswith(".shp")
    if is_shapefile and not _has_cpg(path, inner):
        encoding = _guess_dbf_encoding(gdal_path, layer)
        if encoding != "utf-8":
            notes.append(Problem("encoding_guessed", path.name, severity="info", params={"encoding": encoding}))
    try:
        frame = pyogrio.read_dataframe(gdal_path, layer=layer, encoding=encoding)
    except Exception as exc:  # GDAL's own error types differ between versions
        raise _unreadable(path, exc) from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)))
    if frame.geometry.name != "geometry":
        frame = frame.rename_geometry("geometry")
    frame[ROW] = range(1, len(frame) + 1)
    return Source(path, frame, notes)


def _has_cpg(path: Path, inner: str | None) -> bool:
    if inner is None:
        return path.with_suffix(".cpg").exists() or path.with_suffix(".CPG").exists()
    with zipfile.ZipFile(path) as zf:
        stem = inner.rsplit(".", 1)[0].lower()
        return any(n.lower() == stem + ".cpg" for n in zf.namelist())


def _guess_dbf_encoding(gdal_path: str, layer: str) -> str:
    """The first of ``settings.legacy_encodings`` that decodes every text value (UTF-8, else
    Windows-1252, else Latin-1); the last one when none does."""
    # Latin-1 maps every byte to one character: encoding the values back gives the file's bytes.
    raw = pyogrio.read_dataframe(gdal_path, layer=layer, read_geometry=False, encoding="ISO-8859-1")
    values = [
        value.encode("latin-1")
        for column in raw.columns
        if raw[column].dtype == object or pd.api.types.is_string_dtype(raw[column])
        for value in raw[column].dropna()
        if isinstance(value, str) and not value.isascii()
    ]
    for encoding in settings.legacy_encodings:
        try:
            for value in values:
                value.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return settings.legacy_encodings[-1]


def _read_table(path: Path, crs: str | None) -> Source:
    cells, notes = read_cells(path)
    data, row_numbers = table_below_header(path, cells, _header_row(cells, path), notes)
    lowered = {c.lower(): c for c in data.columns}
    wkt = next((lowered[n] for n in _WKT_NAMES if n in lowered), None)
    problems: list[Problem] = []
    if wkt is not None:
        geoms = _wkt_geometry(path, data[wkt], row_numbers, problems)
        data = data.drop(columns=[wkt])
        frame_crs = crs
    else:
        lon = next((lowered[n] for n in _LON_NAMES if n in lowered), None)
        lat = next((lowered[n] for n in _LAT_NAMES if n in lowered), None)
        assert lon is not None and lat is not None  # _header_row found them
        geoms = _point_geometry(path, data, (lon, lat), row_numbers, problems)
        data = data.drop(columns=[lon, lat])
        frame_crs = crs or "EPSG:4326"
        if crs is None:
            notes.append(Problem("lonlat_assumed_wgs84", path.name, severity="info", params={"lon": lon, "lat": lat}))
    if problems:
        raise DataError(problems + notes)
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, index=data.index), crs=frame_crs)
    frame[ROW] = row_numbers
    return Source(path, frame, notes)


def _wkt_geometry(path: Path, texts: pd.Series, row_numbers: list[int], problems: list[Problem]) -> Any:
    """Geometry from a WKT column; a text that is no WKT is a problem."""
    geoms = shapely.from_wkt(texts.map(lambda v: None if v is None else str(v).strip() or None), on_invalid="ignore")
    for i, (text, geom) in enumerate(zip(texts, geoms)):
        if isinstance(text, str) and text.strip() and geom is None:
            problems.append(Problem("wkt_invalid", path.name, row_numbers[i], str(texts.name)))
    return geoms


def _point_geometry(
    path: Path, data: pd.DataFrame, lonlat: tuple[str, str], row_numbers: list[int], problems: list[Problem]
) -> list[Any]:
    """Points from a longitude and a latitude column (numbers in either notation)."""
    xy = []
    for col in lonlat:
        reading = read_numbers(data[col], low=-180, high=180)
        for i in np.flatnonzero(reading.invalid | reading.ambiguous):
            problems.append(Problem("not_a_number", path.name, row_numbers[i], col, params={"value": data[col].iloc[i]}))
        xy.append(reading.values)
    x, y = xy
    return [None if (pd.isna(a) or pd.isna(b)) else shapely.Point(a, b) for a, b in zip(x, y)]


def read_cells(path: Path, sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Every cell of a CSV (as text: codes keep their zeros) or of an Excel sheet (numbers stay
    numbers), without a header; and the notes (encoding guessed). Empty and damaged files are refused."""
    notes: list[Problem] = []
    if path.stat().st_size == 0:
        raise _unreadable(path)
    if path.suffix.lower() == ".csv":
        cells, encoding = _read_csv_cells(path)
        if encoding != "utf-8-sig":
            notes.append(Problem("encoding_guessed", path.name, severity="info", params={"encoding": encoding}))
    else:
        try:  # numbers stay numbers: a cell's notation is Excel's business, not the text's
            cells = pd.read_excel(path, sheet_name=sheet or 0, header=None, dtype=object)
        except Exception as exc:  # openpyxl/zipfile errors for damaged workbooks
            raise _unreadable(path, exc) from exc
    return cells, notes


def table_below_header(path: Path, cells: pd.DataFrame, header: int, notes: list[Problem]) -> tuple[pd.DataFrame, list[int]]:
    """The rows below row ``header`` (0-based) named by it (blank names: ``kolom_N``), blank rows
    dropped, and the spreadsheet row number of each; a header below the first row is noted."""
    if header > 0:
        notes.append(Problem("header_row_found", path.name, severity="info", params={"row": header + 1, "skipped": header}))
    data = cells.iloc[header + 1 :].reset_index(drop=True)
    data.columns = [str(c).strip() if not _is_blank(c) else f"kolom_{i + 1}" for i, c in enumerate(cells.iloc[header])]
    data = data.map(lambda v: None if _is_blank(v) else v)
    data = data.dropna(how="all")  # blank lines between blocks are no rows
    row_numbers = (data.index + header + 2).tolist()
    return data.reset_index(drop=True), row_numbers


def _read_csv_cells(path: Path) -> tuple[pd.DataFrame, str]:
    """Every cell of a CSV file as text, rows of any length (title rows above the header are short).

    The separator (``,``, ``;``, tab or ``|``) is sniffed from the file; the encoding is the first of
    ``settings.legacy_encodings`` that decodes it (UTF-8, else Windows-1252, else Latin-1, which
    decodes any byte).
    """
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", *settings.legacy_encodings):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # no encoding listed decodes it (settings.legacy_encodings without Latin-1)
        raise _unreadable(path, UnicodeDecodeError("utf-8", raw[:1], 0, 1, "not in any of settings.legacy_encodings"))
    lines = text.splitlines()
    sample = "\n".join(lines[: settings.header_search_rows + 20])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(lines, dialect))
    except csv.Error as exc:
        raise _unreadable(path, exc) from exc
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return cells, encoding


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


def _header_row(cells: pd.DataFrame, path: Path) -> int:
    """The row (0-based) holding the column names: the first with geometry columns (wkt, or lon and lat)."""
    best, best_count = 0, -1
    for i in range(min(len(cells), settings.header_search_rows)):
        names = {str(v).strip().lower() for v in cells.iloc[i] if not _is_blank(v)}
        if names & set(_WKT_NAMES) or (names & set(_LON_NAMES) and names & set(_LAT_NAMES)):
            return i
        texts = sum(isinstance(v, str) and not _is_blank(v) for v in cells.iloc[i])
        if texts > best_count:
            best, best_count = i, texts
    near = ""
    if best_count > 0:
        shown = ", ".join(str(v).strip() for v in cells.iloc[best] if not _is_blank(v))[:200]
        near = i18n.text("load.header_near", row=best + 1, columns=shown)
    raise DataError([Problem("header_row_not_found", path.name, params={"near": near})])


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: The mark put before such text: Excel's and LibreOffice's "this is text" prefix.
FORMULA_MARK = "'"
#: Document date of every XLSX file written without ``when`` (and the date of its zip entries):
#: fixed, so that the same data give the same bytes.
FIXED_TIME = dt.datetime(2020, 1, 1)

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def formula_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: with a leading apostrophe when it starts with a
    formula trigger (:data:`FORMULA_TRIGGERS`), unless it is a plain number.

    Examples
    --------
    >>> [formula_safe(t) for t in ["=1+1", "@SUM(A1)", "-2+3", "-12.5", "Rp 350.000", "'=kept"]]
    ["'=1+1", "'@SUM(A1)", "'-2+3", '-12.5', 'Rp 350.000', "'=kept"]
    """
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return FORMULA_MARK + text
    return text


def _safe_value(value: object) -> object:
    return formula_safe(value) if isinstance(value, str) else value


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name made :func:`formula_safe` (numbers, dates and
    booleans as they are). A column of text only is copied only when a cell changes; another
    text-like column (texts mixed with numbers or dates) is made an object column cell by cell."""
    out = frame.copy(deep=False)
    for i, dtype in enumerate(frame.dtypes):
        texty = pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
        if not (texty or isinstance(dtype, pd.CategoricalDtype)):
            continue
        values = frame.iloc[:, i]
        cells = values.to_numpy(dtype=object)
        if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty"):
            out.isetitem(i, values.astype(object).map(_safe_value))
            continue
        texts = cells.tolist()
        safe = [_safe_value(v) for v in texts]
        if any(a is not b for a, b in zip(safe, texts)):
            out.isetitem(i, pd.Series(safe, index=frame.index, dtype=object))
    out.columns = [formula_safe(str(c)) for c in frame.columns]
    return out


def write_table(frames: pd.DataFrame | Mapping[str, pd.DataFrame], path: str | Path, *, when: dt.datetime | None = None) -> Path:
    """Write one frame, or several named frames, in the format the extension names.

    ``.csv`` (one frame; geometry as WKT), ``.xlsx`` (one sheet per frame; geometry as WKT),
    ``.gpkg`` (one layer per frame), ``.geojson`` (one frame).
    Returns the path written.

    CSV and XLSX are formula-safe (text cells through :func:`formula_safe`, XLSX text cells always
    string cells) and reproducible: an XLSX file's document date is ``when`` (naive, UTC; default
    :data:`FIXED_TIME`), so the same frames and ``when`` give the same bytes.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> p = write_table(pd.DataFrame({"a": [1, -2], "b": ["=1+1", "-3"]}), os.path.join(tempfile.mkdtemp(), "t.csv"))
    >>> open(p).read().splitlines()
    ['a,b', "1,'=1+1", '-2,-3']
    """
    path = Path(path)
    named = dict(frames) if isinstance(frames, Mapping) else {path.stem: frames}
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")  # written whole, then renamed into place
    tmp.unlink(missing_ok=True)  # left by an interrupted run
    if suffix == ".csv":
        if len(named) != 1:
            raise UsageError(i18n.text("files.csv_one_table", path=path.name))
        # CR LF ends a record (RFC 4180): a field holding a CR or LF is then quoted, never split
        _safe_frame(_plain(next(iter(named.values())))).to_csv(tmp, index=False, lineterminator="\r\n")
    elif suffix == ".xlsx":
        tmp.write_bytes(xlsx_bytes({name: _plain(frame) for name, frame in named.items()}, when=when))
    elif suffix in (".gpkg", ".geojson"):
        if suffix == ".geojson" and len(named) != 1:
            raise UsageError(i18n.text("files.geojson_one_layer", path=path.name))
        for i, (name, frame) in enumerate(named.items()):
            if isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG" if suffix == ".gpkg" else "GeoJSON", append=i > 0)
            else:
                pyogrio.write_dataframe(gpd.GeoDataFrame(frame), tmp, layer=name, driver="GPKG", append=i > 0)
    else:
        raise UsageError(i18n.text("files.unsupported_output", path=path.name, suffix=repr(suffix)))
    tmp.replace(path)
    return path


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, when: dt.datetime | None = None) -> bytes:
    """An XLSX workbook of ``sheets`` (name -> frame; names cut to Excel's 31 characters), one
    header row in bold and one row per record: formula-safe text in string cells, numbers,
    booleans and dates as such, missing values as empty cells. The document date and the date of
    every zip entry is ``when`` (default :data:`FIXED_TIME`): the same input, the same bytes.

    Examples
    --------
    >>> import pandas as pd
    >>> a = xlsx_bytes({"s": pd.DataFrame({"x": ["=1+1", "ok"], "n": [-1, 2.5]})})
    >>> a == xlsx_bytes({"s": pd.DataFrame({"x": ["=1+1", "ok"], "n": [-1, 2.5]})})
    True
    """
    when = (when or FIXED_TIME).replace(microsecond=0)
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    book = Workbook(write_only=True)
    book.properties.creator = "kotaku-gis"
    book.properties.created = book.properties.modified = when
    bold = Font(bold=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=str(name)[:31])
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=formula_safe(ILLEGAL_CHARACTERS_RE.sub("", str(column))))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        # the rows of one object array: much faster than itertuples for wide frames, the same values
        # (Python numbers for numpy columns, Timestamps for dates, the cells of extension arrays)
        for row in frame.to_numpy(dtype=object).tolist():
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED)  # stored: compressed once, below
    ExcelWriter(book, archive).save()  # (closes the archive) without openpyxl's "modified = now"
    out = io.BytesIO()
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """One XLSX cell: text as a string cell (formula-safe), never as a formula."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if math.isinf(value):
            value = "inf" if value > 0 else "-inf"
        else:
            return float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, pd.Timestamp):
        value = value.tz_convert("UTC").tz_localize(None) if value.tzinfo else value
        return value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, (dt.date, dt.time)):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))  # XML cannot hold them
    cell = WriteOnlyCell(sheet, value=formula_safe(text))
    cell.data_type = "s"
    return cell


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame without a geometry column object: geometry becomes WKT text."""
    if isinstance(frame, gpd.GeoDataFrame):
        out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        out["wkt"] = frame.geometry.to_wkt()
        return out
    return frame
