"""What every page shares: the store, cached results, the language and the sidebar filters."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import streamlit as st

from queries.store import Store, StoreBusy, StoreError
from socialkapital import access, audit, results, settings, text


@st.cache_resource
def _store(path: str) -> Store:
    # A Store opens a short-lived connection per query, so it is safe to share across sessions.
    return Store(path, settings=settings.from_env())


def store() -> Store:
    """The store named by SOCIALKAPITAL_DB (or data/); stops the page if it is busy, or when
    a setting from the environment is not allowed (saying which, and what is)."""
    try:
        return _store(str(settings.db_path()))
    except settings.SettingsError as exc:
        st.error(text.md_escape(exc.message(lang())))
        st.stop()
    except (StoreBusy, StoreError) as exc:
        stop_for(exc)


def stop_for(exc: Exception) -> None:
    """Say that the store is busy or cannot be used (which file, what to do), and stop."""
    st.error(t("app.store_busy") if isinstance(exc, StoreBusy) else text.md_escape(str(exc)))
    st.stop()


_VIEWER = "_viewer"


def sign_in() -> access.Viewer:
    """Who is looking, from the sign-in (or local use), decided afresh at the start of every
    run: what session state holds is overwritten, so it can never widen a scope."""
    from dashboard import auth  # the sign-in page draws with st; only the router calls this

    st.session_state[_VIEWER] = auth.current_viewer(store())
    return st.session_state[_VIEWER]


def viewer() -> access.Viewer:
    """The viewer of this run (``sign_in``)."""
    found = st.session_state.get(_VIEWER)
    if not isinstance(found, access.Viewer):
        st.stop()
    return found


def record(action: str, detail: str) -> None:
    """A line in the audit log for what the viewer just did."""
    audit.record(store().path, viewer().email, action, detail)


def audited(action: str, detail: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download's data, made when the button is pressed and recorded in the audit log then
    (who, what, when: never the figures)."""
    who, path = viewer().email, store().path

    def data() -> bytes:
        audit.record(path, who, action, detail)
        return make()

    return data


@st.cache_data(max_entries=64, show_spinner=False)
def _results(
    _store: Store,
    version: tuple,
    round_name: str,
    workplaces: tuple[str, ...] | None,
    _viewer: access.Viewer,
    viewer_key: tuple,
    lang: str,
):
    # ``version`` changes with the store file, so a new import is never served stale.
    gated = results.compute(_store, round_name, list(workplaces) if workplaces else None)
    return access.restrict_figures(gated, _viewer, lang)


def gated_results(round_name: str, workplaces: list[str] | None = None) -> results.Results:
    """The round's figures after the anonymity gate and the viewer's scope, cached per store
    version, filter and viewer."""
    s, who = store(), viewer()
    access.require_request(who, workplaces)
    chosen = tuple(workplaces) if workplaces else None
    try:
        return _results(s, s.version(), round_name, chosen, who, who.key(), lang())
    except (StoreBusy, StoreError) as exc:
        stop_for(exc)


@st.cache_data(max_entries=16, show_spinner=False)
def _rounds(_store: Store, version: tuple):
    return _store.rounds()


@st.cache_data(max_entries=64, show_spinner=False)
def _workplaces(_store: Store, version: tuple, round_name: str) -> list[str]:
    return _store.workplaces(round_name)


@st.cache_data(max_entries=256, show_spinner=False)
def _departments(_store: Store, version: tuple, round_name: str, workplace: str) -> list[str]:
    return _store.departments(round_name, workplace)


def workplaces_in(round_name: str) -> list[str]:
    """The round's workplaces (all of them: ask ``access`` what the viewer may see), read
    again only when the store changes."""
    s = store()
    return _workplaces(s, s.version(), round_name)


def departments_in(round_name: str, workplace: str) -> list[str]:
    """A workplace's departments in a round (all of them), read again only when the store
    changes."""
    s = store()
    return _departments(s, s.version(), round_name, workplace)


def rounds():
    """The rounds, newest first; for a viewer with a scope, those with a workplace in it."""
    s, who = store(), viewer()
    found = _rounds(s, s.version())
    if who.everything:
        return found
    seen = [r for r in found["name"].to_list() if access.own_workplaces(who, s.workplaces(r))]
    return found.filter(pl.col("name").is_in(seen))


def lang() -> str:
    return st.session_state.get("lang", text.DEFAULT_LANG)


def t(key: str, **values: object) -> str:
    """A UI string in the current language (plain text: tables, charts, picker options)."""
    return text.t(key, lang(), **values)


def words() -> Callable[..., str]:
    """``t`` bound to this run's language, for a page to write with: a page writes thousands
    of texts (its table cells), and reading the language from the session for each took a
    tenth of a page's run."""
    code = lang()
    return lambda key, **values: text.t(key, code, **values)


def md(key: str, **values: object) -> str:
    """A UI string for a place that renders Markdown (markdown, titles, captions, alerts,
    labels): the locale's own Markdown stays, the names filled in are escaped (``esc``)."""
    # Numbers stay numbers: they hold no Markdown, and "1 person" (not "1 personer") needs
    # the count itself for the language's plural rule.
    plain = {k: v if isinstance(v, int | float) else esc(v) for k, v in values.items()}
    shown = text.t(key, lang(), **plain)
    return _without_doubled_round(shown, values.get("round"))


def _without_doubled_round(shown: str, round_name: object) -> str:
    """'Måling forår 2026', not 'Måling: Måling forår 2026': a caption that leads with the
    round's label drops it when the round's own name already starts with that word."""
    label = text.t("overview.round_caption", lang(), round="")  # "Måling: "
    word = label.rstrip(": ").casefold()
    if round_name and shown.startswith(label) and str(round_name).casefold().startswith(word):
        return shown[len(label) :]
    return shown


