"""The validation core: reading values as users write them, shared by every module that reads input.

Numbers as Indonesians (and others) write them
----------------------------------------------
Indonesian notation groups thousands with a dot and writes decimals with a comma
(``1.250.000,50``); English notation does the opposite (``1,250,000.50``). Many values can be read
only one way (``1.250.000``, ``12,5``, ``1.250,5``, ``12.5``, ``1,250.5``), but a value with one
separator followed by exactly three digits is ambiguous: ``350.000`` is 350000 in Indonesian and 350
in English; ``72,350`` is 72.35 in Indonesian and 72350 in English.

:func:`read_numbers` decides per column, from all its values, and never guesses:

1. every value is classified by its form: plain, unambiguous Indonesian, unambiguous English,
   ambiguous, or not a number; ``Rp``/``IDR`` before and ``,-`` after an amount are allowed;
2. a reading that the column cannot hold is dropped: outside the column's range (a criterion share
   of 72350 %), or a fraction in a column of whole numbers or rupiah (rupiah are never written with
   three decimals, so ``350.000`` in a rupiah column is 350000);
3. a value still ambiguous takes the notation the column's unambiguous values show, when they show
   one; the result says how many values were read that way, for the load report;
4. a value that stays ambiguous (the column shows no notation, or both) is not read: the caller
   reports it with both readings.

Examples
--------
>>> import pandas as pd
>>> r = read_numbers(pd.Series(["350.000", "1.250.000,50", "12,5"]))
>>> r.values.tolist(), r.notation, r.resolved
([350000.0, 1250000.5, 12.5], 'id', 1)
>>> r = read_numbers(pd.Series(["350.000"]))
>>> r.values.tolist(), r.ambiguous.tolist(), r.readings[0]
([nan], [True], (350000.0, 350.0))
>>> read_numbers(pd.Series(["Rp 350.000,-", "75.000"]), kind="money").values.tolist()
[350000.0, 75000.0]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from kotaku_gis.errors import DataError, Problem

NumberKind = Literal["float", "integer", "money"]

_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_TRAILING_DASH = re.compile(r"[,.]\s*[-\u2010-\u2015]+$")  # 350.000,-  (Indonesian amounts)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")

# Forms of the unsigned digits (after the currency and spaces are removed).
_PLAIN = re.compile(r"^\d+$")
_ONE_DOT = re.compile(r"^(\d+)\.(\d+)$")
_ONE_COMMA = re.compile(r"^(\d+),(\d+)$")
_GROUP_LEAD = re.compile(r"^[1-9]\d{0,2}$")
_ID_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$")
_EN_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")


@dataclass
class NumberReading:
    """What :func:`read_numbers` made of a column.

    Attributes
    ----------
    values : Series of float
        The numbers; NaN where the cell was empty, not a number or ambiguous.
    invalid : Series of bool
        Cells holding text that is no number in any notation.
    ambiguous : Series of bool
        Cells that stay ambiguous; ``readings`` holds their two readings.
    readings : dict
        index -> (Indonesian reading, English reading) of each ambiguous cell.
    notation : {"id", "en", None}
        The notation the column's unambiguous values show (None: none, or both).
    resolved : int
        Ambiguous cells read in the column's notation (or by what the column can hold).
    mixed : bool
        The column shows both notations (each unambiguous value was read by its own form).
    """

    values: pd.Series
    invalid: pd.Series
    ambiguous: pd.Series
    readings: dict[object, tuple[float, float]] = field(default_factory=dict)
    notation: str | None = None
    resolved: int = 0
    mixed: bool = False


def _classify(text: str) -> tuple[str, float | None, float | None]:
    """(form, Indonesian reading, English reading) of one cleaned, unsigned value.

    form is ``plain``, ``id``, ``en``, ``ambiguous`` or ``invalid``.
    """
    if _PLAIN.match(text):
        v = float(text)
        return "plain", v, v
    if m := _ONE_DOT.match(text):
        english = float(text)
        if _GROUP_LEAD.match(m.group(1)) and len(m.group(2)) == 3:
            return "ambiguous", float(m.group(1) + m.group(2)), english
        return "en", None, english
    if m := _ONE_COMMA.match(text):
        indonesian = float(f"{m.group(1)}.{m.group(2)}")
        if _GROUP_LEAD.match(m.group(1)) and len(m.group(2)) == 3:
            return "ambiguous", indonesian, float(m.group(1) + m.group(2))
        return "id", indonesian, None
    if _ID_GROUPED.match(text):
        return "id", float(text.replace(".", "").replace(",", ".")), None
    if _EN_GROUPED.match(text):
        return "en", None, float(text.replace(",", ""))
    return "invalid", None, None


def _clean(value: str) -> tuple[str, float, bool]:
    """The digits of a cell, its sign, and whether it carried Indonesian-only marks (``,-``)."""
    text = _SPACES.sub(" ", value).strip()
    text = _CURRENCY.sub("", text)
    marked = bool(_TRAILING_DASH.search(text))
    text = _TRAILING_DASH.sub("", text).strip()
    sign = 1.0
    if text and text[0] in "-+\u2212":
        sign = -1.0 if text[0] != "+" else 1.0
        text = text[1:].strip()
    # digits grouped by spaces (1 250 000) are digits
    if re.fullmatch(r"[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?", text):
        text = text.replace(" ", "")
    return text, sign, marked


def _fits(value: float | None, kind: NumberKind, low: float | None, high: float | None) -> bool:
    if value is None:
        return False
    if kind in ("integer", "money") and not float(value).is_integer():
        return False
    return not ((low is not None and value < low) or (high is not None and value > high))


def read_numbers(
    values: pd.Series,
    *,
    kind: NumberKind = "float",
    low: float | None = None,
    high: float | None = None,
) -> NumberReading:
    """Read a column of numbers written as text, in Indonesian or English notation.

    Parameters
    ----------
    values : Series
        Cells as read from a file: text, numbers (taken as they are) or empty.
    kind : {"float", "integer", "money"}
        What the column holds: any number, whole numbers, or rupiah (whole amounts, decimals
        allowed only where unambiguous).
    low, high : float, optional
        The range the column allows; a reading outside it is not a reading of this column.

    Returns
    -------
    NumberReading

    Examples
    --------
    >>> import pandas as pd
    >>> read_numbers(pd.Series(["72,350", "12.5"]), high=100).values.tolist()
    [72.35, 12.5]
    >>> r = read_numbers(pd.Series(["1,250", "abc", None]))
    >>> r.ambiguous.tolist(), r.invalid.tolist()
    ([True, False, False], [False, True, False])
    """
    cells = [_read_cell(raw) for raw in values.tolist()]
    seen_id = any(c.form == "id" or c.marked for c in cells)
    seen_en = any(c.form == "en" for c in cells)
    notation = "id" if seen_id and not seen_en else ("en" if seen_en and not seen_id else None)
    out = np.array([c.value for c in cells], dtype="float64") if cells else np.zeros(0)
    ambiguous = np.zeros(len(cells), dtype=bool)
    readings: dict[object, tuple[float, float]] = {}
    resolved = 0
    for pos, cell in enumerate(cells):
        if cell.form != "ambiguous":
            continue
        chosen = _resolve(cell, kind, low, high, notation)
        if chosen is None:
            ambiguous[pos] = True
            readings[values.index[pos]] = (cell.sign * cell.indonesian, cell.sign * cell.english)
        else:
            out[pos] = chosen
            resolved += 1
    index = values.index
    return NumberReading(
        values=pd.Series(out, index=index, dtype="float64"),
        invalid=pd.Series([c.form == "invalid" for c in cells], index=index, dtype=bool),
        ambiguous=pd.Series(ambiguous, index=index),
        readings=readings,
        notation=notation,
        resolved=resolved,
        mixed=seen_id and seen_en,
    )


@dataclass
class _Cell:
    """One cell as read: its form, its value when it has one reading, both readings when ambiguous."""

    form: str  # "empty", "number", "plain", "id", "en", "ambiguous" or "invalid"
    value: float = np.nan
    sign: float = 1.0
    indonesian: float = np.nan
    english: float = np.nan
    dot: bool = False  # the ambiguous separator is a dot (350.000), not a comma (72,350)
    marked: bool = False  # carried an Indonesian-only mark (350.000,-)


def _read_cell(raw: object) -> _Cell:
    if is_missing(raw):
        return _Cell("empty")
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, (bool, np.bool_)):
        return _Cell("number", float(raw))  # a spreadsheet cell, a GIS field
    text, sign, marked = _clean(str(raw))
    if not text:
        return _Cell("empty")
    form, indonesian, english = _classify(text)
    if form == "ambiguous" and marked:  # 350.000,- is Indonesian whatever the column
        form, english = "id", None
    value = indonesian if form in ("plain", "id") else (english if form == "en" else None)
    return _Cell(
        form, np.nan if value is None else sign * value, sign,
        np.nan if indonesian is None else indonesian, np.nan if english is None else english,
        "." in text, marked,
    )  # fmt: skip


def _resolve(cell: _Cell, kind: NumberKind, low: float | None, high: float | None, notation: str | None) -> float | None:
    """The reading of an ambiguous cell that the column allows, or None when it stays ambiguous."""
    id_value, en_value = cell.sign * cell.indonesian, cell.sign * cell.english
    id_ok, en_ok = _fits(id_value, kind, low, high), _fits(en_value, kind, low, high)
    if kind != "float" and id_ok and en_ok:  # whole numbers: one separator and three digits group
        id_ok, en_ok = cell.dot, not cell.dot
    if id_ok and en_ok and notation is not None:
        id_ok, en_ok = notation == "id", notation == "en"
    if id_ok != en_ok:
        return id_value if id_ok else en_value
    return None


# -- periods -----------------------------------------------------------------------------------------
_PERIODE = re.compile(r"^(?:19|20)\d\d(?:Q[1-4])?$")
_QUARTER = re.compile(r"^((?:19|20)\d\d)\s*[-/ ]?\s*[Qq]\s*([1-4])$")
_TW = re.compile(r"^[Tt][Ww]\s*([1-4])\s*[-/ ]?\s*((?:19|20)\d\d)$")


def is_missing(value: object) -> bool:
    """Whether a cell is empty: None, NaN, pandas' NA or blank text."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip()


