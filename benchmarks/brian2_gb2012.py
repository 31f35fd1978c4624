"""Brian2 reference of the Graupner & Brunel (2012) STDP protocol with magsynapse's values.

The model is the script that ``magsynapse export brian2 --synapse --set DP`` writes
(:mod:`magsynapse.synapse.brian2_export`), imported here: the one of Brian2's example
``examples/frompapers/Graupner_Brunel_2012.py``. Every synapse carries its own calcium
``c`` (clock-driven exponential decay, ``+C_pre`` after each presynaptic spike delayed
by ``D``, ``+C_post`` at each postsynaptic spike) and efficacy ``rho`` (the bistable
rule with threshold-gated noise), integrated with the ``heun`` method at
``dt = 0.1 ms``. This file adds the benchmark's harness: compile and loop times, OpenMP
threads, a fresh process per run.

One network holds every Δt at once: a single presynaptic neuron fires at
100 ms + k·period, and postsynaptic neuron ``m`` fires at 100 ms + ``dts[m // n_syn]`` +
k·period (k = 0 … pairs − 1), each through its own synapse from the presynaptic neuron.

Usage as a module (Brian2's device state is global, so run it in a fresh process)::

    import sys
    sys.path.insert(0, "benchmarks")
    import brian2_gb2012

    out = brian2_gb2012.simulate_in_subprocess([10.0, -20.0], [0.0, 1.0], seed=1)
    out["rho"]  # shape (2 dts, 2 synapses)

Usage as a script::

    python benchmarks/brian2_gb2012.py --dts -100:100:5 --reps 1000 --seed 1 --out rho.npz
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from magsynapse.synapse.brian2_export import DT_MS

#: Keys of the result dict besides ``rho``.
SCALAR_KEYS = ("compile_s", "run_s", "loop_s", "total_s", "target", "brian2_version")


@functools.cache
def exported_script() -> Any:
    """The script of ``magsynapse export brian2 --synapse --set DP``, imported as a module
    (once per process)."""
    from magsynapse.synapse.brian2_export import brian2_script

    with tempfile.TemporaryDirectory(prefix="brian2_gb2012_script_") as d:
        path = Path(d) / "stdp_brian2.py"
        path.write_text(brian2_script("DP", mg=1.0))
        spec = importlib.util.spec_from_file_location("stdp_brian2", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _check_inputs(dts_ms: Any, rho_init: Any, pairs: int, freq: float):
    dts = np.atleast_1d(np.asarray(dts_ms, dtype=float))
    rho0 = np.atleast_1d(np.asarray(rho_init, dtype=float))
    if dts.ndim != 1 or dts.size == 0 or rho0.ndim != 1 or rho0.size == 0:
        raise ValueError("dts_ms and rho_init must be non-empty 1-d sequences")
    if int(pairs) != pairs or pairs < 1 or freq <= 0:
        raise ValueError("pairs must be a whole number >= 1 and freq > 0")
    period_ms = 1000.0 / freq
    first = exported_script().FIRST_PRE_MS
    if np.any(np.abs(dts) > period_ms / 2) or np.any(dts < -first):
        raise ValueError(
            f"every dt must satisfy |dt| <= {period_ms / 2:g} ms and dt >= -{first:g} ms"
        )
    steps = dts / DT_MS
    if np.any(np.abs(steps - np.round(steps)) > 1e-6):
        raise ValueError(f"every dt must be a multiple of the time step {DT_MS:g} ms")
    return dts, rho0, int(pairs), period_ms


def simulate(
    dts_ms: Any,
    rho_init: Any,
    *,
    sigma: float | None = None,
    pairs: int = 60,
    freq: float = 1.0,
    target: str = "cpp_standalone",
    directory: str | os.PathLike | None = None,
    seed: int | None = None,
    threads: int = 1,
) -> dict[str, Any]:
    """Final ρ of ``len(rho_init)`` synapses for every Δt, in this process.

    Parameters
    ----------
    dts_ms : sequence of float
        Δt = t_post − t_pre, ms (multiples of 0.1 ms, -100 ms <= Δt <= period / 2).
    rho_init : sequence of float
        Initial ρ of the synapses, the same for every Δt.
    sigma : float, optional
        Noise amplitude; ``None`` keeps the DP value, 0 removes the noise term.
    pairs, freq : int, float
        Number of pairings and their frequency (Hz); the run lasts ``pairs / freq`` s.
    target : str
        ``"cpp_standalone"`` or a runtime code-generation target (``"cython"``,
        ``"numpy"``).
    directory : path, optional
        Project directory of the standalone build (a fresh temporary one by default,
        removed afterwards).
    seed : int, optional
        Seed of Brian2's random number generator.
    threads : int
        OpenMP threads of the standalone build (only set when > 1).

    Returns
    -------
    dict
        ``rho`` (len(dts_ms), len(rho_init)); ``compile_s`` (network set-up, code
        generation and C++ compilation; NaN for runtime targets, where it is part of the
        run), ``run_s``
        (the binary, including its start and result writing), ``loop_s`` (the
        simulation loop as Brian2 reports it; NaN for runtime targets), ``total_s``
        (network construction to results), ``target`` and ``brian2_version``.
    """
    dts, rho0, pairs, _ = _check_inputs(dts_ms, rho_init, pairs, freq)
    out = exported_script().simulate(
        dts, rho0, sigma, pairs, freq, seed, target, directory, threads
    )
    return {"rho": np.asarray(out["rho"])} | {k: out[k] for k in SCALAR_KEYS}


def simulate_in_subprocess(
    dts_ms: Any,
    rho_init: Any,
    *,
    sigma: float | None = None,
    pairs: int = 60,
    freq: float = 1.0,
    target: str = "cpp_standalone",
    directory: str | os.PathLike | None = None,
    seed: int | None = None,
    threads: int = 1,
) -> dict[str, Any]:
    """:func:`simulate` in a fresh Python process (this file's command line).

    Returns the same dict, plus ``wall_s``: the wall time of the whole subprocess
    (interpreter start, imports, build, run and result writing).
    """
    dts, rho0, _, _ = _check_inputs(dts_ms, rho_init, pairs, freq)
    with tempfile.TemporaryDirectory(prefix="brian2_gb2012_io_") as io_dir:
        inp = Path(io_dir) / "input.npz"
        out = Path(io_dir) / "output.npz"
        np.savez(inp, dts=dts, rho_init=rho0)
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--input",
            str(inp),
            "--pairs",
            str(pairs),
            "--freq",
            repr(float(freq)),
            "--target",
            target,
            "--threads",
            str(threads),
            "--out",
            str(out),
            "--quiet",
        ]
        if sigma is not None:
            cmd += ["--sigma", repr(float(sigma))]
        if seed is not None:
            cmd += ["--seed", str(int(seed))]
        if directory is not None:
            cmd += ["--directory", str(directory)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall_s = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(
                f"Brian2 subprocess failed (exit {proc.returncode}):\n"
                f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        result = load_result(out)
    result["wall_s"] = wall_s
    return result


def save_result(path: str | os.PathLike, result: dict[str, Any]) -> None:
    """Write a :func:`simulate` result to an ``.npz`` file."""
    np.savez(path, **{k: np.asarray(v) for k, v in result.items()})


def load_result(path: str | os.PathLike) -> dict[str, Any]:
    """Read a result written by :func:`save_result`."""
    with np.load(path) as f:
        out: dict[str, Any] = {"rho": f["rho"]}
        for k in SCALAR_KEYS:
            v = f[k].item()
            out[k] = v if isinstance(v, str) else float(v)
    return out


def parse_values(text: str) -> np.ndarray:
    """``"a:b:step"`` (inclusive of b) or a comma list, as a float array."""
    if ":" in text:
        a, b, step = (float(x) for x in text.split(":"))
        n = round((b - a) / step)
        return a + step * np.arange(n + 1)
    return np.array([float(x) for x in text.split(",") if x.strip()])


def _join_value_options(argv: list[str]) -> list[str]:
    """Turn ``--dts -100:100:5`` into ``--dts=-100:100:5`` (argparse reads ``-1…`` as a flag)."""
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a in ("--dts", "--rho-init"):
            out.append(f"{a}={next(it, '')}")
        else:
            out.append(a)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: simulate and write an ``.npz`` (``rho`` and the timings)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dts", default="-100:100:5", help="a:b:step (inclusive) or a,b,c (ms)")
    ap.add_argument("--reps", type=int, default=1000, help="synapses per initial state")
    ap.add_argument("--rho-init", help="comma list of initial rho (default [0]*reps+[1]*reps)")
    ap.add_argument("--input", help="npz with 'dts' and 'rho_init' (overrides --dts/--rho-init)")
    ap.add_argument("--sigma", type=float, help="noise amplitude (default: DP's)")
    ap.add_argument("--pairs", type=int, default=60)
    ap.add_argument("--freq", type=float, default=1.0, help="Hz")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--target", default="cpp_standalone")
    ap.add_argument("--threads", type=int, default=1, help="OpenMP threads (standalone)")
    ap.add_argument("--directory", help="standalone project directory (default: temporary)")
    ap.add_argument("--out", required=True, help="output .npz")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(_join_value_options(sys.argv[1:] if argv is None else argv))
    if args.input:
        with np.load(args.input) as f:
            dts, rho0 = f["dts"], f["rho_init"]
    else:
        dts = parse_values(args.dts)
        if args.rho_init:
            rho0 = parse_values(args.rho_init)
        else:
            rho0 = np.concatenate([np.zeros(args.reps), np.ones(args.reps)])
    result = simulate(
        dts,
        rho0,
        sigma=args.sigma,
        pairs=args.pairs,
        freq=args.freq,
        target=args.target,
        directory=args.directory,
        seed=args.seed,
        threads=args.threads,
    )
    save_result(args.out, result)
    if not args.quiet:
        print(
            f"Brian2 {result['brian2_version']} ({result['target']}): "
            f"{len(dts)} dts x {len(rho0)} synapses; compile {result['compile_s']:.2f} s, "
            f"run {result['run_s']:.2f} s (loop {result['loop_s']:.2f} s), "
            f"total {result['total_s']:.2f} s -> {args.out}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
