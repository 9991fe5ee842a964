"""Feedback reports: one PDF for a department or a workplace, or all of a workplace at once.

Figures come from ``results.compute`` (through the anonymity gate) and nowhere else. A
department below the threshold gets no report; the batch lists it with the reason.
"""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import os
import sys
import types
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import polars as pl

from queries import plan_store
from queries.store import Store
from socialkapital import access, analysis, files, results, text, trends
from socialkapital.reports import benchmark_section, figures
from socialkapital.reports.figures import ReportData, Skipped
from socialkapital.reports.render import render, render_task

# Starting a worker process costs about half a second (imports), so a batch goes parallel
# only when it has enough reports to win that back.
PARALLEL_FROM = 24


class UnknownGroup(LookupError):
    """No such workplace or department in the round."""


class NoReport(Exception):
    """This department (or workplace) gets no report: fewer respondents than the threshold."""

    def __init__(self, skipped: Skipped, message: str) -> None:
        super().__init__(message)
        self.skipped = skipped


@dataclass(frozen=True)
class BatchResult:
    """What a batch made: the file names written (the workplace report first, then the
    departments'), and the departments left out with why."""

    files: list[str]
    skipped: list[Skipped]
    manifest: str


# -- gathering the figures --------------------------------------------------------------------


def _round_date(store: Store, round_name: str) -> date | None:
    row = store.rounds().filter(pl.col("name") == round_name)
    return row["date"][0] if row.height else None


def _workplace_results(
    store: Store, round_name: str | None, workplace: str, lang: str, viewer: access.Viewer
):
    """The workplace's gated figures, as far as the viewer may see them."""
    access.require(viewer, workplace)
    res = results.compute(store, round_name, [workplace])
    if res.group(workplace, None) is None:
        raise UnknownGroup(
            text.t("report.no_such_workplace", lang, workplace=workplace, round=res.round)
        )
    return access.restrict_figures(res, viewer, lang)


def _all_sites(
    store: Store, round_name: str, viewer: access.Viewer, lang: str
) -> results.Results | None:
    """The round across every workplace, when it has more than one (for the benchmark)."""
    if len(store.workplaces(round_name)) < 2:
        return None
    return access.restrict_figures(results.compute(store, round_name), viewer, lang)


def _workplace_data(
    store: Store,
    res: results.Results,
    workplace: str,
    lang: str,
    round_date: date | None,
    viewer: access.Viewer,
    groups: dict | None = None,
) -> ReportData | Skipped:
    data = figures.workplace_data(
        res,
        _all_sites(store, res.round, viewer, lang),
        store.instrument,
        workplace,
        store.settings.min_answered_share,
        round_date,
        text.t("report.all_sites", lang),
        groups,
    )
    if isinstance(data, Skipped):
        return data
    return benchmark_section.attach(store, data, viewer, lang)


def _department_data(
    store: Store,
    res: results.Results,
    workplace: str,
    department: str,
    round_date: date | None,
    groups: dict | None = None,
) -> ReportData | Skipped:
    return figures.department_data(
        res, workplace, department, store.settings.min_answered_share, round_date, groups
    )


def skip_reason(skipped: Skipped, lang: str, threshold: int) -> str:
    """One line saying which department (or workplace) got no report and why."""
    return text.t(
        "report.skip_below",
        lang,
        department=skipped.department,
        respondents=skipped.respondents,
        threshold=threshold,
    )


# -- one report -------------------------------------------------------------------------------


def why_no_report(
    store: Store,
    round_name: str | None,
    workplace: str,
    department: str | None,
    lang: str,
    viewer: access.Viewer = access.LOCAL,
) -> Skipped | None:
    """Why the workplace (or one department) gets no report, or None when it gets one: the
    check the report makes first, without drawing it (a page offers the file before it is
    made, and makes it when asked)."""
    access.require(viewer, workplace, department)
    res = _workplace_results(store, round_name, workplace, lang, viewer)
    name = department or workplace
    subject = figures.group_of(res, workplace, department, name)
    return figures.skipped(subject, res.threshold)


