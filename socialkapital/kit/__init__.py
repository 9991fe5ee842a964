"""A survey kit for a round: the questionnaire, ready for the tool the workplace collects
answers with, built so that the tool's export imports without a mapping step.

``content`` gathers what every format shows (statements, scale, departments, our own
introductions and invitation); one module per format turns it into a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialkapital import files, text
from socialkapital.importers.formats import KIT_DONT_KNOW, kit_item_code
from socialkapital.instrument import Instrument

FORMATS = ("lss", "qsf", "gforms", "xlsx", "pdf")
SUFFIXES = {"lss": ".lss", "qsf": ".qsf", "gforms": ".gs", "xlsx": ".xlsx", "pdf": ".pdf"}
# The department question's code: a column of this name is the department on import.
DEPARTMENT_CODE = {"da": "afdeling", "en": "department"}


@dataclass(frozen=True)
class Statement:
    code: str  # SK01 … SK21: the question code in every tool
    number: int
    text: str


@dataclass(frozen=True)
class Part:
    number: int
    name: str
    intro: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Kit:
    """What every format of the questionnaire holds, in one language."""

    lang: str
    workplace: str
    round: str
    title: str
    subtitle: str
    welcome: str
    invitation_subject: str
    invitation: str
    department_question: str
    department_free: str
    department_code: str
    departments: tuple[str, ...]  # empty: the department is typed (free text)
    scale_question: str
    scale: tuple[tuple[str, str], ...]  # (answer code, label), lowest first
    dont_know: tuple[str, str]  # (answer code, label): missing on import
    parts: tuple[Part, ...]
    thanks: str

    def t(self, key: str, **values: object) -> str:
        return text.t(f"kit.{key}", self.lang, **values)

    @property
    def statements(self) -> list[Statement]:
        return [s for part in self.parts for s in part.statements]

    @property
    def answers(self) -> list[tuple[str, str]]:
        """The scale and then "don't know": every answer a statement offers."""
        return [*self.scale, self.dont_know]


def content(
    instrument: Instrument,
    workplace: str,
    round_name: str,
    lang: str,
    departments: list[str],
    threshold: int,
) -> Kit:
    """The kit's content for a workplace's round in ``lang``."""
    t = lambda key, **v: text.t(f"kit.{key}", lang, **v)  # noqa: E731
    dont_know = t("dont_know")
    parts = tuple(
        Part(
            number,
            dimension.short[lang],
            t(f"intro_{dimension.key}"),
            tuple(
                Statement(kit_item_code(item.number), item.number, item.texts[lang])
                for item in instrument.items_of(dimension.key)
            ),
        )
        for number, dimension in enumerate(instrument.dimensions, start=1)
    )
    return Kit(
        lang=lang,
        workplace=workplace,
        round=round_name,
        title=t("title"),
        subtitle=t("subtitle", workplace=workplace, round=round_name),
        welcome=t("welcome", dont_know=dont_know),
        invitation_subject=t("invitation_subject"),
        invitation=t("invitation", workplace=workplace, round=round_name, threshold=threshold),
        department_question=t("department_question"),
        department_free=t("department_free"),
        department_code=DEPARTMENT_CODE[lang],
        departments=tuple(departments),
        scale_question=t("scale_question"),
        scale=tuple((str(p.code), p.labels[lang]) for p in instrument.scale),
        dont_know=(KIT_DONT_KNOW, dont_know),
        parts=parts,
        thanks=t("thanks"),
    )


def make(kit: Kit, fmt: str) -> bytes:
    """The kit as a file of format ``fmt`` (one of ``FORMATS``)."""
    from socialkapital.kit import gforms, lss, paper, qsf, sheet

    makers = {
        "lss": lss.build,
        "qsf": qsf.build,
        "gforms": gforms.build,
        "xlsx": sheet.build,
        "pdf": paper.build,
    }
    return makers[fmt](kit)


def file_name(kit: Kit, fmt: str) -> str:
    """A file name for the kit, e.g. ``spørgeskema Vestjysk Mejeri Forår 2026.lss``."""
    stem = {"da": "spørgeskema", "en": "questionnaire"}[kit.lang]
    return files.safe_name(f"{stem} {kit.workplace} {kit.round}", SUFFIXES[fmt], stem)
