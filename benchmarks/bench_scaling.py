"""Benchmark: how the network's cost grows with N and with synaptic events (``mgnet_k``).

MgNet keeps p = 0.1 as N grows and falls silent, so its large sizes measure little
work. ``mgnet_k`` keeps every neuron's in-degree (and its activity), so this benchmark
measures the engine on networks that stay awake:

1. Two series, T = 1 s, [Mg]o = 1 mM, seed 1: in-degree 100 (MgNet's at N = 1000) at
   N = 1000 … 100000, and in-degree 1000 (weights scaled by √(100/1000), the mean input
   restored: ``mean_and_variance``, :mod:`magsynapse.network.scaling`) at N = 4000 …
   100000. The reference band of the rates: N = 1000, in-degree 100, seeds 1–10, mean ±
   2 SD; every point says whether its rates lie in it. For each point: magsynapse's run
   time per simulated second, synaptic events per second (recurrent: spikes ×
   in-degree; external Poisson inputs counted apart), bytes per synapse (peak RSS above
   the smallest network's, over the synapses) and peak RSS, one thread; Brian2
   cpp_standalone (the script of ``magsynapse export brian2``) with one thread and with
   two, at every point where its one-thread run is predicted (:func:`predict_brian2`,
   from the series' previous sizes) to finish within :data:`BRIAN2_LIMIT_S`; magsynapse with two
   threads (one network split between them) at every point, timed in turn with one
   thread in one process where the network can be called again (:data:`THREAD_PAIRS`),
   and whether its numbers equal those of one thread.
2. Where the time goes, measured at the target sizes, one thread: ``mgnet_k`` with no
   recurrent synapse (every neuron's Poisson drive, membrane and threshold, no synaptic
   event), then each series' network with plasticity off (transmission only). Brian2's
   run over the neurons alone is the highest run-phase ratio the engine's neuron update
   leaves reachable, however cheap the events.
3. Throughput: replicas per second at N = 4000 (in-degree 100), 8 [Mg]o values, end to
   end in a fresh process: magsynapse batched (every core) against Brian2 compiled once
   and run once per value with [Mg]o as a run argument (every core: OpenMP threads).

Usage::

    python benchmarks/bench_scaling.py --out bench-out [--quick]

``--quick``: N = 1000 and 2000 (in-degree 100) and 4000 (in-degree 1000), T = 0.2 s.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brian2_mgnet
from bench_network import (
    SWEEP_MG,
    _cpu_counters,
    _ratio,
    _verdict,
    contention,
    machine_info,
    run_child,
    time_magsynapse,
    write_outputs,
)

#: (in-degree, sizes) of each series.
SERIES = {100: [1000, 4000, 10000, 40000, 100000], 1000: [4000, 10000, 40000, 100000]}
QUICK_SERIES = {100: [1000, 2000], 1000: [4000]}
#: Brian2 runs are skipped where one thread is predicted to take longer (s).
BRIAN2_LIMIT_S = 600.0
#: Sizes of the targets: run phase ≥ 10× Brian2 (one thread each), ≥ 1.7× from 2 threads.
TARGET_SIZES = (10000, 40000)
TARGET_RUN_RATIO = 10.0
TARGET_THREAD_SPEEDUP = 1.7
#: The throughput target, replicas per second against Brian2's: the run-phase target.
TARGET_THROUGHPUT_RATIO = 10.0
THROUGHPUT_N = 4000
#: Warm calls timed per point where the network is small enough to be called again: their
#: median is the one-thread run time.
WARM_REPEATS = 3
#: Where the network is small enough to be called again, one thread and two are timed in
#: one process, alternating, for this many pairs of warm calls: the two-thread time is the
#: median of its calls, the speed-up the median of the pairs' ratios. A machine whose
#: speed drifts (another tenant on the host) moves both calls of a pair alike.
THREAD_PAIRS = 5
#: External Poisson inputs per neuron per second in mgnet_k (100 sources at 60 Hz).
EXTERNAL_RATE = 100 * 60.0
#: Seeds of the reference band (N = 1000, in-degree 100).
BAND_SEEDS = list(range(1, 11))


def reference_band(T: float) -> dict[str, Any]:
    """Rates of the reference network (N = 1000, in-degree 100) over :data:`BAND_SEEDS`:
    mean ± 2 SD of rate E and rate I (Hz)."""
    print(f"reference band: N = 1000, in-degree 100, seeds {BAND_SEEDS} ...", flush=True)
    ms = time_magsynapse(1000, 1.0, BAND_SEEDS, T, threads=None, model="mgnet_k", warm=False)
    out: dict[str, Any] = {"seeds": BAND_SEEDS}
    for key in ("rate_E", "rate_I"):
        v = [float(x) for x in ms[key]]
        mean = sum(v) / len(v)
        sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1))
        out[key] = {"mean": mean, "sd": sd, "low": mean - 2 * sd, "high": mean + 2 * sd}
    print(
        f"  rate E {out['rate_E']['mean']:.2f} ± {2 * out['rate_E']['sd']:.2f} Hz, "
        f"rate I {out['rate_I']['mean']:.2f} ± {2 * out['rate_I']['sd']:.2f} Hz",
        flush=True,
    )
    return out


_PAIRS_CHILD = """
import json, sys, time
from magsynapse.network import load_config, simulate_network
a = json.loads(sys.argv[1])
cfg = load_config("mgnet_k").replace(network={"N": a["N"]}, connectivity={"in_degree": a["K"]})
times, obs = {1: [], 2: []}, {}
for i in range(a["pairs"] + 1):  # the first pair compiles nothing but warms up
    for threads in (1, 2):
        t0 = time.perf_counter()
        ds = simulate_network(cfg, mg=1.0, seed=a["seed"], T=a["T"], threads=threads)
        t = time.perf_counter() - t0
        o = {k: ds[k].values.tolist() for k in ("rate_E", "rate_I", "rho_mean")}
        obs.setdefault(threads, o)
        if i:
            times[threads].append(t)
            assert o == obs[threads], "a warm call changed the numbers"
