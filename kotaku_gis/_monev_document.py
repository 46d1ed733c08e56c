"""The monev report as a document independent of its format, and its DOCX and PDF writers.

Private to :mod:`kotaku_gis.monev` (which re-exports every name): :func:`kotaku_gis.monev.content`
builds a :class:`Document` of blocks; :func:`write_docx` (python-docx) and :func:`write_pdf` (fpdf2)
write the same blocks, with the document's date (the period's end) as their only date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kotaku_gis import i18n
from kotaku_gis.errors import UsageError


# -- the document, independent of its format --------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    #: Relative widths of the columns (None: equal).
    widths: list[float] | None = None


@dataclass(frozen=True)
class Image:
    path: Path
    width_cm: float


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Table | Image | PageBreak


@dataclass
class Document:
    """A report as blocks, written by :func:`write_docx` and :func:`write_pdf` alike."""

    title: str
    subject: str
    date: dt.date
    lang: str
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        """Every word of the document, one block a line (tables cell by cell)."""
        out = []
        for b in self.blocks:
            if isinstance(b, (Heading, Para)):
                out.append(b.text)
            elif isinstance(b, Table):
                out += [" | ".join(b.header)] + [" | ".join(r) for r in b.rows]
        return "\n".join(out)


# -- writers -----------------------------------------------------------------------------------------
def _fixed_datetime(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def write_docx(doc: Document, path: str | Path) -> Path:
    """Write ``doc`` as an editable Word file (python-docx), with fixed properties and zip dates."""
    import docx
    from docx.enum.section import WD_ORIENT  # noqa: F401  (portrait A4 below)
    from docx.shared import Cm, Pt

    from kotaku_gis.mappack._fs import write_zip

    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    d.styles["Normal"].font.size = Pt(10)
    for blk in doc.blocks:
        if isinstance(blk, Heading):
            d.add_heading(blk.text, blk.level)
        elif isinstance(blk, Para):
            p = d.add_paragraph()
            p.add_run(blk.text).bold = blk.bold
        elif isinstance(blk, Table):
            t = d.add_table(rows=1, cols=len(blk.header))
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, blk.header):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in blk.rows:
                cells = t.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
            d.add_paragraph()
        elif isinstance(blk, Image):
            d.add_picture(str(blk.path), width=Cm(blk.width_cm))
        elif isinstance(blk, PageBreak):
            d.add_page_break()
    props = d.core_properties
    when = _fixed_datetime(doc.date)
    props.title, props.subject, props.author = doc.title, doc.subject, "kotaku-gis"
    props.last_modified_by, props.language, props.revision = "kotaku-gis", doc.lang, 1
    props.created = props.modified = when
    props.last_printed = when
    buffer = io.BytesIO()
    d.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        entries = [(name, z.read(name)) for name in z.namelist()]
    return write_zip(Path(path), entries)


def _font_files() -> tuple[Path, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def write_pdf(doc: Document, path: str | Path) -> Path:
    """Write ``doc`` as a PDF (fpdf2; DejaVu Sans embedded), with a fixed creation date."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    regular, bold = _font_files()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title(doc.title)
    pdf.set_subject(doc.subject)
    pdf.set_author("kotaku-gis")
    pdf.set_creator("kotaku-gis")
    pdf.set_lang(doc.lang)
    pdf.set_creation_date(_fixed_datetime(doc.date))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    sizes = {0: 16, 1: 13, 2: 11}
    for blk in doc.blocks:
        if isinstance(blk, Heading):
            pdf.set_font("DejaVu", "B", sizes.get(blk.level, 11))
            pdf.ln(2)
            pdf.multi_cell(width, 7, blk.text, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        elif isinstance(blk, Para):
            pdf.set_font("DejaVu", "B" if blk.bold else "", 9.5)
            pdf.multi_cell(width, 5, blk.text, new_x="LMARGIN", new_y="NEXT", align="L")
        elif isinstance(blk, Table):
            pdf.set_font("DejaVu", "", 8)
            widths = blk.widths or [1.0] * len(blk.header)
            with pdf.table(col_widths=tuple(widths), width=width, line_height=4.5, text_align="LEFT",
                           headings_style=FontFace(emphasis="BOLD", fill_color=(230, 240, 242))) as t:  # fmt: skip
                head = t.row()
                for text in blk.header:
                    head.cell(text)
                for row in blk.rows:
                    cells = t.row()
                    for text in row:
                        cells.cell(text)
            pdf.ln(2)
        elif isinstance(blk, Image):
            pdf.image(str(blk.path), w=min(width, blk.width_cm * 10))
            pdf.ln(2)
        elif isinstance(blk, PageBreak):
            pdf.add_page()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    pdf.output(str(tmp))
    tmp.replace(out)
    return out


def write(doc: Document, outputs: Sequence[str | Path]) -> list[Path]:
    """Write ``doc`` to each of ``outputs``: ``.docx`` or ``.pdf`` by suffix."""
    written = []
    for o in outputs:
        p = Path(o)
        if p.suffix.lower() == ".docx":
            written.append(write_docx(doc, p))
        elif p.suffix.lower() == ".pdf":
            written.append(write_pdf(doc, p))
        else:
            raise UsageError(i18n.text("laporan.out_suffix", path=p.name))
    return written
