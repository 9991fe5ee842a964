"""Synthetic demo data: four fictional Danish workplaces, surveyed twice a year apart.

The data has the structure the research describes (see ``shared/statistics.md``): person scores
correlate across the four dimensions as in the seed's table, departments differ modestly
(ICC(1) about .07-.20), workplaces differ as in the seed's benchmark, some answers are
"Ved ikke" or blank, and a few small departments fall below the anonymity threshold.
Everything is drawn from one seeded numpy generator: a seed always gives the same data.

The model, per person i in department k of workplace w and dimension d (0-100 points):

    level[i, d] = mean[d] + workplace_offset[w, d] + department_effect[k, d] + person[i, d]
    item score  = level[i, dimension of item] + item_offset + noise  -> code 1-5 -> Danish label

The latent spreads are derived from *observed* targets (person SD, ICC(1), correlations), by
taking out what the item noise and the 25-point rounding add, so the numbers a user sees
land near the targets.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from socialkapital import instrument

# --- Targets, as the user will observe them (statistics.md, domain.md) -------------------------
DIMENSIONS = ("team", "between", "leader", "workplace")
MEAN = {"team": 73.0, "between": 66.0, "leader": 74.0, "workplace": 66.0}  # seed benchmark
PERSON_SD = {"team": 17.0, "between": 19.0, "leader": 20.0, "workplace": 18.0}  # Andersen 2015
ICC1 = {"team": 0.11, "between": 0.15, "leader": 0.16, "workplace": 0.08}  # near Clausen 2020
CORRELATION = np.array(  # the seed's 4x4 table, order as DIMENSIONS
    [
        [1.00, 0.26, 0.29, 0.36],
        [0.26, 1.00, 0.21, 0.33],
        [0.29, 0.21, 1.00, 0.62],
        [0.36, 0.33, 0.62, 1.00],
    ]
)
# Points lost at the top of the scale when a high latent level is clipped to "I meget høj
# grad"; added back to the latent means and spreads so the observed ones hit the targets.
CLIP_ALLOWANCE_MEAN = 1.0
CLIP_ALLOWANCE_SD = 1.06
CLIP_ALLOWANCE_CORR = 1.05  # clipping also flattens correlations a little

ITEM_NOISE_SD = 10.0  # person-by-item noise on the 0-100 scale, before rounding to a code
ROUNDING_VAR = 25.0**2 / 12  # variance added by rounding to 25-point steps
# Items are not equally easy to agree with: e.g. "involved in decisions" (19) scores lower.
ITEM_OFFSET = {
    **{1: 2, 2: -3, 3: 3, 4: 0, 5: 4, 6: -6},
    **{7: 3, 8: 1, 9: -4, 10: -3, 11: -2, 12: 5},
    **{13: 0, 14: 3, 15: 2, 16: 0, 17: 2, 18: -7},
    **{19: -8, 20: 1, 21: 7},
}
# "Ved ikke" is likelier where respondents know less: other groups and top management.
DONT_KNOW = {"team": 0.015, "between": 0.045, "leader": 0.025, "workplace": 0.04}
DONT_KNOW_LABEL = "Ved ikke"
BLANK = 0.015  # share of answers left empty (half "", half null, as exports differ)
SKIPPERS = 0.008  # share of respondents who skip all but one item of one dimension
PERSON_STABILITY = 0.6  # correlation of a person's own view between the two rounds
TURNOVER = 0.12  # share of employees replaced between rounds
RATE_RANGE = (0.60, 0.95)  # response rates by department
MIN_RESPONDENTS = 400  # below this the fixed department structure cannot be scaled down


@dataclass(frozen=True)
class _Workplace:
    """A fictional workplace: its name, e-mail domain, level and departments."""

    name: str
    domain: str
    offset: tuple[float, float, float, float]  # points added for everyone here, per dimension
    departments: tuple[tuple[str, int], ...]  # (name, headcount at the default size)


# Headcounts of 5 or less never change with `respondents`: these are the departments that
# stay below the anonymity threshold (at most 4 of 5 answer, as the rate is floored).
TINY = 5
WORKPLACES = (
    _Workplace(
        "Vestjysk Mejeri",
        "vestjysk-mejeri.dk",
        (1.0, -4.0, 1.0, 2.0),
        (
            ("Mælkemodtagelse", 60),
            ("Ostemejeri", 114),
            ("Ost & Lager", 106),
            ("Smør & Fløde", 92),
            ("Pakkeri", 110),
            ("Vedligehold", 64),
            ("Laboratorium & Kvalitet", 30),
            ("Transport", 96),
            ("Administration", 36),
            ("Rengøring", 26),
            ("Direktion", 4),
        ),
    ),
    _Workplace(
        "Solgården Plejecenter",
        "solgaarden-pleje.dk",
        (3.0, 5.0, 4.0, -3.0),
        (
            ("Afsnit Bøgen", 84),
            ("Afsnit Egen", 88),
            ("Afsnit Lærken", 72),
            ("Demensenheden Rosen", 66),
            ("Nattevagt", 54),
            ("Køkken", 28),
            ("Aktivitet & Træning", 20),
            ("Rengøring & Vaskeri", 19),
            ("Sygeplejersker", 14),
            ("Ledelse & Sekretariat", 3),
        ),
    ),
    _Workplace(
        "Kommunens Borgerservice",
        "kommunens-borgerservice.dk",
        (-1.0, 2.0, -3.0, 1.0),
        (
            ("Borgerservice Skranke", 88),
            ("Pas & Kørekort", 54),
            ("Ydelsesservice", 108),
            ("Folkeregister & Flytning", 46),
            ("Opkrævning", 72),
            ("Telefonservice", 104),
            ("Digitalisering", 28),
            ("Administration", 34),
            ("Tolkebistand", 4),
            ("Ledelsessekretariat", 5),
        ),
    ),
    _Workplace(
        "Nordlys Emballage A/S",
        "nordlys-emballage.dk",
        (-3.0, -3.0, -2.0, 0.0),
        (
            ("Trykkeri", 114),
            ("Stansning", 108),
            ("Limning & Foldning", 112),
            ("Bølgepap", 110),
            ("Lager & Forsendelse", 106),
            ("Vedligehold", 68),
            ("Kvalitet", 24),
            ("Salg & Kundeservice", 52),
            ("Indkøb & Planlægning", 20),
            ("IT", 12),
            ("Direktion", 3),
        ),
    ),
)
# Each workplace's industry (DB07 section), as its facts: two manufacturers (the dairy and
# the packaging firm), a care home and a municipal service, so the demo shows the comparison
# with all workplaces and says that two of one industry are too few for an industry one.
INDUSTRIES = {
    "Vestjysk Mejeri": "C",
    "Solgården Plejecenter": "Q",
    "Kommunens Borgerservice": "O",
    "Nordlys Emballage A/S": "C",
}
ROUNDS = (
    ("Måling forår 2025", datetime.date(2025, 4, 8)),
    ("Måling forår 2026", datetime.date(2026, 4, 14)),
)
# Between the rounds the dairy splits its packing department into a day and a night shift.
SPLIT = ("Vestjysk Mejeri", "Pakkeri", ("Pakkeri Dag", "Pakkeri Nat"), 0.55)


def department_links() -> list[tuple[str, str, dict[str, list[str]]]]:
    """The split as a department mapping for the trends: (workplace, round, old -> new)."""
    workplace, old, new, _share = SPLIT
    return [(workplace, ROUNDS[1][0], {old: list(new)})]


DRIFT_SD = 1.0  # year-to-year wobble of a department's true level, in points
# Real changes in round 2 (points), mostly where a workshop's action plan targeted a form.
# The plans' successes are large enough to hold up after Holm's correction, so the trends
# page has something to show; the smaller ones stay within chance, as such changes do.
CHANGES = {
    ("Vestjysk Mejeri", "Ost & Lager"): {"between": 11.0},  # hand-overs between shifts
    ("Solgården Plejecenter", "Nattevagt"): {"between": 10.0},  # hand-over meetings with day
    ("Kommunens Borgerservice", "Pas & Kørekort"): {"leader": 11.0},  # leadership training
    ("Nordlys Emballage A/S", "Trykkeri"): {"team": 9.0},  # team training
    ("Solgården Plejecenter", "Afsnit Egen"): {"workplace": 5.0},  # staff shaped new rota
    ("Nordlys Emballage A/S", "Vedligehold"): {"leader": -5.0},  # new manager, rough start
    ("Vestjysk Mejeri", "Pakkeri Nat"): {"team": -3.0},  # the new night shift is still forming
}

FIRST_NAMES = (
    "Anne", "Mette", "Hanne", "Susanne", "Lene", "Marianne", "Camilla", "Louise", "Pia",
    "Charlotte", "Tina", "Helle", "Maria", "Karina", "Birgitte", "Sofie", "Ida", "Emma",
    "Freja", "Signe", "Line", "Bente", "Inge", "Kirsten", "Dorthe", "Malene", "Rikke",
    "Søs", "Åse", "Fatima", "Agnieszka", "Peter", "Michael", "Lars", "Jens", "Thomas",
    "Henrik", "Søren", "Christian", "Martin", "Jan", "Morten", "Jesper", "Anders", "Niels",
    "Mads", "Rasmus", "Jakob", "Kasper", "Frederik", "Mikkel", "Torben", "Bjarne", "Ole",
    "Kim", "Poul", "Bo", "Jørgen", "Rune", "Asger", "Mohammed", "Ali", "Piotr", "Tomasz",
)  # fmt: skip
LAST_NAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
    "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
    "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen",
    "Jakobsen", "Mikkelsen", "Frederiksen", "Laursen", "Østergaard", "Vestergaard",
    "Søndergaard", "Nørgaard", "Kjær", "Lund", "Holm", "Dahl", "Bech", "Krogh", "Friis",
    "Aagaard", "Brøndum", "Skov", "Bak", "Hassan", "Nowak", "Yilmaz", "Kowalski",
)  # fmt: skip
MIDDLE_NAMES = ("Skov", "Lund", "Holm", "Bech", "Kjær", "Dahl", "Møller", "Krogh", "Bøgh")
MIDDLE_NAME_SHARE = 0.25


@dataclass(frozen=True)
class DemoRound:
    """One survey round: its responses in the import-template layout and who was invited."""

    name: str
    date: datetime.date
    responses: pl.DataFrame  # workplace, department, respondent (e-mail), q1..qJ; all String
    rosters: dict[str, list[tuple[str, str, str]]]  # workplace -> [(email, name, department)]


@dataclass(frozen=True)
class _Params:
    """Latent model parameters, in the order of DIMENSIONS and of the instrument's items."""

    mean: np.ndarray
    workplace_offset: np.ndarray  # workplaces x dimensions
    department_sd: np.ndarray
    person_sd: np.ndarray
    person_chol: np.ndarray  # Cholesky factor of the person-level latent correlation
    department_chol: np.ndarray
    item_dimension: np.ndarray  # index into DIMENSIONS, per item
    item_offset: np.ndarray
    dont_know: np.ndarray  # per item
    labels: np.ndarray  # Danish label per code, index code - 1
    item_keys: tuple[str, ...]


