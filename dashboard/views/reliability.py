"""Reliability: how sure the figures are, and which department differences hold up."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import analysis_ui as ui
from dashboard import state
from socialkapital import compare, text

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
figs = ui.figures(filters.round)
store = state.store()
ins = store.instrument
dims = ins.dimension_keys


def num(value: float | None, digits: int = 2) -> str:
    return t("reliability.none") if value is None else text.number(value, lang, digits)


def interval(low: float | None, high: float | None, digits: int = 0) -> str:
    if low is None or high is None:
        return t("reliability.none")
    return t(
        "reliability.interval",
        low=text.score(low, lang, digits),
        high=text.score(high, lang, digits),
    )


def dim_name(key: str) -> str:
    return ins.dimension(key).short[lang]


st.title(t("reliability.heading"))
st.caption(state.md("analysis.caption", round=filters.round, workplace=filters.workplace))
st.markdown(t("reliability.intro"))

# -- reliability panel --------------------------------------------------------------------------
selection = filters.department or t("reliability.selection_whole")
st.subheader(state.md("reliability.panel", selection=selection))
rel = ui.reliability(filters.round, filters.workplace, filters.department)
panel, panel_shown = [], []  # the download's, and the page's (st.table reads Markdown)
for r in rel:
    alpha = t("reliability.none")
    if r.alpha is not None:
        alpha = f"{num(r.alpha.alpha)} ({num(r.alpha.interval.low)}-{num(r.alpha.interval.high)}"
        alpha += f", n {text.integer(r.alpha.n, lang)})"
    rwg = "; ".join(f"{d} {num(v)}" for d, v in r.rwg.items()) or t("reliability.none")
    record = {
        t("reliability.dimension"): dim_name(r.dimension),
        t("reliability.alpha"): alpha,
        t("reliability.icc1"): num(r.icc.icc1) if r.icc else t("reliability.none"),
        t("reliability.icc2"): num(r.icc.icc2) if r.icc else t("reliability.none"),
        t("reliability.rwg"): rwg,
        t("reliability.needed"): text.integer(r.needed_n, lang),
    }
    panel.append(record)
    shown_rwg = "; ".join(f"{state.esc(d)} {num(v)}" for d, v in r.rwg.items())
    panel_shown.append(record | {t("reliability.rwg"): shown_rwg or t("reliability.none")})
st.table(pl.DataFrame(panel_shown).to_pandas(), hide_index=True, border="horizontal")
if filters.department:  # the ICCs are about the departments together, not this one
    st.caption(state.md("reliability.icc_workplace", workplace=filters.workplace))
for key, n in [
    ("explain_alpha", {"alpha_n": compare.MIN_N["alpha"]}),
    ("explain_icc1", {"icc_n": compare.MIN_N["icc"]}),
    ("explain_icc2", {}),
    ("explain_rwg", {"rwg_n": compare.MIN_N["rwg"]}),
]:
    st.markdown(f"- {t(f'reliability.{key}', **n)}")
ui.downloads(
    ui.file_name(t("reliability.file_reliability"), filters.workplace),
    "reliability_panel",
    pl.DataFrame(panel),
)

# -- department against the rest --------------------------------------------------------------
st.subheader(state.md("reliability.vs_rest", workplace=filters.workplace))
st.markdown(t("reliability.vs_rest_intro", threshold=figs.threshold))
method = st.radio(
    t("reliability.method"),
    list(compare.METHODS),
    format_func=lambda m: t(f"reliability.method_{m}"),
    horizontal=True,
    key="reliability_method",
)
versus = ui.vs_rest(filters.round, filters.workplace, method)
if filters.department:
    versus = versus.filter(pl.col("department") == filters.department)
if not versus.height:
    st.info(t("reliability.no_comparison"))
else:
    rows, download = [], []
    for dim in dims:
        for r in versus.filter(pl.col("measure") == dim).iter_rows(named=True):
            direction = t("reliability.higher" if r["difference"] > 0 else "reliability.lower")
            reading = (
                t("reliability.holds_up", direction=direction)
                if r["holds"]
                else t("reliability.noise")
            )
            rows.append(
                {
                    t("reliability.dimension"): dim_name(dim),
                    t("reliability.department"): state.esc(r["department"]),
                    t("reliability.score"): text.score(r["mean"], lang, 1),
                    t("reliability.rest"): text.score(r["rest_mean"], lang, 1),
                    t("reliability.difference"): text.signed(r["difference"], lang, 1),
                    t("reliability.difference_ci"): interval(r["ci_low"], r["ci_high"], 1),
                    t("reliability.reading"): reading,
                }
            )
            # The p-values are for the file only: the page says it in words (the method is
            # on the rules page).
            download.append(
                {
                    t("reliability.dimension"): dim_name(dim),
                    t("reliability.department"): r["department"],
                    t("reliability.score"): r["mean"],
                    t("reliability.rest"): r["rest_mean"],
                    t("reliability.difference"): r["difference"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "p": r["p"],
                    t("reliability.p_adjusted"): r["p_adjusted"],
                    t("reliability.reading"): reading,
                }
            )
    # Above the table: it is long, and the note says which of its columns to read.
    st.caption(t("reliability.ci_not_adjusted", reading=t("reliability.reading")))
    st.table(pl.DataFrame(rows).to_pandas(), hide_index=True, border="horizontal")
    ui.downloads(
        ui.file_name(t("reliability.file_vs_rest"), filters.workplace),
        "reliability_vs_rest",
        pl.DataFrame(download),
    )

# -- department figures with their intervals ---------------------------------------------------
st.subheader(t("reliability.scores"))
needs = [compare.needed_n_for(d) for d in dims if compare.needed_n_for(d) is not None]
st.markdown(
    t(
        "reliability.scores_intro",
        wide=text.number(store.settings.uncertain_half_width, lang, 0),
        needed=f"{min(needs)}-{max(needs)}" if needs else "",
    )
)
measures = figs.of_workplace(filters.workplace)[1].filter(
    (pl.col("workplace") == filters.workplace)
    & pl.col("level").is_in(["workplace", "department"])
    & pl.col("measure").is_in(dims)
)
if filters.department:
    measures = measures.filter(
        pl.col("department").is_null() | (pl.col("department") == filters.department)
    )
marked = compare.with_uncertainty(measures, store.settings.uncertain_half_width)
table, table_shown = [], []
for (group,), part in marked.group_by(["department"], maintain_order=True):
    row = {t("reliability.department"): group or t("app.whole_workplace")}
    by_measure = {r["measure"]: r for r in part.iter_rows(named=True)}
    for r in (by_measure[d] for d in dims if d in by_measure):
        if r["mean"] is None:
            cell = ui.hidden_text(r["reason"], figs.threshold, lang, r.get("protects"))
        else:
            cell = f"{text.score(r['mean'], lang, 0)} ({interval(r['ci_low'], r['ci_high'])})"
            cell += f", n {text.integer(r['n'], lang)}"
            if r["uncertain"]:
                cell += f" · {t('reliability.uncertain')}"
        row[dim_name(r["measure"])] = cell
    table.append(row)
    table_shown.append(
        row | {t("reliability.department"): state.esc(row[t("reliability.department")])}
    )
st.table(pl.DataFrame(table_shown).to_pandas(), hide_index=True, border="horizontal")
ui.downloads(
    ui.file_name(t("reliability.file_scores"), filters.workplace),
    "reliability_scores",
    pl.DataFrame(table),
)
