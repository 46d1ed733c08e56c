"""User-facing strings in Bahasa Indonesia (default) and English.

Strings live in one folder per language beside this module (``id/``, ``en/``), in YAML files per
topic whose nested mappings are merged and addressed by dotted keys (``problem.swapped_axes.message``).
A key defined in two files is an error. Both languages must hold the same keys (checked by the tests).
Placeholders use :py:meth:`str.format` syntax.

Examples
--------
>>> from kotaku_gis import i18n
>>> i18n.text("where.row", "en", row=3)
'row 3'
>>> i18n.text("where.row", "id", row=3)
'baris 3'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from kotaku_gis._datafile import load_yaml

LANGUAGES = ("id", "en")


@cache
def strings(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to dotted keys."""
    if lang not in LANGUAGES:
        # local import: settings imports nothing from here, errors imports this module
        from kotaku_gis.errors import UsageError

        raise UsageError(f"language {lang!r} is not available; choose one of {', '.join(LANGUAGES)}")
    flat: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        for k, v in node.items():
            key = f"{prefix}{k}"
            if v is None:  # an empty section
                continue
            if isinstance(v, dict):
                walk(v, key + ".")
            elif key in flat:
                from kotaku_gis.errors import CatalogError

                raise CatalogError(f"i18n key {key!r} is defined twice in {lang}/")
            else:
                flat[key] = str(v)

    for path in sorted((Path(__file__).parent / lang).glob("*.yml")):
        with open(path, encoding="utf-8") as f:
            walk(load_yaml(f) or {}, "")
    return flat


def text(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The string ``key`` in ``lang`` (default ``settings.language``), with ``params`` filled in."""
    from kotaku_gis import settings

    template = strings(lang or settings.language)[key]
    return template.format(**params) if params else template


def label(entry: dict[str, str], lang: str | None = None) -> str:
    """Pick the ``lang`` text of a catalogue ``{id: ..., en: ...}`` mapping."""
    from kotaku_gis import settings

    return entry.get(lang or settings.language) or entry["id"]
