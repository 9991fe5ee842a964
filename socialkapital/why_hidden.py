"""Why a figure is hidden, in words: the same sentences on the pages and in the reports.

A figure is hidden because it rests on too few answers (``anonymity.PRIMARY``), or because
it could be used to work out a smaller department's (``anonymity.SECONDARY``). A secondary
hiding names the departments it protects (``anonymity.PROTECTS``): they are hidden in their
own right, and shown as hidden wherever the reader sees them, so their names and that they
have too few answers tell the reader nothing new. For a viewer with a scope,
``access.restrict`` has already renamed them or left them out; with nobody left to name,
the sentence speaks of "another department".
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from socialkapital import anonymity, text


def names(protects: list[str] | None, lang: str) -> str:
    """'Direktion', 'Direktion og Kontor', 'A, B og C'."""
    found = [p for p in protects or [] if p]
    if len(found) < 2:
        return "".join(found)
    return ", ".join(found[:-1]) + text.t("hidden.and", lang) + found[-1]


def short(reason: str | None, protects: list[str] | None, threshold: int, lang: str) -> str:
    """A few words for a cell or a tooltip: 'færre end 5 svar', 'skjult for at beskytte
    Direktion'."""
    if reason == anonymity.SECONDARY:
        if protects:
            return text.t("hidden.protects", lang, names=names(protects, lang))
        return text.t("hidden.protects_unnamed", lang)
    return text.t("hidden.below", lang, threshold=threshold)


def sentence(department: str, protects: list[str] | None, threshold: int, lang: str) -> str:
    """'Rengøring: skjult, fordi tal for Direktion bygger på færre end 5 svar – ellers kunne
    de regnes ud fra hele arbejdspladsens tal.'

    "Tal for" (some figures), not "Direktion har færre end 5 svar": a department protected
    may be below the threshold in a few questions only (people skipped them).
    """
    if not protects:
        return text.t("hidden.why_unnamed", lang, department=department, threshold=threshold)
    found = names(protects, lang)
    return text.t("hidden.why", lang, department=department, names=found, threshold=threshold)


def notes(
    measures: pl.DataFrame,
    workplace: str,
    threshold: int,
    lang: str,
    department: str | None = None,
    escape: Callable[[str], str] = str,
) -> list[str]:
    """One ``sentence`` per department of ``workplace`` (or just ``department``) hidden to
    protect another, from gated rows (level, workplace, department, reason, protects).
    ``escape``: for the names, where the sentence is shown as Markdown."""
    if anonymity.PROTECTS not in measures.columns:
        return []
    rows = measures.filter(
        (pl.col("level") == "department")
        & (pl.col("workplace") == workplace)
        & (pl.col("reason") == anonymity.SECONDARY)
        & (pl.col("department") == department if department is not None else pl.lit(True))
    )
    # Every secondary row of a department names the same departments; the first will do.
    found = rows.group_by("department").agg(pl.col(anonymity.PROTECTS).drop_nulls().first())
    return [
        sentence(escape(d), [escape(n) for n in p or []], threshold, lang)
        for d, p in sorted(found.iter_rows(), key=lambda r: r[0].casefold())
    ]
