"""Benchmark: the stochastic DP STDP curve with magsynapse and with Brian2 (cpp_standalone).

Both tools simulate the same protocol — ``points`` Δt values from −100 to +100 ms, 60
pre–post pairs at 1 Hz, ``reps`` synapses starting DOWN (ρ = 0) and ``reps`` starting UP
(ρ = 1) for every Δt — and both curves are read out in the same way (GB2012's relative
change from the DOWN→UP and UP→DOWN transition fractions, threshold ρ* = 0.5).

Timings:

* magsynapse, cold end to end: a fresh Python process (interpreter start, import, numba
  cache load) up to the end of the first ``stdp`` call; also without numba's on-disk
  cache (a fresh ``NUMBA_CACHE_DIR``, so the JIT compile is included);
* magsynapse, warm: the second call in the same process;
* Brian2: code generation + C++ compilation, the run of the binary, their total, and the
  wall time of the whole subprocess.

Brian2 runs single-threaded by default (its default; ``--threads N`` turns OpenMP on),
while numba uses every core: magsynapse is then also timed with ``NUMBA_NUM_THREADS`` set
to Brian2's thread count, so that both ratios — as shipped and core for core — are shown.

Usage::

    python benchmarks/bench_stdp.py --out bench-out [--reps 1000] [--points 41] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brian2_gb2012
from bench_network import machine_info, machine_line

# The child process of the magsynapse timing: import, a first (cold) and a second (warm)
# call; it prints one JSON line and writes the curves to an .npz.
_MAGSYNAPSE_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from magsynapse.synapse import stdp
t1 = time.perf_counter()
cfg = json.loads(sys.argv[1])
dts = np.array(cfg["dts"])
kw = dict(pairs=cfg["pairs"], freq=cfg["freq"], mg=1.0, method="stochastic",
          reps=cfg["reps"], seed=cfg["seed"])
ds = stdp(dts, **kw)
t2 = time.perf_counter()
first_done = time.time()
ds2 = stdp(dts, **kw)
t3 = time.perf_counter()
change = ds.change.sel(mg=1.0).values
np.savez(cfg["out"], change=change, change_se=ds.change_se.sel(mg=1.0).values,
         p_up=ds.p_up.sel(mg=1.0).values, p_down=ds.p_down.sel(mg=1.0).values)
import numba
print(json.dumps({"first_done": first_done, "import_s": t1 - t0, "first_s": t2 - t1,
                  "warm_s": t3 - t2, "numba_threads": numba.get_num_threads(),
                  "repeatable": bool(np.array_equal(change, ds2.change.sel(mg=1.0).values))}))
"""


def time_magsynapse(
    dts: np.ndarray,
    reps: int,
    seed: int,
    pairs: int,
    freq: float,
    *,
    fresh_cache: bool = False,
    threads: int | None = None,
) -> dict[str, Any]:
    """Run magsynapse in a fresh process; cold end-to-end and warm times, and the curve.

    ``fresh_cache`` points numba at an empty cache directory, so the cold time includes
    the JIT compilation of every kernel; ``threads`` sets ``NUMBA_NUM_THREADS``.
    """
    with tempfile.TemporaryDirectory(prefix="bench_stdp_ms_") as tmp:
        out = Path(tmp) / "curve.npz"
        cfg = {
            "dts": dts.tolist(),
            "reps": reps,
            "seed": seed,
            "pairs": pairs,
            "freq": freq,
            "out": str(out),
        }
        env = dict(os.environ)
        if fresh_cache:
            env["NUMBA_CACHE_DIR"] = str(Path(tmp) / "numba_cache")
        if threads is not None:
            env["NUMBA_NUM_THREADS"] = str(threads)
        start = time.time()
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _MAGSYNAPSE_CHILD, json.dumps(cfg)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"magsynapse subprocess failed:\n{proc.stderr[-4000:]}")
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        with np.load(out) as f:
            curves = {k: f[k] for k in f.files}
    info["cold_e2e_s"] = info.pop("first_done") - start
    info["process_wall_s"] = wall
    return info | curves


