"""Template of the Brian2 script that ``magsynapse export brian2 --model`` writes.

:func:`magsynapse.network.brian2_export.brian2_script` keeps everything below the
``# --- exported script ---`` line, fills in ``PARAMETERS`` (every number of the
configuration, with its unit) and puts a docstring describing the network on top.
The script imports Brian2 and numpy only, never magsynapse; the exporter reads
:data:`QUANTITIES` from here.
"""

# --- exported script ---
import argparse
import json
import math
import sys
import tempfile
import time

PARAMETERS: dict = {}  # the exporter writes the numbers here

#: Unit of every parameter that Brian2 reads as a quantity ("1": a plain number).
QUANTITIES = {
    "C_m": "pF",
    "g_L": "nS",
    "E_L": "mV",
    "V_th": "mV",
    "V_reset": "mV",
    "delta_T": "mV",
    "V_T": "mV",
    "a": "nS",
    "b": "pA",
    "tau_w": "ms",
    "E_exc": "mV",
    "E_inh": "mV",
    "tau_ampa": "ms",
    "tau_gaba": "ms",
    "tau_nmda_rise": "ms",
    "tau_nmda_decay": "ms",
    "block_k": "1",
    "block_a": "1",
    "g_tonic": "nS",
    "tonic_ampa_e": "nS",
    "tonic_nmda_e": "nS",
    "tonic_gaba_e": "nS",
    "tonic_ampa_i": "nS",
    "tonic_nmda_i": "nS",
    "tonic_gaba_i": "nS",
    "w_ee_ampa": "nS",
    "w_ee_nmda": "nS",
    "w_ei_ampa": "nS",
    "w_ei_nmda": "nS",
    "w_ie_gaba": "nS",
    "w_ii_gaba": "nS",
    "tau_ca": "ms",
    "c_pre": "1",
    "c_post": "1",
    "theta_d": "1",
    "theta_p": "1",
    "gamma_d": "1",
    "gamma_p": "1",
    "rho_star": "1",
    "sigma": "1",
    "tau_rho": "s",
}


def neuron_equations(p=PARAMETERS):
    """Brian2 equations of the neurons: conductance-based LIF or AdEx, Mg2+-blocked NMDA;
    ``*_const``: the constant conductances of the weight scaling, set per population."""
    current = (
        "g_L*(E_L - v) + (g_ampa + g_tonic + g_ampa_const)*(E_exc - v)"
        " + (g_nmda + g_nmda_const)*B*(E_exc - v) + (g_gaba + g_gaba_const)*(E_inh - v)"
    )
    adaptation = ""
    if p["adex"]:
        current += " + g_L*delta_T*exp(clip((v - V_T)/delta_T, -inf, 20)) - w_ad"
        adaptation = "dw_ad/dt = (a*(v - E_L) - w_ad)/tau_w : amp (unless refractory)\n"
    return (
        f"dv/dt = ({current})/C_m : volt (unless refractory)\n"
        + adaptation
        + "B = 1/(1 + mg/block_k*exp(-block_a*v/mV)) : 1\n"
        "g_nmda = nmda_scale*(nmda_a - nmda_b) : siemens\n"
        "g_ampa : siemens\n"
        "g_gaba : siemens\n"
        "nmda_a : siemens\n"
        "nmda_b : siemens\n"
        "g_ampa_const : siemens (constant)\n"
        "g_nmda_const : siemens (constant)\n"
        "g_gaba_const : siemens (constant)\n"
        "mg : 1 (shared, constant)\n"
    )


def ee_synapse_model(p=PARAMETERS):
    """Brian2 model of the E->E synapses: calcium ``c`` and efficacy ``rho``.

    Plastic synapses follow the bistable rule (clock-driven, with the threshold-gated
    noise when ``sigma > 0``); static ones keep ``rho`` at its initial value.
    """
    if not p["plastic"]:
        return "rho : 1 (constant)\n"
    drift = (
        "-rho*(1 - rho)*(rho_star - rho) + gamma_p*(1 - rho)*int(c > theta_p)"
        " - gamma_d*rho*int(c > theta_d)"
    )
    if p["sigma"] > 0:
        drift += " + sigma*sqrt(tau_rho)*sqrt(int(c > theta_d) + int(c > theta_p))*xi"
    return f"dc/dt = -c/tau_ca : 1 (clock-driven)\ndrho/dt = ({drift})/tau_rho : 1 (clock-driven)\n"


#: Exact decay of the synaptic conductances over one step, after the membrane update.
DECAY = (
    "g_ampa *= exp(-dt/tau_ampa)\n"
    "g_gaba *= exp(-dt/tau_gaba)\n"
    "nmda_a *= exp(-dt/tau_nmda_decay)\n"
    "nmda_b *= exp(-dt/tau_nmda_rise)\n"
)


