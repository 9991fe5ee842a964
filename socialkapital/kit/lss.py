"""The kit as a LimeSurvey survey structure file (.lss): XML, one table per database table.

Laid out like LimeSurvey 6's own export (``DBVersion`` 640: texts in the ``*_l10ns``
tables). Each statement is a single-choice list question ``SK01`` … ``SK21`` with the
answer codes 1-5 and ``VI`` (don't know); each part is a question group with its
introduction. The department is a list question (codes ``D01`` …) with a hidden equation
question ``afdeling`` that stores the chosen department's *name*, so the responses export
with question codes and answer codes carries the name, and the import needs no mapping.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from socialkapital.kit import Kit

DB_VERSION = 640
SID = 100001  # LimeSurvey gives the survey a new id on import when this one is taken

_SURVEY = [
    "sid",
    "owner_id",
    "admin",
    "active",
    "anonymized",
    "format",
    "language",
    "additional_languages",
    "datestamp",
    "usecookie",
    "allowregister",
    "allowsave",
    "autonumber_start",
    "autoredirect",
    "allowprev",
    "printanswers",
    "ipaddr",
    "refurl",
    "showsurveypolicynotice",
    "publicstatistics",
    "publicgraphs",
    "listpublic",
    "htmlemail",
    "sendconfirmation",
    "tokenanswerspersistence",
    "assessments",
    "usecaptcha",
    "usetokens",
    "showxquestions",
    "showgroupinfo",
    "shownoanswer",
    "showqnumcode",
    "showwelcome",
    "showprogress",
    "questionindex",
    "navigationdelay",
    "nokeyboard",
    "alloweditaftercompletion",
]
_LANGUAGE = [
    "surveyls_survey_id",
    "surveyls_language",
    "surveyls_title",
    "surveyls_description",
    "surveyls_welcometext",
    "surveyls_endtext",
    "surveyls_email_invite_subj",
    "surveyls_email_invite",
    "surveyls_dateformat",
    "surveyls_numberformat",
]
_GROUPS = ["gid", "sid", "group_order", "randomization_group", "grelevance"]
_GROUP_L10NS = ["id", "gid", "group_name", "description", "language"]
_QUESTIONS = [
    "qid",
    "parent_qid",
    "sid",
    "gid",
    "type",
    "title",
    "preg",
    "other",
    "mandatory",
    "encrypted",
    "question_order",
    "scale_id",
    "same_default",
    "relevance",
    "question_theme_name",
    "modulename",
    "same_script",
]
_QUESTION_L10NS = ["id", "qid", "question", "help", "script", "language"]
_ANSWERS = ["aid", "qid", "code", "sortorder", "assessment_value", "scale_id"]
_ANSWER_L10NS = ["id", "aid", "answer", "language"]
_ATTRIBUTES = ["qid", "attribute", "value", "language"]

# LimeSurvey's question types: L list (radio), S short free text, * equation.
_LIST, _TEXT, _EQUATION = "L", "S", "*"
_THEMES = {_LIST: "listradio", _TEXT: "shortfreetext", _EQUATION: "equation"}
DEPARTMENT_LIST = "AFD"  # the department chosen, as its answer code


def _html(value: str) -> str:
    """Plain text as LimeSurvey's HTML texts: paragraphs and line breaks kept."""
    paragraphs = [escape(p).replace("\n", "<br />") for p in value.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _table(name: str, fields: list[str], rows: list[dict]) -> list[str]:
    out = [f" <{name}>", "  <fields>"]
    out += [f"   <fieldname>{f}</fieldname>" for f in fields]
    out += ["  </fields>", "  <rows>"]
    for row in rows:
        cells = "".join(
            f"<{f}>{escape(str(row[f]))}</{f}>" if row.get(f) not in (None, "") else f"<{f}/>"
            for f in fields
        )
        out.append(f"   <row>{cells}</row>")
    out += ["  </rows>", f" </{name}>"]
    return out


def build(kit: Kit) -> bytes:
    """The .lss file of the kit (UTF-8 XML)."""
    lang = kit.lang
    groups, group_l10ns, questions, question_l10ns = [], [], [], []
    answers, answer_l10ns, attributes = [], [], []
    ids = {"qid": 0, "aid": 0}

    def question(gid: int, kind: str, title: str, text: str, order: int, help_: str = ""):
        ids["qid"] += 1
        qid = ids["qid"]
        questions.append(
            {
                "qid": qid,
                "parent_qid": 0,
                "sid": SID,
                "gid": gid,
                "type": kind,
                "title": title,
                "other": "N",
                "mandatory": "N",
                "encrypted": "N",
                "question_order": order,
                "scale_id": 0,
                "same_default": 0,
                "relevance": "1",
                "question_theme_name": _THEMES[kind],
                "same_script": 0,
            }
        )
        question_l10ns.append(
            {"id": qid, "qid": qid, "question": text, "help": help_, "language": lang}
        )
        return qid

    def answer(qid: int, code: str, label: str, order: int) -> None:
        ids["aid"] += 1
        aid = ids["aid"]
        answers.append(
            {
                "aid": aid,
                "qid": qid,
                "code": code,
                "sortorder": order,
                "assessment_value": 0,
                "scale_id": 0,
            }
        )
        answer_l10ns.append({"id": aid, "aid": aid, "answer": label, "language": lang})

    def group(gid: int, name: str, description: str) -> None:
        groups.append({"gid": gid, "sid": SID, "group_order": gid, "grelevance": "1"})
        group_l10ns.append(
            {
                "id": gid,
                "gid": gid,
                "group_name": name,
                "description": description,
                "language": lang,
            }
        )

    # Group 1: the department.
    group(1, kit.t("col_department"), "")
    if kit.departments:
        qid = question(1, _LIST, DEPARTMENT_LIST, kit.department_question, 1)
        for order, name in enumerate(kit.departments, start=1):
            answer(qid, f"D{order:02d}", name, order)
        equation = question(1, _EQUATION, kit.department_code, kit.department_question, 2)
        # The equation stores the answer's text: the export then has the department's name.
        attributes.append(
            {"qid": equation, "attribute": "equation", "value": f"{{{DEPARTMENT_LIST}.shown}}"}
        )
        attributes.append({"qid": equation, "attribute": "hidden", "value": "1"})
        attributes.append({"qid": qid, "attribute": "hide_tip", "value": "1"})
    else:
        question(1, _TEXT, kit.department_code, kit.department_question, 1, kit.department_free)
    # One group per part: its introduction, then its statements.
    for part in kit.parts:
        gid = part.number + 1
        group(gid, kit.t("part", number=part.number, name=part.name), _html(part.intro))
        for order, statement in enumerate(part.statements, start=1):
            qid = question(gid, _LIST, statement.code, escape(statement.text), order)
            for sort, (code, label) in enumerate(kit.answers, start=1):
                answer(qid, code, label, sort)
            attributes.append({"qid": qid, "attribute": "display_columns", "value": "1"})

    survey = {
        "sid": SID,
        "owner_id": 1,
        "admin": "",
        "active": "N",
        "anonymized": "Y",
        "format": "G",
        "language": lang,
        "datestamp": "N",
        "usecookie": "N",
        "allowregister": "N",
        "allowsave": "Y",
        "autonumber_start": 0,
        "autoredirect": "N",
        "allowprev": "Y",
        "printanswers": "N",
        "ipaddr": "N",
        "refurl": "N",
        "showsurveypolicynotice": 0,
        "publicstatistics": "N",
        "publicgraphs": "N",
        "listpublic": "N",
        "htmlemail": "Y",
        "sendconfirmation": "N",
        "tokenanswerspersistence": "N",
        "assessments": "N",
        "usecaptcha": "N",
        "usetokens": "N",
        "showxquestions": "N",
        "showgroupinfo": "B",
        "shownoanswer": "N",
        "showqnumcode": "X",
        "showwelcome": "Y",
        "showprogress": "Y",
        "questionindex": 0,
        "navigationdelay": 0,
        "nokeyboard": "N",
        "alloweditaftercompletion": "N",
    }
    body, _, closing = kit.invitation.rpartition("\n\n")  # the link before the thanks
    invitation = f"{body}\n\n{{SURVEYURL}}\n\n{closing}"
    language = {
        "surveyls_survey_id": SID,
        "surveyls_language": lang,
        "surveyls_title": f"{kit.title}: {kit.workplace}, {kit.round}",
        "surveyls_description": _html(kit.subtitle),
        "surveyls_welcometext": _html(kit.welcome),
        "surveyls_endtext": _html(kit.thanks),
        "surveyls_email_invite_subj": kit.invitation_subject,
        "surveyls_email_invite": _html(invitation),
        "surveyls_dateformat": 2 if lang == "da" else 5,
        "surveyls_numberformat": 1 if lang == "da" else 0,
    }
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<document>",
        " <LimeSurveyDocType>Survey</LimeSurveyDocType>",
        f" <DBVersion>{DB_VERSION}</DBVersion>",
        f" <languages>\n  <language>{lang}</language>\n </languages>",
    ]
    lines += _table("answers", _ANSWERS, answers)
    lines += _table("answer_l10ns", _ANSWER_L10NS, answer_l10ns)
    lines += _table("groups", _GROUPS, groups)
    lines += _table("group_l10ns", _GROUP_L10NS, group_l10ns)
    lines += _table("questions", _QUESTIONS, questions)
    lines += _table("question_l10ns", _QUESTION_L10NS, question_l10ns)
    lines += _table("question_attributes", _ATTRIBUTES, attributes)
    lines += _table("surveys", _SURVEY, [survey])
    lines += _table("surveys_languagesettings", _LANGUAGE, [language])
    lines.append("</document>")
    return ("\n".join(lines) + "\n").encode("utf-8")
