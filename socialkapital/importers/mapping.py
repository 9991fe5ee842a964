"""Which columns of an export are the workplace, department, respondent and the 21 items,
and what each raw answer means: found automatically where the file says so exactly, and
otherwise given by the user (in the dashboard's mapping step or a TOML file for the CLI).

Automatic matching is deliberately strict: a column is an item only when its question
text *is* the item's statement (ignoring case, punctuation and a question-title prefix).
Anything looser is only offered as a suggestion for the user to confirm.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field

import polars as pl

from socialkapital.importers import formats
from socialkapital.importers.canonical import Parsed, to_canonical
from socialkapital.importers.errors import MAX_PLACES, ImportFailed, Problem
from socialkapital.importers.source import Column, Source
from socialkapital.instrument import Instrument, normalise_text, plain_text

MISSING = "missing"
ROLE_NAMES = {
    "workplace": {
        "workplace",
        "arbejdsplads",
        "arbejdssted",
        "virksomhed",
        "site",
        "company",
        "organisation",
        "organization",
        "institution",
    },
    "department": {
        "department",
        "afdeling",
        "team",
        "gruppe",
        "enhed",
        "unit",
        "group",
        "arbejdsgruppe",
        "section",
        "afsnit",
    },
}
_MIN_SUFFIX = 25  # shortest statement that may match at the end of a longer header


@dataclass
class Mapping:
    """Column roles and answer meanings for one export layout."""

    department: str | None = None
    workplace: str | None = None
    workplace_name: str | None = None
    respondent: str | None = None
    items: list[str | None] = field(default_factory=list)
    values: dict[str, int | None] = field(default_factory=dict)  # raw answer -> code/missing
    # A department question exported as codes ("1", "AO01"): code -> the department's name.
    department_names: dict[str, str] = field(default_factory=dict)

    def to_toml(self) -> str:
        """The mapping as the TOML file the CLI reads (``--mapping``)."""
        q = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - TOML basic strings
        lines = ["# socialkapital column mapping", "[columns]"]
        if self.workplace:
            lines.append(f"workplace = {q(self.workplace)}")
        if self.workplace_name:
            lines.append(f"workplace_name = {q(self.workplace_name)}")
        if self.department:
            lines.append(f"department = {q(self.department)}")
        if self.respondent:
            lines.append(f"respondent = {q(self.respondent)}")
        lines.append("items = [")
        lines += [f"    {q(item or '')}," for item in self.items]
        lines += ["]", "", "[values]"]
        for raw, code in self.values.items():
            lines.append(f"{q(raw)} = {q(MISSING) if code is None else code}")
        if self.department_names:
            lines += ["", "[department_names]"]
            lines += [f"{q(code)} = {q(name)}" for code, name in self.department_names.items()]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_toml(cls, text: str, name: str = "mapping.toml") -> Mapping:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ImportFailed(
                [Problem(name, None, None, None, "bad_mapping", {"detail": str(exc)})]
            ) from exc
        columns = raw.get("columns", {})
        values: dict[str, int | None] = {}
        problems = []
        for key, value in raw.get("values", {}).items():
            if value == MISSING:
                values[key] = None
            elif isinstance(value, int) and not isinstance(value, bool):
                values[key] = value
            else:
                problems.append(
                    Problem(name, None, "values", f"{key} = {value}", "bad_mapping_value")
                )
        names = raw.get("department_names", {})
        for code, department in names.items():
            if not isinstance(department, str) or not department.strip():
                problems.append(
                    Problem(name, None, "department_names", f"{code} = {department}", "bad_name")
                )
        items = columns.get("items", [])
        if not isinstance(items, list):
            problems.append(Problem(name, None, "items", str(items), "bad_mapping_items"))
            items = []
        if problems:
            raise ImportFailed(problems)
        return cls(
            department=columns.get("department"),
            workplace=columns.get("workplace"),
            workplace_name=columns.get("workplace_name"),
            respondent=columns.get("respondent"),
            items=[i or None for i in items],
            values=values,
            department_names={str(k): str(v).strip() for k, v in names.items()},
        )


def _raw_candidates(column: Column) -> set[str]:
    """The texts a column may carry its statement in: whole, after ' - ', inside [...]."""
    found = set()
    for text in {column.text, column.header}:
        found.add(text.strip())
        if " - " in text:
            found.add(text.rsplit(" - ", 1)[1].strip())
        bracket = re.search(r"\[([^\[\]]+)\]\s*$", text)
        if bracket:
            found.add(bracket.group(1).strip())
    return {t for t in found if t}


def _candidates(column: Column) -> set[str]:
    return {plain_text(t) for t in _raw_candidates(column)}


def _carries(texts: set[str], statement: str) -> bool:
    """True when one of the plain texts is the plain statement, or ends with a long one."""
    return statement in texts or (
        len(statement) >= _MIN_SUFFIX and any(t.endswith(" " + statement) for t in texts)
    )


def _statements(instrument: Instrument) -> list[tuple[int, str]]:
    """(item index, plain statement) for every language and alias, longest first."""
    pairs = []
    for index, item in enumerate(instrument.items):
        for text in [*item.texts.values(), *item.aliases]:
            pairs.append((index, plain_text(text)))
    return sorted(pairs, key=lambda p: -len(p[1]))


def match_item(column: Column, instrument: Instrument) -> int | None:
    """The item whose statement this column carries, exactly (or after a title prefix)."""
    texts = _candidates(column)
    for index, statement in _statements(instrument):
        if statement in texts:
            return index
    for index, statement in _statements(instrument):
        if _carries(texts, statement):
            return index
    return None


def column_wording(column: Column, instrument: Instrument, index: int) -> str | None:
    """The wording of item ``index`` as this column put it to respondents: the statement it
    carries (the item's own or an alias), else its own sentence of four words or more;
    None when the header is only a code ("Q7", "SQ001") and says nothing about the wording.
    Recorded per round so that a trend does not silently cross a reworded question."""
    texts = _candidates(column)
    item = instrument.items[index]
    for statement in (*item.texts.values(), *item.aliases):
        if _carries(texts, plain_text(statement)):
            return statement
    sentences = [t for t in _raw_candidates(column) if len(plain_text(t).split()) >= 4]
    return min(sentences, key=len) if sentences else None


def suggest(source: Source, instrument: Instrument) -> Mapping:
    """The mapping the file itself makes certain; the rest stays empty for the user."""
    mapping = Mapping(items=[None] * len(instrument.items))
    taken: dict[int, list[str]] = {}
    for column in source.columns:
        index = match_item(column, instrument)
        if index is not None:
            taken.setdefault(index, []).append(column.key)
    for index, keys in taken.items():
        if len(keys) == 1:  # an item found in two columns is left for the user to choose
            mapping.items[index] = keys[0]
    if not taken:  # no statement in the headers: perhaps "Spørgsmål 1" … "Spørgsmål 21"
        mapping.items = numbered_series(source, len(instrument.items)) or mapping.items
    for role in ("workplace", "department"):
        for column in source.columns:
            names = {normalise_text(column.key), normalise_text(column.text)}
            if names & ROLE_NAMES[role]:
                setattr(mapping, role, column.key)
                break
        else:  # a question about it: "Hvilken afdeling er du ansat i?"
            setattr(mapping, role, _asking_for(source, role, mapping))
    mapping.respondent = source.hints.get("respondent")
    return mapping


# Words that make a short question ask for the role; used only when one column has them.
_ROLE_WORDS = {
    "workplace": {"arbejdsplads", "arbejdspladsen", "arbejdssted", "workplace"},
    "department": {"afdeling", "afdelingen", "department", "afsnit", "afsnittet"},
}


def _asking_for(source: Source, role: str, mapping: Mapping) -> str | None:
    taken = {*mapping.items, mapping.workplace, mapping.department}
    asking = [
        column.key
        for column in source.columns
        if column.key not in taken
        and len(column.text) <= 80
        and set(re.findall(r"\w+", column.text.casefold())) & _ROLE_WORDS[role]
    ]
    return asking[0] if len(asking) == 1 else None


_CODE = re.compile(r"^[A-Za-z]{0,3}\d{1,4}$")


def department_codes(source: Source, mapping: Mapping, limit: int = 60) -> list[str]:
    """The department column's values when they are codes ("1", "AO01"), in order: the
    export did not say which department each one is, so a person names them."""
    if not mapping.department or mapping.department not in {c.key for c in source.columns}:
        return []
    found = [v.strip() for v, _ in source.distinct(mapping.department, limit + 1)]
    if not found or len(found) > limit or not all(_CODE.match(v) for v in found):
        return []
    return sorted(found, key=lambda v: (len(v), v))


_NUMBERED = re.compile(r"^(.*?)\s*(\d{1,3})\s*[.:)]?$")


def numbered_series(source: Source, count: int) -> list[str] | None:
    """The columns of one series numbered exactly 1 to ``count`` under one name ("Q1" …,
    "Spørgsmål 1" …): the questionnaire's items in its order. None if there is no such
    series, or if the series goes on past ``count`` (then it numbers other questions too)."""
    series: dict[str, dict[int, list[str]]] = {}
    for column in source.columns:
        if found := _NUMBERED.match(column.header.strip()):
            name, number = normalise_text(found[1]), int(found[2])
            series.setdefault(name, {}).setdefault(number, []).append(column.key)
    wanted = list(range(1, count + 1))
    for numbered in series.values():
        if sorted(numbered) == wanted and all(len(keys) == 1 for keys in numbered.values()):
            return [numbered[n][0] for n in wanted]
    return None


def duplicate_items(source: Source, instrument: Instrument) -> dict[int, list[str]]:
    """Items whose statement stands in more than one column (the user must pick one)."""
    taken: dict[int, list[str]] = {}
    for column in source.columns:
        index = match_item(column, instrument)
        if index is not None:
            taken.setdefault(index, []).append(column.key)
    return {i: keys for i, keys in taken.items() if len(keys) > 1}


def similar_columns(source: Source, instrument: Instrument, index: int, limit: int = 3):
    """Columns whose text resembles an item's statement: suggestions to confirm, never auto."""
    item = instrument.items[index]
    targets = [plain_text(t) for t in item.texts.values()]
    scored = []
    for column in source.columns:
        best = (
            max(
                difflib.SequenceMatcher(None, c, t).ratio()
                for c in _candidates(column)
                for t in targets
            )
            if _candidates(column)
            else 0
        )
        scored.append((best, column.key))
    return [key for score, key in sorted(scored, reverse=True)[:limit] if score >= 0.6]


def lookup_for(source: Source, instrument: Instrument, mapping: Mapping) -> dict:
    """Normalised raw answer -> code or None (missing), for this export and mapping."""
    lookup = instrument.answer_lookup()
    if source.codes_need_labels:
        # Bare numbers mean nothing by themselves here: only the user's mapping says.
        lookup = {k: v for k, v in lookup.items() if not re.fullmatch(r"\d+(\.0)?", k)}
    lookup.update({normalise_text(raw): code for raw, code in mapping.values.items()})
    return lookup


def unknown_values(source: Source, instrument: Instrument, mapping: Mapping):
    """Answers in the mapped item columns that are not known: [(value, count)], commonest first."""
    lookup = lookup_for(source, instrument, mapping)
    keys = [k for k in mapping.items if k]
    if not keys:
        return []
    # Count distinct raw values first: normalising each of millions of cells would be slow.
    counts = pl.concat([source.series(k).alias("value") for k in keys]).value_counts().rows()
    unknown = [(v, n) for v, n in counts if normalise_text(v) not in lookup]
    return sorted(unknown, key=lambda kv: (-kv[1], kv[0]))


def problems(
    source: Source, instrument: Instrument, mapping: Mapping, workplace: str | None = None
) -> list[Problem]:
    """What keeps this mapping from an import: each missing role, item and unknown answer."""
    file = source.file
    keys = {c.key for c in source.columns}
    found = [k for k in mapping.items if k]
    if not found:
        listed = ", ".join(c.key for c in source.columns[:60])
        return [
            Problem(
                file,
                None,
                None,
                None,
                "no_items",
                {"tool": formats.NAMES[source.format], "columns": listed},
            )
        ]
    out = []
    for role in ("department", "workplace", "respondent"):
        key = getattr(mapping, role)
        if key is not None and key not in keys:
            out.append(Problem(file, None, key, None, "no_such_column"))
    if not mapping.department:
        out.append(Problem(file, None, None, None, "no_department_column"))
    if not (mapping.workplace or mapping.workplace_name or workplace):
        out.append(Problem(file, None, None, None, "no_workplace_column"))
    if len(mapping.items) != len(instrument.items):
        out.append(
            Problem(
                file,
                None,
                "items",
                str(len(mapping.items)),
                "wrong_item_count",
                {"count": len(instrument.items)},
            )
        )
    for index, key in enumerate(mapping.items[: len(instrument.items)]):
        if key is None:
            out.append(
                Problem(
                    file,
                    None,
                    None,
                    None,
                    "item_not_found",
                    {"item": index + 1, "text": instrument.items[index].texts["da"]},
                )
            )
        elif key not in keys:
            out.append(Problem(file, None, key, None, "no_such_column"))
    for index, dupes in duplicate_items(source, instrument).items():
        if mapping.items[index] is None:
            out.append(
                Problem(
                    file, None, ", ".join(dupes), None, "item_in_two_columns", {"item": index + 1}
                )
            )
    used = [k for k in mapping.items if k]
    for key in {k for k in used if used.count(k) > 1}:
        out.append(Problem(file, None, key, None, "column_used_twice"))
    codes = {point.code for point in instrument.scale}
    for raw, code in mapping.values.items():
        if code is not None and code not in codes:
            out.append(Problem(file, None, "[values]", f"{raw} = {code}", "bad_mapping_value"))
    # Unknown answers are listed with everything else (not only once the roles are chosen),
    # as soon as the item columns they are read from exist.
    if all(k in keys for k in used):
        unknown = unknown_values(source, instrument, mapping)
        places = _places(source, used, [value for value, _ in unknown])
        for value, count in unknown:
            (row, column), *_ = places[value]
            params = {"count": count, "places": places[value]}
            out.append(Problem(file, row, column, value, "unmapped_value_at", params))
    return out


def _places(source: Source, keys: list[str], values: list[str]) -> dict:
    """Where each value occurs in these columns, in row order (the first ``MAX_PLACES``):
    value -> [(row, column), ...]."""
    if not values:
        return {}
    cells = (
        source.frame(keys)
        .unpivot(index="row", on=keys, variable_name="column", value_name="value")
        .filter(pl.col("value").is_in(values))
        .sort("row", maintain_order=True)  # within a row, in the columns' order
        .group_by("value", maintain_order=True)
        .head(MAX_PLACES)
    )
    places: dict[str, list[tuple[int, str]]] = {}
    for value, row, column in cells.select("value", "row", "column").iter_rows():
        places.setdefault(value, []).append((row, column))
    return places


def apply(
    source: Source, instrument: Instrument, mapping: Mapping, workplace: str | None = None
) -> Parsed:
    """Canonical responses from an export and a complete mapping (else every problem)."""
    found = problems(source, instrument, mapping, workplace)
    if found:
        raise ImportFailed(found)
    keys = [k for k in mapping.items if k]
    meta = [k for k in (mapping.workplace, mapping.department, mapping.respondent) if k]
    frame = source.frame(list(dict.fromkeys(meta + keys)))
    fixed = workplace or mapping.workplace_name
    raw = frame.select(
        "row",
        (pl.lit(fixed) if fixed else pl.col(mapping.workplace)).alias("workplace"),
        pl.col(mapping.department)
        .str.strip_chars()
        .replace(mapping.department_names)
        .alias("department"),
        (pl.col(mapping.respondent) if mapping.respondent else pl.lit(None, pl.String)).alias(
            "respondent"
        ),
        *[
            pl.col(k).alias(item.key)
            for k, item in zip(mapping.items, instrument.items, strict=True)
        ],
    )
    names = {item.key: key for key, item in zip(mapping.items, instrument.items, strict=True)}
    names.update(workplace=mapping.workplace or "workplace", department=mapping.department)
    parsed = to_canonical(
        raw,
        file=source.file,
        format=source.format,
        instrument=instrument,
        columns=names,
        lookup=lookup_for(source, instrument, mapping),
    )
    if source.unfinished is not None:
        kept = set(parsed.responses["row"].to_list())
        parsed.unfinished = sum(
            1 for row, u in zip(source.rows, source.unfinished, strict=True) if u and row in kept
        )
        if parsed.unfinished:
            parsed.notes.append(("note.unfinished", {"count": parsed.unfinished}))
    parsed.notes[:0] = source.notes
    columns = {c.key: c for c in source.columns}
    parsed.wordings = {
        item.key: column_wording(columns[key], instrument, index)
        for index, (key, item) in enumerate(zip(mapping.items, instrument.items, strict=True))
        if key
    }
    own = [
        int(key[1:])
        for key, wording in parsed.wordings.items()
        if wording and instrument.wording_key(int(key[1:]), wording) != "standard"
    ]
    if own:  # said before storing: a trend across a reworded question will be broken
        parsed.notes.append(("note.reworded", {"items": ", ".join(map(str, own))}))
    return parsed
