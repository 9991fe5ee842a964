"""Words and numbers in the user's language: strings from data/locales, numbers via Babel.

Danish is the default; numbers follow the language (decimal comma in Danish).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

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


class Worded(Exception):
    """An error told by a locale key: English in logs and tracebacks, ``message(lang)`` for
    the user. Mixed into the errors the CLI and the pages show."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(t(key, "en", **params))
        self.key, self.params = key, params

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def _plural(lang: str, count: int) -> str:
    return Locale.parse(_LOCALES[lang]).plural_form(count)


@cache
def guidance() -> dict:
    """Explanations and advice per form (data/guidance.toml)."""
    return tomllib.loads((PROJECT_DATA / "guidance.toml").read_text(encoding="utf-8"))


def rounded(value: float, digits: int = 0, shift: int = 0) -> Decimal:
    """``value`` rounded to ``digits`` decimals, half away from zero: 68.5 -> 69, 69.5 -> 70
    (Babel and Python's round() go to the even neighbour, 68.5 -> 68).

    The figures are the exact values (a fraction of whole-number sums, queries/scores.sql)
    rounded once to a float, whose shortest form (``repr``) is that exact value whenever it
    has few decimals: 70.05 stays 70.05 and rounds to 70.1, where the float's binary value,
    70.0499999..., would give 70.0. ``shift``: times 10 to that power first (2: a share as
    a percentage), exactly.
    """
    exact = Decimal(repr(float(value))).scaleb(shift)
    return exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


@lru_cache(maxsize=16_384)
def _formatted(value: Decimal | int, pattern: str, lang: str) -> str:
    """Babel's formatting, remembered: a page writes thousands of numbers, most of them the
    same few hundred (0-100 in whole numbers or tenths), and Babel takes some 50 µs each."""
    return format_decimal(value, pattern, locale=_LOCALES[lang])


def score(value: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A 0-100 score, rounded for reading (``73`` or ``73,4``); a dash when hidden or missing."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return _formatted(rounded(value, digits), pattern, lang)


def signed(value: float | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A change with its sign (``+3,4`` / ``−2,0``); a dash when there is none."""
    if value is None:
        return DASH
    body = "#,##0" + ("." + "0" * digits if digits else "")
    shown = rounded(value, digits)
    if shown == 0:  # no "-0,0": a change that rounds to nothing has no sign
        return _formatted(0, body, lang)
    return _formatted(shown, f"+{body};-{body}", lang)


def number(value: float | None, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """A decimal number such as a correlation (``0,62``)."""
    if value is None:
        return DASH
    shown = rounded(value, digits)
    return _formatted(shown, "#,##0." + "0" * digits, lang)


def integer(value: int | None, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return DASH
    return _formatted(value, "#,##0", lang)


def percent(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """A share 0-1 as a whole percentage (``83 %`` in Danish, ``83%`` in English)."""
    if value is None:
        return DASH
    whole = rounded(value, 0, shift=2).scaleb(-2)  # a whole percentage, half away from 0
    return format_percent(whole, "#,##0 %" if lang == "da" else "#,##0%", locale=_LOCALES[lang])


def day(value: date | None, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return DASH
    return format_date(value, "long", locale=_LOCALES[lang])


def rules_text(lang: str, threshold: int, share: float) -> str:
    """The rules behind the numbers, with the settings in force filled in."""
    return guidance()["rules"][lang].format(
        threshold=threshold, share_percent=score(share * 100, lang)
    )


# What gives Streamlit's Markdown a meaning anywhere in a line: emphasis, links and images,
# code, raw HTML and <autolinks>, tables, strikethrough, Streamlit's directives
# (``:red[..]``, ``:material/..:``) and ``$..$`` LaTeX. Each may be escaped by a backslash.
_MARKDOWN = re.compile(r"([\\`*_\[\]()!#<>|~$:@])")
# What has a meaning only at the start of a line: lists, headings, quotes.
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
# Bare addresses: Streamlit (remark-gfm) makes links of "http://..", "www..." and e-mail
# addresses in the text after escapes are resolved, so a backslash cannot stop it. An
# invisible word joiner inside the pattern does.
_JOIN = "\u2060"
_BARE_LINKS = re.compile(r"(?i)\b(https?)(?=\\:)|\b(www)(?=\.)|(\\@)")


def md_escape(value: object) -> str:
    """A name (workplace, department, round, plan ...) as plain text inside Markdown.

    Streamlit renders Markdown in st.markdown, titles, captions, alerts, st.table and widget
    labels; a name such as ``![x](https://host/x.png)`` would make every viewer's browser
    fetch that address, and ``[x](https://host)`` or a bare ``https://host`` would be a
    link. Escaped, it reads as it was typed (with an invisible word joiner in an address).
    Line breaks become spaces (a name is one line; a new line could start a heading).
    """
    flat = " ".join(str(value).splitlines())
    flat = _MARKDOWN.sub(r"\\\1", flat)
    flat = _BARE_LINKS.sub(lambda m: m.group(0) + _JOIN, flat)
    return _LINE_START.sub(_escape_marker, flat)


def _escape_marker(match: re.Match) -> str:
    space, marker = match.groups()
    if marker[0].isdigit():  # "1." or "1)": the escape goes on the dot or bracket
        return space + marker + "\\"
    return space + "\\" + marker
