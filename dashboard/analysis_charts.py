"""Chart builders for the analysis pages: a frame in, an Altair chart out; never calls st.

Colours are colour-blind-safe: a diverging orange-white-blue scale (Okabe-Ito's orange and
blue families, as in ColorBrewer's PuOr/RdBu ends) for "below/above", Okabe-Ito for groups,
and a mid grey, never used by the scales, for hidden cells.
"""

from __future__ import annotations

import math

import altair as alt
import polars as pl

# Okabe-Ito colours: distinguishable with colour-blindness, and of different lightness so that
# they stay apart on a washed-out projector or a grey print.
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"]
# Lines on a white projector screen: strong, colour-blind-friendly first (Okabe-Ito without
# its yellow), then darker tableau hues; none pale.
LINE_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#8C564B",
    "#7F7F7F",
    "#BCBD22",
    "#9467BD",
]
DIVERGING = ["#b35806", "#f1a340", "#f7f7f7", "#67a9cf", "#2166ac"]
HIDDEN = "#bdbdbd"
DARK_TEXT = "#1a1a1a"
SELECTION = "pick"
FONT = 14
HOLDS_FRAME = 3  # px: the frame of a heatmap cell whose difference holds up


def heatmap(
    frame: pl.DataFrame,
    row_order: list[str],
    col_order: list[str],
    legend_title: str,
    *,
    limit: float = 10.0,
    neutral: float = 0.0,
    band_labels: list[str] | None = None,
    group_order: list[str] | None = None,
    bold_rows: list[str] | None = None,
    cell: tuple[int | None, int] = (None, 46),
    font_size: int = FONT,
    selectable: bool = True,
) -> alt.TopLevelMixin:
    """Rows × columns of coloured cells with text, hidden cells grey.

    ``frame`` has row, department (null for reading-aid rows), col, group (column group,
    used when ``group_order`` is given), value (difference, or the band label with
    ``band_labels``), text (may hold line breaks), hidden, dark (white text) and tooltip.
    Optional: tooltip_2, tooltip_3, ... (more lines of the tooltip; null = no line) and
    holds (a thick dark frame around the cell). Differences are coloured on a diverging
    scale clamped at ±``limit``; a difference within ±``neutral`` stays white (the setting
    neutral_band: so small a difference rarely matters, and a colour would say it does).
    ``cell`` is the (width, height) of a cell in pixels; width
    None fills the container.
    """
    width, height = cell
    if band_labels is not None:
        colour = alt.Color(
            "value:N",
            title=legend_title,
            scale=alt.Scale(domain=band_labels, range=DIVERGING[: len(band_labels)]),
            legend=_legend(),
        )
    else:
        # Outside the band the colour starts pale and is strongest at ±limit.
        edge = neutral if 0 < neutral < limit else limit / 2
        colour = alt.Color(
            "shade:Q",
            title=legend_title,
            scale=alt.Scale(domain=[-limit, -edge, 0, edge, limit], range=DIVERGING, clamp=True),
            legend=_legend(gradient=True),
        )
    bold = bold_rows or []
    y = alt.Y(
        "row:N",
        sort=row_order,
        title=None,
        axis=alt.Axis(
            labelFontSize=font_size,
            labelLimit=280,
            labelFontWeight=alt.ExprRef(
                f"indexof({_js_list(bold)}, datum.value) >= 0 ? 'bold' : 'normal'"
            ),
            labelColor=DARK_TEXT,
            ticks=False,
            domain=False,
        ),
    )
    x = alt.X(
        "col:N",
        sort=col_order,
        title=None,
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            labelFontSize=font_size,
            labelFontWeight="bold",
            labelColor=DARK_TEXT,
            labelLimit=(width or 160) - 4,
            labelOverlap=False,
            labelExpr=_WRAP,
            labelPadding=font_size + 6,
            ticks=False,
            domain=False,
        ),
    )
    lines = [c for c in frame.columns if c.startswith("tooltip_")]
    if lines:  # one line each; the tooltip leaves out a line whose value is null
        tip = {"tooltip": _tooltip(["tooltip", *lines])}
        base = alt.Chart().encode(x=x, y=y)
    else:
        tip = {}
        base = alt.Chart().encode(x=x, y=y, tooltip=[alt.Tooltip("tooltip:N", title=" ")])
    shown = (
        base.transform_filter("!datum.hidden")
        .transform_calculate(shade=f"abs(datum.value) < {float(neutral)} ? 0 : datum.value")
        .mark_rect(stroke="white", strokeWidth=2, **tip)
    )
    shown = shown.encode(color=colour)
    hidden = base.transform_filter("datum.hidden").mark_rect(
        color=HIDDEN, stroke="white", strokeWidth=2, **tip
    )
    if selectable:
        pick = alt.selection_point(name=SELECTION, fields=["department"], on="click")
        shown = shown.add_params(pick)
    line = font_size + 3
    labels = base.mark_text(
        fontSize=font_size,
        lineBreak="\n",
        lineHeight=line,
        # Vega sets the first line at the middle: move a two-line text up half a line, so
        # that the text sits in the middle of the cell, clear of a frame.
        dy=alt.ExprRef(f"indexof(datum.text, '\\n') >= 0 ? {-line / 2} : 0"),
        **tip,
    ).encode(
        text=alt.Text("text:N"),
        color=alt.ColorValue(DARK_TEXT, condition={"test": "datum.dark", "value": "white"}),
    )
    layers = [shown, hidden, labels]
    if "holds" in frame.columns:
        # A frame inset in the cell, so that the frames of neighbouring cells stay apart.
        inset = 2 * HOLDS_FRAME
        layers.append(
            base.transform_filter("datum.holds").mark_rect(
                filled=False,
                stroke=DARK_TEXT,
                strokeWidth=HOLDS_FRAME,
                width=alt.ExprRef(f"bandwidth('x') - {inset}"),
                height=alt.ExprRef(f"bandwidth('y') - {inset}"),
                **tip,
            )
        )
    layered = alt.layer(*layers, data=frame)
    # Without a cell width the chart takes the width of its container (on screen).
    sizing = {"width": alt.Step(width) if width else "container", "height": alt.Step(height)}
    if group_order is None:
        return _finish(layered, **sizing)
    return _finish(
        layered.properties(**sizing)
        .facet(
            column=alt.Column(
                "group:N",
                sort=group_order,
                title=None,
                header=alt.Header(labelFontSize=font_size + 1, labelFontWeight="bold"),
            ),
            spacing=10,
        )
        .resolve_scale(x="independent")
    )


