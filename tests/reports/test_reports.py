"""Feedback PDFs: the numbers in them are the summary's, formatted for the language, and no
hidden figure appears anywhere (issue 6)."""

from __future__ import annotations

import io
import re
import sys
import types
import zipfile

import pytest
from pypdf import PdfReader

from socialkapital import access, reports, results, text
from socialkapital.reports import charts, figures, fonts
from socialkapital.reports.pdf import new_pdf
from tests.reports.conftest import ROUND, SITE, TODAY, load, numbers, pdf_text

# Worked out by hand from conftest.small_rows (threshold 5):
# Whole numbers in the report (issue 17): the JSON summary keeps the decimals.
KOKKEN_OVERALL = "73"  # (20 items at 75 + q19 at 25) / 21 = 72.619
KOKKEN_WORKPLACE_FORM = "58"  # each person (25 + 2 s) / 3, with mean s = 75
SITE_TEAM = "70"  # (6·75 + 7·100 + 3·16.67 + 5·55) / 21 = 1475 / 21
# Marked ≈ (uncertain): its SD is 28.4 (sum of squares 16107 / 20), so the 95 % half-width
# is 2.086 · 28.4 / √21 = 12.9 points, wider than 10.
SITE_TEAM_SHOWN = "≈" + SITE_TEAM
# The persons a reliable form mean needs (ICC(2) ≥ .70; statistics.md): fewer, and it is ≈.
NEEDED = {"team": 19, "between": 10, "leader": 11, "workplace": 31}
SITE_OVERALL = "69"  # (19·70.24 + q19 55.95 + q10 58.33) / 21 = 68.99
SITE_Q10 = "58"  # (450 + 100 + 50 + 275) / 15: six in Pakkeri left q10 blank
# Lager (below the threshold) and Vask (protecting it), with and without decimals; 17 is left
# out of the whole numbers (it is question 17's number), the charts' data check it instead.
HIDDEN = {"16,7", "16.7", "55,0", "55.0", "55"}


def group(summary: dict, workplace: str | None, department: str | None) -> dict:
    return next(
        g
        for g in summary["groups"]
        if g["workplace"] == workplace and g["department"] == department
    )


@pytest.fixture
def summary(small, ins):
    return results.to_summary(results.compute(small, ROUND, [SITE]), ins)


def test_department_report_has_the_summary_numbers_in_danish(small, ins, summary):
    pdf = reports.department_report(small, ROUND, SITE, "Køkken", "da", TODAY)
    words = pdf_text(pdf)
    mine, whole = group(summary, SITE, "Køkken"), group(summary, SITE, None)

    def fmt(value):
        return text.score(value, "da", 0)

    # The front: survey, workplace, department, date, responses and response rate.
    assert words.startswith("Social kapital på arbejdspladsen · Feedbackrapport Køkken Mejeri Øst")
    front = f"Mejeri Øst Måling: {ROUND} Målingens dato 31. marts 2026 Rapportdato 4. maj 2026"
    assert front in words
    assert "Besvarelser 6 21 Inviterede 8 27 Svarprocent 75 % 78 %" in words
    # The two numbers, by hand and as the summary has them.
    assert (
        f"Social kapital samlet Køkken {KOKKEN_OVERALL} Hele arbejdspladsen {SITE_OVERALL}" in words
    )
    assert fmt(mine["overall"]) == KOKKEN_OVERALL and fmt(whole["overall"]) == SITE_OVERALL
    # One section per form with both scores and their n.
    # Køkken's 6 persons are fewer than any form needs: every form is marked ≈.
    assert f"Køkken ≈{KOKKEN_WORKPLACE_FORM} (n = 6)" in words
    assert f"Hele arbejdspladsen {SITE_TEAM_SHOWN} (n = 21)" in words
    for dim in ins.dimensions:
        for label, g in (("Køkken", mine), ("Hele arbejdspladsen", whole)):
            f = g["dimensions"][dim.key]
            low, high = f["ci95"]
            marked = "≈" if f["n"] < NEEDED[dim.key] or (high - low) / 2 > 10 else ""
            assert f"{label} {marked}{fmt(f['mean'])} (n = {f['n']})" in words
    # All 21 items, grouped by form, and the total row.
    for dim in ins.dimensions:
        assert dim.names["da"] in words
    for item in ins.items:
        a, b = mine["items"][item.number - 1], whole["items"][item.number - 1]
        assert f"{item.number} {item.texts['da']} {fmt(a['mean'])} {fmt(b['mean'])}" in words
    total = text.t("report.total", "da")
    assert f"{total} {KOKKEN_OVERALL} {SITE_OVERALL}" in words
    # The rules and the threshold.
    assert "Anonymitetsgrænse: 5 besvarelser." in words
    assert "mindst 50 % af formens spørgsmål" in words