@dataclass
class _People:
    """Everyone ever employed, across both rounds: a global id is an index into these."""

    emails: list[str]
    names: list[str]
    propensity: list[float]  # a person's lasting tendency to answer surveys


@dataclass(frozen=True)
class _Staff:
    """Who works where in one round, and their latent standardised views (N x dimensions)."""

    department: np.ndarray  # index into the round's department table
    person: np.ndarray  # global person id
    z: np.ndarray


@dataclass(frozen=True)
class _Departments:
    """One round's departments: workplace index, name, true effects and response rate."""

    workplace: np.ndarray
    names: list[str]
    effect: np.ndarray  # departments x dimensions, points
    rate: np.ndarray


# --- Public API ---------------------------------------------------------------------------------


def generate(seed: int = 2026, respondents: int = 2000) -> list[DemoRound]:
    """Two survey rounds a year apart with about ``respondents`` respondents each."""
    if respondents < MIN_RESPONDENTS:
        raise ValueError(f"respondents must be at least {MIN_RESPONDENTS}, got {respondents}")
    rng = np.random.default_rng(seed)
    params = _params(instrument.load())
    people = _People([], [], [])

    departments1 = _first_departments(rng, params)
    headcount = _headcounts(departments1.rate, respondents)
    staff1 = _first_staff(rng, people, departments1, headcount, params)
    departments2, old_to_new = _second_departments(rng, departments1)
    staff2 = _second_staff(rng, people, staff1, departments1, old_to_new, params)

    return [
        _round(rng, name, date, staff, departments, people, params)
        for (name, date), staff, departments in zip(
            ROUNDS, (staff1, staff2), (departments1, departments2), strict=True
        )
    ]


