"""How the cost grows from 100k to 1M to 5M respondents: a table and a log-log chart
(docs/benchmarks-growth.png) from the last full runs' figures (benches/results/*.json), under
"## Growth" in docs/benchmarks.md. Run after the benchmarks: ``python -m benches.growth``.
"""

from __future__ import annotations

import json
import math

import altair as alt
import polars as pl
import vl_convert

from benches import common

CHART = common.DOCS.parent / "benchmarks-growth.png"
HEADING = "## Growth"

# (results file, key, label): each a time in seconds per size.
SERIES = (
    ("read", ("summary", "wall"), "summary --json (process)"),
    ("read", ("pandas", "wall"), "baseline: pandas from Parquet"),
    ("read", ("polars", "wall"), "baseline: polars from Parquet"),
    ("read", ("duckdb", "wall"), "baseline: DuckDB from Parquet"),
    ("analysis", ("cold",), "first view of a round after an import"),
    ("analysis", ("cold_unkept",), "first view, store without kept sums"),
    ("analysis", ("uncached",), "filter change, uncached"),
    ("analysis", ("cached",), "filter change, cached"),
    ("import", ("import_s",), "import of a template CSV (process)"),
    ("import", ("baseline_s",), "baseline: DuckDB read_csv of the same file"),
    ("pages", ("first",), "dashboard: first page after start"),
)


def points() -> pl.DataFrame:
    rows = []
    for name, path, label in SERIES:
        found = common.RESULTS / f"{name}.json"
        if not found.exists():
            continue
        for r in json.loads(found.read_text(encoding="utf-8")):
            value = r
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, int | float) and value > 0 and "respondents" in r:
                rows.append({"what": label, "respondents": r["respondents"], "seconds": value})
    return pl.DataFrame(
        rows, schema={"what": pl.String, "respondents": pl.Int64, "seconds": pl.Float64}
    )


def chart(frame: pl.DataFrame) -> alt.Chart:
    sizes = sorted(frame["respondents"].unique().to_list())
    # A colour of its own for each of the dozen series, and the baselines dashed.
    kind = pl.when(pl.col("what").str.starts_with("baseline")).then(pl.lit("baseline"))
    frame = frame.with_columns(kind.otherwise(pl.lit("product")).alias("kind"))
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "respondents:Q",
                scale=alt.Scale(type="log", domain=[sizes[0] * 0.8, sizes[-1] * 1.25]),
                axis=alt.Axis(values=sizes, format=",", grid=True),
                title="respondents per round",
            ),
            y=alt.Y("seconds:Q", scale=alt.Scale(type="log"), title="seconds (log)"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(scheme="tableau20"),
                legend=alt.Legend(orient="right", labelLimit=320),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                title=None,
                legend=None,  # said in the subtitle
                scale=alt.Scale(domain=["product", "baseline"], range=[[1, 0], [6, 4]]),
            ),
        )
        .properties(
            width=520,
            height=340,
            title=alt.Title(
                "Cost against size (log-log)", subtitle="solid: the product · dashed: a baseline"
            ),
        )
    )


def table(frame: pl.DataFrame) -> list[str]:
    sizes = sorted(frame["respondents"].unique().to_list())
    lines = [
        "| seconds | " + " | ".join(f"{n:,}" for n in sizes) + " | growth per 10× respondents |",
        "|---|" + "---|" * len(sizes) + "---|",
    ]
    for what in frame["what"].unique(maintain_order=True).to_list():
        mine = {
            r["respondents"]: r["seconds"] for r in frame.filter(pl.col("what") == what).to_dicts()
        }
        cells = [f"{mine[n]:.3f}" if n in mine else "" for n in sizes]
        known = [n for n in sizes if n in mine]
        slope = ""
        if len(known) >= 2 and mine[known[0]] > 0:
            a, b = known[0], known[-1]
            slope = f"× {10 ** (math.log10(mine[b] / mine[a]) / math.log10(b / a)):.1f}"
        lines.append(f"| {what} | " + " | ".join(cells) + f" | {slope} |")
    return lines


def main() -> None:
    frame = points()
    CHART.write_bytes(vl_convert.vegalite_to_png(chart(frame).to_dict(), scale=2))
    body = "\n".join(
        [
            HEADING,
            "",
            "From the last full runs above (benches/results/*.json); the growth column is the "
            "factor per ten times more respondents between the smallest and largest size "
            "(10 = grows in proportion; 1 = does not grow).",
            "",
            *table(frame),
            "",
            f"![Cost against size, log-log]({CHART.name})",
            "",
        ]
    )
    common.write_section(HEADING, body)
    print(body)


if __name__ == "__main__":
    main()
