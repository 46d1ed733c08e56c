"""Slum assessment (penilaian kekumuhan): criterion scores, total, slum level, classification,
priority and handling pattern, following a versioned rule set.

The rules are data, in ``kotaku_gis/rules/`` (this module only reads them):

- ``permen_14_2018.yml`` (the default): Permen PUPR 14/PRT/M/2018, 7 aspects, 16 criteria, total 0-80;
- ``permen_02_2016.yml``: the earlier Permen PUPR 02/PRT/M/2016, 19 criteria, total 0-95, for old
  baselines (its criterion columns are ``kriteria16_<id>``; such rows usually carry only the total);
- ``klasifikasi.yml``: the classification matrix (A1..C6), the priorities 1..9 (those of the ilegal
  codes unverified) and the handling patterns.

Each criterion is the share (%) of the location affected, scored 0, 1, 3 or 5 by the rule set's share
bands. The regulation writes the bands on whole percents (25-50, 51-75, 76-100); a share with decimals
is read by its whole-percent part, so the edges are 25, 51 and 76: 50.67 -> 1, 51.11 -> 3,
75.91 -> 3, 76.56 -> 5. This reading reproduces every case observed in published assessments; it is
unverified and lives in the rule files, as do the total bands (a total of 59.5 -> sedang, 15.99 ->
tidak kumuh: the same whole-part reading).

Functions
---------
:func:`score`
    The assessment of each row: total (from the criteria when all are given, else the given
    total), level, consideration level, classification, priority and handling pattern.
:func:`assess`
    The same, with the warnings (for example a given total that disagrees with the criteria).
:func:`score_criteria`
    Scores of each criterion and aspect and their total, for one rule set.
:func:`indikator_7plus1`
    The KOTAKU 7+1 view: mean condition per aspect plus public open space.
:func:`rule_sets`, :func:`rule_set`, :func:`load_rule_set`, :func:`classification`
    The rule data, validated (a malformed file raises :class:`~kotaku_gis.errors.CatalogError`).

Bad input raises :class:`~kotaku_gis.errors.DataError` whose problems (codes ``scoring_*``) name the
row and the column: shares outside 0-100, criteria given only in part with no total, a total outside
0..max of its rule, an unknown rule id, an unknown land legality, a consideration score out of range.

Examples
--------
>>> import pandas as pd
>>> from kotaku_gis import scoring
>>> scoring.rule_sets()
['permen_02_2016', 'permen_14_2018']
>>> lokasi = pd.DataFrame({"nilai_kekumuhan": [45.0, 20.0], "nilai_pertimbangan_lain": [11, 5],
...                        "legalitas": ["legal", "legal"]})
>>> hasil = scoring.score(lokasi)
>>> hasil[["tingkat_kekumuhan", "tingkat_pertimbangan", "klasifikasi", "prioritas"]]
  tingkat_kekumuhan tingkat_pertimbangan klasifikasi  prioritas
0            sedang               tinggi          B1          2
1            ringan               rendah          C5          9
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kotaku_gis import i18n
from kotaku_gis import rules as _rules
from kotaku_gis._datafile import load_yaml
from kotaku_gis._scoring_input import (
    Criteria,
    Report,
    band,
    int_array,
    legality,
    numeric,
    report_shares,
    row_numbers,
    row_rules,
    str_column,
    with_missing,
)
from kotaku_gis.errors import CatalogError, Problem, UsageError
from kotaku_gis.rules.scoring import (  # noqa: F401  (the schema, re-exported where it was)
    CONSIDERATION_LEVELS,
    LEVELS,
    Aspect,
    Classification,
    Consideration,
    ConsiderationBand,
    ConsiderationComponent,
    ConsiderationLevel,
    Criterion,
    Digit,
    Level,
    LevelBand,
    PlusOne,
    PriorityEntry,
    RuleSet,
    ShareBand,
    SlumLevel,
    View7plus1,
)

#: Folder of the packaged rule files.
RULES_DIR: Path = _rules.RULES_DIR

#: Columns :func:`score` adds (``nilai_kekumuhan`` is replaced by the final total).
SCORE_COLUMNS: tuple[str, ...] = (
    "nilai_kekumuhan",
    "sumber_nilai",
    "tingkat_kekumuhan",
    "tingkat_pertimbangan",
    "klasifikasi",
    "prioritas",
    "pola_penanganan",
    "selisih_nilai",
)

#: A given total differing from the criteria total by more than this is reported.
_DISAGREEMENT = 1e-6

# --------------------------------------------------------------------------------------------
# Rule data: reading


def load_rule_set(path: str | Path) -> RuleSet:
    """Read and validate one rule-set file (for example a draft of a new regulation).

    Parameters
    ----------
    path : str or Path
        A YAML file following the :class:`RuleSet` schema.

    Returns
    -------
    RuleSet
        Pass it as ``rules=`` to :func:`score`, :func:`score_criteria` or :func:`indikator_7plus1`.

    Raises
    ------
    CatalogError
        The file is missing, not YAML, or breaks the schema (the message names the file and field).

    Examples
    --------
    >>> from kotaku_gis import scoring
    >>> rs = scoring.load_rule_set(scoring.RULES_DIR / "permen_14_2018.yml")
    >>> rs.max_total, len(rs.criteria)
    (80.0, 16)
    """
    return _rules.load("scoring", path)


@cache
def _packaged() -> dict[str, RuleSet]:
    sets: dict[str, RuleSet] = {}
    for path in sorted(RULES_DIR.glob("*.yml")):
        try:
            with open(path, encoding="utf-8") as f:
                raw = load_yaml(f)
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogError(i18n.text("datafile.bad_yaml", path=path, error=exc)) from exc
        if not (isinstance(raw, dict) and raw.get("kind") == "slum_assessment"):
            continue  # another kind of rule file (classification, screening...)
        rs = load_rule_set(path)
        if rs.id != path.stem:
            raise CatalogError(i18n.text("rules.id_differs", path=path, id=repr(rs.id)))
        sets[rs.id] = rs
    defaults = [rs.id for rs in sets.values() if rs.default]
    if len(defaults) != 1:
        raise CatalogError(i18n.text("rules.one_default", folder=RULES_DIR, found=defaults))
    return sets


def rule_sets() -> list[str]:
    """Ids of the packaged assessment rule sets.

    Examples
    --------
    >>> from kotaku_gis import scoring
    >>> scoring.rule_sets()
    ['permen_02_2016', 'permen_14_2018']
    """
    return sorted(_packaged())


def default_rule_set() -> RuleSet:
    """The rule set used when neither the row nor the call names one (``default: true``).

    Examples
    --------
    >>> from kotaku_gis import scoring
    >>> scoring.default_rule_set().id
    'permen_14_2018'
    """
    return next(rs for rs in _packaged().values() if rs.default)


def rule_set(rule_id: str) -> RuleSet:
    """The packaged rule set ``rule_id``.

    Raises
    ------
    UsageError
        No such rule set.

    Examples
    --------
    >>> from kotaku_gis import scoring
    >>> rs = scoring.rule_set("permen_02_2016")
    >>> rs.max_total, len(rs.criteria), [b.min for b in rs.total_bands]
    (95.0, 19, [0.0, 19.0, 45.0, 71.0])
    """
    sets = _packaged()
    if rule_id not in sets:
        raise UsageError(i18n.text("rules.unknown_set", rules=repr(rule_id), known=", ".join(sorted(sets))))
    return sets[rule_id]


def classification() -> Classification:
    """The classification/priority matrix and handling patterns (``rules/klasifikasi.yml``).

    Examples
    --------
    >>> from kotaku_gis import scoring
    >>> k = scoring.classification()
    >>> k.priorities["C3"].priority, k.priorities["A2"].verified
    (6, False)
    """
    return _rules.load("klasifikasi")


def _resolve(rules: str | RuleSet | None) -> RuleSet:
    if rules is None:
        return default_rule_set()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str):
        return rule_set(rules)
    raise UsageError(i18n.text("rules.bad_type", what="rules", expected="rule-set id / RuleSet", type=type(rules).__name__))


# --------------------------------------------------------------------------------------------
# Public analyses


def score_criteria(df: pd.DataFrame, rules: str | RuleSet | None = None, *, file: str = "kawasan_kumuh") -> pd.DataFrame:
    """Score each criterion and aspect, and total them, under one rule set.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame
        Rows with the rule set's criterion columns (shares in %, 0-100; empty = not assessed). A
        column absent from the frame counts as empty. ``aturan_penilaian`` is ignored here.
    rules : str or RuleSet, optional
        Rule-set id (``"permen_14_2018"``, the default, or ``"permen_02_2016"``) or a
        :class:`RuleSet` read with :func:`load_rule_set`.
    file : str
        Name shown as the file in problems.

    Returns
    -------
    DataFrame or GeoDataFrame
        A copy of ``df`` (geometry kept) with ``skor_<id>`` per criterion (0/1/3/5, empty where the
        share is empty), ``skor_aspek_<n>`` per aspect (empty unless all its criteria are given) and
        ``nilai_kriteria`` (the total, empty unless every criterion is given), as nullable integers.

    Raises
    ------
    DataError
        A share outside 0-100 or not a number (problems name the row and column).
    UsageError
        Unknown rule-set id.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis import scoring
    >>> shares = {c: [0.0, 100.0] for c in scoring.rule_set("permen_14_2018").columns}
    >>> shares["kriteria_1a"] = [50.67, 75.91]
    >>> out = scoring.score_criteria(pd.DataFrame(shares))
    >>> out[["skor_1a", "skor_aspek_1", "nilai_kriteria"]]
       skor_1a  skor_aspek_1  nilai_kriteria
    0        1             1               1
    1        3            13              78
    """
    rs = _resolve(rules)
    report = Report(file, row_numbers(df))
    crit = Criteria(df, rs)
    report_shares(report, df, rs, crit, np.ones(len(df), dtype=bool))
    report.raise_on_errors()
    out = df.copy()
    for j, c in enumerate(rs.criteria):
        out[f"skor_{c.id}"] = int_array(crit.scores[j], ~crit.present[j])
    start = 0
    for a in rs.aspects:
        cols = slice(start, start + len(a.criteria))
        start += len(a.criteria)
        out[f"skor_aspek_{a.number}"] = int_array(np.add.reduce(crit.scores[cols]), ~np.logical_and.reduce(crit.present[cols]))
    out["nilai_kriteria"] = int_array(crit.total, ~crit.complete)
    return out


@dataclass
class Assessment:
    """The outcome of :func:`assess`: the scored frame and the warnings found on the way.

    Attributes
    ----------
    frame : DataFrame or GeoDataFrame
        What :func:`score` returns.
    problems : list of Problem
        Warnings (severity ``warning``), in row order: given totals that disagree with the criteria
        (``scoring_total_disagrees``), incomplete criteria ignored in favour of a given total
        (``scoring_criteria_ignored``). Errors never appear here: they raise DataError.
        ``kotaku_gis.loader.problems_frame(result.problems)`` turns them into a report table.
    """

    frame: pd.DataFrame
    problems: list[Problem]

    @property
    def warnings(self) -> list[Problem]:
        """Only the problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]