def write(rounds: list[DemoRound], folder: Path) -> list[Path]:
    """Write each round's responses as ``<slug-of-round>.csv`` (UTF-8, comma) and each roster
    as ``roster_<slug-of-workplace>_<slug-of-round>.txt`` with lines ``email;name;department``
    (UTF-8, no header). Return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for demo_round in rounds:
        path = folder / f"{slug(demo_round.name)}.csv"
        demo_round.responses.write_csv(path)
        written.append(path)
        for workplace, roster in demo_round.rosters.items():
            path = folder / f"roster_{slug(workplace)}_{slug(demo_round.name)}.txt"
            lines = "".join(f"{email};{name};{dept}\n" for email, name, dept in roster)
            path.write_text(lines, encoding="utf-8")
            written.append(path)
    return written


def slug(text: str) -> str:
    """Lower-case ASCII file-name form: 'Måling forår 2025' -> 'maaling-foraar-2025'."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def ascii_fold(text: str) -> str:
    """Danish letters the Danish way (æ->ae, ø->oe, å->aa), other accents dropped."""
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(danish, ascii_).replace(danish.upper(), ascii_.capitalize())
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode()
    )


# --- Model parameters ---------------------------------------------------------------------------


def _params(ins: instrument.Instrument) -> _Params:
    """Turn the observed targets into latent spreads, correlations and per-item settings."""
    dims = list(DIMENSIONS)
    item_dimension = np.array([dims.index(item.dimension) for item in ins.items])
    n_items = np.bincount(item_dimension, minlength=len(dims))
    sd = np.array([PERSON_SD[d] for d in dims]) * CLIP_ALLOWANCE_SD
    icc = np.array([ICC1[d] for d in dims])
    offsets = np.array([w.offset for w in WORKPLACES])

    # Between-department variance is ICC(1) of the total; the workplaces take their share.
    between = icc * sd**2
    department_var = np.maximum(between - offsets.var(axis=0), 1.0)
    # Within a department, part of the observed variance is measurement error of the mean
    # of J noisy, rounded items; the rest is the person's true view.
    error_var = (ITEM_NOISE_SD**2 + ROUNDING_VAR) / n_items
    person_var = (1 - icc) * sd**2 - error_var
    # Observed covariance = r * sd_a * sd_b = between part + person part; solve for the person
    # correlation, assuming departments' effects correlate like persons' views do.
    target = CORRELATION * CLIP_ALLOWANCE_CORR
    between_cov = target * np.sqrt(np.outer(between, between))
    person_corr = (target * np.outer(sd, sd) - between_cov) / np.sqrt(
        np.outer(person_var, person_var)
    )
    np.fill_diagonal(person_corr, 1.0)

    return _Params(
        mean=np.array([MEAN[d] for d in dims]) + CLIP_ALLOWANCE_MEAN,
        workplace_offset=offsets,
        department_sd=np.sqrt(department_var),
        person_sd=np.sqrt(person_var),
        person_chol=np.linalg.cholesky(person_corr),
        department_chol=np.linalg.cholesky(CORRELATION),
        item_dimension=item_dimension,
        item_offset=np.array([ITEM_OFFSET.get(item.number, 0) for item in ins.items], float),
        dont_know=np.array([DONT_KNOW[item.dimension] for item in ins.items]),
        labels=np.array([p.labels["da"] for p in sorted(ins.scale, key=lambda p: p.code)]),
        item_keys=tuple(ins.item_keys),
    )


