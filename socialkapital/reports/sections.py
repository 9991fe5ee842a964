"""The parts of a report, each drawn onto a ``ReportPDF`` from a ``ReportData``.

Numbers are only formatted here (``text.score`` etc., so Danish gets a decimal comma); a hidden
figure is written as a dash or "hidden", never as a number.
"""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from socialkapital import advice as fitting
from socialkapital import settings, text, why_hidden
from socialkapital.anonymity import SECONDARY
from socialkapital.reports import charts
from socialkapital.reports.figures import (
    DEPARTMENT,
    OVERALL,
    WORKPLACE,
    Figure,
    Group,
    ReportData,
    protected,
)
from socialkapital.reports.pdf import (
    COMPARATOR,
    INK,
    MUTED,
    PANEL,
    SUBJECT,
    Cell,
    ReportPDF,
    Row,
    grid,
)

GROUP_FILL = (232, 238, 244)
NOTICE = (253, 246, 230)  # a pale orange: a note to read first
# Whole numbers: differences under 5-10 points rarely matter, so a decimal only suggests a
# precision the figures do not have (the downloads and --json keep every decimal).
DIGITS = 0


def _t(pdf: ReportPDF, key: str, **values: object) -> str:
    return text.t(f"report.{key}", pdf.lang, **values)


def score(figure: Figure, lang: str, digits: int = DIGITS) -> str:
    shown = text.score(figure.mean, lang, digits)
    return f"≈{shown}" if figure.uncertain else shown


def _groups(data: ReportData) -> list[tuple[Group, tuple[int, int, int]]]:
    """The subject (blue) and, when there is one, its comparator (orange)."""
    shown = [(data.subject, SUBJECT)]
    if data.comparator is not None:
        shown.append((data.comparator, COMPARATOR))
    return shown


def _label(group: Group, data: ReportData, lang: str) -> str:
    """How a group is named next to its numbers."""
    if group is data.comparator:
        key = "report.all_sites" if data.kind == WORKPLACE else "report.whole_workplace"
        return text.t(key, lang)
    return group.name


# -- front page --------------------------------------------------------------------------


