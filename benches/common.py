"""What every benchmark shares: the machine it ran on, and its section of docs/benchmarks.md."""

from __future__ import annotations

import platform
import subprocess
from datetime import date
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> tuple[str, str, str]:
    """(`uname -a`, cores by `nproc`, CPU model)."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "?",
    )
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return uname, cores, cpu


def heading(section: str, module: str) -> list[str]:
    """The first lines of a section: its title, the date, the command and the machine."""
    uname, cores, cpu = machine()
    return [
        f"## {section}",
        "",
        f"{date.today().isoformat()} · `python -m benches.{module}` · "
        f"{cpu}, {cores} cores (`nproc`), Python {platform.python_version()}",
        "",
        f"`uname -a`: {uname}",
        "",
    ]


def write_section(heading: str, body: str, path: Path = DOCS) -> None:
    """Replace (or add) one ``## heading`` section of the benchmarks page; leave the others."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    parts = text.split("\n## ")
    name = heading.removeprefix("## ")
    kept = [parts[0].rstrip("\n")] + [
        p.rstrip("\n") for p in parts[1:] if p.split("\n", 1)[0].strip() != name
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n## ".join(kept) + "\n\n" + body.rstrip("\n") + "\n", encoding="utf-8")
