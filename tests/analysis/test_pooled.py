"""The figures over several workplaces are pooled from the shown workplaces: the mean, the
SD and n are those of the shown workplaces' persons taken together (numpy on raw scores)."""

from __future__ import annotations

import numpy as np
import pytest

from socialkapital import results
from tests.analysis.helpers import DIMS, load, person_scores


def test_pooled_mean_and_sd_are_those_of_the_shown_persons(make_store):
    rng = np.random.default_rng(8)
    rows = []
    for site, people in (("A", 23), ("B", 41), ("C", 3)):  # C: below the threshold
        for k in range(people):
            answers = [int(c) for c in rng.integers(1, 6, 21)]
            rows.append((site, f"{site}{k % 3}", answers))
    store = load(make_store(threshold=5), rows)
    res = results.compute(store, "R")
    shown = [r for r in rows if r[0] != "C"]
    scores = person_scores(shown)
    for dim in DIMS:
        want = scores[dim][~np.isnan(scores[dim])]
        row = res.group(None, None)["measures"][dim]
        assert row["n"] == len(want) == 64
        assert row["mean"] == pytest.approx(want.mean())
        assert row["sd"] == pytest.approx(want.std(ddof=1))
