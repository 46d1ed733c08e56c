"""Schema of the slum-assessment rule sets (``permen_*.yml``, one per regulation) and of
``klasifikasi.yml`` (classification, priority and handling).

Read them with :func:`kotaku_gis.rules.load` (``"scoring"`` with a path, ``"klasifikasi"``) or through
:func:`kotaku_gis.scoring.rule_set`; :mod:`kotaku_gis.scoring` applies them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kotaku_gis import i18n
from kotaku_gis._datafile import FrozenModel as _Model
from kotaku_gis._datafile import invalid
from kotaku_gis.catalog import Text
from kotaku_gis.errors import UsageError

#: Slum levels from the least to the most severe (the vocabulary of ``tingkat_kekumuhan``).
LEVELS: tuple[str, ...] = ("tidak_kumuh", "ringan", "sedang", "berat")

#: Consideration levels from the lowest to the highest (the vocabulary of ``tingkat_pertimbangan``).
CONSIDERATION_LEVELS: tuple[str, ...] = ("rendah", "sedang", "tinggi")

Level = Literal["tidak_kumuh", "ringan", "sedang", "berat"]
SlumLevel = Literal["ringan", "sedang", "berat"]
ConsiderationLevel = Literal["rendah", "sedang", "tinggi"]


class ShareBand(_Model):
    """Shares ``s`` with ``min <= s < next band's min`` score ``score``."""

    min: float
    score: int = Field(ge=0)


class LevelBand(_Model):
    """Totals ``t`` with ``min <= t < next band's min`` are of slum level ``level``."""

    min: float
    level: Level


class ConsiderationBand(_Model):
    """Consideration scores ``c`` with ``min <= c < next band's min`` are of level ``level``."""

    min: float
    level: ConsiderationLevel


class Criterion(_Model):
    """One criterion: its id (``1a``), names, unit of the share and column in the layer."""

    id: str = Field(pattern=r"^[1-9][a-z]$")
    name: Text
    unit: Literal["unit", "ha", "m", "kk"]
    column: str


class Aspect(_Model):
    """One of the seven aspects and its criteria."""

    number: int = Field(ge=1, le=7)
    name: Text
    criteria: list[Criterion] = Field(min_length=1)


class ConsiderationComponent(_Model):
    """One part of the non-physical considerations, with the score of each answer (documentation)."""

    name: Text
    scores: dict[str, int]


class Consideration(_Model):
    """The non-physical considerations (pertimbangan lain): column, range and level bands."""

    column: str
    min: float
    max: float
    bands: list[ConsiderationBand]
    components: list[ConsiderationComponent] = []


class PlusOne(_Model):
    """The "+1" indicator of the 7+1 view (public open space)."""

    number: int
    name: Text
    column: str
    #: ``deficit``: condition = 100 - value (the column holds the share of the need met);
    #: ``share``: the column already holds the share not met.
    condition: Literal["deficit", "share"]


class View7plus1(_Model):
    """How the 7+1 view is formed: aspect condition = mean of its criterion shares."""

    aspect_condition: Literal["mean"]
    plus_one: PlusOne


def _check_bands(name: str, mins: list[float], ranks: list[int], first_max: float) -> None:
    if not mins:
        raise invalid("rules_scoring.no_bands", name=name)
    if any(b <= a for a, b in zip(mins, mins[1:])):
        raise invalid("rules_scoring.band_minimums_increase", name=name, mins=mins)
    if mins[0] > first_max:
        raise invalid("rules_scoring.first_band_start", name=name, first_max=first_max, mins_0=mins[0])
    if any(b < a for a, b in zip(ranks, ranks[1:])):
        raise invalid("rules_scoring.bands_get_less", name=name)


