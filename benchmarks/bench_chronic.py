"""Benchmark: the two chronic regimens of the slow-biology issue, end to end.

Each runs as the command line does (a fresh process: start, import, numba cache load,
body, slow layer, network sessions, writing the NetCDF file and its figure), timed by
the wall clock, against its stated budget on a 2-core machine:

1. the rat regimen (Slutsky et al. 2010): 604 mg/kg/day MgT, 28 days, young and aged,
   sessions on days 0 and 28, control arm — budget 120 s;
2. a human regimen: 2 g/day MgT for 12 weeks, 100 prior samples, sessions on days 0,
   28 and 84 — budget 300 s.

The table (``bench_chronic.md``) gives the seconds, the budget and their ratio; the
median recall of each arm on the last day is written beside them.

Usage::

    python benchmarks/bench_chronic.py --out bench-out
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = {
    "rat regimen (28 d, young + aged, 2 sessions)": (
        [
            "--species",
            "rat",
            "--salt",
            "threonate",
            "--dose",
            "604mg/kg/day",
            "--days",
            "28",
            "--age",
            "young,aged",
            "--sessions",
            "0,28",
        ],
        120.0,
    ),
    "human regimen (84 d, 100 samples, 3 sessions)": (
        [
            "--species",
            "human",
            "--salt",
            "threonate",
            "--dose",
            "2g/day",
            "--days",
            "84",
            "--samples",
            "100",
            "--seed",
            "1",
            "--sessions",
            "0,28,84",
        ],
        300.0,
    ),
}


def _run(args: list[str], out: Path) -> tuple[float, str]:
    exe = Path(sys.executable).with_name("magsynapse")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "chronic", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"chronic failed: {proc.stderr.strip()}")
    recall = "; ".join(
        line.split(", ", 1)[1] for line in proc.stdout.splitlines() if line.startswith("recall")
    )
    return elapsed, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    opts = parser.parse_args()
    opts.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, (args, budget)) in enumerate(RUNS.items()):
            seconds, recall = _run(args, Path(tmp) / f"run{i}.nc")
            rows.append((name, seconds, budget, recall))
            print(f"{name}: {seconds:.1f} s (budget {budget:g} s)", flush=True)
    lines = [
        "# Chronic regimens, end to end (`magsynapse chronic`)",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}.",
        "",
        "| run | seconds | budget (s) | seconds / budget | recall on the last day |",
        "|---|---:|---:|---:|---|",
    ]
    for name, seconds, budget, recall in rows:
        lines.append(f"| {name} | {seconds:.1f} | {budget:g} | {seconds / budget:.2f} | {recall} |")
    (opts.out / "bench_chronic.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {opts.out / 'bench_chronic.md'}")


if __name__ == "__main__":
    main()