def test_english_report_is_english_with_whole_numbers(small, ins, summary):
    pdf = reports.department_report(small, ROUND, SITE, "Køkken", "en", TODAY)
    words = pdf_text(pdf)
    assert "Feedback report Køkken Mejeri Øst" in words
    assert "Report date 4 May 2026" in words
    assert "Overall social capital Køkken 73 Whole workplace 69" in words
    assert "Response rate 75% 78%" in words
    assert "Anonymity threshold: 5 responses." in words
    assert "72,6" not in words and "72.6" not in words
    assert not re.search(r"\d[.,]\d", words.replace("6-12", ""))  # no decimals anywhere
    q1 = ins.items[0]
    assert f"1 {q1.texts['en']} 75 70" in words


def test_a_hidden_item_and_the_overall_it_feeds_show_no_number(small, ins):
    # Only 1 in Pakkeri answered q10: that item is hidden, and so is Pakkeri's overall.
    words = pdf_text(reports.department_report(small, ROUND, SITE, "Pakkeri", "da", TODAY))
    q10 = ins.items[9].texts["da"]
    assert text.t("report.notice_some", "da", threshold=5) in words
    assert f"10 {q10} – {SITE_Q10}" in words
    assert f"Social kapital samlet Pakkeri skjult Hele arbejdspladsen {SITE_OVERALL}" in words
    assert f"{text.t('report.total', 'da')} – {SITE_OVERALL}" in words
    assert "Pakkeri ≈100 (n = 7)" in words  # the forms are shown (7 < the 10-31 needed)


def test_no_report_below_the_threshold(small):
    with pytest.raises(reports.NoReport) as refused:
        reports.department_report(small, ROUND, SITE, "Lager", "da", TODAY)
    assert refused.value.skipped.reason == figures.SKIP_BELOW
    assert "der er kun 3 besvarelser, og der skal mindst 5 til" in str(refused.value)


def test_a_department_hidden_to_protect_a_smaller_one_gets_a_report_without_its_numbers(small):
    # Vask (5) is hidden whole, or Lager (3) could be worked out from the workplace's total.
    words = pdf_text(reports.department_report(small, ROUND, SITE, "Vask", "da", TODAY))
    # Issue 18: the notice says why, naming Lager (3) and Pakkeri (1 answer to q10), whose
    # figures are hidden anyway.
    assert (
        "Afdelingens egne tal vises ikke, fordi tal for Lager og Pakkeri bygger på færre end 5"
        " svar – ellers kunne de regnes ud fra hele arbejdspladsens tal." in words
    )
    assert f"Social kapital samlet Vask skjult Hele arbejdspladsen {SITE_OVERALL}" in words
    assert f"Vask skjult Hele arbejdspladsen {SITE_TEAM_SHOWN} (n = 21)" in words
    assert not HIDDEN & set(numbers(words))


def test_a_scoped_viewer_is_told_why_without_the_other_department_s_name(small):
    # Issue 18: Vask's manager does not see Lager, so the notice names nobody.
    manager = access.viewer("v@x.dk", "department-manager", [(SITE, "Vask")])
    words = pdf_text(reports.department_report(small, ROUND, SITE, "Vask", "da", TODAY, manager))
    assert text.t("report.notice_all", "da") in words
    assert "Lager" not in words


