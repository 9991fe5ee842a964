"""Benchmark: the sidebar's workplace beside its industry and all workplaces (with an
external reference), then how the sites compare: mean over the chosen sites, ranges between
sites and between teams, and a sites × forms heatmap."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import analysis_charts as charts
from dashboard import analysis_ui as ui
from dashboard import state
from queries import facts_store
from queries.store import StoreBusy, StoreError
from socialkapital import analysis, industry, references, text

LIMIT = 10.0  # points at which the colour is full, as on the heatmap page

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
s = state.store()
ins = s.instrument
figs = ui.figures(filters.round)
threshold = figs.threshold

st.title(t("benchmark.heading"))
measures = [*ins.dimension_keys, analysis.OVERALL]
labels = {m: ui.measure_label(m, ins, lang) for m in measures}


def span(low: float | None, high: float | None) -> str:
    if low is None:
        return text.DASH
    return t("benchmark.range", low=text.score(low, lang), high=text.score(high, lang))


@st.cache_data(max_entries=32, show_spinner=False)
def _compared(_store, version, round_name, workplace, _viewer, viewer_key, lang):
    figs = ui._gated(round_name)
    everyone = industry.all_side(ui.figures(round_name), measures, _store.instrument.item_keys)
    facts = facts_store.all_facts(_store)
    minimum = _store.settings.min_industry_workplaces
    keys = _store.instrument.item_keys
    return industry.compare(
        figs, facts, workplace, measures, keys, minimum, _viewer, lang, everyone
    )


def compared_table(found: industry.Comparison, side: str) -> pl.DataFrame:
    """One side of the comparison in the seed's shape, with the workplace's own score."""
    rows = []
    for r in found.rows.iter_rows(named=True):
        rows.append(
            {
                t("overview.dimension"): labels[r["measure"]],
                state.esc(found.workplace): text.score(r["score"], lang),  # st.table: Markdown
                t("benchmark.mean"): text.score(r[f"{side}_mean"], lang),
                t("benchmark.site_range"): span(
                    r[f"{side}_workplace_min"], r[f"{side}_workplace_max"]
                ),
                t("benchmark.team_range"): span(r[f"{side}_team_min"], r[f"{side}_team_max"]),
            }
        )
    return pl.DataFrame(rows)


who = state.viewer()
try:
    found = _compared(s, s.version(), filters.round, filters.workplace, who, who.key(), lang)
except (StoreBusy, StoreError) as exc:
    state.stop_for(exc)
st.subheader(state.md("industry.heading", workplace=filters.workplace))
said = " ".join(state.md(key, **values) for key, values in industry.sentences(found, lang))
if found.status == industry.NO_INDUSTRY:
    st.info(said + " " + state.md("industry.how_to_set", workplace=filters.workplace))
elif found.status == industry.TOO_FEW:
    st.info(said)
else:
    st.caption(said)
    name = found.industry_name(lang)
    st.markdown(f"**{state.md('industry.same_industry', code=found.industry, industry=name)}**")
    st.table(compared_table(found, "industry"), hide_index=True, border="horizontal")
st.markdown(f"**{t('industry.all')}**")
st.table(compared_table(found, "all"), hide_index=True, border="horizontal")
st.caption(t("industry.explain"))
if st.toggle(t("industry.reference_toggle"), key="industry_reference"):
    ref = references.dairy_reference()
    own = dict(zip(found.rows["measure"], found.rows["score"], strict=True))
    st.markdown(f"**{state.md('industry.reference', label=ref.label[lang])}**")
    st.table(
        pl.DataFrame(
            [
                {
                    t("overview.dimension"): labels[r["measure"]],
                    state.esc(found.workplace): text.score(own.get(r["measure"]), lang),
                    t("benchmark.mean"): text.score(r["mean"], lang),
                    t("industry.reference_between"): span(r["workplace_min"], r["workplace_max"]),
                    t("benchmark.team_range"): span(r["team_min"], r["team_max"]),
                }
                for r in ref.rows.iter_rows(named=True)
            ]
        ),
        hide_index=True,
        border="horizontal",
    )
    st.caption(state.md("industry.reference_note", source=ref.source[lang]))

st.divider()
st.subheader(t("industry.sites_heading"))
every = list(figs.workplaces)
chosen = st.multiselect(
    t("benchmark.sites"), every, default=every, key="benchmark_sites", placeholder=t("app.choose")
)
if not chosen:
    st.info(t("benchmark.need_sites"))
    st.stop()
st.caption(state.md("benchmark.caption", round=filters.round, count=len(chosen)))

bench, matrix = ui.sites(filters.round, chosen, measures)

st.subheader(t("benchmark.table"))
shown_rows, download_rows = [], []
for r in bench.iter_rows(named=True):
    mean = text.score(r["mean"], lang) if r["mean"] is not None else text.DASH
    shown_rows.append(
        {
            t("overview.dimension"): labels[r["measure"]],
            t("benchmark.mean"): mean,
            t("benchmark.site_range"): span(r["site_min"], r["site_max"]),
            t("benchmark.team_range"): span(r["team_min"], r["team_max"]),
            t("overview.n"): text.integer(r["n"], lang),
            t("benchmark.sites_with"): t(
                "benchmark.sites_shown", shown=r["sites_shown"], total=r["sites"]
            ),
            t("benchmark.teams_with"): t(
                "benchmark.sites_shown", shown=r["teams_shown"], total=r["teams"]
            ),
        }
    )
    one = {t("overview.dimension"): labels[r["measure"]]}
    for key in ("mean", "site_min", "site_max", "team_min", "team_max"):
        one[key] = None if r[key] is None else round(r[key], 1)
    one |= {"n": r["n"], "sites_shown": r["sites_shown"], "teams_shown": r["teams_shown"]}
    download_rows.append(one)
st.table(pl.DataFrame(shown_rows), hide_index=True, border="horizontal")  # wraps, no cut-off
ui.left_out_note(figs, chosen)
st.caption(t("benchmark.explain"))
ui.downloads(
    ui.file_name(t("benchmark.file"), filters.round),
    "benchmark_table",
    pl.DataFrame(download_rows, infer_schema_length=None),
)

st.subheader(t("benchmark.chart"))
range_frame = bench.select(
    pl.col("measure").replace_strict(labels).alias("dimension"),
    "mean",
    "site_min",
    "site_max",
    "team_min",
    "team_max",
).with_columns(
    pl.col("mean")
    .map_elements(lambda v: text.score(v, lang), return_dtype=pl.String)
    .alias("label")
)
legend = {k: t(f"benchmark.legend_{k}") for k in ("team", "site", "mean")}
chart = state.built(charts.ranges, range_frame, legend, t("items.score"))
state.chart(chart, width="stretch")
ui.downloads(ui.file_name(t("benchmark.file_chart"), filters.round), "benchmark_chart", chart=chart)

st.subheader(t("benchmark.matrix"))
reference = dict(zip(bench["measure"], bench["mean"], strict=True))
cells = []
for r in matrix.iter_rows(named=True):
    ref = reference.get(r["measure"])
    diff = None if r["mean"] is None or ref is None else r["mean"] - ref
    shown = not r["suppressed"]
    cells.append(
        {
            "row": r["workplace"],
            "department": None,
            "col": labels[r["measure"]],
            "group": None,
            "value": 0.0 if diff is None else diff,
            "text": f"{text.score(r['mean'], lang)}\nn = {text.integer(r['n'], lang)}"
            if shown
            else ui.hidden_cell(r["reason"], threshold, lang),
            "hidden": not shown,
            "dark": diff is not None and abs(diff) >= LIMIT * 0.6,
            "tooltip": f"{r['workplace']} · {labels[r['measure']]}: "
            + (
                f"{text.score(r['mean'], lang, 1)} (n = {r['n']})"
                if shown
                else ui.hidden_text(r["reason"], threshold, lang)
            ),
        }
    )
cell_frame = pl.DataFrame(cells, infer_schema_length=None)
sites = sorted(chosen, key=str.casefold)
heat = state.built(
    charts.heatmap,
    cell_frame,
    sites,
    [labels[m] for m in measures],
    t("benchmark.legend"),
    limit=LIMIT,
    cell=(None, 50),
    selectable=False,
)
state.chart(heat, width="stretch")
st.caption(t("heatmap.explain_hidden", threshold=threshold))
table = matrix.select(
    pl.col("workplace").alias(t("app.workplace")),
    pl.col("measure").replace_strict(labels).alias(t("overview.dimension")),
    pl.col("mean").round(1).alias(t("benchmark.mean")),
    pl.col("n"),
)
ui.downloads(
    ui.file_name(t("benchmark.file_matrix"), filters.round), "benchmark_matrix", table, heat
)
