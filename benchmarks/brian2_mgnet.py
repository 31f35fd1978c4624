"""Brian2 reference of MgNet, magsynapse's reference network, with magsynapse's values.

The model is the script that ``magsynapse export brian2 --model mgnet`` writes
(:mod:`magsynapse.network.brian2_export`, which documents it), imported here with the
network size replaced; this file adds the benchmark's harness (compile, run and loop
times, the binary's peak memory, OpenMP threads, huge pages, a fresh process per run).
In short: ``N`` conductance-based LIF neurons (80 % excitatory) with the Jahr–Stevens
Mg²⁺ block on NMDA, random connectivity with probability ``p`` and no autapses, no
delays, ``PoissonInput`` drive onto AMPA, plastic E→E synapses (Graupner–Brunel rule,
DP set, τ_ρ = 15 s, no noise) with clock-driven calcium and efficacy. V, calcium and
efficacy are integrated with Brian2's ``euler`` method at dt = 0.1 ms, the synaptic
conductances decay exactly (a ``run_regularly`` operation), as in magsynapse. With
``refractory=2*ms`` Brian2 holds V at reset for 19 steps after the spike step,
magsynapse for 20. Observables: mean E and I rates over the run (Hz) and the final mean
E→E ρ.

[Mg]o is a shared variable of the neurons, ``neurons.mg`` (in mM), and Brian2 2.9's
cpp_standalone device accepts it as a run argument
(``device.run(run_args={neurons.mg: value})``, set before the network runs), so one
compiled binary serves every [Mg]o: :func:`sweep_mg` compiles once per seed and runs the
binary once per value. The seed is compiled into the binary (Brian2 has no run-time
seed), and one seed gives the same connectivity, initial state and drive at every
[Mg]o, as in magsynapse. Reusing a project ``directory`` across seeds makes later builds
incremental: only ``main.cpp`` (which holds the seed) is recompiled.

Usage as a module (Brian2's device state is global, so run it in a fresh process)::

    import sys
    sys.path.insert(0, "benchmarks")
    import brian2_mgnet

    out = brian2_mgnet.simulate_in_subprocess(1000, 1.0, seed=1, T=1.0)
    out["rate_E"], out["run_s"], out["peak_rss_mb"]
    sweep = brian2_mgnet.sweep_mg_in_subprocess(1000, [0.1, 1.0, 2.0], seed=1)

Usage as a script (several ``--mg`` values run :func:`sweep_mg`)::

    python benchmarks/brian2_mgnet.py --N 1000 --mg 1.0 --seed 1 --T 1 --out result.json
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Environment that lets glibc's malloc back large allocations with huge pages.
HUGEPAGES_ENV = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
#: Network size from which the subprocess helpers turn huge pages on by default.
HUGEPAGES_MIN_N = 10000


@functools.cache
def exported_script(N: int, model: str = "mgnet", in_degree: int = 0) -> Any:
    """The script of ``magsynapse export brian2 --model MODEL`` at ``N`` neurons (and
    ``in_degree`` inputs per neuron when > 0), imported as a module (its ``PARAMETERS``,
    ``build_network`` and ``observables`` are used); once per process and arguments."""
    from magsynapse.network import load_config
    from magsynapse.network.brian2_export import brian2_script

    cfg = load_config(model).replace(network={"N": int(N)})
    if in_degree:
        cfg = cfg.replace(connectivity={"in_degree": int(in_degree)})
    with tempfile.TemporaryDirectory(prefix="brian2_mgnet_script_") as d:
        path = Path(d) / "mgnet_brian2.py"
        path.write_text(brian2_script(cfg))
        spec = importlib.util.spec_from_file_location("mgnet_brian2", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _gnu_time() -> str | None:
    """GNU ``time`` if it is on PATH and understands ``-f %M -o FILE`` (peak RSS)."""
    exe = shutil.which("time")
    if exe is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        try:
            proc = subprocess.run(
                [exe, "-f", "%M", "-o", f.name, "true"], capture_output=True, check=False
            )
            ok = proc.returncode == 0 and Path(f.name).read_text().strip().isdigit()
        except OSError:
            ok = False
    return exe if ok else None


class _Standalone:
    """Set up, build and run a cpp_standalone project; restores the runtime device."""

    def __init__(self, b2: Any, directory: Any, threads: int):
        self.b2 = b2
        self.tmp = None
        if directory is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="brian2_mgnet_")
            directory = self.tmp.name
        self.directory = str(Path(directory).resolve())
        b2.set_device("cpp_standalone", directory=self.directory, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = int(threads) if threads > 1 else 0
        self.rss_file = str(Path(self.directory) / "binary_rss_kb.txt")
        gnu_time = _gnu_time()
        cmd = ["./main"]
        if gnu_time is not None:  # the binary's peak RSS, in KiB, to rss_file
            cmd = [gnu_time, "-f", "%M", "-o", self.rss_file, *cmd]
        b2.prefs.devices.cpp_standalone.run_cmd_unix = cmd
        self.measures_rss = gnu_time is not None

    def build(self) -> None:
        self.b2.device.build(directory=self.directory, compile=True, run=False, debug=False)

    def run(self, run_args: Any) -> tuple[float, float, float]:
        """Run the binary; (wall s, Brian2's loop s, binary peak RSS MB or NaN)."""
        t0 = time.perf_counter()
        self.b2.device.run(self.directory, with_output=False, run_args=run_args)
        run_s = time.perf_counter() - t0
        loop_s = float(getattr(self.b2.device, "_last_run_time", math.nan))
        rss = math.nan
        if self.measures_rss:
            try:
                rss = int(Path(self.rss_file).read_text().split()[-1]) / 1024.0
            except (OSError, ValueError, IndexError):
                pass
        return run_s, loop_s, rss

    def close(self) -> None:
        b2 = self.b2
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
        b2.prefs.devices.cpp_standalone.run_cmd_unix = "./main"
        if self.tmp is not None:
            self.tmp.cleanup()


def simulate(
    N: int,
    mg: float,
    seed: int,
    T: float = 1.0,
    target: str = "cpp_standalone",
    directory: str | os.PathLike | None = None,
    threads: int = 1,
    run_mg: bool | None = None,
    model: str = "mgnet",
    in_degree: int = 0,
) -> dict[str, Any]:
    """Simulate MgNet (or ``model``, with ``in_degree`` inputs per neuron when > 0) once
    with Brian2, in this process.

    Parameters
    ----------
    N : int
        Number of neurons.
    mg : float
        [Mg]o, mM.
    seed : int
        Seed of Brian2's random number generator (connectivity, initial V, drive).
    T : float
        Simulated time, s.
    target : str
        ``"cpp_standalone"`` or a runtime code-generation target (``"cython"``,
        ``"numpy"``).
    directory : path, optional
        Standalone project directory (a fresh temporary one by default, removed
        afterwards); reuse one to make later builds incremental.
    threads : int
        OpenMP threads of the standalone build (only used when > 1).
    run_mg : bool, optional
        Give [Mg]o to the binary as a run argument (``run_args={neurons.mg: mg}``), so that
        the compiled project does not depend on it — the default for cpp_standalone;
        ``False`` compiles the value in. Ignored by runtime targets.

    Returns
    -------
    dict
        ``rate_E``, ``rate_I`` (Hz), ``rho_mean``; ``compile_s`` (network set-up, code
        generation and C++ build; NaN for runtime targets, where it is part of the run),
        ``run_s`` (the binary, including its start and result writing; for runtime
        targets the ``run`` call), ``loop_s`` (the simulation loop as Brian2 reports it;
        NaN for runtime targets), ``total_s`` (set-up to results read back),
        ``binary_rss_mb`` (peak RSS of the binary where GNU ``time`` is available, else
        NaN), ``target``, ``brian2_version`` and the arguments.
    """
    import brian2 as b2

    script = exported_script(N, model, in_degree)
    p = script.PARAMETERS
    standalone = target == "cpp_standalone"
    run_mg = standalone and (run_mg is None or bool(run_mg))
    device = _Standalone(b2, directory, threads) if standalone else None
    if not standalone:
        b2.prefs.codegen.target = target
    try:
        t0 = time.perf_counter()
        b2.start_scope()
        b2.defaultclock.dt = p["dt"] * b2.ms
        b2.seed(int(seed))
        objs = script.build_network(b2, mg)
        objs["net"].run(T * b2.second, namespace={})
        rss = math.nan
        if device is not None:
            device.build()
            t1 = time.perf_counter()
            run_args = {objs["neurons"].mg: float(mg)} if run_mg else None
            run_s, loop_s, rss = device.run(run_args)
            compile_s = t1 - t0
        else:
            compile_s, loop_s = math.nan, math.nan
            run_s = time.perf_counter() - t0
        out = script.observables(objs, T)
        total_s = time.perf_counter() - t0
    finally:
        if device is not None:
            device.close()
    return out | {
        "compile_s": float(compile_s),
        "run_s": float(run_s),
        "loop_s": float(loop_s),
        "total_s": float(total_s),
        "binary_rss_mb": float(rss),
        "target": target,
        "brian2_version": str(b2.__version__),
        "N": int(N),
        "model": model,
        "in_degree": int(in_degree),
        "mg": float(mg),
        "seed": int(seed),
        "T": float(T),
        "threads": int(threads),
        "run_mg": bool(run_mg),
    }


def sweep_mg(
    N: int,
    mg_values: Any,
    seed: int,
    T: float = 1.0,
    directory: str | os.PathLike | None = None,
    threads: int = 1,
    model: str = "mgnet",
    in_degree: int = 0,
) -> dict[str, Any]:
    """Compile MgNet (or ``model``, ``in_degree``) once (cpp_standalone) and run the binary
    once per [Mg]o value.

    [Mg]o is passed as a run argument, ``device.run(run_args={neurons.mg: value})``; the
    seed is compiled in, so every value runs on the same network, initial state and
    drive.

    Returns
    -------
    dict
        ``mg`` and, per value, ``rate_E``, ``rate_I``, ``rho_mean``, ``run_s``, ``loop_s``,
        ``binary_rss_mb`` (lists); ``compile_s`` (once), ``run_total_s`` (sum of the
        runs), ``total_s`` (set-up to the last results read back), ``target``,
        ``brian2_version`` and the arguments.
    """
    import brian2 as b2

    mgs = [float(m) for m in mg_values]
    if not mgs:
        raise ValueError("mg_values: give at least one value")
    script = exported_script(N, model, in_degree)
    p = script.PARAMETERS
    device = _Standalone(b2, directory, threads)
    keys = ("rate_E", "rate_I", "rho_mean", "run_s", "loop_s", "binary_rss_mb")
    out: dict[str, Any] = {k: [] for k in keys}
    try:
        t0 = time.perf_counter()
        b2.start_scope()
        b2.defaultclock.dt = p["dt"] * b2.ms
        b2.seed(int(seed))
        objs = script.build_network(b2, mgs[0])
        objs["net"].run(T * b2.second, namespace={})
        device.build()
        compile_s = time.perf_counter() - t0
        for m in mgs:
            run_s, loop_s, rss = device.run({objs["neurons"].mg: m})
            obs = script.observables(objs, T)
            for k, v in (obs | {"run_s": run_s, "loop_s": loop_s, "binary_rss_mb": rss}).items():
                out[k].append(float(v))
        total_s = time.perf_counter() - t0
    finally:
        device.close()
    return out | {
        "mg": mgs,
        "compile_s": float(compile_s),
        "run_total_s": float(sum(out["run_s"])),
        "total_s": float(total_s),
        "target": "cpp_standalone",
        "brian2_version": str(b2.__version__),
        "N": int(N),
        "model": model,
        "in_degree": int(in_degree),
        "seed": int(seed),
        "T": float(T),
        "threads": int(threads),
        "run_mg": True,
    }


def _peak_rss_mb() -> dict[str, float]:
    """Peak RSS of this process and of its largest finished child (MB; Linux: KiB units)."""
    scale = 1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return {"python_rss_mb": own, "children_rss_mb": children, "peak_rss_mb": max(own, children)}


def _run_cli(args: list[str], hugepages: bool) -> dict[str, Any]:
    env = dict(os.environ)
    if hugepages:
        env.update(HUGEPAGES_ENV)
    with tempfile.TemporaryDirectory(prefix="brian2_mgnet_io_") as io_dir:
        out = Path(io_dir) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), *args, "--out", str(out), "--quiet"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall_s = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(
                f"Brian2 subprocess failed (exit {proc.returncode}):\n"
                f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        result = json.loads(out.read_text())
    return result | {"wall_s": wall_s, "hugepages": bool(hugepages)}


def _common_args(
    N: int, seed: int, T: float, directory: Any, threads: int, model: str, in_degree: int
) -> list[str]:
    args = ["--N", str(int(N)), "--seed", str(int(seed)), "--T", repr(float(T))]
    args += ["--threads", str(int(threads)), "--model", model, "--in-degree", str(in_degree)]
    if directory is not None:
        args += ["--directory", str(directory)]
    return args


def simulate_in_subprocess(
    N: int,
    mg: float,
    seed: int,
    T: float = 1.0,
    target: str = "cpp_standalone",
    directory: str | os.PathLike | None = None,
    threads: int = 1,
    run_mg: bool | None = None,
    hugepages: bool | None = None,
    model: str = "mgnet",
    in_degree: int = 0,
) -> dict[str, Any]:
    """:func:`simulate` in a fresh Python process (this file's command line).

    ``hugepages`` sets ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` for the child (and so
    for its compiled binary); by default on for ``N >= 10000``, where the binary is
    memory-bound. Returns :func:`simulate`'s dict plus ``wall_s`` (the whole subprocess:
    interpreter start, imports, build, run, result writing), ``peak_rss_mb`` (the larger
    of the child's own peak RSS and that of its largest child process — the compiled
    binary or a compiler process), ``python_rss_mb``, ``children_rss_mb`` and
    ``hugepages``.
    """
    args = _common_args(N, seed, T, directory, threads, model, in_degree)
    args += ["--mg", repr(float(mg)), "--target", target]
    if run_mg is not None:
        args.append("--run-mg" if run_mg else "--no-run-mg")
    big = int(N) >= HUGEPAGES_MIN_N
    return _run_cli(args, big if hugepages is None else bool(hugepages))


def sweep_mg_in_subprocess(
    N: int,
    mg_values: Any,
    seed: int,
    T: float = 1.0,
    directory: str | os.PathLike | None = None,
    threads: int = 1,
    hugepages: bool | None = None,
    model: str = "mgnet",
    in_degree: int = 0,
) -> dict[str, Any]:
    """:func:`sweep_mg` in a fresh Python process; the extra keys of
    :func:`simulate_in_subprocess` are added."""
    mgs = [float(m) for m in mg_values]
    if not mgs:
        raise ValueError("mg_values: give at least one value")
    args = _common_args(N, seed, T, directory, threads, model, in_degree)
    args += ["--mg", ",".join(repr(m) for m in mgs), "--sweep"]
    big = int(N) >= HUGEPAGES_MIN_N
    return _run_cli(args, big if hugepages is None else bool(hugepages))


def main(argv: list[str] | None = None) -> int:
    """Command line: simulate (or sweep [Mg]o) and write a JSON result."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--N", type=int, default=1000, help="number of neurons")
    ap.add_argument("--mg", default="1.0", help="[Mg]o in mM; a comma list runs a sweep")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--T", type=float, default=1.0, help="simulated time, s")
    ap.add_argument("--target", default="cpp_standalone")
    ap.add_argument("--threads", type=int, default=1, help="OpenMP threads (standalone)")
    ap.add_argument("--directory", help="standalone project directory (default: temporary)")
    ap.add_argument(
        "--sweep", action="store_true", help="compile once, one run per value (standalone)"
    )
    ap.add_argument(
        "--run-mg",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="give [Mg]o to the binary as a run argument (default: yes for cpp_standalone)",
    )
    ap.add_argument("--model", default="mgnet", help="built-in network or TOML file")
    ap.add_argument("--in-degree", type=int, default=0, help="inputs per neuron (0: model's)")
    ap.add_argument("--out", required=True, help="output .json")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    mgs = [float(x) for x in args.mg.split(",") if x.strip()]
    common = {"N": args.N, "seed": args.seed, "T": args.T, "directory": args.directory}
    common |= {"model": args.model, "in_degree": args.in_degree}
    if args.sweep or len(mgs) > 1:
        if args.target != "cpp_standalone":
            ap.error("a sweep needs --target cpp_standalone")
        result = sweep_mg(mg_values=mgs, threads=args.threads, **common)
    else:
        result = simulate(
            mg=mgs[0], target=args.target, threads=args.threads, run_mg=args.run_mg, **common
        )
    result |= _peak_rss_mb()
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    if not args.quiet:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
