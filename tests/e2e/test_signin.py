"""Sign-in for shared use, for real (issue 15 "Trust"): a local OIDC provider, the dashboard
started by `socialkapital serve` with ``[auth]`` in its secrets, and Chromium signing in as
each role. Each role sees exactly its part on every page and in every download; a
department manager cannot get at another department by URL; sign-out works.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from socialkapital import audit
from tests.e2e import oidc, ui
from tests.e2e.conftest import CHROMIUM
from tests.e2e.oidc import OTHER_DEPARTMENT, OTHER_WORKPLACE, OWN_DEPARTMENT, USERS, WORKPLACE

pytestmark = pytest.mark.e2e

ALL_WORKPLACES = {
    "Vestjysk Mejeri",
    "Solgården Plejecenter",
    "Kommunens Borgerservice",
    "Nordlys Emballage A/S",
}
# Names that only a view of those workplaces can show (distinctive, so no UI text has them).
OUTSIDE_MEJERI = [
    "Solgården",
    "Kommunens Borgerservice",
    "Nordlys",
    "Afsnit Bøgen",
    "Demensenheden Rosen",
    "Telefonservice",
    "Ydelsesservice",
    "Bølgepap",
    "Stansning",
]
# The dairy's departments other than the department manager's own.
OTHER_DAIRY_DEPARTMENTS = [
    "Mælkemodtagelse",
    "Ost & Lager",
    "Smør & Fløde",
    "Pakkeri",
    "Vedligehold",
    "Laboratorium",
    "Transport",
    "Administration",
    "Rengøring",
    "Direktion",
]
SIGN_IN_HEADING = "Log ind for at se resultaterne"


@pytest.fixture(scope="module")
def signin(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make system-deps installs it)")
    pytest.importorskip("oidc_provider_mock")
    with oidc.signed_in_server(tmp_path_factory.mktemp("signin")) as server:
        yield server


@pytest.fixture
def page(chromium: Browser, signin, request):
    """A fresh browser (no cookies: nobody signed in) at projector size."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 720}, locale="da-DK", accept_downloads=True
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    if getattr(request.node, "e2e_failed", False):
        ui.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=ui.ARTIFACTS / f"FAILED-{request.node.name}.png")
    context.close()


# -- what a page offers ------------------------------------------------------------------------


def nav_paths(page: Page) -> list[str]:
    """The pages in the sidebar navigation, by URL path ('' is the overview)."""
    more = ui.sidebar(page).get_by_role("button", name=re.compile(r"View \d+ more"))
    if more.count():
        more.click()
    links = ui.sidebar(page).get_by_test_id("stSidebarNavLink")
    return [urlparse(link.get_attribute("href") or "").path.strip("/") for link in links.all()]


def open_path(page: Page, path: str) -> None:
    """Follow the sidebar link to a page (the session, and its sidebar choices, stay), and
    wait for that page: its own title, then its charts and tables."""
    if urlparse(page.url).path.strip("/") == path:
        ui.settle(page)
        return
    title = page.get_by_test_id("stMain").locator("h1")
    before = title.first.inner_text() if title.count() else ""
    ui.sidebar(page).locator(f"[data-testid='stSidebarNavLink'][href$='/{path}']").click()
    expect(page).to_have_url(re.compile(rf"/{re.escape(path)}$"))
    # The run state alone can still be the last page's for a moment after the click.
    expect(title.first).to_be_visible()
    expect(title.first).not_to_have_text(before)
    ui.settle(page)


def options(page: Page, box: Locator, typed: str = "") -> list[str]:
    """The options of a selectbox (opened, read, closed); with ``typed``, those it finds."""
    shown = page.get_by_role("option")
    # Scrolled first: a list opened while the sidebar scrolls to the box closes again.
    box.scroll_into_view_if_needed()
    for attempt in range(3):
        box.click()
        try:
            expect(shown.first).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    if typed:
        box.fill(typed)
        # Filtered: every option has the text, or the one option is "No results".
        page.wait_for_function(
            """typed => {
                const found = [...document.querySelectorAll('[role=option]')]
                    .map(o => o.innerText.trim());
                return found.length > 0 && (found.join() === 'No results'
                    || found.every(o => o.toLowerCase().includes(typed.toLowerCase())));
            }""",
            arg=typed,
        )
    found = [o.inner_text().strip() for o in shown.all()]
    page.keyboard.press("Escape")
    expect(shown).to_have_count(0)
    return found


def sidebar_options(page: Page, label: str, typed: str = "") -> list[str]:
    return options(page, ui.picker(page, label), typed)