# Column labels on two lines: a long one broken at its last space, a short one after an
# empty line, so that every label's last line sits just above the cells (Vega draws the
# lines of a label downwards from the axis, whatever the baseline).
_WRAP = (
    "length(datum.label) > 13 && lastindexof(datum.label, ' ') > 0"
    " ? [substring(datum.label, 0, lastindexof(datum.label, ' ')),"
    " substring(datum.label, lastindexof(datum.label, ' ') + 1)]"
    " : ['', datum.label]"
)


def _finish(chart, **properties) -> alt.TopLevelMixin:
    """Dark labels and titles (Streamlit's grey fades on a projector), no frame; with the
    chart's other ``properties``."""
    # All set at once: each ``configure_*`` or ``properties`` copies the whole (layered)
    # chart again.
    return chart.properties(
        **properties,
        config=alt.Config(
            view=alt.ViewConfig(stroke=None),
            axis=alt.AxisConfig(labelColor=DARK_TEXT, titleColor=DARK_TEXT, titleFontSize=FONT),
            legend=alt.LegendConfig(
                labelColor=DARK_TEXT, titleColor=DARK_TEXT, labelFontSize=FONT, titleFontSize=FONT
            ),
            title=alt.TitleConfig(color=DARK_TEXT),
        ),
    )


def _legend(gradient: bool = False) -> alt.Legend:
    if gradient:
        extra = {"gradientLength": 260, "gradientThickness": 14}
    else:  # squares as big as the text, outlined so the white band shows
        extra = {"symbolType": "square", "symbolSize": 260, "symbolStrokeColor": "#888"}
    return alt.Legend(
        orient="bottom", titleFontSize=FONT, labelFontSize=FONT - 1, titleLimit=600, **extra
    )


