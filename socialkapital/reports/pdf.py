"""The report's page: A4, the bundled DejaVu font, a running header and page numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from socialkapital import text
from socialkapital.reports.fonts import full

FAMILY = "DejaVu"

# Colours. Okabe-Ito blue and orange differ in lightness too, so they stay apart in grey print.
INK = (34, 34, 34)
MUTED = (105, 105, 105)
RULE = (200, 200, 200)
SUBJECT = (0, 114, 178)  # the department (or the workplace in a workplace report)
COMPARATOR = (230, 159, 0)  # the whole workplace (or all sites)
PANEL = (243, 246, 249)

_LINES: dict[tuple, list[str]] = {}  # see ReportPDF.lines
_WIDEST: dict[tuple, float] = {}  # see ReportPDF.longest_word

MARGIN = 18  # mm
BODY_PT = 10
LINE = 5.0  # mm per body line


class ReportPDF(FPDF):
    """An A4 report page with the running head and 'page x of y' in the footer."""

    def __init__(
        self, lang: str, running_head: str, today: date, fonts: dict[str, Path] | None = None
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.lang = lang
        self.running_head = running_head
        self.today = today
        self.font_files = tuple(sorted((fonts or full()).items()))
        for style, path in self.font_files:
            self.add_font(FAMILY, style, path)
        self.set_margins(MARGIN, 16, MARGIN)
        # No inner cell margin: text lines up with the margin, and tables pad cells themselves.
        self.c_margin = 0
        self.set_auto_page_break(True, margin=18)
        self.set_lang(lang)
        # The report date is also the file's creation date: the same input gives the same file.
        self.set_creation_date(datetime.combine(today, time(), tzinfo=UTC))
        self.set_creator("socialkapital")
        self.set_text_color(*INK)

    # -- page furniture ------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.running_head, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_y(self.get_y() + 5)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, text.day(self.today, self.lang), align="L")
        self.set_x(self.l_margin)
        page = text.t("report.page", self.lang, page=self.page_no(), pages="{nb}")
        self.cell(0, 5, page, align="R")
        self.set_text_color(*INK)

    # -- typography ----------------------------------------------------------------------

    def heading(self, title: str, level: int = 0, space: float = 0) -> None:
        """A section heading (also a PDF bookmark); starts a new page when too low."""
        size = {0: 16, 1: 12.5}[level]
        needed = 40 if level == 0 else 30
        if self.will_page_break(needed):
            self.add_page()
        elif space:
            self.ln(space)
        self.start_section(title)  # a flat list of bookmarks: the report is short
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.45, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2 if level else 3)
        self.body()

    def body(self, size: float = BODY_PT, bold: bool = False, colour=INK) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)

    def lines(self, words: str, width: float, size: float = BODY_PT, bold: bool = False):
        """``words`` broken into lines of at most ``width`` mm, in the body font.

        Line breaking in fpdf2 costs time in proportion to the square of a line's length, and
        most of a report's text (the guidance) is the same in every report; so the breaks are
        remembered for the life of the process. They are measured on a separate page, so that
        the report itself comes out the same whether they were remembered or not.
        """
        self.body(size, bold)
        key = (words, round(width, 3), size, bold, self.font_files)
        found = _LINES.get(key)
        if found is None:
            ruler = _ruler(self.font_files)
            ruler.set_font(FAMILY, "B" if bold else "", size)
            found = ruler.multi_cell(width, 1, words, dry_run=True, output="LINES")
            if len(_LINES) < 4000:
                _LINES[key] = found
        return found

    def longest_word(self, words: str, size: float, bold: bool = False) -> float:
        """The width in mm of the widest word of ``words`` (remembered, like ``lines``)."""
        key = (words, size, bold, self.font_files)
        found = _WIDEST.get(key)
        if found is None:
            ruler = _ruler(self.font_files)
            ruler.set_font(FAMILY, "B" if bold else "", size)
            found = max(ruler.get_string_width(w) for w in words.split())
            if len(_WIDEST) < 4000:
                _WIDEST[key] = found
        return found

    def text_block(
        self, words: str, width: float | None = None, size: float = BODY_PT, colour=INK
    ) -> None:
        """Left-aligned text from the current x, line by line (so page breaks fall between)."""
        x = self.get_x()
        width = width or (self.w - self.r_margin - x)
        h = LINE * size / BODY_PT
        broken = self.lines(words.strip(), width, size)
        self.body(size, colour=colour)
        for line in broken:
            if self.will_page_break(h):
                self.add_page()
            y = self.get_y()
            self.line_at(x, y, width, h, line)
            self.set_y(y + h)
        self.set_x(self.l_margin)

    def line_at(self, x: float, y: float, width: float, h: float, words: str, align="L") -> None:
        """One line of text, placed where ``cell(width, h, words, align=align)`` at (x, y)
        would put it (baseline 0.3 font sizes below the middle of the line), without moving.

        The report's lines are broken already, and ``cell`` lays each one out again: drawing
        them with ``text`` takes about half the time (``cell`` was the costliest call).
        """
        dx = 0.0
        if align != "L":
            dx = width - self.get_string_width(words)
            dx = dx / 2 if align == "C" else dx
        self.text(x + dx, y + 0.5 * h + 0.3 * self.font_size, words)

    def paragraph(self, words: str, size: float = BODY_PT, colour=INK, after: float = 2) -> None:
        self.set_x(self.l_margin)
        self.text_block(words, self.epw, size, colour)
        self.ln(after)
        self.body()

    def bullets(self, lines: list[str], size: float = BODY_PT, numbered: bool = False) -> None:
        """A list with hanging indents; ``numbered`` lines bring their own "1. "."""
        h = LINE * size / BODY_PT
        indent = 6 if numbered else 5
        for line in lines:
            mark = "•"
            if numbered:
                mark, _, line = line.partition(" ")
            if self.will_page_break(h * 2):
                self.add_page()
            self.body(size)
            y = self.get_y()
            self.set_x(self.l_margin)
            self.cell(indent, h, mark)
            self.set_xy(self.l_margin + indent, y)
            self.text_block(line, self.epw - indent, size)
            self.ln(1)
        self.ln(1)
        self.body()

    def swatch(self, colour, x: float, y: float, size: float = 3.2) -> None:
        self.set_fill_color(*colour)
        self.rect(x, y, size, size, style="F")
        self.set_fill_color(255, 255, 255)

    def text_height(self, words: str, width: float, size: float = BODY_PT) -> float:
        """How tall ``words`` will be as a text block of this width (for keeping blocks whole)."""
        return len(self.lines(words.strip(), width, size)) * LINE * size / BODY_PT

    def table_style(self) -> None:
        """Thin grey rules and no fill, before a table (it inherits the drawing state)."""
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.set_fill_color(255, 255, 255)


@cache
def _ruler(font_files: tuple[tuple[str, Path], ...]) -> FPDF:
    """A scratch document with the report's fonts, for measuring text."""
    ruler = FPDF(unit="mm", format="A4")
    ruler.c_margin = 0
    for style, path in font_files:
        ruler.add_font(FAMILY, style, path)
    ruler.add_page()
    return ruler


