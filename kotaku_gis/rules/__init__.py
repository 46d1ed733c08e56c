"""Programme rules: every rule file of kotaku-gis, its schema, and the one way to read it.

The rules of the KOTAKU programme (the BDI negative list, the slum-assessment rule sets, complaint
handling, personal-data screening, facilitator staffing, follow-up of findings) are data: one YAML file
per topic in this folder, validated by a pydantic schema in the module of the same name beside it
(``screening.yml`` and :mod:`kotaku_gis.rules.screening`). Change a rule in the YAML file only.

============== =========================== ============================================================
topic          file                        holds
============== =========================== ============================================================
screening      ``screening.yml``           BDI negative list, thresholds, setbacks, 9b end distance,
                                           proximity warning radius
kurs           ``kurs.yml``                USD exchange rates per period (item 4)
scoring        ``permen_*.yml``            slum-assessment rule sets (one file per regulation)
klasifikasi    ``klasifikasi.yml``         classification / priority matrix and handling patterns
pengaduan      ``pengaduan.yml``           complaint workflow, priority, service days
data_pribadi   ``data_pribadi.yml``        personal-data masking
fasilitator    ``fasilitator.yml``         facilitator ratios and rounding
tindak_lanjut  ``tindak_lanjut.yml``       follow-up workflow of findings
============== =========================== ============================================================

Examples
--------
>>> from kotaku_gis import rules
>>> rules.load("screening").road.end_m
50.0
>>> with rules.override("fasilitator", pembulatan="tim"):
...     rules.load("fasilitator").pembulatan
'tim'
>>> rules.load("fasilitator").pembulatan
'per_bagian'
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from kotaku_gis import i18n
from kotaku_gis._datafile import FrozenModel, read_model
from kotaku_gis.errors import UsageError

__all__ = ["RULES_DIR", "FrozenModel", "load", "override", "topics"]

#: Folder of the packaged rule files.
RULES_DIR: Path = Path(__file__).parent


class _Topic(NamedTuple):
    module: str  # schema module, beside the YAML
    model: str  # schema class in it
    file: str | None  # packaged file; None: the topic has several files, a path is needed
    what: str  # how error messages name the file


_TOPICS: dict[str, _Topic] = {
    "screening": _Topic("screening", "ScreeningRules", "screening.yml", "screening rule set"),
    "kurs": _Topic("screening", "ExchangeRates", "kurs.yml", "exchange-rate table"),
    "scoring": _Topic("scoring", "RuleSet", None, "slum-assessment rule set"),
    "klasifikasi": _Topic("scoring", "Classification", "klasifikasi.yml", "classification"),
    "pengaduan": _Topic("pengaduan", "PengaduanRules", "pengaduan.yml", "complaint rules"),
    "data_pribadi": _Topic("data_pribadi", "PrivacyRules", "data_pribadi.yml", "personal data screening"),
    "fasilitator": _Topic("fasilitator", "FasilitatorRules", "fasilitator.yml", "facilitator staffing rules"),
    "tindak_lanjut": _Topic("tindak_lanjut", "TindakLanjutRules", "tindak_lanjut.yml", "follow-up rules"),
}

_overrides: dict[str, Any] = {}


def topics() -> list[str]:
    """The rule topics :func:`load` knows.

    Examples
    --------
    >>> from kotaku_gis import rules
    >>> rules.topics()[:3]
    ['data_pribadi', 'fasilitator', 'klasifikasi']
    """
    return sorted(_TOPICS)


def _topic(topic: str) -> _Topic:
    if topic not in _TOPICS:
        raise UsageError(i18n.text("rules.unknown_topic", topic=repr(topic), known=", ".join(topics())))
    return _TOPICS[topic]


def schema(topic: str) -> type[FrozenModel]:
    """The schema (pydantic model) of ``topic``'s rule file.

    Examples
    --------
    >>> from kotaku_gis import rules
    >>> rules.schema("kurs").__name__
    'ExchangeRates'
    """
    t = _topic(topic)
    model: type[FrozenModel] = getattr(importlib.import_module(f"kotaku_gis.rules.{t.module}"), t.model)
    return model


def load(topic: str, path: str | Path | None = None) -> Any:
    """The validated rules of ``topic``: the packaged file, or ``path`` (a file of the same form).

    The packaged file is read once per process; a file given by ``path`` is read at every call (it may
    be a draft being edited). Inside :func:`override` the packaged rules are the overridden ones.

    Parameters
    ----------
    topic : str
        One of :func:`topics` (``"screening"``, ``"pengaduan"``...).
    path : str or Path, optional
        A YAML file following the topic's :func:`schema`. Needed for ``"scoring"`` (one file per
        regulation; see :func:`kotaku_gis.scoring.rule_set` for the packaged ones).

    Returns
    -------
    FrozenModel
        An instance of ``schema(topic)``.

    Raises
    ------
    CatalogError
        The file is missing, not YAML, or breaks the schema (naming the file and the field).
    UsageError
        ``topic`` is unknown, or it needs a ``path``.

    Examples
    --------
    >>> from kotaku_gis import rules
    >>> rules.load("pengaduan").batas_layanan_hari
    14
    """
    t = _topic(topic)
    if path is not None:
        return read_model(Path(path), schema(topic), t.what)
    if topic in _overrides:
        return _overrides[topic]
    if t.file is None:
        raise UsageError(i18n.text("rules.several_files", topic=repr(topic)))
    return _packaged(topic)


@cache
def _packaged(topic: str) -> Any:
    t = _TOPICS[topic]
    assert t.file is not None
    return read_model(RULES_DIR / t.file, schema(topic), t.what)


@contextmanager
def override(topic: str, **changes: Any) -> Iterator[Any]:
    """Within the ``with`` block, the packaged rules of ``topic`` have ``changes`` applied.

    For trying out a value (a staffing ratio, the service days) without editing the YAML file; the
    changed rules are validated as a file would be. Not thread-safe: meant for tests and sessions.

    Parameters
    ----------
    topic : str
        One of :func:`topics` with a packaged file.
    **changes
        Top-level fields of the topic's schema and their new values.

    Yields
    ------
    FrozenModel
        The overridden rules (what :func:`load` returns meanwhile).

    Examples
    --------
    >>> from kotaku_gis import rules
    >>> with rules.override("pengaduan", batas_layanan_hari=30) as r:
    ...     r.batas_layanan_hari, rules.load("pengaduan").batas_layanan_hari
    (30, 30)
    >>> rules.load("pengaduan").batas_layanan_hari
    14
    """
    base = load(topic)
    changed = schema(topic).model_validate({**base.model_dump(), **changes})
    before = _overrides.get(topic)
    _overrides[topic] = changed
    try:
        yield changed
    finally:
        if before is None:
            del _overrides[topic]
        else:
            _overrides[topic] = before
