"""Overview: a department next to its whole workplace — responses, rate, the two overall
numbers and the four forms with the n behind each."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import analysis_charts, state
from socialkapital import advice, compare, text, why_hidden

lang = state.lang()
t = state.words()
filters = st.session_state.get("filters")
if filters is None:
    st.title(t("app.title"))
    st.info(t("app.no_data"))
    st.stop()

s = state.store()
ins = s.instrument
threshold = s.settings.anonymity_threshold
res = state.gated_results(filters.round, [filters.workplace])
workplace = res.group(filters.workplace, None)
department = res.group(filters.workplace, filters.department) if filters.department else None

if department:
    st.title(
        state.md("overview.heading", workplace=filters.workplace, department=filters.department)
    )
else:
    st.title(state.md("overview.heading_workplace", workplace=filters.workplace))
st.caption(state.md("overview.round_caption", round=filters.round))


def value(group: dict | None, measure: str) -> float | None:
    if group is None or group["suppressed"]:
        return None
    row = group["measures"].get(measure)
    return None if row is None else row["mean"]


def n_of(group: dict | None, measure: str) -> int:
    row = (group or {}).get("measures", {}).get(measure)
    return 0 if row is None else int(row["n"])


def rate_text(group: dict) -> str:
    if group["invited"] is None:
        return t("overview.no_roster")
    return text.percent(group["response_rate"], lang)


if department and department["suppressed"]:
    st.warning(t("overview.suppressed", threshold=threshold), icon=":material/visibility_off:")
elif department:  # hidden to protect a smaller department: say which, and why
    for note in why_hidden.notes(
        res.measures, filters.workplace, threshold, lang, filters.department, state.esc
    ):
        st.warning(note, icon=":material/visibility_off:")

shown = [(t("overview.this_department"), department)] if department else []
shown.append((t("app.whole_workplace"), workplace))
# One framed row per group, named above its figures: the labels stay short enough for a
# projector, and the department's figures stand right above the whole workplace's.
for i, (label, group) in enumerate(shown):
    with st.container(border=True, key=f"scope-{i}"):
        st.markdown(f"**{label}**")
        c = st.columns(3)
        c[0].metric(
            t("overview.overall"),
            text.score(value(group, "overall"), lang),
            help=t("overview.overall_help", threshold=threshold),
        )
        c[1].metric(
            t("overview.respondents"),
            text.integer(group["respondents"], lang),
            help=t("overview.respondents_help"),
        )
        c[2].metric(t("overview.response_rate"), rate_text(group), help=t("overview.rate_help"))


def sureness(group: dict | None, measure: str) -> compare.Uncertainty:
    """The 95 % interval of a shown form score and its 'uncertain' marker (none if hidden)."""
    row = (group or {}).get("measures", {}).get(measure)
    if value(group, measure) is None:
        return compare.Uncertainty(None, False, False, False)
    half_width = s.settings.uncertain_half_width
    return compare.uncertainty(row["mean"], row["sd"], int(row["n"]), measure, half_width)


def form_cell(score: float | None, n: int, sure: compare.Uncertainty) -> str:
    """'62,4 (55–69) · n = 7 · usikker'; a hidden score only says so."""
    if score is None:
        return f"{t('overview.hidden')} (n = {n})"
    found = text.score(score, lang)
    if sure.interval is not None:
        low, high = (text.score(v, lang) for v in (sure.interval.low, sure.interval.high))
        found += f" ({low}–{high})"
    found += f" · n = {text.integer(n, lang)}"
    if sure.uncertain:
        found += f" · {t('analysis.uncertain')}"
    return found


st.subheader(t("overview.dimensions"), help=t("overview.dimension_help"))
rows = []
for dim in ins.dimensions:
    for label, group in shown:
        score = value(group, dim.key)
        n = n_of(group, dim.key)
        sure = sureness(group, dim.key)
        if score is None:
            bar_label = f"{t('overview.hidden')} (n = {n})"
        else:
            bar_label = f"{text.score(score, lang)} (n = {text.integer(n, lang)})"
            if sure.uncertain:  # marked as on the heatmap; a word would run off the chart
                bar_label = f"≈{bar_label}"
        rows.append(
            {
                "dimension": dim.short[lang],
                "group": label,
                "score": score,
                "ci_low": None if sure.interval is None else sure.interval.low,
                "ci_high": None if sure.interval is None else sure.interval.high,
                "label": bar_label,
                "cell": form_cell(score, n, sure),
            }
        )
frame = pl.DataFrame(
    rows,
    schema={
        "dimension": pl.String,
        "group": pl.String,
        "score": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "label": pl.String,
        "cell": pl.String,
    },
)
COLOURS = analysis_charts.GROUP_COLOURS
state.chart(
    state.built(
        analysis_charts.score_bars,
        frame,
        t("overview.chart_group"),
        t("overview.score"),
        # The whole workplace keeps its colour whether or not a department is shown.
        colours=COLOURS[:2] if department else COLOURS[1:2],
    ),
    width="stretch",
)
table = frame.pivot(on="group", index="dimension", values="cell")
st.dataframe(table.rename({"dimension": t("overview.dimension")}), hide_index=True, width="stretch")
needs = [n for d in ins.dimension_keys if (n := compare.needed_n_for(d)) is not None]
st.caption(
    t(
        "overview.ci_caption",
        wide=text.number(s.settings.uncertain_half_width, lang, 0),
        needed=f"{min(needs)}-{max(needs)}" if needs else "",
    )
)

state.make_plan_popover(filters.workplace, filters.department, filters.round, "plan")

st.subheader(t("overview.departments"))
dept_rows = res.groups.filter(pl.col("level") == "department")
records = []
for g in dept_rows.iter_rows(named=True):
    group = res.group(g["workplace"], g["department"])
    records.append(
        {
            t("app.department"): g["department"],
            t("overview.respondents"): text.integer(g["respondents"], lang),
            t("overview.response_rate"): rate_text(g),
            t("analysis.overall"): text.score(value(group, "overall"), lang),
            **{d.short[lang]: text.score(value(group, d.key), lang) for d in ins.dimensions},
        }
    )
# Every department in view at once (no inner scrolling on a projector).
st.dataframe(pl.DataFrame(records), hide_index=True, width="stretch", height="content")
for note in why_hidden.notes(res.measures, filters.workplace, threshold, lang, escape=state.esc):
    st.caption(note)


def means(group: dict | None) -> dict[str, float | None]:
    """A group's shown means by measure (none when the group is hidden)."""
    if group is None or group["suppressed"]:
        return {}
    return {k: r["mean"] for k, r in group["measures"].items()}


