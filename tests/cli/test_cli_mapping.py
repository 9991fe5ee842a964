"""The CLI with survey-tool exports: --mapping files and the `mapping` draft command."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from socialkapital.cli import app
from tests.importers.helpers import FIXTURES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_surveyxact_dataset_brings_its_labels_and_structure(tmp_path):
    db = tmp_path / "s.duckdb"
    folder = tmp_path / "eksport"
    shutil.copytree(FIXTURES / "surveyxact", folder)
    result = run("import", folder / "dataset.csv", "--round", "R", "--db", db, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "SurveyXact, 40 responses" in result.output
    data = json.loads(run("summary", "--json", "--db", db).output)
    assert data["groups"][0]["respondents"] == 40
    # The questions' wordings come from structure.csv and are kept for trends.
    from queries.store import Store

    workplace = data["groups"][0]["workplace"] or data["groups"][1]["workplace"]
    wordings = Store(db).frame("item_wordings", workplace=workplace)
    assert wordings.height == 21 and wordings["wording"].null_count() == 0


def test_limesurvey_needs_a_mapping_file(tmp_path):
    db = tmp_path / "l.duckdb"
    export = FIXTURES / "limesurvey" / "results-survey123456.csv"
    refused = run("import", export, "--round", "R", "--db", db, "--lang", "en")
    assert refused.exit_code == 2
    assert "none of the 21 questions were found" in refused.output
    mapped = run(
        "import",
        export,
        "--round",
        "R",
        "--db",
        db,
        "--lang",
        "en",
        "--mapping",
        FIXTURES / "limesurvey" / "mapping.toml",
    )
    assert mapped.exit_code == 0, mapped.output
    assert "1 response was not finished" in mapped.output


def test_mapping_draft_leaves_unknown_answers_for_a_person(tmp_path):
    draft = tmp_path / "q.toml"
    export = FIXTURES / "qualtrics" / "responses_numeric.csv"
    result = run("mapping", export, "--out", draft, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "21 of 21 questions found (Qualtrics)" in result.output
    text = draft.read_text(encoding="utf-8")
    assert '# "6" = ?' in text
    db = tmp_path / "q.duckdb"
    # Used as it is, the draft is refused: the codes' meaning was never given.
    assert run("import", export, "--round", "R", "--db", db, "--mapping", draft).exit_code == 2
    filled = text.replace('# "6" = ?', '"6" = "missing" #')
    for code in "12345":
        filled = filled.replace(f'# "{code}" = ?', f'"{code}" = {code} #')
    draft.write_text(filled, encoding="utf-8")
    done = run("import", export, "--round", "R", "--db", db, "--mapping", draft)
    assert done.exit_code == 0, done.output


def test_a_mapping_completed_by_hand_is_never_overwritten(tmp_path):
    export = FIXTURES / "limesurvey" / "results-survey123456.csv"
    target = tmp_path / "mapping.toml"
    target.write_text("# my work\n", encoding="utf-8")
    refused = run("mapping", export, "--out", target, "--lang", "en")
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert target.read_text(encoding="utf-8") == "# my work\n"
    assert run("mapping", export, "--out", target, "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# socialkapital column mapping")


def test_a_draft_to_standard_output_is_toml_and_names_the_missing_roles():
    import tomllib

    export = FIXTURES / "limesurvey" / "results-survey123456.csv"
    result = CliRunner().invoke(app, ["mapping", str(export), "--out", "-"])
    assert result.exit_code == 0
    draft = result.stdout
    parsed = tomllib.loads(draft)  # nothing but the mapping on standard output
    assert len(parsed["columns"]["items"]) == 21
    columns = draft.split("[columns]\n", 1)[1].split("[values]", 1)[0]
    assert '# department = ""' in columns and '# workplace = ""' in columns
    assert "Udkast" in result.stderr


def test_a_bad_date_is_refused_before_any_file_is_read(tmp_path):
    result = run("import", tmp_path / "nowhere.csv", "--round", "R", "--date", "31-03-2026")
    assert result.exit_code == 2
    assert "2026-03-31" in result.output and "nowhere.csv" not in result.output
