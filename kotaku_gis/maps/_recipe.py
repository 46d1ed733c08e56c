"""Map recipes: the data in ``kotaku_gis/maps/recipes.yml``, typed and validated.

Examples
--------
>>> from kotaku_gis.maps import recipes
>>> r = recipes()
>>> r.levels["kabkota"].child, r.levels["kelurahan"].child
('kecamatan', None)
>>> [m.key for m in r.choropleth.modes]
['tingkat', 'penurunan']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from kotaku_gis import i18n
from kotaku_gis._datafile import FrozenModel, invalid, read_model
from kotaku_gis.errors import UsageError

#: The levels a progress map can be made for, from the top.
TINGKAT: tuple[str, ...] = ("nasional", "provinsi", "kabkota", "kecamatan", "kelurahan")

RECIPES_PATH: Path = Path(__file__).with_name("recipes.yml")

Tingkat = Literal["nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"]
ChildLevel = Literal["provinsi", "kabkota", "kecamatan", "kelurahan"]

_COLOR = r"^#[0-9a-fA-F]{6}$"


def _proportional_m(floor_m: float, m_per_km: float, extent_km: float) -> float:
    """``m_per_km`` metres per kilometre of ``extent_km``, or ``floor_m`` if more."""
    return max(floor_m, m_per_km * extent_km)


class Simplify(FrozenModel):
    """Coverage simplification of the choropleth polygons (see ``_simplify.simplify_coverage``).

    The tolerance grows with the unit mapped: ``m_per_km`` metres per kilometre of the unit's larger
    side when that is more than ``tolerance_m`` (:meth:`tolerance_at`), and parts (islands) smaller
    than a square of that proportional tolerance are dropped (:meth:`min_part_at`).
    """

    tolerance_m: float = Field(ge=0)
    gap_width_m: float = Field(default=0, ge=0)
    min_part_km2: float = Field(default=0, ge=0)
    decimals: int = Field(ge=0, le=8)
    m_per_km: float = Field(default=0, ge=0)

    def tolerance_at(self, extent_km: float) -> float:
        """The tolerance (metres) of the choropleth on the map of a unit whose larger side is ``extent_km``.

        Examples
        --------
        >>> s = Simplify(tolerance_m=3, decimals=6, m_per_km=0.25)
        >>> s.tolerance_at(200.0), s.tolerance_at(4.0)
        (50.0, 3.0)
        """
        return _proportional_m(self.tolerance_m, self.m_per_km, extent_km)

    def min_part_at(self, extent_km: float) -> float:
        """The smallest part (km²) kept on the map of a unit whose larger side is ``extent_km``:
        ``min_part_km2``, or a square whose side is ``m_per_km`` metres per kilometre of the unit if
        larger (the largest part of each polygon is always kept).

        Examples
        --------
        >>> s = Simplify(tolerance_m=3, decimals=6, m_per_km=0.25)
        >>> s.min_part_at(200.0), s.min_part_at(4.0)
        (0.0025, 1e-06)
        >>> Simplify(tolerance_m=300, decimals=4, min_part_km2=0.5).min_part_at(1500.0)
        0.5
        """
        return max(self.min_part_km2, (self.m_per_km * extent_km) ** 2 / 1e6)


class Features(FrozenModel):
    """Simplification and rounding of the other layers; ``as_points`` draws locations as points.

    Protected areas and setback zones are simplified at ``context_m_per_km`` metres per kilometre of
    the unit's larger side when that is more than ``tolerance_m`` (:meth:`context_tolerance_m`).
    """

    tolerance_m: float = Field(ge=0)
    decimals: int = Field(ge=0, le=8)
    as_points: bool = False
    context_m_per_km: float = Field(default=0, ge=0)

    def context_tolerance_m(self, extent_km: float) -> float:
        """The tolerance of the protected areas and setback zones on the map of a unit whose larger
        side is ``extent_km``.

        Examples
        --------
        >>> f = Features(tolerance_m=2, decimals=5, context_m_per_km=0.25)
        >>> f.context_tolerance_m(300.0), f.context_tolerance_m(4.0)
        (75.0, 2.0)
        """
        return _proportional_m(self.tolerance_m, self.context_m_per_km, extent_km)


#: The layers a map can draw besides the choropleth of the children and the unit's outline.
FeatureLayer = Literal["kumuh", "kegiatan", "lindung", "sempadan"]


class LevelRecipe(FrozenModel):
    """What a map of one level holds."""

    child: ChildLevel | None
    layers: list[FeatureLayer]
    search_kelurahan: bool
    simplify: Simplify
    features: Features


class Mode(FrozenModel):
    """One choropleth mode."""

    key: str
    column: str
    kind: Literal["categorical", "breaks"]
    style_layer: str | None = None
    values: list[str] | None = None
    breaks: list[float] | None = None
    colors: list[str] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Mode:
        if self.kind == "categorical":
            if not self.style_layer or not self.values:
                raise invalid("map_recipe.mode_categorical_style", key=self.key)
        else:
            if not self.breaks or not self.colors:
                raise invalid("map_recipe.mode_breaks_breaks", key=self.key)
            if len(self.colors) != len(self.breaks) + 1:
                raise invalid("map_recipe.mode_len_breaks", key=self.key)
            if any(b <= a for a, b in zip(self.breaks, self.breaks[1:])):
                raise invalid("map_recipe.mode_breaks_increase", key=self.key)
        return self


class Choropleth(FrozenModel):
    fill_opacity: float = Field(ge=0, le=1)
    none_color: str = Field(pattern=_COLOR)
    modes: list[Mode] = Field(min_length=1)


class Boundary(FrozenModel):
    weight: float = Field(gt=0)
    dash: str | None = None


class Finding(FrozenModel):
    color: str = Field(pattern=_COLOR)
    weight: float = Field(gt=0)
    ring_extra_radius: float = Field(ge=0)
    max_labels: int = Field(ge=0)


class Progress(FrozenModel):
    min_opacity: float = Field(ge=0, le=1)


class Setback(FrozenModel):
    fill_opacity: float = Field(ge=0, le=1)
    dash: str | None = None
    weight: float = Field(gt=0)


class Chart(FrozenModel):
    band_colors: list[str] = Field(min_length=1)
    baseline_color: str = Field(pattern=_COLOR)
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class Sources(FrozenModel):
    always: list[str]
    keys: list[str]


class Tiles(FrozenModel):
    url: str
    max_zoom: int = Field(gt=0)
    source: str


class Static(FrozenModel):
    width_in: float = Field(gt=0)
    height_in: float = Field(gt=0)
    dpi: int = Field(gt=0)


class Recipes(FrozenModel):
    """Everything in ``recipes.yml``."""

    levels: dict[Tingkat, LevelRecipe]
    rollup_columns: dict[str, str]
    choropleth: Choropleth
    boundary: Boundary
    finding: Finding
    progress: Progress
    setback: Setback
    chart: Chart
    sources: Sources
    static: Static
    tiles: Tiles

    @model_validator(mode="after")
    def _complete(self) -> Recipes:
        missing = [t for t in TINGKAT if t not in self.levels]
        if missing:
            raise invalid("map_recipe.levels_missing", missing=missing)
        for want in ("kode", "nama"):
            if want not in self.rollup_columns:
                raise invalid("map_recipe.rollup_columns", want=want)
        unknown = [s for s in self.sources.always if s not in self.sources.keys]
        if unknown:
            raise invalid("map_recipe.sources_always_sources", unknown=unknown)
        return self

    def level(self, tingkat: str) -> LevelRecipe:
        """The recipe of one level; :class:`UsageError` for an unknown level."""
        if tingkat not in self.levels:
            raise UsageError(i18n.text("maps.error.tingkat", tingkat=repr(tingkat), levels=", ".join(TINGKAT)))
        return self.levels[tingkat]

    def mode(self, key: str) -> Mode:
        """The choropleth mode ``key``; :class:`UsageError` for an unknown one."""
        for m in self.choropleth.modes:
            if m.key == key:
                return m
        raise UsageError(i18n.text("maps.error.choropleth", key=repr(key), known=", ".join(m.key for m in self.choropleth.modes)))


def load_recipes(path: str | Path) -> Recipes:
    """Read and validate a recipe file (for example an edited copy of ``recipes.yml``).

    Raises
    ------
    CatalogError
        The file is missing, not YAML, or breaks the schema (the message names the field).

    Examples
    --------
    >>> from kotaku_gis.maps._recipe import RECIPES_PATH, load_recipes
    >>> load_recipes(RECIPES_PATH).static.dpi
    150
    """
    return read_model(Path(path), Recipes, "map recipe")


@cache
def recipes() -> Recipes:
    """The packaged map recipes (``kotaku_gis/maps/recipes.yml``), read once."""
    return load_recipes(RECIPES_PATH)