def _correlated(rng: np.random.Generator, n: int, chol: np.ndarray) -> np.ndarray:
    """n rows of standard normal vectors with correlation chol @ chol.T."""
    return rng.standard_normal((n, chol.shape[0])) @ chol.T


# --- Departments and staff ----------------------------------------------------------------------


def _first_departments(rng: np.random.Generator, params: _Params) -> _Departments:
    """Round 1's departments with drawn true effects and response rates."""
    workplace = np.array([w for w, wp in enumerate(WORKPLACES) for _ in wp.departments])
    names = [name for wp in WORKPLACES for name, _ in wp.departments]
    effect = _correlated(rng, len(names), params.department_chol) * params.department_sd
    # With only ~40 departments, a few large ones could pull the overall mean several points
    # off the benchmark; centring (weighted by headcount) keeps the all-sites mean on target.
    effect -= np.average(effect, weights=_base_headcounts(), axis=0)
    rate = rng.uniform(*RATE_RANGE, len(names))
    return _Departments(workplace, names, effect, rate)


def _base_headcounts() -> np.ndarray:
    """Headcount per department at the default size, in table order."""
    return np.array([size for wp in WORKPLACES for _, size in wp.departments])


def _headcounts(rate: np.ndarray, respondents: int) -> np.ndarray:
    """Scale the default headcounts so the expected number of respondents is ``respondents``."""
    base = _base_headcounts()
    tiny = base <= TINY
    factor = (respondents - (rate * base)[tiny].sum()) / (rate * base)[~tiny].sum()
    # Scaled-down departments keep at least TINY + 1 people so that only the designated tiny
    # ones fall below the threshold by design.
    return np.where(tiny, base, np.maximum(TINY + 1, np.rint(base * factor))).astype(int)


