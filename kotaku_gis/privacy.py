"""Masking personal data in free text that is published (complaint descriptions, follow-ups, sanctions).

Complaints are published with their follow-up and any sanction "without any risk to the person who
complained". Identity and contact are never in a published column at all (see
:mod:`kotaku_gis.pengaduan`); this module screens the free text that is published for what still
identifies a person: e-mail addresses, social-media accounts, NIK (16 digits), phone numbers and other
long numbers, and, when they are known, the complainant's own name and contact.

What is masked, and by what, is data: ``kotaku_gis/rules/data_pribadi.yml``. Catalogue columns marked
``redact: true`` are screened by every :meth:`Store.write <kotaku_gis.store.Store.write>`, so the store
never holds such data in them, and publication screens them again. Masks carry no digits and no ``@``,
so screening is idempotent.

Text is normalised before it is matched: Unicode NFKC and invisible format characters dropped (in
the text kept too), and, for matching only, every dash as "-", every space as " ", accented letters
as their base letter and, in a token of digits, the look-alike letters O/o as 0 and l/I as 1. What is
kept is the text as written, with only what was found replaced by its mask. So ``0812 / 3456 /
7890``, ``0812_3456_7890``, ``0812 – 3456 – 7890``, ``O8l2-3456-789O``, ``6171/0412/3456/0001``,
``bsant88 @ gmail . com``, ``b.sant88 dot x at gmail dot com``, ``bsant88 at gmail`` and (the
complainant's name given) ``Siti_Aminah`` or ``S i t i  A m i n a h`` are all masked.

The screening errs towards masking: a number that looks like a phone number is masked even when it
is something else. It cannot recognise every name in a text: handlers should not write names of
complainants into published texts (the name given with a complaint is masked when it appears).

Examples
--------
>>> from kotaku_gis import privacy
>>> privacy.redact("Hubungi 0812-3456-7890 atau budi.s@gmail.com, NIK 6171041234560001.")
'Hubungi [telepon] atau [email], NIK [NIK].'
>>> privacy.redact("Dana Rp 350.000.000 untuk jalan 150 m di 61.71.04.1001 (RT 03/RW 02).")
'Dana Rp 350.000.000 untuk jalan 150 m di 61.71.04.1001 (RT 03/RW 02).'
>>> privacy.mask("Saya Budi Santoso, WA +62 812 3456 7890", names=["Budi Santoso"]).counts
{'nama': 1, 'telepon': 1}
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from kotaku_gis import rules as _rules
from kotaku_gis import wilayah
from kotaku_gis.rules.data_pribadi import KINDS, PrivacyRules, _compile  # noqa: F401

#: The rule file read by default.
RULES_PATH: Path = _rules.RULES_DIR / "data_pribadi.yml"


_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*")


def rules(path: Path | None = None) -> PrivacyRules:
    """The masking rules (validated; a malformed file raises :class:`~kotaku_gis.errors.CatalogError`).

    The packaged ``rules/data_pribadi.yml``, or ``path``: :func:`kotaku_gis.rules.load` of ``"data_pribadi"``.

    Examples
    --------
    >>> from kotaku_gis import privacy
    >>> privacy.rules().nik_digits
    [16]
    """
    return _rules.load("data_pribadi", path)


@dataclass(frozen=True)
class Screening:
    """A text after screening, and how many findings of each kind were masked."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.counts)


def classify_number(run: str, r: PrivacyRules | None = None) -> str | None:
    """The kind of a number run (``nik``, ``telepon``, ``nomor``), or None when it is kept.

    Examples
    --------
    >>> [classify_number(s) for s in ["6171041234560001", "0812-3456-7890", "(0561) 734567",
    ...                               "350.000.000", "61.71.04.1001", "2026-07-01", "1234567890"]]
    ['nik', 'telepon', 'telepon', None, None, None, 'nomor']
    """
    r = r or rules()
    digits = re.sub(r"\D", "", run)
    n = len(digits)
    stripped = run.lstrip("(")
    if n in r.nik_digits:
        return "nik"
    if _THOUSANDS.fullmatch(run):
        return None
    if r.phone_min_digits <= n <= r.phone_max_digits and any(
        stripped.startswith(p) if p.startswith("+") else digits.startswith(p) and not stripped.startswith("+")
        for p in r.phone_prefixes
    ):
        return "telepon"
    if n >= r.long_number_digits:
        try:
            if wilayah.normalize_kode(run) == run:  # a dotted area code is a place
                return None
        except ValueError:
            pass
        return "nomor"
    return None


