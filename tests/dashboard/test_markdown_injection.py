"""Issue 16: names are shown as typed, never as Markdown.

A workplace, department, round or plan named ``![x](http://evil.example/x.png)`` made every
viewer's browser fetch that address (an image in a title), and ``[klik](http://evil.example)``
was a link. Every page is opened on a store full of such names, and every text that Streamlit
renders as Markdown (bodies, labels, help, radio and button-group options, st.table cells and
headers) is checked: none may hold a link or an image. The browser test
(tests/e2e/test_markdown_injection.py) checks what Chromium does with them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from google.protobuf.descriptor import FieldDescriptor
from streamlit.testing.v1 import AppTest

from queries import plan_store
from queries.store import Store
from socialkapital import plans, text
from socialkapital.importers import read_responses, read_roster
from tests.conftest import template_rows, to_csv

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
WORKPLACE = "![x](http://evil.example/x.png)"
LINK = "[klik](http://evil.example)"
BOLD = "**fed**"
GONE = "[væk](http://evil.example/gone)"  # only in the first round: the trends mapping asks
ROUND1 = "Forår [2025](http://evil.example/r1)"
ROUND2 = "![r](http://evil.example/r2.png)"
PAGES = [
    "views/overview.py",
    "views/heatmap.py",
    "views/items.py",
    "views/correlations.py",
    "views/benchmark.py",
    "views/response.py",
    "views/reliability.py",
    "views/trends.py",
    "views/reports.py",
    "views/plans.py",
    "views/rules.py",
    "views/import_data.py",
    "views/admin.py",
]
# Proto fields whose text Streamlit renders as Markdown. Not: selectbox and multiselect
# options, input values, ids (they show text as it is).
MARKDOWN_FIELDS = {"body", "label", "help", "text", "content", "tooltip", "caption"}
MARKDOWN_OPTIONS = {"Radio"}  # whose ``options`` are Markdown too


def unescaped_markdown(source: str) -> list[str]:
    """The link, image and bold syntax that Streamlit's Markdown would act on in ``source``."""
    found = []
    live = source.replace("\\\\", "")  # an escaped backslash escapes nothing after it
    if re.search(r"(?<!\\)\]\(", live):
        found.append("](")
    if re.search(r"(?<!\\)\*\*fed", live):
        found.append("**")
    # remark-gfm makes links of bare addresses in the text after the escapes are resolved.
    resolved = re.sub(r"\\(.)", r"\1", source)
    if re.search(r"(?i)https?://|www\.|[\w.+-]@[\w-]+\.", resolved):
        found.append("bare address")
    return found


def markdown_sources(message, kind: str = "") -> list[str]:
    """Every string of a proto message (and those inside it) that is rendered as Markdown."""
    found = []
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            for v in values:
                found += markdown_sources(v, type(v).__name__)
        elif field.type == FieldDescriptor.TYPE_STRING and (
            field.name in MARKDOWN_FIELDS or (field.name == "options" and kind in MARKDOWN_OPTIONS)
        ):
            found += [v for v in values if v]
    return found


