"""The mapping step of the import page: which column is what, and what answers mean.

Widgets only; what a mapping is and how it is checked lives in socialkapital.importers.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from socialkapital.importers import Mapping, Source, formats
from socialkapital.importers import mapping as mapping_mod
from socialkapital.instrument import Instrument

MAX_VALUE_WIDGETS = 30
_UNSET = "—"


def editor(source: Source, instrument: Instrument, key: str) -> Mapping:
    """Show the mapping widgets for one export and return the mapping they describe."""
    t = state.t
    lang = state.lang()
    store = state.store()
    profiles = store.mapping_profiles()
    names = profiles["name"].to_list()
    chosen = st.selectbox(
        t("mapping.profile"),
        ["", *names],
        key=f"{key}_profile",
        format_func=lambda n: n or t("mapping.no_profile"),
    )
    if not chosen:
        base = mapping_mod.suggest(source, instrument)
    else:
        toml = profiles.filter(profiles["name"] == chosen)["mapping"][0]
        base = Mapping.from_toml(toml, chosen)
    prefix = f"{key}_{chosen or 'auto'}"
    # Choices that "fill in order" makes become defaults (index=) of a fresh set of widgets.
    # A value seeded into session state instead can be lost when a run is cut short by the
    # next click, and the picker then falls back to "—".
    memory = st.session_state.setdefault(f"{prefix}_defaults", {})
    generation = st.session_state.setdefault(f"{prefix}_generation", 0)
    columns = [c.key for c in source.columns]

    def describe(column: str | None) -> str:
        if column is None:
            return _UNSET
        text = source.column(column).text
        return column if text == column else f"{column} · {text[:70]}"

    def pick(label: str, default: str | None, name: str, help: str | None = None):
        options = [None, *columns]
        default = memory.get(name, default)
        return st.selectbox(
            label,
            options,
            index=options.index(default) if default in options else 0,
            placeholder=t("mapping.choose_column"),
            format_func=describe,
            key=f"{prefix}_{generation}_{name}",
            help=help,
        )

    c1, c2, c3 = st.columns(3)
    with c1:
        department = pick(t("mapping.department"), base.department, "department")
    with c2:
        workplace = pick(t("mapping.workplace"), base.workplace, "workplace")
        workplace_name = (
            st.text_input(
                t("mapping.workplace_name"),
                base.workplace_name or "",
                key=f"{prefix}_workplace_name",
            ).strip()
            or None
        )
    with c3:
        respondent = pick(
            t("mapping.respondent"),
            base.respondent,
            "respondent",
            help=t("mapping.respondent_help"),
        )

    items: list[str | None] = list(base.items) + [None] * (len(instrument.items) - len(base.items))
    found = sum(1 for k in items if k)
    st.markdown(
        t(
            "mapping.found",
            found=found,
            total=len(instrument.items),
            tool=formats.NAMES[source.format],
        )
    )
    fill = st.button(
        t("mapping.fill_in_order"), key=f"{prefix}_fill", help=t("mapping.fill_in_order_help")
    )
    for dim in instrument.dimensions:
        numbers = [i.number for i in instrument.items_of(dim.key)]
        open_ = any(items[n - 1] is None for n in numbers)
        with st.expander(dim.names[lang], expanded=open_):
            for n in numbers:
                item = instrument.items[n - 1]
                hints = mapping_mod.similar_columns(source, instrument, n - 1)
                help_text = state.md("mapping.similar", columns=", ".join(hints)) if hints else None
                items[n - 1] = pick(f"{n}. {item.texts[lang]}", items[n - 1], f"q{n}", help_text)
    if fill:
        memory.update(department=department, workplace=workplace, respondent=respondent)
        memory.update({f"q{n}": c for n, c in enumerate(_in_order(items, columns), start=1)})
        st.session_state[f"{prefix}_generation"] = generation + 1
        st.rerun()

    with st.expander(t("mapping.columns_preview")):
        st.dataframe(
            [
                {
                    t("mapping.column"): c.key,
                    t("mapping.question"): c.text,
                    t("mapping.examples"): ", ".join(v for v, _ in source.distinct(c.key, 5)),
                }
                for c in source.columns
            ],
            hide_index=True,
        )

    mapping = Mapping(
        department=department,
        workplace=workplace,
        workplace_name=workplace_name,
        respondent=respondent,
        items=items,
        values=dict(base.values),
    )
    mapping.department_names = dict(base.department_names)
    mapping.department_names.update(_department_name_widgets(source, mapping, prefix))
    mapping.values.update(_value_widgets(source, instrument, mapping, prefix))
    _save_widgets(source, mapping, prefix)
    return mapping


def _in_order(items: list[str | None], columns: list[str]) -> list[str | None]:
    """After each chosen item column, take the following columns for the next unchosen
    items, in the file's order: an explicit choice the user sees and can still change."""
    chosen = list(items)
    for n in range(1, len(chosen)):
        if chosen[n] is None and chosen[n - 1] in columns:
            following = columns.index(chosen[n - 1]) + 1
            if following < len(columns):
                chosen[n] = columns[following]
    return chosen


