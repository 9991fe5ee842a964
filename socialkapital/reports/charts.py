"""Report charts: Altair specs rendered to sharp PNGs with vl-convert (no browser needed)."""

from __future__ import annotations

from functools import cache

import altair as alt
import polars as pl
import vl_convert

from socialkapital.reports.fonts import FONTS

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


def png(chart: alt.Chart) -> bytes:
    """The chart as a PNG at ``SCALE`` times its size."""
    _fonts()
    # Not validated again here: the spec is fixed by forms_chart, and the tests validate it.
    return vl_convert.vegalite_to_png(chart.to_dict(validate=False), scale=SCALE)