def test_no_report_for_a_workplace_below_the_threshold(make_store, tmp_path):
    store = load(make_store(), [("Lille", "X", [4] * 21)] * 4)
    with pytest.raises(reports.NoReport):
        reports.workplace_report(store, ROUND, "Lille", "da", TODAY)
    made = reports.batch(store, ROUND, "Lille", "da", tmp_path / "lille.zip", TODAY)
    assert made.files == []
    assert [s.department for s in made.skipped] == ["Lille", "X"]


def test_unknown_department_or_workplace(small):
    with pytest.raises(reports.UnknownGroup):
        reports.department_report(small, ROUND, SITE, "Kantine", "da", TODAY)
    with pytest.raises(reports.UnknownGroup):
        reports.workplace_report(small, ROUND, "Mejeri Vest", "da", TODAY)
    with pytest.raises(results.NoData):
        reports.workplace_report(small, "Efterår 1999", SITE, "da", TODAY)


def test_issue6_batch_skips_small_departments_and_hidden_figures_appear_nowhere(
    small, tmp_path, monkeypatch
):
    charted = []
    real_chart = charts.forms_chart
    monkeypatch.setattr(
        charts,
        "forms_chart",
        lambda pdf, bars, *a: charted.append(bars) or real_chart(pdf, bars, *a),
    )
    out = tmp_path / "rapporter.zip"
    made = reports.batch(small, ROUND, SITE, "da", out, TODAY, workers=1)

    assert made.files == ["00 Hele arbejdspladsen.pdf", "Køkken.pdf", "Pakkeri.pdf", "Vask.pdf"]
    assert [(s.department, s.reason) for s in made.skipped] == [("Lager", figures.SKIP_BELOW)]
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted([*made.files, "indhold.txt"])
        manifest = archive.read("indhold.txt").decode()
        texts = {name: pdf_text(archive.read(name)) for name in made.files}
    skipped = "Lager: ingen rapport – der er kun 3 besvarelser, og der skal mindst 5 til, for at"
    assert f"{skipped} ingen kan genkendes." in manifest
    assert "Vask" not in manifest.partition("Afdelinger uden rapport:")[2]

    for name, words in texts.items():
        assert not HIDDEN & set(numbers(words)), name
    # Nor in the charts' bars (their labels are text, checked above): what they were drawn from.
    assert len(charted) == len(made.files)
    for bars in charted:
        for bar in bars:
            assert bar.score not in (pytest.approx(50 / 3), 55.0)
            assert not HIDDEN & set(numbers(bar.label))
    # The workplace report marks both in its department overview.
    overview = texts["00 Hele arbejdspladsen.pdf"]
    assert "Lager 3 75 % skjult: færre end 5 besvarelser" in overview
    assert "Vask 5 83 % skjult for at beskytte Lager og Pakkeri" in overview  # issue 18
    forms = f"≈75 ≈75 ≈75 ≈{KOKKEN_WORKPLACE_FORM}"  # 6 persons: every form is ≈
    assert f"Køkken 6 75 % {KOKKEN_OVERALL} {forms}" in overview


def test_batch_into_a_folder_in_english(small, tmp_path):
    made = reports.batch(small, ROUND, SITE, "en", tmp_path / "out", TODAY, workers=1)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted([*made.files, "contents.txt"])
    assert "00 Whole workplace.pdf" in written
    assert "Lager: no report" in (tmp_path / "out" / "contents.txt").read_text()


def test_pdfs_are_a4_with_page_numbers_and_the_same_every_time(small):
    first = reports.department_report(small, ROUND, SITE, "Køkken", "da", TODAY)
    again = reports.department_report(small, ROUND, SITE, "Køkken", "da", TODAY)
    assert first == again
    reader = PdfReader(io.BytesIO(first))
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
        assert f"Side {number} af {count}" in page.extract_text()
    assert reader.metadata.creation_date.date() == TODAY
    bookmarks = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "Alle 21 spørgsmål" in bookmarks and "Regler og anonymitet" in bookmarks


