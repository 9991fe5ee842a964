"""Heatmap: where do the departments differ? Departments × the four forms and × the 21 items."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard import analysis_charts as charts
from dashboard import analysis_ui as ui
from dashboard import state
from socialkapital import analysis, compare, text

LIMIT = 10.0  # points at which the colour is full: COPSOQ reads 5-10 points as a real difference

lang = state.lang()
t = state.words()
filters = ui.filters_or_stop()
if st.session_state.pop("heatmap_drill", False):
    st.switch_page("views/overview.py")  # a department was picked: open it in the overview

s = state.store()
ins = s.instrument
figs = ui.figures(filters.round)
threshold = figs.threshold
workplace = filters.workplace
row_names = {"all": t("app.all_workplaces"), "workplace": t("app.whole_workplace")}
HOLDS = "◆"  # after the score: the difference from the rest of the workplace holds up
UNCERTAIN = "≈"  # before the score: an uncertain mean (compare.uncertainty)
MORE_LINES = ("tooltip_2", "tooltip_3", "tooltip_4")  # the tooltip's lines after the first


def with_sd(frame: pl.DataFrame) -> pl.DataFrame:
    """The heatmap rows with the SD of each shown form score (the gate hides it with the
    mean), for its 95 % interval."""
    sd = figs.of_workplace(workplace)[1].filter(pl.col("measure").is_in(ins.dimension_keys))
    keys = ["level", "department", "measure"]
    return frame.join(sd.select(*keys, "sd"), on=keys, how="left", nulls_equal=True)


def drill(department: str | None) -> None:
    """Set the sidebar's department and go to the overview (on the next run)."""
    if department:
        # The workplace too: a page switch starts the sidebar's widgets afresh.
        st.session_state["workplace"] = workplace
        state.choose_department(department)
        st.session_state["heatmap_drill"] = True


def on_pick(key: str) -> None:
    picked = st.session_state.get(key, {}).get("selection", {}).get(charts.SELECTION) or []
    if isinstance(picked, list) and picked:
        drill(picked[0].get("department"))


def cell_text(row: dict, sure: compare.Uncertainty, test: dict | None) -> str:
    if row["suppressed"]:
        return ui.hidden_cell(row["reason"], threshold, lang)
    score = text.score(row["mean"], lang)
    if sure.uncertain:
        score = UNCERTAIN + score
    if test is not None and test["holds"]:
        score += " " + HOLDS
    return f"{score}\nn = {text.integer(row['n'], lang)}"


def tooltip(row: dict, label: str) -> str:
    name = row_names.get(row["level"], row["department"])
    if row["suppressed"]:
        why = ui.hidden_text(row["reason"], threshold, lang, row.get("protects"))
        return f"{name} · {label}: {why}"
    n = text.integer(row["n"], lang)
    return f"{name} · {label}: {text.score(row['mean'], lang, 1)} (n = {n})"


def tooltip_lines(row: dict, sure: compare.Uncertainty, test: dict | None) -> list[str | None]:
    """The tooltip's further lines (None: no line): the 95 % interval of the mean, the
    difference the colour shows, and the test against the rest of the workplace."""
    if row["suppressed"]:
        return [None, None, None]
    spread = None
    if sure.interval is not None:
        low, high = sure.interval.low, sure.interval.high
        spread = t("heatmap.ci_tip", low=text.score(low, lang), high=text.score(high, lang))
        if sure.uncertain:
            spread += " · " + t("analysis.uncertain")
    diff = None
    if row["diff"] is not None:
        diff = t("heatmap.diff_tip", reference=legend_title(), diff=signed(row["diff"]))
    versus = None
    if test is not None:
        verdict = "heatmap.rest_holds" if test["holds"] else "heatmap.rest_noise"
        versus = t(
            "heatmap.rest_tip",
            diff=signed(test["difference"]),
            low=unsigned(test["ci_low"]),
            high=unsigned(test["ci_high"]),
            verdict=t(verdict, count=text.integer(test["compared"], lang)),
        )
    return [spread, diff, versus]


def signed(value: float | None) -> str:
    if value is None:
        return text.DASH
    shown = text.score(abs(value), lang, 1)
    return shown if round(value, 1) == 0 else ("+" if value > 0 else "−") + shown


def unsigned(value: float) -> str:
    """A difference with a minus sign when below zero, none above (an interval's end)."""
    return ("−" if round(value, 1) < 0 else "") + text.score(abs(value), lang, 1)


