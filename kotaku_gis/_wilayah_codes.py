"""Private helpers of :mod:`kotaku_gis.wilayah`: reading Kemendagri codes, one value or a whole array."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

# Length of the dotted code of each level: "61", "61.71", "61.71.04", "61.71.04.1001".
_LENGTH = {"nasional": 0, "provinsi": 2, "kabkota": 5, "kecamatan": 8, "kelurahan": 13}
_LEVEL_OF_LENGTH = {length: level for level, length in _LENGTH.items()}
# Undotted lengths: 2 / 2+2 / 2+2+2 / 2+2+2+4 digits.
_UNDOTTED_LENGTHS = (2, 4, 6, 10)

_PROV = r"[1-9][0-9]"
_KAB = r"(?!00|70)[0-9]{2}"
_KEC = r"(?!00)[0-9]{2}"
_KEL = r"[123][0-9]{3}"
_DOTTED = rf"{_PROV}(?:\.{_KAB}(?:\.{_KEC}(?:\.{_KEL})?)?)?"
_DOTTED_RE = re.compile(_DOTTED)
# Digits only, or digits with the ".0" that a number read from Excel gains.
_UNDOTTED = r"[0-9]+(?:\.0)?"
_UNDOTTED_RE = re.compile(_UNDOTTED)

_EXAMPLE = "61.71.04.1001"
_BPS_HINT = (
    "this looks like a BPS statistical code (3-digit kecamatan and desa parts), which is a different "
    f"scheme: use the Kemendagri code, e.g. {_EXAMPLE}"
)


def _as_text(value: Any) -> str:
    """The text a cell's value stands for, as ``Series.astype(str)`` makes it (``6171041001.0``)."""
    return str(value).strip()


def _dot(digits: str) -> str | None:
    """Insert the dots in an undotted code of 2, 4, 6 or 10 digits."""
    n = len(digits)
    if n not in _UNDOTTED_LENGTHS:
        return None
    return ".".join(p for p in (digits[:2], digits[2:4], digits[4:6], digits[6:]) if p)


def _parse(text: str) -> str | None:
    """The dotted code of a stripped text, or None if it is not valid."""
    if _UNDOTTED_RE.fullmatch(text):
        dotted = _dot(text[:-2] if text.endswith(".0") else text)
        if dotted is None:
            return None
        text = dotted
    return text if _DOTTED_RE.fullmatch(text) else None


# Width of the longest dotted code; dotted position -> undotted digit position (-1: a dot).
_WIDTH = 13
_UNDOT_SOURCE = np.array([0, 1, -1, 2, 3, -1, 4, 5, -1, 6, 7, 8, 9])
_DOT_POSITIONS = np.isin(np.arange(_WIDTH), (2, 5, 8))


def _texts(values: Any) -> np.ndarray:
    """Stripped texts of the distinct cell values, as :func:`_as_text` makes them (object array)."""
    arr = np.asarray(values)
    result = np.empty(len(arr), dtype=object)
    if arr.dtype.kind in "iu":
        result[:] = arr.astype(str)
    elif arr.dtype.kind == "f":
        # Whole numbers below 1e15 print as "<digits>.0", which parses as "<digits>".
        whole = np.isfinite(arr) & (np.abs(arr) < 1e15) & (arr == np.round(arr))
        result[whole] = arr[whole].astype(np.int64).astype(str)
        result[~whole] = [_as_text(v) for v in arr[~whole].tolist()]
    else:
        result[:] = [_as_text(v) for v in arr.tolist()]
    return result


