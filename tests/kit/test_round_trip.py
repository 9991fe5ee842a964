"""The kit's LimeSurvey and Qualtrics files, answered and exported in each tool's own
layout, import with ``socialkapital import`` and no mapping step, with the right scores.

The exports are written from the kit files themselves (question codes, answer codes,
choice texts, export tags), as the tools lay out their responses CSV:
- LimeSurvey: "Export responses" as CSV, headings "Question code", answers "Answer codes".
- Qualtrics: "Export data" as CSV with "Use choice text": three header rows (export tag,
  question text, ImportId), a matrix row as "question - statement".
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from socialkapital.cli import app
from socialkapital.importers import read_responses

runner = CliRunner()
WORKPLACE, ROUND = "Mejeri Øst", "Forår 2026"

# Answer codes per person: one code per form (team, between, leader, workplace), and
# exceptions by item number ("VI" don't know, "" blank).
KITCHEN = [
    ((5, 4, 3, 5), {}),
    ((4, 4, 4, 2), {}),
    ((3, 5, 1, 3), {}),
    ((2, 3, 2, 4), {1: "VI", 2: "VI", 7: "VI", 8: "VI", 9: "VI", 19: "VI", 20: "VI"}),
    ((1, 2, 5, 4), {1: ""}),
    ((3, 3, 3, 3), {}),
]
PACKING = [((4, 4, 4, 4), {})] * 5
FORMS = ["team"] * 6 + ["between"] * 6 + ["leader"] * 6 + ["workplace"] * 3
# By hand (score = (code - 1) * 25; a person's form needs half its items answered):
#   Køkken team:      (100 + 75 + 50 + 25 + 0 + 50) / 6      = 50
#   Køkken between:   (75 + 75 + 100 + 50 + 25 + 50) / 6    = 62.5   (person 4: 3 of 6)
#   Køkken leader:    (50 + 75 + 0 + 25 + 100 + 50) / 6      = 50
#   Køkken workplace: (100 + 25 + 50 + 75 + 50) / 5          = 60     (person 4: 1 of 3)
#   Pakkeri: 75 everywhere; the dairy's team: (6 * 50 + 5 * 75) / 11
EXPECTED = {
    "Køkken": {
        "team": (50.0, 6),
        "between": (62.5, 6),
        "leader": (50.0, 6),
        "workplace": (60.0, 5),
    },
    # Pakkeri scores 75 everywhere, but is hidden: Køkken's question 1 has 4 answers, and
    # Pakkeri (5) is the only department that can protect it (4 + 5 = 9 persons), so it is
    # hidden for every form and question (issue 18: forms and questions are gated together;
    # before, the forms were gated apart and Pakkeri's showed).
    "Pakkeri": {k: (None, 5) for k in ("team", "between", "leader", "workplace")},
}


def codes_of(person) -> list[str]:
    codes, exceptions = person
    forms = {"team": 0, "between": 1, "leader": 2, "workplace": 3}
    return [exceptions.get(n, str(codes[forms[form]])) for n, form in enumerate(FORMS, start=1)]


def people():
    return [("Køkken", p) for p in KITCHEN] + [("Pakkeri", p) for p in PACKING]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def store_with_roster(tmp_path, monkeypatch):
    """A store whose round has the dairy's two departments (from its roster)."""
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(tmp_path / "kit.duckdb"))
    roster = tmp_path / "liste.txt"
    lines = [f"k{i}@x.dk;K{i};Køkken" for i in range(8)] + [
        f"p{i}@x.dk;P{i};Pakkeri" for i in range(6)
    ]
    roster.write_text("\n".join(lines), encoding="utf-8")
    result = run("roster", roster, "--workplace", WORKPLACE, "--round", ROUND, "--create")
    assert result.exit_code == 0, result.output
    return tmp_path


