"""Users, their roles and scopes, in the store (``socialkapital.access`` decides what they see)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from queries.store import Store, _run
from socialkapital import access


def normalise_email(email: str) -> str:
    """E-mail addresses compare trimmed and in lower case, as providers differ in case."""
    return email.strip().lower()


def list_users(store: Store) -> pl.DataFrame:
    """email, role, workplace, department, added_at: one row per scope entry."""
    return store.frame("users")


def viewer_for(store: Store, email: str | None) -> access.Viewer | None:
    """The viewer a signed-in e-mail is, or None when it is not a user of this store."""
    if not email:
        return None
    key = normalise_email(email)
    rows = store.frame("user", email=key)
    if not rows.height:
        return None
    scope = [(w, d) for w, d in rows.select("workplace", "department").iter_rows() if w]
    return access.viewer(key, rows["role"][0], scope)


def add_user(
    store: Store,
    email: str,
    role: str,
    workplaces: list[str] | None = None,
    departments: list[str] | None = None,
) -> access.Viewer:
    """Add a user (or replace their role and scope). Names must be known to the store;
    they are stored as the store spells them."""
    key = normalise_email(email)
    if "@" not in key or " " in key:
        raise access.InvalidUser("users.bad_email", email=email)
    workplaces, departments = list(workplaces or []), list(departments or [])
    access.check_scope(role, workplaces, departments)
    scope = _resolve(store, workplaces, departments)
    with store.writing() as con:
        _run(con, "DELETE FROM user_scopes WHERE email = $e", {"e": key})
        _run(con, "DELETE FROM users WHERE email = $e", {"e": key})
        _run(
            con,
            "INSERT INTO users VALUES ($e, $role, $at)",
            {"e": key, "role": role, "at": datetime.now()},
        )
        for workplace, department in scope:
            _run(
                con,
                "INSERT INTO user_scopes VALUES ($e, $w, $d)",
                {"e": key, "w": workplace, "d": department},
            )
    return access.viewer(key, role, scope)


def remove_user(store: Store, email: str) -> bool:
    """Remove a user; False when there was none of that e-mail."""
    key = normalise_email(email)
    with store.writing() as con:
        found = con.execute("SELECT count(*) FROM users WHERE email = $e", {"e": key}).fetchone()
        _run(con, "DELETE FROM user_scopes WHERE email = $e", {"e": key})
        _run(con, "DELETE FROM users WHERE email = $e", {"e": key})
    return bool(found and found[0])


def _resolve(
    store: Store, workplaces: list[str], departments: list[str]
) -> list[tuple[str, str | None]]:
    """Scope rows in the store's spelling; an unknown name is refused with the known ones."""
    known = store.frame("all_names")
    spelled = {w.casefold(): w for w in known["workplace"].unique().to_list()}
    rows: list[tuple[str, str | None]] = []
    for name in workplaces:
        found = spelled.get(name.strip().casefold())
        if found is None:
            raise access.InvalidUser(
                "users.unknown_workplace", workplace=name, known=", ".join(sorted(spelled.values()))
            )
        rows.append((found, None))
    if departments:
        (workplace, _), *_ = rows
        mine = known.filter(pl.col("workplace") == workplace)["department"].drop_nulls()
        by_fold = {d.casefold(): d for d in mine.to_list()}
        rows = []
        for name in departments:
            found = by_fold.get(name.strip().casefold())
            if found is None:
                raise access.InvalidUser(
                    "users.unknown_department",
                    department=name,
                    workplace=workplace,
                    known=", ".join(sorted(by_fold.values())),
                )
            rows.append((workplace, found))
    return rows
