"""Report charts: Altair specs rendered to sharp PNGs with vl-convert (no browser needed)."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

import polars as pl
import vl_convert

from socialkapital.reports.fonts import FONTS

if TYPE_CHECKING:
    import altair as alt

FONT = "DejaVu Sans"  # the PDF's font, so the chart reads as part of the page
SCALE = 2  # pixels per CSS pixel: about 200 dpi at the width the chart is placed
WIDTH_PX = 700  # drawn at the page's text width (174 mm), so 1 px is about 0.25 mm
COLOURS = ("#0072B2", "#E69F00")  # Okabe-Ito blue and orange: apart in lightness too


@cache
def _fonts() -> None:
    # vl-convert knows only the fonts registered with it; do this once per process.
    vl_convert.register_font_directory(str(FONTS))


def forms_chart(frame: pl.DataFrame, score_title: str) -> alt.Chart:
    """Grouped horizontal bars: per form one bar per group, value labels at the bar ends.

    ``frame`` has columns form, group, score (null = hidden) and label (the text beside the
    bar, e.g. "73,4 (n = 22)" or "skjult"). Hidden figures get no bar, only their label.
    """
    import altair as alt  # here, not at the top: a worker needs it once, for the template

    forms = frame["form"].unique(maintain_order=True).to_list()
    groups = frame["group"].unique(maintain_order=True).to_list()
    data = frame.with_columns(pl.col("score").fill_null(0).alias("at"))
    base = alt.Chart(data).encode(
        y=alt.Y(
            "form:N",
            title=None,
            sort=forms,
            axis=alt.Axis(
                labelFontSize=13, labelLimit=220, labelPadding=8, ticks=False, domain=False
            ),
        ),
        yOffset=alt.YOffset("group:N", sort=groups),
    )
    bars = (
        base.transform_filter("datum.score != null")
        .mark_bar(height={"band": 0.85})
        .encode(
            x=alt.X(
                "score:Q",
                title=score_title,
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(
                    values=[0, 25, 50, 75, 100],
                    labelFontSize=12,
                    titleFontSize=12,
                    titleFontWeight="normal",
                    grid=True,
                    gridColor="#e4e4e4",
                ),
            ),
            color=alt.Color(
                "group:N",
                title=None,
                sort=groups,
                scale=alt.Scale(domain=groups, range=list(COLOURS[: len(groups)])),
                legend=alt.Legend(
                    orient="top", labelFontSize=13, labelLimit=0, symbolType="square"
                ),
            ),
        )
    )
    labels = base.mark_text(align="left", dx=4, fontSize=12, color="#222").encode(
        x="at:Q", text="label:N"
    )
    return (
        (bars + labels)
        .properties(width=WIDTH_PX - 240, height=alt.Step(17))
        .configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(labelColor="#222", titleColor="#444")
    )


def png(chart: alt.Chart | dict) -> bytes:
    """A chart (or its Vega-Lite spec) as a PNG at ``SCALE`` times its size."""
    _fonts()
    # Not validated again here: the spec is fixed by forms_chart, and the tests validate it.
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    return vl_convert.vegalite_to_png(spec, scale=SCALE)


def forms_png(frame: pl.DataFrame, score_title: str) -> bytes:
    """``forms_chart`` of ``frame`` as a PNG.

    Building the spec with Altair takes about as long as drawing it, and only the names and
    the numbers change from one report to the next; so the spec is built once per layout
    (forms, number of groups, title) and then filled in.
    """
    forms = tuple(frame["form"].unique(maintain_order=True).to_list())
    groups = frame["group"].unique(maintain_order=True).to_list()
    template, dataset = _template(forms, len(groups), score_title)
    names = {_placeholder(i): name for i, name in enumerate(groups)}
    spec = _fill(json.loads(template), names)
    rows = frame.with_columns(pl.col("score").fill_null(0).alias("at")).to_dicts()
    spec["datasets"] = {dataset: rows}
    return png(spec)


def _placeholder(i: int) -> str:
    return f"\x00group{i}"


@cache
def _template(forms: tuple[str, ...], groups: int, score_title: str) -> tuple[str, str]:
    """The spec as JSON with placeholder group names, and the name of its data set."""
    rows = [
        {"form": f, "group": _placeholder(g), "score": 50.0, "label": "-"}
        for f in forms
        for g in range(groups)
    ]
    frame = pl.DataFrame(
        rows,
        schema={"form": pl.String, "group": pl.String, "score": pl.Float64, "label": pl.String},
    )
    spec = forms_chart(frame, score_title).to_dict()
    (dataset,) = spec["datasets"]
    return json.dumps(spec), dataset


def _fill(node, names: dict[str, str]):
    """``node`` with every string that is a placeholder replaced by its name."""
    if isinstance(node, dict):
        return {k: _fill(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, names) for v in node]
    if isinstance(node, str):
        return names.get(node, node)
    return node
