"""Template of the Brian2 script that ``magsynapse export brian2 --synapse`` writes.

:func:`magsynapse.synapse.brian2_export.brian2_script` keeps everything below the
``# --- exported script ---`` line, fills in ``PARAMETERS`` (the bistable set's numbers
and the presynaptic calcium at the chosen [Mg]o) and puts a docstring on top. The
script imports Brian2 and numpy only, never magsynapse.
"""

# --- exported script ---
import argparse
import json
import math
import sys
import tempfile
import time

PARAMETERS: dict = {}  # the exporter writes the numbers here

#: Time of the first presynaptic spike, ms.
FIRST_PRE_MS = 100.0


def synapse_model(noisy):
    """Brian2 model of the synapse: calcium ``c`` and efficacy ``rho`` (GB2012)."""
    drift = (
        "-rho*(1 - rho)*(rho_star - rho) + gamma_p*(1 - rho)*int(c > theta_p)"
        " - gamma_d*rho*int(c > theta_d)"
    )
    if noisy:
        drift += " + sigma*sqrt(tau)*sqrt(int(c > theta_d) + int(c > theta_p))*xi"
    return f"dc/dt = -c/tau_ca : 1 (clock-driven)\ndrho/dt = ({drift})/tau : 1 (clock-driven)\n"


def parse_values(text):
    """``"a:b:step"`` (b included) or a comma list, as a list of floats."""
    if ":" in text:
        a, b, step = (float(x) for x in text.split(":"))
        if not step > 0 or b < a:
            raise ValueError("a range a:b:step needs step > 0 and b >= a")
        return [a + step * k for k in range(round((b - a) / step) + 1)]
    return [float(x) for x in text.split(",") if x.strip()]


def build_protocol(b2, dts, rho_init, sigma, freq, p=PARAMETERS):
    """Create the protocol in Brian2's current scope; returns its ``Network`` and
    ``Synapses``.

    One presynaptic neuron fires at 100 ms + k/freq; for each Δt of ``dts`` (ms,
    t_post - t_pre) a postsynaptic neuron per initial value of ``rho_init`` fires Δt
    later, each through its own synapse. ``sigma`` is the noise amplitude (0:
    deterministic).
    """
    import numpy as np

    ms = b2.ms
    dts, rho0 = np.asarray(dts, dtype=float), np.asarray(rho_init, dtype=float)
    n = len(dts) * len(rho0)
    # A neuron fires at the first step with t >= t_next - dt/2: spike times are exact
    # multiples of dt.
    spiking = {
        "model": "t_next : second",
        "threshold": "t >= t_next - 0.5*dt",
        "reset": "t_next += period",
        "namespace": {"period": 1000.0 / freq * ms},
    }
    pre = b2.NeuronGroup(1, name="pre", **spiking)
    post = b2.NeuronGroup(n, name="post", **spiking)
    pre.t_next = FIRST_PRE_MS * ms
    post.t_next = (FIRST_PRE_MS + np.repeat(dts, len(rho0))) * ms
    namespace = {
        "tau_ca": p["tau_ca"] * ms,
        "tau": p["tau"] * b2.second,
        "sigma": float(sigma),
        **{k: p[k] for k in ("c_pre", "c_post", "theta_d", "theta_p", "rho_star")},
        **{k: p[k] for k in ("gamma_d", "gamma_p")},
    }
    syn = b2.Synapses(
        pre,
        post,
        model=synapse_model(sigma > 0),
        on_pre="c += c_pre",
        on_post="c += c_post",
        delay=p["delay"] * ms,
        method="heun",
        namespace=namespace,
        name="synapses",
    )
    syn.connect(i=np.zeros(n, dtype=int), j=np.arange(n))
    syn.c = 0.0
    syn.rho = np.tile(rho0, len(dts))
    return {"net": b2.Network(pre, post, syn), "synapses": syn}


def final_rho(synapses, n_dt):
    """Final rho as an array (Δt, initial value), in the order of ``build_protocol``."""
    import numpy as np

    order = np.argsort(np.asarray(synapses.j[:]), kind="stable")
    return np.asarray(synapses.rho[:])[order].reshape(n_dt, -1)


