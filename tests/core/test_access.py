"""Roles and scopes (issue 15): what one viewer may see of already gated figures."""

from __future__ import annotations

import polars as pl
import pytest

from socialkapital import access

ROWS = [
    # level, workplace, department, mean, n
    ("all", None, None, 60.0, 40),
    ("workplace", "Mejeri Øst", None, 70.0, 20),
    ("department", "Mejeri Øst", "Køkken", 75.0, 10),
    ("department", "Mejeri Øst", "Pakkeri", 65.0, 10),
    ("workplace", "Plejehjem Å", None, 50.0, 12),
    ("department", "Plejehjem Å", "Nattevagt", 40.0, 6),
    ("department", "Plejehjem Å", "Dagvagt", 60.0, 6),
    ("workplace", "Skole B", None, 55.0, 8),
]
FRAME = pl.DataFrame(
    ROWS, schema=["level", "workplace", "department", "mean", "n"], orient="row"
).with_columns(pl.lit("team").alias("measure"))
OTHERS = ("Plejehjem Å", "Nattevagt", "Dagvagt", "Skole B")


def names(frame: pl.DataFrame) -> set[tuple]:
    return set(frame.select("workplace", "department").iter_rows())


def test_everything_for_local_use_and_admins():
    assert access.restrict(FRAME, access.LOCAL, "da").equals(FRAME)
    admin = access.viewer("a@x.dk", "admin", [])
    assert access.restrict(FRAME, admin, "da").equals(FRAME)


def test_management_sees_its_workplace_by_name_and_others_under_letters():
    v = access.viewer("m@x.dk", "management", [("Mejeri Øst", None)])
    seen = access.restrict(FRAME, v, "da")
    assert seen.height == FRAME.height  # nothing dropped: others are renamed, not removed
    shown = names(seen)
    assert {(None, None), ("Mejeri Øst", None), ("Mejeri Øst", "Køkken")} <= shown
    assert ("Mejeri Øst", "Pakkeri") in shown
    text = str(seen.to_dicts())
    assert not any(other in text for other in OTHERS)
    letters = {w for w, d in shown if w and w.startswith("Arbejdsplads ")}
    assert letters == {"Arbejdsplads A", "Arbejdsplads B"}
    # The figures stay with their (renamed) groups: the 12-person site keeps mean 50 and
    # its two departments 40 and 60.
    site = seen.filter(pl.col("n") == 12)
    assert site["workplace"][0] in letters and site["mean"][0] == 50.0
    its = seen.filter(
        (pl.col("workplace") == site["workplace"][0]) & (pl.col("level") == "department")
    )
    assert sorted(its["mean"]) == [40.0, 60.0]
    assert set(its["department"]) == {"Afdeling 1", "Afdeling 2"}
    assert access.restrict(FRAME, v, "en").filter(pl.col("n") == 8)["workplace"][0] in {
        "Workplace A",
        "Workplace B",
    }


def test_department_manager_sees_the_workplace_and_only_their_department():
    v = access.viewer("d@x.dk", "department-manager", [("mejeri øst", "køkken")])
    seen = access.restrict(FRAME, v, "da")
    shown = names(seen)
    assert ("Mejeri Øst", "Køkken") in shown and ("Mejeri Øst", None) in shown
    assert ("Mejeri Øst", "Pakkeri") not in shown
    assert "Pakkeri" not in str(seen.to_dicts())


def protecting() -> pl.DataFrame:
    """FRAME with Pakkeri and Dagvagt hidden to protect Køkken and Nattevagt (whose own
    figures are hidden too: in the frame they stand for departments below the threshold)."""
    whom = {("Mejeri Øst", "Pakkeri"): ["Køkken"], ("Plejehjem Å", "Dagvagt"): ["Nattevagt"]}
    protects = [whom.get((w, d)) for w, d in FRAME.select("workplace", "department").rows()]
    return FRAME.with_columns(pl.Series("protects", protects, dtype=pl.List(pl.String)))


