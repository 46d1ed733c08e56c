"""Schema of ``pengaduan.yml``: the complaint workflow, priority and service time.

Read it with :func:`kotaku_gis.rules.load` (``"pengaduan"``); :mod:`kotaku_gis.pengaduan` applies it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from kotaku_gis import catalog
from kotaku_gis._datafile import FrozenModel as _Spec
from kotaku_gis._datafile import invalid
from kotaku_gis._workflow import check_workflow

#: The catalogue layer of the public register.
LAYER = "pengaduan"


class AgeBand(_Spec):
    """Points an open complaint gets once its age reaches ``min_fraksi`` of the service time."""

    min_fraksi: float
    poin: int


class PriorityLevel(_Spec):
    """A priority level: reached by a score of at least ``min``."""

    code: str
    min: int
    id: str
    en: str


class PriorityRules(_Spec):
    bobot_kategori: dict[str, int]
    umur: list[AgeBand]
    tingkat: list[PriorityLevel]


class PengaduanRules(_Spec):
    """The contents of ``rules/pengaduan.yml`` (see the comments there), checked against the catalogue."""

    kind: str
    id: str
    initial: str
    transitions: dict[str, list[str]]
    requires: dict[str, list[str]] = {}
    closed: str
    prioritas: PriorityRules
    #: Service time (calendar days) within which a complaint should be closed: past it, it is overdue.
    batas_layanan_hari: int = Field(gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> PengaduanRules:
        spec = catalog.layer(LAYER)
        check_workflow(LAYER, spec.column("status").codes(), self.transitions, self.closed, [self.initial, *self.requires])
        for cols in self.requires.values():
            for col in cols:
                spec.column(col)
        categories = set(spec.column("kategori").codes())
        if set(self.prioritas.bobot_kategori) != categories:
            raise invalid("rules_pengaduan.bobot_kategori_weigh", sorted_categories=sorted(categories))
        mins = [level.min for level in self.prioritas.tingkat]
        if mins != sorted(mins, reverse=True) or not mins or mins[-1] > 0:
            raise invalid("rules_pengaduan.prioritas_tingkat_go")
        return self