def simulate(
    dts,
    rho_init,
    sigma=None,
    pairs=60,
    freq=1.0,
    seed=1,
    target="auto",
    directory=None,
    threads=1,
):
    """Final rho of every synapse after ``pairs`` pre-post pairings at ``freq`` Hz.

    See :func:`build_protocol`; ``sigma`` overrides the set's noise amplitude; ``seed``
    None leaves Brian2's generator unseeded; ``threads`` OpenMP threads of a
    cpp_standalone build. Returns ``rho`` as a list per Δt of a list per initial value,
    with the run's settings and times (s): ``compile_s`` (set-up, code generation and
    build; NaN for runtime targets), ``run_s`` (the binary, or the whole run for runtime
    targets), ``loop_s`` (the simulation loop as Brian2 reports it; NaN for runtime
    targets) and ``total_s``.
    """
    import brian2 as b2

    p = PARAMETERS
    sigma = p["sigma"] if sigma is None else float(sigma)
    standalone = target == "cpp_standalone"
    tmp = None
    if standalone:
        if directory is None:
            tmp = tempfile.TemporaryDirectory(prefix="brian2_synapse_")
            directory = tmp.name
        b2.set_device("cpp_standalone", directory=str(directory), build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = int(threads) if threads > 1 else 0
    else:
        b2.prefs.codegen.target = target
    t0 = time.perf_counter()
    try:
        b2.start_scope()
        b2.defaultclock.dt = p["dt"] * b2.ms
        if seed is not None:
            b2.seed(int(seed))
        objects = build_protocol(b2, dts, rho_init, sigma, freq)
        objects["net"].run(pairs * 1000.0 / freq * b2.ms, namespace={})
        if standalone:
            b2.device.build(directory=str(directory), compile=True, run=False)
            t1 = time.perf_counter()
            b2.device.run(str(directory), with_output=False)
            compile_s, run_s = t1 - t0, time.perf_counter() - t1
            loop_s = float(getattr(b2.device, "_last_run_time", math.nan))
        else:
            compile_s, loop_s = math.nan, math.nan
            run_s = time.perf_counter() - t0
        rho = final_rho(objects["synapses"], len(dts))
    finally:
        if standalone:
            b2.device.reinit()
            b2.device.activate()
            b2.set_device("runtime")
        if tmp is not None:
            tmp.cleanup()
    return {
        "dt": [float(d) for d in dts],
        "rho_init": [float(r) for r in rho_init],
        "rho": rho.tolist(),
        "sigma": sigma,
        "pairs": int(pairs),
        "freq": float(freq),
        "seed": seed,
        "target": target,
        "threads": int(threads),
        "compile_s": compile_s,
        "run_s": run_s,
        "loop_s": loop_s,
        "total_s": time.perf_counter() - t0,
        "brian2_version": str(b2.__version__),
    }


def change(result, p=PARAMETERS):
    """GB2012's readout from a run with synapses started at rho = 0 and at rho = 1.

    Per Δt: ``p_up`` (fraction of the DOWN synapses ending above rho_star), ``p_down``
    (UP synapses ending below it) and ``change``, the mean weight after over before
    with a fraction beta starting DOWN (weight 1) and the rest UP (weight b).
    """
    up, down = [], []
    for rho in result["rho"]:
        start_down = [r for r, r0 in zip(rho, result["rho_init"], strict=True) if r0 == 0.0]
        start_up = [r for r, r0 in zip(rho, result["rho_init"], strict=True) if r0 == 1.0]
        up.append(sum(r > p["rho_star"] for r in start_down) / len(start_down))
        down.append(sum(r < p["rho_star"] for r in start_up) / len(start_up))
    beta, b = p["beta"], p["b"]
    norm = beta + (1 - beta) * b
    ratio = [
        (beta * (1 - u) + (1 - beta) * d + b * (beta * u + (1 - beta) * (1 - d))) / norm
        for u, d in zip(up, down, strict=True)
    ]
    return {"p_up": up, "p_down": down, "change": ratio}


def main(argv=None):
    """Command line: simulate and print (or write) a JSON result."""
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--dts", default="-100:100:10", help="dt values, ms: a:b:step or a,b,c")
    ap.add_argument("--reps", type=int, default=100, help="synapses started DOWN and UP each")
    ap.add_argument("--rho-init", help="comma list of initial rho instead of --reps")
    ap.add_argument("--sigma", type=float, help="noise amplitude (default: the set's)")
    ap.add_argument("--pairs", type=int, default=60, help="number of pairings")
    ap.add_argument("--freq", type=float, default=1.0, help="pairing frequency, Hz")
    ap.add_argument("--seed", type=int, default=1, help="seed of Brian2's random numbers")
    ap.add_argument("--target", default="auto", help="auto, cython, numpy or cpp_standalone")
    ap.add_argument("--directory", help="cpp_standalone project folder (default: temporary)")
    ap.add_argument("--out", help="write the result to this .json file (default: print it)")
    # "--dts -100:100:10" would read as an option: join the value to its flag.
    joined, items = [], iter(sys.argv[1:] if argv is None else argv)
    for a in items:
        joined.append(f"{a}={next(items, '')}" if a in ("--dts", "--rho-init") else a)
    args = ap.parse_args(joined)
    try:
        dts = parse_values(args.dts)
        rho0 = parse_values(args.rho_init) if args.rho_init else None
    except ValueError as exc:
        ap.error(f"--dts/--rho-init: {exc}")
    if not dts or not all(math.isfinite(d) for d in dts):
        ap.error("--dts: give finite values")
    if not (math.isfinite(args.freq) and args.freq > 0) or args.pairs < 1:
        ap.error("--freq must be > 0 Hz and --pairs >= 1")
    half = 500.0 / args.freq
    if any(abs(d) > half or d < -FIRST_PRE_MS for d in dts):
        ap.error(f"--dts: every dt must lie in [-{min(half, FIRST_PRE_MS):g}, {half:g}] ms")
    if rho0 is None:
        if args.reps < 1:
            ap.error("--reps: give at least 1")
        rho0 = [0.0] * args.reps + [1.0] * args.reps
    if args.sigma is not None and not (math.isfinite(args.sigma) and args.sigma >= 0):
        ap.error("--sigma: give a finite value >= 0")
    result = simulate(
        dts, rho0, args.sigma, args.pairs, args.freq, args.seed, args.target, args.directory
    )
    if args.rho_init is None:
        result |= change(result)
    result |= {
        "set": PARAMETERS["set"],
        "mg": PARAMETERS["mg"],
        "exported_by": PARAMETERS["exported_by"],
        "units": {"dt": "ms", "freq": "Hz", "mg": "mM", "rho": "1", "run_s": "s", "total_s": "s"},
    }
    text = json.dumps(result, indent=2) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
