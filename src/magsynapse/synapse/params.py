"""Parameter sets of the synapse layer (docs/specification.md §3–§4), each value with its source.

* :data:`BISTABLE_SETS` — the nine Graupner & Brunel (2012) sets (Table S1 and the
  authors' repository) plus ``DP_nmda``, the bistable rule calibrated on the
  voltage-dependent NMDA calcium (see :mod:`magsynapse.synapse.calibrate`).
* :data:`OMEGA_ETA` — the Shouval, Bear & Cooper (2002) rule.
* :data:`NMDA_VOLTAGE` — the voltage-dependent NMDA calcium model of Shouval et al.
  (2002) with the parameters of the replication folmez/CaDP-MatLab.
* :data:`LINEAR_CALCIUM` — settings of the linear (GB2012) calcium model shared by all
  sets (the resting potential at which Mg²⁺ scales the presynaptic calcium).

GB2012's readout parameter β is the fraction of synapses initially in the DOWN state
(the authors' code and the Brian2 example); the specification calls it the "initial UP fraction",
which is the same number for every set with β = 0.5 — only "hippocampal slices" (β = 0.7)
is affected, and magsynapse follows the authors.
"""

from __future__ import annotations

import json
from importlib import resources

from ..provenance import Param, ParameterSet, Registry

_GB_COLUMNS = (
    "tau_ca",
    "c_pre",
    "c_post",
    "theta_d",
    "theta_p",
    "gamma_d",
    "gamma_p",
    "sigma",
    "tau",
    "rho_star",
    "delay",
    "beta",
    "b",
)
_GB_UNITS = ("ms", "1", "1", "1", "1", "1", "1", "1", "s", "1", "ms", "1", "1")
_GB_NOTES = {
    "tau_ca": "calcium decay time constant",
    "c_pre": "presynaptically evoked calcium amplitude at [Mg]o = 1 mM",
    "c_post": "postsynaptically evoked calcium amplitude",
    "theta_d": "depression threshold",
    "theta_p": "potentiation threshold",
    "gamma_d": "depression rate",
    "gamma_p": "potentiation rate",
    "sigma": "noise amplitude",
    "tau": "time constant of the efficacy rho",
    "rho_star": "boundary of the basins of attraction",
    "delay": "delay of the presynaptic calcium transient",
    "beta": "fraction of synapses initially in the DOWN state",
    "b": "ratio of UP to DOWN synaptic weight",
}

# Graupner & Brunel 2012, Table S1 (values as in the authors' repository).
_GB_TABLE = {
    "DP": (20, 1, 2, 1, 1.3, 200, 321.808, 2.8284, 150, 0.5, 13.7, 0.5, 5),
    "DPD": (20, 0.9, 0.9, 1, 1.3, 250, 550, 2.8284, 150, 0.5, 4.6, 0.5, 5),
    "DPD_prime": (20, 1, 2, 1, 2.5, 50, 600, 2.8284, 150, 0.5, 2.2, 0.5, 5),
    "P": (20, 2, 2, 1, 1.3, 160, 257.447, 2.8284, 150, 0.5, 0, 0.5, 5),
    "D": (20, 0.6, 0.6, 1, 1.3, 500, 550, 5.6568, 150, 0.5, 0, 0.5, 5),
    "D_prime": (20, 1, 2, 1, 3.5, 60, 600, 2.8284, 150, 0.5, 0, 0.5, 5),
    "hippocampal_slices": (
        48.8373,
        1,
        0.275865,
        1,
        1.3,
        313.0965,
        1645.59,
        9.1844,
        688.355,
        0.5,
        18.8008,
        0.7,
        5.28145,
    ),
    "hippocampal_cultures": (
        11.9536,
        0.58156,
        1.76444,
        1,
        1.3,
        61.141,
        113.6545,
        2.5654,
        33.7596,
        0.5,
        10,
        0.5,
        36.0263,
    ),
    "cortical_slices": (
        22.6936,
        0.5617539,
        1.23964,
        1,
        1.3,
        331.909,
        725.085,
        3.3501,
        346.3615,
        0.5,
        4.6098,
        0.5,
        5.40988,
    ),
}

BISTABLE_SETS: Registry[ParameterSet] = Registry("parameter set")