def esc(value: object) -> str:
    """A name (workplace, department, round, plan text ...) as plain text inside Markdown."""
    return text.md_escape(value)


def language_switch() -> None:
    """Dansk/English in the sidebar; Danish by default."""
    st.session_state.setdefault("lang", text.DEFAULT_LANG)
    st.sidebar.segmented_control(
        t("app.language"),
        options=list(text.LANGS),
        format_func={"da": "Dansk", "en": "English"}.get,
        key="lang",
        required=True,
    )


# The "whole workplace" choice. Not None: a selectbox takes a None value for "nothing
# chosen" and then keeps showing the label of the language it was drawn in.
WHOLE = ""


@dataclass(frozen=True)
class Filters:
    round: str
    workplace: str
    department: str | None  # None = the whole workplace


def sidebar_filters() -> Filters | None:
    """Round, workplace and department pickers; None when the store has no data yet."""
    available = rounds()
    if not available.height:
        return None
    round_names = available["name"].to_list()
    sidebar = st.sidebar
    # A page may ask for a round (e.g. after an import) before the picker is drawn.
    if (pending := st.session_state.pop("pending_round", None)) in round_names:
        st.session_state["round"] = pending
    round_name = sidebar.selectbox(t("app.round"), round_names, key="round")
    who = viewer()
    workplaces = access.own_workplaces(who, workplaces_in(round_name))
    if not workplaces:
        return None
    workplace = sidebar.selectbox(t("app.workplace"), workplaces, key="workplace")
    departments = departments_in(round_name, workplace)
    options = [WHOLE, *access.own_departments(who, workplace, departments)]
    # The browser keeps showing the label a keyed selectbox was drawn with, so the picker has
    # one key per language; the choice itself is carried over in "department".
    key = f"department_{lang()}"
    chosen = st.session_state.get(key)
    if chosen not in options:
        # Just switched language: the other picker's last value is the freshest choice (a
        # pick made right before the switch may not have had its own run yet).
        others = [f"department_{code}" for code in text.LANGS if code != lang()]
        fresh = [st.session_state[k] for k in others if st.session_state.get(k) is not None]
        carried = fresh[0] if fresh else st.session_state.get("department", WHOLE)
        chosen = carried if carried in options else WHOLE
    # The carried choice is the picker's default (index=), not a value put in its state:
    # Streamlit resets a picker's state when another page is opened from code (a plan made
    # from the overview), and the choice would be lost.
    choice = sidebar.selectbox(
        t("app.department"),
        options,
        index=options.index(chosen),
        format_func=lambda d: t("app.whole_workplace") if d == WHOLE else d,
        key=key,
    )
    st.session_state["department"] = choice
    return Filters(round_name, workplace, choice or None)


def choose_department(name: str | None) -> None:
    """Make a department (None: the whole workplace) the sidebar's choice on the next run."""
    st.session_state["department"] = name or WHOLE
    for code in text.LANGS:
        st.session_state.pop(f"department_{code}", None)


def settle() -> None:
    """After the server's first page: keep what is loaded by then (Streamlit, Altair's
    schema, pandas: most of the process's 170,000 objects) out of Python's full garbage
    collections, which otherwise walk them all, 50-80 ms in the middle of some later click."""
    global _SETTLED
    if not _SETTLED:
        _SETTLED = True
        gc.freeze()


_SETTLED = False


def threshold_note() -> None:
    """Every page states the anonymity threshold."""
    st.sidebar.caption(t("app.threshold", threshold=store().settings.anonymity_threshold))


def make_plan_popover(workplace: str, department: str | None, round_name: str, key: str) -> None:
    """ "Make an action plan": pick the form, then open the plans page pre-filled (for
    those who may make a plan for this group)."""
    if not access.may_edit_plan(viewer(), workplace, department):
        return
    ins = store().instrument
    # The names fixed now: a format function is also called outside the run (by AppTest).
    names = {d.key: d.short[lang()] for d in ins.dimensions}
    with st.popover(t("plans.make"), icon=":material/task_alt:", help=t("plans.make_help")):
        target = st.selectbox(
            t("plans.dimension"), ins.dimension_keys, key=f"{key}_target", format_func=names.get
        )
        if st.button(t("plans.make"), type="primary", key=f"{key}_make"):
            st.session_state["plan_prefill"] = {
                "workplace": workplace,
                "department": department,
                "round": round_name,
                "dimension": target,
            }
            st.switch_page("views/plans.py")


@st.cache_resource(max_entries=128, show_spinner=False)
def _built(_builder, name: str, args: tuple, options: dict):
    return _builder(*args, **options)


def built(builder, *args, **options):
    """``builder(*args, **options)`` (a chart of dashboard/analysis_charts), made once for
    the same data and words and kept: Altair copies a chart at every step of building it
    (0.1-0.3 s for a page's chart), and a page draws the same chart again on every click.
    Charts are never changed once made, so one may serve every session."""
    return _built(builder, f"{builder.__module__}.{builder.__qualname__}", args, options)


def chart(figure, **options):
    """``st.altair_chart`` without Altair checking the finished chart against the Vega-Lite
    schema on every rerun: the check took most of a page's time (0.4 s of the heatmap's
    0.5 s, its figures cached). The charts come from dashboard/analysis_charts, and
    tests/dashboard/test_chart_specs.py checks every page's charts against the schema."""
    unchecked = functools.partial(type(figure).to_dict, figure, validate=False)
    object.__setattr__(figure, "to_dict", unchecked)  # Altair keeps set attributes as options
    return st.altair_chart(figure, **options)
