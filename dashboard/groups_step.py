"""Reporting groups on the import page (issue 18): the advice, the proposals to accept or
change, a group of one's own, and what the chosen layout leaves hidden.

Widgets only; the planning is socialkapital.grouping, the storing queries.group_store.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from queries import group_store
from queries.store import StoreRefused
from queries.store_errors import refusal_message
from socialkapital import access, grouping, text


def advice(plan: grouping.Plan, kind: str, threshold: int) -> None:
    """The plan in plain words: a warning when a department will be hidden."""
    lines = grouping.advice(plan, threshold, state.lang(), esc=state.esc)
    if plan.below:
        st.warning("\n\n".join(lines), icon=":material/visibility_off:")
    else:  # no success box: that is what a finished import or save says
        st.info("\n\n".join(lines), icon=":material/check_circle:")
    if plan.rate < 1:
        st.caption(state.md(f"groups.rate_{kind}", rate=text.percent(plan.rate, state.lang())))


def chooser(plan: grouping.Plan, key: str) -> list[grouping.Merge]:
    """Each proposal to accept (its departments and name can be changed), and a group of
    one's own; returns the merges chosen."""
    t = state.t
    units = [u.name for u in plan.units]  # counts are in the advice above: names fit here
    chosen = []
    for i, proposal in enumerate(plan.merges):
        on = st.checkbox(
            state.md("groups.accept", group=proposal.name), value=True, key=f"{key}_on_{i}"
        )
        c1, c2 = st.columns([3, 2])
        members = c1.multiselect(
            t("groups.members"),
            units,
            default=list(proposal.members),
            key=f"{key}_members_{i}",
            disabled=not on,
        )
        name = c2.text_input(
            t("groups.name"), value=proposal.name, key=f"{key}_name_{i}", disabled=not on
        )
        if on and members:
            chosen.append(_merge(members, name))
    with st.expander(t("groups.own"), expanded=not plan.merges and bool(plan.below)):
        c1, c2 = st.columns([3, 2])
        members = c1.multiselect(t("groups.members"), units, key=f"{key}_own_members")
        name = c2.text_input(t("groups.name"), key=f"{key}_own_name")
        if members:
            chosen.append(_merge(members, name))
    return chosen


def outcome(plan: grouping.Plan, chosen: list[grouping.Merge], threshold: int) -> bool:
    """What the chosen layout leaves hidden, said before it is saved; False (with the
    reason) when it cannot be saved."""
    try:
        grouping.check_layout(chosen, [u.name for u in plan.units])
        for m in chosen:
            if len(m.members) < 2:
                raise grouping.BadMerge("groups.one_member", name=m.name)
    except grouping.BadMerge as exc:
        st.error(state.md(exc.key, **exc.params))
        return False
    expected = {u.name: u.expected for u in plan.units}
    sizes = grouping.grouped(expected, grouping.layout_of(chosen))
    below, protecting = grouping.hidden(sizes, threshold)
    still = sorted(set(below) | set(protecting))
    if sum(sizes.values()) < threshold or not still:
        st.info(state.md("groups.after_ok"), icon=":material/check:")
    else:
        names = grouping.names([state.esc(n) for n in still], state.lang())
        st.warning(state.md("groups.after_hidden", count=len(still)) + " " + names)
    return True


def _merge(members: list[str], name: str) -> grouping.Merge:
    return grouping.Merge(name.strip() or grouping.JOIN.join(members), tuple(members))


def planner(
    workplace: str,
    round_name: str,
    found: tuple[grouping.Plan, str, dict[str, str]],
    key: str,
    round_date=None,
    create: bool = False,
) -> None:
    """The advice for a workplace's round, the choice of groups and the save button."""
    plan, kind, previous = found
    s = state.store()
    threshold = s.settings.anonymity_threshold
    advice(plan, kind, threshold)
    if previous:
        groups = ", ".join(sorted(set(previous.values())))
        st.caption(state.md("groups.stored", groups=groups))
    if not plan.below and not previous:
        return
    chosen = chooser(plan, key)
    if not outcome(plan, chosen, threshold):
        return
    if st.button(state.t("groups.save"), type="primary", key=f"{key}_save"):
        try:
            access.require_import(state.viewer(), [workplace])
            layout = grouping.carry(previous, chosen)
            group_store.save_layout(s, workplace, round_name, layout, round_date, create=create)
        except access.OutOfScope as exc:
            st.error(state.md(exc.key, **exc.params))
            return
        except grouping.BadMerge as exc:
            st.error(state.md(exc.key, **exc.params))
            return
        except StoreRefused as exc:
            st.error(text.md_escape(refusal_message(exc, state.lang())))
            return
        detail = "; ".join(f"{m.name} = {', '.join(m.members)}" for m in layout)
        state.record("groups", f"{round_name}: {workplace}: {detail}")
        st.cache_data.clear()
        st.session_state["import_done"] = state.md(
            "groups.saved_page", workplace=workplace, round=round_name
        )
        st.rerun()