for _name, _row in _GB_TABLE.items():
    BISTABLE_SETS.register(
        _name,
        ParameterSet(
            _name,
            "bistable",
            {
                col: Param(float(v), unit, "graupner_brunel_2012", _GB_NOTES[col])
                for col, unit, v in zip(_GB_COLUMNS, _GB_UNITS, _row, strict=True)
            },
            f"Graupner & Brunel 2012, Table S1, set {_name}",
            extra_sources=("graupner_repo",),
        ),
    )


def _load_dp_nmda() -> ParameterSet:
    """DP_nmda as written by ``magsynapse calibrate dp-nmda --out`` (copied into the
    source tree)."""
    text = resources.files("magsynapse.synapse").joinpath("data/dp_nmda.json").read_text()
    return ParameterSet.from_dict(json.loads(text))


BISTABLE_SETS.register("DP_nmda", _load_dp_nmda())

OMEGA_ETA = ParameterSet(
    "shouval_2002",
    "omega_eta",
    {
        "alpha1": Param(0.35, "uM", "shouval_2002"),
        "alpha2": Param(0.55, "uM", "shouval_2002"),
        "beta1": Param(80.0, "1/uM", "shouval_2002"),
        "beta2": Param(80.0, "1/uM", "shouval_2002"),
        "p1": Param(0.1, "s", "shouval_2002"),
        "p2": Param(1e-5, "uM^3", "folmez_cadp", "P2 = P1*1e-4 (typo in the paper)"),
        "p3": Param(3.0, "1", "shouval_2002"),
        "p4": Param(1.0, "s", "shouval_2002"),
        "lam": Param(1.0, "1", "shouval_2002", "decay term lambda"),
        "w0": Param(0.25, "1", "folmez_cadp", "initial weight, the resting fixed point Omega(0)"),
    },
    "Shouval, Bear & Cooper 2002 calcium control rule",
    extra_sources=("folmez_cadp",),
)

NMDA_VOLTAGE = ParameterSet(
    "shouval_2002_calcium",
    "calcium.nmda_voltage",
    {
        "p0": Param(0.5, "1", "shouval_2002", "fraction of NMDARs opening"),
        "g_nmda": Param(-1.0 / 500.0, "uM/(ms mV)", "shouval_2002"),
        "v_ca": Param(130.0, "mV", "shouval_2002", "calcium reversal potential"),
        "i_f": Param(0.5, "1", "shouval_2002"),
        "i_s": Param(0.5, "1", "shouval_2002"),
        "tau_f": Param(50.0, "ms", "shouval_2002"),
        "tau_s": Param(200.0, "ms", "shouval_2002"),
        "tau_ca": Param(50.0, "ms", "shouval_2002"),
        "v_rest": Param(-65.0, "mV", "folmez_cadp"),
        "epsp_amp": Param(
            1.0, "mV", "folmez_cadp", "EPSP peak; Shouval Fig. 3B (frequency protocol) used 10 mV"
        ),
        "epsp_tau1": Param(50.0, "ms", "shouval_2002"),
        "epsp_tau2": Param(5.0, "ms", "shouval_2002"),
        "bpap_amp": Param(100.0, "mV", "shouval_2002"),
        "bpap_i_f": Param(0.75, "1", "shouval_2002", "fast fraction of the BPAP"),
        "bpap_tau_f": Param(3.0, "ms", "shouval_2002"),
        "bpap_tau_s": Param(25.0, "ms", "shouval_2002", "slow tail (after-depolarisation)"),
        "bpap_delay": Param(2.0, "ms", "shouval_2002", "BPAP arrival after the somatic spike"),
    },
    "Shouval et al. 2002 voltage-dependent NMDA calcium entry (parameters of the "
    "replication folmez/CaDP-MatLab, which records the paper's typos); presynaptic "
    "NMDA currents are summed over spikes",
    extra_sources=("folmez_cadp",),
)

LINEAR_CALCIUM = ParameterSet(
    "graupner_brunel_2012_calcium",
    "calcium.linear",
    {
        "v_rest": Param(
            -65.0,
            "mV",
            "magsynapse_choice",
            "resting potential at which the block scales C_pre; the same as the "
            "nmda_voltage model's",
        ),
        "mg_ref": Param(
            1.0,
            "mM",
            "magsynapse_choice",
            "[Mg]o at which the GB2012 amplitudes hold (ACSF of the data)",
        ),
    },
    "Linear calcium of Graupner & Brunel 2012; Mg enters as "
    "C_pre,eff = C_pre * B(V_rest, [Mg]o) / B(V_rest, mg_ref)",
)
