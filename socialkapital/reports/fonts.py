"""The report font: DejaVu Sans, bundled in full, and a European subset of it for speed.

fpdf2 parses the whole font file for every new PDF and subsets it again on output; with the
full DejaVu (6,000 glyphs) that is about a third of the time a report takes. So, once per
machine, the Latin letters and the punctuation and symbols a report uses are cut out into a
small copy in the temporary folder. A report whose names need a letter outside it (Greek,
Cyrillic, Arabic, ...) gets the full font instead.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
RANGES = (
    (0x0020, 0x024F),  # Latin, with Latin-1 and Extended-A and B (æ ø å ä ö ü ł ő ğ ș ...)
    (0x2000, 0x206F),  # punctuation: – — ‘ ’ “ ” • …
    (0x20AC, 0x20AC),  # €
    (0x2190, 0x2193),  # arrows: ← ↑ → ↓ (a department followed across rounds)
    (0x2212, 0x2212),  # minus
    (0x2248, 0x2248),  # ≈
    (0x2264, 0x2265),  # ≤ ≥
    (0x25B2, 0x25B2),  # ▲ a change that holds up
    (0x25BC, 0x25BC),  # ▼
)
COVERED = frozenset(c for low, high in RANGES for c in range(low, high + 1))


def full() -> dict[str, Path]:
    """The bundled font files by style ('' regular, 'B' bold)."""
    return {style: FONTS / name for style, name in FILES.items()}


@cache
def fast() -> dict[str, Path]:
    """The European subset by style, made on first use; the full files if that fails."""
    try:
        return {style: _subset(path) for style, path in full().items()}
    except (OSError, ImportError):
        return full()


def for_text(*texts: str) -> dict[str, Path]:
    """The subset when it has every character of ``texts``, else the full font."""
    needed = {ord(c) for t in texts for c in t if not c.isspace()}
    return fast() if needed <= COVERED else full()


def _fonttools_version() -> str:
    import fontTools

    return fontTools.version


def _subset(source: Path) -> Path:
    from fontTools import subset  # only needed the first time on a machine

    data = source.read_bytes()
    recipe = repr((RANGES, "no hinting", subset.__name__, _fonttools_version()))
    key = hashlib.sha256(data + recipe.encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "socialkapital-fonts" / f"{source.stem}-{key}.ttf"
    if target.exists():
        return target
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the names, and so the copyright notice
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDF viewers rasterise without TrueType hinting anyway
    options.drop_tables += ["FFTM"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(COVERED))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed: worker processes may race to make it.
    partial = target.with_suffix(f".{os.getpid()}.part")
    subset.save_font(font, str(partial), options)
    os.replace(partial, target)
    return target
