"""The import page in a real browser: upload, preview, confirm; a refused file; the template."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ITEM_KEYS, template_rows, to_csv
from tests.e2e import ui

pytestmark = pytest.mark.e2e

NEW_ROUND = "Efterår 2026 (browsertest)"
NEW_WORKPLACE = "Testværkstedet"


def respondents_in_store(server) -> int:
    # Read the file directly (not through the product) while the server is idle.
    with duckdb.connect(str(server.db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM respondents").fetchall()[0][0]


def open_import(page: Page) -> None:
    expect(ui.picker(page, "Måling")).to_be_visible()
    ui.nav(page, "Import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indlæs data")


def upload(page: Page, name: str, data: bytes) -> None:
    panel = page.get_by_role("tabpanel").filter(visible=True)
    dropzone = panel.get_by_test_id("stFileUploaderDropzoneInput").first
    dropzone.set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    expect(panel.get_by_test_id("stFileUploader")).to_contain_text(name)


def sidebar_rounds(page: Page) -> list[str]:
    box = ui.picker(page, "Måling")
    box.click()
    options = page.get_by_role("option").all_inner_texts()
    box.press("Escape")
    return options


def test_upload_preview_confirm_and_the_new_round_is_there(page, server):
    # Montage: 6 persons answering "I høj grad" (75) to all; Lager: 5 answering 5 (100).
    rows = [(NEW_WORKPLACE, "Montage", [4] * 21)] * 6 + [(NEW_WORKPLACE, "Lager", [5] * 21)] * 5
    before = respondents_in_store(server)
    open_import(page)
    upload(page, "svar.csv", to_csv(template_rows(rows)))
    main = page.get_by_test_id("stMain")
    main.get_by_role("combobox", name="Måling", exact=True).click()
    page.get_by_role("option", name="Ny måling …").click()
    name = main.get_by_role("textbox", name="Navn på den nye måling")
    name.fill(NEW_ROUND)
    name.press("Enter")
    confirm = main.get_by_role("button", name="Gem i databasen")
    expect(confirm).to_be_enabled()
    ui.settle(page)
    preview = ui.metrics(page)
    assert preview["Besvarelser"] == "11"
    assert preview["Rækker i filen"] == "11"
    ui.table(page, 0, "Montage")
    ui.shoot(page, "import-preview")

    confirm.click()
    done = f"Gemt: 11 besvarelser fra {NEW_WORKPLACE} i målingen »{NEW_ROUND}«"
    expect(main).to_contain_text(re.compile(f"{re.escape(done)}|encountered an error"))
    ui.settle(page)
    assert done in main.inner_text()
    ui.shoot(page, "import-done")
    assert respondents_in_store(server) == before + 11
    assert NEW_ROUND in sidebar_rounds(page)

    # The new round's figures on the overview: (6·75 + 5·100) / 11 = 86.36… for every item.
    ui.nav(page, "Oversigt")
    ui.choose(page, "Måling", NEW_ROUND)
    ui.choose(page, "Arbejdsplads", NEW_WORKPLACE)
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_WORKPLACE)
    assert ui.metrics(page)["Social kapital samlet · Hele arbejdspladsen"] == "86"
    ui.choose(page, "Afdeling", "Lager")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NEW_WORKPLACE}: Lager")
    expect(page.locator(".st-key-scope-1")).to_contain_text("Hele arbejdspladsen")
    assert ui.metrics(page)["Social kapital samlet · Afdelingen"] == "100"
    ui.table(page, 0, "Afdelingen")
    ui.chart(page, 0, "Afdelingen")
    ui.shoot(page, "import-new-round-overview")


def test_a_bad_file_is_refused_with_row_and_column_and_nothing_changes(page, server):
    records = template_rows([(NEW_WORKPLACE, "Montage", [3] * 21)] * 5)
    records[3][3 + 4] = "7"  # q5 of the third data row: file row 4 (the header is row 1)
    before = respondents_in_store(server)
    open_import(page)
    rounds_before = sidebar_rounds(page)
    upload(page, "forkert.csv", to_csv(records))
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stAlert").first).to_contain_text("Filen kan ikke indlæses")
    problem = main.get_by_test_id("stCode")
    expect(problem).to_contain_text("forkert.csv, række 4, kolonne »q5«")
    expect(problem).to_contain_text("'7'")
    expect(main.get_by_role("button", name="Gem i databasen")).to_have_count(0)
    expect(main.get_by_test_id("stMetric")).to_have_count(0)  # no preview
    ui.shoot(page, "import-refused")

    # Every problem as a table to download.
    with page.expect_download() as download:
        main.get_by_role("button", name="Hent alle fejl som CSV").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    problems = list(csv.DictReader(io.StringIO(saved)))
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [("4", "q5", "7")]

    assert respondents_in_store(server) == before
    assert sidebar_rounds(page) == rounds_before


@pytest.mark.parametrize("kind", ["CSV", "Excel"])
def test_the_template_downloads_with_the_right_header(page, kind):
    open_import(page)
    page.get_by_role("tab", name="Skabelon").click()
    button = page.get_by_role("button", name=f"Hent skabelon ({kind})")
    expect(button).to_be_visible()
    if kind == "CSV":
        ui.shoot(page, "import-template")
    with page.expect_download() as download:
        button.click()
    data = Path(download.value.path()).read_bytes()
    assert data
    header = ["workplace", "department", "respondent", *ITEM_KEYS]
    if kind == "CSV":
        assert download.value.suggested_filename.endswith(".csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == header
        assert len(rows) > 1 and all(len(r) == len(header) for r in rows)
    else:
        import openpyxl

        assert download.value.suggested_filename.endswith(".xlsx")
        assert data[:2] == b"PK"  # a zip container
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        first = next(sheet.iter_rows(max_row=1, values_only=True))
        assert list(first[: len(header)]) == header