def assess(df: pd.DataFrame, rules: str | RuleSet | None = None, *, file: str = "kawasan_kumuh") -> Assessment:
    """Score, level, classify and prioritise slum locations, and report what looked wrong.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame
        Rows of the ``kawasan_kumuh`` layer (catalogue column names). Used: the rule set's criterion
        columns, ``nilai_kekumuhan``, ``aturan_penilaian``, ``nilai_pertimbangan_lain`` and
        ``legalitas``; any may be absent. A ``_baris`` column (as the loader adds) gives the row
        numbers shown in problems; else rows are numbered 1.. in frame order.
    rules : str or RuleSet, optional
        Rule set for rows whose ``aturan_penilaian`` is empty (or when the column is absent); default
        the packaged default (``permen_14_2018``). A row's own ``aturan_penilaian`` always wins.
    file : str
        Name shown as the file in problems.

    Returns
    -------
    Assessment
        ``frame``: a copy of ``df`` (geometry kept) with ``aturan_penilaian`` filled with the rule set
        applied and these columns:

        - ``nilai_kekumuhan`` (float): the final total: the sum of the criterion scores when every
          criterion of the row's rule set is given, else the given total;
        - ``sumber_nilai``: ``kriteria`` or ``total``, whichever the final total came from;
        - ``tingkat_kekumuhan``: ``berat``/``sedang``/``ringan``/``tidak_kumuh`` by the rule set's
          total bands;
        - ``tingkat_pertimbangan``: ``tinggi``/``sedang``/``rendah`` from
          ``nilai_pertimbangan_lain``; empty when that is empty;
        - ``klasifikasi``: ``A1``..``C6``; empty for ``tidak_kumuh`` or when the consideration score or
          the legality is empty;
        - ``prioritas`` (nullable integer): 1..9 for the code (ilegal codes: unverified);
        - ``pola_penanganan``: ``pemugaran``/``peremajaan``/``pemukiman_kembali``; empty for
          ``tidak_kumuh``, and when the legality is empty unless both legalities give the same pattern;
        - ``selisih_nilai`` (float): given total minus criteria total where they disagree, else empty.

        The text columns are categoricals. ``problems``: the warnings (see :class:`Assessment`).

    Raises
    ------
    DataError
        Any error; its ``problems`` hold errors and warnings, each naming row and column:
        ``scoring_share_out_of_range``, ``scoring_not_a_number``, ``scoring_criteria_incomplete``
        (some criteria given, others empty, and no total: one problem per empty criterion),
        ``scoring_no_assessment`` (neither criteria nor total), ``scoring_total_out_of_range`` (outside
        0..max of the row's rule set), ``scoring_rule_unknown``, ``scoring_legalitas_unknown``,
        ``scoring_pertimbangan_out_of_range``.
    UsageError
        ``rules`` names no rule set.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis import scoring
    >>> row = {c: 30.0 for c in scoring.rule_set("permen_14_2018").columns}  # every criterion -> 1
    >>> row.update(nilai_kekumuhan=20.0, nilai_pertimbangan_lain=8, legalitas="legal")
    >>> result = scoring.assess(pd.DataFrame([row]))
    >>> result.frame[["nilai_kekumuhan", "sumber_nilai", "selisih_nilai", "klasifikasi"]]
       nilai_kekumuhan sumber_nilai  selisih_nilai klasifikasi
    0             16.0     kriteria            4.0          C3
    >>> [p.code for p in result.warnings]
    ['scoring_total_disagrees']
    """
    fallback = _resolve(rules)
    klas = classification()
    n = len(df)
    report = Report(file, row_numbers(df))
    rule_idx, listed = row_rules(df, fallback, _packaged(), report)

    given, given_nan = numeric(df, "nilai_kekumuhan")
    report.add("scoring_not_a_number", given_nan, "nilai_kekumuhan", value=df.get("nilai_kekumuhan", pd.Series()).to_numpy())

    s = _Scores.empty(n)
    for r, rs in enumerate(listed):
        rows = rule_idx == r
        if rows.any():
            _score_rule_set(df, rs, rows, given, report, s)
    final, source, level, cons_level, diff = s.final, s.source, s.level, s.cons_level, s.diff

    legal = legality(df, klas.legalities, report)
    report.raise_on_errors()

    # Lookup tables: level x consideration x legality, each axis with a trailing "missing" slot.
    nl, ng = len(LEVELS), len(klas.legalities)
    codes = np.full((nl + 1, len(CONSIDERATION_LEVELS) + 1, ng + 1), None, dtype=object)
    prio = np.zeros(codes.shape, dtype="int64")
    handling = np.full((nl + 1, ng + 1), None, dtype=object)
    for li, lv in enumerate(LEVELS):
        if lv not in klas.letters:
            continue
        for ci, cv in enumerate(CONSIDERATION_LEVELS):
            for gi, g in enumerate(klas.legalities):
                code = klas.code(lv, cv, g)
                codes[li, ci, gi] = code
                prio[li, ci, gi] = klas.priorities[code].priority  # type: ignore[index]
        patterns = [klas.handling[lv][g] for g in klas.legalities]
        handling[li, :ng] = patterns
        if len(set(patterns)) == 1:
            handling[li, ng] = patterns[0]
    flat_codes = codes.ravel()
    code_index = np.ravel_multi_index(
        (
            np.where(level < 0, nl, level),
            np.where(cons_level < 0, len(CONSIDERATION_LEVELS), cons_level),
            np.where(legal < 0, ng, legal),
        ),
        codes.shape,
    )
    hand_index = np.ravel_multi_index((np.where(level < 0, nl, level), np.where(legal < 0, ng, legal)), handling.shape)

    out = df.copy()
    names = np.array([rs.id for rs in listed], dtype=object)
    out["aturan_penilaian"] = names[rule_idx]
    out["nilai_kekumuhan"] = final
    out["sumber_nilai"] = str_column(with_missing(["kriteria", "total"]), source)
    out["tingkat_kekumuhan"] = str_column(with_missing(LEVELS), level)
    out["tingkat_pertimbangan"] = str_column(with_missing(CONSIDERATION_LEVELS), cons_level)
    out["klasifikasi"] = str_column(flat_codes, code_index, sort=True)
    picked = prio.ravel()[code_index]
    out["prioritas"] = int_array(picked, picked == 0)
    out["pola_penanganan"] = str_column(handling.ravel(), hand_index)
    out["selisih_nilai"] = diff
    return Assessment(out, report.sorted())


