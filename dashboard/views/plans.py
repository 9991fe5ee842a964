"""Action plans: list and filter, create (pre-filled from a department's page), edit with a
check for concurrent edits, follow-up notes, before/after scores, export."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard import analysis_ui, state
from queries import plan_store
from socialkapital import access, plans, spreadsheet, text, trends

lang = state.lang()
t = state.words()
s = state.store()
who = state.viewer()
ins = s.instrument
today = date.today()

st.title(t("plans.heading"))
st.caption(t("plans.intro"))

rounds = state.rounds()["name"].to_list()
if not rounds:
    st.info(t("app.no_data"))
    st.stop()
filters = st.session_state.get("filters")
dim_name = {d.key: d.short[lang] for d in ins.dimensions}
status_name = {k: t(f"plans.status_{k}") for k in plans.STATUSES}


def reading(c: plans.Change) -> str:
    tested = None if c.low is None else c.change
    key, values = trends.verdict(c.reworded, c.broken, tested, c.holds)
    return t(key, **values)


def item_label(number: int) -> str:
    return f"{number}. {ins.items[number - 1].texts[lang]}"


def plan_fields(plan: plans.Plan, key: str) -> plans.Plan | None:
    """The plan's widgets (inside a form); returns the edited plan when submitted."""
    every = sorted({w for r in rounds for w in state.workplaces_in(r)})
    workplaces = access.own_workplaces(who, every)
    c1, c2, c3 = st.columns(3)
    workplace = c1.selectbox(
        t("plans.workplace"), workplaces, index=_index(workplaces, plan.workplace), key=f"{key}_wp"
    )
    named = sorted({d for r in rounds for d in state.departments_in(r, workplace or "")})
    # A department manager makes plans for their departments, not for the whole workplace.
    whole = [""] if access.may_edit_plan(who, workplace or "", None) else []
    departments = [*whole, *access.own_departments(who, workplace or "", named)]
    department = c2.selectbox(
        t("plans.department"),
        departments,
        index=_index(departments, plan.department or ""),
        format_func=lambda d: d if d else t("plans.whole_workplace"),
        key=f"{key}_dept",
    )
    round_name = c3.selectbox(
        t("plans.round"), rounds, index=_index(rounds, plan.round), key=f"{key}_round"
    )
    c1, c2 = st.columns([1, 2])
    keys = ins.dimension_keys
    dimension = c1.selectbox(
        t("plans.dimension"),
        keys,
        index=_index(keys, plan.dimension),
        format_func=dim_name.get,
        key=f"{key}_dim",
    )
    items = c2.multiselect(
        t("plans.items"),
        [i.number for i in ins.items],
        default=plan.items,
        format_func=item_label,
        key=f"{key}_items",
        placeholder=t("app.choose"),
    )
    focus = st.text_input(t("plans.focus_area"), plan.focus_area, key=f"{key}_focus")
    description = st.text_area(t("plans.description"), plan.description, key=f"{key}_desc")
    c1, c2, c3, c4 = st.columns(4)
    responsible = c1.text_input(t("plans.responsible"), plan.responsible, key=f"{key}_resp")
    start = c2.date_input(
        t("plans.start_date"), plan.start_date, key=f"{key}_start", format="DD-MM-YYYY"
    )
    deadline = c3.date_input(
        t("plans.deadline"), plan.deadline, key=f"{key}_deadline", format="DD-MM-YYYY"
    )
    status = c4.selectbox(
        t("plans.status"),
        plans.STATUSES,
        index=plans.STATUSES.index(plan.status),
        format_func=status_name.get,
        key=f"{key}_status",
    )
    follow_up = st.text_area(t("plans.follow_up"), plan.follow_up, key=f"{key}_follow")
    goal = st.text_area(t("plans.goal"), plan.goal, key=f"{key}_goal")
    continuation = st.text_area(t("plans.continuation"), plan.continuation, key=f"{key}_cont")
    if not st.form_submit_button(t("plans.save"), type="primary"):
        return None
    return plans.Plan(
        workplace=workplace,
        department=department,
        round=round_name,
        dimension=dimension,
        items=sorted(items),
        focus_area=focus.strip(),
        description=description.strip(),
        responsible=responsible.strip(),
        start_date=start,
        deadline=deadline,
        follow_up=follow_up.strip(),
        goal=goal.strip(),
        continuation=continuation.strip(),
        status=status,
        plan_id=plan.plan_id,
        version=plan.version,
    )


def _index(options: list, value) -> int:
    return options.index(value) if value in options else 0