@dataclass
class Cell:
    """A table cell: its text, and optionally a fill, a colour, an alignment or a span."""

    text: str
    fill: tuple[int, int, int] | None = None
    colour: tuple[int, int, int] = INK
    align: str | None = None
    span: int = 1


@dataclass
class Row:
    cells: list[Cell | str]
    bold: bool = False
    fill: tuple[int, int, int] | None = None
    heading: bool = False  # repeated at the top of each page the table runs onto
    cells_: list[Cell] = field(init=False)

    def __post_init__(self) -> None:
        self.cells_ = [c if isinstance(c, Cell) else Cell(c) for c in self.cells]


def grid(
    pdf: ReportPDF,
    widths: list[float],
    aligns: str,
    rows: list[Row],
    size: float = 8.5,
    line: float = 3.9,
    pad: tuple[float, float] = (1.0, 1.5),
    middle: bool = False,
) -> None:
    """A table with thin horizontal rules, drawn directly (text wrapped via ``pdf.lines``).

    ``aligns`` has one letter per column: L, R or C. A row never splits over two pages; the
    heading rows are repeated on the next page.
    """
    pad_y, pad_x = pad
    widths = _fit(pdf, list(widths), rows, size, pad_x)
    edges = [pdf.l_margin]
    for w in widths:
        edges.append(edges[-1] + w)
    heading = [r for r in rows if r.heading]

    def layout(row: Row):
        placed, col = [], 0
        for cell in row.cells_:
            width = sum(widths[col : col + cell.span])
            broken = pdf.lines(cell.text, width - 2 * pad_x, size, row.bold) if cell.text else []
            placed.append((cell, col, width, broken))
            col += cell.span
        tallest = max((len(b) for *_, b in placed), default=1) or 1
        return placed, tallest * line + 2 * pad_y

    def draw(row: Row) -> None:
        placed, height = layout(row)
        if pdf.will_page_break(height):
            pdf.add_page()
            for h in heading:
                if h is not row:
                    draw(h)
        top = pdf.get_y()
        if row.fill:
            pdf.set_fill_color(*row.fill)
            pdf.rect(edges[0], top, edges[-1] - edges[0], height, style="F")
        for cell, col, width, broken in placed:
            if cell.fill:
                pdf.set_fill_color(*cell.fill)
                pdf.rect(edges[col], top, width, height, style="F")
            align = cell.align or (aligns[col] if cell.span == 1 else "L")
            y = top + pad_y
            if middle:
                y = top + (height - len(broken) * line) / 2
            pdf.body(size, row.bold, cell.colour)
            for text_line in broken:
                pdf.line_at(edges[col] + pad_x, y, width - 2 * pad_x, line, text_line, align)
                y += line
        pdf.set_draw_color(*(MUTED if row.heading else RULE))
        pdf.set_line_width(0.3 if row.heading else 0.2)
        pdf.line(edges[0], top + height, edges[-1], top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    for row in rows:
        draw(row)
    pdf.set_fill_color(255, 255, 255)
    pdf.body()


def _fit(pdf: ReportPDF, widths: list[float], rows: list[Row], size: float, pad_x: float):
    """Widen columns whose longest word would not fit (so no word is split), taking the room
    from the columns that have some to spare."""
    need = [0.0] * len(widths)
    for row in rows:
        col = 0
        for cell in row.cells_:
            if cell.span == 1 and cell.text:
                longest = pdf.longest_word(cell.text, size, row.bold)
                need[col] = max(need[col], longest + 2 * pad_x + 0.5)
            col += cell.span
    extra = sum(max(n - w, 0) for n, w in zip(need, widths, strict=True))
    spare = [max(w - n, 0) for n, w in zip(need, widths, strict=True)]
    if not extra or sum(spare) < extra:
        return widths  # nothing to do, or no room: words will be split rather than overflow
    share = extra / sum(spare)
    return [max(w, n) - s * share for w, n, s in zip(widths, need, spare, strict=True)]


def new_pdf(
    lang: str, running_head: str, today: date, fonts: dict[str, Path] | None = None
) -> ReportPDF:
    pdf = ReportPDF(lang, running_head, today, fonts)
    pdf.add_page()
    return pdf
