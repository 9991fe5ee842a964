"""The demo data set: shape, privacy-relevant structure and realistic statistics.

Expected values are computed here from the generated frames with plain numpy/polars and the
scoring rule of domain.md (mean of answered items, at least half answered), not with demo.py's
internals.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest

from socialkapital import demo, instrument

INS = instrument.load()
SCORE = {p.labels["da"]: p.score for p in INS.scale}
ITEM_KEYS = INS.item_keys
SEED_CORRELATION = {
    ("team", "between"): 0.26,
    ("team", "leader"): 0.29,
    ("between", "leader"): 0.21,
    ("team", "workplace"): 0.36,
    ("between", "workplace"): 0.33,
    ("leader", "workplace"): 0.62,
}
BENCHMARK_MEAN = {"team": 73, "between": 66, "leader": 74, "workplace": 66}


@pytest.fixture(scope="module")
def rounds() -> list[demo.DemoRound]:
    return demo.generate()


def person_scores(responses: pl.DataFrame) -> pl.DataFrame:
    """Workplace, department and one 0-100 score per dimension (NaN when under half answered)."""
    columns = {"workplace": responses["workplace"], "department": responses["department"]}
    for dim in INS.dimension_keys:
        keys = [item.key for item in INS.items_of(dim)]
        scores = np.column_stack(
            [[SCORE.get(v, np.nan) for v in responses[key].to_list()] for key in keys]
        )
        answered = (~np.isnan(scores)).sum(axis=1)
        total = np.nansum(scores, axis=1)
        mean = np.divide(total, answered, out=np.full(len(total), np.nan), where=answered > 0)
        columns[f"s_{dim}"] = np.where(answered * 2 >= len(keys), mean, np.nan)
    return pl.DataFrame(columns)


def department_table(responses: pl.DataFrame) -> pl.DataFrame:
    """Respondents and dimension means per department."""
    dims = [f"s_{d}" for d in INS.dimension_keys]
    return (
        person_scores(responses)
        .with_columns(pl.col(dims).fill_nan(None))
        .group_by("workplace", "department")
        .agg(pl.len().alias("n"), *[pl.col(d).mean() for d in dims])
    )


def icc1(responses: pl.DataFrame, dim: str) -> float:
    """ANOVA ICC(1) of person scores on department, k = N/K (statistics.md)."""
    scores = person_scores(responses).filter(pl.col(f"s_{dim}").is_not_nan())
    y = scores[f"s_{dim}"].to_numpy()
    groups = (scores["workplace"] + "/" + scores["department"]).to_numpy()
    _, group = np.unique(groups, return_inverse=True)
    n_groups, n = group.max() + 1, len(y)
    size = np.bincount(group)
    means = np.bincount(group, weights=y) / size
    msb = np.sum(size * (means - y.mean()) ** 2) / (n_groups - 1)
    msw = np.sum((y - means[group]) ** 2) / (n - n_groups)
    k = n / n_groups
    return (msb - msw) / (msb + (k - 1) * msw)


def invited(demo_round: demo.DemoRound) -> pl.DataFrame:
    """The roster as a frame: workplace, email, name, department."""
    return pl.DataFrame(
        [(wp, *row) for wp, roster in demo_round.rosters.items() for row in roster],
        schema=["workplace", "email", "name", "department"],
        orient="row",
    )


# --- Structure ------------------------------------------------------------------------------------


def test_layout_is_the_import_template(rounds):
    assert [r.name for r in rounds] == ["Måling forår 2025", "Måling forår 2026"]
    assert (rounds[1].date - rounds[0].date).days in range(350, 380)
    for r in rounds:
        assert r.responses.columns == ["workplace", "department", "respondent", *ITEM_KEYS]
        assert all(dtype == pl.String for dtype in r.responses.dtypes)


def test_workplaces_and_departments(rounds):
    for r in rounds:
        frame = r.responses
        assert 4 <= frame["workplace"].n_unique() <= 5
        assert set(r.rosters) == set(frame["workplace"].unique())
        assert 35 <= frame.select("workplace", "department").unique().height <= 45
        admin = frame.filter(pl.col("department") == "Administration")
        assert admin["workplace"].n_unique() == 2
        assert any(re.search("[æøå]", name) for name in frame["department"].unique())


@pytest.mark.parametrize("respondents", [2000, 800, 400])
def test_respondents_per_round_near_the_request(respondents):
    rounds = demo.generate(seed=11, respondents=respondents)
    for r in rounds:
        assert abs(r.responses.height - respondents) <= 0.10 * respondents


def test_too_few_respondents_is_refused():
    with pytest.raises(ValueError):
        demo.generate(respondents=50)


def test_some_departments_fall_below_the_anonymity_threshold(rounds):
    for r in rounds:
        sizes = r.responses.group_by("workplace", "department").len()
        assert sizes.filter(pl.col("len").is_between(1, 4)).height >= 3


def test_respondents_are_invited_people_of_their_own_department(rounds):
    for r in rounds:
        roster = invited(r)
        assert roster["email"].n_unique() == roster.height
        assert r.responses["respondent"].n_unique() == r.responses.height
        joined = r.responses.join(
            roster, left_on=["workplace", "respondent"], right_on=["workplace", "email"]
        )
        assert joined.height == r.responses.height
        assert (joined["department"] == joined["department_right"]).all()
        counts = (
            roster.group_by("workplace", "department")
            .len("invited")
            .join(
                r.responses.group_by("workplace", "department").len("answered"),
                on=["workplace", "department"],
                how="left",
            )
            .with_columns(pl.col("answered").fill_null(0))
        )
        assert (counts["answered"] <= counts["invited"]).all()
        assert counts["invited"].min() >= 3
        assert counts["invited"].max() <= 130
        large = counts.filter(pl.col("invited") >= 20)
        rate = large["answered"] / large["invited"]
        assert rate.min() >= 0.55
        assert rate.max() <= 0.96


def test_roster_emails_and_names_look_danish(rounds):
    pattern = re.compile(r"^[a-z-]+\.[a-z-]+[0-9]*@[a-z-]+\.dk$")
    roster = invited(rounds[0])
    assert all(pattern.match(email) for email in roster["email"])
    assert all(len(name.split()) in (2, 3) for name in roster["name"])
    assert any(re.search("[æøå]", name) for name in roster["name"])
    assert any("oe" in email or "aa" in email or "ae" in email for email in roster["email"])


def test_people_can_be_followed_between_rounds(rounds):
    first, second = (set(r.responses["respondent"]) for r in rounds)
    assert len(first & second) >= 0.5 * len(second)
    roster1, roster2 = (set(invited(r)["email"]) for r in rounds)
    assert 0.75 * len(roster1) <= len(roster1 & roster2) < len(roster1)


def test_one_department_is_split_and_the_rest_are_stable(rounds):
    first, second = (
        set(r.responses.select("workplace", "department").unique().iter_rows()) for r in rounds
    )
    gone, new = first - second, second - first
    assert len(gone) == 1
    assert len(new) == 2
    (workplace, name) = next(iter(gone))
    assert all(w == workplace and d.startswith(name) for w, d in new)


# --- Answers --------------------------------------------------------------------------------------


def test_every_answer_is_a_label_ved_ikke_or_blank(rounds):
    allowed = {*SCORE, "Ved ikke", "", None}
    for r in rounds:
        values = r.responses.select(ITEM_KEYS).to_numpy().ravel()
        assert set(values) <= allowed
        assert set(SCORE) <= set(values)
        dont_know = np.mean(values == "Ved ikke")
        blank = np.mean([v is None or v == "" for v in values])
        assert 0.02 <= dont_know <= 0.04
        assert 0.01 <= blank <= 0.03
        assert None in set(values)
        assert "" in set(values)


def test_a_few_respondents_skip_most_of_a_dimension(rounds):
    for r in rounds:
        scores = person_scores(r.responses).select(pl.col("^s_.*$")).to_numpy()
        missing_a_dimension = np.isnan(scores).any(axis=1).sum()
        assert 5 <= missing_a_dimension <= 0.05 * len(scores)


def test_dimension_means_and_person_spread_are_realistic(rounds):
    for r in rounds:
        scores = person_scores(r.responses)
        for dim, benchmark in BENCHMARK_MEAN.items():
            values = scores[f"s_{dim}"].to_numpy()
            assert abs(np.nanmean(values) - benchmark) <= 4, dim
            assert 14 <= np.nanstd(values) <= 23, dim


def test_correlations_resemble_the_seed(rounds):
    for r in rounds:
        scores = person_scores(r.responses)
        for (a, b), expected in SEED_CORRELATION.items():
            pair = scores.select(f"s_{a}", f"s_{b}").to_numpy()
            pair = pair[~np.isnan(pair).any(axis=1)]
            observed = np.corrcoef(pair.T)[0, 1]
            if (a, b) == ("leader", "workplace"):
                assert 0.45 <= observed <= 0.75
            assert abs(observed - expected) <= 0.12, (a, b, observed)


def test_departments_differ_realistically(rounds):
    for r in rounds:
        table = department_table(r.responses).filter(pl.col("n") >= 5)
        assert 3 <= table["s_team"].std() <= 12
        for dim in INS.dimension_keys:
            assert 0.02 <= icc1(r.responses, dim) <= 0.30, dim


def test_round_two_shows_modest_changes(rounds):
    before, after = (department_table(r.responses) for r in rounds)
    both = before.join(after, on=["workplace", "department"], suffix="_2").filter(
        (pl.col("n") >= 20) & (pl.col("n_2") >= 20)
    )
    changes = np.column_stack([both[f"s_{d}_2"] - both[f"s_{d}"] for d in INS.dimension_keys])
    assert np.median(np.abs(changes)) < 3
    assert (changes >= 3).any(axis=1).sum() >= 2
    assert np.abs(changes).max() < 20


# --- Determinism, speed, files --------------------------------------------------------------------


def test_deterministic_for_a_seed():
    first, again, other = demo.generate(7, 600), demo.generate(7, 600), demo.generate(8, 600)
    for a, b in zip(first, again, strict=True):
        assert a.responses.equals(b.responses)
        assert a.rosters == b.rosters
    assert not first[0].responses.equals(other[0].responses)


def test_slug():
    assert demo.slug("Måling forår 2025") == "maaling-foraar-2025"
    assert demo.slug("Nordlys Emballage A/S") == "nordlys-emballage-a-s"
    assert demo.slug("Ost & Lager") == "ost-lager"


def test_write_reads_back(rounds, tmp_path):
    paths = demo.write(rounds, tmp_path / "demo")
    n_rosters = sum(len(r.rosters) for r in rounds)
    assert len(paths) == len(rounds) + n_rosters
    assert all(p.exists() and p.parent == tmp_path / "demo" for p in paths)
    for r in rounds:
        csv = tmp_path / "demo" / f"{demo.slug(r.name)}.csv"
        assert csv in paths
        back = pl.read_csv(csv, infer_schema=False)
        assert back.shape == r.responses.shape
        assert back.columns == r.responses.columns
        assert back["department"].to_list() == r.responses["department"].to_list()
        for workplace, roster in r.rosters.items():
            path = tmp_path / "demo" / f"roster_{demo.slug(workplace)}_{demo.slug(r.name)}.txt"
            lines = path.read_text(encoding="utf-8").splitlines()
            assert len(lines) == len(roster)
            fields = [line.split(";") for line in lines]
            assert all(len(f) == 3 for f in fields)
            assert [tuple(f) for f in fields] == roster
