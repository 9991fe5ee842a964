"""Import: upload answers or a roster, see the preview and every problem, then confirm."""

from __future__ import annotations

import hashlib
from datetime import date

import polars as pl
import streamlit as st

from dashboard import groups_step, mapping_step, state
from queries import facts_store, group_store
from queries.store import StoreRefused
from queries.store_errors import refusal_message
from socialkapital import access, audit, facts, grouping, spreadsheet, text
from socialkapital.importers import (
    ImportFailed,
    Parsed,
    formats,
    load_export,
    read_roster,
    wording_frame,
)
from socialkapital.importers import mapping as mapping_mod
from socialkapital.importers.template import template_csv, template_xlsx

lang = state.lang()
t = state.words()
s = state.store()
ins = s.instrument

st.title(t("import.heading"))
tab_answers, tab_roster, tab_groups, tab_template, tab_facts = st.tabs(
    [
        t("import.tab_responses"),
        t("import.tab_roster"),
        t("groups.tab"),
        t("import.tab_template"),
        t("facts.tab"),
    ]
)


@st.cache_data(max_entries=16, show_spinner=False)
def _load(files: dict[str, bytes], workplace: str | None, digest: str):
    # ``digest`` keys the cache on the content; a refusal is cached as its exception.
    try:
        return load_export(files, ins, workplace=workplace), None
    except ImportFailed as exc:
        return None, exc


def show_problems(exc: ImportFailed) -> None:
    """The refusal, every problem listed, and all of them as a CSV download."""
    st.error(t("import.refused", count=len(exc.problems)), icon=":material/block:")
    st.code(exc.describe(lang), language=None, wrap_lines=True)
    problems = pl.DataFrame(
        [
            {
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "problem": p.message(lang),
            }
            for p in exc.problems
        ],
        schema={
            "file": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "problem": pl.String,
        },
    )
    st.download_button(
        t("import.problems_download"),
        spreadsheet.frame_csv(problems),
        file_name="problems.csv",
        mime="text/csv",
    )


def round_picker(key: str) -> tuple[str | None, date | None]:
    """Pick an existing survey round or name a new one (with its date)."""
    existing = state.rounds()["name"].to_list()
    new = t("import.new_round")
    choice = st.selectbox(t("import.round"), [*existing, new], key=f"{key}_round")
    if choice != new:
        return choice, None
    c1, c2 = st.columns([2, 1])
    name = c1.text_input(t("import.new_round_name"), key=f"{key}_round_name").strip()
    when = c2.date_input(
        t("import.round_date"), value=date.today(), key=f"{key}_round_date", format="DD-MM-YYYY"
    )
    return (name or None), when


def finish(message: str) -> None:
    st.cache_data.clear()
    st.session_state["import_done"] = message
    st.rerun()


if done := st.session_state.pop("import_done", None):
    st.success(done, icon=":material/check_circle:")


def show_preview(parsed: Parsed) -> None:
    """What will be stored: counts, notes, departments, missing answers, the first rows."""
    c = st.columns(4)
    c[0].metric(t("import.rows_read"), text.integer(parsed.rows_read, lang))
    c[1].metric(t("import.respondents"), text.integer(parsed.responses.height, lang))
    c[2].metric(t("import.skipped"), text.integer(parsed.skipped_empty, lang))
    c[3].metric(t("import.unfinished"), text.integer(parsed.unfinished, lang))
    if parsed.duplicates:
        st.metric(t("import.duplicates"), text.integer(parsed.duplicates, lang))
    for key, values in parsed.notes:
        st.info(state.md(key, **values))
    st.markdown(f"**{t('import.workplaces_found')}**")
    per_dept = (
        parsed.responses.group_by("workplace", "department").len().sort("workplace", "department")
    )
    st.dataframe(
        per_dept.rename(
            {
                "workplace": t("app.workplace"),
                "department": t("app.department"),
                "len": t("import.respondents"),
            }
        ),
        hide_index=True,
    )
    st.markdown(f"**{t('import.missing_per_item')}**")
    missing = parsed.missing_per_item()
    # Two rows of numbered questions fit any screen; one row of 21 is cut off.
    for half in (list(missing)[:11], list(missing)[11:]):
        st.dataframe(pl.DataFrame({k: [missing[k]] for k in half}), hide_index=True)
    st.markdown(f"**{t('import.first_rows')}**")
    # A missing answer shows as an empty cell, as in the file (not "None").
    items = pl.col(ins.item_keys).cast(pl.String).fill_null("")
    st.dataframe(parsed.responses.head(10).with_columns(items), hide_index=True)


