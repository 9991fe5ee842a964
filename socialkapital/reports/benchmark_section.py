"""The workplace report's comparison with its own industry, in the seed's shape (mean, range
between workplaces, range between departments per form), and NFA's dairy figures beside it
as a labelled external reference.

``attach`` picks the figures (at build time, from ``socialkapital.industry``, so through the
anonymity gate and the viewer's scope); ``draw`` only formats them, in whole numbers, and
needs nothing heavy, as worker processes draw reports.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from socialkapital import references, text
from socialkapital.reports.figures import OVERALL, WORKPLACE, ReportData
from socialkapital.reports.pdf import MUTED, PANEL, ReportPDF, Row, grid

COMPARED = "compared"  # as socialkapital.industry.COMPARED (not imported: it loads the store)


@dataclass(frozen=True)
class IndustryLine:
    """One measure: the workplace's own score and its industry's figures (None: not shown)."""

    measure: str
    score: float | None
    mean: float | None
    workplaces: tuple[float, float] | None
    departments: tuple[float, float] | None


@dataclass(frozen=True)
class IndustryBenchmark:
    """What the section shows: the industry compared with (or why none) and its lines."""

    status: str
    said: str  # the sentences naming the industry and the counts, in the report's language
    lines: tuple[IndustryLine, ...]


def attach(store, data: ReportData, viewer, lang: str) -> ReportData:
    """A workplace report's data with its industry comparison (others' unchanged)."""
    if data.kind != WORKPLACE:
        return data
    from queries import facts_store
    from socialkapital import analysis, industry

    figs = analysis.round_figures(store, data.round)
    ins = store.instrument
    found = industry.compare(
        figs,
        facts_store.all_facts(store),
        data.workplace,
        [OVERALL, *ins.dimension_keys],
        ins.item_keys,
        store.settings.min_industry_workplaces,
        viewer,
        lang,
    )
    lines = tuple(
        IndustryLine(
            r["measure"],
            r["score"],
            r["industry_mean"],
            _pair(r["industry_workplace_min"], r["industry_workplace_max"]),
            _pair(r["industry_team_min"], r["industry_team_max"]),
        )
        for r in found.rows.iter_rows(named=True)
    )
    section = IndustryBenchmark(found.status, industry.headline(found, lang), lines)
    return dataclasses.replace(data, industry=section)


def _pair(low: float | None, high: float | None) -> tuple[float, float] | None:
    return None if low is None else (low, high)


def draw(pdf: ReportPDF, data: ReportData, instrument) -> None:
    """The industry comparison, then the dairies as an external reference."""
    section = data.industry
    if section is None:
        return
    lang = pdf.lang
    names = {OVERALL: text.t("report.overall", lang)}
    names.update({d.key: d.short[lang] for d in instrument.dimensions})
    own = {line.measure: line.score for line in section.lines}

    pdf.heading(text.t("industry.report_heading", lang), space=6)
    pdf.paragraph(section.said, size=9.5)
    if section.status == COMPARED:
        heads = ["form", "this_workplace", "industry_mean", "range_sites", "range_departments"]
        rows = [Row([_head(k, lang) for k in heads], bold=True, heading=True, fill=PANEL)]
        for line in section.lines:
            cells = [
                names[line.measure],
                text.score(line.score, lang, 0),
                text.score(line.mean, lang, 0),
                _span(line.workplaces, lang),
                _span(line.departments, lang),
            ]
            rows.append(Row(cells, bold=line.measure == OVERALL))
        grid(pdf, [46, 28, 28, 36, 36], "LRRRR", rows, size=9, line=4.3, pad=(1.3, 1.5))
        pdf.ln(2)
        pdf.paragraph(text.t("industry.explain", lang), size=8.5, colour=MUTED)

    ref = references.dairy_reference()
    title = text.t("industry.reference", lang, label=ref.label[lang])
    if pdf.will_page_break(70):
        pdf.add_page()
    pdf.heading(title, level=1, space=4)
    heads = [
        text.t("report.form", lang),
        text.t("report.this_workplace", lang),
        text.t("benchmark.mean", lang),
        text.t("industry.reference_between", lang),
        text.t("report.range_departments", lang),
    ]
    rows = [Row(heads, bold=True, heading=True, fill=PANEL)]
    for r in ref.rows.iter_rows(named=True):
        cells = [
            names[r["measure"]],
            text.score(own.get(r["measure"]), lang, 0),
            text.score(r["mean"], lang, 0),
            _span((r["workplace_min"], r["workplace_max"]), lang),
            _span((r["team_min"], r["team_max"]), lang),
        ]
        rows.append(Row(cells))
    grid(pdf, [46, 28, 28, 36, 36], "LRRRR", rows, size=9, line=4.3, pad=(1.3, 1.5))
    pdf.ln(2)
    note = text.t("industry.reference_note", lang, source=ref.source[lang])
    pdf.paragraph(note, size=8.5, colour=MUTED)


def _head(key: str, lang: str) -> str:
    if key == "industry_mean":
        return text.t("industry.report_mean", lang)
    return text.t(f"report.{key}", lang)


def _span(bounds: tuple[float, float] | None, lang: str) -> str:
    if bounds is None:
        return text.DASH
    return f"{text.score(bounds[0], lang, 0)}–{text.score(bounds[1], lang, 0)}"
