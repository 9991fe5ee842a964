"""Issue 18 on the demo data: the departments hidden to protect a small one are, in every
workplace and round, the cheapest set a brute force over every subset finds; and the
departments the old gate hid for some measures only (Solgården 2026) keep all their figures."""

from __future__ import annotations

import polars as pl
from typer.testing import CliRunner

from queries.store import Store
from socialkapital import results
from socialkapital.cli import app
from tests.core.test_anonymity import brute_force


def test_the_demo_hides_no_more_than_a_brute_force_would(tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    monkeypatch.setenv("SOCIALKAPITAL_DB", str(db))
    loaded = CliRunner().invoke(app, ["demo", "--load", "--out", str(tmp_path / "demo")])
    assert loaded.exit_code == 0, loaded.output
    store = Store(db)
    kept = {}
    for round_name in store.rounds()["name"].to_list():
        res = results.compute(store, round_name)
        depts = res.measures.filter(
            (pl.col("level") == "department") & (pl.col("measure") != "overall")
        )
        for (workplace,), part in depts.group_by(["workplace"]):
            sizes = {}
            for m, d, n in part.select("measure", "department", "n").iter_rows():
                sizes.setdefault(m, {})[d] = n
            for by_department in sizes.values():  # a department nobody scored in a measure
                for d in part["department"].unique():
                    by_department.setdefault(d, 0)
            secondary = part.filter(pl.col("reason") == "secondary")
            chosen = sorted(set(secondary["department"]))
            assert chosen == brute_force(sizes, store.settings.anonymity_threshold)[2], workplace
            kept[(round_name, workplace)] = chosen
    # The old gate hid Aktivitet & Træning (16) and Rengøring & Vaskeri (15) for their
    # questions and overall as well as Sygeplejersker (12) for everything: the nurses alone
    # protect Ledelse & Sekretariat.
    assert kept[("Måling forår 2026", "Solgården Plejecenter")] == ["Sygeplejersker"]
    assert kept[("Måling forår 2026", "Vestjysk Mejeri")] == ["Rengøring"]
