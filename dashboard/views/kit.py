"""Spørgeskema: the questionnaire of a round for the workplace's survey tool, or paper."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from queries.store import StoreBusy, StoreError
from socialkapital import access, kit, text

t = state.words()
lang = state.lang()
s = state.store()
who = state.viewer()
filters = st.session_state.get("filters")

st.title(t("kit.heading"))
st.caption(t("kit.page_intro"))

left, right = st.columns(2)
workplace = left.text_input(
    t("kit.workplace"), value=filters.workplace if filters else "", key="kit_workplace"
).strip()
round_name = right.text_input(
    t("kit.round"), value=filters.round if filters else "", key="kit_round"
).strip()
kit_lang = left.segmented_control(
    t("kit.language"),
    options=list(text.LANGS),
    default=lang,
    format_func={"da": "Dansk", "en": "English"}.get,
    required=True,
    key="kit_lang",
)
fmt = right.radio(
    t("kit.format"), kit.FORMATS, format_func=lambda f: t(f"kit.format_{f}"), key="kit_format"
)
if not workplace or not round_name:
    st.info(t("kit.need_names"))
    st.stop()
try:
    access.require_import(who, [workplace])
    departments = s.departments(round_name, workplace)
except access.OutOfScope as exc:
    st.error(state.esc(exc.message(lang)))
    st.stop()
except (StoreBusy, StoreError) as exc:
    state.stop_for(exc)

if departments:
    st.caption(state.md("kit.departments", names=", ".join(departments)))
else:
    st.info(t("kit.no_departments"))
content = kit.content(
    s.instrument, workplace, round_name, kit_lang, departments, s.settings.anonymity_threshold
)
name = kit.file_name(content, fmt)
st.markdown(t(f"kit.how_{fmt}"))
data = kit.make(content, fmt)
st.download_button(
    state.md("kit.download", file=name),
    data=state.audited("export", name, lambda: data),
    file_name=name,
    mime="application/octet-stream",
    icon=":material/download:",
    type="primary",
    on_click="ignore",
    key="kit_download",
)
with st.expander(t("kit.invitation_subject")):
    st.text(content.invitation)
