"""What the analysis pages share: cached figures, hidden-cell wording and downloads."""

from __future__ import annotations

import dataclasses

import altair as alt
import polars as pl
import polars.selectors as cs
import streamlit as st
import vl_convert

from dashboard import state
from queries import trend_store
from queries.store import StoreBusy, StoreError
from socialkapital import (
    access,
    analysis,
    anonymity,
    compare,
    spreadsheet,
    text,
    trends,
    why_hidden,
)


@st.cache_resource(max_entries=8, show_spinner=False)
def _figures(_store, version: tuple, round_name: str) -> analysis.RoundFigures:
    # ``version`` changes with the store file, so a new import is never served stale. A
    # resource, not data: with a million respondents the figures are ~500,000 rows, and
    # cache_data would unpickle a copy on every rerun. Nothing changes them (frozen, and
    # polars frames are never changed in place), so one shared copy is safe.
    return analysis.round_figures(_store, round_name)


@st.cache_resource(max_entries=16, show_spinner=False)
def _seen(_store, version: tuple, round_name: str, _viewer, viewer_key: tuple, lang: str):
    return access.restrict_figures(_figures(_store, version, round_name), _viewer, lang)


def _gated(round_name: str) -> analysis.RoundFigures:
    """The round's gated figures before the viewer's scope: only for computations that go
    back to the store's persons, whose requests ``access`` checks and whose results it
    restricts."""
    s = state.store()
    try:
        return _figures(s, s.version(), round_name)
    except (StoreBusy, StoreError) as exc:
        state.stop_for(exc)


def figures(round_name: str) -> analysis.RoundFigures:
    """The round's gated figures, as far as the viewer may see them, cached per store
    version and viewer."""
    s, who = state.store(), state.viewer()
    try:
        return _seen(s, s.version(), round_name, who, who.key(), state.lang())
    except (StoreBusy, StoreError) as exc:
        state.stop_for(exc)


@st.cache_data(max_entries=32, show_spinner=False)
def _sites(_figs, version, round_name, viewer_key, lang, chosen: tuple, measures: tuple):
    keys = state.store().instrument.item_keys
    bench = analysis.benchmark(_figs, list(chosen), list(measures), keys)
    return bench, analysis.site_matrix(_figs, list(chosen), list(measures))