def front(pdf: ReportPDF, data: ReportData, survey_name: str) -> None:
    """Survey, workplace, department, date, responses and response rate."""
    lang = pdf.lang
    pdf.body(9, colour=MUTED)
    pdf.cell(0, 5, f"{survey_name}  ·  {_t(pdf, 'title')}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.body(22, bold=True)
    title = data.department or data.workplace
    pdf.multi_cell(0, 10, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if data.department:
        pdf.body(14)
        pdf.multi_cell(0, 7, data.workplace, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.body(12, colour=MUTED)
    pdf.multi_cell(0, 7, round_title(data.round, lang), align="L", new_x=XPos.LMARGIN)
    pdf.ln(3)
    pdf.set_draw_color(*SUBJECT)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 30, pdf.get_y())
    pdf.ln(6)

    facts = [(_t(pdf, "report_date"), text.day(pdf.today, lang))]
    if data.round_date:
        facts.insert(0, (_t(pdf, "round_date"), text.day(data.round_date, lang)))
    for label, value in facts:
        pdf.body(9.5, colour=MUTED)
        pdf.cell(34, 5.5, label)
        pdf.body(9.5)
        pdf.multi_cell(0, 5.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    groups = _groups(data)
    rows = [Row(["", *(_label(g, data, lang) for g, _ in groups)], bold=True, heading=True)]
    for key, show in (
        ("respondents", lambda g: text.integer(g.respondents, lang)),
        ("invited", lambda g: text.integer(g.invited, lang) if g.invited else "–"),
        ("response_rate", lambda g: _rate(g, lang)),
    ):
        rows.append(Row([Cell(_t(pdf, key), colour=MUTED), *(show(g) for g, _ in groups)]))
    grid(pdf, [36, *([56] * len(groups))], "L" + "R" * len(groups), rows, size=9.5, line=4.6)
    pdf.ln(8)


def round_title(round_name: str, lang: str) -> str:
    """The round as a title: 'Måling forår 2026' as it is, 'Forår 2026' as 'Måling: Forår
    2026' (a name that starts with the label's word would otherwise say it twice)."""
    label = text.t("report.round", lang)
    if round_name.casefold().startswith(label.casefold()):
        return round_name
    return f"{label}: {round_name}"


def _rate(group: Group, lang: str) -> str:
    if not group.invited:  # no roster (all sites together count 0 invited then)
        return text.t("report.no_roster", lang)
    return text.percent(group.response_rate, lang)


def hidden_notice(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """Say on the front when some or all of a department's own figures are hidden."""
    if data.kind != DEPARTMENT:
        return
    keys = [OVERALL, *instrument.dimension_keys, *instrument.item_keys]
    hidden = [data.subject.figure(k).hidden for k in keys]
    if not any(hidden):
        return
    key = "notice_all" if all(hidden) else "notice_some"
    whom = protected([data.subject.figure(k) for k in keys])
    pdf.set_fill_color(*NOTICE)
    pdf.set_draw_color(*COMPARATOR)
    pdf.set_line_width(0.6)
    top = pdf.get_y()
    pdf.body(9.5)
    notice = _t(pdf, key, threshold=data.threshold)
    if key == "notice_all" and whom:  # hidden to protect a smaller department: say which
        names = why_hidden.names(whom, pdf.lang)
        notice = text.t("hidden.report_all", pdf.lang, names=names, threshold=data.threshold)
    pdf.multi_cell(
        0,
        5,
        notice,
        fill=True,
        padding=(2.5, 4),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.line(pdf.l_margin, top, pdf.l_margin, pdf.get_y())
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(6)


def two_numbers(pdf: ReportPDF, data: ReportData) -> None:
    """The overall score of the subject next to its comparator, in large type."""
    lang = pdf.lang
    groups = _groups(data)
    gap = 6
    width = (pdf.epw - gap) / 2
    height = 30
    pdf.body(12.5, bold=True)
    pdf.cell(0, 7, _t(pdf, "overall"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    top = pdf.get_y()
    for i, (group, colour) in enumerate(groups):
        x = pdf.l_margin + i * (width + gap)
        pdf.set_fill_color(*PANEL)
        pdf.rect(x, top, width, height, style="F")
        pdf.set_fill_color(*colour)
        pdf.rect(x, top, 2.2, height, style="F")
        pdf.set_xy(x + 7, top + 3.5)
        pdf.body(9.5, colour=MUTED)
        pdf.cell(width - 10, 5, _label(group, data, lang))
        pdf.set_xy(x + 7, top + 10.5)
        figure = group.figure(OVERALL)
        if figure.hidden:
            pdf.body(14, colour=MUTED)
            pdf.cell(width - 10, 14, text.t("report.hidden", lang))
        else:
            pdf.body(30, bold=True)
            pdf.cell(width - 10, 14, score(figure, lang))
    pdf.set_y(top + height + 2)
    pdf.paragraph(_t(pdf, "overall_note"), size=8.5, colour=MUTED)
    pdf.ln(4)


def forms_overview(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """The four forms side by side as a chart, with the n behind each figure."""
    lang = pdf.lang
    pdf.heading(_t(pdf, "forms"), level=1)
    groups = [(_label(group, data, lang), group, colour) for group, colour in _groups(data)]
    bars = []
    for dim in instrument.dimensions:
        for name, group, _ in groups:
            figure = group.figure(dim.key)
            label = (
                text.t("report.hidden", lang)
                if figure.hidden
                else f"{score(figure, lang)} (n = {text.integer(figure.n, lang)})"
            )
            bars.append(charts.Bar(dim.short[lang], name, figure.mean, label))
    colours = {name: colour for name, _, colour in groups}
    charts.forms_chart(pdf, bars, colours, _t(pdf, "score"))
    pdf.ln(1)
    pdf.paragraph(_t(pdf, "forms_note"), size=8.5, colour=MUTED)


def trend_table(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """Each form in the previous round and now, the change with its interval, and whether
    it holds up; nothing when there is no earlier round to compare with."""
    trend = data.trend
    if trend is None:
        return
    lang = pdf.lang
    pdf.heading(_t(pdf, "trend"), space=6)  # the table's columns name the two rounds
    if data.department is not None and trend.group != data.department:
        pdf.paragraph(_t(pdf, "trend_group", group=trend.group), size=9)
    names = {d.key: d.short[lang] for d in instrument.dimensions}

    def figure(f: Figure) -> str:
        if f.hidden:
            return text.t("report.hidden", lang)
        return f"{score(f, lang)} (n = {text.integer(f.n, lang)})"

    def change(line) -> str:
        if line.change is None:
            return "–"
        low, high = (text.signed(v, lang, DIGITS) for v in (line.low, line.high))
        return _t(
            pdf, "trend_interval", change=text.signed(line.change, lang, DIGITS), low=low, high=high
        )

    heads = [
        _t(pdf, "form"),
        trend.previous,
        data.round,
        _t(pdf, "trend_change"),
        _t(pdf, "trend_reading"),
    ]
    rows = [Row(heads, bold=True, heading=True, fill=PANEL)]
    for line in trend.lines:
        reading = text.t(line.reading, lang, **line.values)
        rows.append(
            Row(
                [
                    names[line.measure],
                    figure(line.before),
                    figure(line.after),
                    change(line),
                    reading,
                ]
            )
        )
    grid(pdf, [34, 27, 27, 40, 46], "LRRRL", rows, size=9, line=4.3, pad=(1.3, 1.5))
    pdf.ln(2)
    if data.kind == WORKPLACE:
        pdf.paragraph(_t(pdf, "trend_departments"), size=9)
        for group, measure, value in trend.departments:
            arrow = "▲" if value > 0 else "▼"
            pdf.paragraph(
                f"{arrow} {group} · {names[measure]}: {text.signed(value, lang, DIGITS)}", size=9
            )
        if not trend.departments:
            pdf.paragraph(_t(pdf, "trend_departments_none"), size=9)
        pdf.ln(1)
    pdf.paragraph(_t(pdf, "trend_note"), size=8.5, colour=MUTED)


# -- explanations and the four forms ------------------------------------------------------


def _lines(block: str) -> tuple[list[str], list[str]]:
    """Split a guidance text into its lead lines and its list entries ('- ' or '1. ')."""
    lead, entries = [], []
    for line in block.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            entries.append(line[2:])
        elif line[:1].isdigit() and ". " in line[:4]:
            entries.append(line)
        else:
            lead.append(line)
    return lead, entries


def about(pdf: ReportPDF, guidance: dict) -> None:
    """What social capital is, why it matters and how to read the scale (on a new page,
    unless the page is still mostly empty: the end of a long table's note may run over)."""
    if pdf.get_y() > pdf.h / 3:
        pdf.add_page()
    pdf.heading(_t(pdf, "about"), space=6)
    for part in guidance["intro"][pdf.lang].strip().split("\n\n"):
        pdf.paragraph(part)
    pdf.heading(_t(pdf, "why"), level=1, space=3)
    _block(pdf, guidance["why"][pdf.lang])


def _block(pdf: ReportPDF, block: str, numbered: bool = False) -> None:
    """A guidance text: its lead lines as paragraphs, each run of entries as a list."""
    run: list[str] = []
    for line in block.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("- ") or (line[:1].isdigit() and ". " in line[:4]):
            run.append(line[2:] if line.startswith("- ") else line)
            continue
        if run:
            pdf.bullets(run, size=9.5, numbered=numbered)
            run = []
        pdf.paragraph(line, after=1)
    if run:
        pdf.bullets(run, size=9.5, numbered=numbered)


def fitted(data: ReportData, dim, advice: dict, instrument, lang: str) -> fitting.Fitted:
    """The form's tips ordered (and picked) by the group's own weakest questions."""
    subject = {k: f.mean for k, f in data.subject.figures.items()}
    comparator = None
    if data.comparator is not None:
        comparator = {k: f.mean for k, f in data.comparator.figures.items()}
    lowest = fitting.lowest_form(subject, [d.key for d in instrument.dimensions])
    numbers = [item.number for item in instrument.items_of(dim.key)]
    return fitting.fit(advice, lang, dim.key, numbers, subject, comparator, lowest)


def _fit_lead(pdf: ReportPDF, data: ReportData, fit: fitting.Fitted) -> str:
    """One or two sentences saying why these tips, in this order."""
    where = None
    if data.comparator is not None:
        where = _t(pdf, "fit_all_sites" if data.kind == WORKPLACE else "fit_workplace")
    return fitting.lead(fit, pdf.lang, where, settings.from_env().neutral_band)


def form_section(pdf: ReportPDF, data: ReportData, dim, guidance: dict, instrument) -> None:
    """One form: its scores, what it means, signs of a high level, and the tips that fit the
    group's own pattern (kept on one page)."""
    lang = pdf.lang
    advice = guidance["dimensions"][dim.key]
    fit = fitted(data, dim, advice, instrument, lang)
    lead = _fit_lead(pdf, data, fit)
    if pdf.will_page_break(_form_height(pdf, data, advice, fit.tips, lead)):
        pdf.add_page()
    pdf.heading(dim.names[lang], level=1, space=4)
    for group, colour in _groups(data):
        figure = group.figure(dim.key)
        y = pdf.get_y()
        pdf.swatch(colour, pdf.l_margin, y + 1.2)
        pdf.set_x(pdf.l_margin + 6)
        pdf.body(10)
        pdf.cell(60, 6, _label(group, data, lang))
        if figure.hidden:
            pdf.body(10, colour=MUTED)
            pdf.cell(0, 6, text.t("report.hidden", lang), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.body(12, bold=True)
            pdf.cell(16, 6, score(figure, lang), align="R")
            pdf.body(9, colour=MUTED)
            n = f"  (n = {text.integer(figure.n, lang)})"
            pdf.cell(0, 6, n, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.body(10, bold=True)
    pdf.cell(0, 5.5, _t(pdf, "meaning"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.paragraph(advice[f"meaning_{lang}"])
    pdf.body(10, bold=True)
    pdf.cell(0, 5.5, _t(pdf, "signs"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.bullets(advice[f"signs_{lang}"])
    pdf.body(10, bold=True)
    pdf.cell(0, 5.5, _t(pdf, "strengthen"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if lead:
        pdf.paragraph(lead, size=9, colour=MUTED)
    pdf.bullets(fit.tips)


def _form_height(
    pdf: ReportPDF, data: ReportData, advice: dict, tips: list[str], lead: str
) -> float:
    """The height ``form_section`` will take, so that a form is never split over two pages."""
    lang = pdf.lang
    heading = 4 + 12.5 * 0.45 + 2
    scores = 6 * len(_groups(data)) + 2
    meaning = 5.5 + pdf.text_height(advice[f"meaning_{lang}"], pdf.epw) + 2
    signs = [pdf.text_height(sign, pdf.epw - 5) + 1 for sign in advice[f"signs_{lang}"]]
    shown = [pdf.text_height(tip, pdf.epw - 5) + 1 for tip in tips]
    said = pdf.text_height(lead, pdf.epw) + 2 if lead else 0
    return heading + scores + meaning + 5.5 + sum(signs) + 5.5 + said + sum(shown) + 1


# -- the 21 items -------------------------------------------------------------------------


def items_table(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """All items, department vs workplace, grouped by form, with the overall as total row."""
    lang = pdf.lang
    pdf.add_page()
    pdf.heading(_t(pdf, "items"))
    pdf.paragraph(_t(pdf, "items_note"), size=9, colour=MUTED)
    groups = _groups(data)
    widths = [9, 105, 30, 30] if len(groups) == 2 else [9, 135, 30]
    rows = [
        Row(
            [
                _t(pdf, "item_number"),
                _t(pdf, "question"),
                *(_label(g, data, lang) for g, _ in groups),
            ],
            bold=True,
            heading=True,
            fill=PANEL,
        )
    ]
    for dim in instrument.dimensions:
        rows.append(Row([Cell(dim.names[lang], span=len(widths))], bold=True, fill=GROUP_FILL))
        for item in instrument.items_of(dim.key):
            values = [score(g.figure(item.key), lang) for g, _ in groups]
            rows.append(Row([str(item.number), item.texts[lang], *values]))
    totals = [score(g.figure(OVERALL), lang) for g, _ in groups]
    rows.append(Row(["", _t(pdf, "total"), *totals], bold=True))
    grid(pdf, widths, "RL" + "R" * len(groups), rows)
    pdf.ln(2)
    pdf.paragraph(_t(pdf, "hidden_note", threshold=data.threshold), size=8, colour=MUTED)


# -- workplace report: departments and benchmark ------------------------------------------


def _tint(value: float | None) -> tuple[int, int, int] | None:
    """A light-to-mid blue for a score: darker is higher, and black text stays readable."""
    if value is None:
        return None
    share = min(max((value - 40) / 50, 0.0), 1.0)
    strength = 0.06 + 0.5 * share
    return tuple(round(255 + (c - 255) * strength) for c in SUBJECT)


def departments_table(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """Every department: responses, rate, overall and the four forms; hidden ones marked."""
    lang = pdf.lang
    pdf.add_page()
    pdf.heading(_t(pdf, "departments"))
    pdf.paragraph(_t(pdf, "departments_note", threshold=data.threshold), size=9, colour=MUTED)
    measures = [OVERALL, *instrument.dimension_keys]
    heads = [
        _t(pdf, "department"),
        _t(pdf, "respondents"),
        _t(pdf, "response_rate"),
        text.t("report.overall", lang),
        *(d.short[lang] for d in instrument.dimensions),
    ]
    rows = [Row(heads, bold=True, heading=True, fill=PANEL)]
    for group in [*data.departments, data.subject]:
        whole = group is data.subject
        cells = [
            text.t("report.whole_workplace", lang) if whole else group.name,
            text.integer(group.respondents, lang),
            _rate(group, lang) if group.invited else "–",
        ]
        figures = [group.figure(m) for m in measures]
        if all(f.hidden for f in figures):
            below = group.respondents < data.threshold
            whom = protected(figures)
            note = (
                _t(pdf, "hidden_below", threshold=data.threshold)
                if below
                else why_hidden.short(SECONDARY, whom, data.threshold, lang)
                if whom
                else _t(pdf, "hidden_sibling")
            )
            cells.append(Cell(note, colour=MUTED, align="C", span=len(measures)))
        else:
            cells += [Cell(score(f, lang), fill=_tint(f.mean)) for f in figures]
        rows.append(Row(cells, bold=whole))
    grid(
        pdf,
        [38, 20, 20, *([19.2] * len(measures))],
        "LRR" + "C" * len(measures),
        rows,
        size=8,
        middle=True,
        pad=(1.3, 1.3),
    )
    pdf.ln(2)
    pdf.paragraph(_t(pdf, "hidden_note", threshold=data.threshold), size=8, colour=MUTED)


def benchmark_table(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """Per form: this workplace, the mean of all sites, the range of sites and departments."""
    bench = data.benchmark
    if bench is None:
        return
    lang = pdf.lang
    pdf.heading(_t(pdf, "benchmark"), space=6)
    names = {OVERALL: text.t("report.overall", lang)}
    names.update({d.key: d.short[lang] for d in instrument.dimensions})

    def span(bounds: tuple[float, float] | None) -> str:
        if bounds is None:
            return "–"
        return f"{text.score(bounds[0], lang)}–{text.score(bounds[1], lang)}"

    keys = ("form", "this_workplace", "mean_all", "range_sites", "range_departments")
    rows = [Row([_t(pdf, k) for k in keys], bold=True, heading=True, fill=PANEL)]
    for r in bench.rows:
        cells = [
            names[r.measure],
            text.score(data.subject.figure(r.measure).mean, lang, 0),
            text.score(r.mean_all, lang, 0),
            span(r.sites),
            span(r.departments),
        ]
        rows.append(Row(cells, bold=r.measure == OVERALL))
    grid(pdf, [46, 28, 28, 36, 36], "LRRRR", rows, size=9, line=4.3, pad=(1.3, 1.5))
    pdf.ln(2)
    note = _t(
        pdf,
        "benchmark_note",
        sites=bench.sites,
        departments=bench.departments,
        threshold=data.threshold,
    )
    pdf.paragraph(note, size=8.5, colour=MUTED)


def correlation_table(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """The four forms against each other, person by person: the lower triangle of the 4×4
    table, as NFA's own slides show it, with what a correlation does and does not say."""
    corr = data.correlation
    if corr is None:
        return
    lang = pdf.lang
    names = {d.key: d.short[lang] for d in instrument.dimensions}
    order = corr.order
    # Two decimals, as correlations are always written (0,62): whole numbers would say 1 or 0.
    rows = [Row(["", *(names[k] for k in order)], bold=True, heading=True, fill=PANEL)]
    for i, a in enumerate(order):
        cells: list[Cell | str] = [Cell(names[a], colour=INK)]
        for j, b in enumerate(order):
            r = corr.r(a, b)
            if j > i:
                cells.append("")
            elif j == i:
                cells.append(Cell(text.number(1, lang, 2), colour=MUTED))
            else:
                cells.append(text.number(r, lang, 2) if r is not None else "–")
        rows.append(Row(cells))
    pairs = [(corr.r(a, b), a, b) for i, a in enumerate(order) for b in order[:i]]
    shown = [p for p in pairs if p[0] is not None]
    fewest = min(corr.cells[(a, b)][1] for _, a, b in shown)
    lead = _t(pdf, "correlation_lead")
    note = _t(pdf, "correlation_note", n=text.integer(fewest, lang), min_n=corr.min_n)
    height = 12 + 6 * len(rows) + pdf.text_height(lead, pdf.epw) + pdf.text_height(note, pdf.epw)
    if pdf.will_page_break(height + 20):
        pdf.add_page()
    pdf.heading(_t(pdf, "correlation"), space=6)
    pdf.paragraph(lead, size=9.5)
    grid(pdf, [42, 33, 33, 33, 33], "LRRRR", rows, size=9, line=4.3, pad=(1.3, 1.5))
    pdf.ln(2)
    r, a, b = max(shown)
    strongest = _t(pdf, "correlation_strongest", a=names[b], b=names[a], r=text.number(r, lang, 2))
    pdf.paragraph(strongest, size=9.5)
    pdf.paragraph(note, size=8.5, colour=MUTED)


# -- rules, reading and the workshop -------------------------------------------------------


def rules(pdf: ReportPDF, data: ReportData, guidance: dict) -> None:
    """The rules behind the numbers, the threshold, how to read them, and what to do next."""
    lang = pdf.lang
    pdf.heading(_t(pdf, "rules"), space=4)
    pdf.body(10, bold=True)
    pdf.set_fill_color(*PANEL)
    pdf.multi_cell(
        0,
        7,
        _t(pdf, "threshold", threshold=data.threshold),
        fill=True,
        padding=(1, 3),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    lead, entries = _lines(text.rules_text(lang, data.threshold, data.share))
    for line in lead:
        pdf.paragraph(line, after=1)
    pdf.bullets(entries, size=9.5)
    for key, block in (
        ("reading", guidance["reading"][lang]),
        ("workshop", guidance["workshop"][lang]),
    ):
        pdf.heading(_t(pdf, key), level=1, space=3)
        lead, entries = _lines(block)
        for line in lead:
            pdf.paragraph(line, after=1)
        pdf.bullets(entries, size=9.5, numbered=key == "workshop")
    pdf.heading(_t(pdf, "change"), level=1, space=3)
    _block(pdf, guidance["change"][lang])


def plans_appendix(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """Appendix: the action plans for this department (or workplace), one block each."""
    lang = pdf.lang
    pdf.add_page()
    pdf.heading(_t(pdf, "plans_heading"), space=2)
    pdf.paragraph(_t(pdf, "plans_intro"), size=9.5, colour=MUTED)
    for plan in data.plans:
        where = plan.department or text.t("plans.whole_workplace", lang)
        status = text.t(f"plans.status_{plan.status}", lang)
        # Overdue as on the plans page: not done by its deadline (on the report's date).
        if plan.status in ("planned", "in_progress") and plan.deadline < pdf.today:
            status = f"{text.t('plans.overdue', lang).upper()} · {status}"
        pdf.heading(plan.focus_area, level=1, space=2)
        form = instrument.dimension(plan.dimension).short[lang]
        if plan.items:
            numbers = ", ".join(str(n) for n in plan.items)
            form += f" ({_t(pdf, 'plans_items', items=numbers)})"
        pdf.paragraph(f"{where} · {form} · {status}", size=9, colour=MUTED, after=1)
        pdf.paragraph(plan.description, size=10, after=1)
        dates = f"{text.day(plan.start_date, lang)} – {text.day(plan.deadline, lang)}"
        for label, value in (
            (text.t("plans.responsible", lang) + ":", plan.responsible),
            (_t(pdf, "plans_dates"), dates),
            (text.t("plans.follow_up", lang), plan.follow_up),
            (text.t("plans.goal", lang), plan.goal),
            (text.t("plans.continuation", lang), plan.continuation),
        ):
            if value:
                pdf.paragraph(f"{label} {value}", size=9.5, after=1)
        pdf.ln(2)