def brief(problem) -> str:
    """A problem in one line; the file's columns are listed in the mapping step already."""
    if problem.key == "no_items":
        return f"{problem.file}: {t('problem.no_items_short', tool=problem.params['tool'])}"
    return problem.text(lang)


def read_one(export: dict[str, bytes], fixed: str | None) -> Parsed | None:
    """Load one export, run its mapping step if it needs one, show its preview."""
    digest = hashlib.sha256(b"".join(export.values()) + "|".join(export).encode()).hexdigest()
    loaded, error = _load(export, fixed, digest)
    name = next(iter(export)).rpartition("/")[2]
    if error is not None:
        show_problems(error)
        return None
    tool = formats.NAMES[loaded.format]
    st.markdown(f"#### {state.esc(name)}")
    if isinstance(loaded, Parsed):
        st.caption(t("import.detected", tool=tool, rows=loaded.rows_read))
        show_preview(loaded)
        return loaded
    st.caption(t("import.detected", tool=tool, rows=loaded.height))
    chosen = mapping_step.editor(loaded, ins, key=digest[:12])
    remaining = mapping_mod.problems(loaded, ins, chosen, fixed)
    if remaining:
        st.warning(t("import.needs_mapping", count=len(remaining)), icon=":material/rule:")
        st.code("\n".join(brief(p) for p in remaining[:20]), language=None, wrap_lines=True)
        return None
    try:
        parsed = mapping_mod.apply(loaded, ins, chosen, fixed)
    except ImportFailed as exc:
        show_problems(exc)
        return None
    show_preview(parsed)
    return parsed


with tab_answers:
    # Right after answers are stored: the same advice, for the next round (issue 18).
    for workplace, answered_round in st.session_state.get("groups_after_answers", []):
        try:
            plan, kind, _ = group_store.plan_for(s, workplace, answered_round)
        except grouping.BadMerge:
            continue
        if plan.below:
            st.subheader(t("groups.next_heading"))
            st.caption(state.md("groups.after_answers", workplace=workplace, round=answered_round))
            groups_step.advice(plan, kind, s.settings.anonymity_threshold)
    uploads = st.file_uploader(
        t("import.upload"),
        type=["csv", "tsv", "txt", "xlsx", "xls", "zip"],
        accept_multiple_files=True,
        help=t("import.upload_help"),
        key="answers_file",
    )
    round_name, round_date = round_picker("answers")
    fixed = (
        st.text_input(
            t("import.fixed_workplace"),
            help=t("import.fixed_workplace_help"),
            key="answers_workplace",
        ).strip()
        or None
    )
    if uploads:
        try:
            exports = formats.group_exports({u.name: u.getvalue() for u in uploads})
        except ImportFailed as exc:
            show_problems(exc)
            exports = []
        results = [read_one(export, fixed) for export in exports]
        ready = [p for p in results if p is not None]
        if ready and len(ready) == len(results):
            st.divider()
            workplaces = sorted({w for p in ready for w in p.workplaces})
            if round_name is None:
                st.warning(t("import.need_round"))
            else:
                try:
                    access.require_import(state.viewer(), workplaces)
                except access.OutOfScope as exc:
                    st.error(state.md(exc.key, **exc.params))
                    st.stop()
                existing = s.existing_respondents(round_name, workplaces)
                for wp, count in existing.items():
                    st.warning(
                        state.md(
                            "import.will_replace", round=round_name, count=count, workplace=wp
                        ),
                        icon=":material/warning:",
                    )
                if st.button(t("import.confirm"), type="primary", key="answers_confirm"):
                    frame = pl.concat([p.responses for p in ready], how="vertical")
                    outcome_sources = ", ".join(p.file for p in ready)
                    try:
                        # Exactly what was shown above is replaced: an import that landed
                        # meanwhile is refused inside the store's write, and shown again.
                        outcome = s.replace_responses(
                            frame,
                            round_name,
                            round_date,
                            outcome_sources,
                            ", ".join(sorted({p.format for p in ready})),
                            wording_frame(ready, s.instrument),
                            replace=existing,
                        )
                    except StoreRefused as exc:
                        st.error(text.md_escape(refusal_message(exc, lang)))
                        st.stop()
                    st.session_state["pending_round"] = round_name
                    st.session_state["groups_after_answers"] = [
                        (w, round_name) for w in outcome.workplaces
                    ]
                    state.record("import", audit.import_detail(outcome, outcome_sources))
                    finish(
                        state.md(
                            "import.done",
                            count=outcome.respondents,
                            workplaces=", ".join(outcome.workplaces),
                            round=round_name,
                        )
                    )

