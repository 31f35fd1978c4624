"""Benchmark: MgNet with magsynapse and with Brian2 (cpp_standalone), the same model.

Two comparisons in one run (Brian2's model: ``benchmarks/brian2_mgnet.py``):

1. One network, [Mg]o = 1 mM, seed 1, T = 1 s, at N = 1000, 4000 and 10000, one thread
   each. magsynapse runs in a fresh process with ``NUMBA_NUM_THREADS=1``: its cold end to
   end time (process start, import, numba cache load, first ``simulate_network`` call),
   the second (warm) call as its run phase, and its peak RSS. Brian2 runs in a fresh
   process too: compile (set-up, code generation, C++ build in a fresh project) and run
   (the binary) phases, and the peak RSS of the binary. From N = 10000 Brian2's process
   gets ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (huge pages; it is memory-bound there).
   Ratios: Brian2 run / magsynapse run; Brian2 total (compile + run) / magsynapse cold
   end to end.
2. A sweep of 8 [Mg]o values at N = 1000, seed 1, end to end (fresh processes):
   magsynapse batched (one ``simulate_network`` call with the list of values), with one
   thread and with every core; Brian2's best practice — one compiled binary, [Mg]o
   passed as a run argument, one run per value (one thread). Ratio: Brian2 / magsynapse.
   Reported, not a target: its end-to-end time is mostly process start; the throughput
   target of ``bench_scaling.py`` (replicas per second at N = 4000) replaced it.

The rates and mean efficacies of both tools are written next to the timings at every
point; they come from different random streams, so they agree only statistically (the
seed-to-seed spread is checked by ``tests/test_brian2_mgnet.py``).

Usage::

    python benchmarks/bench_network.py --out bench-out [--quick]

``--quick``: N = 1000 only, T = 0.2 s, 3 [Mg]o values.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import llvmlite.binding as llvm

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brian2_mgnet

#: The stated target: run phase at N = 4000. (The 8-value sweep's end-to-end target,
#: which measured process start more than simulation, is replaced by the throughput target
#: of ``bench_scaling.py``: replicas per second at N = 4000.)
TARGET_RUN_RATIO_N4000 = 10.0
SWEEP_MG = (0.1, 0.3, 0.5, 0.8, 1.0, 1.2, 1.6, 2.0)
QUICK_SWEEP_MG = (0.1, 1.0, 2.0)

# The child process of the magsynapse timing: import, a first (cold) call and ``repeats``
# warm calls, whose median is the warm time; prints one JSON line.
_MAGSYNAPSE_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import numba
from magsynapse.network import load_config, simulate_network
t1 = time.perf_counter()
a = json.loads(sys.argv[1])
cfg = load_config(a["model"]).replace(network={"N": a["N"]})
if a["in_degree"]:
    cfg = cfg.replace(connectivity={"in_degree": a["in_degree"]})
if a["overrides"]:
    cfg = cfg.replace(**a["overrides"])
kw = dict(mg=a["mg"], seed=a["seed"], T=a["T"], threads=a["threads"])
if not a["warm"]:  # one call: the cold time is also the run
    ds = simulate_network(cfg, **kw)
    obs = {k: ds[k].values.tolist() for k in ("rate_E", "rate_I", "rho_mean")}
    print(json.dumps(obs | {"first_done": time.time(), "import_s": t1 - t0,
        "first_s": time.perf_counter() - t1, "warm_s": float("nan"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "numba_threads": numba.get_num_threads(), "repeatable": None}))
    sys.exit(0)
ds = simulate_network(cfg, **kw)
t2 = time.perf_counter()
first_done = time.time()
obs = {k: ds[k].values.tolist() for k in ("rate_E", "rate_I", "rho_mean")}
warm, same = [], True
for _ in range(a["repeats"]):
    t3 = time.perf_counter()
    ds2 = simulate_network(cfg, **kw)
    warm.append(time.perf_counter() - t3)
    same = same and all(ds2[k].values.tolist() == obs[k] for k in obs)
print(json.dumps(obs | {
    "first_done": first_done, "import_s": t1 - t0, "first_s": t2 - t1,
    "warm_s": sorted(warm)[len(warm) // 2], "warm_all_s": warm,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    "numba_threads": numba.get_num_threads(), "repeatable": same}))
"""


