"""Reports: the feedback PDF for the sidebar's selection, and every report of a workplace as
one ZIP file (with a progress bar). The PDFs are in the language the user has chosen."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import streamlit as st

from dashboard import state
from queries.store import Store
from socialkapital import access, reports
from socialkapital.reports.figures import Skipped

t = state.words()
lang = state.lang()
st.title(t("report.page_heading"))
filters = st.session_state.get("filters")
if filters is None:
    st.info(t("app.no_data"))
    st.stop()

s = state.store()
who = state.viewer()
today = date.today()
st.caption(t("report.page_intro", language={"da": "Dansk", "en": "English"}[lang]))


@st.cache_data(max_entries=32, show_spinner=False)
def _why_none(
    _store: Store,
    version: tuple,
    round_name: str,
    workplace: str,
    department: str | None,
    lang: str,
    _viewer: access.Viewer,
    viewer_key: tuple,
) -> Skipped | None:
    """Why the selection gets no report (None: it gets one), cached like the figures."""
    return reports.why_no_report(_store, round_name, workplace, department, lang, _viewer)


def _report(round_name: str, workplace: str, department: str | None) -> bytes:
    """The PDF, made when the button is pressed (drawing it takes seconds, and most visits
    to this page do not download it), in what the reader may see."""
    if department is None:
        return reports.workplace_report(s, round_name, workplace, lang, today, who)
    return reports.department_report(s, round_name, workplace, department, lang, today, who)


def skip_reason(skipped: Skipped, threshold: int) -> str:
    """Who gets no report and why, for Markdown: the department's name escaped."""
    return state.md(
        "report.skip_below",
        department=skipped.department,
        respondents=skipped.respondents,
        threshold=threshold,
    )


def _file_name(*parts: str, ext: str) -> str:
    return reports.file_name(" - ".join(parts)).removesuffix(".pdf") + ext


st.subheader(t("report.single"))
if filters.department:
    st.write(
        state.md(
            "report.selected_department",
            department=filters.department,
            workplace=filters.workplace,
        )
    )
else:
    st.write(state.md("report.selected_workplace", workplace=filters.workplace))
why = _why_none(
    s, s.version(), filters.round, filters.workplace, filters.department, lang, who, who.key()
)
single_name = _file_name(
    *[p for p in (filters.workplace, filters.department, filters.round) if p], ext=".pdf"
)
if why is not None:
    threshold = s.settings.anonymity_threshold
    st.info(skip_reason(why, threshold), icon=":material/visibility_off:")
else:
    chosen = (filters.round, filters.workplace, filters.department)
    st.download_button(
        t("report.download"),
        data=state.audited("report", single_name, lambda: _report(*chosen)),
        # The round in every name: next year's report of the same department is another file.
        file_name=single_name,
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        type="primary",
        on_click="ignore",
        key="report_pdf",
    )

st.divider()
st.subheader(t("report.batch"))
departments = access.own_departments(
    who, filters.workplace, state.departments_in(filters.round, filters.workplace)
)
res = state.gated_results(filters.round, [filters.workplace])
# As the batch decides: a department below the threshold gets no report.
reported = res.groups.filter(
    (pl.col("level") == "department") & (pl.col("respondents") >= res.threshold)
).height
st.caption(t("report.batch_intro", count=reported, threshold=res.threshold))
batch_key = (s.version(), filters.round, filters.workplace, lang, today, who.key())
if st.button(t("report.batch_make"), icon=":material/folder_zip:", key="report_batch"):
    bar = st.progress(0.0, text=t("report.batch_progress", done=0, total=len(departments) + 1))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("report.batch_progress", done=done, total=total))

    buffer = io.BytesIO()
    made = reports.batch(
        s, filters.round, filters.workplace, lang, buffer, today, progress, viewer=who
    )
    bar.empty()
    st.session_state["report_zip"] = (batch_key, buffer.getvalue(), made)

stored = st.session_state.get("report_zip")
if stored and stored[0] == batch_key:
    _, archive, made = stored
    st.success(t("report.batch_done", count=len(made.files)), icon=":material/check_circle:")
    if made.skipped:
        st.caption(f"**{t('report.manifest_skipped')}**")
    for skipped in made.skipped:
        st.caption(skip_reason(skipped, s.settings.anonymity_threshold))
    zip_name = _file_name(filters.workplace, filters.round, ext=".zip")
    st.download_button(
        t("report.batch_download"),
        data=state.audited("report", zip_name, lambda: archive),
        file_name=zip_name,
        mime="application/zip",
        icon=":material/download:",
        on_click="ignore",
        key="report_zip_download",
    )
