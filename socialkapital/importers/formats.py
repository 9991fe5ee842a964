"""Recognise a survey tool's export and read it into a ``Source``.

Each reader knows its tool's layout: how many header rows, where the question text is,
which column says a response is unfinished, how answers are coded. What cannot be known
from the file (which column is the department, what code 6 means) is left to the mapping.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from socialkapital.importers import archive
from socialkapital.importers.errors import ImportFailed, Problem
from socialkapital.importers.sniff import RawTable, decode
from socialkapital.importers.source import Column, Source, build, unique_keys
from socialkapital.instrument import normalise_text

NAMES = {
    "qualtrics": "Qualtrics",
    "google_forms": "Google Forms",
    "ms_forms": "Microsoft Forms",
    "limesurvey": "LimeSurvey",
    "surveyxact": "SurveyXact",
    "surveymonkey": "SurveyMonkey",
    "template": "skabelon / template",
    "generic": "CSV/Excel",
}
_NUMERIC = re.compile(r"^-?\d+(\.0)?$")
_LIME_CODE = re.compile(r"^A\d+$")
_LIME_HEADER = re.compile(r"^[A-Za-z_]\w*\[[^\]]+\]")


def _head(table: RawTable, row: int = 0) -> list[str]:
    return [normalise_text(c) for c in table.records[row]] if len(table.records) > row else []


def _first(table: RawTable, names: tuple[str, ...]) -> str | None:
    """The first header (as written) whose normalised form is one of ``names``."""
    head = _head(table)
    for name in names:
        if name in head:
            return table.records[0][head.index(name)]
    return None


def _mostly(values: list[str], pattern: re.Pattern) -> bool:
    filled = [v.strip() for v in values if v.strip()]
    return bool(filled) and sum(1 for v in filled if pattern.match(v)) >= 0.9 * len(filled)


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ImportFailed(problems)


# -- Qualtrics --------------------------------------------------------------------------


# Qualtrics' Status (Response Type): previews, test and spam answers are not answers. As
# codes: 1 preview, 2 test, 8 spam, 9 preview spam, 12 imported spam, 17 offline preview.
_QUALTRICS_TEST = r"(?i)preview|test|spam|forhåndsvisning|vorschau|^(1|2|8|9|12|17)$"


def is_qualtrics(table: RawTable) -> bool:
    head = _head(table)
    third = _head(table, 2)
    modern = any(c.startswith(('{"importid"', "{'importid'")) for c in third)
    legacy = head[:2] == ["v1", "v2"] and "responseid" in _head(table, 1)
    return modern or legacy or ("responseid" in head and "finished" in head)


def read_qualtrics(table: RawTable) -> Source:
    third = _head(table, 2)
    if _head(table)[:2] == ["v1", "v2"]:  # legacy (before 2017): real names in row 2
        source, problems = build(table, "qualtrics", 2, texts=table.records[1])
    else:
        rows = 3 if any(c.startswith(('{"importid"', "{'importid'")) for c in third) else 2
        source, problems = build(table, "qualtrics", rows, texts=table.records[1])
    _raise_problems(problems)
    by_text = {normalise_text(c.text): c.key for c in source.columns}
    by_key = {normalise_text(c.key): c.key for c in source.columns}
    finished = by_key.get("finished") or by_text.get("finished")
    if finished:
        done = {"true", "1", "sand", "wahr", "ja", "yes", "vrai", "sant"}  # UI languages
        source.unfinished = [v.strip().casefold() not in done for v in source.values(finished)]
    status = by_key.get("status") or by_text.get("response type")
    if status:
        marked = source.series(status).str.strip_chars().str.contains(_QUALTRICS_TEST)
        tests = marked.fill_null(False).to_list()
        if all(tests):  # a file of test answers only is kept whole: someone is trying us out
            source.notes.append(("note.only_test_responses", {"count": len(tests)}))
        elif dropped := source.drop(tests):
            source.notes.append(("note.test_responses", {"count": dropped}))
    for name in ("recipientemail", "recipient email", "emailaddress"):
        key = by_key.get(name) or by_text.get(name)
        if key and any(v.strip() for v in source.values(key)):
            source.hints["respondent"] = key
            break
    else:
        key = by_key.get("responseid") or by_text.get("response id")
        if key:
            source.hints["respondent"] = key
    # Numeric-values exports carry recode values, not labels: their meaning must be given.
    answer_columns = [
        c.key for c in source.columns if " - " in c.text or re.match(r"q\d", c.key.casefold())
    ]
    source.codes_need_labels = any(_mostly(source.values(k), _NUMERIC) for k in answer_columns)
    return source


# -- Google Forms, Microsoft Forms -------------------------------------------------------


def is_google_forms(table: RawTable) -> bool:
    head = _head(table)
    grid = sum(1 for c in table.records[0] if re.search(r"\S \[.+\]$", c.strip()))
    return bool(head) and (head[0] in ("timestamp", "tidsstempel") or grid >= 3)


def _one_header_row(table: RawTable, tool: str, email_names: tuple[str, ...]) -> Source:
    """A form tool's export: one header row; the e-mail column, if any, names the person."""
    source, problems = build(table, tool, 1)
    _raise_problems(problems)
    email = _first(table, email_names)
    if email:
        source.hints["respondent"] = _key_of(source, email)
    return source


