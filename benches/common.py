"""What every benchmark shares: the machine it ran on, and its section of docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benches" / "results"  # the last full run's figures, for the growth chart


def memory_gb() -> float:
    """The machine's RAM (MemTotal), GB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def load_note(load: float) -> str:
    """What a load average above the core count means for the figures."""
    cores = os.cpu_count() or 1
    if load <= cores:
        return "."
    return (
        f" (above the {cores} cores: other programs were running, and wall-clock times "
        "stretch with them; baseline and product ran side by side, so their ratio holds "
        "better than either time)."
    )


def save_results(name: str, rows: list[dict]) -> Path:
    """Keep a benchmark's figures as JSON (benches/results/NAME.json)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return path


def child(argv: list[str], out: Path) -> tuple[float, float]:
    """Run a process to its end, its output into ``out``: (wall seconds, its peak RSS, MB)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with out.open("wb") as sink:
        start = time.perf_counter()
        # Peak memory as /usr/bin/time reports it: a child forked from this process would
        # count this process's memory too.
        timed = ["/usr/bin/time", "-f", "%M", "-o", str(out) + ".rss", *argv]
        proc = subprocess.Popen(timed, stdout=sink, stderr=subprocess.PIPE, env=env)
        _, error = proc.communicate()
        wall = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"{argv} failed: {error.decode()[-2000:]}")
    rss = Path(str(out) + ".rss")
    kb = int(rss.read_text().split()[-1])
    rss.unlink()
    return wall, kb / 1024


def best(argv: list[str], out: Path, repeat: int = 3) -> dict:
    """Best wall time of ``repeat`` runs, with that run's peak RSS."""
    wall, rss = min((child(argv, out) for _ in range(repeat)), key=lambda r: r[0])
    return {"wall": wall, "rss": rss}


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
        f"{cpu}, {cores} cores (`nproc`), {memory_gb():.0f} GB RAM, "
        f"Python {platform.python_version()}",
        "",
        f"`uname -a`: {uname}",
        "",
    ]


def write_section(heading: str, body: str, path: Path = DOCS) -> None:
    """Replace one ``## heading`` section of the benchmarks page where it stands (or add it
    at the end); leave the others."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    sections = [part.rstrip("\n") for part in text.split("\n## ")]
    titles = [part.split("\n", 1)[0].strip() for part in sections]
    name = heading.removeprefix("## ")
    new = body.strip("\n").removeprefix("## ")
    if name in titles[1:]:
        sections[titles.index(name, 1)] = new
    else:
        sections.append(new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n## ".join(sections) + "\n", encoding="utf-8")
