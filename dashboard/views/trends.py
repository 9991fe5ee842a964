"""Trends: each form (or one question) per workplace and department across survey rounds."""

from __future__ import annotations

import itertools
import re

import polars as pl
import streamlit as st

from dashboard import analysis_charts as charts
from dashboard import analysis_ui as ui
from dashboard import state
from queries import trend_store
from socialkapital import anonymity, text, trends

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
store = state.store()
ins = store.instrument
workplace = filters.workplace


def measure_name(key: str) -> str:
    if key in ins.dimension_keys:
        return ins.dimension(key).short[lang]
    return f"{t('trends.item')} {key.removeprefix('q')}"


def reading(row: dict) -> str:
    if row["previous"] is None:
        return ""
    key, values = trends.verdict(row["reworded"], row["broken"], row["change"], row["holds"])
    return t(key, **values)


_PROTECTED: dict[str, dict[tuple[str, str], list[str]]] = {}  # this run's, per round


def protected(row: dict) -> list[str] | None:
    """Whom a department's figure, hidden in a round to protect others, protects: as that
    round's figures name them for the viewer."""
    if row["reason"] != anonymity.SECONDARY or len(row["members"]) != 1:
        return None
    if row["round"] not in _PROTECTED:  # the workplace's hidden rows, read once per round
        hidden = ui.figures(row["round"]).measures.filter(
            (pl.col("level") == "department")
            & (pl.col("workplace") == workplace)
            & pl.col(anonymity.PROTECTS).is_not_null()
        )
        _PROTECTED[row["round"]] = {
            (d, m): whom
            for d, m, whom in hidden.select("department", "measure", anonymity.PROTECTS).rows()
        }
    return _PROTECTED[row["round"]].get((row["members"][0], row["measure"]))


def cell(row: dict) -> str:
    if row["mean"] is None:
        if row["reason"] == trends.PART_HIDDEN:
            return t("trends.part_hidden")
        threshold = store.settings.anonymity_threshold
        return ui.hidden_text(row["reason"], threshold, lang, protected(row))
    return t("trends.cell", mean=text.score(row["mean"], lang, 1), n=text.integer(row["n"], lang))


st.title(t("trends.heading"))
st.caption(state.md("analysis.caption", round=filters.round, workplace=workplace))
order = ui.rounds_in_order()
rounds = order["round"].to_list()
if len(rounds) < 2:
    st.info(t("trends.one_round"))
    st.stop()
st.markdown(t("trends.intro"))

# -- the department mapping, edited once and stored --------------------------------------------
# Linking departments between rounds changes the data: for those who may import it.
if state.viewer().may("can_import"):
    present, stored = ui.department_links(workplace)
    with st.expander(t("trends.mapping")):
        for before, after in itertools.pairwise(rounds):
            old = sorted(set(present.get(before, [])) - set(present.get(after, [])))
            new = sorted(set(present.get(after, [])) - set(present.get(before, [])))
            if not old or not new:
                st.caption(state.md("trends.mapping_none", before=before, after=after))
                continue
            st.markdown(state.md("trends.mapping_intro", before=before, after=after))
            here = stored.filter(pl.col("round") == after)
            with st.form(f"links_{after}"):
                mapping = {}
                for department in old:
                    chosen = here.filter(pl.col("old_department") == department)
                    mapping[department] = st.multiselect(
                        state.md("trends.mapping_old", department=department, before=before),
                        new,
                        default=[d for d in chosen["new_department"].to_list() if d in new],
                        key=f"link_{after}_{department}",
                        placeholder=t("app.choose"),
                    )
                if st.form_submit_button(t("trends.mapping_save")):
                    trend_store.save_links(
                        store, workplace, after, {o: n for o, n in mapping.items() if n}
                    )
                    st.session_state["trends_saved"] = True
                    st.rerun()
if st.session_state.pop("trends_saved", False):
    st.success(t("trends.mapping_saved"))

# -- what to show ----------------------------------------------------------------------------
what = st.segmented_control(
    t("trends.show"),
    ["forms", "item"],
    format_func=lambda k: t(f"trends.show_{k}"),
    default="forms",
    required=True,
    key="trends_show",
)
if what == "item":
    item = st.selectbox(
        t("trends.item"),
        [i.key for i in ins.items],
        format_func=lambda k: f"{k.removeprefix('q')}. {ins.items[int(k[1:]) - 1].texts[lang]}",
        key="trends_item",
    )
    measures = [item]
else:
    measures = ins.dimension_keys
