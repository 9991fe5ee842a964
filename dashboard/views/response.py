"""Response: can we trust the numbers? Invited, answered and the response rate, low ones flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import streamlit as st

from dashboard import analysis_charts as charts
from dashboard import analysis_ui as ui
from dashboard import state
from socialkapital import analysis, text

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
figs = ui.figures(filters.round)
threshold = figs.threshold
limit = state.store().settings.low_response_rate
low_rate = text.percent(limit, lang)
FLAGS = ("low", "too_few", "no_roster", "over")


def notes(row: dict) -> str:
    return "; ".join(t(f"response.flag_{f}") for f in FLAGS if row[f])


def tables(frame: pl.DataFrame, name_of) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The table on screen (formatted, flags in words) and the one to download."""
    shown, download = [], []
    for r in frame.iter_rows(named=True):
        name = name_of(r)
        shown.append(
            {
                t("response.group"): state.esc(name),  # st.table reads Markdown
                t("overview.invited"): text.integer(r["invited"], lang),
                t("overview.respondents"): text.integer(r["respondents"], lang),
                t("overview.response_rate"): text.percent(r["response_rate"], lang),
                t("response.flags"): notes(r),
            }
        )
        download.append(
            {
                t("response.group"): name,
                t("overview.invited"): r["invited"],
                t("overview.respondents"): r["respondents"],
                t("overview.response_rate"): None
                if r["response_rate"] is None
                else round(r["response_rate"], 3),
                t("response.flags"): notes(r),
            }
        )
    return pl.DataFrame(shown), pl.DataFrame(download, infer_schema_length=None)


def highlight(column: str):
    """Colour the rows that carry a note (orange, as the chart's low bars): the whole table's
    colours at once (a row at a time took most of the page's run with 400 workplaces)."""

    def style(table):
        noted = table[column].astype(bool).to_numpy()[:, None]
        colours = np.where(noted, "background-color: #fde9d9", "")
        return pd.DataFrame(np.broadcast_to(colours, table.shape), table.index, table.columns)

    return style


st.title(t("response.heading"))
st.caption(state.md("analysis.caption", round=filters.round, workplace=filters.workplace))
st.markdown(t("response.intro", rate=low_rate))

rows = analysis.response(figs, filters.workplace, limit)
depts = rows.filter(pl.col("level") == "department").sort("department")
whole = rows.filter(pl.col("level") == "workplace")
ordered = pl.concat([whole, depts])
low = depts.filter(pl.col("low")).height
with_rate = depts.filter(pl.col("response_rate").is_not_null()).height
if with_rate:
    st.markdown(t("response.summary", low=low, total=with_rate, rate=low_rate))

st.subheader(state.md("response.departments", workplace=filters.workplace))
shown, download = tables(ordered, lambda r: r["department"] or t("app.whole_workplace"))
st.table(  # static: every row and whole notes, no inner scrolling
    shown.to_pandas().style.apply(highlight(t("response.flags")), axis=None),
    hide_index=True,
    border="horizontal",
)
if ordered["no_roster"].any():
    st.caption(t("response.no_roster_note"))
# Enough answers, yet no figures: why.
ui.hidden_notes(figs.of_workplace(filters.workplace)[1], filters.workplace)
ui.downloads(ui.file_name(t("response.file"), filters.workplace), "response_table", download)

bars = ordered.with_columns(
    pl.when(pl.col("level") == "workplace")
    .then(pl.lit(t("app.whole_workplace")))
    .otherwise(pl.col("department"))
    .alias("group"),
    pl.col("response_rate").alias("rate"),
    pl.col("response_rate")
    .map_elements(lambda v: text.percent(v, lang), return_dtype=pl.String)
    .alias("label"),
    pl.when(pl.col("low"))
    .then(pl.lit(t("response.status_low", rate=low_rate)))
    .otherwise(pl.lit(t("response.status_ok", rate=low_rate)))
    .alias("status"),
)
st.subheader(t("response.chart"))
chart = state.built(
    charts.response_bars,
    bars.select("group", "rate", "label", "status"),
    bars["group"].to_list(),
    limit,
    {
        "rate": t("overview.response_rate"),
        "ok": t("response.status_ok", rate=low_rate),
        "low": t("response.status_low", rate=low_rate),
        "line": t("response.line", rate=low_rate),
    },
)
state.chart(chart, width="stretch")
ui.downloads(ui.file_name(t("response.chart"), filters.workplace), "response_chart", chart=chart)

st.subheader(t("response.workplaces"))
sites = analysis.response(figs, None, limit)
shown, download = tables(sites, lambda r: r["workplace"] or t("app.all_workplaces"))
st.table(  # static: every row and whole notes, no inner scrolling
    shown.to_pandas().style.apply(highlight(t("response.flags")), axis=None),
    hide_index=True,
    border="horizontal",
)
ui.downloads(ui.file_name(t("response.file_workplaces"), filters.round), "response_sites", download)
