"""Checks shared by the status workflows kept as data (complaints, follow-up register)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import pandas as pd

from kotaku_gis._datafile import invalid

_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def check_workflow(layer: str, statuses: Sequence[str], transitions: Mapping[str, Sequence[str]], closed: str,
                   named: Iterable[str]) -> None:  # fmt: skip
    """Raise ValueError unless every status named is one of the layer's ``statuses``, ``transitions``
    lists each status once, and ``closed`` is final.

    Examples
    --------
    >>> check_workflow("x", ["a", "b"], {"a": ["b"], "b": []}, "b", ["a"])
    >>> check_workflow("x", ["a", "b"], {"a": ["b"], "b": ["a"]}, "b", [])
    Traceback (most recent call last):
    ...
    ValueError: status penutup 'b' harus status akhir
    """
    everything = set(named) | set(transitions) | {closed}
    for targets in transitions.values():
        everything |= set(targets)
    unknown = everything - set(statuses)
    if unknown:
        raise invalid("workflow.statuses_layers_yml", layer=layer, sorted_unknown=sorted(unknown))
    if set(transitions) != set(statuses):
        raise invalid("workflow.transitions_list_every", list_statuses=list(statuses))
    if transitions[closed]:
        raise invalid("workflow.closing_status_final", closed=closed)


def check_figures(values: Sequence[str], known: Sequence[str]) -> list[str]:
    """``values`` when each is one of ``known``; a ValueError naming the unknown ones otherwise.

    Examples
    --------
    >>> check_figures(["a"], ["a", "b"])
    ['a']
    """
    unknown = [v for v in values if v not in known]
    if unknown:
        raise invalid("workflow.unknown_figures_choose", unknown=unknown, join_known=", ".join(known))
    return list(values)


def with_status(frame: _Frame, status: str | Sequence[str] | None) -> _Frame:
    """The rows of ``frame`` whose ``status`` is ``status`` (one or several); all of them for None.

    Examples
    --------
    >>> with_status(pd.DataFrame({"status": ["a", "b", "c"]}), ["a", "c"])["status"].tolist()
    ['a', 'c']
    """
    if status is None:
        return frame
    wanted = [status] if isinstance(status, str) else list(status)
    return frame[frame["status"].isin(wanted)].reset_index(drop=True)
