"""Bibliography: every model and parameter in magsynapse names one of these keys.

``magsynapse cite RESULT.nc`` prints the entries a result used.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import MagsynapseError


@dataclass(frozen=True)
class Source:
    """A reference: a paper (with DOI), a repository, or a recorded modelling choice."""

    key: str
    citation: str
    doi: str = ""
    url: str = ""

    def format(self) -> str:
        """One line: citation followed by DOI or URL."""
        link = f" https://doi.org/{self.doi}" if self.doi else (f" {self.url}" if self.url else "")
        return f"{self.citation}{link}"


_ENTRIES = [
    Source(
        "jahr_stevens_1990",
        "Jahr CE, Stevens CF (1990). Voltage dependence of NMDA-activated macroscopic "
        "conductances predicted by single-channel kinetics. J Neurosci 10:3178-3182.",
        doi="10.1523/JNEUROSCI.10-09-03178.1990",
    ),
    Source(
        "woodhull_1973",
        "Woodhull AM (1973). Ionic blockage of sodium channels in nerve. J Gen Physiol 61:687-708.",
        doi="10.1085/jgp.61.6.687",
    ),
    Source(
        "sharma_stevens_1996",
        "Sharma G, Stevens CF (1996). Interactions between two divalent ion binding sites "
        "in N-methyl-D-aspartate receptor channels. PNAS 93:14170-14175.",
        doi="10.1073/pnas.93.24.14170",
    ),
    Source(
        "ascher_nowak_1988",
        "Ascher P, Nowak L (1988). The role of divalent cations in the N-methyl-D-aspartate "
        "responses of mouse central neurones in culture. J Physiol 399:247-266.",
        doi="10.1113/jphysiol.1988.sp017078",
    ),
    Source(
        "vargas_caballero_robinson_2004",
        "Vargas-Caballero M, Robinson HPC (2004). Fast and slow voltage-dependent dynamics "
        "of magnesium block in the NMDA receptor: the asymmetric trapping block model. "
        "J Neurosci 24:6171-6180.",
        doi="10.1523/JNEUROSCI.1380-04.2004",
    ),
    Source(
        "kampa_2004",
        "Kampa BM, Clements J, Jonas P, Stuart GJ (2004). Kinetics of Mg2+ unblock of NMDA "
        "receptors: implications for spike-timing dependent synaptic plasticity. "
        "J Physiol 556:337-345.",
        doi="10.1113/jphysiol.2003.058842",
    ),
    Source(
        "qian_2005",
        "Qian A, Buller AL, Johnson JW (2005). NR2 subunit-dependence of NMDA receptor "
        "channel block by external Mg2+. J Physiol 562:319-331.",
        doi="10.1113/jphysiol.2004.076737",
    ),
    Source(
        "destexhe_1994",
        "Destexhe A, Mainen ZF, Sejnowski TJ (1994). An efficient method for computing "
        "synaptic conductances based on a kinetic model of receptor binding. "
        "Neural Comput 6:14-18.",
        doi="10.1162/neco.1994.6.1.14",
    ),
    Source(
        "erreger_2005",
        "Erreger K, Dravid SM, Banke TG, Wyllie DJA, Traynelis SF (2005). Subunit-specific "
        "gating controls rat NR1/NR2A and NR1/NR2B NMDA channel kinetics and synaptic "
        "signalling profiles. J Physiol 563:345-358.",
        doi="10.1113/jphysiol.2004.080028",
    ),
    Source(
        "burnashev_1995",
        "Burnashev N, Zhou Z, Neher E, Sakmann B (1995). Fractional calcium currents "
        "through recombinant GluR channels of the NMDA, AMPA and kainate receptor "
        "subtypes. J Physiol 485:403-418.",
        doi="10.1113/jphysiol.1995.sp020738",
    ),
    Source(
        "model_md_2",
        "magsynapse science contract (MODEL.md section 2): NMDA subunit decay times "
        "GluN1/2A ~70 ms (56-87), GluN1/2B ~300 ms (155-548), recombinant receptors; "
        "GABA_A tau 5-10 ms, E -70 to -80 mV.",
    ),
    Source(
        "graupner_brunel_2012",
        "Graupner M, Brunel N (2012). Calcium-based plasticity model explains sensitivity "
        "of synaptic changes to spike pattern, rate, and dendritic location. "
        "PNAS 109:3991-3996 (noise term per the correction, PNAS 110:E1232, 2013).",
        doi="10.1073/pnas.1109359109",
    ),
    Source(
        "graupner_repo",
        "Graupner M. CalciumBasedPlasticityModel: the authors' implementation "
        "(parameter sets, analytic reduction, readout).",
        url="https://github.com/mgraupe/CalciumBasedPlasticityModel",
    ),
    Source(
        "shouval_2002",
        "Shouval HZ, Bear MF, Cooper LN (2002). A unified model of NMDA receptor-dependent "
        "bidirectional synaptic plasticity. PNAS 99:10831-10836.",
        doi="10.1073/pnas.152343099",
    ),
    Source(
        "folmez_cadp",
        "Olmez F. CaDP-MatLab: a replication of Shouval et al. 2002, which records typos of "
        "the paper (P2 = P1*1e-4; eta in 1/s, not 1/ms).",
        url="https://github.com/folmez/CaDP-MatLab",
    ),
    Source(
        "bi_poo_1998",
        "Bi GQ, Poo MM (1998). Synaptic modifications in cultured hippocampal neurons: "
        "dependence on spike timing, synaptic strength, and postsynaptic cell type. "
        "J Neurosci 18:10464-10472.",
        doi="10.1523/JNEUROSCI.18-24-10464.1998",
    ),
    Source(
        "dudek_bear_1992",
        "Dudek SM, Bear MF (1992). Homosynaptic long-term depression in area CA1 of "
        "hippocampus and effects of N-methyl-D-aspartate receptor blockade. "
        "PNAS 89:4363-4367.",
        doi="10.1073/pnas.89.10.4363",
    ),
    Source(
        "slutsky_2004",
        "Slutsky I, Sadeghpour S, Li B, Liu G (2004). Enhancement of synaptic plasticity "
        "through chronically reduced Ca2+ flux during uncorrelated activity. "
        "Neuron 44:835-849.",
        doi="10.1016/j.neuron.2004.11.013",
    ),
    Source(
        "brian2_gb2012_example",
        "Brian2 example examples/frompapers/Graupner_Brunel_2012.py (Schmitt 2022): "
        "protocol and readout used as the cross-simulator reference.",
        url="https://github.com/brian-team/brian2",
    ),
    Source(
        "magsynapse_choice",
        "magsynapse modelling choice, documented in docs/models.md with its reason.",
    ),
    Source(
        "magsynapse_calibration",
        "magsynapse calibration, recorded with objective, residual and date in the "
        "parameter set (see `magsynapse calibrate`).",
    ),
    Source("user", "Value given by the user for this run."),
]

SOURCES: dict[str, Source] = {s.key: s for s in _ENTRIES}


def get_source(key: str) -> Source:
    """Return the :class:`Source` for ``key``.

    Examples
    --------
    >>> get_source("jahr_stevens_1990").doi
    '10.1523/JNEUROSCI.10-09-03178.1990'
    """
    try:
        return SOURCES[key]
    except KeyError:
        raise MagsynapseError(f"unknown reference {key!r}") from None
