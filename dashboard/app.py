"""Router: page config, language, sidebar filters, navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import state

st.set_page_config(page_title="Social kapital", page_icon=":material/groups:", layout="wide")

state.language_switch()
viewer = state.sign_in()  # stops at the sign-in page until someone with a role signs in
pages = [
    st.Page(
        "views/overview.py",
        title=state.t("nav.overview"),
        icon=":material/dashboard:",
        default=True,
    ),
    st.Page("views/heatmap.py", title=state.t("heatmap.nav"), icon=":material/grid_on:"),
    st.Page("views/items.py", title=state.t("items.nav"), icon=":material/checklist:"),
    st.Page("views/correlations.py", title=state.t("correlations.nav"), icon=":material/hub:"),
    st.Page("views/benchmark.py", title=state.t("benchmark.nav"), icon=":material/leaderboard:"),
    st.Page("views/response.py", title=state.t("response.nav"), icon=":material/how_to_reg:"),
    st.Page("views/reliability.py", title=state.t("reliability.nav"), icon=":material/verified:"),
    st.Page("views/trends.py", title=state.t("trends.nav"), icon=":material/trending_up:"),
    st.Page("views/reports.py", title=state.t("nav.reports"), icon=":material/picture_as_pdf:"),
    st.Page("views/plans.py", title=state.t("nav.plans"), icon=":material/task_alt:"),
    st.Page("views/rules.py", title=state.t("nav.rules"), icon=":material/calculate:"),
]
# Pages a role may not use are not there at all: not hidden, not reachable by URL.
if viewer.may("can_import"):
    pages.insert(
        -1, st.Page("views/import_data.py", title=state.t("nav.import"), icon=":material/upload:")
    )
    pages.insert(-1, st.Page("views/kit.py", title=state.t("kit.nav"), icon=":material/quiz:"))
if viewer.may("manage_users"):
    pages.append(
        st.Page(
            "views/admin.py", title=state.t("admin.nav"), icon=":material/admin_panel_settings:"
        )
    )
page = st.navigation(pages, expanded=True)  # every page in view, also on a projector
st.session_state["filters"] = state.sidebar_filters()
state.threshold_note()
page.run()
state.settle()