frame = ui.trends_of(workplace, measures)
if filters.department:
    groups = [
        g
        for g in frame["group"].unique().to_list()
        if filters.department in re.split(" → | \\+ ", g)
    ]
    frame = frame.filter((pl.col("kind") == "workplace") | pl.col("group").is_in(groups))

rank = {m: i for i, m in enumerate(measures)}
frame = frame.with_columns(
    pl.col("measure").replace_strict(rank, return_dtype=pl.Int64).alias("_rank")
).sort("_rank", maintain_order=True)
frame = frame.sort(pl.col("kind") != "workplace", "group", "_rank", maintain_order=True)

# -- first the picture: a chart per measure, the shown figures across rounds -----------------
chart_measure = (
    measures[0]
    if len(measures) == 1
    else st.selectbox(
        t("trends.measure"), measures, format_func=measure_name, key="trends_chart_measure"
    )
)
# A line stops where the trend is broken (a changed question) or a round is hidden, so that
# the chart never draws a change the table refuses to compute.
new_line = pl.col("broken") | ~pl.col("shown").shift(1, fill_value=True).over("kind", "group")
shown = (
    frame.filter(pl.col("measure") == chart_measure)
    .sort("group", "date")
    .with_columns(new_line.cast(pl.Int32).cum_sum().over("kind", "group").alias("segment"))
    .filter(pl.col("shown"))
    .with_columns(
        pl.when(pl.col("kind") == "workplace")
        .then(pl.lit(t("app.whole_workplace")))
        .otherwise(pl.col("group"))
        .alias("group")
    )
)
st.subheader(t("trends.chart", measure=measure_name(chart_measure)))
whole = t("app.whole_workplace")
departments = sorted(g for g in shown["group"].unique().to_list() if g != whole)
titles = {k: t(f"trends.{k}") for k in ("round_axis", "score_axis", "group")}
chart = state.built(
    charts.trend_lines,
    shown.select("group", "segment", "round", "date", "mean", "n"),
    rounds,
    whole,
    departments,
    titles,
)
state.chart(chart, width="stretch")

# -- the table: one row per group and measure, a column per round, then the latest change -----
rows, download = [], []
for (group, kind, measure), part in frame.group_by(
    ["group", "kind", "measure"], maintain_order=True
):
    by_round = {r["round"]: r for r in part.iter_rows(named=True)}
    name = t("app.whole_workplace") if kind == "workplace" else group
    flat = {t("trends.group"): name, t("trends.measure"): measure_name(measure)}
    # The group's name once, on its first row: the table reads as blocks.
    first = not download or download[-1][t("trends.group")] != name
    # st.table reads Markdown: the names (the group, the rounds heading columns) are escaped.
    row = {**flat, t("trends.group"): f"**{state.esc(name)}**" if first else ""}
    for r in rounds:
        got = by_round.get(r)
        row[state.esc(r)] = "" if got is None else cell(got)
        flat[r] = None if got is None else got["mean"]
    last = by_round[max(by_round, key=rounds.index)]
    change = last["change"]
    row[t("trends.change")] = "" if change is None else text.signed(change, lang, 1)
    low, high = (text.signed(last[k], lang, 1) for k in ("change_low", "change_high"))
    row[t("trends.change_ci")] = "" if change is None else f"{low} – {high}"
    row[t("trends.reading")] = reading(last)
    flat[t("trends.change")] = change
    flat["p_adjusted"] = last["p_adjusted"]
    flat[t("trends.reading")] = reading(last)
    rows.append(row)
    download.append(flat)
st.table(pl.DataFrame(rows).to_pandas(), hide_index=True, border="horizontal")
st.caption(t("trends.interval_note"))
ui.downloads(ui.file_name(t("trends.file"), workplace), "trends_table", pl.DataFrame(download))

# -- where a reworded question breaks a trend, the wordings side by side ----------------------
reworded = frame.filter(pl.col("reworded").list.len() > 0)
if reworded.height:
    st.subheader(t("trends.wordings"))
    st.markdown(t("trends.wordings_intro"))
    items = sorted(set(reworded["reworded"].explode().to_list()))
    pairs = reworded.select("previous", "round").unique()
    named = set(pairs["previous"].to_list()) | set(pairs["round"].to_list())
    in_order = [r for r in rounds if r in named]
    found = trends.wordings(store, workplace, items, in_order)
    said = {(r["item"], r["round"]): r["wording"] for r in found.iter_rows(named=True)}
    for item in items:
        lines = [f"**{t('trends.item')} {item}**"]
        for r in in_order:
            wording = said.get((item, r))
            wording = state.esc(wording) if wording else t("trends.wording_unknown")
            lines.append(f"- {state.esc(r)}: {wording}")
        st.markdown("\n".join(lines))