def kit_file(folder, fmt: str, lang: str = "da") -> bytes:
    out = folder / f"kit.{fmt}"
    result = run(
        "kit",
        "--workplace",
        WORKPLACE,
        "--round",
        ROUND,
        "--lang",
        lang,
        "--format",
        fmt,
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def import_and_summarise(path) -> dict:
    result = run("import", path, "--workplace", WORKPLACE, "--round", ROUND, "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(run("summary", "--json", "--round", ROUND).output)
    return {g["department"]: g for g in data["groups"] if g["workplace"] == WORKPLACE}


def check(groups: dict) -> None:
    for department, forms in EXPECTED.items():
        found = groups[department]["dimensions"]
        for form, (mean, n) in forms.items():
            assert found[form]["n"] == n, (department, form)
            expected = None if mean is None else pytest.approx(mean)
            assert found[form]["mean"] == expected, (department, form)
    assert groups[None]["respondents"] == 11
    assert groups[None]["dimensions"]["team"]["mean"] == pytest.approx((6 * 50 + 5 * 75) / 11)
    # Item 1: four of Køkken's six answered it (blank and don't know are missing), fewer
    # than the anonymity threshold: hidden. Item 3, all six: (100+75+50+25+0+50) / 6.
    assert groups["Køkken"]["items"][0] == {"item": 1, "mean": None, "n": 4}
    assert groups["Køkken"]["items"][2] == {"item": 3, "mean": 50.0, "n": 6}


def _table(root, name):
    fields = [f.text for f in root.find(name).find("fields")]
    return [{f: (r.findtext(f) or "") for f in fields} for r in root.find(name).find("rows")]


def limesurvey_export(lss: bytes) -> bytes:
    """Responses CSV as LimeSurvey writes it: question codes as headings, answer codes as
    values, every cell quoted; its system columns first. The equation question holds the
    department's name (its ``{AFD.shown}``)."""
    root = ET.fromstring(lss)
    questions = _table(root, "questions")
    answers = _table(root, "answers")
    labels = {a["aid"]: a["answer"] for a in _table(root, "answer_l10ns")}
    titles = [
        q["title"]
        for q in sorted(questions, key=lambda q: (int(q["gid"]), int(q["question_order"])))
    ]
    department_list = next(q for q in questions if q["title"] == "AFD")
    code_of = {labels[a["aid"]]: a["code"] for a in answers if a["qid"] == department_list["qid"]}
    items = [t for t in titles if t.startswith("SK")]
    allowed = {a["code"] for a in answers if a["qid"] == questions[-1]["qid"]}
    system = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(system + titles)
    for number, (department, person) in enumerate(people(), start=1):
        values = codes_of(person)
        assert set(values) - {""} <= allowed  # only the kit's own answer codes
        by_title = {
            "AFD": code_of[department],
            "afdeling": department,
            **dict(zip(items, values, strict=True)),
        }
        stamp = "2026-03-02 10:00:00"
        writer.writerow(
            [str(number), stamp, "6", "da", str(1000 + number), stamp, stamp]
            + [by_title[t] for t in titles]
        )
    return out.getvalue().encode("utf-8")


def qualtrics_export(qsf: bytes) -> bytes:
    """Data export CSV with choice text, as Qualtrics writes it (three header rows)."""
    document = json.loads(qsf)
    questions = [e["Payload"] for e in document["SurveyElements"] if e["Element"] == "SQ"]
    department = next(q for q in questions if q["DataExportTag"] == "afdeling")
    matrices = [q for q in questions if q["QuestionType"] == "Matrix"]
    system = [
        ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Copenhagen"}'),
        ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Copenhagen"}'),
        ("Status", "Response Type", '{"ImportId":"status"}'),
        ("Progress", "Progress", '{"ImportId":"progress"}'),
        ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
        ("Finished", "Finished", '{"ImportId":"finished"}'),
        (
            "RecordedDate",
            "Recorded Date",
            '{"ImportId":"recordedDate","timeZone":"Europe/Copenhagen"}',
        ),
        ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
        ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
        ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ]
    head = [list(c) for c in zip(*system, strict=True)]
    head[0].append(department["DataExportTag"])
    head[1].append(department["QuestionText"])
    head[2].append(json.dumps({"ImportId": department["QuestionID"]}))
    for matrix in matrices:
        for key in matrix["ChoiceOrder"]:
            head[0].append(matrix["ChoiceDataExportTags"][key])
            head[1].append(f"{matrix['QuestionText']} - {matrix['Choices'][key]['Display']}")
            head[2].append(json.dumps({"ImportId": f"{matrix['QuestionID']}_{key}"}))
    scale = matrices[0]
    label_of = {
        scale["RecodeValues"][k]: scale["Answers"][k]["Display"] for k in scale["AnswerOrder"]
    }
    label_of["VI"] = label_of.pop("9")
    label_of[""] = ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(head)
    for number, (name, person) in enumerate(people(), start=1):
        stamp = "2026-03-02 10:00:00"
        writer.writerow(
            [
                stamp,
                stamp,
                "IP Address",
                "100",
                "300",
                "True",
                stamp,
                f"R_kit{number:04d}",
                "anonymous",
                "DA",
                name,
            ]
            + [label_of[v] for v in codes_of(person)]
        )
    return out.getvalue().encode("utf-8-sig")


def test_limesurvey_export_of_the_kit_imports_without_mapping(store_with_roster):
    lss = kit_file(store_with_roster, "lss")
    export = store_with_roster / "results-survey100001.csv"
    export.write_bytes(limesurvey_export(lss))
    check(import_and_summarise(export))


def test_qualtrics_export_of_the_kit_imports_without_mapping(store_with_roster):
    qsf = kit_file(store_with_roster, "qsf")
    export = store_with_roster / "Social kapital_2026.csv"
    export.write_bytes(qualtrics_export(qsf))
    check(import_and_summarise(export))


def test_the_kit_codes_are_recognised_by_the_importer_alone(ins):
    """No mapping: SK01 … SK21 are the items in order, "VI" is missing (LimeSurvey)."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "afdeling"]
    header += [f"SK{n:02d}" for n in range(1, 22)]
    row = ["1", "2026-03-02", "6", "da", "1", "Køkken", "VI"] + ["4"] * 20
    data = "\n".join(",".join(r) for r in (header, row)).encode()
    parsed = read_responses(data, "results.csv", ins, workplace=WORKPLACE)
    first = parsed.responses.row(0, named=True)
    assert first["department"] == "Køkken" and first["q1"] is None and first["q21"] == 4


def google_forms_export(script: bytes) -> bytes:
    """The responses CSV Google Forms writes for the script's form: a timestamp, the
    department (its title as header), a ``Title [row]`` column per grid row, labels as values."""
    lines = script.decode("utf-8").splitlines()
    literal = lambda line, call: json.loads(line.split(call, 1)[1].rsplit(")", 1)[0])  # noqa: E731
    grids = [i for i, line in enumerate(lines) if ".addGridItem()" in line]
    asked = next(i for i, line in enumerate(lines) if ".addMultipleChoiceItem()" in line)
    header = ["Tidsstempel", literal(lines[asked + 1], ".setTitle(")]
    for i in grids:
        title, rows = literal(lines[i + 1], ".setTitle("), literal(lines[i + 2], ".setRows(")
        header += [f"{title} [{row}]" for row in rows]
    columns = json.loads(next(x for x in lines if "var columns" in x).split("= ", 1)[1][:-1])
    label_of = {str(code): label for code, label in enumerate(columns[:5], start=1)}
    label_of.update(VI=columns[5], **{"": ""})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for number, (name, person) in enumerate(people(), start=1):
        stamp = f"02/03/2026 10.{number:02d}.00"
        writer.writerow([stamp, name] + [label_of[v] for v in codes_of(person)])
    return out.getvalue().encode("utf-8")


def test_google_forms_export_of_the_kit_imports_without_mapping(store_with_roster):
    script = kit_file(store_with_roster, "gforms")
    export = store_with_roster / "Social kapital (svar).csv"
    export.write_bytes(google_forms_export(script))
    check(import_and_summarise(export))
