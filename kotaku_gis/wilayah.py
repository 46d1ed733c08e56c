"""Kemendagri area codes (kode wilayah): parsing, levels, ancestors and name keys.

A kode names an area at one of four levels (tingkat), each level extending its parent with one
part::

    61              provinsi    Kalimantan Barat
    61.71           kabkota     Kota Pontianak      (kab/kota part 01-69 kabupaten, 71-99 kota)
    61.71.04        kecamatan   Pontianak Kota
    61.71.04.1001   kelurahan   (last part 1xxx kelurahan, 2xxx desa, 3xxx desa adat)

Above the provinces is the nation, ``nasional``, the root of every roll-up; its code is the empty
string (``None`` is accepted wherever a single code is).

Codes are kept in the dotted form. :func:`normalize_kode` also accepts what real files carry: codes
without dots (``6171041001``), numbers from Excel (``6171041001.0``) and surrounding spaces. A code is
valid when its parts have 2, 2, 2 and 4 digits (the first one, two, three or all four parts), the
provinsi part does not start with 0 (so a code read as a number loses no zeros), the kab/kota part is
01-69 or 71-99, the kecamatan part is not 00 and the last part starts with 1, 2 or 3. BPS
statistical codes are a different scheme (3-digit kecamatan and desa parts) and are refused, with a
hint where they are recognisable.

The single-code functions accept any form :func:`normalize_kode` accepts; the ``*_series``
functions are their vectorised forms for whole columns. Every vectorised function works on the
distinct values of its input, so a column that repeats codes (the usual case) costs as much as its
distinct codes.

Examples
--------
>>> from kotaku_gis import wilayah
>>> wilayah.normalize_kode("6171041001")
'61.71.04.1001'
>>> wilayah.tingkat("61.71.04")
'kecamatan'
>>> wilayah.ancestor("61.71.04.1001", "kabkota")
'61.71'
>>> wilayah.normalize_name("Kel. Batu-Layang") == wilayah.normalize_name("BATULAYANG")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kotaku_gis import i18n
from kotaku_gis._validate import is_na
from kotaku_gis._wilayah_codes import (
    _LENGTH,
    _LEVEL_OF_LENGTH,
    _as_text,
    _parse,
    _parse_array,
    _reason,
    _texts,
)
from kotaku_gis.errors import UsageError

#: The levels of a kode, from the top; the number of parts of a code is its position + 1.
LEVELS: tuple[str, ...] = ("provinsi", "kabkota", "kecamatan", "kelurahan")

#: The levels results are rolled up to: the nation (code ``""``) and the four levels of a kode.
ROLLUP_LEVELS: tuple[str, ...] = ("nasional",) + LEVELS

#: Kind of a kelurahan-level area by the first digit of its last part.
JENIS_KELURAHAN: dict[str, str] = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}


# -- codes -------------------------------------------------------------------------------------------
def normalize_kode(value: Any) -> str:
    """Parse one kode wilayah and return its dotted form.

    Parameters
    ----------
    value : str, int or float
        A code in dotted (``61.71.04.1001``) or undotted (``6171041001``) form, at any of the four
        levels, possibly with surrounding spaces, or a number as read from Excel (``6171041001.0``).

    Returns
    -------
    str
        The dotted code: ``61``, ``61.71``, ``61.71.04`` or ``61.71.04.1001``.

    Raises
    ------
    ValueError
        If ``value`` is not a valid code; the message is a short English reason (with a hint when
        the value looks like a BPS code, a different scheme). The loader reports it per row.

    See Also
    --------
    normalize_kode_series : The same for a whole column.

    Examples
    --------
    >>> normalize_kode(" 61.71.04.1001 ")
    '61.71.04.1001'
    >>> normalize_kode(6171041001.0)
    '61.71.04.1001'
    >>> normalize_kode("617104")
    '61.71.04'
    >>> normalize_kode(61)
    '61'
    >>> normalize_kode("617104001")
    Traceback (most recent call last):
    ...
    ValueError: 9 digits: this looks like a BPS statistical code (3-digit kecamatan and desa parts), \
