"""The survey kit's files: each format parses as its tool expects and holds the 21
statements in the instrument's order, the scale with "don't know" and the departments."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from socialkapital import instrument, kit

DEPARTMENTS = ["Køkken", "Pakkeri & Lager", "Vask <nat>"]


def made(ins, fmt: str, lang: str = "da", departments=DEPARTMENTS) -> bytes:
    return kit.make(kit.content(ins, "Mejeri Øst", "Forår 2026", lang, departments, 5), fmt)


def rows(root: ET.Element, table: str) -> list[dict[str, str]]:
    """A table of a LimeSurvey XML document as dicts (empty cells as '')."""
    fields = [f.text for f in root.find(table).find("fields")]
    return [{f: (row.findtext(f) or "") for f in fields} for row in root.find(table).find("rows")]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_lss_is_a_limesurvey_survey_document(ins, lang):
    root = ET.fromstring(made(ins, "lss", lang))
    assert root.tag == "document"
    assert root.findtext("LimeSurveyDocType") == "Survey"
    assert int(root.findtext("DBVersion")) >= 400  # the layout with *_l10ns tables
    assert [e.text for e in root.find("languages")] == [lang]
    groups = rows(root, "groups")
    names = [g["group_name"] for g in rows(root, "group_l10ns")]
    assert len(groups) == 5 and names[1].endswith(ins.dimensions[0].short[lang])
    questions = rows(root, "questions")
    texts = {q["qid"]: q["question"] for q in rows(root, "question_l10ns")}
    items = [q for q in questions if re.fullmatch(r"SK\d\d", q["title"])]
    assert [q["title"] for q in items] == [f"SK{n:02d}" for n in range(1, 22)]
    assert [texts[q["qid"]] for q in items] == [i.texts[lang] for i in ins.items]
    assert {q["type"] for q in items} == {"L"}
    # Each part's statements are in that part's group, the groups in the instrument's order.
    by_group = [int(q["gid"]) for q in items]
    assert by_group == [2] * 6 + [3] * 6 + [4] * 6 + [5] * 3
    answers = rows(root, "answers")
    labels = {a["aid"]: a["answer"] for a in rows(root, "answer_l10ns")}
    first = [(a["code"], labels[a["aid"]]) for a in answers if a["qid"] == items[0]["qid"]]
    scale = [(str(p.code), p.labels[lang]) for p in ins.scale]
    assert first == [*scale, ("VI", {"da": "Ved ikke", "en": "Don't know"}[lang])]
    assert all(len(a["code"]) <= 5 for a in answers)  # LimeSurvey's limit on answer codes
    # The department: a list of the round's departments and an equation keeping its name.
    department = next(q for q in questions if q["title"] == "AFD")
    listed = [labels[a["aid"]] for a in answers if a["qid"] == department["qid"]]
    assert listed == DEPARTMENTS
    equation = next(q for q in questions if q["type"] == "*")
    assert equation["title"] == kit.DEPARTMENT_CODE[lang]
    attributes = rows(root, "question_attributes")
    assert {"qid": equation["qid"], "attribute": "equation", "value": "{AFD.shown}"} in [
        {k: a[k] for k in ("qid", "attribute", "value")} for a in attributes
    ]
    settings = rows(root, "surveys_languagesettings")[0]
    assert "{SURVEYURL}" in settings["surveyls_email_invite"]
    assert rows(root, "surveys")[0]["anonymized"] == "Y"


def test_lss_without_departments_asks_for_the_name(ins):
    root = ET.fromstring(made(ins, "lss", departments=[]))
    questions = rows(root, "questions")
    assert not any(q["title"] == "AFD" for q in questions)
    typed = next(q for q in questions if q["title"] == "afdeling")
    assert typed["type"] == "S"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_qsf_is_a_qualtrics_survey_file(ins, lang):
    document = json.loads(made(ins, "qsf", lang))
    assert set(document) == {"SurveyEntry", "SurveyElements"}
    assert document["SurveyEntry"]["SurveyLanguage"] == lang.upper()
    elements = document["SurveyElements"]
    kinds = [e["Element"] for e in elements]
    assert {"BL", "FL", "SO", "QC"} <= set(kinds)
    questions = [e["Payload"] for e in elements if e["Element"] == "SQ"]
    count = next(e for e in elements if e["Element"] == "QC")["SecondaryAttribute"]
    assert int(count) == len(questions)
    matrices = [q for q in questions if q["QuestionType"] == "Matrix"]
    statements = [q["Choices"][k]["Display"] for q in matrices for k in q["ChoiceOrder"]]
    assert len(statements) == 21
    assert statements == [i.texts[lang] for i in ins.items]
    tags = [q["ChoiceDataExportTags"][k] for q in matrices for k in q["ChoiceOrder"]]
    assert tags == [f"SK{n:02d}" for n in range(1, 22)]
    scale = [q["Answers"][k]["Display"] for k in matrices[0]["AnswerOrder"] for q in [matrices[0]]]
    assert scale == [p.labels[lang] for p in ins.scale] + [
        kit.content(ins, "W", "R", lang, [], 5).dont_know[1]
    ]
    department = next(q for q in questions if q["DataExportTag"] == kit.DEPARTMENT_CODE[lang])
    assert [department["Choices"][k]["Display"] for k in department["ChoiceOrder"]] == [
        "Køkken",
        "Pakkeri &amp; Lager",
        "Vask &lt;nat&gt;",
    ]
    # Every question is in a block, and every block is in the flow.
    blocks = next(e for e in elements if e["Element"] == "BL")["Payload"]
    in_blocks = [b["QuestionID"] for block in blocks for b in block["BlockElements"]]
    assert sorted(in_blocks) == sorted(q["QuestionID"] for q in questions)
    flow = next(e for e in elements if e["Element"] == "FL")["Payload"]["Flow"]
    assert [f["ID"] for f in flow] == [b["ID"] for b in blocks]


def test_gs_builds_the_form_with_formapp(ins):
    script = made(ins, "gforms").decode("utf-8")
    assert "FormApp.create(" in script
    positions = [script.index(json.dumps(i.texts["da"], ensure_ascii=False)) for i in ins.items]
    assert positions == sorted(positions)  # in the instrument's order
    assert script.count(".addGridItem()") == 4
    assert json.dumps(DEPARTMENTS, ensure_ascii=False) in script
    assert '"Ved ikke"' in script and '"I meget høj grad"' in script
    assert "addTextItem" in made(ins, "gforms", departments=[]).decode()


def test_xlsx_has_the_statements_scale_and_departments(ins):
    book = load_workbook(io.BytesIO(made(ins, "xlsx", "en")))
    assert book.sheetnames == ["Statements", "Answer scale", "Departments", "Texts"]
    statements = list(book["Statements"].iter_rows(min_row=2, values_only=True))
    assert len(statements) == 21
    assert [r[3] for r in statements] == [i.texts["en"] for i in ins.items]
    assert [r[1] for r in statements] == [f"SK{n:02d}" for n in range(1, 22)]
    scale = list(book["Answer scale"].iter_rows(min_row=2, values_only=True))
    assert scale[0] == ("To a very small extent", 1) and scale[-1][0] == "Don't know"
    departments = [r[0] for r in book["Departments"].iter_rows(min_row=2, values_only=True)]
    assert departments == DEPARTMENTS


@pytest.mark.parametrize("lang", ["da", "en"])
def test_pdf_shows_every_statement(ins, lang):
    reader = PdfReader(io.BytesIO(made(ins, "pdf", lang)))
    words = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    # Each statement whole (lines joined), numbered, in the instrument's order.
    found = [words.index(f"{i.number}. {' '.join(i.texts[lang].split())}") for i in ins.items]
    assert found == sorted(found)
    assert "Pakkeri & Lager" in words
    assert ins.scale[0].labels[lang].split()[-1] in words


def test_the_texts_are_our_own_and_the_same_file_each_time(ins):
    content = kit.content(ins, "Mejeri Øst", "Forår 2026", "da", DEPARTMENTS, 5)
    assert "Mejeri Øst" in content.invitation and "5" in content.invitation
    assert [p.intro for p in content.parts] == [
        kit.text.t(f"kit.intro_{d.key}", "da") for d in ins.dimensions
    ]
    for fmt in kit.FORMATS:
        assert kit.make(content, fmt) == kit.make(content, fmt), fmt


def test_the_kit_strings_have_the_same_keys_and_placeholders_in_both_languages():
    import string

    da, en = (
        {k: v for k, v in kit.text.strings(lang).items() if k.startswith("kit.")}
        for lang in ("da", "en")
    )
    assert set(da) == set(en) and da
    fields = lambda v: {f for _, f, _, _ in string.Formatter().parse(v) if f}  # noqa: E731
    assert {k: fields(v) for k, v in da.items()} == {k: fields(v) for k, v in en.items()}
    # "Don't know" is an answer the import reads as missing, in both languages.
    missing = {m.casefold() for m in instrument.load().missing_labels}
    assert {da["kit.dont_know"].casefold(), en["kit.dont_know"].casefold()} <= missing
