"""Spreadsheets laid out for people: the annex table of an SK Kumuh decree (XLSX) read as rows.

A decree's annex is published as the regent's office lays it out: a title row, a header of one or two
rows with merged cells (``Koordinat`` over ``Lintang``/``Bujur``), cells merged down over a kawasan's
rows (``No.``, ``Nama Kawasan``), sub-total and total rows between the locations, a signature block
below, and Excel formulas (level, class, priority) whose saved values may be missing (a workbook
written by a program rather than saved by Excel). :func:`read_annex` gives one row per sheet row
below the header, with:

* the header found (the first row, among the first ``settings.header_search_rows``, with the most
  text cells and at least three), and a second header row joined to it where the first has cells
  merged across columns (``Koordinat Lintang``);
* merged cells filled into every cell they cover;
* formulas' saved values, or, where a formula has none, its value computed here (``IF``, ``AND``,
  ``OR``, ``NOT``, ``SUM``, ``ROUND``, comparisons, arithmetic and ``&`` over cells and ranges of
  the sheet); a formula using anything else is an error naming the cell;
* entirely empty rows dropped; every other row kept with its spreadsheet row number, for the
  mapping's filters to skip the sub-total, total and signature rows with a count.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pandas as pd

from kotaku_gis import i18n, settings
from kotaku_gis.errors import DataError, Problem, UsageError

if TYPE_CHECKING:
    from kotaku_gis.catalog import TableSpec
    from kotaku_gis.files import Source


def read_annex(path: str | Path, sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The rows of a decree annex (or any sheet with a title and a one- or two-row header).

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` workbook.
    sheet : str, optional
        Sheet name; default the first sheet.

    Returns
    -------
    (DataFrame, list of Problem)
        Columns named by the header (two header rows joined by a space; empty header cells give
        ``kolom_<letter>``), values as saved (numbers stay numbers), and ``_baris`` (the spreadsheet
        row number); the notes say where the header was found and how many formulas were computed.

    Raises
    ------
    DataError
        A formula without a saved value that cannot be computed here (the cell named), or no header row.
    """
    import openpyxl

    path = Path(path)
    try:
        formulas = openpyxl.load_workbook(path, data_only=False)
        values = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise UsageError(i18n.text("formats.xlsx_unreadable", file=path.name, reason=str(exc))) from exc
    name = sheet or formulas.sheetnames[0]
    if name not in formulas.sheetnames:
        raise UsageError(i18n.text("formats.xlsx_no_sheet", file=path.name, sheet=name, sheets=", ".join(formulas.sheetnames)))
    ws_f, ws_v = formulas[name], values[name]
    grid = _Grid(path.name, ws_f, ws_v)
    header_row, two_rows = _find_header(grid)
    if header_row is None:
        raise DataError([Problem("annex_no_header", path.name, severity="error", params={"rows": settings.header_search_rows})])
    names = _header_names(grid, header_row, two_rows)
    first = header_row + (2 if two_rows else 1)
    records = []
    for r in range(first, grid.max_row + 1):
        row = [grid.value(r, c) for c in range(1, grid.max_col + 1)]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        records.append(row + [r])
    frame = pd.DataFrame(records, columns=names + ["_baris"])
    frame = frame.astype(object).where(frame.notna(), None)
    notes = [
        Problem(
            "annex_header_found", path.name, header_row, severity="info", params={"rows": "2" if two_rows else "1", "sheet": name}
        )
    ]
    if grid.computed:
        notes.append(Problem("annex_formulas_computed", path.name, severity="info", params={"count": grid.computed}))
    return frame, notes