def namespace(b2, p=PARAMETERS):
    """The parameters as Brian2 quantities."""
    ms, mV, nS, pF, pA = b2.ms, b2.mV, b2.nS, b2.pF, b2.pA
    units = {"ms": ms, "mV": mV, "nS": nS, "pF": pF, "pA": pA, "s": b2.second, "1": 1.0}
    out = {k: p[k] * units[u] for k, u in QUANTITIES.items()}
    out["nmda_scale"] = p["tau_nmda_decay"] / (p["tau_nmda_decay"] - p["tau_nmda_rise"])
    return out


def connect(synapses, same, count, p=PARAMETERS):
    """Connect every pair with probability p, or (in a fixed in-degree network) give
    every target exactly ``count`` sources drawn without replacement; ``same``: source
    and target are one population, and no neuron is its own source."""
    if p["k_exc"] + p["k_inh"] == 0:
        synapses.connect(condition="i != j" if same else None, p=p["p"], namespace={})
    elif same:
        generator = f"k + int(k >= j) for k in sample(N_pre - 1, size={int(count)})"
        synapses.connect(i=generator, namespace={})
    elif count > 0:
        synapses.connect(i=f"k for k in sample(N_pre, size={int(count)})", namespace={})


def build_network(b2, mg, p=PARAMETERS, record_spikes=False):
    """Create the network in Brian2's current scope at [Mg]o ``mg`` (mM).

    Returns a dict of its objects: ``net``, ``neurons``, ``ee`` (E->E synapses) and
    ``spikes`` (a SpikeMonitor that records every spike when ``record_spikes``).
    """
    ns = namespace(b2, p)
    reset = "v = V_reset\nw_ad += b" if p["adex"] else "v = V_reset"
    neurons = b2.NeuronGroup(
        p["N"],
        neuron_equations(p),
        threshold="v > V_th",
        reset=reset,
        refractory=p["t_ref"] * b2.ms,
        method="euler",
        namespace=ns,
        name="neurons",
    )
    neurons.v = "E_L + rand()*(V_th - E_L)"
    neurons.run_regularly(DECAY, when="after_groups", name="decay")
    neurons.mg = float(mg)
    exc, inh = neurons[: p["N_E"]], neurons[p["N_E"] :]
    for group, pop in ((exc, "e"), (inh, "i")):
        for receptor in ("ampa", "nmda", "gaba"):
            setattr(group, f"g_{receptor}_const", ns[f"tonic_{receptor}_{pop}"])
    on_pre = "g_ampa_post += w_ee_ampa\nnmda_a_post += w_ee_nmda*rho\nnmda_b_post += w_ee_nmda*rho"
    if p["plastic"]:
        on_pre += "\nc += c_pre*B_post" if p["voltage_gated_pre"] else "\nc += c_pre"
    ee = b2.Synapses(
        exc,
        exc,
        model=ee_synapse_model(p),
        on_pre=on_pre,
        on_post="c += c_post" if p["plastic"] else None,
        method="heun" if p["plastic"] and p["sigma"] > 0 else "euler",
        namespace=ns,
        name="ee",
    )
    connect(ee, True, p["k_exc"], p)
    if p["plastic"]:
        ee.c = 0.0
    ee.rho = p["rho0"]
    ei = b2.Synapses(
        exc,
        inh,
        on_pre="g_ampa_post += w_ei_ampa\nnmda_a_post += w_ei_nmda\nnmda_b_post += w_ei_nmda",
        namespace=ns,
        name="ei",
    )
    ie = b2.Synapses(inh, exc, on_pre="g_gaba_post += w_ie_gaba", namespace=ns, name="ie")
    ii = b2.Synapses(inh, inh, on_pre="g_gaba_post += w_ii_gaba", namespace=ns, name="ii")
    for syn, same, count in (
        (ei, False, p["k_exc"]),
        (ie, False, p["k_inh"]),
        (ii, True, p["k_inh"]),
    ):
        connect(syn, same, count, p)
    objects = [neurons, ee, ei, ie, ii]
    if p["sources"] > 0 and p["rate"] > 0:
        objects.append(
            b2.PoissonInput(
                neurons,
                "g_ampa",
                N=p["sources"],
                rate=p["rate"] * b2.Hz,
                weight=p["weight"] * b2.nS,
            )
        )
    spikes = b2.SpikeMonitor(neurons, record=bool(record_spikes), name="spike_monitor")
    objects.append(spikes)
    return {"net": b2.Network(*objects), "neurons": neurons, "ee": ee, "spikes": spikes}


def observables(objects, T, p=PARAMETERS):
    """Mean E and I rates over the run (Hz) and the final mean E->E efficacy."""
    import numpy as np

    counts = np.asarray(objects["spikes"].count[:], dtype=float)
    n_e, n_i = p["N_E"], p["N"] - p["N_E"]
    rho = np.asarray(objects["ee"].rho[:])
    return {
        "rate_E": float(counts[:n_e].sum() / n_e / T),
        "rate_I": float(counts[n_e:].sum() / n_i / T),
        "rho_mean": float(rho.mean()) if rho.size else math.nan,
    }


