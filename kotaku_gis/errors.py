"""Exception types of kotaku-gis.

Every error the package raises comes from this module. Errors about users' data carry
:class:`Problem` records that name the file, the row, the column and the fix, so that the
message can be shown to a Korkot team as it is, in Bahasa Indonesia or English.

The command line maps them to exit codes: :class:`UsageError` -> 2, every other
:class:`KotakuError` -> 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kotaku_gis import i18n

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    Parameters
    ----------
    code : str
        Message key in the i18n catalogue (``kotaku_gis/i18n/*.yml``, section ``problem``); the
        fix is the key's ``fix`` entry.
    file : str
        Name of the input file.
    row : int or None
        Row number as the user sees it: 1-based feature number in the file (for CSV and Excel,
        the data row below the header); None for file-wide problems.
    column : str or None
        Column in the user's file (the original name, before any mapping).
    severity : {"error", "warning", "info"}
        Errors reject the row (and so the load); warnings and infos are reported only.
    params : dict
        Values substituted into the message and the fix.
    """

    code: str
    file: str
    row: int | None = None
    column: str | None = None
    severity: Severity = "error"
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        """The problem in words, in ``lang`` (default: ``settings.language``)."""
        return i18n.text(f"problem.{self.code}.message", lang, **self.params)

    def fix(self, lang: str | None = None) -> str:
        """What the user should do about it."""
        return i18n.text(f"problem.{self.code}.fix", lang, **self.params)

    def where(self, lang: str | None = None) -> str:
        """``file, baris N, kolom C`` (or its English form)."""
        parts = [self.file]
        if self.row is not None:
            parts.append(i18n.text("where.row", lang, row=self.row))
        if self.column is not None:
            parts.append(i18n.text("where.column", lang, column=self.column))
        return ", ".join(parts)

    def __str__(self) -> str:
        label = i18n.text(f"severity.{self.severity}")
        return f"{label}: {self.where()}: {self.message()} {i18n.text('where.fix')}: {self.fix()}"


class KotakuError(Exception):
    """Base class of every error raised by kotaku-gis."""


class UsageError(KotakuError):
    """The call itself is wrong: an unknown layer, option or combination of options."""


class CatalogError(KotakuError):
    """A file in the layer catalogue, a rule set or a mapping does not follow its schema."""


class StoreError(KotakuError):
    """The store cannot be opened, is of an unsupported schema version, or refused a write."""


class DataError(KotakuError):
    """Input data has problems that stop the operation; nothing was written.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, errors and warnings, in file order.
    report_path : str, optional
        Where the full report (with the rejected rows) was written.
    """

    def __init__(self, problems: list[Problem], report_path: str | None = None):
        self.problems = list(problems)
        self.report_path = report_path
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(f"  - {p}" for p in errors[:20])
        more = len(errors) - 20
        head = i18n.text("error.data_rejected", count=len(errors))
        tail = ""
        if more > 0:
            tail += "\n  " + i18n.text("error.more_problems", count=more)
        if report_path:
            tail += "\n  " + i18n.text("error.report_at", path=report_path)
        super().__init__(f"{head}\n{shown}{tail}")

    @property
    def errors(self) -> list[Problem]:
        """Only the problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]
