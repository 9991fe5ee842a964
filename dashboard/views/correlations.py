"""Correlations: how do the four forms hang together, person by person?"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import analysis_charts as charts
from dashboard import analysis_ui as ui
from dashboard import state
from socialkapital import text

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
s = state.store()
ins = s.instrument
figs = ui.figures(filters.round)
threshold = figs.threshold

st.title(t("correlations.heading"))
options = (["department"] if filters.department else []) + ["workplace", "all"]
scope = st.segmented_control(
    t("correlations.scope"),
    options=options,
    format_func=lambda k: t(f"correlations.scope_{k}"),
    default=options[0],
    required=True,
    key=f"correlations_scope_{len(options)}",  # the options differ with and without a department
)
workplaces = None if scope == "all" else [filters.workplace]
department = filters.department if scope == "department" else None
group_name = {
    "department": f"{filters.workplace}: {filters.department}",
    "workplace": filters.workplace,
    "all": t("app.all_workplaces"),
}[scope]
st.caption(state.md("correlations.caption", group=group_name) + f" · {state.esc(filters.round)}")


def grid(kind: str, label):
    """Chart cells, a downloadable table, the labels and the result of one matrix."""
    result = ui.correlations(filters.round, workplaces, department, kind)
    labels = [label(m) for m in result.order]
    names = dict(zip(result.order, labels, strict=True))
    cells, table = [], {}
    for r in result.cells.iter_rows(named=True):
        shown = r["r"] is not None
        value = text.number(r["r"], lang, 2) if shown else ""
        detail = f"{value}\nn = {text.integer(r['n'], lang)}" if kind == "dimension" else value
        why = ui.hidden_text(r["reason"], threshold, lang)
        # The 21 × 21 cells are too small for words: grey says it, the tooltip explains.
        hidden = ui.hidden_cell(r["reason"], threshold, lang) if kind == "dimension" else ""
        cells.append(
            {
                "row": names[r["row"]],
                "department": None,
                "col": names[r["col"]],
                "group": None,
                "value": r["r"],
                "text": detail if shown else hidden,
                "hidden": not shown,
                "dark": shown and abs(r["r"]) >= 0.6,
                "tooltip": f"{names[r['row']]} × {names[r['col']]}: "
                + (t("correlations.cell", r=value, n=r["n"]) if shown else why),
            }
        )
        row = table.setdefault(names[r["row"]], {"": names[r["row"]]})
        row[names[r["col"]]] = None if not shown else round(r["r"], 3)
        row[f"{names[r['col']]} (n)"] = r["n"]
    schema = {
        "row": pl.String,
        "department": pl.String,
        "col": pl.String,
        "group": pl.String,
        "value": pl.Float64,
        "text": pl.String,
        "hidden": pl.Boolean,
        "dark": pl.Boolean,
        "tooltip": pl.String,
    }
    return pl.DataFrame(cells, schema=schema), pl.DataFrame(list(table.values())), labels, result


def short(key: str) -> str:
    return ins.dimension(key).short[lang]


cells, table, labels, result = grid("dimension", short)
chart = state.built(
    charts.heatmap,
    cells,
    labels,
    labels,
    t("correlations.legend"),
    limit=1.0,
    cell=(None, 62),
    bold_rows=[],
    selectable=False,
)
# Not beside the reading aid: four columns of readable cells need the page's width.
state.chart(chart, width="stretch")
pairs = [
    r
    for r in result.cells.iter_rows(named=True)
    if r["r"] is not None and result.order.index(r["row"]) < result.order.index(r["col"])
]
if pairs:
    best = max(pairs, key=lambda r: r["r"])
    st.markdown(
        t(
            "correlations.strongest",
            a=short(best["row"]),
            b=short(best["col"]),
            r=text.number(best["r"], lang, 2),
        )
    )
else:
    reasons = {r["reason"] for r in result.cells.iter_rows(named=True)} - {None}
    why = ui.hidden_text(sorted(reasons)[0] if reasons else None, threshold, lang)
    st.warning(t("correlations.none_shown", reason=why), icon=":material/visibility_off:")
with st.expander(t("correlations.reading_heading"), icon=":material/help:", expanded=True):
    st.markdown(t("correlations.reading", min_n=max(threshold, s.settings.min_correlation_n)))
name = ui.file_name(t("correlations.file"), group_name)
ui.downloads(name, "correlations", table, chart)

st.divider()
if st.toggle(t("correlations.items_toggle"), key="correlations_items"):
    st.subheader(t("correlations.items_heading"))
    st.caption(t("correlations.items_caption"))
    cells, table, labels, _ = grid("item", lambda k: k.removeprefix("q"))
    chart = state.built(
        charts.heatmap,
        cells,
        labels,
        labels,
        t("correlations.legend"),
        limit=1.0,
        cell=(None, 30),
        font_size=11,
        bold_rows=[],
        selectable=False,
    )
    state.chart(chart, width="stretch")
    ui.downloads(ui.file_name(t("correlations.file_items"), group_name), "corr_items", table, chart)