which is a different scheme: use the Kemendagri code, e.g. 61.71.04.1001
    """
    if is_na(value):
        raise ValueError("the kode is empty")
    text = _as_text(value)
    code = _parse(text)
    if code is None:
        reason = _reason(text)
        if isinstance(value, (float, np.floating)) and not float(value).is_integer():
            reason += " (the cell holds a number, which loses zeros: store codes as text)"
        raise ValueError(reason)
    return code


def normalize_kode_series(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of codes: the vectorised form of :func:`normalize_kode`.

    Parameters
    ----------
    s : pandas.Series
        Codes as text or numbers, in any form :func:`normalize_kode` accepts; missing values and
        blank strings are allowed.

    Returns
    -------
    codes : pandas.Series
        Dotted codes (object dtype, same index and name as ``s``), ``None`` where the input is
        missing, blank or invalid.
    invalid : pandas.Series
        Boolean mask of the inputs that are present but not valid codes; call
        :func:`normalize_kode` on one of them for the reason.

    Examples
    --------
    >>> codes, invalid = normalize_kode_series(pd.Series(["6171041001", "61.71", None, "617104001", " "]))
    >>> codes.tolist()
    ['61.71.04.1001', '61.71', None, None, None]
    >>> invalid.tolist()
    [False, False, False, True, False]
    """
    s = _as_series(s)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    text = _texts(uniques)
    parsed = _parse_array(text)
    present = text != ""
    values = np.append(parsed, [None])[codes]
    bad = np.append(present & pd.isna(parsed), [False])[codes]
    return (
        pd.Series(values, index=s.index, name=s.name, dtype=object),
        pd.Series(bad, index=s.index, name=s.name, dtype=bool),
    )


def tingkat(kode: Any) -> str:
    """The level of a code, from its number of parts.

    Parameters
    ----------
    kode : str, int, float or None
        A code in any form :func:`normalize_kode` accepts; ``""`` or None is the nation.

    Returns
    -------
    str
        One of :data:`ROLLUP_LEVELS`: ``nasional``, ``provinsi``, ``kabkota``, ``kecamatan`` or
        ``kelurahan``.

    Raises
    ------
    UsageError
        If ``kode`` is not a valid code.

    Examples
    --------
    >>> tingkat("61.71.04.1001"), tingkat("6171"), tingkat("")
    ('kelurahan', 'kabkota', 'nasional')
    """
    return _LEVEL_OF_LENGTH[len(_code_arg(kode))]


def tingkat_series(s: pd.Series) -> pd.Series:
    """The level of each code of a column: the vectorised form of :func:`tingkat`.

    Parameters
    ----------
    s : pandas.Series
        Codes in any form :func:`normalize_kode` accepts; ``""`` is the nation.

    Returns
    -------
    pandas.Series
        Level names (object dtype, same index), ``None`` where the code is missing or invalid.

    Examples
    --------
    >>> tingkat_series(pd.Series(["61.71.04.1001", "6171", "", None, "x"])).tolist()
    ['kelurahan', 'kabkota', 'nasional', None, None]
    """
    return _map_codes(s, lambda codes: codes.str.len().map(_LEVEL_OF_LENGTH))


def parent(kode: Any) -> str | None:
    """The code of the area one level up.

    Parameters
    ----------
    kode : str, int, float or None
        A code in any form :func:`normalize_kode` accepts.

    Returns
    -------
    str or None
        The parent's dotted code; None for a provinsi (whose parent is the nation) and for the nation.

    Raises
    ------
    UsageError
        If ``kode`` is not a valid code.

    Examples
    --------
    >>> parent("61.71.04.1001"), parent("6171"), parent("61")
    ('61.71.04', '61', None)
    """
    code = _code_arg(kode)
    if len(code) <= _LENGTH["provinsi"]:
        return None
    return code.rsplit(".", 1)[0]


def ancestor(kode: Any, level: str) -> str | None:
    """The code of the area at ``level`` that contains ``kode``.

    Parameters
    ----------
    kode : str, int, float or None
        A code in any form :func:`normalize_kode` accepts.
    level : str
        One of :data:`ROLLUP_LEVELS`.

    Returns
    -------
    str or None
        The dotted code at ``level`` (the code itself when it is at ``level``); ``""`` for
        ``nasional``; None when ``level`` lies below the code's own level.

    Raises
    ------
    UsageError
        If ``level`` is not a level or ``kode`` is not a valid code.

    Examples
    --------
    >>> ancestor("6171041001", "kecamatan")
    '61.71.04'
    >>> ancestor("61.71", "kabkota")
    '61.71'
    >>> ancestor("61.71", "nasional")
    ''
    >>> ancestor("61.71", "kelurahan") is None
    True
    """
    length = _level_length(level)
    code = _code_arg(kode)
    return code[:length] if len(code) >= length else None


