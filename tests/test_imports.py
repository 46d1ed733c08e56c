"""The module tree: every module imports on its own, and the analyses stay below the store.

Layering: the analyses (pure computations on frames) never import the store, the command line,
the maps or the map pack; those import the analyses, never the other way round.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kotaku_gis

PACKAGE = Path(kotaku_gis.__file__).parent
MODULES = sorted(
    m.name for m in pkgutil.walk_packages([str(PACKAGE)], prefix="kotaku_gis.")
)
ANALYSES = ("scoring", "progress", "screening", "staffing", "pengaduan", "privacy", "tindak_lanjut", "wilayah", "geodesy")
FORBIDDEN = ("kotaku_gis.store", "kotaku_gis.cli", "kotaku_gis.maps", "kotaku_gis.mappack")


def imported(path: Path) -> set[str]:
    """Every kotaku_gis module a source file imports (at module level or inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in names if n.startswith("kotaku_gis")}


def test_the_module_list_is_complete():
    assert "kotaku_gis.cli" in MODULES and "kotaku_gis._validate" in MODULES and len(MODULES) > 40


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_in_a_fresh_interpreter(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", ANALYSES)
def test_analyses_never_import_store_cli_maps_or_mappack(name):
    offending = sorted(
        n for n in imported(PACKAGE / f"{name}.py") if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)
    )
    assert offending == [], f"{name}.py imports {offending}"


def test_the_layering_check_sees_an_import():
    # the check above can fail: cli.py imports the store
    assert "kotaku_gis.store" in imported(PACKAGE / "cli.py")