with tab_roster:
    # Right after a roster import: the departments it leaves at risk, and the proposals.
    if after := st.session_state.get("groups_after_roster"):
        st.subheader(t("groups.tab"))
        st.caption(state.md("groups.after_roster", workplace=after[0], round=after[1]))
        try:
            found = group_store.plan_for(s, *after, roster=True)
        except grouping.BadMerge:
            found = None
        if found is not None:
            groups_step.planner(*after, found, key="roster_groups")
        st.divider()
    upload = st.file_uploader(
        t("import.roster_upload"),
        type=["csv", "txt", "tsv"],
        help=t("import.roster_help"),
        key="roster_file",
    )
    round_name, round_date = round_picker("roster")
    workplace = st.text_input(t("import.roster_workplace"), key="roster_workplace").strip()
    if upload is not None:
        try:
            roster = read_roster(upload.getvalue(), upload.name)
        except ImportFailed as exc:
            show_problems(exc)
        else:
            for key, values in roster.notes:
                st.info(state.md(key, **values))
            st.metric(t("import.roster_invited"), text.integer(roster.invited.height, lang))
            per_dept = (
                roster.invited.with_columns(
                    pl.col("department").fill_null(t("import.no_department"))
                )
                .group_by("department")
                .len()
                .sort("department")
            )
            st.dataframe(
                per_dept.rename(
                    {"department": t("app.department"), "len": t("import.roster_invited")}
                ),
                hide_index=True,
            )
            ready = round_name is not None and workplace
            create = st.checkbox(t("store.create_new"), key="roster_create")
            if st.button(
                t("import.confirm"), type="primary", disabled=not ready, key="roster_confirm"
            ):
                try:
                    access.require_import(state.viewer(), [workplace])
                except access.OutOfScope as exc:
                    st.error(state.md(exc.key, **exc.params))
                    st.stop()
                try:
                    count = s.replace_roster(
                        roster.invited,
                        workplace,
                        round_name,
                        round_date,
                        roster.file,
                        create=create,
                    )
                except StoreRefused as exc:  # a misspelt workplace or round, or a new one
                    st.error(text.md_escape(refusal_message(exc, lang)))
                    st.stop()
                state.record("roster", f"{round_name}: {workplace} ({roster.file}), {count}")
                st.session_state["groups_after_roster"] = (workplace, round_name)
                finish(
                    state.md(
                        "import.roster_done", count=count, workplace=workplace, round=round_name
                    )
                )