def test_danish_letters_survive(small, ins):
    words = pdf_text(reports.workplace_report(small, ROUND, SITE, "da", TODAY))
    for piece in ("Mejeri Øst", "Køkken", "Alle 21 spørgsmål", "Sådan læser I tallene", "Måling"):
        assert piece in words
    assert "æ" in words and "ø" in words and "å" in words
    assert ins.dimensions[0].names["da"] in words


def test_workplace_report_with_several_sites_has_the_benchmark(demo_store, ins):
    round_name = demo_store.latest_round()
    site = demo_store.workplaces(round_name)[0]
    words = pdf_text(reports.workplace_report(demo_store, round_name, site, "en", TODAY))
    mine = results.to_summary(results.compute(demo_store, round_name, [site]), ins)
    every = results.to_summary(results.compute(demo_store, round_name), ins)
    sites = [g for g in every["groups"] if g["workplace"] and not g["department"]]
    departments = [g for g in every["groups"] if g["department"]]
    assert len(sites) == 4
    assert f"The survey covers 4 workplaces with {len(departments)} departments." in words

    def whole(x):
        return text.score(x, "en", 0)

    def span(values):
        shown = [v for v in values if v is not None]
        return f"{whole(min(shown))}–{whole(max(shown))}"

    names = {"overall": "Overall social capital", **{d.key: d.short["en"] for d in ins.dimensions}}
    this = group(mine, site, None)
    everyone = group(every, None, None)
    for key, name in names.items():

        def pick(g, key=key):
            return g["overall"] if key == "overall" else g["dimensions"][key]["mean"]

        assert all(pick(g) is not None for g in sites)  # no site hidden in the demo data
        row = (
            f"{name} {whole(pick(this))} {whole(pick(everyone))} "
            f"{span(pick(g) for g in sites)} {span(pick(g) for g in departments)}"
        )
        assert row in words, row
    # The department overview: every department, the hidden ones marked.
    for g in (g for g in departments if g["workplace"] == site):
        if g["suppressed"]:
            assert f"{g['department']} {g['respondents']} " in words
            assert "hidden: fewer than 5 responses" in words
        elif g["overall"] is not None:
            assert f"{text.score(g['overall'], 'en', 0)}" in words


def test_the_all_sites_figures_never_give_a_small_site_away(make_store):
    # Lille (3 people) is below the threshold; Stor has 20 (A all 4, B all 5: 87.5). An
    # all-sites mean that counted Lille, (20·87.5 + 3·0) / 23 = 76.1, next to Stor's own 87.5
    # would give Lille away. The gate may hide Stor too, or the all-sites figure, or leave
    # Lille out of it: whichever, neither Lille's figure nor that mean may appear.
    rows = [("Stor", "A", [4] * 21)] * 10 + [("Stor", "B", [5] * 21)] * 10
    rows += [("Lille", "X", [1] * 21)] * 3
    store = load(make_store(), rows)
    words = pdf_text(reports.workplace_report(store, ROUND, "Stor", "da", TODAY))
    assert "76,1" not in words and "76" not in numbers(words)
    assert "0,0" not in numbers(words)  # Lille's own figure
    pair = re.search(r"samlet Stor (\S+) Alle arbejdspladser i målingen (\S+)", words)
    allowed = {("88", "skjult"), ("88", "88"), ("skjult", "skjult")}
    assert pair and (pair[1], pair[2]) in allowed


