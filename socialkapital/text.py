"""Words and numbers in the user's language: strings from data/locales, numbers via Babel.

Danish is the default; numbers follow the language (decimal comma in Danish).
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from socialkapital import PROJECT_DATA

LANGS = ("da", "en")
DEFAULT_LANG = "da"
_LOCALES = {"da": "da_DK", "en": "en_GB"}
DASH = "–"


@cache
def strings(lang: str) -> dict[str, str]:
    """All UI strings of one language (flat: 'section.key' -> text)."""
    raw = tomllib.loads((PROJECT_DATA / "locales" / f"{lang}.toml").read_text(encoding="utf-8"))
    return dict(_flatten(raw))


def _flatten(table: dict, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled in.

    With an integer ``count``, a ``key_one`` text (where there is one) serves the counts that
    the language's plural rules call "one": "1 række", not "1 rækker".
    """
    table = strings(lang)
    count = values.get("count")
    one = f"{key}_one"
    if isinstance(count, int) and one in table and _plural(lang, count) == "one":
        key = one
    text = table[key]
    return text.format(**values) if values else text


def _plural(lang: str, count: int) -> str:
    return Locale.parse(_LOCALES[lang]).plural_form(count)


@cache
def guidance() -> dict:
    """Explanations and advice per form (data/guidance.toml)."""
    return tomllib.loads((PROJECT_DATA / "guidance.toml").read_text(encoding="utf-8"))


def score(value: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A 0-100 score, rounded for reading (``73`` or ``73,4``); a dash when hidden or missing."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=_LOCALES[lang])


def signed(value: float | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A change with its sign (``+3,4`` / ``−2,0``); a dash when there is none."""
    if value is None:
        return DASH
    body = "#,##0" + ("." + "0" * digits if digits else "")
    if round(value, digits) == 0:  # no "-0,0": a change that rounds to nothing has no sign
        return format_decimal(0, body, locale=_LOCALES[lang])
    return format_decimal(value, f"+{body};-{body}", locale=_LOCALES[lang])


def number(value: float | None, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """A decimal number such as a correlation (``0,62``)."""
    if value is None:
        return DASH
    return format_decimal(value, "#,##0." + "0" * digits, locale=_LOCALES[lang])


def integer(value: int | None, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return DASH
    return format_decimal(value, "#,##0", locale=_LOCALES[lang])


def percent(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """A share 0-1 as a whole percentage (``83 %`` in Danish, ``83%`` in English)."""
    if value is None:
        return DASH
    return format_percent(value, "#,##0 %" if lang == "da" else "#,##0%", locale=_LOCALES[lang])


def day(value: date | None, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return DASH
    return format_date(value, "long", locale=_LOCALES[lang])


def rules_text(lang: str, threshold: int, share: float) -> str:
    """The rules behind the numbers, with the settings in force filled in."""
    return guidance()["rules"][lang].format(
        threshold=threshold, share_percent=score(share * 100, lang)
    )
