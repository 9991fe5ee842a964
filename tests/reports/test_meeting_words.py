"""Issue 17, "Words for the meeting table": the report speaks plainly, shows whole numbers, the
signs of a high level per form, and tips ordered by the group's own weakest questions."""

from __future__ import annotations

import re

import pytest

from queries.store import Store
from socialkapital import demo, instrument, reports, text
from socialkapital.advice import TIPS_OTHER_FORMS
from socialkapital.importers import read_responses
from socialkapital.settings import Settings
from tests.reports.conftest import ROUND, TODAY, load, pdf_text

NAMES = {d.key: d.names["da"] for d in instrument.load().dimensions}
# Statistics words that belong on the rules page only (the method), not at the meeting table.
JARGON = {
    "da": ["Welch", "Holm", "Benjamini", "Cronbach", "ICC", "rwg", "Pearson", "holder:",
           "der holder", "inden for tilfældighed", "Læsning", "tilfældighed kan forklare",
           "korrektion", "p-værdi", "signifikan", "konfidens", " per ", "Måling: Måling",
           "Måling Måling", "nearest"],
    "en": ["Welch", "Holm", "Benjamini", "Cronbach", "ICC", "rwg", "Pearson", "holds up",
           "within chance", "Reading", "correction", "p-value", "significan", "confidence interval",
           "nearest manager"],
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_rounds(tmp_path_factory) -> tuple[Store, str]:
    """Both of the demo's rounds (so the reports have a trend), and the later one's name."""
    store = Store(tmp_path_factory.mktemp("demo2") / "demo.duckdb", settings=Settings())
    made = demo.generate(respondents=400)
    for r in made:
        parsed = read_responses(r.responses.write_csv().encode(), "d.csv", store.instrument)
        store.replace_responses(parsed.responses, r.name, r.date, "d.csv", "demo")
    return store, max(made, key=lambda r: r.date).name


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_report_has_no_statistics_jargon_and_whole_numbers(demo_rounds, lang):
    """A department and a workplace report of the demo (two rounds: the trend is there)."""
    demo_store, round_name = demo_rounds
    site = demo_store.workplaces(round_name)[0]
    department = demo_store.departments(round_name, site)[0]
    made = [
        reports.workplace_report(demo_store, round_name, site, lang, TODAY),
        reports.department_report(demo_store, round_name, site, department, lang, TODAY),
    ]
    for pdf in made:
        words = pdf_text(pdf)
        assert text.t("report.trend_reading", lang) in words  # the trend table is there
        for word in JARGON[lang]:
            assert word not in words, word
        # Whole numbers: no decimal anywhere (the only range, "6-12" months, has no decimal),
        # but in the correlations, which are written with two (0,62), as everywhere.
        words = _without_correlations(words, lang)
        assert not re.search(r"\d[.,]\d", words), re.search(r".{40}\d[.,]\d.{20}", words)
        overall = text.t("report.overall", lang)
        assert re.search(rf"{overall} \S.* (≈?\d+|{text.t('report.hidden', lang)}) ", words)


def _without_correlations(words: str, lang: str) -> str:
    """The report's text without its correlations section (heading to the end of its note)."""
    heading = text.t("report.correlation", lang)
    if heading not in words:
        return words
    start = words.index(heading)
    end_of_note = text.t("report.correlation_note", lang, n=0, min_n=0).split()[-1]
    return words[:start] + words[words.index(end_of_note, start) + len(end_of_note) :]


def _tailored_store(make_store):
    """A (6 persons): 4 everywhere but q6 = 1 and q10 = 2, so its lowest form is the team
    (62.5) with question 6 weakest, and question 10 is its weakest between teams. B: 5s."""
    a = [4] * 21
    a[5], a[9] = 1, 2
    rows = [("W", "A", a)] * 6 + [("W", "B", [5] * 21)] * 6
    return load(make_store(), rows)


def _section(words: str, start: str, end: str) -> str:
    return words[words.index(start) : words.index(end, words.index(start))]


def test_signs_and_tips_fitted_to_the_department(make_store):
    store = _tailored_store(make_store)
    words = pdf_text(reports.department_report(store, ROUND, "W", "A", "da", TODAY))
    guide = text.guidance()["dimensions"]
    signs = text.t("report.signs", "da")
    # Every form shows its signs of a high level.
    for key in ("team", "between", "leader", "workplace"):
        for sign in guide[key]["signs_da"]:
            assert sign in words, sign
    assert words.count(signs) == 4
    team = _section(words, NAMES["team"], NAMES["between"])
    # The team is A's lowest form: every tip, the one on sharing ideas (question 6) first.
    assert text.t("report.fit_lowest", "da") in team
    tips = guide["team"]["strengthen_da"]
    assert all(tip in team for tip in tips)
    assert team.index(tips[4]) < min(team.index(tip) for tip in tips[:4])
    assert "(nr. 6 og " in team
    assert "I ligger 19 point under hele arbejdspladsen." in team  # 62.5 against 81.25
    # Between teams is not the lowest: three tips, those on question 10 (information) first.
    between = _section(words, NAMES["between"], NAMES["leader"])
    tips = guide["between"]["strengthen_da"]
    shown = [tip for tip in tips if tip in between]
    assert len(shown) == TIPS_OTHER_FORMS
    assert shown == [tips[0], tips[2], tips[3]]  # each works on question 10
    assert text.t("report.fit_lowest", "da") not in between
    # B's report orders the same form differently: all its answers are top marks, and it is
    # furthest above the workplace on question 6, so the tip on sharing ideas comes last.
    other = pdf_text(reports.department_report(store, ROUND, "W", "B", "da", TODAY))
    team_b = _section(other, NAMES["team"], NAMES["between"])
    tips = guide["team"]["strengthen_da"]
    assert team_b.index(tips[4]) > max(team_b.index(tip) for tip in tips[:4])
    assert "I ligger 19 point over hele arbejdspladsen." in team_b


def test_tips_in_english_follow_the_same_pattern(make_store):
    store = _tailored_store(make_store)
    words = pdf_text(reports.department_report(store, ROUND, "W", "A", "en", TODAY))
    guide = text.guidance()["dimensions"]["team"]
    assert text.t("report.signs", "en") in words
    tips = guide["strengthen_en"]
    assert words.index(tips[4]) < words.index(tips[0])
    assert "You are 19 points below the whole workplace." in words


def test_the_report_says_why_and_guides_the_workshop_and_change(make_store):
    words = pdf_text(
        reports.department_report(_tailored_store(make_store), ROUND, "W", "A", "da", TODAY)
    )
    assert text.t("report.why", "da") in words
    for area in ("Trivsel:", "Kerneopgaven:", "Forandringer:"):
        assert area in words
    for side in ("Det, I gør:", "Hvordan relationerne føles:", "Det, I tænker om dem:"):
        assert side in words
    assert "for at vi kan løse vores kerneopgave bedre" in words  # the workshop's question
    assert text.t("report.change", "da") in words and "Pas på broerne" in words


# -- the workplace report's 4×4 table of the forms (issue 17) -----------------------------------


def _correlation_rows(persons: int, seed: int = 7) -> list[tuple[str, str, list]]:
    """``persons`` people in two departments with answers that differ person by person; every
    fifth person leaves four of the six team questions blank (no team score: fewer than half)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = []
    for p in range(persons):
        base = rng.integers(1, 6)  # a person's general view, so the forms go together
        answers = [int(min(5, max(1, base + rng.integers(-2, 3)))) for _ in range(21)]
        if p % 5 == 0:
            answers[:4] = [None] * 4
        rows.append(("W", "A" if p % 2 else "B", answers))
    return rows


def _reference_correlations(rows) -> dict[tuple[str, str], float]:
    """Pearson's r of the persons' form scores, by a separate simple computation (numpy)."""
    import numpy as np

    forms = {
        "team": range(0, 6),
        "between": range(6, 12),
        "leader": range(12, 18),
        "workplace": range(18, 21),
    }
    scores = {}
    for key, items in forms.items():
        column = []
        for _, _, answers in rows:
            given = [(answers[i] - 1) * 25 for i in items if answers[i] is not None]
            column.append(np.mean(given) if 2 * len(given) >= len(items) else np.nan)
        scores[key] = np.array(column)
    found = {}
    for a in forms:
        for b in forms:
            both = ~np.isnan(scores[a]) & ~np.isnan(scores[b])
            found[(a, b)] = float(np.corrcoef(scores[a][both], scores[b][both])[0, 1])
    return found


def test_the_workplace_report_has_the_correlation_table(make_store):
    """The lower triangle of the 4×4 table, each r as a separate computation gets it, with
    two decimals; no causal wording."""
    rows = _correlation_rows(40)
    store = load(make_store(), rows)
    words = pdf_text(reports.workplace_report(store, ROUND, "W", "da", TODAY))
    heading = text.t("report.correlation", "da")
    assert heading in words
    section = words[words.index(heading) :]
    expected = _reference_correlations(rows)
    short = {d.key: d.short["da"] for d in instrument.load().dimensions}
    order = list(short)
    for i, a in enumerate(order):
        # the row: the form's name, r with each earlier form, then 1,00 with itself
        lower = [text.number(round(expected[(a, b)], 2), "da", 2) for b in order[:i]]
        row = " ".join([short[a], *lower, "1,00"])
        assert row in section, row
    # The upper triangle stays empty: each row ends with 1,00, so a value of the upper
    # triangle would stand between it and the next row's name.
    assert f"1,00 {short['between']} " in section
    # 32 persons have a team score (every fifth has none): the fewest behind a shown r.
    assert "mindst 32 personer" in section
    assert "ikke at den ene er årsag til den anden" in section
    strongest = max((r, a, b) for (a, b), r in expected.items() if a != b)
    assert text.number(round(strongest[0], 2), "da", 2) in section
    # A department report has no such table.
    assert heading not in pdf_text(reports.department_report(store, ROUND, "W", "A", "da", TODAY))


def test_no_correlation_below_the_minimum_of_persons(make_store):
    """29 persons (all with every score): fewer than min_correlation_n (30), so no r at all."""
    rows = [(w, d, [5 if a is None else a for a in a_]) for w, d, a_ in _correlation_rows(29)]
    store = load(make_store(), rows)
    words = pdf_text(reports.workplace_report(store, ROUND, "W", "da", TODAY))
    assert text.t("report.correlation", "da") not in words
    assert not re.search(r"\b0,\d\d\b", words)
    # One person more, and it is there.
    rows = [(w, d, [5 if a is None else a for a in a_]) for w, d, a_ in _correlation_rows(30)]
    store = load(make_store(name="thirty.duckdb"), rows)
    words = pdf_text(reports.workplace_report(store, ROUND, "W", "en", TODAY))
    assert text.t("report.correlation", "en") in words
