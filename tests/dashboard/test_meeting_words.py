"""Issue 17 on the overview: whole headline numbers, why social capital matters, the signs of
a high level per form, and a guide for times of change."""

from __future__ import annotations

import re
from pathlib import Path

from socialkapital import text
from tests.dashboard.test_pages import APP, app, empty_db, metrics, small_db  # noqa: F401 (fixtures)


def test_the_overview_has_whole_numbers_the_signs_and_why(small_db):  # noqa: F811
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("Køkken").run()
    assert not at.exception
    for label, value in metrics(at).items():
        if label.startswith("Social kapital samlet"):
            assert re.fullmatch(r"\d+", value), (label, value)
    chart_labels = " ".join(str(x) for x in at.dataframe[0].value.to_numpy().ravel())
    assert not re.search(r"\d,\d", chart_labels)  # the forms' table: 75 (…) · n = 6
    words = " ".join(m.value for m in at.markdown)
    guide = text.guidance()
    assert guide["why"]["da"].strip().splitlines()[0] in words
    for key in ("team", "between", "leader", "workplace"):
        for sign in guide["dimensions"][key]["signs_da"]:
            assert sign in words, sign
    assert "Pas på broerne" in words  # the guide for times of change
    assert "ikke af de fire former" in " ".join(
        e.proto.help for e in at.get("metric") if e.proto.help
    )


