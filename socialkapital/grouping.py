"""Reporting groups, planned before the survey (issue 18).

A department with fewer respondents than the anonymity threshold is hidden, and so are the
smallest of its siblings, until the hidden ones together can no longer be worked out by
subtraction. A management group of 3 can thereby cost a department of 18 all its figures.
Once the answers are in, nothing can be done about it; before the survey the layout can
still be chosen: a small department is reported together with another one, as one
reporting group, and its answers are stored under that group.

This module plans it from head counts (invited per department from a roster, entered by
hand, or the respondents of an earlier round): which departments will fall below the
threshold, which would be hidden to protect them, and merges that leave none hidden. What
is hidden is decided by the gate itself (``anonymity.gate`` on a frame of the counts), so
the plan follows the gate whatever its rules are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from socialkapital import anonymity, text

JOIN = " + "  # between the names of a reporting group's departments: "Direktion + IT"


@dataclass(frozen=True)
class Unit:
    """A department (or reporting group) as planned: its head count and the respondents
    expected of it (what the gate will see)."""

    name: str
    count: int
    expected: int


@dataclass(frozen=True)
class Merge:
    """A proposed reporting group: its name and its departments, the small one first."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The advice for one workplace: its units, which of them are too small (``below``),
    which would be hidden to protect those (``protecting``), and the proposed merges."""

    units: tuple[Unit, ...]
    below: tuple[str, ...]
    protecting: tuple[str, ...]
    merges: tuple[Merge, ...]
    rate: float

    def unit(self, name: str) -> Unit:
        return next(u for u in self.units if u.name == name)

    @property
    def layout(self) -> dict[str, str]:
        """The proposal as a layout: department -> reporting group."""
        return layout_of(self.merges)


def expected(count: int, rate: float) -> int:
    """Respondents expected of ``count`` invited at ``rate``, rounded down: a department
    of 6 at 80 % gives 4, below a threshold of 5 (4.8 people do not answer)."""
    return math.floor(count * rate + 1e-9)


def hidden(counts: Mapping[str, int], threshold: int) -> tuple[list[str], list[str]]:
    """The departments the gate hides when each has these respondents: (too few of their
    own, hidden to protect those), each sorted by name."""
    if not counts:
        return [], []
    names = sorted(counts)
    departments = pl.DataFrame(
        {
            "level": "department",
            "workplace": "w",
            "department": names,
            "measure": "n",
            "mean": 0.0,
            "sd": 0.0,
            "n": [int(counts[n]) for n in names],
        }
    )
    site = pl.DataFrame(
        {
            "level": ["workplace"],
            "workplace": ["w"],
            "department": pl.Series([None], dtype=pl.String),
            "measure": ["n"],
            "mean": [0.0],
            "sd": [0.0],
            "n": [sum(int(c) for c in counts.values())],
        }
    )
    gated = anonymity.gate(pl.concat([site, departments]), threshold)
    rows = gated.filter((pl.col("level") == "department") & pl.col("suppressed"))
    below = rows.filter(pl.col("reason") == anonymity.PRIMARY)["department"].sort().to_list()
    other = rows.filter(pl.col("reason") != anonymity.PRIMARY)["department"].sort().to_list()
    return below, other


def propose(counts: Mapping[str, int], threshold: int) -> list[Merge]:
    """Merges after which the gate hides no department (unless the whole workplace has
    fewer respondents than the threshold: then no layout helps).

    Again and again, the smallest hidden department is merged with a partner: another too
    small department if the two together reach the threshold (two problems solved at
    once), else the smallest department that makes it reach the threshold (it gives up the
    least detail), else the smallest of all (and the next round merges on). Each step
    makes one unit fewer, so it ends; it ends only when the gate hides nothing or one unit
    is left.
    """
    groups: dict[str, list[str]] = {n: [n] for n in counts}
    sizes = {n: int(c) for n, c in counts.items()}
    while len(groups) > 1:
        below, _ = hidden(sizes, threshold)
        if not below:
            break
        small = min(below, key=lambda n: (sizes[n], n))
        others = sorted((g for g in groups if g != small), key=lambda n: (sizes[n], n))
        reach = [g for g in others if sizes[small] + sizes[g] >= threshold]
        partner = next(iter([g for g in reach if g in below] or reach or others))
        # Named smallest first ("Direktion + Administration"): the small one is the reason.
        members = sorted(groups.pop(small) + groups.pop(partner), key=lambda n: (counts[n], n))
        name = JOIN.join(members)
        groups[name] = members
        sizes[name] = sizes.pop(small) + sizes.pop(partner)
    return [Merge(n, tuple(m)) for n, m in sorted(groups.items()) if len(m) > 1]


def plan(counts: Mapping[str, int], threshold: int, rate: float = 1.0) -> Plan:
    """The advice for one workplace's departments with these head counts, when a share
    ``rate`` of them is expected to answer (1.0 for counts of respondents)."""
    units = tuple(Unit(n, int(c), expected(int(c), rate)) for n, c in sorted(counts.items()))
    sizes = {u.name: u.expected for u in units}
    below, protecting = hidden(sizes, threshold)
    return Plan(units, tuple(below), tuple(protecting), tuple(propose(sizes, threshold)), rate)


def layout_of(merges: list[Merge] | tuple[Merge, ...]) -> dict[str, str]:
    """Department -> reporting group, for the departments of the merges."""
    return {member: m.name for m in merges for member in m.members}


def grouped(counts: Mapping[str, int], layout: Mapping[str, str]) -> dict[str, int]:
    """The counts per reporting group (a department not in the layout stays itself)."""
    out: dict[str, int] = {}
    folded = {k.casefold(): v for k, v in layout.items()}
    for name, count in counts.items():
        group = folded.get(name.casefold(), name)
        out[group] = out.get(group, 0) + int(count)
    return out


class BadMerge(ValueError):
    """A merge typed as ``A,B=Name`` that cannot be used."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}")