def workplace_report(
    store: Store,
    round_name: str | None,
    workplace: str,
    lang: str,
    today: date,
    viewer: access.Viewer = access.LOCAL,
) -> bytes:
    """The report for a whole workplace, with its departments (and the other sites, if any),
    as far as the viewer may see them."""
    res = _workplace_results(store, round_name, workplace, lang, viewer)
    with store.sharing_reads():  # after the figures, which may keep what they computed
        data = _workplace_data(store, res, workplace, lang, _round_date(store, res.round), viewer)
        if isinstance(data, Skipped):
            raise NoReport(data, skip_reason(data, lang, res.threshold))
        data = with_trend(store, with_plans(store, data, viewer), viewer=viewer)
        data = with_correlation(store, data)
    return render(data, lang, today, store.instrument)


def with_correlation(store: Store, data: ReportData) -> ReportData:
    """A workplace report's data with the person-level correlations of its four forms (the
    correlations page's, for the whole workplace: the caller has checked that the viewer may
    see the workplace). Nothing when no pair is shown."""
    figs = analysis.round_figures(store, data.round)
    found = analysis.correlations(store, figs, [data.workplace], None, "dimension")
    cells = {(r["row"], r["col"]): (r["r"], r["n"] or 0) for r in found.cells.iter_rows(named=True)}
    if all(r is None for (a, b), (r, _) in cells.items() if a != b):
        return data
    made = figures.Correlation(found.order, cells, store.settings.min_correlation_n)
    return dataclasses.replace(data, correlation=made)


def with_plans(
    store: Store, data: ReportData, viewer: access.Viewer = access.LOCAL, plans: list | None = None
) -> ReportData:
    """The report's data with its action plans: a department's own and the whole
    workplace's; for a workplace report, all of the workplace's that the viewer may read.
    Dropped plans are left out. ``plans``: the store's plans, when the caller has read them
    already (a batch)."""
    plans = plan_store.list_plans(store) if plans is None else plans
    mine = [
        p
        for p in access.visible_plans(plans, viewer)
        if p.workplace == data.workplace
        and p.status != "dropped"
        and (data.department is None or p.department in (None, data.department))
    ]
    lines = [
        figures.PlanLine(
            p.department,
            p.dimension,
            p.focus_area,
            p.description,
            p.responsible,
            p.start_date,
            p.deadline,
            p.status,
            p.follow_up,
            p.goal,
            p.continuation,
            tuple(p.items),
        )
        for p in mine
    ]
    return dataclasses.replace(data, plans=lines)


def with_trend(
    store: Store,
    data: ReportData,
    frame: pl.DataFrame | None = None,
    viewer: access.Viewer = access.LOCAL,
) -> ReportData:
    """The report's data with the change of each form since the previous round, for the
    workplace or the department (followed through renames, splits and merges). ``frame``:
    the workplace's ``trends.trends``, when the caller has it already (a batch)."""
    frame = trends.trends(store, data.workplace) if frame is None else frame
    frame = access.restrict_trends(frame, viewer, data.workplace)
    group, kind = _followed(frame, data)
    if group is None:
        return data
    now = frame.filter(
        (pl.col("round") == data.round)
        & (pl.col("kind") == kind)
        & (pl.col("group") == group)
        & pl.col("previous").is_not_null()
    )
    if not now.height:
        return data
    previous = now["previous"][0]
    then = frame.filter(
        (pl.col("round") == previous) & (pl.col("kind") == kind) & (pl.col("group") == group)
    )
    was = {r["measure"]: r for r in then.iter_rows(named=True)}
    order = store.instrument.dimension_keys
    lines = sorted(
        (_trend_line(r, was.get(r["measure"])) for r in now.iter_rows(named=True)),
        key=lambda line: order.index(line.measure),
    )
    held = [] if data.department is not None else _departments_that_hold(frame, data, order)
    return dataclasses.replace(data, trend=figures.Trend(previous, group, lines, held))


def _followed(frame: pl.DataFrame, data: ReportData) -> tuple[str | None, str]:
    """Who the report's trend follows: (group label, kind), or (None, ...) for no one."""
    if data.department is None:
        return data.workplace, "workplace"
    # The workplace's previous round: the one its departments are compared with.
    whole = frame.filter((pl.col("kind") == "workplace") & (pl.col("round") == data.round))
    earlier = whole["previous"].drop_nulls().first() if whole.height else None
    return trends.lineage_of(frame, data.department, data.round, earlier), "department"