print(json.dumps({"one_s": times[1], "two_s": times[2], "obs_1": obs[1], "obs_2": obs[2]}))
"""


def time_thread_pairs(N: int, K: int, T: float, seed: int, pairs: int) -> dict[str, Any]:
    """One network (``mgnet_k``, N, in-degree K, 1 mM) on one thread and on two, called in
    turn in one process with two numba threads: ``pairs`` pairs of warm calls after a
    first pair. Returns the calls' times, each pair's ratio (one thread over two), their
    medians, and the observables of each thread count."""
    env = dict(os.environ) | {"NUMBA_NUM_THREADS": "2"}
    args = {"N": N, "K": K, "T": T, "seed": seed, "pairs": pairs}
    out = run_child(_PAIRS_CHILD, args, env)
    out["ratios"] = [a / b for a, b in zip(out["one_s"], out["two_s"], strict=True)]
    out["two_median_s"] = statistics.median(out["two_s"])
    out["speedup"] = statistics.median(out["ratios"])
    return out


def _in_band(row: dict[str, Any], band: dict[str, Any]) -> bool:
    ms = row["magsynapse"]
    return all(band[k]["low"] <= ms[k] <= band[k]["high"] for k in ("rate_E", "rate_I"))


def _point(N: int, K: int, T: float, seed: int, limit: float, predicted: float | None):
    """One size of one series: magsynapse (and Brian2 where predicted to fit)."""
    print(f"in-degree {K}, N = {N}: magsynapse (1 thread) ...", flush=True)
    warm = N * K <= 1e7  # larger runs: one call, whose start-up is a small part
    # the median of 3 warm calls: a single call of one network on two threads waits for
    # the slower thread at each of its 10⁴ steps, so one interruption of either core
    # moves it by ±10 %
    ms = time_magsynapse(
        N, 1.0, seed, T, threads=1, model="mgnet_k", in_degree=K, warm=warm, repeats=WARM_REPEATS
    )
    run = ms["warm_s"] if warm else ms["first_s"]
    synapses = N * K
    spikes = (ms["rate_E"] * round(0.8 * N) + ms["rate_I"] * (N - round(0.8 * N))) * T
    row: dict[str, Any] = {
        "N": N,
        "in_degree": K,
        "synapses": synapses,
        "magsynapse": ms,
        "run_s": run,
        "run_is_warm": warm,
        "time_per_simulated_s": run / T,
        "recurrent_events_per_s": spikes * K / run,
        "external_events_per_s": N * EXTERNAL_RATE * T / run,
    }
    print(f"  run {run:.2f} s, peak RSS {ms['peak_rss_mb']:.0f} MB", flush=True)
    keys = ("rate_E", "rate_I", "rho_mean")
    if warm:
        print(f"in-degree {K}, N = {N}: magsynapse (1 and 2 threads, in turn) ...", flush=True)
        pairs = time_thread_pairs(N, K, T, seed, THREAD_PAIRS)
        row["thread_pairs"] = pairs
        row["run_2_s"] = pairs["two_median_s"]
        row["thread_speedup"] = pairs["speedup"]
        # one network on two threads must give the numbers of one thread
        same = pairs["obs_1"] == pairs["obs_2"] == {k: ms[k] for k in keys}
    else:
        print(f"in-degree {K}, N = {N}: magsynapse (2 threads) ...", flush=True)
        ms2 = time_magsynapse(N, 1.0, seed, T, threads=2, model="mgnet_k", in_degree=K, warm=False)
        row["magsynapse_2"] = ms2
        row["run_2_s"] = ms2["first_s"]
        row["thread_speedup"] = _ratio(run, row["run_2_s"])
        same = all(ms[k] == ms2[k] for k in keys)
    row["threads_same_numbers"] = same
    if predicted is not None and predicted > limit:
        print(f"  Brian2 skipped: predicted {predicted:.0f} s > {limit:.0f} s", flush=True)
        row["brian2_skipped_predicted_s"] = predicted
        return row
    for threads in (1, 2):
        print(f"  Brian2 ({threads} thread(s)) ...", flush=True)
        b2 = brian2_mgnet.simulate_in_subprocess(
            N, 1.0, seed, T=T, threads=threads, model="mgnet_k", in_degree=K
        )
        row[f"brian2_{threads}"] = b2
        row[f"run_ratio_{threads}"] = _ratio(b2["run_s"], run if threads == 1 else row["run_2_s"])
        print(f"    run {b2['run_s']:.2f} s (loop {b2['loop_s']:.2f} s)", flush=True)
    return row


def bench_series(series: dict[int, list[int]], T: float, seed: int, limit: float) -> list:
    rows = []
    for K, sizes in series.items():
        timed: list[dict] = []  # this series' points with a Brian2 time, in order
        skipped = False  # once a size is skipped, the larger ones are too
        for N in sizes:
            predicted = math.inf if skipped else predict_brian2(timed, N * K)
            row = _point(N, K, T, seed, limit, predicted)
            rows.append(row)
            if "brian2_1" in row:
                timed.append(row)
            else:
                skipped = True
    smallest = min(rows, key=lambda r: r["N"])
    base = smallest["magsynapse"]["peak_rss_mb"]
    for r in rows:
        extra = (r["magsynapse"]["peak_rss_mb"] - base) * 1024 * 1024
        r["bytes_per_synapse"] = extra / r["synapses"] if r is not smallest else math.nan
    return rows


def predict_brian2(timed: list[dict], synapses: float) -> float | None:
    """Brian2's one-thread run at ``synapses``, from the series' timed points: the last
    one's time grown by the power of the synapse count that the last two show (at least
    linear; Brian2 becomes memory-bound as networks grow), or linearly from a single
    point. None without a timed point.

    >>> pts = [{"synapses": 1e7, "brian2_1": {"run_s": 50.0}},
    ...        {"synapses": 4e7, "brian2_1": {"run_s": 400.0}}]
    >>> round(predict_brian2(pts, 1e8)), round(predict_brian2(pts[:1], 4e7))
    (1581, 200)
    """
    if not timed:
        return None
    last = timed[-1]
    power = 1.0
    if len(timed) > 1:
        prev = timed[-2]
        power = max(
            1.0,
            math.log(last["brian2_1"]["run_s"] / prev["brian2_1"]["run_s"])
            / math.log(last["synapses"] / prev["synapses"]),
        )
    return last["brian2_1"]["run_s"] * (synapses / last["synapses"]) ** power


def growth(rows: list[dict]) -> dict[int, dict[str, float]]:
    """Least-squares slopes of log(run time) against log(N) and log(events), per series."""
    out = {}
    for K in sorted({r["in_degree"] for r in rows}):
        pts = [r for r in rows if r["in_degree"] == K]
        if len(pts) < 2:
            continue
        out[K] = {
            "slope_vs_N": _slope([r["N"] for r in pts], [r["run_s"] for r in pts]),
            "slope_vs_events": _slope(
                [r["recurrent_events_per_s"] * r["run_s"] for r in pts], [r["run_s"] for r in pts]
            ),
            "ns_per_recurrent_event": 1e9 / max(r["recurrent_events_per_s"] for r in pts),
        }
    return out


def cost_split(rows: list[dict], T: float, dt_ms: float = 0.1) -> dict[str, float]:
    """Least-squares fit over every point of run time = a × neuron-steps + b × recurrent
    events (no intercept): ``a`` (ns per neuron per step: drive, membrane, threshold) and
    ``b`` (ns per recurrent synaptic event: transmission and plasticity), and the share
    of each in every point's time."""
    steps = T * 1000.0 / dt_ms
    x1 = [r["N"] * steps for r in rows]
    x2 = [r["recurrent_events_per_s"] * r["run_s"] for r in rows]
    y = [r["run_s"] for r in rows]
    s11 = sum(a * a for a in x1)
    s22 = sum(b * b for b in x2)
    s12 = sum(a * b for a, b in zip(x1, x2, strict=True))
    s1y = sum(a * c for a, c in zip(x1, y, strict=True))
    s2y = sum(b * c for b, c in zip(x2, y, strict=True))
    det = s11 * s22 - s12 * s12
    a = (s1y * s22 - s2y * s12) / det
    b = (s2y * s11 - s1y * s12) / det
    for r, n, e in zip(rows, x1, x2, strict=True):
        r["neuron_share"] = a * n / r["run_s"]
        r["event_share"] = b * e / r["run_s"]
    return {"ns_per_neuron_step": a * 1e9, "ns_per_event": b * 1e9}


