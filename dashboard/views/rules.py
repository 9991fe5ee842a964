"""How we calculate: the rules, the settings in force, the answer scale and the 21 items."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import state
from socialkapital import settings, text

lang = state.lang()
t = state.words()
s = state.store()
ins = s.instrument

st.title(t("rules.heading"))
st.markdown(text.rules_text(lang, s.settings.anonymity_threshold, s.settings.min_answered_share))

st.subheader(t("rules.method"))
st.markdown(text.guidance()["method"][lang])

st.subheader(t("rules.settings"))
# A static table: the meanings are sentences, and a grid would cut them off.
st.table(
    pl.DataFrame(
        {
            t("rules.setting"): [x.name for x in settings.SETTINGS],
            t("rules.value"): [
                text.number(getattr(s.settings, x.name), lang, 0 if x.default >= 1 else 2)
                for x in settings.SETTINGS
            ],
            t("rules.meaning"): [t(f"setting.{x.name}") for x in settings.SETTINGS],
        }
    ).to_pandas(),
    hide_index=True,
    border="horizontal",
)

st.subheader(t("rules.scale"))
st.dataframe(
    pl.DataFrame(
        {
            t("rules.answer"): [p.labels[lang] for p in ins.scale],
            t("rules.code"): [p.code for p in ins.scale],
            t("rules.points"): [text.score(p.score, lang) for p in ins.scale],
        }
    ),
    hide_index=True,
)

st.subheader(t("rules.items"))
for dim in ins.dimensions:
    st.markdown(f"**{dim.names[lang]}**")
    st.markdown("\n".join(f"{i.number}. {i.texts[lang]}" for i in ins.items_of(dim.key)))

st.subheader(t("rules.reading"))
st.markdown(text.guidance()["reading"][lang])