def test_names_outside_the_fast_font_get_the_full_font(make_store):
    # Armenian is not in the European subset the reports normally embed; DejaVu has it.
    rows = [("Værksted", "Արտադրություն", [4] * 21)] * 5 + [("Værksted", "Lager", [3] * 21)] * 5
    store = load(make_store(), rows)
    words = pdf_text(
        reports.department_report(store, ROUND, "Værksted", "Արտադրություն", "da", TODAY)
    )
    assert "Արտադրություն Værksted" in words
    overview = pdf_text(reports.workplace_report(store, ROUND, "Værksted", "en", TODAY))
    assert "Արտադրություն 5 – 75 ≈75 ≈75 ≈75 ≈75" in overview  # 5 persons: forms ≈


def test_the_fast_font_is_a_subset_used_for_european_names():
    fast, full = fonts.fast(), fonts.full()
    assert fonts.for_text("Køkken", "Łódź", "Ærø Øst", "≥ – “” »«") == fast
    assert fonts.for_text("Київ") == fonts.for_text("Αθήνα") == full
    for style in ("", "B"):
        assert fast[style].stat().st_size < full[style].stat().st_size / 5


@pytest.mark.slow
def test_worker_processes_make_the_same_files(make_store, tmp_path, monkeypatch):
    # Nine reports: four go to the two workers first, and this process draws some meanwhile.
    rows = [("Fabrik", f"Hal {i}", [1 + (i + p) % 5] * 21) for i in range(8) for p in range(5)]
    store = load(make_store(), rows)
    # Under Streamlit, __main__ is the page script; a spawned worker must not run it again.
    page = tmp_path / "page.py"
    page.write_text("raise RuntimeError('the page script ran again in a worker')\n")
    script = types.ModuleType("__main__")
    script.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", script)
    one, two = io.BytesIO(), io.BytesIO()
    serial = reports.batch(store, ROUND, "Fabrik", "da", one, TODAY, workers=1)
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    spawned = reports.batch(store, ROUND, "Fabrik", "da", two, TODAY, progress, workers=2)
    assert spawned == serial and len(serial.files) == 9
    assert seen == [(done, 9) for done in range(10)]
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(two) as b:
        assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}


def test_the_chart_draws_a_bar_for_each_shown_figure_and_none_for_a_hidden_one():
    bars = [
        charts.Bar("Inden for teamet", "Køkken", 75.0, "75 (n = 6)"),
        charts.Bar("Inden for teamet", "Hele arbejdspladsen", 70.2, "70 (n = 21)"),
        charts.Bar("Mellem teams", "Køkken", None, "skjult"),
        charts.Bar("Mellem teams", "Hele arbejdspladsen", 61.0, "61 (n = 21)"),
    ]
    colours = {"Køkken": (0, 114, 178), "Hele arbejdspladsen": (230, 159, 0)}
    pdf = new_pdf("da", "", TODAY)
    pdf.compress = False
    charts.forms_chart(pdf, bars, colours, "Score (0-100)")
    page = bytes(pdf.output())
    # Filled rectangles: the legend's two swatches and the three shown bars.
    assert len(re.findall(rb" re f\b", page)) == 5
    # Bars start at 0 on one scale: 75 is as much longer than 61 as the numbers say.
    widths = sorted(float(w) for w in re.findall(rb"[\d.]+ [\d.]+ ([\d.]+) -?[\d.]+ re f", page))
    w61, w70, w75 = widths[2:]  # the first two: the legend's swatches
    assert w75 / w61 == pytest.approx(75 / 61, rel=1e-3)
    assert w70 / w61 == pytest.approx(70.2 / 61, rel=1e-3)
    words = pdf_text(page)
    assert "75 (n = 6)" in words and "skjult" in words and "Score (0-100)" in words


