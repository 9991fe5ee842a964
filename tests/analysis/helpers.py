"""Build small stores straight from answer codes, and independent reference computations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from queries.store import Store
from socialkapital import instrument

INS = instrument.load()
ITEM_KEYS = INS.item_keys
DIMS = {d: [i.number for i in INS.items_of(d)] for d in INS.dimension_keys}
ROUND = "R"


def load(store: Store, rows: Sequence[tuple[str, str, Sequence[int | None]]]) -> Store:
    """Store (workplace, department, 21 codes or None) rows as one survey round."""
    records = [
        {
            "workplace": w,
            "department": d,
            "respondent": f"p{i}",
            **dict(zip(ITEM_KEYS, a, strict=True)),
        }
        for i, (w, d, a) in enumerate(rows)
    ]
    schema = {"workplace": pl.String, "department": pl.String, "respondent": pl.String}
    schema |= {k: pl.Int64 for k in ITEM_KEYS}
    store.replace_responses(pl.DataFrame(records, schema=schema), ROUND, None, "t", "test")
    return store


def person_scores(rows, share: float = 0.5) -> dict[str, np.ndarray]:
    """Per dimension, every person's score (NaN when too few answered), in row order.

    The rule from domain.md, written with numpy: the mean of the answered items' points
    (code 1-5 -> 0-100), when at least half of the dimension's items are answered.
    """
    codes = np.array([[np.nan if a is None else a for a in r[2]] for r in rows], dtype=float)
    points = (codes - 1) * 25
    out = {}
    for dim, numbers in DIMS.items():
        block = points[:, [n - 1 for n in numbers]]
        answered = (~np.isnan(block)).sum(axis=1)
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(answered[:, None] > 0, block, 0), axis=1)
        need = int(np.ceil(len(numbers) * share - 1e-9))
        out[dim] = np.where(answered >= need, mean, np.nan)
    return out