# Per form, what a high level looks like and the tips, ordered by the group's own weakest
# questions as in its report: the department's against the workplace, or the workplace's.
guide = text.guidance()
own = means(department)
tips_for, compared = (filters.department, means(workplace)) if own else (filters.workplace, None)
own = own or means(workplace)
st.subheader(state.md("overview.tips_heading", group=tips_for))
if department and not means(department):
    st.caption(t("overview.tips_workplace_instead"))
lowest = advice.lowest_form(own, ins.dimension_keys)
where = t("report.fit_workplace") if compared is not None else None
for tab, dim in zip(st.tabs([d.short[lang] for d in ins.dimensions]), ins.dimensions, strict=True):
    with tab:
        about = guide["dimensions"][dim.key]
        st.markdown(f"**{t('overview.signs')}**")
        st.markdown("\n".join(f"- {sign}" for sign in about[f"signs_{lang}"]))
        numbers = [item.number for item in ins.items_of(dim.key)]
        fit = advice.fit(about, lang, dim.key, numbers, own, compared, lowest)
        st.markdown(f"**{t('overview.tips')}**")
        if said := advice.lead(fit, lang, where, s.settings.neutral_band):
            st.caption(said)
        st.markdown("\n".join(f"- {tip}" for tip in fit.tips))

with st.expander(t("overview.why_expander"), icon=":material/diversity_3:"):
    st.markdown(guide["why"][lang])
with st.expander(t("overview.change_expander"), icon=":material/change_circle:"):
    st.markdown(text.guidance()["change"][lang])

with st.expander(t("overview.rules_expander"), icon=":material/info:"):
    st.markdown(text.rules_text(lang, threshold, s.settings.min_answered_share))
