"""Chart builders: a frame in, an ``alt.Chart`` out. They never call Streamlit."""

from __future__ import annotations

import altair as alt
import polars as pl

# Okabe-Ito colours: distinguishable with colour-blindness, and of different lightness so that
# they stay apart on a washed-out projector or a grey print.
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"]


def dimension_bars(
    frame: pl.DataFrame,
    group_title: str,
    score_title: str,
    colours: list[str] | None = None,
) -> alt.Chart:
    """Grouped horizontal bars: one bar per group for each dimension, score label at the end.

    ``frame`` has columns dimension, group, score (null = hidden), label (the text to show).
    """
    shown = frame.filter(pl.col("score").is_not_null())
    groups = frame["group"].unique(maintain_order=True).to_list()
    base = alt.Chart(shown).encode(
        y=alt.Y(
            "dimension:N",
            title=None,
            sort=frame["dimension"].unique(maintain_order=True).to_list(),
            axis=alt.Axis(labelLimit=260, labelFontSize=14),
        ),
        yOffset=alt.YOffset("group:N", sort=groups),
        x=alt.X(
            "score:Q",
            title=score_title,
            scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(values=[0, 25, 50, 75, 100], labelFontSize=13),
        ),
        color=alt.Color(
            "group:N",
            title=group_title,
            sort=groups,
            scale=alt.Scale(domain=groups, range=(colours or GROUP_COLOURS)[: len(groups)]),
            legend=alt.Legend(orient="bottom", labelFontSize=14, titleFontSize=13),
        ),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("group:N"), alt.Tooltip("label:N")],
    )
    bars = base.mark_bar(height={"band": 0.9})
    # Dark label text: the shared colour encoding would otherwise paint it in the bar's colour,
    # and orange text on white is unreadable on a projector.
    labels = base.mark_text(align="left", dx=4, fontSize=14).encode(
        text="label:N", color=alt.value("#222")
    )
    return (bars + labels).properties(height=alt.Step(22)).configure_view(stroke=None)
