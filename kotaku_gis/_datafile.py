"""Reading the project's declarative files (catalogue, rules, recipes): YAML validated by a model."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from kotaku_gis.errors import CatalogError



class FrozenModel(BaseModel):
    """Base of every schema of a declarative file (rules, catalogue, recipes): unknown fields are
    refused, values cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)


def read_model(path: Path, model: type[M], what: str) -> M:
    """Read the YAML file ``path`` and validate it as ``model``.

    Raises
    ------
    CatalogError
        Naming the file and, for schema errors, every offending field (``columns.3.type``).
    """
    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  {'.'.join(map(str, e['loc'])) or '(file)'}: {e['msg']}" for e in exc.errors()]
        raise CatalogError(f"{path} does not follow the {what} schema:\n" + "\n".join(lines)) from exc
