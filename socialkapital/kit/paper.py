"""The kit as a printable questionnaire (PDF, A4): the invitation's words in short, the
department, then each part with its introduction and a table of tick boxes."""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from socialkapital.kit import Kit
from socialkapital.reports.fonts import full

FAMILY = "DejaVu"
BOX = "\u2610"  # ☐ (in the full DejaVu font, not in the reports' European subset)
INK = (34, 34, 34)
MUTED = (105, 105, 105)
HEAD = (232, 238, 244)
ANSWER_MM = 15  # an answer column at least; wider when a word of its heading needs it
HEADING_PT = 7
PADDING = 1.2


class PaperPDF(FPDF):
    def __init__(self, kit: Kit) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.kit = kit
        for style, path in full().items():
            self.add_font(FAMILY, style, path)
        self.set_margins(15, 14, 15)
        self.c_margin = 1
        self.set_auto_page_break(True, margin=16)
        self.set_lang(kit.lang)
        # A fixed date: the same kit gives the same file.
        self.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
        self.set_creator("socialkapital")
        self.set_title(f"{kit.title}: {kit.workplace}")
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.kit.subtitle}  ·  {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(*INK)

    def para(self, words: str, size: float = 10, bold: bool = False, after: float = 2) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, words, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(after)


def build(kit: Kit) -> bytes:
    """The printable PDF of the kit."""
    pdf = PaperPDF(kit)
    pdf.add_page()
    pdf.para(kit.title, 18, bold=True, after=1)
    pdf.para(kit.subtitle, 11, after=4)
    pdf.para(kit.welcome)
    pdf.para(kit.t("paper_how"), after=4)
    pdf.para(kit.department_question, 11, bold=True)
    pdf.set_font(FAMILY, "", 10)
    if kit.departments:
        for name in kit.departments:
            pdf.cell(0, 6, f"{BOX}  {name}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.para(kit.department_free, 9)
        pdf.ln(6)
        y = pdf.get_y()
        pdf.line(pdf.l_margin, y, pdf.l_margin + 110, y)
    pdf.ln(5)
    # Each answer column as wide as its heading's longest word needs (never broken inside).
    pdf.set_font(FAMILY, "B", HEADING_PT)
    widest = max(pdf.get_string_width(w) for _, label in kit.answers for w in label.split())
    answer_mm = max(ANSWER_MM, widest + 2 * (PADDING + pdf.c_margin) + 1.5)
    widths = (pdf.epw - answer_mm * len(kit.answers), *[answer_mm] * len(kit.answers))
    for part in kit.parts:
        # A part starts on a new page when its table would not fit below (about 11 mm a row).
        if pdf.will_page_break(28 + 11 * len(part.statements)):
            pdf.add_page()
        pdf.para(kit.t("part", number=part.number, name=part.name), 12.5, bold=True, after=1)
        pdf.para(part.intro, 10, after=3)
        pdf.set_font(FAMILY, "", 9)
        heading = FontFace(emphasis="BOLD", size_pt=HEADING_PT, fill_color=HEAD)
        with pdf.table(
            col_widths=widths,
            text_align=("LEFT", *["CENTER"] * len(kit.answers)),
            v_align="MIDDLE",
            headings_style=heading,
            line_height=4.6,
            padding=PADDING,
            repeat_headings=1,
        ) as table:
            table.row([kit.scale_question, *[label for _, label in kit.answers]])
            for statement in part.statements:
                row = table.row()
                row.cell(f"{statement.number}. {statement.text}")
                for _ in kit.answers:
                    row.cell(BOX, style=FontFace(size_pt=13))
        pdf.ln(6)
    pdf.para(kit.thanks, 11, bold=True)
    return bytes(pdf.output())