def _js_list(values: list[str]) -> str:
    return f"[{', '.join(_js(v) for v in values)}]"


def _js(value: str) -> str:
    """A string literal for a Vega expression."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tooltip(columns: list[str]) -> alt.ExprRef:
    """A tooltip of several lines, one per column, without keys; a null value has no line.

    Vega's tooltip shows an object as a table of key-value rows and skips undefined values
    (a field no row has is undefined). Keys of 1, 2, ... spaces keep the rows apart.
    """
    rows = []
    for i, column in enumerate(columns):
        value = f"datum[{_js(column)}]"
        rows.append(f"{_js(' ' * (i + 1))}: isValid({value}) ? {value} : datum['__none__']")
    return alt.ExprRef("{" + ", ".join(rows) + "}")


def score_bars(
    frame: pl.DataFrame,
    group_title: str,
    score_title: str,
    colours: list[str] | None = None,
) -> alt.TopLevelMixin:
    """Grouped horizontal bars, one per group for each form, with the 95 % interval of each
    mean as a dark line across the bar's end, and the score label after it.

    ``frame`` has dimension, group, score (null = hidden), ci_low, ci_high (null = none)
    and label (the text to show).
    """
    shown = frame.filter(pl.col("score").is_not_null()).with_columns(
        # The label starts after the interval, so that the line never runs through it.
        pl.max_horizontal("score", "ci_high").alias("label_at")
    )
    groups = frame["group"].unique(maintain_order=True).to_list()
    scale = alt.Scale(domain=[0, 100])
    base = alt.Chart(shown).encode(
        y=alt.Y(
            "dimension:N",
            title=None,
            sort=frame["dimension"].unique(maintain_order=True).to_list(),
            axis=alt.Axis(labelLimit=260, labelFontSize=FONT, labelColor=DARK_TEXT),
        ),
        yOffset=alt.YOffset("group:N", sort=groups),
        tooltip=[
            alt.Tooltip("dimension:N", title=" "),
            alt.Tooltip("group:N", title="  "),
            alt.Tooltip("label:N", title="   "),
        ],
    )
    bars = base.mark_bar(height={"band": 0.9}).encode(
        x=alt.X(
            "score:Q",
            title=score_title,
            scale=scale,
            axis=alt.Axis(values=[0, 25, 50, 75, 100], labelFontSize=13),
        ),
        color=alt.Color(
            "group:N",
            title=group_title,
            sort=groups,
            scale=alt.Scale(domain=groups, range=(colours or GROUP_COLOURS)[: len(groups)]),
            legend=alt.Legend(orient="bottom", labelFontSize=FONT, titleFontSize=13),
        ),
    )
    spread = base.transform_filter("isValid(datum.ci_low)")
    line = spread.mark_rule(color=DARK_TEXT, strokeWidth=2).encode(
        x=alt.X("ci_low:Q", scale=scale), x2=alt.X2("ci_high:Q")
    )
    ends = [
        spread.mark_tick(color=DARK_TEXT, thickness=2, size=10).encode(
            x=alt.X(f"{end}:Q", scale=scale)
        )
        for end in ("ci_low", "ci_high")
    ]
    # Dark label text: orange text on white is unreadable on a projector.
    labels = base.mark_text(align="left", dx=6, fontSize=FONT, color=DARK_TEXT).encode(
        x=alt.X("label_at:Q", scale=scale), text=alt.Text("label:N")
    )
    chart = alt.layer(bars, line, *ends, labels).properties(height=alt.Step(24))
    return _finish(chart)


def item_dots(
    frame: pl.DataFrame,
    item_order: list[str],
    dimension_order: list[str],
    groups: list[str],
    score_title: str,
    width: int = 400,
) -> alt.TopLevelMixin:
    """Dots per item and group on the part of 0-100 the scores use, a thin line across each
    item's spread, per form.

    ``frame`` has item (label), dimension (label), group, score (null = hidden), label.
    Labels 320 px + plot ``width``: within the page body of a 1280 px screen (the full
    wording is in the tables above the chart).
    """
    shown = frame.filter(pl.col("score").is_not_null())
    spans = shown.group_by("item", "dimension").agg(
        pl.col("score").min().alias("low"), pl.col("score").max().alias("high")
    )
    # Dots show position, not length, so the axis may start above 0: the part of 0-100
    # the scores use, in whole tens, the same for every form's panel. Differences of a few
    # points are then visible from the back of the room.
    low, high = shown["score"].min(), shown["score"].max()
    lo = 0 if low is None else max(0, math.floor((low - 5) / 10) * 10)
    hi = 100 if high is None else min(100, math.ceil((high + 5) / 10) * 10)
    domain = [lo, hi]
    y = alt.Y(
        "item:N",
        sort=item_order,
        title=None,
        # The same label width in every form's panel, so that the four axes line up.
        axis=alt.Axis(labelFontSize=13, labelLimit=320, minExtent=320, maxExtent=320),
    )
    x = alt.X(
        "score:Q",
        title=score_title,
        scale=alt.Scale(domain=domain),
        axis=alt.Axis(values=list(range(lo, hi + 1, 10)), labelFontSize=13, titleFontSize=13),
    )
    spread = (
        alt.Chart(spans)
        .mark_rule(color="#9a9a9a", strokeWidth=2)
        .encode(y=y, x=alt.X("low:Q", scale=alt.Scale(domain=domain)), x2=alt.X2("high:Q"))
    )
    dots = (
        alt.Chart(shown)
        .mark_point(filled=True, size=150, opacity=1)
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "group:N",
                title=None,
                sort=groups,
                scale=alt.Scale(domain=groups, range=GROUP_COLOURS[: len(groups)]),
                legend=alt.Legend(orient="top", labelFontSize=14, symbolSize=180),
            ),
            shape=alt.Shape(
                "group:N",
                sort=groups,
                scale=alt.Scale(
                    domain=groups, range=["circle", "diamond", "square"][: len(groups)]
                ),
            ),
            tooltip=[
                alt.Tooltip("item:N", title=" "),
                alt.Tooltip("group:N"),
                alt.Tooltip("label:N", title=" "),
            ],
        )
    )
    chart = alt.vconcat(
        *[
            alt.layer(
                spread.transform_filter(alt.datum.dimension == d),
                dots.transform_filter(alt.datum.dimension == d),
            ).properties(
                title=alt.Title(d, anchor="start", fontSize=15), height=alt.Step(28), width=width
            )
            for d in dimension_order
        ],
        spacing=18,
    )
    return _finish(chart)


def ranges(frame: pl.DataFrame, legend: dict[str, str], score_title: str) -> alt.TopLevelMixin:
    """The benchmark: per form a thin bar between teams, a thick bar between sites, the mean.

    ``frame`` has dimension, mean, site_min, site_max, team_min, team_max, label.
    ``legend`` names the three marks (keys 'team', 'site', 'mean').
    """
    order = frame["dimension"].to_list()
    y = alt.Y(
        "dimension:N", sort=order, title=None, axis=alt.Axis(labelFontSize=FONT, labelLimit=300)
    )
    scale = alt.Scale(domain=[0, 100])
    kinds = [legend["team"], legend["site"], legend["mean"]]
    colour = alt.Color(
        "what:N",
        title=None,
        sort=kinds,
        scale=alt.Scale(domain=kinds, range=["#9ecae1", "#2171b5", DARK_TEXT]),
        legend=alt.Legend(orient="top", labelFontSize=FONT, symbolType="square", symbolSize=260),
    )
    x_axis = alt.Axis(values=[0, 25, 50, 75, 100], labelFontSize=13)

    def bar(low: str, high: str, what: str, size: int) -> alt.Chart:
        rows = frame.drop_nulls(low).with_columns(what=pl.lit(what))
        return (
            alt.Chart(rows)
            .mark_bar(size=size, cornerRadius=3)
            .encode(
                y=y,
                x=alt.X(f"{low}:Q", scale=scale, title=score_title, axis=x_axis),
                x2=alt.X2(f"{high}:Q"),
                color=colour,
            )
        )

    means = frame.drop_nulls("mean").with_columns(what=pl.lit(legend["mean"]))
    ticks = (
        alt.Chart(means)
        .mark_tick(thickness=4, size=38)
        .encode(y=y, x=alt.X("mean:Q", scale=scale), color=colour)
    )
    labels = (
        alt.Chart(means)
        .mark_text(dy=-25, fontSize=FONT, fontWeight="bold", color=DARK_TEXT)
        .encode(y=y, x=alt.X("mean:Q", scale=scale), text=alt.Text("label:N"))
    )
    layers = bar("team_min", "team_max", legend["team"], 10)
    layers += bar("site_min", "site_max", legend["site"], 26) + ticks + labels
    return _finish(layers, height=alt.Step(70))


def response_bars(
    frame: pl.DataFrame, order: list[str], low_rate: float, titles: dict[str, str]
) -> alt.Chart:
    """Response rate per group as bars, low ones orange, with the low-rate line.

    ``frame`` has group, rate (0-1, null without a roster), label, status (legend text).
    ``titles``: 'rate' (axis), 'ok' and 'low' (legend), 'line' (the limit's caption).
    """
    shown = frame.drop_nulls("rate")
    statuses = [titles["ok"], titles["low"]]
    y = alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelFontSize=14, labelLimit=280))
    x = alt.X(
        "rate:Q",
        title=titles["rate"],
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1], labelFontSize=13),
    )
    bars = (
        alt.Chart(shown)
        .mark_bar(height={"band": 0.75})
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "status:N",
                title=None,
                sort=statuses,
                scale=alt.Scale(domain=statuses, range=[GROUP_COLOURS[0], "#D55E00"]),
                legend=alt.Legend(orient="top", labelFontSize=14, labelLimit=400),
            ),
            tooltip=[alt.Tooltip("group:N", title=" "), alt.Tooltip("label:N", title=" ")],
        )
    )
    labels = (
        alt.Chart(shown)
        .mark_text(align="left", dx=4, fontSize=13, color=DARK_TEXT)
        .encode(y=y, x=x, text=alt.Text("label:N"))
    )
    line = (
        alt.Chart(pl.DataFrame({"rate": [low_rate], "caption": [titles["line"]]}))
        .mark_rule(strokeDash=[6, 4], color="#D55E00", strokeWidth=2)
        .encode(x=alt.X("rate:Q"), tooltip=[alt.Tooltip("caption:N", title=" ")])
    )
    return _finish(bars + labels + line, height=alt.Step(28))


def trend_lines(
    frame: pl.DataFrame,
    rounds: list[str],
    whole: str,
    departments: list[str],
    titles: dict[str, str],
) -> alt.TopLevelMixin:
    """A line per group across the rounds (``frame``: group, segment, round, date, mean, n;
    a new segment where the line must break), the whole workplace (named ``whole``) first.

    ``titles``: round_axis, score_axis and group (the legend's)."""
    # The whole workplace as a thick dark line to read the departments against; departments
    # in strong colours that stay apart on a projector (none pale), repeated past ten.
    colours = [DARK_TEXT, *(LINE_COLOURS * 4)[: len(departments)]]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70))
        .encode(
            x=alt.X(
                "round:N",
                sort=rounds,
                title=titles["round_axis"],
                axis=alt.Axis(labelAngle=0, labelFontSize=14, titleFontSize=14, labelLimit=320),
            ),
            y=alt.Y(
                "mean:Q",
                scale=alt.Scale(domain=[0, 100]),
                title=titles["score_axis"],
                axis=alt.Axis(labelFontSize=14, titleFontSize=14),
            ),
            color=alt.Color(
                "group:N",
                title=titles["group"],
                scale=alt.Scale(domain=[whole, *departments], range=colours),
                legend=alt.Legend(labelFontSize=14, titleFontSize=14, labelLimit=320),
            ),
            strokeWidth=alt.StrokeWidthValue(
                2.5, condition={"test": f"(datum.group === {_js(whole)})", "value": 4.5}
            ),
            detail=alt.Detail("segment:N"),
            tooltip=[
                alt.Tooltip("group"),
                alt.Tooltip("round"),
                alt.Tooltip("mean:Q", format=".1f"),
                alt.Tooltip("n"),
            ],
        )
        .properties(height=380)
    )
