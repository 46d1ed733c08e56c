"""Schema of ``tindak_lanjut.yml``: the follow-up register of findings (workflow, levels, deadlines).

Read it with :func:`kotaku_gis.rules.load` (``"tindak_lanjut"``); :mod:`kotaku_gis.tindak_lanjut` applies it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from kotaku_gis import catalog
from kotaku_gis import wilayah as wil
from kotaku_gis._datafile import FrozenModel as _Spec
from kotaku_gis._datafile import invalid
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
            raise invalid("rules_tindak_lanjut.set_escalation_only", escalated=self.escalated)
        if list(self.tingkat) != list(wil.ROLLUP_LEVELS):
            raise invalid("rules_tindak_lanjut.tingkat_list_levels", list_wil_rollup_leve=list(wil.ROLLUP_LEVELS))
        coordinators = set(spec.column("koordinator").codes())
        if {lv.koordinator for lv in self.tingkat.values()} != coordinators:
            raise invalid("rules_tindak_lanjut.each_coordinator_layers", sorted_coordinators=sorted(coordinators))
        kinds = set(spec.column("jenis").codes())
        if set(self.jenis) != kinds:
            raise invalid("rules_tindak_lanjut.jenis_rule_for", sorted_kinds=sorted(kinds))
        for code, rule in self.jenis.items():
            if rule.tingkat not in wil.ROLLUP_LEVELS:
                raise invalid("rules_tindak_lanjut.jenis_tingkat_level", code=code, rule_tingkat=rule.tingkat)
        for code in ("kumuh_tetap", "kegiatan_macet"):
            if self.jenis[code].periode_min is None:
                raise invalid("rules_tindak_lanjut.jenis_periode_min", code=code)
        prefixes = [r.awalan for r in self.jenis.values()]
        if len(set(prefixes)) != len(prefixes):
            raise invalid("rules_tindak_lanjut.jenis_prefixes_awalan")
        return self
