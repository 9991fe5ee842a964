"""Drawing a report from its figures: all a worker process needs (no store, no statistics),
so that it starts quickly."""

from __future__ import annotations

from datetime import date

from socialkapital import instrument as instrument_mod
from socialkapital import text
from socialkapital.reports import benchmark_section, figures, fonts, sections
from socialkapital.reports.figures import ReportData
from socialkapital.reports.pdf import new_pdf


def render(data: ReportData, lang: str, today: date, instrument=None) -> bytes:
    """Draw one report and return the PDF's bytes."""
    instrument = instrument or instrument_mod.load()
    guidance = text.guidance()
    survey = instrument.names[lang]
    head = " · ".join(x for x in (survey, data.workplace, data.department, data.round) if x)
    names = [data.workplace, data.department or "", data.round, *(g.name for g in data.departments)]
    if data.trend is not None:
        names += [data.trend.group, data.trend.previous, *(d[0] for d in data.trend.departments)]
    # Plans are typed by users: their text decides the font too.
    names += [
        f"{p.focus_area} {p.description} {p.responsible} {p.follow_up} {p.goal}" for p in data.plans
    ]
    pdf = new_pdf(lang, head, today, fonts.for_text(head, *names))
    title = data.department or data.workplace
    pdf.set_title(f"{text.t('report.title', lang)}: {title}")
    pdf.set_subject(f"{survey}, {data.round}")

    sections.front(pdf, data, survey)
    sections.hidden_notice(pdf, data, instrument)
    sections.two_numbers(pdf, data)
    sections.forms_overview(pdf, data, instrument)
    if data.kind == figures.WORKPLACE:
        sections.departments_table(pdf, data, instrument)
        sections.benchmark_table(pdf, data, instrument)
        benchmark_section.draw(pdf, data, instrument)
        sections.correlation_table(pdf, data, instrument)
    pdf.add_page()
    sections.trend_table(pdf, data, instrument)  # whole, at the top of a page
    for dim in instrument.dimensions:
        sections.form_section(pdf, data, dim, guidance, instrument)
    sections.items_table(pdf, data, instrument)
    sections.about(pdf, guidance)
    sections.rules(pdf, data, guidance)
    if data.plans:
        sections.plans_appendix(pdf, data, instrument)
    return bytes(pdf.output())


def render_task(task: tuple[str, ReportData, str, date, object]) -> tuple[str, bytes]:
    """Worker entry point (module level, so a spawned process can import it)."""
    name, data, lang, today, instrument = task
    return name, render(data, lang, today, instrument)