def ancestor_series(s: pd.Series, level: str) -> pd.Series:
    """The code at ``level`` of each code of a column: the vectorised form of :func:`ancestor`.

    Parameters
    ----------
    s : pandas.Series
        Codes in any form :func:`normalize_kode` accepts.
    level : str
        One of :data:`ROLLUP_LEVELS`; ``nasional`` gives ``""`` for every valid code.

    Returns
    -------
    pandas.Series
        Dotted codes (object dtype, same index), ``None`` where the code is missing or invalid or
        lies above ``level``.

    Raises
    ------
    UsageError
        If ``level`` is not a level.

    Examples
    --------
    >>> ancestor_series(pd.Series(["61.71.04.1001", "6372021002", "61", None]), "kabkota").tolist()
    ['61.71', '63.72', None, None]
    """
    length = _level_length(level)

    def cut(codes: pd.Series) -> pd.Series:
        return codes.str.slice(0, length).where(codes.str.len() >= length)

    return _map_codes(s, cut)


def is_kota(kode: Any) -> bool:
    """Whether the kab/kota part of a code is a kota (71-99) rather than a kabupaten (01-69).

    Parameters
    ----------
    kode : str, int or float
        A code at kabkota level or below, in any form :func:`normalize_kode` accepts.

    Returns
    -------
    bool
        True for a kota and for every area within one.

    Raises
    ------
    UsageError
        If ``kode`` is not a valid code or is a provinsi (which has no kab/kota part).

    Examples
    --------
    >>> is_kota("61.71"), is_kota("61.04.01.2001")
    (True, False)
    """
    code = _code_arg(kode)
    if len(code) < _LENGTH["kabkota"]:
        raise UsageError(i18n.text("wilayah.is_kota", kode=repr(kode)))
    return int(code[3:5]) >= 71


def jenis(kode: Any) -> str | None:
    """The kind of area a kabkota or kelurahan code names.

    Parameters
    ----------
    kode : str, int or float
        A code in any form :func:`normalize_kode` accepts.

    Returns
    -------
    str or None
        For a kabkota code ``kabupaten`` or ``kota``; for a kelurahan-level code ``kelurahan``
        (1xxx), ``desa`` (2xxx) or ``desa_adat`` (3xxx); None for the nation, a provinsi or a
        kecamatan.

    Raises
    ------
    UsageError
        If ``kode`` is not a valid code.

    Examples
    --------
    >>> jenis("61.71"), jenis("61.04"), jenis("61.71.04.1001"), jenis("61.04.01.2001")
    ('kota', 'kabupaten', 'kelurahan', 'desa')
    >>> jenis("61.71.04") is None
    True
    """
    code = _code_arg(kode)
    level = _LEVEL_OF_LENGTH[len(code)]
    if level == "kabkota":
        return "kota" if int(code[3:5]) >= 71 else "kabupaten"
    if level == "kelurahan":
        return JENIS_KELURAHAN[code[9]]
    return None


# -- names -------------------------------------------------------------------------------------------
# Leading words dropped from a name when at least one more word follows (one prefix at most).
_NAME_PREFIXES_2 = frozenset(
    {
        "kota administrasi",
        "kota adm",
        "kabupaten administrasi",
        "kabupaten adm",
        "kab administrasi",
        "kab adm",
    }
)
_NAME_PREFIXES_1 = frozenset(
    {"provinsi", "prov", "kabupaten", "kab", "kecamatan", "kec", "distrik", "kelurahan", "kel", "desa", "ds"}
)
# ASCII punctuation and spaces -> space; upper case -> lower case.
_NAME_TABLE = {i: " " for i in range(128) if not chr(i).isalnum()} | {i: chr(i).lower() for i in range(ord("A"), ord("Z") + 1)}