def downloaded_text(page: Page, button) -> tuple[str, str]:
    """A download's file name and its text (CSV as is, XLSX/ZIP unpacked, PDF extracted)."""
    with page.expect_download() as download:
        button.click()
    name = download.value.suggested_filename
    data = Path(download.value.path()).read_bytes()
    if name.endswith(".csv"):
        return name, data.decode("utf-8-sig", errors="replace")
    if name.endswith(".pdf"):
        return name, _pdf_text(data)
    if name.endswith((".xlsx", ".zip")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [
                _pdf_text(archive.read(n))
                if n.endswith(".pdf")
                else n + "\n" + archive.read(n).decode("utf-8", errors="replace")
                for n in archive.namelist()
            ]
        return name, "\n".join(parts).replace("&amp;", "&")
    return name, ""  # a PNG: the chart on the page, checked there


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def leaks(text: str, forbidden: list[str]) -> list[str]:
    return [name for name in forbidden if name in text]


def main_options(page: Page) -> list[str]:
    """Every option of every selectbox on the page body."""
    found = []
    main = page.get_by_test_id("stMain")
    for box in main.get_by_role("combobox").filter(visible=True).all():
        found += options(page, box)
    return found


def sweep(page: Page, forbidden: list[str], downloads: bool = False) -> dict[str, list[str]]:
    """Every page of the navigation, every tab of it: names from ``forbidden`` in its text,
    its pickers' options, the sidebar or (``downloads``) its files. Page -> names found."""
    found: dict[str, list[str]] = {}
    main = page.get_by_test_id("stMain")
    for path in nav_paths(page):
        open_path(page, path)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        shown = leaks(ui.sidebar(page).inner_text(), forbidden)
        if downloads and path == "reports":
            main.get_by_role("button", name="Lav ZIP-fil").click()
            expect(main.get_by_role("button", name="Hent ZIP-fil")).to_be_visible(timeout=120_000)
        tabs = main.get_by_role("tab")
        for tab in range(max(1, tabs.count())):
            if tabs.count():
                tabs.nth(tab).click()
                ui.settle(page)
            shown += ui.wait_for_text_without(page, forbidden)
            shown += leaks("\n".join(main_options(page)), forbidden)
            if downloads:
                for button in main.get_by_test_id("stDownloadButton").filter(visible=True).all():
                    name, content = downloaded_text(page, button.get_by_role("button"))
                    shown += [f"{name}: {n}" for n in leaks(content, forbidden)]
        if shown:
            found[path or "overview"] = shown
    return found


def sign_out(page: Page, server: oidc.SignInServer) -> None:
    """Sign out in the sidebar (or on the no-access page), through the provider's end of
    session, back to the sign-in page."""
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(f"{server.provider}/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{server.url}/**")
    oidc.sign_in_page(page)


def audit_log(server: oidc.SignInServer) -> list[tuple[str, str]]:
    log = audit.read(server.db)
    return list(zip(log["who"].to_list(), log["action"].to_list(), strict=True))


def expect_only_sign_in(page: Page) -> None:
    oidc.sign_in_page(page)
    expect(ui.sidebar(page).get_by_test_id("stSidebarNavLink")).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.locator(".vega-embed")).to_have_count(0)
    assert not leaks(ui.main_text(page), sorted(ALL_WORKPLACES))


# -- the tests -------------------------------------------------------------------------------


def test_without_signing_in_there_is_only_the_sign_in_page(page, signin):
    page.goto(signin.url)
    expect_only_sign_in(page)
    ui.shoot(page, "signin-page")
    # Not by another page's URL, nor with filters in the URL.
    for path in ["heatmap", "admin", "import_data", f"?workplace={WORKPLACE}&department=Transport"]:
        page.goto(f"{signin.url}/{path}")
        expect_only_sign_in(page)


def test_an_administrator_sees_every_workplace_and_the_users(page, signin):
    oidc.sign_in(page, signin, USERS["admin"].email)
    ui.open_overview(page)
    assert set(sidebar_options(page, "Arbejdsplads")) == ALL_WORKPLACES
    expect(ui.sidebar(page)).to_contain_text("Logget ind som admin@example.dk (administrator)")
    ui.shoot(page, "signin-admin")
    assert {"import_data", "admin"} <= set(nav_paths(page))
    open_path(page, "admin")
    expect(page.get_by_role("heading", name="Brugere og log")).to_be_visible()
    users = ui.table(page, 0, USERS["department-manager"].email)
    assert USERS["works-council"].email in users.locator("table").inner_text()
    assert (USERS["admin"].email, "sign_in") in audit_log(signin)


