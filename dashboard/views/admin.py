"""Users and log (administrators only): who may sign in with which role and scope, and the
audit log of sign-ins, imports, exports, report downloads and user changes."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import state
from queries import user_store
from socialkapital import access, audit, spreadsheet

t = state.words()
lang = state.lang()
s = state.store()
who = state.viewer()
# The router lists this page only for administrators; a direct call is refused here too.
if not who.may("manage_users"):
    st.error(access.OutOfScope("access.not_allowed", role=who.role).message(lang))
    st.stop()

st.title(t("admin.heading"))
st.caption(t("admin.intro"))

# -- users -------------------------------------------------------------------------------------
st.subheader(t("admin.users"))
users = user_store.list_users(s)
if users.height:
    table = users.group_by("email", maintain_order=True).agg(
        pl.col("role").first(),
        pl.concat_str(
            pl.col("workplace"),
            pl.when(pl.col("department").is_not_null()).then(pl.lit(": ") + pl.col("department")),
            ignore_nulls=True,
        )
        .drop_nulls()
        .str.join("; ")
        .alias("scope"),
    )
    st.dataframe(
        table.with_columns(
            pl.col("role").replace_strict({r: t(f"role.{r}") for r in access.ROLES}),
            pl.when(pl.col("scope") == "")
            .then(pl.lit(t("admin.everything")))
            .otherwise(pl.col("scope"))
            .alias("scope"),
        ).rename({"email": t("admin.email"), "role": t("admin.role"), "scope": t("admin.scope")}),
        hide_index=True,
        width="stretch",
    )
else:
    st.info(t("users.none"))

known = s.frame("all_names")
workplaces = sorted(known["workplace"].unique().to_list(), key=str.casefold)
with st.expander(t("admin.add"), icon=":material/person_add:"):
    st.caption(t("admin.roles_help"))
    c1, c2 = st.columns(2)
    email = c1.text_input(t("admin.email"), key="admin_email")
    role = c2.selectbox(
        t("admin.role"), list(access.ROLES), format_func=lambda r: t(f"role.{r}"), key="admin_role"
    )
    rights = access.ROLES[role]
    chosen: list[str] = []
    departments: list[str] = []
    if rights.workplaces is not None:
        chosen = st.multiselect(
            t("admin.workplaces"),
            workplaces,
            max_selections=rights.workplaces[1],
            key=f"admin_workplaces_{role}",
            placeholder=t("app.choose"),
        )
    if rights.departments and len(chosen) == 1:
        names = known.filter(pl.col("workplace") == chosen[0])["department"].drop_nulls()
        departments = st.multiselect(
            t("admin.departments"),
            sorted(names.to_list(), key=str.casefold),
            key=f"admin_departments_{chosen[0]}",
            placeholder=t("app.choose"),
        )
    if st.button(t("admin.save"), type="primary", key="admin_save"):
        try:
            user_store.add_user(s, email, role, chosen, departments)
        except access.InvalidUser as exc:
            st.error(state.md(exc.key, **exc.params))
        else:
            state.record("user_add", f"{email.strip().lower()} {role} {'; '.join(chosen)}")
            st.session_state["admin_done"] = state.md("users.added", email=email.strip(), role=role)
            st.rerun()

if users.height:
    with st.popover(t("admin.remove"), icon=":material/person_remove:"):
        gone = st.selectbox(t("admin.email"), users["email"].unique().to_list(), key="admin_gone")
        label = state.md("admin.remove_confirm", email=gone)
        if st.button(label, type="primary", key="admin_remove"):
            user_store.remove_user(s, gone)
            state.record("user_remove", gone)
            st.session_state["admin_done"] = state.md("users.removed", email=gone)
            st.rerun()
if done := st.session_state.pop("admin_done", None):
    st.success(done, icon=":material/check_circle:")

# -- the audit log -------------------------------------------------------------------------------
st.subheader(t("admin.log"))
log = audit.read(s.path)
if not log.height:
    st.info(t("admin.log_empty"))
    st.stop()
labels = {c: t(f"admin.log_{c}") for c in ("at", "who", "action", "detail")}
readable = log.with_columns(
    pl.col("at").str.to_datetime().dt.strftime("%d-%m-%Y %H:%M"),
    pl.col("action").replace_strict(
        {a: t(f"audit.{a}") for a in audit.ACTIONS}, default=pl.col("action")
    ),
)
st.dataframe(readable.rename(labels), hide_index=True, width="stretch")
st.download_button(
    t("admin.download_log"),
    data=lambda: spreadsheet.frame_csv(log, include_bom=True).encode("utf-8"),
    file_name="socialkapital-log.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="admin_log_csv",
)
