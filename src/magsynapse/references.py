"""Bibliography: every model and parameter in magsynapse names one of these keys.

``magsynapse cite RESULT.nc`` prints the entries a result used; ``--bibtex`` and ``--csl``
write them for a reference manager (:meth:`Source.bibtex`, :meth:`Source.csl`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .errors import MagsynapseError

#: A journal citation: ``Authors (Year). Title. Journal Volume:pages.``
_ARTICLE = re.compile(
    r"^(?P<authors>[^()]+?) \((?P<year>\d{4})\)\. (?P<title>.+?[.?!]) (?P<rest>.+)$"
)
#: The journal part: ``J Neurosci 10:3178-3182.`` (an issue in parentheses allowed).
_JOURNAL = re.compile(r"^(?P<journal>.+?) (?P<volume>\d+)(?:\([^)]*\))?:(?P<pages>[\w\-–]+)\.?$")
#: Characters that BibTeX reads as commands.
_TEX = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\^{}"}
#: One author as cited: surname (with particles) and initials, e.g. ``de Vivo L``.
_AUTHOR = re.compile(r"^(?:[a-z]+ )*[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)* [A-Z]{1,3}$")


@dataclass(frozen=True)
class Source:
    """A reference: a paper (with DOI), a repository, or a recorded modelling choice."""

    key: str
    citation: str
    doi: str = ""
    url: str = ""

    def short(self) -> str:
        """Authors and year for running text: ``Jahr & Stevens 1990``, ``Sun et al.
        2016``; a citation that does not start with authors gives its opening words.

        >>> get_source("jahr_stevens_1990").short(), get_source("sun_2016").short()
        ('Jahr & Stevens 1990', 'Sun et al. 2016')
        """
        head, _, rest = self.citation.partition("(")
        year = rest[:4] if rest[:4].isdigit() else ""
        names = [a.strip() for a in head.strip().rstrip(".,").split(",") if a.strip()]
        if names and all(_AUTHOR.match(n) or n == "et al" for n in names):
            surnames = [n.rsplit(" ", 1)[0] for n in names if n != "et al"]
            if len(names) == 1:
                who = surnames[0]
            elif len(names) == 2 and names[1] != "et al":
                who = f"{surnames[0]} & {surnames[1]}"
            else:
                who = f"{surnames[0]} et al."
        else:
            who = re.split(r"[:.]", head)[0].strip()
            if who != head.strip().rstrip(".,"):
                year = ""  # the parenthesis belongs to a later part of the text
        return f"{who} {year}".strip()

    def parts(self) -> dict | None:
        """The citation's authors ``[(family, initials)]``, year, title, journal, volume
        and pages, or None for a text that is not a journal citation (a modelling choice).

        >>> p = get_source("jahr_stevens_1990").parts()
        >>> p["authors"], p["year"], p["journal"], p["volume"], p["pages"]
        ([('Jahr', 'C. E.'), ('Stevens', 'C. F.')], 1990, 'J Neurosci', '10', '3178-3182')
        """
        m = _ARTICLE.match(self.citation)
        if m is None:
            return None
        names = [a.strip().rstrip(".") for a in m["authors"].split(",") if a.strip()]
        if not names or not all(_AUTHOR.match(n) or n == "et al" for n in names):
            return None
        authors = [
            (n.rsplit(" ", 1)[0], " ".join(f"{c}." for c in n.rsplit(" ", 1)[1]))
            for n in names
            if n != "et al"
        ]
        journal = _JOURNAL.match(m["rest"].strip())
        return {
            "authors": authors,
            "et_al": "et al" in names,
            "year": int(m["year"]),
            "title": m["title"].rstrip("."),
            "journal": journal["journal"] if journal else m["rest"].strip().rstrip("."),
            "volume": journal["volume"] if journal else "",
            "pages": journal["pages"] if journal else "",
        }

    def bibtex(self) -> str:
        """The entry as BibTeX: ``@article`` for a journal citation, else ``@misc`` with
        the text as its note.

        >>> print(get_source("woodhull_1973").bibtex())
        @article{woodhull_1973,
          author = {Woodhull, A. M.},
          year = {1973},
          title = {{Ionic blockage of sodium channels in nerve}},
          journal = {J Gen Physiol},
          volume = {61},
          pages = {687--708},
          doi = {10.1085/jgp.61.6.687},
        }
        """

        def tex(text: str) -> str:
            return "".join(_TEX.get(c, c) for c in text)

        p = self.parts()
        if p is None:
            fields = [("note", tex(self.citation))]
            kind = "misc"
        else:
            names = [f"{tex(family)}, {initials}" for family, initials in p["authors"]]
            fields = [
                ("author", " and ".join(names + (["others"] if p["et_al"] else []))),
                ("year", str(p["year"])),
                ("title", "{" + tex(p["title"]) + "}"),
                ("journal", tex(p["journal"])),
                ("volume", p["volume"]),
                ("pages", p["pages"].replace("-", "--").replace("–", "--")),
            ]
            kind = "article"
        fields += [("doi", self.doi), ("url", tex(self.url))]
        body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
        return f"@{kind}{{{self.key},\n{body}}}"

    def csl(self) -> dict:
        """The entry as CSL-JSON (the format of Zotero, Mendeley and citeproc).

        >>> c = get_source("woodhull_1973").csl()
        >>> c["type"], c["author"][0], c["issued"]
        ('article-journal', {'family': 'Woodhull', 'given': 'A. M.'}, {'date-parts': [[1973]]})
        """
        p = self.parts()
        if p is None:
            out = {"id": self.key, "type": "document", "title": self.citation}
        else:
            out = {
                "id": self.key,
                "type": "article-journal",
                "author": [{"family": f, "given": g} for f, g in p["authors"]],
                "issued": {"date-parts": [[p["year"]]]},
                "title": p["title"],
                "container-title": p["journal"],
            }
            if p["volume"]:
                out["volume"] = p["volume"]
            if p["pages"]:
                out["page"] = p["pages"]
        if self.doi:
            out["DOI"] = self.doi
        if self.url:
            out["URL"] = self.url
        return out

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
        "spec_receptors",
        "Receptor kinetics adopted from the literature: NMDA receptor decay fast for "
        "GluN1/2A (tens of ms) and slow for GluN1/2B (hundreds of ms) in recombinant "
        "receptors, Traynelis SF, et al. (2010). Glutamate receptor ion channels: structure, "
        "regulation, and function. Pharmacol Rev 62:405-496 (Table 16); GABA_A decay 4-7 ms, "
        "Otis TS, Mody I (1992). Neuroscience 49:13-32; GABA_A reversal -80 mV, Destexhe A, "
        "Mainen ZF, Sejnowski TJ (1994). J Comput Neurosci 1:195-230.",
        doi="10.1124/pr.109.002451",
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
        "bienenstock_1982",
        "Bienenstock EL, Cooper LN, Munro PW (1982). Theory for the development of neuron "
        "selectivity: orientation specificity and binocular interaction in visual cortex. "
        "J Neurosci 2:32-48.",
        doi="10.1523/JNEUROSCI.02-01-00032.1982",
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
        "spec_body",
        "Magnesium physiology adopted from reviews: plasma Mg about 55 % ionised, 12-15 % "
        "complexed and 30 % protein-bound, serum 0.65-0.95 mM, Barbagallo M, Belvedere M, "
        "Dominguez LJ (2009). Magnesium homeostasis and aging. Magnes Res 22:235-246; "
        "total body Mg about 24 g with 50-60 % in bone, renal filtration and about 95 % "
        "reabsorption, Jahnen-Dechent W, Ketteler M (2012). Magnesium basics. Clin Kidney J "
        "5(Suppl 1):i3-i14; 24-h urinary Mg 100-150 mg and a slow pool half-life of about "
        "1000 h as used in magnesium balance studies.",
        doi="10.1093/ndtplus/sfr163",
    ),
    Source(
        "fine_1991",
        "Fine KD, Santa Ana CA, Porter JL, Fordtran JS (1991). Intestinal absorption of "
        "magnesium from food and supplements. J Clin Invest 88:396-402.",
        doi="10.1172/JCI115317",
    ),
    Source(
        "firoz_graber_2001",
        "Firoz M, Graber M (2001). Bioavailability of US commercial magnesium preparations. "
        "Magnes Res 14:257-262.",
    ),
    Source(
        "kappeler_2017",
        "Kappeler D, Heimbeck I, Herpich C, et al. (2017). Higher bioavailability of magnesium "
        "citrate as compared to magnesium oxide shown by evaluation of urinary excretion and "
        "serum levels after single-dose administration in a randomized cross-over study. BMC "
        "Nutr 3:7.",
        doi="10.1186/s40795-016-0121-3",
    ),
    Source(
        "dolberg_2017",
        "Dolberg MKB, Nielsen LP, Dahl R (2017). Pharmacokinetic profile of oral magnesium "
        "hydroxide. Basic Clin Pharmacol Toxicol 120:264-269.",
        doi="10.1111/bcpt.12642",
    ),
    Source(
        "oppelt_1963",
        "Oppelt WW, MacIntyre I, Rall DP (1963). Magnesium exchange between blood and "
        "cerebrospinal fluid. Am J Physiol 205:959-962 (dogs).",
    ),
    Source(
        "spec_csf",
        "Haensch CA (2010). Cerebrospinal fluid magnesium level in different neurological "
        "disorders. Neurosci Med 1:60: CSF Mg of 75 controls 0.97 +/- 0.08 mM.",
    ),
    Source(
        "sun_2016",
        "Sun Q, Weinger JG, Mao F, Liu G (2016). Regulation of structural and functional "
        "synapse density by L-threonate through modulation of intraneuronal magnesium "
        "concentration. Neuropharmacology 108:426-439.",
    ),
    Source(
        "slutsky_2010",
        "Slutsky I, Abumaria N, Wu LJ, et al. (2010). Enhancement of learning and memory by "
        "elevating brain magnesium. Neuron 65:165-177.",
        doi="10.1016/j.neuron.2009.12.026",
    ),
    Source(
        "davies_morris_1993",
        "Davies B, Morris T (1993). Physiological parameters in laboratory animals and humans. "
        "Pharm Res 10:1093-1095.",
        doi="10.1023/A:1018943613122",
    ),
    Source(
        "romani_2011",
        "Romani AMP (2011). Cellular magnesium homeostasis. Arch Biochem Biophys 512:1-23.",
        doi="10.1016/j.abb.2011.05.010",
    ),
    Source(
        "nicholson_sykova_1998",
        "Nicholson C, Sykova E (1998). Extracellular space structure revealed by diffusion "
        "analysis. Trends Neurosci 21:207-215.",
        doi="10.1016/S0166-2236(98)01261-2",
    ),
    Source(
        "sakka_2011",
        "Sakka L, Coll G, Chazal J (2011). Anatomy and physiology of cerebrospinal fluid. Eur "
        "Ann Otorhinolaryngol Head Neck Dis 128:309-316.",
        doi="10.1016/j.anorl.2011.03.002",
    ),
    Source(
        "iom_1997",
        "Institute of Medicine (1997). Dietary Reference Intakes for Calcium, Phosphorus, "
        "Magnesium, Vitamin D, and Fluoride. National Academies Press.",
        doi="10.17226/5776",
    ),
    Source(
        "iupac_weights",
        "IUPAC standard atomic weights (Mg 24.305, C 12.011, H 1.008, O 15.999, N 14.007, Cl "
        "35.45, S 32.06); formula weights computed from them.",
    ),
    Source(
        "sbml",
        "Hucka M et al. The Systems Biology Markup Language (SBML), Level 3 Version 2 Core. J "
        "Integr Bioinform 2019; exported with python-libsbml.",
        doi="10.1515/jib-2019-0021",
    ),
    Source(
        "philpot_2001",
        "Philpot BD, Sekhar AK, Shouval HZ, Bear MF (2001). Visual experience and deprivation "
        "bidirectionally modify the composition and function of NMDA receptors in visual "
        "cortex. Neuron 29:157-169.",
        doi="10.1016/S0896-6273(01)00187-8",
    ),
    Source(
        "zhou_2021",
        "Zhou X, Huang Z, Zhang J, et al. (2021). Chronic oral administration of "
        "magnesium-L-threonate prevents oxaliplatin-induced memory and emotional deficits by "
        "normalization of TNF-alpha/NF-kappaB signaling in rats. Neurosci Bull 37:55-69.",
        doi="10.1007/s12264-020-00563-x",
    ),
    Source(
        "wierenga_2005",
        "Wierenga CJ, Ibata K, Turrigiano GG (2005). Postsynaptic expression of homeostatic "
        "plasticity at neocortical synapses. J Neurosci 25:2895-2905.",
        doi="10.1523/JNEUROSCI.5217-04.2005",
    ),
    Source(
        "ibata_2008",
        "Ibata K, Sun Q, Turrigiano GG (2008). Rapid synaptic scaling induced by changes in "
        "postsynaptic firing. Neuron 57:819-826.",
        doi="10.1016/j.neuron.2008.02.031",
    ),
    Source(
        "howarth_2012",
        "Howarth C, Gleeson P, Attwell D (2012). Updated energy budgets for neural "
        "computation in the neocortex and cerebellum. J Cereb Blood Flow Metab 32:1222-1232.",
        doi="10.1038/jcbfm.2012.35",
    ),
    Source(
        "de_vivo_2017",
        "de Vivo L, Bellesi M, Marshall W, et al. (2017). Ultrastructural evidence for "
        "synaptic scaling across the wake/sleep cycle. Science 355:507-510.",
        doi="10.1126/science.aah5982",
    ),
    Source(
        "borbely_1982",
        "Borbely AA (1982). A two process model of sleep regulation. Hum Neurobiol 1:195-204.",
    ),
    Source(
        "daan_1984",
        "Daan S, Beersma DG, Borbely AA (1984). Timing of human sleep: recovery process gated "
        "by a circadian pacemaker. Am J Physiol 246:R161-R183.",
        doi="10.1152/ajpregu.1984.246.2.R161",
    ),
    Source(
        "magnusson_2000",
        "Magnusson KR (2000). Declines in mRNA expression of different subunits may account "
        "for differential effects of aging on agonist and antagonist binding to the NMDA "
        "receptor. J Neurosci 20:1666-1674.",
        doi="10.1523/JNEUROSCI.20-05-01666.2000",
    ),
    Source(
        "clayton_2002",
        "Clayton DA, Mesches MH, Alvarez E, Bickford PC, Browning MD (2002). A hippocampal "
        "NR2B deficit can mimic age-related changes in long-term potentiation and spatial "
        "learning in the Fischer 344 rat. J Neurosci 22:3628-3637.",
        doi="10.1523/JNEUROSCI.22-09-03628.2002",
    ),
    Source(
        "von_engelhardt_2009",
        "von Engelhardt J, Doganci B, Seeburg PH, Monyer H (2009). Synaptic NR2A- but not "
        "NR2B-containing NMDA receptors increase with blockade of ionotropic glutamate "
        "receptors. Front Mol Neurosci 2:19.",
        doi="10.3389/neuro.02.019.2009",
    ),
    Source(
        "cameron_2019",
        "Cameron D, Welch AA, Adelnia F, et al. (2019). Age and muscle function are more "
        "closely associated with intracellular magnesium, as assessed by 31P magnetic "
        "resonance spectroscopy, than with serum magnesium. Front Physiol 10:1454.",
        doi="10.3389/fphys.2019.01454",
    ),
    Source(
        "xiong_2016",
        "Xiong W, Liang Y, Li X, Liu G, Wang Z (2016). Erythrocyte intracellular Mg2+ "
        "concentration as an index of recognition and memory. Sci Rep 6:26975.",
        doi="10.1038/srep26975",
    ),
    Source(
        "brocard_1993",
        "Brocard JB, Rajdev S, Reynolds IJ (1993). Glutamate-induced increases in "
        "intracellular free Mg2+ in cultured cortical neurons. Neuron 11:751-757.",
        doi="10.1016/0896-6273(93)90084-5",
    ),
    Source(
        "tombaugh_2004",
        "Tombaugh TN (2004). Trail Making Test A and B: normative data stratified by age "
        "and education. Arch Clin Neuropsychol 19:203-214.",
        doi="10.1016/S0887-6177(03)00039-8",
    ),
    Source(
        "ashendorf_2008",
        "Ashendorf L, Jefferson AL, O'Connor MK, et al. (2008). Trail Making Test errors in "
        "normal aging, mild cognitive impairment, and dementia. Arch Clin Neuropsychol "
        "23:129-137 (Table 3).",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC2693196/",
    ),
    Source(
        "sanchez_cubillo_2009",
        "Sanchez-Cubillo I, Perianez JA, Adrover-Roig D, et al. (2009). Construct validity "
        "of the Trail Making Test: role of task-switching, working memory, "
        "inhibition/interference control, and visuomotor abilities. J Int Neuropsychol Soc "
        "15:438-450.",
        doi="10.1017/S1355617709090626",
    ),
    Source(
        "brain_lang_2020",
        "Younger (23 y, n = 40) and older (67 y, n = 38) adults' WAIS-III digit span and "
        "CVLT delayed recall, Table 1 of Brain Lang 206:104771 (2020).",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC7754257/",
    ),
    Source(
        "calamia_2012",
        "Calamia M, Markon K, Tranel D (2012). Scoring higher the second time around: "
        "meta-analyses of practice effects in neuropsychological assessment. Clin "
        "Neuropsychol 26:543-570 (prediction equation as restated in Table 1 of "
        "PMC7765738).",
        doi="10.1080/13854046.2012.680913",
    ),
    Source(
        "scharfen_2018",
        "Scharfen J, Jansen K, Holling H (2018). Retest effects in working memory capacity "
        "tests: a meta-analysis. Psychon Bull Rev 25:2175-2199.",
        doi="10.3758/s13423-018-1461-6",
    ),
    Source(
        "batista_2013",
        "Test-retest reliability of the ELSA-Brasil cognitive battery (n = 160, mean age 52, "
        "~20 days): TMT-B ICC 0.91. Dement Neuropsychol 7(4):367-373 (2013).",
    ),
    Source(
        "alioto_2017",
        "Alioto AG, Kramer JH, Borish S, et al. (2017). Long-term test-retest reliability "
        "of the California Verbal Learning Test - second edition. Clin Neuropsychol "
        "31:1449-1458.",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC5737761/",
    ),
    Source(
        "fryar_2025",
        "Fryar CD, et al. (2025). Anthropometric reference data for children and adults: "
        "United States, August 2021-August 2023. Vital Health Stat 3(50), Table 3.",
        url="https://www.cdc.gov/nchs/data/series/sr_03/sr03-050.pdf",
    ),
    Source(
        "ford_mokdad_2003",
        "Ford ES, Mokdad AH (2003). Dietary magnesium intake in a national sample of US "
        "adults. J Nutr 133:2879-2882.",
        doi="10.1093/jn/133.9.2879",
    ),
    Source(
        "nhanes_sleep_2021",
        "NHANES 2015-2016 self-reported sleep (2021). BMC Public Health 21: 2,495 adults, "
        "7.74 +/- 1.24 h (Table 1).",
        doi="10.1186/s12889-021-10369-9",
    ),
    Source(
        "liu_2016",
        "Liu G, Weinger JG, Lu ZL, Xue F, Sadeghpour S (2016). Efficacy and safety of "
        "MMFS-01, a synapse density enhancer, for treating cognitive impairment in older "
        "adults: a randomized, double-blind, placebo-controlled trial. J Alzheimers Dis "
        "49:971-990.",
        doi="10.3233/JAD-150538",
    ),
    Source(
        "hausenblas_2024",
        "Hausenblas HA, Lynch T, Hooper S, Shrestha A, Rosendale D, Gu J (2024). "
        "Magnesium-L-threonate improves sleep quality and daytime functioning in adults "
        "with self-reported sleep problems: a randomized controlled trial. Sleep Med X "
        "8:100121.",
        doi="10.1016/j.sleepx.2024.100121",
    ),
    Source(
        "mitterling_2015",
        "Mitterling T, Hogl B, Schonwald SV, et al. (2015). Sleep and respiration in 100 "
        "healthy Caucasian sleepers: a polysomnographic study according to American "
        "Academy of Sleep Medicine standards. Sleep 38:867-875.",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC4434553/",
    ),
    Source(
        "tucker_2007",
        "Healthy young adults over 8 laboratory nights: intraclass correlation 73 % for "
        "slow-wave sleep, 78-89 % for NREM delta power. J Sleep Res 16 (2007).",
        doi="10.1111/j.1365-2869.2007.00594.x",
    ),
    Source(
        "larsen_1995",
        "Larsen LH, et al. (1995). 50 healthy adults aged 54-82: night-to-night "
        "correlation of slow-wave sleep minutes 0.61 scored visually. Sleep 18:7-10.",
    ),
    Source(
        "grober_2015",
        "Grober U, Schmidt J, Kisters K (2015). Magnesium in prevention and therapy. "
        "Nutrients 7:8199-8226 (a cofactor of more than 300 enzymatic reactions).",
        doi="10.3390/nu7095388",
    ),
    Source(
        "reddy_2018",
        "Reddy ST, Soman SS, Yee J (2018). Magnesium balance and measurement. Adv Chronic "
        "Kidney Dis (involved in over 600 enzymatic reactions).",
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


def cite(key: str) -> str:
    """Authors and year of ``key`` for running HTML text (:meth:`Source.short`, escaped).

    >>> cite("dudek_bear_1992")
    'Dudek &amp; Bear 1992'
    """
    return html.escape(get_source(key).short())


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
