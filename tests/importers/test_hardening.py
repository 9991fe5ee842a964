"""Issue 16, hardening the importers: control characters in names, ZIP archives that unpack
to gigabytes, a question column beyond the questionnaire, and errors located where they
are. Every file is built here, and what is expected is read off what was written."""

from __future__ import annotations

import io
import math
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from socialkapital.importers import ImportFailed, read_responses, read_roster
from socialkapital.importers.formats import group_exports
from socialkapital.instrument import load
from tests.conftest import template_rows, to_csv
from tests.importers.helpers import column, records_of

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def refused(call, *args, **kwargs) -> list:
    with pytest.raises(ImportFailed) as caught:
        call(*args, **kwargs)
    problems = caught.value.problems
    for problem in problems:  # said in both languages, with every value the text needs
        problem.text("da"), problem.text("en")
    return problems


def rows(n=5, answer="I høj grad", workplace="Mejeri Øst", department="Ost & Lager"):
    return [(workplace, department, [answer] * 21) for _ in range(n)]


# -- 1. control characters in workplace and department names ----------------------------

# As written in the file -> as stored.
NAMES = {
    "Ost\x1b[31m & Lager\x07": "Ost[31m & Lager",  # ESC and BEL go; the rest is plain text
    "Pakkeri\nNat": "Pakkeri Nat",  # a name is one line
    "Lager \t\r\n Syd": "Lager Syd",
    "\x9bVask\x85eri": "Vask eri",  # C1: CSI goes, NEL is a line break
    "Kontor\u202eroF": "KontorroF",  # a right-to-left override would show "Kontor" + "For"
    '=HYPERLINK("http://evil/x","klik")': '=HYPERLINK("http://evil/x","klik")',
    "![x](http://evil/x.png)": "![x](http://evil/x.png)",
    "[link](http://x)": "[link](http://x)",
    "+1": "+1",
    "-1": "-1",
    "@SUM(A1:A9)": "@SUM(A1:A9)",
}


def test_control_characters_leave_names_but_markdown_and_formulas_are_kept_as_data(ins):
    written = [("Mejeri\x07 Øst\x1b", name, [4] * 21) for name in NAMES]
    parsed = read_responses(to_csv(template_rows(written)), "navne.csv", ins)
    assert parsed.responses.sort("row")["department"].to_list() == list(NAMES.values())
    assert parsed.workplaces == ["Mejeri Øst"]


def test_a_name_of_control_characters_only_is_missing(ins):
    records = template_rows(rows())
    records[3][1] = "\x1b\x07 "  # row 4: ESC, BEL and a space
    found = refused(read_responses, to_csv(records), "tom.csv", ins)
    assert [(p.key, p.row, p.column) for p in found] == [("blank_department", 4, "department")]


def test_a_survey_tools_export_is_cleaned_the_same_way():
    records = records_of("google_forms/responses.csv")
    where = column(records, "Afdeling")
    original = records[1][where]  # spreadsheet row 2
    records[1][where] = f"\x07{original}\x1b"
    parsed = read_responses(to_csv(records), "g.csv", load())
    stored = parsed.responses.filter(parsed.responses["row"] == 2)["department"].to_list()
    assert stored == [original]


def test_a_rosters_departments_are_cleaned_as_the_answers_are():
    lines = [f"p{i}@x.dk;Person {i};Ost & Lager" for i in range(8)]
    lines.append("anna@x.dk;Anna\x07;Ost\x1b & Lager")
    roster = read_roster("\n".join(lines).encode(), "liste.txt")
    assert set(roster.invited["department"]) == {"Ost & Lager"}
    assert roster.invited["name"].to_list()[-1] == "Anna"


# -- 2. ZIP archives --------------------------------------------------------------------