def test_someone_who_is_not_a_user_sees_nothing_and_can_sign_out(page, signin):
    oidc.sign_in(page, signin, oidc.STRANGER)
    expect(page.get_by_test_id("stMain")).to_contain_text(
        f"Du er logget ind som {oidc.STRANGER}, men har ikke adgang"
    )
    expect(ui.sidebar(page).get_by_test_id("stSidebarNavLink")).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    ui.shoot(page, "signin-no-access")
    sign_out(page, signin)
    assert (oidc.STRANGER, "refused") in audit_log(signin)


def test_sign_out_ends_the_session(page, signin):
    email = USERS["management"].email
    oidc.sign_in(page, signin, email)
    expect(ui.picker(page, "Arbejdsplads")).to_be_visible()
    sign_out(page, signin)
    # The sign-in cookie is gone: a new visit is not signed in.
    page.goto(signin.url)
    expect_only_sign_in(page)
    log = audit_log(signin)
    assert log.index((email, "sign_out")) < log.index((email, "sign_in"))  # newest first


def test_management_sees_its_workplace_and_every_department(page, signin):
    oidc.sign_in(page, signin, USERS["management"].email)
    ui.open_overview(page)
    assert sidebar_options(page, "Arbejdsplads") == [WORKPLACE]
    # Typed: a long list shows only some of its options at a time.
    assert OTHER_DEPARTMENT in sidebar_options(page, "Afdeling", typed=OTHER_DEPARTMENT)
    assert OWN_DEPARTMENT in sidebar_options(page, "Afdeling", typed=OWN_DEPARTMENT)
    paths = nav_paths(page)
    assert "admin" not in paths and "import_data" not in paths
    assert sweep(page, OUTSIDE_MEJERI) == {}


def test_a_consultant_sees_the_workplaces_named(page, signin):
    oidc.sign_in(page, signin, USERS["consultant"].email)
    ui.open_overview(page)
    assert set(sidebar_options(page, "Arbejdsplads")) == {WORKPLACE, OTHER_WORKPLACE}
    paths = nav_paths(page)
    assert "import_data" in paths and "admin" not in paths
    open_path(page, "benchmark")
    shown = ui.wait_for_text_without(page, ["Kommunens Borgerservice", "Nordlys"])
    assert shown == []


def test_the_works_council_reads_but_does_not_import_or_edit_plans(page, signin):
    oidc.sign_in(page, signin, USERS["works-council"].email)
    ui.open_overview(page)
    assert sidebar_options(page, "Arbejdsplads") == [WORKPLACE]
    paths = nav_paths(page)
    assert "import_data" not in paths and "admin" not in paths
    open_path(page, "plans")
    expect(page.get_by_role("heading", name="Planer", exact=True)).to_be_visible()
    expect(page.get_by_text("Ny handleplan")).to_have_count(0)
    # A page the role does not have is not reachable by its URL either.
    for path in ["import_data", "admin"]:
        page.goto(f"{signin.url}/{path}")
        ui.settle(page)
        expect(page.get_by_role("heading", name="Brugere og log")).to_have_count(0)
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
        assert USERS["admin"].email not in ui.main_text(page)


def test_a_department_manager_sees_the_workplace_and_only_their_department(page, signin):
    oidc.sign_in(page, signin, USERS["department-manager"].email)
    ui.open_overview(page)
    assert sidebar_options(page, "Arbejdsplads") == [WORKPLACE]
    assert sidebar_options(page, "Afdeling") == ["Hele arbejdspladsen", OWN_DEPARTMENT]
    # Typing another department's name into the picker finds nothing.
    assert OTHER_DEPARTMENT not in sidebar_options(page, "Afdeling", typed=OTHER_DEPARTMENT)
    ui.choose(page, "Afdeling", OWN_DEPARTMENT)
    ui.shoot(page, "signin-department-manager")
    forbidden = OTHER_DAIRY_DEPARTMENTS + OUTSIDE_MEJERI
    assert sweep(page, forbidden, downloads=True) == {}


def test_a_department_manager_cannot_get_another_department_by_url(page, signin):
    oidc.sign_in(page, signin, USERS["department-manager"].email)
    forbidden = OTHER_DAIRY_DEPARTMENTS + OUTSIDE_MEJERI
    for path in [
        f"?department={OTHER_DEPARTMENT}",
        f"heatmap?workplace={OTHER_WORKPLACE}&department={OTHER_DEPARTMENT}",
        f"reports?department={OTHER_DEPARTMENT}",
        "admin",
    ]:
        page.goto(f"{signin.url}/{path}")
        ui.settle(page)
        expect(ui.picker(page, "Afdeling")).to_be_visible()
        assert ui.picker(page, "Afdeling").input_value() in ("Hele arbejdspladsen", OWN_DEPARTMENT)
        assert ui.wait_for_text_without(page, forbidden) == [], path
        expect(page.get_by_role("heading", name="Brugere og log")).to_have_count(0)