def run_child(script: str, args: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run ``script`` in a fresh Python with ``args`` (JSON, its ``sys.argv[1]``) and the
    environment ``env``; return the JSON of its last printed line (a failure raises with
    the end of its stderr)."""
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"magsynapse subprocess failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def time_magsynapse(
    N: int,
    mg: Any,
    seed: int,
    T: float,
    *,
    threads: int | None = None,
    model: str = "mgnet",
    in_degree: int = 0,
    overrides: dict[str, dict[str, Any]] | None = None,
    warm: bool = True,
    repeats: int = 1,
) -> dict[str, Any]:
    """magsynapse in a fresh process: cold end to end, warm call, peak RSS, observables.

    ``threads`` sets ``NUMBA_NUM_THREADS`` and ``simulate_network(threads=...)``; None
    keeps numba's default (every core). ``model``, ``in_degree`` (> 0: inputs per
    neuron) and ``overrides`` (section → values, as ``NetworkConfig.replace`` takes them,
    applied last) choose the network; without ``warm`` there is one call only (``first_s`` is
    then the run, network construction included, and ``warm_s`` NaN); with ``warm``,
    ``warm_s`` is the median of ``repeats`` warm calls (all in ``warm_all_s``).
    """
    env = dict(os.environ)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    args = {"N": N, "mg": mg, "seed": seed, "T": T, "threads": threads, "model": model}
    args |= {"in_degree": int(in_degree), "overrides": dict(overrides or {})}
    args |= {"warm": bool(warm), "repeats": int(repeats)}
    start = time.time()
    t0 = time.perf_counter()
    info = run_child(_MAGSYNAPSE_CHILD, args, env)
    wall = time.perf_counter() - t0
    info["cold_e2e_s"] = info.pop("first_done") - start
    info["process_wall_s"] = wall
    return info


def machine_info() -> dict[str, Any]:
    """CPU, memory, platform and package versions (Brian2 is not imported)."""
    cpu, mem_gb = platform.processor(), None
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    ident: dict[str, str] = {}  # family, model, stepping: the generation "model name" may hide
    if cpuinfo.exists():
        for line in cpuinfo.read_text().split("\n\n", 1)[0].splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "model name":
                cpu = value
            elif key in ("cpu family", "model", "stepping"):
                ident[key.removeprefix("cpu ")] = value
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024**2, 1)
                break
    thp = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    return {
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "cpu_id": ", ".join(f"{k} {v}" for k, v in ident.items()),
        "llvm_cpu": llvm.get_host_cpu_name(),  # the processor numba compiles for
        "memory_gb": mem_gb,
        "transparent_hugepages": thp.read_text().strip() if thp.exists() else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        **{name: version(name) for name in ("numpy", "numba", "brian2", "magsynapse")},
    }


def _cpu_counters() -> dict[str, Any]:
    """Busy CPU seconds of the whole machine (Linux ``/proc/stat``; None elsewhere) and of
    this process with its finished children, and the load average."""
    busy = None
    stat = Path("/proc/stat")
    if stat.exists():
        fields = [int(x) for x in stat.read_text().splitlines()[0].split()[1:]]
        # user nice system idle iowait irq softirq steal ...: busy = all but idle, iowait
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    mine = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return {"machine_busy_s": busy, "own_cpu_s": mine, "load_average": list(os.getloadavg())}


def contention(start: dict[str, Any]) -> dict[str, Any]:
    """CPU seconds that other processes used since ``start`` (machine busy time minus
    this benchmark's own, children included): about 0 on a quiet machine."""
    end = _cpu_counters()
    other = None
    if start["machine_busy_s"] is not None and end["machine_busy_s"] is not None:
        busy = end["machine_busy_s"] - start["machine_busy_s"]
        other = max(0.0, busy - (end["own_cpu_s"] - start["own_cpu_s"]))
    return {
        "other_processes_cpu_s": other,
        "load_average_start": start["load_average"],
        "load_average_end": end["load_average"],
    }


def _contention_text(c: dict[str, Any]) -> str:
    if c["other_processes_cpu_s"] is None:
        return "Other processes' CPU use during the run: not measured (no /proc/stat)."
    return (
        f"Other processes used {c['other_processes_cpu_s']:.0f} CPU-seconds during the run "
        "(machine busy time minus the benchmark's own, its subprocesses included; about 0 "
        "on a quiet machine, larger values mean the timings were slowed by other work)."
    )


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def bench_sizes(sizes: list[int], T: float, seed: int, mg: float = 1.0) -> list[dict]:
    """Part 1: one network per size, one thread each."""
    rows = []
    for N in sizes:
        print(f"N = {N}: magsynapse (1 thread, fresh process) ...", flush=True)
        ms = time_magsynapse(N, mg, seed, T, threads=1)
        print(
            f"  cold e2e {ms['cold_e2e_s']:.2f} s, run (warm) {ms['warm_s']:.2f} s, "
            f"peak RSS {ms['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        print(f"N = {N}: Brian2 cpp_standalone (1 thread, fresh project) ...", flush=True)
        b2 = brian2_mgnet.simulate_in_subprocess(N, mg, seed, T=T)
        print(
            f"  compile {b2['compile_s']:.2f} s, run {b2['run_s']:.2f} s "
            f"(loop {b2['loop_s']:.2f} s), binary peak RSS {b2['binary_rss_mb']:.0f} MB",
            flush=True,
        )
        b2_total = b2["compile_s"] + b2["run_s"]
        rows.append(
            {
                "N": N,
                "magsynapse": ms,
                "brian2": b2,
                "brian2_total_s": b2_total,
                "run_ratio": _ratio(b2["run_s"], ms["warm_s"]),
                "total_over_cold_ratio": _ratio(b2_total, ms["cold_e2e_s"]),
            }
        )
    return rows


def bench_sweep(mgs: list[float], N: int, T: float, seed: int) -> dict[str, Any]:
    """Part 2: the [Mg]o sweep, end to end."""
    print(f"sweep of {len(mgs)} [Mg]o values, N = {N}: magsynapse (1 thread) ...", flush=True)
    ms1 = time_magsynapse(N, mgs, seed, T, threads=1)
    print(f"  cold e2e {ms1['cold_e2e_s']:.2f} s, warm {ms1['warm_s']:.2f} s", flush=True)
    print("  magsynapse (every core) ...", flush=True)
    msn = time_magsynapse(N, mgs, seed, T, threads=None)
    print(
        f"  {msn['numba_threads']} threads: cold e2e {msn['cold_e2e_s']:.2f} s, "
        f"warm {msn['warm_s']:.2f} s",
        flush=True,
    )
    print("  Brian2 (compile once, [Mg]o as a run argument, 1 thread) ...", flush=True)
    b2 = brian2_mgnet.sweep_mg_in_subprocess(N, mgs, seed, T=T)
    print(
        f"  compile {b2['compile_s']:.2f} s, runs {b2['run_total_s']:.2f} s, "
        f"end to end {b2['wall_s']:.2f} s",
        flush=True,
    )
    return {
        "mg": list(mgs),
        "N": N,
        "magsynapse_1": ms1,
        "magsynapse_all": msn,
        "brian2": b2,
        "brian2_compile_per_value_estimate_s": len(mgs) * b2["compile_s"] + b2["run_total_s"],
        "ratio_1_thread": _ratio(b2["wall_s"], ms1["cold_e2e_s"]),
        "ratio_all_threads": _ratio(b2["wall_s"], msn["cold_e2e_s"]),
    }


def _threads(n: int) -> str:
    return f"{n} thread" if n == 1 else f"{n} threads"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "NOT met")


def targets(res: dict[str, Any]) -> dict[str, Any]:
    """The stated targets, checked against the measurements (None: not measured)."""
    by_n = {row["N"]: row for row in res["sizes"]}
    run4000 = by_n[4000]["run_ratio"] if 4000 in by_n else None
    fits = None
    if 10000 in by_n:
        limit = (res["machine"]["memory_gb"] or float("inf")) * 1024
        row = by_n[10000]
        peaks = (row["magsynapse"]["peak_rss_mb"], row["brian2"]["peak_rss_mb"])
        fits = max(peaks) < limit
    return {
        "run_ratio_n4000": run4000,
        "run_ratio_n4000_met": None if run4000 is None else run4000 >= TARGET_RUN_RATIO_N4000,
        "n10000_fits_in_memory": fits,
    }


def write_report(out_dir: Path, res: dict[str, Any]) -> str:
    """Write ``bench_network.md`` and ``bench_network.json``; return the markdown."""
    cfg = res["config"]
    lines = [
        "# Network benchmark: MgNet in magsynapse and in Brian2",
        "",
        f"MgNet (conductance-based LIF, NMDA with Jahr–Stevens Mg²⁺ block, plastic E→E "
        f"calcium-based synapses), dt = 0.1 ms. Brian2 {cfg['brian2_target']}: the script "
        "of `magsynapse export brian2 --model mgnet` (`euler` for V and for the clock-driven "
        "calcium and efficacy in the `Synapses`, exact conductance decays, `PoissonInput` "
        "drive); magsynapse: event-driven synapses (exact calcium and efficacy between "
        "events).",
        "",
        f"## 1. One network: [Mg]o = {cfg['mg']:g} mM, seed {cfg['seed']}, T = {cfg['T']:g} s, "
        "one thread each",
        "",
        "| N | magsynapse cold e2e (s) | magsynapse run (s) | magsynapse peak RSS (MB) | "
        "Brian2 compile (s) | Brian2 run (s) | Brian2 loop (s) | Brian2 total (s) | "
        "Brian2 binary peak RSS (MB) | run ratio | total / cold ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in res["sizes"]:
        ms, b2 = row["magsynapse"], row["brian2"]
        hp = " (huge pages)" if b2["hugepages"] else ""
        lines.append(
            f"| {row['N']} | {ms['cold_e2e_s']:.2f} | {ms['warm_s']:.2f} | "
            f"{ms['peak_rss_mb']:.0f} | {b2['compile_s']:.2f} | {b2['run_s']:.2f}{hp} | "
            f"{b2['loop_s']:.2f} | {row['brian2_total_s']:.2f} | {b2['binary_rss_mb']:.0f} | "
            f"{row['run_ratio']:.1f}× | {row['total_over_cold_ratio']:.1f}× |"
        )
    lines += [
        "",
        "magsynapse run: the second `simulate_network` call in its process; cold e2e: process "
        "start, import, numba cache load and the first call. Brian2 compile: network set-up, "
        "code generation and C++ build in a fresh project; run: the binary (start to results "
        "written); loop: the simulation loop as Brian2 reports it; total: compile + run. "
        "Ratios: Brian2 run / magsynapse run, Brian2 total / magsynapse cold e2e. "
        "Brian2's whole process (Python and compiler included) peaked at "
        + ", ".join(
            f"{row['brian2']['peak_rss_mb']:.0f} MB (N = {row['N']})" for row in res["sizes"]
        )
        + ".",
        "",
        "| N | tool | rate E (Hz) | rate I (Hz) | mean ρ |",
        "|---:|---|---:|---:|---:|",
    ]
    for row in res["sizes"]:
        for tool, r in (("magsynapse", row["magsynapse"]), ("Brian2", row["brian2"])):
            lines.append(
                f"| {row['N']} | {tool} | {r['rate_E']:.2f} | {r['rate_I']:.2f} | "
                f"{r['rho_mean']:.4f} |"
            )
    sw = res["sweep"]
    ms1, msn, b2 = sw["magsynapse_1"], sw["magsynapse_all"], sw["brian2"]
    n_all = msn["numba_threads"]
    mg_text = ", ".join(f"{m:g}" for m in sw["mg"])
    lines += [
        "",
        f"## 2. Sweep of {len(sw['mg'])} [Mg]o values ({mg_text} mM), N = {sw['N']}, "
        f"seed {cfg['seed']}, T = {cfg['T']:g} s, end to end",
        "",
        "| tool | end to end (s) | of which | ratio Brian2 / magsynapse |",
        "|---|---:|---|---:|",
        f"| magsynapse, one batched call ({_threads(1)}) | {ms1['cold_e2e_s']:.2f} | "
        f"warm call {ms1['warm_s']:.2f} s | {sw['ratio_1_thread']:.1f}× |",
        f"| magsynapse, one batched call ({_threads(n_all)}) | {msn['cold_e2e_s']:.2f} | "
        f"warm call {msn['warm_s']:.2f} s | {sw['ratio_all_threads']:.1f}× |",
        f"| Brian2, compile once + [Mg]o as run argument ({_threads(1)}) | {b2['wall_s']:.2f} | "
        f"compile {b2['compile_s']:.2f} s, {len(sw['mg'])} runs {b2['run_total_s']:.2f} s | |",
        "",
        "End to end: a fresh process, start to results. Brian2 compiling once per value "
        f"instead would take about {sw['brian2_compile_per_value_estimate_s']:.0f} s "
        "(estimate from the measured compile and run times).",
        "",
        "| [Mg]o (mM) | rate E magsynapse | rate E Brian2 | rate I magsynapse | "
        "rate I Brian2 | ρ magsynapse | ρ Brian2 |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, m in enumerate(sw["mg"]):
        lines.append(
            f"| {m:g} | {ms1['rate_E'][i]:.2f} | {b2['rate_E'][i]:.2f} | "
            f"{ms1['rate_I'][i]:.2f} | {b2['rate_I'][i]:.2f} | {ms1['rho_mean'][i]:.4f} | "
            f"{b2['rho_mean'][i]:.4f} |"
        )
    tg = res["targets"]
    r4 = tg["run_ratio_n4000"]
    lines += [
        "",
        "## Targets",
        "",
        f"- run phase ≥ {TARGET_RUN_RATIO_N4000:g}× faster than Brian2 at N = 4000: "
        + (f"{r4:.1f}× — " if r4 is not None else "")
        + _verdict(tg["run_ratio_n4000_met"]),
        "- N = 10000 fits in memory: " + _verdict(tg["n10000_fits_in_memory"]),
        f"- the {len(SWEEP_MG)}-value sweep has no target: its end-to-end time is mostly "
        "process start; the throughput target (replicas per second at N = 4000, "
        "`bench_scaling.py`) replaces it",
    ]
    return write_outputs(out_dir, "bench_network", lines, res)


def machine_line(m: dict[str, Any]) -> str:
    """The machine of :func:`machine_info` in one sentence."""
    return (
        f"{m['cpu']} ({m['cpu_id'] or 'family unknown'}; numba compiles for "
        f"{m['llvm_cpu']}), {m['cpu_count']} CPUs, {m['memory_gb']} GB RAM (transparent "
        f"huge pages: {m['transparent_hugepages']}); {m['platform']}; Python "
        f"{m['python']}, numpy {m['numpy']}, numba {m['numba']}, Brian2 {m['brian2']}, "
        f"magsynapse {m['magsynapse']}."
    )


def write_outputs(out_dir: Path, name: str, lines: list[str], res: dict[str, Any]) -> str:
    """Append the machine and contention section to ``lines``, write ``NAME.md`` and
    ``NAME.json`` (``res``) into ``out_dir``; return the markdown."""
    lines += [
        "",
        "## Machine",
        "",
        machine_line(res["machine"]),
        "",
        _contention_text(res["contention"]),
        "",
    ]
    md = "\n".join(lines)
    (out_dir / f"{name}.md").write_text(md)
    (out_dir / f"{name}.json").write_text(json.dumps(res, indent=2) + "\n")
    return md


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--quick", action="store_true", help="N = 1000, T = 0.2 s, 3 [Mg]o values")
    ap.add_argument("--sizes", default="1000,4000,10000", help="comma list of N")
    ap.add_argument("--T", type=float, default=1.0, help="simulated time, s")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.quick:
        sizes, T, mgs = [1000], 0.2, list(QUICK_SWEEP_MG)
    else:
        sizes, T, mgs = [int(x) for x in args.sizes.split(",")], args.T, list(SWEEP_MG)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    cpu0 = _cpu_counters()
    t0 = time.perf_counter()
    res: dict[str, Any] = {
        "config": {
            "sizes": sizes,
            "T": T,
            "seed": args.seed,
            "mg": 1.0,
            "quick": args.quick,
            "brian2_target": "cpp_standalone",
            "brian2_threads": 1,
            "brian2_hugepages_from_N": brian2_mgnet.HUGEPAGES_MIN_N,
        },
        "machine": machine_info(),
    }
    res["sizes"] = bench_sizes(sizes, T, args.seed)
    res["sweep"] = bench_sweep(mgs, 1000, T, args.seed)
    res["targets"] = targets(res)
    res["bench_wall_s"] = time.perf_counter() - t0
    res["contention"] = contention(cpu0)
    print()
    print(write_report(out_dir, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