def _first_staff(
    rng: np.random.Generator,
    people: _People,
    departments: _Departments,
    headcount: np.ndarray,
    params: _Params,
) -> _Staff:
    """Fill every round-1 department with newly drawn people."""
    department = np.repeat(np.arange(len(headcount)), headcount)
    person = _hire(rng, people, departments.workplace[department])
    z = _correlated(rng, len(department), params.person_chol)
    return _Staff(department, person, z)


def _second_departments(
    rng: np.random.Generator, first: _Departments
) -> tuple[_Departments, np.ndarray]:
    """Round 2's departments: the split applied, true effects drifted and changed.

    Returns the table and, per round-1 department, its two possible round-2 indices (the same
    twice unless it was split).
    """
    split_workplace, split_name, parts, _ = SPLIT
    workplace, names, origin, old_to_new = [], [], [], []
    for k, name in enumerate(first.names):
        wp_name = WORKPLACES[first.workplace[k]].name
        new_names = parts if (wp_name, name) == (split_workplace, split_name) else (name,)
        indices = list(range(len(names), len(names) + len(new_names)))
        old_to_new.append((indices[0], indices[-1]))
        names.extend(new_names)
        workplace.extend([first.workplace[k]] * len(new_names))
        origin.extend([k] * len(new_names))
    origin_arr = np.array(origin)
    workplace_arr = np.array(workplace)
    effect = first.effect[origin_arr] + rng.normal(0, DRIFT_SD, (len(names), len(DIMENSIONS)))
    for k, name in enumerate(names):
        for dimension, points in CHANGES.get((WORKPLACES[workplace[k]].name, name), {}).items():
            effect[k, DIMENSIONS.index(dimension)] += points
    # Response rates are a department's habit: they move only a little between rounds.
    rate = np.clip(first.rate[origin_arr] + rng.normal(0, 0.03, len(names)), *RATE_RANGE)
    return _Departments(workplace_arr, names, effect, rate), np.array(old_to_new)