with tab_groups:
    st.markdown(state.md("groups.intro", threshold=s.settings.anonymity_threshold))
    known = access.own_workplaces(state.viewer(), s.frame("workplace_names")["name"].to_list())
    new_workplace = t("groups.new_workplace")
    picked = st.selectbox(t("groups.workplace"), [*known, new_workplace], key="groups_workplace")
    if picked == new_workplace:
        picked = st.text_input(t("import.roster_workplace"), key="groups_new_workplace").strip()
    plan_round, plan_date = round_picker("groups")
    if picked and plan_round:
        answered = [r for r in group_store.rounds_with_answers(s, picked) if r != plan_round]
        bases = {}
        if group_store.counts(s, picked, plan_round).height:
            bases["round"] = t("groups.basis_round")
        if answered:
            bases["earlier"] = t("groups.basis_earlier")
        bases["typed"] = t("groups.basis_typed")
        # Keyed by workplace and round: another choice starts again from the first basis.
        chosen_key = hashlib.sha256(f"{picked}|{plan_round}".encode()).hexdigest()[:12]
        basis = st.radio(
            t("groups.basis"),
            list(bases),
            format_func=bases.get,
            key=f"groups_basis_{chosen_key}",
        )
        found = None
        try:
            if basis == "round":
                found = group_store.plan_for(s, picked, plan_round)
            elif basis == "earlier":
                st.subheader(t("groups.next_heading"))
                earlier = st.selectbox(t("groups.earlier_round"), answered, key="groups_earlier")
                st.caption(state.md("groups.next_intro", round=earlier))
                found = group_store.plan_for(s, picked, plan_round, source=earlier)
            else:
                st.caption(t("groups.typed_intro"))
                typed = st.text_area(
                    t("groups.typed_label"),
                    placeholder=t("groups.typed_placeholder"),
                    key="groups_typed",
                )
                if typed.strip():
                    counts = grouping.parse_counts(typed)
                    found = group_store.plan_for(s, picked, plan_round, typed=counts)
        except grouping.BadMerge as exc:
            st.error(state.md(exc.key, **exc.params))
        if found is not None:
            create = picked not in known or plan_date is not None
            groups_step.planner(
                picked, plan_round, found, "groups", round_date=plan_date, create=create
            )

with tab_template:
    st.markdown(t("import.template_intro"))
    c1, c2 = st.columns(2)
    c1.download_button(
        t("import.template_csv"),
        template_csv(ins, lang),
        file_name=f"socialkapital-template-{lang}.csv",
        mime="text/csv",
    )
    c2.download_button(
        t("import.template_xlsx"),
        template_xlsx(ins, lang),
        file_name=f"socialkapital-template-{lang}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    imports = s.imports()
    imports = imports.filter(
        pl.col("workplace").is_in(
            access.own_workplaces(state.viewer(), imports["workplace"].to_list())
        )
    )
    if imports.height:
        st.subheader(t("import.history"))
        kinds = {"responses": t("import.tab_responses"), "roster": t("import.tab_roster")}
        st.dataframe(
            imports.with_columns(
                pl.col("imported_at").dt.strftime("%d-%m-%Y %H:%M"),
                pl.col("kind").replace_strict(kinds, default=pl.col("kind")),
            ).rename({c: t(f"import.history_{c}") for c in imports.columns}),
            hide_index=True,
        )

with tab_facts:
    st.markdown(t("facts.intro"))
    every = facts_store.all_facts(s)
    mine = access.own_workplaces(state.viewer(), list(every))
    if not mine:
        st.info(t("facts.no_workplaces"))
    else:
        chosen = st.selectbox(t("facts.workplace"), mine, key="facts_workplace")
        now = every[chosen]
        sections = facts.industries()
        # Keys per workplace: picking another workplace shows its own facts, not the last typed.
        key = hashlib.sha256(chosen.encode()).hexdigest()[:12]
        cvr_typed = st.text_input(
            t("facts.cvr"), value=now.cvr or "", help=t("facts.cvr_help"), key=f"facts_cvr_{key}"
        )
        codes = [None, *sections]
        industry = st.selectbox(
            t("facts.industry"),
            codes,
            index=codes.index(now.industry) if now.industry in sections else 0,
            format_func=lambda c: (
                t("facts.industry_none") if c is None else f"{c} {sections[c].name(lang)}"
            ),
            key=f"facts_industry_{key}",
        )
        employees = st.number_input(
            t("facts.employees"),
            min_value=1,
            value=now.employees,
            step=1,
            help=t("facts.employees_help"),
            key=f"facts_employees_{key}",
        )
        if st.button(t("facts.save"), type="primary", key="facts_save"):
            try:
                access.require_import(state.viewer(), [chosen])
                wanted = facts.checked(
                    cvr_typed, industry, None if employees is None else int(employees)
                )
                name = facts_store.set_facts(s, chosen, wanted)
            except access.OutOfScope as exc:
                st.error(state.md(exc.key, **exc.params))
            except facts.BadFact as exc:
                st.error(state.md(exc.key, **exc.params))
            except StoreRefused as exc:
                st.error(text.md_escape(refusal_message(exc, lang)))
            else:
                finish(state.md("facts.saved", workplace=name))