def chart_frame(
    frame: pl.DataFrame,
    labels: dict[str, str],
    groups: dict[str, str],
    tests: dict[tuple[str, str], dict] | None = None,
):
    """The chart's rows. With ``tests`` ((department, form) -> its test against the rest of
    the workplace), the forms' cells get the markers and the tooltip lines of the tests and
    of the uncertainty of their means."""
    bands = [t(f"heatmap.band_{i}") for i in range(len(analysis.BANDS))]
    rows = []
    sures = [compare.NOT_SHOWN] * frame.height
    if tests is not None:
        sures = compare.uncertainties(frame, s.settings.uncertain_half_width)
    for r, sure in zip(frame.iter_rows(named=True), sures, strict=True):
        if r["suppressed"]:
            sure = compare.NOT_SHOWN
        test = (tests or {}).get((r["department"], r["measure"]))
        if reference == "bands":
            value = None if r["band"] is None else bands[r["band"]]
            dark = r["band"] in (0, len(bands) - 1)
        else:
            value = r["diff"]
            dark = value is not None and abs(value) >= LIMIT * 0.6
        rows.append(
            {
                "row": row_names.get(r["level"], r["department"]),
                "department": r["department"],
                "col": labels[r["measure"]],
                "group": groups.get(r["measure"]),
                "value": value,
                "text": cell_text(r, sure, test),
                "hidden": bool(r["suppressed"]),
                "dark": bool(dark and not r["suppressed"]),
                "holds": test is not None and test["holds"],
                "tooltip": tooltip(r, labels[r["measure"]]),
                **dict(zip(MORE_LINES, tooltip_lines(r, sure, test), strict=True)),
            }
        )
    schema = {
        "row": pl.String,
        "department": pl.String,
        "col": pl.String,
        "group": pl.String,
        "value": pl.String if reference == "bands" else pl.Float64,
        "text": pl.String,
        "hidden": pl.Boolean,
        "dark": pl.Boolean,
        "holds": pl.Boolean,
        "tooltip": pl.String,
        **dict.fromkeys(MORE_LINES, pl.String),
    }
    return pl.DataFrame(rows, schema=schema), bands


def tests_against_rest() -> dict[tuple[str, str], dict]:
    """(department, form) -> the department's test against the rest of its workplace, with
    the number of departments compared in that form (what Holm adjusts for); none unless
    the heatmap compares with the workplace."""
    if reference != "workplace":
        return {}
    versus = ui.vs_rest(filters.round, workplace)
    compared = versus.group_by("measure").len("compared")
    versus = versus.join(compared, on="measure")
    return {(r["department"], r["measure"]): r for r in versus.iter_rows(named=True)}


def table_frame(frame: pl.DataFrame, labels: dict[str, str], measures: list[str], order):
    """The heatmap as a table: a row per group, a score and an n column per measure."""
    by_group: dict[tuple[str, str | None], dict[str, dict]] = {}
    for r in frame.iter_rows(named=True):
        by_group.setdefault((r["level"], r["department"]), {})[r["measure"]] = r
    records = []
    for level, department in [("all", None), ("workplace", None)] + [
        ("department", d) for d in order
    ]:
        by_measure = by_group.get((level, department))
        if not by_measure:
            continue
        first = next(iter(by_measure.values()))
        record = {
            t("app.department"): row_names.get(level, department),
            t("overview.respondents"): first["respondents"],
        }
        for m in measures:
            r = by_measure.get(m)
            record[labels[m]] = None if r is None or r["mean"] is None else round(r["mean"], 1)
            record[f"{labels[m]} (n)"] = None if r is None else r["n"]
        records.append(record)
    return pl.DataFrame(records)


def legend_title() -> str:
    return t(f"heatmap.legend_{reference}")


st.title(t("heatmap.heading"))
st.caption(state.md("analysis.caption", round=filters.round, workplace=workplace))
left, right = st.columns([5, 4])  # both controls whole at 1280 px, in both languages
reference = left.segmented_control(
    t("heatmap.compare"),
    options=list(analysis.REFERENCES),
    format_func=lambda k: t(f"heatmap.compare_{k}"),
    default="workplace",
    required=True,
    key="heatmap_reference",
)
order_by = right.segmented_control(
    t("heatmap.sort"),
    options=["name", "score", "size"],
    format_func=lambda k: t(f"heatmap.sort_{k}"),
    default="score",
    required=True,
    key="heatmap_sort",
)

dims = [*ins.dimension_keys, analysis.OVERALL]
dim_frame = analysis.heatmap(figs, workplace, dims, reference)
if not dim_frame.filter(pl.col("level") == "department").height:
    st.info(t("heatmap.no_departments"))
    st.stop()
order = analysis.department_order(dim_frame, order_by)
row_order = [row_names["all"], row_names["workplace"], *order]
reference_hidden = (
    reference != "bands" and dim_frame.filter(pl.col("level") == reference)["suppressed"].any()
)

