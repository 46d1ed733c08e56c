"""Private helpers of :mod:`kotaku_gis.tindak_lanjut`: the register's rules (schema in
:mod:`kotaku_gis.rules.tindak_lanjut`, read by :func:`kotaku_gis.rules.load`) and the names they give
(coordinators, recommendations, labels)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kotaku_gis import catalog
from kotaku_gis import rules as _rules
from kotaku_gis.rules.tindak_lanjut import Escalation, KindRule, LevelRule, TindakLanjutRules  # noqa: F401

#: The catalogue layer of the register.
LAYER = "tindak_lanjut"

#: The rule file read by default.
RULES_PATH: Path = _rules.RULES_DIR / "tindak_lanjut.yml"

#: What a history row can record (``peristiwa``): created, status or note changed by hand, detail
#: changed by a new derivation, escalated, closed because the finding is gone, opened again.
EVENTS: tuple[str, ...] = ("dibuat", "diperbarui", "rincian", "dieskalasi", "selesai_data", "dibuka_kembali")

#: The name recorded for changes made by :func:`susun`.
SYSTEM = "kotaku-gis susun"

#: Columns of a finding (:func:`derive`).
FINDING_COLUMNS: tuple[str, ...] = ("jenis", "id_sumber", "kode_wilayah", "rincian", "geometry")


# -- rules ---------------------------------------------------------------------------------------------
#: Bilingual text (``id``/``en``), as in the catalogue.
Bilingual = catalog.Text


def rules(path: Path | None = None) -> TindakLanjutRules:
    """The register rules (validated; a malformed file raises :class:`~kotaku_gis.errors.CatalogError`).

    The packaged ``rules/tindak_lanjut.yml``, or ``path``: :func:`kotaku_gis.rules.load` of ``"tindak_lanjut"``.
    """
    return _rules.load("tindak_lanjut", path)


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