def _trend_line(now: dict, then: dict | None) -> figures.TrendLine:
    key, values = trends.verdict(now["reworded"], now["broken"], now["change"], now["holds"])
    before = figures.HIDDEN
    if then is not None:
        before = figures.Figure(then["mean"], int(then["n"]), then["reason"])
    return figures.TrendLine(
        now["measure"],
        before,
        figures.Figure(now["mean"], int(now["n"]), now["reason"]),
        now["change"],
        now["change_low"],
        now["change_high"],
        key,
        values,
    )


def _departments_that_hold(frame: pl.DataFrame, data: ReportData, order: list[str]):
    """(department or lineage, form, change) of the changes in this round that hold up."""
    found = frame.filter(
        (pl.col("round") == data.round) & (pl.col("kind") == "department") & pl.col("holds")
    )
    return sorted(
        ((r["group"], r["measure"], r["change"]) for r in found.iter_rows(named=True)),
        key=lambda h: (h[0], order.index(h[1])),
    )


def department_report(
    store: Store,
    round_name: str | None,
    workplace: str,
    department: str,
    lang: str,
    today: date,
    viewer: access.Viewer = access.LOCAL,
) -> bytes:
    """The report for one department next to its workplace; ``NoReport`` when it gets none."""
    access.require(viewer, workplace, department)
    res = _workplace_results(store, round_name, workplace, lang, viewer)
    if department not in figures.department_names(res, workplace):
        raise UnknownGroup(
            text.t(
                "report.no_such_department",
                lang,
                department=department,
                workplace=workplace,
                round=res.round,
            )
        )
    with store.sharing_reads():  # after the figures, which may keep what they computed
        when = _round_date(store, res.round)
        data = _department_data(store, res, workplace, department, when)
        if isinstance(data, Skipped):
            raise NoReport(data, skip_reason(data, lang, res.threshold))
        data = with_trend(store, with_plans(store, data, viewer), viewer=viewer)
    return render(data, lang, today, store.instrument)


# -- a batch ----------------------------------------------------------------------------------


def file_name(name: str) -> str:
    """A file name that every system accepts, keeping Danish letters, of a safe length."""
    return files.safe_name(name, ".pdf")


def batch_names(departments: list[str], lang: str) -> tuple[str, list[str]]:
    """The workplace report's file name and one for each department, all different as a
    case-insensitive file system sees them ('Lager/Nord' and 'Lager:Nord' are both
    'Lager-Nord': the second gets ' (2)'). The workplace report's name and the manifest's
    are never given to a department, whether or not the workplace gets a report."""
    whole = file_name(text.t("report.file_workplace", lang))
    manifest = text.t("report.manifest_file", lang)
    return whole, files.unique_names(departments, ".pdf", taken=[whole, manifest])


def batch(
    store: Store,
    round_name: str | None,
    workplace: str,
    lang: str,
    out: Path | str | BinaryIO,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    viewer: access.Viewer = access.LOCAL,
) -> BatchResult:
    """Every department's report and the workplace report, as a ZIP or into a folder.

    ``out``: a path ending in ``.zip``, a folder, or a binary file object (a ZIP is written
    to it). ``progress(done, total)`` is called as reports finish. ``workers``: processes to
    use (default: one per core when the batch is large enough to gain from it). Only the
    departments the viewer may see get a report.
    """
    today = today or date.today()
    res = _workplace_results(store, round_name, workplace, lang, viewer)
    with store.sharing_reads():  # after the figures, which may keep what they computed
        made, skipped = _batch_data(store, res, workplace, lang, viewer)

    whole_name, names = batch_names([d for d, _ in made if d is not None], lang)
    named = iter(names)
    tasks = [(whole_name if d is None else next(named), data) for d, data in made]
    pdfs = _render_all(tasks, lang, today, store.instrument, progress, workers)
    contents = [(name, department) for (name, _), (department, _) in zip(tasks, made, strict=True)]
    manifest = _manifest(res, workplace, lang, today, contents, skipped)
    _write(out, [(n, pdfs[n]) for n, _ in tasks], manifest, lang, today)
    return BatchResult([n for n, _ in tasks], skipped, manifest)