def _parse_array(text: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_parse` over stripped texts: dotted codes, None where invalid.

    The texts are laid out as a matrix of character codes, one row per text, and every rule is
    checked on whole columns of it.
    """
    n = len(text)
    out = np.full(n, None, dtype=object)
    length = np.fromiter(map(len, text), dtype=np.int64, count=n)
    rows = np.flatnonzero((length >= 2) & (length <= _WIDTH))
    if rows.size == 0:
        return out
    chars = np.asarray(text[rows].tolist(), dtype=f"<U{_WIDTH}").view(np.uint32).reshape(-1, _WIDTH)
    size = length[rows]
    digit = (chars >= 48) & (chars <= 57)
    lead = np.where(digit.all(axis=1), _WIDTH, digit.argmin(axis=1))  # leading digits
    at = np.arange(len(rows))
    after = np.minimum(lead, _WIDTH - 2)
    number = (lead == size - 2) & (chars[at, after] == 46) & (chars[at, after + 1] == 48)  # "<digits>.0"
    dotted_size = np.select([lead == 2, lead == 4, lead == 6, lead == 10], [2, 5, 8, 13], 0)
    undotted = ((lead == size) | number) & (dotted_size > 0)
    code = chars.copy()
    if undotted.any():
        moved = chars[undotted][:, np.maximum(_UNDOT_SOURCE, 0)]
        moved[:, _UNDOT_SOURCE < 0] = 46
        moved[np.arange(_WIDTH)[None, :] >= dotted_size[undotted][:, None]] = 0
        code[undotted] = moved
    size = np.where(undotted, dotted_size, size)
    inside = np.arange(_WIDTH)[None, :] < size[:, None]
    is_digit = (code >= 48) & (code <= 57)
    shape_ok = ~((inside & ~_DOT_POSITIONS & ~is_digit) | (inside & _DOT_POSITIONS & (code != 46))).any(axis=1)
    value = code.astype(np.int64) - 48
    provinsi = value[:, 0] * 10 + value[:, 1]
    kabkota = value[:, 3] * 10 + value[:, 4]
    kecamatan = value[:, 6] * 10 + value[:, 7]
    ok = (
        np.isin(size, (2, 5, 8, 13))
        & shape_ok
        & (provinsi >= 10)
        & ((size < 5) | ((kabkota != 0) & (kabkota != 70)))
        & ((size < 8) | (kecamatan != 0))
        & ((size < 13) | ((value[:, 9] >= 1) & (value[:, 9] <= 3)))
    )
    if ok.any():
        out[rows[ok]] = np.ascontiguousarray(code[ok]).view(f"<U{_WIDTH}").ravel().astype(object)
    return out


def _reason(text: str) -> str:
    """Why a stripped text is not a valid code (short, English)."""
    if text == "":
        return "the kode is empty"
    if not re.fullmatch(r"[0-9.]+", text):
        if re.search(r"[A-Za-z]", text):
            return f"contains letters: a kode has only digits and dots, e.g. {_EXAMPLE}"
        return f"contains characters other than digits and dots, e.g. {_EXAMPLE}"
    if _UNDOTTED_RE.fullmatch(text):
        digits = text[:-2] if text.endswith(".0") else text
        n = len(digits)
        if n in (7, 9) or (n == 10 and digits[6] == "0"):
            return f"{n} digits: {_BPS_HINT}"
        if n not in _UNDOTTED_LENGTHS:
            return f"{n} digit{'s' if n != 1 else ''}: a kode without dots has 2, 4, 6 or 10 digits (2+2+2+4), e.g. 6171041001"
        text = _dot(digits) or text
    return _reason_parts(text.split("."))


def _reason_parts(parts: list[str]) -> str:
    """Why the dotted parts of a text are not a valid code."""
    if "" in parts:
        return f"has an empty part (a doubled, leading or trailing dot), e.g. {_EXAMPLE}"
    sizes = [len(p) for p in parts]
    if len(parts) <= 4 and 3 in sizes:
        return f"has a 3-digit part: {_BPS_HINT}"
    if len(parts) > 4 or sizes != [2, 2, 2, 4][: len(parts)]:
        return f"parts must have 2, 2, 2 and 4 digits, e.g. {_EXAMPLE}"
    if parts[0][0] == "0":
        return f"provinsi part {parts[0]} does not exist: provinsi codes are 11 to 9x"
    if len(parts) > 1 and parts[1] in ("00", "70"):
        return f"kab/kota part {parts[1]} does not exist: 01-69 are kabupaten, 71-99 kota"
    if len(parts) > 2 and parts[2] == "00":
        return "kecamatan part 00 does not exist"
    return f"last part {parts[3]} must start with 1 (kelurahan), 2 (desa) or 3 (desa adat)" + (
        f"; {_BPS_HINT}" if parts[3][0] == "0" else ""
    )