def read_google_forms(table: RawTable) -> Source:
    return _one_header_row(
        table, "google_forms", ("email address", "e-mailadresse", "e-mail-adresse", "email")
    )


_MS_START = ("start time", "starttidspunkt", "starttid", "開始時刻")
_MS_END = ("completion time", "sluttidspunkt", "afslutningstidspunkt", "完了時刻")


def is_ms_forms(table: RawTable) -> bool:
    head = _head(table)
    return (
        len(head) > 3
        and head[0] == "id"
        and (any(n in head[1:4] for n in _MS_START) or any(n in head[1:4] for n in _MS_END))
    )


def read_ms_forms(table: RawTable) -> Source:
    return _one_header_row(table, "ms_forms", ("email", "e-mail", "mail", "メール"))


# -- LimeSurvey --------------------------------------------------------------------------


# The survey kit's own questions (``socialkapital kit``): SK01 … SK21, answered with the
# scale's codes 1-5 or "VI" for "Ved ikke" (a LimeSurvey answer code cannot hold a space).
_KIT_ITEM = re.compile(r"^SK\d{2}$")
KIT_DONT_KNOW = "VI"


def kit_item_code(number: int) -> str:
    """The kit's question code of item ``number``: SK01 … SK21."""
    return f"SK{number:02d}"


# Its system columns as codes, and as headings (the "full headings" export).
_LIME_SYSTEM = {"id", "submitdate", "lastpage", "startlanguage", "seed"}
_LIME_SYSTEM_HEADINGS = {"response id", "date submitted", "last page", "start language"}


def is_limesurvey(table: RawTable) -> bool:
    head = _head(table)
    coded = sum(1 for c in table.records[0] if _LIME_HEADER.match(c.strip()))
    system = (_LIME_SYSTEM | _LIME_SYSTEM_HEADINGS) & set(head)
    return len(system) >= 3 or coded >= 3


def read_limesurvey(table: RawTable) -> Source:
    # Headings may be "CODE[SQ001]" or "CODE[SQ001]. question text [row text]".
    texts = [
        h.split(". ", 1)[1] if _LIME_HEADER.match(h) and ". " in h else h for h in table.records[0]
    ]
    source, problems = build(table, "limesurvey", 1, texts=texts)
    _raise_problems(problems)
    by_key = {normalise_text(c.key): c.key for c in source.columns}
    submitted = by_key.get("submitdate") or by_key.get("date submitted")
    if submitted:
        source.unfinished = [not v.strip() for v in source.values(submitted)]
    for name in ("token", "id", "response id"):
        if name in by_key and any(v.strip() for v in source.values(by_key[name])):
            source.hints["respondent"] = by_key[name]
            break
    for column in source.columns:  # the kit's "don't know" is a missing answer
        if _KIT_ITEM.match(column.header.strip()):
            source.labels[column.key] = {KIT_DONT_KNOW: "Ved ikke"}
    coded = [c.key for c in source.columns if _LIME_HEADER.match(c.header)]
    source.codes_need_labels = any(_mostly(source.values(k), _LIME_CODE) for k in coded)
    return source


