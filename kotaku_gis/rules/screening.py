"""Schema of ``screening.yml`` (the BDI negative list) and ``kurs.yml`` (exchange rates for item 4).

Read them with :func:`kotaku_gis.rules.load` (``"screening"``, ``"kurs"``); :mod:`kotaku_gis.screening`
applies them.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from kotaku_gis import catalog, i18n
from kotaku_gis._datafile import FrozenModel as _Model
from kotaku_gis._datafile import invalid
from kotaku_gis.catalog import PERIODE_PATTERN, Text
from kotaku_gis.errors import UsageError

Bentuk = Literal["area", "garis", "titik"]


class Item(_Model):
    """One item of the negative list, numbered as in the guideline (``"4"``, ``"6a"``)."""

    aturan: str = Field(pattern=r"^[1-9][a-z]?$")
    name: Text
    #: ``review``: a recorded written approval turns a finding into ``perlu_tinjauan`` (item 6).
    approval: Literal["none", "review"] = "none"


class CostRule(_Model):
    """Item 4: the investment value in US dollars must not exceed ``above_usd``."""

    aturan: str
    above_usd: float = Field(gt=0)
    usd_column: str
    idr_column: str


class Threshold(_Model):
    """A number of the activity that must not exceed ``above`` (items 9e, 9f)."""

    aturan: str
    column: str
    above: float
    unit: str
    #: Activity types for which an empty value is itself a finding (``perlu_tinjauan``).
    required_for: list[str] = []


class Flag(_Model):
    """A yes/no column of the activity; yes is a finding (item 7)."""

    aturan: str
    column: str


class RoadRule(_Model):
    """Item 9b: roads (activity types tagged ``tag``) into protected features of these shapes."""

    aturan: str
    tag: str
    bentuk: list[Bentuk] = Field(min_length=1)
    #: A road one of whose ends lies within this many metres of such a feature is a road into it.
    end_m: float = Field(ge=0)


class CrossBorderRule(_Model):
    """Item 9c: works tagged ``tag`` within the setback of a feature whose ``column`` is yes."""

    aturan: str
    tag: str
    column: str


class ProximityRule(_Model):
    """Which protected shapes give proximity warnings, and within how many metres."""

    bentuk: list[Bentuk]
    warning_m: float = Field(ge=0)


class LocationRule(_Model):
    """The item of a location inside a protected area or its setback (item 6): an activity without a
    location cannot be checked against it and is reported for review under it."""

    aturan: str


class Band(_Model):
    """Values ``v`` with ``above < v <= at_most`` (either bound may be left out)."""

    above: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Band:
        if self.above is None and self.at_most is None:
            raise invalid("rules_screening.above_most_both")
        if self.above is not None and self.at_most is not None and self.at_most <= self.above:
            raise invalid("rules_screening.most_more_than", at_most=self.at_most, above=self.above)
        return self

    def contains(self, values: np.ndarray) -> np.ndarray:
        """Which values fall in the band (NaN: False)."""
        ok = ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            if self.above is not None:
                ok &= values > self.above
            if self.at_most is not None:
                ok &= values <= self.at_most
        return ok


class SetbackClass(_Model):
    """A setback width for the features whose attributes match ``where``."""

    m: float = Field(ge=0)
    #: column -> yes/no value, or a band for a number column
    where: dict[str, bool | Band] = Field(min_length=1)
    note: str | None = None
    verified: bool = True


class Setback(_Model):
    """The setback of a kategori: one width ``m``, or ``classes`` chosen by attributes."""

    m: float | None = Field(default=None, ge=0)
    classes: list[SetbackClass] = []
    source: str
    verified: bool = True

    @model_validator(mode="after")
    def _one_form(self) -> Setback:
        if (self.m is None) == (not self.classes):
            raise invalid("rules_screening.either_m_classes")
        return self


def _column(layer: catalog.LayerSpec, name: str, types: tuple[str, ...], where: str) -> None:
    if name not in layer.column_names:
        raise invalid("rules_screening.layer_has_no", where=where, layer_name=layer.name, name=name)
    if layer.column(name).type not in types:
        raise invalid(
            "rules_screening.column",
            where=where,
            name=name,
            layer_column_name_ty=layer.column(name).type,
            or_join_types=" or ".join(types),
        )


class ScreeningRules(_Model):
    """The screening rule set (``rules/screening.yml``)."""

    kind: Literal["bdi_screening"]
    id: str
    title: Text
    legal_reference: str
    items: list[Item] = Field(min_length=1)
    cost: CostRule
    thresholds: list[Threshold] = []
    flags: list[Flag] = []
    road: RoadRule
    cross_border: CrossBorderRule
    proximity: ProximityRule
    location: LocationRule
    setbacks: dict[str, Setback] = {}

    @model_validator(mode="after")
    def _items_known(self) -> ScreeningRules:
        ids = [i.aturan for i in self.items]
        if len(set(ids)) != len(ids):
            raise invalid("rules_screening.items_aturan_repeats", ids=ids)
        used = [("location.aturan", self.location.aturan), ("cost.aturan", self.cost.aturan),
                ("road.aturan", self.road.aturan), ("cross_border.aturan", self.cross_border.aturan)]  # fmt: skip
        used += [(f"thresholds.{k}.aturan", t.aturan) for k, t in enumerate(self.thresholds)]
        used += [(f"flags.{k}.aturan", f.aturan) for k, f in enumerate(self.flags)]
        for layer, col in (("kegiatan", "jenis"), ("kawasan_lindung", "kategori")):
            values = catalog.layer(layer).column(col).values or []
            used += [(f"layers/{layer}.yml {col} {v.code}", v.aturan) for v in values if v.aturan]
        for where, aturan in used:
            if aturan not in ids:
                raise invalid("rules_screening.aturan_items", where=where, aturan=aturan)
        return self

    @model_validator(mode="after")
    def _activity_columns(self) -> ScreeningRules:
        kegiatan = catalog.layer("kegiatan")
        jenis = kegiatan.column("jenis").values or []
        _column(kegiatan, self.cost.usd_column, ("float", "integer"), "cost.usd_column")
        _column(kegiatan, self.cost.idr_column, ("float", "integer"), "cost.idr_column")
        codes = {v.code for v in jenis}
        for k, t in enumerate(self.thresholds):
            _column(kegiatan, t.column, ("float", "integer"), f"thresholds.{k}.column")
            unknown = set(t.required_for) - codes
            if unknown:
                raise invalid("rules_screening.thresholds_required_for", k=k, sorted_unknown=sorted(unknown))
        for k, f in enumerate(self.flags):
            _column(kegiatan, f.column, ("boolean",), f"flags.{k}.column")
        tags = {t for v in jenis for t in v.tags}
        for where, tag in (("road.tag", self.road.tag), ("cross_border.tag", self.cross_border.tag)):
            if tag not in tags:
                raise invalid("rules_screening.no_jenis_carries", where=where, tag=tag, sorted_tags=sorted(tags))
        return self

    @model_validator(mode="after")
    def _protected_columns(self) -> ScreeningRules:
        kawasan = catalog.layer("kawasan_lindung")
        _column(kawasan, self.cross_border.column, ("boolean",), "cross_border.column")
        known = {v.code for v in kawasan.column("kategori").values or []}
        for code, sb in self.setbacks.items():
            if code not in known:
                raise invalid("rules_screening.setbacks_kategori_kawasan", code=code)
            for k, cls in enumerate(sb.classes):
                for name, cond in cls.where.items():
                    want = ("boolean",) if isinstance(cond, bool) else ("float", "integer")
                    _column(kawasan, name, want, f"setbacks.{code}.classes.{k}.where.{name}")
        return self

    def setback_columns(self) -> list[str]:
        """The ``kawasan_lindung`` columns the setbacks are read from: ``kategori``, ``sempadan_m`` and
        the columns of the setback classes (for rivers, PP 38/2011).

        Examples
        --------
        >>> from kotaku_gis import screening
        >>> screening.load_rules().setback_columns()
        ['kategori', 'sempadan_m', 'bertanggul', 'kedalaman_m', 'luas_das_km2', 'perkotaan']
        """
        classes = {name for sb in self.setbacks.values() for cls in sb.classes for name in cls.where}
        return ["kategori", "sempadan_m", *sorted(classes - {"kategori", "sempadan_m"})]

    def item(self, aturan: str) -> Item:
        """The item numbered ``aturan``."""
        for i in self.items:
            if i.aturan == aturan:
                return i
        raise UsageError(i18n.text("rules.no_item", rules=repr(self.id), item=repr(aturan)))


class Rate(_Model):
    """The rupiah price of one US dollar in a period (a year or a quarter)."""

    periode: str = Field(pattern=PERIODE_PATTERN)
    idr_per_usd: float = Field(gt=0)
    verified: bool = False


class ExchangeRates(_Model):
    """Exchange rates per period (``rules/kurs.yml``)."""

    kind: Literal["exchange_rates"]
    currency: Literal["USD"]
    source: str
    rates: list[Rate]

    @model_validator(mode="after")
    def _unique(self) -> ExchangeRates:
        periods = [r.periode for r in self.rates]
        if len(set(periods)) != len(periods):
            raise invalid(
                "rules_screening.rates_periode_repeats",
                sorted_p_for_p_in_se=sorted(p for p in set(periods) if periods.count(p) > 1),
            )
        return self

    def rate(self, periode: str | None) -> tuple[float, str] | None:
        """The rate for ``periode`` and the period it was set for: the quarter's own, else its year's.

        Examples
        --------
        >>> from kotaku_gis import screening
        >>> screening.load_kurs().rate("2026Q3")
        (16400.0, '2026')
        >>> screening.load_kurs().rate("1999") is None
        True
        """
        if periode is None:
            return None
        table = {r.periode: r.idr_per_usd for r in self.rates}
        for key in (str(periode), str(periode)[:4]):
            if key in table:
                return table[key], key
        return None
