"""The default study: the chapters of ``make run`` and their report.

For now one chapter, the synapse: block curves, STDP and frequency curves under several
[Mg]o, Shouval's pairing curve and the calcium signal-to-noise. Later layers add chapters.
"""

from .report import run_study

__all__ = ["run_study"]
