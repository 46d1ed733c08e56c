"""Lint and types are part of the test command: ruff and mypy, configured in pyproject.toml.

ruff: pyflakes, pycodestyle, isort, bugbear, pyupgrade, simplify, numpy, pandas-vet and a
complexity cap (no function above 20, radon's grade C); mypy: every function typed, untyped code
checked, no implicit Optional (``[tool.mypy]``). Both run on the package as CI runs the tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing():
    result = _run("ruff", "check", ".")  # the package, the tests and the scripts
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