def score(df: pd.DataFrame, rules: str | RuleSet | None = None, *, file: str = "kawasan_kumuh") -> pd.DataFrame:
    """The assessment of each slum location: :func:`assess` without the warnings.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame
        Rows of the ``kawasan_kumuh`` layer; see :func:`assess`.
    rules : str or RuleSet, optional
        Rule set for rows without ``aturan_penilaian``; default ``permen_14_2018``.
    file : str
        Name shown as the file in problems.

    Returns
    -------
    DataFrame or GeoDataFrame
        A copy of ``df`` with ``nilai_kekumuhan`` (final), ``sumber_nilai``, ``tingkat_kekumuhan``,
        ``tingkat_pertimbangan``, ``klasifikasi``, ``prioritas``, ``pola_penanganan`` and
        ``selisih_nilai`` (see :func:`assess`). Disagreements stay visible in ``selisih_nilai``; call
        :func:`assess` for them as Problem records.

    Raises
    ------
    DataError, UsageError
        As :func:`assess`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis import scoring
    >>> lama = pd.DataFrame({"aturan_penilaian": ["permen_02_2016", "permen_14_2018"],
    ...                      "nilai_kekumuhan": [70.0, 70.0], "nilai_pertimbangan_lain": [5, 5],
    ...                      "legalitas": ["ilegal", "legal"]})
    >>> scoring.score(lama)[["tingkat_kekumuhan", "klasifikasi", "prioritas", "pola_penanganan"]]
      tingkat_kekumuhan klasifikasi  prioritas    pola_penanganan
    0            sedang          B6          8  pemukiman_kembali
    1             berat          A5          7  pemukiman_kembali
    """
    return assess(df, rules, file=file).frame