def brian2_curve(rho: np.ndarray, reps: int) -> dict[str, np.ndarray]:
    """GB2012 readout of Brian2's final ρ, exactly as magsynapse computes it."""
    from magsynapse.synapse.params import BISTABLE_SETS
    from magsynapse.synapse.rules import gb_change, gb_change_se

    p = BISTABLE_SETS["DP"]
    p_up = np.mean(rho[:, :reps] > p["rho_star"], axis=1)
    p_down = np.mean(rho[:, reps:] < p["rho_star"], axis=1)
    return {
        "p_up": p_up,
        "p_down": p_down,
        "change": gb_change(p_up, p_down, p["beta"], p["b"]),
        "change_se": gb_change_se(p_up, p_down, reps, p["beta"], p["b"]),
    }


def _threads(n: int) -> str:
    return f"{n} thread" if n == 1 else f"{n} threads"


def _fmt_ratio(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}×"


def write_report(out_dir: Path, res: dict[str, Any]) -> str:
    """Write ``bench_stdp.md`` and ``bench_stdp.json``; return the markdown."""
    t = res["timings_s"]
    r = res["ratios"]
    cfg = res["config"]
    n_ms, n_b2 = cfg["magsynapse_numba_threads"], cfg["brian2_threads"]
    rows = [
        (
            f"magsynapse ({_threads(n_ms)})",
            "cold, end to end (process start, import, numba cache load, run)",
            t["magsynapse_cold_e2e"],
            None,
        ),
        (
            f"magsynapse ({_threads(n_ms)})",
            "cold, end to end, empty numba cache (JIT compile included)",
            t["magsynapse_cold_e2e_nocache"],
            None,
        ),
        (
            f"magsynapse ({_threads(n_ms)})",
            "warm (second call in the same process)",
            t["magsynapse_warm"],
            None,
        ),
    ]
    if "magsynapse_same_threads_warm" in t:
        rows += [
            (
                f"magsynapse ({_threads(n_b2)}, as Brian2)",
                "cold, end to end",
                t["magsynapse_same_threads_cold_e2e"],
                None,
            ),
            (
                f"magsynapse ({_threads(n_b2)}, as Brian2)",
                "warm",
                t["magsynapse_same_threads_warm"],
                None,
            ),
        ]
    b2 = f"Brian2 ({_threads(n_b2)})"
    rows += [
        (b2, "compile (set-up, code generation, C++ build)", t["brian2_compile"], None),
        (
            b2,
            f"run (binary; simulation loop alone: {t['brian2_loop']:.2f} s)",
            t["brian2_run"],
            r["brian2_run_over_magsynapse_warm"],
        ),
        (
            b2,
            "total (compile + run)",
            t["brian2_total"],
            r["brian2_total_over_magsynapse_cold_e2e"],
        ),
        (
            b2,
            "end to end (subprocess wall time)",
            t["brian2_e2e"],
            r["brian2_e2e_over_magsynapse_cold_e2e"],
        ),
    ]
    lines = [
        "# STDP benchmark: magsynapse vs Brian2",
        "",
        f"Stochastic DP STDP curve: {cfg['points']} Δt values from −100 to +100 ms × "
        f"{cfg['reps']} synapses per initial state (DOWN and UP: {2 * cfg['reps']} per Δt, "
        f"{cfg['points'] * 2 * cfg['reps']} in all), {cfg['pairs']} pairs at "
        f"{cfg['freq']:g} Hz. Brian2 {cfg['brian2_target']}, dt = {cfg['brian2_dt_ms']} ms, "
        f"Euler-Heun (`heun`); magsynapse event-driven (exact calcium).",
        "",
        "| tool | phase | seconds | ratio Brian2/magsynapse |",
        "|---|---|---:|---:|",
    ]
    lines += [
        f"| {tool} | {phase} | {sec:.2f} | {_fmt_ratio(ratio)} |"
        for tool, phase, sec, ratio in rows
    ]
    lines += [
        "",
        "Ratios: Brian2 run / magsynapse warm; Brian2 total / magsynapse cold end to end; "
        "Brian2 end to end / magsynapse cold end to end. Brian2 total against magsynapse "
        f"cold with an empty numba cache: "
        f"{_fmt_ratio(r['brian2_total_over_magsynapse_cold_e2e_nocache'])}.",
    ]
    if "brian2_run_over_magsynapse_same_threads_warm" in r:
        lines.append(
            f"Core for core ({_threads(n_b2)} each): Brian2 run / magsynapse warm "
            f"{_fmt_ratio(r['brian2_run_over_magsynapse_same_threads_warm'])}, Brian2 total / "
            "magsynapse cold end to end "
            f"{_fmt_ratio(r['brian2_total_over_magsynapse_same_threads_cold_e2e'])}."
        )
    a = res["agreement"]
    lines += [
        "",
        "## Agreement of the curves",
        "",
        f"- largest |Δ change| / sqrt(se_magsynapse² + se_brian2²): {a['max_z']:.2f} "
        f"(Δt = {a['max_z_dt']:g} ms); z > 2 at {a['n_z_over_2']} and z > 3 at "
        f"{a['n_z_over_3']} of {cfg['points']} Δt values",
        f"- largest |Δ change|: {a['max_abs_diff']:.4f} (Δt = {a['max_abs_diff_dt']:g} ms)",
        "",
        "| Δt (ms) | magsynapse | ± se | Brian2 | ± se | z |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    c = res["curves"]
    for i, dt in enumerate(c["dt"]):
        lines.append(
            f"| {dt:g} | {c['magsynapse'][i]:.4f} | {c['magsynapse_se'][i]:.4f} | "
            f"{c['brian2'][i]:.4f} | {c['brian2_se'][i]:.4f} | {c['z'][i]:.2f} |"
        )
    lines += [
        "",
        "## Machine",
        "",
        machine_line(res["machine"]),
        "",
    ]
    md = "\n".join(lines)
    (out_dir / "bench_stdp.md").write_text(md)
    (out_dir / "bench_stdp.json").write_text(json.dumps(res, indent=2) + "\n")
    return md


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--reps", type=int, default=1000, help="synapses per initial state")
    ap.add_argument("--points", type=int, default=41, help="Δt values from -100 to 100 ms")
    ap.add_argument("--quick", action="store_true", help="reps 100 and 11 points")
    ap.add_argument("--pairs", type=int, default=60)
    ap.add_argument("--freq", type=float, default=1.0, help="Hz")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="Brian2 OpenMP threads (default 1: Brian2's default, no OpenMP); magsynapse "
        "is also timed with this many numba threads when it differs from numba's default",
    )
    args = ap.parse_args(argv)
    reps, points = (100, 11) if args.quick else (args.reps, args.points)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    dts = np.linspace(-100.0, 100.0, points)
    run = {"pairs": args.pairs, "freq": args.freq}

    print(f"magsynapse: {points} dts x {2 * reps} synapses, cold (fresh process) ...")
    ms = time_magsynapse(dts, reps, args.seed, **run)
    print(f"  cold end to end {ms['cold_e2e_s']:.2f} s, warm {ms['warm_s']:.2f} s")
    print("magsynapse: cold with an empty numba cache ...")
    ms_nc = time_magsynapse(dts, reps, args.seed, **run, fresh_cache=True)
    print(f"  cold end to end {ms_nc['cold_e2e_s']:.2f} s")
    ms_same = None
    if args.threads != ms["numba_threads"]:
        print(f"magsynapse: {_threads(args.threads)}, as Brian2 ...")
        ms_same = time_magsynapse(dts, reps, args.seed, **run, threads=args.threads)
        print(f"  cold end to end {ms_same['cold_e2e_s']:.2f} s, warm {ms_same['warm_s']:.2f} s")

    print(f"Brian2 cpp_standalone ({_threads(args.threads)}) ...")
    rho0 = np.concatenate([np.zeros(reps), np.ones(reps)])
    b2 = brian2_gb2012.simulate_in_subprocess(
        dts, rho0, seed=args.seed, threads=args.threads, **run
    )
    print(f"  compile {b2['compile_s']:.2f} s, run {b2['run_s']:.2f} s, e2e {b2['wall_s']:.2f} s")
    bc = brian2_curve(b2["rho"], reps)

    diff = bc["change"] - ms["change"]
    z = np.abs(diff) / np.sqrt(bc["change_se"] ** 2 + ms["change_se"] ** 2)
    timings = {
        "magsynapse_cold_e2e": ms["cold_e2e_s"],
        "magsynapse_cold_e2e_nocache": ms_nc["cold_e2e_s"],
        "magsynapse_import": ms["import_s"],
        "magsynapse_first_call": ms["first_s"],
        "magsynapse_first_call_nocache": ms_nc["first_s"],
        "magsynapse_warm": ms["warm_s"],
        "brian2_compile": b2["compile_s"],
        "brian2_run": b2["run_s"],
        "brian2_loop": b2["loop_s"],
        "brian2_total": b2["compile_s"] + b2["run_s"],
        "brian2_e2e": b2["wall_s"],
    }
    ratios = {
        "brian2_run_over_magsynapse_warm": timings["brian2_run"] / timings["magsynapse_warm"],
        "brian2_total_over_magsynapse_cold_e2e": timings["brian2_total"]
        / timings["magsynapse_cold_e2e"],
        "brian2_e2e_over_magsynapse_cold_e2e": timings["brian2_e2e"]
        / timings["magsynapse_cold_e2e"],
        "brian2_total_over_magsynapse_cold_e2e_nocache": timings["brian2_total"]
        / timings["magsynapse_cold_e2e_nocache"],
    }
    if ms_same is not None:
        timings["magsynapse_same_threads_cold_e2e"] = ms_same["cold_e2e_s"]
        timings["magsynapse_same_threads_warm"] = ms_same["warm_s"]
        ratios["brian2_run_over_magsynapse_same_threads_warm"] = (
            timings["brian2_run"] / ms_same["warm_s"]
        )
        ratios["brian2_total_over_magsynapse_same_threads_cold_e2e"] = (
            timings["brian2_total"] / ms_same["cold_e2e_s"]
        )
    res = {
        "config": {
            "points": points,
            "reps": reps,
            "synapses_per_dt": 2 * reps,
            "pairs": args.pairs,
            "freq": args.freq,
            "seed": args.seed,
            "parameter_set": "DP",
            "brian2_target": b2["target"],
            "brian2_dt_ms": brian2_gb2012.DT_MS,
            "brian2_threads": args.threads,
            "magsynapse_numba_threads": ms["numba_threads"],
            "magsynapse_repeatable": ms["repeatable"],
        },
        "timings_s": timings,
        "ratios": ratios,
        "agreement": {
            "max_z": float(np.max(z)),
            "max_z_dt": float(dts[np.argmax(z)]),
            "n_z_over_2": int(np.sum(z > 2)),
            "n_z_over_3": int(np.sum(z > 3)),
            "max_abs_diff": float(np.max(np.abs(diff))),
            "max_abs_diff_dt": float(dts[np.argmax(np.abs(diff))]),
        },
        "curves": {
            "dt": dts.tolist(),
            "magsynapse": ms["change"].tolist(),
            "magsynapse_se": ms["change_se"].tolist(),
            "brian2": bc["change"].tolist(),
            "brian2_se": bc["change_se"].tolist(),
            "z": z.tolist(),
            "magsynapse_p_up": ms["p_up"].tolist(),
            "magsynapse_p_down": ms["p_down"].tolist(),
            "brian2_p_up": bc["p_up"].tolist(),
            "brian2_p_down": bc["p_down"].tolist(),
        },
        "machine": machine_info(),
    }
    print(write_report(out_dir, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