# -- SurveyMonkey ------------------------------------------------------------------------


def is_surveymonkey(table: RawTable) -> bool:
    head, second = _head(table), _head(table, 1)
    marked = sum(1 for c in second if c in ("response", "open-ended response"))
    return bool(head) and head[0] in ("respondentid", "respondent id") and marked >= 1


def read_surveymonkey(table: RawTable) -> Source:
    """Two header rows: the question, blank over its later columns, then the option."""
    question, combined = "", []
    for top, sub in zip(
        table.records[0], table.records[1] + [""] * len(table.records[0]), strict=False
    ):
        question = top.strip() or question
        detail = sub.strip()
        plain = not detail or detail.casefold() in ("response", "open-ended response")
        combined.append(
            question
            if plain or (not top.strip() and not question)
            else (question if plain else f"{question} - {detail}")
        )
    source, problems = build(table, "surveymonkey", 2, texts=combined)
    _raise_problems(problems)
    # Blank first-row headers take the carried-over question and option as their name.
    names = unique_keys(
        [c.header if c.header.strip() else combined[i] for i, c in enumerate(source.columns)]
    )
    source.data = source.data.rename(dict(zip(source.data.columns, names, strict=True)))
    source.columns = [
        Column(name, c.header, c.text) for name, c in zip(names, source.columns, strict=True)
    ]
    return source


# -- SurveyXact --------------------------------------------------------------------------


def is_surveyxact(table: RawTable) -> bool:
    head = _head(table)
    return any(h.startswith(("statoverall_", "stato_")) for h in head) or (
        "respondentid" in head and not is_surveymonkey(table)
    )


def read_surveyxact(
    dataset: RawTable, labels: RawTable | None, structure: RawTable | None
) -> Source:
    """The dataset file, decoded by labels (variable; code; label) and structure (texts)."""
    texts = list(dataset.records[0])
    if structure is not None:
        head = _head(structure)
        if "variablename" in head and "questiontext" in head:
            v, q = head.index("variablename"), head.index("questiontext")
            by_var = {r[v]: r[q] for r in structure.records[1:] if len(r) > max(v, q)}
            texts = [by_var.get(h, h) for h in dataset.records[0]]
    source, problems = build(dataset, "surveyxact", 1, texts=texts)
    _raise_problems(problems)
    if labels is not None:
        for record in labels.records:
            if len(record) >= 3 and record[0] != "variable":
                source.labels.setdefault(record[0], {})[record[1].strip()] = record[2]
    else:
        source.codes_need_labels = True
        source.notes.append(("note.surveyxact_no_labels", {}))
    by_key = {normalise_text(c.key): c.key for c in source.columns}
    partial = by_key.get("statoverall_3") or by_key.get("stato_3")
    if partial:
        source.unfinished = [v.strip() == "1" for v in source.values(partial)]
    for name in ("email", "respondentid"):
        if name in by_key:
            source.hints["respondent"] = by_key[name]
            break
    return source


def _companion(extras: dict[str, bytes], stem: str) -> RawTable | None:
    for name, data in extras.items():
        if name.rsplit("/", 1)[-1].casefold().startswith(stem):
            text, _ = decode(data, name)
            delimiter = "\t" if text.count("\t") > text.count(";") else ";"
            records = [
                r
                for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                if any(c.strip() for c in r)
            ]
            return RawTable(name, records, list(range(1, len(records) + 1)), "csv")
    return None


