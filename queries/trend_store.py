"""Trends in the store: the user's department mapping between rounds and the questionnaire
version of each round."""

from __future__ import annotations

import polars as pl

from queries.store import Store, _run, _scalar


class UnknownName(ValueError):
    """The link names a workplace, department or round the store does not have."""


def links(store: Store, workplace: str | None = None) -> pl.DataFrame:
    """The stored mapping (workplace, old_department, new_department, round)."""
    found = store.frame("department_links")
    return found if workplace is None else found.filter(pl.col("workplace") == workplace)


def save_links(
    store: Store, workplace: str, round_name: str, mapping: dict[str, list[str]]
) -> None:
    """Replace a workplace's links into ``round_name`` by ``mapping``: old name -> new names
    (one: renamed; several: split; the same new name under several old ones: merged)."""
    with store.writing() as con:
        workplace_id = _scalar(
            con, "SELECT workplace_id FROM workplaces WHERE name = $w", {"w": workplace}
        )
        round_id = _scalar(con, "SELECT round_id FROM rounds WHERE name = $r", {"r": round_name})
        if workplace_id is None or round_id is None:
            raise UnknownName(f"{workplace} / {round_name}")
        _run(
            con,
            "DELETE FROM department_links WHERE workplace_id = $w AND round_id = $r",
            {"w": workplace_id, "r": round_id},
        )
        for old, news in mapping.items():
            for new in news:
                ids = []
                for name in (old, new):
                    found = _scalar(
                        con,
                        "SELECT department_id FROM departments "
                        "WHERE workplace_id = $w AND name = $n",
                        {"w": workplace_id, "n": name},
                    )
                    if found is None:
                        raise UnknownName(f"{workplace} / {name}")
                    ids.append(found)
                _run(
                    con,
                    "INSERT INTO department_links VALUES ($w, $old, $new, $r)",
                    {"w": workplace_id, "old": ids[0], "new": ids[1], "r": round_id},
                )


def departments_by_round(store: Store, workplace: str) -> dict[str, list[str]]:
    """The workplace's departments with respondents, per round."""
    found = store.frame("workplace_departments_by_round", workplace=workplace)
    out: dict[str, list[str]] = {}
    for round_name, department in found.iter_rows():
        out.setdefault(round_name, []).append(department)
    return out


def round_instruments(store: Store) -> pl.DataFrame:
    """Every round (oldest first) with its date and recorded questionnaire version."""
    return store.frame("round_instruments")


def set_instrument_version(store: Store, round_name: str, version: str) -> None:
    """Record which version of the questionnaire a round used."""
    with store.writing() as con:
        round_id = _scalar(con, "SELECT round_id FROM rounds WHERE name = $r", {"r": round_name})
        if round_id is None:
            raise UnknownName(round_name)
        _run(con, "DELETE FROM round_instruments WHERE round_id = $r", {"r": round_id})
        _run(con, "INSERT INTO round_instruments VALUES ($r, $v)", {"r": round_id, "v": version})
