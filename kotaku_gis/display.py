"""How kotaku-gis objects show themselves in Jupyter (``_repr_html_``).

A :class:`~kotaku_gis.loader.LoadReport` shows its outcome in one line and its problems as a table;
a :class:`~kotaku_gis.store.Store` shows its backend, its location (never a password) and what each
layer holds. The text is in ``settings.language`` (``kotaku_gis/i18n/<lang>/display.yml``).

Examples
--------
>>> from kotaku_gis.loader import LoadReport
>>> from kotaku_gis.errors import Problem
>>> report = LoadReport("kegiatan", "kegiatan.csv", 3, [Problem("crs_missing", "kegiatan.csv")])
>>> html = load_report_html(report, lang="en")
>>> "Rejected" in html and "kegiatan.csv" in html
True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from kotaku_gis import i18n

if TYPE_CHECKING:
    from kotaku_gis.loader import LoadReport
    from kotaku_gis.store import Store

_STATE_COLOURS = {"rejected": "#b00020", "checked": "#1b5e20", "loaded": "#1b5e20"}


def _t(key: str, lang: str | None, **params: object) -> str:
    return html.escape(i18n.text(f"display.{key}", lang, **params))


def load_report_html(report: LoadReport, lang: str | None = None) -> str:
    """A load report as HTML: title, counts, outcome, report file and the problem table."""
    infos = sum(p.severity == "info" for p in report.problems)
    if report.errors:
        state, outcome = "rejected", _t("report_rejected", lang)
    elif report.summary is None:
        state, outcome = "checked", _t("report_checked", lang)
    else:
        s = report.summary
        state = "loaded"
        outcome = _t(
            "report_loaded",
            lang,
            added=s.added_rows,
            replaced=s.replaced_rows,
            removed=s.removed_rows,
            partitions=", ".join(s.partitions),
        )
    parts = [
        f"<div><strong>{_t('report_title', lang, layer=report.layer, file=report.file)}</strong><br>",
        _t("report_counts", lang, rows=report.rows_read, errors=len(report.errors),
           warnings=len(report.warnings), infos=infos),
        f'<br><span style="color:{_STATE_COLOURS[state]}">{outcome}</span>',
    ]  # fmt: skip
    if report.report_path is not None:
        parts.append("<br>" + _t("report_file", lang, path=report.report_path))
    parts.append("</div>")
    changes = report.changes(lang)
    if len(changes):
        parts.append(changes.to_html(index=False, escape=True))
    if report.problems:
        parts.append(report.to_frame(lang).to_html(index=False, na_rep="", escape=True))
    else:
        parts.append(f"<p>{_t('report_clean', lang)}</p>")
    return "\n".join(parts)


def store_html(store: Store, lang: str | None = None) -> str:
    """A store as HTML: backend and location (password hidden), then the table of its layers."""
    title = f"<div><strong>{_t('store_title', lang, kind=store.kind, url=store.display_url)}</strong></div>"
    try:
        if not store.exists():
            return f"{title}<p>{_t('store_missing', lang)}</p>"
        table = store.layers().to_html(index=False, na_rep="", escape=True)
    except Exception as exc:  # a display must never raise: say what went wrong instead
        return f"{title}<p>{_t('store_unreadable', lang, error=type(exc).__name__)}</p>"
    return f"{title}\n{table}"