def normalize_name(name: Any) -> str:
    """A key for matching area names: equal keys mean "the same name, written differently".

    The key tolerates case, spacing, punctuation, accents and the common type prefixes. It is made
    by these steps, in order:

    1. accents are dropped and the name is lower-cased; every character other than an ASCII letter
       or digit becomes a space (so ``Ba'u`` and ``Ba-u`` read ``ba u``);
    2. one leading type prefix is dropped when at least one more word follows it: ``provinsi``,
       ``prov``, ``kabupaten``, ``kab``, ``kabupaten/kab/kota administrasi`` or ``adm``,
       ``kecamatan``, ``kec``, ``distrik``, ``kelurahan``, ``kel``, ``desa``, ``ds`` (so
       ``Kel. Batu Layang`` reads ``batu layang``, while a kelurahan named just ``Desa`` keeps its
       name);
    3. the spaces are removed (``batulayang``);
    4. a leading ``kota``, written apart or joined, is dropped while something follows it, so that
       ``Kota Pontianak`` matches ``Pontianak`` and ``Kota Baru`` matches ``Kotabaru`` (both read
       ``baru``); a name that is just ``Kota`` stays ``kota``.

    Step 4 means that ``Kota Baru`` and ``Baru`` share a key: look names up within one kabkota or
    kecamatan, and treat a key shared by several areas as ambiguous.

    Parameters
    ----------
    name : str or None
        An area name; None or a missing value gives ``""``.

    Returns
    -------
    str
        The key: lower-case ASCII letters and digits only.

    See Also
    --------
    normalize_name_series : The same for a whole column.

    Examples
    --------
    >>> normalize_name("Batu Layang"), normalize_name("BATU-LAYANG"), normalize_name("Kel. Batulayang")
    ('batulayang', 'batulayang', 'batulayang')
    >>> normalize_name("Kota Pontianak") == normalize_name("Pontianak")
    True
    >>> normalize_name("Kabupaten Kubu Raya"), normalize_name("Kota"), normalize_name("Desa")
    ('kuburaya', 'kota', 'desa')
    >>> normalize_name("Pasi Kuala Ba'u")
    'pasikualabau'
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    text = str(name)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = text.translate(_NAME_TABLE).split()
    if len(words) > 2 and f"{words[0]} {words[1]}" in _NAME_PREFIXES_2:
        words = words[2:]
    elif len(words) > 1 and words[0] in _NAME_PREFIXES_1:
        words = words[1:]
    key = "".join(words)
    while len(key) > 4 and key.startswith("kota"):
        key = key[4:]
    return key


def normalize_name_series(s: pd.Series) -> pd.Series:
    """Name keys for a whole column: the vectorised form of :func:`normalize_name`.

    Parameters
    ----------
    s : pandas.Series
        Area names; missing values give ``""``.

    Returns
    -------
    pandas.Series
        Keys (object dtype, same index and name as ``s``).

    Examples
    --------
    >>> normalize_name_series(pd.Series(["Batu Layang", "KEC. PONTIANAK KOTA", None])).tolist()
    ['batulayang', 'pontianakkota', '']
    """
    s = _as_series(s)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    # One pass of plain string methods per distinct name: names repeat heavily in real columns.
    keys = [normalize_name(name) for name in np.asarray(uniques, dtype=object)]
    values = np.array(keys + [""], dtype=object)[codes]
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


def display_name(nama: Any, kode: Any, lang: str | None = None) -> str:
    """The name of an area as readers expect it, with its kind: ``Kota Pontianak``, ``Kecamatan
    Pontianak Kota``, ``Desa Sungai Rengas``.

    A name that already starts with its kind (``Kota``, ``Kabupaten``, ``Kab.``, ``Provinsi``,
    ``Kecamatan``, ``Distrik``, ``Kelurahan``, ``Desa``...) is kept as it is; otherwise the kind is
    taken from the code (:func:`jenis`: a kab/kota part 71-99 is a kota, a last part 2xxx a desa) and
    put in front (behind, in English: ``Pontianak City``). The nation keeps its name.

    Parameters
    ----------
    nama : str
        The area's name as the boundary layer holds it.
    kode : str
        Its code (``""`` or None for the nation).
    lang : {"id", "en"}, optional
        Language (default ``settings.language``).

    Returns
    -------
    str

    Examples
    --------
    >>> display_name("Pontianak", "61.71"), display_name("Kota Pontianak", "61.71")
    ('Kota Pontianak', 'Kota Pontianak')
    >>> display_name("Sambas", "61.01", "en"), display_name("Pontianak Kota", "61.71.04")
    ('Sambas Regency', 'Kecamatan Pontianak Kota')
    >>> display_name("Kab. Sambas", "61.01"), display_name("Indonesia", "")
    ('Kab. Sambas', 'Indonesia')
    """
    from kotaku_gis import i18n

    name = _as_text(nama) if not is_na(nama) else ""
    if kode is None or kode == "":
        return name
    code = _code_arg(kode)
    words = name.translate(_NAME_TABLE).split()
    if len(words) > 1 and (words[0] in _NAME_PREFIXES_1 or words[0] == "kota"):
        return name
    kind = jenis(code) or _LEVEL_OF_LENGTH[len(code)]
    return i18n.text(f"wilayah.{kind}", lang, nama=name)


# -- helpers -----------------------------------------------------------------------------------------
def _as_series(s: Any) -> pd.Series:
    return s if isinstance(s, pd.Series) else pd.Series(s, dtype=object)


def area_code(kode: Any, message: str) -> str:
    """The dotted code of an area argument; ``""`` (the nation) for None or blank.

    ``message`` is the i18n key of the :class:`~kotaku_gis.errors.UsageError` for an invalid code
    (placeholders ``kode`` and ``reason``).

    Examples
    --------
    >>> area_code("6171", "progress.kode_invalid"), area_code(None, "progress.kode_invalid")
    ('61.71', '')
    """
    if kode is None or (isinstance(kode, str) and kode.strip() == ""):
        return ""
    try:
        return normalize_kode(kode)
    except ValueError as exc:
        from kotaku_gis import i18n

        raise UsageError(i18n.text(message, kode=kode, reason=str(exc))) from exc


def _code_arg(kode: Any) -> str:
    """A code argument of the single-code functions, normalised; ``""`` for the nation."""
    if kode is None or (isinstance(kode, str) and kode.strip() == ""):
        return ""
    try:
        return normalize_kode(kode)
    except ValueError as exc:
        raise UsageError(i18n.text("wilayah.invalid_kode", kode=repr(kode), error=exc)) from exc


def _level_length(level: str) -> int:
    if level not in _LENGTH:
        raise UsageError(i18n.text("wilayah.unknown_level", level=repr(level), levels=", ".join(ROLLUP_LEVELS)))
    return _LENGTH[level]


def _map_codes(s: Any, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``fn`` to the distinct valid codes of ``s`` (dotted; ``""`` for the nation)."""
    s = _as_series(s)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    text = _texts(uniques)
    parsed = _parse_array(text)
    parsed[text == ""] = ""
    valid = ~pd.isna(parsed)
    result = np.full(len(parsed), None, dtype=object)
    if valid.any():
        mapped = fn(pd.Series(parsed[valid], dtype=object)).to_numpy(dtype=object)
        result[valid] = np.where(pd.isna(mapped), None, mapped)
    values = np.append(result, [None])[codes]
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