def _slope(x: list[float], y: list[float]) -> float:
    lx, ly = [math.log(v) for v in x], [math.log(v) for v in y]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / den if den else math.nan


def bench_parts(series: dict[int, list[int]], T: float, seed: int) -> dict[str, list]:
    """Where the time goes, measured: at each target size (:data:`TARGET_SIZES`, or the
    largest size of a quick run), one thread, ``mgnet_k`` without recurrent synapses
    (``in_degree`` = 0, ``p`` = 0: the neurons' drive, membrane and threshold alone) and,
    for each series, with its synapses but plasticity off (transmission without the
    plastic updates). The neurons alone: the median of warm calls; plasticity off: timed
    as the series' points are (:func:`_point`: one call, construction included, where
    N·K > 10⁷)."""
    sizes = [N for N in TARGET_SIZES if N in series[min(series)]] or series[min(series)][-1:]
    alone, static = [], []
    for N in sizes:
        print(f"neurons alone: N = {N} ...", flush=True)
        ms = time_magsynapse(
            N,
            1.0,
            seed,
            T,
            threads=1,
            model="mgnet_k",
            overrides={"connectivity": {"in_degree": 0, "p": 0.0}},
            repeats=WARM_REPEATS,
        )
        alone.append({"N": N, "magsynapse": ms, "run_s": ms["warm_s"]})
    for K, Ns in series.items():
        for N in (N for N in sizes if N in Ns):
            print(f"in-degree {K}, N = {N}: plasticity off ...", flush=True)
            warm = N * K <= 1e7  # as in _point
            ms = time_magsynapse(
                N,
                1.0,
                seed,
                T,
                threads=1,
                model="mgnet_k",
                in_degree=K,
                overrides={"plasticity": {"enabled": False}},
                warm=warm,
                repeats=WARM_REPEATS,
            )
            run = ms["warm_s"] if warm else ms["first_s"]
            static.append({"N": N, "in_degree": K, "magsynapse": ms, "run_s": run})
    return {"neurons_alone": alone, "plasticity_off": static}