NEUTRAL = s.settings.neutral_band
explain = t(
    f"heatmap.explain_{reference}",
    limit=text.score(LIMIT, lang),
    band=text.number(NEUTRAL, lang, 0 if float(NEUTRAL).is_integer() else 1),
)
explain += " " + t("heatmap.explain_hidden", threshold=threshold)
tab_dims, tab_items = st.tabs([t("heatmap.tab_dimensions"), t("heatmap.tab_items")])
with tab_dims:
    labels = {m: ui.measure_label(m, ins, lang) for m in dims}
    frame, bands = chart_frame(with_sd(dim_frame), labels, {}, tests_against_rest())
    chart = state.built(
        charts.heatmap,
        frame,
        row_order,
        [labels[m] for m in dims],
        legend_title(),
        limit=LIMIT,
        neutral=NEUTRAL,
        band_labels=bands if reference == "bands" else None,
        bold_rows=list(row_names.values()),
        cell=(None, 50),
    )
    state.chart(
        chart,
        on_select=lambda: on_pick("heatmap_dims_chart"),
        selection_mode=charts.SELECTION,
        key="heatmap_dims_chart",
        width="stretch",
    )
    st.caption(explain)
    needs = [n for d in ins.dimension_keys if (n := compare.needed_n_for(d)) is not None]
    marks = t(
        f"heatmap.marks_{'workplace' if reference == 'workplace' else 'other'}",
        holds=HOLDS,
        uncertain=UNCERTAIN,
        wide=text.number(s.settings.uncertain_half_width, lang, 0),
        needed=f"{min(needs)}-{max(needs)}" if needs else "",
    )
    st.caption(marks)
    ui.hidden_notes(figs.of_workplace(workplace)[1], workplace)
    ui.left_out_note(figs, None)
    name = ui.file_name(t("heatmap.file"), workplace)
    ui.downloads(name, "heatmap_dims", table_frame(dim_frame, labels, dims, order), chart)

with tab_items:
    # One form at a time: six columns of readable cells, rather than 21 squeezed ones.
    form = st.segmented_control(
        t("heatmap.form"),
        options=ins.dimension_keys,
        format_func=lambda k: ins.dimension(k).short[lang],
        default=ins.dimension_keys[0],
        required=True,
        key="heatmap_form",
    )
    item_keys = [i.key for i in ins.items_of(form)]
    item_frame = analysis.heatmap(figs, workplace, item_keys, reference)
    labels = {m: t("heatmap.item_column", number=ui.measure_label(m, ins, lang)) for m in item_keys}
    frame, bands = chart_frame(item_frame, labels, {})
    chart = state.built(
        charts.heatmap,
        frame,
        row_order,
        [labels[m] for m in item_keys],
        legend_title(),
        limit=LIMIT,
        neutral=NEUTRAL,
        band_labels=bands if reference == "bands" else None,
        bold_rows=list(row_names.values()),
        cell=(None, 50),
    ).properties(title=alt.Title(ins.dimension(form).names[lang], anchor="start", fontSize=16))
    state.chart(
        chart,
        on_select=lambda: on_pick("heatmap_items_chart"),
        selection_mode=charts.SELECTION,
        key="heatmap_items_chart",
        width="stretch",
    )
    st.markdown("\n".join(f"{i.number}. {i.texts[lang]}" for i in ins.items_of(form)))
    st.caption(explain)
    # The table holds all 21 questions, the picture the form on screen.
    every = analysis.heatmap(figs, workplace, ins.item_keys, reference)
    every_labels = {m: ui.measure_label(m, ins, lang) for m in ins.item_keys}
    table = table_frame(every, every_labels, ins.item_keys, order)
    name = ui.file_name(t("heatmap.file_items"), workplace)
    ui.downloads(name, "heatmap_items", table, chart)

if reference_hidden:
    st.warning(t("heatmap.reference_hidden"), icon=":material/visibility_off:")

st.subheader(t("heatmap.drill"))
pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
picked = pick_col.selectbox(
    t("app.department"),
    order,
    # The sidebar's department first, if one is chosen.
    index=order.index(filters.department) if filters.department in order else 0,
    key="heatmap_drill_pick",
    help=t("heatmap.drill_help"),
)
button_col.button(
    t("heatmap.drill_button"),
    on_click=drill,
    args=(picked,),
    key="heatmap_drill_button",
    icon=":material/arrow_forward:",
)

state.make_plan_popover(
    workplace,
    picked if picked in state.departments_in(filters.round, workplace) else None,
    filters.round,
    "heatmap_plan",
)