def indikator_7plus1(df: pd.DataFrame, rules: str | RuleSet | None = None, *, file: str = "kawasan_kumuh") -> pd.DataFrame:
    """The KOTAKU 7+1 view: the condition of each aspect plus public open space, per location.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame
        Rows with criterion shares (each row under its ``aturan_penilaian``, else ``rules``) and,
        for the "+1", ``rtp_tersedia`` (% of the public-open-space need met).
    rules : str or RuleSet, optional
        Rule set for rows without ``aturan_penilaian``; default ``permen_14_2018``.
    file : str
        Name shown as the file in problems.

    Returns
    -------
    DataFrame or GeoDataFrame
        A copy of ``df`` with ``kondisi_aspek_1`` .. ``kondisi_aspek_7``: the mean of the aspect's
        criterion shares (% of the location affected, as the published slum profiles' "rata-rata
        kondisi"; empty unless all the aspect's criteria are given) and ``kondisi_aspek_8``: the share
        of the public-open-space need not met (100 - ``rtp_tersedia``). Higher is worse in all eight.

    Raises
    ------
    DataError
        A share or ``rtp_tersedia`` outside 0-100 or not a number; an unknown rule id.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis import scoring
    >>> row = {c: 0.0 for c in scoring.rule_set("permen_14_2018").columns}
    >>> row.update(kriteria_2a=12.82, kriteria_2b=77.56, rtp_tersedia=40.0)
    >>> scoring.indikator_7plus1(pd.DataFrame([row]))[["kondisi_aspek_2", "kondisi_aspek_8"]].round(2)
       kondisi_aspek_2  kondisi_aspek_8
    0            45.19             60.0
    """
    fallback = _resolve(rules)
    n = len(df)
    report = Report(file, row_numbers(df))
    rule_idx, listed = row_rules(df, fallback, _packaged(), report)
    numbers = sorted({a.number for rs in listed for a in rs.aspects})
    kondisi = {k: np.full(n, np.nan) for k in numbers}
    extra: dict[int, np.ndarray] = {}
    for r, rs in enumerate(listed):
        rows = rule_idx == r
        if not rows.any():
            continue
        crit = Criteria(df, rs)
        report_shares(report, df, rs, crit, rows)
        start = 0
        for a in rs.aspects:
            cols = slice(start, start + len(a.criteria))
            start += len(a.criteria)
            mean = np.add.reduce(crit.shares[cols]) / len(a.criteria)  # NaN unless every share is given
            kondisi[a.number][rows] = mean[rows]
        p = rs.view_7plus1.plus_one
        value, nan = numeric(df, p.column)
        report.add("scoring_not_a_number", rows & nan, p.column, value=df.get(p.column, pd.Series()).to_numpy())
        report.add("scoring_percent_out_of_range", rows & ((value < 0) | (value > 100)), p.column, value=value)
        condition = 100.0 - value if p.condition == "deficit" else value
        extra.setdefault(p.number, np.full(n, np.nan))[rows] = condition[rows]
    report.raise_on_errors()
    out = df.copy()
    for k in numbers:
        out[f"kondisi_aspek_{k}"] = kondisi[k]
    for k, values in sorted(extra.items()):
        out[f"kondisi_aspek_{k}"] = values
    return out