def test_a_round_named_with_its_label_is_not_doubled(empty_db, ins):  # noqa: F811
    """Issue 17: 'Måling: Måling forår 2026' reads as a stutter; a name without the word keeps
    the label ('Måling: Forår 2026', as in the other tests)."""
    from queries.store import Store
    from socialkapital.importers import read_responses
    from tests.conftest import template_rows, to_csv

    rows = [("Mejeri Øst", "Køkken", [4] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    Store(empty_db).replace_responses(
        parsed.responses, "Måling forår 2026", None, "svar.csv", "template"
    )
    at = app().run()
    captions = [c.value for c in at.caption]
    assert "Måling forår 2026" in captions
    assert not any("Måling: Måling" in c for c in captions)
    at.switch_page("views/items.py").run()
    assert any(c.value.startswith("Måling forår 2026 · Mejeri Øst") for c in at.caption)


def test_the_method_names_are_on_the_rules_page(small_db):  # noqa: F811
    """Issue 17: the report says 'tydelig' and points here; here the method is named."""
    at = app().run()
    at.switch_page("views/rules.py").run()
    assert not at.exception
    words = " ".join(m.value for m in at.markdown)
    assert "Hvornår er en forskel tydelig?" in " ".join(h.value for h in at.subheader)
    for name in ("Welchs t-test", "Holms korrektion", "min_correlation_n"):
        assert name in words, name


def _tab_words(at, label: str) -> str:
    """The text of one of the overview's form tabs."""
    (tab,) = [x for x in at.tabs if x.label == label]
    return " ".join(m.value for m in tab.markdown) + " " + " ".join(c.value for c in tab.caption)


def test_the_overview_shows_tips_fitted_to_the_department(empty_db, ins):  # noqa: F811
    """Issue 17: the tips of the report, in the department's own order, beside the signs.

    A (6 persons): 4 everywhere but q6 = 1 and q10 = 2, so its lowest form is the team
    (62.5 against the workplace's 81.25) with question 6 weakest; B: all 5s.
    """
    from queries.store import Store
    from socialkapital.importers import read_responses
    from tests.conftest import template_rows, to_csv

    a = [4] * 21
    a[5], a[9] = 1, 2
    rows = [("W", "A", a)] * 6 + [("W", "B", [5] * 21)] * 6
    parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
    Store(empty_db).replace_responses(parsed.responses, "Forår 2026", None, "svar.csv", "t")
    guide = text.guidance()["dimensions"]
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("A").run()
    assert not at.exception
    assert "Tegn og forslag til A" in [h.value for h in at.subheader]
    team = _tab_words(at, "Inden for teamet")
    tips = guide["team"]["strengthen_da"]
    assert all(tip in team for tip in tips)  # the lowest form: every tip
    assert team.index(tips[4]) < min(team.index(tip) for tip in tips[:4])  # question 6 first
    assert "Det er jeres laveste af de fire former" in team
    assert "I ligger 19 point under hele arbejdspladsen." in team
    assert all(sign in team for sign in guide["team"]["signs_da"])
    between = _tab_words(at, "Mellem teams")
    tips = guide["between"]["strengthen_da"]
    assert [tip for tip in tips if tip in between] == [tips[0], tips[2], tips[3]]  # question 10
    # B: top marks everywhere and furthest above the workplace on question 6, so the tip on
    # sharing ideas comes last; the whole workplace alone has no comparison to be told.
    at.sidebar.selectbox(key="department_da").select("B").run()
    team = _tab_words(at, "Inden for teamet")
    tips = guide["team"]["strengthen_da"]
    assert team.index(tips[4]) > max(team.index(tip) for tip in tips[:4] if tip in team)
    assert "I ligger 19 point over hele arbejdspladsen." in team


# -- method names on the rules page only ------------------------------------------------------

# What a works council should not meet outside the rules page: the methods' names and the
# statistics words the pages used to have.
METHODS = ["Welch", "Holm", "Benjamini", "Cronbach", "ICC", "rwg", "Pearson", "p-værdi",
           "p-value", "Justeret p", "Adjusted p", "signifikan", "significan", "konfidens",
           "confidence interval", "holder:", "holds up", "inden for tilfældighed",
           "within chance", "Læsning", "Reading"]  # fmt: skip
# Every page of the app (as the router lists them), but the rules page and the users' page.
PAGES = [
    p
    for p in re.findall(r"\"views/(\w+)\.py\"", (Path(APP).read_text(encoding="utf-8")))
    if p not in ("rules", "admin")
]


def _all_text(block) -> list[str]:
    """Every text an element tree shows: values, labels, help, options, table headers and
    cells, and the specs of charts (their titles, axes and tooltips)."""
    found = []
    for node in getattr(block, "children", {}).values():
        for name in ("value", "label", "help", "placeholder"):
            try:
                value = getattr(node, name, None)
            except Exception:  # some elements compute their value and may not have one
                value = None
            if isinstance(value, str):
                found.append(value)
            elif hasattr(value, "columns"):  # a table or a data frame
                found += [str(c) for c in value.columns]
                found += [str(x) for x in value.to_numpy().ravel()]
        found += [str(o) for o in getattr(node, "options", None) or []]
        proto = getattr(node, "proto", None)
        for name in ("spec", "help"):
            value = getattr(proto, name, None)
            if isinstance(value, str):
                found.append(value)
        found += _all_text(node)
    return found


def _two_rounds(path, ins) -> None:
    """The demo's two rounds (a trend, plans' rounds, several workplaces for the benchmark)."""
    from queries.store import Store
    from socialkapital import demo
    from socialkapital.importers import read_responses

    store = Store(path)
    for r in demo.generate(respondents=400):
        parsed = read_responses(r.responses.write_csv().encode(), "d.csv", ins)
        store.replace_responses(parsed.responses, r.name, r.date, "d.csv", "demo")


def test_method_names_only_on_the_rules_page(empty_db, ins):  # noqa: F811
    """Issue 17: every page but 'Sådan regner vi', in Danish and English, with a department
    chosen (and the correlations of the 21 questions shown), names no method; the rules page
    names them."""
    _two_rounds(empty_db, ins)
    for lang in ("da", "en"):
        for page in PAGES:
            # A fresh app per page: a widget's format function, called by AppTest outside
            # the run, would name the options in the default language.
            at = app()
            at.session_state["lang"] = lang
            at.run()
            department = at.sidebar.selectbox(key=f"department_{lang}")
            department.select(department.options[1]).run()
            at.switch_page(f"views/{page}.py").run()
            assert not at.exception, (page, lang)
            if page == "correlations":
                at.toggle(key="correlations_items").set_value(True).run()
            words = " ".join(_all_text(at.main))
            assert len(words) > 200, (page, lang)  # the page was drawn
            for name in METHODS:
                assert name not in words, (page, lang, name)
        at.switch_page("views/rules.py").run()
        words = " ".join(_all_text(at.main))
        for name in ("Welch", "Holm", "Benjamini-Hochberg", "Cronbach", "ICC(1)", "rwg(j)"):
            assert name in words, (lang, name)