def is_na(value: object) -> bool:
    """Whether a value is missing as pandas sees it (None, NaN, NA, NaT); False for a list or array.

    Unlike :func:`is_missing`, blank text is not missing.

    Examples
    --------
    >>> is_na(None), is_na(float("nan")), is_na(""), is_na([1, 2])
    (True, True, False, False)
    """
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def parse_periode(value: object) -> str | None:
    """A period as the store writes it (``2024`` or ``2026Q3``), or None for an empty cell.

    Accepted forms: a year (``2024``, also the number 2024 or 2024.0), a quarter ``2026Q3``,
    ``2026-Q3``, ``2026 q3``, ``2026 Q 3``, ``2026/Q3`` and ``TW3 2026`` / ``TW 3-2026``.

    Raises
    ------
    ValueError
        For anything else.

    Examples
    --------
    >>> parse_periode("2026 Q 3"), parse_periode("TW1 2025"), parse_periode(2024.0), parse_periode("")
    ('2026Q3', '2025Q1', '2024', None)
    """
    if is_missing(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    if re.fullmatch(r"\d{4}\.0+", text):
        text = text[:4]
    if m := _QUARTER.match(text):
        return f"{m.group(1)}Q{m.group(2)}"
    if m := _TW.match(text):
        return f"{m.group(2)}Q{m.group(1)}"
    if _PERIODE.match(text):
        return text
    raise ValueError(text)


# -- yes/no ------------------------------------------------------------------------------------------
_TRUE = frozenset({"1", "true", "t", "ya", "y", "yes", "benar", "b", "iya"})
_FALSE = frozenset({"0", "false", "f", "tidak", "no", "n", "salah", "s", "tdk", "bukan"})


def parse_boolean(value: object) -> bool | None:
    """A yes/no cell: ``ya``/``tidak``, ``true``/``false``, ``1``/``0``, ``y``/``n``... or None.

    ``t``/``f`` are *true*/*false*, as PostgreSQL and GDAL write booleans (not *tidak*).

    Raises
    ------
    ValueError
        For anything else.

    Examples
    --------
    >>> parse_boolean("Ya"), parse_boolean(0), parse_boolean(None)
    (True, False, None)
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        value = int(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)


def period_end(periods: pd.Series | Sequence[object]) -> np.ndarray:
    """A sortable number for the end of each period: year * 10 + quarter (a year ends with its 4th quarter).

    Periods are written as the store writes them (``2024``, ``2026Q3``); the number is NaN for
    anything else.

    Examples
    --------
    >>> period_end(["2024", "2026Q3"]).tolist()
    [20244.0, 20263.0]
    """
    ids, uniques = pd.factorize(np.asarray(periods, dtype=object), use_na_sentinel=False)
    text = pd.Series(uniques, dtype=object).astype(str)  # each distinct period once
    year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    quarter = pd.to_numeric(text.str.slice(5, 6), errors="coerce").fillna(4)
    return (year * 10 + quarter).to_numpy(dtype="float64")[ids]


def period_end_date(periode: str) -> pd.Timestamp:
    """The last day of a period: ``2026Q3`` -> 2026-09-30, ``2024`` -> 2024-12-31.

    This is the as-of date of everything reported for the period (complaint ages in the progress
    report, the data date of a map pack).

    Examples
    --------
    >>> str(period_end_date("2026Q3").date()), str(period_end_date("2024").date())
    ('2026-09-30', '2024-12-31')
    """
    year = int(periode[:4])
    quarter = int(periode[5]) if len(periode) > 4 else 4
    return pd.Timestamp(year=year, month=quarter * 3, day=1) + pd.offsets.MonthEnd(0)


# -- problems ----------------------------------------------------------------------------------------
def display_value(value: Any) -> Any:
    """A cell value as a problem message shows it: numpy scalars as Python, 12.0 as 12."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


class Problems:
    """The problems found in one file (or table), one per row where a check fails.

    Parameters
    ----------
    file : str
        The file or layer the problems name.
    rows : array-like, optional
        The row number (as the user sees it) of each row of the frame checked, in frame order;
        masks and per-row values are then taken by position. A subclass that overrides
        :meth:`row_numbers` (the loader's batch) has them matched by index label.

    Examples
    --------
    >>> import numpy as np
    >>> report = Problems("kegiatan.csv", np.array([2, 3, 4]))
    >>> report.add_each("value_missing", np.array([False, True, True]), "status")
    >>> [(p.row, p.column) for p in report.problems], report.has_errors
    ([(3, 'status'), (4, 'status')], True)
    """

    file: str
    problems: list[Problem]
    _rows: Any = None

    def __init__(self, file: str, rows: Any = None) -> None:
        self.file = file
        self.problems = []
        self._rows = pd.Series(np.asarray(rows if rows is not None else [], dtype="int64"))

    def row_numbers(self) -> pd.Series:
        """The row numbers of the frame checked, indexed like it."""
        return self._rows

    def column_name(self, column: str) -> str:
        """The name the user's file gives a column (the catalogue name unless renamed)."""
        return column

    def add(self, code: str, /, rows: Any = None, column: str | None = None, severity: str = "error", **params: Any) -> None:
        """Record a problem for every row number in ``rows``, or one for the whole file."""
        col = self.column_name(column) if column else None
        if rows is None:
            self.problems.append(Problem(code, self.file, None, col, severity, params))  # type: ignore[arg-type]
            return
        for row in rows:
            self.problems.append(Problem(code, self.file, int(row), col, severity, params))  # type: ignore[arg-type]

    def add_each(self, code: str, mask: Any, column: str | None, /, severity: str = "error", **per_row: Any) -> None:
        """One problem per row where ``mask`` holds; ``per_row`` values are Series, arrays or scalars."""
        numbers = self.row_numbers()
        by_label = self._rows is not numbers  # a frame's row numbers: Series are matched by label
        if by_label and isinstance(mask, pd.Series) and not mask.index.equals(numbers.index):
            mask = mask.reindex(numbers.index)
        flags = np.asarray(pd.Series(mask).fillna(False).astype(bool) if isinstance(mask, pd.Series) else mask, dtype=bool)
        positions = np.flatnonzero(flags)
        if not len(positions):
            return
        col = self.column_name(column) if column else None
        aligned = {k: isinstance(v, pd.Series) and (not by_label or v.index.equals(numbers.index)) for k, v in per_row.items()}
        for pos in positions:
            label = numbers.index[pos]
            params = {}
            for k, v in per_row.items():
                if isinstance(v, pd.Series):
                    v = v.iloc[pos] if aligned[k] else v.loc[label]
                elif isinstance(v, np.ndarray):
                    v = v[pos]
                params[k] = display_value(v)
            self.problems.append(Problem(code, self.file, int(numbers.iloc[pos]), col, severity, params))  # type: ignore[arg-type]

    def error_rows(self) -> set[int]:
        """Row numbers that already have an error."""
        return {p.row for p in self.problems if p.severity == "error" and p.row is not None}

    @property
    def has_errors(self) -> bool:
        """Whether any problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    def raise_if_any(self) -> None:
        """Raise :class:`~kotaku_gis.errors.DataError` with the problems (by row) when there are any."""
        if self.problems:
            raise DataError(sorted(self.problems, key=lambda p: p.row or 0))