class _Grid:
    """Cell values of a sheet: saved values, merged cells filled, missing formula values computed."""

    def __init__(self, file: str, ws_f: Any, ws_v: Any) -> None:
        self.file, self.ws_f, self.ws_v = file, ws_f, ws_v
        self.max_row, self.max_col = ws_f.max_row, ws_f.max_column
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}  # top-left -> (rows, cols)
        for rng in ws_f.merged_cells.ranges:
            self.spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged[(r, c)] = (rng.min_row, rng.min_col)
        self.cache: dict[tuple[int, int], Any] = {}
        self.computed = 0

    def value(self, row: int, col: int) -> Any:
        row, col = self.merged.get((row, col), (row, col))
        return self.raw(row, col)

    def raw(self, row: int, col: int) -> Any:
        key = (row, col)
        if key in self.cache:
            return self.cache[key]
        saved = self.ws_v.cell(row, col).value
        formula = self.ws_f.cell(row, col).value
        if saved is None and isinstance(formula, str) and formula.startswith("="):
            self.cache[key] = None  # a cycle reads as empty, as Excel shows it before recalculating
            saved = _Formula(self, formula[1:], row, col).evaluate()
            self.computed += 1
        if isinstance(saved, str) and not saved.strip():
            saved = None
        self.cache[key] = saved
        return saved


def _text_cells(grid: _Grid, row: int) -> int:
    return sum(
        isinstance(grid.ws_v.cell(row, c).value, str) and grid.ws_v.cell(row, c).value.strip() != ""
        for c in range(1, grid.max_col + 1)
    )


def _find_header(grid: _Grid) -> tuple[int | None, bool]:
    rows = range(1, min(grid.max_row, settings.header_search_rows) + 1)
    counts = {r: _text_cells(grid, r) for r in rows}
    best = max(rows, key=lambda r: (counts[r], -r), default=None)
    if best is None or counts[best] < 3:
        return None, False
    across = any(span[1] > 1 for (r, _), span in grid.spans.items() if r == best)
    return best, across and best + 1 <= grid.max_row


def _header_names(grid: _Grid, row: int, two_rows: bool) -> list[str]:
    from openpyxl.utils import get_column_letter

    names: list[str] = []
    for c in range(1, grid.max_col + 1):
        top = grid.value(row, c)
        parts = [" ".join(str(top).split())] if top is not None else []
        if two_rows:
            below = grid.ws_v.cell(row + 1, c).value
            merged_down = grid.merged.get((row + 1, c)) == grid.merged.get((row, c)) and (row, c) in grid.merged
            if below is not None and not merged_down and str(below).strip():
                parts.append(" ".join(str(below).split()))
        name = " ".join(parts) or f"kolom_{get_column_letter(c)}"
        while name in names:
            name += "_"
        names.append(name)
    return names


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r'|(?P<str>"(?:[^"]|"")*")'
    r"|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<func>[A-Z][A-Z0-9.]*)\s*\("
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<bool>TRUE|FALSE)\b"
    r"|(?P<op><>|>=|<=|[-+*/&=<>(),]))"
)