class RuleSet(_Model):
    """An assessment rule set (one file in ``kotaku_gis/rules/``)."""

    kind: Literal["slum_assessment"]
    id: str
    title: Text
    legal_reference: str
    #: The rule set for rows whose ``aturan_penilaian`` is empty (exactly one is).
    default: bool = False
    max_total: float = Field(gt=0)
    share_bands: list[ShareBand]
    aspects: list[Aspect] = Field(min_length=1)
    total_bands: list[LevelBand]
    consideration: Consideration
    view_7plus1: View7plus1

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise invalid("rules_scoring.aspects_criterion_ids", ids=ids)
        if len(set(self.columns)) != len(self.columns):
            raise invalid("rules_scoring.aspects_criterion_columns")
        numbers = [a.number for a in self.aspects]
        if len(set(numbers)) != len(numbers):
            raise invalid("rules_scoring.aspects_aspect_numbers", numbers=numbers)
        return self

    @model_validator(mode="after")
    def _score_bands(self) -> RuleSet:
        ids = [c.id for c in self.criteria]
        _check_bands("share_bands", [b.min for b in self.share_bands], [b.score for b in self.share_bands], 0)
        if self.share_bands[-1].min > 100:
            raise invalid("rules_scoring.share_bands_band")
        top = max(b.score for b in self.share_bands) * len(ids)
        if abs(top - self.max_total) > 1e-9:
            raise invalid("rules_scoring.max_total_differs", max_total=self.max_total, len_ids=len(ids), top=top)
        _check_bands(
            "total_bands",
            [b.min for b in self.total_bands],
            [LEVELS.index(b.level) for b in self.total_bands],
            0,
        )
        if sorted(b.level for b in self.total_bands) != sorted(LEVELS):
            raise invalid("rules_scoring.total_bands_each", join_levels=", ".join(LEVELS))
        if self.total_bands[-1].min > self.max_total:
            raise invalid("rules_scoring.total_bands_band")
        return self

    @model_validator(mode="after")
    def _consideration_bands(self) -> RuleSet:
        c = self.consideration
        _check_bands(
            "consideration.bands",
            [b.min for b in c.bands],
            [CONSIDERATION_LEVELS.index(b.level) for b in c.bands],
            c.min,
        )
        if sorted(b.level for b in c.bands) != sorted(CONSIDERATION_LEVELS):
            raise invalid("rules_scoring.consideration_bands_each", join_consideration_l=", ".join(CONSIDERATION_LEVELS))
        if c.max < c.min:
            raise invalid("rules_scoring.consideration_max_below")
        return self

    @property
    def criteria(self) -> list[Criterion]:
        """Every criterion, in aspect order."""
        return [c for a in self.aspects for c in a.criteria]

    @property
    def columns(self) -> list[str]:
        """The layer column of every criterion, in aspect order."""
        return [c.column for c in self.criteria]

    def aspect(self, number: int) -> Aspect:
        """The aspect numbered ``number``."""
        for a in self.aspects:
            if a.number == number:
                return a
        raise UsageError(i18n.text("rules.no_aspect", rules=repr(self.id), number=number))


class Digit(_Model):
    """The code digit of one consideration level and land legality."""

    consideration: ConsiderationLevel
    legality: str
    digit: int = Field(ge=0, le=9)


class PriorityEntry(_Model):
    """The priority of one classification code and whether it is confirmed."""

    priority: int = Field(ge=1)
    verified: bool


class Classification(_Model):
    """The classification/priority matrix and handling patterns (``rules/klasifikasi.yml``)."""

    kind: Literal["slum_classification"]
    letters: dict[SlumLevel, str]
    digits: list[Digit]
    priorities: dict[str, PriorityEntry]
    handling: dict[SlumLevel, dict[str, str]]
    labels: dict[str, dict[str, Text]] = {}

    @model_validator(mode="after")
    def _complete(self) -> Classification:
        if set(self.letters) != {"ringan", "sedang", "berat"}:
            raise invalid("rules_scoring.letters_berat_sedang")
        pairs = [(d.consideration, d.legality) for d in self.digits]
        if len(set(pairs)) != len(pairs):
            raise invalid("rules_scoring.digits_consideration_legality")
        want = {(c, g) for c in CONSIDERATION_LEVELS for g in self.legalities}
        if set(pairs) != want:
            raise invalid("rules_scoring.digits_every_consideration", sorted_want_set_pair=sorted(want - set(pairs)))
        codes = {f"{self.letters[lv]}{d.digit}" for lv in self.letters for d in self.digits}
        if codes != set(self.priorities):
            raise invalid(
                "rules_scoring.priorities_codes_differ",
                sorted_codes_set_sel=sorted(codes - set(self.priorities)),
                sorted_set_self_prio=sorted(set(self.priorities) - codes),
            )
        for lv in self.letters:
            if set(self.handling.get(lv, {})) != set(self.legalities):
                raise invalid("rules_scoring.handling_one_pattern", lv=lv, list_self_legalities=list(self.legalities))
        return self

    @property
    def legalities(self) -> tuple[str, ...]:
        """The land-legality codes, in file order (``legal``, ``ilegal``)."""
        return tuple(dict.fromkeys(d.legality for d in self.digits))

    def code(self, level: str, consideration: str, legality: str) -> str | None:
        """The classification code of one combination, None for ``tidak_kumuh``.

        Examples
        --------
        >>> from kotaku_gis import scoring
        >>> scoring.classification().code("sedang", "tinggi", "legal")
        'B1'
        """
        if level not in self.letters:
            return None
        for d in self.digits:
            if d.consideration == consideration and d.legality == legality:
                return f"{self.letters[level]}{d.digit}"
        raise UsageError(i18n.text("rules.no_digit", consideration=repr(consideration), legality=repr(legality)))
