"""Schema of ``fasilitator.yml``: how many facilitators the programme's guideline asks for.

Read it with :func:`kotaku_gis.rules.load` (``"fasilitator"``); :mod:`kotaku_gis.staffing` applies it.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import field_validator

from kotaku_gis._datafile import FrozenModel, invalid

Rounding = Literal["per_bagian", "total", "tim"]

#: The ways to round the facilitators required to whole people (see :mod:`kotaku_gis.staffing`).
ROUNDINGS: tuple[str, ...] = get_args(Rounding)


class FasilitatorRules(FrozenModel):
    """The contents of ``rules/fasilitator.yml`` (see the comments there)."""

    kind: Literal["fasilitator"]
    #: (facilitators, kelurahan) in slum areas and in non-slum areas.
    rasio_kumuh: tuple[int, int]
    rasio_non_kumuh: tuple[int, int]
    pembulatan: Rounding

    @field_validator("rasio_kumuh", "rasio_non_kumuh")
    @classmethod
    def _ratio(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] < 0 or v[1] <= 0:
            raise invalid("rules_fasilitator.facilitators_kelurahan", list_v=list(v))
        return v
