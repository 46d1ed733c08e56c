"""Scoring inputs (private to :mod:`kotaku_gis.scoring`): the problem report, reading criteria, rule
sets per row and land legality from a frame, and the vectorised helpers of the analyses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from kotaku_gis.errors import DataError, Problem
from kotaku_gis.files import ROW
from kotaku_gis.rules.scoring import RuleSet

# --------------------------------------------------------------------------------------------
# Problems


def _show(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return round(value, 4)
    return value


class Report:
    """Problems of one frame, with user-visible row numbers."""

    def __init__(self, file: str, rows: np.ndarray):
        self.file = file
        self.rows = rows
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        mask: np.ndarray,
        column: str | None,
        severity: str = "error",
        **params: np.ndarray | Callable[[int], Any] | Any,
    ) -> None:
        """One problem per row where ``mask`` holds; array/callable params are taken per row."""
        for i in (int(j) for j in np.flatnonzero(mask)):
            values = {}
            for k, v in params.items():
                if isinstance(v, np.ndarray):
                    v = v[i]
                elif callable(v):
                    v = v(i)
                values[k] = _show(v)
            self.problems.append(
                Problem(code, self.file, int(self.rows[i]), column, severity, values)  # type: ignore[arg-type]
            )

    def raise_on_errors(self) -> None:
        if any(p.severity == "error" for p in self.problems):
            raise DataError(self.sorted())

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: p.row or 0)


def row_numbers(df: pd.DataFrame) -> np.ndarray:
    if ROW in df.columns:
        return df[ROW].to_numpy()
    return np.arange(1, len(df) + 1)


# --------------------------------------------------------------------------------------------
# Vectorised helpers


def numeric(df: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The column as float64 (NaN where empty) and a mask of non-empty values that are not numbers."""
    n = len(df)
    if column not in df.columns:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    s = df[column]
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype="float64", na_value=np.nan), np.zeros(n, dtype=bool)
    num = pd.to_numeric(s, errors="coerce")
    given = s.notna().to_numpy() & (s.astype("string").str.strip() != "").fillna(False).to_numpy(dtype=bool)
    values = num.to_numpy(dtype="float64", na_value=np.nan)
    return values, given & np.isnan(values)


def band(values: np.ndarray, mins: Iterable[float]) -> np.ndarray:
    """Index of the band holding each value (band ``i`` holds ``mins[i] <= v < mins[i+1]``); -1 for NaN
    or below the first band. One comparison per edge: faster than a search for a handful of bands."""
    edges = list(mins)
    idx = np.full(values.shape, -1, dtype="int64")
    for edge in edges:
        idx += values >= edge  # NaN compares False
    return idx


def with_missing(labels: Iterable[Any], missing: Any = None) -> np.ndarray:
    """An object array of ``labels`` plus a trailing ``missing`` slot, so that index -1 picks it."""
    return np.array([*labels, missing], dtype=object)


class Criteria:
    """Criterion shares and scores of every row under one rule set, one vector per criterion."""

    def __init__(self, df: pd.DataFrame, rs: RuleSet):
        n = len(df)
        self.shares: list[np.ndarray] = []
        self.not_number: list[np.ndarray] = []
        self.scores: list[np.ndarray] = []
        self.present: list[np.ndarray] = []
        edges = [(b.min, b.score) for b in rs.share_bands]
        absent = (np.full(n, np.nan), np.zeros(n, dtype=bool), np.zeros(n, dtype="int16"))  # read only
        for col in rs.columns:
            if col not in df.columns:  # e.g. the kriteria16_* columns of a totals-only baseline
                self.shares.append(absent[0])
                self.not_number.append(absent[1])
                self.scores.append(absent[2])
                self.present.append(absent[1])
                continue
            values, not_number = numeric(df, col)
            present = ~np.isnan(values) | not_number  # a non-number is given (and reported), not missing
            # score = first band's score + the step of every band edge the share reaches
            score = np.full(n, edges[0][1], dtype="int16")
            for (_, before), (edge, after) in zip(edges, edges[1:]):
                score += (values >= edge).view(np.int8) * np.int16(after - before)
            score[~present] = 0
            self.shares.append(values)
            self.not_number.append(not_number)
            self.scores.append(score)
            self.present.append(present)
        self.complete: np.ndarray = np.logical_and.reduce(self.present)
        self.any: np.ndarray = np.logical_or.reduce(self.present)
        self.total: np.ndarray = np.add.reduce(self.scores, dtype="int64")

    def out_of_range(self, j: int) -> np.ndarray:
        v = self.shares[j]
        return (v < 0) | (v > 100)

    def filled(self, i: int) -> int:
        return int(sum(p[i] for p in self.present))


