"""Checks of a rendered report page: text blocks, and which of them are untranslated."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from magsynapse.references import SOURCES

#: Blocks of prose: these must be in the page's language.
PROSE = {"p", "figcaption", "h1", "h2", "h3", "h4", "th", "li"}
#: Latin-script words allowed in Hindi prose: units, symbols, receptor and gene names,
#: model and test names, statistics, and the package's own names. Authors' names are
#: taken from the bibliography.
TERMS = set(
    """
    mM mV ms Hz s h d p y kg g mg day mg/day g/day µM nM pA Mg Ca NMDA AMPA GABA_A GABA A
    LTP LTD STDP SNR ATP Mg-ATP GluN2B GluN2A GluA2 NR2B CSF BBB TMT-A TMT-B TMT CVLT ANCOVA
    DP DP_nmda MgT MMFS-01 LIF AdEx MgNet MgNet-AdEx MgNet-Memory mgnet_memory PK NetCDF
    magsynapse Brian2 Cohen's Cohen REM EPSP prior C_post B V Mg-free Flanker Oura d_90
    rms s.d s.e.m SD et al Fig vs E I C pk calibrate claims study lang hi out json nc DIR
    Poisson θ_p θ_d E→E UP DOWN
    """.split()
)


def _authors() -> set[str]:
    words = set()
    for src in SOURCES.values():
        head = src.citation.split("(")[0]
        words |= set(re.findall(r"[A-Za-z][A-Za-z'’\-]+", head))
    return words


ALLOWED = TERMS | _authors()
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’_\-]*")


class Blocks(HTMLParser):
    """Text of every prose block (outside <code>, <pre> and the reference list), and the
    page's ids, links and images."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []
        self.lang = ""
        self._stack: list[str] = []
        self._text: list[list[str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "img":
            self.images.append(a.get("src", ""))
        skip = tag in ("code", "pre") or ("lang" in a and tag != "html")
        if skip or (tag == "ol" and a.get("class") == "references"):
            self._skip += 1
            self._stack.append("skip:" + tag)
            return
        if tag in PROSE:
            self._stack.append(tag)
            self._text.append([])

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == "skip:" + tag:
            self._stack.pop()
            self._skip -= 1
        elif self._stack and self._stack[-1] == tag and tag in PROSE:
            self._stack.pop()
            self.blocks.append((tag, "".join(self._text.pop())))

    def handle_data(self, data):
        if self._text and not self._skip:
            self._text[-1].append(data)


def parse(page: str) -> Blocks:
    b = Blocks()
    b.feed(page)
    return b


def english_words(text: str) -> list[str]:
    """Latin-script words of ``text`` that are not allowed terms, names or units."""
    text = re.sub(r"\bet al\.|\bmagsynapse\.[a-z_.]+", " ", text)
    return [
        w
        for w in WORD.findall(text)
        if w.strip("'’-_") not in ALLOWED and len(w.strip("'’-_")) > 1 and not w.isupper()
    ]