# -- codes from names ------------------------------------------------------------------------------
#: How :func:`kode_from_names` matched a name: the same text (case and spacing aside), the same
#: name key (:func:`normalize_name`: spaces, punctuation, prefixes ignored), or one letter apart.
CONVERSIONS: tuple[str, ...] = ("exact", "normalized", "spelling")


def _exact_text(name: Any) -> str:
    return " ".join(str(name).split()).casefold()


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one inserted, deleted or replaced character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def kode_from_names(
    kelurahan: pd.Series,
    reference: pd.DataFrame,
    *,
    kecamatan: pd.Series | None = None,
    kabkota: pd.Series | None = None,
) -> pd.DataFrame:
    """Kemendagri kelurahan codes of kelurahan/desa names, within their kab/kota.

    Files whose own codes are not Kemendagri's (SIM KOTAKU's ``Kode_Kel``, decree annexes that name
    places only) are converted by name: the name is compared with the kelurahan of the kab/kota in
    ``reference`` first by its name key (:func:`normalize_name`: case, spacing, punctuation and
    type prefixes ignored), then allowing one differing letter (``Sekoduwet``/``Sokoduwet``); when
    several kelurahan match, the kecamatan name decides. Never by the file's digits.

    Parameters
    ----------
    kelurahan : pandas.Series
        Kelurahan/desa names.
    reference : DataFrame
        The ``wilayah`` rows (``kode``, ``nama``, ``tingkat``): the kelurahan to match and the
        kecamatan whose names break ties.
    kecamatan : pandas.Series, optional
        Kecamatan names of the same rows (tie-breaker).
    kabkota : pandas.Series, optional
        Kab/kota codes of the rows (any form :func:`normalize_kode` accepts, or SIM KOTAKU codes whose
        first four digits are the kab/kota); without it every kelurahan of ``reference`` is a candidate.

    Returns
    -------
    DataFrame
        Indexed like ``kelurahan``: ``kode`` (None when not found), ``nama_acuan`` (the reference
        name), ``cara`` (``exact``, ``normalized``, ``spelling`` or None) and ``gagal`` (None, or
        ``unknown``/``ambiguous``), ``kandidat`` (the candidates of an ambiguous name).

    Examples
    --------
    >>> ref = pd.DataFrame({"kode": ["61.71.02", "61.71.02.1007", "61.71.05.1004"],
    ...                     "nama": ["Pontianak Timur", "Tambelansampit", "Mariana"],
    ...                     "tingkat": ["kecamatan", "kelurahan", "kelurahan"]})
    >>> out = kode_from_names(pd.Series(["Tambelan Sampit", "MARIANA", "Marianna", "Saigon"]), ref,
    ...                       kabkota=pd.Series(["61710506"] * 4))
    >>> out[["kode", "cara", "gagal"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['61.71.02.1007', 'normalized', None], ['61.71.05.1004', 'exact', None],
     ['61.71.05.1004', 'spelling', None], [None, None, 'unknown']]
    """
    kel = reference[reference["tingkat"] == "kelurahan"]
    kec_names = reference[reference["tingkat"] == "kecamatan"].set_index("kode")["nama"]
    kel_kode = kel["kode"].to_numpy(dtype=object)
    kel_nama = kel["nama"].to_numpy(dtype=object)
    kel_key = np.array([normalize_name(n) for n in kel_nama], dtype=object)
    kel_kab = np.array([k[:5] for k in kel_kode], dtype=object)
    kel_kec_key = np.array([normalize_name(kec_names.get(k[:8], "")) for k in kel_kode], dtype=object)

    def kab_of(value: Any) -> str | None:
        if is_na(value):
            return None
        digits = re.sub(r"\D", "", str(value))
        return f"{digits[:2]}.{digits[2:4]}" if len(digits) >= 4 else None

    names = _as_series(kelurahan)
    kecs = _as_series(kecamatan) if kecamatan is not None else pd.Series(None, index=names.index, dtype=object)
    kabs = _as_series(kabkota).map(kab_of) if kabkota is not None else pd.Series(None, index=names.index, dtype=object)
    cache: dict[tuple[Any, Any, Any], tuple[Any, ...]] = {}
    rows = []
    for name, kec, kab in zip(names, kecs, kabs):
        args = (name, kec, kab)
        if args not in cache:
            cache[args] = _match_name(name, kec, kab, kel_kode, kel_nama, kel_key, kel_kab, kel_kec_key)
        rows.append(cache[args])
    out = pd.DataFrame(rows, index=names.index, columns=["kode", "nama_acuan", "cara", "gagal", "kandidat"], dtype=object)
    return out.astype(object).where(out.notna(), None)