class _Formula:
    """A small evaluator of the formulas decree annexes use (see the module doc)."""

    def __init__(self, grid: _Grid, text: str, row: int, col: int) -> None:
        self.grid, self.text, self.row, self.col = grid, text, row, col
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                self._fail()
            assert m is not None  # _fail raised otherwise
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def _fail(self) -> NoReturn:
        from openpyxl.utils import get_column_letter

        raise DataError(
            [
                Problem(
                    "annex_formula_unsupported",
                    self.grid.file,
                    self.row,
                    f"{get_column_letter(self.col)}{self.row}",
                    params={"formula": "=" + self.text},
                )
            ]
        )

    def evaluate(self) -> Any:
        value = self._comparison()
        if self.i != len(self.tokens):
            self._fail()
        return value

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        tok = self._peek()
        if tok is None or (value is not None and tok[1] != value):
            self._fail()
        self.i += 1
        return tok

    def _comparison(self) -> Any:
        left = self._concat()
        while (tok := self._peek()) and tok[0] == "op" and tok[1] in ("=", "<>", "<", ">", "<=", ">="):
            self.i += 1
            left = _compare(tok[1], left, self._concat())
        return left

    def _concat(self) -> Any:
        left = self._additive()
        while (tok := self._peek()) and tok == ("op", "&"):
            self.i += 1
            left = f"{_text(left)}{_text(self._additive())}"
        return left

    def _additive(self) -> Any:
        left = self._term()
        while (tok := self._peek()) and tok[0] == "op" and tok[1] in "+-":
            self.i += 1
            right = _number(self._term())
            left = _number(left) + right if tok[1] == "+" else _number(left) - right
        return left

    def _term(self) -> Any:
        left = self._unary()
        while (tok := self._peek()) and tok[0] == "op" and tok[1] in "*/":
            self.i += 1
            right = _number(self._unary())
            left = _number(left) * right if tok[1] == "*" else _number(left) / right
        return left

    def _unary(self) -> Any:
        tok = self._peek()
        if tok == ("op", "-"):
            self.i += 1
            return -_number(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "bool":
            return text == "TRUE"
        if kind == "ref":
            return self._cell(text)
        if kind == "range":
            return self._range(text)
        if kind == "func":
            return self._call(text)
        if (kind, text) == ("op", "("):
            value = self._comparison()
            self._take(")")
            return value
        self._fail()

    def _cell(self, ref: str) -> Any:
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        letters, number = coordinate_from_string(ref.replace("$", ""))
        return self.grid.raw(number, column_index_from_string(letters))

    def _range(self, ref: str) -> list[Any]:
        from openpyxl.utils.cell import range_boundaries

        c0, r0, c1, r1 = range_boundaries(ref.replace("$", ""))
        return [self.grid.raw(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]

    def _arguments(self) -> list[Any]:
        args: list[Any] = []
        if self._peek() == ("op", ")"):
            self.i += 1
            return args
        while True:
            args.append(self._comparison())
            kind, text = self._take()
            if text == ")":
                return args
            if text != ",":
                self._fail()

    def _call(self, name: str) -> Any:
        if name == "IF":  # both branches are parsed; only the chosen one matters
            args = self._arguments()
            if len(args) not in (2, 3):
                self._fail()
            return args[1] if _truth(args[0]) else (args[2] if len(args) == 3 else False)
        args = self._arguments()
        function = _FUNCTIONS.get(name)
        if function is None or (name in _ARITY and len(args) != _ARITY[name]):
            self._fail()
        return function(args, [v for a in args for v in (a if isinstance(a, list) else [a])])


#: The worksheet functions an annex formula may use besides IF: name -> f(arguments, flattened ranges).
_FUNCTIONS: dict[str, Any] = {
    "AND": lambda args, flat: all(_truth(v) for v in flat if v is not None),
    "OR": lambda args, flat: any(_truth(v) for v in flat if v is not None),
    "NOT": lambda args, flat: not _truth(args[0]),
    "SUM": lambda args, flat: float(sum(v for v in flat if isinstance(v, (int, float)) and not isinstance(v, bool))),
    "ROUND": lambda args, flat: round(_number(args[0]), int(_number(args[1]))),
}
_ARITY = {"NOT": 1, "ROUND": 2}


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise DataError([Problem("annex_formula_value", "", severity="error", params={"value": value})]) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().upper() == "TRUE"
    return bool(value)


def _compare(op: str, a: Any, b: Any) -> bool:
    x: Any
    y: Any
    if isinstance(a, str) or isinstance(b, str):
        x, y = _text(a).casefold(), _text(b).casefold()  # Excel compares text case-insensitively
    else:
        x, y = _number(a), _number(b)
    return {"=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


_DMS = re.compile(
    r"^\s*(?P<h1>[NSEWUT]|L[SU]|B[TB])?\s*(?P<d>\d+(?:[.,]\d+)?)\s*[°º˚d]\s*"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*['’′m]\s*)?"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)\s*(?:\"|''|”|″|s)\s*)?"
    r"(?P<h2>[NSEWUT]|L[SU]|B[TB])?\s*$",
    re.IGNORECASE,
)
_NEGATIVE = {"S", "W", "LS", "BB"}


def coordinate(value: Any) -> float | None:
    """A coordinate in decimal degrees from a number, decimal text (``-0,0345``) or DMS
    (``0°01'54.6"S``, ``109° 20' 30" BT``); None when it is neither.

    Examples
    --------
    >>> coordinate(-0.03485), coordinate("-0,03485"), coordinate("0°02'05.46\\"S")
    (-0.03485, -0.03485, -0.03485)
    >>> round(coordinate("109° 21' 16\\" BT"), 6), coordinate("dekat sungai")
    (109.354444, None)
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    decimal = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        return float(decimal)
    except ValueError:
        pass
    m = _DMS.match(text)
    if not m:
        return None
    degrees = (
        float(m["d"].replace(",", "."))
        + float((m["m"] or "0").replace(",", ".")) / 60
        + float((m["s"] or "0").replace(",", ".")) / 3600
    )
    hemisphere = (m["h1"] or m["h2"] or "").upper()
    return round(-degrees if hemisphere in _NEGATIVE else degrees, 9)


def read_sheet(path: str | Path, table: TableSpec) -> Source:
    """A CSV/XLSX table read as its mapping declares (:class:`~kotaku_gis.catalog.TableSpec`).

    The geometry is a point from the ``lon``/``lat`` columns (decimal degrees, decimal comma or DMS;
    a value that is none of these is an error naming row and column), or empty for every row when
    the mapping names no coordinates.

    Examples
    --------
    >>> import tempfile, os
    >>> from kotaku_gis.catalog import TableSpec
    >>> p = os.path.join(tempfile.mkdtemp(), "rt.csv")
    >>> _ = open(p, "w").write("Desa;RT;Bobot Kumuh\\nSukamaju;001;40\\n")
    >>> src = read_sheet(p, TableSpec())
    >>> src.frame[["Desa", "RT", "_baris"]].values.tolist(), bool(src.frame.geometry.isna().all())
    ([['Sukamaju', '001', 2]], True)
    """
    import geopandas as gpd

    from kotaku_gis.files import Source

    path = Path(path)
    if table.layout == "annex":
        if path.suffix.lower() != ".xlsx":
            raise UsageError(i18n.text("formats.annex_needs_xlsx", file=path.name))
        frame, notes = read_annex(path, table.sheet)
    else:
        frame, notes = _plain_table(path, table.sheet)
    geoms: list[Any] = [None] * len(frame)
    if table.lon is not None and table.lat is not None:
        geoms = _points(path, frame, table.lon, table.lat, notes)
    out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index), crs="EPSG:4326")
    return Source(path, out, notes)


def _points(path: Path, frame: pd.DataFrame, lon: str, lat: str, notes: list[Problem]) -> list[Any]:
    """Points from the coordinate columns (decimal degrees, decimal comma or DMS); a value that is
    none of these is an error naming row and column."""
    import shapely

    from kotaku_gis.files import ROW

    for col in (lon, lat):
        if col not in frame.columns:
            have = ", ".join(str(c) for c in frame.columns if c != ROW)
            raise UsageError(i18n.text("formats.coordinate_column_absent", file=path.name, column=col, have=have))
    xs = [coordinate(v) for v in frame[lon]]
    ys = [coordinate(v) for v in frame[lat]]
    problems = []
    for i, (row, x, y) in enumerate(zip(frame[ROW], xs, ys)):
        for col, parsed in ((lon, x), (lat, y)):
            value = frame[col].iloc[i]
            if value is not None and not (isinstance(value, float) and value != value) and parsed is None:
                problems.append(Problem("not_a_number", path.name, int(row), col, params={"value": value}))
    if problems:
        raise DataError(problems + notes)
    return [shapely.Point(x, y) if x is not None and y is not None else None for x, y in zip(xs, ys)]


def _plain_table(path: Path, sheet: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    """A table with one header row: the row with the most text cells among the first
    :data:`kotaku_gis.settings.header_search_rows` (title rows above it skipped), values as the file holds them."""
    from kotaku_gis import files

    cells, notes = files.read_cells(path, sheet)
    top = cells.head(settings.header_search_rows)
    texts = top.apply(lambda row: sum(isinstance(v, str) and v.strip() != "" for v in row), axis=1)
    if texts.empty or texts.max() < 3:
        raise DataError([Problem("annex_no_header", path.name, severity="error", params={"rows": settings.header_search_rows})])
    data, rows = files.table_below_header(path, cells, int(texts.idxmax()), notes)
    data.columns = [" ".join(str(c).split()) for c in data.columns]
    data["_baris"] = rows
    return data.astype(object).where(data.notna(), None), notes