def test_whom_a_hidden_figure_protects_is_named_as_the_viewer_sees_them():
    # Issue 18: the reason a figure is hidden names the department it protects; a viewer
    # with a scope must not learn another department's name from it.
    frame = protecting()
    manager = access.viewer("d@x.dk", "department-manager", [("Mejeri Øst", "Pakkeri")])
    seen = access.restrict(frame, manager, "da")
    pakkeri = seen.filter(pl.col("department") == "Pakkeri")
    assert pakkeri["protects"].to_list() == [None]  # Køkken is not theirs to see
    assert "Køkken" not in str(seen.to_dicts())
    both = access.viewer(
        "d@x.dk", "department-manager", [("Mejeri Øst", "Pakkeri"), ("Mejeri Øst", "Køkken")]
    )
    seen = access.restrict(frame, both, "da")
    assert seen.filter(pl.col("department") == "Pakkeri")["protects"].to_list() == [["Køkken"]]
    # Another workplace's departments go by their stand-in names, in the reason too.
    management = access.viewer("m@x.dk", "management", [("Mejeri Øst", None)])
    seen = access.restrict(frame, management, "da")
    text = str(seen.to_dicts())
    assert "Nattevagt" not in text and "Dagvagt" not in text
    other = seen.filter(pl.col("protects").is_not_null() & (pl.col("n") == 6))
    night = seen.filter((pl.col("n") == 6) & pl.col("protects").is_null())
    assert other["protects"].to_list() == [night["department"].to_list()]
    assert seen.filter(pl.col("department") == "Pakkeri")["protects"].to_list() == [["Køkken"]]


def test_pseudonyms_do_not_follow_the_alphabet():
    # With letters given by name, "Arbejdsplads A" would always be the first name: across
    # 20 sets of names, the hash order differs from the alphabetical one at least once.
    differs = 0
    for k in range(20):
        batch = [f"Sted {k}-{i}" for i in range(5)]
        letters = access.pseudonyms(batch, "da")
        by_letter = sorted(batch, key=lambda n: letters[n])
        differs += by_letter != sorted(batch)
    assert differs > 0


@pytest.mark.parametrize(
    ("role", "workplaces", "departments", "key"),
    [
        ("boss", [], [], "users.bad_role"),
        ("admin", ["W"], [], "users.admin_no_scope"),
        ("consultant", [], [], "users.some_workplace"),
        ("management", ["W", "V"], [], "users.one_workplace"),
        ("works-council", [], [], "users.one_workplace"),
        ("department-manager", ["W"], [], "users.needs_department"),
        ("management", ["W"], ["D"], "users.no_department"),
    ],
)
def test_a_scope_that_does_not_fit_the_role_is_refused(role, workplaces, departments, key):
    with pytest.raises(access.InvalidUser) as caught:
        access.check_scope(role, workplaces, departments)
    assert caught.value.key == key


def test_scopes_that_fit():
    access.check_scope("admin", [], [])
    access.check_scope("consultant", ["W", "V"], [])
    access.check_scope("department-manager", ["W"], ["D", "E"])


@pytest.mark.parametrize(
    ("role", "scope", "department", "edit"),
    [
        ("admin", [], None, True),
        ("consultant", [("W", None)], "D", True),
        ("management", [("W", None)], None, True),
        ("works-council", [("W", None)], None, False),
        ("works-council", [("W", None)], "D", False),
        ("department-manager", [("W", "D")], "D", True),
        ("department-manager", [("W", "D")], None, False),  # the workplace's plan: read only
        ("department-manager", [("W", "D")], "E", False),
        ("management", [("V", None)], None, False),  # another workplace
    ],
)
def test_who_may_edit_a_plan(role, scope, department, edit):
    v = access.viewer("u@x.dk", role, scope)
    assert access.may_edit_plan(v, "W", department) is edit


def test_require_refuses_outside_the_scope():
    v = access.viewer("d@x.dk", "department-manager", [("W", "D")])
    access.require(v, "W")
    access.require(v, "W", "D")
    with pytest.raises(access.OutOfScope):
        access.require(v, "W", "E")
    with pytest.raises(access.OutOfScope):
        access.require(v, "V")
    access.require_request(v, None)  # every workplace together: pooled, allowed
    with pytest.raises(access.OutOfScope):
        access.require_request(v, ["W", "V"])
    with pytest.raises(access.OutOfScope):
        access.require_import(v, ["W"])  # a department manager does not import
    access.require_import(access.viewer("c@x.dk", "consultant", [("W", None)]), ["W"])


def test_trend_lines_that_touch_another_department_are_left_out():
    frame = pl.DataFrame(
        {
            "group": ["W", "D", "D+E", "E"],
            "kind": ["workplace", "department", "department", "department"],
            "members": [[], ["D"], ["D", "E"], ["E"]],
        }
    )
    v = access.viewer("d@x.dk", "department-manager", [("W", "D")])
    assert access.restrict_trends(frame, v, "W")["group"].to_list() == ["W", "D"]