def _spaced(word: str, gap: str) -> str:
    """A pattern of ``word`` with up to ``gap`` between its letters ("S i t i", "S.i.t.i")."""
    return gap.join(re.escape(c) for c in word)


def _name_patterns(names: Iterable[str | None], r: PrivacyRules) -> list[re.Pattern[str]]:
    """Whole names first, then their words (titles and short words left out); any separator or
    spacing between the words and between the letters."""
    wholes, words = [], []
    stop = {w.lower() for w in r.name_stopwords}
    gap = rf"[\W_]{{0,{r.name_separator_chars}}}"
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        parts = re.findall(r"[^\W\d_]+", _fold(unicodedata.normalize("NFKC", name)))
        untitled = [w for w in parts if w.lower() not in stop]
        for whole in (parts, untitled):  # "Ibu Siti Aminah" and "Siti Aminah"
            if len(whole) > 1:
                wholes.append(r"[\W_]*".join(_spaced(w, gap) for w in whole))
        for word in parts:
            if len(word) >= r.name_min_letters and word.lower() not in stop:
                words.append(_spaced(word, gap))
    out = []
    for group in (sorted(set(wholes), key=len, reverse=True), sorted(set(words), key=len, reverse=True)):
        if group:
            out.append(re.compile(r"(?<![^\W\d_])(?:" + "|".join(group) + r")(?![^\W\d_])", re.IGNORECASE))
    return out


def _term_pattern(term: str) -> re.Pattern[str] | None:
    """A contact as given, with any separators between its letters and digits."""
    tokens = re.findall(r"[^\W_]+", _view(unicodedata.normalize("NFKC", term)))
    if not tokens:
        return None
    return re.compile(r"(?<![^\W_])" + r"[\W_]*".join(re.escape(t) for t in tokens) + r"(?![^\W_])", re.IGNORECASE)


# -- normalisation -------------------------------------------------------------------------------
#: Characters read as a separator of their kind when matching (besides Unicode dashes and spaces).
_SEPARATORS = {"\u2215": "/", "\u2044": "/", "\u29f8": "/", "\u00b7": ".", "\u2022": ".", "\u2027": ".",
               "\u2219": ".", "\u22c5": ".", "\u2212": "-", "\u2043": "-"}  # fmt: skip
_LOOKALIKE_TOKEN = re.compile(r"(?<![^\W\d_])[0-9OoIl]*[0-9][0-9OoIl]*(?![^\W\d_])")
_LOOKALIKE = str.maketrans("OoIl", "0011")


@cache
def _fold_char(c: str) -> str:
    if c.isspace():
        return " "
    if c in _SEPARATORS:
        return _SEPARATORS[c]
    if unicodedata.category(c) == "Pd":
        return "-"
    base = unicodedata.normalize("NFKD", c)[:1]
    return base if base.isascii() and base.isalpha() and not c.isascii() else c


def _fold(text: str) -> str:
    """``text`` with each character read as :func:`mask` matches it (one character for one)."""
    return "".join(_fold_char(c) for c in text)


def _view(text: str) -> str:
    """What the patterns are matched against: :func:`_fold` and look-alike letters in digit tokens
    read as digits. Same length as ``text``, so a match in the view is the same span of the text."""
    return _LOOKALIKE_TOKEN.sub(lambda m: m.group(0).translate(_LOOKALIKE), _fold(text))


