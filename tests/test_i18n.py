"""User-facing strings: both languages complete, placeholders consistent."""

from __future__ import annotations

import re

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
