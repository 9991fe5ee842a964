"""AppTest for the analysis pages: heatmap, items, correlations, benchmark, response.

The figures come from a small hand-computed organisation (every person answers one code
throughout, so every score is that code's points):

    Mejeri Øst: Køkken 6 × 75, Pakkeri 7 × 100, Lager 3 × 0 (hidden), Vask 5 × 50 (hidden
                to protect Lager); the workplace (1400/21 = 66.7, n 21)
    Mejeri Vest: Kontor 8 × 25, Værksted 6 × 75 (650/14 = 46.4, n 14)
    all: 2050/35 = 58.6 (n 35)
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import analysis_charts as charts
from queries.store import Store
from tests.analysis.helpers import load

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
GROUPS = [("Mejeri Øst", "Køkken", 4, 6), ("Mejeri Øst", "Pakkeri", 5, 7)]
GROUPS += [("Mejeri Øst", "Lager", 1, 3), ("Mejeri Øst", "Vask", 3, 5)]
GROUPS += [("Mejeri Vest", "Kontor", 2, 8), ("Mejeri Vest", "Værksted", 4, 6)]


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "analysis.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(path))
    store = Store(path)
    load(store, [(w, d, [code] * 21) for w, d, code, count in GROUPS for _ in range(count)])
    invited = [("Køkken", 8), ("Pakkeri", 14), ("Lager", 4), ("Vask", 5)]
    roster = pl.DataFrame(
        [
            {"department": d, "email": f"{d}{i}@x.dk", "name": "X"}
            for d, count in invited
            for i in range(count)
        ]
    )
    store.replace_roster(roster, "Mejeri Øst", "R", None, "roster.txt")
    return path


def open_page(page: str, department: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.selectbox(key="workplace").select("Mejeri Øst").run()
    if department:
        at.sidebar.selectbox(key="department_da").select(department).run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception
    return at


def chart_data(at: AppTest, index: int = 0, column: str = "text") -> pl.DataFrame:
    """The rows behind a chart on the page, as the browser gets them (the data set that
    has ``column``, where a chart has several)."""
    chart = at.get("vega_lite_chart")[index].proto
    for dataset in chart.datasets:
        frame = pl.from_arrow(pa.ipc.open_stream(dataset.data.data).read_all())
        if column in frame.columns:
            return frame
    raise AssertionError(f"no data set with {column!r}")


def cells(frame: pl.DataFrame) -> dict[tuple[str, str], str]:
    return {(r["row"], r["col"]): r["text"] for r in frame.iter_rows(named=True)}


def test_heatmap_shows_scores_and_n_and_hides_small_departments(db):
    at = open_page("heatmap")
    data = chart_data(at)
    got = cells(data)
    # ≈: an uncertain mean. Køkken: 6 persons, fewer than the 19 a team mean needs.
    assert got[("Køkken", "Inden for teamet")] == "≈75\nn = 6"
    assert got[("Pakkeri", "Samlet")] == "100\nn = 7"  # the overall score has no interval
    # The workplace: SD 33.9 (sum of squares 22916.7 / 20), half-width 2.086 · 33.9 / √21
    # = 15.4 > 10 points; all workplaces: SD 32.1, half-width 2.032 · 32.1 / √35 = 11.0.
    assert got[("Hele arbejdspladsen", "Mellem teams")] == "≈67\nn = 21"
    assert got[("Alle arbejdspladser", "Nærmeste leder")] == "≈59\nn = 35"
    assert got[("Lager", "Inden for teamet")] == "færre end\n5 svar"
    assert got[("Vask", "Ledelse og arbejdsplads")] == "skjult*"
    hidden = data.filter(pl.col("hidden"))
    assert set(hidden["row"]) == {"Lager", "Vask"}
    # No number of a hidden cell anywhere: not in the text, the colour or the tooltip.
    assert hidden["value"].null_count() == hidden.height
    assert not any(ch.isdigit() for tip in hidden["tooltip"] for ch in tip.replace("5 svar", ""))
    more = hidden.select(pl.col("^tooltip_.*$"))  # the tooltip's further lines: none at all
    assert more.width and all(more[c].null_count() == hidden.height for c in more.columns)
    # Colour: the difference from the whole workplace (75 - 1400/21 = 8.33 points).
    kitchen = data.filter((pl.col("row") == "Køkken") & (pl.col("col") == "Inden for teamet"))
    assert kitchen["value"][0] == pytest.approx(75 - 1400 / 21)
    assert "Forskel fra hele arbejdspladsen" in at.get("vega_lite_chart")[0].proto.spec


def test_heatmap_leaves_a_neutral_band_uncoloured(db):
    """Issue 17: a difference within ± neutral_band (5 points) is white, and the page says so;
    the band follows the setting."""
    at = open_page("heatmap")
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "abs(datum.value) < 5.0 ? 0 : datum.value" in spec
    assert "Forskelle på under 5 point er ikke farvet" in " ".join(c.value for c in at.caption)


def test_the_neutral_band_follows_its_setting(db, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_NEUTRAL_BAND", "3")
    at = open_page("heatmap")
    assert "abs(datum.value) < 3.0 ? 0 : datum.value" in at.get("vega_lite_chart")[0].proto.spec
    assert "Forskelle på under 3 point er ikke farvet" in " ".join(c.value for c in at.caption)


def test_the_heatmap_chart_colours_by_the_shade_outside_the_band():
    """The chart builder: the colour reads 'shade' (0 inside the band), the scale's pale
    ends sit at the band's edge."""
    frame = pl.DataFrame(
        {
            "row": ["A", "B"],
            "department": ["A", "B"],
            "col": ["x", "x"],
            "group": [None, None],
            "value": [4.0, -6.0],
            "text": ["", ""],
            "hidden": [False, False],
            "dark": [False, False],
            "tooltip": ["", ""],
        }
    )
    spec = charts.heatmap(frame, ["A", "B"], ["x"], "Forskel", limit=10, neutral=5).to_dict()
    layers = spec["layer"] if "layer" in spec else spec["spec"]["layer"]
    text_spec = str(layers)
    assert "'shade'" in text_spec or '"shade"' in text_spec
    assert "[-10, -5, 0, 5, 10]" in text_spec.replace(".0", "")