def simulate(mg_values, seed=1, T=1.0, target="auto", directory=None, threads=1, spikes=False):
    """Run the network for ``T`` s at every [Mg]o of ``mg_values`` (mM), one seed.

    ``target`` is a Brian2 code-generation target (``"auto"``, ``"cython"``, ``"numpy"``)
    or ``"cpp_standalone"``, which compiles the network once (in ``directory``, a
    temporary one by default; ``threads`` OpenMP threads) and runs the binary once per
    value with [Mg]o as a run argument. The seed fixes connectivity, initial state and
    drive: every value runs on the same network. Returns lists per value (``rate_E``,
    ``rate_I`` in Hz, ``rho_mean``, ``run_s``) and, with ``spikes``, the spike times (s)
    and indices of each run.
    """
    import brian2 as b2

    mgs = [float(m) for m in mg_values]
    keys = ("rate_E", "rate_I", "rho_mean", "run_s") + (("spikes",) if spikes else ())
    out = {k: [] for k in keys}
    standalone = target == "cpp_standalone"
    tmp = None
    t0 = time.perf_counter()
    if standalone:
        if directory is None:
            tmp = tempfile.TemporaryDirectory(prefix="brian2_network_")
            directory = tmp.name
        b2.set_device("cpp_standalone", directory=str(directory), build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = int(threads) if threads > 1 else 0
    else:
        b2.prefs.codegen.target = target
    try:
        for index, mg in enumerate(mgs):
            if not standalone or index == 0:
                b2.start_scope()
                b2.defaultclock.dt = PARAMETERS["dt"] * b2.ms
                b2.seed(int(seed))
                objects = build_network(b2, mg, record_spikes=spikes)
            t1 = time.perf_counter()
            if standalone:
                if index == 0:
                    objects["net"].run(T * b2.second, namespace={})
                    b2.device.build(directory=str(directory), compile=True, run=False)
                    t1 = time.perf_counter()
                b2.device.run(
                    str(directory), with_output=False, run_args={objects["neurons"].mg: mg}
                )
            else:
                objects["net"].run(T * b2.second, namespace={})
            out["run_s"].append(time.perf_counter() - t1)
            for k, v in observables(objects, T).items():
                out[k].append(v)
            if spikes:
                mon = objects["spikes"]
                out["spikes"].append({"t": mon.t_[:].tolist(), "i": mon.i[:].tolist()})
    finally:
        if standalone:
            b2.device.reinit()
            b2.device.activate()
            b2.set_device("runtime")
        if tmp is not None:
            tmp.cleanup()
    return out | {
        "mg": mgs,
        "seed": int(seed),
        "T": float(T),
        "target": target,
        "threads": int(threads),
        "total_s": time.perf_counter() - t0,
        "brian2_version": str(b2.__version__),
        "network": PARAMETERS["name"],
        "exported_by": PARAMETERS["exported_by"],
        "units": {
            "mg": "mM",
            "T": "s",
            "rate_E": "Hz",
            "rate_I": "Hz",
            "rho_mean": "1",
            "run_s": "s",
            "total_s": "s",
            "spike_t": "s",
        },
    }


def main(argv=None):
    """Command line: simulate and print (or write) a JSON result."""
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument(
        "--mg", default=str(PARAMETERS["mg"]), help="[Mg]o, mM (a comma list runs each)"
    )
    ap.add_argument("--seed", type=int, default=1, help="seed of Brian2's random numbers")
    ap.add_argument("--T", type=float, default=1.0, help="simulated time, s")
    ap.add_argument("--target", default="auto", help="auto, cython, numpy or cpp_standalone")
    ap.add_argument("--directory", help="cpp_standalone project folder (default: temporary)")
    ap.add_argument("--threads", type=int, default=1, help="OpenMP threads (cpp_standalone)")
    ap.add_argument("--spikes", action="store_true", help="include every spike in the result")
    ap.add_argument("--out", help="write the result to this .json file (default: print it)")
    args = ap.parse_args(argv)
    try:
        mgs = [float(x) for x in args.mg.split(",") if x.strip()]
    except ValueError:
        ap.error(f"--mg: not a number or comma list: {args.mg!r}")
    if not mgs or not all(math.isfinite(m) and m >= 0 for m in mgs):
        ap.error("--mg: give finite concentrations >= 0 mM")
    if not (math.isfinite(args.T) and args.T > 0):
        ap.error("--T: give a finite time > 0 s")
    if args.threads < 1:
        ap.error("--threads: give at least 1")
    result = simulate(
        mgs, args.seed, args.T, args.target, args.directory, args.threads, args.spikes
    )
    text = json.dumps(result, indent=2) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