def sites(round_name: str, chosen: list[str], measures: list[str]):
    """``analysis.benchmark`` and ``analysis.site_matrix`` of the chosen workplaces as far as
    the viewer may see them, cached: they do not change with the sidebar's workplace, and
    over every workplace they read a round's figures of every department."""
    s, who = state.store(), state.viewer()
    figs = figures(round_name)
    return _sites(
        figs, s.version(), round_name, who.key(), state.lang(), tuple(chosen), tuple(measures)
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _rounds_in_order(_store, version: tuple) -> pl.DataFrame:
    return trends.rounds_in_order(_store)


def rounds_in_order() -> pl.DataFrame:
    """``trends.rounds_in_order``, read again only when the store changes."""
    s = state.store()
    return _rounds_in_order(s, s.version())


@st.cache_data(max_entries=32, show_spinner=False)
def _department_links(_store, version: tuple, workplace: str):
    with _store.sharing_reads():
        return (
            trend_store.departments_by_round(_store, workplace),
            trend_store.links(_store, workplace),
        )


def department_links(workplace: str) -> tuple[dict[str, list[str]], pl.DataFrame]:
    """A workplace's departments per round and the links stored between them
    (queries/trend_store), read again only when the store changes (a saved link does)."""
    s = state.store()
    return _department_links(s, s.version(), workplace)


@st.cache_data(max_entries=32, show_spinner=False)
def _trends(_store, version: tuple, workplace: str, measures: tuple[str, ...]) -> pl.DataFrame:
    return trends.trends(_store, workplace, list(measures), figures_of=_gated)


def trends_of(workplace: str, measures: list[str]) -> pl.DataFrame:
    """A workplace's trend rows for these measures (``trends.trends``) that the viewer may
    see, cached per store version: the trends and plans pages rerun on every click."""
    s = state.store()
    frame = _trends(s, s.version(), workplace, tuple(measures))
    return access.restrict_trends(frame, state.viewer(), workplace)


@st.cache_data(max_entries=32, show_spinner=False)
def _vs_rest(_store, version: tuple, round_name: str, workplace: str, method: str):
    figs = _figures(_store, version, round_name)
    return compare.department_vs_rest(_store, figs, workplace, method)


def vs_rest(round_name: str, workplace: str, method: str = "holm") -> pl.DataFrame:
    """Each shown department against the rest of its workplace (``compare``) that the viewer
    may see, cached per store version and shared by the heatmap and the reliability page."""
    s = state.store()
    frame = _vs_rest(s, s.version(), round_name, workplace, method)
    return access.restrict_departments(frame, state.viewer(), workplace)


@st.cache_data(max_entries=64, show_spinner=False)
def _correlations(
    _store, version: tuple, round_name: str, workplaces, department, kind: str
) -> analysis.Correlations:
    figs = _figures(_store, version, round_name)
    chosen = list(workplaces) if workplaces is not None else None
    return analysis.correlations(_store, figs, chosen, department, kind)


def correlations(
    round_name: str, workplaces: list[str] | None, department: str | None, kind: str
) -> analysis.Correlations:
    """Person-level correlations for a filter in the viewer's scope (every workplace
    together is pooled and allowed), cached per store version and filter."""
    s = state.store()
    access.require_request(state.viewer(), workplaces, department)
    chosen = tuple(workplaces) if workplaces is not None else None
    try:
        return _correlations(s, s.version(), round_name, chosen, department, kind)
    except (StoreBusy, StoreError) as exc:
        state.stop_for(exc)


@st.cache_data(max_entries=32, show_spinner=False)
def _reliability(_store, version: tuple, round_name: str, workplace: str, department):
    figs = _figures(_store, version, round_name)
    return compare.reliability(_store, figs, workplace, department)


def reliability(round_name: str, workplace: str, department: str | None):
    """Reliability per form (``compare.reliability``) for a group in the viewer's scope,
    with the per-department agreement only for the departments they see."""
    s, who = state.store(), state.viewer()
    access.require(who, workplace, department)
    found = _reliability(s, s.version(), round_name, workplace, department)
    return [
        dataclasses.replace(
            r, rwg={d: r.rwg[d] for d in access.own_departments(who, workplace, list(r.rwg))}
        )
        for r in found
    ]


def filters_or_stop():
    """The sidebar filters; a pointer to the import page when there is no data."""
    filters = st.session_state.get("filters")
    if filters is None:
        st.title(state.t("app.title"))
        st.info(state.t("app.no_data"))
        st.stop()
    access.require(state.viewer(), filters.workplace, filters.department)
    return filters


def hidden_text(
    reason: str | None, threshold: int, lang: str, protects: list[str] | None = None
) -> str:
    """Why a figure is not shown, in a few words; naming the departments a figure hidden
    to protect others protects, where the viewer sees them (``why_hidden``)."""
    if reason == anonymity.SECONDARY:
        return why_hidden.short(reason, protects, threshold, lang)
    if reason == analysis.UNDEFINED:
        return text.t("analysis.undefined", lang)
    if reason == analysis.FEW:
        return text.t("analysis.few", lang, n=state.store().settings.min_correlation_n)
    return text.t("analysis.hidden_primary", lang, threshold=threshold)


def hidden_notes(measures: pl.DataFrame, workplace: str, department: str | None = None) -> None:
    """Say, under a page's figures, why each department hidden to protect another is hidden
    (or just ``department``): 'Rengøring: skjult, fordi Direktion har færre end 5 svar …'."""
    threshold = state.store().settings.anonymity_threshold
    lang = state.lang()
    for note in why_hidden.notes(measures, workplace, threshold, lang, department, state.esc):
        st.caption(note)


def left_out_note(figs: analysis.RoundFigures, workplaces: list[str] | None) -> None:
    """Say which workplaces the figures over several of them leave out (too few answers)."""
    sites = analysis.left_out(figs, workplaces)
    if sites:
        names = ", ".join(sites)
        st.caption(state.md("analysis.left_out", sites=names, threshold=figs.threshold))


def hidden_cell(reason: str | None, threshold: int, lang: str) -> str:
    """The short text of a hidden cell in a chart (may hold a line break)."""
    kind = {
        anonymity.SECONDARY: "secondary",
        analysis.UNDEFINED: "undefined",
        analysis.FEW: "few",
    }.get(reason, "primary")
    n = state.store().settings.min_correlation_n if reason == analysis.FEW else None
    return text.t(f"analysis.cell_{kind}", lang, threshold=threshold, n=n)


def measure_label(key: str, ins, lang: str) -> str:
    """Short name of a dimension, 'Samlet' for the overall score, or the item number."""
    if key == analysis.OVERALL:
        return text.t("analysis.overall", lang)
    if key in ins.dimension_keys:
        return ins.dimension(key).short[lang]
    return key.removeprefix("q")


# -- downloads -----------------------------------------------------------------------------------


def csv_bytes(frame: pl.DataFrame, lang: str) -> bytes:
    """CSV as a spreadsheet in that language opens it: ';' and decimal comma in Danish."""
    danish = lang == "da"
    rounded = frame.with_columns(cs.float().round(2))
    body = spreadsheet.frame_csv(
        rounded, separator=";" if danish else ",", decimal_comma=danish, include_bom=True
    )
    return body.encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str) -> bytes:
    """An Excel workbook with the table, numbers as numbers, text as text."""
    return spreadsheet.xlsx_bytes(frame, sheet, autofit=True, float_precision=1)