def test_heatmap_comparison_sort_and_items(db):
    at = open_page("heatmap")
    at.button_group(key="heatmap_reference").set_value("all").run()
    at.button_group(key="heatmap_sort").set_value("size").run()
    assert not at.exception
    data = chart_data(at)
    kitchen = data.filter((pl.col("row") == "Køkken") & (pl.col("col") == "Samlet"))
    assert kitchen["value"][0] == pytest.approx(75 - 2050 / 35)
    # By size, largest first: Pakkeri 7, Køkken 6, Vask 5, Lager 3.
    assert at.selectbox(key="heatmap_drill_pick").options == ["Pakkeri", "Køkken", "Vask", "Lager"]
    at.button_group(key="heatmap_form").set_value("leader").run()
    items = cells(chart_data(at, 1))
    assert items[("Pakkeri", "Spm. 13")] == "100\nn = 7"
    assert items[("Lager", "Spm. 18")] == "færre end\n5 svar"
    at.button_group(key="heatmap_reference").set_value("bands").run()
    assert set(chart_data(at)["value"].drop_nulls()) == {"50-59", "60-69", "70-79", "80 og derover"}


def test_heatmap_drills_down_to_the_overview(db):
    at = open_page("heatmap")
    at.selectbox(key="heatmap_drill_pick").select("Køkken").run()
    at.button(key="heatmap_drill_button").click().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="department_da").value == "Køkken"
    assert at.title[0].value == "Mejeri Øst: Køkken"


def test_items_next_to_workplace_and_all(db):
    at = open_page("items", "Køkken")
    assert at.title[0].value == "De 21 spørgsmål: Køkken"
    first = at.table[0].value  # the team form's six questions
    row = first.iloc[0]
    assert row["Køkken"] == "75,0 (n = 6)"
    assert row["Hele arbejdspladsen"] == "66,7 (n = 21)"
    assert row["Alle arbejdspladser"] == "58,6 (n = 35)"
    assert row["Forskel til arbejdspladsen"] == "+8,3"
    assert row["Forskel til alle"] == "+16,4"
    assert row["Spørgsmål"].startswith("I vores gruppe hjælper vi kolleger")
    assert len(at.table) == 4 and sum(len(t.value) for t in at.table) == 21
    dots = chart_data(at, column="group")
    assert set(dots["group"]) == {"Køkken", "Hele arbejdspladsen", "Alle arbejdspladser"}


def test_items_of_a_hidden_department_show_no_numbers(db):
    at = open_page("items", "Lager")
    assert "Færre end 5 besvarelser" in at.warning[0].body
    for table in at.table:
        assert set(table.value["Lager"]) == {"–"}
        assert set(table.value["Forskel til arbejdspladsen"]) == {"–"}
    assert "Lager" not in set(chart_data(at, column="group")["group"])


