"""Items: how does my department compare, question by question?"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import analysis_charts as charts
from dashboard import analysis_ui as ui
from dashboard import state
from socialkapital import analysis, text

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
s = state.store()
ins = s.instrument
figs = ui.figures(filters.round)
threshold = figs.threshold
department = filters.department
workplace = filters.workplace

table = analysis.items_comparison(figs, workplace, department, ins.item_keys)
names = {
    "department": department or "",
    "workplace": t("app.whole_workplace"),
    "all": t("app.all_workplaces"),
}
sides = (["department"] if department else []) + ["workplace", "all"]

st.title(state.md("items.heading", group=department or workplace))
st.caption(state.md("analysis.caption", round=filters.round, workplace=workplace))
if department:
    st.markdown(state.md("items.intro", group=department))
else:
    st.markdown(t("items.intro_workplace"))
groups, measures = figs.of_workplace(workplace)
group = groups.filter(
    (pl.col("workplace") == workplace)
    & (pl.col("department") == department if department else pl.col("level") == "workplace")
)
if group.height and group["suppressed"][0]:
    st.warning(t("overview.suppressed", threshold=threshold), icon=":material/visibility_off:")
elif department:
    ui.hidden_notes(measures, workplace, department)


def signed(value: float | None) -> str:
    if value is None:
        return text.DASH
    shown = text.score(abs(value), lang, 1)
    return shown if round(value, 1) == 0 else ("+" if value > 0 else "−") + shown


def figure(mean: float | None, n: int | None) -> str:
    if mean is None:
        return text.DASH
    return f"{text.score(mean, lang, 1)} (n = {text.integer(n, lang)})"


rows = {r["measure"]: r for r in table.iter_rows(named=True)}
diff_columns = (["diff_workplace"] if department else []) + ["diff_all"]
for dim in ins.dimensions:
    st.subheader(dim.names[lang])
    shown = []
    for item in ins.items_of(dim.key):
        r = rows[item.key]
        record = {t("items.number"): str(item.number), t("items.question"): item.texts[lang]}
        for side in sides:
            # st.table renders Markdown in its headers: the department's name is escaped.
            record[state.esc(names[side])] = figure(r[f"{side}_mean"], r[f"{side}_n"])
        for column in diff_columns:
            record[t(f"items.{column}")] = signed(r[column])
        shown.append(record)
    # A static table, so that the questions wrap instead of being cut off.
    st.table(pl.DataFrame(shown), hide_index=True, border="horizontal")
st.caption(t("items.hidden_note", threshold=threshold))
ui.left_out_note(figs, None)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# The downloadable table: numbers as numbers, hidden ones empty.
records = []
for item in ins.items:
    r = rows[item.key]
    record = {
        t("items.number"): item.number,
        t("overview.dimension"): ins.dimension(item.dimension).short[lang],
        t("items.question"): item.texts[lang],
    }
    for side in sides:
        record[names[side]] = rounded(r[f"{side}_mean"])
        record[f"{names[side]} (n)"] = r[f"{side}_n"]
    for column in diff_columns:
        record[t(f"items.{column}")] = rounded(r[column])
    records.append(record)
download = pl.DataFrame(records, infer_schema_length=None)
ui.downloads(ui.file_name(t("items.file"), department or workplace), "items_table", download)

st.subheader(t("items.chart"))
dots = []
for item in ins.items:
    r = rows[item.key]
    for side in sides:
        mean = r[f"{side}_mean"]
        dots.append(
            {
                "item": f"{item.number}. {item.texts[lang]}",
                "dimension": ins.dimension(item.dimension).short[lang],
                "group": names[side],
                "score": mean,
                "label": figure(mean, r[f"{side}_n"]),
            }
        )
dot_frame = pl.DataFrame(
    dots,
    schema={
        "item": pl.String,
        "dimension": pl.String,
        "group": pl.String,
        "score": pl.Float64,
        "label": pl.String,
    },
)
chart = state.built(
    charts.item_dots,
    dot_frame,
    dot_frame["item"].unique(maintain_order=True).to_list(),
    [d.short[lang] for d in ins.dimensions],
    [names[side] for side in sides],
    t("items.score"),
)
state.chart(chart, width="content")
ui.downloads(
    ui.file_name(t("items.file_chart"), department or workplace), "items_chart", chart=chart
)
