"""Schema of ``data_pribadi.yml``: which personal data is masked in published free text, and how.

Read it with :func:`kotaku_gis.rules.load` (``"data_pribadi"``); :mod:`kotaku_gis.privacy` applies it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import field_validator, model_validator

from kotaku_gis._datafile import FrozenModel, invalid

#: Kinds of finding, in the order they are looked for (``kontak`` and ``nama``: a contact and a name
#: given by the caller).
KINDS: tuple[str, ...] = ("email", "akun", "kontak", "nama", "nik", "telepon", "nomor")


class PrivacyRules(FrozenModel):
    """The contents of ``rules/data_pribadi.yml`` (see the comments there)."""

    kind: str
    masks: dict[str, str]
    email_fragments: dict[str, str] = {}
    email_patterns: list[str]
    account_pattern: str
    nik_digits: list[int]
    number_separator_chars: int = 3
    keep_patterns: list[str] = []
    phone_prefixes: list[str]
    phone_min_digits: int
    phone_max_digits: int
    long_number_digits: int
    name_min_letters: int
    name_separator_chars: int = 0
    name_stopwords: list[str]

    @field_validator("masks")
    @classmethod
    def _masks_complete_and_clean(cls, v: dict[str, str]) -> dict[str, str]:
        missing = set(KINDS) - set(v)
        if missing:
            raise invalid("rules_data_pribadi.masks_missing_for", sorted_missing=sorted(missing))
        for kind, mask in v.items():
            if re.search(r"[\d@]", mask):
                raise invalid("rules_data_pribadi.mask_hold_no", kind=kind)
        return v

    @field_validator("account_pattern", "keep_patterns")
    @classmethod
    def _compiles(cls, v: Any) -> Any:
        for pattern in [v] if isinstance(v, str) else v:
            _compile(pattern)
        return v

    @model_validator(mode="after")
    def _email_patterns_compile(self) -> PrivacyRules:
        for pattern in self.email_regexes():
            _compile(pattern)
        return self

    def email_regexes(self) -> list[str]:
        """The e-mail patterns with their ``{fragment}`` placeholders filled in."""

        def fill(m: re.Match[str]) -> str:
            if m.group(1) not in self.email_fragments:
                raise invalid(
                    "rules_data_pribadi.one_email_fragments",
                    m_group_0=m.group(0),
                    join_self_email_frag=", ".join(self.email_fragments),
                )
            return self.email_fragments[m.group(1)]

        return [re.sub(r"\{([a-z_]+)\}", fill, pattern) for pattern in self.email_patterns]


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise invalid("rules_data_pribadi.regular_expression", pattern=pattern, exc=exc) from exc