def _second_staff(
    rng: np.random.Generator,
    people: _People,
    first: _Staff,
    first_departments: _Departments,
    old_to_new: np.ndarray,
    params: _Params,
) -> _Staff:
    """Round 2's staff: most people stay in their department; leavers' posts are refilled."""
    n = len(first.person)
    leaves = rng.random(n) < TURNOVER
    # The split department's people go to its first part with the given share, else the second.
    second_part = rng.random(n) >= SPLIT[3]
    department = old_to_new[first.department, second_part.astype(int)]
    person = first.person.copy()
    person[leaves] = _hire(rng, people, first_departments.workplace[first.department[leaves]])
    # A stayer's view a year later is partly the same view: correlation PERSON_STABILITY.
    fresh = _correlated(rng, n, params.person_chol)
    stability = np.where(leaves, 0.0, PERSON_STABILITY)[:, None]
    z = stability * first.z + np.sqrt(1 - stability**2) * fresh
    return _Staff(department, person, z)


def _hire(rng: np.random.Generator, people: _People, workplace: np.ndarray) -> np.ndarray:
    """Draw new people for the given workplaces; return their global ids."""
    n = len(workplace)
    first = np.array(FIRST_NAMES)[rng.integers(len(FIRST_NAMES), size=n)]
    last = np.array(LAST_NAMES)[rng.integers(len(LAST_NAMES), size=n)]
    middle = np.array(MIDDLE_NAMES)[rng.integers(len(MIDDLE_NAMES), size=n)]
    has_middle = (rng.random(n) < MIDDLE_NAME_SHARE) & (middle != last)
    propensity = rng.standard_normal(n)
    start = len(people.emails)
    taken = set(people.emails)
    for i in range(n):
        people.names.append(
            f"{first[i]} {middle[i]} {last[i]}" if has_middle[i] else f"{first[i]} {last[i]}"
        )
        people.emails.append(
            _unique_email(f"{first[i]}.{last[i]}", WORKPLACES[workplace[i]].domain, taken)
        )
    people.propensity.extend(propensity.tolist())
    return np.arange(start, start + n)


def _unique_email(local: str, domain: str, taken: set[str]) -> str:
    """``first.last@domain``, ASCII-folded; namesakes get 2, 3, ... as at most workplaces."""
    local = re.sub(r"[^a-z.-]", "", ascii_fold(local).lower())
    email, number = f"{local}@{domain}", 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{domain}"
    taken.add(email)
    return email


# --- One round: who answers, what they answer ----------------------------------------------------


