"""Hostile input (issue 16): names made of Markdown, spreadsheet formulas and control
characters, and random or damaged bytes as files and archives. Whatever comes in, the
importer either reads it, with names kept as data but without control characters, or
refuses it with its own error naming the file (and the row and column where there is one);
never another exception."""

from __future__ import annotations

import io
import unicodedata
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialkapital.importers import ImportFailed, Problem, read_responses, read_roster
from socialkapital.importers.formats import group_exports
from socialkapital.instrument import load
from tests.conftest import template_rows, to_csv, to_xlsx

INS = load()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE = [
    "![x](http://evil/x.png)",
    "[link](http://x)",
    '=HYPERLINK("http://evil/x","klik")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "<script>alert(1)</script>",
    "\x1b[31m",
    "\x1b]0;titel\x07",
    "\x07",
    "\x9b",
    "\x85",
    "\r\n",
    "\t",
    "\u202e",
    "\u2028",
    "\ufeff",
    "Køkken",
    " ",
]
NAMES = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(max_codepoint=0x3000), max_size=4)),
    min_size=1,
    max_size=5,
).map("".join)

# The specification, worked out here character by character (independent of the product):
# line breaks and tabs, with the spaces around them, are one space; other controls and the
# marks that hide or reorder text go; the ends are trimmed.
BREAKS = set("\t\n\x0b\x0c\r\x85\u2028\u2029")
HIDDEN = set("\u061c\u200b\u200e\u200f\ufeff") | {chr(c) for c in range(0x202A, 0x202F)}
HIDDEN |= {chr(c) for c in range(0x2066, 0x206A)}


def expected_name(name: str) -> str:
    kept = [
        ch for ch in name if ch in BREAKS or not (unicodedata.category(ch) == "Cc" or ch in HIDDEN)
    ]
    out, pending = "", False
    for ch in kept:
        if ch in BREAKS:
            pending, out = True, out.rstrip(" ")
        elif pending and ch == " ":
            continue
        else:
            out += (" " if pending else "") + ch
            pending = False
    return out.strip()


def without_controls(name: str) -> bool:
    return not any(unicodedata.category(ch) == "Cc" or ch in HIDDEN for ch in name)


def assert_own_refusal(exc: ImportFailed, file: str) -> None:
    """The importer's own error: each problem names the file, row and column are where
    they belong, and it can be said in Danish and English (no missing text)."""
    assert exc.problems
    for problem in exc.problems:
        assert isinstance(problem, Problem)
        assert problem.file.startswith(file), problem
        assert without_controls(problem.file)
        assert problem.row is None or (isinstance(problem.row, int) and problem.row >= 1)
        assert problem.column is None or isinstance(problem.column, str)
        problem.text("da"), problem.text("en")
    exc.describe("da"), exc.describe("en")


@SETTINGS
@given(
    workplace=NAMES,
    departments=st.lists(NAMES, min_size=1, max_size=3),
    layout=st.sampled_from(["comma", "semicolon", "tab", "utf-16", "xlsx"]),
)
def test_hostile_names_are_kept_as_data_without_control_characters(workplace, departments, layout):
    records = template_rows([(workplace, d, [3] * 21) for d in departments])
    if layout == "xlsx":
        data, name = to_xlsx(records), "fjendtlig.xlsx"
    else:
        sep = {"semicolon": ";", "tab": "\t"}.get(layout, ",")
        data = to_csv(records, sep=sep, encoding="utf-16" if layout == "utf-16" else "utf-8")
        name = "fjendtlig.csv"
    try:
        parsed = read_responses(data, name, INS)
    except ImportFailed as exc:
        assert_own_refusal(exc, name)
        return
    stored = parsed.responses.sort("row")
    assert stored["workplace"].to_list() == [expected_name(workplace)] * len(departments)
    assert stored["department"].to_list() == [expected_name(d) for d in departments]
    assert all(without_controls(n) for n in [*stored["workplace"], *stored["department"]])


@SETTINGS
@given(
    prefix=st.sampled_from(
        [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]
    ),
    body=st.binary(max_size=400),
    name=st.sampled_from(["x.csv", "x.xlsx", "liste.txt"]),
)
def test_random_bytes_behind_any_byte_order_mark(prefix, body, name):
    try:
        if name == "liste.txt":
            read_roster(prefix + body, name)
        else:
            read_responses(prefix + body, name, INS)
    except ImportFailed as exc:
        assert_own_refusal(exc, name)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def read_all(name: str, data: bytes) -> list:
    """Every export in an upload, read as the command line and the dashboard do; a refusal
    names the upload (while it is opened) or the export's own file."""
    try:
        exports = group_exports({name: data})
    except ImportFailed as exc:
        assert_own_refusal(exc, name)
        return []
    parsed = []
    for export in exports:
        main = next(iter(export))
        assert (main == name or main.startswith(f"{name}/")) and without_controls(main)
        extras = {n: d for n, d in export.items() if n != main}
        try:
            parsed.append(read_responses(export[main], main, INS, extras=extras))
        except ImportFailed as exc:
            assert_own_refusal(exc, main.rpartition("/")[2])
    return parsed


TEMPLATE = to_csv(template_rows([("Mejeri", "Lager", [4] * 21)] * 3))


@SETTINGS
@given(
    members=st.dictionaries(
        # Any name a ZIP can hold (zipfile itself cuts a name at NUL).
        st.text(
            st.characters(max_codepoint=0x2100, exclude_characters="\x00"), min_size=1, max_size=12
        ),
        st.one_of(st.binary(max_size=300), st.just(TEMPLATE)),
        max_size=3,
    )
)
def test_random_members_in_a_zip(members):
    for parsed in read_all("arkiv.zip", zip_of(members)):
        assert without_controls(parsed.file)


ARCHIVES = {
    "arkiv.zip": zip_of({"svar.csv": TEMPLATE, "eksport/dataset.csv": TEMPLATE}),
    "svar.xlsx": to_xlsx(template_rows([("Mejeri", "Lager", [4] * 21)] * 3)),
}


@SETTINGS
@given(
    name=st.sampled_from(sorted(ARCHIVES)),
    changes=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_archives_and_workbooks(name, changes, cut):
    data = bytearray(ARCHIVES[name])
    for where, new in changes:
        at = int(where * len(data))
        data[at : at + len(new)] = new
    if cut is not None:
        data = data[: int(cut * len(data))]
    read_all(name, bytes(data))