def _match_name(
    name: Any,
    kec: Any,
    kab: str | None,
    kode: np.ndarray,
    nama: np.ndarray,
    key: np.ndarray,
    kab_of: np.ndarray,
    kec_key: np.ndarray,
) -> tuple[Any, ...]:
    if is_na(name) or not str(name).strip():
        return (None, None, None, "unknown", None)
    within = np.ones(len(kode), dtype=bool) if is_na(kab) else kab_of == kab
    wanted = normalize_name(name)
    for how, hits in (
        ("normalized", within & (key == wanted)),
        ("spelling", within & np.array([len(wanted) >= 5 and _one_edit(wanted, k) for k in key], dtype=bool)),
    ):
        if hits.sum() > 1 and not is_na(kec):
            by_kec = hits & (kec_key == normalize_name(kec))
            hits = by_kec if by_kec.any() else hits
        if hits.sum() == 1:
            i = int(np.flatnonzero(hits)[0])
            exact = how == "normalized" and _exact_text(name) == _exact_text(nama[i])
            return (kode[i], nama[i], "exact" if exact else how, None, None)
        if hits.sum() > 1:
            found = ", ".join(f"{nama[i]} ({kode[i]})" for i in np.flatnonzero(hits))
            return (None, None, None, "ambiguous", found)
    return (None, None, None, "unknown", None)