def _describes(labels: RawTable, dataset: RawTable) -> bool:
    """True when most variables of a labels file are columns of the dataset."""
    variables = {r[0] for r in labels.records[1:] if r}
    return bool(variables) and len(variables & set(dataset.records[0])) * 2 >= len(variables)


def _sheet(tables: list[RawTable], name: str) -> RawTable | None:
    return next((t for t in tables if (t.sheet or "").casefold() == name), None)


# -- the entry point ---------------------------------------------------------------------

READERS: list[tuple[str, Callable[[RawTable], bool], Callable[[RawTable], Source]]] = [
    ("qualtrics", is_qualtrics, read_qualtrics),
    ("limesurvey", is_limesurvey, read_limesurvey),
    ("surveymonkey", is_surveymonkey, read_surveymonkey),
    ("ms_forms", is_ms_forms, read_ms_forms),
    ("google_forms", is_google_forms, read_google_forms),
]


def tool_of(table: RawTable) -> str | None:
    """The survey tool whose export this table is, if its layout says so."""
    if is_surveyxact(table):
        return "surveyxact"
    return next((name for name, detect, _ in READERS if detect(table)), None)


def read_source(tables: list[RawTable], extras: dict[str, bytes] | None = None) -> Source:
    """Recognise the export among the file's tables (sheets) and read it."""
    extras = extras or {}
    sheets = {(t.sheet or "").casefold() for t in tables}
    if {"dataset", "labels"} <= sheets:
        return read_surveyxact(
            _sheet(tables, "dataset"), _sheet(tables, "labels"), _sheet(tables, "structure")
        )
    table = _pick(tables)
    labels = _companion(extras, "labels")
    # A dataset exported without its status variables is still SurveyXact's when the
    # labels file beside it describes its columns.
    if is_surveyxact(table) or (labels is not None and _describes(labels, table)):
        return read_surveyxact(table, labels, _companion(extras, "structure"))
    for _name, detect, reader in READERS:
        if detect(table):
            return reader(table)
    source, problems = build(table, "generic", 1)
    _raise_problems(problems)
    status = _first(table, ("status",))
    if status:
        values = source.values(_key_of(source, status))
        if any(v.strip().casefold() == "partial" for v in values):
            source.unfinished = [v.strip().casefold() == "partial" for v in values]
    if len(tables) > 1:
        source.notes.append(
            (
                "note.other_sheets",
                {"sheet": table.sheet, "sheets": ", ".join(t.sheet for t in tables)},
            )
        )
    return source


def _pick(tables: list[RawTable]) -> RawTable:
    """The sheet with the most rows (a workbook's first sheet may be a cover or labels)."""
    return max(tables, key=lambda t: len(t.records))


def _key_of(source: Source, header: str) -> str:
    return next(c.key for c in source.columns if c.header == header)


def group_exports(files: dict[str, bytes]) -> list[dict[str, bytes]]:
    """Split uploaded files into exports: a SurveyXact labels/structure file goes with the
    dataset file of its folder; every other file is an export of its own. ZIPs are opened."""
    expanded: dict[str, bytes] = {}
    for name, data in files.items():
        if name.casefold().endswith(".zip"):
            expanded.update(archive.unzip(name, data))
        else:
            expanded[name] = data
    exports: list[dict[str, bytes]] = []
    companions: dict[str, dict[str, bytes]] = {}
    for name, data in expanded.items():
        folder, _, base = name.rpartition("/")
        if base.casefold().startswith(("labels", "structure")):
            companions.setdefault(folder, {})[name] = data
        else:
            exports.append({name: data})
    for export in exports:
        (name,) = export
        if name.rpartition("/")[2].casefold().startswith("dataset"):
            export.update(companions.pop(name.rpartition("/")[0], {}))
    # A labels or structure file without its dataset is read on its own (and refused as
    # such), never dropped: a list with no export in it would import nothing, silently.
    exports += [{name: data} for files in companions.values() for name, data in files.items()]
    return exports
