"""The kit as a Qualtrics survey file (.qsf): JSON with ``SurveyEntry`` and ``SurveyElements``.

Laid out like the .qsf files Qualtrics exports: a blocks element (BL), the survey flow (FL),
survey options (SO), a question count (QC) and one SQ element per question. The welcome is a
text block; each part is a block with its introduction and a Likert matrix whose rows are the
statements (export tags SK01 … SK21) and whose columns are the scale and "don't know". The
department is a single-choice question tagged ``afdeling``. A CSV export with choice text
then names the statements and the answers in words, and imports without a mapping step.
"""

from __future__ import annotations

import json
from html import escape

from socialkapital.kit import Kit

SURVEY_ID = "SV_socialkapitalKit"


def _html(value: str) -> str:
    return "<br><br>".join(
        escape(p, quote=False).replace("\n", "<br>") for p in value.split("\n\n")
    )


def _element(element: str, primary: str, secondary: str | None, payload) -> dict:
    return {
        "SurveyID": SURVEY_ID,
        "Element": element,
        "PrimaryAttribute": primary,
        "SecondaryAttribute": secondary,
        "TertiaryAttribute": None,
        "Payload": payload,
    }


def _validation() -> dict:
    return {"Settings": {"ForceResponse": "OFF", "ForceResponseType": "ON", "Type": "None"}}


def _numbered(texts: list[str]) -> tuple[dict, list[str]]:
    """Qualtrics' choices: {"1": {"Display": ...}, ...} and their order."""
    keys = [str(i) for i in range(1, len(texts) + 1)]
    return {k: {"Display": escape(t, quote=False)} for k, t in zip(keys, texts, strict=True)}, keys


