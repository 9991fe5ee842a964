"""Advice fitted to a group's own pattern: which tips come first, and why.

The tips per form are data (data/guidance.toml: ``strengthen_<lang>``, and ``strengthen_items``
naming the questions each tip works on). Here they are ordered by the group's own figures:
a tip aimed at the group's weakest questions in the form (lowest score, then furthest below
the comparison) comes first. The form the group scores lowest on gets every tip; the other
forms get the first few. Nothing is computed here but the order: the figures are the gated
ones the caller shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialkapital import text

TIPS_OTHER_FORMS = 3  # tips shown for a form that is not the group's lowest


@dataclass(frozen=True)
class Fitted:
    """The tips to show for one form, in order, and the facts they were chosen by."""

    tips: list[str]
    lowest_form: bool  # the group's lowest form (of those shown)
    weakest: list[int]  # the form's questions, weakest first (shown figures only)
    gap: float | None  # the form's score minus the comparison's, when both are shown


def _mean(means: dict, key: str) -> float | None:
    return means.get(key)


def lowest_form(subject: dict, forms: list[str]) -> str | None:
    """The form with the group's lowest shown score (None when none is shown); on a tie the
    first in the instrument's order."""
    shown = [(subject[f], f) for f in forms if subject.get(f) is not None]
    return min(shown, key=lambda pair: pair[0])[1] if shown else None


def fit(
    advice: dict,
    lang: str,
    form: str,
    items: list[int],
    subject: dict,
    comparator: dict | None,
    lowest: str | None,
) -> Fitted:
    """Order (and for a form that is not the lowest, cut) the form's tips by the group's
    weakest questions. ``subject``/``comparator`` map measure keys (``q7``, ``team``) to
    their shown means (None, or absent, when hidden)."""
    tips = list(advice[f"strengthen_{lang}"])
    targets = advice.get("strengthen_items") or [[] for _ in tips]

    def key(number: int) -> tuple[float, float]:
        own = _mean(subject, f"q{number}")
        other = _mean(comparator or {}, f"q{number}")
        return (own, own - other if other is not None else 0.0)

    shown = [n for n in items if _mean(subject, f"q{n}") is not None]
    weakest = sorted(shown, key=key)
    rank = {n: i for i, n in enumerate(weakest)}
    # A tip ranks by the weakest question it works on; ties keep the order in the data.
    order = sorted(
        range(len(tips)),
        key=lambda i: (min((rank[n] for n in targets[i] if n in rank), default=len(rank)), i),
    )
    is_lowest = lowest == form
    chosen = [tips[i] for i in order][: None if is_lowest else TIPS_OTHER_FORMS]
    own, other = _mean(subject, form), _mean(comparator or {}, form)
    gap = own - other if own is not None and other is not None else None
    return Fitted(chosen, is_lowest, weakest, gap)


def lead(fit: Fitted, lang: str, comparison: str | None, band: float) -> str:
    """One or two sentences saying why these tips, in this order: the lowest form, the
    distance to ``comparison`` (its name, e.g. 'hele arbejdspladsen'; None for no
    comparison), which is 'about the same' within the neutral ``band``, and the weakest
    questions."""
    parts = []
    if fit.lowest_form:
        parts.append(text.t("report.fit_lowest", lang))
    if fit.gap is not None and comparison is not None:
        if abs(fit.gap) < band:
            parts.append(text.t("report.fit_alike", lang, comparison=comparison))
        else:
            key = "report.fit_below" if fit.gap < 0 else "report.fit_above"
            points = text.score(abs(fit.gap), lang)
            parts.append(text.t(key, lang, points=points, comparison=comparison))
    if fit.weakest:
        weakest = f" {text.t('report.fit_and', lang)} ".join(str(n) for n in fit.weakest[:2])
        parts.append(text.t("report.fit_order", lang, items=weakest))
    return " ".join(parts)