def save(plan: plans.Plan) -> bool:
    """Check and store a plan; say what is wrong, or that someone else saved it first."""
    try:
        plans.validate(plan, ins)
        new = plan.plan_id is None
        saved = plan_store.save(s, plan, who)
    except access.OutOfScope as exc:
        st.error(state.md(exc.key, **exc.params))
        return False
    except plans.PlanInvalid as exc:
        st.error(
            t("plans.invalid")
            + "\n\n"
            + "\n".join(f"- {t('plans.' + f)}: {t(k)}" for f, k in exc.problems)
        )
        return False
    except plan_store.StaleEdit:
        st.error(t("plans.stale"), icon=":material/sync_problem:")
        return False
    st.cache_data.clear()
    st.session_state["plans_done"] = t("plans.saved")
    if new:  # open the plan just made below, not whichever was open before
        st.session_state["plans_just_made"] = saved.plan_id
    return True


if done := st.session_state.pop("plans_done", None):
    st.success(done, icon=":material/check_circle:")

# -- a new plan, pre-filled from the page the user came from ------------------------------
prefill = st.session_state.pop("plan_prefill", None)
draft = plans.Plan(
    workplace=(prefill or {}).get("workplace") or (filters.workplace if filters else ""),
    department=(prefill or {}).get("department", filters.department if filters else None),
    round=(prefill or {}).get("round") or (filters.round if filters else rounds[0]),
    dimension=(prefill or {}).get("dimension") or ins.dimension_keys[0],
    focus_area="",
    description="",
    responsible="",
    start_date=today,
    deadline=today + timedelta(days=90),
)
if who.may("edit_plans"):
    with st.expander(t("plans.new"), expanded=prefill is not None, icon=":material/add:"):
        starters = text.guidance()["dimensions"][draft.dimension][f"plan_starters_{lang}"]
        st.caption(t("plans.starters") + ": " + dim_name[draft.dimension])
        st.markdown("\n".join(f"- {line}" for line in starters))
        with st.form("new_plan", clear_on_submit=False):
            edited = plan_fields(draft, "new")
        if edited is not None and save(edited):
            st.rerun()

# -- the list ----------------------------------------------------------------------------
all_plans = access.visible_plans(plan_store.list_plans(s), who)
c1, c2, c3, c4 = st.columns(4)
workplaces = sorted({p.workplace for p in all_plans})
wp_filter = c1.selectbox(
    t("plans.workplace"),
    ["", *workplaces],
    key="plans_f_wp",
    format_func=lambda w: w if w else t("plans.all"),
)
dim_filter = c2.selectbox(
    t("plans.dimension"),
    ["", *ins.dimension_keys],
    key="plans_f_dim",
    format_func=lambda d: t("plans.all") if not d else dim_name[d],
)
status_filter = c3.selectbox(
    t("plans.status"),
    ["", *plans.STATUSES],
    key="plans_f_status",
    format_func=lambda x: t("plans.all") if not x else status_name[x],
)
overdue_only = c4.toggle(t("plans.only_overdue"), key="plans_f_overdue")
shown = [
    p
    for p in all_plans
    if (not wp_filter or p.workplace == wp_filter)
    and (not dim_filter or p.dimension == dim_filter)
    and (not status_filter or p.status == status_filter)
    and (not overdue_only or p.overdue(today))
]
st.subheader(t("plans.list"))
if not shown:
    st.info(t("plans.none"))
    st.stop()