def _batch_data(store: Store, res: results.Results, workplace: str, lang: str, viewer):
    """What each report of a batch shows: [(department or None, its figures)], the workplace
    first; and the departments that get none. The store is read once for all of them."""
    when = _round_date(store, res.round)
    made: list[tuple[str | None, ReportData]] = []
    skipped: list[Skipped] = []
    history = trends.trends(store, workplace)
    plans = plan_store.list_plans(store)

    def complete(data: ReportData) -> ReportData:
        return with_trend(store, with_plans(store, data, viewer, plans), history, viewer)

    groups = figures.workplace_groups(res, workplace)  # each report takes its own from these
    whole = _workplace_data(store, res, workplace, lang, when, viewer, groups)
    if isinstance(whole, Skipped):
        skipped.append(whole)
    else:
        made.append((None, with_correlation(store, complete(whole))))
    for department in figures.department_names(res, workplace):
        data = _department_data(store, res, workplace, department, when, groups)
        if isinstance(data, Skipped):
            skipped.append(data)
        else:
            made.append((department, complete(data)))
    return made, skipped


def _render_all(tasks, lang, today, instrument, progress, workers) -> dict[str, bytes]:
    """Draw every report: here, or in worker processes with this process helping."""
    total = len(tasks)
    if not total:
        return {}
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_FROM else 1
    workers = max(1, min(workers, total))
    done: dict[str, bytes] = {}

    def finished(name: str, pdf: bytes) -> None:
        done[name] = pdf
        if progress:
            progress(len(done), total)

    if progress:
        progress(0, total)
    if workers == 1:
        for name, data in tasks:
            finished(name, render(data, lang, today, instrument))
        return done
    # The workers take tasks from the front; this process draws from the back whenever none
    # has finished, which covers the second or so the workers take to start.
    pending = deque(tasks)
    running: dict[Future, str] = {}

    def hand_over(pool: ProcessPoolExecutor) -> None:
        while pending and len(running) < 2 * workers:
            name, data = pending.popleft()
            running[pool.submit(render_task, (name, data, lang, today, instrument))] = name

    # 'spawn', not fork: forking a process whose thread pools (DuckDB's, polars') have
    # started can deadlock the child.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        with _no_main_for_workers():  # the workers start with the first tasks
            hand_over(pool)
        while running:
            ready = [f for f in running if f.done()]
            if not ready and pending:
                name, data = pending.pop()
                finished(name, render(data, lang, today, instrument))
                continue
            for future in ready or [next(as_completed(running))]:
                del running[future]
                finished(*future.result())
            hand_over(pool)
    return done


@contextmanager
def _no_main_for_workers():
    """Start spawned workers without re-running the parent's ``__main__``.

    A spawned process first imports the parent's main module. Under Streamlit that is the page
    script, which would run again in the worker (and start a batch of its own). With a bare
    module standing in for ``__main__`` while the workers start, they import only what the
    task needs.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _manifest(res, workplace, lang, today, contents, skipped) -> str:
    """The batch's indhold.txt: which file is which department's report (a file name cannot
    always say it: cut short, made safe, or numbered), and who got none and why."""
    whole = text.t("app.whole_workplace", lang)
    lines = [
        text.t(
            "report.manifest_title",
            lang,
            workplace=workplace,
            round=res.round,
            date=text.day(today, lang),
        ),
        "",
        text.t("report.manifest_made", lang),
        *(f"  {name}: {department or whole}" for name, department in contents),
        "",
    ]
    if skipped:
        lines.append(text.t("report.manifest_skipped", lang))
        lines += [f"  {skip_reason(s, lang, res.threshold)}" for s in skipped]
    else:
        lines.append(text.t("report.manifest_none_skipped", lang))
    return "\n".join(lines) + "\n"


def _write(out, pdfs: list[tuple[str, bytes]], manifest: str, lang: str, today: date) -> None:
    """The reports and the manifest into a folder or a ZIP file, whole or not at all."""
    manifest_name = text.t("report.manifest_file", lang)
    if isinstance(out, (str, Path)) and not str(out).lower().endswith(".zip"):
        files.write_folder(Path(out), [*pdfs, (manifest_name, manifest.encode("utf-8"))])
        return
    stamp = (today.year, today.month, today.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, pdf in pdfs:
            archive.writestr(zipfile.ZipInfo(name, stamp), pdf, zipfile.ZIP_DEFLATED)
        archive.writestr(
            zipfile.ZipInfo(manifest_name, stamp), manifest.encode(), zipfile.ZIP_DEFLATED
        )
    if isinstance(out, (str, Path)):
        files.write_file(Path(out), buffer.getvalue())
    else:
        out.write(buffer.getvalue())
