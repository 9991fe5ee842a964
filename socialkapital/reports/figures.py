"""The figures a report shows, picked from gated results: nothing here computes a score.

Every number comes from ``results.compute`` (so through the anonymity gate). This module only
selects, and for the benchmark takes the mean, minimum and maximum of figures that the gate
showed. A report is built from a ``ReportData``, which is plain data and so can be sent to a
worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from socialkapital import anonymity

if TYPE_CHECKING:  # not imported at run time: a worker process has no use for the statistics
    from socialkapital.reports.benchmark_section import IndustryBenchmark
    from socialkapital.results import Results

DEPARTMENT = "department"
WORKPLACE = "workplace"
OVERALL = "overall"

# Why a group gets no report: fewer respondents than the threshold. (A department whose
# figures are all hidden to protect a smaller one does get a report: it says so, and shows
# the workplace's figures.)
SKIP_BELOW = "below_threshold"


@dataclass(frozen=True)
class Figure:
    """One shown or hidden figure: the mean is None when hidden (reason says why) or missing."""

    mean: float | None
    n: int
    reason: str | None = None
    uncertain: bool = False  # a form's mean marked ≈, as on the pages
    # Hidden to protect these departments (anonymity.PROTECTS, as the viewer sees them).
    protects: tuple[str, ...] = ()

    @property
    def hidden(self) -> bool:
        return self.mean is None


HIDDEN = Figure(None, 0, anonymity.PRIMARY)


def protected(figures: list[Figure]) -> list[str]:
    """The departments that a group's figures, hidden to protect them, protect (the same
    for each such figure of the group); none when no figure is hidden for that reason."""
    return next((list(f.protects) for f in figures if f.protects), [])


@dataclass(frozen=True)
class Group:
    """A department, a workplace or all workplaces: counts and figures by measure."""

    name: str
    respondents: int
    invited: int | None
    response_rate: float | None
    figures: dict[str, Figure]

    def figure(self, measure: str) -> Figure:
        return self.figures.get(measure, HIDDEN)


@dataclass(frozen=True)
class BenchmarkRow:
    """One measure across the sites of a round (all from gated figures)."""

    measure: str
    mean_all: float | None
    sites: tuple[float, float] | None
    departments: tuple[float, float] | None


@dataclass(frozen=True)
class Benchmark:
    sites: int
    departments: int
    rows: list[BenchmarkRow]


@dataclass(frozen=True)
class Correlation:
    """How the forms go together person by person (a workplace report): r and the number
    of persons for each pair of forms, r None where it is not shown (too few persons, or a
    hidden figure)."""

    order: list[str]  # the forms, in the instrument's order
    cells: dict[tuple[str, str], tuple[float | None, int]]
    min_n: int  # the fewest persons a shown r may rest on (the setting min_correlation_n)

    def r(self, a: str, b: str) -> float | None:
        return self.cells.get((a, b), (None, 0))[0]


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows. ``comparator`` is the parent (workplace, or all sites)."""

    kind: str  # DEPARTMENT or WORKPLACE
    round: str
    round_date: date | None
    workplace: str
    department: str | None
    threshold: int
    share: float
    subject: Group
    comparator: Group | None
    departments: list[Group] = field(default_factory=list)
    benchmark: Benchmark | None = None
    plans: list[PlanLine] = field(default_factory=list)  # the appendix of action plans
    trend: Trend | None = None  # the change since the previous round, where there was one
    correlation: Correlation | None = None  # a workplace report's 4×4 table of the forms
    industry: IndustryBenchmark | None = None  # a workplace report's industry comparison


@dataclass(frozen=True)
class TrendLine:
    """One form in the previous round and in this one, and what the change says."""

    measure: str
    before: Figure
    after: Figure
    change: float | None
    low: float | None  # 95 % interval of the change
    high: float | None
    reading: str  # a text key (trends.verdict), e.g. 'trends.noise'
    values: dict = field(default_factory=dict)  # the text's values