def _round(
    rng: np.random.Generator,
    name: str,
    date: datetime.date,
    staff: _Staff,
    departments: _Departments,
    people: _People,
    params: _Params,
) -> DemoRound:
    """Choose the respondents of one round, draw their answers and build frame and rosters."""
    answered = _respondents(rng, staff, departments, people)
    dept = staff.department[answered]
    level = (
        params.mean
        + params.workplace_offset[departments.workplace[dept]]
        + departments.effect[dept]
        + staff.z[answered] * params.person_sd
    )
    answers = _with_missing(rng, params.labels[_codes(rng, level, params) - 1], params)
    # Rows in submission order within each workplace, as a survey tool exports them.
    order = np.lexsort((rng.random(len(dept)), departments.workplace[dept]))
    columns = {
        "workplace": [WORKPLACES[w].name for w in departments.workplace[dept][order]],
        "department": [departments.names[k] for k in dept[order]],
        "respondent": [people.emails[p] for p in staff.person[answered][order]],
    }
    columns |= {key: answers[order, j].tolist() for j, key in enumerate(params.item_keys)}
    responses = pl.DataFrame(columns, schema={key: pl.String for key in columns})
    return DemoRound(name, date, responses, _rosters(staff, departments, people))


def _respondents(
    rng: np.random.Generator, staff: _Staff, departments: _Departments, people: _People
) -> np.ndarray:
    """Boolean mask of the staff who answer: floor(rate x headcount) per department, at least 1.

    The keenest answer: a lasting personal propensity plus this round's chance, so many of the
    same people answer both rounds, as in real repeated surveys.
    """
    headcount = np.bincount(staff.department, minlength=len(departments.names))
    wanted = np.clip(np.floor(departments.rate * headcount), 1, headcount)
    keenness = np.array(people.propensity)[staff.person] + rng.standard_normal(len(staff.person))
    order = np.lexsort((-keenness, staff.department))
    dept_sorted = staff.department[order]
    first_of_dept = np.searchsorted(dept_sorted, np.arange(len(headcount)))
    rank = np.arange(len(order)) - first_of_dept[dept_sorted]
    answered = np.zeros(len(order), dtype=bool)
    answered[order] = rank < wanted[dept_sorted]
    return answered


def _codes(rng: np.random.Generator, level: np.ndarray, params: _Params) -> np.ndarray:
    """Codes 1-5 (respondents x items) from dimension levels, item offsets and item noise."""
    score = (
        level[:, params.item_dimension]
        + params.item_offset
        + rng.normal(0, ITEM_NOISE_SD, (len(level), len(params.item_dimension)))
    )
    return np.clip(np.rint(1 + score / 25), 1, 5).astype(int)


def _with_missing(rng: np.random.Generator, labels: np.ndarray, params: _Params) -> np.ndarray:
    """Labels with "Ved ikke", blanks ("" and null) and a few half-skipped dimensions."""
    answers = labels.astype(object)
    n, n_items = answers.shape
    answers[rng.random((n, n_items)) < params.dont_know] = DONT_KNOW_LABEL
    blank = rng.random((n, n_items)) < BLANK
    answers[blank] = np.where(rng.random((n, n_items)) < 0.5, "", None)[blank]
    # A few people give up on one dimension: all but its first item left empty, which leaves
    # too few answers for a dimension score under the half-answered rule.
    skippers = np.flatnonzero(rng.random(n) < SKIPPERS)
    skipped = rng.integers(len(DIMENSIONS), size=len(skippers))
    first_of_dimension = np.array(
        [np.flatnonzero(params.item_dimension == d)[0] for d in range(len(DIMENSIONS))]
    )
    first_item = first_of_dimension[skipped]
    mask = np.zeros((n, n_items), dtype=bool)
    mask[skippers] = params.item_dimension[None, :] == skipped[:, None]
    mask[skippers, first_item] = False
    answers[mask] = None
    return answers


def _rosters(
    staff: _Staff, departments: _Departments, people: _People
) -> dict[str, list[tuple[str, str, str]]]:
    """Every invited employee per workplace, sorted by department then name, as HR lists it."""
    rosters: dict[str, list[tuple[str, str, str]]] = {wp.name: [] for wp in WORKPLACES}
    for k, p in zip(staff.department, staff.person, strict=True):
        workplace = WORKPLACES[departments.workplace[k]].name
        rosters[workplace].append((people.emails[p], people.names[p], departments.names[k]))
    order = {name: i for i, name in enumerate(departments.names)}
    for roster in rosters.values():
        roster.sort(key=lambda row: (order[row[2]], row[1]))
    return rosters


