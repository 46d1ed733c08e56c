"""User-facing strings: both languages complete, placeholders consistent."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kotaku_gis import i18n
from kotaku_gis.errors import UsageError


def test_both_languages_hold_the_same_keys():
    assert set(i18n.strings("id")) == set(i18n.strings("en"))


def test_placeholders_agree_between_languages():
    ids, ens = i18n.strings("id"), i18n.strings("en")
    for key in ids:
        assert set(re.findall(r"{(\w+)}", ids[key])) == set(re.findall(r"{(\w+)}", ens[key])), key


def test_every_problem_has_a_message_and_a_fix():
    keys = i18n.strings("id")
    codes = {k.split(".")[1] for k in keys if k.startswith("problem.")}
    for code in codes:
        assert f"problem.{code}.message" in keys and f"problem.{code}.fix" in keys, code


def test_unknown_language_is_a_usage_error():
    with pytest.raises(UsageError):
        i18n.strings("fr")


# -- no English-only message raised, no missing key --------------------------------------------------
PACKAGE = Path(i18n.__file__).parent.parent
#: The user-facing error classes of kotaku_gis/errors.py (DataError takes Problem records, not text).
USER_ERRORS = {"KotakuError", "UsageError", "CatalogError", "StoreError"}
#: Files allowed to raise a literal message, with the reason.
LITERAL_ALLOWED = {
    "i18n/__init__.py": "the strings' own loader: its failures (an unknown language, a key defined twice) "
    "happen before any string can be looked up",
}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _is_literal(node: ast.expr) -> bool:
    """A str literal, an f-string, or a + / % of them: text written in the code."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    return False


def _literal_raises(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        call = node.exc if isinstance(node, ast.Raise) else None
        if isinstance(call, ast.Call) and _name(call.func) in USER_ERRORS and call.args and _is_literal(call.args[0]):
            lines.append(node.lineno)
    return lines


def test_the_literal_message_check_sees_one():
    source = 'raise UsageError(f"{path}: file not found")\nraise errors.StoreError("x" + y)\nraise UsageError(i18n.text("k"))'
    assert _literal_raises(source) == [1, 2]


def test_no_user_facing_error_is_raised_with_a_literal_message():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where not in LITERAL_ALLOWED:
            found += [f"{where}:{line}" for line in _literal_raises(path.read_text(encoding="utf-8"))]
    assert found == [], "messages not through kotaku_gis.i18n (add a key in i18n/id and i18n/en): " + ", ".join(found)


def _keys_used() -> set[tuple[str, str]]:
    """Every key given as a literal to ``i18n.text`` / ``text`` in the package, with where."""
    used = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "text" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and "." in first.value:
                    used.add((first.value, f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}"))
    return used


def test_every_key_used_exists_in_both_languages():
    used = _keys_used()
    assert len(used) > 100  # the scan sees the package's messages
    for lang in i18n.LANGUAGES:
        missing = sorted(f"{key} ({where})" for key, where in used if key not in i18n.strings(lang))
        assert missing == [], f"{lang}: {missing}"