table = pl.DataFrame(
    [
        {
            "#": p.plan_id,
            t("plans.status"): (("⚠ " + t("plans.overdue") + " · ") if p.overdue(today) else "")
            + status_name[p.status],
            t("plans.workplace"): p.workplace,
            t("plans.department"): p.department or t("plans.whole_workplace"),
            t("plans.dimension"): dim_name[p.dimension],
            t("plans.focus_area"): p.focus_area,
            t("plans.responsible"): p.responsible,
            t("plans.deadline"): text.day(p.deadline, lang),
        }
        for p in shown
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
export = pl.DataFrame(plans.to_records(shown))
c1, c2, _ = st.columns([1, 1, 3])
c1.download_button(
    t("plans.export_csv"),
    state.audited("export", "handleplaner.csv", lambda: plans.export_csv(shown).encode()),
    "handleplaner.csv",
    "text/csv",
    key="plans_csv",
    on_click="ignore",
)


def xlsx() -> bytes:
    return spreadsheet.xlsx_bytes(export, "Handleplaner", autofit=True)


c2.download_button(
    t("plans.export_xlsx"),
    state.audited("export", "handleplaner.xlsx", xlsx),
    "handleplaner.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="plans_xlsx",
    on_click="ignore",
)

# -- one plan: edit, before/after, notes, delete -----------------------------------------
if (made := st.session_state.pop("plans_just_made", None)) in [p.plan_id for p in shown]:
    st.session_state["plans_open"] = made
choice = st.selectbox(
    t("plans.edit"),
    [p.plan_id for p in shown],
    key="plans_open",
    format_func=lambda i: next(f"#{p.plan_id} · {p.focus_area}" for p in shown if p.plan_id == i),
)
plan = next(p for p in shown if p.plan_id == choice)
# The version the user started editing from is kept until they save or reload, so that a
# save over someone else's newer version is caught instead of silently overwriting it.
opened = st.session_state.setdefault(f"plan_opened_{plan.plan_id}", plan.version)
plan.version = opened
editable = access.may_edit_plan(who, plan.workplace, plan.department)
if editable:
    with st.form(f"edit_{plan.plan_id}"):
        edited = plan_fields(plan, f"edit_{plan.plan_id}")
    if edited is not None and save(edited):
        st.session_state.pop(f"plan_opened_{plan.plan_id}", None)
        st.rerun()
else:
    st.caption(t("plans.read_only"))
    for field in ("description", "follow_up", "goal", "continuation"):
        if value := getattr(plan, field):
            st.markdown(f"**{t('plans.' + field)}**")
            st.text(value)  # the user's own words: shown as text, never as Markdown

st.markdown(f"**{t('plans.effect')}**")
following = s.frame("next_round", round=plan.round, workplace=plan.workplace)
next_round = following["name"][0] if following.height else None


history = analysis_ui.trends_of(plan.workplace, plans.measures(plan))
follow = plans.effect(s, plan, next_round, history)
if plan.department and follow.group != plan.department:
    st.caption(state.md("plans.followed_as", group=follow.group))

# st.table reads Markdown in its headers: the rounds' names are escaped.
before_heading = state.md("plans.before", round=plan.round)
after_heading = state.md("plans.after", round=next_round) if next_round else None
rows = []
for c in follow.changes:
    number = int(c.measure[1:]) if c.measure.startswith("q") else 0
    # "13. ..." would turn into a numbered list in a table cell: name the question instead.
    label = dim_name.get(c.measure) or (
        f"{t('trends.item')} {number}: {ins.items[number - 1].texts[lang]}"
    )
    row = {
        t("plans.measure"): label,
        before_heading: f"{text.score(c.before, lang, 1)} (n = {c.before_n})",
    }
    if next_round:
        low, high = (text.signed(v, lang, 1) for v in (c.low, c.high))
        row |= {
            after_heading: f"{text.score(c.after, lang, 1)} (n = {c.after_n})",
            t("plans.change"): text.signed(c.change, lang),
            t("trends.change_ci"): "" if c.low is None else f"{low} – {high}",
            t("trends.reading"): reading(c),
        }
    rows.append(row)
# A table, not a data grid: the questions' long texts wrap, and every column stays in view.
st.table(pl.DataFrame(rows).to_pandas(), hide_index=True, border="horizontal")
if next_round is None:
    st.caption(t("plans.no_next_round"))
else:
    st.caption(t("plans.effect_note"))

st.markdown(f"**{t('plans.notes')}**")
for noted_on, note, _ in plan_store.notes(s, plan.plan_id).iter_rows():
    st.markdown(f"- *{text.day(noted_on, lang)}*: {state.esc(note)}")
if not editable:
    st.stop()
with st.form(f"note_{plan.plan_id}", clear_on_submit=True):
    c1, c2 = st.columns([1, 4])
    noted_on = c1.date_input(t("plans.note_date"), today, format="DD-MM-YYYY")
    note = c2.text_input(t("plans.note"))
    if st.form_submit_button(t("plans.add_note")) and note.strip():
        plan_store.add_note(s, plan.plan_id, noted_on, note.strip(), who)
        st.rerun()

with st.popover(t("plans.delete"), icon=":material/delete:"):
    if st.button(t("plans.delete_confirm"), type="primary", key=f"delete_{plan.plan_id}"):
        try:
            plan_store.delete(s, plan.plan_id, opened, who)
        except plan_store.StaleEdit:
            st.error(t("plans.stale"))
        else:
            st.session_state["plans_done"] = t("plans.deleted")
            st.rerun()