def total_levels(totals: np.ndarray, rules: str | RuleSet | None = None) -> np.ndarray:
    """The slum level (``tingkat_kekumuhan``) of each total by the rule set's total bands.

    What :func:`score` gives a row holding only ``nilai_kekumuhan``, without building the frame (the
    roll-up levels each unit's mean score this way).

    Parameters
    ----------
    totals : numpy.ndarray
        Totals (float); NaN for none.
    rules : str or RuleSet, optional
        Rule set of the bands; default ``permen_14_2018``.

    Returns
    -------
    numpy.ndarray
        Object array of level names; NaN where the total is NaN or below the first band.

    Examples
    --------
    >>> import numpy as np
    >>> total_levels(np.array([45.0, 12.0, np.nan])).tolist()
    ['sedang', 'tidak_kumuh', nan]
    """
    values = np.asarray(totals, dtype="float64")
    return np.array([*LEVELS, np.nan], dtype=object)[_level_index(values, _resolve(rules))]


def _level_index(totals: np.ndarray, rs: RuleSet) -> np.ndarray:
    """Index into :data:`LEVELS` of each total by the bands of ``rs`` (-1: NaN or below the first band)."""
    to_level = np.array([LEVELS.index(b.level) for b in rs.total_bands] + [-1], dtype="int64")
    return to_level[band(totals, (b.min for b in rs.total_bands))]


