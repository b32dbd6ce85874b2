"""PDF notices with fpdf2 and the DejaVu Sans fonts shipped in ``fonts/`` (Cyrillic and the Kazakh
letters ә ғ қ ң ө ұ ү һ і are embedded as a subset, so any reader shows them; see ADR 0006).

Deterministic: the same notice in the same language gives the same bytes (creation date fixed to
the notice's issue time), so a stored hash can prove which PDF a citizen received.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kezek.models.notices import Notice
from kezek.notices.document import Document, build

FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVu"


class _NoticePdf(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.doc.footer}  {self.doc.number}  ·  {self.page_no()}/{{nb}}", align="C")


def _row(pdf: FPDF, key: str, value: str) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FAMILY, "B", 9.5)
    pdf.multi_cell(width * 0.36, 5.2, key, new_x=XPos.RIGHT, new_y=YPos.TOP, max_line_height=5.2)
    y_key = pdf.get_y()
    pdf.set_font(FAMILY, "", 9.5)
    x = pdf.l_margin + width * 0.36
    pdf.set_x(x)
    pdf.multi_cell(width * 0.64, 5.2, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), y_key))


def render_document(doc: Document, *, created_at: object = None) -> bytes:
    pdf = _NoticePdf(doc)
    pdf.set_title(f"{doc.title} {doc.number}")
    pdf.set_author("Kezek")
    pdf.set_creator("Kezek")
    pdf.set_lang({"kk": "kk-KZ", "ru": "ru-RU", "en": "en"}.get(doc.language, "ru-RU"))
    if created_at is not None:
        pdf.set_creation_date(created_at)  # type: ignore[arg-type]
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(width, 7, doc.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(70, 70, 70)
    pdf.multi_cell(width, 5, f"{doc.number}  ·  {doc.issued}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(width, 6, doc.lead, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for key, value in doc.fields:
        _row(pdf, key, value)
    for section in doc.sections:
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 11)
        pdf.set_draw_color(160, 160, 160)
        pdf.multi_cell(width, 6.5, section.heading, border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        for key, value in section.rows:
            _row(pdf, key, value)
        for number, item in enumerate(section.items, start=1):
            pdf.set_font(FAMILY, "B", 9.5)
            pdf.multi_cell(width, 5.2, f"{number}. {item[0]}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font(FAMILY, "", 9)
            for line in item[1:]:
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(width - 5, 4.8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        pdf.set_font(FAMILY, "", 9.5)
        for paragraph in section.paragraphs:
            if paragraph:
                pdf.multi_cell(width, 5.2, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1)
    return bytes(pdf.output())


def render(notice: Notice, language: str | None = None) -> bytes:
    """The notice as PDF in its language of correspondence, or in ``language`` (kk, ru or en)."""
    return render_document(build(notice, language), created_at=notice.issued_at)


def filename(notice: Notice, language: str | None = None) -> str:
    return f"kezek-{notice.kind}-{notice.number}-{language or notice.language}.pdf"
