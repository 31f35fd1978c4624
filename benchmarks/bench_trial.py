"""Benchmark: the Liu et al. (2016) design, 200 trial replicates end to end, with the
network emulator — and the emulator's error against direct network runs.

1. ``magsynapse trial --design liu2016 --replicates 200`` in a fresh process (start,
   import, emulator load, 10,200 people through body PK and the slow layer, scores,
   analysis, NetCDF and figure), timed by the wall clock against its budget on a 2-core
   machine (300 s), once in this process (``--scheduler none``) and once on a local dask
   cluster of two workers;
2. the people emulator (:func:`magsynapse.people.mechanism.default_emulator`) against
   fresh network runs at 16 new conditions on a new network seed
   (:func:`magsynapse.network.emulator.validate`): RMSE beside the residual SD of its fit.

Usage::

    python benchmarks/bench_trial.py --out bench-out
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xarray as xr

BUDGET = 300.0
REPLICATES = 200


def _trial(out: Path, scheduler: str) -> tuple[float, dict]:
    exe = Path(sys.executable).with_name("magsynapse")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            str(exe),
            "trial",
            "--design",
            "liu2016",
            "--replicates",
            str(REPLICATES),
            "--seed",
            "1",
            "--scheduler",
            scheduler,
            "--workers",
            "2",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"trial failed: {proc.stderr.strip()}")
    with xr.open_dataset(out) as ds:
        summary = json.loads(ds.attrs["summary"])
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    opts = parser.parse_args()
    opts.out.mkdir(parents=True, exist_ok=True)
    from magsynapse.network.emulator import validate
    from magsynapse.people.mechanism import default_emulator

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scheduler in ("none", "local"):
            seconds, s = _trial(Path(tmp) / f"trial-{scheduler}.nc", scheduler)
            rows.append((scheduler, seconds, s))
            print(f"liu2016 x {REPLICATES} ({scheduler}): {seconds:.1f} s", flush=True)
    t0 = time.perf_counter()
    v = validate(default_emulator(), points=16, seeds=(101,))
    v_seconds = time.perf_counter() - t0
    lines = [
        f"# In-silico trial: Liu et al. 2016 design, {REPLICATES} replicates (`magsynapse trial`)",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}.",
        "",
        "| scheduler | seconds | budget (s) | seconds / budget | predicted d (median, 90 %) "
        "| power |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for scheduler, seconds, s in rows:
        lo, hi = s["d_90"]
        lines.append(
            f"| {scheduler} | {seconds:.1f} | {BUDGET:g} | {seconds / BUDGET:.2f} | "
            f"{s['d_median']:+.3f} ({lo:+.3f} to {hi:+.3f}) | {s['power']:.3f} |"
        )
    lines += [
        "",
        f"Emulator against fresh network runs (16 new conditions, network seed 101; "
        f"{v_seconds:.0f} s):",
        "",
        "| readout | RMSE | residual SD of the fit |",
        "|---|---:|---:|",
    ]
    for name in ("recall", "rho_inside", "log_snr"):
        lines.append(
            f"| {name} | {float(v[f'rmse_{name}']):.3f} | {float(v[f'residual_sd_{name}']):.3f} |"
        )
    (opts.out / "bench_trial.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {opts.out / 'bench_trial.md'}")


if __name__ == "__main__":
    main()
