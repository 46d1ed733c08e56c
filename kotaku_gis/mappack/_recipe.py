"""The recipe of a map pack: which levels, which products, which key figures (``mappack.yml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kotaku_gis import settings
from kotaku_gis._datafile import FrozenModel, invalid, read_model
from kotaku_gis.mappack._unit import FIGURES

#: The packaged recipe.
RECIPE_PATH: Path = Path(__file__).with_name("mappack.yml")

Tingkat = Literal["nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"]
Produk = Literal["peta", "png", "tabel", "laporan"]


class LevelSpec(FrozenModel):
    """What the units of one level get."""

    produk: list[Produk] = Field(min_length=1)
    progres_sampai: Tingkat = "kelurahan"


class PngSpec(FrozenModel):
    dpi: int = Field(gt=0, le=600)


class PackRecipe(FrozenModel):
    """The recipe of a map pack (``kotaku_gis/mappack/mappack.yml``; its comments explain each field)."""

    tingkat: dict[Tingkat, LevelSpec] = Field(min_length=1)
    tingkat_bawah: Tingkat
    unit: Literal["dengan_data", "semua"] = "dengan_data"
    leluhur: bool = True
    tabel: list[Literal["csv", "xlsx"]] = ["csv", "xlsx"]
    zip: Literal["provinsi", "kabkota", "kecamatan", "kelurahan"] | None = "kabkota"
    folder_aset: str = Field(default="aset", pattern=r"^[A-Za-z0-9_-]+$")
    angka_kunci: list[str] = Field(min_length=1)
    png: PngSpec

    @field_validator("angka_kunci")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from kotaku_gis._workflow import check_figures

        return check_figures(value, FIGURES)

    @model_validator(mode="after")
    def _levels(self) -> PackRecipe:
        if self.tingkat_bawah not in self.tingkat:
            raise invalid("mappack_recipe.tingkat_bawah_one", tingkat_bawah=self.tingkat_bawah)
        if self.folder_aset == "wilayah" or self.folder_aset == "zip":
            raise invalid("mappack_recipe.folder_aset_wilayah")
        return self


def load_recipe(path: str | Path) -> PackRecipe:
    """Read and validate a pack recipe.

    Raises
    ------
    CatalogError
        Missing, not YAML, or not following the schema (the message names the field).

    Examples
    --------
    >>> r = load_recipe(RECIPE_PATH)
    >>> r.tingkat_bawah, r.zip, r.tingkat["kabkota"].produk
    ('kabkota', 'kabkota', ['peta', 'png', 'tabel', 'laporan'])
    """
    return read_model(Path(path), PackRecipe, "map pack recipe")


@cache
def _packaged_recipe() -> PackRecipe:
    return load_recipe(RECIPE_PATH)


def recipe() -> PackRecipe:
    """The recipe in use: ``settings.mappack_recipe`` when set, else the packaged one."""
    custom = getattr(settings, "mappack_recipe", None)
    return load_recipe(custom) if custom else _packaged_recipe()


def resolve_recipe(r: PackRecipe | str | Path | None) -> PackRecipe:
    if r is None:
        return recipe()
    if isinstance(r, PackRecipe):
        return r
    return load_recipe(r)
