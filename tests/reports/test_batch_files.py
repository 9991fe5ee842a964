"""Issue 16, "the wrong report": every report of a batch under its own name, the workplace
report's name kept for it, safe lengths, and files and folders written whole or not at all."""

from __future__ import annotations

import contextlib
import resource
import signal
import zipfile

import pytest
from typer.testing import CliRunner

from socialkapital import reports
from socialkapital.cli import app
from socialkapital.reports.build import batch_names
from tests.reports.conftest import ROUND, SITE, TODAY, load, pdf_text

runner = CliRunner()
FRONT = "Social kapital på arbejdspladsen · Feedbackrapport"


def manifest_files(manifest: str) -> dict[str, str]:
    """File name -> whose report, from the manifest's 'made' lines ('  file: department')."""
    made = manifest.partition("Rapporter i mappen:\n")[2].partition("\n\n")[0]
    return dict(line.strip().split(": ", 1) for line in made.splitlines())


def test_departments_whose_names_clash_get_a_file_each(make_store, tmp_path):
    # Each department answers alike with its own code, so its report is recognisable.
    rows = [(SITE, "Lager/Nord", [4] * 21)] * 6 + [(SITE, "Lager:Nord", [2] * 21)] * 6
    rows += [(SITE, "LAGER-NORD", [5] * 21)] * 5 + [(SITE, "00 Hele arbejdspladsen", [3] * 21)] * 5
    store = load(make_store(), rows)
    out = tmp_path / "alle.zip"
    made = reports.batch(store, ROUND, SITE, "da", out, TODAY, workers=1)

    # By hand: the departments in name order ("0" < "L" < "a", "/" < ":"); a name that a
    # case-insensitive file system sees as taken gets " (2)", " (3)"; the workplace report's
    # name is never a department's.
    expected = {
        "00 Hele arbejdspladsen.pdf": "Hele arbejdspladsen",
        "00 Hele arbejdspladsen (2).pdf": "00 Hele arbejdspladsen",
        "LAGER-NORD.pdf": "LAGER-NORD",
        "Lager-Nord (2).pdf": "Lager/Nord",
        "Lager-Nord (3).pdf": "Lager:Nord",
    }
    assert sorted(made.files) == sorted(expected)
    assert manifest_files(made.manifest) == expected
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted([*expected, "indhold.txt"])
        texts = {name: pdf_text(archive.read(name)) for name in expected}
    for name, department in expected.items():
        if department == "Hele arbejdspladsen":
            assert texts[name].startswith(f"{FRONT} {SITE}"), name
        else:  # the department's own report, with its own figures
            assert texts[name].startswith(f"{FRONT} {department} {SITE}"), name
    score = {"Lager/Nord": "75", "Lager:Nord": "25", "LAGER-NORD": "100"}
    for name, department in expected.items():
        if department in score:
            assert f"Social kapital samlet {department} {score[department]}" in texts[name]


def test_the_workplace_reports_name_is_never_a_departments(make_store, tmp_path):
    # Not even in a different case, and whatever the order.
    store = load(make_store(threshold=3), [(SITE, "00 Hele arbejdspladsen", [3] * 21)] * 4)
    whole, names = batch_names(["00 Hele arbejdspladsen", "00 HELE arbejdspladsen"], "da")
    assert whole == "00 Hele arbejdspladsen.pdf"
    assert names == ["00 Hele arbejdspladsen (2).pdf", "00 HELE arbejdspladsen (3).pdf"]
    made = reports.batch(store, ROUND, SITE, "da", tmp_path / "ud", TODAY, workers=1)
    assert "00 Hele arbejdspladsen.pdf" in made.files  # the workplace's (threshold 3)
    assert "00 Hele arbejdspladsen (2).pdf" in made.files


LONG = "Afdelingen for " + "særdeles " * 33  # 312 characters, 345 bytes


def test_very_long_department_names_get_short_distinct_files(make_store, tmp_path):
    first, second = LONG + "nord", LONG + "syd"
    rows = [(SITE, first, [4] * 21)] * 5 + [(SITE, second, [2] * 21)] * 5
    store = load(make_store(), rows)
    out = tmp_path / "rapporter"
    result = runner.invoke(
        app,
        ["report", "--round", ROUND, "--workplace", SITE, "--all", "--out", str(out)],
        env={"SOCIALKAPITAL_DB": str(store.path)},
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    pdfs = [n for n in written if n.endswith(".pdf") and not n.startswith("00 ")]
    assert len(pdfs) == 2 and len(set(pdfs)) == 2
    assert all(len(n.encode()) <= 120 + len(" (2).pdf") for n in pdfs)
    # Both cut to the same 120 bytes: the second one numbered, cut 4 bytes shorter for it.
    stem = LONG.encode()[:120].decode(errors="ignore").rstrip()
    numbered = LONG.encode()[:116].decode(errors="ignore").rstrip() + " (2)"
    assert pdfs == sorted([f"{stem}.pdf", f"{numbered}.pdf"])
    contents = manifest_files((out / "indhold.txt").read_text(encoding="utf-8"))
    assert contents[f"{stem}.pdf"] == first.strip()
    assert contents[f"{numbered}.pdf"] == second.strip()
    assert f"{FRONT} {first.strip()}"[:80] in pdf_text((out / f"{stem}.pdf").read_bytes())


@contextlib.contextmanager
def disk_full_after(limit: int):
    """Writing past ``limit`` bytes of any file fails, as on a full disk (EFBIG)."""
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, handler)


def report(*args):
    return runner.invoke(app, ["report", "--round", ROUND, "--workplace", SITE, *map(str, args)])


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_folder_is_written_whole_or_not_at_all(small, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(small.path))
    out = tmp_path / "ud" / "rapporter"
    with disk_full_after(20_000):  # the manifest fits, no PDF does
        result = report("--all", "--out", out)
    assert result.exit_code == 2, result.output
    assert "intet er skrevet" in result.output
    assert not out.exists() and leftovers(tmp_path / "ud") == []
    # Into a folder that holds other files: they stay, and no report is half there.
    out.mkdir()
    (out / "noter.txt").write_text("mine noter")
    with disk_full_after(20_000):
        assert report("--all", "--out", out).exit_code == 2
    assert leftovers(out) == ["noter.txt"] and leftovers(tmp_path / "ud") == ["rapporter"]
    assert report("--all", "--out", out).exit_code == 0
    assert "Køkken.pdf" in leftovers(out) and "noter.txt" in leftovers(out)


@pytest.mark.parametrize("name", ["køkken.pdf", "alle.zip"])
def test_a_pdf_or_zip_is_written_whole_or_not_at_all(small, tmp_path, monkeypatch, name):
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(small.path))
    tmp_path = tmp_path / "ud"  # the store is in tmp_path itself
    tmp_path.mkdir()
    out = tmp_path / name
    which = ["--department", "Køkken"] if name.endswith(".pdf") else ["--all"]
    with disk_full_after(20_000):
        result = report(*which, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert leftovers(tmp_path) == []  # no half file, no temporary one
    out.write_bytes(b"the old file")
    with disk_full_after(20_000):
        assert report(*which, "--out", out).exit_code == 2
    assert out.read_bytes() == b"the old file" and leftovers(tmp_path) == [name]