def _department_name_widgets(source: Source, mapping: Mapping, prefix: str) -> dict[str, str]:
    """A name per department code, when the export has codes ("1", "AO01") for them."""
    codes = mapping_mod.department_codes(source, mapping)
    if not codes:
        return {}
    t = state.t
    st.markdown(f"**{t('mapping.department_names')}**")
    st.caption(t("mapping.department_names_help"))
    named: dict[str, str] = {}
    cols = st.columns(3)
    for i, code in enumerate(codes):
        name = cols[i % 3].text_input(
            state.md("mapping.department_code", code=code),
            mapping.department_names.get(code, ""),
            key=f"{prefix}_department_{code}",
        )
        if name.strip():
            named[code] = name.strip()
    return named


def _value_widgets(
    source: Source, instrument: Instrument, mapping: Mapping, prefix: str
) -> dict[str, int | None]:
    """One picker per answer the export uses that is not on the scale yet."""
    t = state.t
    lang = state.lang()
    unknown = mapping_mod.unknown_values(
        source, instrument, Mapping(items=mapping.items, values=mapping.values)
    )
    if not unknown:
        return {}
    st.markdown(f"**{t('mapping.values_heading')}**")
    st.caption(t("mapping.values_help"))
    meanings = [None, *[p.code for p in instrument.scale], mapping_mod.MISSING]

    def label(m):
        if m is None:
            return _UNSET
        if m == mapping_mod.MISSING:
            return t("mapping.missing")
        point = next(p for p in instrument.scale if p.code == m)
        return f"{m} – {point.labels[lang]}"

    digits = [v for v, _ in unknown if v.strip() in {str(p.code) for p in instrument.scale}]
    if digits and st.button(t("mapping.codes_as_is"), key=f"{prefix}_as_is"):
        for value in digits:
            st.session_state[f"{prefix}_value_{value}"] = int(value.strip())
    chosen: dict[str, int | None] = {}
    cols = st.columns(3)
    for i, (value, count) in enumerate(unknown[:MAX_VALUE_WIDGETS]):
        meaning = cols[i % 3].selectbox(
            state.md("mapping.value_label", value=value, count=count),
            meanings,
            format_func=label,
            key=f"{prefix}_value_{value}",
        )
        if meaning is not None:
            chosen[value] = None if meaning == mapping_mod.MISSING else meaning
    if len(unknown) > MAX_VALUE_WIDGETS:
        st.warning(t("mapping.too_many_values", count=len(unknown)))
    return chosen


def _save_widgets(source: Source, mapping: Mapping, prefix: str) -> None:
    """Keep the mapping as a named profile, or download it as a TOML file for the CLI."""
    t = state.t
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    name = c1.text_input(t("mapping.save_name"), key=f"{prefix}_save_name").strip()
    if c2.button(t("mapping.save"), key=f"{prefix}_save", disabled=not name):
        state.store().save_mapping_profile(name, source.format, mapping.to_toml())
        st.toast(state.md("mapping.saved", name=name))
    c3.download_button(
        t("mapping.download"),
        mapping.to_toml(),
        file_name="mapping.toml",
        mime="application/toml",
        key=f"{prefix}_download",
    )