def build(kit: Kit) -> bytes:
    """The .qsf file of the kit (UTF-8 JSON)."""
    questions: list[dict] = []
    blocks: list[dict] = []

    def add(payload: dict) -> str:
        qid = f"QID{len(questions) + 1}"
        payload = {
            "QuestionID": qid,
            "Configuration": {"QuestionDescriptionOption": "UseText"},
            "Validation": _validation(),
            "Language": [],
            "DataVisibility": {"Private": False, "Hidden": False},
            **payload,
        }
        questions.append(_element("SQ", qid, payload["QuestionDescription"][:99], payload))
        return qid

    def descriptive(tag: str, html_text: str, plain: str) -> str:
        return add(
            {
                "QuestionText": html_text,
                "QuestionDescription": plain,
                "DataExportTag": tag,
                "QuestionType": "DB",
                "Selector": "TB",
                "ChoiceOrder": [],
            }
        )

    intro = descriptive("intro", _html(f"{kit.subtitle}\n\n{kit.welcome}"), kit.welcome)
    if kit.departments:
        choices, order = _numbered(list(kit.departments))
        department = add(
            {
                "QuestionText": escape(kit.department_question, quote=False),
                "QuestionDescription": kit.department_question,
                "DataExportTag": kit.department_code,
                "QuestionType": "MC",
                "Selector": "SAVR",
                "SubSelector": "TX",
                "Choices": choices,
                "ChoiceOrder": order,
                "NextChoiceId": len(order) + 1,
                "NextAnswerId": 1,
            }
        )
    else:
        department = add(
            {
                "QuestionText": escape(kit.department_question, quote=False),
                "QuestionDescription": kit.department_question,
                "DataExportTag": kit.department_code,
                "QuestionType": "TE",
                "Selector": "SL",
                "ChoiceOrder": [],
                "Configuration": {"QuestionDescriptionOption": "UseText", "InputWidth": 400},
            }
        )
    blocks.append(("Standard", kit.t("col_department"), [intro, department]))
    answers, answer_order = _numbered([label for _, label in kit.answers])
    for part in kit.parts:
        heading = kit.t("part", number=part.number, name=part.name)
        text_id = descriptive(f"del{part.number}", _html(f"{heading}\n\n{part.intro}"), heading)
        rows, row_order = _numbered([s.text for s in part.statements])
        matrix = add(
            {
                "QuestionText": escape(kit.scale_question, quote=False),
                "QuestionDescription": kit.scale_question,
                "DataExportTag": f"SK_del{part.number}",
                "QuestionType": "Matrix",
                "Selector": "Likert",
                "SubSelector": "SingleAnswer",
                "Configuration": {
                    "QuestionDescriptionOption": "UseText",
                    "TextPosition": "inline",
                    "ChoiceColumnWidth": 40,
                    "RepeatHeaders": "none",
                    "WhiteSpace": "OFF",
                    "MobileFirst": True,
                },
                "Choices": rows,
                "ChoiceOrder": row_order,
                # The rows' own export tags: the CSV's columns are SK01 … SK21.
                "ChoiceDataExportTags": {
                    k: s.code for k, s in zip(row_order, part.statements, strict=True)
                },
                "Answers": answers,
                "AnswerOrder": answer_order,
                # Recode values: the scale's codes, and 9 for "don't know" (missing on import).
                "RecodeValues": {
                    k: code if code.isdigit() else "9"
                    for k, (code, _) in zip(answer_order, kit.answers, strict=True)
                },
                "NextChoiceId": len(row_order) + 1,
                "NextAnswerId": len(answer_order) + 1,
            }
        )
        blocks.append(("Standard", heading, [text_id, matrix]))

    block_payload = [
        {
            "Type": "Default" if i == 0 else kind,
            "SubType": "",
            "Description": name,
            "ID": f"BL_kit{i + 1}",
            "BlockElements": [{"Type": "Question", "QuestionID": q} for q in ids],
        }
        for i, (kind, name, ids) in enumerate(blocks)
    ]
    flow = {
        "Flow": [
            {
                "ID": f"BL_kit{i + 1}",
                "Type": "Block" if i == 0 else "Standard",
                "FlowID": f"FL_{i + 2}",
            }
            for i in range(len(blocks))
        ],
        "Properties": {"Count": len(blocks) + 1},
        "FlowID": "FL_1",
        "Type": "Root",
    }
    options = {
        "BackButton": "true",
        "SaveAndContinue": "true",
        "SurveyProtection": "PublicSurvey",
        "BallotBoxStuffingPrevention": "false",
        "NoIndex": "Yes",
        "SurveyExpiration": "None",
        "SurveyTermination": "DefaultMessage",
        "EOSMessage": "",
        "Header": "",
        "Footer": "",
        "ProgressBarDisplay": "Text",
        "PartialData": "+1 week",
        "ValidationMessage": "",
        "SurveyLanguage": kit.lang.upper(),
        "AnonymizeResponse": "Yes",  # no IP address or location in the responses
    }
    entry = {
        "SurveyID": SURVEY_ID,
        "SurveyName": f"{kit.title}: {kit.workplace}, {kit.round}",
        "SurveyDescription": kit.invitation,
        "SurveyOwnerID": "",
        "SurveyBrandID": "",
        "DivisionID": None,
        "SurveyLanguage": kit.lang.upper(),
        "SurveyActiveResponseSet": "RS_kit",
        "SurveyStatus": "Inactive",
        "SurveyStartDate": "0000-00-00 00:00:00",
        "SurveyExpirationDate": "0000-00-00 00:00:00",
        "SurveyCreationDate": "0000-00-00 00:00:00",
        "CreatorID": "",
        "LastModified": "0000-00-00 00:00:00",
        "LastAccessed": "0000-00-00 00:00:00",
        "LastActivated": "0000-00-00 00:00:00",
        "Deleted": None,
    }
    elements = [
        _element("BL", "Survey Blocks", None, block_payload),
        _element("FL", "Survey Flow", None, flow),
        _element("SO", "Survey Options", None, options),
        _element("QC", "Survey Question Count", str(len(questions)), None),
        _element("RS", "RS_kit", "Default Response Set", None),
        *questions,
    ]
    document = {"SurveyEntry": entry, "SurveyElements": elements}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