def test_items_in_english(db):
    at = open_page("items", "Køkken")
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    row = at.table[0].value.iloc[0]
    assert row["Whole workplace"] == "66.7 (n = 21)"
    assert row["Question"].startswith("In our group we help colleagues")


def test_correlations_below_the_minimum_n_are_not_shown(db):
    """Issue 17: the workplace's 21 persons are fewer than min_correlation_n (30)."""
    at = open_page("correlations")
    data = chart_data(at)
    assert data["hidden"].all() and data["value"].null_count() == 16
    assert set(data["text"]) == {"under 30\npersoner"}
    assert "for få personer" in at.warning[0].body
    text = " ".join(m.value for m in at.markdown)
    assert "mindst 30 personer" in text and "sandsynligvis" not in text


def test_correlations_of_the_workplace_and_a_hidden_department(db, monkeypatch):
    monkeypatch.setenv("SOCIALKAPITAL_MIN_CORRELATION_N", "5")  # this test is about r and privacy
    at = open_page("correlations")
    got = cells(chart_data(at))
    # Everyone answers alike within a person: the forms move together exactly.
    assert got[("Inden for teamet", "Mellem teams")] == "1,00\nn = 21"
    assert "Stærkest er sammenhængen" in at.markdown[0].value
    at.toggle(key="correlations_items").set_value(True).run()
    assert not at.exception
    assert cells(chart_data(at, 1))[("1", "21")] == "1,00"

    at = open_page("correlations", "Lager")
    data = chart_data(at)
    assert data["hidden"].all() and data["value"].null_count() == 16
    assert set(data["text"]) == {"færre end\n5 svar"}
    assert "ingen sammenhænge at vise" in at.warning[0].body
    at.button_group(key="correlations_scope_3").set_value("workplace").run()
    assert not chart_data(at)["hidden"].any()


def test_benchmark_table_and_a_selection(db):
    at = open_page("benchmark")
    table = at.table[-1].value.set_index("Form")
    assert table.loc["Inden for teamet", "Gennemsnit"] == "59"
    assert table.loc["Inden for teamet", "Spænd mellem arbejdspladser"] == "46-67"
    assert table.loc["Inden for teamet", "Spænd mellem afdelinger"] == "25-100"
    assert table.loc["Inden for teamet", "Afdelinger med tal"] == "4 af 6"
    heat = cells(chart_data(at, 1))
    assert heat[("Mejeri Vest", "Samlet")] == "46\nn = 14"
    at.multiselect(key="benchmark_sites").set_value(["Mejeri Vest"]).run()
    assert not at.exception
    table = at.table[-1].value.set_index("Form")
    assert table.loc["Nærmeste leder", "Gennemsnit"] == "46"
    assert table.loc["Nærmeste leder", "Spænd mellem afdelinger"] == "25-75"


def test_response_rates_and_flags(db):
    at = open_page("response")
    table = at.table[0].value.set_index("Gruppe")
    assert table.loc["Køkken", "Svarprocent"] == "75 %"
    assert table.loc["Pakkeri", "Svarprocent"] == "50 %"
    assert table.loc["Pakkeri", "Bemærkning"] == "lav svarprocent"
    assert table.loc["Lager", "Bemærkning"] == "for få svar til at vise tal"
    assert table.loc["Hele arbejdspladsen", "Inviterede"] == "31"
    bars = chart_data(at, column="label")
    assert bars.filter(pl.col("group") == "Pakkeri")["label"][0] == "50 %"
    sites = at.table[1].value.set_index("Gruppe")
    assert sites.loc["Mejeri Vest", "Bemærkning"] == "ingen deltagerliste"


def test_downloads_open_as_spreadsheets_expect_them():
    from dashboard import analysis_ui

    frame = pl.DataFrame({"Afdeling": ["Køkken", "Lager"], "Score": [66.6667, None]})
    danish = analysis_ui.csv_bytes(frame, "da").decode("utf-8-sig")
    assert danish.splitlines() == ["Afdeling;Score", "Køkken;66,67", "Lager;"]
    english = analysis_ui.csv_bytes(frame, "en").decode("utf-8-sig")
    assert english.splitlines()[1] == "Køkken,66.67"
    assert analysis_ui.xlsx_bytes(frame, "varmekort").startswith(b"PK")
    import altair as alt

    png = analysis_ui.png_bytes(alt.Chart(frame).mark_bar().encode(x="Score:Q", y="Afdeling:N"))
    assert png.startswith(b"\x89PNG")