def report_shares(report: Report, df: pd.DataFrame, rs: RuleSet, crit: Criteria, rows: np.ndarray) -> None:
    for j, c in enumerate(rs.criteria):
        if crit.not_number[j].any():
            report.add("scoring_not_a_number", rows & crit.not_number[j], c.column, value=df[c.column].to_numpy())
        report.add("scoring_share_out_of_range", rows & crit.out_of_range(j), c.column, value=crit.shares[j], criterion=c.id)


def row_rules(
    df: pd.DataFrame, fallback: RuleSet, packaged: dict[str, RuleSet], report: Report
) -> tuple[np.ndarray, list[RuleSet]]:
    """Index of each row's rule set into the returned list (-1: unknown id, reported); ``packaged``: the
    rule sets a row may name by id."""
    n = len(df)
    if "aturan_penilaian" not in df.columns:
        return np.zeros(n, dtype="int64"), [fallback]
    known = {**packaged, fallback.id: fallback}
    codes, uniques = pd.factorize(df["aturan_penilaian"])
    listed: list[RuleSet] = [fallback]
    lookup = np.empty(len(uniques) + 1, dtype="int64")
    lookup[-1] = 0  # an empty cell: the call's rule set (factorize codes it -1)
    for u, value in enumerate(uniques):
        key = str(value).strip()
        if key == "":
            lookup[u] = 0
        elif key in known:
            if known[key] not in listed:
                listed.append(known[key])
            lookup[u] = listed.index(known[key])
        else:
            lookup[u] = -1
    idx = lookup[codes]
    raw = df["aturan_penilaian"].to_numpy()
    report.add(
        "scoring_rule_unknown",
        idx < 0,
        "aturan_penilaian",
        value=raw,
        allowed=", ".join(sorted(known)),
        default=fallback.id,
    )
    return idx, listed


def legality(df: pd.DataFrame, legalities: tuple[str, ...], report: Report) -> np.ndarray:
    """Index of each row's legality into ``legalities``; -1 when empty (and -2 for unknown, reported)."""
    n = len(df)
    if "legalitas" not in df.columns:
        return np.full(n, -1, dtype="int64")
    codes, uniques = pd.factorize(df["legalitas"])
    lookup = np.full(len(uniques) + 1, -1, dtype="int64")
    for u, value in enumerate(uniques):
        key = str(value).strip().lower()
        if key == "":
            continue
        lookup[u] = legalities.index(key) if key in legalities else -2
    idx = lookup[codes]
    report.add(
        "scoring_legalitas_unknown",
        idx == -2,
        "legalitas",
        value=df["legalitas"].to_numpy(),
        allowed=", ".join(legalities),
    )
    return idx


def int_array(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)


def str_column(labels: np.ndarray, index: np.ndarray, sort: bool = False) -> pd.Categorical:
    """Labels picked by ``index`` (-1: missing) as a categorical of the label vocabulary."""
    categories = [x for x in dict.fromkeys(labels.tolist()) if x is not None]
    if sort:
        categories.sort()
    lookup = np.array([categories.index(x) if x is not None else -1 for x in labels], dtype="int64")
    return pd.Categorical.from_codes(lookup[index], categories=categories)