def zip_of(files: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zeros_zip(member: str, megabytes: int) -> bytes:
    """A ZIP bomb: ``megabytes`` MB of zero bytes, written a megabyte at a time."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(member, "w", force_zip64=True) as stream,
    ):
        for _ in range(megabytes):
            stream.write(bytes(MB))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zeros_zip("svar.csv", 600)


def no_reading(monkeypatch) -> None:
    """Make any unpacking of a member fail the test: refusals must come before it."""

    def unpack(*args, **kwargs):
        raise AssertionError("a member was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpack)


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(bomb, monkeypatch):
    assert len(bomb) < 5 * MB  # a few megabytes that unpack to 600
    no_reading(monkeypatch)
    (problem,) = refused(group_exports, {"bombe.zip": bomb})
    assert (problem.key, problem.file) == ("zip_too_big", "bombe.zip/svar.csv")
    assert problem.params == {"size": 600, "limit": 512}
    assert "600 MB" in problem.text("en") and "512 MB" in problem.text("en")
    assert "600 MB" in problem.text("da") and "512 MB" in problem.text("da")


def test_a_zip_bomb_does_not_take_memory():
    # In a fresh process, so that the peak resident size is this import's own.
    script = textwrap.dedent(
        """
        import io, resource, zipfile
        from socialkapital.importers import ImportFailed
        from socialkapital.importers.formats import group_exports

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with archive.open("svar.csv", "w", force_zip64=True) as stream:
                for _ in range(600):
                    stream.write(bytes(1 << 20))
        bomb = buffer.getvalue()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            group_exports({"bombe.zip": bomb})
            outcome = "read"
        except ImportFailed as exc:
            outcome = exc.problems[0].key
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(outcome, grown // 1024)  # ru_maxrss is in KiB on Linux
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    outcome, grown_mb = done.stdout.split()
    assert outcome == "zip_too_big"
    assert int(grown_mb) < 50  # unpacked, it would be 600 MB and more


def test_files_that_together_unpack_past_the_limit_are_refused(monkeypatch):
    from socialkapital.importers import archive

    monkeypatch.setattr(archive, "MAX_TOTAL_MB", 1)
    data = zip_of({f"del{i}.csv": bytes(600 * 1024) for i in range(3)})
    no_reading(monkeypatch)
    (problem,) = refused(group_exports, {"dele.zip": data})
    assert (problem.key, problem.file) == ("zip_too_big_total", "dele.zip")
    assert problem.params == {"size": math.ceil(3 * 600 * 1024 / MB), "limit": 1}


def test_a_zip_of_too_many_files_is_refused(monkeypatch):
    files = {f"f{i}.csv": b"" for i in range(1001)}
    data = zip_of(files)
    no_reading(monkeypatch)
    (problem,) = refused(group_exports, {"mange.zip": data})
    assert (problem.key, problem.params) == ("zip_too_many", {"count": 1001, "limit": 1000})


def test_reading_stops_at_the_limit_whatever_the_archive_says():
    from socialkapital.importers.archive import TooLarge, read_bounded

    stream = io.BytesIO(bytes(10 * MB))
    with pytest.raises(TooLarge):
        read_bounded(stream, MB)
    assert stream.tell() <= MB + 1  # not a byte more than one past the limit was read
    assert read_bounded(io.BytesIO(b"x" * 1000), 1000) == b"x" * 1000


def forged(data: bytes, declared: int) -> bytes:
    """A one-member ZIP whose directory says the member unpacks to ``declared`` bytes."""
    out = bytearray(data)
    local = out.index(b"PK\x03\x04")
    out[local + 22 : local + 26] = declared.to_bytes(4, "little")
    central = out.index(b"PK\x01\x02")
    out[central + 24 : central + 28] = declared.to_bytes(4, "little")
    return bytes(out)


def test_a_member_larger_than_its_archive_says_is_refused_not_read_to_its_end():
    content = to_csv(template_rows(rows(n=400)))
    (problem,) = refused(group_exports, {"falsk.zip": forged(zip_of({"svar.csv": content}), 100)})
    assert problem.file == "falsk.zip/svar.csv"
    assert problem.key in ("zip_member_broken", "zip_overflow")


def test_an_empty_zip_is_refused():
    for files in ({}, {"mappe/": b"", "__MACOSX/._svar.csv": b"\x00\x05"}):
        (problem,) = refused(group_exports, {"tom.zip": zip_of(files)})
        assert (problem.key, problem.file) == ("zip_empty", "tom.zip")


def test_random_bytes_named_zip_are_refused():
    (problem,) = refused(group_exports, {"tilfældig.zip": bytes(range(256)) * 4})
    assert (problem.key, problem.file) == ("not_zip", "tilfældig.zip")
    (problem,) = refused(group_exports, {"brudt.zip": b"PK\x03\x04" + b"x" * 300})
    assert (problem.key, problem.file) == ("bad_zip", "brudt.zip")


def test_an_encrypted_member_is_refused():
    data = bytearray(zip_of({"svar.csv": to_csv(template_rows(rows()))}))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1  # "encrypted", as a password-protected ZIP marks its members
    data[central + 8] |= 0x1
    (problem,) = refused(group_exports, {"hemmelig.zip": bytes(data)})
    assert (problem.key, problem.file) == ("zip_encrypted", "hemmelig.zip/svar.csv")


def test_a_damaged_member_is_refused():
    content = to_csv(template_rows(rows(n=50)))
    data = bytearray(zip_of({"svar.csv": content}))
    start = data.index(b"svar.csv") + len("svar.csv")  # the compressed data follows its name
    data[start + 10 : start + 40] = b"\xff" * 30
    (problem,) = refused(group_exports, {"skadet.zip": bytes(data)})
    assert (problem.key, problem.file) == ("zip_member_broken", "skadet.zip/svar.csv")


def test_member_names_lose_their_control_characters():
    exports = group_exports({"x.zip": zip_of({"svar\x1b[2J.csv": b"a,b\n"})})
    assert [list(export) for export in exports] == [["x.zip/svar[2J.csv"]]


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_before_it_is_read(monkeypatch):
    from socialkapital.importers import sniff

    def read_excel(*args, **kwargs):
        raise AssertionError("the workbook was read")

    monkeypatch.setattr(sniff.fastexcel, "read_excel", read_excel)
    data = zeros_zip("xl/worksheets/sheet1.xml", 600)
    (problem,) = refused(read_responses, data, "svar.xlsx", load())
    assert (problem.key, problem.file) == ("workbook_too_big", "svar.xlsx")
    assert problem.params == {"size": 600, "limit": 512}


# -- 3. a question column beyond the questionnaire -------------------------------------


@pytest.mark.parametrize("extra", ["q22", "q0", "Q23", "q01"])
def test_a_question_column_beyond_the_questionnaire_is_refused(ins, extra):
    records = template_rows(rows())
    records[0].append(extra)
    for record in records[1:]:
        record.append("3")
    found = refused(read_responses, to_csv(records), "ekstra.csv", ins)
    assert [(p.key, p.row, p.column) for p in found] == [("beyond_instrument", 1, extra)]
    assert found[0].params == {"count": 21}


def test_other_extra_columns_are_still_left_alone(ins):
    records = template_rows(rows())
    records[0] += ["Kommentar", "q1a"]
    for record in records[1:]:
        record += ["god dag", "x"]
    assert read_responses(to_csv(records), "ekstra.csv", ins).responses.height == 5


# -- 4. errors located where they are ---------------------------------------------------


def mixed_file() -> tuple[bytes, list[list[str]]]:
    """UTF-8 but for one record in Windows-1252; an earlier cell holds a line break."""
    records = template_rows(rows(n=12))
    records[1][1] = "Ost\nLager"  # spreadsheet row 2 takes two lines of the file
    records[9][:2] = ["Mejeri Vest", "Lager"]  # row 10: its first non-ASCII cell is q1
    data = to_csv(records[:9]) + to_csv(records[9:10], encoding="cp1252") + to_csv(records[10:])
    return data, records


def test_a_file_with_mixed_encodings_is_refused_where_the_encoding_breaks(ins):
    data, records = mixed_file()
    (problem,) = refused(read_responses, data, "blandet.csv", ins)
    assert problem.key == "mixed_encoding"
    assert (problem.row, problem.column, problem.value) == (10, "q1", records[9][3])
    assert problem.params == {"utf8_row": 2}  # "Mejeri Øst" in UTF-8


def test_a_utf8_file_with_a_bom_and_a_windows_1252_cell(ins):
    records = template_rows(rows(answer="4", workplace="Mejeri Vest"))
    records[4][1] = "Køkken"  # row 5, in Windows-1252
    data = b"\xef\xbb\xbf" + to_csv(records[:4]) + to_csv(records[4:5], encoding="cp1252")
    data += to_csv(records[5:])
    (problem,) = refused(read_responses, data, "bom.csv", ins)
    assert (problem.key, problem.row, problem.column) == ("broken_utf8", 5, "department")
    assert problem.value == "Køkken"


@pytest.mark.parametrize(
    ("bom", "codec"), [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")]
)
def test_a_utf32_file_is_read(ins, bom, codec):
    records = template_rows(rows(n=14, answer="Delvist", department="Køkken"))
    records[14][1] = "Vaskeri"
    data = bom + to_csv(records).decode().encode(codec)
    parsed = read_responses(data, "utf32.csv", ins)
    assert parsed.responses["department"].to_list() == [r[1] for r in records[1:]]
    assert parsed.responses["q21"].to_list() == [3] * 14


@pytest.mark.parametrize(
    ("codec", "width", "label"), [("utf-32", 4, "UTF-32"), ("utf-16", 2, "UTF-16")]
)
def test_broken_unicode_text_is_located_in_its_row(ins, codec, width, label):
    records = template_rows(rows(n=6, answer="4"))
    data = to_csv(records).decode().encode(codec)  # with a BOM
    cut = data[: len(data) - 10 * width - 1]  # inside the last row's answers
    (problem,) = refused(read_responses, cut, "afbrudt.csv", ins)
    assert (problem.key, problem.row) == ("broken_unicode", 7)
    assert problem.params == {"encoding": label, "byte": len(cut) - (len(cut) % width)}


@pytest.mark.parametrize(
    ("prefix", "codec"),
    [
        (b"\xef\xbb\xbf\xef\xbb\xbf", "utf-8"),
        ("\ufeff".encode("utf-16"), "utf-16-le"),
    ],
)
def test_a_double_byte_order_mark_is_read(ins, prefix, codec):
    records = template_rows(rows())
    parsed = read_responses(prefix + to_csv(records).decode().encode(codec), "bom2.csv", ins)
    assert parsed.workplaces == ["Mejeri Øst"]
    assert parsed.responses.height == 5


def google_forms_with(value: str, cells: list[tuple[int, int]]):
    """The Google Forms fixture with ``value`` in the given (record, item) cells."""
    records = records_of("google_forms/responses.csv")
    items = [i for i, h in enumerate(records[0]) if h.endswith("]")]
    for record, item in cells:
        records[record][items[item]] = value
    return to_csv(records), records, items


def test_an_answer_off_the_scale_is_located_in_every_place(ins):
    cells = [(3, 0), (6, 3), (10, 0)]  # records 3, 6, 10: spreadsheet rows 4, 7, 11
    data, records, items = google_forms_with("Måske", cells)
    found = refused(read_responses, data, "g.csv", ins)
    (problem,) = [p for p in found if p.value == "Måske"]
    places = [(record + 1, " ".join(records[0][items[item]].split())) for record, item in cells]
    assert problem.params == {"count": 3, "places": places}
    assert (problem.row, problem.column) == places[0]
    (first, second) = places[0][1], places[1][1]  # two columns: rows 4 and 11, and row 7
    assert f"column “{first}”: rows 4, 11; column “{second}”: row 7" in problem.text("en")
    assert f"kolonne »{first}«: række 4, 11; kolonne »{second}«: række 7" in problem.text("da")


def test_many_places_are_listed_up_to_ten_then_counted(ins):
    cells = [(record, 1) for record in range(2, 14)]  # twelve places
    data, _, _ = google_forms_with("Måske", cells)
    (problem,) = [p for p in refused(read_responses, data, "g.csv", ins) if p.value == "Måske"]
    assert problem.params["count"] == 12
    assert [row for row, _ in problem.params["places"]] == [r + 1 for r, _ in cells[:10]]
    rows = ", ".join(str(r + 1) for r, _ in cells[:10])  # all in one column
    assert problem.text("en").endswith(f"rows {rows} and 2 more places (value 'Måske')")
    assert f"række {rows} og 2 steder mere" in problem.text("da")