def test_a_department_report_has_its_action_plans_as_an_appendix(make_store):
    from datetime import date as day

    from queries import plan_store
    from socialkapital import plans

    rows = [("Stor", "A", [4] * 21)] * 10 + [("Stor", "B", [5] * 21)] * 10
    store = load(make_store(), rows)

    def plan(department, focus, status="in_progress"):
        return plans.Plan(
            workplace="Stor",
            department=department,
            round=ROUND,
            dimension="between",
            focus_area=focus,
            description="Fælles overlevering ved vagtskifte",
            responsible="Holdleder",
            start_date=day(2026, 5, 1),
            deadline=day(2026, 8, 1),
            status=status,
            goal="Når alle bruger den",
        )

    plan_store.save_many(
        store,
        [
            plan("A", "Overlevering i A"),
            plan("B", "Noget i B"),
            plan(None, "Hele huset"),
            plan("A", "Opgivet", "dropped"),
        ],
    )
    words = pdf_text(reports.department_report(store, ROUND, "Stor", "A", "da", TODAY))
    assert "Bilag: handleplaner" in words
    assert "Overlevering i A" in words and "Hele huset" in words
    assert "Noget i B" not in words and "Opgivet" not in words
    assert "Når er vi i mål? Når alle bruger den" not in words  # the label is a question
    assert "Hvornår er vi i mål? Når alle bruger den" in words
    workplace = pdf_text(reports.workplace_report(store, ROUND, "Stor", "en", TODAY))
    assert "Appendix: action plans" in workplace and "Noget i B" in workplace


def test_the_plan_appendix_has_every_field_and_marks_overdue_plans(make_store):
    """Issue 17: all the plan's fields, including how the work goes on, and OVERSKREDET on a
    plan not done by its deadline (as of the report's date)."""
    from datetime import date as day

    from queries import plan_store
    from socialkapital import plans

    store = load(make_store(), [("Stor", "A", [4] * 21)] * 10)

    def plan(focus, deadline, status):
        return plans.Plan(
            workplace="Stor",
            department="A",
            round=ROUND,
            dimension="between",
            items=[7, 10],
            focus_area=focus,
            description="Fælles overlevering mellem skift",
            responsible="Holdleder",
            start_date=day(2026, 3, 1),
            deadline=deadline,
            status=status,
            follow_up="Punkt på tavlemødet hver fredag",
            goal="Når alle bruger tjeklisten",
            continuation="Vi tager spillereglerne op igen til efteråret",
        )

    plan_store.save_many(
        store,
        [
            plan("Bagud", day(2026, 4, 1), "in_progress"),  # TODAY is 4 May 2026
            plan("Færdig", day(2026, 4, 1), "done"),
            plan("I tide", day(2026, 8, 1), "planned"),
        ],
    )
    words = pdf_text(reports.department_report(store, ROUND, "Stor", "A", "da", TODAY))
    appendix = words[words.index("Bilag: handleplaner") :]
    for field in (
        "Mellem teams (spørgsmål 7, 10)",
        "Fælles overlevering mellem skift",
        "Ansvarlig: Holdleder",
        "Tidsplan: 1. marts 2026 – 1. april 2026",
        "Hvordan følger vi op på planen? Punkt på tavlemødet hver fredag",
        "Hvornår er vi i mål? Når alle bruger tjeklisten",
        "Hvordan arbejder vi videre med den sociale kapital? Vi tager spillereglerne op",
    ):
        assert field in appendix, field
    late = appendix[appendix.index("Bagud") : appendix.index("Ansvarlig")]
    assert "OVERSKREDET · I gang" in late
    for fine in ("Færdig", "I tide"):
        block = appendix[appendix.index(fine) :]
        assert "OVERSKREDET" not in block[: block.index("Ansvarlig")], fine


def test_a_batch_takes_each_group_from_one_pass_with_the_same_figures(small):
    # What res.group gives group by group (the single reports' way) is the reference.
    res = results.compute(small, ROUND, [SITE])
    groups = figures.workplace_groups(res, SITE)
    names = figures.department_names(res, SITE)
    assert set(groups) == {None, *names} and "Lager" in names and "Vask" in names
    for department in [None, *names]:
        expected = figures.group_of(res, SITE, department, department or SITE)
        assert groups[department] == expected, department
    assert groups["Lager"].figure("team").hidden and groups["Vask"].figure("team").protects