def parse_counts(typed: str) -> dict[str, int]:
    """Departments with head counts typed one a line, "Direktion; 4" (or with a TAB, a
    comma or "=" between: as pasted from a spreadsheet or given on the command line)."""
    counts: dict[str, int] = {}
    for number, line in enumerate(typed.splitlines(), start=1):
        if not line.strip():
            continue
        cut = max(line.rfind(sep) for sep in (";", "\t", ",", "="))
        name, count = line[:cut].strip(), line[cut + 1 :].strip()
        if cut < 0 or not name or not count.isdigit():
            raise BadMerge("groups.bad_count", spec=line.strip(), line=number)
        counts[name] = counts.get(name, 0) + int(count)
    return counts


def parse_merge(spec: str, known: list[str]) -> Merge:
    """``"A,B=Name"`` (or ``"A,B"``: named "A + B") as a merge of known departments
    (matched in any case, spelt as known)."""
    members_text, _, name = spec.partition("=")
    by_fold = {k.casefold(): k for k in known}
    members = []
    for raw in members_text.split(","):
        wanted = raw.strip()
        if not wanted:
            continue
        found = by_fold.get(wanted.casefold())
        if found is None:
            raise BadMerge("groups.unknown_department", name=wanted, known=", ".join(known))
        if found not in members:
            members.append(found)
    if len(members) < 2:
        raise BadMerge("groups.too_few_members", spec=spec)
    return Merge(name.strip() or JOIN.join(members), tuple(members))


def check_layout(merges: list[Merge], known: list[str] = ()) -> None:
    """Refuse a department in two groups, two groups of one name, a blank name, or a group
    named like a department it does not hold (their answers would be mixed)."""
    seen: dict[str, str] = {}
    names = set()
    for m in merges:
        if not m.name.strip():
            raise BadMerge("groups.blank_name")
        if m.name.casefold() in names:
            raise BadMerge("groups.name_twice", name=m.name)
        names.add(m.name.casefold())
        others = {k.casefold() for k in known} - {x.casefold() for x in m.members}
        if m.name.casefold() in others:
            raise BadMerge("groups.name_taken", name=m.name)
        for member in m.members:
            if member.casefold() in seen:
                raise BadMerge("groups.member_twice", name=member)
            seen[member.casefold()] = m.name


def carry(previous: Mapping[str, str], chosen: list[Merge]) -> list[Merge]:
    """``chosen`` merges of units that may be groups of the ``previous`` layout, as a layout
    of departments: a group merged again takes its departments along (and itself, for the
    answers already stored under it). The previous layout's other groups stay."""
    out = dict(previous)
    for m in chosen:
        for unit in m.members:
            out[unit] = m.name
            for department, group in previous.items():
                if group.casefold() == unit.casefold():
                    out[department] = m.name
    groups: dict[str, list[str]] = {}
    for department, group in out.items():
        if department != group:
            groups.setdefault(group, []).append(department)
    return [Merge(g, tuple(members)) for g, members in sorted(groups.items())]


def advice(plan: Plan, threshold: int, lang: str, esc=str) -> list[str]:
    """The plan in plain words, one paragraph per line: who is at risk and why, and each
    proposal. ``esc`` is applied to every name (Markdown escaping on a page)."""
    t = lambda key, **v: text.t(f"groups.{key}", lang, **v)  # noqa: E731
    invited = plan.rate < 1

    def unit(name: str) -> str:
        u = plan.unit(name)
        if invited:
            return t("unit_invited", name=esc(name), count=u.count, expected=u.expected)
        return t("unit_answered", name=esc(name), count=u.count)

    total = sum(u.expected for u in plan.units)
    if total < threshold:
        return [t("whole_too_small", threshold=threshold)]
    if not plan.below:
        return [t("all_shown" if invited else "all_shown_answered")]
    below = [unit(n) for n in plan.below]
    key = "below_one" if len(below) == 1 else "below"
    first = t(key, units=names(below, lang))
    if plan.protecting:
        them = "protect_one" if len(below) == 1 else "protect"
        first += " " + t(them, units=names([unit(n) for n in plan.protecting], lang))
    lines = [first]
    sizes = {u.name: u.expected for u in plan.units}
    for m in plan.merges:
        lines.append(
            t(
                "proposal" if invited else "proposal_answered",
                first=esc(m.members[0]),
                others=names([esc(x) for x in m.members[1:]], lang),
                group=esc(m.name),
                expected=sum(sizes.get(x, 0) for x in m.members),
            )
        )
    return lines


def names(items: list[str], lang: str) -> str:
    """ "A", "A og B", "A, B og C"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text.t('groups.and', lang)} {items[-1]}"