@dataclass
class _Scores:
    """What :func:`assess` computes per row, filled rule set by rule set."""

    final: np.ndarray  # the final total
    source: np.ndarray  # 0 kriteria, 1 total, -1 none
    level: np.ndarray  # index into LEVELS, -1 none
    cons_level: np.ndarray  # index into CONSIDERATION_LEVELS, -1 none
    diff: np.ndarray  # given minus criteria total where they disagree

    @classmethod
    def empty(cls, n: int) -> _Scores:
        return cls(np.full(n, np.nan), np.full(n, -1, dtype="int64"), np.full(n, -1, dtype="int64"),
                   np.full(n, -1, dtype="int64"), np.full(n, np.nan))  # fmt: skip


def _score_rule_set(df: pd.DataFrame, rs: RuleSet, rows: np.ndarray, given: np.ndarray, report: Report, s: _Scores) -> None:
    """Score the ``rows`` assessed under ``rs`` into ``s``, reporting what looked wrong."""
    has_given = ~np.isnan(given)
    crit = Criteria(df, rs)
    report_shares(report, df, rs, crit, rows)
    _report_criteria(report, rs, crit, rows, given)
    complete, total = crit.complete, crit.total
    by_criteria = rows & complete
    by_total = rows & ~complete & has_given
    s.final[by_criteria] = total[by_criteria]
    s.final[by_total] = given[by_total]
    s.source[by_criteria] = 0
    s.source[by_total] = 1
    disagree = by_criteria & has_given & (np.abs(given - total) > _DISAGREEMENT)
    s.diff[disagree] = (given - total)[disagree]
    report.add("scoring_total_disagrees", disagree, "nilai_kekumuhan", "warning", given=given, computed=total, rule=rs.id)

    s.level[rows] = _level_index(s.final, rs)[rows]

    cons = rs.consideration
    cval, cnan = numeric(df, cons.column)
    report.add("scoring_not_a_number", rows & cnan, cons.column, value=df.get(cons.column, pd.Series()).to_numpy())
    report.add("scoring_pertimbangan_out_of_range", rows & ((cval < cons.min) | (cval > cons.max)), cons.column,
               value=cval, min=cons.min, max=cons.max)  # fmt: skip
    to_cons = np.array([CONSIDERATION_LEVELS.index(b.level) for b in cons.bands] + [-1], dtype="int64")
    s.cons_level[rows] = to_cons[band(cval, (b.min for b in cons.bands))][rows]


def _report_criteria(report: Report, rs: RuleSet, crit: Criteria, rows: np.ndarray, given: np.ndarray) -> None:
    """Problems of the criteria of ``rows``: some given and others empty, none at all, a total out of range."""
    has_given = ~np.isnan(given)
    ids = [c.id for c in rs.criteria]

    def missing(i: int) -> str:
        return ", ".join(k for k, p in zip(ids, crit.present) if not p[i])

    partial = rows & crit.any & ~crit.complete
    for j, c in enumerate(rs.criteria):
        report.add("scoring_criteria_incomplete", partial & ~has_given & ~crit.present[j], c.column, criterion=c.id,
                   filled=crit.filled, total=len(ids), rule=rs.id)  # fmt: skip
    report.add("scoring_criteria_ignored", partial & has_given, "nilai_kekumuhan", "warning", missing=missing, given=given,
               rule=rs.id)  # fmt: skip
    report.add("scoring_no_assessment", rows & ~crit.any & ~has_given, "nilai_kekumuhan", total=len(ids), rule=rs.id)
    report.add("scoring_total_out_of_range", rows & has_given & ((given < 0) | (given > rs.max_total)), "nilai_kekumuhan",
               value=given, max=rs.max_total, rule=rs.id)  # fmt: skip
