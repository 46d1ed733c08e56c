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
>>> privacy.screen("Saya Budi Santoso, WA +62 812 3456 7890", names=["Budi Santoso"]).counts
{'nama': 1, 'telepon': 1}
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from kotaku_gis import wilayah
from kotaku_gis._datafile import read_model

#: The rule file read by default.
RULES_PATH: Path = Path(__file__).with_name("rules") / "data_pribadi.yml"

#: Kinds of finding, in the order they are looked for (``kontak`` and ``nama``: a contact and a name
#: given by the caller).
KINDS: tuple[str, ...] = ("email", "akun", "kontak", "nama", "nik", "telepon", "nomor")

# A run of digits grouped by spaces, dots, dashes or parentheses (at most 3 such characters between
# two digits), with an optional leading "+" or "(".
_NUMBER_RUN = re.compile(r"(?<!\d)\+?\(?\d(?:[ .\-()]{0,3}\d)*")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*")


class PrivacyRules(BaseModel):
    """The contents of ``rules/data_pribadi.yml`` (see the comments there)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    masks: dict[str, str]
    email_patterns: list[str]
    account_pattern: str
    nik_digits: list[int]
    date_patterns: list[str] = []
    phone_prefixes: list[str]
    phone_min_digits: int
    phone_max_digits: int
    long_number_digits: int
    name_min_letters: int
    name_stopwords: list[str]

    @field_validator("masks")
    @classmethod
    def _masks_complete_and_clean(cls, v: dict[str, str]) -> dict[str, str]:
        missing = set(KINDS) - set(v)
        if missing:
            raise ValueError(f"masks missing for {sorted(missing)}")
        for kind, mask in v.items():
            if re.search(r"[\d@]", mask):
                raise ValueError(f"mask of {kind!r} must hold no digit and no @ (screening must be idempotent)")
        return v

    @field_validator("email_patterns", "account_pattern", "date_patterns")
    @classmethod
    def _compiles(cls, v: Any) -> Any:
        for pattern in [v] if isinstance(v, str) else v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from exc
        return v


@cache
def rules(path: Path = RULES_PATH) -> PrivacyRules:
    """The screening rules (validated; a malformed file raises :class:`~kotaku_gis.errors.CatalogError`)."""
    return read_model(path, PrivacyRules, "personal data screening")


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


def _name_patterns(names: Iterable[str | None], r: PrivacyRules) -> list[re.Pattern[str]]:
    """Whole names first, then their words (titles and short words left out)."""
    wholes, words = [], []
    stop = {w.lower() for w in r.name_stopwords}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        untitled = [w for w in name.split() if re.sub(r"\W", "", w).lower() not in stop]
        for whole in (name.split(), untitled):  # "Ibu Siti Aminah" and "Siti Aminah"
            if len(whole) > 1:
                wholes.append(r"\s+".join(re.escape(w) for w in whole))
        for word in re.findall(r"[^\W\d_]+", name):
            if len(word) >= r.name_min_letters and word.lower() not in stop:
                words.append(re.escape(word))
    out = []
    for group in (sorted(set(wholes), key=len, reverse=True), sorted(set(words), key=len, reverse=True)):
        if group:
            out.append(re.compile(r"(?<!\w)(?:" + "|".join(group) + r")(?!\w)", re.IGNORECASE))
    return out


def screen(
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
    >>> s = screen("Lapor dari ibu Siti (siti [at] yahoo [dot] co [dot] id), KTP 3201 2345 6789 0123",
    ...            names=["Ibu Siti Aminah"])
    >>> s.text
    'Lapor dari ibu [nama] ([email]), KTP [NIK]'
    >>> s.counts
    {'email': 1, 'nama': 1, 'nik': 1}
    """
    r = rules_ or rules()
    counts: Counter[str] = Counter()
    out = text.replace("\x00", "")  # NUL marks dates set aside below
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


def _patterns(r: PrivacyRules, names: Sequence[str | None], terms: Sequence[str | None]) -> list[tuple[re.Pattern[str], str]]:
    """The text patterns of a screening, in order, with the kind each masks."""
    out = [(re.compile(p, re.IGNORECASE), "email") for p in r.email_patterns]
    out.append((re.compile(r.account_pattern, re.IGNORECASE), "akun"))
    for term in terms:
        if isinstance(term, str) and term.strip():
            out.append((re.compile(re.escape(term.strip()), re.IGNORECASE), "kontak"))
    out += [(pattern, "nama") for pattern in _name_patterns(names, r)]
    return out


def _one_pass(text: str, r: PrivacyRules, patterns: list[tuple[re.Pattern[str], str]], counts: Counter[str]) -> str:
    out = text
    for pattern, kind in patterns:
        out, n = pattern.subn(r.masks[kind], out)
        counts[kind] += n

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        # a closing parenthesis or separator that ends the run belongs to the sentence
        core = run.rstrip(" .-(")
        kind = classify_number(core, r)
        if kind is None:
            return run
        counts[kind] += 1
        return r.masks[kind] + run[len(core):]

    # dates are set aside (as characters that are no digits) while numbers are screened
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\x00{chr(0xE000 + len(kept) - 1)}\x00"

    for pattern in r.date_patterns:
        out = re.sub(pattern, keep, out)
    out = _NUMBER_RUN.sub(number, out)
    if kept:
        out = re.sub("\x00(.)\x00", lambda m: kept[ord(m.group(1)) - 0xE000], out)
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
    return screen(text, names=names, terms=terms).text


def redact_series(values: pd.Series) -> pd.Series:
    """:func:`redact` applied to each value of a column (missing values kept)."""
    return values.map(redact, na_action="ignore").astype(object).where(values.notna(), None)


def findings(text: Any) -> dict[str, int]:
    """What :func:`screen` would mask in ``text`` (empty for clean text or a missing value).

    Examples
    --------
    >>> findings("[telepon] dan [email]"), findings("hub. 0561-734567")
    ({}, {'telepon': 1})
    """
    if not isinstance(text, str):
        return {}
    return screen(text).counts