def png_bytes(chart: alt.TopLevelMixin, width: int = 900) -> bytes:
    """The chart as a PNG at twice the screen resolution (for slides and reports).

    A chart that fills its container on screen gets ``width`` pixels in the image.
    """
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
    return vl_convert.vegalite_to_png(spec, scale=2)


def downloads(
    name: str,
    key: str,
    table: pl.DataFrame | None = None,
    chart: alt.TopLevelMixin | None = None,
) -> None:
    """Download buttons in one row: the table as CSV and Excel, the chart as PNG.

    The files are made only when a button is pressed.
    """
    lang = state.lang()
    buttons = []
    if table is not None:
        buttons += [
            ("analysis.download_csv", lambda: csv_bytes(table, lang), "csv", "text/csv"),
            ("analysis.download_xlsx", lambda: xlsx_bytes(table, name), "xlsx", _XLSX),
        ]
    if chart is not None:
        buttons.append(("analysis.download_png", lambda: png_bytes(chart), "png", "image/png"))
    buttons = [
        (label, state.audited("export", f"{name}.{ext}", make), ext, mime)
        for label, make, ext, mime in buttons
    ]
    columns = st.columns(len(buttons) + 2, gap="small")
    for column, (label, data, ext, mime) in zip(columns, buttons, strict=False):
        column.download_button(
            state.t(label),
            data=data,
            file_name=f"{name}.{ext}",
            mime=mime,
            key=f"{key}_{ext}",
            on_click="ignore",
            icon=":material/image:" if ext == "png" else ":material/download:",
            width="stretch",
        )


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(*parts: str) -> str:
    """A download file name from words: 'varmekort-vestjysk-mejeri'."""
    words = "-".join(p for p in parts if p).casefold()
    keep = [c if c.isalnum() else "-" for c in words]
    return "-".join(filter(None, "".join(keep).split("-")))