def normalise(text: str) -> str:
    """The text that :func:`mask` keeps and masks in: Unicode NFKC, without NUL and invisible
    format characters (zero-width spaces and joiners, soft hyphens, direction marks).

    Examples
    --------
    >>> normalise("０８１２\u200b３４５６")
    '08123456'
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if c != "\x00" and unicodedata.category(c) != "Cf")


def mask(
    text: str,
    *,
    names: Sequence[str | None] = (),
    terms: Sequence[str | None] = (),
    rules_: PrivacyRules | None = None,
) -> Screening:
    """Mask the personal data in ``text``.

    Parameters
    ----------
    text : str
        Free text to be published.
    names : list of str, optional
        Names of persons known to the caller (the complainant's): the whole name and each of its
        words (but titles and words shorter than ``name_min_letters``) are masked, case-insensitively.
    terms : list of str, optional
        Other strings to mask wherever they appear as they are (case-insensitively): the contact
        given with a complaint (masked as ``kontak``).
    rules_ : PrivacyRules, optional
        Other rules than ``rules/data_pribadi.yml``.

    Returns
    -------
    Screening
        The masked text and the count of each kind masked (``email``, ``akun``, ``kontak``,
        ``nama``, ``nik``, ``telepon``, ``nomor``; kinds not found are left out).

    Examples
    --------
    >>> s = mask("Lapor dari ibu Siti (siti [at] yahoo [dot] co [dot] id), KTP 3201 2345 6789 0123",
    ...            names=["Ibu Siti Aminah"])
    >>> s.text
    'Lapor dari ibu [nama] ([email]), KTP [NIK]'
    >>> s.counts
    {'email': 1, 'nama': 1, 'nik': 1}
    """
    r = rules_ or rules()
    counts: Counter[str] = Counter()
    out = normalise(text)
    patterns = _patterns(r, names, terms)
    # Masking can bring together what a pass looked at apart ("@a@b": the second account follows the
    # first one's mask): passes run until nothing changes, so that screening is idempotent.
    for _ in range(_MAX_PASSES):
        before = out
        out = _one_pass(out, r, patterns, counts)
        if out == before:
            break
    return Screening(out, {k: counts[k] for k in KINDS if counts[k]})


_MAX_PASSES = 5


#: Deprecated name of :func:`mask` (``screening.screen`` is another thing); kept for existing callers.
screen = mask


def _patterns(r: PrivacyRules, names: Sequence[str | None], terms: Sequence[str | None]) -> list[tuple[re.Pattern[str], str]]:
    """The text patterns of a screening, in order, with the kind each masks."""
    out = [(re.compile(p, re.IGNORECASE), "email") for p in r.email_regexes()]
    out.append((re.compile(r.account_pattern, re.IGNORECASE), "akun"))
    for term in terms:
        pattern = _term_pattern(term) if isinstance(term, str) else None
        if pattern is not None:
            out.append((pattern, "kontak"))
    out += [(pattern, "nama") for pattern in _name_patterns(names, r)]
    return out


def _replace(text: str, spans: list[tuple[int, int]], mask: str) -> str:
    for start, end in reversed(spans):
        text = text[:start] + mask + text[end:]
    return text


def _one_pass(text: str, r: PrivacyRules, patterns: list[tuple[re.Pattern[str], str]], counts: Counter[str]) -> str:
    out = text
    for pattern, kind in patterns:
        spans = [m.span() for m in pattern.finditer(_view(out)) if m.end() > m.start()]
        if spans:
            out = _replace(out, spans, r.masks[kind])
            counts[kind] += len(spans)

    # what is kept (dates, amounts) is set aside in the view (as characters that are no digits)
    view = _view(out)
    for keep in r.keep_patterns:
        view = re.sub(keep, lambda m: "#" * len(m.group(0)), view)
    run = re.compile(rf"(?<!\d)[(+]{{0,3}}\d(?:[ .\-/_()]{{0,{r.number_separator_chars}}}\d)*")
    found: list[tuple[int, int, str]] = []
    for m in run.finditer(view):
        # a closing parenthesis or separator that ends the run belongs to the sentence
        core = m.group(0).rstrip(" .-/_(")
        number = classify_number(core, r)
        if number is not None:
            found.append((m.start(), m.start() + len(core), number))
    for start, end, kind in reversed(found):
        out = out[:start] + r.masks[kind] + out[end:]
        counts[kind] += 1
    return out


def redact(text: Any, *, names: Sequence[str | None] = (), terms: Sequence[str | None] = ()) -> Any:
    """``text`` with its personal data masked; a missing value (None, NaN) is returned as it is.

    Examples
    --------
    >>> redact("SMS ke 081234567890"), redact(None)
    ('SMS ke [telepon]', None)
    """
    if not isinstance(text, str):
        return text
    return mask(text, names=names, terms=terms).text


def redact_series(values: pd.Series) -> pd.Series:
    """:func:`redact` applied to each value of a column (missing values kept)."""
    return values.map(redact, na_action="ignore").astype(object).where(values.notna(), None)


def findings(text: Any) -> dict[str, int]:
    """What :func:`mask` would mask in ``text`` (empty for clean text or a missing value).

    Examples
    --------
    >>> findings("[telepon] dan [email]"), findings("hub. 0561-734567")
    ({}, {'telepon': 1})
    """
    if not isinstance(text, str):
        return {}
    return mask(text).counts
