"""Schema of ``tindak_lanjut.yml``: the follow-up register of findings (workflow, levels, deadlines).

Read it with :func:`kotaku_gis.rules.load` (``"tindak_lanjut"``); :mod:`kotaku_gis.tindak_lanjut` applies it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from kotaku_gis import catalog
from kotaku_gis import wilayah as wil
from kotaku_gis._datafile import FrozenModel as _Spec
from kotaku_gis._workflow import check_workflow

#: The catalogue layer of the register.
LAYER = "tindak_lanjut"


#: Bilingual text (``id``/``en``), as in the catalogue.
Bilingual = catalog.Text


class LevelRule(_Spec):
    """A level of section 1.4.2: its coordinator (a code of the catalogue) and actors."""

    koordinator: str
    pelaku: Bilingual


class KindRule(_Spec):
    """A kind of issue: number prefix, first level, deadline, recommendation, thresholds."""

    awalan: str = Field(pattern=r"^[A-Z]+(-[A-Z]+)*$")
    tingkat: str
    batas_hari: int = Field(gt=0)
    rekomendasi: Bilingual
    periode_min: int | None = Field(default=None, ge=2)


class Escalation(_Spec):
    dari: list[str]
    batas_hari: int = Field(gt=0)


class TindakLanjutRules(_Spec):
    """The contents of ``rules/tindak_lanjut.yml`` (see the comments there), checked against the catalogue."""

    kind: str
    id: str
    initial: str
    closed: str
    escalated: str
    transitions: dict[str, list[str]]
    eskalasi: Escalation
    tingkat: dict[str, LevelRule]
    jenis: dict[str, KindRule]

    @model_validator(mode="after")
    def _consistent(self) -> TindakLanjutRules:
        spec = catalog.layer(LAYER)
        check_workflow(LAYER, spec.column("status").codes(), self.transitions, self.closed,
                       [self.initial, self.escalated, *self.eskalasi.dari])  # fmt: skip
        if any(self.escalated in t for t in self.transitions.values()):
            raise ValueError(f"{self.escalated!r} is set by escalation only, never by a transition")
        if list(self.tingkat) != list(wil.ROLLUP_LEVELS):
            raise ValueError(f"tingkat must list the levels {list(wil.ROLLUP_LEVELS)} in that order")
        coordinators = set(spec.column("koordinator").codes())
        if {lv.koordinator for lv in self.tingkat.values()} != coordinators:
            raise ValueError(f"each coordinator of layers/tindak_lanjut.yml must coordinate one level: {sorted(coordinators)}")
        kinds = set(spec.column("jenis").codes())
        if set(self.jenis) != kinds:
            raise ValueError(f"jenis must give a rule for exactly the kinds {sorted(kinds)}")
        for code, rule in self.jenis.items():
            if rule.tingkat not in wil.ROLLUP_LEVELS:
                raise ValueError(f"jenis.{code}.tingkat {rule.tingkat!r} is not a level")
        for code in ("kumuh_tetap", "kegiatan_macet"):
            if self.jenis[code].periode_min is None:
                raise ValueError(f"jenis.{code} needs periode_min")
        prefixes = [r.awalan for r in self.jenis.values()]
        if len(set(prefixes)) != len(prefixes):
            raise ValueError("jenis prefixes (awalan) repeat")
        return self
