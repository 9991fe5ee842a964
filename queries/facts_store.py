"""The facts of each workplace (CVR number, DB07 section, employees) in the store; checked by
``socialkapital.facts`` before they come here."""

from __future__ import annotations

from queries.sql import query
from queries.store import Store, _run
from queries.store_errors import UnknownWorkplace
from socialkapital.facts import Facts


def all_facts(store: Store) -> dict[str, Facts]:
    """Every workplace the store knows (as it spells it) with its facts."""
    frame = store.frame("workplace_facts")
    return {
        row["workplace"]: Facts(row["cvr"], row["industry"], row["employees"])
        for row in frame.iter_rows(named=True)
    }


def spelled(store: Store, workplace: str) -> str:
    """The workplace as the store spells it (names match in any case); an unknown name is
    refused with the known ones, never made (no workplace without respondents or roster)."""
    known = list(all_facts(store))
    by_fold = {k.casefold(): k for k in known}
    found = by_fold.get(workplace.strip().casefold())
    if found is None:
        raise UnknownWorkplace(workplace.strip(), known)
    return found


def get_facts(store: Store, workplace: str) -> tuple[str, Facts]:
    """(the store's spelling, the facts) of one workplace."""
    name = spelled(store, workplace)
    return name, all_facts(store)[name]


def set_facts(store: Store, workplace: str, facts: Facts) -> str:
    """Replace the facts of one known workplace; returns its name as the store spells it."""
    name = spelled(store, workplace)
    with store.writing() as con:
        # Checked again inside the write: the name must still be there.
        names = {r[0] for r in con.execute(query("workplace_names")).fetchall()}
        if name not in names:
            raise UnknownWorkplace(name, sorted(names))
        _run(
            con,
            query("set_workplace_facts"),
            {
                "workplace": name,
                "cvr": facts.cvr,
                "industry": facts.industry,
                "employees": facts.employees,
            },
        )
    return name