def bench_throughput(N: int, mgs: list[float], T: float, seed: int) -> dict[str, Any]:
    """Replicas per second, end to end, on every core of the machine."""
    cores = os.cpu_count() or 1
    print(f"throughput: {len(mgs)} replicas at N = {N}, {cores} cores ...", flush=True)
    ms = time_magsynapse(N, mgs, seed, T, threads=None, model="mgnet_k")
    b2 = brian2_mgnet.sweep_mg_in_subprocess(N, mgs, seed, T=T, threads=cores, model="mgnet_k")
    out = {
        "N": N,
        "replicas": len(mgs),
        "cores": cores,
        "magsynapse": ms,
        "brian2": b2,
        "magsynapse_replicas_per_s": len(mgs) / ms["cold_e2e_s"],
        "brian2_replicas_per_s": len(mgs) / b2["wall_s"],
    }
    out["ratio"] = _ratio(out["magsynapse_replicas_per_s"], out["brian2_replicas_per_s"])
    print(f"  ratio {out['ratio']:.1f}x", flush=True)
    return out


def _fmt(v: Any, spec: str = ".2f") -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, spec)


def write_report(out_dir: Path, res: dict[str, Any]) -> str:
    """Write ``bench_scaling.md`` and ``bench_scaling.json``; return the markdown."""
    cfg = res["config"]
    lines = [
        "# Scaling benchmark: mgnet_k in magsynapse and in Brian2",
        "",
        f"mgnet_k (MgNet with a fixed in-degree), T = {cfg['T']:g} s, [Mg]o = 1 mM, seed "
        f"{cfg['seed']}; Brian2 cpp_standalone runs the script of `magsynapse export brian2 "
        f"--model mgnet_k`, and is skipped where one thread is predicted above "
        f"{cfg['brian2_limit_s']:.0f} s (from the series' last two sizes, by the power of "
        "the synapse count they show).",
        "",
        f"Reference band (N = 1000, in-degree 100, seeds {res['band']['seeds'][0]}–"
        f"{res['band']['seeds'][-1]}, mean ± 2 SD): rate E "
        f"{res['band']['rate_E']['mean']:.2f} ± {2 * res['band']['rate_E']['sd']:.2f} Hz, "
        f"rate I {res['band']['rate_I']['mean']:.2f} ± {2 * res['band']['rate_I']['sd']:.2f} Hz.",
        "",
        "| in-degree | N | synapses | magsynapse s per simulated s | recurrent events/s | "
        "bytes/synapse | peak RSS (MB) | rate E (Hz) | rate I (Hz) | in band | "
        "Brian2 1 thread (s) | ratio | "
        "magsynapse 2 threads (s) | Brian2 2 threads (s) | ratio | magsynapse 2-thread "
        "speedup | same numbers |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["series"]:
        b1, b2 = r.get("brian2_1"), r.get("brian2_2")
        lines.append(
            f"| {r['in_degree']} | {r['N']} | {r['synapses']:.2g} | "
            f"{r['time_per_simulated_s']:.2f}{'' if r['run_is_warm'] else '*'} | "
            f"{r['recurrent_events_per_s']:.3g} | {_fmt(r['bytes_per_synapse'], '.1f')} | "
            f"{r['magsynapse']['peak_rss_mb']:.0f} | {r['magsynapse']['rate_E']:.2f} | "
            f"{r['magsynapse']['rate_I']:.2f} | {'yes' if _in_band(r, res['band']) else 'no'} | "
            f"{_fmt(b1 and b1['run_s'])} | {_fmt(r.get('run_ratio_1'), '.1f')} | "
            f"{_fmt(r['run_2_s'])} | {_fmt(b2 and b2['run_s'])} | "
            f"{_fmt(r.get('run_ratio_2'), '.1f')} | {_fmt(r.get('thread_speedup'))} | "
            f"{'yes' if r['threads_same_numbers'] else 'NO'} |"
        )
    lines += [
        "",
        "\\* one call (network construction and start-up included), and one call on two "
        "threads in another process; otherwise the median of "
        f"{WARM_REPEATS} warm calls in the process (after a first one) on one thread, and, "
        f"for two threads, {THREAD_PAIRS} pairs of warm calls in another process that has "
        "two, one thread and two in turn: the median of the two-thread calls, and as "
        "speed-up the median of the pairs' ratios. Ratios: Brian2's "
        "run (the binary) over magsynapse's, with as many threads each. Same numbers: rates "
        "and mean efficacy of one network on 2 threads equal those on 1, to the last bit. "
        "Bytes per synapse: peak RSS above the smallest network's process, over the synapses.",
        "",
        "## How the cost grows",
        "",
    ]
    for K, g in res["growth"].items():
        lines.append(
            f"- in-degree {K}: run time ∝ N^{g['slope_vs_N']:.2f} and ∝ "
            f"events^{g['slope_vs_events']:.2f}; at best {g['ns_per_recurrent_event']:.0f} ns "
            "per recurrent synaptic event"
        )
    cs = res["cost_split"]
    lines += [
        "",
        f"Where the time goes (a least-squares fit over all points of run time = a × "
        f"neuron-steps + b × recurrent events): a = {cs['ns_per_neuron_step']:.1f} ns per "
        f"neuron per step (Poisson drive, membrane, threshold), b = {cs['ns_per_event']:.0f} "
        "ns per recurrent synaptic event (transmission, calcium, efficacy). Share of the "
        "neuron part: "
        + ", ".join(
            f"{r['neuron_share']:.0%} (in-degree {r['in_degree']}, N = {r['N']})"
            for r in res["series"]
        )
        + ".",
    ]
    by = {(r["in_degree"], r["N"]): r for r in res["series"]}
    parts = res["parts"]
    alone = {r["N"]: r for r in parts["neurons_alone"]}
    lines += [
        "",
        "## Where the time goes, measured",
        "",
        "One thread: the network without recurrent synapses (`in_degree` = 0, `p` = 0: "
        "every neuron's Poisson drive, membrane and threshold at every step, no synaptic "
        f"event; the median of {WARM_REPEATS} warm calls), then with its synapses but "
        "plasticity off (`[plasticity] enabled = false`: transmission only; timed as the "
        "points above), then the whole network (the table above). Without recurrent "
        "inhibition the neurons fire faster, so the first slightly overstates the neurons' "
        "part. Brian2's run over the neurons alone is the highest run-phase ratio "
        "reachable with this neuron update, however cheap the synaptic events were made.",
        "",
        "| in-degree | N | neurons alone (s) | plasticity off (s) | whole network (s) | "
        "neurons | transmission | plastic updates | rate E alone / plasticity off (Hz) | "
        "highest reachable ratio | measured ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r0 in parts["plasticity_off"]:
        K, N = r0["in_degree"], r0["N"]
        r, a = by.get((K, N)), alone.get(N)
        if r is None or a is None:
            continue
        full, t_a, t_s = r["run_s"], a["run_s"], r0["run_s"]
        b1 = r.get("brian2_1")
        lines.append(
            f"| {K} | {N} | {t_a:.2f} | {t_s:.2f} | {full:.2f}"
            f"{'' if r['run_is_warm'] else '*'} | {t_a / full:.0%} | "
            f"{(t_s - t_a) / full:.0%} | {(full - t_s) / full:.0%} | "
            f"{a['magsynapse']['rate_E']:.1f} / {r0['magsynapse']['rate_E']:.2f} | "
            f"{_fmt(b1 and _ratio(b1['run_s'], t_a), '.1f')} | "
            f"{_fmt(r.get('run_ratio_1'), '.1f')} |"
        )
    tp = res["throughput"]
    lines += [
        "",
        f"## Throughput: {tp['replicas']} replicas at N = {tp['N']} on {tp['cores']} cores",
        "",
        f"- magsynapse batched: {tp['magsynapse_replicas_per_s']:.2f} replicas/s "
        f"(end to end {tp['magsynapse']['cold_e2e_s']:.2f} s)",
        f"- Brian2, compiled once, [Mg]o as a run argument: {tp['brian2_replicas_per_s']:.2f} "
        f"replicas/s (end to end {tp['brian2']['wall_s']:.2f} s)",
        f"- ratio {tp['ratio']:.1f}× (target ≥ {TARGET_THROUGHPUT_RATIO:g}×)",
        "",
        "## Targets",
        "",
    ]
    for K, N in (
        (K, N) for K in sorted({r["in_degree"] for r in res["series"]}) for N in TARGET_SIZES
    ):
        r = by.get((K, N))
        if r is None:
            lines.append(f"- in-degree {K}, N = {N}: not measured")
            continue
        ratio, speed = r.get("run_ratio_1"), r.get("thread_speedup")
        ok_r = None if ratio is None else ratio >= TARGET_RUN_RATIO
        ok_s = None if speed is None else speed >= TARGET_THREAD_SPEEDUP
        lines.append(
            f"- in-degree {K}, N = {N}: run phase ≥ {TARGET_RUN_RATIO:g}× Brian2 (1 thread "
            f"each): {_fmt(ratio, '.1f')}× — {_verdict(ok_r)}; 2 threads ≥ "
            f"{TARGET_THREAD_SPEEDUP:g}× 1 thread: {_fmt(speed)}× — {_verdict(ok_s)}"
        )
    big = by.get((1000, 100000))
    if big is not None:
        lines.append(
            f"- N = 100000, in-degree 1000: {big['run_s']:.0f} s (under 300 s: "
            f"{_verdict(big['run_s'] < 300)}), peak {big['magsynapse']['peak_rss_mb'] / 1024:.1f} "
            f"GB (under 16 GB: {_verdict(big['magsynapse']['peak_rss_mb'] < 16 * 1024)}), "
            f"rate E {big['magsynapse']['rate_E']:.2f} Hz and rate I "
            f"{big['magsynapse']['rate_I']:.2f} Hz (in the reference band: "
            f"{_verdict(_in_band(big, res['band']))})"
        )
    return write_outputs(out_dir, "bench_scaling", lines, res)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--quick", action="store_true", help="small sizes, T = 0.2 s")
    ap.add_argument("--T", type=float, default=1.0, help="simulated time, s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--brian2-limit", type=float, default=BRIAN2_LIMIT_S, help="s")
    args = ap.parse_args(argv)
    series, T = (QUICK_SERIES, 0.2) if args.quick else (SERIES, args.T)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    cpu0 = _cpu_counters()
    t0 = time.perf_counter()
    res: dict[str, Any] = {
        "config": {
            "T": T,
            "seed": args.seed,
            "quick": args.quick,
            "brian2_limit_s": args.brian2_limit,
        },
        "machine": machine_info(),
    }
    res["band"] = reference_band(T)
    res["series"] = bench_series(series, T, args.seed, args.brian2_limit)
    res["growth"] = growth(res["series"])
    res["cost_split"] = cost_split(res["series"], T)
    res["parts"] = bench_parts(series, T, args.seed)
    res["throughput"] = bench_throughput(THROUGHPUT_N, list(SWEEP_MG), T, args.seed)
    res["bench_wall_s"] = time.perf_counter() - t0
    res["contention"] = contention(cpu0)
    print()
    print(write_report(out_dir, res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