def offending(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) of every rendered Markdown text with a link, image or bold."""
    bad = []
    seen = set()

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and id(proto) not in seen:
            seen.add(id(proto))
            for source in markdown_sources(proto, type(proto).__name__):
                if unescaped_markdown(source):
                    bad.append((type(proto).__name__, source))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for table in at.table:  # st.table renders its cells and headers as Markdown
        frame = table.value
        cells = [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
        bad += [("table", c) for c in cells if unescaped_markdown(c)]
    return bad


@pytest.fixture
def evil_db(tmp_path, monkeypatch, ins):
    path = tmp_path / "evil.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    first = [(WORKPLACE, LINK, [4] * 21)] * 6 + [(WORKPLACE, GONE, [2] * 21)] * 6
    first += [(WORKPLACE, BOLD, [3] * 21)] * 5
    second = [(WORKPLACE, LINK, [5] * 21)] * 6 + [(WORKPLACE, BOLD, [3] * 21)] * 6
    second += [(WORKPLACE, "Lager", [1] * 21)] * 3  # hidden: its reason names it
    for name, day, rows in ((ROUND1, date(2025, 4, 1), first), (ROUND2, date(2026, 4, 1), second)):
        parsed = read_responses(to_csv(template_rows(rows)), "svar.csv", ins)
        store.replace_responses(parsed.responses, name, day, "svar.csv", "template")
    roster = read_roster(f"a@x.dk;A;{LINK}\nb@x.dk;B;{BOLD}".encode(), "r.txt")
    store.replace_roster(roster.invited, WORKPLACE, ROUND2, None, "r.txt")
    saved = plan_store.save(
        store,
        plans.Plan(
            workplace=WORKPLACE,
            department=LINK,
            round=ROUND1,
            dimension="between",
            items=[7],
            focus_area="[fokus](http://evil.example/f)",
            description="![d](http://evil.example/d.png)",
            responsible="**ansvarlig**",
            start_date=date(2025, 5, 1),
            deadline=date(2025, 8, 1),
        ),
    )
    plan_store.add_note(store, saved.plan_id, date(2025, 6, 1), "[note](http://evil.example/n)")
    return path


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets = {"unrelated": "value"}  # local use: no machine secrets are read
    return at


def test_the_escape_reads_as_typed_and_links_nothing():
    join = "\u2060"  # a bare address is broken by an invisible word joiner
    cases = {
        WORKPLACE: r"\!\[x\]\(http" + join + r"\://evil.example/x.png\)",
        LINK: r"\[klik\]\(http" + join + r"\://evil.example\)",
        BOLD: r"\*\*fed\*\*",
        "1. Lager": r"1\. Lager",
        "- Nat": r"\- Nat",
        "+ Dag": r"\+ Dag",
        "# Top": r"\# Top",
        "<img src=x>": r"\<img src=x\>",
        "www.evil.example": "www" + join + ".evil.example",
        "a@evil.example": r"a\@" + join + "evil.example",
        ":red[x] $y$": r"\:red\[x\] \$y\$",
        "a\\b": r"a\\b",
        "linje\nto": "linje to",
        "Køkken & Rengøring": "Køkken & Rengøring",
        "Pakkeri → Dag + Nat": "Pakkeri → Dag + Nat",
    }
    for name, escaped in cases.items():
        assert text.md_escape(name) == escaped, name


@pytest.mark.slow
def test_no_page_renders_a_name_as_markdown(evil_db):
    at = app().run()
    assert not at.exception
    whole = offending(at)
    at.sidebar.selectbox(key="department_da").select(LINK).run()
    assert not at.exception
    found = {"overview (whole workplace)": whole}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found[page] = offending(at)
    assert {page: bad for page, bad in found.items() if bad} == {}


@pytest.mark.slow
def test_names_in_messages_are_escaped_too(evil_db):
    """A hidden department's reason, the plan's notes and the reports page's text."""
    at = app().run()
    at.sidebar.selectbox(key="department_da").select("Lager").run()
    at.switch_page("views/reports.py").run()
    assert not at.exception
    assert any("Lager" in i.value for i in at.info)
    at.sidebar.selectbox(key="department_da").select(BOLD).run()
    at.switch_page("views/plans.py").run()
    assert not at.exception
    notes = [m.value for m in at.markdown if "note" in m.value]
    assert notes and all("\\[note\\]" in n for n in notes)
    assert offending(at) == []


@pytest.mark.slow
def test_an_import_preview_escapes_the_file_and_its_names(evil_db):
    at = app().run()
    at.switch_page("views/import_data.py").run()
    rows = [(WORKPLACE, LINK, [4] * 21)] * 5
    upload = ("[fil](evil).csv", to_csv(template_rows(rows)), "text/csv")
    at.file_uploader(key="answers_file").set_value(upload).run()
    assert not at.exception
    # The round picked is one with answers from the workplace already: it says so, by name.
    assert any("\\!\\[x\\]" in w.value for w in at.warning)
    assert any(m.value.startswith("#### \\[fil\\]") for m in at.markdown)
    assert offending(at) == []
    new = at.selectbox(key="answers_round").options[-1]  # a new round, by a name
    at.selectbox(key="answers_round").select(new).run()
    at.text_input(key="answers_round_name").input("[ny](http://evil.example/ny)").run()
    at.button(key="answers_confirm").click().run()
    assert not at.exception
    assert offending(at) == []
    assert "\\[ny\\]" in at.success[0].value and "\\!\\[x\\]" in at.success[0].value