def plans(rounds: list[DemoRound]) -> list[dict]:
    """A handful of realistic action plans from the first round's workshops, as records in
    the plans export's columns: the ones behind ``CHANGES`` (most done, one overdue, one
    dropped) and two new ones after the second round."""
    first, second = rounds[0], rounds[-1]
    start = first.date + datetime.timedelta(days=30)

    def plan(
        workplace,
        department,
        round_,
        dimension,
        items,
        focus,
        description,
        who,
        months,
        status,
        **more,
    ):
        begin = start if round_ is first else second.date + datetime.timedelta(days=30)
        return {
            "workplace": workplace,
            "department": department,
            "round": round_.name,
            "dimension": dimension,
            "items": items,
            "focus_area": focus,
            "description": description,
            "responsible": who,
            "start_date": begin.isoformat(),
            "deadline": (begin + datetime.timedelta(days=30 * months)).isoformat(),
            "status": status,
            **more,
        }

    return [
        plan(
            "Vestjysk Mejeri",
            "Ost & Lager",
            first,
            "between",
            "7,10",
            "Overlevering mellem skift",
            "Fem minutters fælles overlevering ved hvert skifteskift, med en fast tjekliste.",
            "Holdleder Ost & Lager",
            4,
            "done",
            follow_up="Status på afdelingsmødet hver måned.",
            goal="Når tjeklisten bruges ved alle skift i to måneder i træk.",
            continuation="Tjeklisten tages op ved næste måling.",
        ),
        plan(
            "Solgården Plejecenter",
            "Nattevagt",
            first,
            "between",
            "7,8",
            "Brobygning til dagvagten",
            "Nattevagten deltager i dagvagtens morgenmøde en gang om ugen.",
            "Afdelingsleder Nattevagt",
            6,
            "done",
        ),
        plan(
            "Kommunens Borgerservice",
            "Pas & Kørekort",
            first,
            "leader",
            "13,19",
            "Inddragelse i beslutninger",
            "Lederen forelægger planlagte ændringer på teammødet, før de besluttes.",
            "Teamleder Pas & Kørekort",
            6,
            "done",
        ),
        plan(
            "Nordlys Emballage A/S",
            "Trykkeri",
            first,
            "team",
            "1,6",
            "Teamtræning",
            "To halve dage med fælles spilleregler for samarbejdet.",
            "Produktionschef",
            3,
            "done",
        ),
        plan(
            "Solgården Plejecenter",
            "Afsnit Egen",
            first,
            "workplace",
            "19",
            "Medarbejderne former vagtplanen",
            "En arbejdsgruppe med tre medarbejdere laver udkastet til den nye vagtplan.",
            "Centerleder",
            5,
            "in_progress",
        ),
        plan(
            "Nordlys Emballage A/S",
            "Vedligehold",
            first,
            "leader",
            "",
            "Ny leder – god start",
            "Månedlige samtaler mellem den nye leder og teamet.",
            "HR-partner",
            4,
            "dropped",
        ),
        plan(
            "Vestjysk Mejeri",
            None,
            second,
            "workplace",
            "20",
            "Fælles forståelse af opgaverne",
            "Ledelsen og MED-udvalget gennemgår sammen, hvordan opgaverne prioriteres.",
            "Direktør",
            2,
            "in_progress",
        ),
        plan(
            "Vestjysk Mejeri",
            "Pakkeri Nat",
            second,
            "team",
            "4,5",
            "Et nyt hold finder sammen",
            "Makkerordning og fast ugentligt holdmøde.",
            "Holdleder Pakkeri Nat",
            4,
            "planned",
        ),
    ]
