"""Reading the project's declarative files (catalogue, rules, recipes): YAML validated by a model."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from kotaku_gis.errors import CatalogError


class FrozenModel(BaseModel):
    """Base of every schema of a declarative file (rules, catalogue, recipes): unknown fields are
    refused, values cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)


def _i18n() -> Any:
    """:mod:`kotaku_gis.i18n` (imported when a message is needed: it reads its YAML with this module)."""
    from kotaku_gis import i18n

    return i18n


#: libyaml's loader where PyYAML was built with it (about 10x faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream: IO[str] | str) -> Any:
    """``yaml.safe_load`` with libyaml when available (the same values, parsed faster).

    Examples
    --------
    >>> load_yaml("a: [1, 2]")
    {'a': [1, 2]}
    """
    return yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader


def invalid(key: str, /, **params: Any) -> ValueError:
    """The error a schema validator raises, in the user's language (``i18n/<lang>/schema.yml``).

    pydantic puts its text in the message that names the file and the field (:func:`read_model`).

    Examples
    --------
    >>> str(invalid("catalog.column_names_repeat"))
    'nama kolom berulang'
    """
    return ValueError(_i18n().text(f"schema.{key}", **params))


def read_model(path: Path, model: type[M], what: str) -> M:
    """Read the YAML file ``path`` and validate it as ``model``.

    Raises
    ------
    CatalogError
        Naming the file and, for schema errors, every offending field (``columns.3.type``).
    """
    try:
        with open(path, encoding="utf-8") as f:
            raw = load_yaml(f)
    except OSError as exc:
        raise CatalogError(_i18n().text("datafile.unreadable", path=path, error=exc)) from exc
    except yaml.YAMLError as exc:
        raise CatalogError(_i18n().text("datafile.bad_yaml", path=path, error=exc)) from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  {'.'.join(map(str, e['loc'])) or '(file)'}: {e['msg']}" for e in exc.errors()]
        raise CatalogError(_i18n().text("datafile.schema", path=path, what=what, lines="\n".join(lines))) from exc
