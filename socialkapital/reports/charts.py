"""The report's chart: the four forms as grouped horizontal bars, drawn onto the page itself.

Drawn with the PDF's own rectangles, lines and text rather than placed as a picture: sharp at
any zoom and in print, its numbers searchable and read aloud like the rest of the page, and
a millisecond or two to draw (a picture rendered by vl-convert cost about 70 ms a report,
whatever its resolution, and as much again to embed). It keeps the earlier picture's layout
and sizes: legend on top, form names left, one bar per group, the figure at the bar's end.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialkapital.reports.pdf import INK, ReportPDF

STEP = 4.6  # mm per bar, gap included
BAR = 0.85 * STEP
BETWEEN_FORMS = 3.6  # mm of space between two forms' bars
NAME_PT = 10  # form names and the legend
VALUE_PT = 9.2  # the figure at a bar's end, the axis
TICKS = (0, 25, 50, 75, 100)
GRID = (228, 228, 228)
AXIS = (136, 136, 136)
AXIS_TITLE = (68, 68, 68)


@dataclass(frozen=True)
class Bar:
    """One group's figure for one form: ``score`` None means hidden (no bar, only the label,
    which then says so)."""

    form: str
    group: str
    score: float | None
    label: str


def forms_chart(
    pdf: ReportPDF, bars: list[Bar], colours: dict[str, tuple[int, int, int]], score_title: str
) -> None:
    """Draw the chart across the text width from the current position (on a new page when
    it does not fit). ``colours``: each group's colour, in the legend's order."""
    forms = list(dict.fromkeys(b.form for b in bars))
    groups = list(colours)
    band = len(groups) * STEP + BETWEEN_FORMS
    height = 8 + len(forms) * band + 12
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    pdf.body(NAME_PT)
    names = max(pdf.get_string_width(f) for f in forms) + 2.5
    left = pdf.l_margin + names
    right = pdf.l_margin + pdf.epw
    width = _plot_width(pdf, bars, right - left)

    _legend(pdf, colours, left, top)
    plot_top = top + 8
    plot_bottom = plot_top + len(forms) * band
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    for tick in TICKS:
        x = left + width * tick / 100
        pdf.line(x, plot_top, x, plot_bottom)

    for i, form in enumerate(forms):
        y = plot_top + i * band + BETWEEN_FORMS / 2
        pdf.body(NAME_PT)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(names - 2.5, len(groups) * STEP, form, align="R")
        shown = {b.group: b for b in bars if b.form == form}
        for j, group in enumerate(groups):
            bar = shown.get(group)
            if bar is None:
                continue
            at = y + j * STEP + (STEP - BAR) / 2
            end = left
            if bar.score is not None:
                end = left + width * bar.score / 100
                pdf.set_fill_color(*colours[group])
                pdf.rect(left, at, end - left, BAR, style="F")
            pdf.body(VALUE_PT)
            pdf.set_xy(end + 1, at)
            pdf.cell(0, BAR, bar.label)
    pdf.set_fill_color(255, 255, 255)
    _axis(pdf, left, width, plot_bottom, score_title)
    pdf.set_xy(pdf.l_margin, plot_bottom + 12)
    pdf.body()


def _plot_width(pdf: ReportPDF, bars: list[Bar], room: float) -> float:
    """The width of 0-100: all the room, less what the figure beside the longest bar needs
    (and half a "100" at the axis' end)."""
    pdf.body(VALUE_PT)
    width = room - pdf.get_string_width("100") / 2
    for bar in bars:
        if bar.score:
            need = 1 + pdf.get_string_width(bar.label)
            width = min(width, (room - need) / (bar.score / 100))
    return width


def _legend(pdf: ReportPDF, colours: dict[str, tuple[int, int, int]], x: float, y: float) -> None:
    pdf.body(NAME_PT)
    for group, colour in colours.items():
        pdf.swatch(colour, x, y + 1, size=2.8)
        pdf.set_xy(x + 4, y)
        pdf.cell(0, 4.8, group)
        x += 4 + pdf.get_string_width(group) + 5


def _axis(pdf: ReportPDF, left: float, width: float, y: float, title: str) -> None:
    pdf.set_draw_color(*AXIS)
    pdf.set_line_width(0.25)
    pdf.line(left, y, left + width, y)
    pdf.body(VALUE_PT)
    for tick in TICKS:
        x = left + width * tick / 100
        pdf.line(x, y, x, y + 1.2)
        pdf.set_xy(x - 8, y + 1.5)
        pdf.cell(16, 3.6, str(tick), align="C")
    pdf.body(VALUE_PT, colour=AXIS_TITLE)
    pdf.set_xy(left, y + 5.5)
    pdf.cell(width, 3.6, title, align="C")
    pdf.set_text_color(*INK)
