"""Private helpers of :mod:`kotaku_gis.tindak_lanjut`: the register's rule file, its schema and the
names it gives (coordinators, recommendations, labels)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kotaku_gis import catalog
from kotaku_gis import wilayah as wil
from kotaku_gis._datafile import read_model
from kotaku_gis._workflow import check_workflow

#: The catalogue layer of the register.
LAYER = "tindak_lanjut"

#: The rule file read by default.
RULES_PATH: Path = Path(__file__).with_name("rules") / "tindak_lanjut.yml"

#: What a history row can record (``peristiwa``): created, status or note changed by hand, detail
#: changed by a new derivation, escalated, closed because the finding is gone, opened again.
EVENTS: tuple[str, ...] = ("dibuat", "diperbarui", "rincian", "dieskalasi", "selesai_data", "dibuka_kembali")

#: The name recorded for changes made by :func:`susun`.
SYSTEM = "kotaku-gis susun"

#: Columns of a finding (:func:`derive`).
FINDING_COLUMNS: tuple[str, ...] = ("jenis", "id_sumber", "kode_wilayah", "rincian", "geometry")


# -- rules ---------------------------------------------------------------------------------------------
class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


@cache
def rules(path: Path = RULES_PATH) -> TindakLanjutRules:
    """The register rules (validated; a malformed file raises :class:`~kotaku_gis.errors.CatalogError`)."""
    return read_model(path, TindakLanjutRules, "follow-up rules")


def coordinator(tingkat: str) -> str:
    """The code of the coordinator of a level (section 1.4.2).

    Examples
    --------
    >>> coordinator("kabkota")
    'pokja_pkp_kabkota'
    """
    return rules().tingkat[tingkat].koordinator


def coordinator_label(tingkat: str, lang: str | None = None) -> str:
    """The coordinator of a level in words (``Pokja PKP Kab/Kota / LCMU``)."""
    return catalog.layer(LAYER).column("koordinator").value(coordinator(tingkat)).label(lang)


def actors(tingkat: str, lang: str | None = None) -> str:
    """The actors of a level (section 1.4.2), in words.

    Examples
    --------
    >>> actors("kecamatan", "en")
    'Kecamatan officials, Forum BKM, facilitators'
    """
    return rules().tingkat[tingkat].pelaku(lang)


def recommendation(jenis: str, lang: str | None = None) -> str:
    """The recommendation of a kind of issue (``rules/tindak_lanjut.yml``)."""
    return rules().jenis[jenis].rekomendasi(lang)


def allowed_transitions(status: str) -> list[str]:
    """The statuses an item of ``status`` may be moved to by hand (besides keeping its status)."""
    return list(rules().transitions[status])


def item_id(jenis: str, id_sumber: str) -> str:
    """The number of an item: its kind's prefix and its source key (stable across runs)."""
    return f"{rules().jenis[jenis].awalan}-{id_sumber}"


def _label(column: str, code: Any, lang: str | None = None) -> Any:
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return None
    return catalog.layer(LAYER).column(column).value(str(code)).label(lang)