@dataclass(frozen=True)
class Trend:
    previous: str  # the previous round's name
    group: str  # who is followed: the department, its lineage, or the workplace
    lines: list[TrendLine]
    # In a workplace report: (department or lineage, form, change) for the changes of
    # departments that hold up.
    departments: list[tuple[str, str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class PlanLine:
    """One action plan as the report's appendix shows it (plain values: picklable)."""

    department: str | None
    dimension: str
    focus_area: str
    description: str
    responsible: str
    start_date: date
    deadline: date
    status: str
    follow_up: str
    goal: str
    continuation: str = ""  # how the work on social capital goes on afterwards
    items: tuple[int, ...] = ()  # the questions the plan aims at


@dataclass(frozen=True)
class Skipped:
    """A department (or a workplace) that gets no report, and why."""

    department: str
    respondents: int
    reason: str


def skipped(subject: Group, threshold: int) -> Skipped | None:
    """Why a group gets no report (too few respondents), or None when it gets one."""
    if subject.respondents < threshold:
        return Skipped(subject.name, subject.respondents, SKIP_BELOW)
    return None


def group_of(res: Results, workplace: str | None, department: str | None, name: str) -> Group:
    """One group's counts and figures as a report shows them (``name`` heads it)."""
    return _made(res, res.group(workplace, department), name)


def workplace_groups(res: Results, workplace: str) -> dict[str | None, Group]:
    """The workplace (key None) and each of its departments, from one pass over the results
    (``res.group`` filters all of them once per group: a batch of 100 departments did so
    300 times)."""
    groups = res.groups.filter(pl.col("workplace") == workplace)
    measures: dict[str | None, dict] = {d: {} for d in groups["department"]}
    for m in res.measures.filter(pl.col("workplace") == workplace).iter_rows(named=True):
        measures[m["department"]][m["measure"]] = m
    return {
        row["department"]: _made(
            res, row | {"measures": measures[row["department"]]}, row["department"] or workplace
        )
        for row in groups.iter_rows(named=True)
    }


def _made(res: Results, row: dict | None, name: str) -> Group:
    """A group's figures from its row of ``res.group``: hidden ones as hidden."""
    # Imported here, where figures are built: a worker process that only draws reports must
    # not pay for the statistics (scipy) and the store (DuckDB) that compare brings.
    from socialkapital import compare

    if row is None:
        return Group(name, 0, None, None, {})
    below = bool(row["suppressed"])
    figures = {}
    for measure, m in row["measures"].items():
        # The gate has nulled every hidden mean; a group below the threshold is hidden whole.
        hidden = below or m["suppressed"] or m["mean"] is None
        reason = anonymity.PRIMARY if below else m["reason"]
        n = int(m["n"] or 0)
        uncertain = (
            not hidden
            and compare.needed_n_for(measure) is not None  # the forms, as on the pages
            and compare.uncertainty(
                m["mean"], m["sd"], n, measure, res.uncertain_half_width
            ).uncertain
        )
        whom = () if below else tuple(m.get(anonymity.PROTECTS) or ())
        figures[measure] = Figure(None if hidden else m["mean"], n, reason, uncertain, whom)
    return Group(name, int(row["respondents"]), row["invited"], row["response_rate"], figures)


def department_data(
    res: Results,
    workplace: str,
    department: str,
    share: float,
    round_date: date | None,
    groups: dict[str | None, Group] | None = None,
) -> ReportData | Skipped:
    """A department report's figures next to its workplace, or why it gets no report.
    ``groups``: ``workplace_groups(res, workplace)``, when the caller has them (a batch)."""
    groups = groups or {
        department: group_of(res, workplace, department, department),
        None: group_of(res, workplace, None, workplace),
    }
    subject = groups[department]
    if skip := skipped(subject, res.threshold):
        return skip
    return ReportData(
        kind=DEPARTMENT,
        round=res.round,
        round_date=round_date,
        workplace=workplace,
        department=department,
        threshold=res.threshold,
        share=share,
        subject=subject,
        comparator=groups[None],
    )


def department_names(res: Results, workplace: str) -> list[str]:
    rows = res.groups.filter((pl.col("level") == "department") & (pl.col("workplace") == workplace))
    return rows["department"].to_list()


def workplace_data(
    res: Results,
    all_sites: Results | None,
    instrument,
    workplace: str,
    share: float,
    round_date: date | None,
    all_name: str,
    groups: dict[str | None, Group] | None = None,
) -> ReportData | Skipped:
    """A workplace report: its figures, its departments, and the other sites when there are.

    ``res`` is computed for this workplace, ``all_sites`` for every workplace of the round;
    ``groups``: ``workplace_groups(res, workplace)``, when the caller has them.
    """
    groups = groups or workplace_groups(res, workplace)
    subject = groups[None]
    if skip := skipped(subject, res.threshold):
        return skip
    departments = [groups[d] for d in department_names(res, workplace)]
    comparator = benchmark = None
    if all_sites is not None and _site_count(all_sites) > 1:
        comparator = _all_sites_group(all_sites, all_name)
        benchmark = _benchmark(all_sites, comparator, instrument)
    return ReportData(
        kind=WORKPLACE,
        round=res.round,
        round_date=round_date,
        workplace=workplace,
        department=None,
        threshold=res.threshold,
        share=share,
        subject=subject,
        comparator=comparator,
        departments=departments,
        benchmark=benchmark,
    )


def _site_count(res: Results) -> int:
    return res.groups.filter(pl.col("level") == "workplace").height


def _all_sites_group(all_sites: Results, name: str) -> Group:
    """All sites together, without any figure that could give away a hidden site.

    Where a site is hidden only to protect a smaller one (secondary suppression), the
    all-sites mean of that measure is left out too. The gate already sees to this; the check
    stays here because a report puts a site's own figures next to the all-sites ones, and
    if the two ever came from differently gated views, subtraction would reveal the small
    site.
    """
    group = group_of(all_sites, None, None, name)
    sites = all_sites.measures.filter(pl.col("level") == "workplace")
    unsafe = set(sites.filter(pl.col("reason") == anonymity.SECONDARY)["measure"].to_list())
    if any(m.startswith("q") for m in unsafe):
        unsafe.add(OVERALL)  # the overall is the mean of the item means: it would give one away
    figures = {
        m: Figure(None, f.n, anonymity.SECONDARY) if m in unsafe else f
        for m, f in group.figures.items()
    }
    return Group(group.name, group.respondents, group.invited, group.response_rate, figures)


def _benchmark(all_sites: Results, everyone: Group, instrument) -> Benchmark:
    """Per dimension and overall: mean of all sites, range of site and of department means."""
    shown = all_sites.measures.filter(pl.col("mean").is_not_null())
    rows = []
    for measure in [OVERALL, *instrument.dimension_keys]:
        mine = shown.filter(pl.col("measure") == measure)
        rows.append(
            BenchmarkRow(
                measure,
                everyone.figure(measure).mean,
                _range(mine.filter(pl.col("level") == "workplace")["mean"]),
                _range(mine.filter(pl.col("level") == "department")["mean"]),
            )
        )
    departments = all_sites.groups.filter(pl.col("level") == "department").height
    return Benchmark(_site_count(all_sites), departments, rows)


def _range(values: pl.Series) -> tuple[float, float] | None:
    return (values.min(), values.max()) if values.len() else None
